//! [`DatabaseConfig`]: the keys every integration with a store has in its section
//! (`database`, `connections`, `query_timeout_ms`, `postgres`), their check, and the options
//! of the SQLite or Postgres database they name, written once for `[accounts]`, `[booking]`
//! and `[memory]`.
//!
//! The keys stay fields of each section's struct, and a trait over the sections reads them,
//! rather than one struct of them flattened into each section with `#[serde(flatten)]`:
//! serde does not support `flatten` together with `deny_unknown_fields` (neither on the
//! outer nor on the inner struct), and the sections need the latter so that a misspelt key
//! is refused naming it. A flattened section would also be read through serde's buffered
//! content, whose errors drop the list of the keys expected. With the trait, users still
//! write the keys flat (`[booking] query_timeout_ms = 2000`), the sections keep their
//! fields and defaults, and each implements the trait's one required method,
//! [`DatabaseConfig::database_keys`], with `impl_database_config!(Section)`, which borrows the
//! fields of the same names.
//!
//! The module sits above the SQLite and Postgres layers, whose options it makes, and below
//! the integrations; [`crate::database`], which the Postgres layer reads connection strings
//! with, stays below that layer.

use std::path::Path;
use std::time::Duration;

use crate::config::{ConfigError, problem};
use crate::database::{PostgresConfig, is_postgres};
use crate::sqlite::DatabaseOptions;

/// The database keys of one section, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseKeys<'a> {
    /// `database`: a SQLite file or a Postgres connection string.
    pub database: &'a Path,
    /// `connections`: how many connection threads serve SQLite queries.
    pub connections: usize,
    /// `query_timeout_ms`: how long a query may take, in milliseconds.
    pub query_timeout_ms: u64,
    /// `postgres`: the password, pool and TLS of a Postgres `database`.
    pub postgres: &'a PostgresConfig,
}

/// A section with the database keys: what it checks of them and the options it opens its
/// database with.
pub trait DatabaseConfig {
    /// The section's database keys.
    fn database_keys(&self) -> DatabaseKeys<'_>;

    /// Checks the database keys: a file named, at least one connection, a query timeout
    /// above zero, and for a Postgres server its `postgres` keys and connection string.
    fn validate_database(&self) -> Result<(), ConfigError> {
        let keys = self.database_keys();
        if keys.database.as_os_str().is_empty() {
            return problem("database", "must name a file");
        }
        if keys.connections == 0 {
            return problem("connections", "must be at least 1");
        }
        if keys.query_timeout_ms == 0 {
            return problem("query_timeout_ms", "must be more than 0");
        }
        if is_postgres(keys.database) {
            keys.postgres.validate(keys.database)?;
        }
        Ok(())
    }

    /// The query timeout.
    fn query_timeout(&self) -> Duration {
        Duration::from_millis(self.database_keys().query_timeout_ms)
    }

    /// The options of the SQLite database this configuration names.
    fn database_options(&self) -> DatabaseOptions {
        let keys = self.database_keys();
        DatabaseOptions {
            path: keys.database.to_path_buf(),
            connections: keys.connections,
            query_timeout: self.query_timeout(),
        }
    }

    /// The options of the Postgres database this configuration names, with its password.
    #[cfg(feature = "postgres")]
    fn postgres_options(&self) -> Result<crate::postgres::Options, ConfigError> {
        let keys = self.database_keys();
        crate::postgres::Options::new(keys.database, keys.postgres, self.query_timeout())
    }
}

/// Implements [`DatabaseConfig`] for a section whose database keys are fields of the same
/// names: `database`, `connections`, `query_timeout_ms` and `postgres`.
macro_rules! impl_database_config {
    ($section:ty) => {
        impl $crate::database_config::DatabaseConfig for $section {
            fn database_keys(&self) -> $crate::database_config::DatabaseKeys<'_> {
                $crate::database_config::DatabaseKeys {
                    database: &self.database,
                    connections: self.connections,
                    query_timeout_ms: self.query_timeout_ms,
                    postgres: &self.postgres,
                }
            }
        }
    };
}

pub(crate) use impl_database_config;
