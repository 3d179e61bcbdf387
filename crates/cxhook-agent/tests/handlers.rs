//! The turn engine's rules on a small agent written for them: each special target, the flow
//! stack, the loop guard, event handlers by specificity and scope, form prompts, and standard
//! webhook replies (a target, an invalidated parameter, a reply CX would reject).

mod common;

use common::{Answers, block_on, no_webhooks, ok, run};
use cxhook_agent::Agent;
use cxhook_agent::model::{Flow, Page};
use cxhook_agent::runtime::{Outcome, Runtime, Turn, TurnError};
use serde_json::{Value, json};

/// A route for an intent to a target (`{"targetPage": …}` or `{"targetFlow": …}`), saying `say`.
fn route(intent: &str, target: Value, say: &str) -> Value {
    let mut route =
        json!({"intent": intent, "triggerFulfillment": {"messages": [{"text": {"text": [say]}}]}});
    route
        .as_object_mut()
        .unwrap()
        .extend(target.as_object().unwrap().clone());
    route
}

/// A page entered with `say`, with these routes.
fn page(name: &str, say: &str, routes: Value) -> Value {
    json!({"name": format!("{name}-id"), "displayName": name,
           "entryFulfillment": {"messages": [{"text": {"text": [say]}}]},
           "transitionRoutes": routes})
}

/// Flow `Main` (the start flow) with pages A, B, Caller, After, Loop 1/2, Form, Done and Ask,
/// and flow `Sub`, which ends back in its caller.
fn agent() -> Agent {
    let main: Flow = serde_json::from_value(json!({
        "name": "main-id", "displayName": "Main",
        "transitionRoutes": [
            route("go.a", json!({"targetPage": "A"}), "going to A"),
            route("go.caller", json!({"targetPage": "Caller"}), "going to Caller"),
            route("go.loop", json!({"targetPage": "Loop 1"}), "looping"),
            route("go.form", json!({"targetPage": "Form"}), "a form"),
            route("go.ask", json!({"targetPage": "Ask"}), "asking"),
            route("go.lookup", json!({"targetPage": "Lookup"}), "looking up"),
            route("end", json!({"targetPage": "End Session"}), "bye"),
            route("end.flow", json!({"targetPage": "End Flow"}), "ending the start flow")
        ],
        "eventHandlers": [
            {"event": "sys.no-match-default", "triggerFulfillment": {"messages": [{"text": {"text": ["flow: what?"]}}]}},
            {"event": "sys.no-input-default", "triggerFulfillment": {"messages": [{"text": {"text": ["flow: silence"]}}]}},
            {"event": "bump", "triggerFulfillment": {"messages": [{"text": {"text": ["bumped"]}}],
             "setParameterActions": [{"parameter": "bumps", "value": "$sys.func.ADD($session.params.bumps, 1)"}]}},
            {"event": "clock", "triggerFulfillment": {"messages": [{"text": {"text": ["It is $sys.func.NOW()."]}}],
             "setParameterActions": [{"parameter": "stamp", "value": "$sys.func.NOW()"}]}},
            {"event": "webhook.error", "triggerFulfillment": {"messages": [{"text": {"text": ["the check failed"]}}]}, "targetPage": "A"}
        ]
    }))
    .unwrap();
    let sub: Flow = serde_json::from_value(json!({
        "name": "sub-id", "displayName": "Sub",
        "transitionRoutes": [{"condition": "true", "targetPage": "S1",
            "triggerFulfillment": {"setParameterActions": [{"parameter": "$flow.depth", "value": 1}]}}]
    }))
    .unwrap();
    let mut agent = Agent {
        default_language_code: "en".into(),
        start_flow: "Main".into(),
        ..Agent::default()
    };
    let pages = [
        (
            "Main",
            page(
                "A",
                "at A",
                json!([route("next", json!({"targetPage": "B"}), "to B")]),
            ),
        ),
        (
            "Main",
            page(
                "B",
                "at B",
                json!([
                    route("back", json!({"targetPage": "Previous Page"}), "back"),
                    route("again", json!({"targetPage": "Current Page"}), "again"),
                    route(
                        "restart",
                        json!({"targetPage": "Start Page"}),
                        "to the start"
                    )
                ]),
            ),
        ),
        (
            "Main",
            page(
                "Caller",
                "at Caller",
                json!([
                    route("call", json!({"targetFlow": "Sub"}), "calling Sub"),
                    {"condition": "$session.params.sub_done = true", "targetPage": "After"}
                ]),
            ),
        ),
        ("Main", page("After", "after Sub", json!([]))),
        (
            "Main",
            json!({"name": "l1", "displayName": "Loop 1", "transitionRoutes": [{"condition": "true", "targetPage": "Loop 2"}]}),
        ),
        (
            "Main",
            json!({"name": "l2", "displayName": "Loop 2", "transitionRoutes": [{"condition": "true", "targetPage": "Loop 1"}]}),
        ),
        (
            "Main",
            json!({"name": "form-id", "displayName": "Form",
            "form": {"parameters": [
                {"displayName": "count", "entityType": "@sys.number-integer", "required": true,
                 "fillBehavior": {"initialPromptFulfillment": {"messages": [{"text": {"text": ["How many?"]}}]},
                   "repromptEventHandlers": [
                     {"event": "sys.no-match-1", "triggerFulfillment": {"messages": [{"text": {"text": ["A number, please."]}}]}},
                     {"event": "sys.no-match-2", "triggerFulfillment": {"messages": [{"text": {"text": ["Just digits."]}}]}}]}},
                {"displayName": "note", "entityType": "@sys.any", "required": false},
                {"displayName": "name", "entityType": "@sys.any", "required": true,
                 "fillBehavior": {"initialPromptFulfillment": {"messages": [{"text": {"text": ["Your name?"]}}]}}}
            ]},
            "transitionRoutes": [{"condition": "$page.params.status = FINAL",
                "triggerFulfillment": {"webhook": "check", "tag": "check.form",
                  "setParameterActions": [{"parameter": "checked_at", "value": "$session.params.count"}]}}]}),
        ),
        ("Main", page("Done", "done", json!([]))),
        (
            "Main",
            json!({"name": "lookup-id", "displayName": "Lookup",
            "entryFulfillment": {"webhook": "api"},
            "transitionRoutes": [
                {"condition": "$request.webhook_status_code = 200",
                 "triggerFulfillment": {"messages": [{"text": {"text": ["found $flow.found, $session.params.total in all"]}}]},
                 "targetPage": "Done"},
                {"condition": "$request.webhook_status_code != 200",
                 "triggerFulfillment": {"messages": [{"text": {"text": ["status $request.webhook_status_code"]}}]}}
            ]}),
        ),
        (
            "Main",
            json!({"name": "ask-id", "displayName": "Ask",
            "entryFulfillment": {"webhook": "check", "tag": "ask"}}),
        ),
        (
            "Sub",
            page(
                "S1",
                "in Sub at depth $flow.depth",
                json!([
                    {"intent": "done", "targetPage": "End Flow",
                     "triggerFulfillment": {"setParameterActions": [{"parameter": "sub_done", "value": true}]}}
                ]),
            ),
        ),
    ];
    let mut flows = [main, sub];
    for (flow, page) in pages {
        let page: Page = serde_json::from_value(page).unwrap();
        let flow = flows.iter_mut().find(|f| f.display_name == flow).unwrap();
        flow.pages.insert(page.display_name.clone(), page);
    }
    for flow in flows {
        agent.flows.insert(flow.display_name.clone(), flow);
    }
    agent.webhooks.insert(
        "check".into(),
        serde_json::from_value(json!({"name": "check-id", "displayName": "check",
            "genericWebService": {"uri": "https://example.test/check"}}))
        .unwrap(),
    );
    agent.webhooks.insert(
        "api".into(),
        serde_json::from_value(json!({"name": "api-id", "displayName": "api",
            "genericWebService": {"uri": "https://example.test/api", "webhookType": "FLEXIBLE",
                "httpMethod": "GET",
                "requestBody": "{\"q\": \"$session.params.q\", \"n\": $session.params.n, \"say\": \"about $session.params.q\"}",
                "parameterMapping": {"$flow.found": "$.items[?(@.ok == true)].name", "total": "$.total"}}}))
        .unwrap(),
    );
    agent
}

#[test]
fn previous_current_and_start_page() {
    let agent = agent();
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    run(&runtime, &mut session, Turn::intent("go.a"));
    let b = run(&runtime, &mut session, Turn::intent("next"));
    assert_eq!((b.page.as_str(), b.texts()), ("B", vec!["to B", "at B"]));
    let back = run(&runtime, &mut session, Turn::intent("back"));
    assert_eq!(
        (back.page.as_str(), back.texts()),
        ("A", vec!["back", "at A"])
    );
    run(&runtime, &mut session, Turn::intent("next"));
    let again = run(&runtime, &mut session, Turn::intent("again"));
    assert_eq!(
        (again.page.as_str(), again.texts()),
        ("B", vec!["again", "at B"]),
        "the current page is entered again"
    );
    let start = run(&runtime, &mut session, Turn::intent("restart"));
    assert_eq!(
        (start.flow.as_str(), start.page.as_str()),
        ("Main", "Start Page")
    );
    assert_eq!(start.pages, ["Main / Start Page"]);
}

#[test]
fn a_flow_returns_to_its_caller_on_end_flow_and_its_parameters_go() {
    let agent = agent();
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    run(&runtime, &mut session, Turn::intent("go.caller"));
    let called = run(&runtime, &mut session, Turn::intent("call"));
    assert_eq!(called.pages, ["Sub / Start Page", "Sub / S1"]);
    assert_eq!(called.texts(), ["calling Sub", "in Sub at depth 1"]);
    assert_eq!(session.flows().collect::<Vec<_>>(), ["Main", "Sub"]);
    assert_eq!(session.param("$flow.depth"), Some(&json!(1)));

    let done = run(&runtime, &mut session, Turn::intent("done"));
    assert_eq!(
        done.pages,
        ["Main / Caller (returned)", "Main / After"],
        "the caller's condition routes run again on return"
    );
    assert_eq!(done.texts(), ["after Sub"]);
    assert_eq!(session.flows().collect::<Vec<_>>(), ["Main"]);
    assert_eq!(
        done.change("$flow.depth"),
        Some(None),
        "Sub's parameters end with it"
    );
    assert_eq!(session.param("$flow.depth"), None);
}

#[test]
fn end_session_ends_and_the_next_turn_starts_over() {
    let agent = agent();
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    let name = session.name().to_owned();
    let bumped = run(
        &runtime,
        &mut session,
        Turn::event("bump").param("bumps", 1),
    );
    assert_eq!(bumped.change("bumps"), Some(Some(&json!(2))));
    let bye = run(&runtime, &mut session, Turn::intent("end"));
    assert!(bye.ended && session.is_ended());
    assert_eq!(bye.texts(), ["bye"]);
    let fresh = run(&runtime, &mut session, Turn::event("bump"));
    assert!(!fresh.ended);
    assert_eq!(session.name(), name);
    assert_eq!(
        session.param("bumps"),
        None,
        "a fresh session: the old count is gone"
    );
    assert_eq!(fresh.texts(), ["bumped"]);
    assert!(
        fresh.warnings[0].contains("ADD"),
        "adding to nothing fails, and the turn goes on: {:?}",
        fresh.warnings
    );
    let end_flow = run(&runtime, &mut session, Turn::intent("end.flow"));
    assert!(
        end_flow.ended,
        "End Flow of the start flow ends the session"
    );
}

#[test]
fn a_loop_is_an_error_naming_its_pages() {
    let agent = agent();
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks).max_transitions(10);
    let mut session = runtime.session();
    let error = block_on(runtime.turn(&mut session, Turn::intent("go.loop"))).unwrap_err();
    let TurnError::Loop { transitions, pages } = &error else {
        panic!("{error}");
    };
    assert_eq!(*transitions, 11);
    assert_eq!(pages.last().map(String::as_str), Some("Main / Loop 1"));
    assert!(
        error.to_string().contains("Main / Loop 2 → Main / Loop 1"),
        "{error}"
    );
    assert_eq!(
        session.page(),
        "Loop 1",
        "the session is left where the loop was stopped"
    );
}

#[test]
fn events_take_the_most_specific_handler_in_scope() {
    let agent = agent();
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    let form = run(&runtime, &mut session, Turn::intent("go.form"));
    assert_eq!(form.texts(), ["a form", "How many?"]);
    let misses: Vec<Vec<String>> = (0..3)
        .map(|_| {
            let turn = run(&runtime, &mut session, Turn::text("lots"));
            turn.texts().into_iter().map(str::to_owned).collect()
        })
        .collect();
    assert_eq!(
        misses,
        [
            vec!["A number, please."],
            vec!["Just digits."],
            vec!["flow: what?"]
        ],
        "sys.no-match-1 and -2 of the parameter, then the flow's sys.no-match-default"
    );
    let silent = run(&runtime, &mut session, Turn::text(""));
    assert_eq!(silent.texts(), ["flow: silence"]);
    let bump = run(&runtime, &mut session, Turn::event("bump"));
    assert_eq!(bump.texts(), ["bumped"]);
    assert_eq!(bump.page, "Form", "an event handler without a target stays");
    let unknown = run(&runtime, &mut session, Turn::event("nobody.listens"));
    assert!(unknown.messages.is_empty() && unknown.changed.is_empty());
}

#[test]
fn a_standard_reply_invalidates_a_parameter_and_then_moves_the_session() {
    let agent = agent();
    let webhooks = Answers::new(|_: &str, request: &Value| {
        let count = &request["sessionInfo"]["parameters"]["count"];
        let page = request["pageInfo"]["currentPage"].as_str().unwrap();
        if *count == json!(3.0) {
            ok(json!({
                "fulfillmentResponse": {"messages": [{"text": {"text": ["Three is too few."]}}]},
                "pageInfo": {"formInfo": {"parameterInfo": [
                    {"displayName": "count", "state": "INVALID", "required": true}
                ]}},
                "sessionInfo": {"parameters": {"count": null}}
            }))
        } else {
            let done = page.replace("form-id", "Done-id");
            ok(json!({"targetPage": done, "sessionInfo": {"parameters": {"verdict": "ok"}}}))
        }
    });
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    run(&runtime, &mut session, Turn::intent("go.form"));
    let count = run(&runtime, &mut session, Turn::dtmf("3#"));
    assert_eq!(count.texts(), ["Your name?"], "DTMF digits fill the number");
    assert_eq!(session.param("count"), Some(&json!(3.0)));

    let name = run(&runtime, &mut session, Turn::text("Ada"));
    let request = &name.webhook_calls[0].request;
    assert_eq!(request["fulfillmentInfo"]["tag"], "check.form");
    assert_eq!(
        request["sessionInfo"]["parameters"]["checked_at"],
        json!(3.0),
        "the preset ran before the call"
    );
    assert_eq!(request["text"], "Ada");
    let form = &request["pageInfo"]["formInfo"]["parameterInfo"];
    assert_eq!(
        form[2],
        json!({"displayName": "name", "required": true, "state": "FILLED", "value": "Ada", "justCollected": true})
    );
    assert_eq!(form[1], json!({"displayName": "note", "state": "EMPTY"}));
    assert_eq!(
        name.texts(),
        ["Three is too few.", "How many?"],
        "invalid: asked again"
    );
    assert_eq!(session.param("count"), None);
    assert!(!session.form_is_final());

    let done = run(&runtime, &mut session, Turn::text("7"));
    assert_eq!(
        done.page, "Done",
        "the reply's targetPage: {:?}",
        done.pages
    );
    assert_eq!(done.texts(), ["done"]);
    assert_eq!(session.param("verdict"), Some(&json!("ok")));
    assert_eq!(done.webhook_calls[0].status, Some(200));
}

#[test]
fn a_reply_cx_would_reject_is_a_webhook_error() {
    let agent = agent();
    let webhooks = Answers::new(|_: &str, _: &Value| ok(json!({"targetPgae": "x"})));
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    let asked = run(&runtime, &mut session, Turn::intent("go.ask"));
    let call = &asked.webhook_calls[0];
    assert_eq!(
        (call.tag.as_str(), call.error),
        ("ask", Some("webhook.error"))
    );
    assert!(
        call.problems[0].contains("unknown field `targetPgae`"),
        "{:?}",
        call.problems
    );
    assert_eq!(asked.texts(), ["asking", "the check failed", "at A"]);
    assert_eq!(asked.page, "A", "the flow's webhook.error handler's target");

    let failing = Answers::new(|_: &str, _: &Value| Outcome::Failed("connection refused".into()));
    let runtime = Runtime::new(&agent, &failing);
    let asked = run(&runtime, &mut session, Turn::intent("go.ask"));
    assert_eq!(asked.webhook_calls[0].status, None);
    assert_eq!(asked.page, "A");
}

#[test]
fn a_turn_runs_on_any_thread_and_an_intent_out_of_scope_is_no_match() {
    fn sendable<T: Send>(_: &T) {}
    let agent = agent();
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    let turn = runtime.turn(&mut session, Turn::intent("next"));
    sendable(&turn);
    let missed = block_on(turn).unwrap();
    assert_eq!(
        (missed.page.as_str(), missed.texts()),
        ("Start Page", vec!["flow: what?"]),
        "`next` is a route of page A only"
    );
    assert_eq!(missed.intent, None);
}

#[test]
fn a_function_the_crate_does_not_implement_is_a_warning() {
    let agent = agent();
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    let clock = run(&runtime, &mut session, Turn::event("clock"));
    assert_eq!(
        clock.texts(),
        ["It is $sys.func.NOW()."],
        "the text as written"
    );
    assert_eq!(session.param("stamp"), None, "the preset skipped");
    assert_eq!(clock.warnings.len(), 2, "{:?}", clock.warnings);
    assert!(clock.warnings[0].contains("NOW"), "{:?}", clock.warnings);
}

#[test]
fn a_flexible_webhook_gets_its_body_and_maps_the_answer_with_its_status() {
    let agent = agent();
    let webhooks = Answers::new(|_: &str, body: &Value| {
        assert_eq!(body, &json!({"q": "reef", "n": 2, "say": "about reef"}));
        ok(
            json!({"items": [{"name": "Cocos", "ok": true}, {"name": "Malpelo", "ok": false}], "total": 2}),
        )
    });
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    let turn = Turn::intent("go.lookup").param("q", "reef").param("n", 2);
    let found = run(&runtime, &mut session, turn);
    assert_eq!(found.webhook_calls[0].request["q"], "reef");
    assert_eq!(
        found.texts(),
        ["looking up", "found Cocos, 2 in all", "done"]
    );
    assert_eq!(session.webhook_status(), Some(200));

    let missing = Answers::new(|_: &str, _: &Value| Outcome::Answered {
        status: 404,
        body: b"{}".to_vec(),
    });
    let runtime = Runtime::new(&agent, &missing);
    let mut session = runtime.session();
    let turn = Turn::intent("go.lookup").param("q", "reef").param("n", 2);
    let lost = run(&runtime, &mut session, turn);
    assert_eq!(lost.webhook_calls[0].error, Some("webhook.error"));
    assert_eq!(
        lost.texts(),
        ["looking up", "the check failed", "at A"],
        "the flow's webhook.error handler, not the status route"
    );
    assert_eq!(session.webhook_status(), Some(404));
}
