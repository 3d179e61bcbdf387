//! Tower layers of one's own around a cxhook webhook, one at each of the three scopes:
//!
//! - an audit log around every route of the router ([`Router::layer`]): every call a
//!   handler answers, not the router's fallback;
//! - a rate limit on one tag ([`Router::tag_layer`]): transfers are costly, balances not;
//! - the same audit log around the whole call pipeline ([`Webhook::layer`]): every call,
//!   unknown tags included.
//!
//! Each is a plain `tower::Layer` over [`Call`] → [`Answer`], the same kind at every scope.
//! The audit log is `tower`'s own `MapRequestLayer` and a closure; the rate limit is a layer
//! and a service written out, about thirty lines. The webhook's deadline and recover layers
//! sit outside all of them, so a layer that panics or stalls still gets its call answered.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use cxhook::server::Webhook;
use cxhook::{Answer, BoxFuture, Call, Error, Reply, Router};
use tokio::time::Instant;
use tower::util::MapRequestLayer;
use tower::{Layer, Service};

/// What the rate-limited tag's callers hear when they have called too often.
pub const SLOW_DOWN: &str = "That is a lot of transfers at once. Please try again in a minute.";

/// The tags this webhook serves, rate limit and audit included.
pub fn router(audit_log: &AuditLog) -> Router {
    Router::new()
        .route("account.balance", || async {
            Reply::text("You have $1,250.75.")
        })
        .route("account.transfer", || async {
            Reply::text("Transfer done.")
        })
        .tag_layer(
            "account.transfer",
            RateLimitLayer::new(2, Duration::from_secs(60)),
        )
        .layer(audit(audit_log, "router"))
}

/// The webhook: the router, with the audit log around the whole pipeline too.
pub fn webhook(audit_log: &AuditLog) -> Webhook {
    Webhook::new(router(audit_log)).layer(audit(audit_log, "webhook"))
}

/// The audit entries written so far, `"<scope> <tag>"` each (`-` for a call without a tag);
/// cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct AuditLog(Arc<Mutex<Vec<String>>>);

impl AuditLog {
    /// The entries written so far.
    pub fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn write(&self, entry: String) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
    }
}

/// A layer that writes each call's tag to `audit_log` (and the log) before passing it on.
pub fn audit(
    audit_log: &AuditLog,
    scope: &'static str,
) -> MapRequestLayer<impl Fn(Call) -> Call + Clone + Send + Sync + 'static> {
    let audit_log = audit_log.clone();
    MapRequestLayer::new(move |call: Call| {
        let tag = call.tag().unwrap_or("-");
        tracing::info!(scope, tag, "audited");
        audit_log.write(format!("{scope} {tag}"));
        call
    })
}

/// Lets `calls` calls through in each window of `per`; the others fail with an error that
/// says [`SLOW_DOWN`], which the recover layer answers. Each route it wraps counts its own.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitLayer {
    calls: u32,
    per: Duration,
}

impl RateLimitLayer {
    /// `calls` calls per `per`.
    pub fn new(calls: u32, per: Duration) -> Self {
        Self { calls, per }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;

    fn layer(&self, inner: S) -> RateLimit<S> {
        let window = Window {
            started: Instant::now(),
            used: 0,
        };
        RateLimit {
            inner,
            limit: *self,
            window: Arc::new(Mutex::new(window)),
        }
    }
}

/// The service made by [`RateLimitLayer`]; its clones share their window.
#[derive(Debug, Clone)]
pub struct RateLimit<S> {
    inner: S,
    limit: RateLimitLayer,
    window: Arc<Mutex<Window>>,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    used: u32,
}

impl<S> Service<Call> for RateLimit<S>
where
    S: Service<Call, Response = Answer, Error = Error>,
    S::Future: Send + 'static,
{
    type Response = Answer;
    type Error = Error;
    type Future = BoxFuture<Result<Answer, Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, call: Call) -> Self::Future {
        if !self.admit() {
            return Box::pin(std::future::ready(Err(
                Error::new("rate limited").say(SLOW_DOWN)
            )));
        }
        Box::pin(self.inner.call(call))
    }
}

impl<S> RateLimit<S> {
    /// Counts the call in the current window, unless the window is full.
    fn admit(&self) -> bool {
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        if window.started.elapsed() >= self.limit.per {
            *window = Window {
                started: Instant::now(),
                used: 0,
            };
        }
        window.used = window.used.saturating_add(1);
        window.used <= self.limit.calls
    }
}
