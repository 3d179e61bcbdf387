//! Message catalogs: every sentence the built-in integrations say, by message id, in the
//! caller's language, and reworded by a business without a rebuild.
//!
//! A [`Catalog`] holds one set of messages per language. English, German, French and
//! Spanish ship inside the binary (the `.ftl` files beside this module); a directory of
//! override files ([`Catalog::with_overrides`]) rewords any of them and may add a language.
//! A handler asks for a message by id with its arguments in the language of the call
//! ([`Catalog::say`]):
//!
//! - The language is matched on the request's `languageCode` by its language subtag:
//!   `de-AT` takes `de`, `en-GB` takes `en`. Amounts are not formatted here but by the
//!   caller's full tag ([`money`](crate::accounts::money) gives `en-GB` its `£` and `de`
//!   its `1.250,75 €`), and reach the message as text. Dates, times and lists are catalog
//!   messages too (`date`, `time`, `list-and`, …), given their parts and the caller's
//!   region, so that `en-GB` hears "Thursday 3 December" at "16:00" and `de` "Donnerstag,
//!   3. Dezember" at "16:00 Uhr" (the `forms` module says why these are messages and not
//!   a locale crate, with figures).
//! - A language the catalog does not have is answered in English, still with the numbers
//!   of the caller's tag and the date order and clock of its region.
//! - A message an override file does not have comes from the shipped catalog of its
//!   language, and a message an added language does not have comes from English.
//!
//! # Why Fluent, and which crates
//!
//! Project Fluent's syntax is made for this: a message is a sentence with named arguments,
//! and grammar stays in the translation (`{ $count -> [one] … *[other] … }` with CLDR's
//! plural rules per language), so a German or French translator writes what a native
//! speaker would say without a code change. Its files are plain text a business can edit.
//! Of the Rust crates:
//!
//! - `fluent-bundle` (Mozilla's reference implementation, the one Firefox ships; with
//!   `fluent-syntax` and `unic-langid`, about nine small crates in all) is the low-level
//!   piece, and the one used here. Its `concurrent::FluentBundle` keeps its memoized
//!   plural rules behind a `Mutex`, so a catalog is `Send + Sync` and one instance serves
//!   every tokio worker. `FluentResource::entries` gives the syntax tree of a loaded file,
//!   which is what the override checks below need.
//! - `fluent-templates` (0.15) wraps the same bundles with loaders (`static_loader!`, a
//!   proc macro over a directory; `ArcLoader`, a directory at run time) and
//!   template-engine helpers. `ArcLoader` adds every file with `add_resource`, so a message
//!   defined twice (a shipped one and its override) is an error rather than an override;
//!   its syntax errors carry byte offsets but not the file; and nothing checks an
//!   override's ids and arguments against a reference. With the shipped files four
//!   `include_str!`s here, what is left of it is not worth a proc macro and a directory
//!   walker.
//! - `rust-i18n` (YAML, compile-time) and gettext-style crates have no plural rules per
//!   language in the message itself and no run-time override with an argument check.
//!
//! Fluent's own number formatting is not locale-aware (`NUMBER()` prints `1250.75` in every
//! language), so amounts and dates are formatted by this crate and passed as text; numbers
//! are passed as numbers only where a message selects a plural form on them (counts).
//! Bidirectional isolation marks around arguments are off: replies are plain text read by
//! a chat client or a voice, where U+2068/U+2069 would be noise.
//!
//! # Override files
//!
//! One file per language, named by its language subtag: `de.ftl`, `it.ftl`. Other files in
//! the directory are ignored. At load, each file is parsed and checked against the shipped
//! English catalog, and the load fails with the file and line ([`LoadError`]) on a syntax
//! error, on a message id the shipped catalog does not have, and on a `$variable` the
//! message does not take. An override need not use every argument of the message. A
//! message's arguments are its own variables and those of the messages it takes a piece
//! from (`{ booking-service-a }` in a sentence that names the service), which are
//! formatted with the sentence's arguments; so an override may name the service's
//! `$service` directly, or take the shipped form.
//!
//! The catalogs also hold the server's own fallbacks (`fallback-failure`,
//! `fallback-deadline`, `fallback-unknown-tag`), though `cxhook` says them: the core depends
//! on no localisation library, and takes them as a [`cxhook::Localized`] (a text per
//! language) that `cxhook serve` fills from the catalog, overrides included. So one
//! directory rewords everything a caller hears, and this module stays where the sentences
//! with arguments are.

mod arguments;
mod forms;
mod memo;
mod overrides;
pub(crate) mod ssml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast::Entry;
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentValue;
pub use overrides::LoadError;

/// The shipped catalogs: language subtag and Fluent source, English first.
pub const SHIPPED: [(&str, &str); 4] = [
    ("en", include_str!("catalogs/en.ftl")),
    ("de", include_str!("catalogs/de.ftl")),
    ("fr", include_str!("catalogs/fr.ftl")),
    ("es", include_str!("catalogs/es.ftl")),
];

/// The language every other falls back to.
const FALLBACK: &str = "en";

/// The messages of one language.
type Bundle = FluentBundle<FluentResource>;

/// Message catalogs by language; see the [module docs](self).
pub struct Catalog {
    /// By language subtag (`en`, `de`, …); always has [`FALLBACK`].
    languages: HashMap<String, Bundle>,
    /// Whether replies that read better aloud with markup also carry SSML.
    ssml: bool,
    /// The dates and times said so far.
    forms: memo::Memo,
}

impl Default for Catalog {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("languages", &self.languages())
            .field("ssml", &self.ssml)
            .finish()
    }
}

/// The shipped catalog, parsed once per process.
static SHIPPED_CATALOG: LazyLock<Arc<Catalog>> = LazyLock::new(|| Arc::new(Catalog::build()));

impl Catalog {
    /// The shipped catalogs alone, shared by every caller.
    pub fn shipped() -> Arc<Self> {
        SHIPPED_CATALOG.clone()
    }

    /// The shipped catalogs with the override files of `dir` on top (see the
    /// [module docs](self#override-files)).
    pub fn with_overrides(dir: &Path) -> Result<Self, LoadError> {
        let files = overrides::read(dir, &shipped_arguments())?;
        let mut catalog = Self::build();
        for file in files {
            match catalog.languages.get_mut(&file.language) {
                Some(bundle) => bundle.add_resource_overriding(file.resource),
                None => {
                    let mut bundle = new_bundle(&file.language);
                    bundle.add_resource_overriding(file.resource);
                    catalog.languages.insert(file.language, bundle);
                }
            }
        }
        Ok(catalog)
    }

    /// The shipped catalogs alone, as a catalog of its own (to set [`Catalog::with_ssml`]
    /// on).
    pub fn new() -> Self {
        Self::build()
    }

    /// With `ssml`, the replies that read better aloud with markup (a booking's
    /// confirmation number spelled out, the pauses of a transaction list) also carry an SSML
    /// variant for voice channels (`outputAudioText`), which Dialogflow speaks instead of
    /// the text; chat channels still show the text. Off by default.
    pub fn with_ssml(mut self, ssml: bool) -> Self {
        self.ssml = ssml;
        self
    }

    /// Whether replies carry an SSML variant ([`Catalog::with_ssml`]).
    pub fn speaks_ssml(&self) -> bool {
        self.ssml
    }

    /// The shipped catalogs, parsed.
    fn build() -> Self {
        let languages = SHIPPED
            .iter()
            .map(|(language, source)| {
                let mut bundle = new_bundle(language);
                bundle.add_resource_overriding(shipped_resource(source));
                ((*language).to_owned(), bundle)
            })
            .collect();
        Self {
            languages,
            ssml: false,
            forms: memo::Memo::default(),
        }
    }

    /// The languages the catalog has, by subtag, sorted.
    pub fn languages(&self) -> Vec<&str> {
        let mut languages: Vec<&str> = self.languages.keys().map(String::as_str).collect();
        languages.sort_unstable();
        languages
    }

    /// The language of the catalog that answers a call in `language_code` (a BCP 47 tag
    /// such as `de-AT`): its language subtag when the catalog has it, else English.
    pub fn language_for(&self, language_code: &str) -> &str {
        self.bundle_for(language_code).0
    }

    /// The language and bundle of the catalog that answers a call in `language_code`,
    /// matched without an allocation: the catalog has a handful of languages.
    fn bundle_for(&self, language_code: &str) -> (&str, &Bundle) {
        let subtag = cxhook::language_subtag(language_code);
        let find = |wanted: &str| {
            self.languages
                .iter()
                .find(|(language, _)| language.eq_ignore_ascii_case(wanted))
                .map(|(language, bundle)| (language.as_str(), bundle))
        };
        find(subtag)
            .or_else(|| find(FALLBACK))
            .unwrap_or_else(|| unreachable!("every catalog has {FALLBACK}"))
    }

    /// Message `id` in the language of `language_code`, with `arguments`; from English when
    /// that language does not have it. A message that uses an argument it is not given
    /// shows `{$name}` in its place, and the mistake is logged.
    pub fn say(
        &self,
        language_code: &str,
        id: &str,
        arguments: &[(&str, FluentValue<'_>)],
    ) -> String {
        let args: FluentArgs<'_> = arguments
            .iter()
            .map(|(name, value)| (*name, value.clone()))
            .collect();
        let (language, bundle) = self.bundle_for(language_code);
        let fallback = (language != FALLBACK).then(|| self.bundle_for(FALLBACK).1);
        for bundle in std::iter::once(bundle).chain(fallback) {
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(
                    message = id,
                    language,
                    ?errors,
                    "a message did not format cleanly"
                );
            }
            return text.into_owned();
        }
        tracing::warn!(message = id, "no catalog has this message");
        id.to_owned()
    }
}

/// The catalog and the language of one call: what a handler says its sentences with.
#[derive(Clone, Copy)]
pub(crate) struct Say<'a> {
    messages: &'a Catalog,
    language: &'a str,
}

impl<'a> Say<'a> {
    /// Sentences from `messages` in `language` (the call's `languageCode`).
    pub(crate) fn new(messages: &'a Catalog, language: &'a str) -> Self {
        Self { messages, language }
    }

    /// Message `id` with `arguments`, in the call's language ([`Catalog::say`]).
    pub(crate) fn text(self, id: &str, arguments: &[(&str, FluentValue<'_>)]) -> String {
        self.messages.say(self.language, id, arguments)
    }

    /// Like [`Say::text`], with the first letter a capital: for a message that may start
    /// with an argument or a form ("a massage at …", "sonntags …").
    pub(crate) fn sentence(self, id: &str, arguments: &[(&str, FluentValue<'_>)]) -> String {
        let text = self.text(id, arguments);
        let mut chars = text.chars();
        match chars.next() {
            Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
            _ => text,
        }
    }
}

/// An empty bundle for `language`, without isolation marks.
fn new_bundle(language: &str) -> Bundle {
    let id: LanguageIdentifier = language.parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    bundle
}

/// A shipped catalog's resource; the completeness test holds that each parses.
fn shipped_resource(source: &str) -> FluentResource {
    FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, _)| resource)
}

/// Each message of a Fluent source with the arguments it uses: its own variables and those
/// of the messages it takes a piece from (`{ weekday }` in a date), which are formatted with
/// the message's arguments.
fn arguments_of(resource: &FluentResource) -> BTreeMap<String, BTreeSet<String>> {
    let direct: BTreeMap<&str, arguments::Found<'_>> = resource
        .entries()
        .filter_map(|entry| match entry {
            Entry::Message(message) => Some((
                message.id.name,
                arguments::found(
                    message.value.as_ref(),
                    message.attributes.iter().map(|a| &a.value),
                ),
            )),
            _ => None,
        })
        .collect();
    direct
        .keys()
        .map(|id| {
            let mut names = BTreeSet::new();
            let mut seen = BTreeSet::from([*id]);
            let mut next = vec![*id];
            while let Some(id) = next.pop() {
                let Some(found) = direct.get(id) else {
                    continue;
                };
                names.extend(
                    arguments::names(&found.variables)
                        .into_iter()
                        .map(str::to_owned),
                );
                next.extend(found.references.iter().filter(|r| seen.insert(**r)));
            }
            ((*id).to_owned(), names)
        })
        .collect()
}

/// The messages of the shipped English catalog with their arguments: what an override may
/// name.
fn shipped_arguments() -> BTreeMap<String, BTreeSet<String>> {
    arguments_of(&shipped_resource(SHIPPED[0].1))
}

#[cfg(test)]
mod tests;
