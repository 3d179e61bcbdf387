//! The system entities (`@sys.*`): what each one finds in a text and what it resolves to. The
//! table in the module above lists them.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use super::datetime::Calendar;
use super::gazetteer::{CITY, COUNTRY, Gazetteer, STATE};
use super::input::{Hit, Input};
use super::numbers::find_numbers;

/// An e-mail address.
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}").expect("valid"));

/// A phone number: digits with the usual separators, a `+` allowed in front.
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\+|\b)\d[\d ().-]{4,}\d\b").expect("valid"));

/// A postal code: 4 or 5 digits (ZIP+4 allowed), or a British postcode.
static ZIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{4,5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b").expect("valid")
});

/// A name after a phrase that introduces one, whatever its case.
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:my name is|my name's|call me|mein name ist|ich hei(?:ß|ss)e)\s+(\p{L}[\p{L}'-]*(?:\s+\p{L}[\p{L}'-]*){0,2})")
        .expect("valid")
});

/// A capitalised name after a phrase that may introduce one.
static INTRODUCED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?i:i am|i'm|this is|it's|ich bin|hier ist)\s+(\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*){0,2})")
        .expect("valid")
});

/// Words that end a name (`my name is Ann and …`).
const AFTER_NAME: &[&str] = &[
    "and", "und", "i", "ich", "from", "aus", "please", "bitte", "but", "aber",
];

/// Words that are capitalised at the start of a sentence or always, but name nobody and
/// nothing: an answer of them is no name, and an address does not start with them.
const COMMON_WORDS: &[&str] = &[
    "i", "a", "an", "the", "my", "our", "this", "that", "it", "we", "you", "yes", "no", "not",
    "hi", "hello", "hey", "ok", "okay", "thanks", "sure", "please", "ja", "nein", "ich", "wir",
    "der", "die", "das", "mein", "meine", "hallo", "danke", "bitte",
];

/// Words that name a street, road or square.
const STREET_WORDS: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "way",
    "parkway",
    "pkwy",
    "court",
    "ct",
    "place",
    "pl",
    "terrace",
    "highway",
    "hwy",
    "square",
    "crescent",
    "close",
    "strasse",
    "straße",
    "str",
    "weg",
    "platz",
    "allee",
    "gasse",
];

/// Endings of German street names written as one word (`Hauptstraße`).
const STREET_SUFFIXES: &[&str] = &[
    "strasse", "straße", "str", "weg", "platz", "allee", "gasse", "damm",
];

/// Words after which capitalised words are taken for a place.
const PLACE_CUES: &[&str] = &["in", "from", "to", "near", "nach", "aus", "bei", "around"];

/// The hits of `entity` (the name after `@sys.`) in the input, preferred first; `None` when the
/// system entity is not supported.
pub(crate) fn find(entity: &str, input: &Input<'_>) -> Option<Vec<Hit>> {
    let calendar = || Calendar::new(input.text, &input.tokens, &input.language, input.today);
    let hits = match entity {
        "any" => any(input.text),
        "number" => numbers(input, false),
        "number-integer" | "cardinal" => numbers(input, true),
        "date" => calendar().dates(),
        "date-period" => calendar().periods(),
        "time" => calendar().times(),
        "date-time" => calendar().date_times(),
        "duration" => calendar().durations(),
        "email" => matches(&EMAIL, input.text, |_| true),
        "phone-number" => matches(&PHONE, input.text, |found| {
            (7..=15).contains(&found.chars().filter(char::is_ascii_digit).count())
        }),
        "zip-code" => matches(&ZIP, input.text, |_| true),
        "person" => person(input),
        "geo-city" => city(input),
        "geo-country" => listed(&COUNTRY, input),
        "geo-state" => listed(&STATE, input),
        "address" => addresses(input),
        "location" => location(input),
        _ => return None,
    };
    Some(hits)
}

/// `@sys.any`: the whole text, trimmed.
fn any(text: &str) -> Vec<Hit> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    let start = text.len() - text.trim_start().len();
    vec![Hit {
        start,
        end: start + trimmed.len(),
        resolved: Value::from(trimmed),
    }]
}

/// `@sys.number` and `@sys.number-integer`: numbers as doubles, as the wire carries them.
fn numbers(input: &Input<'_>, integer: bool) -> Vec<Hit> {
    find_numbers(input.text, &input.tokens, &input.language)
        .into_iter()
        .filter(|number| !integer || number.value.fract() == 0.0)
        .map(|number| Hit {
            start: number.start,
            end: number.end,
            resolved: Value::from(number.value),
        })
        .collect()
}

/// Every match of `pattern` that `accept` keeps, resolved to the matched text.
fn matches(pattern: &Regex, text: &str, accept: impl Fn(&str) -> bool) -> Vec<Hit> {
    pattern
        .find_iter(text)
        .filter(|found| accept(found.as_str()))
        .map(|found| Hit {
            start: found.start(),
            end: found.end(),
            resolved: Value::from(found.as_str()),
        })
        .collect()
}

/// Whether the input word at token `index` starts with a capital letter.
fn capitalised(input: &Input<'_>, index: usize) -> bool {
    input.tokens.get(index).is_some_and(|token| {
        input.text[token.start..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    })
}

/// Whether the whole input is one to three capitalised words, as a short answer naming
/// someone or something is.
fn only_capitalised_words(input: &Input<'_>) -> bool {
    let count = input.tokens.len();
    (1..=3).contains(&count)
        && (0..count).all(|index| capitalised(input, index))
        && !input
            .tokens
            .iter()
            .any(|token| COMMON_WORDS.contains(&token.norm.as_str()))
        && input
            .tokens
            .iter()
            .all(|token| token.norm.chars().all(char::is_alphabetic))
}

/// `@sys.person`: `{name}`, from "my name is …", "I'm …" or an answer of capitalised words.
fn person(input: &Input<'_>) -> Vec<Hit> {
    let text = input.text;
    let mut hits: Vec<Hit> = NAMED
        .captures_iter(text)
        .chain(INTRODUCED.captures_iter(text))
        .filter_map(|captures| {
            let name = captures.get(1)?;
            let (mut taken, mut end) = (0, name.start());
            for word in name.as_str().split_whitespace() {
                if AFTER_NAME.contains(&word.to_lowercase().as_str()) {
                    break;
                }
                taken += name.as_str()[taken..].find(word)? + word.len();
                end = name.start() + taken;
            }
            (end > name.start()).then(|| {
                let found = &text[name.start()..end];
                Hit {
                    start: name.start(),
                    end,
                    resolved: json!({ "name": found }),
                }
            })
        })
        .collect();
    hits.sort_by_key(|hit| hit.start);
    if hits.is_empty() && only_capitalised_words(input) {
        hits.extend(any(text).into_iter().map(|hit| Hit {
            resolved: json!({ "name": hit.resolved }),
            ..hit
        }));
    }
    hits
}

/// The names of `gazetteer` in the input, resolved to their listed names.
fn listed(gazetteer: &Gazetteer, input: &Input<'_>) -> Vec<Hit> {
    gazetteer
        .find(&input.tokens)
        .into_iter()
        .map(|(from, to, name)| Hit {
            start: input.tokens[from].start,
            end: input.tokens[to - 1].end,
            resolved: Value::from(name),
        })
        .collect()
}

/// `@sys.geo-city`: listed cities; else capitalised words after a place cue ("in", "from",
/// "nach") that are no listed country or state; else an answer of capitalised words.
fn city(input: &Input<'_>) -> Vec<Hit> {
    let hits = listed(&CITY, input);
    if !hits.is_empty() {
        return hits;
    }
    let known: Vec<(usize, usize)> = COUNTRY
        .find(&input.tokens)
        .into_iter()
        .chain(STATE.find(&input.tokens))
        .map(|(from, to, _)| (from, to))
        .collect();
    let tokens = &input.tokens;
    for cue in 0..tokens.len() {
        if !PLACE_CUES.contains(&tokens[cue].norm.as_str()) || !capitalised(input, cue + 1) {
            continue;
        }
        let from = cue + 1;
        let to = (from..tokens.len().min(from + 3))
            .take_while(|&index| capitalised(input, index))
            .last()
            .unwrap_or(from)
            + 1;
        if known.iter().any(|&(a, b)| a < to && from < b) {
            continue;
        }
        let name = &input.text[tokens[from].start..tokens[to - 1].end];
        return vec![Hit {
            start: tokens[from].start,
            end: tokens[to - 1].end,
            resolved: Value::from(name),
        }];
    }
    if only_capitalised_words(input) && known.is_empty() {
        any(input.text)
    } else {
        Vec::new()
    }
}

/// Whether token `index` names a street (`Street`, `Rd`, `Hauptstraße`).
fn street_word(input: &Input<'_>, index: usize) -> bool {
    let word = input.tokens[index].norm.as_str();
    STREET_WORDS.contains(&word)
        || STREET_SUFFIXES.iter().any(|suffix| {
            word.len() > suffix.len() + 2 && word.ends_with(suffix) && capitalised(input, index)
        })
}

/// Whether token `index` is a number (a house number, a postcode).
fn number_word(input: &Input<'_>, index: usize) -> bool {
    input
        .tokens
        .get(index)
        .is_some_and(|token| token.norm.starts_with(|c: char| c.is_ascii_digit()))
}

/// `@sys.address`: a street (a street word with the capitalised words or house number before
/// it, `123 Main St`, `Lt Bourke St`, `Hauptstraße 5`), continued after a comma by capitalised
/// words and numbers (`, Springfield, IL 62704`). Resolved to the text.
fn addresses(input: &Input<'_>) -> Vec<Hit> {
    let tokens = &input.tokens;
    let mut hits = Vec::new();
    let mut next = 0;
    for index in 0..tokens.len() {
        if index < next || !street_word(input, index) {
            continue;
        }
        let mut from = index;
        while from > next
            && index - from < 4
            && (capitalised(input, from - 1) || number_word(input, from - 1))
            && !street_word(input, from - 1)
            && !COMMON_WORDS.contains(&tokens[from - 1].norm.as_str())
        {
            from -= 1;
        }
        let compound = !STREET_WORDS.contains(&tokens[index].norm.as_str());
        if from == index && !compound {
            continue;
        }
        let mut to = index + 1;
        if number_word(input, to) {
            to += 1;
        }
        while to < tokens.len()
            && input.text[tokens[to - 1].end..tokens[to].start].contains(',')
            && (capitalised(input, to) || number_word(input, to))
        {
            to += 1;
            while to < tokens.len()
                && input.text[tokens[to - 1].end..tokens[to].start]
                    .trim()
                    .is_empty()
                && (capitalised(input, to) || number_word(input, to))
            {
                to += 1;
            }
        }
        let (start, end) = (tokens[from].start, tokens[to - 1].end);
        hits.push(Hit {
            start,
            end,
            resolved: Value::from(&input.text[start..end]),
        });
        next = to;
    }
    hits
}

/// `@sys.location`: an object of the parts found: `street-address`, `city`, `admin-area`,
/// `country`, `zip-code`; the original is the text from the first part to the last.
fn location(input: &Input<'_>) -> Vec<Hit> {
    let parts = [
        ("street-address", addresses(input)),
        ("city", listed(&CITY, input)),
        ("admin-area", listed(&STATE, input)),
        ("country", listed(&COUNTRY, input)),
        ("zip-code", matches(&ZIP, input.text, |_| true)),
    ];
    let mut fields = Map::new();
    let (mut start, mut end) = (usize::MAX, 0);
    for (key, hits) in parts {
        if let Some(hit) = hits.into_iter().next() {
            start = start.min(hit.start);
            end = end.max(hit.end);
            fields.insert(key.to_owned(), hit.resolved);
        }
    }
    if fields.is_empty() {
        return Vec::new();
    }
    vec![Hit {
        start,
        end,
        resolved: Value::Object(fields),
    }]
}
