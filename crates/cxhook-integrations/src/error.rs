//! [`Error`]: why an integration's router could not be built.
//!
//! It wraps the errors of the database layers and the booking API's token, so it sits above
//! them, in a module of its own, apart from [`ConfigError`] which they all use.

use crate::config::ConfigError;

/// Why an integration's router could not be built, the same for each of them: a key that
/// cannot work, a database that does not open, a secret that cannot be read.
///
/// One type for the three rather than one per module: they fail in these same few ways
/// (accounts and booking share the database layer and its errors), and whoever builds them
/// (`cxhook serve`, a program of its own) handles each failure alike, naming the section
/// around it. Each module re-exports it (`accounts::Error`), so that a module's
/// constructors read the same as the others'.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value cannot work.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The SQLite database could not be opened.
    #[cfg(any(feature = "accounts", feature = "booking", feature = "memory"))]
    #[error(transparent)]
    Sqlite(#[from] crate::sqlite::OpenError),
    /// The Postgres database could not be opened.
    #[cfg(all(
        feature = "postgres",
        any(feature = "accounts", feature = "booking", feature = "memory")
    ))]
    #[error(transparent)]
    Postgres(#[from] crate::postgres::OpenError),
    /// Memory's secret file, kept beside its SQLite database, could not be made or read.
    #[cfg(feature = "memory")]
    #[error(transparent)]
    MemorySecret(#[from] crate::memory::SecretFileError),
    /// The booking API's token could not be read.
    #[cfg(feature = "booking")]
    #[error(transparent)]
    Token(#[from] crate::booking::TokenError),
}
