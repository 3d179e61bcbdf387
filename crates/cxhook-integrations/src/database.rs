//! Which database an integration's `database` key names, a SQLite file or a Postgres
//! server, and the `postgres` keys that go with a server ([`PostgresConfig`]).
//!
//! A `postgres://` or `postgresql://` URL, or libpq's key/value form starting with a
//! connection keyword (`host=/cloudsql/PROJECT:REGION:INSTANCE dbname=cxhook user=cxhook`),
//! names a server; anything else is a SQLite file. The password never sits in the
//! configuration: a URL or key/value string that holds one is refused, and the password is
//! read from the environment variable or the file that [`PostgresConfig`] names.
//!
//! Checking the keys reads the connection string, and opening the server reads it again: the
//! reading is here, with the keys, and the Postgres backend uses it, so that the backend's
//! module is above this one and never the other way round.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, problem};

/// The keywords that start libpq's key/value form of a connection string.
const KEYWORDS: &[&str] = &["host=", "hostaddr=", "dbname=", "user=", "port="];

/// Whether `database` names a Postgres server rather than a SQLite file.
pub fn is_postgres(database: &Path) -> bool {
    let Some(text) = database.to_str() else {
        return false;
    };
    let text = text.trim_start();
    text.starts_with("postgres://")
        || text.starts_with("postgresql://")
        || KEYWORDS.iter().any(|k| text.starts_with(k))
}

/// How a Postgres connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// Plain TCP (or a unix socket, such as Cloud SQL's, which is never encrypted).
    Disable,
    /// TLS, accepting any certificate, as libpq's `sslmode=require`.
    Require,
    /// TLS, checking the certificate against `sslrootcert` (or the system's roots) and its
    /// name against the host.
    VerifyFull,
}

/// The `postgres` keys of an integration on a Postgres server (`[accounts.postgres]`,
/// `[booking.postgres]`); ignored for a SQLite file. Every key has a default.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostgresConfig {
    /// The environment variable that holds the password (default empty: none).
    pub password_env: String,
    /// A file that holds the password (a mounted secret); when set it wins over
    /// `password_env`.
    pub password_file: Option<PathBuf>,
    /// The most connections this instance opens (default 5); at least 1. The database's
    /// connection limit must cover every instance's pool.
    pub pool_size: usize,
    /// How the connection is encrypted; when unset, what the URL's `sslmode` says
    /// (`disable`, `prefer` (then plain) or `require`).
    pub sslmode: Option<SslMode>,
    /// The CA certificates (PEM) that `verify-full` checks the server against, such as
    /// Cloud SQL's server CA; the system's roots when unset.
    pub sslrootcert: Option<PathBuf>,
    /// Whether start-up applies the embedded migrations (default true), under an advisory
    /// lock so that of many replicas starting together one migrates. False leaves them to
    /// `cxhook migrate` (a release job): until they have run, readiness fails naming the
    /// component and version it lacks, and so does every call of the store.
    pub migrate: bool,
}

impl std::fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresConfig")
            .field("password_env", &self.password_env)
            .field("password_file", &self.password_file)
            .field("pool_size", &self.pool_size)
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("migrate", &self.migrate)
            .finish()
    }
}

impl Default for PostgresConfig {
    fn default() -> Self {
        Self {
            password_env: String::new(),
            password_file: None,
            pool_size: 5,
            sslmode: None,
            sslrootcert: None,
            migrate: true,
        }
    }
}

impl PostgresConfig {
    /// Checks the keys and the connection string `database` names without connecting or
    /// reading the password: no password in it, a pool of at least one, a CA file only to
    /// verify with.
    pub fn validate(&self, database: &Path) -> Result<(), ConfigError> {
        if self.pool_size == 0 {
            return problem("postgres.pool_size", "must be at least 1");
        }
        if self.sslrootcert.is_some() && self.sslmode != Some(SslMode::VerifyFull) {
            return problem(
                "postgres.sslrootcert",
                "is only used with sslmode = \"verify-full\"",
            );
        }
        check_connection_string(database)
    }
}

/// Parses the connection string and refuses one that holds a password.
#[cfg(feature = "postgres")]
fn check_connection_string(database: &Path) -> Result<(), ConfigError> {
    parse(database).map(|_| ())
}

#[cfg(feature = "postgres")]
/// Parses a connection string (a URL or the key/value form); one holding a password is
/// refused. The error never repeats the string, which may hold one.
pub(crate) fn parse(database: &Path) -> Result<tokio_postgres::Config, ConfigError> {
    let text = database.to_str().unwrap_or_default();
    let connection: tokio_postgres::Config = text.trim().parse().map_err(|e| {
        let hint = if text.contains("sslmode=verify") {
            " (set `postgres.sslmode = \"verify-full\"` instead of the URL's sslmode)"
        } else {
            ""
        };
        ConfigError {
            key: "database".to_owned(),
            problem: format!("is not a valid Postgres connection string: {e}{hint}"),
        }
    })?;
    if connection.get_password().is_some() {
        return problem(
            "database",
            "holds a password; the configuration must not: name an environment variable in \
             `postgres.password_env` or a file in `postgres.password_file` that holds it",
        );
    }
    Ok(connection)
}

/// Without Postgres support, a Postgres URL is refused.
#[cfg(not(feature = "postgres"))]
fn check_connection_string(_database: &Path) -> Result<(), ConfigError> {
    problem(
        "database",
        "names a Postgres server, but this build has no Postgres support (feature `postgres`)",
    )
}
