//! What arguments a message uses, read from its syntax tree: the shape an override must
//! keep and every shipped language must share.

use std::collections::BTreeSet;

use fluent_syntax::ast::{CallArguments, Expression, InlineExpression, Pattern, PatternElement};

/// A variable (`$name`) a message uses.
pub(super) struct Used<'s> {
    /// The name, without the `$`: a slice of the source text, so it also says where it is.
    pub(super) name: &'s str,
}

/// What a message's patterns name: its variables, and the messages it takes a piece from
/// (`{ weekday }`), which are formatted with the same arguments.
#[derive(Default)]
pub(super) struct Found<'s> {
    /// The variables, in order of appearance (repeats kept).
    pub(super) variables: Vec<Used<'s>>,
    /// The ids of the messages referenced.
    pub(super) references: BTreeSet<&'s str>,
}

/// The variables of `pattern` and of `attributes`, in order of appearance (repeats kept).
pub(super) fn used<'s>(
    value: Option<&Pattern<&'s str>>,
    attributes: impl IntoIterator<Item = &'s Pattern<&'s str>>,
) -> Vec<Used<'s>> {
    found(value, attributes).variables
}

/// The variables and message references of `pattern` and of `attributes`.
pub(super) fn found<'s>(
    value: Option<&Pattern<&'s str>>,
    attributes: impl IntoIterator<Item = &'s Pattern<&'s str>>,
) -> Found<'s> {
    let mut out = Found::default();
    if let Some(pattern) = value {
        pattern_variables(pattern, &mut out);
    }
    for pattern in attributes {
        pattern_variables(pattern, &mut out);
    }
    out
}

/// The names of `used`, without repeats.
pub(super) fn names<'s>(used: &[Used<'s>]) -> BTreeSet<&'s str> {
    used.iter().map(|u| u.name).collect()
}

fn pattern_variables<'s>(pattern: &Pattern<&'s str>, out: &mut Found<'s>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables<'s>(expression: &Expression<&'s str>, out: &mut Found<'s>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables<'s>(inline: &InlineExpression<&'s str>, out: &mut Found<'s>) {
    match inline {
        InlineExpression::VariableReference { id } => out.variables.push(Used { name: id.name }),
        InlineExpression::MessageReference { id, .. } => {
            out.references.insert(id.name);
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            call_variables(arguments, out);
        }
        InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => call_variables(arguments, out),
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        InlineExpression::StringLiteral { .. }
        | InlineExpression::NumberLiteral { .. }
        | InlineExpression::TermReference {
            arguments: None, ..
        } => {}
    }
}

fn call_variables<'s>(arguments: &CallArguments<&'s str>, out: &mut Found<'s>) {
    for inline in &arguments.positional {
        inline_variables(inline, out);
    }
    for named in &arguments.named {
        inline_variables(&named.value, out);
    }
}
