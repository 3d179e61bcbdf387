//! Applying a store's embedded migrations on their own, without serving: what `cxhook
//! migrate` runs as a release job before replicas that are told not to migrate
//! (`postgres.migrate = false`) start.
//!
//! Each function opens the database its configuration names (a SQLite file, created when
//! missing, or a Postgres server, under the migration lock that makes concurrent runs
//! migrate once), applies what the component lacks, with the demo accounts when the
//! accounts tables are created and `demo_data` is set, as serving would, and says what it
//! applied.

#[cfg(feature = "postgres")]
use std::path::Path;

use crate::ConfigError;
#[cfg(feature = "postgres")]
use crate::database;
pub use crate::sqlite::Applied;
#[cfg(feature = "postgres")]
use crate::sqlite::Migrations;

/// Why migrations could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The SQLite database could not be opened or migrated.
    #[error(transparent)]
    Sqlite(#[from] crate::sqlite::OpenError),
    /// The Postgres database could not be reached or migrated.
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    Postgres(#[from] crate::postgres::OpenError),
}

/// Applies the accounts migrations to the database `config` names.
#[cfg(feature = "accounts")]
pub fn accounts(config: &crate::accounts::AccountsConfig) -> Result<Vec<Applied>, SchemaError> {
    use crate::accounts::SqliteStore;
    config.validate()?;
    #[cfg(feature = "postgres")]
    if database::is_postgres(&config.database) {
        return on_postgres(
            &config.database,
            &config.postgres,
            config.query_timeout(),
            crate::accounts::PostgresStore::MIGRATIONS,
            config.demo_data,
        );
    }
    let options = crate::sqlite::DatabaseOptions {
        connections: 1,
        ..config.database_options()
    };
    Ok(crate::sqlite::Database::migrate(
        &options,
        &[SqliteStore::MIGRATIONS],
        config.demo_data,
    )?)
}

/// Applies the booking migrations to the database `config` names.
#[cfg(feature = "booking")]
pub fn booking(config: &crate::booking::BookingConfig) -> Result<Vec<Applied>, SchemaError> {
    use crate::booking::SqliteBookingStore;
    config.validate()?;
    #[cfg(feature = "postgres")]
    if database::is_postgres(&config.database) {
        return on_postgres(
            &config.database,
            &config.postgres,
            config.query_timeout(),
            crate::booking::PostgresBookingStore::MIGRATIONS,
            false,
        );
    }
    Ok(crate::sqlite::Database::migrate(
        &config.database_options(),
        &[SqliteBookingStore::MIGRATIONS],
        false,
    )?)
}

/// Applies the memory migrations to the database `config` names.
#[cfg(feature = "memory")]
pub fn memory(config: &crate::memory::MemoryConfig) -> Result<Vec<Applied>, SchemaError> {
    config.validate()?;
    #[cfg(feature = "postgres")]
    if database::is_postgres(&config.database) {
        return on_postgres(
            &config.database,
            &config.postgres,
            config.query_timeout(),
            crate::memory::PostgresMemoryStore::MIGRATIONS,
            false,
        );
    }
    Ok(crate::sqlite::Database::migrate(
        &config.database_options(),
        &[crate::memory::SqliteMemoryStore::MIGRATIONS],
        false,
    )?)
}

/// Applies `component` to the Postgres database `database` names.
#[cfg(feature = "postgres")]
fn on_postgres(
    database: &Path,
    postgres: &database::PostgresConfig,
    query_timeout: std::time::Duration,
    component: Migrations,
    seed: bool,
) -> Result<Vec<Applied>, SchemaError> {
    let options = crate::postgres::Options::new(database, postgres, query_timeout)?;
    Ok(crate::postgres::Database::migrate(
        &options,
        &[component],
        seed,
    )?)
}
