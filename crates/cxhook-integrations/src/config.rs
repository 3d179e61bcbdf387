//! [`ConfigError`], the error of a key that cannot work, and the checks that every
//! integration makes of its keys.
//!
//! Every module that reads a key uses them, the database layers among them, and [`Error`]
//! wraps those layers' own errors: this module sits below them all and [`Error`]'s above.
//!
//! [`Error`]: crate::Error

/// A configuration value that cannot work, in any integration's section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{key}`: {problem}")]
pub struct ConfigError {
    /// The key, relative to the section (`tags.balance`, `hours.monday`).
    pub key: String,
    /// What is wrong with its value.
    pub problem: String,
}

/// The error for `key` with this problem.
#[cfg(any(
    feature = "accounts",
    feature = "booking",
    feature = "memory",
    feature = "weather"
))]
pub(crate) fn problem<T>(
    key: impl Into<String>,
    problem: impl Into<String>,
) -> Result<T, ConfigError> {
    Err(ConfigError {
        key: key.into(),
        problem: problem.into(),
    })
}

/// Checks an integration's tags, given as `(key, tag)`: each present, no two the same.
#[cfg(any(
    feature = "accounts",
    feature = "booking",
    feature = "memory",
    feature = "weather"
))]
pub(crate) fn check_tags(tags: &[(&str, &str)]) -> Result<(), ConfigError> {
    for (i, (key, tag)) in tags.iter().enumerate() {
        if tag.trim().is_empty() {
            return problem(*key, "must not be empty");
        }
        if let Some((other, _)) = tags[..i].iter().find(|(_, t)| t == tag) {
            return problem(*key, format!("must differ from {other}"));
        }
    }
    Ok(())
}
