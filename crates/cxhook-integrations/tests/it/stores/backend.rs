//! The backends the store suites run against: a SQLite file in a temporary directory, or a
//! fresh database on the Postgres server that `TEST_POSTGRES_URL` names (with the
//! password in `TEST_POSTGRES_PASSWORD`), one per test, so tests run in parallel.
//!
//! Without that variable, a Postgres test says it was skipped and how to run it, and
//! passes; in CI (`CI=true`) it fails: CI must provide Postgres.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use cxhook_integrations::accounts::SqliteStore;
use cxhook_integrations::accounts::{AccountStore, PostgresConfig, PostgresStore};
use cxhook_integrations::booking::{BookingStore, PostgresBookingStore, SqliteBookingStore};
use cxhook_integrations::memory::{PostgresMemoryStore, SqliteMemoryStore};
use cxhook_integrations::postgres::Options;
use cxhook_integrations::sqlite::DatabaseOptions;
use tokio_postgres::NoTls;

/// The variable naming the test server: `postgres://USER@HOST:PORT/DATABASE`.
pub(crate) const URL_VAR: &str = "TEST_POSTGRES_URL";
/// The variable holding its password.
pub(crate) const PASSWORD_VAR: &str = "TEST_POSTGRES_PASSWORD";

/// A backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Sqlite,
    Postgres,
}

/// What a suite function that takes the backend is given: its kind, whether or not the
/// test is skipped (it makes its database with [`Db::new`], which says so).
pub(crate) async fn the_kind(kind: Kind, _test: &str) -> Option<Kind> {
    Some(kind)
}

/// The test server's URL; `None` (after saying so) when there is none on a developer
/// machine. Panics in CI without one.
pub(crate) fn server(test: &str) -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("CI must provide Postgres: {URL_VAR} is unset (.ci/run starts a server)")
        }
        _ => {
            eprintln!(
                "SKIPPED {test}: no Postgres server ({URL_VAR} is unset). To run it: \
                 eval \"$(bash scripts/postgres.sh start /tmp/cxhook-pg)\" and run the tests again"
            );
            None
        }
    }
}

/// A fresh, empty database on the test server, dropped (its connections ended) when this
/// is, so that test runs do not fill the server's disk.
pub(crate) struct Fresh {
    /// Its URL.
    pub(crate) url: String,
    server: String,
    name: String,
}

impl std::ops::Deref for Fresh {
    type Target = str;

    fn deref(&self) -> &str {
        &self.url
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        let (server, sql) = (
            self.server.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        // On a thread and runtime of its own: the test's runtime may be shutting down.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async { connect(&server).await.batch_execute(&sql).await })
        });
        if let Ok(Err(error)) = dropped.join() {
            eprintln!("could not drop the test database {}: {error}", self.name);
        }
    }
}

/// A fresh, empty database on the test server, named after nothing else.
pub(crate) async fn fresh_database(server: &str) -> Fresh {
    let name = format!("t_{:016x}", fastrand::u64(..));
    let admin = connect(server).await;
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    Fresh {
        url: format!("{base}/{name}"),
        server: server.to_owned(),
        name,
    }
}

/// A plain connection to `url`, with the test password.
pub(crate) async fn connect(url: &str) -> tokio_postgres::Client {
    let mut config: tokio_postgres::Config = url.parse().unwrap();
    if let Ok(password) = std::env::var(PASSWORD_VAR) {
        config.password(password);
    }
    let (client, connection) = config.connect(NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// The store options for `url`, the password read from [`PASSWORD_VAR`].
pub(crate) fn options(url: &str, query_timeout_ms: u64) -> Options {
    let postgres = PostgresConfig {
        password_env: PASSWORD_VAR.to_owned(),
        ..PostgresConfig::default()
    };
    Options::new(
        Path::new(url),
        &postgres,
        Duration::from_millis(query_timeout_ms),
    )
    .unwrap()
}

/// One test's database.
pub(crate) enum Db {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        url: Fresh,
    },
}

impl Db {
    /// A new database of `kind` for the test `test`; `None` when Postgres is skipped.
    pub(crate) async fn new(kind: Kind, test: &str) -> Option<Self> {
        Some(match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("cxhook.db");
                Self::Sqlite { _dir: dir, path }
            }
            Kind::Postgres => Self::Postgres {
                url: fresh_database(&server(test)?).await,
            },
        })
    }

    /// The accounts store on it, with the demo accounts.
    pub(crate) fn accounts(&self, query_timeout_ms: u64) -> Arc<dyn AccountStore> {
        match self {
            Self::Sqlite { path, .. } => {
                let options = DatabaseOptions {
                    query_timeout: Duration::from_millis(query_timeout_ms),
                    ..DatabaseOptions::new(path)
                };
                Arc::new(SqliteStore::open(&options, true).unwrap())
            }
            Self::Postgres { url } => {
                Arc::new(PostgresStore::open(&options(url, query_timeout_ms), true).unwrap())
            }
        }
    }

    /// The booking store on it.
    pub(crate) fn bookings(&self, query_timeout_ms: u64) -> Arc<dyn BookingStore> {
        match self {
            Self::Sqlite { path, .. } => {
                let options = DatabaseOptions {
                    query_timeout: Duration::from_millis(query_timeout_ms),
                    ..DatabaseOptions::new(path)
                };
                Arc::new(SqliteBookingStore::open(&options).unwrap())
            }
            Self::Postgres { url } => {
                Arc::new(PostgresBookingStore::open(&options(url, query_timeout_ms)).unwrap())
            }
        }
    }

    /// The memory store on it: each call opens another instance, as another replica would.
    pub(crate) fn memory(&self, query_timeout_ms: u64) -> Arc<dyn cxhook::memory::MemoryStore> {
        match self {
            Self::Sqlite { path, .. } => {
                let options = DatabaseOptions {
                    query_timeout: Duration::from_millis(query_timeout_ms),
                    ..DatabaseOptions::new(path)
                };
                Arc::new(SqliteMemoryStore::open(&options).unwrap())
            }
            Self::Postgres { url } => {
                Arc::new(PostgresMemoryStore::open(&options(url, query_timeout_ms)).unwrap())
            }
        }
    }

    /// Every row of `table`, every column as text, read beside the store: what a dump of
    /// it would show.
    pub(crate) async fn dump(&self, table: &str) -> Vec<String> {
        match self {
            Self::Sqlite { path, .. } => {
                let connection = rusqlite::Connection::open(path).unwrap();
                let mut statement = connection
                    .prepare(&format!("SELECT * FROM {table}"))
                    .unwrap();
                let columns = statement.column_count();
                statement
                    .query_map([], |row| {
                        (0..columns)
                            .map(|i| {
                                let value: rusqlite::types::Value = row.get(i)?;
                                Ok(match value {
                                    rusqlite::types::Value::Null => "NULL".to_owned(),
                                    rusqlite::types::Value::Integer(n) => n.to_string(),
                                    rusqlite::types::Value::Real(x) => x.to_string(),
                                    rusqlite::types::Value::Text(text) => text,
                                    rusqlite::types::Value::Blob(bytes) => {
                                        String::from_utf8_lossy(&bytes).into_owned()
                                    }
                                })
                            })
                            .collect::<rusqlite::Result<Vec<_>>>()
                            .map(|row| row.join("|"))
                    })
                    .unwrap()
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .unwrap()
            }
            Self::Postgres { url } => connect(url)
                .await
                .query(&format!("SELECT t::text FROM {table} AS t"), &[])
                .await
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect(),
        }
    }

    /// How many rows `table` holds, read beside the store.
    pub(crate) async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        match self {
            Self::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .unwrap()
                .query_row(&sql, [], |row| row.get(0))
                .unwrap(),
            Self::Postgres { url } => connect(url)
                .await
                .query_one(&sql, &[])
                .await
                .unwrap()
                .get(0),
        }
    }

    /// Holds writes to `table` off (SQLite: the whole file's write lock; Postgres: an
    /// `EXCLUSIVE` lock on the table, which reads pass) until the hold is released.
    pub(crate) async fn hold_writes(&self, table: &str) -> Hold {
        match self {
            Self::Sqlite { path, .. } => {
                let path = path.clone();
                let (held, wait) = mpsc::channel();
                let (release, released) = mpsc::channel::<()>();
                let thread = std::thread::spawn(move || {
                    let connection = rusqlite::Connection::open(path).unwrap();
                    connection.execute_batch("BEGIN IMMEDIATE").unwrap();
                    held.send(()).unwrap();
                    let _ = released.recv();
                    connection.execute_batch("ROLLBACK").unwrap();
                });
                wait.recv().unwrap();
                Hold::Sqlite { release, thread }
            }
            Self::Postgres { url } => {
                let client = connect(url).await;
                client
                    .batch_execute(&format!("BEGIN; LOCK TABLE {table} IN EXCLUSIVE MODE"))
                    .await
                    .unwrap();
                Hold::Postgres(client)
            }
        }
    }
}

/// Writes held off by [`Db::hold_writes`].
pub(crate) enum Hold {
    Sqlite {
        release: mpsc::Sender<()>,
        thread: std::thread::JoinHandle<()>,
    },
    Postgres(tokio_postgres::Client),
}

impl Hold {
    /// Lets writes through again.
    pub(crate) async fn release(self) {
        match self {
            Self::Sqlite { release, thread } => {
                release.send(()).unwrap();
                tokio::task::spawn_blocking(move || thread.join().unwrap())
                    .await
                    .unwrap();
            }
            Self::Postgres(client) => client.batch_execute("ROLLBACK").await.unwrap(),
        }
    }
}
