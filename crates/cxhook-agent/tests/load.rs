//! Loading exported agents: the three real ones from directories and from a zip, and one
//! small agent per kind of error and warning, built file by file in a temporary directory.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use cxhook_agent::Agent;
use cxhook_agent::load::{LoadError, Loaded, Missing, WarningKind};
use cxhook_agent::model::{SpecialPage, Target};
use serde_json::{Value, json};

fn agents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents")
}

/// (flows, pages, intents, entity types, webhooks, generators, route groups).
fn counts(agent: &Agent) -> [usize; 7] {
    let pages = agent.flows.values().map(|flow| flow.pages.len()).sum();
    let groups = agent
        .flows
        .values()
        .map(|flow| flow.route_groups.len())
        .sum::<usize>()
        + agent.route_groups.len();
    [
        agent.flows.len(),
        pages,
        agent.intents.len(),
        agent.entity_types.len(),
        agent.webhooks.len(),
        agent.generators.len(),
        groups,
    ]
}

fn load(path: impl AsRef<Path>) -> Loaded {
    let path = path.as_ref();
    Agent::load(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn the_three_agents_load_whole() {
    let expected = [
        ("goodbye-graffiti", [3, 28, 23, 2, 2, 2, 0]),
        ("divebooker", [1, 1, 3, 2, 0, 0, 0]),
        ("blood-donation", [1, 1, 4, 0, 0, 2, 0]),
    ];
    for (name, expected) in expected {
        let loaded = load(agents().join(name));
        assert_eq!(counts(&loaded.agent), expected, "{name}");
        // The only thing not read is the generative fallback settings.
        for warning in &loaded.warnings {
            assert!(
                warning.file.starts_with("generativeSettings/"),
                "{name}: {warning}"
            );
        }
    }
}

#[test]
fn the_goodbye_graffiti_agent_resolves_encoded_names_and_reads_every_part() {
    let agent = load(agents().join("goodbye-graffiti")).agent;
    assert_eq!(agent.start_flow, "Default Start Flow");
    let address = agent.flow("Address Collection").unwrap();
    // `pages/%3e collect address.json`, reached by `targetPage: "> collect address"`.
    assert!(address.page("> collect address").is_some());
    assert!(address.page("%3e collect address").is_none());
    let escalation = address.page("end escalation").unwrap();
    assert_eq!(
        escalation.transition_routes[0].target,
        Target::Special(SpecialPage::EndFlowWithHumanEscalation)
    );
    let webhook = agent
        .webhook("prebuilt_components_address_collection:address_validation")
        .unwrap();
    assert_eq!(
        webhook
            .generic_web_service
            .as_ref()
            .unwrap()
            .parameter_mapping
            .len(),
        13
    );
    let welcome = agent.intent("Default Welcome Intent").unwrap();
    assert_eq!(welcome.training_phrases["en"].len(), 16);
    let summary = agent.generators.get("Report Summary").unwrap();
    assert!(summary.prompts["en"].contains("$location"));
    let call = &agent
        .flows
        .values()
        .flat_map(|flow| flow.pages.values())
        .flat_map(|page| page.transition_routes.iter())
        .flat_map(|route| route.trigger_fulfillment.generators.iter())
        .next()
        .unwrap()
        .generator;
    assert!(agent.generator(call).is_some(), "{call}");
}

#[test]
fn the_divebooker_agent_reads_entities_synonyms_and_excluded_phrases() {
    let agent = load(agents().join("divebooker")).agent;
    let destination = agent.entity_type("destination").unwrap();
    assert!(
        destination.entities["en"]
            .iter()
            .any(|e| e.synonyms.len() > 1)
    );
    assert!(!destination.excluded_phrases["en"].is_empty());
}

/// Writes a zip of the directory `dir` into `zip`, every file under `top/`, with a
/// `__MACOSX/` copy of each file as macOS's archiver writes it (not JSON).
fn zip_dir(dir: &Path, top: &str, zip: &mut zip::ZipWriter<std::fs::File>, relative: &str) {
    let options = zip::write::SimpleFileOptions::default();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{relative}{}", entry.file_name().to_str().unwrap());
        if entry.file_type().unwrap().is_dir() {
            zip.add_directory(format!("{top}/{name}/"), options)
                .unwrap();
            zip_dir(&entry.path(), top, zip, &format!("{name}/"));
        } else {
            zip.start_file(format!("{top}/{name}"), options).unwrap();
            zip.write_all(&std::fs::read(entry.path()).unwrap())
                .unwrap();
            zip.start_file(format!("__MACOSX/{top}/._{name}"), options)
                .unwrap();
            zip.write_all(b"\x00\x05\x16\x07 AppleDouble, not JSON")
                .unwrap();
        }
    }
}

#[test]
fn a_zip_with_a_wrapping_folder_and_macos_metadata_loads_like_the_directory() {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("goodbye-graffiti.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip_dir(
        &agents().join("goodbye-graffiti"),
        "exported-agent",
        &mut zip,
        "",
    );
    zip.finish().unwrap();

    let from_zip = load(&path);
    let from_dir = load(agents().join("goodbye-graffiti"));
    assert_eq!(counts(&from_zip.agent), counts(&from_dir.agent));
    assert_eq!(from_zip.warnings, from_dir.warnings);
    assert!(
        from_zip
            .agent
            .flow("Address Collection")
            .unwrap()
            .page("> address validation api")
            .is_some()
    );
}

/// A small valid agent: a start flow routing intent `hello` to page `A`, whose form asks
/// for a `@colour`, an agent-level route group, and a webhook with secrets.
fn base() -> BTreeMap<String, Value> {
    let files = [
        (
            "agent.json",
            json!({"displayName": "t", "defaultLanguageCode": "en", "startFlow": "Default Start Flow"}),
        ),
        (
            "flows/Default Start Flow/Default Start Flow.json",
            json!({"displayName": "Default Start Flow", "transitionRoutes": [
                {"intent": "hello", "targetPage": "A"},
                {"condition": "true", "triggerFulfillment": {"webhook": "hook", "tag": "t"}}
            ]}),
        ),
        (
            "flows/Default Start Flow/pages/A.json",
            json!({"displayName": "A",
                "form": {"parameters": [
                    {"displayName": "colour", "entityType": "@colour", "required": true},
                    {"displayName": "when", "entityType": "@sys.date"}
                ]},
                "transitionRouteGroups": ["common"],
                "transitionRoutes": [{"condition": "$page.params.status = \"FINAL\"", "targetPage": "End Session"}]}),
        ),
        (
            "agentTransitionRouteGroups/common.json",
            json!({"displayName": "common", "transitionRoutes": [{"intent": "hello", "targetPage": "A"}]}),
        ),
        (
            "intents/hello/hello.json",
            json!({"displayName": "hello", "parameters": [{"id": "colour", "entityType": "@colour"}]}),
        ),
        (
            "intents/hello/trainingPhrases/en.json",
            json!({"trainingPhrases": [{"parts": [{"text": "hi "}, {"text": "red", "parameterId": "colour"}], "languageCode": "en"}]}),
        ),
        (
            "entityTypes/colour/colour.json",
            json!({"displayName": "colour", "kind": "KIND_MAP"}),
        ),
        (
            "entityTypes/colour/entities/en.json",
            json!({"entities": [{"value": "red", "synonyms": ["red", "crimson"]}]}),
        ),
        (
            "webhooks/hook.json",
            json!({"displayName": "hook", "genericWebService": {"uri": "https://example.test/hook?key=key-SECRET-4714&v=1",
                "username": "user-SECRET-4711", "password": "pass-SECRET-4712",
                "requestHeaders": [{"key": "Authorization", "value": "Bearer header-SECRET-4713"}]}}),
        ),
    ];
    files
        .into_iter()
        .map(|(path, value)| (path.to_owned(), value))
        .collect()
}

const SECRETS: [&str; 4] = [
    "user-SECRET-4711",
    "pass-SECRET-4712",
    "header-SECRET-4713",
    "key-SECRET-4714",
];

/// Writes `files` (JSON values, or raw text for strings) into a temporary directory.
fn write(files: &BTreeMap<String, Value>) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    for (path, value) in files {
        let path = temp.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = match value {
            Value::String(raw) => raw.clone(),
            value => serde_json::to_string_pretty(value).unwrap(),
        };
        std::fs::write(path, text).unwrap();
    }
    temp
}

/// Loads `base()` changed by `change`.
fn load_changed(change: impl FnOnce(&mut BTreeMap<String, Value>)) -> Result<Loaded, LoadError> {
    let mut files = base();
    change(&mut files);
    let temp = write(&files);
    Agent::load(temp.path())
}

fn load_error(change: impl FnOnce(&mut BTreeMap<String, Value>)) -> LoadError {
    let error = load_changed(change).map(|loaded| loaded.agent).unwrap_err();
    let text = format!("{error} {error:?}");
    for secret in SECRETS {
        assert!(!text.contains(secret), "{text}");
    }
    error
}

fn at<'a>(files: &'a mut BTreeMap<String, Value>, file: &str) -> &'a mut Value {
    files.get_mut(file).unwrap()
}

const START: &str = "flows/Default Start Flow/Default Start Flow.json";
const PAGE: &str = "flows/Default Start Flow/pages/A.json";

#[test]
fn the_base_agent_loads_without_warnings() {
    let loaded = load_changed(|_| {}).unwrap();
    assert_eq!(loaded.warnings, []);
    assert_eq!(counts(&loaded.agent), [1, 1, 1, 1, 1, 0, 1]);
}

#[test]
fn a_dangling_target_page_names_file_path_page_and_flow() {
    let error =
        load_error(|files| at(files, PAGE)["transitionRoutes"][0]["targetPage"] = json!("Z"));
    assert_eq!(
        error.to_string(),
        "flows/Default Start Flow/pages/A.json: transitionRoutes[0].targetPage: no page \"Z\" in flow \"Default Start Flow\""
    );
}

#[test]
fn display_names_are_case_sensitive() {
    let error =
        load_error(|files| at(files, START)["transitionRoutes"][0]["targetPage"] = json!("a"));
    assert!(matches!(
        error,
        LoadError::Dangling { missing: Missing::Page { ref page, .. }, .. } if page == "a"
    ));
}

#[test]
fn a_dangling_target_flow_is_an_error() {
    let error = load_error(|files| {
        at(files, START)["transitionRoutes"][0] = json!({"intent": "hello", "targetFlow": "Nope"});
    });
    assert_eq!(
        error.to_string(),
        format!("{START}: transitionRoutes[0].targetFlow: no flow \"Nope\"")
    );
}

#[test]
fn a_dangling_intent_is_an_error() {
    let error =
        load_error(|files| at(files, START)["transitionRoutes"][0]["intent"] = json!("bye"));
    assert_eq!(
        error.to_string(),
        format!("{START}: transitionRoutes[0].intent: no intent \"bye\"")
    );
}

#[test]
fn a_dangling_webhook_is_an_error() {
    let error = load_error(|files| {
        at(files, START)["transitionRoutes"][1]["triggerFulfillment"]["webhook"] = json!("other");
    });
    assert_eq!(
        error.to_string(),
        format!("{START}: transitionRoutes[1].triggerFulfillment.webhook: no webhook \"other\"")
    );
}

#[test]
fn a_dangling_route_group_is_an_error() {
    let error = load_error(|files| at(files, PAGE)["transitionRouteGroups"] = json!(["rare"]));
    assert_eq!(
        error.to_string(),
        format!(
            "{PAGE}: transitionRouteGroups[0]: no transition route group \"rare\" in flow \"Default Start Flow\" or at agent level"
        )
    );
}

#[test]
fn an_agent_level_group_targets_pages_of_the_flow_using_it() {
    let error = load_error(|files| {
        at(files, "agentTransitionRouteGroups/common.json")["transitionRoutes"][0]["targetPage"] =
            json!("B");
    });
    assert_eq!(
        error.to_string(),
        "agentTransitionRouteGroups/common.json: transitionRoutes[0].targetPage: no page \"B\" in flow \"Default Start Flow\""
    );
}

#[test]
fn a_dangling_entity_type_of_a_form_or_intent_parameter_is_an_error() {
    let error = load_error(|files| {
        at(files, PAGE)["form"]["parameters"][0]["entityType"] = json!("@color");
    });
    assert_eq!(
        error.to_string(),
        format!("{PAGE}: form.parameters[0].entityType: no entity type \"@color\"")
    );
    let error = load_error(|files| {
        at(files, "intents/hello/hello.json")["parameters"][0]["entityType"] = json!("@shade");
    });
    assert_eq!(
        error.to_string(),
        "intents/hello/hello.json: parameters[0].entityType: no entity type \"@shade\""
    );
}

#[test]
fn a_dangling_generator_is_an_error() {
    let error = load_error(|files| {
        at(files, PAGE)["entryFulfillment"] = json!({"generators": [
            {"generator": "projects/p/locations/global/agents/a/generators/123", "outputParameter": "$request.generative.x"}
        ]});
    });
    assert!(matches!(
        error,
        LoadError::Dangling {
            missing: Missing::Generator(_),
            ..
        }
    ));
    assert!(error.to_string().starts_with(&format!(
        "{PAGE}: entryFulfillment.generators[0].generator: no generator"
    )));
}

#[test]
fn a_dangling_start_flow_is_an_error() {
    let error = load_error(|files| at(files, "agent.json")["startFlow"] = json!("Main"));
    assert_eq!(error.to_string(), "agent.json: startFlow: no flow \"Main\"");
}

#[test]
fn a_training_phrase_annotating_an_unknown_parameter_is_an_error() {
    let error = load_error(|files| {
        at(files, "intents/hello/trainingPhrases/en.json")["trainingPhrases"][0]["parts"][1]["parameterId"] =
            json!("color");
    });
    assert_eq!(
        error.to_string(),
        "intents/hello/trainingPhrases/en.json: trainingPhrases[0].parts[1].parameterId: no parameter \"color\" in intent \"hello\""
    );
}

#[test]
fn malformed_json_names_the_file() {
    let error = load_error(|files| {
        files.insert(PAGE.to_owned(), json!("{\"displayName\": \"A\",,}"));
    });
    match &error {
        LoadError::Malformed { file, message, .. } => {
            assert_eq!(file, PAGE);
            assert!(message.contains("line 1"), "{message}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_value_of_the_wrong_type_names_its_json_path() {
    let error = load_error(|files| at(files, PAGE)["transitionRoutes"][0]["targetPage"] = json!(7));
    match &error {
        LoadError::Malformed {
            file, json_path, ..
        } => {
            assert_eq!(
                (file.as_str(), json_path.as_str()),
                (PAGE, "transitionRoutes[0].targetPage")
            );
        }
        other => panic!("{other}"),
    }
    let error = load_error(|files| {
        at(files, PAGE)["form"]["parameters"][1]["fillBehavior"] =
            json!({"initialPromptFulfillment": {"setParameterActions": [{"parameter": 1}]}});
    });
    assert!(
        error.to_string().starts_with(&format!(
            "{PAGE}: form.parameters[1].fillBehavior.initialPromptFulfillment.setParameterActions[0].parameter: invalid type"
        )),
        "{error}"
    );
}

#[test]
fn a_route_with_two_targets_or_no_trigger_is_an_error() {
    let error =
        load_error(|files| at(files, PAGE)["transitionRoutes"][0]["targetFlow"] = json!("F"));
    assert!(
        error.to_string().starts_with(&format!(
            "{PAGE}: transitionRoutes[0]: at most one of targetPage, targetFlow"
        )),
        "{error}"
    );
    let error =
        load_error(|files| at(files, PAGE)["transitionRoutes"][0] = json!({"targetPage": "A"}));
    assert_eq!(
        error.to_string(),
        format!("{PAGE}: transitionRoutes[0]: a route needs an intent, a condition or both")
    );
}

#[test]
fn two_pages_with_one_display_name_are_an_error() {
    let error = load_error(|files| {
        files.insert(
            "flows/Default Start Flow/pages/A copy.json".to_owned(),
            json!({"displayName": "A"}),
        );
    });
    assert_eq!(
        error.to_string(),
        format!(
            "flows/Default Start Flow/pages/A.json: displayName: page \"A\" is also defined in flows/Default Start Flow/pages/A copy.json"
        )
    );
}

#[test]
fn pages_of_a_flow_without_its_file_are_an_error() {
    let error = load_error(|files| {
        files.insert(
            "flows/Other/pages/B.json".to_owned(),
            json!({"displayName": "B"}),
        );
    });
    assert_eq!(error.to_string(), "flows/Other/: no flows/Other/Other.json");
}

#[test]
fn a_file_name_that_does_not_decode_is_an_error() {
    let error = load_error(|files| {
        files.insert(
            "flows/Default Start Flow/pages/%ff.json".to_owned(),
            json!({"displayName": "x"}),
        );
    });
    assert_eq!(
        error.to_string(),
        "flows/Default Start Flow/pages/%ff.json: the file name is not UTF-8 once percent-decoded"
    );
}

#[test]
fn a_package_without_one_agent_is_an_error() {
    let temp = tempfile::tempdir().unwrap();
    let error = Agent::load(temp.path()).unwrap_err();
    assert!(matches!(error, LoadError::NoAgentJson { .. }), "{error}");
    for name in ["one", "two"] {
        std::fs::create_dir(temp.path().join(name)).unwrap();
        std::fs::write(temp.path().join(name).join("agent.json"), "{}").unwrap();
    }
    let error = Agent::load(temp.path()).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("several agents in the package: one/agent.json, two/agent.json"),
        "{error}"
    );
}

#[test]
fn a_missing_path_or_a_file_that_is_no_zip_is_an_error() {
    let temp = tempfile::tempdir().unwrap();
    let error = Agent::load(temp.path().join("nothing.zip")).unwrap_err();
    assert!(matches!(error, LoadError::Open { .. }), "{error}");
    std::fs::write(temp.path().join("agent.zip"), "not a zip").unwrap();
    let error = Agent::load(temp.path().join("agent.zip")).unwrap_err();
    assert!(
        error.to_string().contains("not a readable zip archive"),
        "{error}"
    );
}

#[test]
fn percent_encoded_names_decode_to_the_display_names_routes_use() {
    let loaded = load_changed(|files| {
        files.insert(
            "flows/Default Start Flow/pages/%3e collect%3a n%c3%a3o.json".to_owned(),
            json!({"displayName": "> collect: não"}),
        );
        at(files, PAGE)["transitionRoutes"][0]["targetPage"] = json!("> collect: não");
    })
    .unwrap();
    assert_eq!(loaded.warnings, []);
    let flow = loaded.agent.flow("Default Start Flow").unwrap();
    assert!(flow.page("> collect: não").is_some());
}

#[test]
fn what_cx_would_load_anyway_is_a_warning_with_file_and_path() {
    let loaded = load_changed(|files| {
        at(files, PAGE)["transitionRoutes"][0]["conditon"] = json!("true");
        at(files, START)["transitionRoutes"][1]["triggerFulfillment"]["tag"] = json!("");
        files.insert(
            "intents/silent/silent.json".to_owned(),
            json!({"displayName": "silent"}),
        );
        files.insert(
            "webhooks/renamed.json".to_owned(),
            json!({"displayName": "Renamed"}),
        );
        files.insert(
            "playbooks/Helper/Helper.json".to_owned(),
            json!({"displayName": "Helper"}),
        );
    })
    .unwrap();
    let warnings: Vec<(String, String, WarningKind)> = loaded
        .warnings
        .into_iter()
        .map(|w| (w.file, w.json_path, w.kind))
        .collect();
    let expect = |file: &str, path: &str, kind: WarningKind| {
        assert!(
            warnings.contains(&(file.to_owned(), path.to_owned(), kind.clone())),
            "{file} {path} {kind:?} not in {warnings:#?}"
        );
    };
    expect(
        PAGE,
        "transitionRoutes[0].conditon",
        WarningKind::UnknownField,
    );
    expect(
        START,
        "transitionRoutes[1].triggerFulfillment.tag",
        WarningKind::WebhookWithoutTag,
    );
    expect(
        "intents/silent/silent.json",
        ".",
        WarningKind::NoTrainingPhrases,
    );
    expect(
        "webhooks/renamed.json",
        "displayName",
        WarningKind::NameMismatch {
            file_name: "renamed".to_owned(),
            display_name: "Renamed".to_owned(),
        },
    );
    expect(
        "playbooks/Helper/Helper.json",
        ".",
        WarningKind::NotRead("playbooks are not run offline"),
    );
    assert_eq!(warnings.len(), 5, "{warnings:#?}");
}

#[test]
fn webhook_secrets_never_appear_in_debug_output_or_errors() {
    let loaded = load_changed(|_| {}).unwrap();
    let service = loaded
        .agent
        .webhook("hook")
        .unwrap()
        .generic_web_service
        .clone()
        .unwrap();
    assert_eq!(service.password.as_ref().unwrap().expose(), SECRETS[1]);
    assert!(service.uri.contains(SECRETS[3]));
    let debug = format!("{loaded:?} {:#?}", loaded.agent);
    assert!(
        debug.contains("https://example.test/hook?key=[redacted]&v=[redacted]"),
        "{debug}"
    );
    for secret in SECRETS {
        assert!(!debug.contains(secret), "{secret} in Debug output");
    }
    // `error()` asserts the error's Display and Debug hold no secret, including errors about
    // the webhook file itself, where serde would quote the offending value.
    load_error(|files| at(files, PAGE)["transitionRoutes"][0]["targetPage"] = json!("Z"));
    for field in ["username", "password"] {
        let error = load_error(|files| {
            at(files, "webhooks/hook.json")["genericWebService"][field] = json!(47_124_712);
        });
        assert!(
            error.to_string().starts_with(&format!(
                "webhooks/hook.json: genericWebService.{field}: invalid value at line "
            )),
            "{error}"
        );
    }
    let error = load_error(|files| {
        at(files, "webhooks/hook.json")["genericWebService"]["requestHeaders"] =
            json!({"Authorization": 47_124_713});
    });
    assert!(matches!(error, LoadError::Malformed { .. }), "{error}");
    assert!(
        !format!("{error} {error:?}").contains("47124713"),
        "{error}"
    );
}

/// The error of a string that does not parse, as (file, JSON path, column, message).
fn syntax_error(
    change: impl FnOnce(&mut BTreeMap<String, Value>),
) -> (String, String, usize, String) {
    match load_error(change) {
        LoadError::Syntax {
            file,
            json_path,
            column,
            message,
        } => (file, json_path, column, message),
        other => panic!("not a syntax error: {other}"),
    }
}

#[test]
fn a_page_route_condition_that_does_not_parse_names_file_path_and_column() {
    let error = load_error(|files| {
        at(files, PAGE)["transitionRoutes"][0]["condition"] =
            json!("$flow.a = 1 OR $flow.b = 2 AND $flow.c = 3");
    });
    assert_eq!(
        error.to_string(),
        format!(
            "{PAGE}: transitionRoutes[0].condition: column 28: `AND` and `OR` cannot be mixed without parentheses: group one of them in `( )`"
        )
    );
}

#[test]
fn a_route_group_condition_that_does_not_parse_is_an_error() {
    let group = "agentTransitionRouteGroups/common.json";
    let error = syntax_error(|files| {
        at(files, group)["transitionRoutes"][0]["condition"] = json!("$session.params.x >");
    });
    assert_eq!(
        error,
        (
            group.to_owned(),
            "transitionRoutes[0].condition".to_owned(),
            20,
            "expected a value to compare with, found the end".to_owned()
        )
    );
    let group = "flows/Default Start Flow/transitionRouteGroups/local.json";
    let error = syntax_error(|files| {
        files.insert(
            group.to_owned(),
            json!({"displayName": "local", "transitionRoutes": [
                {"condition": "true"},
                {"condition": "($session.params.x = 1"}
            ]}),
        );
    });
    assert_eq!(
        error,
        (
            group.to_owned(),
            "transitionRoutes[1].condition".to_owned(),
            23,
            "expected `AND`, `OR` or `)`, found the end".to_owned()
        )
    );
}

#[test]
fn a_conditional_case_nested_in_additional_cases_is_parsed() {
    let error = syntax_error(|files| {
        at(files, START)["transitionRoutes"][1]["triggerFulfillment"]["conditionalCases"] = json!([
            {"cases": [{"condition": "true", "caseContent": [
                {"message": {"text": {"text": ["fine"]}}},
                {"additionalCases": {"cases": [
                    {"condition": "", "caseContent": []},
                    {"condition": "$session.params.x = 1 AND", "caseContent": []}
                ]}}
            ]}]}
        ]);
    });
    assert_eq!(
        error,
        (
            START.to_owned(),
            "transitionRoutes[1].triggerFulfillment.conditionalCases[0].cases[0].caseContent[1].additionalCases.cases[1].condition".to_owned(),
            26,
            "expected a comparison, `true`, `false`, `NOT` or `(`, found the end".to_owned()
        )
    );
    // A message inside a case is a template too.
    let error = syntax_error(|files| {
        at(files, START)["transitionRoutes"][1]["triggerFulfillment"]["conditionalCases"] = json!([
            {"cases": [{"caseContent": [{"message": {"text": {"text": ["$sys.func.NOPE()"]}}}]}]}
        ]);
    });
    assert_eq!(
        error.1,
        "transitionRoutes[1].triggerFulfillment.conditionalCases[0].cases[0].caseContent[0].message.text.text[0]"
    );
}

#[test]
fn a_message_template_with_an_unknown_function_names_it() {
    let error = load_error(|files| {
        at(files, PAGE)["entryFulfillment"] = json!({"messages": [
            {"text": {"text": ["Hello $session.params.name."]}},
            {"text": {"text": ["fine", "Hi $sys.func.SHOUT($session.params.name)"]}}
        ]});
    });
    assert_eq!(
        error.to_string(),
        format!(
            "{PAGE}: entryFulfillment.messages[1].text.text[1]: column 4: `$sys.func.SHOUT` is not a system function"
        )
    );
}

#[test]
fn a_parameter_preset_that_cannot_be_written_or_parsed_is_an_error() {
    let error = syntax_error(|files| {
        at(files, PAGE)["entryFulfillment"] = json!({"setParameterActions": [
            {"parameter": "$flow.ok", "value": {"lines": ["$session.params.a"]}},
            {"parameter": "$page.params.status", "value": "FINAL"}
        ]});
    });
    assert_eq!(
        error,
        (
            PAGE.to_owned(),
            "entryFulfillment.setParameterActions[1].parameter".to_owned(),
            1,
            "`$page.params.status` cannot be set: only session and flow parameters can".to_owned()
        )
    );
    let error = syntax_error(|files| {
        at(files, PAGE)["form"]["parameters"][0]["fillBehavior"] = json!({
            "initialPromptFulfillment": {"setParameterActions": [
                {"parameter": "count", "value": {"n": "$sys.func.ADD($session.params.count"}}
            ]}
        });
    });
    assert_eq!(
        error.1,
        "form.parameters[0].fillBehavior.initialPromptFulfillment.setParameterActions[0].value"
    );
}

/// `base()` with a flexible webhook `flex` mapping its response with `mapping`.
fn flexible(files: &mut BTreeMap<String, Value>, mapping: Value) {
    files.insert(
        "webhooks/flex.json".to_owned(),
        json!({"displayName": "flex", "genericWebService": {
            "uri": "https://example.test/flex", "webhookType": "FLEXIBLE", "httpMethod": "POST",
            "requestBody": "{\"address\": \"$flow.request_body\", \"n\": $session.params.n}",
            "parameterMapping": mapping
        }}),
    );
}

#[test]
fn a_flexible_webhook_mapping_that_is_no_jsonpath_is_an_error() {
    let loaded = load_changed(|files| {
        flexible(
            files,
            json!([{"key": "$flow.city", "value": "$.result.address.addressComponents[?(@.componentType == 'locality')].componentName.text"}]),
        );
    })
    .unwrap();
    assert_eq!(loaded.warnings, []);
    let error = syntax_error(|files| {
        flexible(
            files,
            json!([
                {"key": "$flow.city", "value": "$.result"},
                {"key": "status", "value": "$.result[?(@.x == )]"}
            ]),
        );
    });
    assert_eq!(
        error,
        (
            "webhooks/flex.json".to_owned(),
            "genericWebService.parameterMapping[1].value".to_owned(),
            11,
            "in long-hand segment, parser error".to_owned()
        )
    );
    let error = syntax_error(|files| {
        flexible(files, json!([{"key": "$intent.params.x", "value": "$.a"}]));
    });
    assert_eq!(error.1, "genericWebService.parameterMapping[0].key");
    let error = syntax_error(|files| {
        flexible(files, json!([]));
        at(files, "webhooks/flex.json")["genericWebService"]["requestBody"] =
            json!("{\"a\": $sys.func.LEN(}");
    });
    assert_eq!(error.1, "genericWebService.requestBody");
}

#[test]
fn a_header_value_that_does_not_parse_is_an_error_without_its_text() {
    let error = load_error(|files| {
        at(files, "webhooks/hook.json")["genericWebService"]["requestHeaders"][0]["value"] =
            json!("Bearer $sys.func.NOPE(header-SECRET-4713)");
    });
    // `load_error` asserts the secret is in neither Display nor Debug.
    assert_eq!(
        error.to_string(),
        "webhooks/hook.json: genericWebService.requestHeaders[0].value: column 8: not a valid template (the parser's message is withheld: it would quote a secret value)"
    );
}

#[test]
fn a_function_cx_has_and_the_runtime_lacks_is_a_warning_and_the_agent_loads() {
    let loaded = load_changed(|files| {
        at(files, PAGE)["entryFulfillment"] = json!({"messages": [
            {"text": {"text": ["It is $sys.func.NOW()."]}}
        ]});
        at(files, PAGE)["transitionRoutes"][0]["condition"] =
            json!("$sys.func.IS_PAST_DATE($session.params.when) = true");
    })
    .unwrap();
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            format!(
                "{PAGE}: entryFulfillment.messages[0].text.text[0]: column 7: `$sys.func.NOW` is not implemented offline; a turn that reaches this text fails"
            ),
            format!(
                "{PAGE}: transitionRoutes[0].condition: column 1: `$sys.func.IS_PAST_DATE` is not implemented offline; a turn that reaches this text fails"
            ),
        ]
    );
    assert!(matches!(
        loaded.warnings[0].kind,
        WarningKind::Unsupported { column: 7, .. }
    ));
}
