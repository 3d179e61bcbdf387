//! Understanding the user's words: which intent they mean, and what value they give for the
//! form parameter being prompted for.

use std::collections::BTreeMap;

use serde_json::Value;

use super::session::MatchedIntent;
use crate::model::{Agent, EntityKind, FormParameter};

/// The intent among `candidates` that `text` means, if any clears `threshold`.
pub(crate) fn match_intent(
    agent: &Agent,
    candidates: &[&str],
    text: &str,
    language: &str,
    _threshold: Option<f64>,
) -> Option<MatchedIntent> {
    let said = normalize(text);
    candidates.iter().find_map(|name| {
        let intent = agent.intent(name)?;
        let phrases = intent.training_phrases.get(language)?;
        phrases
            .iter()
            .any(|phrase| normalize(&phrase.text()) == said)
            .then(|| MatchedIntent {
                name: (*name).to_owned(),
                confidence: 1.0,
                params: BTreeMap::new(),
            })
    })
}

/// The value `text` gives for `param`, if it gives one.
pub(crate) fn extract(
    agent: &Agent,
    param: &FormParameter,
    text: &str,
    language: &str,
) -> Option<Value> {
    let said = normalize(text);
    match param.entity_type.strip_prefix('@') {
        Some(custom) if !custom.starts_with("sys.") => {
            let entity_type = agent.entity_type(custom)?;
            let entities = entity_type.entities.get(language)?;
            entities.iter().find_map(|entity| {
                let words = match entity_type.kind {
                    EntityKind::Map => entity.synonyms.clone(),
                    EntityKind::List | EntityKind::Regexp => vec![entity.value.clone()],
                };
                words
                    .iter()
                    .any(|word| said.contains(&normalize(word)))
                    .then(|| Value::String(entity.value.clone()))
            })
        }
        _ => Some(Value::String(text.to_owned())),
    }
}

fn normalize(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
