//! Bytes → `Endpoint::answer` (parse → dispatch through a small router → serialize): never
//! panics, always answers JSON; a 200 is a `WebhookResponse` of at most 64 KiB, anything
//! else an error body.

#![no_main]

use std::sync::OnceLock;

use cxhook::extract::{Form, Session, UserInput};
use cxhook::server::{Endpoint, Webhook};
use cxhook::{Reply, Router};
use cxhook_types::{MAX_RESPONSE_BYTES, WebhookResponse};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn router() -> Router {
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
}

fn setup() -> &'static (Endpoint, tokio::runtime::Runtime) {
    static SETUP: OnceLock<(Endpoint, tokio::runtime::Runtime)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        (Webhook::new(router()).into_endpoint(), runtime)
    })
}

fuzz_target!(|bytes: &[u8]| {
    let (endpoint, runtime) = setup();
    let answered = runtime.block_on(endpoint.answer(bytes));
    let body: Value = serde_json::from_slice(&answered.body).expect("every answer is JSON");
    if answered.status == 200 {
        assert!(answered.body.len() <= MAX_RESPONSE_BYTES, "a 200 over 64 KiB");
        let _: WebhookResponse = serde_json::from_value(body).expect("a 200 is a response");
    } else {
        assert!(body["error"].is_string(), "an error answer names its error");
    }
});
