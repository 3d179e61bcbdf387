//! What every integration's store shares: the boxed future its methods return, and
//! [`StoreError`], how a read or write fails.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A future a store returns; boxed, so that the store traits are object safe.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Why a store could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The query did not answer in time (the database is locked, slow or overloaded).
    #[error("the database did not answer within {0:?}")]
    Timeout(Duration),
    /// Too many queries are waiting already.
    #[error("the database has too many queries waiting")]
    Overloaded,
    /// The store's connections are gone.
    #[error("the database connections are closed")]
    Closed,
    /// The database answered with an error (busy, locked, corrupt, I/O …).
    #[error("database error")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database file was removed or replaced since it was opened: nothing more is
    /// written to it (see [`crate::sqlite`]).
    #[error("the database file was removed or replaced since it was opened")]
    Replaced,
    /// The database's schema of a component is older than this program's: its migrations
    /// have not run (the server was told not to apply them).
    #[error(
        "the {component} schema is at version {found}, this program needs version {needed} \
         (apply the migrations: cxhook migrate)"
    )]
    Schema {
        /// The component (`accounts`, `booking`).
        component: &'static str,
        /// The version the database has (0: none of its tables).
        found: i64,
        /// The version this program needs.
        needed: usize,
    },
    /// A stored value is not what the schema promises.
    #[error("the database holds a bad value: {0}")]
    Data(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Database(Box::new(error))
    }
}
