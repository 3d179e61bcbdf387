//! The recover layer: a handler error or panic becomes a fallback reply, logged once.
//!
//! It is where the call pipeline's error type becomes [`Infallible`]: inside it, the router,
//! the handlers and every user layer fail with an [`Error`] (or panic); outside it, every
//! call has an [`Answer`]. A panic is caught both when the inner service is called and while
//! its future runs, so a user layer that panics in its `call` is answered like a handler
//! that panics in its body. The future is named rather than boxed: one allocation less per
//! call.
//!
//! The fallback reply may be in the caller's language ([`RecoverLayer::with_texts`]): the
//! reply of each language is built with the layer, and a call keeps only the index of its
//! language, so answering in German allocates what answering in English does, and a call
//! that succeeds pays one comparison of its language subtag per configured language.

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use cxhook_types::WebhookResponse;
use futures_util::FutureExt;
use futures_util::future::CatchUnwind;
use http::StatusCode;
use tower::{Layer, Service};

use crate::answer::{Answer, ErrorBody, Outcome};
use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::localized::Localized;
use crate::reply::Reply;

/// The text of the default fallback reply.
pub const DEFAULT_FALLBACK_TEXT: &str =
    "Sorry, something went wrong on our side. Please try again in a moment.";

/// Wraps a service so that every call gets an answer: errors and panics become a fallback
/// reply (HTTP 200) or, when configured, an HTTP status.
///
/// The error is logged here, once, at `error` level (at `warn` for rejections and unknown
/// tags), inside the call's span, so the line carries the request ID and tag.
#[derive(Debug, Clone)]
pub struct RecoverLayer {
    config: Arc<Config>,
}

#[derive(Debug)]
struct Config {
    /// The texts the replies are built from.
    texts: Localized,
    /// The reply of each of `texts`' texts, the default first ([`Localized::texts`]).
    fallbacks: Vec<WebhookResponse>,
    status: StatusCode,
}

impl Config {
    fn new(texts: Localized, status: StatusCode) -> Self {
        let fallbacks = texts.texts().map(text_response).collect();
        Self {
            texts,
            fallbacks,
            status,
        }
    }
}

impl Default for RecoverLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl RecoverLayer {
    /// Answers failures with the default fallback text and HTTP 200.
    pub fn new() -> Self {
        Self::with_text(DEFAULT_FALLBACK_TEXT)
    }

    /// Answers failures with this text and HTTP 200.
    ///
    /// # Panics
    ///
    /// When `text` is blank: a fallback must say something.
    #[track_caller]
    pub fn with_text(text: &str) -> Self {
        Self::with_texts(Localized::new(text))
    }

    /// Answers failures with the text of the call's language (the default for a language
    /// `texts` has none for) and HTTP 200.
    ///
    /// ```
    /// use cxhook::Localized;
    /// use cxhook::middleware::RecoverLayer;
    ///
    /// let recover = RecoverLayer::with_texts(
    ///     Localized::new("Sorry, something went wrong.")
    ///         .with("de", "Entschuldigung, da ist etwas schiefgegangen."),
    /// );
    /// ```
    ///
    /// # Panics
    ///
    /// When a text is blank: a fallback must say something.
    #[track_caller]
    pub fn with_texts(texts: Localized) -> Self {
        assert!(!texts.has_blank(), "the fallback text must not be blank");
        Self {
            config: Arc::new(Config::new(texts, StatusCode::OK)),
        }
    }

    /// Answers failures with this status instead of a reply (unless the error asks for a
    /// status of its own), so the agent's `webhook.error.*` handlers run. `200 OK` restores
    /// the fallback reply.
    #[must_use]
    pub fn status(self, status: StatusCode) -> Self {
        Self {
            config: Arc::new(Config {
                texts: self.config.texts.clone(),
                fallbacks: self.config.fallbacks.clone(),
                status,
            }),
        }
    }
}

impl RecoverLayer {
    /// The replies failures get when they get a reply: the texts by language, and the reply
    /// of each text in the order [`Localized::index`] gives.
    #[cfg(feature = "server")]
    pub(crate) fn fallback_responses(&self) -> (&Localized, &[WebhookResponse]) {
        (&self.config.texts, &self.config.fallbacks)
    }
}

fn text_response(text: &str) -> WebhookResponse {
    Reply::text(text)
        .finish(&Default::default())
        .unwrap_or_default()
}

impl<S> Layer<S> for RecoverLayer {
    type Service = Recover<S>;

    fn layer(&self, inner: S) -> Recover<S> {
        Recover {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service made by [`RecoverLayer`].
#[derive(Debug, Clone)]
pub struct Recover<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> Recover<S> {
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

impl<S> Service<Call> for Recover<S>
where
    S: Service<Call, Response = Answer, Error = Error> + Clone,
{
    type Response = Answer;
    type Error = Infallible;
    type Future = RecoverFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The services this wraps are always ready; an error here is one more failure to
        // recover from, on the call itself.
        match self.inner.poll_ready(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(_) => Poll::Ready(Ok(())),
        }
    }

    fn call(&mut self, call: Call) -> Self::Future {
        let mut inner = self.inner.clone();
        std::mem::swap(&mut inner, &mut self.inner);
        let config = self.config.clone();
        let language = config.texts.index(call.request());
        let state = match std::panic::catch_unwind(AssertUnwindSafe(|| inner.call(call))) {
            Ok(future) => State::Running {
                future: AssertUnwindSafe(future).catch_unwind(),
            },
            Err(panic) => State::Done {
                answer: Some(recover(&config, language, &panicked(panic))),
            },
        };
        RecoverFuture {
            state,
            config,
            language,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Recover`]: the inner service's answer, or the answer to its error or
    /// panic.
    #[must_use = "futures do nothing unless polled"]
    pub struct RecoverFuture<F> {
        #[pin]
        state: State<F>,
        config: Arc<Config>,
        // Which of the config's fallbacks is in the call's language.
        language: usize,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Running { #[pin] future: CatchUnwind<AssertUnwindSafe<F>> },
        Done { answer: Option<Answer> },
    }
}

impl<F> std::fmt::Debug for RecoverFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoverFuture").finish_non_exhaustive()
    }
}

impl<F> Future for RecoverFuture<F>
where
    F: Future<Output = Result<Answer, Error>>,
{
    type Output = Result<Answer, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let error = match this.state.project() {
            StateProj::Running { future } => match std::task::ready!(future.poll(cx)) {
                Ok(Ok(answer)) => return Poll::Ready(Ok(answer)),
                Ok(Err(error)) => error,
                Err(panic) => panicked(panic),
            },
            StateProj::Done { answer } => {
                return Poll::Ready(Ok(answer
                    .take()
                    .expect("a RecoverFuture is not polled after it is ready")));
            }
        };
        Poll::Ready(Ok(recover(this.config, *this.language, &error)))
    }
}

fn panicked(panic: Box<dyn std::any::Any + Send>) -> Error {
    Error::with_kind(ErrorKind::Panic, PanicMessage::from(panic))
}

fn recover(config: &Config, language: usize, error: &Error) -> Answer {
    let outcome = match error.kind() {
        ErrorKind::Rejected => Outcome::Rejected,
        ErrorKind::UnknownTag => Outcome::Fallback,
        _ => Outcome::Error,
    };
    match outcome {
        // The router logged the call whose tag it does not serve.
        Outcome::Fallback => {}
        Outcome::Rejected => {
            tracing::warn!(error = %error, outcome = outcome.as_str(), "answered with a fallback");
        }
        _ => {
            tracing::error!(error = %error, outcome = outcome.as_str(), "answered with a fallback");
        }
    }
    let status = error.status().unwrap_or(config.status);
    if status != StatusCode::OK {
        let body = ErrorBody::new(error.kind().as_str(), public_message(error));
        return Answer::error(status, body, outcome);
    }
    let response = match error.user_message() {
        Some(message) => text_response(message),
        None => config.fallbacks[language].clone(),
    };
    Answer::reply(response, outcome)
}

/// What an error status body may say: never the error itself, which may hold internals.
fn public_message(error: &Error) -> &'static str {
    match error.kind() {
        ErrorKind::UnknownTag => "no handler serves this fulfillment tag",
        ErrorKind::Rejected => "the request lacks what the handler needs",
        _ => "the webhook failed to answer",
    }
}

/// A panic's message, as an error.
#[derive(Debug, thiserror::Error)]
#[error("the handler panicked: {0}")]
struct PanicMessage(String);

impl From<Box<dyn std::any::Any + Send>> for PanicMessage {
    fn from(panic: Box<dyn std::any::Any + Send>) -> Self {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string payload".to_owned());
        Self(message)
    }
}
