//! Running an agent's own test cases (`testCases/*.json`) on the runtime, and comparing each
//! turn with what CX recorded, as CX's test runs compare.
//!
//! CX reports a test run's differences by type (`TestRunDifference.DiffType`): INTENT, PAGE,
//! FLOW, PARAMETERS and UTTERANCE. Each is found here the same way, turn by turn:
//!
//! - **INTENT**: the intent the turn matched, by display name, against
//!   `triggeredIntent.name`; a turn recorded without one must match none (an event, a form
//!   answer).
//! - **PAGE** and **FLOW**: the page after the turn against `currentPage.name`, and the active
//!   flow against `currentPage.flow` when it is recorded. A turn that ends the session is on
//!   the page CX records for it, `End Session`.
//! - **PARAMETERS**: the reference says only that `testConfig.trackingParameters` are "session
//!   parameters to be compared when calculating differences". *Inferred:* when the list is
//!   given, exactly those are compared (one the recording leaves out must not be set); when it
//!   is empty, the parameters the recording holds are, and parameters the recording does not
//!   name are never a difference. Names are case-insensitive, as CX's parameters are, and
//!   numbers compare by value (`3` is `3.0`).
//! - **UTTERANCE**: the text messages of the turn, in order, against `textResponses`: as many
//!   messages, and each recorded text one of the variants of its message (CX picks one variant
//!   at random; the runtime keeps them all).
//!
//! Each turn's input is the recorded one: text, event, DTMF (with its finish digit), its
//! language, its `injectedParameters` set first, and its webhooks called only when
//! `isWebhookEnabled` says so (`false` when the file leaves it out: a proto3 default). The
//! conversation starts where `testConfig` says ([`Runtime::session_at`]).

use std::fmt;

use serde_json::Value;

use crate::coverage::Coverage;
use crate::model::{ConversationTurn, TestCase, VirtualAgentOutput};
use crate::runtime::{Runtime, Session, Turn, TurnResult};

/// The page CX records for a turn that ended the session.
pub const END_SESSION: &str = "End Session";

/// What part of a turn differs from the recording (CX's `TestRunDifference.DiffType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// The intent matched.
    Intent,
    /// The current page.
    Page,
    /// The active flow.
    Flow,
    /// A session parameter.
    Parameters,
    /// The text responses.
    Utterance,
}

impl fmt::Display for DiffKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Intent => "INTENT",
            Self::Page => "PAGE",
            Self::Flow => "FLOW",
            Self::Parameters => "PARAMETERS",
            Self::Utterance => "UTTERANCE",
        })
    }
}

/// One difference between a turn and its recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The turn, counted from 1.
    pub turn: usize,
    /// What kind of difference.
    pub kind: DiffKind,
    /// The recorded field that differs: `triggeredIntent.name`, `currentPage.name`,
    /// `sessionParameters.date`, `textResponses`.
    pub field: String,
    /// What was recorded, as JSON (`null`: nothing).
    pub expected: Value,
    /// What the runtime did, as JSON (`null`: nothing).
    pub got: Value,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "turn {}, {} ({}): expected {}, got {}",
            self.turn, self.field, self.kind, self.expected, self.got
        )
    }
}

/// How a test case went.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseResult {
    /// The differences found, in turn order.
    pub differences: Vec<Difference>,
    /// Why the case could not run to its end: where it starts is not in the agent, a turn
    /// has no input, or a turn could not run (`turn 3: the agent loops …`).
    pub error: Option<String>,
}

impl CaseResult {
    /// Whether the case passed: it ran to its end and nothing differed.
    pub fn passed(&self) -> bool {
        self.differences.is_empty() && self.error.is_none()
    }
}

/// Runs `case` on `runtime` from where its `testConfig` starts, comparing every turn, and
/// records each turn in `coverage` when one is given.
pub async fn run(
    runtime: &Runtime<'_>,
    case: &TestCase,
    mut coverage: Option<&mut Coverage>,
) -> CaseResult {
    let mut result = CaseResult::default();
    let config = &case.test_config;
    let mut session = match runtime.session_at(config.flow.as_deref(), config.page.as_deref()) {
        Ok(session) => session,
        Err(e) => {
            result.error = Some(format!("testConfig: {e}"));
            return result;
        }
    };
    for (i, recorded) in case.test_case_conversation_turns.iter().enumerate() {
        let number = i + 1;
        let Some(turn) = input(case, recorded) else {
            result.error = Some(format!(
                "turn {number}: userInput.input has no text, event, dtmf or intent"
            ));
            return result;
        };
        match runtime.turn(&mut session, turn).await {
            Ok(got) => {
                if let Some(coverage) = coverage.as_deref_mut() {
                    coverage.record(&got);
                }
                compare(
                    number,
                    &recorded.virtual_agent_output,
                    &config.tracking_parameters,
                    &got,
                    &session,
                    &mut result.differences,
                );
            }
            Err(e) => {
                result.error = Some(format!("turn {number}: {e}"));
                return result;
            }
        }
    }
    result
}

/// The runtime's turn for a recorded one.
pub fn input(case: &TestCase, recorded: &ConversationTurn) -> Option<Turn> {
    let user = &recorded.user_input;
    let query = &user.input;
    let mut turn = if let Some(text) = &query.text {
        Turn::text(text.text.clone())
    } else if let Some(event) = &query.event {
        Turn::event(event.event.clone())
    } else if let Some(dtmf) = &query.dtmf {
        Turn::dtmf(format!("{}{}", dtmf.digits, dtmf.finish_digit))
    } else {
        Turn::intent(query.intent.as_ref()?.intent.clone())
    };
    let language = [&query.language_code, &case.language_code]
        .into_iter()
        .find(|code| !code.is_empty());
    if let Some(language) = language {
        turn = turn.lang(language.clone());
    }
    for (name, value) in &user.injected_parameters {
        turn = turn.param(name.clone(), value.clone());
    }
    if !user.is_webhook_enabled {
        turn = turn.without_webhooks();
    }
    Some(turn)
}

/// The parameters a turn's comparison reads: the tracked ones, or, with none tracked, those
/// the recording holds.
pub fn compared_parameters<'a>(
    expected: &'a VirtualAgentOutput,
    tracking: &'a [String],
) -> Vec<&'a str> {
    match tracking.is_empty() {
        true => expected
            .session_parameters
            .keys()
            .map(String::as_str)
            .collect(),
        false => tracking.iter().map(String::as_str).collect(),
    }
}

/// Adds the differences between turn `number` as run and as recorded to `found`.
fn compare(
    number: usize,
    expected: &VirtualAgentOutput,
    tracking: &[String],
    got: &TurnResult,
    session: &Session,
    found: &mut Vec<Difference>,
) {
    let mut differ = |kind, field: String, expected: Value, got: Value| {
        found.push(Difference {
            turn: number,
            kind,
            field,
            expected,
            got,
        });
    };
    let intent =
        expected
            .triggered_intent
            .as_ref()
            .map(|intent| match intent.display_name.is_empty() {
                true => intent.name.as_str(),
                false => intent.display_name.as_str(),
            });
    let matched = got.intent.as_ref().map(|intent| intent.name.as_str());
    if intent != matched {
        differ(
            DiffKind::Intent,
            "triggeredIntent.name".into(),
            intent.into(),
            matched.into(),
        );
    }
    if let Some(page) = &expected.current_page {
        let name = match page.display_name.is_empty() {
            true => &page.name,
            false => &page.display_name,
        };
        let at = match got.ended {
            true => END_SESSION,
            false => got.page.as_str(),
        };
        if !name.is_empty() && name != at {
            differ(
                DiffKind::Page,
                "currentPage.name".into(),
                name.as_str().into(),
                at.into(),
            );
        }
        if !page.flow.is_empty() && page.flow != got.flow {
            differ(
                DiffKind::Flow,
                "currentPage.flow".into(),
                page.flow.as_str().into(),
                got.flow.as_str().into(),
            );
        }
    }
    for name in compared_parameters(expected, tracking) {
        let want = expected
            .session_parameters
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
            .filter(|value| !value.is_null());
        let have = session.params().get(name).filter(|value| !value.is_null());
        let same = match (want, have) {
            (Some(want), Some(have)) => same(want, have),
            (None, None) => true,
            _ => false,
        };
        if !same {
            differ(
                DiffKind::Parameters,
                format!("sessionParameters.{name}"),
                want.cloned().unwrap_or(Value::Null),
                have.cloned().unwrap_or(Value::Null),
            );
        }
    }
    let texts: Vec<&[String]> = got
        .messages
        .iter()
        .map(|message| message.texts())
        .filter(|texts| !texts.is_empty())
        .collect();
    let matches = expected.text_responses.len() == texts.len()
        && expected
            .text_responses
            .iter()
            .zip(&texts)
            .all(|(want, variants)| want.text.iter().all(|text| variants.contains(text)));
    if !matches {
        let want: Vec<String> = expected
            .text_responses
            .iter()
            .map(|response| response.text.join(" "))
            .collect();
        let have: Vec<&str> = texts
            .iter()
            .filter_map(|variants| variants.first())
            .map(String::as_str)
            .collect();
        differ(
            DiffKind::Utterance,
            "textResponses".into(),
            want.into(),
            have.into(),
        );
    }
}

/// Whether two values are the same, numbers compared by value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same(value, other)))
        }
        _ => a == b,
    }
}
