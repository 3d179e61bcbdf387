//! Memory of users across sessions, served from the `[memory]` section without code.
//!
//! The store ([`SqliteMemoryStore`], [`PostgresMemoryStore`]) keeps each fact of a user as
//! one row under the user's key (the HMAC-SHA256 of their identity under the server's
//! secret, see [`cxhook::memory`]): a dump of the table holds no user ID and no phone
//! number. [`around`] puts the [`MemoryLayer`] around a router's routes, with what the
//! section configures:
//!
//! - the session parameters to remember whenever a call's request or reply sets them
//!   (`remember`);
//! - the recall on the first call of a session from a known user and on the tag
//!   `memory.recall`: the reply sets the remembered parameters the session lacks, and
//!   `memory_recalled`;
//! - the tag `memory.forget`, which erases everything about the caller, clears the
//!   remembered parameters from the session and says so (`memory-forgotten`);
//! - the retention sweep, a start-up task of the router ([`Router::on_start`]) that erases
//!   facts last written longer ago than `retention_days` (90), every `sweep_interval_ms`.
//!
//! Memory needs its secret, from an environment variable or a file, never the
//! configuration. Without one given, memory on a SQLite database keeps one in a file beside
//! it, which `cxhook serve` makes at its first start ([`keep_secret`]); on Postgres, shared by
//! replicas that must share the secret too, it stays off (a warning at start-up), its tags
//! are not served, and nothing is remembered (see [`SecretSource`]).

mod config;
#[cfg(feature = "postgres")]
mod postgres;
mod secret;
mod sqlite;
pub mod sweep;

use std::sync::Arc;
use std::time::SystemTime;

use cxhook::extract::{LanguageCode, State};
use cxhook::memory::{Memory, MemoryLayer, MemorySecret, MemoryStore};
use cxhook::{Reply, Router};

use crate::messages::Catalog;

pub use config::{MemoryConfig, MemoryTags};
#[cfg(feature = "postgres")]
pub use postgres::PostgresMemoryStore;
pub use secret::{SecretFileError, SecretSource, read_kept};
pub use sqlite::SqliteMemoryStore;
pub use sweep::Now;

pub use crate::database::PostgresConfig;
pub use crate::database_config::DatabaseConfig;
pub use crate::sqlite::{DatabaseOptions, OpenError};
pub use crate::{ConfigError, Error};

/// What [`around_with`] keeps the memory in, instead of what [`around`] opens.
#[derive(Clone)]
pub struct Parts {
    /// Where the facts are kept.
    pub store: Arc<dyn MemoryStore>,
    /// The secret users are keyed with.
    pub secret: MemorySecret,
    /// What the replies are said with.
    pub messages: Arc<Catalog>,
    /// What time it is for the retention sweep.
    pub now: Now,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts").finish_non_exhaustive()
    }
}

/// The store `config` names, opened (created and migrated when needed); blocking, call it
/// at start-up. For the command line's `memory show` and `memory forget` as much as for
/// serving.
pub fn open(config: &MemoryConfig) -> Result<Arc<dyn MemoryStore>, Error> {
    Ok(opened(config)?.0)
}

/// A readiness check of a store.
type Ping = Arc<dyn Fn() -> cxhook::BoxFuture<Result<(), cxhook::BoxError>> + Send + Sync>;

/// The store `config` names, opened, and its readiness check.
fn opened(config: &MemoryConfig) -> Result<(Arc<dyn MemoryStore>, Ping), Error> {
    config.validate()?;
    #[cfg(feature = "postgres")]
    if crate::database::is_postgres(&config.database) {
        let store = PostgresMemoryStore::open(&config.postgres_options()?)?;
        let pinged = store.clone();
        let ping: Ping = Arc::new(move || -> cxhook::BoxFuture<_> {
            let store = pinged.clone();
            Box::pin(async move { store.ping().await.map_err(Into::into) })
        });
        return Ok((Arc::new(store), ping));
    }
    let store = SqliteMemoryStore::open(&config.database_options())?;
    let pinged = store.clone();
    let ping: Ping = Arc::new(move || -> cxhook::BoxFuture<_> {
        let store = pinged.clone();
        Box::pin(async move { store.ping().await.map_err(Into::into) })
    });
    Ok((Arc::new(store), ping))
}

/// `routes` with memory around them, as `config` says: the store opened (with a readiness
/// check), the tags served, the retention sweep started with the router. When memory is
/// disabled or has no secret, `routes` as they are: a secret file kept beside a SQLite
/// database is read, never made here ([`keep_secret`] makes it, as `cxhook serve` does
/// first; see [`SecretSource`]).
pub fn around(config: &MemoryConfig, routes: Router) -> Result<Router, Error> {
    around_saying(config, routes, Catalog::shipped())
}

/// [`around`], with replies said from `messages` instead of the shipped catalog.
pub fn around_saying(
    config: &MemoryConfig,
    routes: Router,
    messages: Arc<Catalog>,
) -> Result<Router, Error> {
    config.validate()?;
    if !config.enabled {
        return Ok(routes);
    }
    let Some(secret) = secret(config)? else {
        return Ok(routes);
    };
    let (store, ping) = opened(config)?;
    let parts = Parts {
        store,
        secret,
        messages,
        now: sweep::system_now(),
    };
    Ok(around_with(config, routes, parts)?.ready_check("memory", move || ping()))
}

/// Makes the file the secret of `config` is kept in ([`SecretSource::Kept`]) unless it
/// exists: `cxhook serve`'s start-up, before memory is built. Nothing when memory is
/// disabled, a secret is given or the database is Postgres; a file that exists is never
/// replaced, whatever it holds. Whether the file was made now.
pub fn keep_secret(config: &MemoryConfig) -> Result<bool, Error> {
    if !config.enabled {
        return Ok(false);
    }
    match config.secret_source()? {
        SecretSource::Kept(file) => Ok(secret::make(&file)?),
        SecretSource::Given(_) | SecretSource::Missing => Ok(false),
    }
}

/// The secret users are keyed with, as `config` says ([`SecretSource`]), logged when it is
/// the kept file's; `None`, logged, when memory has none and stays off.
fn secret(config: &MemoryConfig) -> Result<Option<MemorySecret>, Error> {
    match config.secret_source()? {
        SecretSource::Given(secret) => Ok(Some(secret)),
        SecretSource::Kept(file) => {
            let Some(secret) = read_kept(&file)? else {
                // Said at `info`: the tools that build the webhook in-process make no file.
                tracing::info!(
                    file = %file.display(),
                    "memory is off: neither {} nor `memory.secret_file` is set, and the \
                     secret file beside the database does not exist (`cxhook serve` makes it)",
                    config.secret_env
                );
                return Ok(None);
            };
            tracing::info!(
                file = %file.display(),
                "memory keys users with the secret in its file beside the database; \
                 replicas must share one secret instead: set {} or `memory.secret_file`",
                config.secret_env
            );
            Ok(Some(secret))
        }
        SecretSource::Missing => {
            tracing::warn!(
                "memory is off: its database is Postgres, shared by replicas that must key \
                 users with one secret, and none is set (a secret made by each replica \
                 would split every user); set {} or `memory.secret_file`",
                config.secret_env
            );
            Ok(None)
        }
    }
}

/// `routes` with memory around them over `parts` (a store of another backend, a clock of
/// the test's). When memory is disabled, `routes` as they are.
pub fn around_with(config: &MemoryConfig, routes: Router, parts: Parts) -> Result<Router, Error> {
    config.validate()?;
    if !config.enabled {
        return Ok(routes);
    }
    let layer = MemoryLayer::new(parts.store.clone(), parts.secret)
        .identities(config.identities()?)
        .remember(config.remember.iter().cloned())
        .recall(config.recall());
    let sweeping = sweep::task(
        &parts.store,
        config.retention(),
        config.sweep_interval(),
        parts.now,
    );
    Ok(routes
        .merge(tags(config, parts.messages))
        .layer(layer)
        .on_start("memory.sweep", sweeping))
}

/// What the tags' handlers know.
#[derive(Clone)]
struct Tags {
    messages: Arc<Catalog>,
    remember: Arc<[String]>,
    prefix: String,
    marker: String,
}

/// The router of the two tags.
fn tags(config: &MemoryConfig, messages: Arc<Catalog>) -> Router {
    Router::new()
        .route(&config.tags.recall, recall)
        .route(&config.tags.forget, forget)
        .with_state(Tags {
            messages,
            remember: config.remember.iter().cloned().collect(),
            prefix: config.recall_prefix.clone(),
            marker: config.recalled_param.clone(),
        })
}

/// `memory.recall`: the layer sets the remembered parameters in the reply.
async fn recall() -> Reply {
    Reply::new()
}

/// `memory.forget`: erases everything about the caller now (not at the call's end, so
/// that a store that fails is said), clears the remembered parameters from the session,
/// and says so.
async fn forget(
    State(tags): State<Tags>,
    memory: Option<Memory>,
    LanguageCode(language): LanguageCode,
) -> Reply {
    if let Some(memory) = memory {
        memory.forget_all();
        if let Err(error) = memory.commit(SystemTime::now()).await {
            tracing::warn!(
                user = memory.user().map(|user| user.short()),
                error = %error,
                "memory: the caller could not be forgotten"
            );
            return Reply::text(tags.messages.say(&language, "memory-unavailable", &[]));
        }
    }
    let reply = Reply::text(tags.messages.say(&language, "memory-forgotten", &[]));
    tags.remember
        .iter()
        .fold(reply, |reply, name| {
            reply.clear_param(format!("{}{name}", tags.prefix))
        })
        .set_param(&tags.marker, false)
}
