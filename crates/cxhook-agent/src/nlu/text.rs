//! Text normalisation and tokens that remember where they came from.
//!
//! Matching compares normalised words (lower case, diacritics removed, punctuation dropped), but
//! what it extracts must be the user's own text (`original`), so every token keeps its byte span
//! in the input.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// A word of the input: its normalised form and where it sits in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// The word lower-cased, without diacritics.
    pub(crate) norm: String,
    /// Byte offset of the word's first character in the input.
    pub(crate) start: usize,
    /// Byte offset just past the word's last character.
    pub(crate) end: usize,
}

/// Folds one word: NFD decomposition, combining marks dropped, lower case.
fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits `text` into words: runs of letters and digits. Everything else (spaces,
/// punctuation, apostrophes) separates words, so "I'd" is the two words `i` and `d`, on both
/// sides of every comparison.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (index, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(index),
            (false, Some(begin)) => {
                tokens.push(Token {
                    norm: fold(&text[begin..index]),
                    start: begin,
                    end: index,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(begin) = start {
        tokens.push(Token {
            norm: fold(&text[begin..]),
            start: begin,
            end: text.len(),
        });
    }
    tokens
}

/// The normalised form of a whole text: its words folded and joined by single spaces.
pub(crate) fn normalize(text: &str) -> String {
    words(text).join(" ")
}

/// The folded words of a text.
pub(crate) fn words(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|token| token.norm).collect()
}

/// The language's base code, lower case: `en-US` and `en` both become `en`.
pub(crate) fn base_language(language: &str) -> String {
    let base = language.split(['-', '_']).next().unwrap_or(language);
    base.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_case_and_diacritics_and_keep_spans() {
        let text = "Crème Brûlée, BITTE!";
        let tokens = tokenize(text);
        let norms: Vec<&str> = tokens.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(norms, ["creme", "brulee", "bitte"]);
        assert_eq!(&text[tokens[0].start..tokens[1].end], "Crème Brûlée");
        assert_eq!(normalize("  I'd   like it. "), "i d like it");
    }

    #[test]
    fn base_language_drops_the_region() {
        assert_eq!(base_language("en-US"), "en");
        assert_eq!(base_language("de"), "de");
    }
}
