//! Parse → dispatch → serialize of a realistic webhook call, without sockets, without and
//! with a user's layer at each of the three scopes; the same call with one layer added at a
//! time (`layers/…`: deadline, metrics, the JSON log line, then the HTTP edge with bearer
//! auth), so each layer's cost is the difference to the row before; and the whole endpoint
//! as `cxhook serve` runs it (deadline and recover layers, metrics recorded by the
//! Prometheus recorder, one JSON log line per call).
//!
//! Run with `cargo bench -p cxhook --bench pipeline`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cxhook::extract::{LanguageCode, Params};
use cxhook::middleware::auth::{Auth, Secret};
use cxhook::server::{Meta, Webhook};
use cxhook::types::WebhookRequest;
use cxhook::{Reply, Router};
use futures_util::FutureExt;
use tower::ServiceExt;
use tracing_subscriber::layer::SubscriberExt;

/// A balance lookup as Dialogflow sends it (1.5 KB, one queued message, intent and page).
const REQUEST: &[u8] = include_bytes!("../../../testdata/fixtures/request-01-balance-lookup.json");

#[derive(serde::Deserialize)]
struct Lookup {
    customer_id: String,
    account_type: String,
}

async fn balance(Params(lookup): Params<Lookup>, LanguageCode(_): LanguageCode) -> Reply {
    Reply::text(format!(
        "The balance of your {} account is $1,250.75.",
        lookup.account_type
    ))
    .set_param("balance_minor", 125_075)
    .set_param("customer_ref", lookup.customer_id)
}

fn pipeline(c: &mut Criterion) {
    let router: Router = Router::new().route("balance.lookup", balance);
    // Without the deadline layer, whose timer needs a runtime: `full_endpoint` has it.
    let endpoint = Webhook::new(router).without_deadline().into_endpoint();
    let request: WebhookRequest = serde_json::from_slice(REQUEST).expect("the fixture parses");
    let response = Reply::text("The balance of your checking account is $1,250.75.")
        .set_param("balance_minor", 125_075)
        .finish(&request)
        .expect("a valid reply");

    c.bench_function("parse request", |b| {
        b.iter(|| serde_json::from_slice::<WebhookRequest>(black_box(REQUEST)).unwrap());
    });
    c.bench_function("serialize response", |b| {
        b.iter(|| serde_json::to_vec(black_box(&response)).unwrap());
    });
    c.bench_function("parse, dispatch, serialize", |b| {
        b.iter(|| {
            let answered = endpoint
                .answer(black_box(REQUEST))
                .now_or_never()
                .expect("the handler does not wait");
            assert_eq!(answered.status, http::StatusCode::OK);
            answered
        });
    });
    // The same call with a layer that does nothing at each of the three scopes: the price of
    // erasing a user's layers (one box per call per layer added).
    let identity = tower::layer::util::Identity::new();
    let layered = Webhook::new(
        Router::new()
            .route("balance.lookup", balance)
            .tag_layer("balance.lookup", identity.clone())
            .layer(identity.clone()),
    )
    .layer(identity)
    .without_deadline()
    .into_endpoint();
    c.bench_function(
        "parse, dispatch, serialize, a user layer at each scope",
        |b| {
            b.iter(|| {
                let answered = layered
                    .answer(black_box(REQUEST))
                    .now_or_never()
                    .expect("the handler does not wait");
                assert_eq!(answered.status, http::StatusCode::OK);
                answered
            });
        },
    );
}

/// The whole endpoint with everything `cxhook serve` turns on, the log lines going to
/// `io::sink`: what a call costs besides HTTP and the handler's own work.
fn full_endpoint(c: &mut Criterion) {
    let metrics = cxhook::server::install_metrics().expect("no other recorder");
    layers(c, &metrics);
    let subscriber = tracing_subscriber::registry()
        .with(cxhook::logging::JsonLayer::new(std::io::sink).project(Some("bench-project")));
    let _guard = tracing::subscriber::set_default(subscriber);
    let router: Router = Router::new().route("balance.lookup", balance);
    let endpoint = Webhook::new(router).metrics(metrics).into_endpoint();
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "traceparent",
        http::HeaderValue::from_static("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
    );
    let meta = Meta::from_headers(&headers);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");

    c.bench_function("endpoint answer, metrics and JSON log on", |b| {
        b.iter(|| {
            let answered = runtime.block_on(endpoint.answer_with(black_box(REQUEST), &meta));
            assert_eq!(answered.status, http::StatusCode::OK);
            answered
        });
    });
}

/// One call through the endpoint with the layers stacked one by one; the recover layer and
/// the router are always there. `metrics` is the recorder `full_endpoint` installed.
fn layers(c: &mut Criterion, metrics: &cxhook::server::Metrics) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let router = || -> Router { Router::new().route("balance.lookup", balance) };
    let mut group = c.benchmark_group("layers");
    let answer = |endpoint: &cxhook::server::Endpoint| {
        let answered = runtime.block_on(endpoint.answer(black_box(REQUEST)));
        assert_eq!(answered.status, http::StatusCode::OK);
        answered
    };

    let bare = Webhook::new(router()).without_deadline().into_endpoint();
    group.bench_function("1 recover and router", |b| b.iter(|| answer(&bare)));
    let deadline = Webhook::new(router()).into_endpoint();
    group.bench_function("2 + deadline", |b| b.iter(|| answer(&deadline)));
    let metered = Webhook::new(router())
        .metrics(metrics.clone())
        .into_endpoint();
    group.bench_function("3 + metrics", |b| b.iter(|| answer(&metered)));
    {
        let subscriber = tracing_subscriber::registry()
            .with(cxhook::logging::JsonLayer::new(std::io::sink).project(Some("bench-project")));
        let _guard = tracing::subscriber::set_default(subscriber);
        group.bench_function("4 + JSON log line", |b| b.iter(|| answer(&metered)));

        let token = "bench-token-0123456789abcdef";
        let auth = Auth::new().bearer([Secret::new(token).expect("a token")]);
        let app = Webhook::new(router())
            .metrics(metrics.clone())
            .auth(auth)
            .into_axum();
        group.bench_function("5 + HTTP edge and bearer auth", |b| {
            b.iter(|| {
                let request = http::Request::post("/webhook")
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {token}"))
                    .body(axum::body::Body::from(black_box(REQUEST)))
                    .expect("a request");
                let response = runtime
                    .block_on(app.clone().oneshot(request))
                    .expect("infallible");
                assert_eq!(response.status(), http::StatusCode::OK);
                response
            });
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline, full_endpoint);
criterion_main!(benches);
