//! [`Database`]: a Postgres server shared by every replica, through a pool of
//! tokio-postgres connections (deadpool-postgres), and the embedded migrations of each
//! component, applied once however many replicas start together.
//!
//! Why tokio-postgres behind deadpool-postgres and not sqlx: on the balance lookup (the
//! honest-minimum webhook of `bench/peers/pg`: a lookup by primary key, a pool of 5, a
//! prepared statement, the server pinned to one core and Postgres on the other), the server
//! spent 25–28 µs of CPU per call with tokio-postgres against 37 µs with sqlx 0.9's `PgPool`,
//! and answered 6,816 against 5,824 requests/s at 16 connections (sqlx 0.85×) and 7,860
//! against 5,166 at 64 (0.66×), in the same rounds. tokio-postgres also gives a
//! `CancelToken`, which stops a running statement on the server.
//!
//! Reads ([`Database::read`]) run in the caller's future, on a pooled connection, within
//! the query timeout. Writes ([`Database::write`]) run in one transaction on a task of
//! their own, so that what a caller is told always matches what the database holds, as on
//! SQLite ([`crate::sqlite`]): a write whose caller stopped waiting (its query timeout
//! passed, or its future was dropped by the webhook's deadline) is stopped, its running
//! statement cancelled on the server and its transaction rolled back, unless it had begun
//! to commit, and then its `COMMIT` is awaited and its outcome told. A connection whose
//! rollback failed leaves the pool. One case stays open, as with any client: a connection
//! lost while its `COMMIT` is on the way leaves the outcome unknown, and the caller hears a
//! database error; a booking's turn key makes the retried turn find what did commit.
//!
//! Every connection carries `statement_timeout` (the query timeout), so the server ends a
//! statement nobody waits for (a read stuck behind a lock used to wait for as long as the
//! lock was held). The pool holds 5 connections by default (the database's connection limit
//! must cover every instance's pool), and its wait for a free one ends with the query
//! timeout too.
//!
//! Several components (accounts, bookings) may share one database. Each brings its own
//! [`Migrations`], tracked per component in `cxhook_migrations (component, version)`, as
//! on SQLite. Opening applies what a component lacks in one transaction that first takes
//! the transaction-level advisory lock [`MIGRATION_LOCK`] (`pg_advisory_xact_lock`), so of
//! ten replicas starting together one migrates and the others wait, then find nothing to do.
//! A release job may apply them instead ([`Database::migrate`], `cxhook migrate`), with the
//! replicas told not to ([`Options::migrate`]): until the schema is current, each query
//! and the readiness probe fail with [`StoreError::Schema`], naming the component and the
//! version it lacks, rather than with whatever error a missing table or column would give.
//! Demo data goes only into tables this process created, as demo data must never mix with
//! real data.
//!
//! The password comes from an environment variable or a file, never from the configuration
//! text (a connection string holding one is refused); it is never logged, and the
//! connection's `Debug` shows `_` in its place. TLS is rustls ([`crate::database::SslMode`]).
//!
//! Readiness ([`Database::ping`]) asks the server for the migrations applied, once a second
//! at most however often `/readyz` is asked; queries are counted in the same metrics as
//! SQLite's (`cxhook_db_queries_total`, `cxhook_db_connections_busy`, and
//! `cxhook_db_queue_depth` for the callers waiting for a connection).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

use cxhook::Secret;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod};
use tokio::sync::{Notify, oneshot};
use tokio_postgres::error::SqlState;
use tokio_postgres::{CancelToken, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::config::ConfigError;
use crate::database::{PostgresConfig, SslMode, parse};
use crate::health::{Probes, QueryMetrics};
use crate::sqlite::{Applied, Migrations};
use crate::store::StoreError;

mod tls;

/// The tokio-postgres this crate uses, for [`Options::connection`].
pub use tokio_postgres;

/// The key of the advisory lock that migrations are applied under (`cxhook` and 1).
pub const MIGRATION_LOCK: i64 = 0x6378_686f_6f6b_0001;

/// A pooled connection.
pub type Client = Object;

/// A boxed future that borrows a connection.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The body of a read: statements on `client` with the data they need.
pub type ReadBody<D, T> = for<'a> fn(&'a Client, &'a D) -> BoxFuture<'a, Result<T, StoreError>>;

/// The body of a write: statements on `client`, inside a transaction, and whether it
/// commits.
pub type WriteBody<D, T> =
    for<'a> fn(&'a Client, &'a D) -> BoxFuture<'a, Result<(T, Finish), StoreError>>;

/// How a write's transaction ends when its body succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Commit what it wrote.
    Commit,
    /// Roll back what it wrote (and answer with the body's value).
    Rollback,
}

/// How a [`Database`] connects.
#[derive(Debug, Clone)]
pub struct Options {
    /// The connection (its `Debug` hides the password).
    pub connection: tokio_postgres::Config,
    /// The most connections in the pool; at least 1.
    pub pool_size: usize,
    /// How long a caller waits for an answer (and the server runs a statement).
    pub query_timeout: Duration,
    /// How the connection is encrypted; when `None`, what the connection string says.
    pub sslmode: Option<SslMode>,
    /// The CA certificates for `verify-full`.
    pub sslrootcert: Option<PathBuf>,
    /// Whether opening applies the migrations; when not, a schema that is behind fails
    /// readiness and every query ([`StoreError::Schema`]) until it is migrated.
    pub migrate: bool,
}

impl Options {
    /// The options for the connection string `database` and its `postgres` keys, with the
    /// password read from the variable or file they name.
    pub fn new(
        database: &Path,
        postgres: &PostgresConfig,
        query_timeout: Duration,
    ) -> Result<Self, ConfigError> {
        postgres.validate(database)?;
        let mut connection = parse(database)?;
        let env = postgres.password_env.trim();
        let password = match (&postgres.password_file, env) {
            (Some(file), _) => Some(
                Secret::from_file(file)
                    .map_err(|e| config_error("postgres.password_file", e.to_string()))?,
            ),
            (None, "") => None,
            (None, var) => Some(
                Secret::from_env(var)
                    .map_err(|e| config_error("postgres.password_env", e.to_string()))?,
            ),
        };
        if let Some(password) = password {
            connection.password(password.expose());
        }
        Ok(Self {
            connection,
            pool_size: postgres.pool_size,
            query_timeout,
            sslmode: postgres.sslmode,
            sslrootcert: postgres.sslrootcert.clone(),
            migrate: postgres.migrate,
        })
    }
}

fn config_error(key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        problem: problem.into(),
    }
}

/// Why a Postgres database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The server refused or could not be reached.
    #[error("cannot connect to or migrate the Postgres database")]
    Postgres(#[source] tokio_postgres::Error),
    /// The database is newer than this program: a component has migrations this program lacks.
    #[error(
        "the Postgres database has {component} schema version {found}, newer than this \
         program's {known}"
    )]
    TooNew {
        /// The component.
        component: &'static str,
        /// The component's version in the database.
        found: i64,
        /// The latest migration this program has.
        known: usize,
    },
    /// The TLS configuration could not be made (a CA file missing or unreadable …).
    #[error("cannot set up TLS to Postgres: {0}")]
    Tls(String),
    /// The pool or the migration's runtime could not be made.
    #[error("cannot start the Postgres connections: {0}")]
    Start(String),
}

/// The TLS a connection uses.
#[derive(Clone)]
enum Tls {
    Off,
    Rustls(MakeRustlsConnect),
}

/// A Postgres database behind a pool of connections; cheap to share behind an `Arc`.
pub struct Database {
    pool: Pool,
    tls: Tls,
    timeout: Duration,
    /// The components it was opened for and their latest versions, for [`Database::ping`].
    components: Vec<(&'static str, usize)>,
    /// Its metrics, looked up at the first query (after the server installed its recorder).
    metrics: QueryMetrics,
    /// The last readiness probe's outcome.
    probes: Probes,
    /// Whether every component's schema is known to be current: set when this process
    /// migrated, else after the first check that finds it so (a schema only moves forward).
    schema_current: AtomicBool,
}

/// The connection `options` describe, with the server-side statement timeout, and its TLS.
fn connection(options: &Options) -> Result<(tokio_postgres::Config, Tls), OpenError> {
    let mut connection = options.connection.clone();
    let timeout = options.query_timeout;
    let millis = timeout.as_millis().max(1);
    let server_options = match connection.get_options() {
        Some(given) => format!("{given} -c statement_timeout={millis}"),
        None => format!("-c statement_timeout={millis}"),
    };
    connection.options(server_options);
    connection.connect_timeout(timeout.max(Duration::from_secs(1)));
    if connection.get_application_name().is_none() {
        connection.application_name("cxhook");
    }
    let tls = match options.sslmode {
        Some(SslMode::Disable) => {
            connection.ssl_mode(tokio_postgres::config::SslMode::Disable);
            Tls::Off
        }
        Some(SslMode::Require) => {
            connection.ssl_mode(tokio_postgres::config::SslMode::Require);
            Tls::Rustls(MakeRustlsConnect::new(
                tls::require().map_err(OpenError::Tls)?,
            ))
        }
        Some(SslMode::VerifyFull) => {
            connection.ssl_mode(tokio_postgres::config::SslMode::Require);
            let config =
                tls::verify_full(options.sslrootcert.as_deref()).map_err(OpenError::Tls)?;
            Tls::Rustls(MakeRustlsConnect::new(config))
        }
        None => match connection.get_ssl_mode() {
            tokio_postgres::config::SslMode::Require => Tls::Rustls(MakeRustlsConnect::new(
                tls::require().map_err(OpenError::Tls)?,
            )),
            _ => {
                connection.ssl_mode(tokio_postgres::config::SslMode::Disable);
                Tls::Off
            }
        },
    };
    Ok((connection, tls))
}

/// Sets the pool's gauges, named as the SQLite database's: callers waiting for a connection,
/// connections busy.
fn gauge(metrics: &QueryMetrics, pool: &Pool) {
    let status = pool.status();
    metrics.queued().set(status.waiting as f64);
    metrics
        .busy()
        .set(status.size.saturating_sub(status.available) as f64);
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("pool", &self.pool.status())
            .field("timeout", &self.timeout)
            .field("components", &self.components)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Makes the pool (connections are opened when first needed) and, unless
    /// [`Options::migrate`] says not to, applies what each of `components` lacks over a
    /// connection of its own, seeding those this process created when `seed` is set.
    /// Blocking: call it at start-up, inside a Tokio runtime or not (the migration runs on a
    /// thread of its own).
    pub fn open(
        options: &Options,
        components: &[Migrations],
        seed: bool,
    ) -> Result<Self, OpenError> {
        let (connection, tls) = connection(options)?;
        let timeout = options.query_timeout;
        if options.migrate {
            migrate_on_own_thread(&connection, &tls, components, seed)?;
        } else {
            tracing::info!(
                components = ?components.iter().map(|c| c.component).collect::<Vec<_>>(),
                "not applying the Postgres migrations (migrate = false): readiness waits for them"
            );
        }
        let manager_config = ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match &tls {
            Tls::Off => Manager::from_config(connection, NoTls, manager_config),
            Tls::Rustls(tls) => Manager::from_config(connection, tls.clone(), manager_config),
        };
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout.max(Duration::from_secs(1))))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| OpenError::Start(e.to_string()))?;
        let names: Vec<&str> = components.iter().map(|c| c.component).collect();
        Ok(Self {
            pool,
            tls,
            timeout,
            components: components
                .iter()
                .map(|c| (c.component, c.steps.len()))
                .collect(),
            metrics: QueryMetrics::new(names),
            probes: Probes::default(),
            schema_current: AtomicBool::new(options.migrate),
        })
    }

    /// Applies what each of `components` lacks, under the migration lock, as
    /// [`Database::open`] does, and makes no pool: for a migration run on its own (a release
    /// job). Says what it applied, one entry per component that lacked any. Blocking.
    pub fn migrate(
        options: &Options,
        components: &[Migrations],
        seed: bool,
    ) -> Result<Vec<Applied>, OpenError> {
        let (connection, tls) = connection(options)?;
        migrate_on_own_thread(&connection, &tls, components, seed)
    }

    /// The query timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The readiness check: the server answers within the query timeout and every
    /// component's migrations are applied. An outcome is reused for a second, and a change
    /// of outcome is logged with its cause.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.probes.check(self.metrics.label(), self.probe()).await
    }

    /// One readiness probe (see [`Database::ping`]).
    async fn probe(&self) -> Result<(), StoreError> {
        let current = self.check_schema().await;
        self.metrics.count(&current);
        current
    }

    /// Whether every component's migrations are applied: [`StoreError::Schema`] names the
    /// first that lacks some. What it finds is remembered for [`Database::schema_gate`].
    async fn check_schema(&self) -> Result<(), StoreError> {
        let found = self
            .read_unchecked((), |client, ()| {
                Box::pin(async move {
                    let statement = client
                        .prepare_cached("SELECT component, version FROM cxhook_migrations")
                        .await;
                    let statement = match statement {
                        Ok(statement) => statement,
                        // No migration ever ran here.
                        Err(error) if error.code() == Some(&SqlState::UNDEFINED_TABLE) => {
                            return Ok(Vec::new());
                        }
                        Err(error) => return Err(error.into()),
                    };
                    let rows = client.query(&statement, &[]).await?;
                    Ok(rows
                        .iter()
                        .map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1)))
                        .collect::<Vec<_>>())
                })
            })
            .await?;
        for &(component, known) in &self.components {
            let version = found
                .iter()
                .find(|(name, _)| name == component)
                .map_or(0, |(_, version)| *version);
            if usize::try_from(version).unwrap_or(usize::MAX) < known {
                self.schema_current.store(false, Ordering::Release);
                return Err(StoreError::Schema {
                    component,
                    found: version,
                    needed: known,
                });
            }
        }
        self.schema_current.store(true, Ordering::Release);
        Ok(())
    }

    /// Runs `body`, a read, on a pooled connection in the caller's future; the wait for a
    /// connection and the read together take at most the query timeout, else
    /// [`StoreError::Timeout`]. On a schema that is behind (not migrated at start-up), it
    /// fails with [`StoreError::Schema`].
    pub async fn read<D, T>(&self, data: D, body: ReadBody<D, T>) -> Result<T, StoreError>
    where
        D: Send + Sync,
        T: Send,
    {
        self.schema_gate().await?;
        let result = self.read_unchecked(data, body).await;
        self.metrics.count(&result);
        result
    }

    /// Fails with [`StoreError::Schema`] while the schema is behind.
    async fn schema_gate(&self) -> Result<(), StoreError> {
        if self.schema_current.load(Ordering::Acquire) {
            return Ok(());
        }
        let current = self.check_schema().await;
        if current.is_err() {
            self.metrics.count(&current);
        }
        current
    }

    /// [`Database::read`] without the schema gate or the count.
    async fn read_unchecked<D, T>(&self, data: D, body: ReadBody<D, T>) -> Result<T, StoreError>
    where
        D: Send + Sync,
        T: Send,
    {
        let timeout = self.timeout;
        let read = async {
            let client = self.pool.get().await.map_err(|e| pool_error(e, timeout))?;
            body(&client, &data)
                .await
                .map_err(|e| timed_out(e, timeout))
        };
        let result = tokio::time::timeout(timeout, read)
            .await
            .unwrap_or(Err(StoreError::Timeout(timeout)));
        gauge(&self.metrics, &self.pool);
        result
    }

    /// Runs `body` in one transaction on a task of its own and waits for its answer, at most
    /// the query timeout. When the timeout passes first, or the caller's future is dropped,
    /// the write is stopped (its running statement cancelled on the server) and rolled back
    /// and the caller gets [`StoreError::Timeout`]; a write that had begun to commit is
    /// waited for, and its outcome is the answer.
    pub async fn write<D, T>(&self, data: D, body: WriteBody<D, T>) -> Result<T, StoreError>
    where
        D: Send + Sync + 'static,
        T: Send + 'static,
    {
        self.schema_gate().await?;
        let fate = Arc::new(Fate::default());
        let (answer, mut answered) = oneshot::channel();
        let pool = self.pool.clone();
        let tls = self.tls.clone();
        let timeout = self.timeout;
        let task = fate.clone();
        tokio::spawn(async move {
            let result = transact(&pool, &tls, &task, timeout, &data, body).await;
            let _ = answer.send(result);
        });
        let abandon = Abandon(fate);
        let result = match tokio::time::timeout(timeout, &mut answered).await {
            Ok(answer) => answer.unwrap_or(Err(StoreError::Closed)),
            Err(_) if abandon.0.abandon() => Err(StoreError::Timeout(timeout)),
            // It is committing: its outcome is the answer.
            Err(_) => answered.await.unwrap_or(Err(StoreError::Closed)),
        };
        drop(abandon);
        self.metrics.count(&result);
        gauge(&self.metrics, &self.pool);
        result
    }
}

/// Where a write stands with its caller.
#[derive(Debug, Default)]
struct Fate {
    state: AtomicU8,
    abandoned: Notify,
}

const RUNNING: u8 = 0;
const ABANDONED: u8 = 1;
const COMMITTING: u8 = 2;

impl Fate {
    /// Marks the write abandoned, unless it began to commit; whether it is abandoned.
    fn abandon(&self) -> bool {
        let state = self
            .state
            .compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
            .unwrap_or_else(|now| now);
        if state == RUNNING {
            self.abandoned.notify_one();
        }
        state != COMMITTING
    }

    /// Marks the write committing, unless it was abandoned; whether it may commit.
    fn commit(&self) -> bool {
        self.state
            .compare_exchange(RUNNING, COMMITTING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Waits until the write is abandoned.
    async fn abandoned(&self) {
        let notified = self.abandoned.notified();
        if self.state.load(Ordering::Acquire) == ABANDONED {
            return;
        }
        notified.await;
    }
}

/// Abandons a write when its caller stops waiting for it, at the timeout or when the
/// caller's future is dropped; after the write ended, it changes nothing.
struct Abandon(Arc<Fate>);

impl Drop for Abandon {
    fn drop(&mut self) {
        self.0.abandon();
    }
}

/// A write's transaction, on its own task: stopped and rolled back when `fate` says its
/// caller gave up before the commit.
async fn transact<D, T>(
    pool: &Pool,
    tls: &Tls,
    fate: &Fate,
    timeout: Duration,
    data: &D,
    body: WriteBody<D, T>,
) -> Result<T, StoreError> {
    let gave_up = || StoreError::Timeout(timeout);
    let client = tokio::select! {
        client = pool.get() => client.map_err(|e| pool_error(e, timeout))?,
        () = fate.abandoned() => return Err(gave_up()),
    };
    let mut held = InTransaction(Some(client));
    let client = held.client();
    let ran = async {
        client.batch_execute("BEGIN").await?;
        body(client, data).await
    };
    let ran = tokio::select! {
        biased;
        ran = ran => Some(ran),
        () = fate.abandoned() => None,
    };
    match ran {
        Some(Ok((value, Finish::Commit))) => {
            if fate.commit() {
                let committed = client.batch_execute("COMMIT").await;
                held.release();
                committed.map_err(|e| timed_out(e.into(), timeout))?;
                Ok(value)
            } else {
                held.roll_back().await;
                Err(gave_up())
            }
        }
        Some(Ok((value, Finish::Rollback))) => {
            held.roll_back().await;
            Ok(value)
        }
        Some(Err(error)) => {
            held.roll_back().await;
            Err(timed_out(error, timeout))
        }
        None => {
            cancel(client.cancel_token(), tls).await;
            held.roll_back().await;
            Err(gave_up())
        }
    }
}

/// A connection inside a transaction. Dropped before its transaction ended (the write
/// panicked, or its task was dropped), it leaves the pool, closing the connection so that
/// the server aborts the transaction, rather than going back with the transaction open.
struct InTransaction(Option<Client>);

impl InTransaction {
    fn client(&self) -> &Client {
        self.0.as_ref().expect("a connection until released")
    }

    /// Gives the connection back to the pool: its transaction ended.
    fn release(&mut self) {
        self.0.take();
    }

    /// Rolls back the transaction; a connection where that fails leaves the pool.
    async fn roll_back(mut self) {
        if self.client().batch_execute("ROLLBACK").await.is_ok() {
            self.release();
        }
    }
}

impl Drop for InTransaction {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            drop(Object::take(client));
        }
    }
}

/// Asks the server to cancel the statement the connection runs; failing that, the
/// rollback waits for it (at most `statement_timeout`).
async fn cancel(token: CancelToken, tls: &Tls) {
    let cancelled = match tls {
        Tls::Off => token.cancel_query(NoTls).await,
        Tls::Rustls(tls) => token.cancel_query(tls.clone()).await,
    };
    if let Err(error) = cancelled {
        tracing::debug!(%error, "could not cancel a Postgres statement");
    }
}

/// A statement the server cancelled (`statement_timeout`) is a timeout.
fn timed_out(error: StoreError, timeout: Duration) -> StoreError {
    match &error {
        StoreError::Database(source)
            if source
                .downcast_ref::<tokio_postgres::Error>()
                .and_then(tokio_postgres::Error::code)
                == Some(&SqlState::QUERY_CANCELED) =>
        {
            StoreError::Timeout(timeout)
        }
        _ => error,
    }
}

fn pool_error(error: PoolError, timeout: Duration) -> StoreError {
    match error {
        PoolError::Timeout(_) => StoreError::Timeout(timeout),
        PoolError::Closed => StoreError::Closed,
        PoolError::Backend(error) => error.into(),
        error => StoreError::Database(Box::new(error)),
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        Self::Database(Box::new(error))
    }
}

/// Applies the migrations on a thread and runtime of their own, over a connection of its
/// own that is closed before the runtime ends.
fn migrate_on_own_thread(
    connection: &tokio_postgres::Config,
    tls: &Tls,
    components: &[Migrations],
    seed: bool,
) -> Result<Vec<Applied>, OpenError> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| OpenError::Start(e.to_string()))?;
                runtime.block_on(migrate(connection, tls, components, seed))
            })
            .join()
            .unwrap_or_else(|_| Err(OpenError::Start("the migration panicked".to_owned())))
    })
}

/// Connects and applies, under the advisory lock, what each component lacks.
async fn migrate(
    connection: &tokio_postgres::Config,
    tls: &Tls,
    components: &[Migrations],
    seed: bool,
) -> Result<Vec<Applied>, OpenError> {
    let mut client = match tls {
        Tls::Off => {
            let (client, connection) = connection
                .connect(NoTls)
                .await
                .map_err(OpenError::Postgres)?;
            tokio::spawn(connection);
            client
        }
        Tls::Rustls(tls) => {
            let (client, connection) = connection
                .connect(tls.clone())
                .await
                .map_err(OpenError::Postgres)?;
            tokio::spawn(connection);
            client
        }
    };
    let transaction = client.transaction().await.map_err(OpenError::Postgres)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(OpenError::Postgres)?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS cxhook_migrations (
                 component TEXT PRIMARY KEY,
                 version BIGINT NOT NULL
             )",
        )
        .await
        .map_err(OpenError::Postgres)?;
    let mut done = Vec::new();
    for component in components {
        let version: i64 = transaction
            .query_opt(
                "SELECT version FROM cxhook_migrations WHERE component = $1",
                &[&component.component],
            )
            .await
            .map_err(OpenError::Postgres)?
            .map_or(0, |row| row.get(0));
        let known = component.steps.len();
        let applied = usize::try_from(version).unwrap_or(usize::MAX);
        if applied > known {
            return Err(OpenError::TooNew {
                component: component.component,
                found: version,
                known,
            });
        }
        if applied == known {
            continue;
        }
        for step in &component.steps[applied..] {
            transaction
                .batch_execute(step)
                .await
                .map_err(OpenError::Postgres)?;
        }
        let seeded = component.seed.filter(|_| seed && applied == 0);
        if let Some(data) = seeded {
            transaction
                .batch_execute(data)
                .await
                .map_err(OpenError::Postgres)?;
            tracing::info!(
                component = component.component,
                "created the tables with demo data"
            );
        }
        let known = i64::try_from(known).unwrap_or(i64::MAX);
        transaction
            .execute(
                "INSERT INTO cxhook_migrations (component, version) VALUES ($1, $2) \
                 ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                &[&component.component, &known],
            )
            .await
            .map_err(OpenError::Postgres)?;
        done.push(Applied {
            component: component.component,
            from: version,
            to: known,
            seeded: seeded.is_some(),
        });
    }
    transaction.commit().await.map_err(OpenError::Postgres)?;
    Ok(done)
}
