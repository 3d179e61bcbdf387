//! [`Webhook`]: the service that reads a webhook call off HTTP and writes its answer.
//!
//! The edge owns what happens to bytes: HTTP (content type, body limit, content coding),
//! parsing the body into a [`Call`], and writing the [`Answer`] back. Everything between,
//! from the call's span to the handler, is the [pipeline](super::pipeline), one tower stack
//! over calls that HTTP, Lambda, the test client and the in-process tools all run through
//! [`Endpoint`].

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};
use tower::util::Either;
use tower::{Layer, Service};

use super::Readiness;
use super::limits::{CallLimitLayer, Limits};
use super::meta::Meta;
use super::metrics::Metrics;
use super::parse::parse;
use super::pipeline::{self, Layers, Pipeline};
use super::record::Recorder;
use super::response::{error, json};
use crate::answer::{Answer, Outcome};
use crate::call::Call;
use crate::error::Error;
use crate::middleware::auth::Auth;
use crate::middleware::metrics::MetricsLayer;
use crate::middleware::record::{RecordLayer, RequestBody};
use crate::middleware::size_guard::SizeGuardLayer;
use crate::middleware::span::SpanLayer;
use crate::middleware::{DeadlineLayer, RecoverLayer};
use crate::route::Route;
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
    /// The router inside the layers of [`Webhook::layer`], once there are any.
    layered: Option<Route>,
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
            layered: None,
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

    /// Wraps the whole call pipeline in `layer`: it sees every call, routed to a handler or
    /// answered by the router's fallback, and its answer. It sits inside the deadline and
    /// recover layers, so that a layer that panics still gets the call the recover answer,
    /// and one that stalls the deadline answer, in time; and inside the call's span, so that
    /// what it logs carries the request ID and tag. The layer added last is the outermost.
    ///
    /// It takes the same kind of layer as [`Router::layer`]: a `tower::Layer<`[`Route`]`>`
    /// whose service answers a [`Call`] with an [`Answer`] or fails with an [`Error`].
    ///
    /// ```
    /// use cxhook::server::Webhook;
    /// use cxhook::{Call, Reply, Router};
    /// use tower::util::MapRequestLayer;
    ///
    /// let router: Router = Router::new().route("ping", || async { Reply::text("pong") });
    /// let webhook = Webhook::new(router).layer(MapRequestLayer::new(|call: Call| {
    ///     tracing::info!(tag = call.tag(), "received");
    ///     call
    /// }));
    /// # let _ = webhook;
    /// ```
    #[must_use]
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route>,
        L::Service: Service<Call, Response = Answer, Error = Error> + Clone + Send + Sync + 'static,
        <L::Service as Service<Call>>::Future: Send + 'static,
    {
        let inner = match self.layered.take() {
            Some(route) => route,
            None => Route::new(self.router.clone()),
        };
        self.layered = Some(inner.layer(&layer));
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
        let (languages, fallbacks) = self.recover.fallback_responses();
        let oversize = fallbacks
            .iter()
            .map(|fallback| Answer::reply(fallback.clone(), Outcome::Error))
            .collect();
        let languages = languages.clone();
        let metrics = MetricsLayer::new(self.router.tags());
        let layers = Layers {
            span: SpanLayer::new(self.log_params),
            metrics: metrics.clone(),
            record: self.recorder.map(RecordLayer::new),
            size_guard: SizeGuardLayer::new(languages, oversize),
            deadline: self.deadline,
            recover: self.recover,
        };
        let keep_body = layers.record.is_some();
        let core = match self.layered {
            Some(layered) => Either::Left(layered),
            None => Either::Right(self.router),
        };
        Endpoint(Arc::new(Edge {
            pipeline: pipeline::pipeline(layers, core),
            body_limit: self.body_limit,
            readiness: self.readiness,
            calls: metrics,
            keep_body,
            metrics: self.metrics,
        }))
    }

    /// The axum router: `POST /webhook`, `GET /healthz`, `GET /readyz`, `GET /metrics`.
    /// With [`auth`](Self::auth) set, `/webhook` and `/metrics` need credentials; the
    /// [`limits`](Self::limits) cap the calls `/webhook` answers at once and their time.
    pub fn into_axum(self) -> axum::Router {
        self.into_routes().rest
    }

    /// The routes as the connection loop serves them: `POST /webhook` on its own, and the
    /// axum router for everything.
    pub(super) fn into_routes(self) -> Routes {
        let (auth, call_limit) = (self.auth.clone(), self.limits.call_limit());
        let endpoint = self.into_endpoint();
        let rest = axum::Router::new()
            .route(
                "/webhook",
                call_limit.protect(auth.protect(post(webhook).fallback(allow("POST")))),
            )
            .route("/healthz", get(healthz).fallback(allow("GET, HEAD")))
            .route("/readyz", get(readyz).fallback(allow("GET, HEAD")))
            .route(
                "/metrics",
                auth.protect(get(metrics).fallback(allow("GET, HEAD"))),
            )
            .fallback(not_found)
            .with_state(endpoint.clone());
        Routes {
            webhook: WebhookRoute(Arc::new(WebhookParts {
                endpoint,
                auth,
                call_limit,
            })),
            rest,
        }
    }
}

/// What a server answers: `POST /webhook` directly, every other request through axum.
#[derive(Clone)]
pub(super) struct Routes {
    /// `POST /webhook`.
    pub(super) webhook: WebhookRoute,
    /// Every path and method, `POST /webhook` included (it answers the same there).
    pub(super) rest: axum::Router,
}

/// `POST /webhook` as the axum route answers it (the call limit, the credentials check,
/// the body read and the answer), without the router's matching and boxed services: 18
/// allocations and about 6,300 instructions less per call, by callgrind (of 142,000).
#[derive(Clone)]
pub(super) struct WebhookRoute(Arc<WebhookParts>);

struct WebhookParts {
    endpoint: Endpoint,
    auth: Auth,
    call_limit: CallLimitLayer,
}

impl WebhookRoute {
    /// Whether this route answers `request`: a `POST` to `/webhook`.
    pub(super) fn matches<B>(request: &http::Request<B>) -> bool {
        request.method() == http::Method::POST && request.uri().path() == "/webhook"
    }

    /// Answers a `POST /webhook`.
    pub(super) async fn answer(self, request: http::Request<hyper::body::Incoming>) -> Response {
        let parts = &*self.0;
        parts
            .call_limit
            .run(async {
                if let Err(rejection) = parts.auth.check(request.headers()).await {
                    return rejection;
                }
                webhook(State(parts.endpoint.clone()), request.map(Body::new)).await
            })
            .await
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
    /// path of the first error, counted as rejected), then the [pipeline](super::pipeline):
    /// the call's span, metrics, recording, the 64 KiB guard, the deadline and recover
    /// layers, the user's layers and the router.
    pub async fn answer(&self, body: &[u8]) -> Answered {
        self.answer_with(body, &Meta::default()).await
    }

    /// [`Endpoint::answer`], with what the transport knows besides the body: the call's log
    /// lines carry the request's trace.
    pub async fn answer_with(&self, body: &[u8], meta: &Meta) -> Answered {
        let received = Instant::now();
        let request = match parse(body) {
            Ok(request) => request,
            Err(error) => {
                self.0.calls.count_unparsed(received.elapsed());
                return Answered {
                    status: StatusCode::BAD_REQUEST,
                    body: serde_json::to_vec(&error).unwrap_or_else(|_| b"{}".to_vec()),
                    outcome: Outcome::Rejected,
                };
            }
        };
        let mut call = Call::new(request).received_at(received);
        if *meta != Meta::default() {
            call.extensions_mut().insert(meta.clone());
        }
        if self.0.keep_body {
            call.extensions_mut()
                .insert(RequestBody(Bytes::copy_from_slice(body)));
        }
        let answer = pipeline::answer(&self.0.pipeline, call).await;
        Answered {
            status: answer.status(),
            outcome: answer.outcome(),
            body: answer.into_json(),
        }
    }

    /// The largest request body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.0.body_limit
    }
}

struct Edge {
    pipeline: Pipeline,
    body_limit: usize,
    readiness: Readiness,
    /// The metrics layer's series, which also count the bodies that do not parse.
    calls: MetricsLayer,
    /// Whether the call keeps its body for the record layer.
    keep_body: bool,
    metrics: Option<Metrics>,
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

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
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
