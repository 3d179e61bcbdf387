//! Whether an agent-driven turn went as its scenario expects: one sentence for each thing the
//! agent's runtime decided otherwise.

use cxhook_agent::runtime::{Session, TurnResult, WebhookCall};
use serde_json::Value;

use super::agent_file::{AgentExpect, ExpectedCall};
use super::expect::same;

/// What did not go as `expect` says in the turn that gave `result` and left `session`; empty
/// when all did. A webhook that answered 2xx with what CX would not accept fails the turn
/// whatever is expected: it is a bug in the webhook, not a failure a handler should catch.
pub(crate) fn mismatches(
    expect: &AgentExpect,
    result: &TurnResult,
    session: &Session,
) -> Vec<String> {
    let mut found = Vec::new();
    for call in &result.webhook_calls {
        if call
            .status
            .is_some_and(|status| (200..300).contains(&status))
        {
            for problem in &call.problems {
                found.push(format!(
                    "Dialogflow would not accept the answer of webhook `{}`: {problem}",
                    call.webhook
                ));
            }
        }
    }
    let texts = result.texts();
    let heard = texts.join("\n");
    if let Some(text) = &expect.text
        && *text != heard
    {
        found.push(format!("expected the text {text:?}, got {heard:?}"));
    }
    if let Some(expected) = &expect.texts
        && *expected != texts
    {
        found.push(format!("expected the texts {expected:?}, got {texts:?}"));
    }
    for part in &expect.text_contains.0 {
        if !heard.contains(part.as_str()) {
            found.push(format!(
                "expected the text to contain {part:?}, got {heard:?}"
            ));
        }
    }
    if let Some(page) = &expect.page
        && *page != result.page
    {
        let through = match result.pages.is_empty() {
            true => String::new(),
            false => format!(" (through {})", result.pages.join(" → ")),
        };
        found.push(format!(
            "expected to be on page {page:?}, the session is on {:?}{through}",
            result.page
        ));
    }
    if let Some(flow) = &expect.flow
        && *flow != result.flow
    {
        found.push(format!(
            "expected to be in flow {flow:?}, the session is in {:?}",
            result.flow
        ));
    }
    if let Some(intent) = &expect.intent {
        let matched = result.intent.as_ref().map(|i| i.name.as_str());
        if matched != Some(intent.as_str()) {
            found.push(format!(
                "expected the intent {intent:?} to match, {}",
                matched.map_or("none did".to_owned(), |m| format!("{m:?} did"))
            ));
        }
    }
    for (name, expected) in &expect.params {
        match (session.param(name), expected.is_null()) {
            (None, true) => {}
            (Some(actual), true) => found.push(format!(
                "expected parameter `{name}` to be unset, it is {actual}"
            )),
            (None, false) => found.push(format!(
                "expected parameter `{name}` = {expected}, it is not set"
            )),
            (Some(actual), false) if !same(actual, expected) => found.push(format!(
                "expected parameter `{name}` = {expected}, got {actual}"
            )),
            (Some(_), false) => {}
        }
    }
    match expect.ended {
        Some(true) if !result.ended => {
            found.push("expected the session to end, it goes on".to_owned());
        }
        Some(false) if result.ended => {
            found.push("expected the session to go on, it ended".to_owned());
        }
        _ => {}
    }
    if let Some(calls) = &expect.calls {
        found.extend(call_mismatches(calls, &result.webhook_calls));
    }
    found
}

/// How the calls made differ from those expected.
fn call_mismatches(expected: &[ExpectedCall], made: &[WebhookCall]) -> Vec<String> {
    let named = |calls: &[WebhookCall]| -> String {
        let names: Vec<String> = calls
            .iter()
            .map(|call| match call.tag.as_str() {
                "" => call.webhook.clone(),
                tag => format!("{} ({tag})", call.webhook),
            })
            .collect();
        match names.is_empty() {
            true => "none".to_owned(),
            false => names.join(", "),
        }
    };
    if expected.len() != made.len() {
        return vec![format!(
            "expected {} webhook call(s), the turn made {}: {}",
            expected.len(),
            made.len(),
            named(made)
        )];
    }
    let mut found = Vec::new();
    for (i, (expected, call)) in expected.iter().zip(made).enumerate() {
        let at = format!("call {}", i + 1);
        if let Some(webhook) = &expected.webhook
            && *webhook != call.webhook
        {
            found.push(format!(
                "{at}: expected webhook `{webhook}`, it called `{}`",
                call.webhook
            ));
        }
        if let Some(tag) = &expected.tag
            && *tag != call.tag
        {
            found.push(format!("{at}: expected tag `{tag}`, it was `{}`", call.tag));
        }
        let sent = &call.request["sessionInfo"]["parameters"];
        for (name, value) in &expected.params {
            check_field(
                &mut found,
                &at,
                "session parameter",
                name,
                value,
                sent.get(name),
            );
        }
        for (name, value) in &expected.body {
            check_field(
                &mut found,
                &at,
                "body field",
                name,
                value,
                call.request.get(name),
            );
        }
        if let Some(status) = expected.status
            && Some(status) != call.status
        {
            let got = call
                .status
                .map_or("no answer".to_owned(), |s| format!("HTTP {s}"));
            found.push(format!("{at}: expected HTTP {status}, got {got}"));
        }
        if let Some(error) = &expected.error
            && Some(error.as_str()) != call.error
        {
            found.push(format!(
                "{at}: expected the call to raise {error}, it raised {}",
                call.error.unwrap_or("nothing")
            ));
        }
    }
    found
}

/// One field of a request compared with what is expected (`null`: not sent).
fn check_field(
    found: &mut Vec<String>,
    at: &str,
    what: &str,
    name: &str,
    expected: &Value,
    sent: Option<&Value>,
) {
    match (sent.filter(|v| !v.is_null()), expected.is_null()) {
        (None, true) => {}
        (Some(actual), true) => found.push(format!(
            "{at}: expected {what} `{name}` not to be sent, it was {actual}"
        )),
        (None, false) => found.push(format!(
            "{at}: expected {what} `{name}` = {expected}, it was not sent"
        )),
        (Some(actual), false) if !same(actual, expected) => found.push(format!(
            "{at}: expected {what} `{name}` = {expected}, it was {actual}"
        )),
        (Some(_), false) => {}
    }
}
