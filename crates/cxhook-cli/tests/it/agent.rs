//! `cxhook agent chat` and agent-driven scenarios, through the real binary: the three test
//! agents walked through their forms (goodbye-graffiti with its two webhooks answered by
//! servers on 127.0.0.1, once with the validation API failing), a small agent answered by
//! cxhook's accounts integration in-process, a piped conversation, and the export's header
//! values kept out of everything printed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::{Value, json};

use crate::support::{Run, Stub, cxhook, free_port, run};

/// The header value the bank agent's export gives its webhook.
const EXPORT_SECRET: &str = "export-header-secret-4711";

/// The validation webhook's display name in Google's Address Collection component.
pub(crate) const VALIDATION: &str = "prebuilt_components_address_collection:address_validation";

/// The CLI's agent-driven scenarios and the small agents they use.
fn agents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents")
}

/// The test agents of cxhook-agent.
fn exported(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cxhook-agent/tests/agents")
        .join(name)
        .display()
        .to_string()
}

fn scenario_file(name: &str) -> String {
    agents().join(name).display().to_string()
}

/// Runs `cxhook ARGS…` in `dir` with `stdin`.
fn cxhook_in(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut command = cxhook();
    command.args(args).current_dir(dir);
    run(command, stdin)
}

/// The requests a test server received, with the value of its `x-api-key` header.
type Seen = Arc<Mutex<Vec<(Value, Option<String>)>>>;

/// A server on 127.0.0.1 that answers each POST /webhook with `answer(request)`, recording it.
pub(crate) fn server(answer: fn(&Value) -> (u16, Value)) -> (Stub, Seen) {
    let seen: Seen = Arc::default();
    let recorded = seen.clone();
    let app = axum::Router::new().route(
        "/webhook",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let recorded = recorded.clone();
            async move {
                let request: Value = serde_json::from_slice(&body).unwrap();
                let key = headers
                    .get("x-api-key")
                    .map(|v| v.to_str().unwrap().to_owned());
                let (status, body) = answer(&request);
                recorded.lock().unwrap().push((request, key));
                (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body.to_string(),
                )
            }
        }),
    );
    (Stub::start(app), seen)
}

/// Goodbye-graffiti's webhook answers, as cxhook-agent's runtime tests give them.
#[path = "../../../cxhook-agent/tests/common/graffiti.rs"]
mod graffiti;

/// `lookup_place` (tag `geocode`): the address Address Collection collected, or nothing.
pub(crate) fn lookup_place(request: &Value) -> (u16, Value) {
    (200, graffiti::found_place(request))
}

/// The validation webhook: checks the component sent an address and confirms 1600
/// Amphitheatre Parkway.
pub(crate) fn validation(request: &Value) -> (u16, Value) {
    assert!(request["address"]["addressLines"].is_string(), "{request}");
    (200, graffiti::validated_address())
}

fn all_passed(run: &Run, scenarios: usize) {
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .ends_with(&format!("{scenarios} passed, 0 failed\n")),
        "{run:?}"
    );
}

#[test]
fn goodbye_graffiti_reports_graffiti_with_its_webhooks_on_test_servers() {
    let dir = tempfile::tempdir().unwrap();
    let (lookup, lookups) = server(lookup_place);
    let (validate, validations) = server(validation);
    let lookup_flag = format!("lookup_place={}", lookup.url);
    let validate_flag = format!("{VALIDATION}={}", validate.url);
    let files = [
        scenario_file("graffiti.yaml"),
        scenario_file("graffiti-validation-fails.yaml"),
    ];
    let run = cxhook_in(
        dir.path(),
        &[
            "scenario",
            &files[0],
            &files[1],
            "--webhook",
            &lookup_flag,
            "--webhook",
            &validate_flag,
        ],
        "",
    );
    all_passed(&run, 2);
    assert!(
        run.stdout.contains("  turn 9 intent thank you … ok"),
        "{}",
        run.stdout
    );
    let validations = validations.lock().unwrap();
    assert_eq!(
        validations
            .iter()
            .map(|(request, _)| request.clone())
            .collect::<Vec<_>>(),
        [json!({"address": {"addressLines": "1600 Amphitheatre Parkway, Mountain View"}})],
        "the flexible webhook's body, once: the failing run's answers are canned"
    );
    assert_eq!(
        lookups.lock().unwrap().len(),
        5,
        "geocode: twice in the whole report, three times in the failing run"
    );
}

#[test]
fn divebooker_blood_donation_and_an_in_process_webhook_pass_their_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["divebooker.yaml", "blood-donation.yaml", "bank.yaml"].map(scenario_file);
    let run = cxhook_in(
        dir.path(),
        &["scenario", &files[0], &files[1], &files[2]],
        "",
    );
    all_passed(&run, 3);
    assert!(
        run.stdout
            .contains("  turn 5 \"it's diver@example.com\" … ok"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_turn_the_agent_decides_otherwise_fails_naming_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wrong.yaml");
    std::fs::write(
        &file,
        format!(
            "agent: {}\nturns:\n  - text: hi\n    expect: {{page: Nowhere, calls: [{{tag: x}}], \
             params: {{destination: Mexico}}}}\n  - {{text: hi}}\n",
            exported("divebooker")
        ),
    )
    .unwrap();
    let run = cxhook_in(dir.path(), &["scenario", file.to_str().unwrap()], "");
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains(
            "  turn 1 \"hi\" … FAILED: expected to be on page \"Nowhere\", the session is on \"Start Page\"\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("and: expected parameter `destination` = \"Mexico\", it is not set"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("and: expected 1 webhook call(s), the turn made 0: none"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  turn 2 \"hi\" … ok"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("0 passed, 1 failed\n"),
        "{}",
        run.stdout
    );

    let divebooker = |rest: &str| {
        std::fs::write(&file, format!("agent: {}\n{rest}", exported("divebooker"))).unwrap();
        cxhook_in(dir.path(), &["scenario", file.to_str().unwrap()], "")
    };
    divebooker("turns: [{intent: No Such Intent}]\n")
        .assert_error("turns[0].intent: the agent has no intent `No Such Intent`");
    divebooker("webhooks: {nope: {status: 503}}\nturns: [{text: hi}]\n")
        .assert_error("webhooks names webhook `nope`, and the agent has no webhook");
}

#[test]
fn a_piped_conversation_with_divebooker_shows_each_turn() {
    let dir = tempfile::tempdir().unwrap();
    let input = "hi\n\
                 /set vip=true\n\
                 I would like to hire a boat in the Sea of Cortez with other 12 divers\n\
                 whenever\n\
                 /params\n\
                 /dance\n\
                 /intent Nothing Like It\n\
                 /restart\n\
                 /params\n\
                 /event sys.no-match-default\n\
                 /quit\n\
                 never read\n";
    let run = cxhook_in(
        dir.path(),
        &[
            "agent",
            "chat",
            &exported("divebooker"),
            "-p",
            "channel=test",
        ],
        input,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let out = &run.stdout;
    for line in [
        "agent: Hi! How are you doing?\n  set channel = \"test\"\n  page: Liveaboards / Start Page\n",
        "  vip = true with the next turn\n",
        "agent: When would you like to go?\n",
        "  set destination = \"Mexico\"\n  set number-of-guests = \"12\"\n  set vip = true\n  page: Liveaboards / Collect Further Info\n",
        "agent: Sorry, can you please provide a departure period/month?\n",
        "  channel = \"test\"\n  destination = \"Mexico\"\n  number-of-guests = \"12\"\n  vip = true\n",
        "  no command /dance: /help lists them\n",
        "  the agent has no intent `Nothing Like It`\n",
        "  a new session\n  no parameters\n",
    ] {
        assert!(out.contains(line), "no {line:?} in:\n{out}");
    }
    assert!(
        !out.contains("> "),
        "no prompt when the input is piped: {out}"
    );
    assert!(!out.contains("never read"), "{out}");
}

#[test]
fn the_exports_header_values_are_sent_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let bank = agents().join("bank").display().to_string();
    // A server that answers what CX would not accept: the problem is shown, the secret not.
    let (wrong, seen) = server(|_| (200, json!({"targetPgae": "x"})));
    let flag = format!("cxhook={}", wrong.url);
    let run = cxhook_in(
        dir.path(),
        &["agent", "chat", &bank, "--webhook", &flag],
        "/event welcome\n",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("  webhook cxhook, tag account.balance: HTTP 200 in "),
        "{run:?}"
    );
    assert!(run.stdout.contains(": webhook.error\n"), "{run:?}");
    assert!(run.stdout.contains("targetPgae"), "{run:?}");
    assert!(
        run.stdout.contains("agent: The bank cannot answer now."),
        "{run:?}"
    );
    assert_eq!(
        seen.lock().unwrap()[0].1.as_deref(),
        Some(EXPORT_SECRET),
        "the export's header went with the call"
    );
    // Nothing listening: the failure is shown, the secret not.
    let dead = format!("cxhook=http://127.0.0.1:{}/webhook", free_port());
    let failed = cxhook_in(
        dir.path(),
        &["agent", "chat", &bank, "--webhook", &dead],
        "/event welcome\n",
    );
    assert!(
        failed.stdout.contains("no answer in ") && failed.stdout.contains("cannot get an answer"),
        "{failed:?}"
    );
    for run in [&run, &failed] {
        assert!(
            !run.stdout.contains(EXPORT_SECRET) && !run.stderr.contains(EXPORT_SECRET),
            "{run:?}"
        );
    }
}

#[test]
fn standard_webhooks_are_answered_in_process_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let bank = agents().join("bank").display().to_string();
    let run = cxhook_in(
        dir.path(),
        &["agent", "chat", &bank, "--param", "user_id=u-1001"],
        "/event welcome\n",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.contains(
            "agent: The balance of account u-1001 is $1,250.75.\n  webhook cxhook, tag account.balance: HTTP 200 in "
        ),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("  set balance_minor = 125075\n"),
        "{run:?}"
    );
    let unknown = cxhook_in(dir.path(), &["agent", "chat", &bank], "/event check\n");
    assert!(
        unknown.stdout.contains(
            "the tag `account.nothing` of webhook `cxhook` is not one the webhook of the default \
             configuration (in-process) serves"
        ),
        "{unknown:?}"
    );
    assert!(
        unknown
            .stdout
            .contains("agent: The bank cannot answer now."),
        "the agent's webhook.error handler: {unknown:?}"
    );
}

#[test]
fn a_webhook_slower_than_the_exports_timeout_raises_webhook_error_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let bank = agents().join("bank").display().to_string();
    let app = axum::Router::new().route(
        "/webhook",
        post(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            "{}"
        }),
    );
    let slow = Stub::start(app);
    let flag = format!("cxhook={}", slow.url);
    let run = cxhook_in(
        dir.path(),
        &["agent", "chat", &bank, "--webhook", &flag],
        "/event welcome\n",
    );
    assert!(
        run.stdout.contains(": no answer in ") && run.stdout.contains(": webhook.error.timeout\n"),
        "the export's 1 s timeout: {run:?}"
    );
    assert!(
        run.stdout.contains("agent: The bank cannot answer now."),
        "{run:?}"
    );
}

#[test]
fn agent_chat_documents_each_flag() {
    let dir = tempfile::tempdir().unwrap();
    let help = cxhook_in(dir.path(), &["agent", "chat", "--help"], "");
    assert_eq!(help.code, Some(0), "{help:?}");
    for flag in [
        "--webhook <NAME=URL>",
        "--config <FILE>",
        "--database <FILE>",
        "--lang <CODE>",
        "--param <KEY=VALUE>",
        "--generator <NAME=TEXT>",
        "/event NAME",
    ] {
        assert!(help.stdout.contains(flag), "no {flag} in:\n{}", help.stdout);
    }
    let unknown = cxhook_in(
        dir.path(),
        &[
            "agent",
            "chat",
            &exported("divebooker"),
            "--webhook",
            "nope=http://127.0.0.1:9/",
        ],
        "",
    );
    unknown.assert_error("--webhook names webhook `nope`, and the agent has no webhook");
}

/// The example agent, `examples/agent`.
fn example_agent() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/agent")
        .display()
        .to_string()
}

#[test]
fn the_example_agent_walks_every_path_in_english_and_german_with_the_integrations_in_process() {
    let provider = crate::scenario::weather_provider();
    let base = provider.url.strip_suffix("/webhook").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cxhook.toml");
    std::fs::write(
        &config,
        format!("[weather]\ngeocoding_url = \"{base}/geo\"\nforecast_url = \"{base}/forecast\"\n"),
    )
    .unwrap();
    let files = ["example-en.yaml", "example-de.yaml"].map(scenario_file);
    let run = cxhook_in(
        dir.path(),
        &[
            "scenario",
            "--config",
            config.to_str().unwrap(),
            &files[0],
            &files[1],
        ],
        "",
    );
    all_passed(&run, 2);
    assert!(
        run.stdout.contains("  ok: 23 turns\n") && run.stdout.contains("  ok: 20 turns\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the configuration: the in-process webhook's database is removed after the run"
    );
}

#[test]
fn the_example_agent_answers_a_piped_conversation_from_the_embedded_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let run = cxhook_in(
        dir.path(),
        &["agent", "chat", &example_agent()],
        "what's my balance\nu-1001\nbook a haircut next Monday at 10am\nyes\n",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    for said in [
        "agent: What is your user ID? It looks like u-1001.",
        "agent: The balance of account u-1001 is $1,250.75.",
        "webhook cxhook, tag booking.validate: HTTP 200",
        "agent: Shall I book it?",
        "agent: You're booked: haircut on Monday,",
    ] {
        assert!(run.stdout.contains(said), "{said}: {}", run.stdout);
    }
}

#[test]
fn the_example_agent_passes_its_own_test_cases_and_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let run = cxhook_in(
        dir.path(),
        &[
            "agent",
            "test",
            "--coverage",
            "coverage.json",
            &example_agent(),
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.contains("14 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
    // Every page is reached; the test cases leave the webhook off where its answers change
    // from day to day, so not every tag is called.
    let coverage: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("coverage.json")).unwrap()).unwrap();
    let report = &coverage[0];
    assert_eq!(report["pages"]["covered"], 8, "{report}");
    assert_eq!(report["pages"]["total"], 8, "{report}");
    assert!(
        report["routes"]["covered"].as_u64().unwrap() >= 19,
        "{report}"
    );
    assert_eq!(report["tags"]["total"], 6, "{report}");
    for case in ["Booking de", "Cancel", "Goodbye de", "Weather"] {
        assert!(
            run.stdout.contains(&format!("ok     {case}\n")),
            "{case}: {}",
            run.stdout
        );
    }

    let run = cxhook_in(dir.path(), &["agent", "lint", &example_agent()], "");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.ends_with(": no findings\n"), "{}", run.stdout);
    let run = cxhook_in(
        dir.path(),
        &["agent", "lint", "--json", &example_agent()],
        "",
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["findings"], json!([]), "{report}");
    assert_eq!(report["loaded"], json!(true), "{report}");
}
