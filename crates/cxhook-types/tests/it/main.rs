//! The wire types against the project's fixtures and captured live requests.

use std::path::{Path, PathBuf};

use cxhook_types::{
    AudioSource, MergeBehavior, Message, ParameterState, Query, ResponseType, Transition,
    WebhookRequest, WebhookResponse,
};
use serde_json::{Value, json};

fn testdata(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// Keeps a response we emit for the contract test, when it asks for them.
fn keep_for_contract(name: &str, response: &WebhookResponse) {
    if let Some(dir) = std::env::var_os("CX_CONTRACT_DIR") {
        let path = Path::new(&dir).join(format!("cxhook-types-{name}"));
        std::fs::write(path, serde_json::to_vec(response).unwrap()).unwrap();
    }
}

fn parse_request(name: &str, body: &str) -> WebhookRequest {
    let de = &mut serde_json::Deserializer::from_str(body);
    serde_path_to_error::deserialize(de).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_request_fixture_parses() {
    let requests: Vec<_> = testdata("fixtures")
        .into_iter()
        .filter(|(name, _)| name.starts_with("request"))
        .collect();
    assert_eq!(requests.len(), 9);
    for (name, body) in requests {
        let request = parse_request(&name, &body);
        assert!(!request.detect_intent_response_id.is_empty(), "{name}");
        assert!(!request.session_info.session.is_empty(), "{name}");
        cxhook_types::SessionPath::parse(&request.session_info.session)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn every_captured_request_parses() {
    let captured = testdata("captured");
    assert!(captured.len() >= 6);
    for (name, body) in captured {
        let request = parse_request(&name, &body);
        assert!(
            request.tag().is_some(),
            "{name}: every capture carries a tag"
        );
    }
}

#[test]
fn request_fields_are_read() {
    let body = &testdata("fixtures")
        .into_iter()
        .find(|(name, _)| name.starts_with("request-03"))
        .unwrap()
        .1;
    let request = parse_request("request-03", body);
    assert_eq!(request.tag(), Some("booking.validate"));
    assert_eq!(
        request.query,
        Some(Query::Text("a table for four please".into()))
    );
    let time = request.form_param("time").unwrap();
    assert_eq!(time.state, ParameterState::Empty);
    assert!(time.required);
    let party = request.form_param("party_size").unwrap();
    assert!(party.just_collected);
    assert_eq!(party.value, Some(json!(4)), "4.0 reads as 4");
    assert!(!request.form_param("special_requests").unwrap().required);
    let intent = request.intent_info.as_ref().unwrap();
    assert_eq!(intent.parameters["party_size"].original_value, "4");
    assert_eq!(intent.parameters["party_size"].resolved_value, json!(4));
    assert_eq!(request.messages.len(), 2);
    assert_eq!(
        request.messages[0].response_type,
        ResponseType::HandlerPrompt
    );
    assert_eq!(request.messages[1].texts(), ["What time would you like?"]);
    assert_eq!(request.language(), "en");
}

#[test]
fn every_query_kind_is_read() {
    let cases = [
        ("text", Query::Text("hi".into())),
        ("triggerIntent", Query::TriggerIntent("hi".into())),
        ("transcript", Query::Transcript("hi".into())),
        ("triggerEvent", Query::TriggerEvent("hi".into())),
        ("dtmfDigits", Query::DtmfDigits("hi".into())),
        ("trigger_event", Query::TriggerEvent("hi".into())),
        ("dtmf_digits", Query::DtmfDigits("hi".into())),
    ];
    for (key, expected) in cases {
        let request: WebhookRequest = serde_json::from_value(json!({ key: "hi" })).unwrap();
        assert_eq!(request.query, Some(expected.clone()), "{key}");
        let written = serde_json::to_value(&request).unwrap();
        let again: WebhookRequest = serde_json::from_value(written).unwrap();
        assert_eq!(again.query, Some(expected), "{key} round trip");
    }
}

#[test]
fn undocumented_fields_snake_case_and_integer_or_double_numbers() {
    let body = json!({
        "detect_intent_response_id": "r-1",
        "callerId": "+15550100",
        "fulfillment_info": {"tag": "t", "unknownInner": 1},
        "page_info": {
            "current_page": "projects/p/locations/l/agents/a/flows/f/pages/p",
            "form_info": {"parameter_info": [
                {"display_name": "n", "state": "FILLED", "value": 1, "just_collected": true}
            ]}
        },
        "session_info": {"session": "projects/p/locations/l/agents/a/sessions/s",
                         "parameters": {"a": 4, "b": 4.0, "c": [1.0, {"d": 2.0}], "e": 0.5}},
        "intent_info": {"last_matched_intent": "i", "display_name": "d", "confidence": 1,
                        "parameters": {"n": {"original_value": "one", "resolved_value": 1.0}}},
        "messages": [
            {"text": {"text": ["x"], "redactedText": ["x"]}, "source": "VIRTUAL_AGENT",
             "response_type": "ENTRY_PROMPT"},
            {"someFutureKind": {"x": 1}, "channel": "web"}
        ],
        "sentiment_analysis_result": {"score": -1, "magnitude": 2.5},
        "language_info": {"input_language_code": "en-us", "resolved_language_code": "en-US",
                          "confidence_score": 1},
        "language_code": "en-us",
        "text": "hello"
    });
    let request: WebhookRequest = serde_json::from_value(body).unwrap();
    assert_eq!(request.detect_intent_response_id, "r-1");
    assert_eq!(request.tag(), Some("t"));
    let params = &request.session_info.parameters;
    assert_eq!(params["a"], params["b"]);
    assert_eq!(params["c"], json!([1, {"d": 2}]));
    assert_eq!(params["e"], json!(0.5));
    assert_eq!(request.form_param("n").unwrap().value, Some(json!(1)));
    assert_eq!(request.intent_info.as_ref().unwrap().confidence, 1.0);
    assert_eq!(request.messages[0].response_type, ResponseType::EntryPrompt);
    assert_eq!(request.messages[0].texts(), ["x"]);
    assert_eq!(
        request.messages[1].message, None,
        "an unknown kind is kept empty"
    );
    assert_eq!(request.messages[1].channel, "web");
    assert_eq!(request.sentiment_analysis_result.unwrap().score, -1.0);
    assert_eq!(request.language(), "en-US");
}

#[test]
fn two_members_of_a_one_of_are_refused_with_a_path() {
    let body = r#"{"sessionInfo": {}, "messages": [{"text": {"text": ["a"]}, "payload": {}}]}"#;
    let de = &mut serde_json::Deserializer::from_str(body);
    let err = serde_path_to_error::deserialize::<_, WebhookRequest>(de).unwrap_err();
    assert_eq!(err.path().to_string(), "messages[0]");
    assert!(
        err.to_string().contains("both `text` and `payload`"),
        "{err}"
    );

    let two_queries = serde_json::from_str::<WebhookRequest>(r#"{"text": "a", "dtmfDigits": "1"}"#);
    assert!(
        two_queries
            .unwrap_err()
            .to_string()
            .contains("`text` and `dtmfDigits`")
    );

    let two_targets = serde_json::from_str::<WebhookResponse>(
        r#"{"targetPage": "projects/p/locations/l/agents/a/flows/f/pages/x",
            "targetFlow": "projects/p/locations/l/agents/a/flows/f"}"#,
    );
    assert!(
        two_targets
            .unwrap_err()
            .to_string()
            .contains("`targetPage` and `targetFlow`")
    );
}

#[test]
fn a_parameter_given_twice_is_refused_like_a_field_given_twice() {
    let parse = |body: &str| {
        let de = &mut serde_json::Deserializer::from_str(body);
        serde_path_to_error::deserialize::<_, WebhookRequest>(de).unwrap_err()
    };
    let field = parse(r#"{"fulfillmentInfo": {"tag": "a", "tag": "b"}}"#);
    assert!(
        field.to_string().contains("duplicate field `tag`"),
        "{field}"
    );

    let param =
        parse(r#"{"sessionInfo": {"parameters": {"amount": 1, "city": "x", "amount": 2}}}"#);
    assert_eq!(param.path().to_string(), "sessionInfo.parameters");
    assert!(
        param.to_string().contains("duplicate key `amount`"),
        "{param}"
    );

    // The same name in two different objects is no duplicate; null is no parameters.
    let request: WebhookRequest =
        serde_json::from_str(r#"{"sessionInfo": {"parameters": {"a": {"a": 1}, "b": {"a": 2}}}}"#)
            .unwrap();
    assert_eq!(request.session_info.parameters.len(), 2);
    let request: WebhookRequest =
        serde_json::from_str(r#"{"sessionInfo": {"parameters": null}}"#).unwrap();
    assert!(request.session_info.parameters.is_empty());
}

#[test]
fn mistyped_fields_name_their_path() {
    let body = r#"{"sessionInfo": {"session": "s", "parameters": []}}"#;
    let de = &mut serde_json::Deserializer::from_str(body);
    let err = serde_path_to_error::deserialize::<_, WebhookRequest>(de).unwrap_err();
    assert_eq!(err.path().to_string(), "sessionInfo.parameters");
}

#[test]
fn every_response_fixture_round_trips() {
    let responses: Vec<_> = testdata("fixtures")
        .into_iter()
        .filter(|(name, _)| name.starts_with("response"))
        .collect();
    assert_eq!(responses.len(), 4);
    for (name, body) in responses {
        let original: Value = serde_json::from_str(&body).unwrap();
        let response: WebhookResponse =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let written = serde_json::to_value(&response).unwrap();
        assert_eq!(written, original, "{name} re-serializes to the same JSON");
        let emits_output_only = response
            .fulfillment_response
            .iter()
            .flat_map(|f| &f.messages)
            .any(|m| m.message.as_ref().is_some_and(Message::is_output_only));
        if !emits_output_only {
            keep_for_contract(&name, &response);
        }
    }
}

#[test]
fn response_fields_are_read() {
    let body = &testdata("fixtures")
        .into_iter()
        .find(|(name, _)| name.starts_with("response-01"))
        .unwrap()
        .1;
    let response: WebhookResponse = serde_json::from_str(body).unwrap();
    let fulfillment = response.fulfillment_response.as_ref().unwrap();
    assert_eq!(fulfillment.merge_behavior, MergeBehavior::Replace);
    assert!(fulfillment.messages.iter().any(|m| matches!(
        &m.message,
        Some(Message::OutputAudioText(t)) if matches!(t.source, Some(AudioSource::Ssml(_)))
    )));
    let params = &response.session_info.as_ref().unwrap().parameters;
    assert!(params.values().any(Value::is_null), "the deletion is kept");

    let body = &testdata("fixtures")
        .into_iter()
        .find(|(name, _)| name.starts_with("response-03"))
        .unwrap()
        .1;
    let response: WebhookResponse = serde_json::from_str(body).unwrap();
    assert!(matches!(
        response.transition,
        Some(Transition::TargetFlow(_))
    ));
}

#[test]
fn an_empty_response_is_an_empty_object() {
    let response = WebhookResponse::default();
    assert_eq!(serde_json::to_string(&response).unwrap(), "{}");
    keep_for_contract("empty.json", &response);
}

#[test]
fn explicit_null_deletes_are_written() {
    let mut response = WebhookResponse::default();
    let mut session = cxhook_types::SessionInfo::default();
    session.parameters.insert("gone".into(), Value::Null);
    response.session_info = Some(session);
    response.transition = Some(Transition::TargetPage(
        "projects/p/locations/global/agents/a/flows/f/pages/END_SESSION".into(),
    ));
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({"sessionInfo": {"parameters": {"gone": null}},
               "targetPage": "projects/p/locations/global/agents/a/flows/f/pages/END_SESSION"})
    );
    keep_for_contract("null-delete.json", &response);
}

#[test]
fn numbers_are_parsed_exactly_so_they_round_trip() {
    // Found by fuzz/parse_request: without serde_json's float_roundtrip, this number parsed
    // one unit in the last place away from the nearest double, and wrote back changed.
    let body = r#"{"sessionInfo": {"parameters": {"n": 15555555555555555555555555555555555555555555555.2}}}"#;
    let request: WebhookRequest = serde_json::from_str(body).unwrap();
    let n = &request.session_info.parameters["n"];
    assert_eq!(n.as_f64(), Some(1.5555555555555555e46));
    let written = serde_json::to_string(&request).unwrap();
    let again: WebhookRequest = serde_json::from_str(&written).unwrap();
    assert_eq!(&again.session_info.parameters["n"], n);
}
