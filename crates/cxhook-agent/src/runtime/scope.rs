//! What references read during a turn: the [`Scope`] the condition language and templates
//! look parameters up in, over the session and the turn's own values.
//!
//! 1. `$session.params.x` and `$flow.x` are the session's and the active flow's parameters;
//!    `$page.params.status` is `FINAL` once every required form parameter is filled (and unset
//!    before); `$page.params.x.status` is `UPDATED` for a parameter filled this turn, else its
//!    state (`FILLED`, `INVALID`, `EMPTY`).
//! 2. `$intent.params.x` reads the intent matched last (its original words or resolved value).
//! 3. `$request.generative.x` is a generator's output from this turn; `$request.user-utterance`
//!    the user's text; `$request.webhook_status_code` the status of the last webhook call.
//! 4. *Inferred:* `$request.sentiment.*` reads as unset (sentiment analysis needs Google's
//!    model) and `$request.knowledge.*` too (no data stores offline).
//! 5. `$sys.func.RAND` and `UUID` draw from a xorshift generator seeded per session, so a run
//!    repeats exactly; the sequence is not CX's.
//! 6. *Inferred:* **a `$sys.func` call that fails does not stop the turn**: CX reports such
//!    failures in `diagnosticInfo` and carries on. A condition with one does not hold, a preset
//!    leaves its parameter as it was, a message keeps its text as written, and each failure is a
//!    warning of the turn. So does a call of a function CX has and this crate does not
//!    implement (`NOW`, the date and phone functions). A condition or text that does not parse
//!    is the agent's error.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use cxhook_types::ParameterState;
use serde_json::Value;

use super::session::Session;
use crate::condition::Condition;
use crate::reference::{IntentPart, RequestField, Scope};
use crate::syntax::ParseError;
use crate::template::{JsonTemplate, Template};

/// The session as references see it, with the turn's values.
pub(crate) struct TurnScope<'s> {
    /// The session.
    pub(crate) session: &'s Session,
    /// Generator outputs of this turn, by lowercase name.
    pub(crate) generative: &'s BTreeMap<String, String>,
    /// The user's text this turn, if any.
    pub(crate) utterance: Option<&'s str>,
    /// The state of the random generator.
    pub(crate) random: &'s Cell<u64>,
    /// Where failed `$sys.func` calls are reported.
    pub(crate) warnings: &'s RefCell<Vec<String>>,
    /// The runtime's parsed conditions and texts.
    pub(crate) parsed: &'s Parsed,
}

impl Scope for TurnScope<'_> {
    fn session_param(&self, key: &str) -> Option<Value> {
        self.session.params().get(key).cloned()
    }

    fn flow_param(&self, key: &str) -> Option<Value> {
        self.session.flow_params().get(key).cloned()
    }

    fn page_status(&self) -> Option<Value> {
        self.session
            .form_is_final()
            .then(|| Value::String("FINAL".to_owned()))
    }

    fn page_param_status(&self, key: &str) -> Option<Value> {
        let slot = self
            .session
            .slot(key)
            .or_else(|| self.session.slot(&format!("$flow.{key}")))?;
        let state = match (slot.updated, slot.state) {
            (true, _) => "UPDATED",
            (false, ParameterState::Filled) => "FILLED",
            (false, ParameterState::Invalid) => "INVALID",
            (false, _) => "EMPTY",
        };
        Some(Value::String(state.to_owned()))
    }

    fn intent_param(&self, key: &str, part: IntentPart) -> Option<Value> {
        let intent = self.session.intent()?;
        let (_, value) = intent
            .params
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))?;
        Some(match part {
            IntentPart::Original => Value::String(value.original_value.clone()),
            IntentPart::Resolved => value.resolved_value.clone(),
        })
    }

    fn request(&self, field: &RequestField) -> Option<Value> {
        match field {
            RequestField::Generative(name) => self
                .generative
                .get(name.key())
                .map(|text| Value::String(text.clone())),
            RequestField::WebhookStatusCode => self.session.webhook_status().map(Value::from),
            RequestField::UserUtterance => {
                self.utterance.map(|text| Value::String(text.to_owned()))
            }
            RequestField::SentimentScore
            | RequestField::SentimentMagnitude
            | RequestField::SentimentSucceeded
            | RequestField::Knowledge(_) => None,
        }
    }

    fn random(&self) -> f64 {
        let mut x = self.random.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.random.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Conditions and texts parsed once per runtime: a turn through Google's Address Collection
/// evaluates over a hundred of them, and parsing each again every time took most of the turn.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    conditions: Mutex<HashMap<String, Arc<Condition>>>,
    templates: Mutex<HashMap<String, Arc<Template>>>,
}

impl Parsed {
    /// `text` parsed with `parse`, from the cache of parsed texts when it was parsed before.
    fn get<T, E>(
        cache: &Mutex<HashMap<String, Arc<T>>>,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        if let Some(parsed) = cache.lock().expect("not poisoned").get(text) {
            return Ok(Arc::clone(parsed));
        }
        let parsed = Arc::new(parse(text)?);
        cache
            .lock()
            .expect("not poisoned")
            .insert(text.to_owned(), Arc::clone(&parsed));
        Ok(parsed)
    }
}

impl TurnScope<'_> {
    /// Whether `condition` holds. An empty condition holds; a condition that does not parse
    /// is an error naming it; a `$sys.func` call that fails (or that the crate does not
    /// implement) makes it not hold and is a warning (rule 6).
    pub(crate) fn holds(&self, condition: &str) -> Result<bool, String> {
        let what = || format!("the condition `{condition}`");
        let Some(parsed) =
            self.parsed(&self.parsed.conditions, condition, Condition::parse, what)?
        else {
            return Ok(false);
        };
        Ok(parsed.eval(self).unwrap_or_else(|e| {
            self.warn(format!("{} fails: {e}", what()));
            false
        }))
    }

    /// A message text with its references and calls rendered; when a call fails, the text as
    /// written and a warning (rule 6).
    pub(crate) fn render(&self, text: &str) -> Result<String, String> {
        let what = || format!("the text `{text}`");
        let Some(template) = self.parsed(&self.parsed.templates, text, Template::parse, what)?
        else {
            return Ok(text.to_owned());
        };
        Ok(template.render(self).unwrap_or_else(|e| {
            self.warn(format!("{} fails: {e}", what()));
            text.to_owned()
        }))
    }

    /// A parameter preset's value, evaluated; `None` with a warning when a call fails (rule 6).
    pub(crate) fn value(&self, value: &Value) -> Result<Option<Value>, String> {
        let what = || format!("the value `{value}`");
        let evaluated = match value {
            Value::String(text) => {
                match self.parsed(&self.parsed.templates, text, Template::parse, what)? {
                    Some(template) => template.evaluate(self),
                    None => return Ok(None),
                }
            }
            _ => JsonTemplate::parse(value)
                .map_err(|e| format!("{} does not parse: {e}", what()))?
                .evaluate(self),
        };
        Ok(evaluated
            .map_err(|e| self.warn(format!("{} fails: {e}", what())))
            .ok())
    }

    /// `text` parsed (from the runtime's cache); `None` with a warning when it calls a system
    /// function the crate does not implement, an error when it is malformed.
    fn parsed<T>(
        &self,
        cache: &Mutex<HashMap<String, Arc<T>>>,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
        what: impl Fn() -> String,
    ) -> Result<Option<Arc<T>>, String> {
        match Parsed::get(cache, text, parse) {
            Ok(parsed) => Ok(Some(parsed)),
            Err(e) if e.is_unsupported() => {
                self.warn(format!("{} is skipped: {e}", what()));
                Ok(None)
            }
            Err(e) => Err(format!("{} does not parse: {e}", what())),
        }
    }

    fn warn(&self, warning: String) {
        self.warnings.borrow_mut().push(warning);
    }
}
