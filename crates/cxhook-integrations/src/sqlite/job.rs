//! The fate of a query on a connection thread once its caller stops waiting: it either
//! never commits, or its caller waits for its outcome.
//!
//! Each query carries a [`Fate`] that its caller and its connection share. The caller, at
//! its timeout, marks it abandoned; SQLite, about to commit, marks it committing. Whichever
//! comes first wins, in one compare-and-swap: an abandoned query's commit is turned into a
//! rollback by the connection's commit hook (and its statements are interrupted, and its
//! wait for a lock ends), while a caller that finds the query committing waits for its
//! answer, so that what the caller says always matches what the file holds. The busy
//! handler is this module's own rather than SQLite's busy timeout, which cannot see that the
//! caller left and sleeps up to 100 ms between tries at the lock.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::file::DatabaseFile;

/// How many SQLite virtual-machine steps run between two looks at the query's fate.
const STEPS_PER_CHECK: i32 = 1000;

/// The longest sleep between two tries at a lock: short, so that a lock released just
/// before the timeout is taken (SQLite's own busy handler sleeps up to 100 ms).
const LONGEST_BACKOFF: Duration = Duration::from_millis(5);

const RUNNING: u8 = 0;
const ABANDONED: u8 = 1;
const COMMITTING: u8 = 2;

thread_local! {
    /// The fate of the query running on this connection thread.
    static CURRENT: RefCell<Option<Arc<Fate>>> = const { RefCell::new(None) };
}

/// Where a query stands between its caller and its connection.
#[derive(Debug, Default)]
pub(super) struct Fate(AtomicU8);

impl Fate {
    /// Marks the query abandoned by its caller, unless it is committing already. Whether it
    /// is abandoned (it will not commit).
    pub(super) fn abandon(&self) -> bool {
        match self
            .0
            .compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(state) => state == ABANDONED,
        }
    }

    /// Whether the caller stopped waiting before anything was committed.
    pub(super) fn is_abandoned(&self) -> bool {
        self.0.load(Ordering::Acquire) == ABANDONED
    }

    /// Marks the query committing, unless its caller abandoned it. Whether it may commit.
    fn commit(&self) -> bool {
        match self
            .0
            .compare_exchange(RUNNING, COMMITTING, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(state) => state == COMMITTING,
        }
    }
}

/// Runs `job` on `connection` as the query whose fate is `fate`.
pub(super) fn run(fate: Arc<Fate>, connection: &mut Connection, job: impl FnOnce(&mut Connection)) {
    CURRENT.with(|current| *current.borrow_mut() = Some(fate));
    job(connection);
    CURRENT.with(|current| current.borrow_mut().take());
}

/// Whether the running query was abandoned by its caller.
fn abandoned() -> bool {
    CURRENT.with(|current| {
        current
            .borrow()
            .as_ref()
            .is_some_and(|fate| fate.is_abandoned())
    })
}

/// Whether the running query may commit (a connection used outside a query always may).
fn may_commit() -> bool {
    CURRENT.with(|current| current.borrow().as_ref().is_none_or(|fate| fate.commit()))
}

/// Sets up a connection thread's connection: statements stop once their caller abandoned
/// them, a lock is waited for while the caller waits (at most `lock_timeout`), and a commit
/// happens only when the file is still the one opened and the caller has not abandoned it.
pub(super) fn watch(
    connection: &mut Connection,
    file: Arc<DatabaseFile>,
    lock_timeout: Duration,
) -> rusqlite::Result<()> {
    connection.progress_handler(STEPS_PER_CHECK, Some(abandoned))?;
    let mut since = Instant::now();
    connection.busy_handler(Some(move |tries: i32| {
        if tries == 0 {
            since = Instant::now();
        }
        if abandoned() || since.elapsed() >= lock_timeout {
            return false;
        }
        let backoff = Duration::from_millis(1 << tries.clamp(0, 3));
        std::thread::sleep(backoff.min(LONGEST_BACKOFF));
        true
    }))?;
    // `true` turns the commit into a rollback.
    connection.commit_hook(Some(move || !file.is_unchanged() || !may_commit()))
}
