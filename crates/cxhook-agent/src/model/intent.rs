//! Intents (`intents/<Intent>/<Intent>.json`) and their training phrases
//! (`intents/<Intent>/trainingPhrases/<lang>.json`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::key_value::{KeyValue, key_values};

/// An intent: what the user means, learned from its training phrases.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Intent {
    /// The resource ID (a UUID in exports).
    pub name: String,
    /// The display name, by which routes refer to the intent.
    pub display_name: String,
    /// The parameters its training phrases annotate.
    pub parameters: Vec<IntentParameter>,
    /// The matching priority (500000 is "normal"; negative values disable the intent).
    pub priority: Option<i64>,
    /// Labels such as `head` or `sys-head` (a `[{key, value}]` list in exports).
    #[serde(deserialize_with = "key_values")]
    pub labels: Vec<KeyValue<String>>,
    /// A free-text description.
    pub description: String,
    /// Whether this is a negative intent (`Default Negative Intent`): phrases that match nothing.
    pub is_fallback: bool,
    /// Training phrases per language code, read from `trainingPhrases/<lang>.json`.
    #[serde(skip)]
    pub training_phrases: BTreeMap<String, Vec<TrainingPhrase>>,
}

/// A parameter an intent's training phrases annotate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IntentParameter {
    /// The parameter ID, as `$intent.params.<id>` and session parameters name it.
    pub id: String,
    /// The entity type, such as `@sys.date` or `@destination`.
    pub entity_type: String,
    /// Whether the parameter collects a list of values.
    pub is_list: bool,
    /// Whether the value is redacted in logs.
    pub redact: bool,
}

/// One training phrase: text in parts, some annotated with a parameter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrainingPhrase {
    /// The parts, in order; their texts joined are the phrase.
    pub parts: Vec<Part>,
    /// How many times the phrase counts in training.
    pub repeat_count: Option<u32>,
    /// The phrase's language.
    pub language_code: String,
}

impl TrainingPhrase {
    /// The whole phrase: its parts' texts joined.
    pub fn text(&self) -> String {
        self.parts.iter().map(|part| part.text.as_str()).collect()
    }
}

/// A part of a training phrase.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Part {
    /// The text of the part.
    pub text: String,
    /// The intent parameter this part is an example value of, if any.
    pub parameter_id: Option<String>,
}

/// The file `trainingPhrases/<lang>.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct TrainingPhrasesFile {
    /// The phrases of one language.
    pub(crate) training_phrases: Vec<TrainingPhrase>,
}
