//! The evaluator of the expression language: the tree of `expr` and a
//! [`Scope`] in, a value out.
//!
//! It walks the tree and calls on `func` for what a system function computes from its
//! argument values and on `condition::compare` for whether a comparison holds; neither
//! calls back. `IF` is the one call whose arguments are not all evaluated first (rule 7 of
//! [`func`](crate::func): only the branch taken is), so it is a special form here rather
//! than a function there. Each public type's `eval`, `render` or `evaluate` is defined here
//! and documented where its rules are.

use serde_json::Value;

use super::value::to_text;
use super::{
    BodyPart, BodyTemplate, Call, Comparison, Condition, Expr, JsonTemplate, Node, Part, Template,
};
use crate::condition::compare;
use crate::func::{EvalError, Function, apply};
use crate::reference::Scope;

impl Condition {
    /// Evaluates the condition; it fails only when a `$sys.func` call in it fails (rule 7).
    pub fn eval(&self, scope: &dyn Scope) -> Result<bool, EvalError> {
        eval(&self.node, scope)
    }
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

impl Expr {
    /// The operand's value; an unset reference is `null`.
    fn eval(&self, scope: &dyn Scope) -> Result<Value, EvalError> {
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

impl Call {
    /// Evaluates the call.
    pub fn eval(&self, scope: &dyn Scope) -> Result<Value, EvalError> {
        if self.function == Function::If {
            let condition = match self.args[0].eval(scope)? {
                Value::Bool(b) => b,
                Value::String(s) if s.eq_ignore_ascii_case("true") => true,
                Value::String(s) if s.eq_ignore_ascii_case("false") => false,
                other => {
                    return Err(EvalError::new(
                        Function::If,
                        format!("the condition is not a boolean: {other}"),
                    ));
                }
            };
            return self.args[if condition { 1 } else { 2 }].eval(scope);
        }
        let args = self
            .args
            .iter()
            .map(|arg| arg.eval(scope))
            .collect::<Result<Vec<_>, _>>()?;
        apply(self.function, &args, scope)
    }
}

impl Template {
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

impl JsonTemplate {
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

impl BodyTemplate {
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
