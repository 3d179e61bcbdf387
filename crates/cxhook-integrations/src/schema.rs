//! Applying a store's embedded migrations on their own, without serving: what `cxhook
//! migrate` runs as a release job before replicas that are told not to migrate
//! (`postgres.migrate = false`) start.
//!
//! Each function opens the database its configuration names (a SQLite file, created when
//! missing, or a Postgres server, under the migration lock that makes concurrent runs
//! migrate once), applies what the component lacks, with the demo accounts when the
//! accounts tables are created and `demo_data` is set, as serving would, and says what it
//! applied.

use crate::ConfigError;
use crate::database_config::DatabaseConfig;
pub use crate::sqlite::Applied;
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
    config.validate()?;
    migrate(
        config,
        crate::accounts::SqliteStore::MIGRATIONS,
        #[cfg(feature = "postgres")]
        crate::accounts::PostgresStore::MIGRATIONS,
        config.demo_data,
    )
}

/// Applies the booking migrations to the database `config` names.
#[cfg(feature = "booking")]
pub fn booking(config: &crate::booking::BookingConfig) -> Result<Vec<Applied>, SchemaError> {
    config.validate()?;
    migrate(
        config,
        crate::booking::SqliteBookingStore::MIGRATIONS,
        #[cfg(feature = "postgres")]
        crate::booking::PostgresBookingStore::MIGRATIONS,
        false,
    )
}

/// Applies the memory migrations to the database `config` names.
#[cfg(feature = "memory")]
pub fn memory(config: &crate::memory::MemoryConfig) -> Result<Vec<Applied>, SchemaError> {
    config.validate()?;
    migrate(
        config,
        crate::memory::SqliteMemoryStore::MIGRATIONS,
        #[cfg(feature = "postgres")]
        crate::memory::PostgresMemoryStore::MIGRATIONS,
        false,
    )
}

/// Applies a component's migrations, `on_sqlite` or `on_postgres` as the database `config`
/// names is; `seed` adds the demo data to tables it creates.
fn migrate(
    config: &impl DatabaseConfig,
    on_sqlite: Migrations,
    #[cfg(feature = "postgres")] on_postgres: Migrations,
    seed: bool,
) -> Result<Vec<Applied>, SchemaError> {
    #[cfg(feature = "postgres")]
    if crate::database::is_postgres(config.database_keys().database) {
        return Ok(crate::postgres::Database::migrate(
            &config.postgres_options()?,
            &[on_postgres],
            seed,
        )?);
    }
    Ok(crate::sqlite::Database::migrate(
        &config.database_options(),
        &[on_sqlite],
        seed,
    )?)
}
