//! A [`Scope`] over plain maps, for the unit tests.

use std::cell::Cell;
use std::collections::HashMap;

use serde_json::Value;

use crate::reference::{IntentPart, RequestField, Scope};

/// Parameters by lowercase key, a page status and a repeatable "random" sequence.
#[derive(Default)]
pub(crate) struct TestScope {
    session: HashMap<String, Value>,
    flow: HashMap<String, Value>,
    page_status: Option<Value>,
    param_status: HashMap<String, Value>,
    intent: HashMap<String, (Value, Value)>,
    request: Vec<(RequestField, Value)>,
    draws: Cell<u32>,
}

impl TestScope {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn session(mut self, name: &str, value: Value) -> Self {
        self.session.insert(name.to_lowercase(), value);
        self
    }

    pub(crate) fn flow(mut self, name: &str, value: Value) -> Self {
        self.flow.insert(name.to_lowercase(), value);
        self
    }

    pub(crate) fn page_status(mut self, status: &str) -> Self {
        self.page_status = Some(Value::String(status.into()));
        self
    }

    pub(crate) fn param_status(mut self, name: &str, status: &str) -> Self {
        self.param_status
            .insert(name.to_lowercase(), Value::String(status.into()));
        self
    }

    pub(crate) fn intent(mut self, name: &str, original: Value, resolved: Value) -> Self {
        self.intent
            .insert(name.to_lowercase(), (original, resolved));
        self
    }

    pub(crate) fn request(mut self, field: RequestField, value: Value) -> Self {
        self.request.push((field, value));
        self
    }
}

impl Scope for TestScope {
    fn session_param(&self, key: &str) -> Option<Value> {
        self.session.get(key).cloned()
    }

    fn flow_param(&self, key: &str) -> Option<Value> {
        self.flow.get(key).cloned()
    }

    fn page_status(&self) -> Option<Value> {
        self.page_status.clone()
    }

    fn page_param_status(&self, key: &str) -> Option<Value> {
        self.param_status.get(key).cloned()
    }

    fn intent_param(&self, key: &str, part: IntentPart) -> Option<Value> {
        let (original, resolved) = self.intent.get(key)?;
        Some(match part {
            IntentPart::Original => original.clone(),
            IntentPart::Resolved => resolved.clone(),
        })
    }

    fn request(&self, field: &RequestField) -> Option<Value> {
        self.request
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
    }

    /// 0.25, 0.5, 0.75, 0.0, … : each draw a quarter further.
    fn random(&self) -> f64 {
        let n = self.draws.get();
        self.draws.set(n + 1);
        f64::from((n + 1) % 4) / 4.0
    }
}
