//! [`SqliteMemoryStore`]: facts about users in a SQLite file, through the shared
//! [`Database`] (rusqlite on dedicated connection threads), beside the accounts and
//! bookings when they share the file.
//!
//! Last-writer-wins is one statement per fact: an upsert whose update applies only when the
//! write is not older than the stored one, so the newest write stands whatever order the
//! writes arrive in, and a write of one fact never touches another.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cxhook::BoxFuture;
use cxhook::memory::{Change, Fact, MemoryError, MemoryStore, UserKey};
use rusqlite::{Connection, TransactionBehavior, params};

use crate::sqlite::{Database, DatabaseOptions, Migrations, OpenError};
use crate::store::StoreError;

/// The memory's embedded schema.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    component: "memory",
    steps: &[include_str!("../../migrations/sqlite/0001_memory.sql")],
    seed: None,
};

/// Writes `excluded` over the stored fact when it is newer, or as new; of two writes at the
/// same millisecond, a forget wins over a value, so that replicas agree whatever the order.
pub(super) const UPSERT_WHERE: &str = "WHERE excluded.updated_at_ms > memory.updated_at_ms \
     OR (excluded.updated_at_ms = memory.updated_at_ms \
     AND (excluded.forgotten = 1 OR memory.forgotten = 0))";

/// Facts about users in a SQLite file; cheap to clone and share.
#[derive(Debug, Clone)]
pub struct SqliteMemoryStore {
    database: Arc<Database>,
}

impl SqliteMemoryStore {
    /// The memory's SQLite migrations, for [`Database::migrate`].
    pub const MIGRATIONS: Migrations = MIGRATIONS;

    /// Opens (creating and migrating when new) the database and starts its connection
    /// threads. Blocking: call it at start-up.
    pub fn open(options: &DatabaseOptions) -> Result<Self, OpenError> {
        Ok(Self {
            database: Arc::new(Database::open(options, &[MIGRATIONS], false)?),
        })
    }

    /// Whether the database answers and its migrations have run (see [`Database::ping`]).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.database.ping().await
    }
}

impl MemoryStore for SqliteMemoryStore {
    fn recall(&self, user: UserKey) -> BoxFuture<Result<Vec<Fact>, MemoryError>> {
        let database = self.database.clone();
        Box::pin(async move {
            database
                .read(move |connection| recall(connection, &user))
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
            let at = millis(at);
            database
                .run(move |connection| {
                    let transaction =
                        connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    {
                        let mut statement = transaction.prepare_cached(&format!(
                            "INSERT INTO memory (user_key, fact, value, updated_at_ms, forgotten) \
                             VALUES (?1, ?2, ?3, ?4, ?5) \
                             ON CONFLICT (user_key, fact) DO UPDATE SET value = excluded.value, \
                             updated_at_ms = excluded.updated_at_ms, \
                             forgotten = excluded.forgotten {UPSERT_WHERE}"
                        ))?;
                        for (fact, value) in &rows {
                            statement.execute(params![
                                user.as_str(),
                                fact,
                                value,
                                at,
                                i64::from(value.is_none())
                            ])?;
                        }
                    }
                    transaction.commit()?;
                    Ok(())
                })
                .await
                .map_err(MemoryError::new)
        })
    }

    fn forget_user(&self, user: UserKey) -> BoxFuture<Result<u64, MemoryError>> {
        let database = self.database.clone();
        Box::pin(async move {
            database
                .run(move |connection| {
                    let transaction =
                        connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let facts: i64 = transaction
                        .prepare_cached(
                            "SELECT count(*) FROM memory WHERE user_key = ?1 AND forgotten = 0",
                        )?
                        .query_row([user.as_str()], |row| row.get(0))?;
                    transaction
                        .prepare_cached("DELETE FROM memory WHERE user_key = ?1")?
                        .execute([user.as_str()])?;
                    transaction.commit()?;
                    Ok(u64::try_from(facts).unwrap_or(0))
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
                .run(move |connection| {
                    let swept = connection
                        .prepare_cached("DELETE FROM memory WHERE updated_at_ms < ?1")?
                        .execute([before])?;
                    Ok(swept as u64)
                })
                .await
                .map_err(MemoryError::new)
        })
    }
}

fn recall(connection: &Connection, user: &UserKey) -> Result<Vec<Fact>, StoreError> {
    let mut statement = connection.prepare_cached(
        "SELECT fact, value, updated_at_ms FROM memory \
         WHERE user_key = ?1 AND forgotten = 0 ORDER BY fact",
    )?;
    let rows = statement.query_map([user.as_str()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Option<String>>(1)?,
            row.get::<_, i64>(2)?,
        ))
    })?;
    let mut facts = Vec::new();
    for row in rows {
        let (name, value, at) = row?;
        facts.push(fact(name, value.as_deref(), at)?);
    }
    Ok(facts)
}

/// Each change as the fact's name and its JSON text, `None` for a forget.
pub(super) fn rows(
    changes: Vec<(String, Change)>,
) -> Result<Vec<(String, Option<String>)>, MemoryError> {
    changes
        .into_iter()
        .map(|(fact, change)| match change {
            Change::Set(value) => serde_json::to_string(&value)
                .map(|text| (fact, Some(text)))
                .map_err(MemoryError::new),
            Change::Forget => Ok((fact, None)),
        })
        .collect()
}

/// A fact read back: its JSON text parsed, its time made a [`SystemTime`]. The error names
/// the fact, never its value.
pub(super) fn fact(name: String, value: Option<&str>, at: i64) -> Result<Fact, StoreError> {
    let value = value
        .ok_or_else(|| StoreError::Data(format!("memory fact `{name}` has no value")))
        .and_then(|text| {
            serde_json::from_str(text)
                .map_err(|_| StoreError::Data(format!("memory fact `{name}` is not JSON")))
        })?;
    let updated_at = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(at).unwrap_or(0));
    Ok(Fact {
        name,
        value,
        updated_at,
    })
}

/// Milliseconds since the Unix epoch, as stored (0 before it).
pub(super) fn millis(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}
