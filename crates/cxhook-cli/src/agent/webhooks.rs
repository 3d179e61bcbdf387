//! The agent's webhook calls, answered three ways: canned answers a scenario gives, a URL per
//! webhook display name (`--webhook NAME=URL`, any server, over HTTP), or the webhook
//! `cxhook serve` would run, in-process (the default for a standard webhook whose tag its
//! router serves). The first that applies answers: canned, then URL, then in-process.
//!
//! What came back is handed to the runtime as it came (a status and a body, a timeout, or a
//! failed connection): the runtime judges each standard answer with `cxhook_types::check` as
//! `cxhook send` does and raises CX's `webhook.error` events, so a wrong answer or a failed
//! call is told the same whichever way the webhook was reached.
//!
//! Each call waits as long as the export's `timeout` says (CX's 5 s when it says nothing),
//! whichever way it goes. Exports carry the webhooks' header values, usernames and passwords
//! in clear: they are sent as CX would send them, marked sensitive, and never written into an
//! error, a log line or `Debug` output (a header that cannot be sent is named by its name
//! alone).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, bail};
use cxhook::http_client::describe;
use cxhook_agent::Agent;
use cxhook_agent::model::Webhook;
use cxhook_agent::runtime::{Outcome, Outgoing, WebhookFuture, Webhooks};
use http::header::CONTENT_TYPE;
use http::{HeaderName, HeaderValue, Method};
use serde::Deserialize;
use serde_json::Value;

use crate::named::WebhookUrl;
use crate::target::{READ_LIMIT, Target};

/// How long CX waits for a webhook whose export names no timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The in-process webhook's own limit: longer than any webhook's timeout (CX allows 30 s), so
/// that each call's timeout is the export's.
pub(crate) const LOCAL_TIMEOUT: Duration = Duration::from_secs(60);

/// One canned answer of a webhook, as a scenario writes it: `{status: 503}`,
/// `{body: {...}}` (status 200), or `{timeout: true}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Canned {
    /// The HTTP status (200 unless given).
    #[serde(default = "ok")]
    pub(crate) status: u16,
    /// The JSON body (`{}` unless given).
    #[serde(default)]
    pub(crate) body: Option<Value>,
    /// The webhook does not answer in time (status and body are then not used).
    #[serde(default)]
    pub(crate) timeout: bool,
}

fn ok() -> u16 {
    200
}

impl Canned {
    /// What the runtime is told happened.
    fn outcome(&self) -> Outcome {
        if self.timeout {
            return Outcome::TimedOut;
        }
        let body = self
            .body
            .clone()
            .unwrap_or_else(|| Value::Object(Default::default()));
        Outcome::Answered {
            status: self.status,
            body: serde_json::to_vec(&body).expect("a JSON value always serializes"),
        }
    }
}

/// Canned answers by webhook display name, each a sequence taken in order, the last one
/// repeating.
pub(crate) type CannedAnswers = BTreeMap<String, Vec<Canned>>;

/// A sequence being answered from.
#[derive(Debug, Default)]
struct Queue {
    left: VecDeque<Canned>,
    last: Option<Canned>,
}

impl Queue {
    fn new(answers: &[Canned]) -> Self {
        Self {
            left: answers.iter().cloned().collect(),
            last: None,
        }
    }

    fn next(&mut self) -> Option<Outcome> {
        if let Some(next) = self.left.pop_front() {
            self.last = Some(next);
        }
        self.last.as_ref().map(Canned::outcome)
    }
}

/// The canned answers in play: the scenario's, taken across its turns, and the turn's own,
/// which come first while it runs.
#[derive(Debug, Default)]
struct CannedState {
    scenario: BTreeMap<String, Queue>,
    turn: BTreeMap<String, Queue>,
}

/// Answers an agent's webhook calls (see the module docs for the order).
#[derive(Debug)]
pub(crate) struct AgentWebhooks<'t> {
    urls: BTreeMap<String, reqwest::Url>,
    client: reqwest::Client,
    local: Option<&'t Target>,
    canned: Mutex<CannedState>,
}

impl<'t> AgentWebhooks<'t> {
    /// Webhooks for `agent`: those in `urls` over HTTP, the standard ones in-process through
    /// `local` when given. A URL for a webhook the agent does not have is an error naming
    /// the agent's webhooks.
    pub(crate) fn new(
        agent: &Agent,
        urls: &[WebhookUrl],
        local: Option<&'t Target>,
    ) -> anyhow::Result<Self> {
        let mut by_name = BTreeMap::new();
        for webhook in urls {
            known(agent, &webhook.name, "--webhook")?;
            if by_name
                .insert(webhook.name.clone(), webhook.url.clone())
                .is_some()
            {
                bail!("--webhook names `{}` twice", webhook.name);
            }
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("cxhook/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Self {
            urls: by_name,
            client,
            local,
            canned: Mutex::new(CannedState::default()),
        })
    }

    /// Whether a standard webhook of `agent` is left to the in-process webhook: named by no
    /// URL (canned answers aside, which a scenario may give for some turns only).
    pub(crate) fn needs_local(agent: &Agent, urls: &[WebhookUrl]) -> bool {
        agent.webhooks.values().any(|webhook| {
            is_standard(webhook) && !urls.iter().any(|url| url.name == webhook.display_name)
        })
    }

    /// The scenario's canned answers, taken in order across its turns. A name the agent has
    /// no webhook of is an error.
    pub(crate) fn set_scenario_answers(
        &self,
        agent: &Agent,
        answers: &CannedAnswers,
    ) -> anyhow::Result<()> {
        let queues = queues(agent, answers, "webhooks")?;
        self.state().scenario = queues;
        Ok(())
    }

    /// The canned answers of the turn about to run, ahead of the scenario's until the next
    /// turn's are set.
    pub(crate) fn set_turn_answers(
        &self,
        agent: &Agent,
        answers: &CannedAnswers,
        at: &str,
    ) -> anyhow::Result<()> {
        let queues = queues(agent, answers, at)?;
        self.state().turn = queues;
        Ok(())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, CannedState> {
        self.canned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next canned answer for `name`, if any is given.
    fn canned(&self, name: &str) -> Option<Outcome> {
        let mut state = self.state();
        if let Some(outcome) = state.turn.get_mut(name).and_then(Queue::next) {
            return Some(outcome);
        }
        state.scenario.get_mut(name).and_then(Queue::next)
    }

    /// Calls the in-process webhook with a standard request, when it serves the tag.
    async fn in_process(
        &self,
        webhook: &Webhook,
        request: &Outgoing,
        timeout: Duration,
    ) -> Outcome {
        let name = &webhook.display_name;
        let Outgoing::Standard(request) = request else {
            return Outcome::Failed(format!(
                "nothing answers the flexible webhook `{name}`: give --webhook '{name}=URL' \
                 or canned answers"
            ));
        };
        let Some(target) = self.local else {
            return Outcome::Failed(format!(
                "nothing answers webhook `{name}`: give --webhook '{name}=URL' or canned answers"
            ));
        };
        let tag = &request.fulfillment_info.tag;
        if let Some(tags) = target.tags()
            && !tags.iter().any(|served| served == tag)
        {
            return Outcome::Failed(format!(
                "the tag `{tag}` of webhook `{name}` is not one {target} serves ({}): give \
                 --webhook '{name}=URL' or canned answers",
                tags.join(", ")
            ));
        }
        let body = match serde_json::to_vec(request) {
            Ok(body) => body,
            Err(e) => return Outcome::Failed(format!("cannot write the request: {e}")),
        };
        match tokio::time::timeout(timeout, target.call(body)).await {
            Err(_) => Outcome::TimedOut,
            Ok(Err(e)) => Outcome::Failed(format!("{e:#}")),
            Ok(Ok(exchange)) => Outcome::Answered {
                status: exchange.status.as_u16(),
                body: exchange.body,
            },
        }
    }
}

impl Webhooks for AgentWebhooks<'_> {
    fn call<'a>(&'a self, webhook: &'a Webhook, request: &'a Outgoing) -> WebhookFuture<'a> {
        Box::pin(async move {
            if let Some(outcome) = self.canned(&webhook.display_name) {
                return outcome;
            }
            let timeout = match webhook.timeout.map(|t| t.to_std()) {
                Some(timeout) if !timeout.is_zero() => timeout,
                _ => DEFAULT_TIMEOUT,
            };
            match self.urls.get(&webhook.display_name) {
                Some(url) => post(&self.client, url, webhook, request, timeout).await,
                None => self.in_process(webhook, request, timeout).await,
            }
        })
    }
}

/// Whether `webhook` speaks the `WebhookRequest` protocol.
fn is_standard(webhook: &Webhook) -> bool {
    webhook
        .generic_web_service
        .as_ref()
        .is_none_or(|service| service.webhook_type.is_standard())
}

/// An error unless `agent` has a webhook named `name`.
fn known(agent: &Agent, name: &str, what: &str) -> anyhow::Result<()> {
    if agent.webhooks.values().any(|w| w.display_name == name) {
        return Ok(());
    }
    let names: Vec<&str> = agent
        .webhooks
        .values()
        .map(|w| w.display_name.as_str())
        .collect();
    match names.as_slice() {
        [] => bail!("{what} names webhook `{name}`, and the agent has no webhook"),
        names => bail!(
            "{what} names webhook `{name}`, which the agent does not have; its webhooks: {}",
            names.join(", ")
        ),
    }
}

/// The queues of `answers`, each name checked against the agent.
fn queues(
    agent: &Agent,
    answers: &CannedAnswers,
    at: &str,
) -> anyhow::Result<BTreeMap<String, Queue>> {
    answers
        .iter()
        .map(|(name, sequence)| {
            known(agent, name, at)?;
            Ok((name.clone(), Queue::new(sequence)))
        })
        .collect()
}

/// Sends `request` to `url` as CX sends it to the webhook (its method, its headers and basic
/// credentials from the export) and reads the answer within `timeout`.
async fn post(
    client: &reqwest::Client,
    url: &reqwest::Url,
    webhook: &Webhook,
    request: &Outgoing,
    timeout: Duration,
) -> Outcome {
    let method = match request {
        Outgoing::Standard(_) => Method::POST,
        Outgoing::Flexible { method, .. } => match Method::from_bytes(method.as_bytes()) {
            Ok(method) => method,
            Err(_) => return Outcome::Failed(format!("`{method}` is not an HTTP method")),
        },
    };
    let body = match serde_json::to_vec(&request.to_json()) {
        Ok(body) => body,
        Err(e) => return Outcome::Failed(format!("cannot write the request: {e}")),
    };
    let mut builder = client
        .request(method, url.clone())
        .timeout(timeout)
        .header(CONTENT_TYPE, "application/json");
    if let Some(service) = &webhook.generic_web_service {
        for header in &service.request_headers {
            let Ok(name) = HeaderName::from_bytes(header.key.as_bytes()) else {
                return Outcome::Failed(format!(
                    "the export's header `{}` of webhook `{}` is not a valid header name",
                    header.key, webhook.display_name
                ));
            };
            let Ok(mut value) = HeaderValue::from_str(header.value.expose()) else {
                return Outcome::Failed(format!(
                    "the export's value of header `{name}` of webhook `{}` is not a valid \
                     header value",
                    webhook.display_name
                ));
            };
            value.set_sensitive(true);
            builder = builder.header(name, value);
        }
        if let Some(user) = &service.username {
            let password = service.password.as_ref().map(|p| p.expose());
            builder = builder.basic_auth(user.expose(), password);
        }
    }
    let failed = |e: reqwest::Error| match e.is_timeout() {
        true => Outcome::TimedOut,
        false => Outcome::Failed(format!("cannot get an answer from {url}: {}", describe(&e))),
    };
    let mut response = match builder.body(body).send().await {
        Ok(response) => response,
        Err(e) => return failed(e),
    };
    let mut received = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = READ_LIMIT - received.len();
                received.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() >= room {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return failed(e),
        }
    }
    Outcome::Answered {
        status: response.status().as_u16(),
        body: received,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn canned(yaml: &str) -> Vec<Canned> {
        serde_norway::from_str(yaml).unwrap()
    }

    #[test]
    fn a_sequence_is_taken_in_order_and_its_last_answer_repeats() {
        let mut queue = Queue::new(&canned("[{status: 503}, {body: {a: 1}}]"));
        assert_eq!(
            queue.next(),
            Some(Outcome::Answered {
                status: 503,
                body: b"{}".to_vec()
            })
        );
        let ok = Outcome::Answered {
            status: 200,
            body: serde_json::to_vec(&json!({"a": 1})).unwrap(),
        };
        assert_eq!(queue.next(), Some(ok.clone()));
        assert_eq!(queue.next(), Some(ok));
        let mut timeout = Queue::new(&canned("[{timeout: true}]"));
        assert_eq!(timeout.next(), Some(Outcome::TimedOut));
        assert_eq!(Queue::new(&[]).next(), None);
    }

    #[test]
    fn unknown_keys_of_a_canned_answer_are_refused() {
        let error = serde_norway::from_str::<Canned>("{stauts: 503}").unwrap_err();
        assert!(
            error.to_string().contains("unknown field `stauts`"),
            "{error}"
        );
    }
}
