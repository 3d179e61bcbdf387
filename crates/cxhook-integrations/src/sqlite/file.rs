//! [`DatabaseFile`]: the file a [`Database`](super::Database) opened, and whether the path
//! still names it.
//!
//! An open SQLite connection keeps writing to its file after the file was deleted or replaced
//! (a restore, a `mv`): a server whose `cxhook.db` was deleted kept confirming bookings into
//! the unlinked file, lost at the next restart. The file is known by its device and inode at
//! open; before every commit, and in each readiness check, the path is looked up again
//! (one `stat` system call, small beside a commit's write) and a file that is gone or is
//! another one stops the database for good: every query fails and readiness says so, until a
//! restart opens the file that is there.
//!
//! It also remembers which files this process created, so that demo data goes only into a
//! database created by this start, even when another component opened the new file first.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::store::StoreError;

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The files this process created, by canonical path and identity.
static CREATED: Mutex<Vec<(PathBuf, Identity)>> = Mutex::new(Vec::new());

/// What tells one file from another at the same path: its device and inode. Elsewhere than
/// on Unix, only a removed file is noticed.
type Identity = (u64, u64);

#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Identity {
    (0, 0)
}

/// The database file as opened.
#[derive(Debug)]
pub(super) struct DatabaseFile {
    path: PathBuf,
    identity: Identity,
    /// Set once the path no longer names the file opened.
    replaced: AtomicBool,
}

impl DatabaseFile {
    /// The file now at `path`, which SQLite has just opened.
    pub(super) fn opened(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            path: path.to_owned(),
            identity: identity(&std::fs::metadata(path)?),
            replaced: AtomicBool::new(false),
        })
    }

    /// Records that this process created the file.
    pub(super) fn remember_created(&self) {
        if let Ok(canonical) = self.path.canonicalize() {
            let mut created = CREATED.lock().unwrap_or_else(|e| e.into_inner());
            created.push((canonical, self.identity));
        }
    }

    /// Whether this process created the file.
    pub(super) fn created_by_this_process(&self) -> bool {
        let Ok(canonical) = self.path.canonicalize() else {
            return false;
        };
        let created = CREATED.lock().unwrap_or_else(|e| e.into_inner());
        created.contains(&(canonical, self.identity))
    }

    /// Whether the path still names the file opened: looks it up (unless it was found gone
    /// before), and logs an error the first time it is gone or another file.
    pub(super) fn is_unchanged(&self) -> bool {
        if self.replaced.load(Ordering::Acquire) {
            return false;
        }
        let now = std::fs::metadata(&self.path).map(|metadata| identity(&metadata));
        if now.as_ref().is_ok_and(|now| *now == self.identity) {
            return true;
        }
        if !self.replaced.swap(true, Ordering::AcqRel) {
            let what = match now {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => "was removed",
                Err(_) => "cannot be looked up",
                Ok(_) => "was replaced by another file",
            };
            tracing::error!(
                path = %self.path.display(),
                "the database file {what} since it was opened; nothing more is written to \
                 it, every query fails and readiness fails until cxhook restarts"
            );
        }
        false
    }

    /// Whether the file was found gone or replaced already (no lookup).
    pub(super) fn is_replaced(&self) -> bool {
        self.replaced.load(Ordering::Acquire)
    }

    /// The readiness check of the file: the path still names it, and it still starts with
    /// SQLite's header (it was not overwritten).
    pub(super) fn check(&self) -> Result<(), StoreError> {
        if !self.is_unchanged() {
            return Err(StoreError::Replaced);
        }
        let mut header = [0; SQLITE_HEADER.len()];
        std::fs::File::open(&self.path)
            .and_then(|mut file| file.read_exact(&mut header))
            .map_err(|e| StoreError::Database(Box::new(e)))?;
        if &header != SQLITE_HEADER {
            return Err(StoreError::Database(
                "the database file no longer starts with the SQLite header".into(),
            ));
        }
        Ok(())
    }
}
