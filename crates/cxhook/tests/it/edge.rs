//! The HTTP edge: every bad input gets a status and a JSON body naming what is wrong, the
//! server keeps serving, oversized responses never leave, and shutdown lets calls finish.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use cxhook::server::{Webhook, serve_with_shutdown};
use cxhook::{Reply, Router};
use http::{Request, StatusCode};
use serde_json::json;
use tokio::sync::{Notify, oneshot};

use crate::support::{post, post_request, request, send};

fn router() -> Router {
    Router::new()
        .route("ok", || async { "fine" })
        .route("huge", || async { Reply::text("x".repeat(70 * 1024)) })
}

#[tokio::test]
async fn bad_inputs_get_a_status_and_a_json_body_then_serving_goes_on() {
    let app = Webhook::new(router()).body_limit(64 * 1024).into_axum();
    let json_post = |body: &str| post_request(body.as_bytes().to_vec());
    let cases: Vec<(Request<Body>, StatusCode, &str, Option<&str>)> = vec![
        (
            post_request(vec![b' '; 64 * 1024 + 1]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            None,
        ),
        (
            Request::post("/webhook")
                .header("content-type", "text/plain")
                .body(Body::from("{}"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        ),
        (
            Request::post("/webhook").body(Body::from("{}")).unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        ),
        (
            Request::get("/webhook").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            None,
        ),
        (
            Request::post("/healthz").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            None,
        ),
        (
            json_post("{\"sessionInfo\": "),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            Some("sessionInfo"),
        ),
        (json_post(""), StatusCode::BAD_REQUEST, "invalid_json", None),
        (
            json_post("not json"),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            None,
        ),
        (
            json_post(r#"{"sessionInfo": {"session": "s", "parameters": []}}"#),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some("sessionInfo.parameters"),
        ),
        (
            json_post(r#"{"pageInfo": {"formInfo": {"parameterInfo": [{"required": "yes"}]}}}"#),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some("pageInfo.formInfo.parameterInfo[0].required"),
        ),
        (
            json_post(r#"{"messages": [{"text": {"text": "hi"}}]}"#),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Some("messages[0].text.text"),
        ),
        (
            json_post("[]"),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            None,
        ),
        (
            json_post(r#"{"text": "a", "triggerEvent": "b"}"#),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            None,
        ),
        (
            Request::get("/nowhere").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
            None,
        ),
    ];
    for (request, status, code, path) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let answered = send(&app, request).await;
        assert_eq!(answered.status, status, "{what}: {}", answered.body);
        assert_eq!(answered.content_type.as_deref(), Some("application/json"));
        assert_eq!(answered.body["error"], code, "{what}: {}", answered.body);
        assert!(
            answered.body["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert_eq!(
            answered.body["path"].as_str(),
            path,
            "{what}: {}",
            answered.body
        );
    }
    let answered = post(&app, &request("ok", json!({}))).await;
    assert_eq!(answered.first_text(), "fine");
}

#[tokio::test]
async fn a_body_that_is_no_object_is_told_so() {
    let app = Webhook::new(router()).into_axum();
    let fifteen = format!("[{}]", vec!["null"; 15].join(","));
    for body in [
        "[]", "[{}]", &fifteen, "\"text\"", "42", "-1.5", "null", "true", " \n[1]",
    ] {
        let answered = send(&app, post_request(body.as_bytes().to_vec())).await;
        assert_eq!(answered.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answered.body["error"], "invalid_request", "{body}");
        assert!(
            answered.body["message"]
                .as_str()
                .unwrap()
                .starts_with("the body must be a JSON object"),
            "{body}: {}",
            answered.body
        );
    }
    for body in ["[1,", "nul", ""] {
        let answered = send(&app, post_request(body.as_bytes().to_vec())).await;
        assert_eq!(answered.body["error"], "invalid_json", "{body}");
    }
}

#[tokio::test]
async fn no_400_body_holds_the_value_sent() {
    const SECRET: &str = "my-secret-value";
    const NUMBER: &str = "4111111111111111";
    let app = Webhook::new(router()).into_axum();
    let cases = [
        // Wrong types, each with the secret where another type belongs.
        (
            format!(r#"{{"sentimentAnalysisResult": {{"score": "{SECRET}"}}}}"#),
            "sentimentAnalysisResult.score",
            "invalid type: string, expected f32",
        ),
        (
            format!(r#"{{"intentInfo": {{"confidence": "{SECRET}"}}}}"#),
            "intentInfo.confidence",
            "invalid type: string, expected f32",
        ),
        (
            format!(r#"{{"fulfillmentInfo": {{"tag": {NUMBER}}}}}"#),
            "fulfillmentInfo.tag",
            "invalid type: integer, expected a string",
        ),
        (
            format!(r#"{{"sessionInfo": {{"session": {NUMBER}.5}}}}"#),
            "sessionInfo.session",
            "invalid type: floating point, expected a string",
        ),
        (
            format!(
                r#"{{"pageInfo": {{"formInfo": {{"parameterInfo": [{{"required": "{SECRET}"}}]}}}}}}"#
            ),
            "pageInfo.formInfo.parameterInfo[0].required",
            "invalid type: string, expected a boolean",
        ),
        (
            format!(r#"{{"messages": [{{"text": {{"text": "{SECRET}"}}}}]}}"#),
            "messages[0].text.text",
            "invalid type: string, expected a sequence",
        ),
        (
            format!(r#"{{"sessionInfo": {{"parameters": "{SECRET}"}}}}"#),
            "sessionInfo.parameters",
            "invalid type: string, expected a map",
        ),
        (
            format!(r#"{{"text": {NUMBER}}}"#),
            "text",
            "invalid type: integer, expected a string",
        ),
        // A secret with quotes and the words serde puts after a value.
        (
            format!(r#"{{"languageInfo": {{"confidenceScore": "{SECRET}\", expected f32"}}}}"#),
            "languageInfo.confidenceScore",
            "invalid type: string, expected f32",
        ),
        // Bad numbers: out of range, malformed.
        (
            format!(r#"{{"intentInfo": {{"confidence": {NUMBER}e999}}}}"#),
            "intentInfo.confidence",
            "number out of range",
        ),
        (
            format!(r#"{{"intentInfo": {{"confidence": -{NUMBER}.}}}}"#),
            "intentInfo.confidence",
            "invalid number",
        ),
    ];
    for (body, path, message) in cases {
        let answered = send(&app, post_request(body.clone().into_bytes())).await;
        assert_eq!(answered.status, StatusCode::BAD_REQUEST, "{body}");
        let text = answered.body.to_string();
        assert!(!text.contains(SECRET), "{body}: {text}");
        assert!(!text.contains("4111"), "{body}: {text}");
        assert_eq!(answered.body["path"], path, "{body}: {text}");
        assert!(
            answered.body["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{path}: {message}")),
            "{body}: {text}"
        );
    }
}

#[tokio::test]
async fn a_parameter_given_twice_is_a_400_naming_it() {
    let app = Webhook::new(router()).into_axum();
    let body = br#"{"fulfillmentInfo": {"tag": "ok"},
                    "sessionInfo": {"parameters": {"amount": 1, "city": "Oslo", "amount": 2}}}"#;
    let answered = send(&app, post_request(body.to_vec())).await;
    assert_eq!(answered.status, StatusCode::BAD_REQUEST);
    assert_eq!(answered.body["error"], "invalid_request");
    assert_eq!(answered.body["path"], "sessionInfo.parameters");
    let message = answered.body["message"].as_str().unwrap();
    assert!(message.contains("duplicate key `amount`"), "{message}");
}

#[tokio::test]
async fn the_allow_header_names_the_methods() {
    let app = Webhook::new(router()).into_axum();
    let response = tower::ServiceExt::oneshot(
        app,
        Request::delete("/webhook").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn charset_parameters_are_accepted() {
    let app = Webhook::new(router()).into_axum();
    let request = Request::post("/webhook")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(
            serde_json::to_vec(&request("ok", json!({}))).unwrap(),
        ))
        .unwrap();
    assert_eq!(send(&app, request).await.first_text(), "fine");
}

#[tokio::test]
async fn a_response_over_64_kib_never_leaves() {
    let app = Webhook::new(router()).into_axum();
    let answered = post(&app, &request("huge", json!({}))).await;
    assert_eq!(answered.status, StatusCode::OK);
    assert!(
        answered
            .first_text()
            .starts_with("Sorry, something went wrong")
    );
    assert_eq!(
        post(&app, &request("ok", json!({}))).await.first_text(),
        "fine"
    );
}

#[tokio::test]
async fn a_response_over_64_kib_is_replaced_in_the_callers_language() {
    let texts = cxhook::Localized::new("Sorry, something went wrong.")
        .with("de", "Entschuldigung, da ist etwas schiefgegangen.");
    let app = Webhook::new(router())
        .recover(cxhook::middleware::RecoverLayer::with_texts(texts))
        .into_axum();
    let mut call = request("huge", json!({}));
    call["languageCode"] = "de-AT".into();
    assert_eq!(
        post(&app, &call).await.first_text(),
        "Entschuldigung, da ist etwas schiefgegangen."
    );
    call["languageCode"] = "it".into();
    assert_eq!(
        post(&app, &call).await.first_text(),
        "Sorry, something went wrong."
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let webhook = Webhook::new(router());
    let readiness = webhook.readiness().clone();
    let app = webhook.into_axum();
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    let answered = send(&app, get("/healthz")).await;
    assert_eq!(
        (answered.status, answered.body),
        (StatusCode::OK, json!({"status": "ok"}))
    );
    let answered = send(&app, get("/readyz")).await;
    assert_eq!(answered.status, StatusCode::OK);
    readiness.set(false);
    let answered = send(&app, get("/readyz")).await;
    assert_eq!(answered.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        answered.body,
        json!({
            "status": "not_ready",
            "failed": ["draining"],
            "reasons": {"draining": "shutdown has begun"}
        })
    );
}

#[tokio::test]
async fn shutdown_lets_a_call_in_flight_finish() {
    let started = Arc::new(Notify::new());
    let in_handler = started.clone();
    let router = Router::new().route("slow", move || {
        let started = in_handler.clone();
        async move {
            started.notify_one();
            tokio::time::sleep(Duration::from_millis(300)).await;
            "finished"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve_with_shutdown(listener, Webhook::new(router), async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::new();
    let call = tokio::spawn(
        client
            .post(format!("http://{addr}/webhook"))
            .json(&request("slow", json!({})))
            .send(),
    );
    started.notified().await;
    stop.send(()).unwrap();

    let response = call.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["fulfillmentResponse"]["messages"][0]["text"]["text"][0],
        "finished"
    );
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once the call is answered")
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections after shutdown"
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn encoded(encoding: &str, body: Vec<u8>) -> Request<Body> {
    Request::post("/webhook")
        .header("content-type", "application/json")
        .header("content-encoding", encoding)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn gzip_bodies_are_decompressed_within_the_limit() {
    let app = Webhook::new(router()).body_limit(64 * 1024).into_axum();
    let body = serde_json::to_vec(&request("ok", json!({"city": "Oslo"}))).unwrap();
    for encoding in ["gzip", "GZIP", "x-gzip", "identity, gzip", "gzip, identity"] {
        let answered = send(&app, encoded(encoding, gzip(&body))).await;
        assert_eq!(
            answered.status,
            StatusCode::OK,
            "{encoding}: {}",
            answered.body
        );
        assert_eq!(answered.first_text(), "fine", "{encoding}");
    }
    let answered = send(&app, encoded("gzip, gzip", gzip(&gzip(&body)))).await;
    assert_eq!(answered.first_text(), "fine", "applied twice, undone twice");
    let answered = send(&app, encoded("identity", body.clone())).await;
    assert_eq!(answered.first_text(), "fine");

    // A bomb: a valid request padded to 16 MiB with white space, 16 KiB compressed; the limit
    // holds for what it inflates to.
    let mut bomb = b"{\"fulfillmentInfo\": {\"tag\": \"ok\"}".to_vec();
    bomb.resize(16 * 1024 * 1024, b' ');
    bomb.push(b'}');
    let compressed = gzip(&bomb);
    assert!(compressed.len() < 64 * 1024, "{} bytes", compressed.len());
    let answered = send(&app, encoded("gzip", compressed)).await;
    assert_eq!(answered.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answered.body["error"], "payload_too_large");
    let message = answered.body["message"].as_str().unwrap();
    assert!(message.contains("decompressed"), "{message}");
    assert!(message.contains("65536 bytes"), "{message}");

    // Just at the limit, decompressed, is still answered.
    let mut full = body.clone();
    full.pop();
    full.resize(64 * 1024 - 1, b' ');
    full.push(b'}');
    let answered = send(&app, encoded("gzip", gzip(&full))).await;
    assert_eq!(answered.first_text(), "fine");
}

#[tokio::test]
async fn a_body_that_is_not_what_its_encoding_says_is_refused_by_name() {
    let app = Webhook::new(router()).into_axum();
    let body = serde_json::to_vec(&request("ok", json!({}))).unwrap();

    let answered = send(&app, encoded("gzip", body.clone())).await;
    assert_eq!(answered.status, StatusCode::BAD_REQUEST);
    assert_eq!(answered.body["error"], "invalid_encoding");
    let message = answered.body["message"].as_str().unwrap();
    assert!(message.contains("not valid gzip"), "{message}");

    // A gzip body cut short is no gzip either.
    let mut cut = gzip(&body);
    cut.truncate(cut.len() - 4);
    let answered = send(&app, encoded("gzip", cut)).await;
    assert_eq!(answered.body["error"], "invalid_encoding");

    for encoding in ["br", "deflate", "zstd", "gzip, br", "compress"] {
        let response = tower::ServiceExt::oneshot(app.clone(), encoded(encoding, body.clone()))
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{encoding}"
        );
        assert_eq!(response.headers()["accept-encoding"], "gzip");
        let answered = send(&app, encoded(encoding, body.clone())).await;
        assert_eq!(answered.body["error"], "unsupported_encoding");
        let message = answered.body["message"].as_str().unwrap();
        let named = encoding.rsplit(", ").next().unwrap();
        assert!(message.contains(&format!("`{named}`")), "{message}");
    }

    // Serving goes on.
    assert_eq!(
        post(&app, &request("ok", json!({}))).await.first_text(),
        "fine"
    );
}
