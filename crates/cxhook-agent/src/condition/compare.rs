//! The casting rules of the condition module's rules 4 to 6: two values and an operator in,
//! whether the comparison holds out. The evaluator calls it; it calls nothing back.

use std::cmp::Ordering;

use serde_json::Value;

use crate::expr::Operator;
use crate::expr::value::{parse_number, to_text};

/// Whether `left OP right` holds; `raw` is the right side's text when it is a literal.
pub(crate) fn holds(op: Operator, left: &Value, right: &Value, raw: Option<&str>) -> bool {
    if right.is_null() || left.is_null() {
        let both = left.is_null() && right.is_null();
        return match op {
            Operator::Eq | Operator::Has => both,
            Operator::Ne => !both,
            _ => false,
        };
    }
    if op == Operator::Has {
        match left {
            Value::String(s) => {
                return s.contains(&raw.map_or_else(|| to_text(right), str::to_owned));
            }
            Value::Array(items) => {
                return items
                    .iter()
                    .any(|item| order(item, right, raw) == Some(Ordering::Equal));
            }
            _ => return holds(Operator::Eq, left, right, raw),
        }
    }
    let ordering = order(left, right, raw);
    match op {
        Operator::Eq => ordering == Some(Ordering::Equal),
        Operator::Ne => ordering != Some(Ordering::Equal),
        Operator::Lt => ordering == Some(Ordering::Less),
        Operator::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        Operator::Gt => ordering == Some(Ordering::Greater),
        Operator::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
        Operator::Has => unreachable!("handled above"),
    }
}

/// How `left` compares with `right` cast to its type; `None` when the cast fails or the
/// type has no order (lists and objects are only equal or not).
fn order(left: &Value, right: &Value, raw: Option<&str>) -> Option<Ordering> {
    match left {
        Value::String(s) => {
            let text = raw.map_or_else(|| to_text(right), str::to_owned);
            Some(s.as_str().cmp(text.as_str()))
        }
        Value::Number(n) => {
            let r = match right {
                Value::Number(r) => r.as_f64(),
                Value::String(s) => parse_number(s.trim()),
                _ => None,
            }?;
            n.as_f64()?.partial_cmp(&r)
        }
        Value::Bool(b) => {
            let r = match right {
                Value::Bool(r) => *r,
                Value::String(s) if s.eq_ignore_ascii_case("true") => true,
                Value::String(s) if s.eq_ignore_ascii_case("false") => false,
                _ => return None,
            };
            Some(b.cmp(&r))
        }
        Value::Array(_) | Value::Object(_) => (left == right).then_some(Ordering::Equal),
        Value::Null => None,
    }
}
