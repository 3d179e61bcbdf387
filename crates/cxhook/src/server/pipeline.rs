//! The call pipeline: every layer a webhook call goes through between the edge, which
//! parses its body, and its handler, composed here and nowhere else.
//!
//! Outermost first:
//!
//! | layer | why it is there |
//! |---|---|
//! | span | every line the call logs, in any layer, carries its request ID and tag; the `answered` line reports what went out |
//! | metrics | counts the outcome that went out, by tag |
//! | record | records the answer that went out (only with [`Webhook::record`](super::Webhook::record)) |
//! | size guard | a response over 64 KiB becomes the fallback reply |
//! | deadline | a call still running when its budget runs out gets the deadline reply (unless [`Webhook::without_deadline`](super::Webhook::without_deadline)) |
//! | recover | an error or panic inside becomes the fallback reply; the error type becomes [`Infallible`] |
//! | [`Webhook::layer`](super::Webhook::layer) | the user's layers around every call, routed or not |
//! | router | dispatch by tag, each route with its [`Router::layer`](crate::Router::layer) and [`Router::tag_layer`](crate::Router::tag_layer) layers around its handler |
//!
//! The user's layers sit inside the deadline and recover layers so that both guarantees
//! hold around them: a user layer that panics gets the recover answer, one that stalls the
//! deadline answer, in time. The built-in layers are concrete types with named futures
//! rather than boxed services: the stack costs no allocation per call of its own, and the
//! user's layers, when there are any, are erased once, when they are added.

use std::convert::Infallible;

use tower::ServiceBuilder;
use tower::util::Either;

use crate::Router;
use crate::answer::Answer;
use crate::call::Call;
use crate::middleware::metrics::{CallMetrics, MetricsLayer};
use crate::middleware::record::{Record, RecordLayer};
use crate::middleware::size_guard::{SizeGuard, SizeGuardLayer};
use crate::middleware::span::{CallSpan, SpanLayer};
use crate::middleware::{DeadlineLayer, DeadlineService, Recover, RecoverLayer};
use crate::route::Route;

/// The whole pipeline, a `Service<Call, Response = Answer, Error = Infallible>`.
pub(super) type Pipeline = CallSpan<CallMetrics<Either<Record<Guarded>, Guarded>>>;

/// The pipeline from the size guard in.
type Guarded = SizeGuard<Either<DeadlineService<Recovered>, Recovered>>;

/// The recover layer around the user's whole-pipeline layers, if any, and the router.
type Recovered = Recover<Either<Route, Router>>;

/// The built-in layers a [`Webhook`](super::Webhook) was configured with.
pub(super) struct Layers {
    pub(super) span: SpanLayer,
    pub(super) metrics: MetricsLayer,
    pub(super) record: Option<RecordLayer>,
    pub(super) size_guard: SizeGuardLayer,
    pub(super) deadline: Option<DeadlineLayer>,
    pub(super) recover: RecoverLayer,
}

/// Builds the pipeline around `core`: the router, or the router inside the user's
/// whole-pipeline layers.
pub(super) fn pipeline(layers: Layers, core: Either<Route, Router>) -> Pipeline {
    ServiceBuilder::new()
        .layer(layers.span)
        .layer(layers.metrics)
        .option_layer(layers.record)
        .layer(layers.size_guard)
        .option_layer(layers.deadline)
        .layer(layers.recover)
        .service(core)
}

/// Answers one call through `pipeline`.
pub(super) async fn answer(pipeline: &Pipeline, call: Call) -> Answer {
    use tower::ServiceExt;
    let Ok(answer): Result<Answer, Infallible> = pipeline.clone().oneshot(call).await;
    answer
}
