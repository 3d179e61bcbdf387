//! [`MemoryLayer`]: the tower layer that gives each call the caller's [`Memory`] and stores
//! what it changed once the call has succeeded.
//!
//! The layer resolves the caller's identity ([`Identities`]), keys it ([`MemorySecret`]) and
//! puts a [`Memory`] in the call's extensions before the handler runs. After the handler it
//! stores the call's changes only when the answer is a handler's reply
//! ([`Outcome::Ok`]): an error, a rejection or a call cut off by the deadline layer (which
//! sits outside every route layer and drops the call's future) stores nothing. The write is
//! awaited before the answer goes out, so that the caller's next turn sees it; a store that
//! fails is logged (the user's short key, never a value) and the answer goes out unchanged.
//!
//! Two things configuration asks of it without a handler's help:
//!
//! - **remember** ([`MemoryLayer::remember`]): session parameters stored whenever a call's
//!   request or reply has them (the reply's value first), written only when they differ
//!   from what is remembered, so that a conversation costs a read per call and a write per
//!   change;
//! - **recall** ([`MemoryLayer::recall`]): on the first call of a session from a known user
//!   (the session lacks the recall marker) and on the recall tag, the reply sets the
//!   remembered parameters the session does not have yet (under a prefix, when one is
//!   given) and the marker: `true` when something was remembered, `false` when not.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use cxhook_types::WebhookRequest;
use serde_json::Value;
use tower::{Layer, Service};

use super::handle::Memory;
use super::identity::Identities;
use super::store::{Fact, MemoryError, MemorySecret, MemoryStore, UserKey};
use crate::answer::{Answer, Outcome};
use crate::call::Call;
use crate::error::Error;
use crate::handler::BoxFuture;

/// How remembered parameters come back into a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recall {
    /// The session parameter saying that memory was recalled (`memory_recalled`): `true`
    /// when the user had something remembered, `false` when not. A session without it has
    /// not been recalled into yet.
    pub marker: String,
    /// What the recalled parameters' names start with (empty: their own names).
    pub prefix: String,
    /// A tag that recalls again whenever the agent calls it (`memory.recall`).
    pub tag: Option<String>,
}

impl Default for Recall {
    /// The marker `memory_recalled`, no prefix, the tag `memory.recall`.
    fn default() -> Self {
        Self {
            marker: "memory_recalled".to_owned(),
            prefix: String::new(),
            tag: Some("memory.recall".to_owned()),
        }
    }
}

/// Gives each call the caller's [`Memory`] and stores its changes when the call succeeds.
///
/// ```
/// use std::sync::Arc;
/// use cxhook::memory::{MemoryLayer, MemorySecret, MemoryStore};
/// use cxhook::{Reply, Router, Secret};
///
/// fn routes(store: Arc<dyn MemoryStore>) -> Router {
///     let secret = MemorySecret::new(Secret::new("from a file or the environment").unwrap());
///     Router::new()
///         .route("hello", || async { Reply::text("Hello!") })
///         .layer(MemoryLayer::new(store, secret).remember(["city"]))
/// }
/// # let _ = routes;
/// ```
#[derive(Clone)]
pub struct MemoryLayer {
    shared: Arc<Shared>,
}

struct Shared {
    store: Arc<dyn MemoryStore>,
    secret: MemorySecret,
    identities: Identities,
    remember: Vec<String>,
    recall: Option<Recall>,
}

impl std::fmt::Debug for MemoryLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryLayer")
            .field("identities", &self.shared.identities)
            .field("remember", &self.shared.remember)
            .field("recall", &self.shared.recall)
            .finish_non_exhaustive()
    }
}

impl MemoryLayer {
    /// Memory in `store`, users keyed with `secret`, identities from the default sources
    /// ([`Identities::default`]); nothing remembered or recalled without a handler.
    pub fn new(store: Arc<dyn MemoryStore>, secret: MemorySecret) -> Self {
        Self {
            shared: Arc::new(Shared {
                store,
                secret,
                identities: Identities::default(),
                remember: Vec::new(),
                recall: None,
            }),
        }
    }

    fn change(mut self, change: impl FnOnce(&mut Shared)) -> Self {
        match Arc::get_mut(&mut self.shared) {
            Some(shared) => change(shared),
            None => {
                let mut shared = Shared {
                    store: self.shared.store.clone(),
                    secret: self.shared.secret.clone(),
                    identities: self.shared.identities.clone(),
                    remember: self.shared.remember.clone(),
                    recall: self.shared.recall.clone(),
                };
                change(&mut shared);
                self.shared = Arc::new(shared);
            }
        }
        self
    }

    /// Reads identities from `identities`, in their order.
    #[must_use]
    pub fn identities(self, identities: Identities) -> Self {
        self.change(|shared| shared.identities = identities)
    }

    /// Stores these session parameters whenever a call's request or reply has them.
    #[must_use]
    pub fn remember<I, N>(self, params: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        let params = params.into_iter().map(Into::into).collect();
        self.change(|shared| shared.remember = params)
    }

    /// Recalls the remembered parameters into the session, as `recall` says.
    #[must_use]
    pub fn recall(self, recall: Recall) -> Self {
        self.change(|shared| shared.recall = Some(recall))
    }
}

impl<S> Layer<S> for MemoryLayer {
    type Service = MemoryService<S>;

    fn layer(&self, inner: S) -> MemoryService<S> {
        MemoryService {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service of a [`MemoryLayer`].
#[derive(Clone)]
pub struct MemoryService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> std::fmt::Debug for MemoryService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryService").finish_non_exhaustive()
    }
}

impl<S> Service<Call> for MemoryService<S>
where
    S: Service<Call, Response = Answer, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Answer;
    type Error = Error;
    type Future = BoxFuture<Result<Answer, Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut call: Call) -> Self::Future {
        let shared = self.shared.clone();
        let memory = match shared.identities.resolve(call.request()) {
            Some(identity) => {
                Memory::of_identity(shared.store.clone(), shared.secret.clone(), identity)
            }
            None => Memory::unknown(),
        };
        call.extensions_mut().insert(memory.clone());
        let request = call.shared_request().clone();
        // The clone is ready only if polled; the service that was polled serves this call.
        let clone = self.inner.clone();
        let answered = std::mem::replace(&mut self.inner, clone).call(call);
        Box::pin(async move {
            let mut answer = answered.await?;
            if !memory.is_known() || answer.outcome() != Outcome::Ok {
                return Ok(answer);
            }
            if let Err(error) = shared.finish(&memory, &request, &mut answer).await {
                tracing::warn!(
                    user = memory.user().map(UserKey::short),
                    error = %error,
                    "the call's memory was not stored"
                );
            }
            Ok(answer)
        })
    }
}

impl Shared {
    /// After a successful call: what to remember, what to recall into the reply, and the
    /// write of the call's changes.
    async fn finish(
        &self,
        memory: &Memory,
        request: &WebhookRequest,
        answer: &mut Answer,
    ) -> Result<(), MemoryError> {
        let replied = answer
            .response()
            .and_then(|response| response.session_info.as_ref())
            .map(|info| &info.parameters);
        let seen: Vec<(&str, Value)> = self
            .remember
            .iter()
            .filter_map(|name| {
                let value = replied
                    .and_then(|params| params.get(name))
                    .or_else(|| request.param(name))
                    .filter(|value| !value.is_null())?;
                Some((name.as_str(), value.clone()))
            })
            .collect();
        let recall = self.recall.as_ref().filter(|recall| {
            present(request, &recall.marker).is_none()
                || recall
                    .tag
                    .as_deref()
                    .is_some_and(|tag| request.tag() == Some(tag))
        });
        if !seen.is_empty() || recall.is_some() {
            let facts = memory.facts().await?;
            for (name, value) in seen {
                let known = facts.iter().find(|fact| fact.name == name);
                if known.map(|fact| &fact.value) != Some(&value) {
                    memory.set(name, value)?;
                }
            }
            if let Some(recall) = recall {
                self.recall_into(recall, &facts, request, answer, memory);
            }
        }
        memory.commit(SystemTime::now()).await
    }

    /// Sets the remembered parameters the session lacks, and the marker, in the reply.
    fn recall_into(
        &self,
        recall: &Recall,
        facts: &[Fact],
        request: &WebhookRequest,
        answer: &mut Answer,
        memory: &Memory,
    ) {
        let Some(response) = answer.response() else {
            return;
        };
        let mut response = response.clone();
        let params = &mut response
            .session_info
            .get_or_insert_with(Default::default)
            .parameters;
        let mut remembered = 0;
        let mut recalled = 0;
        for fact in facts
            .iter()
            .filter(|fact| self.remember.contains(&fact.name))
        {
            remembered += 1;
            let name = format!("{}{}", recall.prefix, fact.name);
            if present(request, &name).is_none() && !params.contains_key(&name) {
                params.insert(name, fact.value.clone());
                recalled += 1;
            }
        }
        params.insert(recall.marker.clone(), Value::Bool(remembered > 0));
        if let Some(user) = memory.user() {
            tracing::debug!(user = user.short(), remembered, recalled, "memory recalled");
        }
        *answer = Answer::reply(response, answer.outcome());
    }
}

/// The session parameter `name`, unless it is missing or null.
fn present<'a>(request: &'a WebhookRequest, name: &str) -> Option<&'a Value> {
    request.param(name).filter(|value| !value.is_null())
}
