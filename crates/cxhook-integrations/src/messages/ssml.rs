//! SSML variants of catalog messages, for voice channels: the words of a message escaped for
//! XML, with the arguments that read better with markup given as SSML of their own.
//!
//! The variant says the same words as the text (Dialogflow speaks `outputAudioText` instead
//! of the text messages, which chat channels still show), so nothing needs translating
//! twice; the markup is the code's: `<say-as interpret-as="characters">` for a confirmation
//! number, which a voice would otherwise read as a word, and `<break>` between the items of
//! a list. Dates are already words in the caller's language ([`forms`](super::forms)), so
//! they need no `<say-as interpret-as="date">`, whose reading depends on the voice.

use super::{FluentValue, Say};

/// Where an argument's SSML stands while the message is formatted: private-use characters,
/// which no message holds.
fn placeholder(index: usize) -> String {
    format!("\u{e000}{index}\u{e001}")
}

/// `text` escaped for XML.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// `code` spelled out, character by character.
pub(crate) fn characters(code: &str) -> String {
    format!(
        "<say-as interpret-as=\"characters\">{}</say-as>",
        escape(code)
    )
}

/// A pause between the items of a list.
pub(crate) const PAUSE: &str = "<break time=\"300ms\"/>";

impl Say<'_> {
    /// Whether the catalog gives replies an SSML variant.
    pub(crate) fn speaks_ssml(self) -> bool {
        self.messages.speaks_ssml()
    }

    /// Message `id` as SSML (without `<speak>`), like [`Say::text`]: its words escaped,
    /// and each argument named in `markup` given as that SSML instead of its value. An
    /// argument a message selects on must not be in `markup`.
    pub(crate) fn ssml(
        self,
        id: &str,
        arguments: &[(&str, FluentValue<'_>)],
        markup: &[(&str, String)],
    ) -> String {
        let arguments: Vec<(&str, FluentValue<'_>)> = arguments
            .iter()
            .filter(|(name, _)| !markup.iter().any(|(marked, _)| marked == name))
            .cloned()
            .chain(
                markup
                    .iter()
                    .enumerate()
                    .map(|(i, (name, _))| (*name, placeholder(i).into())),
            )
            .collect();
        let mut text = escape(&self.text(id, &arguments));
        for (i, (_, ssml)) in markup.iter().enumerate() {
            text = text.replace(&placeholder(i), ssml);
        }
        text
    }
}

impl Say<'_> {
    /// `items`, SSML each, as an and-list with a pause after each comma.
    pub(crate) fn ssml_and_list(self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => self.ssml(
                "list-and",
                &[],
                &[
                    ("rest", rest.join(&format!(",{PAUSE} "))),
                    ("last", last.clone()),
                ],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Catalog;

    #[test]
    fn the_words_are_escaped_and_the_markup_is_kept() {
        assert_eq!(
            escape("R&D <b> \"x\" l'a"),
            "R&amp;D &lt;b&gt; &quot;x&quot; l&apos;a"
        );
        let catalog = Catalog::new().with_ssml(true);
        let say = Say::new(&catalog, "de");
        assert!(say.speaks_ssml());
        assert!(!Say::new(&Catalog::shipped(), "de").speaks_ssml());
        let ssml = say.ssml(
            "booking-no-longer-active",
            &[("confirmation", "BK-7Q4M2X".into())],
            &[("confirmation", characters("BK-7Q4M2X"))],
        );
        assert_eq!(
            ssml,
            "Diese Buchung (<say-as interpret-as=\"characters\">BK-7Q4M2X</say-as>) ist \
             nicht mehr aktiv. Möchten Sie neu buchen?"
        );
        let ssml = say.ssml(
            "account-transaction",
            &[
                ("description", "Müller & Söhne <GmbH>".into()),
                ("amount", "-3,85 €".into()),
                ("date", "3. Dezember".into()),
            ],
            &[],
        );
        assert_eq!(
            ssml,
            "Müller &amp; Söhne &lt;GmbH&gt; über -3,85 € am 3. Dezember"
        );
    }
}
