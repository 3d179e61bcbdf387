//! The record layer: each call's request body and final answer go to a
//! [`Recorder`](crate::server::record::Recorder).
//!
//! It sits outside the size guard, the deadline and the recover layer, so that the
//! recording holds the answer that went out. The request is recorded as the bytes that
//! arrived, which the edge leaves in the call's extensions ([`RequestBody`]) only when a
//! recorder is configured; the answer as the JSON the edge sends, written once for both. A
//! call whose [`Meta`] marks it as a replay is not recorded.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use tower::{Layer, Service};

use crate::answer::Answer;
use crate::call::Call;
use crate::server::Meta;
use crate::server::record::Recorder;

/// The request body as it arrived, left in the call's extensions by the edge for the record
/// layer.
#[derive(Debug, Clone)]
pub(crate) struct RequestBody(pub(crate) Bytes);

/// Records every call through a [`Recorder`].
#[derive(Clone)]
pub(crate) struct RecordLayer {
    recorder: Recorder,
}

impl RecordLayer {
    pub(crate) fn new(recorder: Recorder) -> Self {
        Self { recorder }
    }
}

impl<S> Layer<S> for RecordLayer {
    type Service = Record<S>;

    fn layer(&self, inner: S) -> Record<S> {
        Record {
            inner,
            recorder: self.recorder.clone(),
        }
    }
}

/// The service made by [`RecordLayer`].
#[derive(Clone)]
pub(crate) struct Record<S> {
    inner: S,
    recorder: Recorder,
}

impl<S> Service<Call> for Record<S>
where
    S: Service<Call, Response = Answer>,
{
    type Response = Answer;
    type Error = S::Error;
    type Future = RecordFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, call: Call) -> Self::Future {
        let replay = call
            .extensions()
            .get::<Meta>()
            .is_some_and(|meta| meta.replay);
        let pending = match call.extensions().get::<RequestBody>() {
            Some(RequestBody(body)) if !replay => Some(Pending {
                recorder: self.recorder.clone(),
                body: body.clone(),
                received: call.received(),
            }),
            _ => None,
        };
        RecordFuture {
            future: self.inner.call(call),
            pending,
        }
    }
}

/// What a call's record needs besides its answer.
struct Pending {
    recorder: Recorder,
    body: Bytes,
    received: Instant,
}

pin_project_lite::pin_project! {
    /// The future of [`Record`]: the inner future, recorded when it is ready.
    pub(crate) struct RecordFuture<F> {
        #[pin]
        future: F,
        pending: Option<Pending>,
    }
}

impl<F, E> Future for RecordFuture<F>
where
    F: Future<Output = Result<Answer, E>>,
{
    type Output = Result<Answer, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut answered = std::task::ready!(this.future.poll(cx));
        if let (Ok(answer), Some(pending)) = (&mut answered, this.pending.take()) {
            let elapsed = pending.received.elapsed();
            let status = answer.status();
            pending
                .recorder
                .record(pending.body, status, answer.json(), elapsed);
        }
        Poll::Ready(answered)
    }
}
