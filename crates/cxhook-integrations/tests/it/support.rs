//! Shared helpers: requests as Dialogflow sends them, calls through the real webhook
//! endpoint, and the contract-test hand-off of every response the tests see.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use cxhook::Router;
use cxhook::server::{Endpoint, Webhook};
use http::StatusCode;
use serde_json::{Value, json};

pub(crate) const PAGE: &str =
    "projects/p/locations/global/agents/a/flows/00000000-0000-0000-0000-000000000000/pages/account";
pub(crate) const SESSION: &str = "projects/p/locations/global/agents/a/sessions/s-1";

/// A request for `tag` with these session parameters, in `language`, from a page without a
/// form.
pub(crate) fn request(tag: &str, params: Value, language: &str) -> Value {
    json!({
        "detectIntentResponseId": "r-1",
        "fulfillmentInfo": {"tag": tag},
        "pageInfo": {"currentPage": PAGE, "displayName": "Account"},
        "sessionInfo": {"session": SESSION, "parameters": params},
        "text": "what's my balance",
        "languageCode": language
    })
}

/// Like [`request`], from a page whose form has an empty `user_id` parameter.
pub(crate) fn form_request(tag: &str, params: Value) -> Value {
    let mut request = request(tag, params, "en-US");
    request["pageInfo"]["formInfo"] = json!({"parameterInfo": [
        {"displayName": "user_id", "required": true, "state": "EMPTY"}
    ]});
    request
}

/// The webhook endpoint of `router`.
pub(crate) fn endpoint(router: Router) -> Endpoint {
    Webhook::new(router).into_endpoint()
}

/// Answers `request` through `endpoint`; the response must be a 200 with a JSON body, which
/// is kept for the contract test.
pub(crate) async fn answer(endpoint: &Endpoint, request: &Value) -> Value {
    let answered = endpoint.answer(&serde_json::to_vec(request).unwrap()).await;
    let body: Value = serde_json::from_slice(&answered.body).unwrap();
    assert_eq!(answered.status, StatusCode::OK, "{body}");
    keep_for_contract(&body);
    body
}

/// The first text of a response.
pub(crate) fn text(response: &Value) -> &str {
    response["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no text in {response}"))
}

/// Writes a response we emitted where the contract test reads them, when it asks.
pub(crate) fn keep_for_contract(response: &Value) {
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
