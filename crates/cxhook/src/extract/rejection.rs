//! [`Rejection`]: why an extractor could not give what a handler asked for.
//!
//! It has a module of its own, below the extractors, because the error type that carries a
//! rejection through the pipeline tells it apart from a handler's error: the extractors use
//! the error module's neighbours (the deadline layer among them), and so the error module
//! cannot use the extractors.

/// Why an extractor could not give what a handler asked for.
///
/// The recover layer answers it (an [`Error`](crate::Error) of kind
/// [`Rejected`](crate::ErrorKind::Rejected)); [`Error::rejection`](crate::Error::rejection)
/// gives it back to a layer that wants to tell the kinds apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejection {
    // The extractors build one from its parts (`Rejection { kind, ..rejection }`).
    pub(super) kind: RejectionKind,
    pub(super) message: String,
    pub(super) field: Option<String>,
}

/// Whether the request lacked what an extractor reads or carried it malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionKind {
    /// The request lacks the part: no `intentInfo`, no query, a parameter the type requires.
    /// `Option<E>` reads this as `None`.
    Missing,
    /// The part is there but does not read as the type asked for: a parameter of the wrong
    /// type, a page name that is not one. `Option<E>` rejects the call too.
    Invalid,
}

impl RejectionKind {
    /// A short name for logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Invalid => "invalid",
        }
    }
}

impl Rejection {
    /// A rejection for a part the request lacks.
    pub fn missing(message: impl Into<String>) -> Self {
        Self::with_kind(RejectionKind::Missing, message)
    }

    /// A rejection for a part the request carries malformed.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::with_kind(RejectionKind::Invalid, message)
    }

    /// A rejection of this kind with this message.
    pub fn with_kind(kind: RejectionKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
        }
    }

    /// Names the parameter or field that was missing or malformed.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Whether the part was missing or malformed.
    pub fn kind(&self) -> RejectionKind {
        self.kind
    }

    /// The parameter or field that was missing or malformed, when there is one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}
