//! [`Limits`]: what one client may ask of the server (concurrent calls, time, header size,
//! JSON nesting, open connections); the [connection loop](super::connection) enforces the
//! transport's part.
//!
//! The body size limit (413) is [`Webhook::body_limit`](super::Webhook::body_limit).
//! JSON nesting is capped at [`MAX_JSON_DEPTH`] levels before the body is parsed (400
//! `too_deep`); serde_json on its own stops at 128 levels with a recursion error, so the
//! stack is safe either way, and this check gives a clear answer well before that.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::sync::Semaphore;
use tower::{Layer, Service};

use crate::answer::ErrorBody;
use crate::handler::BoxFuture;

/// The default cap on webhook calls answered at once; more get 503 straight away.
pub const DEFAULT_CONCURRENCY_LIMIT: usize = 1024;

/// The default time a client has to send a request's headers.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default time a webhook call may take from its headers to its answer, body upload
/// included: twice Dialogflow's longest webhook timeout (30 s), so that it only ends calls
/// Dialogflow has given up on, and clients that send their body a byte at a time.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The default size of the buffer a request's head (request line and headers) must fit in,
/// in bytes; a larger head gets 431. Real requests send well under 8 KiB of headers (a
/// Google ID token is about 1 KiB). It is also the most each connection's read buffer holds:
/// at 8 KiB, the buffer stays 8 KiB; with any larger cap it grows to 16 KiB at the first
/// request of every connection (the 24 bytes read to tell HTTP/1 from HTTP/2 leave less
/// than the 8 KiB hyper reads at a time).
pub const DEFAULT_MAX_HEADER_BYTES: usize = 8 * 1024;

/// The default largest number of headers in one request (HTTP/1); more get 431.
pub const DEFAULT_MAX_HEADERS: usize = 100;

/// The default time a connection may stay open with no call in flight, once it has made
/// one: a minute, so that Dialogflow, which keeps its connections for the next calls, rarely
/// has to open a new one, while a client that has gone away holds its connection no longer.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The default cap on open connections. The server lowers it to three quarters of its
/// file-handle limit (raised to the hard limit at start-up), keeping the rest for the
/// database, the log and calls to other services: with the common limit of 1,024 handles,
/// 768 connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

/// The deepest JSON nesting a webhook request may have; real requests nest under 20 levels.
pub const MAX_JSON_DEPTH: usize = 64;

/// What one client may ask of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Webhook calls answered at once; more get 503 with a JSON body and `Retry-After`.
    pub concurrency: usize,
    /// How long a client has to send a request's headers before its connection is closed
    /// (a slowloris client holds nothing for longer); a new connection has this long from
    /// its accept to send its first request's headers.
    pub header_read_timeout: Duration,
    /// How long a connection may stay open with no call in flight after its last call.
    pub idle_timeout: Duration,
    /// The most connections open at once. At the cap, a new connection closes the one idle
    /// the longest; when every connection has a call in flight, the new one is closed.
    pub max_connections: usize,
    /// How long a webhook call may take from its headers to its answer, body upload
    /// included; a call over it gets 408.
    pub request_timeout: Duration,
    /// The largest request head (request line and headers) in bytes, at least 8192; for
    /// HTTP/2, the largest header list.
    pub max_header_bytes: usize,
    /// The most headers a request may have (HTTP/1).
    pub max_headers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY_LIMIT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            max_headers: DEFAULT_MAX_HEADERS,
        }
    }
}

impl Limits {
    /// The cap on the calls answered at once and the time each may take, shared by every
    /// route it [protects](CallLimitLayer::protect).
    pub(super) fn call_limit(&self) -> CallLimitLayer {
        CallLimitLayer {
            permits: Arc::new(Semaphore::new(self.concurrency.max(1))),
            concurrency: self.concurrency.max(1),
            timeout: self.request_timeout,
        }
    }

    /// The HTTP/1 and HTTP/2 connection settings that enforce the header limits. The header
    /// read timeout is the connection loop's: hyper's own would also close an idle HTTP/1
    /// connection at it, before the idle timeout.
    pub(super) fn builder(&self) -> auto::Builder<TokioExecutor> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(None)
            .half_close(true)
            .max_buf_size(self.max_header_bytes.max(8192))
            .max_headers(self.max_headers);
        builder
            .http2()
            .timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(self.max_header_bytes).unwrap_or(u32::MAX))
            .keep_alive_interval(Some(self.header_read_timeout))
            .keep_alive_timeout(self.header_read_timeout);
        builder
    }
}

/// Whether `bytes`, read as JSON, nests deeper than `limit` arrays and objects (brackets
/// inside strings do not count). Malformed JSON is left for the parser to explain.
///
/// A body cannot nest deeper than it has opening brackets, and a real request has a few
/// dozen (22 in the benchmark's 1.7 KB form request), so they are counted first, in a loop
/// the compiler vectorizes; only a body with more than `limit` of them is walked. For that
/// request the count takes under 1,000 instructions, the walk about 11,000. The walk
/// skips strings, most of a webhook request, with `memchr` from one quote or backslash to
/// the next, and looks at the bytes between strings one by one.
pub(crate) fn too_deep(bytes: &[u8], limit: usize) -> bool {
    // In chunks of 255, so that each chunk's count fits the byte-wide lanes it is summed in.
    let openers: usize = bytes
        .chunks(255)
        .map(|chunk| {
            let count = chunk.iter().fold(0u8, |count, &byte| {
                count + u8::from(byte == b'[' || byte == b'{')
            });
            usize::from(count)
        })
        .sum();
    if openers <= limit {
        return false;
    }
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        match byte {
            b'"' => match string_end(bytes, at) {
                Some(end) => at = end,
                None => return false,
            },
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Where the string whose contents start at `at` ends (just past its closing quote), or
/// `None` when the body ends first.
fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let rest = bytes.get(at..)?;
        let found = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[found] == b'"' {
            return Some(at + found + 1);
        }
        // A backslash escapes the byte after it, a quote or a backslash included.
        at += found + 2;
    }
}

/// The 400 for a body nested deeper than [`MAX_JSON_DEPTH`].
pub(crate) fn too_deep_error() -> ErrorBody {
    ErrorBody::new(
        "too_deep",
        format!("the JSON body nests deeper than the limit of {MAX_JSON_DEPTH} levels"),
    )
}

/// Caps the calls answered at once (503 over the cap) and the time each may take (408).
#[derive(Debug, Clone)]
pub(super) struct CallLimitLayer {
    permits: Arc<Semaphore>,
    concurrency: usize,
    timeout: Duration,
}

impl CallLimitLayer {
    /// Caps the calls `route` answers at once and the time each may take.
    pub(super) fn protect<S>(&self, route: MethodRouter<S>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        route.route_layer(self.clone())
    }

    /// Answers `call` within the limits: the permit is taken before `call` is first polled,
    /// and held until it ends.
    pub(super) async fn run(&self, call: impl Future<Output = Response>) -> Response {
        let Ok(_permit) = Arc::clone(&self.permits).try_acquire_owned() else {
            tracing::warn!(limit = self.concurrency, "shed a call: too many at once");
            let mut response = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                &format!(
                    "the webhook is answering its limit of {} calls at once; try again",
                    self.concurrency
                ),
            );
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(answered) => answered,
            Err(_) => {
                tracing::warn!(
                    timeout_ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
                    "ended a call that took longer than the request timeout"
                );
                error(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    &format!(
                        "the call took longer than the limit of {} ms",
                        self.timeout.as_millis()
                    ),
                )
            }
        }
    }
}

impl<S> Layer<S> for CallLimitLayer {
    type Service = CallLimit<S>;

    fn layer(&self, inner: S) -> CallLimit<S> {
        CallLimit {
            limits: self.clone(),
            inner,
        }
    }
}

/// Sheds calls over the concurrency cap with 503 and ends calls over the time limit with
/// 408.
#[derive(Debug, Clone)]
pub(super) struct CallLimit<S> {
    limits: CallLimitLayer,
    inner: S,
}

impl<S, B> Service<Request<B>> for CallLimit<S>
where
    S: Service<Request<B>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let limits = self.limits.clone();
        Box::pin(async move {
            Ok(limits
                .run(async move {
                    match inner.call(request).await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    }
                })
                .await)
        })
    }
}

/// A response with `status` and the JSON error body of `code` and `message`.
pub(super) fn error(status: StatusCode, code: &'static str, message: &str) -> Response {
    let body =
        serde_json::to_vec(&ErrorBody::new(code, message)).unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert!(!too_deep(br#"{"a":[1,{"b":2}]}"#, 3));
        assert!(too_deep(br#"{"a":[1,{"b":[]}]}"#, 3));
        assert!(!too_deep(br#"{"a":"[[[[[[\"{{{{"}"#, 1));
        assert!(!too_deep(b"not json at all", 1));
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert!(too_deep(deep.as_bytes(), MAX_JSON_DEPTH));
        assert!(!too_deep(deep.as_bytes(), 65));
    }

    #[test]
    fn escapes_and_unterminated_strings() {
        // An escaped backslash ends before the quote, which closes the string.
        assert!(too_deep(br#"{"a":"\\",[[]]}"#, 2));
        // An escaped quote does not close the string.
        assert!(!too_deep(br#"{"a":"\"[[[["}"#, 1));
        // A string that never ends hides the brackets after it; so does a trailing escape.
        assert!(!too_deep(br#"{"a":"[[[["#, 1));
        assert!(!too_deep(br#"{"a":"\"#, 1));
        assert!(!too_deep(br#"["\"#, 1));
        assert!(too_deep(br#"[["a"]]"#, 1));
    }

    /// The byte-at-a-time scan `too_deep` replaces, to check it against.
    fn too_deep_bytewise(bytes: &[u8], limit: usize) -> bool {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        for &byte in bytes {
            if in_string {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == b'"' {
                    in_string = false;
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > limit {
                        return true;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        false
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_bytewise_scan(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"[]{}\"\\a :,".to_vec()),
                0..64,
            ),
            limit in 0usize..6,
        ) {
            proptest::prop_assert_eq!(too_deep(&bytes, limit), too_deep_bytewise(&bytes, limit));
        }
    }
}
