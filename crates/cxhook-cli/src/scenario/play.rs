//! Playing one scenario: each turn's request built from the session as CX keeps it, sent to
//! the target, judged as Dialogflow would, applied as CX does, and checked against the turn's
//! expectations. A turn with `new_session` starts the same user's next session first, so
//! that one scenario tells a first visit and a second.

use std::collections::BTreeMap;

use anyhow::Context;
use cxhook::types::WebhookRequest;
use cxhook::types::check::judge;
use cxhook_sim::Conversation;
use serde_json::Value;

use super::expect::mismatches;
use super::file::{FormParam, Scenario, Start, Turn};
use crate::target::Target;

/// How one turn went.
#[derive(Debug)]
pub(crate) struct TurnResult {
    /// The turn's tag; for an agent-driven turn, what the user did.
    pub(crate) tag: String,
    /// What went wrong, one sentence each; empty when the turn passed.
    pub(crate) failures: Vec<String>,
}

/// Plays `scenario` against `target`, calling `each` with every turn's result as it comes. An
/// error means a turn got no answer at all (network, timeout): the scenario cannot go on.
pub(crate) async fn play(
    scenario: &Scenario,
    target: &Target,
    mut each: impl FnMut(usize, &TurnResult),
) -> anyhow::Result<Vec<TurnResult>> {
    let mut conversation = start(&scenario.session);
    let mut results = Vec::new();
    let mut sessions = 1;
    for (i, turn) in scenario.turns.iter().enumerate() {
        if turn.new_session {
            sessions += 1;
            conversation = start(&again(&scenario.session, sessions));
        }
        let request = prepare(&mut conversation, turn);
        let body = serde_json::to_vec(&request).context("cannot write the request")?;
        let exchange = target
            .call(body)
            .await
            .with_context(|| format!("turn {} ({})", i + 1, turn.tag))?;
        let verdict = judge(exchange.status.as_u16(), &exchange.body);
        let failures = match (&verdict.response, verdict.problems.is_empty()) {
            (Some(response), true) => {
                let applied = conversation.apply(&request, response);
                let before = &request.session_info.parameters;
                mismatches(&turn.expect, before, &applied, &conversation)
            }
            _ => verdict
                .problems
                .iter()
                .map(|problem| format!("Dialogflow would not accept the answer: {problem}"))
                .collect(),
        };
        let result = TurnResult {
            tag: turn.tag.clone(),
            failures,
        };
        each(i, &result);
        results.push(result);
    }
    Ok(results)
}

/// The session before the first turn.
fn start(start: &Start) -> Conversation {
    let mut conversation = match &start.id {
        Some(id) => Conversation::with_session(id.clone()),
        None => Conversation::new(),
    };
    if let Some(lang) = &start.lang {
        conversation = conversation.lang(lang.clone());
    }
    if let Some(page) = &start.page {
        conversation.go_to(page.clone());
    }
    declare(&mut conversation, &start.form);
    for (name, value) in &start.params {
        conversation.set_param(name.clone(), value.clone());
    }
    conversation
}

/// The start of the user's `n`th session: the scenario's start, with a session ID of its
/// own (the given one with `-n` added, or a fresh one).
fn again(first: &Start, n: usize) -> Start {
    Start {
        id: first.id.as_ref().map(|id| format!("{id}-{n}")),
        ..first.clone()
    }
}

/// The turn's request: the agent's changes (page, form, parameters) made to the session,
/// then what the user said or did.
fn prepare(conversation: &mut Conversation, turn: &Turn) -> WebhookRequest {
    if let Some(page) = &turn.page
        && !conversation.page().is(page)
    {
        conversation.go_to(page.clone());
    }
    declare(conversation, &turn.form);
    for (name, value) in &turn.params {
        conversation.set_param(name.clone(), value.clone());
    }
    let mut builder = conversation.turn(&turn.tag);
    builder = match (&turn.text, &turn.event, &turn.dtmf) {
        (Some(text), _, _) => builder.text(text.clone()),
        (None, Some(event), _) => builder.event(event.clone()),
        (None, None, Some(digits)) => builder.dtmf(digits.clone()),
        (None, None, None) => builder.no_query(),
    };
    if let Some(lang) = &turn.lang {
        builder = builder.lang(lang.clone());
    }
    if let Some(payload) = &turn.payload {
        builder = builder.payload(Value::Object(payload.clone()));
    }
    builder.build()
}

/// Declares form parameters of the current page.
fn declare(conversation: &mut Conversation, form: &BTreeMap<String, FormParam>) {
    for (name, param) in form {
        conversation.set_form_param(name.clone(), param.state, param.value.clone());
        if let Some(required) = param.required {
            conversation.set_form_required(name.clone(), required);
        }
    }
}
