//! Where the secret that memory keys users with comes from ([`SecretSource`]), and the file
//! that holds it when none is given.
//!
//! Users are stored under an HMAC of their identity with the secret, so every process that
//! serves one database must hold the same one. A secret given (the variable `secret_env`
//! names, or `secret_file`) is used as it is. Without one, a single instance on a SQLite
//! file, the embedded default, keeps a secret of its own beside the database, in
//! `<database file name>.memory-secret` (`cxhook.db.memory-secret`): `cxhook serve` makes it
//! at its first start ([`keep_secret`](super::keep_secret)) and reads it at every start
//! after, so memory works with nothing to set up and a restarted server recalls what the
//! one before remembered.
//! Reading never makes it: checking the configuration and `cxhook memory show|forget` only
//! read what is there. A Postgres database is shared by replicas, and a file made by each
//! would key every user once per replica; there memory stays off until a secret is given.
//!
//! The file holds 32 bytes of the operating system's randomness as 64 hex digits: a key of
//! 64 bytes, one SHA-256 block, the longest HMAC-SHA256 takes without hashing it first. The
//! bytes come from `getrandom` (the system call of that name on Linux), already built for
//! `tempfile`, rather than from a generator of our own that would have to be seeded. The
//! digits are written whole, and synced, to a file of a temporary name in the database's
//! directory, made with mode 0600 by `tempfile`, which then gives it its name only if
//! nothing has it (`persist_noclobber`: `renameat2` with `RENAME_NOREPLACE`, or a hard link
//! where that is missing): a reader finds the whole secret or no file, and of two servers
//! starting at once the second finds the first one's file and keeps it.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use cxhook::memory::MemorySecret;
use cxhook::{Secret, SecretError};

use super::config::MemoryConfig;
use crate::config::ConfigError;
use crate::database::is_postgres;

/// What the name of the secret file adds to the database file's name.
const SUFFIX: &str = ".memory-secret";

/// How many random bytes a secret made for the file holds.
const SECRET_BYTES: usize = 32;

/// Where the secret users are keyed with comes from, as a [`MemoryConfig`] says.
#[derive(Debug, Clone)]
pub enum SecretSource {
    /// Given: from `secret_file`, or the variable `secret_env` names.
    Given(MemorySecret),
    /// None given, and the database is a SQLite file: the secret is kept in this file
    /// beside it, which `cxhook serve` makes when it is missing
    /// ([`keep_secret`](super::keep_secret)).
    Kept(PathBuf),
    /// None given, and the database is Postgres, shared by replicas that must share one
    /// secret too: memory stays off.
    Missing,
}

impl MemoryConfig {
    /// Where the secret users are keyed with comes from: the one given
    /// ([`MemoryConfig::secret`]), else the file kept beside a SQLite database, else none.
    /// Reads the given secret, and makes nothing.
    pub fn secret_source(&self) -> Result<SecretSource, ConfigError> {
        if let Some(secret) = self.secret()? {
            return Ok(SecretSource::Given(secret));
        }
        Ok(kept_file(&self.database).map_or(SecretSource::Missing, SecretSource::Kept))
    }
}

/// The file the secret of the SQLite `database` is kept in, `<file name>.memory-secret` in
/// its directory; `None` for a Postgres server (or a path that names no file).
fn kept_file(database: &Path) -> Option<PathBuf> {
    if is_postgres(database) {
        return None;
    }
    let mut name = database.file_name()?.to_owned();
    name.push(SUFFIX);
    Some(database.with_file_name(name))
}

/// Why the secret file could not be made or read.
#[derive(Debug, thiserror::Error)]
#[error("cannot {doing} the memory secret file {}: {source}", .path.display())]
pub struct SecretFileError {
    doing: &'static str,
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

impl SecretFileError {
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The secret in the kept file `file` (read as [`Secret::from_file`] reads a mounted one), or
/// `None` when there is no such file. A file that cannot be read, or holds nothing, is an
/// error.
pub fn read_kept(file: &Path) -> Result<Option<MemorySecret>, SecretFileError> {
    let failed = |source| SecretFileError {
        doing: "read",
        path: file.to_owned(),
        source,
    };
    match Secret::from_file(file) {
        Ok(secret) => Ok(Some(MemorySecret::new(secret))),
        Err(SecretError::File { source, .. }) if source.kind() == ErrorKind::NotFound => Ok(None),
        Err(SecretError::File { source, .. }) => Err(failed(source)),
        Err(SecretError::Empty(_) | SecretError::NotSet(_)) => Err(failed(std::io::Error::new(
            ErrorKind::InvalidData,
            "it holds no secret",
        ))),
    }
}

/// Makes `file` with a new random secret unless something has its name; whether this call
/// made it. Of callers racing, exactly one makes it and every one finds it made.
pub(super) fn make(file: &Path) -> Result<bool, SecretFileError> {
    let failed = |source| SecretFileError {
        doing: "make",
        path: file.to_owned(),
        source,
    };
    if file.exists() {
        return Ok(false);
    }
    let mut bytes = [0_u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| failed(std::io::Error::other(e)))?;
    let digits: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut written = tempfile::Builder::new()
        .prefix(".memory-secret-")
        .tempfile_in(dir)
        .map_err(failed)?;
    written
        .write_all(format!("{digits}\n").as_bytes())
        .and_then(|()| written.as_file().sync_all())
        .map_err(failed)?;
    match written.persist_noclobber(file) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(failed(e.error)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use super::*;

    fn sqlite(database: PathBuf) -> MemoryConfig {
        MemoryConfig {
            database,
            secret_env: "MEMORY_SECRET_TEST_VARIABLE_NOBODY_SETS".to_owned(),
            ..MemoryConfig::default()
        }
    }

    #[test]
    fn without_a_secret_sqlite_keeps_one_beside_the_database_and_postgres_has_none() {
        let kept = |database: &str| match sqlite(PathBuf::from(database)).secret_source() {
            Ok(SecretSource::Kept(file)) => Some(file),
            Ok(SecretSource::Missing) => None,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            kept("cxhook.db"),
            Some(PathBuf::from("cxhook.db.memory-secret"))
        );
        assert_eq!(
            kept("/var/lib/cxhook/data.sqlite"),
            Some(PathBuf::from("/var/lib/cxhook/data.sqlite.memory-secret"))
        );
        assert_eq!(kept("postgres://cxhook@db.internal/cxhook"), None);
        assert_eq!(kept("host=/cloudsql/p:r:i dbname=cxhook user=cxhook"), None);
    }

    #[test]
    fn the_kept_secret_is_made_once_private_and_whole_then_read_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cxhook.db.memory-secret");
        assert!(read_kept(&file).unwrap().is_none());
        assert!(make(&file).unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        let digits = text.trim_end();
        assert_eq!(digits.len(), 64, "{text:?}");
        assert!(digits.bytes().all(|b| b.is_ascii_hexdigit()), "{text:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        let secret = read_kept(&file).unwrap().unwrap();
        assert!(!format!("{secret:?}").contains(digits));
        // A second start keeps it: the same users, the same keys.
        assert!(!make(&file).unwrap());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        let again = read_kept(&file).unwrap().unwrap();
        assert_eq!(again.key("u-1001"), secret.key("u-1001"));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["cxhook.db.memory-secret"], "{names:?}");
    }

    #[test]
    fn an_empty_kept_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cxhook.db.memory-secret");
        std::fs::write(&file, "\n").unwrap();
        let error = read_kept(&file).unwrap_err();
        assert_eq!(error.path(), file);
        assert!(error.to_string().contains("holds no secret"), "{error}");
    }

    #[test]
    fn of_servers_starting_at_once_one_makes_the_secret_and_all_read_it() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("cxhook.db.memory-secret");
            let starters = 8;
            let barrier = Arc::new(Barrier::new(starters));
            let threads: Vec<_> = (0..starters)
                .map(|_| {
                    let (file, barrier) = (file.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        let made = make(&file).unwrap();
                        let secret = read_kept(&file).unwrap().unwrap();
                        (made, secret.key("u-1001"))
                    })
                })
                .collect();
            let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
            assert_eq!(results.iter().filter(|(made, _)| *made).count(), 1);
            assert!(results.iter().all(|(_, key)| *key == results[0].1));
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        }
    }
}
