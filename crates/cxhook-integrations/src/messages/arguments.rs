//! What arguments a message uses, read from its syntax tree: the shape an override must
//! keep and every shipped language must share.

use std::collections::BTreeSet;

use fluent_syntax::ast::{CallArguments, Expression, InlineExpression, Pattern, PatternElement};

/// A variable (`$name`) a message uses.
pub(super) struct Used<'s> {
    /// The name, without the `$`: a slice of the source text, so it also says where it is.
    pub(super) name: &'s str,
}

/// The variables of `pattern` and of `attributes`, in order of appearance (repeats kept).
pub(super) fn used<'s>(
    value: Option<&Pattern<&'s str>>,
    attributes: impl IntoIterator<Item = &'s Pattern<&'s str>>,
) -> Vec<Used<'s>> {
    let mut out = Vec::new();
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

fn pattern_variables<'s>(pattern: &Pattern<&'s str>, out: &mut Vec<Used<'s>>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables<'s>(expression: &Expression<&'s str>, out: &mut Vec<Used<'s>>) {
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

fn inline_variables<'s>(inline: &InlineExpression<&'s str>, out: &mut Vec<Used<'s>>) {
    match inline {
        InlineExpression::VariableReference { id } => out.push(Used { name: id.name }),
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
        | InlineExpression::MessageReference { .. }
        | InlineExpression::TermReference {
            arguments: None, ..
        } => {}
    }
}

fn call_variables<'s>(arguments: &CallArguments<&'s str>, out: &mut Vec<Used<'s>>) {
    for inline in &arguments.positional {
        inline_variables(inline, out);
    }
    for named in &arguments.named {
        inline_variables(&named.value, out);
    }
}
