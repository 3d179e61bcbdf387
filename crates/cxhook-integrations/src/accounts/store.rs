//! [`AccountStore`]: where accounts and their transactions are read from, and what a read
//! gives or how it fails.

use super::money::Money;
pub use crate::store::{StoreError, StoreFuture};

/// An account as the handlers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The user the account belongs to (`u-1001`).
    pub user_id: String,
    /// The account holder's name.
    pub holder: String,
    /// The balance, exact.
    pub balance: Money,
}

/// One booked transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The booking date, `YYYY-MM-DD`.
    pub date: String,
    /// What it was.
    pub description: String,
    /// The amount: negative for money out, positive for money in.
    pub amount: Money,
}

/// The accounts backend.
///
/// Object safe (its methods return boxed futures) rather than generic: the backend is
/// picked at run time from the configuration (SQLite for one replica, Postgres for many,
/// from the same binary), so handlers hold an `Arc<dyn AccountStore>`. The box costs one
/// allocation a call, nothing beside the database round trip, and keeps the router, its
/// handlers and the CLI free of a backend type parameter.
///
/// Every method answers within the store's query timeout, or fails with
/// [`StoreError::Timeout`].
pub trait AccountStore: Send + Sync + 'static {
    /// The account of `user_id`, or `None` when there is none.
    fn account(&self, user_id: &str) -> StoreFuture<'_, Option<Account>>;

    /// The last `limit` transactions of `user_id`, newest first; `None` when the account
    /// does not exist.
    fn transactions(&self, user_id: &str, limit: u32) -> StoreFuture<'_, Option<Vec<Transaction>>>;
}
