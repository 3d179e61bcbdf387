//! Values as the expression language reads and writes them: numbers as written, integral
//! results as integers, and every value as text. Comparisons, the system functions and
//! templates share these rules, so they live below all three.
//!
//! **Rendering as text** (messages, `CONCATENATE`, `TO_TEXT`, a string compared with a
//! number): a string is itself, an integral number has no decimals (`3`, not `3.0`), a
//! boolean is `true`/`false`, an unset value is empty (*inferred*), a list is its elements'
//! texts joined with `, ` (*inferred*) and an object is its JSON.

use serde_json::{Number, Value};

/// A number written as decimal digits with an optional sign and fraction.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let valid = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if valid { text.parse().ok() } else { None }
}

/// A JSON number for `f`: an integer when `f` is integral and exact in an `i64`.
pub(crate) fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        Value::Number(Number::from(f as i64))
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// A value as text (the module's rule).
pub(crate) fn to_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => match number(f) {
                Value::Number(n) => n.to_string(),
                _ => f.to_string(),
            },
            _ => n.to_string(),
        },
        Value::Array(items) => items.iter().map(to_text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_render_as_text() {
        assert_eq!(to_text(&json!(3)), "3");
        assert_eq!(to_text(&json!(3.0)), "3");
        assert_eq!(to_text(&json!(2.5)), "2.5");
        assert_eq!(to_text(&json!(null)), "");
        assert_eq!(to_text(&json!(true)), "true");
        assert_eq!(to_text(&json!(["a", 1])), "a, 1");
        assert_eq!(to_text(&json!({"a": 1})), r#"{"a":1}"#);
    }
}
