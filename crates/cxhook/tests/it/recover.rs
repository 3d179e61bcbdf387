//! Handler errors, rejections and panics become a fallback reply (or a status); the server
//! keeps serving.

use cxhook::extract::Params;
use cxhook::middleware::RecoverLayer;
use cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT;
use cxhook::server::Webhook;
use cxhook::{Error, Localized, Reply, Router};
use cxhook_sim::{RequestBuilder, TestClient};
use http::StatusCode;
use serde::Deserialize;

use crate::support::call;

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

fn tagged(tag: &str) -> RequestBuilder {
    RequestBuilder::new().tag(tag)
}

#[tokio::test]
async fn errors_and_panics_become_the_fallback_reply_and_serving_goes_on() {
    let client = TestClient::new(router());
    for tag in ["fails", "panics", "needs.user"] {
        let reply = call(&client, tagged(tag)).await;
        assert_eq!(reply.status(), StatusCode::OK, "{tag}");
        assert_eq!(reply.text(), DEFAULT_FALLBACK_TEXT, "{tag}");
    }
    call(&client, tagged("fails.politely"))
        .await
        .assert_text("Our records are busy; please try again.");
    call(&client, tagged("ok")).await.assert_text("fine");
}

#[tokio::test]
async fn the_fallback_text_and_status_are_configurable() {
    let client = TestClient::from(
        Webhook::new(router()).recover(RecoverLayer::with_text("Hmm, that didn't work.")),
    );
    call(&client, tagged("panics"))
        .await
        .assert_text("Hmm, that didn't work.");

    let client = TestClient::from(
        Webhook::new(router()).recover(RecoverLayer::new().status(StatusCode::SERVICE_UNAVAILABLE)),
    );
    for (tag, code) in [
        ("fails", "handler_error"),
        ("panics", "panic"),
        ("needs.user", "rejected"),
    ] {
        let reply = call(&client, tagged(tag)).await;
        assert_eq!(reply.status(), StatusCode::SERVICE_UNAVAILABLE, "{tag}");
        assert_eq!(reply.error_code(), Some(code), "{tag}");
        let message = reply.error_message().unwrap();
        assert!(
            !message.contains("locked") && !message.contains("index"),
            "{message}"
        );
    }
    call(&client, tagged("ok")).await.assert_text("fine");
}

#[tokio::test]
async fn a_handler_can_ask_for_a_status_of_its_own() {
    let router = Router::new().route("auth", || async {
        Err::<Reply, _>(Error::new(DbLocked).with_status(StatusCode::FORBIDDEN))
    });
    let reply = call(&TestClient::new(router), tagged("auth")).await;
    assert_eq!(reply.status(), StatusCode::FORBIDDEN);
    assert_eq!(reply.error_code(), Some("handler_error"));
}

#[tokio::test]
async fn the_fallback_is_said_in_the_callers_language() {
    let texts = Localized::new("Sorry, something went wrong.")
        .with("de", "Entschuldigung, da ist etwas schiefgegangen.")
        .with("fr", "Désolé, un problème est survenu de notre côté.")
        .with("es", "Lo siento, algo ha fallado por nuestra parte.");
    let client = TestClient::from(Webhook::new(router()).recover(RecoverLayer::with_texts(texts)));
    for (language, text) in [
        ("de-AT", "Entschuldigung, da ist etwas schiefgegangen."),
        ("fr", "Désolé, un problème est survenu de notre côté."),
        ("es-MX", "Lo siento, algo ha fallado por nuestra parte."),
        ("en-US", "Sorry, something went wrong."),
        ("pt-BR", "Sorry, something went wrong."),
    ] {
        for tag in ["fails", "panics", "needs.user"] {
            call(&client, tagged(tag).lang(language))
                .await
                .assert_status(StatusCode::OK)
                .assert_text(text);
        }
        // A handler's own words and a success are the handler's.
        call(&client, tagged("fails.politely").lang(language))
            .await
            .assert_text("Our records are busy; please try again.");
        call(&client, tagged("ok").lang(language))
            .await
            .assert_text("fine");
    }
}
