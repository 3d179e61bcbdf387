//! [`Router`]: dispatch by fulfillment tag.

use std::collections::HashMap;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::StatusCode;

use crate::answer::{Answer, Outcome};
use crate::call::Call;
use crate::error::{Error, ErrorKind, Message};
use crate::handler::{BoxFuture, Erased, ErasedHandler, Handler};
use crate::ready::ReadyCheck;
use crate::reply::Reply;

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
pub struct Router<S = ()> {
    /// Shared, so that the clone each call makes (every tower layer clones its inner service
    /// per call) is one reference count; building a router changes its own copy.
    inner: Arc<Inner<S>>,
}

struct Inner<S> {
    routes: HashMap<Box<str>, Arc<dyn ErasedHandler<S>>>,
    fallback: Fallback,
    checks: Vec<ReadyCheck>,
}

impl<S> Clone for Inner<S> {
    fn clone(&self) -> Self {
        Self {
            routes: self.routes.clone(),
            fallback: self.fallback.clone(),
            checks: self.checks.clone(),
        }
    }
}

/// What a router answers for a call whose tag no handler serves, or that has no tag.
///
/// The default is a reply saying that this webhook cannot help with the request. Either way
/// the call is logged and counted.
#[derive(Debug, Clone)]
pub struct Fallback(FallbackKind);

#[derive(Debug, Clone)]
enum FallbackKind {
    Reply(Box<Reply>),
    Status(StatusCode),
}

impl Fallback {
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
        Self::reply(Reply::text("Sorry, I can't help with that right now."))
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
        let previous = self
            .inner_mut()
            .routes
            .insert(tag.into(), Arc::new(Erased::new(handler)));
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

    /// Adds every route of `other` to this router; the fallback stays this router's.
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
        } = Arc::unwrap_or_clone(self.inner);
        let routes = routes
            .into_iter()
            .map(|(tag, handler)| {
                let bound: Arc<dyn ErasedHandler<()>> = Arc::new(WithState {
                    handler,
                    state: state.clone(),
                });
                (tag, bound)
            })
            .collect();
        Router {
            inner: Arc::new(Inner {
                routes,
                fallback,
                checks,
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
    /// Dispatches one call: runs the handler for its tag and checks its reply, or answers
    /// with the fallback.
    pub fn dispatch(&self, call: Call) -> BoxFuture<Result<Answer, Error>> {
        let handler = call
            .tag()
            .and_then(|tag| self.inner.routes.get(tag))
            .cloned();
        let Some(handler) = handler else {
            return Box::pin(std::future::ready(self.unknown_tag(&call)));
        };
        Box::pin(async move {
            let reply = handler.call(&call, &()).await?;
            let response = reply
                .finish(call.request())
                .map_err(|e| Error::with_kind(ErrorKind::InvalidReply, e))?;
            Ok(Answer::reply(response, Outcome::Ok))
        })
    }

    fn unknown_tag(&self, call: &Call) -> Result<Answer, Error> {
        // The call's span names the tag, clipped: a caller can send 500 KB of it.
        tracing::warn!("no handler serves this tag");
        metrics::counter!("cxhook_unknown_tag_total").increment(1);
        match &self.inner.fallback.0 {
            FallbackKind::Reply(reply) => {
                let response = Reply::clone(reply)
                    .finish(call.request())
                    .map_err(|e| Error::with_kind(ErrorKind::InvalidReply, e))?;
                Ok(Answer::reply(response, Outcome::Fallback))
            }
            FallbackKind::Status(status) => {
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

impl tower::Service<Call> for Router<()> {
    type Response = Answer;
    type Error = Error;
    type Future = BoxFuture<Result<Answer, Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, call: Call) -> Self::Future {
        self.dispatch(call)
    }
}
