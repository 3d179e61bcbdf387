//! [`SqliteStore`]: accounts in a SQLite file, read through rusqlite on dedicated connection
//! threads.
//!
//! A small pool of std threads each owns one [`rusqlite::Connection`] and takes jobs from one
//! shared, bounded queue; a job answers through a `tokio::sync::oneshot`. That is one thread
//! hop each way per query, measured faster than sqlx's SQLite pool (three hops) and than
//! `spawn_blocking`. Connections run in WAL mode with `synchronous=NORMAL`, a busy timeout
//! equal to the query timeout, and cached prepared statements. A caller waits at most the
//! query timeout; a job whose caller gave up before it started is skipped.
//!
//! Opening creates the file when it is missing, applies the embedded migrations (tracked in
//! `PRAGMA user_version`) and, when the database was new, writes the demo accounts, all in
//! one transaction.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::oneshot;

use super::money::{Currency, Money};
use super::store::{Account, AccountStore, StoreError, StoreFuture, Transaction};

/// The embedded migrations, in order; migration `i` takes `user_version` from `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations/sqlite/0001_accounts.sql")];

/// The demo data written into a new database.
const SEED: &str = include_str!("../../migrations/sqlite/seed.sql");

/// How many queries may wait for a connection before new ones are refused.
const QUEUE_CAPACITY: usize = 1024;

/// How a [`SqliteStore`] opens its database.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// The database file; created when missing.
    pub path: PathBuf,
    /// How many connection threads serve queries; at least 1.
    pub connections: usize,
    /// How long a caller waits for an answer.
    pub query_timeout: Duration,
    /// Whether a newly created database gets the demo accounts.
    pub seed: bool,
}

impl SqliteOptions {
    /// Options for the file at `path`, with 2 connections, a 1 s query timeout and demo data.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            connections: 2,
            query_timeout: Duration::from_secs(1),
            seed: true,
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
    /// The database is newer than this program: it has migrations this program lacks.
    #[error(
        "the SQLite database {path} has schema version {found}, newer than this program's {known}"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The database's `user_version`.
        found: i64,
        /// The latest migration this program has.
        known: usize,
    },
    /// A connection thread could not be started.
    #[error("cannot start a database connection thread")]
    Thread(#[source] std::io::Error),
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Accounts in a SQLite file; cheap to share behind an `Arc`.
///
/// Dropping the store closes the queue; each connection thread finishes the jobs it has and
/// exits, closing its connection.
#[derive(Debug)]
pub struct SqliteStore {
    jobs: SyncSender<Job>,
    timeout: Duration,
}

impl SqliteStore {
    /// Opens (creating, migrating and seeding when new) the database and starts its
    /// connection threads. Blocking: call it at start-up.
    pub fn open(options: &SqliteOptions) -> Result<Self, OpenError> {
        let path = &options.path;
        let sqlite = |source| OpenError::Sqlite {
            path: path.clone(),
            source,
        };
        let connections = options.connections.max(1);
        let mut first = connect(path, options.query_timeout).map_err(sqlite)?;
        migrate(&mut first, path, options.seed)?;
        let mut opened = vec![first];
        for _ in 1..connections {
            opened.push(connect(path, options.query_timeout).map_err(sqlite)?);
        }
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE_CAPACITY);
        let queue = Arc::new(Mutex::new(queue));
        for (i, connection) in opened.into_iter().enumerate() {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("cxhook-sqlite-{i}"))
                .spawn(move || work(connection, &queue))
                .map_err(OpenError::Thread)?;
        }
        Ok(Self {
            jobs,
            timeout: options.query_timeout,
        })
    }

    /// Runs `f` on a connection thread, under the same query timeout as the store's own
    /// queries: for maintenance and for reads the [`AccountStore`] trait does not have. When
    /// the timeout passes first, `f` still runs to its end on its thread (or is skipped when
    /// it had not started), but nobody waits for it.
    pub async fn with_connection<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        self.run(move |connection| f(connection).map_err(database))
            .await
    }

    /// Runs `query` on a connection thread and waits for its answer, at most the query
    /// timeout.
    async fn run<T, F>(&self, query: F) -> Result<T, StoreError>
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
        self.jobs.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => StoreError::Overloaded,
            TrySendError::Disconnected(_) => StoreError::Closed,
        })?;
        match tokio::time::timeout(self.timeout, answered).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(StoreError::Closed),
            Err(_) => Err(StoreError::Timeout(self.timeout)),
        }
    }
}

impl AccountStore for SqliteStore {
    fn account(&self, user_id: &str) -> StoreFuture<'_, Option<Account>> {
        let user_id = user_id.to_owned();
        Box::pin(self.run(move |connection| find_account(connection, &user_id)))
    }

    fn transactions(&self, user_id: &str, limit: u32) -> StoreFuture<'_, Option<Vec<Transaction>>> {
        let user_id = user_id.to_owned();
        Box::pin(self.run(move |connection| {
            let Some(account) = find_account(connection, &user_id)? else {
                return Ok(None);
            };
            let mut statement = connection
                .prepare_cached(
                    "SELECT booked_on, description, amount_minor FROM transactions \
                     WHERE user_id = ?1 ORDER BY booked_on DESC, id DESC LIMIT ?2",
                )
                .map_err(database)?;
            let rows = statement
                .query_map(params![user_id, limit], |row| {
                    Ok(Transaction {
                        date: row.get(0)?,
                        description: row.get(1)?,
                        amount: Money::new(row.get(2)?, account.balance.currency),
                    })
                })
                .map_err(database)?;
            let transactions = rows.collect::<Result<Vec<_>, _>>().map_err(database)?;
            Ok(Some(transactions))
        }))
    }
}

fn find_account(connection: &Connection, user_id: &str) -> Result<Option<Account>, StoreError> {
    let mut statement = connection
        .prepare_cached("SELECT holder, currency, balance_minor FROM accounts WHERE user_id = ?1")
        .map_err(database)?;
    let row = statement
        .query_row([user_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })
        .optional()
        .map_err(database)?;
    row.map(|(holder, currency, minor)| {
        let currency = Currency::parse(&currency)
            .map_err(|e| StoreError::Data(format!("account {user_id}: {e}")))?;
        Ok(Account {
            user_id: user_id.to_owned(),
            holder,
            balance: Money::new(minor, currency),
        })
    })
    .transpose()
}

fn database(error: rusqlite::Error) -> StoreError {
    StoreError::Database(Box::new(error))
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
    connection.set_prepared_statement_cache_capacity(16);
    Ok(connection)
}

/// Applies the migrations the database lacks and seeds a new database, in one transaction
/// that holds the write lock from the start, so two processes opening one new file do not
/// both migrate.
fn migrate(connection: &mut Connection, path: &Path, seed: bool) -> Result<(), OpenError> {
    let sqlite = |source| OpenError::Sqlite {
        path: path.to_owned(),
        source,
    };
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sqlite)?;
    let version: i64 = transaction
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sqlite)?;
    let applied = usize::try_from(version).unwrap_or(usize::MAX);
    if applied > MIGRATIONS.len() {
        return Err(OpenError::TooNew {
            path: path.to_owned(),
            found: version,
            known: MIGRATIONS.len(),
        });
    }
    if applied == MIGRATIONS.len() {
        return Ok(());
    }
    for migration in &MIGRATIONS[applied..] {
        transaction.execute_batch(migration).map_err(sqlite)?;
    }
    if seed && applied == 0 {
        transaction.execute_batch(SEED).map_err(sqlite)?;
        tracing::info!(path = %path.display(), "created the accounts database with demo accounts");
    }
    transaction
        .pragma_update(None, "user_version", MIGRATIONS.len() as i64)
        .map_err(sqlite)?;
    transaction.commit().map_err(sqlite)
}

/// A connection thread: runs jobs from the shared queue until the store is dropped. A job
/// that panics loses its answer (the caller sees [`StoreError::Closed`]), not the thread.
fn work(mut connection: Connection, queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let Ok(queue) = queue.lock() else { return };
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut connection))).is_err() {
            tracing::error!("an accounts database query panicked");
        }
    }
}
