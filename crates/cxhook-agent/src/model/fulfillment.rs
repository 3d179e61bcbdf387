//! Fulfillments: what a route, handler, page entry or form prompt does when it runs.
//!
//! Messages are read into `cxhook_types::ResponseMessage`, the type a webhook reply carries,
//! so that the turn engine merges the agent's messages and the webhook's with one type.
//! Conditions stay strings here; the condition module parses them.

use cxhook_types::ResponseMessage;
use serde::Deserialize;
use serde_json::Value;

use super::key_value::{KeyValue, key_values};

/// A fulfillment (`cx/v3/fulfillment.proto`). An empty one is `{}` in exports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Fulfillment {
    /// Static messages, in order.
    pub messages: Vec<FulfillmentMessage>,
    /// The webhook to call, by display name.
    pub webhook: Option<String>,
    /// The tag sent to the webhook (`fulfillmentInfo.tag`).
    pub tag: Option<String>,
    /// Parameter presets, applied before the webhook call.
    pub set_parameter_actions: Vec<SetParameterAction>,
    /// Conditional responses, evaluated after the static messages.
    pub conditional_cases: Vec<ConditionalCases>,
    /// Whether partial responses are streamed (streaming APIs only).
    pub return_partial_responses: bool,
    /// Generators to run, each filling an output parameter.
    pub generators: Vec<GeneratorCall>,
    /// Whether a generative fallback answers when nothing else does.
    pub enable_generative_fallback: bool,
}

impl Fulfillment {
    /// Whether the fulfillment does nothing at all (the export's `{}`).
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && self.webhook.is_none()
            && self.set_parameter_actions.is_empty()
            && self.conditional_cases.is_empty()
            && self.generators.is_empty()
    }
}

/// A message with the language it is for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentMessage {
    /// The language this message is for; empty means every language.
    #[serde(default)]
    pub language_code: String,
    /// The message itself.
    #[serde(flatten)]
    pub message: ResponseMessage,
}

/// `setParameterActions[]`: a parameter preset.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SetParameterAction {
    /// The parameter to set (a session parameter, or `$flow.x` style when flow-scoped).
    pub parameter: String,
    /// The value: any JSON, strings possibly holding `$` references or `$sys.func` calls;
    /// `null` (or absent) clears the parameter.
    pub value: Value,
}

/// `conditionalCases[]`: a list of cases, the first whose condition holds wins.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConditionalCases {
    /// The cases, in order.
    pub cases: Vec<Case>,
}

/// One conditional case.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Case {
    /// The condition, unparsed; empty means always true.
    pub condition: String,
    /// What the case produces when it wins, in order.
    pub case_content: Vec<CaseContent>,
}

/// One item of a case's content.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CaseContent {
    /// A message.
    Message(FulfillmentMessage),
    /// Nested conditional cases.
    AdditionalCases(ConditionalCases),
}

/// `generators[]`: a generator to run and where its output goes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GeneratorCall {
    /// The generator's full resource name (`projects/…/generators/<uuid>`), not a display name.
    pub generator: String,
    /// The values of the generator's placeholders, by placeholder.
    #[serde(deserialize_with = "key_values")]
    pub input_parameters: Vec<KeyValue<String>>,
    /// The parameter that receives the output (`$request.generative.<x>`).
    pub output_parameter: String,
}
