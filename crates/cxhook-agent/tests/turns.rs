//! The turn engine runs the three exported agents: goodbye-graffiti from the welcome to the
//! goodbye of a report, through Google's Address Collection component with both its webhooks
//! answered (and with the validation API failing), divebooker's form, and blood-donation's
//! quiz with a generator's text.

mod common;

use common::graffiti::{found_place, validated_address};
use common::{Answers, load, no_webhooks, ok, run};
use cxhook_agent::runtime::{Outcome, Runtime, Session, Turn};
use serde_json::{Value, json};

/// Goodbye-graffiti's webhooks: `lookup_place` (tag `geocode`) finds the address Google's
/// component collected, and nothing before, so the agent first collects the address with the
/// component, whose validation webhook answers `validation`.
fn graffiti_webhooks(validation: Outcome) -> impl Fn(&str, &Value) -> Outcome + Send + Sync {
    move |webhook, request| match webhook {
        "lookup_place" => ok(found_place(request)),
        "prebuilt_components_address_collection:address_validation" => validation.clone(),
        other => panic!("no webhook {other}"),
    }
}

/// Walks goodbye-graffiti from the welcome to the address prompt of Address Collection.
fn to_address_prompt(runtime: &Runtime<'_>, session: &mut Session, welcome: &str) {
    let said = run(runtime, session, Turn::intent("Default Welcome Intent"));
    assert_eq!(said.texts(), [welcome]);
    let report = run(runtime, session, Turn::intent("head.report-graffiti"));
    assert_eq!(report.page, "Enter Location");
    assert_eq!(
        report.change("channel"),
        Some(Some(&json!("call-companion")))
    );
    assert!(report.texts()[0].starts_with("Thank you for calling to report graffiti"));
    assert!(report.texts()[1].starts_with("First, please help me identify the location"));

    let location = run(runtime, session, Turn::text("Hosier Lane, Melbourne"));
    assert_eq!(location.tags(), ["geocode"]);
    let geocode = &location.webhook_calls[0].request;
    assert_eq!(geocode["pageInfo"]["displayName"], "Enter Location");
    assert_eq!(
        geocode["sessionInfo"]["parameters"]["location"],
        json!({"street-address": "Hosier Lane, Melbourne", "city": "Melbourne"}),
        "@sys.location filled the form parameter"
    );
    assert_eq!(
        geocode["pageInfo"]["formInfo"]["parameterInfo"][0]["state"],
        "FILLED"
    );
    assert_eq!(
        location.texts()[0],
        "Sorry, I could not identify the location of the graffiti. Let's try one more time."
    );
    assert_eq!(
        (location.flow.as_str(), location.page.as_str()),
        ("Address Collection", "> collect address")
    );
    assert!(
        location
            .texts()
            .contains(&"Please tell me your full address to start.\t")
    );
    assert_eq!(location.change("$flow.retry_num"), Some(Some(&json!(3))));
}

#[test]
fn goodbye_graffiti_takes_a_whole_report_through_googles_address_component() {
    let agent = load("goodbye-graffiti");
    let webhooks = Answers::new(graffiti_webhooks(ok(validated_address())));
    let runtime = Runtime::new(&agent, &webhooks)
        .generator("Welcome Generator", "Welcome to the graffiti hotline.")
        .generator(
            "Report Summary",
            "Report: $item-damaged at $location: $damage-description",
        );
    let mut session = runtime.session();
    to_address_prompt(&runtime, &mut session, "Welcome to the graffiti hotline.");

    let address = run(
        &runtime,
        &mut session,
        Turn::text("1600 Amphitheatre Parkway, Mountain View"),
    );
    assert_eq!(address.webhook_calls.len(), 1);
    let call = &address.webhook_calls[0];
    assert_eq!(
        call.webhook,
        "prebuilt_components_address_collection:address_validation"
    );
    assert_eq!(call.status, Some(200));
    assert_eq!(
        call.request,
        json!({"address": {"addressLines": "1600 Amphitheatre Parkway, Mountain View"}}),
        "the body template with the preset object in it"
    );
    assert_eq!(
        address.change("$flow.city_webhook"),
        Some(Some(&json!(["Mountain View"])))
    );
    assert_eq!(address.change("$flow.regioncode"), Some(Some(&json!("US"))));
    assert_eq!(
        address.page, "> confirm address",
        "through {:?}",
        address.pages
    );
    let confirm = address.texts().last().copied().unwrap();
    assert!(
        confirm.contains("the street number is <say-as interpret-as='verbatim'>1600</say-as>, the route is Amphitheatre Parkway, the city is Mountain View"),
        "{confirm}"
    );
    assert_eq!(
        session.param("address_collection_address"),
        Some(
            &json!({"street-number": "1600", "route": "Amphitheatre Parkway", "city": "Mountain View",
                     "zip-code": "94043", "admin-area": "CA", "country": "USA"})
        )
    );

    let yes = run(
        &runtime,
        &mut session,
        Turn::intent("prebuilt_components_confirmation_yes"),
    );
    assert_eq!(
        session.param("address_collection_status"),
        Some(&json!("VALID_ADDRESS"))
    );
    assert_eq!(
        yes.pages[..3],
        [
            "Address Collection / end success",
            "Default Start Flow / Enter Location (returned)",
            "Default Start Flow / Display Location"
        ],
        "End Flow returns to the page that started the flow, whose routes run again"
    );
    assert_eq!(yes.tags(), ["geocode"]);
    assert_eq!(
        yes.texts(),
        [
            "Fantastic, I've collected the address. ",
            "Thanks, I have collected the final address:  1600 Amphitheatre Parkway, Mountain View. Is that correct? Please say yes or no"
        ]
    );
    assert_eq!(session.flows().collect::<Vec<_>>(), ["Default Start Flow"]);
    assert!(
        session.flow_params().is_empty(),
        "the flow's parameters end with it"
    );

    let right = run(&runtime, &mut session, Turn::text("Yes, that's the case."));
    assert_eq!(
        right.pages,
        [
            "Default Start Flow / Check Existing Reports",
            "Default Start Flow / Collect Final Details"
        ],
        "no report at this address yet"
    );
    assert_eq!(right.texts(), ["What has been vandalised?"]);
    let window = run(&runtime, &mut session, Turn::text("a window"));
    assert_eq!(session.param("item-damaged"), Some(&json!("window")));
    assert!(window.texts()[0].starts_with("Do you have any other comments"));
    let details = run(
        &runtime,
        &mut session,
        Turn::text("Someone sprayed tags on it last night"),
    );
    assert_eq!(
        details.texts(),
        [
            "Report: window at 1600 Amphitheatre Parkway, Mountain View: Someone sprayed tags on it last night"
        ],
        "the generator's text with the fulfillment's inputs"
    );
    let thanks = run(
        &runtime,
        &mut session,
        Turn::text("Thanks a lot bye").param("caller_id", "+61 3 9658 9658"),
    );
    assert_eq!(
        thanks.texts(),
        [
            "In case we need to follow up on this case, we will call you on this number +61 3 9658 9658 For now thank you and have a great day!"
        ]
    );
    assert!(thanks.ended, "End Flow of the start flow ends the session");
}

#[test]
fn the_validation_api_failing_takes_the_components_webhook_error_handler() {
    let agent = load("goodbye-graffiti");
    let unavailable = Outcome::Answered {
        status: 503,
        body: b"{\"error\": \"unavailable\"}".to_vec(),
    };
    let webhooks = Answers::new(graffiti_webhooks(unavailable));
    let runtime = Runtime::new(&agent, &webhooks);
    let mut session = runtime.session();
    to_address_prompt(&runtime, &mut session, "[generator Welcome Generator]");

    let address = run(
        &runtime,
        &mut session,
        Turn::text("1600 Amphitheatre Parkway, Mountain View"),
    );
    let call = &address.webhook_calls[0];
    assert_eq!(
        (call.status, call.error),
        (Some(503), Some("webhook.error.unavailable"))
    );
    assert!(call.problems[0].contains("HTTP 503"), "{:?}", call.problems);
    assert_eq!(
        address.pages[2..5],
        [
            "Address Collection / end failure",
            "Default Start Flow / Enter Location (returned)",
            "Address Collection / Start Page"
        ],
        "the page's webhook.error handler went to `end failure` (no handler takes \
         webhook.error.unavailable), whose End Flow With Failure returned to Enter Location, \
         which found no address and started the component again"
    );
    assert_eq!(
        address.texts()[..2],
        [
            "Sorry, something went wrong on our end.",
            "Sorry, I could not identify the location of the graffiti. Let's try one more time."
        ],
        "the handler's preset message"
    );
    assert_eq!(address.page, "> collect address");
}

#[test]
fn a_timeout_is_webhook_error_timeout_and_a_bad_request_has_its_own_handler() {
    let agent = load("goodbye-graffiti");
    for (outcome, event, said) in [
        (
            Outcome::TimedOut,
            "webhook.error.timeout",
            "Sorry, something went wrong on our end.",
        ),
        (
            Outcome::Answered {
                status: 400,
                body: Vec::new(),
            },
            "webhook.error.bad-request",
            "I'm sorry, but I'm currently unable to validate addresses in that region.",
        ),
    ] {
        let webhooks = Answers::new(graffiti_webhooks(outcome));
        let runtime = Runtime::new(&agent, &webhooks);
        let mut session = runtime.session();
        to_address_prompt(&runtime, &mut session, "[generator Welcome Generator]");
        let address = run(
            &runtime,
            &mut session,
            Turn::text("10 Downing Street, London"),
        );
        assert_eq!(address.webhook_calls[0].error, Some(event));
        assert_eq!(address.texts()[0], said);
    }
}

#[test]
fn divebooker_fills_its_form_slot_by_slot_with_reprompts() {
    let agent = load("divebooker");
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks).today(jiff::civil::date(2026, 12, 6));
    let mut session = runtime.session();

    let hello = run(&runtime, &mut session, Turn::text("hi"));
    assert_eq!(
        hello.intent.as_ref().unwrap().name,
        "Default Welcome Intent"
    );
    assert_eq!(hello.texts(), ["Hi! How are you doing?"]);

    let request = run(
        &runtime,
        &mut session,
        Turn::text("I would like to hire a boat in the Sea of Cortez with other 12 divers"),
    );
    assert_eq!(
        request.intent.as_ref().unwrap().name,
        "head.send.group.request"
    );
    assert_eq!(request.page, "Collect Further Info");
    assert_eq!(
        (
            session.param("destination"),
            session.param("number-of-guests")
        ),
        (Some(&json!("Mexico")), Some(&json!("12"))),
        "the intent's parameters fill the form parameters of the same name"
    );
    assert_eq!(
        request.texts(),
        [
            "To assist you with that I need to collect the details of your travel and then we'll get back to you with an offer shortly. ",
            "When would you like to go?"
        ],
        "the first required parameter not filled is prompted"
    );

    let vague = run(&runtime, &mut session, Turn::text("whenever"));
    assert_eq!(
        vague.texts(),
        ["Sorry, can you please provide a departure period/month?"],
        "the parameter's own reprompt handler"
    );
    let month = run(&runtime, &mut session, Turn::text("next month"));
    assert_eq!(
        session.param("departure-month"),
        Some(&json!({
            "startDate": {"year": 2027.0, "month": 1.0, "day": 1.0},
            "endDate": {"year": 2027.0, "month": 1.0, "day": 31.0}
        })),
        "numbers as CX sends them, floats"
    );
    assert_eq!(month.texts(), ["Can I please have your email address? "]);

    let done = run(&runtime, &mut session, Turn::text("it's diver@example.com"));
    assert_eq!(
        session.param("email-address"),
        Some(&json!("diver@example.com"))
    );
    assert!(session.form_is_final());
    assert!(
        done.texts()[0].starts_with("Thank you so much for providing the details of your travel"),
        "the $page.params.status = \"FINAL\" route: {:?}",
        done.texts()
    );
}

#[test]
fn blood_donation_runs_its_quiz_and_the_generator_gets_the_answers() {
    let agent = load("blood-donation");
    let webhooks = no_webhooks();
    let runtime = Runtime::new(&agent, &webhooks).generator(
        "Blood Donation Eligibility",
        "At $age and $weight kg you can donate.",
    );
    let mut session = runtime.session();

    let hello = run(&runtime, &mut session, Turn::text("hi"));
    assert!(hello.texts()[0].starts_with("Hi! My name is Donate"));
    let quiz = run(
        &runtime,
        &mut session,
        Turn::text("I'd like to take the quiz"),
    );
    assert_eq!(quiz.page, "Eligibility Quiz");
    assert_eq!(quiz.texts().last(), Some(&"How old are you?"));
    for (said, next) in [
        ("34", "Are you pregnant or recently given birth?"),
        (
            "nope",
            "Do you have a heart condition or/and are you low in iron?",
        ),
        ("neither", "What is your correct weight?"),
    ] {
        let turn = run(&runtime, &mut session, Turn::text(said));
        assert_eq!(turn.texts(), [next], "after {said:?}");
    }
    let outcome = run(&runtime, &mut session, Turn::text("about 70"));
    assert_eq!(outcome.texts(), ["At 34 and 70 kg you can donate."]);
    assert_eq!(session.param("age"), Some(&json!(34.0)));
}
