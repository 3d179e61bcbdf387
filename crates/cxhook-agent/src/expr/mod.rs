//! The syntax tree of the expression language: conditions, operands, `$sys.func` calls and
//! templates, with the references of [`reference`](crate::reference) at its leaves.
//!
//! The grammar is recursive: a condition compares operands, an operand may be a call or a
//! template, a call's arguments are operands and `IF`'s first one may be a quoted condition,
//! and a template holds references and calls. So the node types live here together, and
//! the work on them is split by what it needs: `parse` builds the tree from text with the
//! [`Cursor`](crate::syntax::Cursor), `eval` evaluates it against a
//! [`Scope`](crate::reference::Scope), calling on `func` for what each function computes
//! from its argument values and on `condition::compare` for what a comparison holds. Both
//! are children of this module that depend on the tree, which depends on neither, and
//! neither `func` nor `compare` calls back into `eval`. The public types are shown where
//! their rules are: [`Condition`] in `condition`, [`Call`] in `func`, the templates in
//! `template`.
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
//!
//! How a value renders as text is the rule of the child module `value`, which `func` and
//! `compare` share.

mod eval;
mod parse;
pub(crate) mod value;

use serde_json::Value;

use crate::func::Function;
use crate::reference::Reference;

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

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub(crate) node: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Const(bool),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Compare(Box<Comparison>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Comparison {
    pub(crate) lhs: Expr,
    pub(crate) op: Operator,
    pub(crate) rhs: Expr,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `:` (HAS).
    Has,
}

/// A parsed `$sys.func` call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub(crate) function: Function,
    pub(crate) args: Vec<Expr>,
}

impl Call {
    /// The function called.
    pub fn function(&self) -> Function {
        self.function
    }
}

/// A text with references and calls in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub(crate) parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Text(String),
    Expr(Expr),
}

impl Template {
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
}

/// A JSON value whose strings are [`Template`]s: a parameter preset's value, a generator's
/// input (rule 3 of [`template`](crate::template)).
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

/// A flexible webhook's `requestBody`: JSON text with references in it (rule 4 of
/// [`template`](crate::template)).
#[derive(Debug, Clone, PartialEq)]
pub struct BodyTemplate {
    pub(crate) parts: Vec<BodyPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BodyPart {
    Text(String),
    /// Outside a JSON string, or a whole JSON string: the value as JSON.
    Json(Expr),
    /// Inside a longer JSON string: the text, escaped.
    Escaped(Expr),
}
