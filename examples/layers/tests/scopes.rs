//! Each layer runs where it was added, and the deadline and recover layers still answer
//! around a user layer that panics or stalls, at every scope.

use std::time::Duration;

use cxhook::middleware::DeadlineLayer;
use cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT;
use cxhook::server::Webhook;
use cxhook::{Answer, Call, Error, Outcome, Reply, Route, Router};
use cxhook_sim::{RequestBuilder, TestClient};
use layers::{AuditLog, SLOW_DOWN, webhook};
use tower::util::{MapFutureLayer, MapRequestLayer};
use tower::{Layer, Service};

fn tagged(tag: &str) -> RequestBuilder {
    RequestBuilder::new().tag(tag)
}

#[tokio::test]
async fn the_router_layer_sees_routed_tags_and_the_webhook_layer_every_call() {
    let audit_log = AuditLog::default();
    let client = TestClient::from(webhook(&audit_log));
    client
        .send(tagged("account.balance"))
        .await
        .assert_text("You have $1,250.75.");
    client
        .send(tagged("account.transfer"))
        .await
        .assert_text("Transfer done.");
    client
        .send(tagged("account.close"))
        .await
        .assert_outcome(Outcome::Fallback);
    client
        .send(RequestBuilder::new())
        .await
        .assert_outcome(Outcome::Fallback);
    assert_eq!(
        audit_log.entries(),
        [
            "webhook account.balance",
            "router account.balance",
            "webhook account.transfer",
            "router account.transfer",
            "webhook account.close",
            "webhook -",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_tag_layer_limits_its_tag_only() {
    let client = TestClient::from(webhook(&AuditLog::default()));
    for _ in 0..2 {
        client
            .send(tagged("account.transfer"))
            .await
            .assert_text("Transfer done.");
    }
    client
        .send(tagged("account.transfer"))
        .await
        .assert_outcome(Outcome::Error)
        .assert_text(SLOW_DOWN);
    for _ in 0..5 {
        client
            .send(tagged("account.balance"))
            .await
            .assert_outcome(Outcome::Ok);
    }
    tokio::time::advance(Duration::from_secs(60)).await;
    client
        .send(tagged("account.transfer"))
        .await
        .assert_text("Transfer done.");
}

/// A router with a tag to put a misbehaving layer on, and one to check that serving goes on.
fn router() -> Router {
    Router::new()
        .route("slow", || async { Reply::text("slow answered") })
        .route("fine", || async { Reply::text("fine") })
}

/// A 2.5 s webhook timeout, less a 0.5 s margin: a 2 s budget.
fn deadline() -> DeadlineLayer {
    DeadlineLayer::new(Duration::from_millis(2500)).margin(Duration::from_millis(500))
}

/// Three webhooks with a 2 s budget, with `layer` around the `slow` tag's handler, around
/// every route, and around the whole pipeline.
fn at_each_scope<L>(layer: L) -> [(&'static str, TestClient); 3]
where
    L: Layer<Route> + Clone,
    L::Service: Service<Call, Response = Answer, Error = Error> + Clone + Send + Sync + 'static,
    <L::Service as Service<Call>>::Future: Send + 'static,
{
    let webhook = |router: Router| Webhook::new(router).deadline(deadline());
    [
        (
            "tag",
            TestClient::from(webhook(router().tag_layer("slow", layer.clone()))),
        ),
        (
            "router",
            TestClient::from(webhook(router().layer(layer.clone()))),
        ),
        ("webhook", TestClient::from(webhook(router()).layer(layer))),
    ]
}

#[tokio::test]
async fn a_layer_that_panics_gets_the_recover_answer_at_every_scope() {
    let panics_in_call = MapRequestLayer::new(|call: Call| {
        if call.tag() == Some("slow") {
            panic!("the layer broke in call");
        }
        call
    });
    let panics_in_future = MapFutureLayer::new(|future| async move {
        if true {
            panic!("the layer broke in its future");
        }
        future.await
    });
    for (scope, client) in at_each_scope(panics_in_call) {
        let reply = client.send(tagged("slow")).await;
        assert_eq!(reply.outcome(), Outcome::Error, "{scope}");
        assert_eq!(reply.text(), DEFAULT_FALLBACK_TEXT, "{scope}");
        // The panic cost one call, not the webhook.
        let reply = client.send(tagged("fine")).await;
        assert_eq!(reply.text(), "fine", "{scope}");
    }
    for (scope, client) in at_each_scope(panics_in_future) {
        let reply = client.send(tagged("slow")).await;
        assert_eq!(reply.outcome(), Outcome::Error, "{scope}");
        assert_eq!(reply.text(), DEFAULT_FALLBACK_TEXT, "{scope}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_layer_that_stalls_gets_the_deadline_answer_in_time_at_every_scope() {
    let stalls = MapFutureLayer::new(|future| async move {
        std::future::pending::<()>().await;
        future.await
    });
    for (scope, client) in at_each_scope(stalls) {
        let started = tokio::time::Instant::now();
        let reply = client.send(tagged("slow")).await;
        let took = started.elapsed();
        assert_eq!(reply.outcome(), Outcome::Deadline, "{scope}");
        assert!(took >= Duration::from_secs(2), "{scope}: {took:?}");
        assert!(took < Duration::from_millis(2500), "{scope}: {took:?}");
    }
}
