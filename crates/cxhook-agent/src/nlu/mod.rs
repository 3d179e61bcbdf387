//! Understanding what the user says: which intent a text matches, and the entity values in it.
//!
//! CX's natural-language understanding is a model Google trains on the agent's training phrases
//! and entities; it cannot run offline, and no export carries it. This module is a
//! **deterministic approximation** of it: the same input always gives the same answer, every
//! answer can be explained from the agent's own phrases, and the phrases themselves (and
//! close paraphrases of them) match as CX would match them. Where CX's model would generalise
//! further, this module matches less; tests that need a particular intent whatever the text
//! can name it directly (the turn input "an intent named directly").
//!
//! # Intent matching
//!
//! [`Nlu::match_intent`] considers only the intents the caller names as candidates (CX
//! matches only intents some handler in scope refers to) plus the Default Negative Intent, in
//! the given language, and takes the first stage that matches:
//!
//! 1. **exact**: the text is a training phrase as written (confidence 1);
//! 2. **normalised**: equal after folding case, diacritics, punctuation and spacing
//!    (confidence 1);
//! 3. **template**: a phrase with annotated parts matches when its other words are said as they
//!    are and the words in each annotated part's place are a value of that parameter's
//!    entity type (confidence 1); the parameters take those values (texts of up to 40 words);
//! 4. **similarity**: the weighted Dice coefficient of the text's words and a phrase's words,
//!    each word weighted by its inverse document frequency over the language's phrases, an
//!    annotated part counting as the feature `@type` which the text has when its entity type
//!    finds a value in it. An intent's score is its best phrase's. Dice rather than cosine
//!    because it falls linearly with the words the two do not share, so a one-word phrase
//!    ("What") does not reach 0.3 against a long unrelated sentence that merely contains it;
//!    IDF weights because words every intent uses ("I", "the") say little about which one is
//!    meant. A word no phrase has is taken for the phrases' word it nearly spells
//!    (normalised Levenshtein ≥ 0.8), or else for one it shares a stem with (a common
//!    beginning of at least 5 letters and three quarters of the shorter word: `eligible` for
//!    `eligibility`, `vandals` for `vandalised`). The score, in 0..=1, is the confidence,
//!    compared with the flow's `classificationThreshold` (*inferred*: CX's confidences come
//!    from its model and are not comparable number for number, but both are 1 for a training
//!    phrase and fall as the text moves away from every phrase).
//!
//! Features are numbered per language and each phrase's are kept sorted, so scoring a text
//! against every phrase merges two short sorted lists: measured once in a release build,
//! matching a text against all 23 intents (1,020 phrases) of the goodbye-graffiti agent takes
//! 0.12 ms, against the 3 of its start page 0.06 ms (hashing the words instead took 0.28 ms).
//!
//! A match of the Default Negative Intent at least as good as the best candidate's means no
//! match. Equal confidences go to the higher priority, then to the intent listed first; a
//! negative priority disables an intent. After a similarity match, each parameter is filled
//! by scanning the text for its entity type (`@sys.any` is left out: it would take the whole
//! text), parameters in order, none taking words another took.
//!
//! # Entity extraction
//!
//! [`Nlu::extract`] finds a value of an entity type in a text, as form filling needs it;
//! [`Nlu::extract_list`] finds all of them, for `isList` parameters. Custom types:
//!
//! | kind | matches | resolves to |
//! |---|---|---|
//! | `KIND_MAP` | any synonym, as whole words after normalisation | the entity's value |
//! | `KIND_LIST` | the value or a synonym | the entity's value |
//! | `KIND_REGEXP` | each entity's value (and synonyms) as a regular expression on the text as typed | the matched text |
//!
//! The longest match wins, then the leftmost. An excluded phrase never matches, nor does any
//! match overlapping where the text says it. With `enableFuzzyExtraction`, when no synonym
//! matches exactly, a window of the text one word shorter to one word longer than a synonym
//! matches it when their normalised Levenshtein similarity is at least 0.8 (one typo in five
//! letters; *inferred*, CX does not publish its measure). `autoExpansionMode` is not modelled:
//! only listed values match.
//!
//! System entities, English and German. What each accepts is *inferred* everywhere (CX's
//! extractors are models). The resolved shapes of dates, numbers and cities are those recorded
//! webhook requests carry; the others (`@sys.time`'s `{hours, minutes, seconds, nanos}`,
//! `@sys.person`'s `{name}`, the period, duration and location objects) are *inferred*:
//!
//! | entity | accepts | resolves to |
//! |---|---|---|
//! | `@sys.any` | the whole text, trimmed | the text |
//! | `@sys.number` | digits (`1,250.5`; German `1.250,5`), words (`twenty one`, `a hundred and five`, `einundzwanzig`) | a number (`4.0`) |
//! | `@sys.number-integer`, `@sys.cardinal` | as `@sys.number`, whole numbers only | a number |
//! | `@sys.date` | `today`, `tomorrow`, `the day after tomorrow`, `yesterday`, weekdays (`Monday`, `next Monday`), `in 3 days`, `two weeks from now`, `December 3rd`, `3rd of December 2026`, `12/3/2026` (month first), `2026-12-03`; German `heute`, `morgen`, `übermorgen`, `gestern`, `am Montag`, `nächsten Freitag`, `3. Dezember`, `3.12.2026` | `{year, month, day}` |
//! | `@sys.date-period` | `this`/`next`/`last` `week`/`weekend`/`month`/`year`, `in two months (time)`, `June`, `next June`, `in 2027`, `from … to …`, `between … and …`; German `nächsten Monat`, `diese Woche`, `am Wochenende`, `im Juni`, `vom … bis …` | `{startDate, endDate}`, each a date |
//! | `@sys.time` | `10am`, `10 pm`, `7:30 p.m.`, `at 5`, `ten o'clock`, `half past three`, `quarter to ten`, `noon`, `midnight`; German `10 Uhr`, `10 Uhr 30`, `10.30 Uhr`, `um 14:15`, `halb elf`, `Viertel nach zehn`, `Mittag` | `{hours, minutes, seconds, nanos}` |
//! | `@sys.date-time` | a date and a time in one text; a date alone (midnight) or a time alone (today) | `{year, month, day, hours, minutes, seconds, nanos}` |
//! | `@sys.duration` | an amount and a unit (`a minute`, `2 hours`, `zwei Stunden`) | `{amount, unit}`, unit `s`, `min`, `h`, `day`, `wk`, `mo` or `yr` |
//! | `@sys.email` | `name@host.tld` | the address |
//! | `@sys.phone-number` | 7 to 15 digits with spaces, dots, dashes, brackets, a leading `+` | the text as written |
//! | `@sys.zip-code` | 4 or 5 digits (ZIP+4 too), British postcodes | the text |
//! | `@sys.person` | `my name is …`, `call me …`, `ich heiße …` (any case); `I'm …`, `this is …`, `ich bin …` (capitalised); an answer of 1 to 3 capitalised words (not `Yes`, `Hello`, …) | `{name}` |
//! | `@sys.geo-city` | about 100 large cities (English and German names); else capitalised words after a place word (`in`, `from`, `to`, `near`, `nach`, `aus`, …) that are no listed country or state; else an answer of 1 to 3 capitalised words (not `Yes`, `Hello`, …) | the city's name (the gazetteer's English one) |
//! | `@sys.geo-country` | about 60 countries, English and German names (`Deutschland`, `USA`) | the country's English name |
//! | `@sys.geo-state` | US states, Canadian provinces, Australian states, German and Austrian Länder | the English name |
//! | `@sys.address` | a street word (`St`, `Road`, `Straße`, …) with the capitalised words or house number before it, or a German compound street name (`Hauptstraße 5`), continued after a comma by capitalised words and numbers | the text |
//! | `@sys.location` | any of the address, city, state, country and postcode above | an object of the parts found: `street-address`, `city`, `admin-area`, `country`, `zip-code` |
//!
//! Relative dates count from the `today` the caller passes: the agent's time zone decides what
//! day it is (`jiff::Zoned::now().in_tz(&agent.time_zone)?.date()`), and tests pass a fixed
//! day. A date without a year is the next such date from today on. Other system entities
//! (`@sys.color`, `@sys.url`, …) are not supported: [`Nlu::is_supported`] says so, and they
//! never match.

mod custom;
mod datetime;
mod gazetteer;
mod input;
mod intents;
mod numbers;
mod system;
mod text;

use std::collections::HashMap;

use jiff::civil::Date;
use serde_json::Value;

use crate::model::{EntityType, Intent};
use custom::CustomType;
use input::{Hit, Input};
use intents::{CompiledIntent, Phrase, Segment, Weights, slot_feature};
use text::normalize;

/// An entity value found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// The words the value was found in, as the user wrote them.
    pub original: String,
    /// The value, as CX resolves it (a string for custom types, a number, an object for dates).
    pub resolved: Value,
}

/// An intent parameter filled by a match.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedParameter {
    /// The parameter ID.
    pub id: String,
    /// Its entity type, such as `@sys.date`.
    pub entity_type: String,
    /// Whether it collects a list; `resolved` is then an array.
    pub is_list: bool,
    /// The user's words for it (for a list, each value's words joined by `, `).
    pub original: String,
    /// The resolved value (for a list, the array of values).
    pub resolved: Value,
}

/// The intent a text matched.
#[derive(Debug, Clone, PartialEq)]
pub struct IntentMatch {
    /// The intent's display name.
    pub display_name: String,
    /// The confidence, 0..=1: 1 for an exact, normalised or template match, else the similarity.
    pub confidence: f64,
    /// The parameters the text filled, in the intent's order; those it did not fill are absent.
    pub parameters: Vec<MatchedParameter>,
}

/// The agent's intents and entity types, prepared for matching.
#[derive(Debug)]
pub struct Nlu {
    intents: Vec<CompiledIntent>,
    weights: HashMap<String, Weights>,
    custom: HashMap<String, CustomType>,
    warnings: Vec<String>,
}

/// The longest text, in words, matched against template phrases. Where a slot ends is found by
/// trying each end, so two slots side by side cost the square of the words; no training
/// phrase is near this long, and a longer text is matched by similarity alone.
const TEMPLATE_WORDS: usize = 40;

/// How a phrase matched: the stage (3 exact, 2 normalised, 1 template, 0 similarity) and score.
type Rank = (u8, f64);

impl Nlu {
    /// Prepares `intents` (their training phrases per language) and `entity_types` (by display
    /// name, as parameters refer to them with `@name`). A regexp entity that does not compile
    /// never matches and is listed in [`Nlu::warnings`].
    pub fn new(intents: &[Intent], entity_types: &[EntityType]) -> Self {
        let (intents, weights) = intents::compile(intents);
        let mut warnings = Vec::new();
        let custom = entity_types
            .iter()
            .map(|entity_type| {
                (
                    entity_type.display_name.clone(),
                    CustomType::new(entity_type, &mut warnings),
                )
            })
            .collect();
        Self {
            intents,
            weights,
            custom,
            warnings,
        }
    }

    /// What could not be prepared: regexp entities that do not compile.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Whether `entity_type` (`@sys.date`, `@destination`) is one this module can extract.
    pub fn is_supported(&self, entity_type: &str) -> bool {
        let probe = Input::new("", "en", Date::constant(2000, 1, 1));
        self.hits(entity_type, &probe).is_some()
    }

    /// The intent `text` matches in `language`, among the intents named in `candidates`, with
    /// a confidence of at least `threshold` (the flow's `nluSettings.classificationThreshold`;
    /// CX's default is 0.3); `None` when nothing matches, or the Default Negative Intent
    /// matches at least as well. `today` is the day relative dates in parameters count from.
    pub fn match_intent<S: AsRef<str>>(
        &self,
        text: &str,
        language: &str,
        today: Date,
        candidates: &[S],
        threshold: f64,
    ) -> Option<IntentMatch> {
        let input = Input::new(text, language, today);
        let weights = self.weights.get(&input.language)?;
        let norm = normalize(text);
        let slots: Vec<String> = weights
            .slot_types
            .iter()
            .filter(|slot_type| {
                self.hits(slot_type, &input)
                    .is_some_and(|hits| !hits.is_empty())
            })
            .map(|slot_type| slot_feature(slot_type))
            .collect();
        let features = weights.features(text, &slots);
        let in_scope = |intent: &&CompiledIntent| {
            intent.negative || candidates.iter().any(|name| name.as_ref() == intent.name)
        };
        let mut best: Option<(Rank, &CompiledIntent, &Phrase)> = None;
        let mut negative: Option<Rank> = None;
        for intent in self.intents.iter().filter(in_scope) {
            for phrase in intent.phrases.get(&input.language).into_iter().flatten() {
                let rank: Rank = if phrase.raw == text.trim() {
                    (3, 1.0)
                } else if phrase.norm == norm && !norm.is_empty() {
                    (2, 1.0)
                } else if self.template(intent, phrase, &input).is_some() {
                    (1, 1.0)
                } else {
                    (0, weights.similarity(&features, phrase))
                };
                if intent.negative {
                    if negative.is_none_or(|held| rank > held) {
                        negative = Some(rank);
                    }
                    continue;
                }
                let better = match &best {
                    None => true,
                    Some((held, holder, _)) => {
                        rank.0 > held.0
                            || (rank.0 == held.0 && rank.1 > held.1)
                            || (rank == *held && intent.priority > holder.priority)
                    }
                };
                if better {
                    best = Some((rank, intent, phrase));
                }
            }
        }
        let (rank, intent, phrase) = best?;
        if rank.1 < threshold || negative.is_some_and(|held| held >= rank) {
            return None;
        }
        let parameters = match self.template(intent, phrase, &input) {
            Some(slots) => slots,
            None => self.scan_parameters(intent, &input),
        };
        Some(IntentMatch {
            display_name: intent.name.clone(),
            confidence: rank.1,
            parameters,
        })
    }

    /// The preferred value of `entity_type` in `text` (for `isList` parameters see
    /// [`Nlu::extract_list`]); `None` when there is none or the type is not supported.
    pub fn extract(
        &self,
        entity_type: &str,
        text: &str,
        language: &str,
        today: Date,
    ) -> Option<Extracted> {
        let input = Input::new(text, language, today);
        let hit = self.hits(entity_type, &input)?.into_iter().next()?;
        Some(extracted(text, hit))
    }

    /// Every value of `entity_type` in `text`, in the order they were said, none overlapping.
    pub fn extract_list(
        &self,
        entity_type: &str,
        text: &str,
        language: &str,
        today: Date,
    ) -> Vec<Extracted> {
        let input = Input::new(text, language, today);
        let mut hits = non_overlapping(self.hits(entity_type, &input).unwrap_or_default(), &[]);
        hits.sort_by_key(|hit| hit.start);
        hits.into_iter().map(|hit| extracted(text, hit)).collect()
    }

    /// The hits of an entity type in the input, preferred first; `None` for an unknown type.
    fn hits(&self, entity_type: &str, input: &Input<'_>) -> Option<Vec<Hit>> {
        let name = entity_type.trim_start_matches('@');
        match name.strip_prefix("sys.") {
            Some(system) => system::find(system, input),
            None => Some(
                self.custom
                    .get(name)?
                    .find(input.text, &input.tokens, &input.language),
            ),
        }
    }

    /// Whether the input's words `from..to` are, all of them, one value of `entity_type`.
    fn whole_value(
        &self,
        entity_type: &str,
        input: &Input<'_>,
        from: usize,
        to: usize,
    ) -> Option<Hit> {
        let (start, end) = (input.tokens[from].start, input.tokens[to - 1].end);
        let part = Input::new(&input.text[start..end], &input.language, input.today);
        let hit = self
            .hits(entity_type, &part)?
            .into_iter()
            .find(|hit| hit.start == 0 && hit.end == end - start)?;
        Some(Hit {
            start,
            end,
            resolved: hit.resolved,
        })
    }

    /// The parameters of a template phrase the input matches, or `None` when it does not.
    fn template(
        &self,
        intent: &CompiledIntent,
        phrase: &Phrase,
        input: &Input<'_>,
    ) -> Option<Vec<MatchedParameter>> {
        if phrase.template.is_empty() || input.tokens.len() > TEMPLATE_WORDS {
            return None;
        }
        let mut slots = Vec::new();
        if !self.match_segments(intent, &phrase.template, input, 0, &mut slots) {
            return None;
        }
        let mut filled: Vec<(usize, Vec<Hit>)> = Vec::new();
        for (index, hit) in slots {
            match filled.iter_mut().find(|(held, _)| *held == index) {
                Some((_, hits)) if intent.parameters[index].is_list => hits.push(hit),
                Some(_) => {}
                None => filled.push((index, vec![hit])),
            }
        }
        filled.sort_by_key(|(index, _)| *index);
        Some(
            filled
                .into_iter()
                .map(|(index, hits)| parameter(&intent.parameters[index], input.text, hits))
                .collect(),
        )
    }

    /// Matches `segments` against the input's words from `at` to the end, slot values pushed
    /// onto `slots` (backtracking over where each slot ends).
    fn match_segments(
        &self,
        intent: &CompiledIntent,
        segments: &[Segment],
        input: &Input<'_>,
        at: usize,
        slots: &mut Vec<(usize, Hit)>,
    ) -> bool {
        let tokens = &input.tokens;
        match segments.split_first() {
            None => at == tokens.len(),
            Some((Segment::Words(words), rest)) => {
                let end = at + words.len();
                end <= tokens.len()
                    && tokens[at..end]
                        .iter()
                        .zip(words)
                        .all(|(token, word)| token.norm == *word)
                    && self.match_segments(intent, rest, input, end, slots)
            }
            Some((Segment::Slot(index), rest)) => {
                let next_word = match rest.first() {
                    Some(Segment::Words(words)) => words.first(),
                    _ => None,
                };
                let ends: Vec<usize> = if rest.is_empty() {
                    vec![tokens.len()]
                } else {
                    (at + 1..tokens.len())
                        .filter(|&end| next_word.is_none_or(|word| tokens[end].norm == *word))
                        .collect()
                };
                let entity_type = &intent.parameters[*index].entity_type;
                for end in ends {
                    if end <= at {
                        continue;
                    }
                    let Some(hit) = self.whole_value(entity_type, input, at, end) else {
                        continue;
                    };
                    slots.push((*index, hit));
                    if self.match_segments(intent, rest, input, end, slots) {
                        return true;
                    }
                    slots.pop();
                }
                false
            }
        }
    }

    /// Each parameter's values found by scanning the whole input, in parameter order, none
    /// taking words an earlier one took; `@sys.any` parameters are left unfilled.
    fn scan_parameters(&self, intent: &CompiledIntent, input: &Input<'_>) -> Vec<MatchedParameter> {
        let mut taken: Vec<Hit> = Vec::new();
        let mut filled = Vec::new();
        for declared in &intent.parameters {
            if declared.entity_type == "@sys.any" {
                continue;
            }
            let mut hits = non_overlapping(
                self.hits(&declared.entity_type, input).unwrap_or_default(),
                &taken,
            );
            if !declared.is_list {
                hits.truncate(1);
            }
            if hits.is_empty() {
                continue;
            }
            hits.sort_by_key(|hit| hit.start);
            taken.extend(hits.iter().cloned());
            filled.push(parameter(declared, input.text, hits));
        }
        filled
    }
}

/// `hits` in their order, those overlapping an earlier one or one of `taken` left out.
fn non_overlapping(hits: Vec<Hit>, taken: &[Hit]) -> Vec<Hit> {
    let mut kept: Vec<Hit> = Vec::new();
    for hit in hits {
        if !kept
            .iter()
            .chain(taken)
            .any(|other| hit.start < other.end && other.start < hit.end)
        {
            kept.push(hit);
        }
    }
    kept
}

/// An extracted value from a hit in `text`.
fn extracted(text: &str, hit: Hit) -> Extracted {
    Extracted {
        original: text[hit.start..hit.end].to_owned(),
        resolved: hit.resolved,
    }
}

/// A matched parameter from its hits in `text` (one unless the parameter is a list).
fn parameter(
    declared: &crate::model::IntentParameter,
    text: &str,
    hits: Vec<Hit>,
) -> MatchedParameter {
    let originals: Vec<&str> = hits.iter().map(|hit| &text[hit.start..hit.end]).collect();
    let original = originals.join(", ");
    let mut values: Vec<Value> = hits.into_iter().map(|hit| hit.resolved).collect();
    let resolved = if declared.is_list {
        Value::Array(values)
    } else {
        values.swap_remove(0)
    };
    MatchedParameter {
        id: declared.id.clone(),
        entity_type: declared.entity_type.clone(),
        is_list: declared.is_list,
        original,
        resolved,
    }
}

#[cfg(test)]
mod tests;
