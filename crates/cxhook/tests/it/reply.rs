//! `Reply`: every writable message kind, parameter and form changes, transitions, and the
//! combinations Dialogflow rejects.

use cxhook::Reply;
use serde_json::{Value, json};

use crate::support::{PAGE, keep_for_contract, request, typed};

fn finish(reply: Reply) -> Value {
    let response = reply.finish(&typed(&request("t", json!({})))).unwrap();
    let value = serde_json::to_value(&response).unwrap();
    keep_for_contract(&value);
    value
}

fn refused(reply: Reply) -> String {
    reply
        .finish(&typed(&request("t", json!({}))))
        .unwrap_err()
        .to_string()
}

const FLOW: &str =
    "projects/p/locations/global/agents/a/flows/00000000-0000-0000-0000-000000000000";

#[test]
fn every_writable_message_kind() {
    let reply = Reply::text("Hello.")
        .text_variants(["Hi!", "Hey!"])
        .ssml("Your balance is <say-as interpret-as=\"currency\">USD12.50</say-as>.")
        .speech("plain speech")
        .payload(json!({"richContent": [[{"type": "chips", "options": [{"text": "Yes"}]}]]}))
        .handoff(json!({"queue": "billing"}))
        .success(json!({"resolved": true}))
        .transfer_call("+15551234567")
        .play_audio("https://example.com/chime.wav")
        .knowledge_info_card()
        .tool_call(
            "projects/p/locations/global/agents/a/tools/crm",
            "createTicket",
            json!({"id": 1}),
        )
        .and_text("Only on SMS.")
        .on_channel("sms");
    assert_eq!(
        finish(reply),
        json!({"fulfillmentResponse": {"messages": [
            {"text": {"text": ["Hello."]}},
            {"text": {"text": ["Hi!", "Hey!"]}},
            {"outputAudioText": {"ssml": "<speak>Your balance is <say-as interpret-as=\"currency\">USD12.50</say-as>.</speak>"}},
            {"outputAudioText": {"text": "plain speech"}},
            {"payload": {"richContent": [[{"type": "chips", "options": [{"text": "Yes"}]}]]}},
            {"liveAgentHandoff": {"metadata": {"queue": "billing"}}},
            {"conversationSuccess": {"metadata": {"resolved": true}}},
            {"telephonyTransferCall": {"phoneNumber": "+15551234567"}},
            {"playAudio": {"audioUri": "https://example.com/chime.wav"}},
            {"knowledgeInfoCard": {}},
            {"toolCall": {"tool": "projects/p/locations/global/agents/a/tools/crm",
                          "action": "createTicket", "inputParameters": {"id": 1}}},
            {"text": {"text": ["Only on SMS."]}, "channel": "sms"}
        ]}})
    );
}

#[test]
fn parameters_are_set_and_cleared_with_an_explicit_null() {
    let reply = Reply::new()
        .set_param("balance_minor", 125_075)
        .set_param("currency", "USD")
        .clear_param("pending_lookup")
        .set_param("then_cleared", 1)
        .clear_param("then_cleared")
        .replace_messages();
    assert_eq!(
        finish(reply),
        json!({
            "fulfillmentResponse": {"mergeBehavior": "REPLACE"},
            "sessionInfo": {"parameters": {
                "balance_minor": 125_075, "currency": "USD",
                "pending_lookup": null, "then_cleared": null
            }}
        })
    );
}

#[test]
fn form_parameters_are_invalidated_required_and_set() {
    let reply = Reply::text("That time is taken.")
        .invalidate("time")
        .require("notes")
        .optional("date")
        .set_form_value("notes", "window seat");
    assert_eq!(
        finish(reply)["pageInfo"],
        json!({"formInfo": {"parameterInfo": [
            {"displayName": "time", "required": true, "state": "INVALID"},
            {"displayName": "notes", "required": true, "state": "FILLED", "value": "window seat"},
            {"displayName": "date", "state": "FILLED"}
        ]}})
    );
}

#[test]
fn pages_and_flows_by_id_resolve_against_the_request() {
    assert_eq!(
        finish(Reply::new().end_session()),
        json!({"targetPage": format!("{FLOW}/pages/END_SESSION")})
    );
    assert_eq!(
        finish(Reply::new().to_page(format!("{FLOW}/pages/confirm"))),
        json!({"targetPage": format!("{FLOW}/pages/confirm")})
    );
    assert_eq!(
        finish(Reply::new().to_flow("billing")),
        json!({"targetFlow": "projects/p/locations/global/agents/a/flows/billing"})
    );
    let response = Reply::new()
        .to_flow("billing")
        .finish(&typed(
            &json!({"sessionInfo": {"session": crate::support::SESSION}}),
        ))
        .unwrap();
    assert_eq!(
        serde_json::to_value(response).unwrap(),
        json!({"targetFlow": "projects/p/locations/global/agents/a/flows/billing"}),
        "without a current page the agent comes from the session"
    );
}

#[test]
fn an_empty_reply_is_an_empty_object() {
    assert_eq!(finish(Reply::new()), json!({}));
}

#[test]
fn what_dialogflow_rejects_is_refused() {
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::new().text_variants(Vec::<String>::new()),
            "at least one variant",
        ),
        (
            Reply::new().ssml("<speak>a</speak><speak>b</speak>"),
            "one <speak>",
        ),
        (Reply::new().payload(json!([1, 2])), "must be a JSON object"),
        (Reply::new().payload(json!("text")), "must be a JSON object"),
        (Reply::new().transfer_call("555-1234"), "not an E.164"),
        (
            Reply::new().transfer_call("+1234567890123456"),
            "not an E.164",
        ),
        (Reply::new().play_audio(""), "needs an audio URI"),
        (
            Reply::new().tool_call("", "run", json!({})),
            "a tool and an action",
        ),
        (Reply::new().on_channel("sms"), "needs a message"),
        (Reply::new().set_param("", 1), "needs a name"),
        (
            Reply::new().invalidate("party_size"),
            "no parameter `party_size`",
        ),
        (
            Reply::new().to_page("confirm").to_flow("billing"),
            "not several targets",
        ),
        (
            Reply::new().to_page("projects/p/locations/global/agents/a/flows/other/pages/x"),
            "not a page of the current flow",
        ),
        (
            Reply::new().to_page("projects/p/pages/x"),
            "is not a page name",
        ),
        (
            Reply::new().to_flow("projects/p/flows/x"),
            "is not a flow name",
        ),
        (Reply::new().to_page(""), "/pages/` is not a page name"),
        (Reply::new().to_flow(""), "/flows/` is not a flow name"),
    ];
    for (reply, expected) in cases {
        let error = refused(reply);
        assert!(
            error.contains(expected),
            "{error:?} should say {expected:?}"
        );
    }
    let mut deep = json!(1);
    for _ in 0..25 {
        deep = json!({ "d": deep });
    }
    assert!(refused(Reply::new().payload(deep)).contains("deeper than 24"));
}

#[test]
fn a_page_by_id_needs_a_current_page() {
    let error = Reply::new()
        .to_page("END_SESSION")
        .finish(&Default::default())
        .unwrap_err();
    assert!(
        error.to_string().contains("names no current page"),
        "{error}"
    );
    let _ = PAGE;
}
