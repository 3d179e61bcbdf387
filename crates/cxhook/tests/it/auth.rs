//! The auth layer end to end: static secrets in process, Google ID tokens against a JWKS
//! served on 127.0.0.1 by keys made here; the logs never hold a secret.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cxhook::middleware::auth::{Auth, IdToken, Jwks, Secret};
use cxhook::server::{Webhook, serve_with_shutdown};
use cxhook::{Reply, Router};
use http::{Request, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

use crate::support::{Captured, request, send};

const TOKEN_A: &str = "tok-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN_B: &str = "tok-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const PASSWORD: &str = "pw-cccccccccccccccccccccc";
const HEADER_SECRET: &str = "hdr-dddddddddddddddddddddddd";
const AUDIENCE: &str = "https://hook.example.com/webhook";
const AGENT: &str = "service-123@gcp-sa-dialogflow.iam.gserviceaccount.com";

/// Assertions on the logs of the auth tests.
trait HoldsNoSecret {
    /// Asserts that no secret, nor any long piece of one, is in the logs.
    fn assert_holds_none_of(&self, secrets: &[&str]);
}

impl HoldsNoSecret for Captured {
    /// Asserts that no secret, nor any long piece of one, is in the logs.
    fn assert_holds_none_of(&self, secrets: &[&str]) {
        let text = self.text();
        assert!(!text.is_empty(), "the rejections are logged");
        for secret in secrets {
            for piece in secret
                .as_bytes()
                .chunks(16)
                .filter(|piece| piece.len() >= 8)
            {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(
                    !text.contains(piece),
                    "`{piece}` of a secret leaked: {text}"
                );
            }
        }
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber =
        tracing_subscriber::registry().with(cxhook::logging::json_layer(captured.clone()));
    (captured, tracing::subscriber::set_default(subscriber))
}

fn router() -> Router {
    Router::new().route("ping", || async { Reply::text("pong") })
}

fn call(headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::post("/webhook").header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = serde_json::to_vec(&request("ping", json!({}))).unwrap();
    builder.body(Body::from(body)).unwrap()
}

fn basic(credentials: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

fn secret(value: &str) -> Secret {
    Secret::new(value).unwrap()
}

#[tokio::test]
async fn bearer_basic_and_header_secrets() {
    let (captured, _guard) = capture();
    let auth = Auth::new()
        .bearer([secret(TOKEN_A), secret(TOKEN_B)])
        .basic("dialogflow", secret(PASSWORD))
        .header("x-webhook-secret".parse().unwrap(), secret(HEADER_SECRET));
    assert_eq!(format!("{auth:?}").matches("[redacted]").count(), 4);
    let app = Webhook::new(router()).auth(auth).into_axum();

    let bearer_a = format!("Bearer {TOKEN_A}");
    let bearer_b = format!("bearer {TOKEN_B}");
    let right_basic = basic(&format!("dialogflow:{PASSWORD}"));
    let accepted: [&[(&str, &str)]; 4] = [
        &[("authorization", &bearer_a)],
        &[("authorization", &bearer_b)],
        &[("authorization", &right_basic)],
        &[("x-webhook-secret", HEADER_SECRET)],
    ];
    for headers in accepted {
        let answered = send(&app, call(headers)).await;
        assert_eq!(answered.first_text(), "pong", "{headers:?}");
    }

    let wrong_basic = basic("dialogflow:not-the-password");
    let wrong_user = basic(&format!("someone:{PASSWORD}"));
    let forbidden: [&[(&str, &str)]; 5] = [
        &[("authorization", "Bearer tok-not-one-of-them")],
        &[("authorization", &format!("Bearer {TOKEN_A}x"))],
        &[("authorization", &wrong_basic)],
        &[("authorization", &wrong_user)],
        &[("x-webhook-secret", "guess")],
    ];
    for headers in forbidden {
        let answered = send(&app, call(headers)).await;
        assert_eq!(answered.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert_eq!(answered.body["error"], "forbidden");
    }

    let no_colon = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("dialogflow")
    );
    let unauthenticated: [&[(&str, &str)]; 7] = [
        &[],
        &[("authorization", "Bearer")],
        &[("authorization", "Bearer two words")],
        &[("authorization", "Basic !!!not-base64")],
        &[("authorization", &no_colon)],
        &[("authorization", "Digest username=x")],
        &[("authorization", "")],
    ];
    for headers in unauthenticated {
        let response = tower::ServiceExt::oneshot(app.clone(), call(headers))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{headers:?}");
        let challenges: Vec<_> = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            challenges,
            [
                "Bearer realm=\"cxhook\"",
                "Basic realm=\"cxhook\", charset=\"UTF-8\""
            ]
        );
    }
    let missing = send(&app, call(&[])).await;
    assert_eq!(missing.body["error"], "unauthenticated");
    let message = missing.body["message"].as_str().unwrap();
    assert!(message.contains("x-webhook-secret"), "{message}");
    let malformed = send(&app, call(&[("authorization", "Bearer")])).await;
    assert_eq!(malformed.body["error"], "malformed_credentials");

    // Two Authorization headers are refused, whichever is right.
    let twice = send(
        &app,
        call(&[("authorization", &bearer_a), ("authorization", &bearer_b)]),
    )
    .await;
    assert_eq!(twice.status, StatusCode::UNAUTHORIZED);

    // Auth comes before the body is read: garbage without credentials is a 401, not a 400.
    let garbage = Request::post("/webhook")
        .header("content-type", "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    assert_eq!(send(&app, garbage).await.status, StatusCode::UNAUTHORIZED);

    // Metrics need credentials too.
    let metrics = |authorization: Option<&str>| {
        let mut request = Request::get("/metrics");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        tower::ServiceExt::oneshot(app.clone(), request.body(Body::empty()).unwrap())
    };
    assert_eq!(
        metrics(None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let scraped = metrics(Some(&bearer_a)).await.unwrap().status();
    assert!(
        scraped != StatusCode::UNAUTHORIZED && scraped != StatusCode::FORBIDDEN,
        "{scraped}"
    );
    // Health and readiness stay open.
    for path in ["/healthz", "/readyz"] {
        let open = Request::get(path).body(Body::empty()).unwrap();
        assert_eq!(send(&app, open).await.status, StatusCode::OK, "{path}");
    }
    // And the server keeps serving.
    assert_eq!(
        send(&app, call(&[("authorization", &bearer_a)]))
            .await
            .first_text(),
        "pong"
    );

    captured.assert_holds_none_of(&[TOKEN_A, TOKEN_B, PASSWORD, HEADER_SECRET, &right_basic]);
    assert!(captured.text().contains("rejected a call"));
}

/// An RSA key made for the tests, with its ID.
struct Key {
    kid: &'static str,
    private_pem: String,
    public_pem: String,
    n: String,
    e: String,
}

impl Key {
    fn new(kid: &'static str) -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let public = private.to_public_key();
        Self {
            kid,
            private_pem: private.to_pkcs1_pem(LineEnding::LF).unwrap().to_string(),
            public_pem: public.to_pkcs1_pem(LineEnding::LF).unwrap(),
            n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }
    }

    fn jwk(&self) -> Value {
        json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid, "n": self.n, "e": self.e})
    }

    /// A token with these claims, signed by this key and naming `kid`.
    fn sign(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        let key = EncodingKey::from_rsa_pem(self.private_pem.as_bytes()).unwrap();
        jsonwebtoken::encode(&header, claims, &key).unwrap()
    }
}

/// Two keys, made once for the whole test binary (making RSA keys is slow unoptimised).
fn keys() -> &'static (Key, Key) {
    static KEYS: OnceLock<(Key, Key)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let a = std::thread::spawn(|| Key::new("key-a"));
        let b = Key::new("key-b");
        (a.join().unwrap(), b)
    })
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn claims() -> Value {
    let now = now();
    json!({
        "iss": "https://accounts.google.com",
        "aud": AUDIENCE,
        "sub": "1234567890",
        "azp": "1234567890",
        "email": AGENT,
        "email_verified": true,
        "iat": now,
        "exp": now + 3600,
    })
}

fn with(changes: &[(&str, Value)]) -> Value {
    let mut claims = claims();
    for (name, value) in changes {
        claims[*name] = value.clone();
    }
    claims
}

/// A JWKS endpoint on 127.0.0.1 that counts its fetches.
struct KeyServer {
    url: reqwest::Url,
    keys: Arc<Mutex<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
}

async fn key_server(keys: Vec<Value>) -> KeyServer {
    let served = Arc::new(Mutex::new(keys));
    let fetches = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/certs",
        axum::routing::get({
            let served = Arc::clone(&served);
            let fetches = Arc::clone(&fetches);
            move || {
                fetches.fetch_add(1, Ordering::SeqCst);
                let body = json!({"keys": served.lock().unwrap().clone()}).to_string();
                std::future::ready(
                    (
                        [
                            ("content-type", "application/json"),
                            ("cache-control", "public, max-age=3600, must-revalidate"),
                        ],
                        body,
                    )
                        .into_response_parts(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/certs", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    KeyServer {
        url: url.parse().unwrap(),
        keys: served,
        fetches,
    }
}

trait IntoResponseParts {
    fn into_response_parts(self) -> axum::response::Response;
}

impl<T: axum::response::IntoResponse> IntoResponseParts for T {
    fn into_response_parts(self) -> axum::response::Response {
        self.into_response()
    }
}

/// Serves `webhook` on 127.0.0.1; the URL of its `/webhook`.
async fn start(webhook: Webhook) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(serve_with_shutdown(
        listener,
        webhook,
        std::future::pending(),
    ));
    url
}

async fn post(client: &reqwest::Client, url: &str, authorization: Option<&str>) -> (u16, Value) {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&request("ping", json!({}))).unwrap());
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn unsigned(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

#[tokio::test]
async fn google_id_tokens_against_a_local_jwks() {
    let (captured, _guard) = capture();
    let (key_a, key_b) = keys();
    let jwks = key_server(vec![key_a.jwk()]).await;
    let verifier = IdToken::new(
        Jwks::new(jwks.url.clone()),
        [AUDIENCE, "https://hook.example.com"],
    )
    .leeway(Duration::from_secs(30));
    let url = start(Webhook::new(router()).auth(Auth::new().id_token(verifier))).await;
    let client = reqwest::Client::new();
    let bearer = |token: &str| format!("Bearer {token}");

    let valid = key_a.sign(key_a.kid, &claims());
    let (status, body) = post(&client, &url, Some(&bearer(&valid))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 1);
    let short_issuer = key_a.sign(key_a.kid, &with(&[("iss", json!("accounts.google.com"))]));
    assert_eq!(
        post(&client, &url, Some(&bearer(&short_issuer))).await.0,
        200
    );
    let other_audience = key_a.sign(
        key_a.kid,
        &with(&[("aud", json!("https://hook.example.com"))]),
    );
    assert_eq!(
        post(&client, &url, Some(&bearer(&other_audience))).await.0,
        200
    );

    let now = now();
    let hs256 = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key_a.kid.to_owned());
        let key = EncodingKey::from_secret(key_a.public_pem.as_bytes());
        jsonwebtoken::encode(&header, &claims(), &key).unwrap()
    };
    let hs256_raw_key = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key_a.kid.to_owned());
        let key = EncodingKey::from_secret(key_a.n.as_bytes());
        jsonwebtoken::encode(&header, &claims(), &key).unwrap()
    };
    let forbidden = [
        (
            "expired",
            key_a.sign(
                key_a.kid,
                &with(&[("iat", json!(now - 7200)), ("exp", json!(now - 3600))]),
            ),
        ),
        (
            "not yet valid",
            key_a.sign(key_a.kid, &with(&[("nbf", json!(now + 3600))])),
        ),
        (
            "issued in the future",
            key_a.sign(key_a.kid, &with(&[("iat", json!(now + 3600))])),
        ),
        (
            "wrong aud",
            key_a.sign(
                key_a.kid,
                &with(&[("aud", json!("https://elsewhere.example.com"))]),
            ),
        ),
        (
            "wrong iss",
            key_a.sign(
                key_a.kid,
                &with(&[("iss", json!("https://evil.example.com"))]),
            ),
        ),
        (
            "no exp",
            key_a.sign(key_a.kid, &{
                let mut claims = claims();
                claims.as_object_mut().unwrap().remove("exp");
                claims
            }),
        ),
        ("bad signature", key_b.sign(key_a.kid, &claims())),
        ("tampered claims", {
            let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
            parts[1] = URL_SAFE_NO_PAD.encode(with(&[("sub", json!("someone else"))]).to_string());
            parts.join(".")
        }),
        (
            "alg none",
            unsigned(
                &json!({"alg": "none", "typ": "JWT", "kid": key_a.kid}),
                &claims(),
            ),
        ),
        (
            "alg none, upper case",
            unsigned(&json!({"alg": "NONE", "kid": key_a.kid}), &claims()),
        ),
        ("HS256 with the public key", hs256),
        ("HS256 with the modulus", hs256_raw_key),
        ("not a JWT", "not.a.jwt".to_owned()),
        ("opaque", "ya29.an-opaque-access-token".to_owned()),
    ];
    for (case, token) in &forbidden {
        let (status, body) = post(&client, &url, Some(&bearer(token))).await;
        assert_eq!(status, 403, "{case}: {body}");
        assert_eq!(body["error"], "forbidden", "{case}");
        assert_eq!(
            body["message"], "the credentials were not accepted",
            "{case}"
        );
    }
    assert_eq!(
        jwks.fetches.load(Ordering::SeqCst),
        1,
        "no token with a known kid fetches the keys again"
    );

    for (case, authorization) in [
        ("missing", None),
        ("empty bearer", Some("Bearer ")),
        ("bearer with spaces", Some("Bearer a b")),
        ("basic", Some("Basic Zm9vOmJhcg==")),
        ("not ascii", Some("Bearer t\u{f6}ken")),
    ] {
        let (status, body) = post(&client, &url, authorization).await;
        assert_eq!(status, 401, "{case}: {body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("Google ID token"),
            "{case}: {body}"
        );
    }

    // Key rotation: a token signed by a key the cache does not hold fetches the keys once.
    jwks.keys.lock().unwrap().push(key_b.jwk());
    let rotated = key_b.sign(key_b.kid, &claims());
    assert_eq!(post(&client, &url, Some(&bearer(&rotated))).await.0, 200);
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 2);
    // Made-up key IDs right after do not fetch again (at most one fetch per 30 s).
    for n in 0..5 {
        let made_up = key_b.sign(&format!("made-up-{n}"), &claims());
        assert_eq!(post(&client, &url, Some(&bearer(&made_up))).await.0, 403);
    }
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 2);
    // And the server keeps serving.
    assert_eq!(post(&client, &url, Some(&bearer(&valid))).await.0, 200);
    assert_eq!(post(&client, &url, Some(&bearer(&rotated))).await.0, 200);

    let logs = captured.text();
    assert!(
        logs.contains("elsewhere.example.com"),
        "a wrong aud is logged: {logs}"
    );
    let tokens: Vec<&str> = forbidden.iter().map(|(_, token)| token.as_str()).collect();
    let mut secrets = vec![valid.as_str(), rotated.as_str(), key_a.private_pem.as_str()];
    secrets.extend(tokens.iter().filter(|token| token.len() > 40));
    captured.assert_holds_none_of(&secrets);
}

#[tokio::test]
async fn the_service_agent_email_can_be_required() {
    let (key_a, _) = keys();
    let jwks = key_server(vec![key_a.jwk()]).await;
    let verifier = IdToken::new(Jwks::new(jwks.url.clone()), [AUDIENCE]).email(AGENT);
    let app = Webhook::new(router())
        .auth(Auth::new().id_token(verifier))
        .into_axum();
    let status = |claims: Value| {
        let app = app.clone();
        let token = key_a.sign(key_a.kid, &claims);
        async move {
            let authorization = format!("Bearer {token}");
            send(&app, call(&[("authorization", &authorization)]))
                .await
                .status
        }
    };
    assert_eq!(status(claims()).await, StatusCode::OK);
    assert_eq!(
        status(with(&[("email", json!("someone@example.com"))])).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(with(&[("email_verified", json!(false))])).await,
        StatusCode::FORBIDDEN
    );
    let mut no_email = claims();
    no_email.as_object_mut().unwrap().remove("email");
    assert_eq!(status(no_email).await, StatusCode::FORBIDDEN);
}

/// A webhook that checks ID tokens against the key set at `url`, and a call to it with a
/// token that key set would hold.
fn against_key_set(url: reqwest::Url) -> (axum::Router, Request<Body>) {
    let (key_a, _) = keys();
    let verifier = IdToken::new(Jwks::new(url), [AUDIENCE]);
    let app = Webhook::new(router())
        .auth(Auth::new().id_token(verifier))
        .into_axum();
    let authorization = format!("Bearer {}", key_a.sign(key_a.kid, &claims()));
    (app, call(&[("authorization", &authorization)]))
}

/// The URL of a key set on `listener`.
fn certs_at(listener: &tokio::net::TcpListener) -> reqwest::Url {
    format!("http://{}/certs", listener.local_addr().unwrap())
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_unreachable_key_set_rejects_without_failing_the_server() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = certs_at(&closed);
    drop(closed);
    let (app, call) = against_key_set(url);
    assert_eq!(send(&app, call).await.status, StatusCode::FORBIDDEN);
    let healthz = Request::get("/healthz").body(Body::empty()).unwrap();
    assert_eq!(send(&app, healthz).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_key_set_that_never_answers_rejects_after_the_fetch_timeout() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (app, call) = against_key_set(certs_at(&silent));
    // Accepts connections and holds them open without a word.
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    // The fetch gives up after 5 s; 30 s only tells a hang from a slow machine.
    let answered = tokio::time::timeout(Duration::from_secs(30), send(&app, call))
        .await
        .expect("the call is answered, not left hanging on the key set");
    assert_eq!(answered.status, StatusCode::FORBIDDEN);
    held.abort();
}
