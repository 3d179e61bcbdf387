//! [`Session`]: what CX keeps between the turns of a conversation with an agent.
//!
//! The session is the flow stack (each flow with its current page, its previous page and its
//! `$flow.` parameters), the session parameters, the current page's form, the intent matched
//! last, the status of the last webhook call, and whether the session ended. The turn engine
//! (`engine.rs`) changes it; everything here only reads or records.

use std::collections::BTreeMap;

use cxhook_types::{IntentParameterValue, ParameterState};
use serde_json::Value;

use super::params::Params;
use crate::model::FormParameter;

/// The display name CX gives every flow's start page.
pub const START_PAGE: &str = "Start Page";

/// A flow on the stack: where it is, where it was, and its own parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Frame {
    /// The flow's display name.
    pub(crate) flow: String,
    /// The current page's display name; `None` is the flow's start page.
    pub(crate) page: Option<String>,
    /// The page before the current one in this flow, for "Previous Page".
    pub(crate) previous: Option<Option<String>>,
    /// The flow's `$flow.` parameters.
    pub(crate) params: Params,
}

impl Frame {
    /// The flow `flow` on its start page with no parameters.
    pub(crate) fn start(flow: &str) -> Self {
        Self {
            flow: flow.to_owned(),
            page: None,
            previous: None,
            params: Params::new(),
        }
    }
}

/// A parameter of the current page's form and how far it is filled.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// The parameter's display name (`date`, or flow-scoped `$flow.address`); its value is the
    /// session (or flow) parameter of that name.
    pub name: String,
    /// Whether the form is complete only once this parameter is filled.
    pub required: bool,
    /// `EMPTY`, `FILLED` or `INVALID`.
    pub state: ParameterState,
    /// Whether the parameter was filled during this turn (`$page.params.x.status = "UPDATED"`).
    pub updated: bool,
}

/// The intent matched last and the parameters it extracted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatchedIntent {
    /// The intent's display name.
    pub name: String,
    /// The match confidence, 0.0 to 1.0 (1.0 for an intent named directly).
    pub confidence: f32,
    /// The extracted parameters by ID: the user's words and their resolved value.
    pub params: BTreeMap<String, IntentParameterValue>,
}

/// The state of one conversation with an agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The session's resource name.
    pub(crate) name: String,
    /// The language of the conversation.
    pub(crate) language: String,
    /// The flows started and not ended, the active one last; never empty.
    pub(crate) stack: Vec<Frame>,
    /// The session parameters.
    pub(crate) params: Params,
    /// The current page's form.
    pub(crate) form: Vec<Slot>,
    /// The intent matched last.
    pub(crate) intent: Option<MatchedIntent>,
    /// The HTTP status of the last webhook call, for `$request.webhook_status_code`.
    pub(crate) webhook_status: Option<u16>,
    /// Consecutive inputs on this page that matched nothing (`sys.no-match-N`).
    pub(crate) no_match: u32,
    /// Consecutive empty inputs on this page (`sys.no-input-N`).
    pub(crate) no_input: u32,
    /// Whether the session ended (End Session, or End Flow of the start flow).
    pub(crate) ended: bool,
    /// Whether no turn has run yet: the first one begins on the start page without entering
    /// it, and its trace says so.
    pub(crate) fresh: bool,
}

/// Where a parameter name points: a session parameter or a parameter of the active flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamRef<'a> {
    /// `x` or `$session.params.x`.
    Session(&'a str),
    /// `$flow.x`.
    Flow(&'a str),
}

impl<'a> ParamRef<'a> {
    /// Reads a parameter name as setParameterActions, form parameters and parameter
    /// mappings write it.
    pub(crate) fn parse(name: &'a str) -> Self {
        let name = name.trim();
        if let Some(flow) = name.strip_prefix("$flow.") {
            Self::Flow(flow)
        } else {
            Self::Session(name.strip_prefix("$session.params.").unwrap_or(name))
        }
    }
}

impl Session {
    /// A fresh session named `name` on the start page of `start_flow`.
    pub(crate) fn new(name: String, language: String, start_flow: &str) -> Self {
        Self {
            name,
            language,
            stack: vec![Frame::start(start_flow)],
            params: Params::new(),
            form: Vec::new(),
            intent: None,
            webhook_status: None,
            no_match: 0,
            no_input: 0,
            ended: false,
            fresh: true,
        }
    }

    /// The session's resource name (`projects/…/sessions/<id>`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The language of the conversation.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The active flow's display name.
    pub fn flow(&self) -> &str {
        &self.frame().flow
    }

    /// The current page's display name (`Start Page` for a flow's start page).
    pub fn page(&self) -> &str {
        self.frame().page.as_deref().unwrap_or(START_PAGE)
    }

    /// Whether the current page is the active flow's start page.
    pub fn on_start_page(&self) -> bool {
        self.frame().page.is_none()
    }

    /// The flows started and not ended, the session's start flow first and the active one last.
    pub fn flows(&self) -> impl Iterator<Item = &str> {
        self.stack.iter().map(|frame| frame.flow.as_str())
    }

    /// The session parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The active flow's `$flow.` parameters.
    pub fn flow_params(&self) -> &Params {
        &self.frame().params
    }

    /// A parameter by the name a fulfillment writes: `x` or `$session.params.x` for a session
    /// parameter, `$flow.x` for one of the active flow.
    pub fn param(&self, name: &str) -> Option<&Value> {
        match ParamRef::parse(name) {
            ParamRef::Session(name) => self.params.get(name),
            ParamRef::Flow(name) => self.frame().params.get(name),
        }
    }

    /// The current page's form, in the order its parameters are filled.
    pub fn form(&self) -> &[Slot] {
        &self.form
    }

    /// Whether every required parameter of the current page's form is filled
    /// (`$page.params.status = "FINAL"`); a page without a form is final.
    pub fn form_is_final(&self) -> bool {
        self.form
            .iter()
            .all(|slot| !slot.required || slot.state == ParameterState::Filled)
    }

    /// The intent matched last, with its parameters.
    pub fn intent(&self) -> Option<&MatchedIntent> {
        self.intent.as_ref()
    }

    /// The HTTP status of the last webhook call, if there was one.
    pub fn webhook_status(&self) -> Option<u16> {
        self.webhook_status
    }

    /// Whether the session ended; the next turn starts a fresh one.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// The active flow.
    pub(crate) fn frame(&self) -> &Frame {
        self.stack.last().expect("the flow stack is never empty")
    }

    /// The active flow, to change.
    pub(crate) fn frame_mut(&mut self) -> &mut Frame {
        self.stack
            .last_mut()
            .expect("the flow stack is never empty")
    }

    /// Sets (or with `null` clears) a parameter by the name a fulfillment writes, and keeps the
    /// form parameter of that name in step: a value fills it (and marks it updated this turn),
    /// `null` empties it.
    pub(crate) fn set_param(&mut self, name: &str, value: Value) {
        let filled = !value.is_null();
        match ParamRef::parse(name) {
            ParamRef::Session(key) => self.params.set(key, value),
            ParamRef::Flow(key) => self.frame_mut().params.set(key, value),
        }
        let target = ParamRef::parse(name);
        if let Some(slot) = self
            .form
            .iter_mut()
            .find(|slot| same_param(ParamRef::parse(&slot.name), target))
        {
            slot.state = match filled {
                true => ParameterState::Filled,
                false => ParameterState::Empty,
            };
            slot.updated = filled;
        }
    }

    /// Sets up the current page's form from `params`: each parameter filled when the parameter
    /// of its name has a value (an optional one takes its default value first, rule 12).
    pub(crate) fn fill_form(&mut self, params: &[FormParameter]) {
        self.form.clear();
        for param in params {
            if self.param(&param.display_name).is_none()
                && let Some(default) = &param.default_value
            {
                self.set_param(&param.display_name, default.clone());
            }
            let state = match self.param(&param.display_name) {
                Some(_) => ParameterState::Filled,
                None => ParameterState::Empty,
            };
            self.form.push(Slot {
                name: param.display_name.clone(),
                required: param.required,
                state,
                updated: false,
            });
        }
    }

    /// The form slot named `name` (as its display name is written, case-insensitive).
    pub(crate) fn slot(&self, name: &str) -> Option<&Slot> {
        let target = ParamRef::parse(name);
        self.form
            .iter()
            .find(|slot| same_param(ParamRef::parse(&slot.name), target))
    }
}

/// Whether two references name the same parameter (names case-insensitive).
fn same_param(a: ParamRef<'_>, b: ParamRef<'_>) -> bool {
    match (a, b) {
        (ParamRef::Session(a), ParamRef::Session(b)) | (ParamRef::Flow(a), ParamRef::Flow(b)) => {
            a.eq_ignore_ascii_case(b)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn session() -> Session {
        Session::new("s".into(), "en".into(), "Default Start Flow")
    }

    #[test]
    fn a_fresh_session_is_on_the_start_page_of_its_start_flow() {
        let session = session();
        assert_eq!(
            (session.flow(), session.page()),
            ("Default Start Flow", START_PAGE)
        );
        assert!(session.on_start_page() && session.form_is_final() && !session.is_ended());
    }

    #[test]
    fn flow_and_session_parameters_are_apart_and_case_insensitive() {
        let mut session = session();
        session.set_param("$flow.Retry", json!(3));
        session.set_param("$session.params.channel", json!("sms"));
        assert_eq!(session.param("$flow.retry"), Some(&json!(3)));
        assert_eq!(session.param("retry"), None);
        assert_eq!(session.param("CHANNEL"), Some(&json!("sms")));
        assert_eq!(session.flow_params().iter().count(), 1);
    }

    #[test]
    fn setting_a_parameter_fills_and_empties_its_form_slot() {
        let mut session = session();
        session.form = vec![
            Slot {
                name: "$flow.address".into(),
                required: true,
                state: ParameterState::Empty,
                updated: false,
            },
            Slot {
                name: "note".into(),
                required: false,
                state: ParameterState::Empty,
                updated: false,
            },
        ];
        assert!(!session.form_is_final());
        session.set_param("$flow.ADDRESS", json!("1 Main St"));
        let slot = session.slot("$flow.address").unwrap();
        assert_eq!((slot.state, slot.updated), (ParameterState::Filled, true));
        assert!(session.form_is_final(), "the optional one does not count");
        session.set_param("$flow.address", Value::Null);
        assert_eq!(
            session.slot("$flow.address").unwrap().state,
            ParameterState::Empty
        );
        session.set_param("address", json!("a session parameter of that name"));
        assert_eq!(
            session.slot("$flow.address").unwrap().state,
            ParameterState::Empty,
            "a session parameter is not the flow's"
        );
    }
}
