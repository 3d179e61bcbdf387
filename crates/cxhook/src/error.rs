//! [`Error`]: why a handler could not answer, and what the user may hear about it.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

/// Any error, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A failed webhook call: a handler error, an extractor's rejection, a panic, or a tag no
/// handler serves.
///
/// The recover layer turns it into a fallback reply (or an HTTP status) and logs it once.
/// A handler may attach a sentence that is safe to say to the user with [`Error::say`]; the
/// underlying error itself never reaches the user.
///
/// Like `anyhow::Error`, `Error` does not implement [`std::error::Error`], so that `?` turns
/// any error into it.
pub struct Error {
    kind: ErrorKind,
    source: BoxError,
    user_message: Option<Cow<'static, str>>,
    status: Option<StatusCode>,
}

/// What kind of failure an [`Error`] is; metrics and logs count them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The handler returned an error.
    Handler,
    /// An extractor could not read what the handler asked for; [`Error::rejection`] says
    /// whether it was missing or invalid.
    Rejected,
    /// The handler panicked.
    Panic,
    /// No handler serves the call's tag (or the call has none).
    UnknownTag,
    /// The handler built a reply that Dialogflow would reject.
    InvalidReply,
}

impl ErrorKind {
    /// A short name for logs and metrics.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Handler => "handler_error",
            Self::Rejected => "rejected",
            Self::Panic => "panic",
            Self::UnknownTag => "unknown_tag",
            Self::InvalidReply => "invalid_reply",
        }
    }
}

impl Error {
    /// A handler error (a [`Rejection`](crate::extract::Rejection) keeps its own kind).
    pub fn new(source: impl Into<BoxError>) -> Self {
        let source = source.into();
        let kind = if source.is::<crate::extract::Rejection>() {
            ErrorKind::Rejected
        } else {
            ErrorKind::Handler
        };
        Self::with_kind(kind, source)
    }

    /// An error of the given kind.
    pub fn with_kind(kind: ErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
            user_message: None,
            status: None,
        }
    }

    /// Sets what the fallback reply tells the user instead of the configured fallback text.
    /// It must be safe to say: no internals, no secrets.
    #[must_use]
    pub fn say(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.user_message = Some(message.into());
        self
    }

    /// Answers this call with an HTTP status instead of a fallback reply, so the agent's
    /// `webhook.error.*` event handlers run (400 → `bad-request`, 401/403 → `rejected`,
    /// 503 → `unavailable`, anything else → `webhook.error`).
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What the user may hear, if the handler said.
    pub fn user_message(&self) -> Option<&str> {
        self.user_message.as_deref()
    }

    /// The HTTP status the handler asked for, if any.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The extractor's rejection, when this error is one: its
    /// [`kind`](crate::extract::Rejection::kind) tells a part the request lacked from one it
    /// carried malformed.
    pub fn rejection(&self) -> Option<&crate::extract::Rejection> {
        self.source.downcast_ref()
    }

    /// The underlying error.
    pub fn source(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.source
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(source: E) -> Self {
        Self::new(source)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.source)?;
        let mut source = self.source.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .field("user_message", &self.user_message)
            .field("status", &self.status)
            .finish()
    }
}

/// A message as an error source, for failures that have no error value of their own.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Message(pub(crate) String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_walks_the_source_chain() {
        let io = std::io::Error::other("disk on fire");
        let err = Error::from(io).say("Sorry, try later.");
        assert_eq!(err.kind(), ErrorKind::Handler);
        assert_eq!(err.to_string(), "handler_error: disk on fire");
        assert_eq!(err.user_message(), Some("Sorry, try later."));
        assert_eq!(err.status(), None);
    }
}
