//! The webhook seam: [`Webhooks`] answers the calls a turn makes, and this module builds each
//! standard request as CX builds it, judges each answer as CX would, and applies a standard
//! reply with the simulator's rules.
//!
//! Why a trait: the same agent is run against webhooks served in very different ways (a cxhook
//! router in-process, an HTTP URL per webhook, canned answers in a scenario), and only the caller
//! knows which. The runtime hands over the webhook resource (its display name, URL, timeout) and
//! the request body, and gets back what happened on the wire: a status and a body, a timeout, or
//! a transport failure. Everything CX decides after that is here, so it is the same whichever way
//! the webhook was reached:
//!
//! 1. **Standard requests** carry what CX sends (wire-format reference §1): a fresh
//!    `detectIntentResponseId`, `fulfillmentInfo.tag`, `pageInfo` with the current page's
//!    resource name, display name and `formInfo` (each form parameter's display name, `required`,
//!    state, value and `justCollected`), `sessionInfo` with the session's name and parameters,
//!    `intentInfo` for the intent matched last (resource name, display name, parameters with their
//!    original and resolved values, confidence), the user's input as `text`, `triggerEvent`,
//!    `dtmfDigits` or `triggerIntent`, the `languageCode`, and the messages queued so far in the
//!    turn. Resource names use the simulator's local agent ([`cxhook_sim::AGENT`]) with the
//!    export's own flow, page and intent IDs, so a `targetPage` a webhook builds from
//!    `pageInfo.currentPage` resolves back to the page.
//! 2. *Inferred:* **`$flow.` parameters are not sent** in `sessionInfo.parameters`: CX documents
//!    them as scoped to their flow, and Google's own prebuilt components hand them to webhooks
//!    through a flexible webhook's body, never through session parameters.
//! 3. **Every answer is judged** with [`cxhook_types::check::judge`], as `cxhook send` judges
//!    it: a status other than 2xx, a body that is not a `WebhookResponse` CX accepts (unknown
//!    fields, a wrong type, two targets), a timeout or a failed connection is a failed call, and
//!    the problems found are recorded on the [`WebhookCall`].
//! 4. **A failed call raises an event**: `webhook.error.timeout` for a timeout,
//!    `webhook.error.bad-request` for 400, `webhook.error.rejected` for 401 and 403,
//!    `webhook.error.unavailable` for 503, and `webhook.error` for everything else; a specific
//!    event falls back to `webhook.error` when no handler in scope handles it (handler reference,
//!    built-in events). *Inferred:* a transport failure (nothing answered) is `webhook.error`.
//! 5. **A disabled webhook is not called** (`disabled: true`): the fulfillment goes on without
//!    it, as CX skips it.
//! 6. **A reply is applied with [`cxhook_sim::Conversation`]'s rules**: session parameters merged
//!    (`null` deletes), form parameters updated but never added (a value fills, `INVALID`
//!    invalidates, `required` replaced), the reply's messages appended to the turn's queue or
//!    replacing it, and its `targetPage`/`targetFlow` taking the place of the handler's target
//!    (the simulator keeps the state of a session that has no agent; here the runtime reads the
//!    outcome back into the agent's session).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use cxhook_sim::{AGENT, Conversation};
use cxhook_types::check::judge;
use cxhook_types::{
    FormInfo, IntentInfo, PageInfo, ParameterInfo, ParameterState, Query, ResponseMessage,
    SessionInfo, Transition, WebhookRequest, WebhookResponse,
};
use serde_json::Value;

use super::session::Session;
use crate::model::{Agent, SpecialPage, Target, Webhook};

/// What a [`Webhooks`] call gives back: the outcome, when it is ready.
pub type WebhookFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// Answers the webhook calls of an agent's fulfillments: in-process, over HTTP, or canned.
///
/// An implementation sends `request` to `webhook` (its display name, URL, headers, timeout and
/// type are on the resource) and reports what came back. It enforces the webhook's timeout
/// itself, since only it knows how it waits.
pub trait Webhooks: Send + Sync {
    /// Calls `webhook` with `request`.
    fn call<'a>(&'a self, webhook: &'a Webhook, request: &'a Outgoing) -> WebhookFuture<'a>;
}

/// The body of a webhook call.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// A standard webhook's `WebhookRequest`.
    Standard(Box<WebhookRequest>),
    /// A flexible webhook's request: the method and the body template with its references
    /// filled in.
    Flexible {
        /// The HTTP method (`POST` unless the webhook names another).
        method: String,
        /// The body.
        body: Value,
    },
}

impl Outgoing {
    /// The body as JSON, as it goes on the wire.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Standard(request) => {
                serde_json::to_value(request).expect("a WebhookRequest always serializes to JSON")
            }
            Self::Flexible { body, .. } => body.clone(),
        }
    }
}

/// What happened when a webhook was called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The webhook answered with this HTTP status and body.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The body, as received.
        body: Vec<u8>,
    },
    /// The webhook did not answer within its timeout.
    TimedOut,
    /// Nothing answered: the connection failed (the message says how).
    Failed(String),
}

/// One webhook call a turn made, for the turn's result.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookCall {
    /// The webhook's display name.
    pub webhook: String,
    /// The fulfillment's tag (empty for a flexible webhook's call without one).
    pub tag: String,
    /// The request body sent.
    pub request: Value,
    /// The HTTP status of the answer; `None` when nothing answered.
    pub status: Option<u16>,
    /// How long the call took.
    pub latency: Duration,
    /// The event the call raised when it failed (`webhook.error.unavailable`, …).
    pub error: Option<&'static str>,
    /// What CX would not accept in the answer (rule 3), one sentence each.
    pub problems: Vec<String>,
}

/// Rule 4: the events a failed call raises, the most specific first; none for a success.
pub(crate) fn error_events(outcome: &Outcome, accepted: bool) -> Vec<&'static str> {
    let specific = match outcome {
        Outcome::TimedOut => Some("webhook.error.timeout"),
        Outcome::Failed(_) => None,
        Outcome::Answered { status, .. } => match status {
            200..=299 if accepted => return Vec::new(),
            400 => Some("webhook.error.bad-request"),
            401 | 403 => Some("webhook.error.rejected"),
            503 => Some("webhook.error.unavailable"),
            _ => None,
        },
    };
    specific.into_iter().chain(["webhook.error"]).collect()
}

/// Rule 3: the verdict on a standard webhook's answer: the reply when CX would accept it,
/// and the problems found.
pub(crate) fn judge_standard(outcome: &Outcome) -> (Option<WebhookResponse>, Vec<String>) {
    match outcome {
        Outcome::Answered { status, body } => {
            let verdict = judge(*status, body);
            match verdict.is_accepted() {
                true => (verdict.response, verdict.problems),
                false => (None, verdict.problems),
            }
        }
        Outcome::TimedOut => (None, vec!["the webhook did not answer in time".to_owned()]),
        Outcome::Failed(why) => (None, vec![format!("the call failed: {why}")]),
    }
}

/// The resource name of a flow of the local agent.
fn flow_name(agent: &Agent, flow: &str) -> String {
    let id = agent.flow(flow).map_or(flow, |flow| flow.name.as_str());
    format!("{AGENT}/flows/{id}")
}

/// Rule 1: the standard request for a call tagged `tag` from the session as it is now.
pub(crate) fn standard_request(
    agent: &Agent,
    session: &Session,
    tag: &str,
    query: Option<Query>,
    messages: &[ResponseMessage],
) -> WebhookRequest {
    let mut request = cxhook_sim::RequestBuilder::new()
        .session(session.name())
        .tag(tag)
        .lang(session.language())
        .build();
    request.query = query;
    let flow = flow_name(agent, session.flow());
    let page_id = match session.on_start_page() {
        true => "START_PAGE",
        false => agent
            .flow(session.flow())
            .and_then(|flow| flow.page(session.page()))
            .map_or(session.page(), |page| page.name.as_str()),
    };
    let parameter_info: Vec<ParameterInfo> = session
        .form()
        .iter()
        .map(|slot| ParameterInfo {
            display_name: slot.name.clone(),
            required: slot.required,
            state: slot.state,
            value: session.param(&slot.name).cloned(),
            just_collected: slot.updated,
        })
        .collect();
    request.page_info = Some(PageInfo {
        current_page: format!("{flow}/pages/{page_id}"),
        display_name: session.page().to_owned(),
        form_info: (!parameter_info.is_empty()).then_some(FormInfo { parameter_info }),
    });
    request.session_info = SessionInfo {
        session: session.name().to_owned(),
        parameters: session.params().to_struct(),
    };
    request.intent_info = session.intent().map(|intent| IntentInfo {
        last_matched_intent: format!(
            "{AGENT}/intents/{}",
            agent
                .intent(&intent.name)
                .map_or(intent.name.as_str(), |i| i.name.as_str())
        ),
        display_name: intent.name.clone(),
        parameters: intent.params.clone(),
        confidence: intent.confidence,
    });
    request.messages = messages.to_vec();
    request
}

/// What applying a reply gave: the turn's messages after it, and where it sends the session.
#[derive(Debug)]
pub(crate) struct Applied {
    /// The turn's queue with the reply's messages merged in.
    pub(crate) messages: Vec<ResponseMessage>,
    /// The reply's transition, resolved in the agent; `None` when it has none.
    pub(crate) target: Option<Target>,
}

/// Rule 6: applies `response`, the answer to `request`, to the session.
pub(crate) fn apply_reply(
    agent: &Agent,
    session: &mut Session,
    request: &WebhookRequest,
    response: &WebhookResponse,
) -> Result<Applied, String> {
    let mut conversation = Conversation::with_session(session.name());
    let applied = conversation.apply(request, response);
    for (name, value) in applied.set {
        session.set_param(&name, value);
    }
    for name in applied.deleted {
        session.set_param(&name, Value::Null);
    }
    let sent = request
        .page_info
        .iter()
        .filter_map(|page| page.form_info.as_ref())
        .flat_map(|form| &form.parameter_info);
    for (before, after) in sent.zip(conversation.form()) {
        if after.value != before.value {
            session.set_param(
                &after.display_name,
                after.value.clone().unwrap_or(Value::Null),
            );
        }
        if let Some(slot) = session
            .form
            .iter_mut()
            .find(|slot| slot.name == after.display_name)
        {
            slot.required = after.required;
            if after.state == ParameterState::Invalid {
                slot.state = ParameterState::Invalid;
                slot.updated = false;
            }
        }
    }
    let target = match &applied.transition {
        None => None,
        Some(Transition::TargetPage(page)) => Some(page_target(agent, session, page)?),
        Some(Transition::TargetFlow(flow)) => {
            let id = flow.rsplit('/').next().unwrap_or(flow);
            let flow = agent
                .flows
                .values()
                .find(|f| f.name == id || f.display_name == id)
                .ok_or_else(|| {
                    format!("the reply's targetFlow `{flow}` names no flow of the agent")
                })?;
            Some(Target::Flow(flow.display_name.clone()))
        }
    };
    Ok(Applied {
        messages: applied.messages,
        target,
    })
}

/// A reply's `targetPage` (a page resource name, or a special page's ID) as a target.
fn page_target(agent: &Agent, session: &Session, name: &str) -> Result<Target, String> {
    let id = name.rsplit('/').next().unwrap_or(name);
    if let Some(special) = SpecialPage::from_name(id) {
        return Ok(Target::Special(special));
    }
    agent
        .flow(session.flow())
        .and_then(|flow| flow.pages.values().find(|page| page.name == id))
        .map(|page| Target::Page(page.display_name.clone()))
        .ok_or_else(|| {
            format!(
                "the reply's targetPage `{name}` names no page of flow `{}`",
                session.flow()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, body: &str) -> Outcome {
        Outcome::Answered {
            status,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn failed_calls_raise_the_specific_event_then_the_general_one() {
        let events = |outcome: &Outcome| error_events(outcome, false);
        assert_eq!(
            events(&Outcome::TimedOut),
            ["webhook.error.timeout", "webhook.error"]
        );
        assert_eq!(
            events(&answered(503, "")),
            ["webhook.error.unavailable", "webhook.error"]
        );
        assert_eq!(
            events(&answered(400, "")),
            ["webhook.error.bad-request", "webhook.error"]
        );
        assert_eq!(
            events(&answered(403, "")),
            ["webhook.error.rejected", "webhook.error"]
        );
        assert_eq!(events(&answered(500, "")), ["webhook.error"]);
        assert_eq!(
            events(&answered(200, "{}")),
            ["webhook.error"],
            "not accepted"
        );
        assert_eq!(
            events(&Outcome::Failed("refused".into())),
            ["webhook.error"]
        );
        assert!(error_events(&answered(200, "{}"), true).is_empty());
    }

    #[test]
    fn answers_are_judged_as_cxhook_send_judges_them() {
        let (reply, problems) = judge_standard(&answered(200, r#"{"sessionInfo": {}}"#));
        assert!(reply.is_some() && problems.is_empty());
        let (reply, problems) = judge_standard(&answered(200, r#"{"targetPgae": "x"}"#));
        assert!(reply.is_none());
        assert!(problems[0].contains("targetPgae"), "{problems:?}");
        let (reply, problems) = judge_standard(&Outcome::TimedOut);
        assert!(reply.is_none() && !problems.is_empty());
    }
}
