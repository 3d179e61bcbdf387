//! The runtime's trace of a turn (pages entered, handlers called, by where the agent defines
//! them) and the coverage recorder it feeds, merged across sessions.

mod common;

use common::{load, no_webhooks, run};
use cxhook_agent::coverage::Coverage;
use cxhook_agent::runtime::{HandlerKind, HandlerRef, Place, Runtime, Step, Turn};

#[test]
fn a_turn_traces_the_pages_it_enters_and_the_handlers_it_calls() {
    let agent = load("divebooker");
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    let said = Turn::text("I would like to go diving in Costa Rica");
    let turn = run(&runtime, &mut session, said);
    let start = |flow: &str| Step::Page {
        flow: flow.to_owned(),
        page: "Start Page".to_owned(),
    };
    assert_eq!(turn.trace.first(), Some(&start("Liveaboards")));
    assert_eq!(
        turn.trace.last(),
        Some(&Step::Page {
            flow: "Liveaboards".to_owned(),
            page: "Collect Further Info".to_owned(),
        })
    );
    let Step::Handler(route) = &turn.trace[1] else {
        panic!("{:?}", turn.trace);
    };
    assert_eq!(
        route.place,
        Place::StartPage {
            flow: "Liveaboards".to_owned()
        }
    );
    assert_eq!(route.kind, HandlerKind::Route);
    let flow = agent.flow("Liveaboards").unwrap();
    let taken = &flow.transition_routes[route.index];
    assert_eq!(taken.intent.as_deref(), Some("head.send.group.request"));
    let again = run(&runtime, &mut session, Turn::text("whenever"));
    assert!(
        !again.trace.contains(&start("Liveaboards")),
        "only a session's first turn begins on its start page: {:?}",
        again.trace
    );
    assert!(
        again.trace.iter().any(|step| matches!(
            step,
            Step::Handler(HandlerRef {
                place: Place::Param { .. },
                kind: HandlerKind::Event,
                ..
            })
        )),
        "the form parameter's no-match handler: {:?}",
        again.trace
    );
}

#[test]
fn coverage_counts_turns_and_merges_across_sessions() {
    let agent = load("divebooker");
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let empty = Coverage::new(&agent).report();
    assert_eq!(
        [
            empty.pages.total,
            empty.routes.total,
            empty.event_handlers.total,
            empty.tags.total
        ],
        [2, 3, 6, 0]
    );
    assert_eq!(empty.pages.covered + empty.routes.covered, 0);
    let mut first = Coverage::new(&agent);
    let mut session = runtime.session();
    first.record(&run(&runtime, &mut session, Turn::text("hi")));
    let report = first.report();
    assert_eq!((report.pages.covered, report.routes.covered), (1, 1));
    assert_eq!(
        report.pages.uncovered,
        ["Liveaboards / Collect Further Info"]
    );
    let mut second = Coverage::new(&agent);
    let mut other = runtime.session();
    second.record(&run(
        &runtime,
        &mut other,
        Turn::text("I would like to go diving in Costa Rica"),
    ));
    second.record(&run(&runtime, &mut other, Turn::text("hi")));
    first.merge(&second);
    let merged = first.report();
    assert_eq!((merged.pages.covered, merged.routes.covered), (2, 2));
    let welcome = merged
        .routes
        .counts
        .iter()
        .find(|count| count.name.contains("Default Welcome Intent"))
        .unwrap();
    assert_eq!(welcome.count, 2, "once in each session");
}
