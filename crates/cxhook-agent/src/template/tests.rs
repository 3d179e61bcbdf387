use serde_json::json;

use super::*;
use crate::reference::RequestField;
use crate::testing::TestScope;

fn scope() -> TestScope {
    TestScope::new()
        .session("city", json!("Paris"))
        .session("n", json!(3))
        .session("price", json!(2.5))
        .session("list", json!(["a", "b"]))
        .session("address", json!({"city": "Paris"}))
        .flow("user_provided_address", json!(["1 Main St", "Springfield"]))
        .flow("request_body", json!({"addressLines": ["1 Main St"]}))
        .flow("note", json!("say \"hi\""))
        .request(
            RequestField::Knowledge(crate::reference::Name::new("answers")),
            json!(["An answer."]),
        )
}

fn render(text: &str) -> String {
    Template::parse(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .render(&scope())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn messages_render_values_as_text() {
    assert_eq!(
        render("Your city is $session.params.city."),
        "Your city is Paris."
    );
    assert_eq!(render("$session.params.n items"), "3 items");
    assert_eq!(render("costs $session.params.price"), "costs 2.5");
    assert_eq!(render("[$session.params.unset]"), "[]");
    assert_eq!(render("you chose $session.params.list"), "you chose a, b");
    assert_eq!(render("$session.params.address"), r#"{"city":"Paris"}"#);
    assert_eq!(render("$request.knowledge.answers[0]"), "An answer.");
    assert_eq!(render("$sys.func.UPPER($session.params.city)!"), "PARIS!");
}

#[test]
fn a_dollar_without_a_known_prefix_is_text() {
    assert_eq!(render("costs $5, see $location"), "costs $5, see $location");
    assert!(Template::parse("costs $5").unwrap().is_literal());
    assert!(!Template::parse("$flow.x").unwrap().is_literal());
}

#[test]
fn malformed_references_and_unknown_functions_are_errors() {
    let e = Template::parse("Hi $sys.func.SHOUT(x)").unwrap_err();
    assert!(e.message().contains("`$sys.func.SHOUT`"), "{e}");
    assert_eq!(e.column(), 4);
    let e = Template::parse("$page.params.city is").unwrap_err();
    assert!(e.message().contains(".status"), "{e}");
}

#[test]
fn a_value_that_is_one_reference_keeps_its_type() {
    let s = scope();
    let value = |text: &str| Template::parse(text).unwrap().evaluate(&s).unwrap();
    assert_eq!(value("$session.params.list"), json!(["a", "b"]));
    assert_eq!(value("$session.params.n"), json!(3));
    assert_eq!(value("$session.params.unset"), json!(null));
    assert_eq!(value("$sys.func.ADD($session.params.n, 1)"), json!(4));
    assert_eq!(value("n is $session.params.n"), json!("n is 3"));
    assert_eq!(value("plain"), json!("plain"));
}

#[test]
fn json_templates_render_member_by_member() {
    let template = JsonTemplate::parse(&json!({
        "addressLines": "$flow.user_provided_address",
        "label": "in $session.params.city",
        "count": 2,
        "flags": [true, null, "$session.params.n"],
    }))
    .unwrap();
    assert_eq!(
        template.evaluate(&scope()).unwrap(),
        json!({
            "addressLines": ["1 Main St", "Springfield"],
            "label": "in Paris",
            "count": 2,
            "flags": [true, null, 3],
        })
    );
    assert!(JsonTemplate::parse(&json!({"a": ["$sys.func.NOPE()"]})).is_err());
}

#[test]
fn request_bodies_put_whole_strings_as_json_and_parts_as_escaped_text() {
    let body = BodyTemplate::parse("{\n  \"address\": \"$flow.request_body\"\n}").unwrap();
    let text = body.render(&scope()).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        json!({"address": {"addressLines": ["1 Main St"]}})
    );
    let body = BodyTemplate::parse(
        r#"{"q": "note: $flow.note", "n": $session.params.n, "u": $session.params.unset, "s": "\"$flow.note\""}"#,
    )
    .unwrap();
    let text = body.render(&scope()).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        json!({"q": "note: say \"hi\"", "n": 3, "u": null, "s": "\"say \"hi\"\""})
    );
}
