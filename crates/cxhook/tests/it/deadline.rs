//! The deadline layer: a slow handler is cancelled, downstream calls and all, and the call is
//! answered with the deadline fallback before the webhook timeout.

use std::future::pending;
use std::time::Duration;

use cxhook::extract::Budget;
use cxhook::middleware::DeadlineLayer;
use cxhook::server::Webhook;
use cxhook::{Localized, Outcome, Reply, Router};
use cxhook_sim::{RequestBuilder, TestClient};
use tokio::sync::mpsc;

use crate::support::call;

fn tagged(tag: &str) -> RequestBuilder {
    RequestBuilder::new().tag(tag)
}

async fn sleeps_a_minute() -> Reply {
    tokio::time::sleep(Duration::from_secs(60)).await;
    Reply::text("too late")
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_gets_the_fallback_when_its_budget_runs_out() {
    let deadline = DeadlineLayer::new(Duration::from_secs(5))
        .margin(Duration::from_millis(500))
        .text("Still looking, ask me again.")
        .set_param("webhook_timed_out");
    let client = TestClient::from(
        Webhook::new(Router::new().route("slow", sleeps_a_minute)).deadline(deadline),
    );
    let started = tokio::time::Instant::now();
    let reply = call(&client, tagged("slow")).await;
    let took = started.elapsed();
    reply
        .assert_status(http::StatusCode::OK)
        .assert_outcome(Outcome::Deadline);
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(took >= Duration::from_millis(4500), "{took:?}");
    reply
        .assert_text("Still looking, ask me again.")
        .assert_param("webhook_timed_out", true);
}

#[tokio::test(start_paused = true)]
async fn handlers_read_their_remaining_budget() {
    let router = Router::new().route("budget", |budget: Budget| async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let left = budget.remaining().unwrap();
        let capped = budget.cap(Duration::from_secs(10));
        Reply::text(format!("{} {}", left.as_millis(), capped.as_millis()))
    });
    let client = TestClient::from(
        Webhook::new(router)
            .deadline(DeadlineLayer::new(Duration::from_secs(3)).margin(Duration::from_secs(1))),
    );
    call(&client, tagged("budget"))
        .await
        .assert_outcome(Outcome::Ok)
        .assert_text("1000 1000");

    let unlimited = TestClient::from(
        Webhook::new(Router::new().route("budget", |budget: Budget| async move {
            Reply::text(format!("{:?}", budget.remaining()))
        }))
        .without_deadline(),
    );
    call(&unlimited, tagged("budget")).await.assert_text("None");
}

/// Sends on its channel when dropped: the stub's handler future is dropped when the client
/// closes the connection.
struct Dropped(mpsc::UnboundedSender<&'static str>);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.0.send("dropped");
    }
}

#[tokio::test]
async fn the_handlers_downstream_call_is_cancelled() {
    // A stub upstream that never answers, and tells when its request arrives and when the
    // client has gone away.
    let (events, mut seen) = mpsc::unbounded_channel();
    let stub = axum::Router::new().route(
        "/slow",
        axum::routing::get(move || {
            let events = events.clone();
            async move {
                let _ = events.send("arrived");
                let _guard = Dropped(events);
                pending::<&'static str>().await
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slow", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, stub).await });

    let client = reqwest::Client::new();
    let router = Router::new().route("upstream", move |budget: Budget| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            // The handler forgets to size its timeout from the budget: the layer still ends
            // the call, and dropping the handler drops the request.
            let _ = budget;
            let _ = client.get(&url).send().await;
            Reply::text("upstream answered")
        }
    });
    let timeout = Duration::from_millis(1500);
    let client = TestClient::from(
        Webhook::new(router)
            .deadline(DeadlineLayer::new(timeout).margin(Duration::from_millis(1000))),
    );
    let started = std::time::Instant::now();
    let reply = call(&client, tagged("upstream")).await;
    assert_eq!(reply.outcome(), Outcome::Deadline);
    assert!(started.elapsed() < timeout, "{:?}", started.elapsed());

    let within = Duration::from_secs(5);
    assert_eq!(
        tokio::time::timeout(within, seen.recv()).await.unwrap(),
        Some("arrived")
    );
    assert_eq!(
        tokio::time::timeout(within, seen.recv()).await.unwrap(),
        Some("dropped"),
        "the stub saw the connection close"
    );
}

#[tokio::test(start_paused = true)]
async fn the_deadline_fallback_is_said_in_the_callers_language() {
    let deadline = DeadlineLayer::new(Duration::from_secs(2))
        .texts(
            Localized::new("Still looking, ask me again.")
                .with("de", "Ich suche noch, fragen Sie bitte gleich noch einmal.")
                .with("fr", "Je cherche encore, redemandez-moi dans un instant.")
                .with("es", "Sigo buscando, pregúntemelo de nuevo en un momento."),
        )
        .set_param("webhook_timed_out");
    assert_eq!(
        deadline
            .fallback_response()
            .fulfillment_response
            .as_ref()
            .map(|f| f.messages.len()),
        Some(1)
    );
    let client = TestClient::from(
        Webhook::new(Router::new().route("slow", sleeps_a_minute)).deadline(deadline),
    );
    for (language, text) in [
        (
            "de-AT",
            "Ich suche noch, fragen Sie bitte gleich noch einmal.",
        ),
        (
            "fr-CA",
            "Je cherche encore, redemandez-moi dans un instant.",
        ),
        ("es", "Sigo buscando, pregúntemelo de nuevo en un momento."),
        ("en-GB", "Still looking, ask me again."),
        ("it", "Still looking, ask me again."),
    ] {
        call(&client, tagged("slow").lang(language))
            .await
            .assert_outcome(Outcome::Deadline)
            .assert_text(text)
            .assert_param("webhook_timed_out", true);
    }
}
