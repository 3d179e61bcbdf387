//! Parse → dispatch → serialize of a realistic webhook call, without sockets.
//!
//! Run with `cargo bench -p cxhook --bench pipeline`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cxhook::extract::{LanguageCode, Params};
use cxhook::server::Webhook;
use cxhook::types::WebhookRequest;
use cxhook::{Reply, Router};
use futures_util::FutureExt;

/// A balance lookup as Dialogflow sends it (1.5 KB, one queued message, intent and page).
const REQUEST: &[u8] = include_bytes!("../../../testdata/fixtures/request-01-balance-lookup.json");

#[derive(serde::Deserialize)]
struct Lookup {
    customer_id: String,
    account_type: String,
}

async fn balance(Params(lookup): Params<Lookup>, LanguageCode(_): LanguageCode) -> Reply {
    Reply::text(format!(
        "The balance of your {} account is $1,250.75.",
        lookup.account_type
    ))
    .set_param("balance_minor", 125_075)
    .set_param("customer_ref", lookup.customer_id)
}

fn pipeline(c: &mut Criterion) {
    let router: Router = Router::new().route("balance.lookup", balance);
    let endpoint = Webhook::new(router).into_endpoint();
    let request: WebhookRequest = serde_json::from_slice(REQUEST).expect("the fixture parses");
    let response = Reply::text("The balance of your checking account is $1,250.75.")
        .set_param("balance_minor", 125_075)
        .finish(&request)
        .expect("a valid reply");

    c.bench_function("parse request", |b| {
        b.iter(|| serde_json::from_slice::<WebhookRequest>(black_box(REQUEST)).unwrap());
    });
    c.bench_function("serialize response", |b| {
        b.iter(|| serde_json::to_vec(black_box(&response)).unwrap());
    });
    c.bench_function("parse, dispatch, serialize", |b| {
        b.iter(|| {
            let answered = endpoint
                .answer(black_box(REQUEST))
                .now_or_never()
                .expect("the handler does not wait");
            assert_eq!(answered.status, http::StatusCode::OK);
            answered
        });
    });
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
