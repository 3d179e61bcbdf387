//! The text being understood and a value found in it: what `nlu` and its entity extractors
//! share, in a module of their own so that the extractors depend on it rather than on `nlu`,
//! which depends on them.

use jiff::civil::Date;
use serde_json::Value;

use super::text::{Token, base_language, tokenize};

/// A value found in a text: its byte span and resolved value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    /// Byte offset of the first character.
    pub(crate) start: usize,
    /// Byte offset just past the last character.
    pub(crate) end: usize,
    /// The value, as CX resolves it.
    pub(crate) resolved: Value,
}

/// The text being understood, with what every extractor needs.
pub(crate) struct Input<'a> {
    /// The text.
    pub(crate) text: &'a str,
    /// Its words.
    pub(crate) tokens: Vec<Token>,
    /// The base language code (`en`, `de`).
    pub(crate) language: String,
    /// The day relative dates count from.
    pub(crate) today: Date,
}

impl<'a> Input<'a> {
    pub(super) fn new(text: &'a str, language: &str, today: Date) -> Self {
        Self {
            text,
            tokens: tokenize(text),
            language: base_language(language),
            today,
        }
    }
}
