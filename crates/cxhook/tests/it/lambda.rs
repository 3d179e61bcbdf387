//! AWS Lambda: API Gateway REST (v1) and HTTP API (v2) events go through the Lambda adapter
//! to the same router as the HTTP server, and come back as proxy responses.

use base64::Engine;
use cxhook::extract::Session;
use cxhook::server::Webhook;
use cxhook::{Reply, Router};
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, LambdaEvent, Service};
use serde_json::{Value, json};

use crate::support::{keep_for_contract, request};

async fn greet(session: Session) -> Reply {
    Reply::text(format!(
        "Hello, {}!",
        session.str_param("name").unwrap_or("there")
    ))
}

/// Sends one event through the adapter `lambda_http::run` serves with; gives the proxy
/// response as API Gateway reads it.
async fn invoke(event: Value) -> Value {
    let router: Router = Router::new().route("greet", greet);
    let mut adapter = Adapter::from(cxhook::lambda::service(Webhook::new(router)));
    let payload: LambdaRequest = serde_json::from_value(event).expect("a Lambda HTTP event");
    let response = adapter
        .call(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap();
    serde_json::to_value(&response).unwrap()
}

fn v1_event(method: &str, path: &str, body: &str, base64: bool, headers: Value) -> Value {
    json!({
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {},
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": {"proxy": path.trim_start_matches('/')},
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "abc123",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "66.249.84.1", "userAgent": "Google-Dialogflow"},
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "apiId": "1234567890",
            "path": format!("/prod{path}"),
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": 1_764_259_200_000_i64
        },
        "body": body,
        "isBase64Encoded": base64
    })
}

fn v2_event(method: &str, path: &str, body: &str, base64: bool, headers: Value) -> Value {
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "r3pmxmplak",
            "domainName": "r3pmxmplak.lambda-url.us-east-1.on.aws",
            "domainPrefix": "r3pmxmplak",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "66.249.84.1",
                "userAgent": "Google-Dialogflow"
            },
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "27/Nov/2026:16:00:00 +0000",
            "timeEpoch": 1_764_259_200_000_i64
        },
        "body": body,
        "isBase64Encoded": base64
    })
}

fn webhook_body() -> String {
    request("greet", json!({"name": "Ada"})).to_string()
}

fn json_headers() -> Value {
    json!({
        "content-type": "application/json",
        "authorization": "Bearer not-checked-without-auth",
        "host": "r3pmxmplak.lambda-url.us-east-1.on.aws"
    })
}

/// The reply text of a proxy response that carries a webhook response.
fn reply_text(response: &Value) -> String {
    assert_eq!(response["statusCode"], 200, "{response}");
    assert_eq!(response["isBase64Encoded"], false, "{response}");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    keep_for_contract(&body);
    body["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
        .as_str()
        .unwrap()
        .to_owned()
}

fn content_type(response: &Value) -> &str {
    let headers = &response["headers"];
    headers["content-type"]
        .as_str()
        .or_else(|| headers["multiValueHeaders"]["content-type"][0].as_str())
        .unwrap_or_else(|| {
            response["multiValueHeaders"]["content-type"][0]
                .as_str()
                .unwrap()
        })
}

#[tokio::test]
async fn rest_api_v1_events_reach_the_handlers() {
    let response = invoke(v1_event(
        "POST",
        "/webhook",
        &webhook_body(),
        false,
        json_headers(),
    ))
    .await;
    assert_eq!(reply_text(&response), "Hello, Ada!");
    assert_eq!(content_type(&response), "application/json");
}

#[tokio::test]
async fn http_api_v2_and_function_url_events_reach_the_handlers() {
    let response = invoke(v2_event(
        "POST",
        "/webhook",
        &webhook_body(),
        false,
        json_headers(),
    ))
    .await;
    assert_eq!(reply_text(&response), "Hello, Ada!");
    assert_eq!(response["headers"]["content-type"], "application/json");
}

#[tokio::test]
async fn base64_bodies_are_decoded() {
    let encoded = base64::engine::general_purpose::STANDARD.encode(webhook_body());
    for event in [
        v1_event("POST", "/webhook", &encoded, true, json_headers()),
        v2_event("POST", "/webhook", &encoded, true, json_headers()),
    ] {
        assert_eq!(reply_text(&invoke(event).await), "Hello, Ada!");
    }
}

#[tokio::test]
async fn errors_come_back_as_json_with_their_status() {
    let bad = invoke(v2_event(
        "POST",
        "/webhook",
        r#"{"sessionInfo": {"parameters": []}}"#,
        false,
        json_headers(),
    ))
    .await;
    assert_eq!(bad["statusCode"], 400, "{bad}");
    let body: Value = serde_json::from_str(bad["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["path"], "sessionInfo.parameters");

    let no_type = invoke(v1_event(
        "POST",
        "/webhook",
        &webhook_body(),
        false,
        json!({}),
    ))
    .await;
    assert_eq!(no_type["statusCode"], 415, "{no_type}");

    let health = invoke(v2_event("GET", "/healthz", "", false, json!({}))).await;
    assert_eq!(health["statusCode"], 200, "{health}");
    let wrong = invoke(v1_event("GET", "/webhook", "", false, json!({}))).await;
    assert_eq!(wrong["statusCode"], 405, "{wrong}");
}
