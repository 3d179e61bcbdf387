//! A 10-turn conversation with goodbye-graffiti, most of it through Google's Address
//! Collection component: the welcome, the report intent, a place `lookup_place` cannot find
//! (into the component), the address (the flexible validation webhook, 14 pages in one turn),
//! a reply the agent does not understand, the confirmation (back to the start flow, which
//! geocodes again), the location confirmed, the form's two answers, and the thanks that end
//! the session. Both webhooks answer in-process with canned answers, so the figure is the
//! runtime's own: intent matching, entity extraction, conditions, templates, JSONPath and the
//! request and reply of each call. The agent and its NLU are built once, outside the loop; a
//! fresh session each iteration.
//!
//! Run with `cargo bench -p cxhook-agent --bench conversation`; divide by 10 for a turn.
//! Measured: 1.29 ms for the ten turns, 129 µs a turn (release, 5 s of measurement, on two
//! cores busy with other builds, so an upper bound).

use std::future::Future;
use std::hint::black_box;
use std::path::Path;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cxhook_agent::Agent;
use cxhook_agent::model::Webhook;
use cxhook_agent::runtime::{Outcome, Outgoing, Runtime, Turn, WebhookFuture, Webhooks};
use serde_json::{Value, json};

/// The validation API's answer for 1600 Amphitheatre Parkway, as Google documents it (trimmed
/// to the fields the component maps): the runtime tests' fixture (`tests/common/graffiti.rs`).
const VALIDATED_ADDRESS: &[u8] = include_bytes!("../tests/common/validated-address.json");

/// Canned answers: `lookup_place` finds the address the component collected (and nothing
/// before it), the validation API confirms 1600 Amphitheatre Parkway.
struct Canned {
    validation: Vec<u8>,
}

impl Webhooks for Canned {
    fn call<'a>(&'a self, webhook: &'a Webhook, request: &'a Outgoing) -> WebhookFuture<'a> {
        let body = match webhook.display_name.as_str() {
            "lookup_place" => {
                let Outgoing::Standard(request) = request else {
                    panic!("lookup_place is a standard webhook")
                };
                let found = match request
                    .session_info
                    .parameters
                    .get("address_collection_address")
                {
                    Some(Value::Object(address)) => format!(
                        "{} {}, {}",
                        address["street-number"].as_str().unwrap_or_default(),
                        address["route"].as_str().unwrap_or_default(),
                        address["city"].as_str().unwrap_or_default()
                    ),
                    _ => String::new(),
                };
                let reply = json!({"sessionInfo": {"parameters": {"formatted_address": found}}});
                serde_json::to_vec(&reply).expect("JSON")
            }
            _ => self.validation.clone(),
        };
        Box::pin(async move { Outcome::Answered { status: 200, body } })
    }
}

/// Polls a future that never waits (the webhooks answer at once) to its end.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// The ten turns.
fn turns() -> Vec<Turn> {
    vec![
        Turn::text("hi"),
        Turn::intent("head.report-graffiti"),
        Turn::text("Hosier Lane, Melbourne"),
        Turn::text("1600 Amphitheatre Parkway, Mountain View"),
        Turn::text("purple elephants"),
        Turn::intent("prebuilt_components_confirmation_yes"),
        Turn::text("yes"),
        Turn::text("wall"),
        Turn::text("big red letters on the north side"),
        Turn::intent("thank you"),
    ]
}

/// Runs the ten turns on a fresh session; the pages they end on and whether the session ended.
fn converse(runtime: &Runtime<'_>, turns: &[Turn]) -> (Vec<String>, bool) {
    let mut session = runtime.session();
    let mut pages = Vec::with_capacity(turns.len());
    let mut ended = false;
    for turn in turns {
        let result = block_on(runtime.turn(&mut session, turn.clone())).expect("the turn runs");
        pages.push(result.page);
        ended = result.ended;
    }
    (pages, ended)
}

fn conversation(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents/goodbye-graffiti");
    let agent = Agent::load(path).expect("goodbye-graffiti loads").agent;
    let webhooks = Canned {
        validation: VALIDATED_ADDRESS.to_vec(),
    };
    let runtime = Runtime::new(&agent, &webhooks)
        .generator("Welcome Generator", "Welcome to the graffiti hotline.")
        .generator("Report Summary", "A report: $item-damaged at $location.");
    let turns = turns();
    let (pages, ended) = converse(&runtime, &turns);
    assert_eq!(
        pages[2..6],
        [
            "> collect address",
            "> confirm address",
            "> confirm address",
            "Display Location"
        ],
        "the conversation goes through Address Collection: {pages:?}"
    );
    assert!(ended, "the thanks end the session: {pages:?}");

    let mut group = c.benchmark_group("goodbye-graffiti");
    group.throughput(Throughput::Elements(turns.len() as u64));
    group.bench_function("10-turn address conversation", |b| {
        b.iter(|| black_box(converse(&runtime, black_box(&turns))));
    });
    group.finish();
}

criterion_group!(benches, conversation);
criterion_main!(benches);
