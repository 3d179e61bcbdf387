//! Handler errors, rejections and panics become a fallback reply (or a status); the server
//! keeps serving.

use cxhook::extract::Params;
use cxhook::middleware::RecoverLayer;
use cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT;
use cxhook::server::Webhook;
use cxhook::{Error, Reply, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::support::{post, request};

#[derive(Debug, thiserror::Error)]
#[error("database is locked")]
struct DbLocked;

async fn fails() -> Result<Reply, DbLocked> {
    Err(DbLocked)
}

async fn fails_politely() -> Result<Reply, Error> {
    Err(Error::new(DbLocked).say("Our records are busy; please try again."))
}

async fn panics() -> Reply {
    panic!("index out of bounds")
}

#[derive(Deserialize)]
struct NeedsUser {
    #[allow(dead_code)]
    user_id: String,
}

async fn needs_user(Params(_): Params<NeedsUser>) -> &'static str {
    "unreachable without user_id"
}

fn router() -> Router {
    Router::new()
        .route("fails", fails)
        .route("fails.politely", fails_politely)
        .route("panics", panics)
        .route("needs.user", needs_user)
        .route("ok", || async { "fine" })
}

#[tokio::test]
async fn errors_and_panics_become_the_fallback_reply_and_serving_goes_on() {
    let app = Webhook::new(router()).into_axum();
    for tag in ["fails", "panics", "needs.user"] {
        let answered = post(&app, &request(tag, json!({}))).await;
        assert_eq!(answered.status, StatusCode::OK, "{tag}");
        assert_eq!(answered.first_text(), DEFAULT_FALLBACK_TEXT, "{tag}");
    }
    let answered = post(&app, &request("fails.politely", json!({}))).await;
    assert_eq!(
        answered.first_text(),
        "Our records are busy; please try again."
    );
    let answered = post(&app, &request("ok", json!({}))).await;
    assert_eq!(answered.first_text(), "fine");
}

#[tokio::test]
async fn the_fallback_text_and_status_are_configurable() {
    let app = Webhook::new(router())
        .recover(RecoverLayer::with_text("Hmm, that didn't work."))
        .into_axum();
    let answered = post(&app, &request("panics", json!({}))).await;
    assert_eq!(answered.first_text(), "Hmm, that didn't work.");

    let app = Webhook::new(router())
        .recover(RecoverLayer::new().status(StatusCode::SERVICE_UNAVAILABLE))
        .into_axum();
    for (tag, code) in [
        ("fails", "handler_error"),
        ("panics", "panic"),
        ("needs.user", "rejected"),
    ] {
        let answered = post(&app, &request(tag, json!({}))).await;
        assert_eq!(answered.status, StatusCode::SERVICE_UNAVAILABLE, "{tag}");
        assert_eq!(answered.body["error"], code, "{tag}");
        let message = answered.body["message"].as_str().unwrap();
        assert!(
            !message.contains("locked") && !message.contains("index"),
            "{message}"
        );
    }
    let answered = post(&app, &request("ok", json!({}))).await;
    assert_eq!(answered.first_text(), "fine");
}

#[tokio::test]
async fn a_handler_can_ask_for_a_status_of_its_own() {
    let router = Router::new().route("auth", || async {
        Err::<Reply, _>(Error::new(DbLocked).with_status(StatusCode::FORBIDDEN))
    });
    let app = Webhook::new(router).into_axum();
    let answered = post(&app, &request("auth", json!({}))).await;
    assert_eq!(answered.status, StatusCode::FORBIDDEN);
    assert_eq!(answered.body["error"], "handler_error");
}
