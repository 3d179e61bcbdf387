//! [`Database`]: one SQLite file served by rusqlite on dedicated connection threads, and the
//! embedded migrations of each component that keeps tables in it.
//!
//! Short reads ([`Database::read`]: a lookup by key, a few rows) run on the caller's thread, on
//! a connection that thread keeps to the file: no thread hop at all, which is what a webhook
//! mostly does. Everything else ([`Database::run`]: writes, transactions, long reads) goes to
//! a small pool of std threads, each owning one [`rusqlite::Connection`] and taking jobs from
//! one shared, bounded queue; a job answers through a `tokio::sync::oneshot`. That is one
//! thread hop each way per query, measured faster than sqlx's SQLite pool (three hops) and than
//! `spawn_blocking`. Connections run in WAL mode with `synchronous=NORMAL` and cached
//! prepared statements.
//!
//! A caller waits at most the query timeout, and what it is told always matches what the
//! file holds: a query it stopped waiting for is skipped when it had not started, else its
//! statements are interrupted, its wait for a lock ends and its commit is turned into a
//! rollback; only a query that had begun to commit is waited for, and its outcome told. A
//! booking whose write lock came free just before the timeout used to be told "can't reach
//! the booking system" and stored a moment later (12 of 36 fallback replies in one run); with
//! a lock held by another connection and released from 0.7 to 1.3 times the query timeout,
//! 64 rounds now give 32 bookings and 32 fallback replies, each as stored.
//!
//! The file is known by its device and inode from the moment it is opened: a file deleted or
//! replaced while open stops every query (one deleted used to keep confirming bookings into
//! the unlinked file), is logged as an error, and fails readiness. Readiness
//! ([`Database::ping`]) also proves that the database can take a write, with a probe that
//! leaves nothing behind, so that a read-only, full or write-locked file is not ready; it
//! probes once a second at most, however often `/readyz` is asked.
//!
//! Several components (accounts, bookings) share one file. Each brings its own [`Migrations`],
//! tracked per component in the table `cxhook_migrations (component, version)`; opening applies
//! what a component lacks in one `BEGIN IMMEDIATE` transaction, so two processes opening one
//! new file do not both migrate. Seed data goes only
//! into a file that this process created, and the creation is logged: an existing database
//! that lacks a component's tables gets them empty, as demo data must never mix with real
//! data, and a database that vanished does not come back as a new one unnoticed.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::oneshot;

use crate::health::{Probes, QueryMetrics};
use crate::store::StoreError;

mod file;
mod job;
mod reader;

use file::DatabaseFile;
use job::Fate;
use reader::{Read, Readers};

/// How many queries may wait for a connection before new ones are refused.
const QUEUE_CAPACITY: usize = 1024;

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

/// What applying a component's migrations did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The component.
    pub component: &'static str,
    /// Its version before (0: none of its tables).
    pub from: i64,
    /// Its version after: the latest this program has.
    pub to: i64,
    /// Whether its demo data was written.
    pub seeded: bool,
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
    /// The opened file could not be looked up.
    #[error("cannot look up the SQLite database file {path}")]
    File {
        /// The database file.
        path: PathBuf,
        /// What the lookup said.
        #[source]
        source: std::io::Error,
    },
    /// A connection thread could not be started.
    #[error("cannot start a database connection thread")]
    Thread(#[source] std::io::Error),
}

/// A query for a connection thread, and where it stands with its caller.
struct Job {
    fate: Arc<Fate>,
    run: Box<dyn FnOnce(&mut Connection) + Send>,
}

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
    metrics: Arc<QueryMetrics>,
    /// The connections of the threads that read on their own.
    readers: Readers,
    /// The file opened, checked before each commit and by readiness.
    file: Arc<DatabaseFile>,
    /// The last readiness probe's outcome.
    probes: Probes,
}

impl Database {
    /// Opens (creating when missing) the file, applies what each of `components` lacks
    /// (seeding those that were new when `seed` is set and this process created the file),
    /// and starts the connection threads. Blocking: call it at start-up.
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
        let (first, file, _) = migrate_file(options, components, seed)?;
        let file = Arc::new(file);
        let mut opened = vec![first];
        for _ in 1..options.connections.max(1) {
            opened.push(connect(path, options.query_timeout).map_err(sqlite)?);
        }
        for connection in &mut opened {
            job::watch(connection, file.clone(), options.query_timeout).map_err(sqlite)?;
        }
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE_CAPACITY);
        let queue = Arc::new(Mutex::new(queue));
        let names: Vec<&str> = components.iter().map(|c| c.component).collect();
        let metrics = Arc::new(QueryMetrics::new(names));
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
            file,
            probes: Probes::default(),
        })
    }

    /// Opens (creating when missing) the file and applies what each of `components` lacks,
    /// as [`Database::open`] does, without starting the connection threads: for a migration
    /// run on its own. Says what it applied, one entry per component that lacked any.
    pub fn migrate(
        options: &DatabaseOptions,
        components: &[Migrations],
        seed: bool,
    ) -> Result<Vec<Applied>, OpenError> {
        migrate_file(options, components, seed).map(|(_, _, applied)| applied)
    }

    /// The query timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The readiness check of the integrations on this database: the path still names the
    /// file opened and it still starts with SQLite's header, every component's migrations
    /// are applied, and the database can take a write. The write probe takes the write lock
    /// (waiting at most the query timeout), adds a row of one page to `cxhook_probe`, so that
    /// a page must be found (a full database or disk, a read-only file fail here), writes it
    /// to the WAL, and rolls back: nothing is left behind. An outcome is reused for a second,
    /// and a change of outcome is logged with its cause.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.probes.check(self.metrics.label(), self.probe()).await
    }

    /// One readiness probe (see [`Database::ping`]).
    async fn probe(&self) -> Result<(), StoreError> {
        self.file.check()?;
        let components = self.components.clone();
        self.run(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut statement = transaction
                    .prepare_cached("SELECT version FROM cxhook_migrations WHERE component = ?1")?;
                for (component, known) in components {
                    let version: Option<i64> = statement
                        .query_row([component], |row| row.get(0))
                        .optional()?;
                    if version.and_then(|v| usize::try_from(v).ok()) < Some(known) {
                        return Err(StoreError::Schema {
                            component,
                            found: version.unwrap_or(0),
                            needed: known,
                        });
                    }
                }
            }
            let page: i64 = transaction.pragma_query_value(None, "page_size", |row| row.get(0))?;
            transaction
                .prepare_cached("INSERT INTO cxhook_probe (payload) VALUES (zeroblob(?1))")?
                .execute([page])?;
            transaction.cache_flush()?;
            Ok(()) // Dropping the transaction rolls it back.
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
        if self.file.is_replaced() {
            return Err(StoreError::Replaced);
        }
        match self.readers.read(&query) {
            Read::Done(result) => {
                self.metrics.count(&result);
                result
            }
            Read::Busy => self.run(move |connection| query(connection)).await,
        }
    }

    /// Runs `query` on a connection thread and waits for its answer, at most the query
    /// timeout. When the timeout passes first, `query` is skipped if it had not started;
    /// if it had, its statements are interrupted, its wait for a lock ends, and a commit it
    /// comes to is rolled back: it fails with [`StoreError::Timeout`] and leaves nothing.
    /// A query that began to commit before the timeout is waited for, and its outcome is
    /// the answer: what the caller hears always matches what the file holds. The same holds
    /// when the caller's future is dropped: what it stopped waiting for does not commit.
    pub async fn run<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        if self.file.is_replaced() {
            return Err(StoreError::Replaced);
        }
        let (answer, mut answered) = oneshot::channel();
        let file = self.file.clone();
        let fate = Arc::new(Fate::default());
        let job = Job {
            fate: fate.clone(),
            run: Box::new(move |connection| {
                let result = query(connection).map_err(|error| {
                    // A commit refused by the commit hook: the file is gone, or nobody waits.
                    if file.is_replaced() && is_refused_commit(&error) {
                        StoreError::Replaced
                    } else {
                        error
                    }
                });
                let _ = answer.send(result);
            }),
        };
        let abandon = Abandon(fate);
        let queued = self.metrics.queued();
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
        let result = match tokio::time::timeout(self.timeout, &mut answered).await {
            Ok(answer) => answer.unwrap_or(Err(StoreError::Closed)),
            Err(_) if abandon.0.abandon() => Err(StoreError::Timeout(self.timeout)),
            // It is committing: its outcome is the answer.
            Err(_) => answered.await.unwrap_or(Err(StoreError::Closed)),
        };
        drop(abandon);
        self.metrics.count(&result);
        result
    }
}

/// Abandons a query when its caller stops waiting for it, at the timeout or when the
/// caller's future is dropped; after the query ended, it changes nothing.
struct Abandon(Arc<Fate>);

impl Drop for Abandon {
    fn drop(&mut self) {
        self.0.abandon();
    }
}

/// Whether `error` is SQLite's answer to a commit that the commit hook turned into a
/// rollback.
fn is_refused_commit(error: &StoreError) -> bool {
    let StoreError::Database(source) = error else {
        return false;
    };
    matches!(
        source.downcast_ref::<rusqlite::Error>(),
        Some(rusqlite::Error::SqliteFailure(failure, _))
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_COMMITHOOK
    )
}

/// Opens (creating when missing) the file and applies what each of `components` lacks: the
/// first connection, the file opened, and what was applied.
fn migrate_file(
    options: &DatabaseOptions,
    components: &[Migrations],
    seed: bool,
) -> Result<(Connection, DatabaseFile, Vec<Applied>), OpenError> {
    let path = &options.path;
    let sqlite = |source| OpenError::Sqlite {
        path: path.clone(),
        source,
    };
    // A failed lookup counts as a file that exists: nothing is seeded into it.
    let existed = path.try_exists().unwrap_or(true);
    let mut first = connect(path, options.query_timeout).map_err(sqlite)?;
    let file = DatabaseFile::opened(path).map_err(|source| OpenError::File {
        path: path.clone(),
        source,
    })?;
    if !existed {
        file.remember_created();
        tracing::info!("created a new database at {}", path.display());
    }
    let seed = seed && file.created_by_this_process();
    prepare_bookkeeping(&first).map_err(sqlite)?;
    let mut applied = Vec::new();
    for component in components {
        applied.extend(migrate(&mut first, path, component, seed)?);
    }
    Ok((first, file, applied))
}

/// A connection set up for serving: WAL, `synchronous=NORMAL`, a busy timeout (which, on a
/// connection thread, [`job::watch`] replaces with a wait that ends with its caller's).
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

/// Creates the bookkeeping tables: the migrations applied, and the always empty table the
/// readiness probe writes to.
fn prepare_bookkeeping(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(
        "CREATE TABLE IF NOT EXISTS cxhook_migrations (
             component TEXT PRIMARY KEY,
             version INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS cxhook_probe (payload BLOB)",
    )
}

/// Applies the migrations `component` lacks, and its seed when it was new and `seed` is set
/// (the file is new), in one transaction that holds the write lock from the start.
fn migrate(
    connection: &mut Connection,
    path: &Path,
    component: &Migrations,
    seed: bool,
) -> Result<Option<Applied>, OpenError> {
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
        return Ok(None);
    }
    for step in &component.steps[applied..] {
        transaction.execute_batch(step).map_err(sqlite)?;
    }
    let seeded = component.seed.filter(|_| seed && applied == 0);
    if let Some(data) = seeded {
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
    transaction.commit().map_err(sqlite)?;
    Ok(Some(Applied {
        component: component.component,
        from: version,
        to: known as i64,
        seeded: seeded.is_some(),
    }))
}

/// A connection thread: runs jobs from the shared queue until the database is dropped. A job
/// that panics loses its answer (the caller sees [`StoreError::Closed`]), not the thread.
fn work(mut connection: Connection, queue: &Mutex<Receiver<Job>>, metrics: &QueryMetrics) {
    loop {
        let job = {
            let Ok(queue) = queue.lock() else { return };
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        metrics.queued().decrement(1.0);
        if job.fate.is_abandoned() {
            continue; // The caller gave up already.
        }
        let busy = metrics.busy();
        busy.increment(1.0);
        let Job { fate, run } = job;
        let ran = std::panic::catch_unwind(AssertUnwindSafe(|| {
            job::run(fate, &mut connection, run);
        }));
        if ran.is_err() {
            tracing::error!("a database query panicked");
        }
        busy.decrement(1.0);
    }
}
