//! Operands: what a comparison compares and what a system function takes.
//!
//! An operand is a literal (a number, a double-quoted string, a bare word such as `FINAL`
//! or `N/A`, `true`, `false`, `null`, a list `[1, "a"]`), a parameter reference, a
//! `$sys.func` call, or a quoted string holding references (`"the city is $flow.city"`),
//! which is a [`Template`]. The system functions reference lists literals, references and
//! nested calls as arguments; the rest is read from the agents:
//!
//! 1. *Inferred:* **a quoted string is a template.** Google's Address Collection component
//!    passes `"the city is $flow.city"` to `APPEND` and `"$session.params.address"` to
//!    `NESTED_FIELD`, which needs the object: a string that is exactly one reference is
//!    that reference's value, one that mixes text and references is text.
//! 2. *Inferred:* **a bare word is a string.** The same component writes
//!    `CONTAIN($flow.missing_elems, country)` and `$flow.city != N/A`.
//! 3. **Rendering as text** (messages, `CONCATENATE`, `TO_TEXT`, a string compared with a
//!    number): a string is itself, an integral number has no decimals (`3`, not `3.0`), a
//!    boolean is `true`/`false`, an unset value is empty (*inferred*), a list is its
//!    elements' texts joined with `, ` (*inferred*) and an object is its JSON.

use serde_json::{Number, Value};

use crate::condition::Condition;
use crate::func::{Call, EvalError};
use crate::reference::{Reference, Scope, starts_reference};
use crate::syntax::{Cursor, ParseError};
use crate::template::Template;

/// A literal as written: its value and, for numbers, words and strings, its text (a
/// comparison casts the text, not the value, to a string: `01234` stays `01234`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Literal {
    pub(crate) value: Value,
    pub(crate) raw: Option<String>,
}

/// An operand, parsed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Literal(Literal),
    Ref(Reference),
    Call(Call),
    Text(Template),
    List(Vec<Expr>),
    /// `IF`'s first argument when quoted: a condition, parsed with the rest.
    Condition(Box<Condition>),
}

impl Expr {
    /// Parses an operand at the cursor.
    pub(crate) fn parse(cur: &mut Cursor<'_>) -> Result<Self, ParseError> {
        cur.skip_ws();
        match cur.peek() {
            Some('$') if cur.rest().starts_with("$sys.func.") => {
                Ok(Self::Call(Call::parse_at(cur)?))
            }
            Some('$') => Ok(Self::Ref(Reference::parse_at(cur)?)),
            Some('"') => {
                let start = cur.pos() + 1;
                let text = cur.quoted()?;
                Self::from_quoted(text, cur.src(), start)
            }
            Some('[') => {
                cur.bump();
                let mut items = Vec::new();
                cur.skip_ws();
                if cur.peek() != Some(']') {
                    loop {
                        items.push(Self::parse(cur)?);
                        cur.skip_ws();
                        if cur.peek() == Some(',') {
                            cur.bump();
                        } else {
                            break;
                        }
                    }
                }
                cur.skip_ws();
                cur.expect(']')?;
                Ok(Self::List(items))
            }
            Some(c) if !",()]".contains(c) => {
                let word = cur.word();
                Ok(Self::Literal(word_literal(word)))
            }
            _ => Err(cur.expected("a value, a reference or a `$sys.func` call")),
        }
    }

    /// A quoted string: a template when it holds a reference, else a string literal.
    pub(crate) fn from_quoted(
        text: String,
        outer: &str,
        offset: usize,
    ) -> Result<Self, ParseError> {
        if text
            .match_indices('$')
            .any(|(i, _)| starts_reference(&text[i..]))
        {
            let template =
                Template::parse(&text).map_err(|e| crate::syntax::nest(e, outer, offset))?;
            Ok(Self::Text(template))
        } else {
            Ok(Self::Literal(Literal {
                value: Value::String(text.clone()),
                raw: Some(text),
            }))
        }
    }

    /// The operand's value; an unset reference is `null`.
    pub(crate) fn eval(&self, scope: &dyn Scope) -> Result<Value, EvalError> {
        match self {
            Self::Literal(literal) => Ok(literal.value.clone()),
            Self::Ref(reference) => Ok(reference.resolve(scope).unwrap_or(Value::Null)),
            Self::Call(call) => call.eval(scope),
            Self::Text(template) => template.evaluate(scope),
            Self::List(items) => items
                .iter()
                .map(|item| item.eval(scope))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Self::Condition(condition) => condition.eval(scope).map(Value::Bool),
        }
    }
}

/// A bare word's literal: `true`, `false`, `null`, a number, or a string.
fn word_literal(word: &str) -> Literal {
    let value = match word {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => parse_number(word).map_or_else(|| Value::String(word.to_owned()), number),
    };
    Literal {
        raw: (!matches!(value, Value::Bool(_) | Value::Null)).then(|| word.to_owned()),
        value,
    }
}

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

/// A value as text (rule 3 of the module).
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

    #[test]
    fn words_are_literals() {
        assert_eq!(word_literal("FINAL").value, json!("FINAL"));
        assert_eq!(word_literal("N/A").value, json!("N/A"));
        assert_eq!(word_literal("-2.5").value, json!(-2.5));
        assert_eq!(word_literal("01234").raw.as_deref(), Some("01234"));
        assert_eq!(word_literal("null").value, json!(null));
        assert_eq!(word_literal("1.2.3").value, json!("1.2.3"));
    }
}
