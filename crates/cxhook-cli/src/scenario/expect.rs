//! Whether a turn went as its scenario expects: one sentence for each thing that did not.

use cxhook::types::Struct;
use cxhook::types::value::normalize_numbers;
use cxhook_sim::{Applied, Conversation};
use serde_json::Value;

use super::file::Expect;

/// What did not go as `expect` says, after the reply was applied (`applied`) to the
/// `conversation` whose session parameters were `before` when the request left; empty when
/// all did.
pub(crate) fn mismatches(
    expect: &Expect,
    before: &Struct,
    applied: &Applied,
    conversation: &Conversation,
) -> Vec<String> {
    let mut found = Vec::new();
    let heard = applied.texts().join("\n");
    if let Some(text) = &expect.text
        && *text != heard
    {
        found.push(format!("expected the text {text:?}, got {heard:?}"));
    }
    for part in &expect.text_contains.0 {
        if !heard.contains(part.as_str()) {
            found.push(format!(
                "expected the text to contain {part:?}, got {heard:?}"
            ));
        }
    }
    for (name, expected) in &expect.params {
        match (conversation.param(name), expected.is_null()) {
            (None, true) => {}
            (Some(actual), true) => found.push(format!(
                "expected session parameter `{name}` to be unset, it is {actual}"
            )),
            (None, false) => found.push(format!(
                "expected session parameter `{name}` = {expected}, it is not set"
            )),
            (Some(actual), false) => {
                if !same(actual, expected) {
                    found.push(format!(
                        "expected session parameter `{name}` = {expected}, got {actual}"
                    ));
                }
            }
        }
    }
    for name in &expect.params_set {
        if conversation.param(name).is_none() {
            found.push(format!(
                "expected session parameter `{name}` to be set, it is not"
            ));
        }
    }
    for name in &expect.params_unchanged {
        match (before.get(name), conversation.param(name)) {
            (Some(old), Some(new)) if same(old, new) => {}
            (None, _) => found.push(format!(
                "expected session parameter `{name}` to stay as it was, it was not set before the turn"
            )),
            (Some(old), None) => found.push(format!(
                "expected session parameter `{name}` to stay {old}, the turn deleted it"
            )),
            (Some(old), Some(new)) => found.push(format!(
                "expected session parameter `{name}` to stay {old}, it became {new}"
            )),
        }
    }
    for (name, expected) in &expect.form {
        let Some(actual) = conversation.form_param(name) else {
            found.push(format!(
                "expected form parameter `{name}` to be {}, the page's form has no such parameter",
                expected.state
            ));
            continue;
        };
        if actual.state != expected.state {
            found.push(format!(
                "expected form parameter `{name}` to be {}, it is {}",
                expected.state, actual.state
            ));
        }
        if let Some(value) = &expected.value
            && !actual
                .value
                .as_ref()
                .is_some_and(|actual| same(actual, value))
        {
            let actual = actual
                .value
                .as_ref()
                .map_or("none".to_owned(), Value::to_string);
            found.push(format!(
                "expected form parameter `{name}` to have the value {value}, it has {actual}"
            ));
        }
        if let Some(required) = expected.required
            && actual.required != required
        {
            let what = |r: bool| if r { "required" } else { "optional" };
            found.push(format!(
                "expected form parameter `{name}` to be {}, it is {}",
                what(required),
                what(actual.required)
            ));
        }
    }
    if let Some(page) = &expect.page
        && !conversation.page().is(page)
    {
        found.push(format!(
            "expected to be on page {page:?}, the session is on {:?}",
            conversation.page().display_name
        ));
    }
    match expect.ended {
        Some(true) if !applied.ended => {
            found.push("expected the session to end, it goes on".to_owned());
        }
        Some(false) if applied.ended => {
            found.push("expected the session to go on, it ended".to_owned());
        }
        _ => {}
    }
    found
}

/// Whether two parameter values mean the same: numbers compare as CX's doubles do (`4` is
/// `4.0`).
pub(crate) fn same(actual: &Value, expected: &Value) -> bool {
    let (mut actual, mut expected) = (actual.clone(), expected.clone());
    normalize_numbers(&mut actual);
    normalize_numbers(&mut expected);
    actual == expected
}

#[cfg(test)]
mod tests {
    use cxhook::types::{ParameterState, WebhookResponse};
    use serde_json::json;

    use super::*;
    use crate::scenario::file::{FormParam, OneOrMany};

    /// A conversation on page `Book` with a form, after `reply` was applied to it, and its
    /// session parameters before.
    fn after(reply: Value) -> (Struct, Applied, Conversation) {
        let mut conversation = Conversation::new().with_param("kept", 4);
        conversation.go_to("Book");
        conversation.set_form_param("time", ParameterState::Filled, Some(json!("10:00")));
        let request = conversation.request("t");
        let response: WebhookResponse = serde_json::from_value(reply).unwrap();
        let applied = conversation.apply(&request, &response);
        (request.session_info.parameters, applied, conversation)
    }

    fn expect(yaml: &str) -> Expect {
        serde_norway::from_str(yaml).unwrap()
    }

    #[test]
    fn the_end_of_the_session_is_checked() {
        let end = format!(
            "{}/flows/{}/pages/END_SESSION",
            cxhook_sim::AGENT,
            cxhook_sim::DEFAULT_FLOW
        );
        let (before, applied, conversation) = after(json!({"targetPage": end}));
        assert_eq!(
            mismatches(&expect("{ended: false}"), &before, &applied, &conversation),
            ["expected the session to go on, it ended"]
        );
        assert!(
            mismatches(
                &expect("{ended: true, page: END_SESSION}"),
                &before,
                &applied,
                &conversation
            )
            .is_empty()
        );
    }

    #[test]
    fn a_turn_as_expected_has_no_mismatches() {
        let (before, applied, conversation) = after(json!({
            "fulfillmentResponse": {"messages": [{"text": {"text": ["Friday is free."]}}]},
            "sessionInfo": {"parameters": {"ok": true, "kept": 4.0}}
        }));
        let expect = expect(
            "{text: Friday is free., text_contains: [Friday, free], params: {ok: true, kept: 4, \
             gone: null}, params_set: [ok], params_unchanged: [kept], form: {time: {state: FILLED, value: '10:00'}}, page: Book, ended: false}",
        );
        assert_eq!(
            mismatches(&expect, &before, &applied, &conversation),
            Vec::<String>::new()
        );
    }

    #[test]
    fn each_mismatch_says_what_was_expected_and_what_came() {
        let (before, applied, conversation) = after(json!({
            "fulfillmentResponse": {"messages": [{"text": {"text": ["Monday is free."]}}]},
            "sessionInfo": {"parameters": {"ok": false, "time": null}},
            "pageInfo": {"formInfo": {"parameterInfo": [
                {"displayName": "time", "state": "INVALID"}
            ]}}
        }));
        let expect = Expect {
            text: Some("Friday".to_owned()),
            text_contains: OneOrMany(vec!["Friday".to_owned()]),
            params: serde_json::from_value(json!({"ok": true, "kept": null, "missing": 1}))
                .unwrap(),
            params_set: vec!["ok".to_owned(), "nothing".to_owned()],
            params_unchanged: vec!["kept".to_owned(), "ok".to_owned(), "time".to_owned()],
            form: [
                (
                    "time".to_owned(),
                    FormParam {
                        state: ParameterState::Filled,
                        value: Some(json!("10:00")),
                        required: Some(true),
                    },
                ),
                (
                    "date".to_owned(),
                    FormParam {
                        state: ParameterState::Filled,
                        value: None,
                        required: None,
                    },
                ),
            ]
            .into_iter()
            .collect(),
            page: Some("Confirm".to_owned()),
            ended: Some(true),
        };
        let mut found = mismatches(&expect, &before, &applied, &conversation);
        let expected = [
            r#"expected the text "Friday", got "Monday is free.""#,
            r#"expected the text to contain "Friday", got "Monday is free.""#,
            "expected session parameter `kept` to be unset, it is 4",
            "expected session parameter `missing` = 1, it is not set",
            "expected session parameter `ok` = true, got false",
            "expected session parameter `nothing` to be set, it is not",
            "expected session parameter `ok` to stay as it was, it was not set before the turn",
            r#"expected session parameter `time` to stay "10:00", the turn deleted it"#,
            "expected form parameter `date` to be FILLED, the page's form has no such parameter",
            "expected form parameter `time` to be FILLED, it is INVALID",
            r#"expected form parameter `time` to have the value "10:00", it has none"#,
            "expected form parameter `time` to be required, it is optional",
            r#"expected to be on page "Confirm", the session is on "Book""#,
            "expected the session to end, it goes on",
        ];
        found.sort();
        let mut expected = expected.map(str::to_owned).to_vec();
        expected.sort();
        assert_eq!(found, expected);
    }
}
