//! [`TraceContext`]: the trace a call belongs to, read from the headers Google's front ends
//! and OpenTelemetry clients send.

use http::HeaderMap;

/// The trace a call belongs to: from W3C `traceparent` (`00-TRACE_ID-SPAN_ID-FLAGS`) or
/// Google's `X-Cloud-Trace-Context` (`TRACE_ID/SPAN_ID;o=1`).
///
/// Only well-formed values are kept (a trace ID of 32 hex digits, not all zero), so a header
/// cannot put arbitrary text into the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// The trace ID: 32 lower-case hex digits.
    pub trace_id: String,
    /// The span ID of the caller, as 16 lower-case hex digits (Cloud Logging's `spanId`).
    pub span_id: Option<String>,
    /// Whether the caller sampled the trace.
    pub sampled: bool,
}

impl TraceContext {
    /// The trace of a request's headers: `traceparent` when it is well formed, else
    /// `X-Cloud-Trace-Context`.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        header("traceparent")
            .and_then(Self::parse_traceparent)
            .or_else(|| header("x-cloud-trace-context").and_then(Self::parse_cloud_trace))
    }

    /// Parses a W3C `traceparent` value: `VERSION-TRACE_ID-PARENT_ID-FLAGS`.
    pub fn parse_traceparent(value: &str) -> Option<Self> {
        let mut parts = value.trim().split('-');
        let version = parts.next()?;
        let trace_id = parts.next()?;
        let span_id = parts.next()?;
        let flags = parts.next()?;
        if version.len() != 2 || !is_hex(version) || version == "ff" {
            return None;
        }
        if version == "00" && parts.next().is_some() {
            return None;
        }
        if span_id.len() != 16 || !is_hex(span_id) || flags.len() != 2 {
            return None;
        }
        let flags = u8::from_str_radix(flags, 16).ok()?;
        let span_id = span_id.to_ascii_lowercase();
        Some(Self {
            trace_id: trace_id_of(trace_id)?,
            span_id: (span_id != "0000000000000000").then_some(span_id),
            sampled: flags & 1 == 1,
        })
    }

    /// Parses an `X-Cloud-Trace-Context` value: `TRACE_ID[/SPAN_ID][;o=OPTIONS]`, the span
    /// ID in decimal.
    pub fn parse_cloud_trace(value: &str) -> Option<Self> {
        let (ids, options) = match value.trim().split_once(';') {
            Some((ids, options)) => (ids, Some(options)),
            None => (value.trim(), None),
        };
        let (trace_id, span_id) = match ids.split_once('/') {
            Some((trace_id, span_id)) => (trace_id, Some(span_id)),
            None => (ids, None),
        };
        let span_id = span_id
            .and_then(|span| span.parse::<u64>().ok())
            .filter(|span| *span != 0)
            .map(|span| format!("{span:016x}"));
        Some(Self {
            trace_id: trace_id_of(trace_id)?,
            span_id,
            sampled: options.is_some_and(|options| options.trim() == "o=1"),
        })
    }

    /// Cloud Logging's trace field for this trace in `project`:
    /// `projects/{project}/traces/{trace_id}`.
    pub fn resource_name(&self, project: &str) -> String {
        format!("projects/{project}/traces/{}", self.trace_id)
    }
}

fn is_hex(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A trace ID, lower-cased, when it is 32 hex digits and not all zero.
fn trace_id_of(text: &str) -> Option<String> {
    (text.len() == 32 && is_hex(text) && text.bytes().any(|b| b != b'0'))
        .then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

    #[test]
    fn traceparent() {
        let context =
            TraceContext::parse_traceparent(&format!("00-{TRACE}-00f067aa0ba902b7-01")).unwrap();
        assert_eq!(context.trace_id, TRACE);
        assert_eq!(context.span_id.as_deref(), Some("00f067aa0ba902b7"));
        assert!(context.sampled);
        let unsampled =
            TraceContext::parse_traceparent(&format!("00-{TRACE}-00f067aa0ba902b7-00")).unwrap();
        assert!(!unsampled.sampled);
        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01".to_owned(),
            format!("00-{TRACE}-00f067aa0ba902b-01"),
            format!("ff-{TRACE}-00f067aa0ba902b7-01"),
            format!("00-{TRACE}-00f067aa0ba902b7-01-extra"),
            format!("00-{TRACE}\"-00f067aa0ba902b7-01"),
            "garbage".to_owned(),
        ] {
            assert_eq!(TraceContext::parse_traceparent(&bad), None, "{bad}");
        }
    }

    #[test]
    fn cloud_trace_context() {
        let context = TraceContext::parse_cloud_trace(&format!("{TRACE}/1;o=1")).unwrap();
        assert_eq!(context.trace_id, TRACE);
        assert_eq!(context.span_id.as_deref(), Some("0000000000000001"));
        assert!(context.sampled);
        let bare = TraceContext::parse_cloud_trace(TRACE).unwrap();
        assert_eq!(bare.span_id, None);
        assert!(!bare.sampled);
        assert_eq!(TraceContext::parse_cloud_trace("not-a-trace/1;o=1"), None);
        assert_eq!(
            bare.resource_name("my-project"),
            format!("projects/my-project/traces/{TRACE}")
        );
    }

    #[test]
    fn traceparent_wins_over_the_cloud_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-cloud-trace-context",
            "11111111111111111111111111111111/5;o=1".parse().unwrap(),
        );
        assert_eq!(
            TraceContext::from_headers(&headers).unwrap().trace_id,
            "11111111111111111111111111111111"
        );
        headers.insert(
            "traceparent",
            format!("00-{TRACE}-00f067aa0ba902b7-01").parse().unwrap(),
        );
        assert_eq!(
            TraceContext::from_headers(&headers).unwrap().trace_id,
            TRACE
        );
    }
}
