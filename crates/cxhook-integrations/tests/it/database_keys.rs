//! The database keys every section with a store has (`database`, `connections`,
//! `query_timeout_ms`, `postgres`): read flat in `[accounts]`, `[booking]` and `[memory]`,
//! a misspelt one refused naming it, and each checked alike.

use std::path::PathBuf;
use std::time::Duration;

use cxhook_integrations::ConfigError;
use cxhook_integrations::accounts::AccountsConfig;
use cxhook_integrations::booking::BookingConfig;
use cxhook_integrations::database_config::DatabaseConfig;
use cxhook_integrations::memory::MemoryConfig;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A section read from JSON, as the configuration file's table would be.
fn section<C: DeserializeOwned>(keys: Value) -> Result<C, String> {
    serde_json::from_value(keys).map_err(|e| e.to_string())
}

/// Reads the database keys of a section flat, refuses a misspelt one naming it, and has
/// `validate` name the key its check refuses.
fn reads_and_checks<C>(validate: fn(&C) -> Result<(), ConfigError>)
where
    C: DatabaseConfig + DeserializeOwned,
{
    let keys = json!({"database": "x.db", "connections": 3, "query_timeout_ms": 250});
    let options = section::<C>(keys).unwrap().database_options();
    assert_eq!(options.path, PathBuf::from("x.db"));
    assert_eq!(options.connections, 3);
    assert_eq!(options.query_timeout, Duration::from_millis(250));
    let misspelt = section::<C>(json!({"query_timeout": 250})).err().unwrap();
    assert!(
        misspelt.contains("unknown field `query_timeout`"),
        "{misspelt}"
    );
    let refused = [
        ("database", json!({"database": ""})),
        ("connections", json!({"connections": 0})),
        ("query_timeout_ms", json!({"query_timeout_ms": 0})),
        (
            "postgres.pool_size",
            json!({"database": "postgres://cxhook@db/cxhook", "postgres": {"pool_size": 0}}),
        ),
    ];
    for (key, keys) in refused {
        let config = section::<C>(keys).unwrap();
        assert_eq!(validate(&config).unwrap_err().key, key);
    }
}

#[test]
fn every_section_reads_and_checks_its_database_keys_alike() {
    reads_and_checks(AccountsConfig::validate);
    reads_and_checks(BookingConfig::validate);
    reads_and_checks(MemoryConfig::validate);
}
