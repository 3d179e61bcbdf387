//! Generators (`generators/<Gen>/<Gen>.json`) and their prompts (`phrases/<lang>.json`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// A generator: an LLM prompt with `$placeholders`, run by a fulfillment.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Generator {
    /// The resource ID (a UUID in exports); fulfillments refer to it by full resource name.
    pub name: String,
    /// The display name.
    pub display_name: String,
    /// The placeholders the prompt uses.
    pub placeholders: Vec<Placeholder>,
    /// The prompt text per language code, read from `phrases/<lang>.json`.
    #[serde(skip)]
    pub prompts: BTreeMap<String, String>,
}

/// A placeholder of a generator's prompt (`$<name>` in the text).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Placeholder {
    /// The placeholder ID, as `inputParameters` keys name it.
    pub id: String,
    /// The name, as the prompt writes it after `$`.
    pub name: String,
}

/// A prompt text of one language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct PromptText {
    /// The prompt.
    pub(crate) text: String,
    /// Its language.
    pub(crate) language_code: String,
}

/// The file `phrases/<lang>.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct PhrasesFile {
    /// The prompt texts of one language.
    pub(crate) prompt_texts: Vec<PromptText>,
}
