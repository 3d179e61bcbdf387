//! `cxhook` as a Lambda `bootstrap`: started without arguments by a Lambda runtime API (a
//! stub on loopback here), it takes an API Gateway event and posts back the proxy response;
//! with the variables of deploy/README.md's `cargo lambda deploy` (its RDS Proxy the test
//! Postgres server, over TLS checked against the server's CA), only calls that carry the
//! header secret are answered.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::postgres::fresh_database;
use crate::support::{Stub, command_line, cxhook, keep_for_contract, request, shell_words};

#[derive(Default)]
struct Runtime {
    event: Mutex<Option<Value>>,
    response: Mutex<Option<(String, Value)>>,
}

async fn next(State(runtime): State<Arc<Runtime>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let event = runtime.event.lock().unwrap().take();
    match event {
        Some(event) => (
            [
                ("content-type", "application/json"),
                ("lambda-runtime-aws-request-id", "req-1"),
                ("lambda-runtime-deadline-ms", "4102444800000"),
                (
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:cxhook",
                ),
            ],
            event.to_string(),
        )
            .into_response(),
        // Nothing more to do: keep the function waiting, as Lambda does between events.
        None => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            http::StatusCode::NO_CONTENT.into_response()
        }
    }
}

async fn respond(
    State(runtime): State<Arc<Runtime>>,
    Path(id): Path<String>,
    body: String,
) -> http::StatusCode {
    let response = serde_json::from_str(&body).unwrap_or(Value::String(body));
    *runtime.response.lock().unwrap() = Some((id, response));
    http::StatusCode::ACCEPTED
}

/// A function URL's event (an HTTP API payload 2.0) posting `body` to /webhook with these
/// headers.
fn event(body: &Value, headers: &[(&str, &str)]) -> Value {
    let mut all = serde_json::Map::new();
    all.insert("content-type".to_owned(), "application/json".into());
    for (name, value) in headers {
        all.insert((*name).to_owned(), (*value).into());
    }
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/webhook",
        "rawQueryString": "",
        "headers": all,
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.lambda-url.us-east-1.on.aws",
            "http": {"method": "POST", "path": "/webhook", "protocol": "HTTP/1.1",
                     "sourceIp": "66.249.84.1", "userAgent": "Google-Dialogflow"},
            "requestId": "id", "routeKey": "$default", "stage": "$default",
            "time": "27/Nov/2026:16:00:00 +0000", "timeEpoch": 1_764_259_200_000_i64
        },
        "body": body.to_string(),
        "isBase64Encoded": false
    })
}

/// Starts `cxhook` as a Lambda runtime starts its `bootstrap`, with these variables, hands it
/// `event`, and gives the request ID and the proxy response it posted back.
fn invoke(event: Value, env: &[(String, String)]) -> (String, Value) {
    let runtime = Arc::new(Runtime::default());
    *runtime.event.lock().unwrap() = Some(event);
    let api = Stub::start(
        axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(respond),
            )
            .with_state(runtime.clone()),
    );
    let host = api
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/webhook")
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut child = cxhook()
        .current_dir(dir.path())
        .env("AWS_LAMBDA_RUNTIME_API", &host)
        .env("AWS_LAMBDA_FUNCTION_NAME", "cxhook")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let answered = loop {
        if let Some(answered) = runtime.response.lock().unwrap().take() {
            break answered;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no response was posted"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    answered
}

fn balance() -> Value {
    let mut call = request("account.balance");
    call["sessionInfo"]["parameters"] = json!({"user_id": "u-1001"});
    call["languageCode"] = "en-US".into();
    call
}

fn assert_balance(response: &Value) {
    assert_eq!(response["statusCode"], 200, "{response}");
    let reply: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        reply["fulfillmentResponse"]["messages"][0]["text"]["text"][0],
        "The balance of account u-1001 is $1,250.75.",
        "{reply}"
    );
    keep_for_contract(&reply);
}

#[test]
fn a_bootstrap_answers_an_http_api_event() {
    let (id, response) = invoke(event(&balance(), &[]), &[]);
    assert_eq!(id, "req-1");
    assert_balance(&response);
}

/// The `--env-var` settings of the guide's `cargo lambda deploy` command.
fn guide_variables() -> Vec<(String, String)> {
    let guide = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/README.md"),
    )
    .unwrap();
    let command = command_line(guide.lines(), "cargo lambda deploy");
    let words = shell_words(&command);
    words
        .windows(2)
        .filter(|pair| pair[0] == "--env-var")
        .map(|pair| {
            let (name, value) = pair[1].split_once('=').expect("--env-var NAME=VALUE");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

#[test]
fn a_bootstrap_with_the_guides_variables_answers_only_calls_with_the_secret() {
    const SECRET: &str = "lambda-secret-ffffffffffffffffffffffff";
    let test = "a_bootstrap_with_the_guides_variables_answers_only_calls_with_the_secret";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let password = std::env::var("TEST_POSTGRES_PASSWORD").unwrap_or_default();
    let mut variables: Vec<(String, String)> = guide_variables()
        .into_iter()
        .map(|(name, value)| match value.as_str() {
            // The secrets are the guide's shell variables; the proxy's endpoint the test
            // server, with a database of the test's own.
            "$WEBHOOK_SECRET" => (name, SECRET.to_owned()),
            "$POSTGRES_PASSWORD" => (name, password.clone()),
            _ if value.contains("$PROXY_ENDPOINT") => (name, database.url.clone()),
            _ => (name, value),
        })
        .collect();
    assert!(
        variables.iter().any(|(name, _)| name == "WEBHOOK_SECRET"),
        "{variables:?}"
    );
    // Not in the guide: the test server's CA, which verify-full checks it against (the
    // proxy's certificate is signed by a CA among the system's roots).
    let ca = std::env::var("TEST_POSTGRES_CA").expect("TEST_POSTGRES_CA with TEST_POSTGRES_URL");
    for integration in ["ACCOUNTS", "BOOKING"] {
        let sslmode = format!("CXHOOK_{integration}__POSTGRES__SSLMODE");
        assert!(
            variables
                .iter()
                .any(|(name, value)| *name == sslmode && value == "verify-full"),
            "the guide checks the proxy's certificate: {variables:?}"
        );
        let pool = format!("CXHOOK_{integration}__POSTGRES__POOL_SIZE");
        assert!(
            variables
                .iter()
                .any(|(name, value)| *name == pool && value == "1"),
            "one connection per instance and pool: {variables:?}"
        );
        variables.push((
            format!("CXHOOK_{integration}__POSTGRES__SSLROOTCERT"),
            ca.clone(),
        ));
    }

    let (_, response) = invoke(
        event(&balance(), &[("x-webhook-secret", SECRET)]),
        &variables,
    );
    assert_balance(&response);
    let (_, response) = invoke(event(&balance(), &[]), &variables);
    assert_eq!(response["statusCode"], 401, "{response}");
}
