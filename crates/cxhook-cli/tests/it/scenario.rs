//! `cxhook scenario`: the repo's scenarios pass in-process and against a served URL, a wrong
//! expectation fails naming the turn and why, and bad files, missing credentials and an
//! unreachable webhook are told apart by the exit code.

use std::path::{Path, PathBuf};

use axum::routing::get;
use serde_json::{Value, json};

use crate::support::{Run, Server, Stub, cxhook, free_port, run};

/// The repo's scenarios directory.
pub(crate) fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// The repo's scenarios that need nothing but the webhook: `scenarios/*.yaml`.
fn repo_scenarios() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(scenarios())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| path.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    files
}

/// Runs `cxhook scenario ARGS…` in the working directory `dir` (where the in-process
/// webhook keeps its database).
fn scenario(dir: &Path, args: &[&str]) -> Run {
    let mut command = cxhook();
    command.arg("scenario").args(args).current_dir(dir);
    run(command, "")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn last_line(run: &Run) -> &str {
    run.stdout.lines().last().unwrap_or_default()
}

/// Asserts that every scenario and every turn passed.
fn all_passed(run: &Run, scenarios: usize) {
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        last_line(run),
        format!("{scenarios} passed, 0 failed"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("FAILED"), "{run:?}");
    let turns = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  turn "))
        .count();
    let ok = run.stdout.lines().filter(|l| l.ends_with(" … ok")).count();
    assert!(turns >= 6, "{run:?}");
    assert_eq!(turns, ok, "{run:?}");
}

#[test]
fn the_repo_scenarios_pass_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let files = repo_scenarios();
    // Each scenario has a German copy beside it, played with it.
    for file in files.iter().filter(|f| !f.ends_with("-de.yaml")) {
        let german = file.replace(".yaml", "-de.yaml");
        assert!(
            files.contains(&german),
            "{file} has no German copy {german}"
        );
    }
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let run = scenario(dir.path(), &args);
    all_passed(&run, files.len());
    assert!(
        run.stdout.contains("  turn 5 booking.create … ok"),
        "{}",
        run.stdout
    );
    let booking = run
        .stdout
        .split("\n\n")
        .find(|block| block.contains("booking.yaml"))
        .unwrap();
    assert!(
        booking.lines().filter(|l| l.starts_with("  turn ")).count() >= 6,
        "{booking}"
    );
    let german = run
        .stdout
        .split("\n\n")
        .find(|block| block.contains("booking-de.yaml"))
        .unwrap_or_else(|| panic!("the German copy of booking.yaml ran: {}", run.stdout));
    assert_eq!(
        german.lines().filter(|l| l.starts_with("  turn ")).count(),
        booking.lines().filter(|l| l.starts_with("  turn ")).count(),
        "{german}"
    );
}

/// Every file in `dir`, by name, with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn in_process_tools_leave_the_servers_database_alone() {
    let dir = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let tool = |args: &[&str]| {
        let mut command = cxhook();
        command
            .args(args)
            .current_dir(dir.path())
            .env("TMPDIR", scratch.path());
        run(command, "")
    };
    let balance = [
        "send",
        "--in-process",
        "--tag",
        "account.balance",
        "-p",
        "user_id=u-1001",
        "--json",
    ];
    // What `serve` in this directory would use, made and seeded through --database.
    let made = tool(&[&balance[..], &["--database", "cxhook.db"]].concat());
    assert_eq!(made.code, Some(0), "{made:?}");
    let before = snapshot(dir.path());
    assert!(before.contains_key("cxhook.db"), "{before:?}");

    let sent = tool(&balance);
    assert_eq!(sent.code, Some(0), "{sent:?}");
    let reply: Value = serde_json::from_str(&sent.stdout).unwrap();
    assert_eq!(
        reply["sessionInfo"]["parameters"]["balance_minor"], 125_075,
        "a fresh database is seeded like the default: {sent:?}"
    );
    assert_eq!(
        sent.stderr.lines().count(),
        1,
        "the status line, and no log line per call: {sent:?}"
    );

    let files = repo_scenarios();
    let mut args = vec!["scenario"];
    args.extend(files.iter().map(String::as_str));
    all_passed(&tool(&args), files.len());

    let call = json!({
        "request": {"detectIntentResponseId": "r-1", "fulfillmentInfo": {"tag": "account.balance"},
                    "sessionInfo": {"session": "projects/p/locations/l/agents/a/sessions/s",
                                    "parameters": {"user_id": "u-1002"}}},
        "status": 200,
        "response": {}
    });
    write(dir.path(), "calls.jsonl", &format!("{call}\n"));
    let mut before = before;
    before.insert(
        "calls.jsonl".to_owned(),
        std::fs::read(dir.path().join("calls.jsonl")).unwrap(),
    );
    let replayed = tool(&["replay", "calls.jsonl"]);
    assert_eq!(replayed.code, Some(1), "the reply differs: {replayed:?}");
    assert!(
        replayed.stdout.contains("FAIL line 1 account.balance"),
        "{replayed:?}"
    );

    assert_eq!(snapshot(dir.path()), before, "the directory is as it was");
    assert!(
        std::fs::read_dir(scratch.path()).unwrap().next().is_none(),
        "the temporary databases are removed"
    );

    // A database the user names in a variable is the one used.
    let mut command = cxhook();
    command
        .args(balance)
        .current_dir(dir.path())
        .env("CXHOOK_ACCOUNTS__DATABASE", "named.db");
    let named = run(command, "");
    assert_eq!(named.code, Some(0), "{named:?}");
    assert!(dir.path().join("named.db").exists());
}

#[test]
fn the_repo_scenarios_pass_against_a_url() {
    // The memory scenarios need memory on, which takes a secret.
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_MEMORY_SECRET", "scenario-test-secret")],
    );
    let dir = tempfile::tempdir().unwrap();
    let files = repo_scenarios();
    let url = server.url("/webhook");
    let mut args = vec!["--url", url.as_str()];
    args.extend(files.iter().map(String::as_str));
    let run = scenario(dir.path(), &args);
    all_passed(&run, files.len());
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing runs in-process against a URL"
    );
}

#[test]
fn a_wrong_expectation_fails_naming_the_turn_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = write(
        dir.path(),
        "wrong.yaml",
        r#"
name: a wrong balance
session: {params: {user_id: u-1001}}
turns:
  - tag: account.transactions
    params: {count: 1}
    expect: {params: {transaction_count: 1}}
  - tag: account.balance
    text: what's my balance?
    expect:
      text_contains: Friday
      params: {account_found: false}
  - tag: account.balance
    expect: {text_contains: "$1,250.75"}
"#,
    );
    let run = scenario(dir.path(), &[&wrong]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("scenario a wrong balance ({wrong})"));
    assert_eq!(lines[1], "  turn 1 account.transactions … ok");
    assert_eq!(
        lines[2],
        "  turn 2 account.balance … FAILED: expected the text to contain \"Friday\", got \
         \"The balance of account u-1001 is $1,250.75.\""
    );
    assert_eq!(
        lines[3],
        "      and: expected session parameter `account_found` = false, got true"
    );
    assert_eq!(lines[4], "  turn 3 account.balance … ok");
    assert_eq!(lines[5], "  FAILED: 1 of 3 turns");
    assert_eq!(last_line(&run), "0 passed, 1 failed");

    let both = scenario(
        dir.path(),
        &[
            &wrong,
            &scenarios().join("accounts.yaml").display().to_string(),
        ],
    );
    assert_eq!(both.code, Some(1), "{both:?}");
    assert_eq!(last_line(&both), "1 passed, 1 failed");
}

#[test]
fn a_bad_file_is_named_with_its_line_and_nothing_runs() {
    let dir = tempfile::tempdir().unwrap();
    let good = scenarios().join("accounts.yaml").display().to_string();
    let bad = write(
        dir.path(),
        "bad.yaml",
        "turns:\n  - tag: account.balance\n    expect: {txt: hi}\n",
    );
    let run = scenario(dir.path(), &[&good, &bad]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "", "no scenario runs when one cannot be read");
    assert!(run.stderr.contains(&bad), "{run:?}");
    assert!(run.stderr.contains("unknown field `txt`"), "{run:?}");
    assert!(run.stderr.contains("line 3"), "{run:?}");

    let run = scenario(dir.path(), &["no-such-file.yaml"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("cannot read no-such-file.yaml"),
        "{run:?}"
    );

    let run = scenario(dir.path(), &[]);
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn credentials_come_from_the_shared_flags() {
    const TOKEN: &str = "tok-scenario-eeeeeeeeeeeeeeeeeeee";
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "cxhook.toml",
        "[auth.bearer]\ntoken_envs = [\"HOOK_TOKEN\"]\n",
    );
    let server = Server::start(
        &["--addr", "127.0.0.1:0", "--config", &config],
        &[("HOOK_TOKEN", TOKEN)],
    );
    let url = server.url("/webhook");
    let accounts = scenarios().join("accounts.yaml").display().to_string();

    let run = scenario(dir.path(), &["--url", &url, "--bearer", TOKEN, &accounts]);
    assert_eq!(run.code, Some(0), "{run:?}");

    let run = scenario(dir.path(), &["--url", &url, &accounts]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains(
            "  turn 1 account.balance … FAILED: Dialogflow would not accept the answer: the \
             webhook answered HTTP 401;"
        ),
        "{run:?}"
    );
    assert_eq!(last_line(&run), "0 passed, 1 failed");
}

#[test]
fn no_answer_is_an_error_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/webhook", free_port());
    let accounts = scenarios().join("accounts.yaml").display().to_string();
    let run = scenario(dir.path(), &["--url", &url, &accounts]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("cannot get an answer from"), "{run:?}");
    assert!(run.stderr.contains("turn 1 (account.balance)"), "{run:?}");
}

/// A stub of Open-Meteo: Berlin is known, nothing else.
pub(crate) fn weather_provider() -> Stub {
    let json = |body: Value| ([("content-type", "application/json")], body.to_string());
    let geocoding = move |uri: http::Uri| async move {
        let query = uri.query().unwrap_or_default().to_ascii_lowercase();
        let berlin = query.split('&').any(|pair| pair == "name=berlin");
        json(if berlin {
            json!({"results": [
                {"name": "Berlin", "latitude": 52.52, "longitude": 13.41, "country": "Germany"}
            ]})
        } else {
            json!({})
        })
    };
    let forecast = move || async move {
        json(json!({"current": {"temperature_2m": 3.5, "weather_code": 3, "wind_speed_10m": 12.0}}))
    };
    Stub::start(
        axum::Router::new()
            .route("/geo", get(geocoding))
            .route("/forecast", get(forecast)),
    )
}

#[test]
fn the_stubbed_scenarios_play_against_a_stub_provider() {
    let provider = weather_provider();
    let base = provider.url.strip_suffix("/webhook").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "cxhook.toml",
        &format!("[weather]\ngeocoding_url = \"{base}/geo\"\nforecast_url = \"{base}/forecast\"\n"),
    );
    // Every scenario of scenarios/stubbed/, each with its German copy.
    let mut files: Vec<String> = std::fs::read_dir(scenarios().join("stubbed"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| path.display().to_string())
        .collect();
    files.sort();
    for file in files.iter().filter(|f| !f.ends_with("-de.yaml")) {
        let german = file.replace(".yaml", "-de.yaml");
        assert!(files.contains(&german), "{file} has no German copy");
    }
    for name in ["weather-lookup.yaml", "weather-remembered.yaml"] {
        assert!(files.iter().any(|f| f.ends_with(name)), "{files:?}");
    }
    let mut args = vec!["--config", config.as_str()];
    args.extend(files.iter().map(String::as_str));
    let run = scenario(dir.path(), &args);
    all_passed(&run, files.len());
    let remembered = run
        .stdout
        .split("\n\n")
        .find(|block| block.contains("weather-remembered.yaml"))
        .unwrap_or_else(|| panic!("weather-remembered.yaml ran: {}", run.stdout));
    assert!(
        remembered.contains("  turn 2 weather.current … ok"),
        "{remembered}"
    );
}
