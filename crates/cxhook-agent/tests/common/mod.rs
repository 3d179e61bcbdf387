//! What the runtime tests share: the test agents, webhooks answered by a function, a poller
//! for turns whose webhooks answer at once, and goodbye-graffiti's webhook answers.

#![allow(dead_code, unreachable_pub)]

pub mod graffiti;

use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

use cxhook_agent::Agent;
use cxhook_agent::model::Webhook;
use cxhook_agent::runtime::{
    Outcome, Outgoing, Runtime, Session, Turn, TurnResult, WebhookFuture, Webhooks,
};
use serde_json::Value;

/// Loads a test agent with the crate's loader.
pub fn load(name: &str) -> Agent {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/agents")
        .join(name);
    Agent::load(path).unwrap_or_else(|e| panic!("{e}")).agent
}

/// Polls a future that never waits (the test webhooks answer at once) to its end.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// Webhooks answered by a function of the webhook's display name and the request, which
/// records each request.
pub struct Answers<F> {
    answer: F,
    /// The calls made, in order: the webhook's display name and the request body.
    pub seen: Mutex<Vec<(String, Value)>>,
}

impl<F> Answers<F>
where
    F: Fn(&str, &Value) -> Outcome + Send + Sync,
{
    pub fn new(answer: F) -> Self {
        Self {
            answer,
            seen: Mutex::new(Vec::new()),
        }
    }
}

impl<F> Webhooks for Answers<F>
where
    F: Fn(&str, &Value) -> Outcome + Send + Sync,
{
    fn call<'a>(&'a self, webhook: &'a Webhook, request: &'a Outgoing) -> WebhookFuture<'a> {
        let body = request.to_json();
        let outcome = (self.answer)(&webhook.display_name, &body);
        self.seen
            .lock()
            .unwrap()
            .push((webhook.display_name.clone(), body));
        Box::pin(async move { outcome })
    }
}

pub fn ok(body: Value) -> Outcome {
    Outcome::Answered {
        status: 200,
        body: serde_json::to_vec(&body).unwrap(),
    }
}

pub fn run(runtime: &Runtime<'_>, session: &mut Session, turn: Turn) -> TurnResult {
    block_on(runtime.turn(session, turn)).unwrap_or_else(|e| panic!("{e}"))
}

/// Webhooks for an agent that calls none.
pub fn no_webhooks() -> Answers<impl Fn(&str, &Value) -> Outcome + Send + Sync> {
    Answers::new(|webhook: &str, _: &Value| panic!("the agent called {webhook}"))
}
