//! [`Meta`]: what the transport knows about a call besides its body.

use http::HeaderMap;

use crate::logging::TraceContext;

/// What the transport (HTTP, AWS Lambda) knows about a call besides its body: for now, the
/// trace the request belongs to, which the call's log lines are correlated with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Meta {
    /// The trace of the request, from `traceparent` or `X-Cloud-Trace-Context`.
    pub trace: Option<TraceContext>,
}

impl Meta {
    /// What the request's headers say.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            trace: TraceContext::from_headers(headers),
        }
    }

    /// Meta with this trace.
    #[must_use]
    pub fn with_trace(mut self, trace: Option<TraceContext>) -> Self {
        self.trace = trace;
        self
    }
}
