//! A secret read from the export: a webhook header value, username or password.
//!
//! Exports keep these in clear text, so the model wraps them at the moment they are read: the
//! value is reachable only through [`Secret::expose`], and `Debug` never prints it, so a
//! `{:?}` of the whole agent, an error or a log line cannot leak it.

use std::fmt;

use serde::Deserialize;

/// A string that must never be printed or logged.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it (the outgoing webhook call).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
