//! Shared helpers: requests as Dialogflow sends them, in-process HTTP calls, calls through
//! the test client, and the contract-test hand-off of every response the tests see.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use cxhook::types::{WebhookRequest, WebhookResponse};
use cxhook_sim::{IntoRequestBody, TestClient, TestResponse};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub(crate) const PAGE: &str =
    "projects/p/locations/global/agents/a/flows/00000000-0000-0000-0000-000000000000/pages/booking";
pub(crate) const SESSION: &str = "projects/p/locations/global/agents/a/sessions/s-1";

/// A request for `tag` with these session parameters and a small booking form.
pub(crate) fn request(tag: &str, params: Value) -> Value {
    json!({
        "detectIntentResponseId": "r-1",
        "fulfillmentInfo": {"tag": tag},
        "pageInfo": {
            "currentPage": PAGE,
            "displayName": "Booking",
            "formInfo": {"parameterInfo": [
                {"displayName": "date", "required": true, "state": "FILLED",
                 "value": {"year": 2026.0, "month": 12.0, "day": 1.0}},
                {"displayName": "time", "required": true, "state": "EMPTY"},
                {"displayName": "notes", "state": "EMPTY"}
            ]}
        },
        "sessionInfo": {"session": SESSION, "parameters": params},
        "intentInfo": {"lastMatchedIntent": "projects/p/locations/global/agents/a/intents/i",
                       "displayName": "book", "confidence": 0.9},
        "text": "book a table",
        "languageCode": "en-GB",
        "payload": {"telephony": {"caller_id": "+15550100"}}
    })
}

pub(crate) fn typed(request: &Value) -> WebhookRequest {
    serde_json::from_value(request.clone()).unwrap()
}

/// An HTTP response, read whole.
pub(crate) struct Answered {
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Value,
}

impl Answered {
    /// The body as a webhook response; also kept for the contract test.
    pub(crate) fn response(&self) -> WebhookResponse {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        keep_for_contract(&self.body);
        serde_json::from_value(self.body.clone()).unwrap()
    }

    /// The first text of the response.
    pub(crate) fn first_text(&self) -> String {
        self.response().fulfillment_response.unwrap().messages[0].texts()[0].clone()
    }
}

/// Sends one HTTP request to the app in process.
pub(crate) async fn send(app: &axum::Router, request: Request<Body>) -> Answered {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(!bytes.is_empty(), "every answer has a body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
    Answered {
        status,
        content_type,
        body,
    }
}

/// POSTs a JSON body to /webhook in process.
pub(crate) async fn post(app: &axum::Router, body: &Value) -> Answered {
    send(app, post_request(serde_json::to_vec(body).unwrap())).await
}

pub(crate) fn post_request(body: Vec<u8>) -> Request<Body> {
    Request::post("/webhook")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

/// Sends `request` through the in-process test client; a webhook response is kept for the
/// contract test.
pub(crate) async fn call(client: &TestClient, request: impl IntoRequestBody) -> TestResponse {
    let reply = client.send(request).await;
    if reply.try_response().is_some() {
        keep_for_contract(reply.json());
    }
    reply
}

/// Writes a response we emitted where the contract test reads them, when it asks.
pub(crate) fn keep_for_contract(response: &Value) {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    if let Some(dir) = std::env::var_os("CX_CONTRACT_DIR") {
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = Path::new(&dir).join(format!("cxhook-{}-{n}.json", std::process::id()));
        std::fs::write(path, serde_json::to_vec(response).unwrap()).unwrap();
    }
}

/// Log lines written while a test runs, for a `tracing` subscriber to write into.
#[derive(Clone, Default)]
pub(crate) struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}
