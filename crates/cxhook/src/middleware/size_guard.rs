//! The size guard: a response larger than Dialogflow accepts (64 KiB) is replaced by the
//! recover layer's fallback reply, and logged.
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

/// Replaces responses too large for Dialogflow with `oversize`.
#[derive(Debug, Clone)]
pub(crate) struct SizeGuardLayer {
    oversize: Arc<Answer>,
}

impl SizeGuardLayer {
    /// Answers with `oversize` when a response is too large.
    pub(crate) fn new(mut oversize: Answer) -> Self {
        oversize.json();
        Self {
            oversize: Arc::new(oversize),
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
    oversize: Arc<Answer>,
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
        SizeGuardFuture {
            future: self.inner.call(call),
            oversize: Arc::clone(&self.oversize),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`SizeGuard`]: the inner answer, written, or the fallback.
    pub(crate) struct SizeGuardFuture<F> {
        #[pin]
        future: F,
        oversize: Arc<Answer>,
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
            return Poll::Ready(Ok(Answer::clone(this.oversize)));
        }
        Poll::Ready(Ok(answer))
    }
}
