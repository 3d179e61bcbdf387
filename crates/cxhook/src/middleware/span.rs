//! The span layer: every call runs inside a span that names it, and ends with one
//! `answered` log line.
//!
//! The span carries the request ID, the tag (clipped: a caller can send 500 KB of it), a
//! hash of the session (calls of one session can be followed without the session ID in the
//! logs), the trace the transport saw ([`Meta`] in the call's extensions) and the session
//! parameters the configuration allows. It is the outermost layer, so that every line the
//! call logs, in any layer, handler or user layer, carries those fields, and the
//! `answered` line reports the answer that went out.

use std::future::Future;
use std::hash::Hasher;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use cxhook_types::WebhookRequest;
use tower::{Layer, Service};

use crate::answer::Answer;
use crate::call::Call;
use crate::server::Meta;

/// Runs each call inside its span and logs its answer.
#[derive(Debug, Clone)]
pub(crate) struct SpanLayer {
    /// The session parameters whose values the span may show.
    log_params: Arc<[String]>,
}

impl SpanLayer {
    pub(crate) fn new(log_params: Arc<[String]>) -> Self {
        Self { log_params }
    }
}

impl<S> Layer<S> for SpanLayer {
    type Service = CallSpan<S>;

    fn layer(&self, inner: S) -> CallSpan<S> {
        CallSpan {
            inner,
            log_params: Arc::clone(&self.log_params),
        }
    }
}

/// The service made by [`SpanLayer`].
#[derive(Debug, Clone)]
pub(crate) struct CallSpan<S> {
    inner: S,
    log_params: Arc<[String]>,
}

impl<S> Service<Call> for CallSpan<S>
where
    S: Service<Call, Response = Answer>,
{
    type Response = Answer;
    type Error = S::Error;
    type Future = SpanFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, call: Call) -> Self::Future {
        let request = call.request();
        let span = tracing::info_span!(
            "call",
            request_id = request.detect_intent_response_id.as_str(),
            tag = &*crate::logging::clipped(request.tag().unwrap_or("")),
            session = SessionHash::of(&request.session_info.session).as_str(),
            trace_id = tracing::field::Empty,
            span_id = tracing::field::Empty,
            trace_sampled = tracing::field::Empty,
            params = tracing::field::Empty,
        );
        if let Some(meta) = call.extensions().get::<Meta>() {
            record_trace(&span, meta);
        }
        record_params(&span, request, &self.log_params);
        let received = call.received();
        // The inner services start their work in `call` (the router runs the extractors,
        // and logs an unknown tag), so it is made inside the span too.
        let future = span.in_scope(|| self.inner.call(call));
        SpanFuture {
            future,
            span,
            received,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`CallSpan`]: the inner future, polled inside the call's span.
    pub(crate) struct SpanFuture<F> {
        #[pin]
        future: F,
        span: tracing::Span,
        received: Instant,
    }
}

impl<F, E> Future for SpanFuture<F>
where
    F: Future<Output = Result<Answer, E>>,
{
    type Output = Result<Answer, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let answered = std::task::ready!(this.future.poll(cx));
        if let Ok(answer) = &answered {
            tracing::info!(
                status = answer.status().as_u16(),
                outcome = answer.outcome().as_str(),
                elapsed_us = u64::try_from(this.received.elapsed().as_micros()).unwrap_or(u64::MAX),
                "answered"
            );
        }
        Poll::Ready(answered)
    }
}

/// Records the trace the transport saw in the call's span.
fn record_trace(span: &tracing::Span, meta: &Meta) {
    let Some(trace) = &meta.trace else {
        return;
    };
    span.record(crate::logging::TRACE_ID, trace.trace_id.as_str());
    if let Some(span_id) = &trace.span_id {
        span.record(crate::logging::SPAN_ID, span_id.as_str());
    }
    span.record(crate::logging::TRACE_SAMPLED, trace.sampled);
    #[cfg(feature = "otlp")]
    crate::logging::set_parent(span, trace);
}

/// Records the values of the allowed session parameters in the call's span.
fn record_params(span: &tracing::Span, request: &WebhookRequest, log_params: &[String]) {
    let allowed: serde_json::Map<String, serde_json::Value> = log_params
        .iter()
        .filter_map(|name| {
            let value = request.session_info.parameters.get(name)?;
            Some((name.clone(), value.clone()))
        })
        .collect();
    if !allowed.is_empty() {
        span.record(
            "params",
            serde_json::Value::Object(allowed).to_string().as_str(),
        );
    }
}

/// A short, stable hash of the session name, shown as 16 hex digits: calls of one session
/// can be followed in the logs without writing the session ID itself. The digits are
/// written once, here, so the span records a `&str` rather than formatting a `Display`.
struct SessionHash([u8; 16]);

impl SessionHash {
    fn of(session: &str) -> Self {
        let mut hasher = fnv::FnvHasher::default();
        hasher.write(session.as_bytes());
        let hash = hasher.finish();
        let mut hex = [0; 16];
        for (at, digit) in hex.iter_mut().enumerate() {
            // The nibble, most significant first.
            let nibble = (hash >> (60 - 4 * at)) & 0xf;
            *digit = b"0123456789abcdef"[usize::try_from(nibble).unwrap_or(0)];
        }
        Self(hex)
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::hash::Hasher;

    use super::SessionHash;

    #[test]
    fn a_session_hash_is_its_fnv_hash_in_16_hex_digits() {
        for session in ["", "projects/p/locations/global/agents/a/sessions/s1", "ü"] {
            let mut hasher = fnv::FnvHasher::default();
            hasher.write(session.as_bytes());
            let expected = format!("{:016x}", hasher.finish());
            assert_eq!(SessionHash::of(session).as_str(), expected, "{session:?}");
        }
    }
}
