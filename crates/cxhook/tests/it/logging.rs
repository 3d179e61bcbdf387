//! Log lines: one JSON object per event in Cloud Logging's shape, each naming the call,
//! none holding parameter values, user text or the session ID.

use cxhook::extract::Session;
use cxhook::server::Webhook;
use cxhook::{Reply, Router};
use cxhook_sim::{RequestBuilder, TestClient};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

use crate::support::{Captured, call, request};

async fn fails(session: Session) -> Result<Reply, std::io::Error> {
    let _ = session.str_param("card_number");
    Err(std::io::Error::other("upstream said no"))
}

#[tokio::test]
async fn one_json_line_per_event_naming_the_call_and_nothing_private() {
    let captured = Captured::default();
    let subscriber =
        tracing_subscriber::registry().with(cxhook::logging::json_layer(captured.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);

    let client = TestClient::new(Router::new().route("pay", fails));
    let turn = RequestBuilder::new()
        .tag("pay")
        .response_id("r-1")
        .session("s-1")
        .param("card_number", "4111-1111-1111-1111")
        .text("my secret words");
    call(&client, turn)
        .await
        .assert_status(http::StatusCode::OK);

    let text = captured.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(lines.len(), 2, "the error, then the answer: {text}");
    assert_eq!(lines[0]["severity"], "ERROR");
    assert_eq!(lines[0]["message"], "answered with a fallback");
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .contains("upstream said no")
    );
    assert_eq!(lines[1]["severity"], "INFO");
    assert_eq!(lines[1]["message"], "answered");
    assert_eq!(lines[1]["outcome"], "error");
    for line in &lines {
        assert_eq!(line["span"]["request_id"], "r-1");
        assert_eq!(line["span"]["tag"], "pay");
        assert_eq!(line["span"]["session"].as_str().unwrap().len(), 16);
    }
    // The whole card number: its first digits alone can turn up in a timing (elapsed_us).
    for private in ["4111-1111", "secret words", "s-1"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
}

async fn logs_and_fails(session: Session) -> Result<Reply, std::io::Error> {
    tracing::info!(found = session.params().len(), "looking up the card");
    Err(std::io::Error::other("card service said no"))
}

#[tokio::test]
async fn every_line_of_a_call_carries_its_request_id_and_trace() {
    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    let captured = Captured::default();
    let layer = cxhook::logging::JsonLayer::new(captured.clone()).project(Some("my-project"));
    let subscriber = tracing_subscriber::registry().with(layer);
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = Webhook::new(Router::new().route("pay", logs_and_fails))
        .log_params(["city"])
        .into_axum();
    let mut body = request(
        "pay",
        json!({"card_number": "4111-1111-1111-1111", "city": "Paris"}),
    );
    body["text"] = json!("my secret words");
    let mut http = crate::support::post_request(serde_json::to_vec(&body).unwrap());
    http.headers_mut().insert(
        "traceparent",
        format!("00-{TRACE}-00f067aa0ba902b7-01").parse().unwrap(),
    );
    let answered = crate::support::send(&app, http).await;
    assert_eq!(answered.status, http::StatusCode::OK);

    let text = captured.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let messages: Vec<&str> = lines
        .iter()
        .map(|line| line["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "looking up the card",
            "answered with a fallback",
            "answered"
        ],
        "one line per event: {text}"
    );
    for line in &lines {
        assert!(line["time"].as_str().unwrap().ends_with('Z'), "{line}");
        assert_eq!(line["span"]["request_id"], "r-1");
        assert_eq!(
            line["logging.googleapis.com/trace"],
            format!("projects/my-project/traces/{TRACE}")
        );
        assert_eq!(line["logging.googleapis.com/spanId"], "00f067aa0ba902b7");
        assert_eq!(line["logging.googleapis.com/trace_sampled"], true);
        assert_eq!(
            line["span"]["params"], r#"{"city":"Paris"}"#,
            "the allowed one"
        );
    }
    assert_eq!(lines[0]["severity"], "INFO");
    assert_eq!(lines[1]["severity"], "ERROR");
    // The whole card number: its first digits alone can turn up in a timing (elapsed_us).
    for private in ["4111-1111", "secret words", "s-1"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
}

#[tokio::test]
async fn an_unknown_tag_is_logged_once_and_clipped() {
    let captured = Captured::default();
    let subscriber =
        tracing_subscriber::registry().with(cxhook::logging::json_layer(captured.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);

    let tag = "t".repeat(500 * 1024);
    let shown = format!("{}… (512000 bytes)", "t".repeat(128));
    for fallback in [
        cxhook::Fallback::default(),
        cxhook::Fallback::status(http::StatusCode::NOT_FOUND),
    ] {
        let client = TestClient::new(Router::new().route("pay", fails).fallback(fallback));
        call(&client, RequestBuilder::new().tag(&tag).response_id("r-1")).await;
    }

    let text = captured.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let unknown = lines
        .iter()
        .filter(|line| line["message"] == "no handler serves this tag")
        .count();
    assert_eq!(unknown, 2, "one warning per call: {text}");
    // The status fallback is answered by the recover layer, which does not log it again.
    let warnings: Vec<&Value> = lines
        .iter()
        .filter(|line| line["severity"] == "WARNING")
        .collect();
    assert_eq!(warnings.len(), 2, "no second line about the tag: {text}");
    assert_eq!(warnings[0]["fallback"], "reply");
    assert_eq!(warnings[1]["fallback"], "status");
    assert_eq!(warnings[1]["status"], 404);
    for line in text.lines() {
        assert!(line.len() < 1024, "{} bytes: {line}", line.len());
        assert!(!line.contains(&"t".repeat(129)), "{line}");
        assert!(
            line.matches(&shown).count() <= 1,
            "the tag once per line: {line}"
        );
    }
    for line in &lines {
        assert_eq!(line["span"]["tag"], shown.as_str(), "{line}");
        assert!(line.get("tag").is_none(), "not twice on a line: {line}");
    }
}
