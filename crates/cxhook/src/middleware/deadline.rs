//! The deadline layer: every call is answered before Dialogflow's own webhook timeout fires.
//!
//! The agent's webhook timeout is configured once ([`DeadlineLayer::new`], 5 s by default, as
//! in Dialogflow CX); each call gets a budget a margin below it (500 ms by default), so that
//! the answer still has time to travel back. When the budget runs out, the call's future is
//! dropped — the handler is cancelled, and with it every downstream call it was awaiting (an
//! HTTP request, a database wait) — and a configured fallback reply goes out instead,
//! optionally with a session parameter the agent can branch on (`webhook_timed_out = true`).
//! That reply may be in the caller's language ([`DeadlineLayer::texts`]); as in the recover
//! layer, the reply of each language is built with the layer and a call keeps the index of
//! its language, so no call allocates for it.
//!
//! The layer leaves a [`Deadline`] in the call's extensions; handlers read what is left of
//! it with the [`Budget`](crate::extract::Budget) extractor to size their own timeouts.
//!
//! It sits outside the recover layer and every user layer, so that a user layer that stalls
//! is cut off like a slow handler. Its future is tokio's `Timeout` in a named wrapper rather
//! than a boxed `async` block: one allocation less per call.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use cxhook_types::WebhookResponse;
use tokio::time::{Instant, Timeout};
use tower::{Layer, Service};

use crate::answer::{Answer, Outcome};
use crate::call::Call;
use crate::localized::Localized;
use crate::reply::Reply;

/// Dialogflow CX's default webhook timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How much earlier than the webhook timeout the fallback goes out, by default.
pub const DEFAULT_MARGIN: Duration = Duration::from_millis(500);

/// What the user hears, by default, when a call runs out of time.
pub const DEFAULT_DEADLINE_TEXT: &str =
    "Sorry, that is taking longer than it should. Please try again in a moment.";

/// When a call must have its answer: the instant its budget runs out.
///
/// The [`DeadlineLayer`] puts one in [`Call::extensions_mut`]; it is on Tokio's clock, so
/// tests with a paused clock see it move with their time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline(pub Instant);

impl Deadline {
    /// The deadline `budget` from now.
    pub fn after(budget: Duration) -> Self {
        Self(Instant::now() + budget)
    }

    /// The instant.
    pub fn instant(self) -> Instant {
        self.0
    }

    /// What is left of the budget (zero once it has passed).
    pub fn remaining(self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
}

/// Answers every call before the webhook timeout: a call still running when its budget
/// (the timeout less the margin) runs out is dropped and answered with the fallback reply.
///
/// ```
/// use std::time::Duration;
/// use cxhook::middleware::DeadlineLayer;
///
/// let deadline = DeadlineLayer::new(Duration::from_secs(10))
///     .margin(Duration::from_millis(800))
///     .text("Still working on it, please ask again in a moment.")
///     .set_param("webhook_timed_out");
/// assert_eq!(deadline.budget(), Duration::from_millis(9200));
/// ```
#[derive(Debug, Clone)]
pub struct DeadlineLayer {
    config: Arc<Config>,
}

#[derive(Debug, Clone)]
struct Config {
    timeout: Duration,
    margin: Duration,
    texts: Localized,
    param: Option<String>,
    /// The reply of each of `texts`' texts, the default first ([`Localized::texts`]).
    fallbacks: Vec<WebhookResponse>,
}

impl Config {
    fn rebuilt(mut self) -> Self {
        let param = self.param.as_deref();
        self.fallbacks = self
            .texts
            .texts()
            .map(|text| {
                let reply = Reply::text(text);
                let reply = match param {
                    Some(param) => reply.set_param(param, true),
                    None => reply,
                };
                reply.finish(&Default::default()).unwrap_or_default()
            })
            .collect();
        self
    }
}

impl Default for DeadlineLayer {
    fn default() -> Self {
        Self::new(DEFAULT_TIMEOUT)
    }
}

impl DeadlineLayer {
    /// A layer for an agent whose webhook timeout is `timeout`, with the default margin,
    /// text and no session parameter.
    pub fn new(timeout: Duration) -> Self {
        let config = Config {
            timeout,
            margin: DEFAULT_MARGIN,
            texts: Localized::new(DEFAULT_DEADLINE_TEXT),
            param: None,
            fallbacks: Vec::new(),
        };
        Self {
            config: Arc::new(config.rebuilt()),
        }
    }

    /// Sets how much earlier than the timeout the fallback goes out. A margin as large as
    /// the timeout leaves a budget of zero: every call gets the fallback.
    #[must_use]
    pub fn margin(self, margin: Duration) -> Self {
        self.with(|config| config.margin = margin)
    }

    /// Sets what the user hears when a call runs out of time.
    ///
    /// # Panics
    ///
    /// When `text` is blank: a fallback must say something.
    #[must_use]
    #[track_caller]
    pub fn text(self, text: &str) -> Self {
        self.texts(Localized::new(text))
    }

    /// Sets what the user hears when a call runs out of time, by the call's language (the
    /// default for a language `texts` has none for).
    ///
    /// # Panics
    ///
    /// When a text is blank: a fallback must say something.
    #[must_use]
    #[track_caller]
    pub fn texts(self, texts: Localized) -> Self {
        assert!(!texts.has_blank(), "the deadline text must not be blank");
        self.with(|config| config.texts = texts)
    }

    /// Also sets this session parameter to `true` in the fallback, so the agent can branch
    /// on a timed-out call (a condition route on `$session.params.webhook_timed_out`).
    #[must_use]
    pub fn set_param(self, name: &str) -> Self {
        self.with(|config| config.param = Some(name.to_owned()))
    }

    /// The webhook timeout.
    pub fn timeout(&self) -> Duration {
        self.config.timeout
    }

    /// The budget of each call: the timeout less the margin.
    pub fn budget(&self) -> Duration {
        self.config.timeout.saturating_sub(self.config.margin)
    }

    /// The reply calls get when their budget runs out, in the default language.
    pub fn fallback_response(&self) -> &WebhookResponse {
        &self.config.fallbacks[0]
    }

    fn with(self, change: impl FnOnce(&mut Config)) -> Self {
        let mut config = Arc::unwrap_or_clone(self.config);
        change(&mut config);
        Self {
            config: Arc::new(config.rebuilt()),
        }
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = DeadlineService<S>;

    fn layer(&self, inner: S) -> DeadlineService<S> {
        DeadlineService {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service made by [`DeadlineLayer`].
#[derive(Debug, Clone)]
pub struct DeadlineService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> DeadlineService<S> {
    /// The service inside.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The service inside, to change.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The service inside, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<Call> for DeadlineService<S>
where
    S: Service<Call, Response = Answer> + Clone,
{
    type Response = Answer;
    type Error = S::Error;
    type Future = DeadlineFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut call: Call) -> Self::Future {
        let mut inner = self.inner.clone();
        std::mem::swap(&mut inner, &mut self.inner);
        let config = self.config.clone();
        let budget = config.timeout.saturating_sub(config.margin);
        let deadline = Deadline::after(budget);
        // A deadline set further out (by a caller that knows better) gives way to ours; an
        // earlier one stays.
        let deadline = match call.extensions().get::<Deadline>() {
            Some(earlier) if *earlier < deadline => *earlier,
            _ => deadline,
        };
        call.extensions_mut().insert(deadline);
        let language = config.texts.index(call.request());
        DeadlineFuture {
            future: tokio::time::timeout_at(deadline.instant(), inner.call(call)),
            config,
            language,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`DeadlineService`]: the inner service's answer, or the deadline
    /// fallback once the budget has run out.
    #[must_use = "futures do nothing unless polled"]
    pub struct DeadlineFuture<F> {
        #[pin]
        future: Timeout<F>,
        config: Arc<Config>,
        // Which of the config's fallbacks is in the call's language.
        language: usize,
    }
}

impl<F> std::fmt::Debug for DeadlineFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeadlineFuture").finish_non_exhaustive()
    }
}

impl<F, E> Future for DeadlineFuture<F>
where
    F: Future<Output = Result<Answer, E>>,
{
    type Output = Result<Answer, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match std::task::ready!(this.future.poll(cx)) {
            Ok(answered) => Poll::Ready(answered),
            Err(_) => {
                let budget = this.config.timeout.saturating_sub(this.config.margin);
                tracing::warn!(
                    budget_ms = u64::try_from(budget.as_millis()).unwrap_or(u64::MAX),
                    outcome = Outcome::Deadline.as_str(),
                    "the call ran out of time; answered with the deadline fallback"
                );
                Poll::Ready(Ok(Answer::reply(
                    this.config.fallbacks[*this.language].clone(),
                    Outcome::Deadline,
                )))
            }
        }
    }
}
