//! Test cases run on the runtime: where a case starts (`testConfig.flow` and `.page`), a turn
//! whose webhooks are off, and each of CX's comparisons (INTENT, PAGE, FLOW, PARAMETERS with
//! and without tracking parameters, UTTERANCE).

mod common;

use common::{Answers, block_on, load, no_webhooks, ok};
use cxhook_agent::model::TestCase;
use cxhook_agent::runtime::{Runtime, Turn};
use cxhook_agent::test_case::{DiffKind, run};
use serde_json::{Value, json};

/// A test case from its JSON, as an export writes it.
fn case(json: Value) -> TestCase {
    serde_json::from_value(json).unwrap()
}

/// Divebooker's group request, recorded with `output` as what the agent did.
fn group_request(tracking: Value, output: Value) -> TestCase {
    case(json!({
        "displayName": "group",
        "testConfig": {"flow": "Liveaboards", "trackingParameters": tracking},
        "testCaseConversationTurns": [{
            "userInput": {"input": {"text": {"text":
                "I would like to hire a boat in the Sea of Cortez with other 12 divers"},
                "languageCode": "en"}},
            "virtualAgentOutput": output
        }]
    }))
}

#[test]
fn a_case_starts_on_the_page_its_config_names_in_whichever_flow_has_it() {
    let agent = load("goodbye-graffiti");
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let session = runtime.session_at(None, Some("> collect address")).unwrap();
    assert_eq!(
        (session.flow(), session.page()),
        ("Address Collection", "> collect address")
    );
    let session = runtime
        .session_at(Some("Default Start Flow"), Some("> collect address"))
        .unwrap();
    assert_eq!(session.flow(), "Address Collection", "the page wins");
    let session = runtime
        .session_at(Some("Waiting Room"), Some("Start Page"))
        .unwrap();
    assert_eq!(
        (session.flow(), session.page()),
        ("Waiting Room", "Start Page")
    );
    let error = runtime.session_at(None, Some("Nowhere")).unwrap_err();
    assert!(
        error.to_string().contains("no flow has a page `Nowhere`"),
        "{error}"
    );
    let error = runtime.session_at(Some("Gone"), None).unwrap_err();
    assert!(
        error.to_string().contains("there is no flow `Gone`"),
        "{error}"
    );
}

#[test]
fn a_turn_without_webhooks_calls_none_and_goes_on() {
    let agent = load("goodbye-graffiti");
    let webhooks = Answers::new(|_: &str, _: &Value| ok(json!({})));
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session_at(None, Some("Enter Location")).unwrap();
    let turn = Turn::text("Hosier Lane, Melbourne").without_webhooks();
    let result = block_on(runtime.turn(&mut session, turn)).unwrap();
    assert!(result.webhook_calls.is_empty());
    assert!(webhooks.seen.lock().unwrap().is_empty());
    assert_eq!(result.page, "Display Location");
    let result = block_on(runtime.turn(
        &mut runtime.session_at(None, Some("Enter Location")).unwrap(),
        Turn::text("Hosier Lane, Melbourne"),
    ))
    .unwrap();
    assert_eq!(result.tags(), ["geocode"], "on by default");
}

#[test]
fn what_the_recording_holds_is_compared_and_nothing_else() {
    let agent = load("divebooker");
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let texts = json!([
        {"text": ["To assist you with that I need to collect the details of your travel and then we'll get back to you with an offer shortly. "]},
        {"text": ["When would you like to go?"]}
    ]);
    // Without tracking parameters, the recorded ones are compared; others the session has
    // (destination) are not.
    let passing = group_request(
        json!([]),
        json!({"sessionParameters": {"NUMBER-of-guests": "12"},
               "triggeredIntent": {"name": "head.send.group.request"},
               "currentPage": {"name": "Collect Further Info", "flow": "Liveaboards"},
               "textResponses": texts}),
    );
    let result = block_on(run(&runtime, &passing, None));
    assert!(result.passed(), "{result:?}");
    // With them, each tracked one is compared, one the recording lacks must be unset.
    let tracked = group_request(
        json!(["destination", "email-address", "departure-month"]),
        json!({"sessionParameters": {"destination": "Mexico", "number-of-guests": "99"},
               "currentPage": {"name": "Collect Further Info", "flow": "Default Start Flow"},
               "textResponses": [{"text": ["When would you like to go?"]}]}),
    );
    let result = block_on(run(&runtime, &tracked, None));
    let found: Vec<(DiffKind, &str)> = result
        .differences
        .iter()
        .map(|d| (d.kind, d.field.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (DiffKind::Intent, "triggeredIntent.name"),
            (DiffKind::Flow, "currentPage.flow"),
            (DiffKind::Utterance, "textResponses"),
        ],
        "number-of-guests is not tracked; destination is, and matches"
    );
    assert_eq!(result.differences[0].expected, Value::Null);
    assert_eq!(result.differences[0].got, json!("head.send.group.request"));
    assert_eq!(
        result.differences[1].to_string(),
        "turn 1, currentPage.flow (FLOW): expected \"Default Start Flow\", got \"Liveaboards\""
    );
    let unset = group_request(
        json!(["destination"]),
        json!({"triggeredIntent": {"name": "head.send.group.request"},
               "currentPage": {"name": "Collect Further Info"}, "textResponses": texts}),
    );
    let result = block_on(run(&runtime, &unset, None));
    assert_eq!(result.differences.len(), 1, "{result:?}");
    assert_eq!(result.differences[0].kind, DiffKind::Parameters);
    assert_eq!(
        (&result.differences[0].expected, &result.differences[0].got),
        (&Value::Null, &json!("Mexico"))
    );
}

#[test]
fn a_case_that_cannot_start_or_has_no_input_says_why() {
    let agent = load("divebooker");
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let nowhere = case(json!({"testConfig": {"page": "Checkout"},
        "testCaseConversationTurns": [{"userInput": {"input": {"text": {"text": "hi"}}}}]}));
    let result = block_on(run(&runtime, &nowhere, None));
    assert_eq!(
        result.error.as_deref(),
        Some("testConfig: the agent cannot run: no flow has a page `Checkout`")
    );
    let silent = case(
        json!({"testCaseConversationTurns": [{"userInput": {"input": {"languageCode": "en"}}}]}),
    );
    let result = block_on(run(&runtime, &silent, None));
    assert!(!result.passed());
    assert!(
        result
            .error
            .unwrap()
            .starts_with("turn 1: userInput.input has no text")
    );
}
