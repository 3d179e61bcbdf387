//! Accounts: balances and recent transactions from a database.
//!
//! Two tags, configurable ([`AccountTags`]):
//!
//! - `account.balance` reads the parameter `user_id` and answers with the balance,
//!   formatted for the account's currency and the request's language. It sets the session
//!   parameters `account_found` (bool), `balance` (the display string), `balance_minor` (the
//!   exact amount in minor units) and `currency` (the ISO code).
//! - `account.transactions` lists the last `count` transactions (a parameter; 3 when
//!   absent, at most [`AccountsConfig::max_transactions`], and the reply says so when it
//!   caps) in one sentence, each with its description, signed amount and date said as words
//!   ("Coffee Corner for -$4.50 on December 3"), and sets `account_found` and
//!   `transaction_count`. A `count` of 0, below 0, fractional or not a number (digits and the
//!   English words one to twenty are) is asked for again, saying why, with the form's `count`
//!   marked invalid when the page has one.
//!
//! An unknown `user_id` gets a reply saying so and `account_found = false` (and the balance
//! parameters cleared); a missing one gets a reply asking for it, or, when the page's form has
//! a `user_id` parameter, that parameter marked invalid so the agent asks again. A database
//! that fails, is locked or does not answer within the query timeout gives an error with a
//! sentence that is safe to say; the recover layer answers with it and logs the error.
//!
//! Replies are in the call's language, from the [message catalogs](crate::messages); the
//! amounts in them, and the `balance` parameter, are formatted for the call's full
//! language tag ([`money`]), and the dates are words in the call's language and region:
//! "December 3", "3 December" in `en-GB`, "3. Dezember".
//!
//! Parameters are read through [`Params`](cxhook::extract::Params): the page's form's value
//! where it has one, else the session parameter's (see [the crate's shape](crate#one-shape)).
//!
//! The store sits behind [`AccountStore`]; [`SqliteStore`] is the embedded default, and
//! [`PostgresStore`] (feature `postgres`) serves many replicas from one server, picked when
//! `database` is a Postgres URL ([`crate::database`]).

mod handlers;
pub mod money;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;
mod store;

use std::path::PathBuf;
use std::sync::Arc;

use cxhook::Router;
use serde::{Deserialize, Serialize};

use crate::config::{check_tags, problem};
pub use crate::database::PostgresConfig;
#[cfg(feature = "postgres")]
use crate::database::is_postgres;
pub use crate::database_config::DatabaseConfig;
use crate::database_config::impl_database_config;
use crate::messages::Catalog;
pub use crate::sqlite::{DatabaseOptions, OpenError};
pub use crate::{ConfigError, Error};
pub use handlers::DEFAULT_TRANSACTION_COUNT;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
/// The rusqlite this crate uses, for [`SqliteStore::with_connection`].
pub use rusqlite;
pub use sqlite::SqliteStore;
pub use store::{Account, AccountStore, StoreError, StoreFuture, Transaction};

/// The `[accounts]` configuration; every key has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    /// Whether the accounts tags are served (default true).
    pub enabled: bool,
    /// The SQLite database file, relative to the working directory (default `cxhook.db`);
    /// created, migrated and seeded with demo accounts when missing. Or a Postgres server:
    /// a `postgres://` URL or a key/value connection string, without the password (see
    /// [`AccountsConfig::postgres`]); its tables are created, with the demo accounts, when
    /// missing.
    pub database: PathBuf,
    /// How many connection threads serve SQLite queries (default 2); at least 1. (On
    /// Postgres the pool's size is [`PostgresConfig::pool_size`].)
    pub connections: usize,
    /// How long a query may take before the call gets the fallback answer, in milliseconds
    /// (default 1000); more than 0.
    pub query_timeout_ms: u64,
    /// The most transactions one call lists (default 10); at least 1.
    pub max_transactions: u32,
    /// Whether tables created for this configuration get the demo accounts u-1001 to
    /// u-1005 (default true): a SQLite file this process creates, or a Postgres database
    /// whose accounts tables the migrations create. Existing tables never do.
    pub demo_data: bool,
    /// The tags served.
    pub tags: AccountTags,
    /// The password, pool and TLS of a Postgres `database`.
    pub postgres: PostgresConfig,
}

/// The tags of the accounts handlers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountTags {
    /// The balance tag (default `account.balance`).
    pub balance: String,
    /// The transactions tag (default `account.transactions`).
    pub transactions: String,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            database: PathBuf::from("cxhook.db"),
            connections: 2,
            query_timeout_ms: 1000,
            max_transactions: 10,
            demo_data: true,
            tags: AccountTags::default(),
            postgres: PostgresConfig::default(),
        }
    }
}

impl Default for AccountTags {
    fn default() -> Self {
        Self {
            balance: "account.balance".to_owned(),
            transactions: "account.transactions".to_owned(),
        }
    }
}

/// What [`router_with`] serves the accounts over, instead of what [`router`] opens.
#[derive(Clone)]
pub struct Parts {
    /// Where the accounts are read from.
    pub store: Arc<dyn AccountStore>,
    /// What the replies are said with: [`Catalog::shipped`], or one with a business's
    /// override files ([`Catalog::with_overrides`]).
    pub messages: Arc<Catalog>,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts").finish_non_exhaustive()
    }
}

impl AccountsConfig {
    /// Checks the values serde cannot: counts and timeouts above zero, tags present and
    /// distinct.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_database()?;
        if self.max_transactions == 0 {
            return problem("max_transactions", "must be at least 1");
        }
        check_tags(&[
            ("tags.balance", &self.tags.balance),
            ("tags.transactions", &self.tags.transactions),
        ])
    }
}

impl_database_config!(AccountsConfig);

/// The accounts router for `config`: opens (creating and seeding when new) the SQLite
/// database, or the Postgres one, and serves both tags, with a readiness check of the
/// database. When the integration is disabled, a router with no tags and no database.
pub fn router(config: &AccountsConfig) -> Result<Router, Error> {
    router_saying(config, Catalog::shipped())
}

/// [`router`], with replies said from `messages` (a catalog with a business's override
/// files) instead of the shipped catalog.
pub fn router_saying(config: &AccountsConfig, messages: Arc<Catalog>) -> Result<Router, Error> {
    config.validate()?;
    if !config.enabled {
        return Ok(Router::new());
    }
    #[cfg(feature = "postgres")]
    if is_postgres(&config.database) {
        let store = Arc::new(PostgresStore::open(
            &config.postgres_options()?,
            config.demo_data,
        )?);
        let pinged = store.clone();
        let router = router_with(
            config,
            Parts {
                store,
                messages: messages.clone(),
            },
        )?
        .ready_check("accounts", move || {
            let store = pinged.clone();
            async move { store.ping().await.map_err(Into::into) }
        });
        return Ok(router);
    }
    let store = Arc::new(SqliteStore::open(
        &config.database_options(),
        config.demo_data,
    )?);
    let pinged = store.clone();
    let router =
        router_with(config, Parts { store, messages })?.ready_check("accounts", move || {
            let store = pinged.clone();
            async move { store.ping().await.map_err(Into::into) }
        });
    Ok(router)
}

/// The accounts router for `config` over `parts` (a store of another backend, one opened
/// with other options or shared with other code). When the integration is disabled, a
/// router with no tags.
pub fn router_with(config: &AccountsConfig, parts: Parts) -> Result<Router, Error> {
    config.validate()?;
    if !config.enabled {
        return Ok(Router::new());
    }
    let state = handlers::Accounts {
        store: parts.store,
        max_transactions: config.max_transactions,
        messages: parts.messages,
    };
    Ok(Router::new()
        .route(&config.tags.balance, handlers::balance)
        .route(&config.tags.transactions, handlers::transactions)
        .with_state(state))
}
