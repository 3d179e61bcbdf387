//! The agent's own entity types: map, list and regexp kinds, excluded phrases, fuzzy matching.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;
use strsim::normalized_levenshtein;

use super::input::Hit;
use super::text::{Token, base_language, words};
use crate::model::{EntityKind, EntityType};

/// How alike a window of the text and a synonym must be, by normalised Levenshtein distance on
/// their letters (1 is equal), for fuzzy extraction to take the synonym. 0.8 lets one typo
/// through in five letters (`Galapagso` for `Galapagos`) and keeps short words apart (`bin`
/// and `bun` score 0.67).
pub(crate) const FUZZY_THRESHOLD: f64 = 0.8;

/// One synonym: its folded words and the entity value it stands for.
#[derive(Debug)]
struct Synonym {
    words: Vec<String>,
    value: String,
}

/// One language's entities of a type, ready to match.
#[derive(Debug, Default)]
struct Entities {
    /// Synonyms of map and list types.
    synonyms: Vec<Synonym>,
    /// Patterns of regexp types.
    patterns: Vec<Regex>,
    /// Excluded phrases, as folded words.
    excluded: Vec<Vec<String>>,
}

/// A custom entity type compiled for matching.
#[derive(Debug)]
pub(crate) struct CustomType {
    kind: EntityKind,
    fuzzy: bool,
    languages: HashMap<String, Entities>,
}

impl CustomType {
    /// Compiles `entity_type`; a pattern that does not compile is left out and described in
    /// `warnings`.
    pub(crate) fn new(entity_type: &EntityType, warnings: &mut Vec<String>) -> Self {
        let mut languages: HashMap<String, Entities> = HashMap::new();
        for (language, entities) in &entity_type.entities {
            let compiled = languages.entry(base_language(language)).or_default();
            for entity in entities {
                let mut texts: Vec<&str> = entity.synonyms.iter().map(String::as_str).collect();
                if texts.is_empty() || entity_type.kind == EntityKind::List {
                    texts.push(&entity.value);
                }
                for text in texts {
                    if entity_type.kind == EntityKind::Regexp {
                        match Regex::new(text) {
                            Ok(pattern) => compiled.patterns.push(pattern),
                            Err(error) => warnings.push(format!(
                                "entity type {:?} ({language}): pattern {text:?} does not compile: {error}",
                                entity_type.display_name
                            )),
                        }
                    } else {
                        let synonym = Synonym {
                            words: words(text),
                            value: entity.value.clone(),
                        };
                        if !synonym.words.is_empty() {
                            compiled.synonyms.push(synonym);
                        }
                    }
                }
            }
        }
        for (language, phrases) in &entity_type.excluded_phrases {
            let compiled = languages.entry(base_language(language)).or_default();
            compiled
                .excluded
                .extend(phrases.iter().map(|phrase| words(&phrase.value)));
        }
        Self {
            kind: entity_type.kind,
            fuzzy: entity_type.enable_fuzzy_extraction,
            languages,
        }
    }

    /// Every value of this type in `text`, the preferred first: longest, then leftmost; none
    /// overlapping another or an excluded phrase.
    pub(crate) fn find(&self, text: &str, tokens: &[Token], language: &str) -> Vec<Hit> {
        let Some(entities) = self.languages.get(language) else {
            return Vec::new();
        };
        let excluded: Vec<(usize, usize)> = entities
            .excluded
            .iter()
            .flat_map(|phrase| occurrences(tokens, phrase))
            .map(|(from, to)| (tokens[from].start, tokens[to - 1].end))
            .collect();
        let mut candidates: Vec<(f64, Hit)> = if self.kind == EntityKind::Regexp {
            regexp_candidates(&entities.patterns, text)
        } else {
            let exact = synonym_candidates(&entities.synonyms, tokens);
            if exact.is_empty() && self.fuzzy {
                fuzzy_candidates(&entities.synonyms, tokens)
            } else {
                exact
            }
        };
        candidates.retain(|(_, hit)| {
            !excluded
                .iter()
                .any(|&(start, end)| hit.start < end && start < hit.end)
        });
        candidates.sort_by(|(a_score, a), (b_score, b)| {
            b_score
                .total_cmp(a_score)
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(a.start.cmp(&b.start))
        });
        let mut chosen: Vec<Hit> = Vec::new();
        for (_, hit) in candidates {
            if !chosen
                .iter()
                .any(|other| hit.start < other.end && other.start < hit.end)
            {
                chosen.push(hit);
            }
        }
        chosen
    }
}

/// Where the word sequence `phrase` occurs in `tokens`, as token ranges.
fn occurrences(tokens: &[Token], phrase: &[String]) -> Vec<(usize, usize)> {
    if phrase.is_empty() || phrase.len() > tokens.len() {
        return Vec::new();
    }
    (0..=tokens.len() - phrase.len())
        .filter(|&from| {
            tokens[from..from + phrase.len()]
                .iter()
                .zip(phrase)
                .all(|(t, w)| t.norm == *w)
        })
        .map(|from| (from, from + phrase.len()))
        .collect()
}

/// Exact synonym occurrences, each scored 1.
fn synonym_candidates(synonyms: &[Synonym], tokens: &[Token]) -> Vec<(f64, Hit)> {
    synonyms
        .iter()
        .flat_map(|synonym| {
            occurrences(tokens, &synonym.words)
                .into_iter()
                .map(|(from, to)| {
                    let hit = Hit {
                        start: tokens[from].start,
                        end: tokens[to - 1].end,
                        resolved: Value::String(synonym.value.clone()),
                    };
                    (1.0, hit)
                })
        })
        .collect()
}

/// Windows of the text as long as a synonym (one word more or less) that spell nearly the same.
fn fuzzy_candidates(synonyms: &[Synonym], tokens: &[Token]) -> Vec<(f64, Hit)> {
    let mut found = Vec::new();
    for synonym in synonyms {
        let target = synonym.words.join(" ");
        let length = synonym.words.len();
        for size in length.saturating_sub(1).max(1)..=length + 1 {
            for from in 0..tokens.len().saturating_sub(size - 1) {
                let window: Vec<&str> = tokens[from..from + size]
                    .iter()
                    .map(|t| t.norm.as_str())
                    .collect();
                let score = normalized_levenshtein(&window.join(" "), &target);
                if score >= FUZZY_THRESHOLD {
                    let hit = Hit {
                        start: tokens[from].start,
                        end: tokens[from + size - 1].end,
                        resolved: Value::String(synonym.value.clone()),
                    };
                    found.push((score, hit));
                }
            }
        }
    }
    found
}

/// Pattern matches in the input text; the value is the matched text.
fn regexp_candidates(patterns: &[Regex], text: &str) -> Vec<(f64, Hit)> {
    patterns
        .iter()
        .flat_map(|pattern| pattern.find_iter(text))
        .filter(|found| !found.as_str().trim().is_empty())
        .map(|found| {
            let hit = Hit {
                start: found.start(),
                end: found.end(),
                resolved: Value::String(found.as_str().to_owned()),
            };
            (1.0, hit)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::text::tokenize;
    use super::*;
    use crate::model::{Entity, ExcludedPhrase};

    fn entity_type(
        kind: EntityKind,
        fuzzy: bool,
        entities: &[(&str, &[&str])],
        excluded: &[&str],
    ) -> EntityType {
        let entities = entities
            .iter()
            .map(|(value, synonyms)| Entity {
                value: (*value).to_owned(),
                synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
                language_code: "en".to_owned(),
            })
            .collect();
        let excluded = excluded
            .iter()
            .map(|value| ExcludedPhrase {
                value: (*value).to_owned(),
                language_code: "en".to_owned(),
            })
            .collect();
        EntityType {
            display_name: "t".to_owned(),
            kind,
            enable_fuzzy_extraction: fuzzy,
            entities: BTreeMap::from([("en".to_owned(), entities)]),
            excluded_phrases: BTreeMap::from([("en".to_owned(), excluded)]),
            ..EntityType::default()
        }
    }

    fn found(entity_type: &EntityType, text: &str) -> Vec<(String, Value)> {
        let compiled = CustomType::new(entity_type, &mut Vec::new());
        compiled
            .find(text, &tokenize(text), "en")
            .into_iter()
            .map(|hit| (text[hit.start..hit.end].to_owned(), hit.resolved))
            .collect()
    }

    const DESTINATIONS: &[(&str, &[&str])] = &[
        ("Mexico", &["Mexico", "Sea of Cortez", "Socorro Islands"]),
        ("Costa Rica", &["Costa Rica", "Cocos Islands"]),
        ("Sea", &["sea"]),
    ];

    #[test]
    fn map_synonyms_resolve_to_the_value_longest_first() {
        let destination = entity_type(EntityKind::Map, false, DESTINATIONS, &[]);
        assert_eq!(
            found(&destination, "the sea of cortez, or costa rica"),
            [
                ("sea of cortez".to_owned(), Value::from("Mexico")),
                ("costa rica".to_owned(), Value::from("Costa Rica"))
            ]
        );
        assert_eq!(found(&destination, "Socoro Islands"), []);
    }

    #[test]
    fn excluded_phrases_never_match() {
        let destination = entity_type(EntityKind::Map, false, DESTINATIONS, &["red sea"]);
        assert_eq!(found(&destination, "the Red Sea"), []);
        assert_eq!(
            found(&destination, "the open sea"),
            [("sea".to_owned(), Value::from("Sea"))]
        );
    }

    #[test]
    fn fuzzy_types_take_near_spellings() {
        let destination = entity_type(EntityKind::Map, true, DESTINATIONS, &[]);
        assert_eq!(
            found(&destination, "Socoro Islands"),
            [("Socoro Islands".to_owned(), Value::from("Mexico"))]
        );
        assert_eq!(found(&destination, "Paris"), []);
    }

    #[test]
    fn list_types_match_their_values() {
        let colours = entity_type(
            EntityKind::List,
            false,
            &[("dark red", &[]), ("blue", &[])],
            &[],
        );
        assert_eq!(
            found(&colours, "Dark Red"),
            [("Dark Red".to_owned(), Value::from("dark red"))]
        );
    }

    #[test]
    fn regexp_types_resolve_to_the_matched_text() {
        let guests = entity_type(
            EntityKind::Regexp,
            false,
            &[(r"\b([4-9]|1[0-5])\b", &[r"\b([4-9]|1[0-5])\b"])],
            &[],
        );
        assert_eq!(
            found(&guests, "we are 12 divers"),
            [("12".to_owned(), Value::from("12"))]
        );
        assert_eq!(found(&guests, "we are 16 divers"), []);
        let mut warnings = Vec::new();
        let broken = entity_type(EntityKind::Regexp, false, &[("(", &[])], &[]);
        CustomType::new(&broken, &mut warnings);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
