//! Dates, times and lists as a caller hears them, in the call's language and region:
//! "Thursday, December 3" (`en-US`), "Thursday 3 December" (`en-GB`), "Donnerstag,
//! 3. Dezember", "jeudi 3 décembre", "jueves, 3 de diciembre"; "10:00 AM", "10:00",
//! "10:00 Uhr", "10 h 00"; "Montag, Dienstag und Mittwoch".
//!
//! # Why catalog messages rather than a locale crate
//!
//! The words and the order are catalog messages (`weekday`, `month`, `day`, `date`, `time`,
//! `list-and`, …) given the parts as numbers, and the code passes every part to every
//! language. The alternative, ICU4X (`icu` 2 with compiled data: CLDR's date, time and list
//! patterns for every locale), was measured on a release build of a small program that
//! formats a date, a time and a list in a language it is given, against the same program
//! on `jiff` alone:
//!
//! | | release binary | crates | clean release build, one core |
//! |---|---|---|---|
//! | `jiff` alone | 0.8 MB | 3 | 12 s |
//! | with `icu` | 1.8 MB | 91 | 74 s |
//!
//! One megabyte and 88 crates buy CLDR's forms for the eye, which are not quite what a
//! caller hears: `de` times without "Uhr" ("10:00"), `en-US` lists with a serial comma
//! ("haircut, consultation, or massage", which would change today's English sentences), and
//! nothing for the ear such as "on Sundays" / "sonntags" / "le dimanche". The catalogs hold
//! the same forms in about 60 lines per language; as messages they are the translator's, a
//! business may reword them, and a language added in an override directory (Italian) brings
//! its own weekday and month names, where ICU4X would have given them for free. A language
//! with none falls back to the English words, in the order and clock of the caller's
//! region.
//!
//! `chrono`'s `unstable-locales` was not an option: the booking calendar is on `jiff`, which
//! has no localised names by design, and `chrono` is not a dependency of this crate.
//!
//! # The parts
//!
//! Every date message gets `$weekday` (1 for Monday to 7 for Sunday), `$day`, `$month`
//! (1 to 12), `$year` and `$region`; every time message `$hour` (0 to 23), `$hour12` (1 to
//! 12), `$minute` (two digits), `$period` (`AM` or `PM`) and `$region`. `$region` is the
//! region subtag of the call's language in capitals (`GB` of `en-GB`), or `none`: English
//! selects on it for the day before the month and the 24-hour clock of every region but
//! those that write the month first (`US`, `CA`, `PH`, and `none`) and read the 12-hour
//! clock (those and `AU`, `NZ`, `IN`): so `en-GB` hears "Thursday 3 December" at "16:30",
//! and a caller in `it-IT`, whose language the catalog lacks, hears the English words in
//! Italian order. A language uses the parts its forms need.

//!
//! A catalog says each date and time once per language and region and keeps it (see
//! [`memo`](super::memo)).

use jiff::civil::{Date, Time};

use super::memo::{Form, Key, Region};
use super::{FluentValue, Say};

impl<'a> Say<'a> {
    /// A date with its weekday: "Thursday, December 3".
    pub(crate) fn date(self, date: Date) -> String {
        let region = Region::of(self.language);
        self.memo(Form::Date, packed(date), region, || {
            self.text("date", &date_parts(date, region.as_str()))
        })
    }

    /// A date without its weekday: "December 3".
    pub(crate) fn day(self, date: Date) -> String {
        let region = Region::of(self.language);
        self.memo(Form::Day, packed(date), region, || {
            self.text("day", &date_parts(date, region.as_str()))
        })
    }

    /// A time of day: "10:00 AM".
    pub(crate) fn time(self, time: Time) -> String {
        let region = Region::of(self.language);
        let hour = time.hour();
        let minute = time.minute();
        let value = u32::try_from(i32::from(hour) * 60 + i32::from(minute)).unwrap_or(0);
        self.memo(Form::Time, value, region, || {
            let hour12 = match hour % 12 {
                0 => 12,
                other => other,
            };
            self.text(
                "time",
                &[
                    ("hour", hour.into()),
                    ("hour12", hour12.into()),
                    ("minute", format!("{minute:02}").into()),
                    ("period", if hour < 12 { "AM" } else { "PM" }.into()),
                    ("region", region.as_str().into()),
                ],
            )
        })
    }

    /// `items` as a sentence with the language's "and": "Montag, Dienstag und Mittwoch".
    pub(crate) fn and_list(self, items: &[String]) -> String {
        self.list("list-and", items)
    }

    /// `items` as a sentence with the language's "or": "Montag, Dienstag oder Mittwoch".
    pub(crate) fn or_list(self, items: &[String]) -> String {
        self.list("list-or", items)
    }

    fn list(self, id: &str, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => self.text(
                id,
                &[
                    ("rest", rest.join(", ").into()),
                    ("last", last.as_str().into()),
                ],
            ),
        }
    }

    /// A form from the catalog's memo, said by `say` the first time.
    fn memo(self, form: Form, value: u32, region: Region, say: impl FnOnce() -> String) -> String {
        let language = self.messages.language_for(self.language);
        let key = Key::new(language, region, form, value);
        self.messages.forms.said(key, say)
    }
}

/// The parts of a date every date message gets.
fn date_parts(date: Date, region: &str) -> [(&'static str, FluentValue<'_>); 5] {
    [
        ("weekday", date.weekday().to_monday_one_offset().into()),
        ("day", date.day().into()),
        ("month", date.month().into()),
        ("year", date.year().into()),
        ("region", region.into()),
    ]
}

/// A date as one number: the year, month and day in bits of their own.
fn packed(date: Date) -> u32 {
    let year = u32::try_from(i32::from(date.year()) + 32_768).unwrap_or(0);
    let month = u32::try_from(date.month()).unwrap_or(0);
    let day = u32::try_from(date.day()).unwrap_or(0);
    year << 9 | month << 5 | day
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::*;
    use crate::messages::Catalog;
    use crate::messages::memo::MEMO_CAP;

    #[test]
    fn dates_times_and_lists_take_the_form_of_the_callers_language_and_region() {
        let catalog = Catalog::shipped();
        let thursday = date(2026, 12, 3);
        let days = ["Montag", "Dienstag", "Mittwoch"].map(String::from);
        for (language, spoken, short, morning, afternoon, and, or) in [
            (
                "en-US",
                "Thursday, December 3",
                "December 3",
                "10:00 AM",
                "4:30 PM",
                "Montag, Dienstag and Mittwoch",
                "Montag, Dienstag or Mittwoch",
            ),
            (
                "en",
                "Thursday, December 3",
                "December 3",
                "10:00 AM",
                "4:30 PM",
                "Montag, Dienstag and Mittwoch",
                "Montag, Dienstag or Mittwoch",
            ),
            (
                "en-GB",
                "Thursday 3 December",
                "3 December",
                "10:00",
                "16:30",
                "Montag, Dienstag and Mittwoch",
                "Montag, Dienstag or Mittwoch",
            ),
            (
                "de",
                "Donnerstag, 3. Dezember",
                "3. Dezember",
                "10:00 Uhr",
                "16:30 Uhr",
                "Montag, Dienstag und Mittwoch",
                "Montag, Dienstag oder Mittwoch",
            ),
            (
                "de-AT",
                "Donnerstag, 3. Dezember",
                "3. Dezember",
                "10:00 Uhr",
                "16:30 Uhr",
                "Montag, Dienstag und Mittwoch",
                "Montag, Dienstag oder Mittwoch",
            ),
            (
                "fr",
                "jeudi 3 décembre",
                "3 décembre",
                "10 h 00",
                "16 h 30",
                "Montag, Dienstag et Mittwoch",
                "Montag, Dienstag ou Mittwoch",
            ),
            (
                "es",
                "jueves, 3 de diciembre",
                "3 de diciembre",
                "10:00",
                "16:30",
                "Montag, Dienstag y Mittwoch",
                "Montag, Dienstag o Mittwoch",
            ),
        ] {
            let say = Say::new(&catalog, language);
            assert_eq!(say.date(thursday), spoken, "{language}");
            assert_eq!(say.day(thursday), short, "{language}");
            assert_eq!(say.time(time(10, 0, 0, 0)), morning, "{language}");
            assert_eq!(say.time(time(16, 30, 0, 0)), afternoon, "{language}");
            assert_eq!(say.and_list(&days), and, "{language}");
            assert_eq!(say.or_list(&days), or, "{language}");
            assert_eq!(say.and_list(&days[..1]), "Montag", "{language}");
        }
        let us = Say::new(&catalog, "en-US");
        assert_eq!(us.time(time(0, 5, 0, 0)), "12:05 AM");
        assert_eq!(us.time(time(12, 0, 0, 0)), "12:00 PM");
        assert_eq!(Say::new(&catalog, "de").time(time(9, 5, 0, 0)), "9:05 Uhr");
    }

    #[test]
    fn every_weekday_and_month_has_its_name() {
        let catalog = Catalog::shipped();
        let monday = date(2026, 1, 5);
        let names = |language: &str| -> Vec<String> {
            let say = Say::new(&catalog, language);
            (0..7)
                .map(|n| say.date(monday.checked_add(jiff::Span::new().days(n)).unwrap()))
                .chain((1..=12).map(|m| say.day(date(2026, m, 1))))
                .chain((1..=7).map(|n: i8| say.text("weekdays", &[("weekday", n.into())])))
                .collect()
        };
        let english = names("en");
        assert_eq!(english[0], "Monday, January 5");
        assert_eq!(english[6], "Sunday, January 11");
        assert_eq!(english[7..19].last().unwrap(), "December 1");
        assert_eq!(english[19], "Mondays");
        for language in ["de", "fr", "es"] {
            let names = names(language);
            let unique: std::collections::BTreeSet<&String> = names.iter().collect();
            assert_eq!(unique.len(), names.len(), "{language}: {names:?}");
            for (name, english) in names.iter().zip(&english) {
                assert_ne!(name, english, "{language}");
            }
        }
        assert_eq!(names("de")[12], "1. Juni");
        assert_eq!(names("fr")[25], "le dimanche");
        assert_eq!(names("es")[2], "miércoles, 7 de enero");
    }

    #[test]
    fn a_language_the_catalog_lacks_hears_english_words_in_its_region() {
        let catalog = Catalog::shipped();
        let say = Say::new(&catalog, "it-IT");
        assert_eq!(say.date(date(2026, 12, 3)), "Thursday 3 December");
        assert_eq!(say.time(time(16, 30, 0, 0)), "16:30");
        let say = Say::new(&catalog, "ja");
        assert_eq!(say.date(date(2026, 12, 3)), "Thursday, December 3");
        assert_eq!(say.time(time(16, 30, 0, 0)), "4:30 PM");
    }

    #[test]
    fn regions_are_read_from_the_tag_without_a_parser() {
        for (tag, region) in [
            ("en-GB", "GB"),
            ("en_gb", "GB"),
            ("es-419", "419"),
            ("zh-Hant-TW", "TW"),
            ("en-GB-oxendict", "GB"),
            ("en", "none"),
            ("de-1996", "none"),
            ("x", "none"),
            ("", "none"),
        ] {
            assert_eq!(Region::of(tag).as_str(), region, "{tag}");
        }
    }

    #[test]
    fn a_form_said_again_comes_from_the_memo_and_a_full_memo_still_says_it() {
        let catalog = Catalog::new();
        let first = Say::new(&catalog, "en-GB").time(time(9, 5, 0, 0));
        assert_eq!(first, "09:05".trim_start_matches('0'));
        assert_eq!(catalog.forms.len(), 1);
        // The same time in the same language and region is the memo's; another region is not.
        assert_eq!(Say::new(&catalog, "en-gb").time(time(9, 5, 0, 0)), first);
        assert_eq!(catalog.forms.len(), 1);
        assert_eq!(
            Say::new(&catalog, "en-US").time(time(9, 5, 0, 0)),
            "9:05 AM"
        );
        assert_eq!(
            Say::new(&catalog, "de").day(date(2026, 12, 3)),
            "3. Dezember"
        );
        assert_eq!(catalog.forms.len(), 3);
        for minute in 0..MEMO_CAP {
            let at = time(
                i8::try_from(minute / 60 % 24).unwrap(),
                i8::try_from(minute % 60).unwrap(),
                0,
                0,
            );
            let region = ["en-US", "en-GB", "en-AU", "en-IN"][minute / 1440];
            Say::new(&catalog, region).time(at);
        }
        assert_eq!(catalog.forms.len(), MEMO_CAP);
        assert_eq!(Say::new(&catalog, "fr").time(time(10, 0, 0, 0)), "10 h 00");
        assert_eq!(catalog.forms.len(), MEMO_CAP);
    }
}
