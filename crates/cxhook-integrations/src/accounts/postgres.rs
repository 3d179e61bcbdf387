//! [`PostgresStore`]: accounts on a Postgres server that every replica shares, read through
//! the pooled [`Database`] (see [`crate::postgres`] for the client and why).
//!
//! Opening applies the accounts' embedded migrations under the migration lock and, when
//! this process created the tables, writes the demo accounts, as the SQLite store does for
//! a file it created.

use super::money::{Currency, Money};
use super::store::{Account, AccountStore, StoreError, StoreFuture, Transaction};
use crate::postgres::{BoxFuture, Client, Database, OpenError, Options};
use crate::sqlite::Migrations;

/// The accounts' embedded Postgres schema and demo data.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    component: "accounts",
    steps: &[include_str!("../../migrations/postgres/0001_accounts.sql")],
    seed: Some(include_str!("../../migrations/postgres/seed.sql")),
};

/// Accounts on a Postgres server; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct PostgresStore {
    database: Database,
}

impl PostgresStore {
    /// Makes the pool and applies the migrations (with the demo accounts, when `seed` is set
    /// and this process created the tables). Blocking: call it at start-up.
    pub fn open(options: &Options, seed: bool) -> Result<Self, OpenError> {
        Ok(Self {
            database: Database::open(options, &[MIGRATIONS], seed)?,
        })
    }

    /// Whether the server answers and the migrations have run (see [`Database::ping`]).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.database.ping().await
    }

    /// The accounts' Postgres migrations, for [`Database::migrate`].
    pub const MIGRATIONS: Migrations = MIGRATIONS;
}

impl AccountStore for PostgresStore {
    fn account(&self, user_id: &str) -> StoreFuture<'_, Option<Account>> {
        Box::pin(self.database.read(user_id.to_owned(), find_account_boxed))
    }

    fn transactions(&self, user_id: &str, limit: u32) -> StoreFuture<'_, Option<Vec<Transaction>>> {
        Box::pin(
            self.database
                .read((user_id.to_owned(), limit), transactions_boxed),
        )
    }
}

#[expect(clippy::ptr_arg, reason = "a ReadBody borrows its data as given")]
fn find_account_boxed<'a>(
    client: &'a Client,
    user_id: &'a String,
) -> BoxFuture<'a, Result<Option<Account>, StoreError>> {
    Box::pin(find_account(client, user_id))
}

fn transactions_boxed<'a>(
    client: &'a Client,
    (user_id, limit): &'a (String, u32),
) -> BoxFuture<'a, Result<Option<Vec<Transaction>>, StoreError>> {
    Box::pin(transactions(client, user_id, *limit))
}

async fn transactions(
    client: &Client,
    user_id: &str,
    limit: u32,
) -> Result<Option<Vec<Transaction>>, StoreError> {
    let Some(account) = find_account(client, user_id).await? else {
        return Ok(None);
    };
    let statement = client
        .prepare_cached(
            "SELECT to_char(booked_on, 'YYYY-MM-DD'), description, amount_minor \
             FROM transactions WHERE user_id = $1 \
             ORDER BY booked_on DESC, id DESC LIMIT $2",
        )
        .await?;
    let rows = client
        .query(&statement, &[&user_id, &i64::from(limit)])
        .await?;
    Ok(Some(
        rows.iter()
            .map(|row| Transaction {
                date: row.get(0),
                description: row.get(1),
                amount: Money::new(row.get(2), account.balance.currency),
            })
            .collect(),
    ))
}

async fn find_account(client: &Client, user_id: &str) -> Result<Option<Account>, StoreError> {
    let statement = client
        .prepare_cached("SELECT holder, currency, balance_minor FROM accounts WHERE user_id = $1")
        .await?;
    let Some(row) = client.query_opt(&statement, &[&user_id]).await? else {
        return Ok(None);
    };
    let currency: String = row.get(1);
    let currency = Currency::parse(&currency)
        .map_err(|e| StoreError::Data(format!("account {user_id}: {e}")))?;
    Ok(Some(Account {
        user_id: user_id.to_owned(),
        holder: row.get(0),
        balance: Money::new(row.get(2), currency),
    }))
}
