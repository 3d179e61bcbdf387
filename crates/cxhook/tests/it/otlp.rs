//! The OTLP export (feature `otlp`): a call's span reaches a collector on 127.0.0.1, under
//! the trace and parent span of the caller's `traceparent`.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use cxhook::logging::{Otlp, TraceContext};
use cxhook::server::{Meta, Webhook};
use cxhook::{Reply, Router};
use tracing_subscriber::layer::SubscriberExt;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT: &str = "00f067aa0ba902b7";

/// The bodies a collector on 127.0.0.1 received at `/v1/traces`, and its traces URL.
async fn collector() -> (Arc<Mutex<Vec<Bytes>>>, String) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .route(
            "/v1/traces",
            axum::routing::post(
                |State(bodies): State<Arc<Mutex<Vec<Bytes>>>>, body: Bytes| async move {
                    bodies.lock().unwrap().push(body);
                    ([("content-type", "application/x-protobuf")], Bytes::new())
                },
            ),
        )
        .with_state(Arc::clone(&bodies));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (bodies, url)
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calls_span_is_exported_under_the_callers_trace() {
    let (bodies, url) = collector().await;
    let (layer, guard) = Otlp::new(url, "cxhook-otlp-test").layer().unwrap();
    let subscriber = tracing_subscriber::registry().with(layer);
    let _default = tracing::subscriber::set_default(subscriber);

    let router: Router = Router::new().route("hello", || async { Reply::text("Hi.") });
    let endpoint = Webhook::new(router).into_endpoint();
    let trace = TraceContext::parse_traceparent(&format!("00-{TRACE}-{PARENT}-01"));
    let body = serde_json::json!({
        "detectIntentResponseId": "r-otlp",
        "fulfillmentInfo": {"tag": "hello"},
        "sessionInfo": {"session": "projects/p/locations/global/agents/a/sessions/s"},
    });
    let answered = endpoint
        .answer_with(
            body.to_string().as_bytes(),
            &Meta::default().with_trace(trace),
        )
        .await;
    assert_eq!(answered.status, 200);

    // The exporter's batch thread posts with a blocking client: wait for it off the runtime.
    tokio::task::spawn_blocking(move || guard.flush().unwrap())
        .await
        .unwrap();
    let bodies = bodies.lock().unwrap();
    let exported = bodies.concat();
    assert!(!bodies.is_empty(), "the collector received nothing");
    assert!(
        contains(&exported, &hex(TRACE)),
        "the span is not in the caller's trace"
    );
    assert!(
        contains(&exported, &hex(PARENT)),
        "the span's parent is not the caller's span"
    );
    assert!(contains(&exported, b"cxhook-otlp-test"), "no service.name");
    assert!(
        contains(&exported, b"r-otlp"),
        "the span lacks its request id"
    );
}
