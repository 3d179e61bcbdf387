//! Texts and values with references and `$sys.func` calls inside: messages
//! (`"Your city is $session.params.city."`), parameter presets, flexible webhooks' request
//! bodies. Each is parsed once and rendered against a [`Scope`](crate::reference::Scope) each
//! turn.
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
//!
//! Templates hold references and calls, and a call's quoted argument is a template, so they
//! are parsed and evaluated with the rest of the expression language (the crate's `expr` module
//! and its `parse` and `eval`); this module holds their rules and public path.

pub use crate::expr::{BodyTemplate, JsonTemplate, Template};

#[cfg(test)]
mod tests;
