//! Numbers in digits and in words, English and German.
//!
//! Digits follow the language's separators: `1,000.5` in English, `1.000,5` in German. Words
//! cover the cardinals a caller says: `twenty one`, `a hundred and five`, `three thousand`, and
//! German compounds written as one word (`einundzwanzig`, `zweihundertfünf`).

use std::sync::LazyLock;

use regex::Regex;

use super::text::Token;

/// A number found in a text: its byte span and value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NumberSpan {
    /// Byte offset of the first character.
    pub(crate) start: usize,
    /// Byte offset just past the last character.
    pub(crate) end: usize,
    /// The value.
    pub(crate) value: f64,
}

/// Digits with English separators: thousands by comma, decimals by point.
static DIGITS_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w.,])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\b").expect("valid")
});

/// Digits with German separators: thousands by point, decimals by comma.
static DIGITS_DE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w.,])(-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?)\b").expect("valid")
});

/// Every number in `text`, digits and words, in order, none overlapping.
pub(crate) fn find_numbers(text: &str, tokens: &[Token], language: &str) -> Vec<NumberSpan> {
    let german = language == "de";
    let digits = if german { &*DIGITS_DE } else { &*DIGITS_EN };
    let mut found: Vec<NumberSpan> = digits
        .captures_iter(text)
        .filter_map(|captures| {
            let number = captures.get(1)?;
            let plain: String = number
                .as_str()
                .chars()
                .filter_map(|c| match c {
                    ',' if german => Some('.'),
                    '.' if german => None,
                    ',' => None,
                    other => Some(other),
                })
                .collect();
            let value = plain.parse().ok()?;
            Some(NumberSpan {
                start: number.start(),
                end: number.end(),
                value,
            })
        })
        .collect();
    let mut index = 0;
    while index < tokens.len() {
        let parsed = if german {
            german_words(tokens, index)
        } else {
            english_words(tokens, index)
        };
        match parsed {
            Some((value, used)) => {
                let (start, end) = (tokens[index].start, tokens[index + used - 1].end);
                if !found
                    .iter()
                    .any(|other| other.start < end && start < other.end)
                {
                    found.push(NumberSpan { start, end, value });
                }
                index += used;
            }
            None => index += 1,
        }
    }
    found.sort_by_key(|number| number.start);
    found
}

/// The value of a number written as one word or as digits (`two`, `zwei`, `12`).
pub(crate) fn word_value(word: &str, language: &str) -> Option<u64> {
    if let Ok(value) = word.parse() {
        return Some(value);
    }
    if language == "de" {
        german_compound(word)
    } else {
        english_small(word)
    }
}

/// English words from zero to ninety.
fn english_small(word: &str) -> Option<u64> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(value) = UNITS.iter().position(|unit| *unit == word) {
        return Some(value as u64);
    }
    TENS.iter()
        .position(|ten| *ten == word)
        .map(|index| (index as u64 + 2) * 10)
}

/// English number words from `tokens[index]`: the value and how many tokens it took.
fn english_words(tokens: &[Token], index: usize) -> Option<(f64, usize)> {
    let (mut total, mut current, mut used, mut any) = (0u64, 0u64, 0usize, false);
    let scale = |word: &str| match word {
        "hundred" => Some(100),
        "thousand" => Some(1_000),
        "million" => Some(1_000_000),
        _ => None,
    };
    while let Some(token) = tokens.get(index + used) {
        let word = token.norm.as_str();
        let next = tokens.get(index + used + 1).map(|next| next.norm.as_str());
        if let Some(value) = english_small(word) {
            current = current.saturating_add(value);
        } else if let Some(multiplier) = scale(word) {
            if !any {
                return None;
            }
            if multiplier == 100 {
                current = current.max(1).saturating_mul(100);
            } else {
                total = total.saturating_add(current.max(1).saturating_mul(multiplier));
                current = 0;
            }
        } else if (word == "a" || word == "an") && !any && next.and_then(scale).is_some() {
            current = 1;
        } else if !(word == "and" && any && next.and_then(english_small).is_some()) {
            break;
        }
        any = true;
        used += 1;
    }
    // A lone "a" or a trailing "and" are not numbers.
    while used > 0 && matches!(tokens[index + used - 1].norm.as_str(), "a" | "an" | "and") {
        used -= 1;
    }
    (used > 0).then_some((total.saturating_add(current) as f64, used))
}

/// German number words: each token one compound (`einundzwanzig`), `eine Million` as two.
fn german_words(tokens: &[Token], index: usize) -> Option<(f64, usize)> {
    let first = german_compound(&tokens[index].norm)?;
    match tokens.get(index + 1).map(|token| token.norm.as_str()) {
        Some("million" | "millionen") => Some((first as f64 * 1e6, 2)),
        _ => Some((first as f64, 1)),
    }
}

/// A German cardinal written as one word, up to 999 999.
fn german_compound(word: &str) -> Option<u64> {
    const UNITS: [&str; 13] = [
        "null", "eins", "zwei", "drei", "vier", "funf", "sechs", "sieben", "acht", "neun", "zehn",
        "elf", "zwolf",
    ];
    const TEENS: [(&str, u64); 7] = [
        ("dreizehn", 13),
        ("vierzehn", 14),
        ("funfzehn", 15),
        ("sechzehn", 16),
        ("siebzehn", 17),
        ("achtzehn", 18),
        ("neunzehn", 19),
    ];
    const TENS: [(&str, u64); 9] = [
        ("zwanzig", 20),
        ("dreißig", 30),
        ("dreissig", 30),
        ("vierzig", 40),
        ("funfzig", 50),
        ("sechzig", 60),
        ("siebzig", 70),
        ("achtzig", 80),
        ("neunzig", 90),
    ];
    let unit = |part: &str| -> Option<u64> {
        match part {
            "ein" | "eine" | "einen" | "einem" | "einer" => Some(1),
            _ => UNITS
                .iter()
                .position(|unit| *unit == part)
                .map(|value| value as u64),
        }
    };
    let below_hundred = |part: &str| -> Option<u64> {
        if let Some(value) = unit(part) {
            return Some(value);
        }
        if let Some((_, value)) = TEENS
            .iter()
            .chain(TENS.iter())
            .find(|(name, _)| *name == part)
        {
            return Some(*value);
        }
        let (ones, tens) = part.split_once("und")?;
        let tens = TENS.iter().find(|(name, _)| *name == tens)?.1;
        Some(unit(ones).filter(|value| (1..10).contains(value))? + tens)
    };
    let below_thousand = |part: &str| -> Option<u64> {
        match part.split_once("hundert") {
            Some((hundreds, rest)) => {
                let hundreds = if hundreds.is_empty() {
                    1
                } else {
                    unit(hundreds)?
                };
                let rest = if rest.is_empty() {
                    0
                } else {
                    below_hundred(rest.trim_start_matches("und"))?
                };
                Some(hundreds * 100 + rest)
            }
            None => below_hundred(part),
        }
    };
    match word.split_once("tausend") {
        Some((thousands, rest)) => {
            let thousands = if thousands.is_empty() {
                1
            } else {
                below_thousand(thousands)?
            };
            let rest = if rest.is_empty() {
                0
            } else {
                below_thousand(rest.trim_start_matches("und"))?
            };
            Some(thousands * 1000 + rest)
        }
        None => below_thousand(word),
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenize;
    use super::*;

    fn values(text: &str, language: &str) -> Vec<f64> {
        find_numbers(text, &tokenize(text), language)
            .iter()
            .map(|n| n.value)
            .collect()
    }

    #[test]
    fn english_digits_and_words() {
        assert_eq!(values("we are 4", "en"), [4.0]);
        assert_eq!(values("1,250.5 and -3", "en"), [1250.5, -3.0]);
        assert_eq!(values("twenty one divers", "en"), [21.0]);
        assert_eq!(values("a hundred and five", "en"), [105.0]);
        assert_eq!(values("three thousand two hundred", "en"), [3200.0]);
        assert_eq!(values("eight or nine", "en"), [8.0, 9.0]);
        assert_eq!(values("a table for a while", "en"), Vec::<f64>::new());
    }

    #[test]
    fn german_digits_and_compounds() {
        assert_eq!(values("1.000,5 Euro", "de"), [1000.5]);
        assert_eq!(values("wir sind einundzwanzig", "de"), [21.0]);
        assert_eq!(values("zweihundertfünf", "de"), [205.0]);
        assert_eq!(values("dreitausendeinhundertzwölf", "de"), [3112.0]);
        assert_eq!(values("sechzehn und siebzehn", "de"), [16.0, 17.0]);
        assert_eq!(values("eine Million", "de"), [1e6]);
    }
}
