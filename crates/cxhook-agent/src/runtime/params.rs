//! [`Params`]: parameters by name, with names compared case-insensitively as CX compares them.
//!
//! CX treats `$session.params.Caller_ID` and `$session.params.caller_id` as one parameter
//! (cloud.google.com/dialogflow/cx/docs/concept/parameter: "parameter references are
//! case-insensitive"), so a plain map keyed by the name as written would split one parameter in
//! two. Names are keyed by their lower-case form and keep the spelling they were first set with,
//! which is the one the webhook sees. A list of pairs, not a hash map: sessions hold tens of
//! parameters, order is kept for display, and lookups are a short scan.

use cxhook_types::Struct;
use serde_json::Value;

/// Parameters by name, case-insensitive, in the order they were first set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    entries: Vec<(String, Value)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `name`, whatever its case.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).map(|at| &self.entries[at].1)
    }

    /// Sets `name`; a `null` value removes it, as CX clears a parameter set to `null`. The
    /// spelling of a parameter already set is kept.
    pub fn set(&mut self, name: &str, value: Value) {
        match (self.position(name), value.is_null()) {
            (Some(at), true) => {
                self.entries.remove(at);
            }
            (Some(at), false) => self.entries[at].1 = value,
            (None, true) => {}
            (None, false) => self.entries.push((name.to_owned(), value)),
        }
    }

    /// The parameters in the order they were first set, with their first spelling.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The parameters as a JSON object, as a webhook request carries them.
    pub fn to_struct(&self) -> Struct {
        self.entries.iter().cloned().collect()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(key, _)| key.eq_ignore_ascii_case(name))
    }
}

impl FromIterator<(String, Value)> for Params {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut params = Self::new();
        for (name, value) in iter {
            params.set(&name, value);
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_are_case_insensitive_and_keep_their_first_spelling() {
        let mut params = Params::new();
        params.set("Caller_ID", json!("+1555"));
        params.set("caller_id", json!("+1666"));
        assert_eq!(params.get("CALLER_ID"), Some(&json!("+1666")));
        assert_eq!(params.iter().count(), 1);
        assert_eq!(params.to_struct()["Caller_ID"], json!("+1666"));
    }

    #[test]
    fn null_removes() {
        let mut params: Params = [("a".to_owned(), json!(1)), ("b".to_owned(), json!(2))]
            .into_iter()
            .collect();
        params.set("A", Value::Null);
        params.set("c", Value::Null);
        assert_eq!(params.get("a"), None);
        assert_eq!(
            params.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            ["b"]
        );
    }
}
