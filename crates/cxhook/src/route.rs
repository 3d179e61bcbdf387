//! [`Route`]: the service a user's tower layer wraps, at any of its three scopes.
//!
//! A layer added with [`Router::layer`](crate::Router::layer),
//! [`Router::tag_layer`](crate::Router::tag_layer) or
//! [`Webhook::layer`](crate::server::Webhook::layer) is a `tower::Layer<Route>` whose
//! service answers a [`Call`] with an [`Answer`] or fails with an [`Error`], which the
//! recover layer turns into an answer. One signature at every scope means one layer type
//! works at all three, as in axum.
//!
//! The layered service is erased once, when the layer is added, into an `Arc` that the
//! router keeps; a call clones the service out of it (the layer's own fields: reference
//! counts, for the layers tower and cxhook ship) and boxes its future, one allocation per
//! call per layer added. A handler without layers is called directly, as before layers
//! existed: [`RouteFuture`] is a named future, so a call through the router costs the
//! handler's one box and nothing more.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use cxhook_types::WebhookRequest;
use tower::{Service, ServiceExt};

use crate::answer::{Answer, Outcome};
use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::handler::{BoxFuture, ErasedHandler};
use crate::reply::Reply;

/// A handler, or a service built around one by layers, with its types erased: what a
/// user's tower layer wraps and what it must give back, cheap to clone.
///
/// Its service answers a [`Call`] with an [`Answer`], or fails with an [`Error`], which the
/// recover layer answers (a fallback reply, or a status). A layer can fail a call itself
/// (`Err(Error::new(…).say("…"))`) or answer it without calling on.
#[derive(Clone)]
pub struct Route(Kind);

#[derive(Clone)]
enum Kind {
    /// A handler whose state is bound, called directly.
    Handler(Arc<dyn ErasedHandler<()>>),
    /// A service with layers around it.
    Service(Arc<dyn ErasedService>),
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.0 {
            Kind::Handler(_) => "handler",
            Kind::Service(_) => "layered",
        };
        f.debug_tuple("Route").field(&kind).finish()
    }
}

impl Route {
    /// Erases `service`, once.
    pub fn new<S>(service: S) -> Self
    where
        S: Service<Call, Response = Answer, Error = Error> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
    {
        Self(Kind::Service(Arc::new(service)))
    }

    /// A handler whose state is bound.
    pub(crate) fn handler(handler: Arc<dyn ErasedHandler<()>>) -> Self {
        Self(Kind::Handler(handler))
    }

    /// The route with `layer` around it, erased again.
    pub(crate) fn layer<L>(self, layer: &L) -> Self
    where
        L: tower::Layer<Self>,
        L::Service: Service<Call, Response = Answer, Error = Error> + Clone + Send + Sync + 'static,
        <L::Service as Service<Call>>::Future: Send + 'static,
    {
        Self::new(layer.layer(self))
    }

    /// Answers one call.
    pub(crate) fn answer(&self, call: Call) -> RouteFuture {
        match &self.0 {
            Kind::Handler(handler) => RouteFuture::handler(handler.as_ref(), call),
            Kind::Service(service) => RouteFuture(State::Service(service.call(call))),
        }
    }
}

impl Service<Call> for Route {
    type Response = Answer;
    type Error = Error;
    type Future = RouteFuture;

    /// Always ready: a layered service is made ready inside the call's future, as
    /// `ServiceExt::oneshot` does, since each call clones its own.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, call: Call) -> RouteFuture {
        self.answer(call)
    }
}

/// A layered service with its type erased.
trait ErasedService: Send + Sync {
    fn call(&self, call: Call) -> BoxFuture<Result<Answer, Error>>;
}

impl<S> ErasedService for S
where
    S: Service<Call, Response = Answer, Error = Error> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
{
    fn call(&self, call: Call) -> BoxFuture<Result<Answer, Error>> {
        Box::pin(self.clone().oneshot(call))
    }
}

/// The future of a [`Route`] and of the [`Router`](crate::Router): an answer ready at once
/// (the fallback), a handler's reply checked against its request, or a layered service's
/// answer.
#[must_use = "futures do nothing unless polled"]
pub struct RouteFuture(State);

// The fallback's answer is ready at once; boxing it would cost the allocation per call that
// a named future saves.
#[allow(clippy::large_enum_variant)]
enum State {
    Ready(Option<Result<Answer, Error>>),
    Handler {
        reply: BoxFuture<Result<Reply, Error>>,
        request: Arc<WebhookRequest>,
    },
    Service(BoxFuture<Result<Answer, Error>>),
}

impl std::fmt::Debug for RouteFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteFuture").finish_non_exhaustive()
    }
}

impl RouteFuture {
    /// A future that is ready at once with `answer`.
    pub(crate) fn ready(answer: Result<Answer, Error>) -> Self {
        Self(State::Ready(Some(answer)))
    }

    /// Runs `handler` (its extractors now, its body when polled).
    pub(crate) fn handler(handler: &dyn ErasedHandler<()>, call: Call) -> Self {
        Self(State::Handler {
            reply: handler.call(&call, &()),
            request: Arc::clone(call.shared_request()),
        })
    }
}

impl Future for RouteFuture {
    type Output = Result<Answer, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            State::Ready(answer) => Poll::Ready(
                answer
                    .take()
                    .expect("a RouteFuture is not polled after it is ready"),
            ),
            State::Handler { reply, request } => {
                let reply = std::task::ready!(reply.as_mut().poll(cx))?;
                let response = reply
                    .finish(request)
                    .map_err(|e| Error::with_kind(ErrorKind::InvalidReply, e))?;
                Poll::Ready(Ok(Answer::reply(response, Outcome::Ok)))
            }
            State::Service(answer) => answer.as_mut().poll(cx),
        }
    }
}
