//! A turn's input ([`Turn`]), its result ([`TurnResult`]) and what can stop it ([`TurnError`]).

use std::fmt;

use cxhook_types::{ResponseMessage, Struct};
use serde_json::Value;

use super::session::MatchedIntent;
use super::trace::Step;
use super::webhook::WebhookCall;

/// What the user does in a turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Typed or spoken words; an empty text is no input (`sys.no-input-*`).
    Text(String),
    /// An event the caller raises (`welcome`, a custom event, `sys.no-input-default`).
    Event(String),
    /// Keypad digits (`1234#`); the digits are matched as text would be.
    Dtmf(String),
    /// An intent named directly by display name, bypassing intent matching.
    Intent(String),
}

/// One turn of the user: the input, optionally its language and parameters injected into the
/// session before it runs (as a detect-intent call's `queryParams.parameters`).
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// What the user does.
    pub input: Input,
    /// The language of the input; the session's when `None`.
    pub language: Option<String>,
    /// Session parameters set before the turn runs (`null` clears one).
    pub params: Struct,
    /// Whether the turn's fulfillments call their webhooks (true unless set off, as a
    /// detect-intent call's `queryParams.disableWebhook` or a test case turn's
    /// `isWebhookEnabled: false` sets it off); a call not made is passed over as a call to a
    /// disabled webhook is.
    pub webhooks: bool,
}

impl Turn {
    /// A turn of this input.
    pub fn new(input: Input) -> Self {
        Self {
            input,
            language: None,
            params: Struct::new(),
            webhooks: true,
        }
    }

    /// The user says or types `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(Input::Text(text.into()))
    }

    /// The caller raises `event`.
    pub fn event(event: impl Into<String>) -> Self {
        Self::new(Input::Event(event.into()))
    }

    /// The caller presses `digits`.
    pub fn dtmf(digits: impl Into<String>) -> Self {
        Self::new(Input::Dtmf(digits.into()))
    }

    /// The intent with this display name matches, whatever was said.
    pub fn intent(display_name: impl Into<String>) -> Self {
        Self::new(Input::Intent(display_name.into()))
    }

    /// Sets the language of the input.
    #[must_use]
    pub fn lang(mut self, code: impl Into<String>) -> Self {
        self.language = Some(code.into());
        self
    }

    /// Makes the turn without webhook calls: each fulfillment that would call one goes on as
    /// if its webhook were disabled.
    #[must_use]
    pub fn without_webhooks(mut self) -> Self {
        self.webhooks = false;
        self
    }

    /// Injects a session parameter before the turn runs.
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.params.insert(name.into(), value.into());
        self
    }
}

/// A parameter the turn changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The parameter: its session name, or `$flow.x` for a parameter of the active flow.
    pub name: String,
    /// The new value; `None` when the turn cleared it.
    pub value: Option<Value>,
}

/// What a turn did: what the user hears, where the conversation is, what changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TurnResult {
    /// The messages the user hears, in order (a text message keeps all its variants; CX would
    /// pick one).
    pub messages: Vec<ResponseMessage>,
    /// The active flow after the turn.
    pub flow: String,
    /// The current page after the turn.
    pub page: String,
    /// Every page entered during the turn, as `Flow / Page`, in order; a page a flow returned
    /// to on End Flow is marked `(returned)`.
    pub pages: Vec<String>,
    /// The pages entered and the routes and event handlers called, in order, each named by
    /// where the agent defines it (what coverage counts).
    pub trace: Vec<Step>,
    /// The session and active-flow parameters the turn changed, in name order.
    pub changed: Vec<Change>,
    /// The webhook calls the turn made, in order.
    pub webhook_calls: Vec<WebhookCall>,
    /// The intent matched this turn, if one was.
    pub intent: Option<MatchedIntent>,
    /// Whether the session ended.
    pub ended: bool,
    /// What went wrong without stopping the turn: `$sys.func` calls that failed (CX reports
    /// them in `diagnosticInfo["SystemFunctionResults"]` and carries on).
    pub warnings: Vec<String>,
}

impl TurnResult {
    /// The texts the user hears: the first variant of each text message, in order.
    pub fn texts(&self) -> Vec<&str> {
        self.messages
            .iter()
            .filter_map(|message| message.texts().first())
            .map(String::as_str)
            .collect()
    }

    /// The tags of the webhook calls, in order.
    pub fn tags(&self) -> Vec<&str> {
        self.webhook_calls
            .iter()
            .map(|call| call.tag.as_str())
            .collect()
    }

    /// The new value of a changed parameter (`None` if unchanged, `Some(None)` if cleared).
    pub fn change(&self, name: &str) -> Option<Option<&Value>> {
        self.changed
            .iter()
            .find(|change| change.name.eq_ignore_ascii_case(name))
            .map(|change| change.value.as_ref())
    }
}

/// Why a turn could not be run to its end. The session is left as the turn had changed it up
/// to the failure.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnError {
    /// The turn entered more pages than the runtime allows: the agent loops. The pages are
    /// the last ones entered, in order.
    Loop {
        /// How many transitions the turn made.
        transitions: usize,
        /// The last pages entered, as `Flow / Page`.
        pages: Vec<String>,
    },
    /// The agent is not one the runtime can run here: a reference to something missing, a
    /// condition or template that does not parse, a playbook target.
    Agent(String),
    /// A webhook's reply could not be applied (a target naming no page).
    Reply(String),
}

impl fmt::Display for TurnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Loop { transitions, pages } => write!(
                f,
                "the agent loops: {transitions} transitions in one turn, the last through {}",
                pages.join(" → ")
            ),
            Self::Agent(what) => write!(f, "the agent cannot run: {what}"),
            Self::Reply(what) => write!(f, "a webhook reply cannot be applied: {what}"),
        }
    }
}

impl std::error::Error for TurnError {}
