//! The in-process test client: what it sends, what its answer reads, and that its failed
//! asserts say why and show the body.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cxhook::extract::{Session, UserInput};
use cxhook::logging::TraceContext;
use cxhook::middleware::RecoverLayer;
use cxhook::server::{Meta, Webhook};
use cxhook::types::{ParameterState, Transition};
use cxhook::{Outcome, Reply, Router};
use cxhook_sim::{RequestBuilder, TestClient, TestResponse};
use http::StatusCode;
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;

use crate::support::{Captured, call};

/// Echoes the user's words and the `name` parameter.
async fn echo(session: Session, input: UserInput) -> Reply {
    Reply::text(format!(
        "{} / {}",
        input.utterance().unwrap_or("-"),
        session.str_param("name").unwrap_or("-")
    ))
}

/// A reply with a bit of everything a test asserts on.
async fn everything() -> Reply {
    Reply::text("First.")
        .text_variants(["Hi!", "Hey!"])
        .payload(json!({"card": 1}))
        .and_text("Last.")
        .set_param("count", 3)
        .clear_param("pending")
        .invalidate("time")
        .set_form_value("date", "2026-12-01")
        .response_payload(json!({"for": "caller"}))
        .to_flow("billing")
}

fn router() -> Router {
    Router::new()
        .route("echo", echo)
        .route("everything", everything)
        .route("page", || async { Reply::text("Bye.").end_session() })
        .route("silent", || async { Reply::new() })
        .route("fails", || async {
            Err::<Reply, _>(std::io::Error::other("upstream said no"))
        })
}

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it should panic");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => (*payload.downcast::<&str>().unwrap()).to_owned(),
    }
}

#[tokio::test]
async fn builders_requests_values_and_raw_json_are_sent_alike() {
    let client = TestClient::new(router());
    let builder = RequestBuilder::new()
        .tag("echo")
        .text("hello")
        .param("name", "Ada");
    let expected = "hello / Ada";
    call(&client, &builder).await.assert_text(expected);
    call(&client, builder.build()).await.assert_text(expected);
    call(&client, &builder.build()).await.assert_text(expected);
    let value: serde_json::Value = serde_json::from_slice(&builder.to_json()).unwrap();
    call(&client, &value).await.assert_text(expected);
    call(&client, value).await.assert_text(expected);
    let text = String::from_utf8(builder.to_json()).unwrap();
    call(&client, text.as_str()).await.assert_text(expected);
    call(&client, text.clone()).await.assert_text(expected);
    call(&client, text.as_bytes()).await.assert_text(expected);
    call(&client, builder.to_json()).await.assert_text(expected);
    call(&client, builder).await.assert_text(expected);

    let reply = call(
        &client,
        br#"{"fulfillmentInfo": {"tag": "echo"}, "text": "hi"}"#,
    )
    .await;
    reply
        .assert_status(StatusCode::OK)
        .assert_outcome(Outcome::Ok)
        .assert_text("hi / -");
}

#[tokio::test]
async fn a_body_the_parser_refuses_is_an_error_answer() {
    let client = TestClient::new(router());
    let reply = client.send("{not json").await;
    reply
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_outcome(Outcome::Rejected);
    assert_eq!(reply.error_code(), Some("invalid_json"));
    assert!(reply.error_message().is_some_and(|m| !m.is_empty()));
    assert!(reply.try_response().is_none());
    assert_eq!(reply.body(), serde_json::to_vec(reply.json()).unwrap());

    let reply = client
        .send(json!({"sessionInfo": {"parameters": [1]}}))
        .await;
    assert_eq!(reply.error_code(), Some("invalid_request"));
    assert_eq!(reply.json()["path"], "sessionInfo.parameters");
}

#[tokio::test]
async fn the_accessors_read_what_the_reply_sends() {
    let client = TestClient::new(router());
    let form = RequestBuilder::new()
        .tag("everything")
        .page("Booking")
        .form_param("date", ParameterState::Empty, None)
        .form_param("time", ParameterState::Filled, Some(json!("10:00")));
    let reply = call(&client, form).await;

    assert_eq!(reply.messages().len(), 4);
    assert_eq!(reply.texts(), ["First.", "Hi!", "Hey!", "Last."]);
    assert_eq!(reply.text(), "First.");
    assert_eq!(reply.params().len(), 2);
    assert_eq!(reply.param("count"), Some(&json!(3)));
    assert_eq!(reply.param("pending"), Some(&json!(null)));
    assert_eq!(reply.param("other"), None);
    assert!(reply.deletes("pending"));
    assert!(!reply.deletes("count") && !reply.deletes("other"));
    assert_eq!(reply.invalidated(), ["time"]);
    assert_eq!(reply.form_params().len(), 2);
    let date = reply.form_param("date").unwrap();
    assert_eq!(date.value, Some(json!("2026-12-01")));
    assert_eq!(date.state, ParameterState::Filled);
    assert!(reply.form_param("notes").is_none());
    assert!(matches!(
        reply.transition(),
        Some(Transition::TargetFlow(_))
    ));
    assert_eq!(reply.target_page(), None);
    assert!(reply.target_flow().unwrap().ends_with("/flows/billing"));
    assert_eq!(reply.payload().unwrap()["for"], "caller");
    assert_eq!(reply.error_code(), None);
    reply
        .assert_text_contains("Hey")
        .assert_param("count", 3)
        .assert_deleted("pending")
        .assert_invalidated(&["time"])
        .assert_target_flow("billing")
        .assert_target_flow(reply.target_flow().unwrap());

    let reply = call(&client, RequestBuilder::new().tag("page")).await;
    let page = reply.target_page().unwrap();
    assert!(page.ends_with("/pages/END_SESSION"), "{page}");
    reply
        .assert_target_page("END_SESSION")
        .assert_target_page(page);
    assert_eq!(reply.target_flow(), None);

    let reply = call(&client, RequestBuilder::new().tag("silent")).await;
    assert!(reply.messages().is_empty() && reply.texts().is_empty());
    assert!(reply.params().is_empty() && reply.form_params().is_empty());
    assert_eq!(reply.transition(), None);
    assert_eq!(reply.payload(), None);
}

#[tokio::test]
async fn failed_asserts_say_why_and_show_the_answer() {
    let client = TestClient::new(router());
    let form = RequestBuilder::new()
        .tag("everything")
        .page("Booking")
        .form_param("date", ParameterState::Empty, None)
        .form_param("time", ParameterState::Filled, None);
    let reply = call(&client, form).await;
    let body = serde_json::to_string_pretty(reply.json()).unwrap();
    let failures: Vec<(String, &str)> = vec![
        (
            panic_message(|| {
                reply.assert_text("Second.");
            }),
            r#"expected the text "Second.", got "First."; the webhook answered HTTP 200 OK (outcome ok):"#,
        ),
        (
            panic_message(|| {
                reply.assert_text_contains("Bye");
            }),
            r#"expected a text containing "Bye""#,
        ),
        (
            panic_message(|| {
                reply.assert_param("count", 4);
            }),
            "expected session parameter `count` = 4, got 3",
        ),
        (
            panic_message(|| {
                reply.assert_param("missing", true);
            }),
            "expected session parameter `missing` = true; the reply does not set it",
        ),
        (
            panic_message(|| {
                reply.assert_deleted("count");
            }),
            "expected session parameter `count` to be deleted (sent as null)",
        ),
        (
            panic_message(|| {
                reply.assert_invalidated(&[]);
            }),
            r#"expected the form parameters [] marked INVALID, got ["time"]"#,
        ),
        (
            panic_message(|| {
                reply.assert_target_page("billing");
            }),
            "expected a transition to page `billing`",
        ),
        (
            panic_message(|| {
                reply.assert_target_flow("bill");
            }),
            "expected a transition to flow `bill`",
        ),
        (
            panic_message(|| {
                reply.assert_status(StatusCode::NOT_FOUND);
            }),
            "expected HTTP 404 Not Found",
        ),
        (
            panic_message(|| {
                reply.assert_outcome(Outcome::Error);
            }),
            "expected the outcome `error`, got `ok`",
        ),
    ];
    for (message, expected) in failures {
        assert!(message.starts_with(expected), "{message}");
        assert!(message.ends_with(&body), "the body is shown: {message}");
    }

    let silent = call(&client, RequestBuilder::new().tag("silent")).await;
    let message = panic_message(|| {
        silent.text();
    });
    assert_eq!(
        message,
        "the reply has no text message; the webhook answered HTTP 200 OK (outcome ok):\n{}",
        "an empty reply is `{{}}`"
    );
}

#[tokio::test]
async fn reading_a_response_from_an_error_answer_shows_the_error() {
    let client = TestClient::from(
        Webhook::new(router()).recover(RecoverLayer::new().status(StatusCode::SERVICE_UNAVAILABLE)),
    );
    let reply: TestResponse = call(&client, RequestBuilder::new().tag("fails")).await;
    reply.assert_outcome(Outcome::Error);
    let message = panic_message(|| {
        reply.texts();
    });
    assert!(
        message.starts_with(
            "the answer is HTTP 503 Service Unavailable, not a webhook response; the webhook \
             answered HTTP 503 Service Unavailable (outcome error):\n{"
        ),
        "{message}"
    );
    assert!(message.contains(r#""error": "handler_error""#), "{message}");
}

#[tokio::test]
async fn what_the_transport_knows_reaches_the_calls_log_lines() {
    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    let captured = Captured::default();
    let layer = cxhook::logging::JsonLayer::new(captured.clone()).project(Some("my-project"));
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));

    let client = TestClient::new(router());
    let trace = TraceContext::parse_traceparent(&format!("00-{TRACE}-00f067aa0ba902b7-01"));
    let meta = Meta::default().with_trace(trace);
    client
        .send_with(RequestBuilder::new().tag("echo").text("hi"), &meta)
        .await
        .assert_outcome(Outcome::Ok);
    let text = captured.text();
    let answered: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(answered["message"], "answered", "{text}");
    assert_eq!(
        answered["logging.googleapis.com/trace"],
        format!("projects/my-project/traces/{TRACE}"),
        "{text}"
    );
}

#[tokio::test]
async fn a_configured_webhook_and_its_endpoint_are_called_as_configured() {
    let webhook = Webhook::new(router()).recover(RecoverLayer::with_text("Hmm."));
    let from_webhook = TestClient::from(webhook.clone());
    let from_endpoint = TestClient::from(webhook.into_endpoint());
    for client in [&from_webhook, &from_endpoint] {
        call(client, RequestBuilder::new().tag("fails"))
            .await
            .assert_outcome(Outcome::Error)
            .assert_text("Hmm.");
    }
    let reply = from_endpoint
        .endpoint()
        .answer(&RequestBuilder::new().tag("echo").text("x").to_json())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}
