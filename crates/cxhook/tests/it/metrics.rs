//! `GET /metrics`: Prometheus text that a Prometheus parser reads, whose counters move with
//! the calls.

use std::time::Duration;

use axum::body::Body;
use cxhook::middleware::DeadlineLayer;
use cxhook::server::Webhook;
use cxhook::{Reply, Router};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use prometheus_parse::{Scrape, Value};
use serde_json::json;
use tower::ServiceExt;

use crate::support::{post, request};

async fn scrape(app: &axum::Router) -> Scrape {
    let response = app
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[http::header::CONTENT_TYPE].clone();
    assert!(content_type.to_str().unwrap().starts_with("text/plain"));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).unwrap()
}

/// The value of a counter with these labels (0 when it has no sample yet).
fn counter(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == name)
        .filter(|sample| labels.iter().all(|(k, v)| sample.labels.get(k) == Some(*v)))
        .map(|sample| match sample.value {
            Value::Counter(value) | Value::Untyped(value) => value,
            _ => panic!("{name} is not a counter"),
        })
        .sum()
}

/// The count of the duration histogram of a tag.
fn observations(scrape: &Scrape, tag: &str) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == "cxhook_request_duration_seconds")
        .filter(|sample| sample.labels.get("tag") == Some(tag))
        .map(|sample| match &sample.value {
            Value::Histogram(buckets) => {
                assert!(
                    buckets.iter().any(|b| (b.less_than - 4.5).abs() < 1e-9),
                    "buckets resolve the 5 s budget"
                );
                buckets.last().map_or(0.0, |b| b.count)
            }
            _ => panic!("not a histogram"),
        })
        .sum()
}

#[tokio::test]
async fn counters_move_with_ok_failing_and_slow_calls() {
    let metrics = cxhook::server::install_metrics().unwrap();
    let router = Router::new()
        .route("metrics.ok", || async { Reply::text("fine") })
        .route("metrics.fail", || async {
            Err::<Reply, _>(std::io::Error::other("upstream said no"))
        })
        .route("metrics.slow", || async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Reply::text("too late")
        });
    let app = Webhook::new(router)
        .deadline(DeadlineLayer::new(Duration::from_millis(400)).margin(Duration::from_millis(200)))
        .metrics(metrics)
        .into_axum();

    let before = scrape(&app).await;
    for tag in [
        "metrics.ok",
        "metrics.ok",
        "metrics.fail",
        "metrics.slow",
        "no.such.tag.42",
    ] {
        let answered = post(&app, &request(tag, json!({}))).await;
        assert_eq!(answered.status, StatusCode::OK);
    }
    let after = scrape(&app).await;

    let moved = |tag: &str, outcome: &str| {
        let labels = [("tag", tag), ("outcome", outcome)];
        counter(&after, "cxhook_requests_total", &labels)
            - counter(&before, "cxhook_requests_total", &labels)
    };
    assert_eq!(moved("metrics.ok", "ok"), 2.0);
    assert_eq!(moved("metrics.fail", "error"), 1.0);
    assert_eq!(moved("metrics.slow", "deadline"), 1.0);
    assert!(moved("unknown", "fallback") >= 1.0);
    let hits = |scrape: &Scrape| {
        counter(
            scrape,
            "cxhook_deadline_hits_total",
            &[("tag", "metrics.slow")],
        )
    };
    assert_eq!(hits(&after) - hits(&before), 1.0);
    assert_eq!(
        observations(&after, "metrics.ok") - observations(&before, "metrics.ok"),
        2.0
    );
    assert!(
        after
            .samples
            .iter()
            .all(|sample| sample.labels.get("tag") != Some("no.such.tag.42")),
        "unknown tags share one label value"
    );
    assert!(
        after
            .samples
            .iter()
            .any(|s| s.metric.starts_with("process_")),
        "process metrics are there"
    );
}

#[tokio::test]
async fn without_a_recorder_metrics_is_not_found() {
    let app = Webhook::new(Router::new()).into_axum();
    let response = app
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
