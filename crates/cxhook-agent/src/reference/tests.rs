use super::*;
use crate::testing::TestScope;
use serde_json::json;

#[test]
fn roots_parse_with_their_steps() {
    let r = Reference::parse("$session.params.Address.city[1]").unwrap();
    assert_eq!(r.root(), &Root::Session(Name::new("Address")));
    assert_eq!(r.steps(), &[Step::Field(Name::new("city")), Step::Index(1)]);
    assert_eq!(
        Reference::parse("$page.params.status").unwrap().root(),
        &Root::PageStatus
    );
    assert_eq!(
        Reference::parse("$page.params.city.status").unwrap().root(),
        &Root::PageParamStatus(Name::new("city"))
    );
    assert_eq!(
        Reference::parse("$intent.params.size.original")
            .unwrap()
            .root(),
        &Root::Intent(Name::new("size"), IntentPart::Original)
    );
    assert_eq!(
        Reference::parse("$intent.params.size").unwrap().root(),
        &Root::Intent(Name::new("size"), IntentPart::Resolved)
    );
    assert_eq!(
        Reference::parse("$request.sentiment.score").unwrap().root(),
        &Root::Request(RequestField::SentimentScore)
    );
    assert_eq!(
        Reference::parse("$request.generative.welcome-message")
            .unwrap()
            .root(),
        &Root::Request(RequestField::Generative(Name::new("welcome-message")))
    );
    assert_eq!(
        Reference::parse("$request.webhook_status_code")
            .unwrap()
            .root(),
        &Root::Request(RequestField::WebhookStatusCode)
    );
}

#[test]
fn unknown_roots_are_errors_naming_the_reference() {
    let e = Reference::parse("$sesion.params.city").unwrap_err();
    assert!(e.message().contains("`$sesion.params.city`"), "{e}");
    assert_eq!(e.column(), 1);
    let e = Reference::parse("$request.sentiment.mood").unwrap_err();
    assert!(e.message().contains("mood"), "{e}");
    let e = Reference::parse("$page.params.city").unwrap_err();
    assert!(e.message().contains(".status"), "{e}");
}

#[test]
fn targets_name_session_and_flow_parameters_and_nested_fields() {
    let t = Reference::parse_target("address_collection_status").unwrap();
    assert_eq!(
        t.root(),
        &Root::Session(Name::new("address_collection_status"))
    );
    let t = Reference::parse_target("$flow.city_webhook").unwrap();
    assert_eq!(t.root(), &Root::Flow(Name::new("city_webhook")));
    let t = Reference::parse_target(
        r#"$sys.func.NESTED_FIELD("$session.params.address_collection_address", "zip-code")"#,
    )
    .unwrap();
    assert_eq!(
        t.root(),
        &Root::Session(Name::new("address_collection_address"))
    );
    assert_eq!(t.steps(), &[Step::Field(Name::new("zip-code"))]);
    let e = Reference::parse_target("$page.params.status").unwrap_err();
    assert!(e.message().contains("cannot be set"), "{e}");
    let e = Reference::parse_target("$sys.func.ADD(1, 2)").unwrap_err();
    assert!(e.message().contains("NESTED_FIELD"), "{e}");
}

#[test]
fn assign_writes_inside_the_root_value() {
    let t = Reference::parse("$session.params.address.City").unwrap();
    assert_eq!(
        t.assign(Some(json!({"city": "Rome", "zip": "1"})), json!("Paris")),
        json!({"city": "Paris", "zip": "1"})
    );
    assert_eq!(t.assign(None, json!("Paris")), json!({"City": "Paris"}));
    let t = Reference::parse("$flow.lines[2]").unwrap();
    assert_eq!(t.assign(None, json!("x")), json!([null, null, "x"]));
    let t = Reference::parse("$flow.n").unwrap();
    assert_eq!(t.assign(Some(json!(1)), json!(2)), json!(2));
}

#[test]
fn names_are_case_insensitive_and_steps_apply() {
    let scope = TestScope::new().session("address", json!({"City": "Paris", "lines": ["a", "b"]}));
    let r = Reference::parse("$session.params.ADDRESS.city").unwrap();
    assert_eq!(r.resolve(&scope), Some(json!("Paris")));
    let r = Reference::parse("$session.params.Address.lines[1]").unwrap();
    assert_eq!(r.resolve(&scope), Some(json!("b")));
    let r = Reference::parse("$session.params.address.lines[2]").unwrap();
    assert_eq!(r.resolve(&scope), None);
    assert_eq!(r.text(), "$session.params.address.lines[2]");
}
