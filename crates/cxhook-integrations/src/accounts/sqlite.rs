//! [`SqliteStore`]: accounts in a SQLite file, read through the shared [`Database`] (rusqlite
//! on dedicated connection threads).
//!
//! Opening creates the file when it is missing, applies the accounts' embedded migrations
//! (tracked per component, see [`crate::sqlite`]) and, when this process created the file,
//! writes the demo accounts, all in one transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::money::{Currency, Money};
use super::store::{Account, AccountStore, StoreError, StoreFuture, Transaction};
use crate::sqlite::{Database, DatabaseOptions, Migrations, OpenError};

/// The accounts' embedded schema and demo data.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    component: "accounts",
    steps: &[include_str!("../../migrations/sqlite/0001_accounts.sql")],
    seed: Some(include_str!("../../migrations/sqlite/seed.sql")),
};

/// Accounts in a SQLite file; cheap to share behind an `Arc`.
///
/// Dropping the store closes the queue; each connection thread finishes the jobs it has and
/// exits, closing its connection.
#[derive(Debug)]
pub struct SqliteStore {
    database: Database,
}

impl SqliteStore {
    /// The accounts' SQLite migrations and demo data, for [`Database::migrate`].
    pub const MIGRATIONS: Migrations = MIGRATIONS;

    /// Opens (creating and migrating when new) the database and starts its connection
    /// threads; a database this process created gets the demo accounts when `seed` is set
    /// (an existing one never does). Blocking: call it at start-up.
    pub fn open(options: &DatabaseOptions, seed: bool) -> Result<Self, OpenError> {
        let database = Database::open(options, &[MIGRATIONS], seed)?;
        Ok(Self { database })
    }

    /// Whether the database answers and its migrations have run (see [`Database::ping`]).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.database.ping().await
    }

    /// Runs `f` on a connection thread, under the same query timeout as the store's own
    /// queries: for maintenance and for reads the [`AccountStore`] trait does not have. When
    /// the timeout passes first, `f` is stopped and what it wrote is rolled back, unless it
    /// had begun to commit, and then its outcome is awaited (see [`Database::run`]).
    pub async fn with_connection<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        self.run(move |connection| f(connection).map_err(database))
            .await
    }

    /// Runs `query`, a short read, on this thread's own connection to the file (see
    /// [`Database::read`]): for reads the [`AccountStore`] trait does not have.
    pub async fn read<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.database.read(query).await
    }

    /// Runs `query` on a connection thread and waits for its answer, at most the query
    /// timeout unless it had begun to commit (see [`Database::run`]).
    async fn run<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.database.run(query).await
    }
}

impl AccountStore for SqliteStore {
    fn account(&self, user_id: &str) -> StoreFuture<'_, Option<Account>> {
        let user_id = user_id.to_owned();
        Box::pin(
            self.database
                .read(move |connection| find_account(connection, &user_id)),
        )
    }

    fn transactions(&self, user_id: &str, limit: u32) -> StoreFuture<'_, Option<Vec<Transaction>>> {
        let user_id = user_id.to_owned();
        Box::pin(self.database.read(move |connection| {
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
