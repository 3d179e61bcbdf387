//! Texts and values with references and `$sys.func` calls inside: messages
//! (`"Your city is $session.params.city."`), parameter presets, flexible webhooks' request
//! bodies. Each is parsed once and rendered against a [`Scope`] each turn.
//!
//! The fulfillment guide (cloud.google.com/dialogflow/cx/docs/concept/fulfillment) says
//! static messages and parameter presets may hold references and inline system
//! functions; how values render is not written down, so these rules are *inferred* from
//! the agents:
//!
//! 1. **Only known prefixes start a reference.** `$session.params.`, `$page.params.`,
//!    `$intent.params.`, `$flow.`, `$request.` and `$sys.func.` followed by a name begin a
//!    reference or a call, which must then parse (an unknown function is an error); any
//!    other `$` is text (`"costs $5"`). A reference ends where its name does, so a
//!    sentence may end right after it (`… is $flow.city.`).
//! 2. **Text** ([`Template::render`]): each reference or call is replaced by its value
//!    rendered as text: a string as itself, `3` as `3`, `true` as `true`, an unset
//!    parameter as nothing, a list as its elements joined with `, `, an object as JSON.
//! 3. **Values** ([`Template::evaluate`], [`JsonTemplate`]): a string that is exactly one
//!    reference or call is that value, typed (a list stays a list, an unset parameter is
//!    `null`); a string that mixes text and references is text (rule 2). JSON objects and
//!    lists are rendered member by member (`{"addressLines": "$flow.user_provided_address"}`);
//!    numbers, booleans and `null` are themselves.
//! 4. **A flexible webhook's request body** ([`BodyTemplate`]) is JSON text with references
//!    in it. A JSON string that is exactly one reference (`"address": "$flow.request_body"`,
//!    where Google's Address Collection has put an object) becomes the value as JSON,
//!    quotes included; a reference inside a longer JSON string becomes its text, escaped
//!    for JSON; a reference outside any string becomes the value as JSON (`null` when
//!    unset).

use serde_json::Value;

use crate::expr::{Expr, to_text};
use crate::func::{Call, EvalError};
use crate::reference::{Reference, Scope, starts_reference};
use crate::syntax::{Cursor, ParseError};

/// A text with references and calls in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Expr(Expr),
}

/// Parses the reference or call at the cursor (on its `$`).
fn parse_dollar(cur: &mut Cursor<'_>) -> Result<Expr, ParseError> {
    if cur.rest().starts_with("$sys.func.") {
        Ok(Expr::Call(Call::parse_at(cur)?))
    } else {
        Ok(Expr::Ref(Reference::parse_at(cur)?))
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

    /// The one reference or call the text is, if that is all it is.
    pub(crate) fn single_expr(&self) -> Option<&Expr> {
        match self.parts.as_slice() {
            [Part::Expr(expr)] => Some(expr),
            _ => None,
        }
    }

    /// Whether the text holds any reference or call.
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// The text with each reference and call replaced by its value's text (rule 2).
    pub fn render(&self, scope: &dyn Scope) -> Result<String, EvalError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Expr(expr) => out.push_str(&to_text(&expr.eval(scope)?)),
            }
        }
        Ok(out)
    }

    /// The value: typed when the text is exactly one reference or call, else the text
    /// (rule 3).
    pub fn evaluate(&self, scope: &dyn Scope) -> Result<Value, EvalError> {
        match self.single_expr() {
            Some(expr) => expr.eval(scope),
            None => self.render(scope).map(Value::String),
        }
    }
}

/// A JSON value whose strings are [`Template`]s: a parameter preset's value, a generator's
/// input (rule 3).
#[derive(Debug, Clone, PartialEq)]
pub enum JsonTemplate {
    /// A number, a boolean or `null`: itself.
    Plain(Value),
    /// A string, evaluated as a [`Template`].
    String(Template),
    /// A list, member by member.
    Array(Vec<JsonTemplate>),
    /// An object, member by member (keys are kept as written).
    Object(Vec<(String, JsonTemplate)>),
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

    /// The value, with every string evaluated.
    pub fn evaluate(&self, scope: &dyn Scope) -> Result<Value, EvalError> {
        Ok(match self {
            Self::Plain(value) => value.clone(),
            Self::String(template) => template.evaluate(scope)?,
            Self::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| item.evaluate(scope))
                    .collect::<Result<_, _>>()?,
            ),
            Self::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), v.evaluate(scope)?)))
                    .collect::<Result<_, EvalError>>()?,
            ),
        })
    }
}

/// A flexible webhook's `requestBody`: JSON text with references in it (rule 4).
#[derive(Debug, Clone, PartialEq)]
pub struct BodyTemplate {
    parts: Vec<BodyPart>,
}

#[derive(Debug, Clone, PartialEq)]
enum BodyPart {
    Text(String),
    /// Outside a JSON string, or a whole JSON string: the value as JSON.
    Json(Expr),
    /// Inside a longer JSON string: the text, escaped.
    Escaped(Expr),
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

    /// The body text with every reference filled in.
    pub fn render(&self, scope: &dyn Scope) -> Result<String, EvalError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                BodyPart::Text(text) => out.push_str(text),
                BodyPart::Json(expr) => out.push_str(&expr.eval(scope)?.to_string()),
                BodyPart::Escaped(expr) => {
                    let quoted = Value::String(to_text(&expr.eval(scope)?)).to_string();
                    out.push_str(&quoted[1..quoted.len() - 1]);
                }
            }
        }
        Ok(out)
    }
}

fn flush(parts: &mut Vec<BodyPart>, literal: &mut String) {
    if !literal.is_empty() {
        parts.push(BodyPart::Text(std::mem::take(literal)));
    }
}

#[cfg(test)]
mod tests;
