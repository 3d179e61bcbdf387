//! A text in several languages, for what the server says by itself: the fallbacks of a
//! failed handler, of a call out of time and of a tag no handler serves.
//!
//! It is a list of texts by language subtag rather than a message catalog: those three
//! sentences take no arguments and no plural forms, and the core depends on no localisation
//! library (a server that builds its texts from one, as `cxhook serve` does from its Fluent
//! catalogs, hands them over as a `Localized`). A call's language is matched the way those
//! catalogs match it, by the language subtag of its `languageCode`, so a call hears the
//! integrations' sentences and the server's own in the same language.
//!
//! Matching compares bytes without regard to case and allocates nothing; the layers that
//! answer with these texts build one reply per language when they are configured, so a
//! failure in German costs what one in English does.

use cxhook_types::WebhookRequest;

/// A text with translations, picked by a call's language: what the recover and deadline
/// layers and the unknown-tag fallback say, in the caller's language
/// ([`RecoverLayer::with_texts`](crate::middleware::RecoverLayer::with_texts),
/// [`DeadlineLayer::texts`](crate::middleware::DeadlineLayer::texts),
/// [`Fallback::text`](crate::Fallback::text)).
///
/// A call's language (the resolved language of its request, else its `languageCode`) is
/// matched by its language subtag without regard to case: `de-AT` takes the text of `de`;
/// a language without a text of its own takes the default. The match allocates nothing.
///
/// ```
/// use cxhook::Localized;
///
/// let sorry = Localized::new("Sorry, something went wrong.")
///     .with("de", "Entschuldigung, da ist etwas schiefgegangen.");
/// assert_eq!(sorry.get("de-AT"), "Entschuldigung, da ist etwas schiefgegangen.");
/// assert_eq!(sorry.get("it"), "Sorry, something went wrong.");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    /// What a language without a text of its own gets.
    default: Box<str>,
    /// By lowercase language subtag, each subtag once.
    languages: Vec<(Box<str>, Box<str>)>,
}

impl Localized {
    /// `default` in every language.
    pub fn new(default: impl Into<String>) -> Self {
        Self {
            default: default.into().into_boxed_str(),
            languages: Vec::new(),
        }
    }

    /// Also `text` for calls in `language`, a language subtag (`de`) or a tag whose subtag is
    /// taken (`de-DE` gives `de`); replaces the text that language had.
    #[must_use]
    pub fn with(mut self, language: &str, text: impl Into<String>) -> Self {
        let language = language_subtag(language)
            .to_ascii_lowercase()
            .into_boxed_str();
        let text = text.into().into_boxed_str();
        match self.languages.iter_mut().find(|(l, _)| *l == language) {
            Some((_, existing)) => *existing = text,
            None => self.languages.push((language, text)),
        }
        self
    }

    /// The text of languages without one of their own.
    pub fn default_text(&self) -> &str {
        &self.default
    }

    /// The text for a call in `language_code` (a BCP 47 tag such as `de-AT`): its language
    /// subtag's, else the default.
    pub fn get(&self, language_code: &str) -> &str {
        match self.position(language_code) {
            Some(i) => &self.languages[i].1,
            None => &self.default,
        }
    }

    /// The languages with a text of their own, and the texts, in the order they were added.
    pub fn languages(&self) -> impl Iterator<Item = (&str, &str)> {
        self.languages.iter().map(|(l, t)| (&**l, &**t))
    }

    /// Whether some text, the default or a translation, is blank.
    pub(crate) fn has_blank(&self) -> bool {
        std::iter::once(&*self.default)
            .chain(self.languages.iter().map(|(_, t)| &**t))
            .any(|t| t.trim().is_empty())
    }

    /// Every text, the default first, then each language's in order: what
    /// [`Localized::index`] indexes.
    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&*self.default).chain(self.languages.iter().map(|(_, t)| &**t))
    }

    /// Where the text for `request`'s language is in [`Localized::texts`]: 0 for the default.
    pub(crate) fn index(&self, request: &WebhookRequest) -> usize {
        if self.languages.is_empty() {
            return 0;
        }
        self.position(request.language()).map_or(0, |i| i + 1)
    }

    /// Which of `languages` answers `language_code`.
    fn position(&self, language_code: &str) -> Option<usize> {
        let wanted = language_subtag(language_code);
        self.languages
            .iter()
            .position(|(language, _)| language.eq_ignore_ascii_case(wanted))
    }
}

impl From<&str> for Localized {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Localized {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

/// The language subtag of a BCP 47 tag (`de` of `de-AT`, `en` of `en_GB`), trimmed and as
/// written: callers compare it without regard to case. What [`Localized`] and the
/// integrations' message catalogs match a call's `languageCode` by.
pub fn language_subtag(language_code: &str) -> &str {
    language_code
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(language: &str) -> WebhookRequest {
        WebhookRequest {
            language_code: language.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn a_call_takes_its_language_subtags_text_else_the_default() {
        let texts = Localized::new("Sorry.")
            .with("DE", "Entschuldigung.")
            .with("fr-FR", "Désolé.")
            .with("de", "Tut mir leid.");
        assert_eq!(texts.get("de-AT"), "Tut mir leid.");
        assert_eq!(texts.get("De_ch"), "Tut mir leid.");
        assert_eq!(texts.get("fr"), "Désolé.");
        assert_eq!(texts.get("en-GB"), "Sorry.");
        assert_eq!(texts.get(""), "Sorry.");
        assert_eq!(
            texts.languages().collect::<Vec<_>>(),
            [("de", "Tut mir leid."), ("fr", "Désolé.")]
        );
        let all: Vec<&str> = texts.texts().collect();
        assert_eq!(all[texts.index(&request("fr-CA"))], "Désolé.");
        assert_eq!(all[texts.index(&request("es"))], "Sorry.");
        assert_eq!(Localized::from("Hi").index(&request("de")), 0);
        assert!(!texts.has_blank());
        assert!(texts.with("es", " ").has_blank());
    }
}
