//! [`Database`]: one SQLite file served by rusqlite on dedicated connection threads, and the
//! embedded migrations of each component that keeps tables in it.
//!
//! Short reads ([`Database::read`]: a lookup by key, a few rows) run on the caller's thread, on
//! a connection that thread keeps to the file: no thread hop at all, which is what a webhook
//! mostly does. Everything else ([`Database::run`]: writes, transactions, long reads) goes to
//! a small pool of std threads, each owning one [`rusqlite::Connection`] and taking jobs from
//! one shared, bounded queue; a job answers through a `tokio::sync::oneshot`. That is one
//! thread hop each way per query, measured faster than sqlx's SQLite pool (three hops) and than
//! `spawn_blocking`. Connections run in WAL mode with `synchronous=NORMAL`, a busy timeout
//! equal to the query timeout, and cached prepared statements. A caller waits at most the
//! query timeout; a job whose caller gave up before it started is skipped.
//!
//! Several components (accounts, bookings) share one file. Each brings its own [`Migrations`],
//! tracked per component in the table `cxhook_migrations (component, version)`; opening applies
//! what a component lacks, and seeds it when it was new, in one `BEGIN IMMEDIATE` transaction,
//! so two processes opening one new file do not both migrate. A database from before that table
//! (accounts tracked in `PRAGMA user_version`) has its bookkeeping moved over on first open.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use metrics::{Counter, Gauge};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::oneshot;

use crate::store::StoreError;

mod reader;

use reader::{Read, Readers};

/// How many queries may wait for a connection before new ones are refused.
const QUEUE_CAPACITY: usize = 1024;

/// The component whose version lived in `PRAGMA user_version` before per-component tracking.
const LEGACY_COMPONENT: &str = "accounts";

/// The embedded schema of one component: its migrations in order, and what a new one is seeded
/// with.
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    /// The component's name in `cxhook_migrations` (`accounts`, `booking`).
    pub component: &'static str,
    /// The migrations; migration `i` takes the component from version `i` to `i + 1`.
    pub steps: &'static [&'static str],
    /// SQL run once, right after the component's first migration, when asked for.
    pub seed: Option<&'static str>,
}

/// How a [`Database`] opens its file.
#[derive(Debug, Clone)]
pub struct DatabaseOptions {
    /// The database file; created when missing.
    pub path: PathBuf,
    /// How many connection threads serve queries; at least 1.
    pub connections: usize,
    /// How long a caller waits for an answer (and a connection for a lock).
    pub query_timeout: Duration,
}

impl DatabaseOptions {
    /// Options for the file at `path`, with 2 connections and a 1 s query timeout.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            connections: 2,
            query_timeout: Duration::from_secs(1),
        }
    }
}

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// SQLite refused: the path is a directory, not writable, not a database …
    #[error("cannot open the SQLite database {path}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The database is newer than this program: a component has migrations this program lacks.
    #[error(
        "the SQLite database {path} has {component} schema version {found}, newer than this \
         program's {known}"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The component.
        component: &'static str,
        /// The component's version in the database.
        found: i64,
        /// The latest migration this program has.
        known: usize,
    },
    /// A connection thread could not be started.
    #[error("cannot start a database connection thread")]
    Thread(#[source] std::io::Error),
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A SQLite file on dedicated connection threads; cheap to share behind an `Arc`.
///
/// Dropping it closes the queue; each connection thread finishes the jobs it has and exits,
/// closing its connection.
#[derive(Debug)]
pub struct Database {
    jobs: SyncSender<Job>,
    timeout: Duration,
    /// The components it was opened for and their latest versions, for [`Database::ping`].
    components: Vec<(&'static str, usize)>,
    /// Its metrics, looked up at the first query (after the server installed its recorder).
    metrics: Arc<Metrics>,
    /// The connections of the threads that read on their own.
    readers: Readers,
}

/// The metrics of one database, labelled `db` with its components' names joined by `+`.
#[derive(Debug)]
struct Metrics {
    label: Arc<str>,
    handles: OnceLock<Handles>,
}

/// The metric handles of one database.
#[derive(Debug)]
struct Handles {
    queued: Gauge,
    busy: Gauge,
    ok: Counter,
    timeout: Counter,
    closed: Counter,
    overloaded: Counter,
    error: Counter,
}

impl Metrics {
    fn handles(&self) -> &Handles {
        self.handles.get_or_init(|| {
            let db = self.label.to_string();
            let queries = |result: &'static str| {
                metrics::counter!("cxhook_db_queries_total", "db" => db.clone(), "result" => result)
            };
            Handles {
                queued: metrics::gauge!("cxhook_db_queue_depth", "db" => db.clone()),
                busy: metrics::gauge!("cxhook_db_connections_busy", "db" => db.clone()),
                ok: queries("ok"),
                timeout: queries("timeout"),
                closed: queries("closed"),
                overloaded: queries("overloaded"),
                error: queries("error"),
            }
        })
    }

    /// Counts one query by how it ended.
    fn count<T>(&self, result: &Result<T, StoreError>) {
        let handles = self.handles();
        match result {
            Ok(_) => &handles.ok,
            Err(StoreError::Timeout(_)) => &handles.timeout,
            Err(StoreError::Closed) => &handles.closed,
            Err(StoreError::Overloaded) => &handles.overloaded,
            Err(_) => &handles.error,
        }
        .increment(1);
    }
}

impl Database {
    /// Opens (creating when missing) the file, applies what each of `components` lacks
    /// (seeding those that were new when `seed` is set), and starts the connection threads.
    /// Blocking: call it at start-up.
    pub fn open(
        options: &DatabaseOptions,
        components: &[Migrations],
        seed: bool,
    ) -> Result<Self, OpenError> {
        let path = &options.path;
        let sqlite = |source| OpenError::Sqlite {
            path: path.clone(),
            source,
        };
        let mut first = connect(path, options.query_timeout).map_err(sqlite)?;
        adopt_user_version(&mut first).map_err(sqlite)?;
        for component in components {
            migrate(&mut first, path, component, seed)?;
        }
        let mut opened = vec![first];
        for _ in 1..options.connections.max(1) {
            opened.push(connect(path, options.query_timeout).map_err(sqlite)?);
        }
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE_CAPACITY);
        let queue = Arc::new(Mutex::new(queue));
        let names: Vec<&str> = components.iter().map(|c| c.component).collect();
        let metrics = Arc::new(Metrics {
            label: names.join("+").into(),
            handles: OnceLock::new(),
        });
        for (i, connection) in opened.into_iter().enumerate() {
            let queue = queue.clone();
            let metrics = metrics.clone();
            std::thread::Builder::new()
                .name(format!("cxhook-sqlite-{i}"))
                .spawn(move || work(connection, &queue, &metrics))
                .map_err(OpenError::Thread)?;
        }
        Ok(Self {
            jobs,
            timeout: options.query_timeout,
            components: components
                .iter()
                .map(|c| (c.component, c.steps.len()))
                .collect(),
            metrics,
            readers: Readers::new(path, options.query_timeout),
        })
    }

    /// The query timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A cheap round trip through a connection thread that also checks that every
    /// component's migrations are applied: the readiness check of the integrations on this
    /// database. Fails when the connections cannot answer within the query timeout (stuck,
    /// overloaded, closed) or a component's schema is behind.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let components = self.components.clone();
        self.run(move |connection| {
            let mut statement = connection
                .prepare_cached("SELECT version FROM cxhook_migrations WHERE component = ?1")
                .map_err(|e| StoreError::Database(Box::new(e)))?;
            for (component, known) in components {
                let version: Option<i64> = statement
                    .query_row([component], |row| row.get(0))
                    .optional()
                    .map_err(|e| StoreError::Database(Box::new(e)))?;
                if version.and_then(|v| usize::try_from(v).ok()) < Some(known) {
                    return Err(StoreError::Database(
                        format!("the {component} migrations have not run").into(),
                    ));
                }
            }
            Ok(())
        })
        .await
    }

    /// Runs `query`, a short read (a lookup by key, a few rows), on this thread's own
    /// connection to the file, without a thread hop. It must not write (the connection is
    /// `query_only`) and must take microseconds, as it holds the caller's thread: anything
    /// longer belongs in [`Database::run`]. When the file is locked, the read goes to a
    /// connection thread instead, which waits for the lock; past the query timeout it is
    /// interrupted with [`StoreError::Timeout`].
    pub async fn read<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        match self.readers.read(&query) {
            Read::Done(result) => {
                self.metrics.count(&result);
                result
            }
            Read::Busy => self.run(move |connection| query(connection)).await,
        }
    }

    /// Runs `query` on a connection thread and waits for its answer, at most the query
    /// timeout. When the timeout passes first, `query` still runs to its end on its thread
    /// (or is skipped when it had not started), but nobody waits for it.
    pub async fn run<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            if answer.is_closed() {
                return; // The caller gave up already.
            }
            let _ = answer.send(query(connection));
        });
        let queued = &self.metrics.handles().queued;
        queued.increment(1.0);
        if let Err(e) = self.jobs.try_send(job) {
            queued.decrement(1.0);
            let result = Err(match e {
                TrySendError::Full(_) => StoreError::Overloaded,
                TrySendError::Disconnected(_) => StoreError::Closed,
            });
            self.metrics.count(&result);
            return result;
        }
        let result = match tokio::time::timeout(self.timeout, answered).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(StoreError::Closed),
            Err(_) => Err(StoreError::Timeout(self.timeout)),
        };
        self.metrics.count(&result);
        result
    }
}

/// A connection set up for serving: WAL, `synchronous=NORMAL`, a busy timeout.
fn connect(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(busy_timeout)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.set_prepared_statement_cache_capacity(32);
    Ok(connection)
}

/// Creates the bookkeeping table, and moves a version kept in `PRAGMA user_version` (the
/// accounts schema before per-component tracking) into it.
fn adopt_user_version(connection: &mut Connection) -> rusqlite::Result<()> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    transaction.execute_batch(
        "CREATE TABLE IF NOT EXISTS cxhook_migrations (
             component TEXT PRIMARY KEY,
             version INTEGER NOT NULL
         )",
    )?;
    let legacy: i64 = transaction.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if legacy > 0 {
        transaction.execute(
            "INSERT INTO cxhook_migrations (component, version) VALUES (?1, ?2) \
             ON CONFLICT (component) DO NOTHING",
            params![LEGACY_COMPONENT, legacy],
        )?;
        transaction.pragma_update(None, "user_version", 0)?;
    }
    transaction.commit()
}

/// Applies the migrations `component` lacks, and its seed when it was new and `seed` is set,
/// in one transaction that holds the write lock from the start.
fn migrate(
    connection: &mut Connection,
    path: &Path,
    component: &Migrations,
    seed: bool,
) -> Result<(), OpenError> {
    let sqlite = |source| OpenError::Sqlite {
        path: path.to_owned(),
        source,
    };
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sqlite)?;
    let version: i64 = transaction
        .query_row(
            "SELECT version FROM cxhook_migrations WHERE component = ?1",
            [component.component],
            |row| row.get(0),
        )
        .optional()
        .map_err(sqlite)?
        .unwrap_or(0);
    let known = component.steps.len();
    let applied = usize::try_from(version).unwrap_or(usize::MAX);
    if applied > known {
        return Err(OpenError::TooNew {
            path: path.to_owned(),
            component: component.component,
            found: version,
            known,
        });
    }
    if applied == known {
        return Ok(());
    }
    for step in &component.steps[applied..] {
        transaction.execute_batch(step).map_err(sqlite)?;
    }
    if let Some(data) = component.seed.filter(|_| seed && applied == 0) {
        transaction.execute_batch(data).map_err(sqlite)?;
        tracing::info!(
            path = %path.display(),
            component = component.component,
            "created the tables with demo data"
        );
    }
    transaction
        .execute(
            "INSERT INTO cxhook_migrations (component, version) VALUES (?1, ?2) \
             ON CONFLICT (component) DO UPDATE SET version = excluded.version",
            params![component.component, known as i64],
        )
        .map_err(sqlite)?;
    transaction.commit().map_err(sqlite)
}

/// A connection thread: runs jobs from the shared queue until the database is dropped. A job
/// that panics loses its answer (the caller sees [`StoreError::Closed`]), not the thread.
fn work(mut connection: Connection, queue: &Mutex<Receiver<Job>>, metrics: &Metrics) {
    loop {
        let job = {
            let Ok(queue) = queue.lock() else { return };
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        let handles = metrics.handles();
        handles.queued.decrement(1.0);
        let busy = &handles.busy;
        busy.increment(1.0);
        if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut connection))).is_err() {
            tracing::error!("a database query panicked");
        }
        busy.decrement(1.0);
    }
}
