//! [`HttpClient`]: the client a webhook calls other services with (key sets, external APIs),
//! built when the first call needs it.
//!
//! Building a `reqwest::Client` reads and parses the system's root certificates: several
//! milliseconds, more than the rest of a server's start-up. So the client is built on the
//! blocking pool the first time a call asks for it, and kept. [`HttpClient::shared`] is one
//! client for the whole process, so that its certificates are read once and its connections
//! pooled across every caller; each caller sets its own timeout on each request.

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
}
