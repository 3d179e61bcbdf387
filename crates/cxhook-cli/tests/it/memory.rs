//! `[memory]` in the server, without code, and `cxhook memory show|forget`: a returning
//! user's parameters come back in a new session, support reads and erases them by the
//! user's ID, and the database names nobody.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::{Value, json};

use crate::support::{Run, Server, cxhook, post, request, run};

const SECRET: (&str, &str) = ("CXHOOK_MEMORY_SECRET", "cli-memory-test-secret");

/// A call of `tag` in `session` from `u-1001`, with `params`.
fn call(session: &str, tag: &str, params: Value) -> Value {
    let mut body = request(tag);
    body["sessionInfo"]["session"] =
        format!("projects/p/locations/global/agents/a/sessions/{session}").into();
    let mut all = json!({"user_id": "u-1001"});
    all.as_object_mut()
        .unwrap()
        .extend(params.as_object().unwrap().clone());
    body["sessionInfo"]["parameters"] = all;
    body
}

fn params(answer: &Value) -> Value {
    answer["sessionInfo"]["parameters"].clone()
}

/// `cxhook memory ACTION --user ID` in `dir`, with the secret.
fn memory(dir: &Path, action: &str, user: &str) -> Run {
    let mut command = cxhook();
    command
        .args(["memory", action, "--user", user])
        .env(SECRET.0, SECRET.1)
        .current_dir(dir);
    run(command, "")
}

#[test]
fn a_returning_user_is_recalled_and_support_can_show_and_forget_them() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &["--addr", "127.0.0.1:0"], &[SECRET]);
    let webhook = server.url("/webhook");
    // First visit: the agent has collected the city; an unknown tag still answers.
    let first = post(
        &webhook,
        &call("visit-1", "no.such.tag", json!({"city": "Berlin"})),
    );
    assert_eq!(first.status, 200, "{first:?}");
    let first = post(
        &webhook,
        &call("visit-1", "memory.recall", json!({"city": "Berlin"})),
    );
    assert_eq!(params(&first.json())["memory_recalled"], false, "{first:?}");
    // Second visit, a new session: the city comes back, and the agent is told.
    let second = post(&webhook, &call("visit-2", "memory.recall", json!({})));
    let second = params(&second.json());
    assert_eq!(second["city"], "Berlin", "{second}");
    assert_eq!(second["memory_recalled"], true, "{second}");

    let shown = memory(dir.path(), "show", "u-1001");
    assert_eq!(shown.code, Some(0), "{shown:?}");
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(shown["facts"]["city"]["value"], "Berlin", "{shown}");
    assert!(!shown.to_string().contains("u-1001"), "{shown}");

    let forgot = memory(dir.path(), "forget", "u-1001");
    assert_eq!(forgot.code, Some(0), "{forgot:?}");
    assert!(forgot.stdout.contains(": 1 fact forgotten"), "{forgot:?}");
    let third = post(&webhook, &call("visit-3", "memory.recall", json!({})));
    let third = params(&third.json());
    assert_eq!(third["memory_recalled"], false, "{third}");
    assert!(third.get("city").is_none(), "{third}");
}

#[test]
fn forget_me_erases_the_caller_and_says_so_in_their_language() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &["--addr", "127.0.0.1:0"], &[SECRET]);
    let webhook = server.url("/webhook");
    post(
        &webhook,
        &call("s-1", "memory.recall", json!({"service": "haircut"})),
    );
    let mut forget = call("s-1", "memory.forget", json!({"service": "haircut"}));
    forget["languageCode"] = "fr".into();
    let forgot = post(&webhook, &forget).json();
    let text = forgot["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(text.contains("oublié"), "{forgot}");
    assert_eq!(params(&forgot)["service"], Value::Null, "{forgot}");
    let shown = memory(dir.path(), "show", "u-1001");
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(shown["facts"], json!({}), "{shown}");
}

/// `cxhook memory ACTION --user ID` in `dir`, with no secret set, and `env`.
fn memory_unset(dir: &Path, action: &str, user: &str, env: &[(&str, &str)]) -> Run {
    let mut command = cxhook();
    command
        .args(["memory", action, "--user", user])
        .envs(env.iter().copied())
        .current_dir(dir);
    run(command, "")
}

/// The names of the files in `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn with_no_secret_serve_keeps_one_beside_the_database_and_a_restart_recalls_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cxhook.db.memory-secret");
    let server = Server::start_in(dir.path(), &["--addr", "127.0.0.1:0"], &[]);
    assert!(server.tags.contains("memory.recall"), "{}", server.tags);
    let webhook = server.url("/webhook");
    let first = post(
        &webhook,
        &call("visit-1", "memory.recall", json!({"city": "Berlin"})),
    );
    assert_eq!(params(&first.json())["memory_recalled"], false, "{first:?}");
    let second = params(&post(&webhook, &call("visit-2", "memory.recall", json!({}))).json());
    assert_eq!(second["city"], "Berlin", "{second}");
    assert_eq!(second["memory_recalled"], true, "{second}");

    let text = std::fs::read_to_string(&file).unwrap();
    let digits = text.trim_end();
    assert_eq!(digits.len(), 64, "{text:?}");
    assert!(digits.bytes().all(|b| b.is_ascii_hexdigit()), "{text:?}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    let stopped = server.stop();
    let said = stopped
        .stderr
        .lines()
        .filter(|line| line.contains("memory keys users with the secret in its file"))
        .collect::<Vec<_>>();
    assert_eq!(said.len(), 1, "{}", stopped.stderr);
    assert!(said[0].contains("cxhook.db.memory-secret"), "{}", said[0]);
    assert!(!stopped.stderr.contains(digits), "{}", stopped.stderr);

    // Restarted on the same directory: the same secret, so the same user is recalled.
    let again = Server::start_in(dir.path(), &["--addr", "127.0.0.1:0"], &[]);
    let third = params(
        &post(
            &again.url("/webhook"),
            &call("visit-3", "memory.recall", json!({})),
        )
        .json(),
    );
    assert_eq!(third["city"], "Berlin", "{third}");
    assert_eq!(third["memory_recalled"], true, "{third}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // Support finds them with the kept secret too.
    let shown = memory_unset(dir.path(), "show", "u-1001", &[]);
    assert_eq!(shown.code, Some(0), "{shown:?}");
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(shown["facts"]["city"]["value"], "Berlin", "{shown}");
}

#[test]
fn with_postgres_and_no_secret_memory_stays_off_and_the_start_says_why() {
    let dir = tempfile::tempdir().unwrap();
    // Memory off never connects: no server needs to listen there.
    let postgres = (
        "CXHOOK_MEMORY__DATABASE",
        "postgres://cxhook@127.0.0.1:1/cxhook",
    );
    let server = Server::start_in(dir.path(), &["--addr", "127.0.0.1:0"], &[postgres]);
    assert!(!server.tags.contains("memory."), "{}", server.tags);
    let answer = post(
        &server.url("/webhook"),
        &call("visit-1", "account.balance", json!({"city": "Berlin"})),
    );
    assert!(params(&answer.json()).get("memory_recalled").is_none());
    let stopped = server.stop();
    let warned = stopped
        .stderr
        .lines()
        .filter(|line| line.contains("memory is off"))
        .collect::<Vec<_>>();
    assert_eq!(warned.len(), 1, "{}", stopped.stderr);
    for said in ["WARN", "Postgres", "CXHOOK_MEMORY_SECRET", "secret_file"] {
        assert!(warned[0].contains(said), "{said}: {}", warned[0]);
    }
    assert!(
        !files(dir.path())
            .iter()
            .any(|name| name.ends_with(".memory-secret"))
    );
    // Support is told the secret is missing rather than that nothing is remembered.
    let refused = memory_unset(dir.path(), "show", "u-1001", &[postgres]);
    assert_eq!(refused.code, Some(2), "{refused:?}");
    assert!(
        refused.stderr.contains("CXHOOK_MEMORY_SECRET"),
        "{refused:?}"
    );
}

#[test]
fn with_no_secret_and_no_file_the_memory_commands_say_nothing_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let shown = memory_unset(dir.path(), "show", "u-1001", &[]);
    assert_eq!(shown.code, Some(0), "{shown:?}");
    let facts: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(facts["facts"], json!({}), "{shown:?}");
    assert!(shown.stderr.contains("nothing is remembered"), "{shown:?}");
    assert!(
        shown.stderr.contains("cxhook.db.memory-secret"),
        "{shown:?}"
    );
    let forgot = memory_unset(dir.path(), "forget", "u-1001", &[]);
    assert_eq!(forgot.code, Some(0), "{forgot:?}");
    assert_eq!(forgot.stdout.trim(), "0 facts forgotten", "{forgot:?}");
    assert!(
        forgot.stderr.contains("nothing is remembered"),
        "{forgot:?}"
    );
    // Neither made the secret, nor the database.
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
}
