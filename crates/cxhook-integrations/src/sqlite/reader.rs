//! Reads answered on the caller's own thread: each thread keeps one connection of its own to
//! each open [`Database`](super::Database), so a point lookup costs no thread hop.
//!
//! A read connection never waits for a lock (its busy timeout is zero): when SQLite answers
//! busy, the caller hands the query to the connection threads, which wait as long as the
//! query timeout allows. A read that runs longer than the query timeout is interrupted by a
//! progress handler that looks at the clock every few thousand SQLite steps.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::store::StoreError;

/// How many SQLite virtual-machine steps run between two looks at the clock.
const STEPS_PER_CHECK: i32 = 4096;

thread_local! {
    /// This thread's read connections, one per database it has read from.
    static READERS: RefCell<Vec<Reader>> = const { RefCell::new(Vec::new()) };
    /// When the read running on this thread must stop.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// One thread's connection to one database, kept while the database is open.
struct Reader {
    database: Weak<()>,
    connection: Connection,
}

/// The read connections of one database: what a thread needs to open its own.
#[derive(Debug)]
pub(super) struct Readers {
    /// Alive as long as the database; threads drop their connections once it is gone.
    token: Arc<()>,
    path: PathBuf,
    timeout: Duration,
}

/// How a read on the caller's thread ended.
pub(super) enum Read<T> {
    /// It ran, with this result.
    Done(Result<T, StoreError>),
    /// The database was locked (or the connection could not be opened): run it elsewhere.
    Busy,
}

impl Readers {
    /// Read connections to the file at `path`, whose reads stop after `timeout`.
    pub(super) fn new(path: &Path, timeout: Duration) -> Self {
        Self {
            token: Arc::new(()),
            path: path.to_owned(),
            timeout,
        }
    }

    /// Runs `query` on this thread's connection to the database, opening it on first use.
    pub(super) fn read<T>(
        &self,
        query: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Read<T> {
        READERS.with(|readers| {
            let Ok(mut readers) = readers.try_borrow_mut() else {
                // A read inside a read (a query that reads again): let a connection thread
                // take it rather than share this connection.
                return Read::Busy;
            };
            let Some(connection) = self.connection(&mut readers) else {
                return Read::Busy;
            };
            DEADLINE.with(|deadline| deadline.set(Some(Instant::now() + self.timeout)));
            let result = query(connection);
            DEADLINE.with(|deadline| deadline.set(None));
            match result {
                Err(error) if is_busy(&error) => Read::Busy,
                Err(error) if is_interrupted(&error) => {
                    Read::Done(Err(StoreError::Timeout(self.timeout)))
                }
                result => Read::Done(result),
            }
        })
    }

    /// This thread's connection to the database: the one it has, or a new one. Connections
    /// to databases that are gone are closed on the way.
    fn connection<'a>(&self, readers: &'a mut Vec<Reader>) -> Option<&'a Connection> {
        let token = Arc::downgrade(&self.token);
        let position = match readers.iter().position(|r| r.database.ptr_eq(&token)) {
            Some(position) => position,
            None => {
                readers.retain(|r| r.database.strong_count() > 0);
                let connection = open(&self.path)
                    .inspect_err(|error| {
                        tracing::warn!(%error, "cannot open a read connection; using the pool");
                    })
                    .ok()?;
                readers.push(Reader {
                    database: token,
                    connection,
                });
                readers.len() - 1
            }
        };
        Some(&readers[position].connection)
    }
}

/// A connection that only reads, never waits for a lock, and stops past this thread's
/// deadline.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let mut connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(Duration::ZERO)?;
    connection.pragma_update(None, "query_only", true)?;
    connection.set_prepared_statement_cache_capacity(32);
    connection.progress_handler(
        STEPS_PER_CHECK,
        Some(|| DEADLINE.with(|deadline| deadline.get().is_some_and(|d| Instant::now() > d))),
    )?;
    Ok(connection)
}

/// The SQLite error code behind a store error, when there is one.
fn code(error: &StoreError) -> Option<ErrorCode> {
    match error {
        StoreError::Database(source) => source
            .downcast_ref::<rusqlite::Error>()
            .and_then(rusqlite::Error::sqlite_error_code),
        _ => None,
    }
}

fn is_busy(error: &StoreError) -> bool {
    matches!(
        code(error),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn is_interrupted(error: &StoreError) -> bool {
    code(error) == Some(ErrorCode::OperationInterrupted)
}
