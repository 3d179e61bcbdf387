//! `cxhook agent test` and `cxhook agent import-tests` through the real binary, on copies of
//! the test agents with test cases written as a CX export records them
//! (`tests/agents/test-cases/<agent>/`): an event turn with injected parameters and a turn
//! with webhooks off (bank, answered in-process), a flow change (goodbye-graffiti, its
//! `lookup_place` answered by a server on 127.0.0.1), a case that ends the session, a broken
//! copy of a case failing with the field, expected and got, JUnit XML, exit codes, and a case
//! imported as a scenario that passes.

use std::path::{Path, PathBuf};

use axum::routing::post;
use serde_json::{Value, json};

use crate::support::{Run, Stub, cxhook, run};

/// The directory of the agent `name`: the CLI's own small ones, or cxhook-agent's.
fn agent_dir(name: &str) -> PathBuf {
    let own = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/agents")
        .join(name);
    match own.join("agent.json").exists() {
        true => own,
        false => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../cxhook-agent/tests/agents")
            .join(name),
    }
}

/// Copies `from` into `to`, folders and all.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        match entry.file_type().unwrap().is_dir() {
            true => copy_dir(&entry.path(), &target),
            false => {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
}

/// A copy of agent `name` in `dir` with its test cases from `tests/agents/test-cases/<name>`.
fn with_cases(dir: &Path, name: &str) -> PathBuf {
    let agent = dir.join(name);
    copy_dir(&agent_dir(name), &agent);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/agents/test-cases")
            .join(name),
        &agent.join("testCases"),
    );
    agent
}

fn cxhook_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = cxhook();
    command.args(args).current_dir(dir);
    run(command, "")
}

#[test]
fn an_event_turn_with_injected_parameters_and_one_without_webhooks_pass() {
    let dir = tempfile::tempdir().unwrap();
    let agent = with_cases(dir.path(), "bank");
    let agent = agent.display().to_string();
    let run = cxhook_in(dir.path(), &["agent", "test", &agent]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("ok     Balance on the welcome event\n1 passed, 0 failed"),
        "{}",
        run.stdout
    );
    // The second turn's webhook is off: had it been called, u-9999 would have no account.
    let case = std::fs::read_to_string(
        Path::new(&agent).join("testCases/Balance on the welcome event.json"),
    )
    .unwrap();
    let case: Value = serde_json::from_str(&case).unwrap();
    assert_eq!(
        case["testCaseConversationTurns"][1]["userInput"]["isWebhookEnabled"],
        Value::Null
    );
}

/// `lookup_place` finds nothing, so the agent goes to Google's Address Collection flow.
fn lookup_server() -> Stub {
    Stub::start(axum::Router::new().route(
        "/webhook",
        post(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                json!({"sessionInfo": {"parameters": {"formatted_address": ""}}}).to_string(),
            )
        }),
    ))
}

#[test]
fn a_flow_change_and_a_session_end_pass() {
    let dir = tempfile::tempdir().unwrap();
    let agent = with_cases(dir.path(), "goodbye-graffiti")
        .display()
        .to_string();
    let stub = lookup_server();
    let flag = format!("lookup_place={}", stub.url);
    let run = cxhook_in(dir.path(), &["agent", "test", &agent, "--webhook", &flag]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("ok     An unknown place goes to Address Collection")
    );
    assert!(
        run.stdout
            .contains("ok     Report graffiti without webhooks")
    );
    assert!(
        run.stdout.ends_with("2 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
    // The same case with the place found stays in the start flow: the flow is compared.
    let run = cxhook_in(
        dir.path(),
        &[
            "agent",
            "test",
            &agent,
            "An unknown place goes to Address Collection",
        ],
    );
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "turn 2, currentPage.flow (FLOW): expected \"Address Collection\", got \"Default Start Flow\""
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("0 passed, 1 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_broken_case_fails_naming_the_field_expected_and_got_also_in_junit() {
    let dir = tempfile::tempdir().unwrap();
    let agent = with_cases(dir.path(), "divebooker");
    let good = agent.join("testCases/Group trip to the Sea of Cortez.json");
    let mut broken: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    broken["displayName"] = json!("Group trip, broken");
    let output = &mut broken["testCaseConversationTurns"][1]["virtualAgentOutput"];
    output["currentPage"]["name"] = json!("Collect Payment");
    output["sessionParameters"]["destination"] = json!("Egypt");
    std::fs::write(
        agent.join("testCases/Group trip, broken.json"),
        broken.to_string(),
    )
    .unwrap();
    let junit = dir.path().join("junit.xml");
    let agent = agent.display().to_string();
    let run = cxhook_in(
        dir.path(),
        &["agent", "test", &agent, "--junit", junit.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let page = "turn 2, currentPage.name (PAGE): expected \"Collect Payment\", got \"Collect Further Info\"";
    let param =
        "turn 2, sessionParameters.destination (PARAMETERS): expected \"Egypt\", got \"Mexico\"";
    assert!(
        run.stdout
            .contains(&format!("FAILED Group trip, broken\n  {page}\n  {param}\n")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ok     Group trip to the Sea of Cortez")
    );
    assert!(
        run.stdout.ends_with("1 passed, 1 failed\n"),
        "{}",
        run.stdout
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites = doc.root_element();
    assert_eq!(suites.attribute("tests"), Some("2"));
    assert_eq!(suites.attribute("failures"), Some("1"));
    let failed: Vec<_> = doc
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .filter(|case| case.children().any(|child| child.has_tag_name("failure")))
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attribute("name"), Some("Group trip, broken"));
    let failure = failed[0]
        .children()
        .find(|child| child.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("PAGE PARAMETERS"));
    assert_eq!(failure.text(), Some(format!("{page}\n{param}").as_str()));
}

#[test]
fn no_agent_no_test_cases_or_an_unknown_case_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bare = agent_dir("divebooker").display().to_string();
    cxhook_in(dir.path(), &["agent", "test", &bare]).assert_error("has no test cases");
    let agent = with_cases(dir.path(), "divebooker").display().to_string();
    cxhook_in(dir.path(), &["agent", "test", &agent, "Nothing like it"])
        .assert_error("no test case `Nothing like it`; it has: Group trip to the Sea of Cortez");
    let missing = dir.path().join("nowhere").display().to_string();
    cxhook_in(dir.path(), &["agent", "test", &missing]).assert_error("cannot load the agent");
}

#[test]
fn an_imported_case_plays_as_a_scenario_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let agent = with_cases(dir.path(), "bank").display().to_string();
    let out = dir.path().join("scenarios");
    let run = cxhook_in(
        dir.path(),
        &[
            "agent",
            "import-tests",
            &agent,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let file = out.join("balance-on-the-welcome-event.yaml");
    assert!(
        run.stdout.contains(file.to_str().unwrap()),
        "{}",
        run.stdout
    );
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(yaml.contains("agent: ../bank"), "{yaml}");
    assert!(yaml.contains("call_webhooks: false"), "{yaml}");
    assert!(yaml.contains("event: welcome"), "{yaml}");
    let run = cxhook_in(dir.path(), &["scenario", file.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}{}\n{yaml}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 passed, 0 failed"), "{}", run.stdout);
    // A changed expectation makes the scenario fail, so the import is checked.
    std::fs::write(&file, yaml.replace("125075", "1")).unwrap();
    let run = cxhook_in(dir.path(), &["scenario", file.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
}
