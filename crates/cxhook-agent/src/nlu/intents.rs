//! Intent matching: training phrases compiled per language, then exact, normalised, template
//! and similarity matches, in that order.

use std::collections::{BTreeSet, HashMap};

use strsim::normalized_levenshtein;

use super::custom::FUZZY_THRESHOLD;
use super::text::{base_language, normalize, tokenize, words};
use crate::model::{Intent, IntentParameter};

/// The display name of the intent whose phrases mean "none of the others".
const NEGATIVE_INTENT: &str = "Default Negative Intent";

/// The shortest beginning two words must share to count as one stem (`vandal` of `vandals`
/// and `vandalised`), which must also be three quarters of the shorter word: `eligible` and
/// `eligibility` share a stem, `international` and `internet` do not.
const STEM: usize = 5;

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
    /// The features similarity compares (its literal words, and `@type` for each slot), as
    /// sorted feature numbers.
    features: Vec<u32>,
    /// The sum of its features' weights.
    weight: f64,
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

/// The features of one language's phrases and the weights similarity gives them. Features
/// are numbered so that comparing a text with every phrase merges sorted numbers instead of
/// hashing words.
#[derive(Debug, Default)]
pub(crate) struct Weights {
    /// The number of each feature the language's phrases have.
    numbers: HashMap<String, u32>,
    /// Inverse document frequency by feature number (over all languages' numbers; a feature
    /// of another language is never looked up).
    idf: Vec<f64>,
    /// The weight of a word no phrase has.
    unseen: f64,
    /// The phrases' words with their lengths in characters, shortest first.
    vocabulary: Vec<(usize, String)>,
    /// The entity types that slots of the language's phrases use, `@sys.any` left out.
    pub(crate) slot_types: Vec<String>,
}

/// A text's features: the numbers of those some phrase has, and the weight of all of them.
#[derive(Debug)]
pub(crate) struct Features {
    numbers: Vec<u32>,
    weight: f64,
}

/// The feature standing for a slot of `entity_type`.
pub(crate) fn slot_feature(entity_type: &str) -> String {
    format!("@{}", entity_type.trim_start_matches('@'))
}

/// Compiles the intents that are not disabled (a negative priority disables one).
pub(crate) fn compile(intents: &[Intent]) -> (Vec<CompiledIntent>, HashMap<String, Weights>) {
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut compiled: Vec<CompiledIntent> = intents
        .iter()
        .filter(|intent| intent.priority.unwrap_or(NORMAL_PRIORITY) >= 0)
        .map(|intent| compile_intent(intent, &mut numbers))
        .collect();
    let names: Vec<&String> = {
        let mut names: Vec<(&u32, &String)> = numbers
            .iter()
            .map(|(name, number)| (number, name))
            .collect();
        names.sort();
        names.into_iter().map(|(_, name)| name).collect()
    };
    let mut weights: HashMap<String, Weights> = HashMap::new();
    for intent in &compiled {
        for (language, phrases) in &intent.phrases {
            let entry = weights.entry(language.clone()).or_default();
            if entry.idf.is_empty() {
                entry.idf = vec![0.0; names.len()];
            }
            for phrase in phrases {
                // Document frequencies first; turned into weights below.
                entry.unseen += 1.0;
                for &feature in &phrase.features {
                    entry.idf[feature as usize] += 1.0;
                }
                for segment in &phrase.template {
                    if let Segment::Slot(index) = segment {
                        let slot_type = &intent.parameters[*index].entity_type;
                        if slot_type != "@sys.any" && !entry.slot_types.contains(slot_type) {
                            entry.slot_types.push(slot_type.clone());
                        }
                    }
                }
            }
        }
    }
    for entry in weights.values_mut() {
        let total = entry.unseen;
        let idf = |count: f64| ((total + 1.0) / (count + 1.0)).ln() + 1.0;
        for (number, name) in names.iter().enumerate() {
            let count = entry.idf[number];
            if count > 0.0 {
                entry.numbers.insert((*name).clone(), number as u32);
                if !name.starts_with('@') {
                    entry
                        .vocabulary
                        .push((name.chars().count(), (*name).clone()));
                }
            }
            entry.idf[number] = idf(count);
        }
        entry.unseen = idf(0.0);
        entry.vocabulary.sort();
    }
    for intent in &mut compiled {
        for (language, phrases) in &mut intent.phrases {
            let weights = &weights[language];
            for phrase in phrases {
                phrase.weight = phrase
                    .features
                    .iter()
                    .map(|&feature| weights.idf[feature as usize])
                    .sum();
            }
        }
    }
    (compiled, weights)
}

/// Compiles one intent's phrases, numbering new features in `numbers`.
fn compile_intent(intent: &Intent, numbers: &mut HashMap<String, u32>) -> CompiledIntent {
    let mut phrases: HashMap<String, Vec<Phrase>> = HashMap::new();
    for (language, training) in &intent.training_phrases {
        let compiled = phrases.entry(base_language(language)).or_default();
        for phrase in training {
            let raw = phrase.text();
            let mut template = Vec::new();
            let mut features = BTreeSet::new();
            let mut number = |name: String| {
                let next = numbers.len() as u32;
                *numbers.entry(name).or_insert(next)
            };
            for part in &phrase.parts {
                let slot = part.parameter_id.as_ref().and_then(|id| {
                    intent
                        .parameters
                        .iter()
                        .position(|parameter| parameter.id == *id)
                });
                match slot {
                    Some(index) => {
                        features
                            .insert(number(slot_feature(&intent.parameters[index].entity_type)));
                        template.push(Segment::Slot(index));
                    }
                    None => {
                        let part_words = words(&part.text);
                        features.extend(part_words.iter().map(|word| number(word.clone())));
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
                features: features.into_iter().collect(),
                weight: 0.0,
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
    /// The features of a text: its words, a word no phrase has taken for the phrases' word it
    /// nearly spells (one typo in five letters, as fuzzy entity extraction allows), and the
    /// slot features in `slots` (`@type` for each entity type found in the text).
    pub(crate) fn features(&self, text: &str, slots: &[String]) -> Features {
        let mut known = BTreeSet::new();
        let mut unknown = BTreeSet::new();
        for token in tokenize(text) {
            let word = self.spelled(token.norm);
            match self.numbers.get(&word) {
                Some(&number) => known.insert(number),
                None => unknown.insert(word),
            };
        }
        known.extend(
            slots
                .iter()
                .filter_map(|slot| self.numbers.get(slot).copied()),
        );
        let weight = known
            .iter()
            .map(|&number| self.idf[number as usize])
            .sum::<f64>()
            + self.unseen * unknown.len() as f64;
        Features {
            numbers: known.into_iter().collect(),
            weight,
        }
    }

    /// `word`, or when no phrase has it the phrases' word it nearly spells, or else the one
    /// it shares a stem with.
    fn spelled(&self, word: String) -> String {
        let length = word.chars().count();
        if length < 4 || self.numbers.contains_key(&word) {
            return word;
        }
        // Words whose lengths differ by more than a fifth cannot be that alike.
        let limit = |other: usize| other as f64 * FUZZY_THRESHOLD;
        let shortest = self
            .vocabulary
            .partition_point(|(other, _)| (*other as f64) < limit(length));
        let longest = self
            .vocabulary
            .partition_point(|(other, _)| limit(*other) <= length as f64);
        let typo = self.vocabulary[shortest..longest.max(shortest)]
            .iter()
            .map(|(_, known)| (normalized_levenshtein(known, &word), known))
            .filter(|(score, _)| *score >= FUZZY_THRESHOLD)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
        if let Some((_, known)) = typo {
            return known.clone();
        }
        self.vocabulary
            .iter()
            .filter_map(|(other, known)| {
                let common = word
                    .chars()
                    .zip(known.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                (common >= STEM && common * 4 >= 3 * length.min(*other)).then_some((common, known))
            })
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map_or(word, |(_, known)| known.clone())
    }

    /// The similarity of a text's features and a phrase's, in 0..=1: the weighted Dice
    /// coefficient, twice the weight the two share over the sum of their weights.
    pub(crate) fn similarity(&self, text: &Features, phrase: &Phrase) -> f64 {
        let (mut shared, mut a, mut b) = (0.0, 0, 0);
        let (left, right) = (&text.numbers, &phrase.features);
        while a < left.len() && b < right.len() {
            match left[a].cmp(&right[b]) {
                std::cmp::Ordering::Less => a += 1,
                std::cmp::Ordering::Greater => b += 1,
                std::cmp::Ordering::Equal => {
                    shared += self.idf[left[a] as usize];
                    a += 1;
                    b += 1;
                }
            }
        }
        if shared <= 0.0 {
            return 0.0;
        }
        2.0 * shared / (text.weight + phrase.weight)
    }
}
