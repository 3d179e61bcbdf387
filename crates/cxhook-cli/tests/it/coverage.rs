//! Coverage of agent-driven scenarios: `cxhook agent coverage` over divebooker and
//! goodbye-graffiti (its webhooks on test servers) counts what the scenarios exercised, and
//! `cxhook scenario --coverage FILE` writes the same report.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::agent::{VALIDATION, lookup_place, server, validation};
use crate::support::{Run, cxhook, run};

/// A file of the CLI's test agents.
fn agents(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/agents")
        .join(name)
}

/// A test agent of cxhook-agent.
fn exported(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cxhook-agent/tests/agents")
        .join(name)
}

/// Runs `cxhook ARGS…` in a directory of its own.
fn cxhook_run(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut command = cxhook();
    command.args(args).current_dir(dir.path());
    run(command, "")
}

/// `(covered, total)` of a section of a JSON report.
fn counts(report: &Value, section: &str) -> (u64, u64) {
    let section = &report[section];
    (
        section["covered"].as_u64().unwrap(),
        section["total"].as_u64().unwrap(),
    )
}

#[test]
fn divebooker_scenario_covers_its_pages_and_routes_and_one_handler() {
    let agent = exported("divebooker").display().to_string();
    let scenario = agents("divebooker.yaml").display().to_string();
    let run = cxhook_run(&["agent", "coverage", &agent, &scenario, "--json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("1 passed, 0 failed"), "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(counts(&report, "pages"), (2, 2));
    assert_eq!(counts(&report, "routes"), (3, 3));
    assert_eq!(counts(&report, "eventHandlers"), (1, 6));
    assert_eq!(counts(&report, "tags"), (0, 0));
    let uncovered = report["eventHandlers"]["uncovered"].as_array().unwrap();
    assert_eq!(
        uncovered[0],
        "Liveaboards / Start Page eventHandlers[0] (event `sys.no-match-default`)"
    );
    let table = cxhook_run(&["agent", "coverage", &agent, &scenario]);
    assert_eq!(table.code, Some(0));
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines[1], "pages                  2       2  100%");
    assert_eq!(lines[3], "event handlers         1       6   16%");
    assert!(
        table
            .stdout
            .contains("\nuncovered event handlers:\n  Liveaboards / Start Page"),
        "{}",
        table.stdout
    );
}

#[test]
fn goodbye_graffiti_scenarios_cover_what_they_walk_through() {
    let (lookup, _) = server(lookup_place);
    let (validate, _) = server(validation);
    let lookup_flag = format!("lookup_place={}", lookup.url);
    let validate_flag = format!("{VALIDATION}={}", validate.url);
    let agent = exported("goodbye-graffiti").display().to_string();
    let files = [
        agents("graffiti.yaml").display().to_string(),
        agents("graffiti-validation-fails.yaml")
            .display()
            .to_string(),
    ];
    let args = [
        "--webhook",
        &lookup_flag,
        "--webhook",
        &validate_flag,
        "--json",
    ];
    let one = cxhook_run(&[&["agent", "coverage", &agent, &files[0]], &args[..]].concat());
    let both = cxhook_run(
        &[
            &["agent", "coverage", &agent, &files[0], &files[1]],
            &args[..],
        ]
        .concat(),
    );
    assert_eq!((one.code, both.code), (Some(0), Some(0)), "{}", both.stderr);
    let one: Value = serde_json::from_str(&one.stdout).unwrap();
    let both: Value = serde_json::from_str(&both.stdout).unwrap();
    let all = |r: &Value| ["pages", "routes", "eventHandlers", "tags"].map(|k| counts(r, k));
    assert_eq!(all(&one), [(19, 31), (29, 159), (0, 94), (2, 2)]);
    assert_eq!(all(&both), [(20, 31), (30, 159), (1, 94), (2, 2)]);
    let handlers = both["eventHandlers"]["counts"].as_array().unwrap();
    let covered: Vec<&str> = handlers
        .iter()
        .filter(|c| c["count"].as_u64() > Some(0))
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(covered.len(), 1);
    assert!(
        covered[0].contains("(event `webhook.error`)"),
        "{covered:?}"
    );
    assert!(
        counts(&both, "eventHandlers").0 > counts(&one, "eventHandlers").0,
        "the failing validation's webhook.error handler is covered by the second scenario only"
    );
}

#[test]
fn scenario_coverage_writes_json_or_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("coverage.json");
    let table = dir.path().join("coverage.txt");
    let scenario = agents("divebooker.yaml").display().to_string();
    for file in [&json, &table] {
        let run = cxhook_run(&[
            "scenario",
            &scenario,
            "--coverage",
            &file.display().to_string(),
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            run.stdout
                .contains("pages 2/2, routes 3/3, event handlers 1/6, webhook tags 0/0"),
            "{}",
            run.stdout
        );
    }
    let written: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(counts(&written[0], "routes"), (3, 3));
    assert!(
        written[0]["agent"]
            .as_str()
            .unwrap()
            .ends_with("divebooker")
    );
    let text = std::fs::read_to_string(table).unwrap();
    assert!(
        text.contains("routes                 3       3  100%"),
        "{text}"
    );
}

#[test]
fn a_scenario_of_another_agent_is_refused() {
    let agent = exported("blood-donation").display().to_string();
    let scenario = agents("divebooker.yaml").display().to_string();
    let run = cxhook_run(&["agent", "coverage", &agent, &scenario]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("names the agent"), "{}", run.stderr);
}
