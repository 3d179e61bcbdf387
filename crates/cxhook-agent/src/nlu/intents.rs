//! Intent matching: training phrases compiled per language, then exact, normalised, template
//! and similarity matches, in that order.

use std::collections::{HashMap, HashSet};

use strsim::normalized_levenshtein;

use super::custom::FUZZY_THRESHOLD;
use super::text::{base_language, normalize, tokenize, words};
use crate::model::{Intent, IntentParameter};

/// The display name of the intent whose phrases mean "none of the others".
const NEGATIVE_INTENT: &str = "Default Negative Intent";

/// The priority of an intent that does not say.
const NORMAL_PRIORITY: i64 = 500_000;

/// A piece of a training phrase: literal words, or the slot of a parameter.
#[derive(Debug)]
pub(crate) enum Segment {
    /// Folded words that must be said as they are.
    Words(Vec<String>),
    /// Words that must be a value of the intent's parameter at this index.
    Slot(usize),
}

/// A training phrase ready to match.
#[derive(Debug)]
pub(crate) struct Phrase {
    /// The phrase as written, trimmed.
    pub(crate) raw: String,
    /// The phrase normalised.
    pub(crate) norm: String,
    /// Its pieces, when it annotates a parameter (a template); empty otherwise.
    pub(crate) template: Vec<Segment>,
    /// The features similarity compares: its literal words, and `@type` for each slot.
    pub(crate) features: HashSet<String>,
}

/// An intent ready to match.
#[derive(Debug)]
pub(crate) struct CompiledIntent {
    /// Display name.
    pub(crate) name: String,
    /// Priority; ties go to the higher.
    pub(crate) priority: i64,
    /// Whether its phrases suppress matches (the Default Negative Intent).
    pub(crate) negative: bool,
    /// Its parameters.
    pub(crate) parameters: Vec<IntentParameter>,
    /// Training phrases per base language.
    pub(crate) phrases: HashMap<String, Vec<Phrase>>,
}

/// The weights similarity gives words in one language.
#[derive(Debug, Default)]
pub(crate) struct Weights {
    /// Inverse document frequency of each feature over the language's phrases.
    idf: HashMap<String, f64>,
    /// The weight of a feature no phrase has.
    unseen: f64,
    /// The entity types that slots of the language's phrases use, `@sys.any` left out.
    pub(crate) slot_types: Vec<String>,
}

/// The feature standing for a slot of `entity_type`.
pub(crate) fn slot_feature(entity_type: &str) -> String {
    format!("@{}", entity_type.trim_start_matches('@'))
}

/// Compiles the intents that are not disabled (a negative priority disables one).
pub(crate) fn compile(intents: &[Intent]) -> (Vec<CompiledIntent>, HashMap<String, Weights>) {
    let compiled: Vec<CompiledIntent> = intents
        .iter()
        .filter(|intent| intent.priority.unwrap_or(NORMAL_PRIORITY) >= 0)
        .map(compile_intent)
        .collect();
    let mut weights: HashMap<String, Weights> = HashMap::new();
    let mut counts: HashMap<&str, (usize, HashMap<&str, usize>)> = HashMap::new();
    for intent in &compiled {
        for (language, phrases) in &intent.phrases {
            let (total, frequency) = counts.entry(language).or_default();
            for phrase in phrases {
                *total += 1;
                for feature in &phrase.features {
                    *frequency.entry(feature).or_default() += 1;
                }
                for segment in &phrase.template {
                    if let Segment::Slot(index) = segment {
                        let slot_type = &intent.parameters[*index].entity_type;
                        let entry = weights.entry(language.clone()).or_default();
                        if slot_type != "@sys.any" && !entry.slot_types.contains(slot_type) {
                            entry.slot_types.push(slot_type.clone());
                        }
                    }
                }
            }
        }
    }
    for (language, (total, frequency)) in counts {
        let entry = weights.entry(language.to_owned()).or_default();
        let idf = |count: usize| ((total as f64 + 1.0) / (count as f64 + 1.0)).ln() + 1.0;
        entry.unseen = idf(0);
        entry.idf = frequency
            .into_iter()
            .map(|(feature, count)| (feature.to_owned(), idf(count)))
            .collect();
    }
    (compiled, weights)
}

/// Compiles one intent's phrases.
fn compile_intent(intent: &Intent) -> CompiledIntent {
    let mut phrases: HashMap<String, Vec<Phrase>> = HashMap::new();
    for (language, training) in &intent.training_phrases {
        let compiled = phrases.entry(base_language(language)).or_default();
        for phrase in training {
            let raw = phrase.text();
            let mut template = Vec::new();
            let mut features = HashSet::new();
            for part in &phrase.parts {
                let slot = part.parameter_id.as_ref().and_then(|id| {
                    intent
                        .parameters
                        .iter()
                        .position(|parameter| parameter.id == *id)
                });
                match slot {
                    Some(index) => {
                        features.insert(slot_feature(&intent.parameters[index].entity_type));
                        template.push(Segment::Slot(index));
                    }
                    None => {
                        let part_words = words(&part.text);
                        features.extend(part_words.iter().cloned());
                        if !part_words.is_empty() {
                            template.push(Segment::Words(part_words));
                        }
                    }
                }
            }
            if !template
                .iter()
                .any(|segment| matches!(segment, Segment::Slot(_)))
            {
                template.clear();
            }
            compiled.push(Phrase {
                norm: normalize(&raw),
                raw: raw.trim().to_owned(),
                template,
                features,
            });
        }
    }
    CompiledIntent {
        name: intent.display_name.clone(),
        priority: intent.priority.unwrap_or(NORMAL_PRIORITY),
        negative: intent.is_fallback || intent.display_name == NEGATIVE_INTENT,
        parameters: intent.parameters.clone(),
        phrases,
    }
}

impl Weights {
    /// The weight of a feature.
    fn weight(&self, feature: &str) -> f64 {
        self.idf.get(feature).copied().unwrap_or(self.unseen)
    }

    /// The user's words, a word no phrase has replaced by the phrases' word it nearly spells
    /// (one typo in five letters, as fuzzy entity extraction allows).
    pub(crate) fn features(&self, text: &str) -> HashSet<String> {
        tokenize(text)
            .into_iter()
            .map(|token| {
                if token.norm.chars().count() < 4 || self.idf.contains_key(&token.norm) {
                    return token.norm;
                }
                self.idf
                    .keys()
                    .filter(|known| !known.starts_with('@'))
                    .map(|known| (normalized_levenshtein(known, &token.norm), known))
                    .filter(|(score, _)| *score >= FUZZY_THRESHOLD)
                    .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
                    .map_or(token.norm, |(_, known)| known.clone())
            })
            .collect()
    }

    /// The similarity of the user's features and a phrase's, in 0..=1: the weighted Dice
    /// coefficient, twice the weight the two share over the sum of their weights.
    pub(crate) fn similarity(&self, user: &HashSet<String>, phrase: &HashSet<String>) -> f64 {
        let shared: f64 = user
            .intersection(phrase)
            .map(|feature| self.weight(feature))
            .sum();
        if shared <= 0.0 {
            return 0.0;
        }
        let total: f64 = user
            .iter()
            .chain(phrase)
            .map(|feature| self.weight(feature))
            .sum();
        2.0 * shared / total
    }
}
