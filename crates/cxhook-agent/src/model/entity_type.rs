//! Entity types (`entityTypes/<Type>/<Type>.json`) with their entities
//! (`entities/<lang>.json`) and excluded phrases (`excludedPhrases/<lang>.json`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// A custom entity type: the values a parameter of this type can take.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EntityType {
    /// The resource ID (a UUID in exports).
    pub name: String,
    /// The display name, by which parameters refer to the type (`@<displayName>`).
    pub display_name: String,
    /// How entities are matched.
    pub kind: EntityKind,
    /// `AUTO_EXPANSION_MODE_DEFAULT` when CX may extract values not listed.
    pub auto_expansion_mode: Option<String>,
    /// Whether values are matched approximately.
    pub enable_fuzzy_extraction: bool,
    /// Whether the values are redacted in logs.
    pub redact: bool,
    /// Entities per language code, read from `entities/<lang>.json`.
    #[serde(skip)]
    pub entities: BTreeMap<String, Vec<Entity>>,
    /// Phrases never to match, per language code, read from `excludedPhrases/<lang>.json`.
    #[serde(skip)]
    pub excluded_phrases: BTreeMap<String, Vec<ExcludedPhrase>>,
}

/// How an entity type's entities are matched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum EntityKind {
    /// A value with synonyms: a synonym in the text resolves to the value.
    #[default]
    #[serde(rename = "KIND_MAP")]
    Map,
    /// A list of values, each matched by itself.
    #[serde(rename = "KIND_LIST")]
    List,
    /// Each entity's value is a regular expression.
    #[serde(rename = "KIND_REGEXP")]
    Regexp,
}

/// One entity: a reference value and its synonyms.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Entity {
    /// The reference value (for `KIND_REGEXP`, the pattern).
    pub value: String,
    /// The words that mean this value.
    pub synonyms: Vec<String>,
    /// The entity's language.
    pub language_code: String,
}

/// A phrase the type must not match.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExcludedPhrase {
    /// The excluded text.
    pub value: String,
    /// The phrase's language.
    pub language_code: String,
}

/// The file `entities/<lang>.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct EntitiesFile {
    /// The entities of one language.
    pub(crate) entities: Vec<Entity>,
}

/// The file `excludedPhrases/<lang>.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ExcludedPhrasesFile {
    /// The excluded phrases of one language.
    pub(crate) excluded_phrases: Vec<ExcludedPhrase>,
}
