//! [`ReadyCheck`]: whether something a router depends on can serve calls.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::error::BoxError;
use crate::handler::BoxFuture;

/// How long one readiness check may take before it counts as failed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// A readiness check: `Ok` while what it watches (a database, say) can serve calls.
///
/// Integrations attach theirs to the router they return with
/// [`Router::ready_check`](crate::Router::ready_check); the checks travel with
/// [`Router::merge`](crate::Router::merge) to whatever serves the router (the server's
/// `/readyz` runs them). It lives in the core, beside the router that carries it, so that the
/// router needs nothing of the server.
#[derive(Clone)]
pub struct ReadyCheck {
    name: Arc<str>,
    check: Arc<dyn Fn() -> BoxFuture<Result<(), BoxError>> + Send + Sync>,
}

impl std::fmt::Debug for ReadyCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadyCheck")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ReadyCheck {
    /// A check named `name` (it names the failure in `/readyz`'s answer and the log).
    pub fn new<F, Fut>(name: &str, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        Self {
            name: name.into(),
            check: Arc::new(move || Box::pin(check())),
        }
    }

    /// The check's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs the check, failing it when it takes longer than 2 s.
    pub async fn run(&self) -> Result<(), BoxError> {
        match tokio::time::timeout(CHECK_TIMEOUT, (self.check)()).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {CHECK_TIMEOUT:?}").into()),
        }
    }
}
