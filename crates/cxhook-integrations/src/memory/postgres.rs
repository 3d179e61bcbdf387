//! [`PostgresMemoryStore`]: facts about users on a Postgres server that every replica
//! shares, through the pooled [`Database`] (see [`crate::postgres`] for the client and how a
//! write whose caller gave up is stopped before it commits).
//!
//! Each fact is one row and each write one upsert that applies only when it is not older
//! than the stored row, as on SQLite. Two replicas writing different facts of one user at
//! once touch different rows and keep both; two writing the same fact serialise on its row,
//! and the newer write stands, whichever commits last.

use std::sync::Arc;
use std::time::SystemTime;

use cxhook::BoxFuture;
use cxhook::memory::{Change, Fact, MemoryError, MemoryStore, UserKey};

use super::sqlite::{UPSERT_WHERE, fact, millis, rows};
use crate::postgres::{Database, Finish, OpenError, Options};
use crate::sqlite::Migrations;
use crate::store::StoreError;

/// The memory's embedded Postgres schema.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    component: "memory",
    steps: &[include_str!("../../migrations/postgres/0001_memory.sql")],
    seed: None,
};

/// Facts about users on a Postgres server; cheap to clone and share.
#[derive(Debug, Clone)]
pub struct PostgresMemoryStore {
    database: Arc<Database>,
}

impl PostgresMemoryStore {
    /// The memory's Postgres migrations, for [`Database::migrate`].
    pub const MIGRATIONS: Migrations = MIGRATIONS;

    /// Makes the pool and applies the memory migrations. Blocking: call it at start-up.
    pub fn open(options: &Options) -> Result<Self, OpenError> {
        Ok(Self {
            database: Arc::new(Database::open(options, &[MIGRATIONS], false)?),
        })
    }

    /// Whether the server answers and the migrations have run (see [`Database::ping`]).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.database.ping().await
    }
}

impl MemoryStore for PostgresMemoryStore {
    fn recall(&self, user: UserKey) -> BoxFuture<Result<Vec<Fact>, MemoryError>> {
        let database = self.database.clone();
        Box::pin(async move {
            database
                .read(user.as_str().to_owned(), |client, user| {
                    Box::pin(async move {
                        let statement = client
                            .prepare_cached(
                                "SELECT fact, value, updated_at_ms FROM memory \
                                 WHERE user_key = $1 AND forgotten = 0 ORDER BY fact",
                            )
                            .await?;
                        client
                            .query(&statement, &[user])
                            .await?
                            .iter()
                            .map(|row| {
                                let value: Option<String> = row.get(1);
                                fact(row.get(0), value.as_deref(), row.get(2))
                            })
                            .collect()
                    })
                })
                .await
                .map_err(MemoryError::new)
        })
    }

    fn apply(
        &self,
        user: UserKey,
        changes: Vec<(String, Change)>,
        at: SystemTime,
    ) -> BoxFuture<Result<(), MemoryError>> {
        let database = self.database.clone();
        Box::pin(async move {
            let rows = rows(changes)?;
            let data = (user.as_str().to_owned(), rows, millis(at));
            database
                .write(data, |client, (user, rows, at)| {
                    Box::pin(async move {
                        let statement = client
                            .prepare_cached(&format!(
                                "INSERT INTO memory \
                                 (user_key, fact, value, updated_at_ms, forgotten) \
                                 VALUES ($1, $2, $3, $4, $5) \
                                 ON CONFLICT (user_key, fact) DO UPDATE \
                                 SET value = excluded.value, \
                                 updated_at_ms = excluded.updated_at_ms, \
                                 forgotten = excluded.forgotten {UPSERT_WHERE}"
                            ))
                            .await?;
                        for (fact, value) in rows {
                            let forgotten = i16::from(value.is_none());
                            client
                                .execute(&statement, &[user, fact, value, at, &forgotten])
                                .await?;
                        }
                        Ok(((), Finish::Commit))
                    })
                })
                .await
                .map_err(MemoryError::new)
        })
    }

    fn forget_user(&self, user: UserKey) -> BoxFuture<Result<u64, MemoryError>> {
        let database = self.database.clone();
        Box::pin(async move {
            database
                .write(user.as_str().to_owned(), |client, user| {
                    Box::pin(async move {
                        let statement = client
                            .prepare_cached(
                                "DELETE FROM memory WHERE user_key = $1 RETURNING forgotten",
                            )
                            .await?;
                        let facts = client
                            .query(&statement, &[user])
                            .await?
                            .iter()
                            .filter(|row| row.get::<_, i16>(0) == 0)
                            .count();
                        Ok((facts as u64, Finish::Commit))
                    })
                })
                .await
                .map_err(MemoryError::new)
        })
    }

    fn sweep(&self, before: SystemTime) -> BoxFuture<Result<u64, MemoryError>> {
        let database = self.database.clone();
        let before = millis(before);
        Box::pin(async move {
            database
                .write(before, |client, before| {
                    Box::pin(async move {
                        let statement = client
                            .prepare_cached("DELETE FROM memory WHERE updated_at_ms < $1")
                            .await?;
                        let swept = client.execute(&statement, &[before]).await?;
                        Ok((swept, Finish::Commit))
                    })
                })
                .await
                .map_err(MemoryError::new)
        })
    }
}
