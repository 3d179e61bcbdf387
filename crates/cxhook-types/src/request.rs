//! `WebhookRequest`: what Dialogflow CX POSTs to a webhook.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::value::{null_as_default, unique_keys};
use crate::{ParameterState, ResponseMessage, Struct};

/// The body of a webhook call.
///
/// Read it with `serde_json`; see the [crate documentation](crate) for how lenient that is.
/// Writing it (for tests and tools that act as Dialogflow) gives camelCase JSON without
/// unset fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "wire::WebhookRequest")]
pub struct WebhookRequest {
    /// The ID of the detect-intent response this call contributes to: one per turn, so a good
    /// correlation and idempotency key (together with the tag).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detect_intent_response_id: String,
    /// What the user said or did this turn (the `query` one-of).
    #[serde(flatten)]
    pub query: Option<Query>,
    /// The language of the query, as the caller wrote it (`en`, `en-us`, `de-DE`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub language_code: String,
    /// Which fulfillment called the webhook.
    pub fulfillment_info: FulfillmentInfo,
    /// The intent matched last, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent_info: Option<IntentInfo>,
    /// The current page and its form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_info: Option<PageInfo>,
    /// The session and all its parameters.
    pub session_info: SessionInfo,
    /// The messages queued for this turn so far.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<ResponseMessage>,
    /// The payload the detect-intent caller sent (Phone Gateway puts the caller ID here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Struct>,
    /// The sentiment of the query, when sentiment analysis is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment_analysis_result: Option<SentimentAnalysisResult>,
    /// The language the caller sent and the one Dialogflow detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_info: Option<LanguageInfo>,
}

impl WebhookRequest {
    /// The fulfillment tag, or `None` when the fulfillment has none.
    pub fn tag(&self) -> Option<&str> {
        Some(self.fulfillment_info.tag.as_str()).filter(|tag| !tag.is_empty())
    }

    /// A session parameter by name.
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.session_info.parameters.get(name)
    }

    /// The form parameter with this display name on the current page.
    pub fn form_param(&self, name: &str) -> Option<&ParameterInfo> {
        self.page_info
            .as_ref()?
            .form_info
            .as_ref()?
            .parameter_info
            .iter()
            .find(|p| p.display_name == name)
    }

    /// The language to answer in: the resolved language when Dialogflow detected one, else
    /// the request's language code.
    pub fn language(&self) -> &str {
        self.language_info
            .as_ref()
            .map(|info| info.resolved_language_code.as_str())
            .filter(|code| !code.is_empty())
            .unwrap_or(&self.language_code)
    }
}

/// What the user said or did: the `query` one-of of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Query {
    /// `text`: what the user typed.
    Text(String),
    /// `triggerIntent`: the resource name of an intent the caller triggered directly.
    TriggerIntent(String),
    /// `transcript`: what speech recognition heard.
    Transcript(String),
    /// `triggerEvent`: the name of an event the caller triggered.
    TriggerEvent(String),
    /// `dtmfDigits`: the keypad digits a caller pressed.
    DtmfDigits(String),
}

impl Query {
    /// The user's words: the typed text or the speech transcript.
    pub fn utterance(&self) -> Option<&str> {
        match self {
            Self::Text(s) | Self::Transcript(s) => Some(s),
            Self::TriggerIntent(_) | Self::TriggerEvent(_) | Self::DtmfDigits(_) => None,
        }
    }
}

/// Which fulfillment called the webhook.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FulfillmentInfo {
    /// The fulfillment's tag, used to route the call; empty when it has none.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub tag: String,
}

/// The intent matched last.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntentInfo {
    /// The intent's resource name, `projects/…/agents/<A>/intents/<I>`.
    #[serde(
        default,
        alias = "last_matched_intent",
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub last_matched_intent: String,
    /// The intent's display name.
    #[serde(
        default,
        alias = "display_name",
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub display_name: String,
    /// The parameters intent matching extracted, by parameter ID.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub parameters: BTreeMap<String, IntentParameterValue>,
    /// The match confidence, 0.0 to 1.0.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "is_zero"
    )]
    pub confidence: f32,
}

/// One parameter intent matching extracted: what the user said and what it resolved to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntentParameterValue {
    /// The user's words for the parameter.
    #[serde(
        default,
        alias = "original_value",
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub original_value: String,
    /// The structured value (a string, a number, or an object such as a date).
    #[serde(
        default,
        alias = "resolved_value",
        skip_serializing_if = "Value::is_null"
    )]
    pub resolved_value: Value,
}

/// The current page and its form, in a request; in a response only the form counts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// The page's resource name, `projects/…/agents/<A>/flows/<F>/pages/<P>`; ignored in a
    /// response.
    #[serde(
        default,
        alias = "current_page",
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub current_page: String,
    /// The page's display name; ignored in a response.
    #[serde(
        default,
        alias = "display_name",
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub display_name: String,
    /// The page's form.
    #[serde(default, alias = "form_info", skip_serializing_if = "Option::is_none")]
    pub form_info: Option<FormInfo>,
}

/// A page's form.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormInfo {
    /// The form's parameters.
    #[serde(
        default,
        alias = "parameter_info",
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub parameter_info: Vec<ParameterInfo>,
}

/// One form parameter and its state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParameterInfo {
    /// The parameter's display name; identifies it, and is required in a response.
    #[serde(default, alias = "display_name", deserialize_with = "null_as_default")]
    pub display_name: String,
    /// Whether the form must fill the parameter before it completes.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "is_false"
    )]
    pub required: bool,
    /// The parameter's state; required in a response, where only `INVALID` has an effect.
    #[serde(default)]
    pub state: ParameterState,
    /// The parameter's value; in a response, setting it changes the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Whether the value was collected this turn; ignored in a response.
    #[serde(
        default,
        alias = "just_collected",
        deserialize_with = "null_as_default",
        skip_serializing_if = "is_false"
    )]
    pub just_collected: bool,
}

/// The session and its parameters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The session's resource name (see [`crate::SessionPath`]); ignored in a response.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub session: String,
    /// Session parameters by display name. In a response each key creates or overwrites a
    /// parameter and a `null` value deletes it; keys left out are kept. A name given twice
    /// is an error, as a field given twice is.
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "serde_json::Map::is_empty"
    )]
    pub parameters: serde_json::Map<String, Value>,
}

/// The sentiment of the user's query.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SentimentAnalysisResult {
    /// From -1.0 (negative) to 1.0 (positive).
    #[serde(default, deserialize_with = "null_as_default")]
    pub score: f32,
    /// The strength of the emotion, 0.0 and up, regardless of its sign.
    #[serde(default, deserialize_with = "null_as_default")]
    pub magnitude: f32,
}

/// The language the caller sent and the language Dialogflow detected.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageInfo {
    /// The language code the caller sent.
    #[serde(
        default,
        alias = "input_language_code",
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub input_language_code: String,
    /// The language Dialogflow resolved the query to.
    #[serde(
        default,
        alias = "resolved_language_code",
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub resolved_language_code: String,
    /// The confidence of the detection, 0.0 to 1.0.
    #[serde(
        default,
        alias = "confidence_score",
        deserialize_with = "null_as_default",
        skip_serializing_if = "is_zero"
    )]
    pub confidence_score: f32,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(f: &f32) -> bool {
    *f == 0.0
}

/// The request as it is on the wire, with the query one-of as five fields.
mod wire {
    use serde::Deserialize;

    use crate::value::{OneOf, normalize_numbers, null_as_default};
    use crate::{ResponseMessage, Struct};

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct WebhookRequest {
        #[serde(
            default,
            alias = "detect_intent_response_id",
            deserialize_with = "null_as_default"
        )]
        detect_intent_response_id: String,
        text: Option<String>,
        #[serde(alias = "trigger_intent")]
        trigger_intent: Option<String>,
        transcript: Option<String>,
        #[serde(alias = "trigger_event")]
        trigger_event: Option<String>,
        #[serde(alias = "dtmf_digits")]
        dtmf_digits: Option<String>,
        #[serde(default, alias = "language_code", deserialize_with = "null_as_default")]
        language_code: String,
        #[serde(
            default,
            alias = "fulfillment_info",
            deserialize_with = "null_as_default"
        )]
        fulfillment_info: super::FulfillmentInfo,
        #[serde(default, alias = "intent_info")]
        intent_info: Option<super::IntentInfo>,
        #[serde(default, alias = "page_info")]
        page_info: Option<super::PageInfo>,
        #[serde(default, alias = "session_info", deserialize_with = "null_as_default")]
        session_info: super::SessionInfo,
        #[serde(default, deserialize_with = "null_as_default")]
        messages: Vec<ResponseMessage>,
        #[serde(default)]
        payload: Option<Struct>,
        #[serde(default, alias = "sentiment_analysis_result")]
        sentiment_analysis_result: Option<super::SentimentAnalysisResult>,
        #[serde(default, alias = "language_info")]
        language_info: Option<super::LanguageInfo>,
    }

    impl TryFrom<WebhookRequest> for super::WebhookRequest {
        type Error = String;

        fn try_from(w: WebhookRequest) -> Result<Self, String> {
            use super::Query as Q;
            let query = OneOf::new("WebhookRequest")
                .member("text", w.text.map(Q::Text))
                .member("triggerIntent", w.trigger_intent.map(Q::TriggerIntent))
                .member("transcript", w.transcript.map(Q::Transcript))
                .member("triggerEvent", w.trigger_event.map(Q::TriggerEvent))
                .member("dtmfDigits", w.dtmf_digits.map(Q::DtmfDigits))
                .finish()?;
            let mut request = Self {
                detect_intent_response_id: w.detect_intent_response_id,
                query,
                language_code: w.language_code,
                fulfillment_info: w.fulfillment_info,
                intent_info: w.intent_info,
                page_info: w.page_info,
                session_info: w.session_info,
                messages: w.messages,
                payload: w.payload,
                sentiment_analysis_result: w.sentiment_analysis_result,
                language_info: w.language_info,
            };
            request.normalize_numbers();
            Ok(request)
        }
    }

    impl super::WebhookRequest {
        /// Gives every number in a parameter value or payload its one normal form.
        fn normalize_numbers(&mut self) {
            self.session_info
                .parameters
                .values_mut()
                .for_each(normalize_numbers);
            if let Some(intent) = &mut self.intent_info {
                for param in intent.parameters.values_mut() {
                    normalize_numbers(&mut param.resolved_value);
                }
            }
            let form = self.page_info.as_mut().and_then(|p| p.form_info.as_mut());
            for param in form.into_iter().flat_map(|f| &mut f.parameter_info) {
                param.value.iter_mut().for_each(normalize_numbers);
            }
            if let Some(payload) = &mut self.payload {
                payload.values_mut().for_each(normalize_numbers);
            }
        }
    }
}
