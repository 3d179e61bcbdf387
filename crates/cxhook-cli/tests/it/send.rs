//! `cxhook send`: the request it builds, how it reads answers out, and what it calls wrong.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

use crate::support::{Run, Server, Stub, cxhook, cxhook_run, fixture, free_port, run};

/// A stub that answers every call with this status and body.
fn answering(status: u16, body: String) -> Stub {
    let status = StatusCode::from_u16(status).unwrap();
    let app = axum::Router::new().route(
        "/webhook",
        post(move || async move { (status, [("content-type", "application/json")], body) }),
    );
    Stub::start(app)
}

/// The last request a recording stub got: its content type and body.
type Seen = Arc<Mutex<Option<(String, Value)>>>;

/// A stub that keeps the last request and answers with `reply`.
fn recording(reply: Value) -> (Stub, Seen) {
    let seen = Arc::new(Mutex::new(None));
    let kept = seen.clone();
    let app = axum::Router::new().route(
        "/webhook",
        post(move |headers: HeaderMap, body: String| async move {
            let content_type = headers["content-type"].to_str().unwrap().to_owned();
            *kept.lock().unwrap() = Some((content_type, serde_json::from_str(&body).unwrap()));
            ([("content-type", "application/json")], reply.to_string())
        }),
    );
    (Stub::start(app), seen)
}

fn send(url: &str, args: &[&str]) -> Run {
    let mut all = vec!["send", url];
    all.extend_from_slice(args);
    cxhook_run(&all)
}

fn wrong(run: &Run, says: &str) {
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("cxhook: wrong answer: "), "{run:?}");
    assert!(run.stderr.contains(says), "{run:?}");
}

#[test]
fn send_to_serve_reads_out_the_fallback() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let run = send(&server.url("/webhook"), &["--tag", "no.such.tag"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let mut lines = run.stdout.lines();
    let status = lines.next().unwrap();
    assert!(
        status.starts_with("HTTP 200 OK in ") && status.ends_with(" ms"),
        "{run:?}"
    );
    assert_eq!(
        lines.next(),
        Some("text: Sorry, I can't help with that right now."),
        "{run:?}"
    );
}

#[test]
fn send_builds_a_request_like_dialogflows() {
    let reply = json!({
        "fulfillmentResponse": {"messages": [{"text": {"text": ["Hello, Ada!"]}}]},
        "sessionInfo": {"parameters": {"draft": null, "greeted": true}},
        "pageInfo": {"formInfo": {"parameterInfo": [{"displayName": "date", "state": "INVALID"}]}},
        "targetPage": "projects/p/locations/global/agents/a/flows/f/pages/END_SESSION"
    });
    let (stub, seen) = recording(reply);
    let run = send(
        &stub.url,
        &[
            "--tag",
            "greet",
            "--text",
            "hi there",
            "-p",
            "n=4",
            "-p",
            "name=Ada",
            "--session",
            "s-42",
            "--lang",
            "de",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<_> = run.stdout.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "text: Hello, Ada!",
            "delete draft",
            "set greeted = true",
            "form date: INVALID",
            "go to page projects/p/locations/global/agents/a/flows/f/pages/END_SESSION",
        ],
        "{run:?}"
    );

    let (content_type, request) = seen.lock().unwrap().take().unwrap();
    assert_eq!(content_type, "application/json");
    assert_eq!(request["fulfillmentInfo"]["tag"], "greet");
    assert_eq!(request["text"], "hi there");
    assert_eq!(request["languageCode"], "de");
    assert_eq!(
        request["sessionInfo"]["parameters"],
        json!({"n": 4, "name": "Ada"})
    );
    let agent =
        "projects/cxhook-local/locations/global/agents/00000000-0000-0000-0000-00000000c0de";
    assert_eq!(
        request["sessionInfo"]["session"],
        format!("{agent}/sessions/s-42")
    );
    assert_eq!(
        request["pageInfo"]["currentPage"],
        format!("{agent}/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE")
    );
    assert_eq!(request["pageInfo"]["displayName"], "Start Page");
    let id = request["detectIntentResponseId"].as_str().unwrap();
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(id.as_bytes()[14], b'4', "a version 4 UUID: {id}");
}

#[test]
fn send_sends_a_file_from_stdin_with_the_tag_and_params_overridden() {
    let (stub, seen) = recording(json!({}));
    let mut command = cxhook();
    command.args([
        "send",
        &stub.url,
        "--file",
        "-",
        "--tag",
        "other.tag",
        "-p",
        "extra=1",
        "--json",
    ]);
    let run = run(command, &fixture("request-01-balance-lookup.json"));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout.lines().nth(1),
        Some("{}"),
        "--json prints the body as it came"
    );

    let (_, request) = seen.lock().unwrap().take().unwrap();
    assert_eq!(request["fulfillmentInfo"]["tag"], "other.tag");
    assert_eq!(
        request["sessionInfo"]["parameters"],
        json!({"account_type": "checking", "authenticated": true, "customer_id": "C-100234", "extra": 1})
    );
    assert_eq!(
        request["detectIntentResponseId"],
        "17fe9abe-8930-55a9-abc2-51c956ccc0d1"
    );
    assert_eq!(request["messages"][0]["responseType"], "HANDLER_PROMPT");
}

#[test]
fn a_file_that_is_no_request_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("request.json");
    std::fs::write(&file, r#"{"fulfillmentInfo": {"tag": 7}}"#).unwrap();
    let run = send(
        "http://127.0.0.1:9/webhook",
        &["--file", file.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("at `fulfillmentInfo.tag`"), "{run:?}");
}

#[test]
fn a_misspelled_field_is_wrong() {
    let body = json!({
        "fulfillmentResponse": {"messages": [{"text": {"text": ["Bye."]}}]},
        "targetPgae": "projects/p/locations/global/agents/a/flows/f/pages/END_SESSION"
    });
    let stub = answering(200, body.to_string());
    let run = send(&stub.url, &["--tag", "t"]);
    wrong(&run, "unknown field `targetPgae`");
    assert!(
        run.stdout.contains("text: Bye."),
        "the rest is still read out: {run:?}"
    );
}

#[test]
fn two_transition_targets_are_wrong() {
    let body = json!({"targetPage": "p", "targetFlow": "f"});
    let run = send(&answering(200, body.to_string()).url, &["--tag", "t"]);
    wrong(&run, "sets both `targetPage` and `targetFlow`");
}

#[test]
fn a_body_over_64_kib_is_wrong() {
    let text = "x".repeat(70 * 1024);
    let body = json!({"fulfillmentResponse": {"messages": [{"text": {"text": [text]}}]}});
    let run = send(&answering(200, body.to_string()).url, &["--tag", "t"]);
    wrong(
        &run,
        "more than the 65536 bytes (64 KiB) Dialogflow accepts",
    );
}

#[test]
fn a_server_error_is_wrong() {
    let stub = answering(500, r#"{"error": "boom"}"#.to_owned());
    let run = send(&stub.url, &["--tag", "t"]);
    wrong(&run, "HTTP 500 Internal Server Error");
    assert!(
        run.stdout.starts_with("HTTP 500 Internal Server Error in "),
        "{run:?}"
    );
    assert!(run.stdout.contains(r#"body: {"error": "boom"}"#), "{run:?}");
}

#[test]
fn a_body_that_is_not_json_is_wrong() {
    let run = send(&answering(200, "OK".to_owned()).url, &["--tag", "t"]);
    wrong(&run, "the body is not JSON");
}

#[test]
fn an_output_only_message_is_wrong() {
    let body = json!({"fulfillmentResponse": {"messages": [{"endInteraction": {}}]}});
    let run = send(&answering(200, body.to_string()).url, &["--tag", "t"]);
    wrong(
        &run,
        "`endInteraction` message, which only Dialogflow may produce",
    );
}

#[test]
fn a_refused_connection_is_a_network_error() {
    let url = format!("http://127.0.0.1:{}/webhook", free_port());
    let run = send(&url, &["--tag", "t"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("cxhook: cannot get an answer from"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn a_slow_webhook_is_a_network_error() {
    let app = axum::Router::new().route(
        "/webhook",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            "{}"
        }),
    );
    let stub = Stub::start(app);
    let run = send(&stub.url, &["--tag", "t", "--timeout", "200ms"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("within 200 ms"), "{run:?}");
}
