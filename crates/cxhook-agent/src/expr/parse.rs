//! The parser of the expression language: text in, the tree of `expr` out.
//!
//! Conditions, operands, `$sys.func` calls and templates nest in one another (see `expr`),
//! so their parsers call each other and live in one module; each public type's `parse` is
//! defined here and documented where its rules are: [`Condition`] in `condition`, [`Call`]
//! in `func`, the templates in `template`. References parse in `reference`, which nests
//! nothing, except where a value is written: [`Reference::parse_target`] also takes a
//! `NESTED_FIELD` call, so it is defined here.

use serde_json::Value;

use super::value::{number, parse_number, to_text};
use super::{
    BodyPart, BodyTemplate, Call, Comparison, Condition, Expr, JsonTemplate, Literal, Node,
    Operator, Part, Template,
};
use crate::func::{Function, NOT_IMPLEMENTED, key_steps};
use crate::reference::{Name, Reference, Root, starts_reference};
use crate::syntax::{Cursor, ParseError, nest};

impl Condition {
    /// Parses a condition. The error names the column and what was expected there.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(text);
        cur.skip_ws();
        if cur.at_end() {
            return Ok(Self {
                node: Node::Const(true),
            });
        }
        let node = parse_bool(&mut cur)?;
        cur.skip_ws();
        if !cur.at_end() {
            let what = if cur.peek() == Some(')') {
                "`AND`, `OR` or the end (this `)` closes nothing)"
            } else {
                "`AND`, `OR` or the end"
            };
            return Err(cur.expected(what));
        }
        Ok(Self { node })
    }
}

/// A run of operands joined by one boolean operator.
fn parse_bool(cur: &mut Cursor<'_>) -> Result<Node, ParseError> {
    let first = parse_unary(cur)?;
    let mut items = vec![first];
    let mut joined_by: Option<&str> = None;
    loop {
        cur.skip_ws();
        let at = cur.pos();
        let op = if cur.eat_keyword("AND") {
            "AND"
        } else if cur.eat_keyword("OR") {
            "OR"
        } else {
            break;
        };
        if joined_by.is_some_and(|j| j != op) {
            return Err(cur.error_at(
                at,
                "`AND` and `OR` cannot be mixed without parentheses: group one of them in `( )`"
                    .into(),
            ));
        }
        joined_by = Some(op);
        items.push(parse_unary(cur)?);
    }
    Ok(match joined_by {
        None => items.pop().expect("one operand"),
        Some("AND") => Node::And(items),
        Some(_) => Node::Or(items),
    })
}

fn parse_unary(cur: &mut Cursor<'_>) -> Result<Node, ParseError> {
    cur.skip_ws();
    if cur.eat_keyword("NOT") {
        return Ok(Node::Not(Box::new(parse_unary(cur)?)));
    }
    if cur.peek() == Some('(') {
        cur.bump();
        let node = parse_bool(cur)?;
        cur.skip_ws();
        if cur.peek() != Some(')') {
            return Err(cur.expected("`AND`, `OR` or `)`"));
        }
        cur.bump();
        return Ok(node);
    }
    for (word, value) in [("true", true), ("false", false)] {
        let mark = cur.pos();
        if cur.eat_keyword(word) {
            let mut probe = cur.clone();
            probe.skip_ws();
            if parse_operator(&mut probe).is_none() {
                return Ok(Node::Const(value));
            }
            cur.set_pos(mark);
        }
    }
    if cur.at_end() {
        return Err(cur.expected("a comparison, `true`, `false`, `NOT` or `(`"));
    }
    let lhs = parse_expr(cur)?;
    cur.skip_ws();
    let Some(op) = parse_operator(cur) else {
        return Err(cur.expected("a comparison operator (=, !=, <, <=, >, >=, :)"));
    };
    cur.skip_ws();
    if cur.at_end() || cur.peek() == Some(')') {
        return Err(cur.expected("a value to compare with"));
    }
    let rhs = parse_expr(cur)?;
    Ok(Node::Compare(Box::new(Comparison { lhs, op, rhs })))
}

/// Consumes a comparison operator at the cursor, longest first.
fn parse_operator(cur: &mut Cursor<'_>) -> Option<Operator> {
    [
        ("!=", Operator::Ne),
        ("<=", Operator::Le),
        (">=", Operator::Ge),
        ("=", Operator::Eq),
        ("<", Operator::Lt),
        (">", Operator::Gt),
        (":", Operator::Has),
    ]
    .into_iter()
    .find_map(|(text, op)| cur.eat(text).then_some(op))
}

/// Parses an operand at the cursor.
fn parse_expr(cur: &mut Cursor<'_>) -> Result<Expr, ParseError> {
    cur.skip_ws();
    match cur.peek() {
        Some('$') if cur.rest().starts_with("$sys.func.") => Ok(Expr::Call(parse_call(cur)?)),
        Some('$') => Ok(Expr::Ref(Reference::parse_at(cur)?)),
        Some('"') => {
            let start = cur.pos() + 1;
            let text = cur.quoted()?;
            from_quoted(text, cur.src(), start)
        }
        Some('[') => {
            cur.bump();
            let mut items = Vec::new();
            cur.skip_ws();
            if cur.peek() != Some(']') {
                loop {
                    items.push(parse_expr(cur)?);
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
            Ok(Expr::List(items))
        }
        Some(c) if !",()]".contains(c) => {
            let word = cur.word();
            Ok(Expr::Literal(word_literal(word)))
        }
        _ => Err(cur.expected("a value, a reference or a `$sys.func` call")),
    }
}

/// A quoted string: a template when it holds a reference, else a string literal.
fn from_quoted(text: String, outer: &str, offset: usize) -> Result<Expr, ParseError> {
    if text
        .match_indices('$')
        .any(|(i, _)| starts_reference(&text[i..]))
    {
        let template = Template::parse(&text).map_err(|e| nest(e, outer, offset))?;
        Ok(Expr::Text(template))
    } else {
        Ok(Expr::Literal(Literal {
            value: Value::String(text.clone()),
            raw: Some(text),
        }))
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

impl Call {
    /// Parses a text that is exactly one call, such as
    /// `$sys.func.ADD($flow.counter, 1)`.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(text);
        let call = parse_call(&mut cur)?;
        cur.skip_ws();
        if !cur.at_end() {
            return Err(cur.expected("the end of the call"));
        }
        Ok(call)
    }
}

/// Parses a call at the cursor (on its `$`).
fn parse_call(cur: &mut Cursor<'_>) -> Result<Call, ParseError> {
    let start = cur.pos();
    if !cur.eat("$sys.func.") {
        return Err(cur.expected("`$sys.func.`"));
    }
    let name = cur.ident().unwrap_or_default();
    let Some(function) = Function::from_name(name) else {
        if NOT_IMPLEMENTED.contains(&name) {
            let message = format!("`$sys.func.{name}` is not implemented offline");
            return Err(cur.error_at(start, message).unsupported());
        }
        let message = format!("`$sys.func.{name}` is not a system function");
        return Err(cur.error_at(start, message));
    };
    cur.expect('(')?;
    let mut args = Vec::new();
    cur.skip_ws();
    if cur.peek() != Some(')') {
        loop {
            cur.skip_ws();
            if function == Function::If && args.is_empty() && cur.peek() == Some('"') {
                let offset = cur.pos() + 1;
                let text = cur.quoted()?;
                let condition = Condition::parse(&text).map_err(|e| nest(e, cur.src(), offset))?;
                args.push(Expr::Condition(Box::new(condition)));
            } else {
                args.push(parse_expr(cur)?);
            }
            cur.skip_ws();
            if cur.peek() == Some(',') {
                cur.bump();
            } else {
                break;
            }
        }
    }
    cur.expect(')')?;
    let (min, max) = function.arity();
    if args.len() < min || args.len() > max {
        let wanted = match (min, max) {
            (min, max) if min == max => format!("{min}"),
            (min, usize::MAX) => format!("at least {min}"),
            (min, max) => format!("{min} to {max}"),
        };
        return Err(cur.error_at(
            start,
            format!(
                "`$sys.func.{}` takes {wanted} argument(s), found {}",
                function.name(),
                args.len()
            ),
        ));
    }
    Ok(Call { function, args })
}

/// The reference a `NESTED_FIELD` call names when it stands where a value is written
/// (see [`Reference::parse_target`]): its first argument a quoted or bare reference, the
/// others literal keys.
fn nested_field_target(call: &Call) -> Option<Reference> {
    if call.function != Function::NestedField {
        return None;
    }
    let base = match &call.args[0] {
        Expr::Ref(reference) => reference,
        Expr::Text(template) => match template.single_expr() {
            Some(Expr::Ref(reference)) => reference,
            _ => return None,
        },
        _ => return None,
    };
    let mut steps = Vec::new();
    let mut text = base.text().to_owned();
    for arg in &call.args[1..] {
        let Expr::Literal(literal) = arg else {
            return None;
        };
        let key = to_text(&literal.value);
        steps.extend(key_steps(&key).ok()?);
        text = format!("{text}.{key}");
    }
    Some(base.extended(steps, text))
}

impl Reference {
    /// Parses where a value is written: a `setParameterActions` parameter or a flexible
    /// webhook's `parameterMapping` key. That is a bare name (a session parameter, as
    /// `address_collection_status`), a `$session.params.` or `$flow.` reference, or
    /// *inferred* from Google's Address Collection component, a field inside one named with
    /// `$sys.func.NESTED_FIELD("$session.params.address", "city")`, which becomes
    /// `$session.params.address.city`.
    pub fn parse_target(text: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(text);
        let reference = if text.starts_with("$sys.func.") {
            let call = parse_call(&mut cur)?;
            nested_field_target(&call).ok_or_else(|| {
                cur.error_at(
                    0,
                    "only `$sys.func.NESTED_FIELD(\"$reference\", \"key\", …)` can name where a value is written".into(),
                )
            })?
        } else if text.starts_with('$') {
            Self::parse_at(&mut cur)?
        } else {
            let name = cur
                .ident()
                .ok_or_else(|| cur.expected("a parameter name"))?;
            Self::new(Root::Session(Name::new(name)), text.to_owned())
        };
        cur.skip_ws();
        if !cur.at_end() {
            return Err(cur.expected("the end of the parameter"));
        }
        if !matches!(reference.root(), Root::Session(_) | Root::Flow(_)) {
            return Err(cur.error_at(
                0,
                format!(
                    "`{}` cannot be set: only session and flow parameters can",
                    reference.text()
                ),
            ));
        }
        Ok(reference)
    }
}

impl Template {
    /// Parses a text; it fails on a malformed reference or call (rule 1).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(text);
        let mut parts = Vec::new();
        let mut literal = String::new();
        while let Some(c) = cur.peek() {
            if c == '$' && starts_reference(cur.rest()) {
                if !literal.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut literal)));
                }
                parts.push(Part::Expr(parse_dollar(&mut cur)?));
            } else {
                literal.push(c);
                cur.bump();
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Self { parts })
    }
}

/// Parses the reference or call at the cursor (on its `$`).
fn parse_dollar(cur: &mut Cursor<'_>) -> Result<Expr, ParseError> {
    if cur.rest().starts_with("$sys.func.") {
        Ok(Expr::Call(parse_call(cur)?))
    } else {
        Ok(Expr::Ref(Reference::parse_at(cur)?))
    }
}

impl JsonTemplate {
    /// Parses every string in `value`.
    pub fn parse(value: &Value) -> Result<Self, ParseError> {
        Ok(match value {
            Value::String(s) => Self::String(Template::parse(s)?),
            Value::Array(items) => {
                Self::Array(items.iter().map(Self::parse).collect::<Result<_, _>>()?)
            }
            Value::Object(map) => Self::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), Self::parse(v)?)))
                    .collect::<Result<_, ParseError>>()?,
            ),
            other => Self::Plain(other.clone()),
        })
    }
}

impl BodyTemplate {
    /// Parses a body text.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(text);
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut in_string = false;
        while let Some(c) = cur.peek() {
            if c == '$' && starts_reference(cur.rest()) {
                let opened_here = in_string && literal.ends_with('"') && !literal.ends_with("\\\"");
                let expr = parse_dollar(&mut cur)?;
                if !in_string {
                    flush(&mut parts, &mut literal);
                    parts.push(BodyPart::Json(expr));
                } else if opened_here && cur.peek() == Some('"') {
                    literal.pop();
                    flush(&mut parts, &mut literal);
                    cur.bump();
                    in_string = false;
                    parts.push(BodyPart::Json(expr));
                } else {
                    flush(&mut parts, &mut literal);
                    parts.push(BodyPart::Escaped(expr));
                }
                continue;
            }
            cur.bump();
            literal.push(c);
            match c {
                '"' => in_string = !in_string,
                '\\' if in_string => {
                    if let Some(escaped) = cur.bump() {
                        literal.push(escaped);
                    }
                }
                _ => {}
            }
        }
        flush(&mut parts, &mut literal);
        Ok(Self { parts })
    }
}

fn flush(parts: &mut Vec<BodyPart>, literal: &mut String) {
    if !literal.is_empty() {
        parts.push(BodyPart::Text(std::mem::take(literal)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
