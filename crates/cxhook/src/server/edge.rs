//! [`Webhook`]: the service that reads a webhook call off HTTP and writes its answer.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cxhook_types::{MAX_RESPONSE_BYTES, WebhookRequest};
use http::header::{ALLOW, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};
use tower::{Layer, ServiceExt};
use tracing::Instrument;

use super::Readiness;
use super::limits::Limits;
use super::meta::Meta;
use super::metrics::{self as cx_metrics, Metrics, TagMetrics};
use super::parse::parse;
use super::record::Recorder;
use crate::answer::{Answer, ErrorBody, Outcome};
use crate::call::Call;
use crate::middleware::auth::Auth;
use crate::middleware::{DeadlineLayer, DeadlineService, Recover, RecoverLayer};
use crate::routing::Router;

/// The default limit on a request body: 1 MiB, some hundred times a large real request.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A router made ready to answer Dialogflow over HTTP.
///
/// ```
/// use cxhook::server::Webhook;
/// use cxhook::{Reply, Router};
///
/// let router: Router = Router::new().route("ping", || async { Reply::text("pong") });
/// let webhook = Webhook::new(router).body_limit(256 * 1024);
/// let app: axum::Router = webhook.into_axum();
/// # let _ = app;
/// ```
#[derive(Clone)]
pub struct Webhook {
    router: Router,
    recover: RecoverLayer,
    body_limit: usize,
    readiness: Readiness,
    auth: Auth,
    limits: Limits,
    deadline: Option<DeadlineLayer>,
    metrics: Option<Metrics>,
    log_params: Arc<[String]>,
    recorder: Option<Recorder>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("router", &self.router)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// Serves `router` with the default recover layer and body limit.
    pub fn new(router: Router) -> Self {
        let readiness = Readiness::with_checks(router.ready_checks().cloned().collect());
        Self {
            router,
            recover: RecoverLayer::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            readiness,
            auth: Auth::new(),
            limits: Limits::default(),
            deadline: Some(DeadlineLayer::default()),
            metrics: None,
            log_params: Arc::from([]),
            recorder: None,
        }
    }

    /// Sets the agent's webhook timeout and what calls that run out of time get (by
    /// default a 5 s timeout, a 500 ms margin and [`DEFAULT_DEADLINE_TEXT`]).
    ///
    /// [`DEFAULT_DEADLINE_TEXT`]: crate::middleware::deadline::DEFAULT_DEADLINE_TEXT
    pub fn deadline(mut self, deadline: DeadlineLayer) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Lets calls run as long as they take (for transports with a deadline of their own).
    pub fn without_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// Serves `GET /metrics` from this recorder (see [`install_metrics`]); without one,
    /// `/metrics` answers 404. Calls are counted either way, by whatever recorder is
    /// installed.
    ///
    /// [`install_metrics`]: super::install_metrics
    pub fn metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Names the session parameters whose values the call's log lines may show (field
    /// `params` of the call's span); every other parameter value stays out of the logs.
    pub fn log_params<I, P>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<String>,
    {
        self.log_params = names.into_iter().map(Into::into).collect();
        self
    }

    /// Records every call whose body is a webhook request, with its final answer, through
    /// `recorder` (see [`record`](super::record)); the call does not wait for the file.
    pub fn record(mut self, recorder: Recorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// Sets how handler errors and panics are answered.
    pub fn recover(mut self, recover: RecoverLayer) -> Self {
        self.recover = recover;
        self
    }

    /// Sets the largest request body accepted, in bytes; larger ones get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets which credentials a call must carry; `/webhook` (and whatever route
    /// [`Auth::protect`] wraps) checks them before reading the body. `/healthz` and
    /// `/readyz` stay open.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets what one client may ask of the server: calls at once, time, header size.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// What one client may ask of the server.
    pub(crate) fn connection_limits(&self) -> Limits {
        self.limits
    }

    /// The switch behind `/readyz`.
    pub fn readiness(&self) -> &Readiness {
        &self.readiness
    }

    /// The tags the router serves, sorted.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.router.tags()
    }

    /// Spawns the router's start-up tasks ([`Router::start`]) on the current Tokio runtime;
    /// [`serve`](super::serve) and [`lambda::run`](crate::lambda::run) call it as they begin.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub fn start(&self) {
        self.router.start();
    }

    /// The webhook without HTTP: JSON bytes in, status and JSON bytes out. Tests, benchmarks
    /// and other transports (AWS Lambda) use it. A response too large for Dialogflow is
    /// replaced by the recover layer's fallback reply.
    pub fn into_endpoint(self) -> Endpoint {
        let oversize = Answer::reply(self.recover.fallback_response().clone(), Outcome::Error);
        let tags = self
            .router
            .tags()
            .map(|tag| (Box::from(tag), TagMetrics::new(tag)))
            .collect();
        let recovered = self.recover.layer(self.router);
        let service = match self.deadline {
            Some(deadline) => Layers::Deadline(deadline.layer(recovered)),
            None => Layers::Recover(recovered),
        };
        Endpoint(Arc::new(Edge {
            service,
            body_limit: self.body_limit,
            readiness: self.readiness,
            oversize: oversize.to_json(),
            tags,
            unknown: TagMetrics::new(cx_metrics::UNKNOWN_TAG),
            metrics: self.metrics,
            log_params: self.log_params,
            recorder: self.recorder,
        }))
    }

    /// The axum router: `POST /webhook`, `GET /healthz`, `GET /readyz`, `GET /metrics`.
    /// With [`auth`](Self::auth) set, `/webhook` and `/metrics` need credentials; the
    /// [`limits`](Self::limits) cap the calls `/webhook` answers at once and their time.
    pub fn into_axum(self) -> axum::Router {
        let (auth, limits) = (self.auth.clone(), self.limits);
        axum::Router::new()
            .route(
                "/webhook",
                limits.protect(auth.protect(post(webhook).fallback(allow("POST")))),
            )
            .route("/healthz", get(healthz).fallback(allow("GET, HEAD")))
            .route("/readyz", get(readyz).fallback(allow("GET, HEAD")))
            .route(
                "/metrics",
                auth.protect(get(metrics).fallback(allow("GET, HEAD"))),
            )
            .fallback(not_found)
            .with_state(self.into_endpoint())
    }
}

/// A webhook ready to answer request bodies, without HTTP; cheap to clone.
#[derive(Clone)]
pub struct Endpoint(Arc<Edge>);

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint").finish_non_exhaustive()
    }
}

/// What an [`Endpoint`] answered: the HTTP status, the JSON body, and how the call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body: a webhook response, or an error body for an error status.
    pub body: Vec<u8>,
    /// How the call ended.
    pub outcome: Outcome,
}

impl Endpoint {
    /// Answers a request body as `POST /webhook` would, after the transport has checked the
    /// content type and the body limit and undone its content coding: parse (400 with the
    /// path of the first error), the deadline and recover layers and the router inside a
    /// span naming the call, then the 64 KiB guard; the call is counted in the metrics by
    /// tag and outcome.
    pub async fn answer(&self, body: &[u8]) -> Answered {
        self.answer_with(body, &Meta::default()).await
    }

    /// [`Endpoint::answer`], with what the transport knows besides the body: the call's log
    /// lines carry the request's trace.
    pub async fn answer_with(&self, body: &[u8], meta: &Meta) -> Answered {
        let started = Instant::now();
        let request = match parse(body) {
            Ok(request) => request,
            Err(error) => {
                self.0.unknown.record(Outcome::Rejected, started.elapsed());
                return Answered {
                    status: StatusCode::BAD_REQUEST,
                    body: serde_json::to_vec(&error).unwrap_or_else(|_| b"{}".to_vec()),
                    outcome: Outcome::Rejected,
                };
            }
        };
        let span = tracing::info_span!(
            "call",
            request_id = %request.detect_intent_response_id,
            tag = &*crate::logging::clipped(request.tag().unwrap_or("")),
            session = %SessionHash::of(&request.session_info.session),
            trace_id = tracing::field::Empty,
            span_id = tracing::field::Empty,
            trace_sampled = tracing::field::Empty,
            params = tracing::field::Empty,
        );
        self.0.record_meta(&span, &request, meta);
        let tag = self.0.tag_metrics(request.tag());
        async move {
            let answer = self.0.service.call(Call::new(request)).await;
            let answered = encode(&answer, &self.0.oversize);
            tag.record(answered.outcome, started.elapsed());
            if let Some(recorder) = &self.0.recorder
                && !meta.replay
            {
                recorder.record(body, answered.status, &answered.body, started.elapsed());
            }
            tracing::info!(
                status = answered.status.as_u16(),
                outcome = answered.outcome.as_str(),
                elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                "answered"
            );
            answered
        }
        .instrument(span)
        .await
    }

    /// The largest request body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.0.body_limit
    }
}

/// The layers in front of the router, not boxed: a boxed service is cloned into a new box,
/// and boxes its future once more, on every call.
enum Layers {
    Deadline(DeadlineService<Recover<Router>>),
    Recover(Recover<Router>),
}

impl Layers {
    async fn call(&self, call: Call) -> Answer {
        let Ok(answer) = match self {
            Self::Deadline(service) => service.clone().oneshot(call).await,
            Self::Recover(service) => service.clone().oneshot(call).await,
        };
        answer
    }
}

struct Edge {
    service: Layers,
    body_limit: usize,
    readiness: Readiness,
    oversize: Vec<u8>,
    /// The tags the router serves, the only values of the `tag` label besides `unknown`,
    /// with their series.
    tags: HashMap<Box<str>, TagMetrics, fnv::FnvBuildHasher>,
    /// The series of the calls labelled `unknown`.
    unknown: TagMetrics,
    metrics: Option<Metrics>,
    log_params: Arc<[String]>,
    recorder: Option<Recorder>,
}

impl Edge {
    /// The series of a call: its tag's when the router serves it, else `unknown`'s.
    fn tag_metrics(&self, tag: Option<&str>) -> &TagMetrics {
        tag.and_then(|tag| self.tags.get(tag))
            .unwrap_or(&self.unknown)
    }

    /// Records the trace and the allowed parameter values in the call's span.
    fn record_meta(&self, span: &tracing::Span, request: &WebhookRequest, meta: &Meta) {
        if let Some(trace) = &meta.trace {
            span.record(crate::logging::TRACE_ID, trace.trace_id.as_str());
            if let Some(span_id) = &trace.span_id {
                span.record(crate::logging::SPAN_ID, span_id.as_str());
            }
            span.record(crate::logging::TRACE_SAMPLED, trace.sampled);
            #[cfg(feature = "otlp")]
            crate::logging::set_parent(span, trace);
        }
        let allowed: serde_json::Map<String, serde_json::Value> = self
            .log_params
            .iter()
            .filter_map(|name| {
                let value = request.session_info.parameters.get(name)?;
                Some((name.clone(), value.clone()))
            })
            .collect();
        if !allowed.is_empty() {
            span.record(
                "params",
                serde_json::Value::Object(allowed).to_string().as_str(),
            );
        }
    }
}

async fn webhook(State(endpoint): State<Endpoint>, request: http::Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    if !is_json(&parts.headers) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "a webhook request must have Content-Type: application/json",
        );
    }
    let bytes = match super::body::read(&parts.headers, body, endpoint.body_limit()).await {
        Ok(bytes) => bytes,
        Err(refused) => return refused.into_response(),
    };
    let answered = endpoint
        .answer_with(&bytes, &Meta::from_headers(&parts.headers))
        .await;
    json(answered.status, Ok(answered.body))
}

/// The answer's status, outcome and body, or the oversize fallback when the body is larger
/// than Dialogflow accepts.
fn encode(answer: &Answer, oversize: &[u8]) -> Answered {
    let body = answer.to_json();
    if answer.response().is_some() && body.len() > MAX_RESPONSE_BYTES {
        tracing::error!(
            bytes = body.len(),
            limit = MAX_RESPONSE_BYTES,
            "the response is larger than Dialogflow accepts; sent the fallback instead"
        );
        return Answered {
            status: StatusCode::OK,
            body: oversize.to_vec(),
            outcome: Outcome::Error,
        };
    }
    Answered {
        status: answer.status(),
        body,
        outcome: answer.outcome(),
    }
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// A short, stable hash of the session name, shown as 16 hex digits: calls of one session
/// can be followed in the logs without writing the session ID itself.
struct SessionHash(u64);

impl SessionHash {
    fn of(session: &str) -> Self {
        let mut hasher = fnv::FnvHasher::default();
        hasher.write(session.as_bytes());
        Self(hasher.finish())
    }
}

impl std::fmt::Display for SessionHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

async fn healthz() -> Response {
    json(StatusCode::OK, Ok(br#"{"status":"ok"}"#.to_vec()))
}

async fn readyz(State(endpoint): State<Endpoint>) -> Response {
    match endpoint.0.readiness.check_reasons().await {
        Ok(()) => json(StatusCode::OK, Ok(br#"{"status":"ready"}"#.to_vec())),
        Err(failed) => {
            let names: Vec<&str> = failed.iter().map(|(name, _)| name.as_str()).collect();
            let reasons: serde_json::Map<String, serde_json::Value> = failed
                .iter()
                .map(|(name, reason)| (name.clone(), reason.clone().into()))
                .collect();
            json(
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::to_vec(&serde_json::json!({
                    "status": "not_ready",
                    "failed": names,
                    "reasons": reasons,
                })),
            )
        }
    }
}

/// `GET /metrics`: the Prometheus text format, or 404 when no recorder was given.
async fn metrics(State(endpoint): State<Endpoint>) -> Response {
    let Some(metrics) = &endpoint.0.metrics else {
        return not_found().await;
    };
    (
        StatusCode::OK,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        metrics.render(),
    )
        .into_response()
}

fn allow(methods: &'static str) -> impl Fn() -> std::future::Ready<Response> + Clone {
    move || {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            &format!("this path answers {methods} only"),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(methods));
        std::future::ready(response)
    }
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such path; webhook calls go to POST /webhook",
    )
}

/// An error answer: `status` and a JSON body with `code` and `message`.
pub(super) fn error(status: StatusCode, code: &'static str, message: &str) -> Response {
    json(status, serde_json::to_vec(&ErrorBody::new(code, message)))
}

fn json(status: StatusCode, body: Result<Vec<u8>, serde_json::Error>) -> Response {
    let body = body.unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}
