//! The condition language of routes, conditional responses and `$sys.func.IF`, parsed once
//! into a [`Condition`] and evaluated against a [`Scope`](crate::reference::Scope).
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
//!    call's [`EvalError`](crate::func::EvalError). CX logs such failures and carries on;
//!    *inferred:* the engine treats the route or case as not matching.
//!
//! A condition holds `$sys.func` calls and `IF` holds a condition, so conditions are parsed
//! and evaluated with the rest of the expression language (the crate's `expr` module and its
//! `parse` and `eval`); this module holds its rules, what a comparison holds (`compare`), and
//! the public path of [`Condition`].

pub(crate) mod compare;

pub use crate::expr::Condition;

/// Parses and evaluates in one step, for the tests.
#[cfg(test)]
pub(crate) fn check(text: &str, scope: &dyn crate::reference::Scope) -> bool {
    Condition::parse(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .eval(scope)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[cfg(test)]
mod tests;
