//! [`HttpClient`]: the client a webhook calls other services with (key sets, external APIs),
//! built when the first call needs it.
//!
//! Building a `reqwest::Client` reads and parses the system's root certificates: several
//! milliseconds, more than the rest of a server's start-up. So the client is built on the
//! blocking pool the first time a call asks for it, and kept. [`HttpClient::shared`] is one
//! client for the whole process, so that its certificates are read once and its connections
//! pooled across every caller; each caller sets its own timeout on each request.
//!
//! [`describe`] says why a call failed. reqwest's own message, "error sending request for
//! url (…)", names neither the cause nor anything but the URL (whose query may hold a
//! caller's words); the cause is in the error's source chain, a few layers down (hyper's
//! connect error, then an `io::Error`, sometimes wrapping another), and `describe` walks it.
//!
//! Answers are read through [`HttpClient::read_body`] and [`HttpClient::read_json`], which
//! stop at the client's body limit (256 KiB unless set): `reqwest`'s own `bytes` reads a
//! body whole, and one 256 MiB answer from a weather provider took the server to 268 MiB.
//! Real answers are a few KiB: a forecast about 2 KiB, Google's key set about 2 KiB, an
//! appointment under 1 KiB.

use std::error::Error as _;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use bytes::{Bytes, BytesMut};
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;

/// The default most bytes read of an answer's body: 256 KiB, a hundred times a real one.
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;

/// An HTTP client, built on first use; cheap to clone (clones share it, and its body limit).
#[derive(Clone, Debug)]
pub struct HttpClient(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    client: OnceCell<reqwest::Client>,
    body_limit: AtomicUsize,
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::with_cell(OnceCell::new())
    }
}

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct BuildError(String);

/// Why an answer's body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body is larger than the client's body limit; the rest was not read.
    #[error("the body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body could not be read (the connection broke, or the timeout ran out).
    #[error("cannot read the body")]
    Read(#[source] reqwest::Error),
    /// The body is not the JSON expected.
    #[error("unexpected body")]
    Json(#[source] serde_json::Error),
}

impl BodyError {
    /// Whether the request's timeout ran out while the body was read.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Read(e) if e.is_timeout())
    }
}

/// The process's client: what [`HttpClient::shared`] hands out.
static SHARED: LazyLock<HttpClient> = LazyLock::new(HttpClient::default);

impl HttpClient {
    /// The client every caller in the process shares: one set of root certificates, one
    /// connection pool. It sends `User-Agent: cxhook/<version>` and sets no timeout of its
    /// own: give each request one.
    pub fn shared() -> Self {
        SHARED.clone()
    }

    /// A handle on a client built already (with options of its own, or in tests).
    pub fn from_client(client: reqwest::Client) -> Self {
        Self::with_cell(OnceCell::new_with(Some(client)))
    }

    fn with_cell(client: OnceCell<reqwest::Client>) -> Self {
        Self(Arc::new(Shared {
            client,
            body_limit: AtomicUsize::new(DEFAULT_BODY_LIMIT),
        }))
    }

    /// Sets the most bytes [`read_body`](Self::read_body) reads of a body, for this client
    /// and every clone of it (for [`HttpClient::shared`], the whole process).
    pub fn set_body_limit(&self, bytes: usize) {
        self.0.body_limit.store(bytes, Ordering::Relaxed);
    }

    /// The most bytes [`read_body`](Self::read_body) reads of a body.
    pub fn body_limit(&self) -> usize {
        self.0.body_limit.load(Ordering::Relaxed)
    }

    /// Reads `response`'s body, at most [`body_limit`](Self::body_limit) bytes of it: a
    /// larger one (by its `Content-Length`, or once more has arrived) is
    /// [`BodyError::TooLarge`], and the connection is dropped rather than read to its end.
    pub async fn read_body(&self, mut response: reqwest::Response) -> Result<Bytes, BodyError> {
        let limit = self.body_limit();
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(BodyError::TooLarge { limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
            if body.len() + chunk.len() > limit {
                return Err(BodyError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// Reads `response`'s body as [`read_body`](Self::read_body) does, and parses it as JSON.
    pub async fn read_json<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
    ) -> Result<T, BodyError> {
        let body = self.read_body(response).await?;
        serde_json::from_slice(&body).map_err(BodyError::Json)
    }

    /// Whether the client has been built (a built-in one is built by the first [`get`]).
    ///
    /// [`get`]: HttpClient::get
    pub fn is_built(&self) -> bool {
        self.0.client.initialized()
    }

    /// The client; the first call builds it on the blocking pool, and concurrent first calls
    /// wait for that one build. A build that fails is tried again by the next call.
    pub async fn get(&self) -> Result<&reqwest::Client, BuildError> {
        self.0
            .client
            .get_or_try_init(|| async {
                let build = tokio::task::spawn_blocking(|| {
                    reqwest::Client::builder()
                        .user_agent(concat!("cxhook/", env!("CARGO_PKG_VERSION")))
                        .build()
                });
                match build.await {
                    Ok(built) => built.map_err(|e| BuildError(e.to_string())),
                    Err(e) => Err(BuildError(e.to_string())),
                }
            })
            .await
    }
}

/// Why a call to another service failed, in words that name the cause and never the URL:
/// `timed out`, `connection refused`, `connection reset`, `DNS lookup failed: …`, `TLS
/// handshake failed: …`, `answered 503 Service Unavailable`, or, for what none of those
/// fit, what went wrong and the innermost cause (`cannot connect: …`, `the body broke off:
/// …`).
pub fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_owned();
    }
    if let Some(status) = error.status() {
        return format!("answered {status}");
    }
    let mut causes: Vec<&(dyn std::error::Error + 'static)> = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        causes.push(cause);
        // An io::Error shows the error it wraps, but its `source` skips that error.
        next = match cause.downcast_ref::<io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    let innermost = causes
        .last()
        .map_or_else(|| error.to_string(), ToString::to_string);
    let kinds = causes
        .iter()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .map(io::Error::kind);
    for kind in kinds {
        match kind {
            io::ErrorKind::ConnectionRefused => return "connection refused".to_owned(),
            io::ErrorKind::ConnectionReset => return "connection reset".to_owned(),
            io::ErrorKind::ConnectionAborted => return "connection aborted".to_owned(),
            io::ErrorKind::TimedOut => return "timed out".to_owned(),
            // What the TLS layer (rustls) reports a failed handshake as.
            io::ErrorKind::InvalidData if error.is_connect() => {
                return format!("TLS handshake failed: {innermost}");
            }
            _ => {}
        }
    }
    if causes.iter().any(|cause| cause.to_string() == "dns error") {
        return format!("DNS lookup failed: {innermost}");
    }
    let what = if error.is_connect() {
        "cannot connect"
    } else if error.is_body() {
        "the body broke off"
    } else if error.is_decode() {
        "the body is not what was expected"
    } else if error.is_redirect() {
        "too many redirects"
    } else {
        "the call failed"
    };
    format!("{what}: {innermost}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn is_built_by_the_first_call_and_kept() {
        let client = HttpClient::default();
        assert!(!client.is_built());
        let first: *const reqwest::Client = client.get().await.expect("builds");
        assert!(client.is_built());
        let clone = client.clone();
        let second: *const reqwest::Client = clone.get().await.expect("built");
        assert_eq!(first, second, "a clone shares the client");
    }

    #[tokio::test]
    async fn shared_is_one_client() {
        let a: *const reqwest::Client = HttpClient::shared().get().await.expect("builds");
        let b: *const reqwest::Client = HttpClient::shared().get().await.expect("built");
        assert_eq!(a, b);
    }

    /// Serves one connection that answers with `head` and then `body_bytes` spaces; its URL.
    async fn answering(head: &'static str, body_bytes: usize) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).await;
            let _ = stream.write_all(head.as_bytes()).await;
            let chunk = vec![b' '; 16 * 1024];
            let mut left = body_bytes;
            while left > 0 {
                let n = left.min(chunk.len());
                if stream.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                left -= n;
            }
        });
        format!("http://{addr}/")
    }

    async fn read(client: &HttpClient, url: &str) -> Result<Bytes, BodyError> {
        let response = client.get().await.unwrap().get(url).send().await.unwrap();
        client.read_body(response).await
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused_with_or_without_a_length() {
        let client = HttpClient::from_client(reqwest::Client::new());
        client.set_body_limit(1000);
        let clone = client.clone();
        assert_eq!(clone.body_limit(), 1000, "clones share the limit");
        let close = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
        let within = read(&client, &answering(close, 1000).await).await.unwrap();
        assert_eq!(within.len(), 1000);
        let over = read(&client, &answering(close, 10 * 1024 * 1024).await).await;
        assert!(
            matches!(over, Err(BodyError::TooLarge { limit: 1000 })),
            "{over:?}"
        );
        let declared = "HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n";
        let over = read(&client, &answering(declared, 1001).await).await;
        assert!(
            matches!(over, Err(BodyError::TooLarge { limit: 1000 })),
            "{over:?}"
        );
    }

    #[test]
    fn the_default_limit_is_256_kib() {
        assert_eq!(HttpClient::default().body_limit(), 256 * 1024);
    }

    #[test]
    fn a_given_client_is_built_already() {
        assert!(HttpClient::from_client(reqwest::Client::new()).is_built());
    }

    /// The error of a GET of `url` that gives up after `timeout_ms`.
    async fn failure(url: &str, timeout_ms: u64) -> reqwest::Error {
        reqwest::Client::new()
            .get(url)
            .timeout(std::time::Duration::from_millis(timeout_ms))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect_err("the call fails")
    }

    /// A loopback listener that answers every connection with `answer` (none: never).
    fn listener(answer: Option<&'static [u8]>) -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        let port = listener.local_addr().expect("has an address").port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                if let Some(answer) = answer {
                    let mut buffer = [0; 1024];
                    let _ = std::io::Read::read(&mut stream, &mut buffer);
                    let _ = std::io::Write::write_all(&mut stream, answer);
                }
                held.push(stream);
            }
        });
        port
    }

    #[tokio::test]
    async fn failures_are_described_by_their_cause() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a port")
            .port();
        let refused = failure(&format!("http://127.0.0.1:{closed}/"), 300).await;
        assert_eq!(describe(&refused), "connection refused");

        let silent = listener(None);
        let slow = failure(&format!("http://127.0.0.1:{silent}/"), 300).await;
        assert_eq!(describe(&slow), "timed out");

        let plain = listener(Some(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
        let tls = failure(&format!("https://127.0.0.1:{plain}/"), 300).await;
        let said = describe(&tls);
        assert!(said.starts_with("TLS handshake failed: "), "{said}");

        let failing = listener(Some(
            b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
        ));
        let status = failure(&format!("http://127.0.0.1:{failing}/"), 300).await;
        assert_eq!(describe(&status), "answered 503 Service Unavailable");

        // A resolver that is far away may take seconds to say so.
        let unknown = failure("http://no-such-host.invalid/", 20_000).await;
        let said = describe(&unknown);
        assert!(said.starts_with("DNS lookup failed: "), "{said}");
        assert!(!said.contains("no-such-host"), "no URL: {said}");
    }
}
