//! Physical-limit reference (a): axum on a tokio multi-thread runtime, returns a fixed,
//! precomputed WebhookResponse. The request body is read (so keep-alive stays clean) but not parsed.
use axum::{Router, body::Bytes, http::header, response::IntoResponse, routing::post};

static BODY: &str = r#"{"fulfillmentResponse":{"messages":[{"text":{"text":["Your current account balance is $9269.19."]}}]},"sessionInfo":{"parameters":{"balance":9269.19}}}"#;

async fn webhook(_body: Bytes) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], BODY)
}

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PORT").ok())
        .expect("port arg")
        .parse()
        .expect("port");
    let app = Router::new().route("/webhook", post(webhook));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
