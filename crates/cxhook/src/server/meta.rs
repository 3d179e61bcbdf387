//! [`Meta`]: what the transport knows about a call besides its body.

use http::HeaderMap;

use crate::logging::TraceContext;

/// What the transport (HTTP, AWS Lambda) knows about a call besides its body: the trace the
/// request belongs to, which the call's log lines are correlated with, and whether the call
/// is a replay, which is not recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Meta {
    /// The trace of the request, from `traceparent` or `X-Cloud-Trace-Context`.
    pub trace: Option<TraceContext>,
    /// Whether the call replays a recorded one (it carries the
    /// [`REPLAY_HEADER`](super::record::REPLAY_HEADER)): a recorder leaves it out.
    pub replay: bool,
}

impl Meta {
    /// What the request's headers say.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            trace: TraceContext::from_headers(headers),
            replay: headers.contains_key(super::record::REPLAY_HEADER),
        }
    }

    /// Meta with this trace.
    #[must_use]
    pub fn with_trace(mut self, trace: Option<TraceContext>) -> Self {
        self.trace = trace;
        self
    }

    /// Meta of a call that replays a recorded one, or not.
    #[must_use]
    pub fn with_replay(mut self, replay: bool) -> Self {
        self.replay = replay;
        self
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn the_replay_header_marks_a_replay() {
        let mut headers = HeaderMap::new();
        assert!(!Meta::from_headers(&headers).replay);
        headers.insert(
            super::super::record::REPLAY_HEADER,
            HeaderValue::from_static("1"),
        );
        assert!(Meta::from_headers(&headers).replay);
    }
}
