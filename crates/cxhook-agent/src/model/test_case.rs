//! A test case the agent keeps (`testCases/<Case>.json`), as `cx/v3/test_case.proto` and the
//! export write it.
//!
//! In an export every reference in a test case is a display name: `testConfig.flow` and
//! `testConfig.page`, `triggeredIntent.name`, `currentPage.name` and `currentPage.flow`
//! (`"Default Start Flow"`, `"Start Page"`, `"End Session"`). Output-only fields (the last
//! result, the differences CX found) are read where modelled and otherwise ignored.

use cxhook_types::Struct;
use serde::Deserialize;

/// One test case: a conversation recorded turn by turn with what the agent did in each.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TestCase {
    /// The test case's ID (a bare UUID in exports).
    pub name: String,
    /// The name the console shows; `agent test` filters on it.
    pub display_name: String,
    /// Tags, each starting with `#`.
    pub tags: Vec<String>,
    /// Free text.
    pub notes: String,
    /// Where the conversation starts and which parameters are compared.
    pub test_config: TestConfig,
    /// The turns, in order.
    pub test_case_conversation_turns: Vec<ConversationTurn>,
    /// The language of the conversation; the agent's default when empty.
    pub language_code: String,
}

/// Where a test case starts and what it compares.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TestConfig {
    /// The session parameters compared when calculating differences.
    pub tracking_parameters: Vec<String>,
    /// The flow the test case starts in (its start page); the agent's start flow when empty.
    pub flow: Option<String>,
    /// The page the test case starts on; takes precedence over `flow` when both are set.
    pub page: Option<String>,
}

/// One turn: what the user did and what the agent did.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConversationTurn {
    /// What the user did.
    pub user_input: UserInput,
    /// What the agent did, as recorded.
    pub virtual_agent_output: VirtualAgentOutput,
}

/// The user's side of a turn.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserInput {
    /// The input: text, an event or DTMF digits, with its language.
    pub input: QueryInput,
    /// Session parameters set before the turn runs.
    pub injected_parameters: Struct,
    /// Whether the turn's webhooks are called; a proto3 `bool`, so `false` when the export
    /// leaves it out.
    pub is_webhook_enabled: bool,
    /// Whether sentiment analysis runs (not modelled offline).
    pub enable_sentiment_analysis: bool,
}

/// A turn's input, as `QueryInput` writes it: one of `text`, `event`, `dtmf`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueryInput {
    /// Typed or spoken words.
    pub text: Option<TextInput>,
    /// An event raised.
    pub event: Option<EventInput>,
    /// Keypad digits pressed.
    pub dtmf: Option<DtmfInput>,
    /// An intent named directly (its display name in an export).
    pub intent: Option<IntentInput>,
    /// The language of the input.
    pub language_code: String,
}

/// `{"text": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TextInput {
    /// The words.
    pub text: String,
}

/// `{"event": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EventInput {
    /// The event's name.
    pub event: String,
}

/// `{"digits": "…", "finishDigit": "#"}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DtmfInput {
    /// The digits.
    pub digits: String,
    /// The digit that ended the input, if any.
    pub finish_digit: String,
}

/// `{"intent": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct IntentInput {
    /// The intent.
    pub intent: String,
}

/// What the agent did in a turn, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VirtualAgentOutput {
    /// The session parameters after the turn.
    pub session_parameters: Struct,
    /// The intent the turn matched, if one did.
    pub triggered_intent: Option<NamedIntent>,
    /// The page the conversation was on after the turn.
    pub current_page: Option<CurrentPage>,
    /// The text messages of the turn, in order.
    pub text_responses: Vec<TextResponse>,
}

/// `{"name": "…"}`: an intent by display name.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NamedIntent {
    /// The intent's display name (its ID outside exports).
    pub name: String,
    /// The display name, where the API writes it beside the ID.
    pub display_name: String,
}

/// `{"name": "…", "flow": "…"}`: a page by display name, with its flow.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CurrentPage {
    /// The page's display name (`Start Page`, `End Session` for the special ones).
    pub name: String,
    /// The flow's display name.
    pub flow: String,
    /// The display name, where the API writes it beside the ID.
    pub display_name: String,
}

/// One text message: its variants.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TextResponse {
    /// The texts.
    pub text: Vec<String>,
}
