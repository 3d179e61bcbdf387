//! Shared helpers: calls through cxhook's in-process test client, and the contract-test
//! hand-off of every response the tests see.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use cxhook_sim::{IntoRequestBody, TestClient, TestResponse};
use http::StatusCode;
use serde_json::Value;

/// Answers `request` through `client`; the answer must be a webhook response (HTTP 200),
/// which is kept for the contract test.
pub(crate) async fn answer(client: &TestClient, request: impl IntoRequestBody) -> TestResponse {
    let reply = client.send(request).await;
    reply.assert_status(StatusCode::OK);
    keep_for_contract(reply.json());
    reply
}

/// Writes a response we emitted where the contract test reads them, when it asks.
fn keep_for_contract(response: &Value) {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    if let Some(dir) = std::env::var_os("CX_CONTRACT_DIR") {
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = Path::new(&dir).join(format!(
            "cxhook-integrations-{}-{n}.json",
            std::process::id()
        ));
        std::fs::write(path, serde_json::to_vec(response).unwrap()).unwrap();
    }
}
