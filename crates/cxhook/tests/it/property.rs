//! Property: no input makes the endpoint panic, and every 200 it sends is a webhook
//! response Dialogflow accepts in size (64 KiB); every other status has a JSON error body.

use cxhook::extract::{Form, Params, Session, UserInput};
use cxhook::server::{Endpoint, Webhook};
use cxhook::types::{MAX_RESPONSE_BYTES, WebhookResponse};
use cxhook::{Reply, Router};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::support::request;

#[derive(serde::Deserialize)]
struct Count {
    count: i64,
}

async fn panics() -> Reply {
    panic!("a handler panicked")
}

/// A small router whose handlers read every part of the request and write it back.
pub(crate) fn router() -> Router {
    Router::new()
        .route("echo", |session: Session, input: UserInput| async move {
            let mut reply = Reply::text(input.utterance().unwrap_or("(no text)").to_owned());
            for (name, value) in session.params() {
                reply = reply.set_param(name.clone(), value.clone());
            }
            reply
        })
        .route("form", |form: Form| async move {
            match form.params().first() {
                Some(param) => Reply::text("checked").invalidate(param.display_name.clone()),
                None => Reply::text("no form"),
            }
        })
        .route("page", |session: Session| async move {
            let target = session.str_param("target").unwrap_or("").to_owned();
            Reply::text("moving").to_page(target)
        })
        .route("count", |Params(count): Params<Count>| async move {
            Reply::text("x".repeat(usize::try_from(count.count.clamp(0, 100_000)).unwrap_or(0)))
        })
        .route("panic", panics)
}

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        prop::sample::select(vec!["echo", "form", "page", "count", "panic", "", "FILLED"])
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Field names of the request, so that the typed parts get exercised, and some others.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "detectIntentResponseId",
            "fulfillmentInfo",
            "tag",
            "sessionInfo",
            "session",
            "parameters",
            "pageInfo",
            "currentPage",
            "formInfo",
            "parameterInfo",
            "displayName",
            "required",
            "state",
            "value",
            "justCollected",
            "intentInfo",
            "lastMatchedIntent",
            "confidence",
            "text",
            "transcript",
            "languageCode",
            "payload",
            "messages",
            "count",
            "target",
            "sentimentAnalysisResult",
            "score",
            "magnitude",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z_]{1,12}",
    ]
}

/// A real request with one part replaced by anything.
fn mutated_request() -> impl Strategy<Value = Value> {
    let tag = prop::sample::select(vec!["echo", "form", "page", "count", "panic", "none"]);
    let path = prop::sample::select(vec![
        vec!["sessionInfo", "parameters"],
        vec!["sessionInfo", "parameters", "count"],
        vec!["sessionInfo", "parameters", "target"],
        vec!["sessionInfo", "session"],
        vec!["pageInfo", "formInfo", "parameterInfo"],
        vec!["pageInfo"],
        vec!["fulfillmentInfo", "tag"],
        vec!["intentInfo"],
        vec!["text"],
        vec!["payload"],
        vec!["languageCode"],
    ]);
    (tag, path, any_json()).prop_map(|(tag, path, value)| {
        let mut request = request(tag, json!({"count": 3, "target": "flows/f/pages/p"}));
        let mut at = &mut request;
        for (i, name) in path.iter().enumerate() {
            if i + 1 == path.len() {
                if let Some(object) = at.as_object_mut() {
                    object.insert((*name).to_owned(), value.clone());
                }
                break;
            }
            at = &mut at[*name];
        }
        request
    })
}

fn inputs() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        mutated_request().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        any_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        prop::collection::vec(any::<u8>(), 0..512),
        mutated_request().prop_flat_map(|v| {
            let bytes = serde_json::to_vec(&v).unwrap();
            let len = bytes.len();
            (Just(bytes), 0..len.max(1), any::<u8>()).prop_map(|(mut bytes, at, byte)| {
                if let Some(b) = bytes.get_mut(at) {
                    *b = byte;
                }
                bytes
            })
        }),
    ]
}

fn check(endpoint: &Endpoint, runtime: &tokio::runtime::Runtime, bytes: &[u8]) {
    let answered = runtime.block_on(endpoint.answer(bytes));
    let body: Value = serde_json::from_slice(&answered.body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&answered.body)));
    if answered.status == http::StatusCode::OK {
        assert!(
            answered.body.len() <= MAX_RESPONSE_BYTES,
            "{} bytes",
            answered.body.len()
        );
        let _: WebhookResponse = serde_json::from_value(body).unwrap();
    } else {
        assert!(
            answered.status.is_client_error() || answered.status.is_server_error(),
            "{}",
            answered.status
        );
        assert!(body["error"].is_string(), "{body}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics_the_endpoint_or_gets_a_response_dialogflow_rejects(bytes in inputs()) {
        thread_local! {
            static SETUP: (Endpoint, tokio::runtime::Runtime) = (
                Webhook::new(router()).into_endpoint(),
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(),
            );
        }
        SETUP.with(|(endpoint, runtime)| check(endpoint, runtime, &bytes));
    }
}

#[test]
fn large_echoes_are_replaced_by_the_fallback() {
    let endpoint = Webhook::new(router()).into_endpoint();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for count in [60_000, 70_000] {
        let body = serde_json::to_vec(&request("count", json!({ "count": count }))).unwrap();
        check(&endpoint, &runtime, &body);
    }
}
