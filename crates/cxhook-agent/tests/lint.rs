//! The agent-only rules of `cxhook_agent::lint` on small agents written for each case: where
//! a `webhook.error` handler puts a webhook call in scope (a form parameter's reprompt
//! handlers, a page's, a flow's; each page that uses a route group), and what the loader's
//! warnings become.

use std::path::Path;

use cxhook_agent::Agent;
use cxhook_agent::lint::{Rule, lint};
use serde_json::{Value, json};

/// Writes `files` (path → JSON) as an agent package under `dir`.
fn write(dir: &Path, files: &[(&str, Value)]) {
    let agent = json!({"displayName": "t", "defaultLanguageCode": "en", "startFlow": "F"});
    let webhook = json!({"displayName": "w", "genericWebService": {"uri": "https://w.example"}});
    let fixed = [("agent.json", agent), ("webhooks/w.json", webhook)];
    for (path, value) in fixed.iter().chain(files) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    }
}

/// A fulfillment calling webhook `w` with `tag`.
fn call(tag: &str) -> Value {
    json!({"webhook": "w", "tag": tag})
}

/// The `(rule, file, jsonPath)` of each finding of the agent in `dir`.
fn findings(dir: &Path) -> Vec<(Rule, String, String)> {
    let loaded = Agent::load(dir).unwrap();
    lint(&loaded, None)
        .into_iter()
        .map(|f| (f.rule, f.file, f.json_path))
        .collect()
}

#[test]
fn a_form_parameters_reprompt_handler_covers_its_prompt_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let param = |name: &str, handlers: Value| {
        json!({"displayName": name, "entityType": "@sys.any", "required": true,
               "fillBehavior": {"initialPromptFulfillment": call("ask"),
                                "repromptEventHandlers": handlers}})
    };
    let caught = json!([{"event": "webhook.error.timeout"}]);
    write(
        dir.path(),
        &[
            (
                "flows/F/F.json",
                json!({"displayName": "F", "eventHandlers": [{"event": "welcome", "targetPage": "P"}]}),
            ),
            (
                "flows/F/pages/P.json",
                json!({"displayName": "P", "form": {"parameters": [
                    param("a", caught), param("b", json!([]))]}}),
            ),
        ],
    );
    assert_eq!(
        findings(dir.path()),
        [(
            Rule::WebhookErrorHandler,
            "flows/F/pages/P.json".to_owned(),
            "form.parameters[1].fillBehavior.initialPromptFulfillment.webhook".to_owned()
        )]
    );
}

#[test]
fn an_agent_level_groups_call_needs_a_handler_on_each_page_that_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let group = json!({"displayName": "G", "transitionRoutes": [
        {"condition": "true", "triggerFulfillment": call("help")}]});
    let page = |name: &str, handlers: Value| json!({"displayName": name, "transitionRouteGroups": ["G"], "eventHandlers": handlers});
    let flow = json!({"displayName": "F", "transitionRoutes": [
        {"condition": "$session.params.x = 1", "targetPage": "Caught"},
        {"condition": "$session.params.x = 2", "targetPage": "Open"}]});
    write(
        dir.path(),
        &[
            ("flows/F/F.json", flow),
            (
                "flows/F/pages/Caught.json",
                page("Caught", json!([{"event": "webhook.error"}])),
            ),
            ("flows/F/pages/Open.json", page("Open", json!([]))),
            ("agentTransitionRouteGroups/G.json", group),
        ],
    );
    let loaded = Agent::load(dir.path()).unwrap();
    let found = lint(&loaded, None);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, Rule::WebhookErrorHandler);
    assert_eq!(found[0].file, "agentTransitionRouteGroups/G.json");
    assert!(
        found[0]
            .message
            .contains("page F / Open, which uses the group,"),
        "{}",
        found[0].message
    );
}

#[test]
fn loader_warnings_are_findings_but_for_what_the_runtime_does_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "flows/F/F.json",
                json!({"displayName": "F", "conditon": "typo",
                       "eventHandlers": [{"event": "welcome",
                                          "triggerFulfillment": {"webhook": "w"}}]}),
            ),
            (
                "generativeSettings/en.json",
                json!({"fallbackSettings": {}}),
            ),
        ],
    );
    let loaded = Agent::load(dir.path()).unwrap();
    assert!(
        loaded.warnings.len() >= 3,
        "unknown field, webhook without tag, generative settings: {:?}",
        loaded.warnings
    );
    let rules: Vec<Rule> = findings(dir.path()).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        [
            Rule::UnknownField,
            Rule::WebhookWithoutTag,
            Rule::WebhookErrorHandler
        ]
    );
}
