//! [`Secret`]: a credential that never shows itself in logs or `Debug` output.

use std::path::Path;
use std::sync::Arc;

use subtle::ConstantTimeEq;

/// A credential (a token, a password, a header value) held in memory.
///
/// Its `Debug` output is `[redacted]`, it has no `Display`, and it is compared with
/// [`Secret::matches`] in constant time. Secrets come from the environment or from a file
/// ([`Secret::from_env`], [`Secret::from_file`]), never from configuration text.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Why a secret could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The environment variable is not set, or not Unicode.
    #[error("the environment variable {0} is not set")]
    NotSet(String),
    /// The file cannot be read.
    #[error("cannot read the secret file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The value is empty (after trimming a trailing newline).
    #[error("the secret from {0} is empty")]
    Empty(String),
}

impl Secret {
    /// A secret with this value.
    ///
    /// # Errors
    ///
    /// When the value is empty: an empty credential would accept an empty one.
    pub fn new(value: impl Into<String>) -> Result<Self, SecretError> {
        let value = value.into();
        if value.is_empty() {
            return Err(SecretError::Empty("the value given".to_owned()));
        }
        Ok(Self(value.into()))
    }

    /// The value of the environment variable `name`.
    ///
    /// # Errors
    ///
    /// When the variable is not set, not Unicode, or empty.
    pub fn from_env(name: &str) -> Result<Self, SecretError> {
        let value = std::env::var(name).map_err(|_| SecretError::NotSet(name.to_owned()))?;
        if value.is_empty() {
            return Err(SecretError::Empty(format!("${name}")));
        }
        Ok(Self(value.into()))
    }

    /// The content of `path` (a mounted secret), without its trailing line break.
    ///
    /// # Errors
    ///
    /// When the file cannot be read as UTF-8, or holds nothing.
    pub fn from_file(path: &Path) -> Result<Self, SecretError> {
        let text = std::fs::read_to_string(path).map_err(|source| SecretError::File {
            path: path.display().to_string(),
            source,
        })?;
        let value = text.trim_end_matches(['\r', '\n']);
        if value.is_empty() {
            return Err(SecretError::Empty(path.display().to_string()));
        }
        Ok(Self(value.into()))
    }

    /// Whether `candidate` is this secret, compared in constant time (for candidates of the
    /// secret's length; the length itself is not hidden).
    pub fn matches(&self, candidate: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(candidate).into()
    }

    /// The value itself, for sending it (`cxhook send`); never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether `candidate` is any of `secrets`; every secret is compared, so the time taken does
/// not say which one matched.
#[cfg(feature = "auth")]
pub(crate) fn any_matches(secrets: &[Secret], candidate: &[u8]) -> bool {
    secrets
        .iter()
        .fold(subtle::Choice::from(0), |found, secret| {
            found | secret.0.as_bytes().ct_eq(candidate)
        })
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let secret = Secret::new("hunter2").unwrap();
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
    }

    #[test]
    fn matches_compares_whole_values() {
        let secret = Secret::new("token-a").unwrap();
        assert!(secret.matches(b"token-a"));
        assert!(!secret.matches(b"token-"));
        assert!(!secret.matches(b"token-ab"));
        assert!(!secret.matches(b""));
        let both = [secret, Secret::new("token-b").unwrap()];
        assert!(any_matches(&both, b"token-b"));
        assert!(!any_matches(&both, b"token-c"));
    }

    #[test]
    fn empty_secrets_are_refused() {
        assert!(Secret::new("").is_err());
        let dir = std::env::temp_dir().join(format!("cxhook-secret-{}", std::process::id()));
        std::fs::write(&dir, "\n").unwrap();
        assert!(matches!(
            Secret::from_file(&dir),
            Err(SecretError::Empty(_))
        ));
        std::fs::write(&dir, "s3cret\n").unwrap();
        assert!(Secret::from_file(&dir).unwrap().matches(b"s3cret"));
        std::fs::remove_file(&dir).unwrap();
        assert!(matches!(
            Secret::from_env("CXHOOK_TEST_SURELY_UNSET_VARIABLE"),
            Err(SecretError::NotSet(_))
        ));
    }
}
