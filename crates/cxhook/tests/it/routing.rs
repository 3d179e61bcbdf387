//! Dispatch by tag, state, merging, and the fallback for unknown or missing tags.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cxhook::extract::{Params, Session, State, Tag};
use cxhook::server::Webhook;
use cxhook::types::WebhookResponse;
use cxhook::{Fallback, Reply, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::support::{post, request};

#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

#[derive(Deserialize)]
struct Name {
    name: String,
}

async fn greet(Params(name): Params<Name>, State(counter): State<Counter>) -> Reply {
    let n = counter.0.fetch_add(1, Ordering::SeqCst) + 1;
    Reply::text(format!("Hello, {}! (call {n})", name.name))
}

async fn tag_and_session(session: Session, Tag(tag): Tag) -> String {
    format!("{tag} in {}", session.path().unwrap().session_id())
}

fn app(router: Router) -> axum::Router {
    Webhook::new(router).into_axum()
}

#[tokio::test]
async fn routes_by_tag_with_state_and_merged_routers() {
    let counter = Counter::default();
    let greetings = Router::<Counter>::new()
        .route("greet", greet)
        .with_state(counter.clone());
    let router = Router::new()
        .route("where", tag_and_session)
        .route("static", || async { "static text" })
        .merge(greetings);
    assert_eq!(
        router.tags().collect::<Vec<_>>(),
        ["greet", "static", "where"]
    );
    let app = app(router);

    let answered = post(&app, &request("greet", json!({"name": "Ada"}))).await;
    assert_eq!(answered.first_text(), "Hello, Ada! (call 1)");
    let answered = post(&app, &request("greet", json!({"name": "Bo"}))).await;
    assert_eq!(answered.first_text(), "Hello, Bo! (call 2)");
    assert_eq!(counter.0.load(Ordering::SeqCst), 2, "the state is shared");
    let answered = post(&app, &request("where", json!({}))).await;
    assert_eq!(answered.first_text(), "where in s-1");
    let answered = post(&app, &request("static", json!({}))).await;
    assert_eq!(answered.first_text(), "static text");
}

#[tokio::test]
async fn unknown_and_missing_tags_get_the_fallback_reply() {
    let app = app(Router::new().route("known", || async { "known" }));
    for body in [
        request("unknown", json!({})),
        json!({"detectIntentResponseId": "r", "fulfillmentInfo": {}, "sessionInfo": {}}),
        json!({}),
    ] {
        let answered = post(&app, &body).await;
        assert_eq!(answered.status, StatusCode::OK);
        assert_eq!(
            answered.first_text(),
            "Sorry, I can't help with that right now."
        );
    }
}

#[tokio::test]
async fn the_fallback_can_be_a_reply_of_our_own_or_a_status() {
    let custom = Reply::text("Try asking about your balance.");
    let replying = app(Router::new().fallback(Fallback::reply(custom)));
    let answered = post(&replying, &request("unknown", json!({}))).await;
    assert_eq!(answered.first_text(), "Try asking about your balance.");

    let refusing = app(Router::new().fallback(Fallback::status(StatusCode::NOT_FOUND)));
    let answered = post(&refusing, &request("unknown", json!({}))).await;
    assert_eq!(answered.status, StatusCode::NOT_FOUND);
    assert_eq!(answered.content_type.as_deref(), Some("application/json"));
    assert_eq!(answered.body["error"], "unknown_tag");
    assert!(
        answered.body["message"]
            .as_str()
            .unwrap()
            .contains("fulfillment tag")
    );
}

#[tokio::test]
async fn a_ready_made_response_passes_through_checked() {
    let app = app(Router::new()
        .route("raw", || async {
            WebhookResponse {
                payload: Some(json!({"k": "v"}).as_object().unwrap().clone()),
                ..WebhookResponse::default()
            }
        })
        .route("output-only", || async {
            serde_json::from_value::<WebhookResponse>(
                json!({"fulfillmentResponse": {"messages": [{"endInteraction": {}}]}}),
            )
            .unwrap()
        }));
    let answered = post(&app, &request("raw", json!({}))).await;
    assert_eq!(answered.body, json!({"payload": {"k": "v"}}));
    let answered = post(&app, &request("output-only", json!({}))).await;
    assert_eq!(
        answered.first_text(),
        cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT,
        "an output-only kind is refused"
    );
}

#[test]
#[should_panic(expected = "the tag `a` is routed twice")]
fn a_tag_routed_twice_panics() {
    let _ = Router::<()>::new()
        .route("a", || async { "1" })
        .route("a", || async { "2" });
}

#[test]
#[should_panic(expected = "the tag `a` is routed twice")]
fn merging_a_tag_twice_panics() {
    let one: Router = Router::new().route("a", || async { "1" });
    let two: Router = Router::new().route("a", || async { "2" });
    let _ = one.merge(two);
}
