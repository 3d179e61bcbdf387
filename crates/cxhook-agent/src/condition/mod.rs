//! The condition language of routes, conditional responses and `$sys.func.IF`, parsed once
//! into a [`Condition`] and evaluated against a [`Scope`].
//!
//! From the condition reference (cloud.google.com/dialogflow/cx/docs/reference/condition)
//! and the agents; *inferred* marks what the reference leaves open:
//!
//! 1. **Constants** `true` and `false`. An empty condition is `true`, as the API says of a
//!    conditional response's case ("Empty means the condition is always true").
//! 2. **Boolean operators** `AND`, `OR`, `NOT`, in capitals, short-circuiting, grouped with
//!    parentheses. **`AND` and `OR` may not be mixed without parentheses**:
//!    `$a = 1 OR $b = 2 AND $c = 3` is a parse error. *Inferred:* `NOT` applies to the
//!    comparison or group right after it, so `NOT $a = 1 AND $b = 2` is
//!    `(NOT $a = 1) AND $b = 2`.
//! 3. **Comparisons** `=`, `!=`, `<`, `<=`, `>`, `>=` and `:` (HAS). The left side is a
//!    reference or a `$sys.func` call (*inferred:* a literal is accepted too, as `"1 < 2"`
//!    is harmless). The right side is a literal, a reference or a call. *Inferred:* a bare
//!    operand is no condition (`$session.params.flag` alone is an error: the reference's
//!    examples always compare).
//! 4. **The right side is cast to the left side's type.** Against a string, a literal is
//!    its text as written (`FINAL` and `"FINAL"` are the same; `01234` keeps its zero) and
//!    strings order lexicographically; against a number, it is read as a number; against a
//!    boolean, `true` or `false` (*inferred:* also a quoted `"true"`, as webhooks send).
//!    Against a list or an object, only `=` and `!=` hold, comparing JSON values. A right
//!    side that cannot be cast is unequal: `=` and the orderings are false, `!=` is true.
//! 5. **`null` means "not set".** `= null` holds when the parameter is unset (or set to
//!    JSON `null`), `!= null` when it is set; an unset left side is unequal to anything
//!    else (`$flow.city != "N/A"` holds while the city is unset, which Google's Address
//!    Collection relies on by also testing `!= null`). `= ""` tests the empty string.
//! 6. **`:` (HAS)** is a substring test on a string, an element test on a list (the element
//!    compared as in rule 4), and `=` on anything else.
//! 7. **Failures.** A `$sys.func` call that fails makes [`Condition::eval`] fail with the
//!    call's [`EvalError`]. CX logs such failures and carries on; *inferred:* the engine
//!    treats the route or case as not matching.

mod compare;

use crate::expr::Expr;
use crate::func::EvalError;
use crate::reference::Scope;
use crate::syntax::{Cursor, ParseError};

use compare::Operator;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    node: Node,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Const(bool),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Compare(Box<Comparison>),
}

#[derive(Debug, Clone, PartialEq)]
struct Comparison {
    lhs: Expr,
    op: Operator,
    rhs: Expr,
}

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

    /// Evaluates the condition; it fails only when a `$sys.func` call in it fails (rule 7).
    pub fn eval(&self, scope: &dyn Scope) -> Result<bool, EvalError> {
        eval(&self.node, scope)
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
            if Operator::parse(&mut probe).is_none() {
                return Ok(Node::Const(value));
            }
            cur.set_pos(mark);
        }
    }
    if cur.at_end() {
        return Err(cur.expected("a comparison, `true`, `false`, `NOT` or `(`"));
    }
    let lhs = Expr::parse(cur)?;
    cur.skip_ws();
    let Some(op) = Operator::parse(cur) else {
        return Err(cur.expected("a comparison operator (=, !=, <, <=, >, >=, :)"));
    };
    cur.skip_ws();
    if cur.at_end() || cur.peek() == Some(')') {
        return Err(cur.expected("a value to compare with"));
    }
    let rhs = Expr::parse(cur)?;
    Ok(Node::Compare(Box::new(Comparison { lhs, op, rhs })))
}

fn eval(node: &Node, scope: &dyn Scope) -> Result<bool, EvalError> {
    Ok(match node {
        Node::Const(b) => *b,
        Node::Not(inner) => !eval(inner, scope)?,
        Node::And(items) => {
            for item in items {
                if !eval(item, scope)? {
                    return Ok(false);
                }
            }
            true
        }
        Node::Or(items) => {
            for item in items {
                if eval(item, scope)? {
                    return Ok(true);
                }
            }
            false
        }
        Node::Compare(comparison) => {
            let Comparison { lhs, op, rhs } = comparison.as_ref();
            let left = lhs.eval(scope)?;
            let right = rhs.eval(scope)?;
            let raw = match rhs {
                Expr::Literal(literal) => literal.raw.as_deref(),
                _ => None,
            };
            compare::holds(*op, &left, &right, raw)
        }
    })
}

/// Parses and evaluates in one step, for the tests.
#[cfg(test)]
pub(crate) fn check(text: &str, scope: &dyn Scope) -> bool {
    Condition::parse(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .eval(scope)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[cfg(test)]
mod tests;
