//! Physical-limit reference (b), the "honest minimal" webhook: axum + tokio multi-thread,
//! serde_json parse into a typed WebhookRequest, SQLite lookup through an r2d2 pool of read-only
//! connections with a cached prepared statement, typed WebhookResponse serialized by serde_json.
//! The lookup runs inline on the async worker (a primary-key hit in SQLite's page cache is a few
//! microseconds); set LIMIT_SPAWN_BLOCKING=1 to run it on tokio's blocking pool instead, or
//! LIMIT_NO_LOOKUP=1 to skip it and answer the balance of the benchmark's account as a constant:
//! the cost of parsing and serializing alone, what a webhook that needs no I/O pays over the
//! ceiling.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

static SPAWN_BLOCKING: AtomicBool = AtomicBool::new(false);
static NO_LOOKUP: AtomicBool = AtomicBool::new(false);

/// The balance of the benchmark's account (`payloads/balance.json`), answered without a
/// lookup under LIMIT_NO_LOOKUP.
const BENCH_BALANCE: f64 = 9269.19;

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use r2d2_sqlite::{
    SqliteConnectionManager,
    rusqlite::{OpenFlags, OptionalExtension},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

type Pool = r2d2::Pool<SqliteConnectionManager>;

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

const SQL: &str = "SELECT balance FROM accounts WHERE user_id = ?1";

fn lookup(pool: &Pool, user_id: &str) -> Result<Option<f64>, String> {
    let conn = pool.get().map_err(|e| e.to_string())?;
    let mut stmt = conn.prepare_cached(SQL).map_err(|e| e.to_string())?;
    stmt.query_row([user_id], |r| r.get::<_, f64>(0))
        .optional()
        .map_err(|e| e.to_string())
}

fn say(s: String) -> ResponseMessage {
    ResponseMessage {
        text: Some(Text { text: vec![s] }),
        response_type: None,
        source: None,
    }
}

async fn webhook(
    State(pool): State<Pool>,
    Json(req): Json<WebhookRequest>,
) -> Result<Json<WebhookResponse>, (StatusCode, String)> {
    // Without the lookup no user is needed: any request is answered, cxhook-noio's too.
    if NO_LOOKUP.load(Ordering::Relaxed) {
        return Ok(Json(balance_reply(Some(BENCH_BALANCE))));
    }
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
    let balance = if SPAWN_BLOCKING.load(Ordering::Relaxed) {
        let p = pool.clone();
        tokio::task::spawn_blocking(move || lookup(&p, &user_id))
            .await
            .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    } else {
        lookup(&pool, &user_id)
    }
    .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(Json(balance_reply(balance)))
}

/// The reply for the balance found, or for none.
fn balance_reply(balance: Option<f64>) -> WebhookResponse {
    match balance {
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
    }
}

#[tokio::main]
pub async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .or_else(|| std::env::var("PORT").ok())
        .expect("port arg")
        .parse()
        .expect("port");
    let db = args
        .next()
        .or_else(|| std::env::var("BENCH_DB").ok())
        .expect("db path arg or BENCH_DB");
    SPAWN_BLOCKING.store(
        std::env::var_os("LIMIT_SPAWN_BLOCKING").is_some(),
        Ordering::Relaxed,
    );
    NO_LOOKUP.store(
        std::env::var_os("LIMIT_NO_LOOKUP").is_some(),
        Ordering::Relaxed,
    );
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as u32;
    let manager = SqliteConnectionManager::file(&db)
        .with_flags(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX);
    let pool = r2d2::Pool::builder()
        .max_size(workers * 2)
        .build(manager)
        .expect("sqlite pool");
    let app = Router::new()
        .route("/webhook", post(webhook))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
