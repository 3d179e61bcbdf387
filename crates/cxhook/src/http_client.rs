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

use std::error::Error as _;
use std::io;
use std::sync::{Arc, LazyLock};

use tokio::sync::OnceCell;

/// An HTTP client, built on first use; cheap to clone (clones share it).
#[derive(Clone, Debug, Default)]
pub struct HttpClient(Arc<OnceCell<reqwest::Client>>);

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct BuildError(String);

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
        Self(Arc::new(OnceCell::new_with(Some(client))))
    }

    /// Whether the client has been built (a built-in one is built by the first [`get`]).
    ///
    /// [`get`]: HttpClient::get
    pub fn is_built(&self) -> bool {
        self.0.initialized()
    }

    /// The client; the first call builds it on the blocking pool, and concurrent first calls
    /// wait for that one build. A build that fails is tried again by the next call.
    pub async fn get(&self) -> Result<&reqwest::Client, BuildError> {
        self.0
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
