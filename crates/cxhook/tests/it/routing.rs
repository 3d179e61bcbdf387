//! Dispatch by tag, state, merging, and the fallback for unknown or missing tags.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cxhook::extract::{Params, Session, State, Tag};
use cxhook::server::Webhook;
use cxhook::types::WebhookResponse;
use cxhook::{Fallback, Localized, Reply, Router};
use cxhook_sim::{RequestBuilder, TestClient};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::support::{call, post, request};

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

fn tagged(tag: &str) -> RequestBuilder {
    RequestBuilder::new().tag(tag)
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
    let client = TestClient::new(router);

    call(&client, tagged("greet").param("name", "Ada"))
        .await
        .assert_text("Hello, Ada! (call 1)");
    call(&client, tagged("greet").param("name", "Bo"))
        .await
        .assert_text("Hello, Bo! (call 2)");
    assert_eq!(counter.0.load(Ordering::SeqCst), 2, "the state is shared");
    call(&client, tagged("where").session("s-1"))
        .await
        .assert_text("where in s-1");
    call(&client, tagged("static"))
        .await
        .assert_text("static text");
}

#[tokio::test]
async fn unknown_and_missing_tags_get_the_fallback_reply() {
    let client = TestClient::new(Router::new().route("known", || async { "known" }));
    for body in [
        tagged("unknown").to_json(),
        RequestBuilder::new().to_json(),
        b"{}".to_vec(),
    ] {
        call(&client, body)
            .await
            .assert_status(StatusCode::OK)
            .assert_text("Sorry, I can't help with that right now.");
    }
}

#[tokio::test]
async fn the_fallback_text_is_said_in_the_callers_language() {
    let texts = Localized::new(Fallback::DEFAULT_TEXT)
        .with("de", "Dabei kann ich Ihnen gerade leider nicht helfen.")
        .with("fr", "Je ne peux malheureusement pas vous aider pour cela.")
        .with("es", "Lo siento, ahora mismo no puedo ayudarle con eso.");
    let client = TestClient::new(Router::new().fallback(Fallback::text(texts)));
    for (language, text) in [
        ("de-CH", "Dabei kann ich Ihnen gerade leider nicht helfen."),
        (
            "fr-FR",
            "Je ne peux malheureusement pas vous aider pour cela.",
        ),
        ("es", "Lo siento, ahora mismo no puedo ayudarle con eso."),
        ("en-GB", "Sorry, I can't help with that right now."),
        ("nl", "Sorry, I can't help with that right now."),
    ] {
        call(&client, tagged("unknown").lang(language))
            .await
            .assert_status(StatusCode::OK)
            .assert_text(text);
    }
}

#[tokio::test]
async fn the_fallback_can_be_a_reply_of_our_own_or_a_status() {
    let custom = Reply::text("Try asking about your balance.");
    let replying = TestClient::new(Router::new().fallback(Fallback::reply(custom)));
    call(&replying, tagged("unknown"))
        .await
        .assert_text("Try asking about your balance.");

    let refusing = Router::new().fallback(Fallback::status(StatusCode::NOT_FOUND));
    let reply = call(&TestClient::new(refusing.clone()), tagged("unknown")).await;
    reply.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(reply.error_code(), Some("unknown_tag"));
    assert!(
        reply.error_message().unwrap().contains("fulfillment tag"),
        "{reply}"
    );
    // Over HTTP, that answer goes out as JSON.
    let app = Webhook::new(refusing).into_axum();
    let answered = post(&app, &request("unknown", json!({}))).await;
    assert_eq!(answered.status, StatusCode::NOT_FOUND);
    assert_eq!(answered.content_type.as_deref(), Some("application/json"));
}

#[tokio::test]
async fn a_ready_made_response_passes_through_checked() {
    let client = TestClient::new(
        Router::new()
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
            }),
    );
    let reply = call(&client, tagged("raw")).await;
    assert_eq!(*reply.json(), json!({"payload": {"k": "v"}}));
    let reply = call(&client, tagged("output-only")).await;
    assert_eq!(
        reply.text(),
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

/// A start-up task that counts its runs and says its name when it runs.
fn announcing(
    name: &'static str,
    runs: &Arc<AtomicUsize>,
    ran: &tokio::sync::mpsc::UnboundedSender<&'static str>,
) -> impl Fn() -> std::future::Ready<()> + Send + Sync + 'static {
    let (runs, ran) = (runs.clone(), ran.clone());
    move || {
        runs.fetch_add(1, Ordering::SeqCst);
        let _ = ran.send(name);
        std::future::ready(())
    }
}

#[tokio::test]
async fn start_up_tasks_travel_with_the_router_and_start_once_when_it_serves() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (ran, mut names) = tokio::sync::mpsc::unbounded_channel();
    let stateful = Router::<Counter>::new()
        .route("greet", greet)
        .on_start("stateful", announcing("stateful", &runs, &ran))
        .with_state(Counter::default());
    let router = Router::new()
        .on_start("own", announcing("own", &runs, &ran))
        .merge(stateful);
    assert_eq!(
        router.start_tasks().collect::<Vec<_>>(),
        ["own", "stateful"]
    );
    // Built, not served: nothing runs.
    tokio::task::yield_now().await;
    assert_eq!(runs.load(Ordering::SeqCst), 0);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cxhook::server::serve_with_shutdown(
        listener,
        Webhook::new(router.clone()),
        async {
            let _ = stopped.await;
        },
    ));
    let mut started = vec![names.recv().await.unwrap(), names.recv().await.unwrap()];
    started.sort_unstable();
    assert_eq!(started, ["own", "stateful"]);

    // Started already: neither the router nor a clone of it starts them again.
    router.start();
    router.clone().start();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert!(names.try_recv().is_err());
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

/// A layer that counts the calls it sees in `counter`.
fn counting(
    counter: &Counter,
) -> tower::util::MapRequestLayer<impl Fn(cxhook::Call) -> cxhook::Call + Clone + Send + Sync + use<>>
{
    let counter = counter.clone();
    tower::util::MapRequestLayer::new(move |call| {
        counter.0.fetch_add(1, Ordering::SeqCst);
        call
    })
}

#[tokio::test]
async fn a_router_layer_wraps_the_routes_added_before_it_and_keeps_them_through_a_merge() {
    let (first, merged, tag) = (Counter::default(), Counter::default(), Counter::default());
    let other = Router::new()
        .route("c", || async { "c" })
        .layer(counting(&merged));
    let router = Router::new()
        .route("a", || async { "a" })
        .layer(counting(&first))
        .route("b", || async { "b" })
        .tag_layer("b", counting(&tag))
        .merge(other);
    let client = TestClient::new(router);
    for name in ["a", "b", "c"] {
        call(&client, tagged(name)).await.assert_text(name);
    }
    call(&client, tagged("unknown")).await;
    let seen = |counter: &Counter| counter.0.load(Ordering::SeqCst);
    assert_eq!([seen(&first), seen(&tag), seen(&merged)], [1, 1, 1]);
}

#[test]
#[should_panic(expected = "no route serves the tag `b`")]
fn a_tag_layer_on_an_unrouted_tag_panics() {
    let counter = Counter::default();
    let _ = Router::new()
        .route("a", || async { "a" })
        .tag_layer("b", counting(&counter));
}
