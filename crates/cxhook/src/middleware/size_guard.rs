//! The size guard: a response larger than Dialogflow accepts (64 KiB) is replaced by the
//! recover layer's fallback reply in the caller's language, and logged.
//!
//! Dialogflow rejects a larger response and the user hears the agent's generic error, so a
//! short fallback is the better answer. The guard has to write the response to know its
//! size; it keeps the bytes in the [`Answer`], so the record layer and the edge send them
//! without writing them again. It sits outside the deadline and recover layers, which
//! answer with short replies of their own, and inside the layers that log, count and record,
//! which see the answer that goes out.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use cxhook_types::MAX_RESPONSE_BYTES;
use tower::{Layer, Service};

use crate::answer::Answer;
use crate::call::Call;
use crate::localized::Localized;

/// Replaces responses too large for Dialogflow with the answer for the call's language.
#[derive(Debug, Clone)]
pub(crate) struct SizeGuardLayer {
    oversize: Arc<Oversize>,
}

/// The answers to a response too large, by language.
#[derive(Debug)]
struct Oversize {
    /// Which answer a call gets ([`Localized::index`]).
    languages: Localized,
    /// The answers, written once.
    answers: Vec<Answer>,
}

impl SizeGuardLayer {
    /// Answers a call whose response is too large with the one of `answers` that
    /// `languages` picks for its language ([`Localized::index`]).
    ///
    /// # Panics
    ///
    /// When `answers` has fewer answers than `languages` has texts.
    pub(crate) fn new(languages: Localized, mut answers: Vec<Answer>) -> Self {
        assert!(
            answers.len() >= languages.texts().count(),
            "an answer for every language"
        );
        for answer in &mut answers {
            answer.json();
        }
        Self {
            oversize: Arc::new(Oversize { languages, answers }),
        }
    }
}

impl<S> Layer<S> for SizeGuardLayer {
    type Service = SizeGuard<S>;

    fn layer(&self, inner: S) -> SizeGuard<S> {
        SizeGuard {
            inner,
            oversize: Arc::clone(&self.oversize),
        }
    }
}

/// The service made by [`SizeGuardLayer`].
#[derive(Debug, Clone)]
pub(crate) struct SizeGuard<S> {
    inner: S,
    oversize: Arc<Oversize>,
}

impl<S> Service<Call> for SizeGuard<S>
where
    S: Service<Call, Response = Answer>,
{
    type Response = Answer;
    type Error = S::Error;
    type Future = SizeGuardFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, call: Call) -> Self::Future {
        let language = self.oversize.languages.index(call.request());
        SizeGuardFuture {
            future: self.inner.call(call),
            oversize: Arc::clone(&self.oversize),
            language,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`SizeGuard`]: the inner answer, written, or the fallback.
    pub(crate) struct SizeGuardFuture<F> {
        #[pin]
        future: F,
        oversize: Arc<Oversize>,
        language: usize,
    }
}

impl<F, E> Future for SizeGuardFuture<F>
where
    F: Future<Output = Result<Answer, E>>,
{
    type Output = Result<Answer, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut answer = match std::task::ready!(this.future.poll(cx)) {
            Ok(answer) => answer,
            Err(error) => return Poll::Ready(Err(error)),
        };
        let bytes = answer.json().len();
        if answer.response().is_some() && bytes > MAX_RESPONSE_BYTES {
            tracing::error!(
                bytes,
                limit = MAX_RESPONSE_BYTES,
                "the response is larger than Dialogflow accepts; sent the fallback instead"
            );
            return Poll::Ready(Ok(this.oversize.answers[*this.language].clone()));
        }
        Poll::Ready(Ok(answer))
    }
}
