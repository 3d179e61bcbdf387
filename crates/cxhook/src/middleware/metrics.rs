//! The metrics layer: every call is counted by tag and outcome, with its duration.
//!
//! It sits outside the size guard, the deadline and the recover layer, so that it counts the
//! outcome that went out (`deadline`, `error` for a response too large). The `tag` label takes
//! only the tags the router serves: the series of each are resolved once, here, when the
//! pipeline is built, so counting a call builds no label; any other tag is counted under
//! `unknown`, so that a caller cannot grow the number of series.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tower::{Layer, Service};

use crate::answer::{Answer, Outcome};
use crate::call::Call;
use crate::server::metrics::{TagMetrics, UNKNOWN_TAG};

/// Counts each call in the series of its tag.
#[derive(Debug, Clone)]
pub(crate) struct MetricsLayer {
    series: Arc<Series>,
}

#[derive(Debug)]
struct Series {
    /// The series of the tags the router serves.
    tags: HashMap<Box<str>, Arc<TagMetrics>, fnv::FnvBuildHasher>,
    /// The series of every other call.
    unknown: Arc<TagMetrics>,
}

impl MetricsLayer {
    /// Counts the calls of `tags` under their own label, others under `unknown`.
    pub(crate) fn new<'a>(tags: impl Iterator<Item = &'a str>) -> Self {
        let tags = tags
            .map(|tag| (Box::from(tag), Arc::new(TagMetrics::new(tag))))
            .collect();
        Self {
            series: Arc::new(Series {
                tags,
                unknown: Arc::new(TagMetrics::new(UNKNOWN_TAG)),
            }),
        }
    }

    /// Counts a body that did not parse, which never became a call: under `unknown`, as
    /// rejected.
    pub(crate) fn count_unparsed(&self, elapsed: Duration) {
        self.series.unknown.record(Outcome::Rejected, elapsed);
    }
}

impl<S> Layer<S> for MetricsLayer {
    type Service = CallMetrics<S>;

    fn layer(&self, inner: S) -> CallMetrics<S> {
        CallMetrics {
            inner,
            series: Arc::clone(&self.series),
        }
    }
}

/// The service made by [`MetricsLayer`].
#[derive(Debug, Clone)]
pub(crate) struct CallMetrics<S> {
    inner: S,
    series: Arc<Series>,
}

impl<S> Service<Call> for CallMetrics<S>
where
    S: Service<Call, Response = Answer>,
{
    type Response = Answer;
    type Error = S::Error;
    type Future = MetricsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, call: Call) -> Self::Future {
        let series = call
            .tag()
            .and_then(|tag| self.series.tags.get(tag))
            .unwrap_or(&self.series.unknown);
        MetricsFuture {
            series: Arc::clone(series),
            received: call.received(),
            future: self.inner.call(call),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`CallMetrics`]: the inner future, counted when it is ready.
    pub(crate) struct MetricsFuture<F> {
        #[pin]
        future: F,
        series: Arc<TagMetrics>,
        received: Instant,
    }
}

impl<F, E> Future for MetricsFuture<F>
where
    F: Future<Output = Result<Answer, E>>,
{
    type Output = Result<Answer, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answered = std::task::ready!(this.future.poll(cx));
        if let Ok(answer) = &answered {
            this.series
                .record(answer.outcome(), this.received.elapsed());
        }
        Poll::Ready(answered)
    }
}
