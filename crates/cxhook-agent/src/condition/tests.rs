use serde_json::json;

use super::*;
use crate::reference::RequestField;
use crate::testing::TestScope;

fn scope() -> TestScope {
    TestScope::new()
        .session("city", json!("Paris"))
        .session("n", json!(3))
        .session("flag", json!(true))
        .session("list", json!(["a", "b", 1]))
        .session("empty", json!(""))
        .session("zip", json!("01234"))
        .flow("retry", json!(2))
        .flow("max", json!(3))
        .flow("active", json!({"city": "true", "zip": "false"}))
        .page_status("FINAL")
}

#[test]
fn constants_and_the_empty_condition() {
    let s = scope();
    assert!(check("true", &s));
    assert!(!check("false", &s));
    assert!(check("", &s));
    assert!(check("  ", &s));
}

#[test]
fn comparisons_cast_the_right_side_to_the_left_type() {
    let s = scope();
    assert!(check("$session.params.n = 3", &s));
    assert!(check("$session.params.n = \"3\"", &s));
    assert!(check(
        "$session.params.n >= 3 AND $session.params.n < 4",
        &s
    ));
    assert!(check("$session.params.n != 4", &s));
    assert!(!check("$session.params.n = three", &s));
    assert!(check("$session.params.n != three", &s));
    assert!(check("$session.params.flag = true", &s));
    assert!(check("$session.params.flag = \"true\"", &s));
    assert!(check("$session.params.zip = 01234", &s));
    assert!(check("$session.params.city = Paris", &s));
    assert!(check("$session.params.city > \"Berlin\"", &s));
    assert!(check("$session.params.city < Rome", &s));
    assert!(check("$flow.active.city = true", &s));
    assert!(check("$flow.retry < $flow.max", &s));
    assert!(!check("$flow.retry = $flow.max", &s));
    assert!(check("$session.params.list = [\"a\", \"b\", 1]", &s));
}

#[test]
fn both_final_spellings() {
    let s = scope();
    assert!(check("$page.params.status = FINAL", &s));
    assert!(check("$page.params.status = \"FINAL\"", &s));
    assert!(!check("$page.params.status = FINAL", &TestScope::new()));
    let s = TestScope::new().param_status("city", "UPDATED");
    assert!(check("$page.params.city.status = \"UPDATED\"", &s));
    assert!(check("$page.params.City.status = UPDATED", &s));
}

#[test]
fn has_is_a_substring_on_strings_and_an_element_on_lists() {
    let s = scope();
    assert!(check("$session.params.city : \"ar\"", &s));
    assert!(!check("$session.params.city : \"x\"", &s));
    assert!(check("$session.params.list : b", &s));
    assert!(check("$session.params.list : 1", &s));
    assert!(!check("$session.params.list : c", &s));
    assert!(check("$session.params.n : 3", &s));
}

#[test]
fn null_means_not_set_and_empty_string_is_a_value() {
    let s = scope().session("cleared", json!(null));
    assert!(check("$session.params.nothing = null", &s));
    assert!(check("$session.params.cleared = null", &s));
    assert!(check("$session.params.city != null", &s));
    assert!(!check("$session.params.city = null", &s));
    assert!(check("$session.params.empty = \"\"", &s));
    assert!(check("$session.params.empty != null", &s));
    assert!(!check("$session.params.nothing = \"\"", &s));
    assert!(check("$session.params.nothing != \"N/A\"", &s));
    assert!(!check("$session.params.nothing < 3", &s));
    assert!(!check("$session.params.nothing : a", &s));
}

#[test]
fn names_are_case_insensitive() {
    let s = scope();
    assert!(check("$session.params.CITY = Paris", &s));
    // The roots are written in lowercase, as CX writes them; only names ignore case.
    assert!(Condition::parse("$Flow.retry = 2").is_err());
    assert!(check("$flow.RETRY = 2", &s));
}

#[test]
fn and_or_not_short_circuit_and_group() {
    let s = scope();
    assert!(check("$session.params.n = 1 OR $session.params.n = 3", &s));
    assert!(!check(
        "$session.params.n = 1 AND $session.params.n = 3",
        &s
    ));
    assert!(check(
        "($session.params.n = 1 OR $session.params.n = 3) AND $session.params.flag = true",
        &s
    ));
    assert!(check(
        "$session.params.n = 1 OR ($session.params.n = 3 AND $session.params.flag = true)",
        &s
    ));
    assert!(check("NOT $session.params.n = 1", &s));
    // NOT binds to the comparison after it, not to the whole run.
    assert!(!check("NOT $session.params.n = 3 AND true", &s));
    assert!(check("NOT ($session.params.n = 3 AND false)", &s));
    // Short-circuit: the failing call after a decided AND/OR is never evaluated.
    assert!(!check("false AND $sys.func.DIVIDE(1, 0) = 1", &s));
    assert!(check("true OR $sys.func.DIVIDE(1, 0) = 1", &s));
    assert!(
        Condition::parse("true AND $sys.func.DIVIDE(1, 0) = 1")
            .unwrap()
            .eval(&s)
            .is_err()
    );
}

#[test]
fn mixing_and_with_or_without_parentheses_is_an_error() {
    let e = Condition::parse("$a.b = 1").unwrap_err();
    assert!(e.message().contains("unknown reference `$a.b`"), "{e}");
    let text = "$session.params.a = 1 OR $session.params.b = 2 AND $session.params.c = 3";
    let e = Condition::parse(text).unwrap_err();
    assert!(e.message().contains("cannot be mixed"), "{e}");
    assert_eq!(e.column(), text.find("AND").unwrap() + 1);
    assert!(Condition::parse("true AND false OR true").is_err());
    assert!(Condition::parse("(true AND false) OR true").is_ok());
}

#[test]
fn errors_say_where_and_what() {
    let e = Condition::parse("$session.params.a").unwrap_err();
    assert!(
        e.message().contains("expected a comparison operator"),
        "{e}"
    );
    assert_eq!(e.column(), 18);
    let e = Condition::parse("$session.params.a =").unwrap_err();
    assert!(
        e.message().contains("expected a value to compare with"),
        "{e}"
    );
    let e = Condition::parse("($session.params.a = 1").unwrap_err();
    assert!(e.message().contains("expected `AND`, `OR` or `)`"), "{e}");
    let e = Condition::parse("$session.params.a = 1)").unwrap_err();
    assert!(e.message().contains("closes nothing"), "{e}");
    let e = Condition::parse("$session.params.a = \"open").unwrap_err();
    assert!(e.message().contains("unterminated string"), "{e}");
    assert_eq!(e.column(), 21);
    let e = Condition::parse("$sys.func.NOPE(1) = 1").unwrap_err();
    assert!(
        e.message()
            .contains("`$sys.func.NOPE` is not a system function"),
        "{e}"
    );
    let e = Condition::parse("$session.params.a = 1 and true").unwrap_err();
    assert!(e.to_string().contains("column 23"), "{e}");
}

#[test]
fn functions_and_request_fields_in_conditions() {
    let s = scope()
        .flow("unconfirmed", json!([]))
        .request(RequestField::SentimentScore, json!(-0.6))
        .request(RequestField::WebhookStatusCode, json!(200));
    assert!(check("$sys.func.COUNT($flow.unconfirmed) = 0", &s));
    assert!(check(
        "$sys.func.CONTAIN($session.params.list, 1) = true",
        &s
    ));
    assert!(check(
        "$sys.func.LOWER($session.params.city) = $sys.func.LOWER(PARIS)",
        &s
    ));
    assert!(check("$request.sentiment.score < -0.5", &s));
    assert!(check("$request.webhook_status_code = 200", &s));
    assert!(check("$sys.func.RAND() < 0.3", &s));
}

#[test]
fn escapes_in_strings() {
    let s = TestScope::new().session("address", json!("Hosier Ln, Melbourne"));
    assert!(check(
        r#"$session.params.address = "Hosier Ln\, Melbourne""#,
        &s
    ));
    let s = TestScope::new().session("q", json!("say \"hi\""));
    assert!(check(r#"$session.params.q = "say \"hi\"""#, &s));
}

#[test]
fn intent_params_original_and_resolved() {
    let s = TestScope::new().intent("size", json!("big"), json!("LARGE"));
    assert!(check("$intent.params.size.original = big", &s));
    assert!(check("$intent.params.size.resolved = LARGE", &s));
    assert!(check("$intent.params.size = LARGE", &s));
}
