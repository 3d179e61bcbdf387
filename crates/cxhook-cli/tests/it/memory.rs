//! `[memory]` in the server, without code, and `cxhook memory show|forget`: a returning
//! user's parameters come back in a new session, support reads and erases them by the
//! user's ID, and the database names nobody.

use serde_json::{Value, json};

use crate::support::{Server, cxhook, post, request, run};

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
fn memory(dir: &std::path::Path, action: &str, user: &str) -> crate::support::Run {
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

#[test]
fn without_a_secret_the_memory_commands_say_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = cxhook();
    command
        .args(["memory", "show", "--user", "u-1001"])
        .current_dir(dir.path());
    let refused = run(command, "");
    assert_eq!(refused.code, Some(2), "{refused:?}");
    assert!(
        refused.stderr.contains("CXHOOK_MEMORY_SECRET"),
        "{refused:?}"
    );
}
