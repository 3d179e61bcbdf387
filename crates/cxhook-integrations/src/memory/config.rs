//! [`MemoryConfig`], the `[memory]` section, and its checks.

use std::path::PathBuf;
use std::time::Duration;

use cxhook::Secret;
use cxhook::memory::{Identities, IdentitySource, MemorySecret, Recall};
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, check_tags, problem};
use crate::database::PostgresConfig;
use crate::database_config::{DatabaseConfig, impl_database_config};

/// A day, for the retention period.
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The `[memory]` configuration; every key has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryConfig {
    /// Whether users are remembered (default true). Without a secret given
    /// ([`MemoryConfig::secret_env`], [`MemoryConfig::secret_file`]), memory on a SQLite
    /// database keys users with a secret kept beside it, and on Postgres stays off
    /// ([`SecretSource`](super::SecretSource)).
    pub enabled: bool,
    /// The SQLite database file (default `cxhook.db`, shared with the accounts and
    /// bookings), or a Postgres server, as the other integrations' `database`.
    pub database: PathBuf,
    /// How many connection threads serve SQLite queries (default 2); at least 1.
    pub connections: usize,
    /// How long a query may take, in milliseconds (default 1000); more than 0.
    pub query_timeout_ms: u64,
    /// The environment variable holding the secret users are keyed with (default
    /// `CXHOOK_MEMORY_SECRET`), the one every replica of a database must share. Changing
    /// the secret makes everything remembered unreachable.
    pub secret_env: String,
    /// A file holding the secret (a mounted secret); when set it wins over `secret_env`.
    pub secret_file: Option<PathBuf>,
    /// Where the caller's identity is read from, in order: `session:NAME` (a session
    /// parameter) or `payload:DOTTED.PATH` (a key of the request's payload). Default: the
    /// session parameter `user_id`, then the caller's number CX telephony sends,
    /// `payload:telephony.caller_id`. A chat channel's key is added here.
    pub identities: Vec<String>,
    /// The session parameters remembered whenever a call's request or reply sets them
    /// (default: `city`, the weather's; `service`, the last booked; `language`).
    pub remember: Vec<String>,
    /// What the names of recalled parameters start with (default empty: their own names).
    pub recall_prefix: String,
    /// The session parameter saying memory was recalled (default `memory_recalled`):
    /// `true` for a returning user, `false` for one with nothing remembered.
    pub recalled_param: String,
    /// How long a fact is kept after its last write, in days (default 90); at least 1.
    pub retention_days: u64,
    /// How often the retention sweep runs, in milliseconds (default an hour).
    pub sweep_interval_ms: u64,
    /// The tags served.
    pub tags: MemoryTags,
    /// The password, pool and TLS of a Postgres `database`.
    pub postgres: PostgresConfig,
}

/// The memory's tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryTags {
    /// Recalls the remembered parameters into the session again (default `memory.recall`).
    pub recall: String,
    /// Forgets everything about the caller and says so (default `memory.forget`).
    pub forget: String,
}

impl Default for MemoryTags {
    fn default() -> Self {
        Self {
            recall: "memory.recall".to_owned(),
            forget: "memory.forget".to_owned(),
        }
    }
}

impl Default for MemoryConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            database: PathBuf::from("cxhook.db"),
            connections: 2,
            query_timeout_ms: 1000,
            secret_env: "CXHOOK_MEMORY_SECRET".to_owned(),
            secret_file: None,
            identities: vec![
                "session:user_id".to_owned(),
                "payload:telephony.caller_id".to_owned(),
            ],
            remember: vec![
                "city".to_owned(),
                "service".to_owned(),
                "language".to_owned(),
            ],
            recall_prefix: String::new(),
            recalled_param: "memory_recalled".to_owned(),
            retention_days: 90,
            sweep_interval_ms: 60 * 60 * 1000,
            tags: MemoryTags::default(),
            postgres: PostgresConfig::default(),
        }
    }
}

impl MemoryConfig {
    /// Checks the keys without opening anything or reading the secret.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_database()?;
        check_tags(&[
            ("tags.recall", &self.tags.recall),
            ("tags.forget", &self.tags.forget),
        ])?;
        self.identities()?;
        if let Some(blank) = self.remember.iter().position(|p| p.trim().is_empty()) {
            return problem(format!("remember[{blank}]"), "must not be blank");
        }
        if self.recalled_param.trim().is_empty() {
            return problem("recalled_param", "must not be empty");
        }
        if self.retention_days == 0 {
            return problem("retention_days", "must be at least 1");
        }
        if self.sweep_interval_ms == 0 {
            return problem("sweep_interval_ms", "must be more than 0");
        }
        Ok(())
    }

    /// The identity sources, in order.
    pub fn identities(&self) -> Result<Identities, ConfigError> {
        self.identities
            .iter()
            .enumerate()
            .map(|(i, text)| {
                IdentitySource::parse(text).map_err(|problem| ConfigError {
                    key: format!("identities[{i}]"),
                    problem,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Identities::new)
    }

    /// How remembered parameters come back into a session.
    pub fn recall(&self) -> Recall {
        Recall {
            marker: self.recalled_param.clone(),
            prefix: self.recall_prefix.clone(),
            tag: Some(self.tags.recall.clone()),
        }
    }

    /// The secret given to key users with: from `secret_file` when set, else from the
    /// variable `secret_env` names; `None` when that variable is unset or empty (see
    /// [`MemoryConfig::secret_source`] for what memory then uses). A file that cannot be
    /// read, or holds nothing, is an error.
    pub fn secret(&self) -> Result<Option<MemorySecret>, ConfigError> {
        if let Some(file) = &self.secret_file {
            return Secret::from_file(file)
                .map(|secret| Some(MemorySecret::new(secret)))
                .map_err(|e| ConfigError {
                    key: "secret_file".to_owned(),
                    problem: e.to_string(),
                });
        }
        let var = self.secret_env.trim();
        if var.is_empty() || std::env::var_os(var).is_none_or(|value| value.is_empty()) {
            return Ok(None);
        }
        Secret::from_env(var)
            .map(|secret| Some(MemorySecret::new(secret)))
            .map_err(|e| ConfigError {
                key: "secret_env".to_owned(),
                problem: e.to_string(),
            })
    }

    /// How long a fact is kept after its last write.
    pub fn retention(&self) -> Duration {
        DAY.saturating_mul(u32::try_from(self.retention_days).unwrap_or(u32::MAX))
    }

    /// How often the retention sweep runs.
    pub fn sweep_interval(&self) -> Duration {
        Duration::from_millis(self.sweep_interval_ms)
    }
}

impl_database_config!(MemoryConfig);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_cannot_work_are_named() {
        let bad = |config: MemoryConfig| config.validate().unwrap_err().key;
        let identities = MemoryConfig {
            identities: vec!["session:user_id".to_owned(), "cookie:id".to_owned()],
            ..MemoryConfig::default()
        };
        assert_eq!(bad(identities), "identities[1]");
        let remember = MemoryConfig {
            remember: vec!["city".to_owned(), " ".to_owned()],
            ..MemoryConfig::default()
        };
        assert_eq!(bad(remember), "remember[1]");
        let retention = MemoryConfig {
            retention_days: 0,
            ..MemoryConfig::default()
        };
        assert_eq!(bad(retention), "retention_days");
        let tags = MemoryConfig {
            tags: MemoryTags {
                recall: "memory.forget".to_owned(),
                ..MemoryTags::default()
            },
            ..MemoryConfig::default()
        };
        assert_eq!(bad(tags), "tags.forget");
        assert!(MemoryConfig::default().validate().is_ok());
    }

    #[test]
    fn the_secret_comes_from_its_file_or_variable_and_is_absent_without_either() {
        let unset = MemoryConfig {
            secret_env: "MEMORY_CONFIG_TEST_VARIABLE_NOBODY_SETS".to_owned(),
            ..MemoryConfig::default()
        };
        assert!(unset.secret().unwrap().is_none());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "s3cret\n").unwrap();
        let from_file = MemoryConfig {
            secret_file: Some(file),
            ..unset.clone()
        };
        let secret = from_file.secret().unwrap().unwrap();
        assert!(!format!("{secret:?}").contains("s3cret"));
        let missing = MemoryConfig {
            secret_file: Some(dir.path().join("missing")),
            ..unset
        };
        assert_eq!(missing.secret().unwrap_err().key, "secret_file");
        assert_eq!(MemoryConfig::default().retention(), DAY * 90);
    }
}
