//! [`Router`]: dispatch by fulfillment tag.

use std::collections::HashMap;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::StatusCode;
use tower::{Layer, Service};

use crate::answer::{Answer, Outcome};
use crate::call::Call;
use crate::error::{Error, ErrorKind, Message};
use crate::handler::{BoxFuture, Erased, ErasedHandler, Handler};
use crate::localized::Localized;
use crate::ready::ReadyCheck;
use crate::reply::Reply;
use crate::route::{Route, RouteFuture};
use crate::start::StartTask;

/// Routes webhook calls to handlers by `fulfillmentInfo.tag`.
///
/// `S` is the state handlers can take with [`State`](crate::extract::State); a router is
/// served once [`Router::with_state`] has turned it into a `Router<()>`. Routers of the
/// integrations merge into one with [`Router::merge`]. A tag served twice panics when the
/// router is built, because that is a programming error.
///
/// ```
/// use cxhook::{Reply, Router, extract::Session};
///
/// async fn hello(session: Session) -> Reply {
///     let name = session.str_param("name").unwrap_or("there");
///     Reply::text(format!("Hello, {name}!"))
/// }
///
/// let router: Router = Router::new().route("greeting.hello", hello);
/// assert_eq!(router.tags().collect::<Vec<_>>(), ["greeting.hello"]);
/// ```
///
/// Tower layers wrap every route ([`Router::layer`]) or one tag's handler
/// ([`Router::tag_layer`]); [`Webhook::layer`](crate::server::Webhook::layer) wraps every
/// call, routed or not.
pub struct Router<S = ()> {
    /// Shared, so that the clone each call makes (every tower layer clones its inner service
    /// per call) is one reference count; building a router changes its own copy.
    inner: Arc<Inner<S>>,
}

struct Inner<S> {
    routes: HashMap<Box<str>, RouteEntry<S>>,
    fallback: Fallback,
    checks: Vec<ReadyCheck>,
    start: Vec<StartTask>,
}

/// What serves one tag: a handler, called directly, or a route with layers around it.
enum RouteEntry<S> {
    Handler(Arc<dyn ErasedHandler<S>>),
    Route(Route),
}

impl<S> Clone for RouteEntry<S> {
    fn clone(&self) -> Self {
        match self {
            Self::Handler(handler) => Self::Handler(Arc::clone(handler)),
            Self::Route(route) => Self::Route(route.clone()),
        }
    }
}

impl<S> Clone for Inner<S> {
    fn clone(&self) -> Self {
        Self {
            routes: self.routes.clone(),
            fallback: self.fallback.clone(),
            checks: self.checks.clone(),
            start: self.start.clone(),
        }
    }
}

/// What a router answers for a call whose tag no handler serves, or that has no tag.
///
/// The default is a reply saying that this webhook cannot help with the request
/// ([`Fallback::DEFAULT_TEXT`]). Either way the call is logged and counted.
#[derive(Debug, Clone)]
pub struct Fallback(FallbackKind);

#[derive(Debug, Clone)]
enum FallbackKind {
    Reply(Box<Reply>),
    Text(Box<Localized>),
    Status(StatusCode),
}

impl Fallback {
    /// What the default fallback says.
    pub const DEFAULT_TEXT: &str = "Sorry, I can't help with that right now.";

    /// Answers with the text of the call's language (the default for a language `texts` has
    /// none for), HTTP 200.
    ///
    /// ```
    /// use cxhook::{Fallback, Localized, Router};
    ///
    /// let router: Router = Router::new().fallback(Fallback::text(
    ///     Localized::new(Fallback::DEFAULT_TEXT)
    ///         .with("de", "Dabei kann ich Ihnen gerade leider nicht helfen."),
    /// ));
    /// ```
    pub fn text(texts: Localized) -> Self {
        Self(FallbackKind::Text(Box::new(texts)))
    }

    /// Answers with this reply (HTTP 200); it is checked against each call's request.
    pub fn reply(reply: Reply) -> Self {
        Self(FallbackKind::Reply(Box::new(reply)))
    }

    /// Answers with an HTTP status and a JSON error body, so the agent's `webhook.error.*`
    /// event handler runs (404, say, for `webhook.error`).
    pub fn status(status: StatusCode) -> Self {
        Self(FallbackKind::Status(status))
    }
}

impl Default for Fallback {
    fn default() -> Self {
        Self::text(Localized::new(Self::DEFAULT_TEXT))
    }
}

impl<S> Clone for Router<S> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S> std::fmt::Debug for Router<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut tags: Vec<_> = self.inner.routes.keys().collect();
        tags.sort();
        f.debug_struct("Router")
            .field("tags", &tags)
            .field("fallback", &self.inner.fallback)
            .finish_non_exhaustive()
    }
}

impl<S> Default for Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// A router without routes. Its handlers take state of type `S` (none when `S` is `()`),
    /// given with [`Router::with_state`].
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                routes: HashMap::new(),
                fallback: Fallback::default(),
                checks: Vec::new(),
                start: Vec::new(),
            }),
        }
    }

    /// This router's own tables, to change while building it.
    fn inner_mut(&mut self) -> &mut Inner<S> {
        Arc::make_mut(&mut self.inner)
    }

    /// Serves `tag` with `handler`.
    ///
    /// # Panics
    ///
    /// When the tag is empty or already served.
    #[track_caller]
    pub fn route<H, T>(mut self, tag: &str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        assert!(!tag.is_empty(), "a route needs a non-empty tag");
        let previous = self.inner_mut().routes.insert(
            tag.into(),
            RouteEntry::Handler(Arc::new(Erased::new(handler))),
        );
        assert!(previous.is_none(), "the tag `{tag}` is routed twice");
        self
    }

    /// Sets what calls with an unknown or missing tag get.
    pub fn fallback(mut self, fallback: Fallback) -> Self {
        self.inner_mut().fallback = fallback;
        self
    }

    /// Makes the server's `/readyz` answer not ready while `check` fails (a database that
    /// cannot be reached, say). The check travels with the router through
    /// [`Router::merge`] and [`Router::with_state`].
    ///
    /// ```
    /// use cxhook::{BoxError, Router};
    ///
    /// let router: Router = Router::new().ready_check("upstream", || async {
    ///     Ok::<(), BoxError>(())
    /// });
    /// assert_eq!(router.ready_checks().next().unwrap().name(), "upstream");
    /// ```
    pub fn ready_check<F, Fut>(mut self, name: &str, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), crate::BoxError>> + Send + 'static,
    {
        self.inner_mut().checks.push(ReadyCheck::new(name, check));
        self
    }

    /// The readiness checks of this router and those merged into it.
    pub fn ready_checks(&self) -> impl Iterator<Item = &ReadyCheck> {
        self.inner.checks.iter()
    }

    /// Runs `task` in the background once the router serves: [`server::serve`] and
    /// [`lambda::run`] call [`Router::start`] on the runtime that serves, which spawns the
    /// future `task` makes. For background work such as a periodic job or a cache warm-up,
    /// which a router cannot spawn while it is built (the runtime that will serve it may not
    /// exist yet). The task travels with the router through [`Router::merge`] and
    /// [`Router::with_state`], and starts once, however many clones of the router are
    /// started.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cxhook::Router;
    ///
    /// let router: Router = Router::new().on_start("cache.refresh", || async {
    ///     let mut ticks = tokio::time::interval(Duration::from_secs(60));
    ///     loop {
    ///         ticks.tick().await;
    ///         // refresh the cache
    ///     }
    /// });
    /// assert_eq!(router.start_tasks().collect::<Vec<_>>(), ["cache.refresh"]);
    /// ```
    ///
    /// [`server::serve`]: crate::server::serve
    /// [`lambda::run`]: crate::lambda::run
    pub fn on_start<F, Fut>(mut self, name: &str, task: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.inner_mut().start.push(StartTask::new(name, task));
        self
    }

    /// The names of the start-up tasks of this router and those merged into it.
    pub fn start_tasks(&self) -> impl Iterator<Item = &str> {
        self.inner.start.iter().map(StartTask::name)
    }

    /// Spawns the start-up tasks ([`Router::on_start`]) on the current Tokio runtime; a
    /// task started before, through this router or a clone of it, is not started again. A
    /// router served by something other than [`server::serve`] or [`lambda::run`] (a
    /// server of your own, a test) calls this itself.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    ///
    /// [`server::serve`]: crate::server::serve
    /// [`lambda::run`]: crate::lambda::run
    pub fn start(&self) {
        for task in &self.inner.start {
            task.start();
        }
    }

    /// Adds every route, readiness check and start-up task of `other` to this router; the
    /// fallback stays this router's.
    ///
    /// # Panics
    ///
    /// When both serve a tag.
    #[track_caller]
    pub fn merge(mut self, other: Router<S>) -> Self {
        let other = Arc::unwrap_or_clone(other.inner);
        let inner = self.inner_mut();
        for (tag, handler) in other.routes {
            assert!(
                !inner.routes.contains_key(&tag),
                "the tag `{tag}` is routed twice"
            );
            inner.routes.insert(tag, handler);
        }
        inner.checks.extend(other.checks);
        inner.start.extend(other.start);
        self
    }

    /// The tags this router serves, sorted.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        let mut tags: Vec<&str> = self.inner.routes.keys().map(AsRef::as_ref).collect();
        tags.sort_unstable();
        tags.into_iter()
    }

    /// Gives the handlers their state; the result can be served or merged into other
    /// routers.
    pub fn with_state(self, state: S) -> Router<()> {
        let Inner {
            routes,
            fallback,
            checks,
            start,
        } = Arc::unwrap_or_clone(self.inner);
        let routes = routes
            .into_iter()
            .map(|(tag, endpoint)| {
                let bound = match endpoint {
                    RouteEntry::Handler(handler) => RouteEntry::Handler(Arc::new(WithState {
                        handler,
                        state: state.clone(),
                    })),
                    RouteEntry::Route(route) => RouteEntry::Route(route),
                };
                (tag, bound)
            })
            .collect();
        Router {
            inner: Arc::new(Inner {
                routes,
                fallback,
                checks,
                start,
            }),
        }
    }
}

struct WithState<S> {
    handler: Arc<dyn ErasedHandler<S>>,
    state: S,
}

impl<S: Send + Sync> ErasedHandler<()> for WithState<S> {
    fn call(&self, call: &Call, (): &()) -> BoxFuture<Result<Reply, Error>> {
        self.handler.call(call, &self.state)
    }
}

impl Router<()> {
    /// Wraps every route added so far in `layer`, as axum's `Router::layer` does; routes
    /// added later and the fallback are not wrapped ([`Webhook::layer`] sees every call).
    /// Each route gets a service of its own, made once here, so a layer that keeps counts
    /// keeps them per tag.
    ///
    /// The layer's service answers a [`Call`] with an [`Answer`] or fails with an
    /// [`Error`]; it runs inside the deadline and recover layers, so a layer that panics or
    /// stalls still gets its call answered. Layers go on a router whose handlers have their
    /// state ([`Router::with_state`]).
    ///
    /// ```
    /// use cxhook::{Call, Reply, Router};
    /// use tower::util::MapRequestLayer;
    ///
    /// let audit = MapRequestLayer::new(|call: Call| {
    ///     tracing::info!(tag = call.tag(), "audited");
    ///     call
    /// });
    /// let router: Router = Router::new()
    ///     .route("ping", || async { Reply::text("pong") })
    ///     .layer(audit);
    /// # let _ = router;
    /// ```
    ///
    /// [`Webhook::layer`]: crate::server::Webhook::layer
    #[must_use]
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route>,
        L::Service: Service<Call, Response = Answer, Error = Error> + Clone + Send + Sync + 'static,
        <L::Service as Service<Call>>::Future: Send + 'static,
    {
        for endpoint in self.inner_mut().routes.values_mut() {
            *endpoint = RouteEntry::Route(endpoint.clone().into_route().layer(&layer));
        }
        self
    }

    /// Wraps the route of `tag` in `layer`: a rate limit on one costly tag, say. It is the
    /// route-scoped form of [`Router::layer`], with the same kind of layer; it is a method of
    /// the router rather than of the handler because a handler gives a [`Reply`], which the
    /// router checks against the call's request, while a layer works on the [`Answer`] after
    /// that check.
    ///
    /// # Panics
    ///
    /// When no route serves `tag` (yet): a programming error, like a tag routed twice.
    #[must_use]
    #[track_caller]
    pub fn tag_layer<L>(mut self, tag: &str, layer: L) -> Self
    where
        L: Layer<Route>,
        L::Service: Service<Call, Response = Answer, Error = Error> + Clone + Send + Sync + 'static,
        <L::Service as Service<Call>>::Future: Send + 'static,
    {
        let Some(endpoint) = self.inner_mut().routes.get_mut(tag) else {
            panic!("no route serves the tag `{tag}`, so it cannot be layered");
        };
        *endpoint = RouteEntry::Route(endpoint.clone().into_route().layer(&layer));
        self
    }

    /// Dispatches one call: runs the route for its tag (its handler's reply checked against
    /// the request), or answers with the fallback.
    pub fn dispatch(&self, call: Call) -> RouteFuture {
        match call.tag().and_then(|tag| self.inner.routes.get(tag)) {
            Some(RouteEntry::Handler(handler)) => RouteFuture::handler(handler.as_ref(), call),
            Some(RouteEntry::Route(route)) => route.answer(call),
            None => RouteFuture::ready(self.unknown_tag(&call)),
        }
    }

    /// The fallback's answer. This is the call's one log line about the tag: the recover
    /// layer, which answers the error of a status fallback, does not log it again.
    fn unknown_tag(&self, call: &Call) -> Result<Answer, Error> {
        // The call's span names the tag, clipped: a caller can send 500 KB of it.
        metrics::counter!("cxhook_unknown_tag_total").increment(1);
        match &self.inner.fallback.0 {
            FallbackKind::Reply(reply) => {
                tracing::warn!(fallback = "reply", "no handler serves this tag");
                let response = Reply::clone(reply)
                    .finish(call.request())
                    .map_err(|e| Error::with_kind(ErrorKind::InvalidReply, e))?;
                Ok(Answer::reply(response, Outcome::Fallback))
            }
            FallbackKind::Text(texts) => {
                tracing::warn!(fallback = "reply", "no handler serves this tag");
                let text = texts.get(call.request().language());
                let response = Reply::text(text)
                    .finish(call.request())
                    .map_err(|e| Error::with_kind(ErrorKind::InvalidReply, e))?;
                Ok(Answer::reply(response, Outcome::Fallback))
            }
            FallbackKind::Status(status) => {
                tracing::warn!(
                    fallback = "status",
                    status = status.as_u16(),
                    "no handler serves this tag"
                );
                let message = match call.tag() {
                    Some(_) => "no handler serves this fulfillment tag",
                    None => "the request has no fulfillment tag",
                };
                Err(
                    Error::with_kind(ErrorKind::UnknownTag, Message(message.to_owned()))
                        .with_status(*status),
                )
            }
        }
    }
}

impl RouteEntry<()> {
    fn into_route(self) -> Route {
        match self {
            Self::Handler(handler) => Route::handler(handler),
            Self::Route(route) => route,
        }
    }
}

impl Service<Call> for Router<()> {
    type Response = Answer;
    type Error = Error;
    type Future = RouteFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, call: Call) -> Self::Future {
        self.dispatch(call)
    }
}
