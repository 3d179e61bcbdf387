//! What the Postgres peers share: the webhook's wire types (the same subset as
//! `limit-honest`), the request's `user_id`, the reply, and the server around a lookup.
//! Each binary brings only its client and pool.
use std::collections::HashMap;
use std::future::Future;

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The lookup every peer runs: one primary-key hit, a prepared statement.
pub const SQL: &str = "SELECT balance FROM accounts WHERE user_id = $1";

/// The pool size of both peers: cxhook's default pool per instance.
pub const POOL_SIZE: usize = 5;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct WebhookRequest {
    detect_intent_response_id: Option<String>,
    intent_info: Option<IntentInfo>,
    page_info: Option<PageInfo>,
    session_info: Option<SessionInfo>,
    fulfillment_info: Option<FulfillmentInfo>,
    #[serde(default)]
    messages: Vec<ResponseMessage>,
    text: Option<String>,
    language_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct IntentInfo {
    last_matched_intent: Option<String>,
    display_name: Option<String>,
    confidence: Option<f32>,
    #[serde(default)]
    parameters: HashMap<String, IntentParameterValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct IntentParameterValue {
    original_value: Option<String>,
    resolved_value: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PageInfo {
    current_page: Option<String>,
    display_name: Option<String>,
    form_info: Option<FormInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct FormInfo {
    #[serde(default)]
    parameter_info: Vec<ParameterInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct ParameterInfo {
    display_name: Option<String>,
    #[serde(default)]
    required: bool,
    state: Option<String>,
    value: Option<Value>,
    #[serde(default)]
    just_collected: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct SessionInfo {
    session: Option<String>,
    #[serde(default)]
    parameters: HashMap<String, Value>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct FulfillmentInfo {
    tag: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseMessage {
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Text>,
    #[serde(skip_serializing)]
    #[allow(dead_code)]
    response_type: Option<String>,
    #[serde(skip_serializing)]
    #[allow(dead_code)]
    source: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct Text {
    text: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebhookResponse {
    fulfillment_response: FulfillmentResponse,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_info: Option<SessionInfoOut>,
}

#[derive(Serialize)]
struct FulfillmentResponse {
    messages: Vec<ResponseMessage>,
}

#[derive(Serialize)]
struct SessionInfoOut {
    parameters: BalanceParams,
}

#[derive(Serialize)]
struct BalanceParams {
    balance: f64,
}

fn say(s: String) -> ResponseMessage {
    ResponseMessage {
        text: Some(Text { text: vec![s] }),
        response_type: None,
        source: None,
    }
}

/// A balance lookup by user id: `Ok(None)` for an unknown account.
pub trait Lookup: Clone + Send + Sync + 'static {
    /// Looks the balance of `user_id` up.
    fn balance(&self, user_id: String) -> impl Future<Output = Result<Option<f64>, String>> + Send;
}

async fn webhook<L: Lookup>(
    State(lookup): State<L>,
    Json(req): Json<WebhookRequest>,
) -> Result<Json<WebhookResponse>, (StatusCode, String)> {
    let user_id = req
        .session_info
        .as_ref()
        .and_then(|s| s.parameters.get("user_id"))
        .and_then(Value::as_str)
        .ok_or((
            StatusCode::BAD_REQUEST,
            "missing sessionInfo.parameters.user_id".to_string(),
        ))?
        .to_owned();
    let balance = lookup
        .balance(user_id)
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(Json(match balance {
        Some(b) => WebhookResponse {
            fulfillment_response: FulfillmentResponse {
                messages: vec![say(format!("Your current account balance is ${b:.2}."))],
            },
            session_info: Some(SessionInfoOut {
                parameters: BalanceParams { balance: b },
            }),
        },
        None => WebhookResponse {
            fulfillment_response: FulfillmentResponse {
                messages: vec![say("Sorry, I could not find your account.".to_string())],
            },
            session_info: None,
        },
    }))
}

/// The port and database URL from the arguments (`PORT URL`), or `PORT` and `BENCH_PG_URL`.
pub fn args() -> (u16, String) {
    let mut args = std::env::args().skip(1);
    let port = args
        .next()
        .or_else(|| std::env::var("PORT").ok())
        .expect("port arg")
        .parse()
        .expect("port");
    let url = args
        .next()
        .or_else(|| std::env::var("BENCH_PG_URL").ok())
        .expect("database URL arg or BENCH_PG_URL");
    (port, url)
}

/// Serves `POST /webhook` on 127.0.0.1:`port`, answering with `lookup`.
pub async fn serve<L: Lookup>(port: u16, lookup: L) {
    let app = Router::new()
        .route("/webhook", post(webhook::<L>))
        .with_state(lookup);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
