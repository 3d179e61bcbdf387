use serde_json::{Value, json};

use super::*;
use crate::testing::TestScope;

fn scope() -> TestScope {
    TestScope::new()
        .session("n", json!(4))
        .session("text", json!("Hello World"))
        .session("list", json!(["a", "b", "a", 1]))
        .session(
            "address",
            json!({"city": "Melbourne", "lines": ["Hosier Ln", "Flinders St"]}),
        )
        .flow("counter", json!(2))
        .flow("missing_elems", json!(["locality", "route"]))
        .flow("active", json!({"city": "true", "route": "false"}))
        .flow("city", json!("Melbourne"))
}

fn eval(text: &str) -> Value {
    eval_in(text, &scope())
}

fn eval_in(text: &str, scope: &dyn Scope) -> Value {
    Call::parse(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .eval(scope)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> String {
    Call::parse(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .eval(&scope())
        .unwrap_err()
        .to_string()
}

#[test]
fn if_takes_a_quoted_condition_or_a_boolean_and_evaluates_one_branch() {
    assert_eq!(
        eval(r#"$sys.func.IF("$flow.active.city = true", "N/A", $flow.city)"#),
        json!("N/A")
    );
    assert_eq!(
        eval(r#"$sys.func.IF("$flow.active.route  = true", "N/A", $flow.city)"#),
        json!("Melbourne")
    );
    assert_eq!(
        eval(
            "$sys.func.IF($sys.func.CONTAIN($flow.missing_elems, locality), \
             $sys.func.REMOVE($flow.missing_elems, [\"locality\"]), $flow.missing_elems)"
        ),
        json!(["route"])
    );
    // The branch not taken is not evaluated: dividing by zero there is no error.
    assert_eq!(
        eval("$sys.func.IF(true, 1, $sys.func.DIVIDE(1, 0))"),
        json!(1)
    );
    assert!(
        error("$sys.func.IF(3, 1, 2)").contains("$sys.func.IF: the condition is not a boolean")
    );
    let e =
        Call::parse(r#"$sys.func.IF("$flow.a = 1 OR $flow.b = 2 AND true", 1, 2)"#).unwrap_err();
    assert!(e.message().contains("cannot be mixed"), "{e}");
    assert_eq!(e.column(), 42);
}

#[test]
fn add() {
    assert_eq!(eval("$sys.func.ADD($flow.counter, 1)"), json!(3));
    assert_eq!(eval("$sys.func.ADD(1, 2.5, \"3\")"), json!(6.5));
    assert!(
        error("$sys.func.ADD($flow.nothing, 1)")
            .contains("$sys.func.ADD: argument 1 is not a number: null")
    );
}

#[test]
fn minus() {
    assert_eq!(eval("$sys.func.MINUS(3, 2)"), json!(1));
    assert_eq!(eval("$sys.func.MINUS($session.params.n, 6)"), json!(-2));
}

#[test]
fn multiply() {
    assert_eq!(eval("$sys.func.MULTIPLY(2, 3, 4)"), json!(24));
}

#[test]
fn divide() {
    assert_eq!(eval("$sys.func.DIVIDE(6, 4)"), json!(1.5));
    assert!(error("$sys.func.DIVIDE(1, 0)").contains("division by zero"));
}

#[test]
fn round() {
    assert_eq!(eval("$sys.func.ROUND(2.5)"), json!(3));
    assert_eq!(eval("$sys.func.ROUND(1.23456, 2)"), json!(1.23));
}

#[test]
fn append() {
    assert_eq!(
        eval("$sys.func.APPEND([1, 2], 3, [4, 5])"),
        json!([1, 2, 3, 4, 5])
    );
    assert_eq!(
        eval("$sys.func.APPEND($flow.unset, \"the city is $flow.city\")"),
        json!(["the city is Melbourne"])
    );
    assert!(error("$sys.func.APPEND($flow.city, 1)").contains("argument 1 is not a list"));
}

#[test]
fn remove() {
    assert_eq!(
        eval("$sys.func.REMOVE($session.params.list, \"a\", [1])"),
        json!(["b"])
    );
}

#[test]
fn contain() {
    assert_eq!(
        eval("$sys.func.CONTAIN($flow.missing_elems, route)"),
        json!(true)
    );
    assert_eq!(
        eval("$sys.func.CONTAIN($flow.missing_elems, country)"),
        json!(false)
    );
    assert_eq!(eval("$sys.func.CONTAIN([1, 2], 2.0)"), json!(true));
    assert_eq!(eval("$sys.func.CONTAIN($flow.unset, 2)"), json!(false));
}

#[test]
fn count() {
    assert_eq!(eval("$sys.func.COUNT($session.params.list)"), json!(4));
    assert_eq!(eval("$sys.func.COUNT($flow.unset)"), json!(0));
}

#[test]
fn unique() {
    assert_eq!(
        eval("$sys.func.UNIQUE($session.params.list)"),
        json!(["a", "b", 1])
    );
}

#[test]
fn get() {
    assert_eq!(eval("$sys.func.GET($session.params.list, 1)"), json!("b"));
    assert_eq!(eval("$sys.func.GET($session.params.list, 9)"), json!(null));
}

#[test]
fn match_() {
    assert_eq!(eval("$sys.func.MATCH($session.params.list, b)"), json!(1));
    assert_eq!(eval("$sys.func.MATCH($session.params.list, z)"), json!(-1));
}

#[test]
fn len() {
    assert_eq!(eval("$sys.func.LEN($session.params.text)"), json!(11));
    assert_eq!(eval("$sys.func.LEN(\"Zürich\")"), json!(6));
}

#[test]
fn lower_and_upper() {
    assert_eq!(
        eval("$sys.func.LOWER($session.params.text)"),
        json!("hello world")
    );
    assert_eq!(
        eval("$sys.func.UPPER($session.params.text)"),
        json!("HELLO WORLD")
    );
}

#[test]
fn concatenate() {
    assert_eq!(
        eval("$sys.func.CONCATENATE($sys.func.TO_TEXT($session.params.n), \" \", \"$flow.city\")"),
        json!("4 Melbourne")
    );
}

#[test]
fn join() {
    assert_eq!(
        eval("$sys.func.JOIN(\", \", [\"a\", \"b\", \"c\"])"),
        json!("a, b, c")
    );
    assert_eq!(
        eval("$sys.func.JOIN(\", \", [\"a\", \"b\", \"c\"], \" and \")"),
        json!("a, b and c")
    );
    assert_eq!(eval("$sys.func.JOIN(\", \", $flow.unset)"), json!(""));
}

#[test]
fn split() {
    assert_eq!(
        eval("$sys.func.SPLIT(\"a/b/c\", \"/\")"),
        json!(["a", "b", "c"])
    );
}

#[test]
fn substitute() {
    assert_eq!(
        eval("$sys.func.SUBSTITUTE(\"good\", \"d\", \"gle\")"),
        json!("google")
    );
}

#[test]
fn mid() {
    assert_eq!(eval("$sys.func.MID(\"google\", 4, 2)"), json!("gl"));
    assert!(error("$sys.func.MID(\"google\", 0, 2)").contains("counts from 1"));
}

#[test]
fn url_encode() {
    assert_eq!(
        eval("$sys.func.URL_ENCODE(\"a b&c~d\")"),
        json!("a%20b%26c~d")
    );
}

#[test]
fn get_field() {
    assert_eq!(
        eval("$sys.func.GET_FIELD($session.params.address, \"city\")"),
        json!("Melbourne")
    );
    assert_eq!(
        eval("$sys.func.GET_FIELD($session.params.address, \"zip\")"),
        json!(null)
    );
}

#[test]
fn nested_field() {
    assert_eq!(
        eval("$sys.func.NESTED_FIELD(\"$session.params.address\", \"city\")"),
        json!("Melbourne")
    );
    assert_eq!(
        eval("$sys.func.NESTED_FIELD($session.params.address, \"lines[1]\")"),
        json!("Flinders St")
    );
}

#[test]
fn filter() {
    assert_eq!(
        eval("$sys.func.FILTER($session.params.address, \"$.lines[0]\")"),
        json!(["Hosier Ln"])
    );
    assert!(error("$sys.func.FILTER($session.params.address, \"lines\")").contains("bad JSONPath"));
}

#[test]
fn identity() {
    assert_eq!(
        eval("$sys.func.IDENTITY($session.params.list)"),
        json!(["a", "b", "a", 1])
    );
}

#[test]
fn to_text() {
    assert_eq!(eval("$sys.func.TO_TEXT(123)"), json!("123"));
    assert_eq!(
        eval("$sys.func.TO_TEXT($session.params.list)"),
        json!("a, b, a, 1")
    );
}

#[test]
fn to_number() {
    assert_eq!(eval("$sys.func.TO_NUMBER(\"-3\")"), json!(-3));
    assert!(error("$sys.func.TO_NUMBER(abc)").contains("$sys.func.TO_NUMBER"));
}

#[test]
fn to_object() {
    assert_eq!(
        eval(r#"$sys.func.TO_OBJECT("{\"name\": \"test\"}")"#),
        json!({"name": "test"})
    );
    assert!(error("$sys.func.TO_OBJECT(\"[1]\")").contains("not a JSON object"));
}

#[test]
fn is_date() {
    assert_eq!(
        eval("$sys.func.IS_DATE(\"2021-04-29\", \"uuuu-MM-dd\")"),
        json!(true)
    );
    assert_eq!(
        eval("$sys.func.IS_DATE(\"2021-02-30\", \"uuuu-MM-dd\")"),
        json!(false)
    );
    assert_eq!(
        eval("$sys.func.IS_DATE(\"21 Apr 29\", \"uu MMM dd\", \"en\")"),
        json!(true)
    );
    assert!(error("$sys.func.IS_DATE(\"x\", \"QQ\")").contains("`Q` is not supported"));
}

#[test]
fn is_credit_card_number() {
    assert_eq!(
        eval("$sys.func.IS_CREDIT_CARD_NUMBER(\"4111 1111 1111 1111\")"),
        json!(true)
    );
    assert_eq!(
        eval("$sys.func.IS_CREDIT_CARD_NUMBER(\"4111111111111112\")"),
        json!(false)
    );
}

#[test]
fn rand_and_uuid_draw_from_the_scope() {
    let scope = TestScope::new();
    assert_eq!(eval_in("$sys.func.RAND()", &scope), json!(0.25));
    assert_eq!(eval_in("$sys.func.rand()", &scope), json!(0.5));
    let uuid = eval_in("$sys.func.UUID()", &TestScope::new());
    assert_eq!(uuid, json!("40000000-8000-4000-8000-000000000000"));
}

#[test]
fn unknown_functions_and_wrong_arities_are_parse_errors_naming_them() {
    let e = Call::parse("$sys.func.SUM(1, 2)").unwrap_err();
    assert_eq!(e.message(), "`$sys.func.SUM` is not a system function");
    assert!(!e.is_unsupported());
    let e = Call::parse("$sys.func.NOW()").unwrap_err();
    assert!(e.message().contains("not implemented offline"), "{e}");
    assert!(e.is_unsupported());
    // Inside `IF`'s quoted condition too.
    let e =
        Call::parse(r#"$sys.func.IF("$sys.func.IS_PAST_DATE($flow.d) = true", 1, 2)"#).unwrap_err();
    assert!(e.is_unsupported(), "{e}");
    let e = Call::parse("$sys.func.MINUS(1)").unwrap_err();
    assert_eq!(
        e.message(),
        "`$sys.func.MINUS` takes 2 argument(s), found 1"
    );
    let e = Call::parse("$sys.func.ADD(1, 2").unwrap_err();
    assert!(e.message().contains("expected `)`"), "{e}");
    assert_eq!(Function::from_name("LOWER"), Some(Function::Lower));
    assert_eq!(
        Call::parse("$sys.func.LOWER(a)").unwrap().function().name(),
        "LOWER"
    );
}
