//! `cxhook agent lint`: each rule finds its problem in a fixture made to have it, a clean
//! agent has none, the exit code tells clean (0), findings (1) and an agent that does not load
//! (2), `--json` has its shape, and goodbye-graffiti gets what is really in it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Run, cxhook, run};

/// The lint fixtures.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents/lint")
}

/// `cxhook agent lint AGENT --config accounts.toml --json`, and its document.
fn lint_json(agent: &Path) -> (Run, Value) {
    let config = fixtures().join("accounts.toml");
    let mut command = cxhook();
    command
        .args(["agent", "lint", "--json", "--config"])
        .arg(&config)
        .arg(agent);
    let run = run(command, "");
    let document = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run, document)
}

/// The findings of a document as `(rule, file, jsonPath)`.
fn findings(document: &Value) -> Vec<(String, String, String)> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap().to_owned();
            (text("rule"), text("file"), text("jsonPath"))
        })
        .collect()
}

/// A copy of the clean fixture in a temporary directory, with `file` replaced by `edit` of it.
fn broken(file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&fixtures().join("clean"), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit of {file} changes nothing");
    std::fs::write(path, edited).unwrap();
    dir
}

#[test]
fn a_clean_agent_has_no_findings_and_exits_0() {
    let (run, document) = lint_json(&fixtures().join("clean"));
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(document["findings"], serde_json::json!([]));
    assert_eq!(
        (document["errors"].as_u64(), document["loaded"].as_bool()),
        (Some(0), Some(true))
    );
}

#[test]
fn each_rule_finds_its_problem_in_the_flawed_agent() {
    let (run, document) = lint_json(&fixtures().join("flawed"));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let page = "flows/Default Start Flow/pages/Balance.json";
    let group = "flows/Default Start Flow/transitionRouteGroups/Help.json";
    let expected = [
        ("unused-tag", "", ""),
        ("uncollected-parameter", page, "entryFulfillment.tag"),
        ("webhook-error-handler", page, "entryFulfillment.webhook"),
        (
            "unserved-tag",
            page,
            "transitionRoutes[0].triggerFulfillment.tag",
        ),
        (
            "webhook-error-handler",
            page,
            "transitionRoutes[0].triggerFulfillment.webhook",
        ),
        (
            "unreachable-page",
            "flows/Default Start Flow/pages/Forgotten.json",
            ".",
        ),
        (
            "uncollected-parameter",
            group,
            "transitionRoutes[0].triggerFulfillment.tag",
        ),
        (
            "webhook-error-handler",
            group,
            "transitionRoutes[0].triggerFulfillment.webhook",
        ),
        ("webhook-timeout", "webhooks/cxhook.json", "timeout"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(findings(&document), expected);
    assert_eq!(
        (document["errors"].as_u64(), document["warnings"].as_u64()),
        (Some(3), Some(6))
    );
    let messages: Vec<&str> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("`account.transactions`"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("reads `user_id`"), "{}", messages[1]);
    assert!(
        messages[3].contains("`account.statement`"),
        "{}",
        messages[3]
    );
    assert!(
        messages[8].contains("2000 ms") && messages[8].contains("5000 ms"),
        "{}",
        messages[8]
    );
    let severities: Vec<&str> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        [
            "warning", "error", "warning", "error", "warning", "warning", "error", "warning",
            "warning"
        ]
    );
}

#[test]
fn human_output_is_a_line_per_finding_and_a_count() {
    let mut command = cxhook();
    command
        .args(["agent", "lint", "--config"])
        .arg(fixtures().join("accounts.toml"))
        .arg(fixtures().join("flawed"));
    let run = run(command, "");
    assert_eq!(run.code, Some(1));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 10, "{}", run.stdout);
    assert_eq!(
        lines[5],
        "warning[unreachable-page] flows/Default Start Flow/pages/Forgotten.json: .: no route \
         or event handler of flow `Default Start Flow` goes to page `Forgotten`; only a webhook \
         reply naming it could"
    );
    assert_eq!(lines[9], "3 errors, 6 warnings");
}

/// Lints a copy of the clean agent broken by `edit` of `file`: it must not load (exit 2), its
/// one finding of `rule` at `json_path`.
fn refused(file: &str, edit: impl Fn(String) -> String, rule: &str, json_path: &str) -> Value {
    let dir = broken(file, edit);
    let (run, document) = lint_json(dir.path());
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("cannot load the agent"),
        "{}",
        run.stderr
    );
    assert_eq!(document["loaded"], Value::Bool(false));
    let found = findings(&document);
    assert_eq!(
        found,
        [(rule.to_owned(), file.to_owned(), json_path.to_owned())],
        "{document:#}"
    );
    document
}

const ACCOUNT: &str = "flows/Default Start Flow/pages/Account.json";

#[test]
fn a_route_to_a_missing_page_is_a_dangling_reference_and_exit_2() {
    let document = refused(
        ACCOUNT,
        |text| {
            text.replacen(
                "\"targetPage\": \"End Session\"",
                "\"targetPage\": \"Nowhere\"",
                1,
            )
        },
        "dangling-reference",
        "transitionRoutes[0].targetPage",
    );
    let message = document["findings"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "no page \"Nowhere\" in flow \"Default Start Flow\""
    );
}

#[test]
fn a_route_to_a_missing_flow_is_a_dangling_reference() {
    refused(
        ACCOUNT,
        |text| {
            text.replacen(
                "\"targetPage\": \"End Session\"",
                "\"targetFlow\": \"Loans\"",
                1,
            )
        },
        "dangling-reference",
        "transitionRoutes[0].targetFlow",
    );
}

#[test]
fn a_condition_that_does_not_parse_is_a_syntax_finding() {
    refused(
        ACCOUNT,
        |text| {
            text.replacen(
                "$page.params.status = \\\"FINAL\\\"\"",
                "$page.params.status =\"",
                1,
            )
        },
        "syntax",
        "transitionRoutes[0].condition",
    );
}

#[test]
fn an_unknown_system_function_is_named() {
    let document = refused(
        ACCOUNT,
        |text| text.replace("Which account?", "$sys.func.SHOUT(\\\"Which account?\\\")"),
        "unknown-function",
        "form.parameters[0].fillBehavior.initialPromptFulfillment.messages[0].text.text[0]",
    );
    let message = document["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("`$sys.func.SHOUT` is not a system function"),
        "{message}"
    );
}

#[test]
fn goodbye_graffiti_gets_what_is_really_in_it() {
    let agent =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../cxhook-agent/tests/agents/goodbye-graffiti");
    let (run, document) = lint_json(&agent);
    assert_eq!(run.code, Some(1));
    let page = "flows/Default Start Flow/pages/Enter Location.json";
    let expected = [
        ("unused-tag", "", ""),
        ("unused-tag", "", ""),
        (
            "unserved-tag",
            page,
            "transitionRoutes[0].triggerFulfillment.tag",
        ),
        (
            "webhook-error-handler",
            page,
            "transitionRoutes[0].triggerFulfillment.webhook",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(findings(&document), expected, "{document:#}");
    let unserved = document["findings"][2]["message"].as_str().unwrap();
    assert!(
        unserved.contains("tag `geocode` of webhook `lookup_place`"),
        "{unserved}"
    );
}
