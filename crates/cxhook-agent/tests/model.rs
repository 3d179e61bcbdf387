//! The model reads every resource file of the three exported agents, and the parts the turn
//! engine relies on come out typed: targets (special pages included), messages, presets,
//! conditional cases, flexible webhooks.

use std::path::{Path, PathBuf};

use cxhook_agent::model::{
    CaseContent, EventHandler, Flow, Generator, Intent, Page, SpecialPage, Target, Webhook,
    WebhookType,
};
use serde::de::DeserializeOwned;

fn agents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents")
}

fn read<T: DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_resource_file_of_the_three_agents_reads() {
    let mut all = Vec::new();
    files(&agents(), &mut all);
    let (mut flows, mut pages, mut webhooks, mut intents, mut generators) = (0, 0, 0, 0, 0);
    for path in &all {
        let rel = path.strip_prefix(agents()).unwrap();
        let parts: Vec<_> = rel.iter().map(|p| p.to_str().unwrap()).collect();
        match parts.as_slice() {
            [_, "agent.json"] => {
                let agent: cxhook_agent::model::Agent = read(path);
                assert!(!agent.start_flow.is_empty() || agent.default_language_code == "en");
            }
            [_, "flows", _, _] => {
                read::<Flow>(path);
                flows += 1;
            }
            [_, "flows", _, "pages", _] => {
                read::<Page>(path);
                pages += 1;
            }
            [_, "webhooks", _] => {
                read::<Webhook>(path);
                webhooks += 1;
            }
            [_, "intents", _, _] => {
                read::<Intent>(path);
                intents += 1;
            }
            [_, "generators", _, _] => {
                read::<Generator>(path);
                generators += 1;
            }
            _ => {}
        }
    }
    assert_eq!((flows, webhooks, generators), (5, 2, 4));
    assert!(
        pages >= 30 && intents >= 10,
        "{pages} pages, {intents} intents"
    );
}

#[test]
fn routes_read_their_targets_including_the_special_pages() {
    let page: Page =
        read(&agents().join("goodbye-graffiti/flows/Default Start Flow/pages/Enter Location.json"));
    let targets: Vec<&Target> = page.transition_routes.iter().map(|r| &r.target).collect();
    assert!(
        targets.contains(&&Target::Flow("Address Collection".into())),
        "{targets:?}"
    );
    let mut specials = Vec::new();
    let dir = agents().join("goodbye-graffiti/flows/Address Collection/pages");
    for entry in std::fs::read_dir(dir).unwrap() {
        let page: Page = read(&entry.unwrap().path());
        let handlers = page.event_handlers.iter().chain(
            page.form
                .parameters
                .iter()
                .flat_map(|p| p.fill_behavior.reprompt_event_handlers.iter()),
        );
        let routes = page.transition_routes.iter().map(|r| &r.target);
        for target in routes.chain(handlers.map(|h: &EventHandler| &h.target)) {
            if let Target::Special(special) = target {
                specials.push(*special);
            }
            if let Target::Page(name) = target {
                assert!(SpecialPage::from_name(name).is_none());
            }
        }
    }
    assert!(specials.contains(&SpecialPage::EndFlow));
    assert!(specials.contains(&SpecialPage::CurrentPage));
}

#[test]
fn a_route_with_two_targets_is_an_error() {
    let text =
        r#"{"transitionRoutes": [{"condition": "true", "targetPage": "A", "targetFlow": "B"}]}"#;
    let err = serde_json::from_str::<Page>(text).unwrap_err();
    assert!(
        err.to_string().contains("at most one of targetPage"),
        "{err}"
    );
}

#[test]
fn fulfillments_read_messages_presets_and_conditional_cases() {
    let page: Page =
        read(&agents().join(
            "goodbye-graffiti/flows/Address Collection/pages/%3e address validation api.json",
        ));
    let entry = &page.entry_fulfillment;
    assert_eq!(
        entry.webhook.as_deref(),
        Some("prebuilt_components_address_collection:address_validation")
    );
    let handlers: Vec<&str> = page
        .event_handlers
        .iter()
        .map(|h| h.event.as_str())
        .collect();
    assert!(handlers.contains(&"webhook.error"), "{handlers:?}");

    let text = r#"{
      "messages": [{"text": {"text": ["hi $session.params.name"]}, "languageCode": "en"}],
      "webhook": "lookup_place", "tag": "geocode",
      "setParameterActions": [{"parameter": "a", "value": {"x": "$flow.y"}}, {"parameter": "b"}],
      "conditionalCases": [{"cases": [{"condition": "$session.params.a = 1", "caseContent": [
        {"message": {"text": {"text": ["one"]}}},
        {"additionalCases": {"cases": [{"caseContent": [{"message": {"text": {"text": ["nested"]}}}]}]}}
      ]}]}]
    }"#;
    let fulfillment: cxhook_agent::model::Fulfillment = serde_json::from_str(text).unwrap();
    assert_eq!(fulfillment.messages[0].language_code, "en");
    assert_eq!(
        fulfillment.messages[0].message.texts(),
        ["hi $session.params.name"]
    );
    assert_eq!(fulfillment.tag.as_deref(), Some("geocode"));
    assert_eq!(
        fulfillment.set_parameter_actions[1].value,
        serde_json::Value::Null
    );
    let case = &fulfillment.conditional_cases[0].cases[0];
    assert_eq!(case.condition, "$session.params.a = 1");
    match &case.case_content[1] {
        CaseContent::AdditionalCases(nested) => assert_eq!(nested.cases[0].condition, ""),
        CaseContent::Message(message) => panic!("{message:?}"),
    }
}

#[test]
fn the_flexible_webhook_reads_its_mapping_in_order_and_hides_its_username() {
    let webhook: Webhook = read(&agents().join(
        "goodbye-graffiti/webhooks/prebuilt_components_address_collection%3aaddress_validation.json",
    ));
    let service = webhook.generic_web_service.as_ref().unwrap();
    assert_eq!(service.webhook_type, WebhookType::Flexible);
    assert_eq!(service.parameter_mapping[0].key, "$flow.admin_area_webhook");
    assert_eq!(service.username.as_ref().unwrap().expose(), "key");
    assert_eq!(webhook.timeout.unwrap().seconds, 5);

    let text = r#"{"displayName": "w", "genericWebService": {"uri": "https://x",
      "requestHeaders": {"Authorization": "Bearer s3cr3t-token"}, "password": "hunter2-pw"}}"#;
    let webhook: Webhook = serde_json::from_str(text).unwrap();
    let debug = format!("{webhook:?}");
    assert!(
        !debug.contains("s3cr3t-token") && !debug.contains("hunter2-pw"),
        "{debug}"
    );
    let headers = &webhook.generic_web_service.unwrap().request_headers;
    assert_eq!(headers[0].value.expose(), "Bearer s3cr3t-token");
}
