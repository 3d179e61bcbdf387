//! Dates, periods, times and durations in English and German, relative ones counted from a
//! given day.
//!
//! The recognisers walk the input's tokens; the separators between tokens (the `:` of `10:30`,
//! the `/` of `12/3/2026`, the `.` of `3.12.2026`) are read from the input itself. A date
//! without a year is the next such date from today on, as CX prefers the future (*inferred*).

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde_json::{Value, json};

use super::input::Hit;
use super::numbers::word_value;
use super::text::Token;

/// The input, its tokens and the day relative expressions count from.
pub(crate) struct Calendar<'a> {
    text: &'a str,
    tokens: &'a [Token],
    german: bool,
    today: Date,
}

/// An hour and minute of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clock {
    hours: i8,
    minutes: i8,
}

/// The month a word names (`1` for January), English or German, full or abbreviated.
fn month_of(word: &str) -> Option<i8> {
    const MONTHS: [&[&str]; 12] = [
        &["january", "jan", "januar", "janner"],
        &["february", "feb", "februar"],
        &["march", "mar", "marz"],
        &["april", "apr"],
        &["may", "mai"],
        &["june", "jun", "juni"],
        &["july", "jul", "juli"],
        &["august", "aug"],
        &["september", "sep", "sept"],
        &["october", "oct", "oktober", "okt"],
        &["november", "nov"],
        &["december", "dec", "dezember", "dez"],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|index| index as i8 + 1)
}

/// The weekday a word names, Monday being 0.
fn weekday_of(word: &str) -> Option<i8> {
    const DAYS: [&[&str]; 7] = [
        &["monday", "montag"],
        &["tuesday", "dienstag"],
        &["wednesday", "mittwoch"],
        &["thursday", "donnerstag"],
        &["friday", "freitag"],
        &["saturday", "samstag", "sonnabend"],
        &["sunday", "sonntag"],
    ];
    DAYS.iter()
        .position(|names| names.contains(&word))
        .map(|index| index as i8)
}

/// A date as CX resolves it: `{year, month, day}`, numbers as the wire's doubles.
pub(crate) fn date_value(date: Date) -> Value {
    json!({"year": f64::from(date.year()), "month": f64::from(date.month()), "day": f64::from(date.day())})
}

/// A time of day as CX resolves it: `{hours, minutes, seconds, nanos}`.
fn time_value(clock: Clock) -> Value {
    json!({"hours": f64::from(clock.hours), "minutes": f64::from(clock.minutes), "seconds": 0.0, "nanos": 0.0})
}

/// A period as CX resolves it: `{startDate, endDate}`, each a date.
fn period_value(start: Date, end: Date) -> Value {
    json!({"startDate": date_value(start), "endDate": date_value(end)})
}

/// Whether `word` says "the next one" (`next`, `nächsten`, `kommenden`).
fn is_next(word: &str) -> bool {
    matches!(
        word,
        "next"
            | "coming"
            | "nachste"
            | "nachsten"
            | "nachster"
            | "nachstes"
            | "kommende"
            | "kommenden"
            | "kommender"
            | "kommendes"
    )
}

/// Whether `word` says "the current one" (`this`, `diesen`).
fn is_this(word: &str) -> bool {
    matches!(word, "this" | "diese" | "diesen" | "dieser" | "dieses")
}

/// Whether `word` says "the previous one" (`last`, `letzten`).
fn is_last(word: &str) -> bool {
    matches!(
        word,
        "last" | "previous" | "letzte" | "letzten" | "letzter" | "letztes" | "vorigen"
    )
}

/// The day, Monday-to-Sunday week or calendar month that holds `date`.
fn unit_around(date: Date, unit: &str) -> Option<(Date, Date)> {
    match unit {
        "week" => {
            let monday = date
                .checked_sub(i64::from(date.weekday().to_monday_zero_offset()).days())
                .ok()?;
            Some((monday, monday.checked_add(6.days()).ok()?))
        }
        "month" => Some((date.first_of_month(), date.last_of_month())),
        _ => Some((date, date)),
    }
}

impl<'a> Calendar<'a> {
    /// A calendar over `text` and its tokens in `language`, relative to `today`.
    pub(crate) fn new(text: &'a str, tokens: &'a [Token], language: &str, today: Date) -> Self {
        Self {
            text,
            tokens,
            german: language == "de",
            today,
        }
    }

    /// The normalised word at `index`, if any.
    fn word(&self, index: usize) -> Option<&str> {
        self.tokens.get(index).map(|token| token.norm.as_str())
    }

    /// The text between token `index` and the next one, trimmed.
    fn separator(&self, index: usize) -> Option<&str> {
        let next = self.tokens.get(index + 1)?;
        Some(self.text[self.tokens[index].end..next.start].trim())
    }

    /// A number of 1 or 2 digits at `index`, ordinal suffix (`3rd`) allowed.
    fn day_number(&self, index: usize) -> Option<i8> {
        let word = self.word(index)?;
        let digits = word.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
        if digits.is_empty() || digits.len() > 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let suffix = &word[digits.len()..];
        if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
            return None;
        }
        digits.parse().ok().filter(|day| (1..=31).contains(day))
    }

    /// A four-digit year at `index`.
    fn year(&self, index: usize) -> Option<i16> {
        let word = self.word(index)?;
        (word.len() == 4)
            .then(|| word.parse().ok())
            .flatten()
            .filter(|year| (1900..=2200).contains(year))
    }

    /// A count at `index`: digits, a number word, or `a`/`ein` for one.
    fn count(&self, index: usize) -> Option<u64> {
        let word = self.word(index)?;
        match word {
            "a" | "an" | "ein" | "eine" | "einen" | "einem" | "einer" => Some(1),
            _ => word_value(word, if self.german { "de" } else { "en" }),
        }
    }

    /// The date `year-month-day`, or in the next year when no year was said and it has passed.
    fn future_date(&self, year: Option<i16>, month: i8, day: i8) -> Option<Date> {
        let date = Date::new(year.unwrap_or(self.today.year()), month, day).ok()?;
        match year {
            None if date < self.today => Date::new(date.year() + 1, month, day).ok(),
            _ => Some(date),
        }
    }

    /// `today + count units`, the unit a day, week or month word.
    fn shifted(&self, count: u64, unit: &str) -> Option<(Date, &'static str)> {
        let count = i64::try_from(count).ok()?;
        let (span, unit) = match unit {
            "day" | "days" | "tag" | "tage" | "tagen" => (Span::new().try_days(count), "day"),
            "week" | "weeks" | "woche" | "wochen" => (Span::new().try_weeks(count), "week"),
            "month" | "months" | "monat" | "monate" | "monaten" => {
                (Span::new().try_months(count), "month")
            }
            _ => return None,
        };
        Some((self.today.checked_add(span.ok()?).ok()?, unit))
    }

    /// A date starting at token `index`: the date and the tokens it took.
    fn date_at(&self, index: usize) -> Option<(Date, usize)> {
        let word = self.word(index)?;
        let relative = |days: i64| self.today.checked_add(days.days()).ok();
        let after = |offset: usize| self.word(index + offset);
        match (word, after(1), after(2)) {
            ("day", Some("after"), Some("tomorrow")) => return Some((relative(2)?, 3)),
            ("day", Some("before"), Some("yesterday")) => return Some((relative(-2)?, 3)),
            ("today" | "heute", ..) => return Some((self.today, 1)),
            ("tomorrow", ..) => return Some((relative(1)?, 1)),
            // "guten Morgen", "am Morgen", "heute Morgen" speak of the morning.
            ("morgen", ..)
                if !matches!(
                    index.checked_sub(1).and_then(|i| self.word(i)),
                    Some("guten" | "am" | "heute" | "jeden")
                ) =>
            {
                return Some((relative(1)?, 1));
            }
            ("yesterday" | "gestern", ..) => return Some((relative(-1)?, 1)),
            ("ubermorgen", ..) => return Some((relative(2)?, 1)),
            ("vorgestern", ..) => return Some((relative(-2)?, 1)),
            ("in", ..) => {
                let count = self.count(index + 1)?;
                let (date, _) = self.shifted(count, after(2)?)?;
                return Some((date, 3));
            }
            _ => {}
        }
        if let Some(count) = self
            .count(index)
            .filter(|_| after(2) == Some("from") && after(3) == Some("now"))
        {
            let (date, _) = self.shifted(count, after(1)?)?;
            return Some((date, 4));
        }
        if let Some(weekday) = weekday_of(word) {
            return Some((self.next_weekday(weekday, false)?, 1));
        }
        if let Some(weekday) = after(1).and_then(weekday_of) {
            let strict = is_next(word);
            if strict || is_this(word) || matches!(word, "on" | "am") {
                return Some((self.next_weekday(weekday, strict)?, 2));
            }
        }
        self.numeric_date(index)
            .or_else(|| self.named_month_date(index))
    }

    /// The first `weekday` from today on (`strict`: after today).
    fn next_weekday(&self, weekday: i8, strict: bool) -> Option<Date> {
        let today = self.today.weekday().to_monday_zero_offset();
        let mut ahead = (weekday - today).rem_euclid(7);
        if strict && ahead == 0 {
            ahead = 7;
        }
        self.today.checked_add(i64::from(ahead).days()).ok()
    }

    /// `2026-12-03`, `12/3/2026` (month first in English) or `3.12.2026` (German).
    fn numeric_date(&self, index: usize) -> Option<(Date, usize)> {
        let number = |offset: usize| -> Option<i16> {
            let word = self.word(index + offset)?;
            word.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| word.parse().ok())
                .flatten()
        };
        let first = number(0)?;
        let separator = self.separator(index)?;
        let second = number(1)?;
        let third = (self.separator(index + 1) == Some(separator))
            .then(|| number(2))
            .flatten();
        let full_year = |year: i16| if year < 100 { year + 2000 } else { year };
        let (year, month, day, used) = match (separator, third) {
            ("-", Some(day)) if first >= 1000 => (Some(first), second, day, 3),
            ("/", Some(year)) if !self.german => (Some(full_year(year)), first, second, 3),
            ("/", None) if !self.german => (None, first, second, 2),
            (".", Some(year)) if self.german => (Some(full_year(year)), second, first, 3),
            (".", None)
                if self.german
                    && self
                        .separator(index + 1)
                        .is_some_and(|s| s.starts_with('.')) =>
            {
                (None, second, first, 2)
            }
            _ => return None,
        };
        let date = self.future_date(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?)?;
        Some((date, used))
    }

    /// `3 December [2026]`, `3rd of December`, `3. Dezember`, `December 3rd[, 2026]`.
    fn named_month_date(&self, index: usize) -> Option<(Date, usize)> {
        if let Some(day) = self.day_number(index) {
            let of = usize::from(self.word(index + 1) == Some("of"));
            let month = month_of(self.word(index + 1 + of)?)?;
            let year = self.year(index + 2 + of);
            let used = 2 + of + usize::from(year.is_some());
            return Some((self.future_date(year, month, day)?, used));
        }
        let month = month_of(self.word(index)?)?;
        let day = self.day_number(index + 1)?;
        let year = self.year(index + 2);
        Some((
            self.future_date(year, month, day)?,
            2 + usize::from(year.is_some()),
        ))
    }

    /// A period starting at token `index`: first and last day, and the tokens it took.
    fn period_at(&self, index: usize) -> Option<((Date, Date), usize)> {
        let word = self.word(index)?;
        let after = |offset: usize| self.word(index + offset);
        if let Some(range) = self.range_at(index) {
            return Some(range);
        }
        let shift: Option<i64> = if is_next(word) {
            Some(1)
        } else if is_this(word) || matches!(word, "the" | "am") {
            Some(0)
        } else if is_last(word) {
            Some(-1)
        } else {
            None
        };
        if let Some(period) = shift.and_then(|shift| self.calendar_unit(after(1)?, shift)) {
            return Some((period, 2));
        }
        if matches!(word, "in" | "im") {
            if let Some(count) = self.count(index + 1) {
                let (date, unit) = self.shifted(count, after(2)?)?;
                let used = 3 + usize::from(after(3) == Some("time"));
                return Some((unit_around(date, unit)?, used));
            }
            if let Some(year) = self.year(index + 1) {
                return Some((
                    (Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?),
                    2,
                ));
            }
        }
        let prefixed = matches!(word, "in" | "im" | "during") || is_next(word) || is_this(word);
        let month_index = index + usize::from(prefixed);
        let month_word = self.word(month_index)?;
        let month = month_of(month_word)?;
        if month_word == "may" && !prefixed && self.tokens.len() > 1 {
            return None;
        }
        let year = self.year(month_index + 1);
        let year = year.unwrap_or_else(|| {
            let this_year = self.today.year();
            let passed =
                month < self.today.month() || (month == self.today.month() && is_next(word));
            if passed { this_year + 1 } else { this_year }
        });
        let first = Date::new(year, month, 1).ok()?;
        let used = month_index - index + 1 + usize::from(self.year(month_index + 1).is_some());
        Some(((first, first.last_of_month()), used))
    }

    /// `from A to B`, `between A and B`, `vom A bis B`, `zwischen A und B`.
    fn range_at(&self, index: usize) -> Option<((Date, Date), usize)> {
        let joiners: &[&str] = match self.word(index)? {
            "from" => &["to", "until", "till", "through"],
            "between" => &["and"],
            "vom" | "von" => &["bis"],
            "zwischen" => &["und"],
            _ => return None,
        };
        let (start, first) = self.date_at(index + 1)?;
        let joiner = index + 1 + first;
        if !joiners.contains(&self.word(joiner)?) {
            return None;
        }
        let (end, second) = self.date_at(joiner + 1)?;
        Some(((start, end), 2 + first + second))
    }

    /// The week, weekend, month or year `shift` units from the current one.
    fn calendar_unit(&self, unit: &str, shift: i64) -> Option<(Date, Date)> {
        let today = self.today;
        match unit {
            "week" | "woche" => {
                let date = today.checked_add((7 * shift).days()).ok()?;
                unit_around(date, "week")
            }
            "weekend" | "wochenende" => {
                let saturday = self
                    .next_weekday(5, false)?
                    .checked_add((7 * shift).days())
                    .ok()?;
                Some((saturday, saturday.tomorrow().ok()?))
            }
            "month" | "monat" => {
                let date = today.first_of_month().checked_add(shift.months()).ok()?;
                unit_around(date, "month")
            }
            "year" | "jahr" => {
                let year = today.year() + i16::try_from(shift).ok()?;
                Some((Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?))
            }
            _ => None,
        }
    }

    /// An hour given as digits or a number word, 0 to 24.
    fn hour(&self, index: usize) -> Option<i8> {
        let value = word_value(self.word(index)?, if self.german { "de" } else { "en" })?;
        i8::try_from(value)
            .ok()
            .filter(|hour| (0..=24).contains(hour))
    }

    /// A time of day starting at token `index`, and the tokens it took.
    fn time_at(&self, index: usize) -> Option<(Clock, usize)> {
        let word = self.word(index)?;
        let after = |offset: usize| self.word(index + offset);
        let clock = |hours: i8, minutes: i8| Clock {
            hours: hours.rem_euclid(24),
            minutes,
        };
        match (word, after(1)) {
            ("noon" | "midday" | "mittag" | "mittags", _) => return Some((clock(12, 0), 1)),
            ("midnight" | "mitternacht", _) => return Some((clock(0, 0), 1)),
            ("half", Some("past")) => return Some((clock(self.hour(index + 2)?, 30), 3)),
            ("quarter", Some("past")) => return Some((clock(self.hour(index + 2)?, 15), 3)),
            ("quarter", Some("to")) => return Some((clock(self.hour(index + 2)? - 1, 45), 3)),
            ("halb", _) => return Some((clock(self.hour(index + 1)? - 1, 30), 2)),
            ("viertel", Some("nach")) => return Some((clock(self.hour(index + 2)?, 15), 3)),
            ("viertel", Some("vor")) => return Some((clock(self.hour(index + 2)? - 1, 45), 3)),
            _ => {}
        }
        // `10am` and `10pm` are one token.
        let (hours, glued) = match word.strip_suffix("am").or_else(|| word.strip_suffix("pm")) {
            Some(digits) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => {
                (digits.parse::<i8>().ok()?, Some(&word[digits.len()..]))
            }
            _ => (self.hour(index)?, None),
        };
        let mut used = 1;
        let mut minutes = 0;
        let mut cued =
            index > 0 && matches!(self.word(index - 1), Some("at" | "um" | "gegen" | "by"));
        // German also writes `10.30 Uhr`.
        let dotted = self.german && self.separator(index) == Some(".") && after(2) == Some("uhr");
        if glued.is_none() && (self.separator(index) == Some(":") || dotted) {
            minutes = self
                .word(index + 1)?
                .parse()
                .ok()
                .filter(|m| (0..60).contains(m))?;
            used = 2;
            cued = true;
        }
        let meridiem = match glued {
            Some(suffix) => Some(suffix),
            None => match (after(used), after(used + 1)) {
                (Some("am" | "pm"), _) => {
                    used += 1;
                    after(used - 1)
                }
                (Some("a"), Some("m")) | (Some("p"), Some("m")) => {
                    used += 2;
                    Some(if after(used - 2) == Some("a") {
                        "am"
                    } else {
                        "pm"
                    })
                }
                (Some("o"), Some("clock")) => {
                    used += 2;
                    cued = true;
                    None
                }
                (Some("uhr"), next) => {
                    used += 1;
                    cued = true;
                    if let Some(m) = next
                        .and_then(|m| m.parse::<i8>().ok())
                        .filter(|m| (0..60).contains(m))
                    {
                        minutes = m;
                        used += 1;
                    }
                    None
                }
                _ => None,
            },
        };
        let hours = match meridiem {
            Some("pm") if hours < 12 => hours + 12,
            Some("am") if hours == 12 => 0,
            Some(_) if hours > 12 => return None,
            Some(_) => hours,
            None if cued => hours,
            None => return None,
        };
        Some((clock(hours, minutes), used))
    }

    /// A duration starting at token `index`: the amount, CX's unit name, the tokens it took.
    fn duration_at(&self, index: usize) -> Option<((u64, &'static str), usize)> {
        let amount = self.count(index)?;
        let unit = match self.word(index + 1)? {
            "second" | "seconds" | "sec" | "secs" | "sekunde" | "sekunden" => "s",
            "minute" | "minutes" | "min" | "mins" | "minuten" => "min",
            "hour" | "hours" | "stunde" | "stunden" => "h",
            "day" | "days" | "tag" | "tage" | "tagen" => "day",
            "week" | "weeks" | "woche" | "wochen" => "wk",
            "month" | "months" | "monat" | "monate" | "monaten" => "mo",
            "year" | "years" | "jahr" | "jahre" | "jahren" => "yr",
            _ => return None,
        };
        Some(((amount, unit), 2))
    }

    /// Every match of `recognise` from left to right, none overlapping.
    fn scan<T>(&self, recognise: impl Fn(usize) -> Option<(T, usize)>) -> Vec<(T, usize, usize)> {
        let mut found = Vec::new();
        let mut index = 0;
        while index < self.tokens.len() {
            match recognise(index) {
                Some((value, used)) => {
                    found.push((value, index, index + used));
                    index += used;
                }
                None => index += 1,
            }
        }
        found
    }

    /// A hit over tokens `from..to`.
    fn hit(&self, from: usize, to: usize, resolved: Value) -> Hit {
        Hit {
            start: self.tokens[from].start,
            end: self.tokens[to - 1].end,
            resolved,
        }
    }

    /// `@sys.date`: every date in the text.
    pub(crate) fn dates(&self) -> Vec<Hit> {
        let found = self.scan(|index| self.date_at(index));
        found
            .into_iter()
            .map(|(date, from, to)| self.hit(from, to, date_value(date)))
            .collect()
    }

    /// `@sys.date-period`: every period in the text.
    pub(crate) fn periods(&self) -> Vec<Hit> {
        let found = self.scan(|index| self.period_at(index));
        found
            .into_iter()
            .map(|((start, end), from, to)| self.hit(from, to, period_value(start, end)))
            .collect()
    }

    /// `@sys.time`: every time of day in the text.
    pub(crate) fn times(&self) -> Vec<Hit> {
        let found = self.scan(|index| self.time_at(index));
        found
            .into_iter()
            .map(|(clock, from, to)| self.hit(from, to, time_value(clock)))
            .collect()
    }

    /// `@sys.duration`: every duration in the text, as `{amount, unit}`.
    pub(crate) fn durations(&self) -> Vec<Hit> {
        let found = self.scan(|index| self.duration_at(index));
        found
            .into_iter()
            .map(|((amount, unit), from, to)| {
                self.hit(from, to, json!({"amount": amount as f64, "unit": unit}))
            })
            .collect()
    }

    /// `@sys.date-time`: a date and a time said together (either may be missing: a date
    /// alone is that day at midnight, a time alone is today at that time).
    pub(crate) fn date_times(&self) -> Vec<Hit> {
        let date = self.scan(|index| self.date_at(index)).into_iter().next();
        let time = self.scan(|index| self.time_at(index)).into_iter().next();
        let (day, clock, from, to) = match (date, time) {
            (None, None) => return Vec::new(),
            (Some((day, from, to)), None) => (
                day,
                Clock {
                    hours: 0,
                    minutes: 0,
                },
                from,
                to,
            ),
            (None, Some((clock, from, to))) => (self.today, clock, from, to),
            (Some((day, a, b)), Some((clock, c, d))) => (day, clock, a.min(c), b.max(d)),
        };
        let mut value = date_value(day);
        if let (Value::Object(fields), Value::Object(time)) = (&mut value, time_value(clock)) {
            fields.extend(time);
        }
        vec![self.hit(from, to, value)]
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::super::text::tokenize;
    use super::*;

    /// Sunday, 6 December 2026.
    const TODAY: Date = date(2026, 12, 6);

    /// The first hit of the recogniser `kind` in `text`: its original and resolved value.
    fn first(text: &str, language: &str, kind: &str) -> Option<(String, Value)> {
        let tokens = tokenize(text);
        let calendar = Calendar::new(text, &tokens, language, TODAY);
        let hits = match kind {
            "date" => calendar.dates(),
            "period" => calendar.periods(),
            "time" => calendar.times(),
            "date-time" => calendar.date_times(),
            _ => calendar.durations(),
        };
        hits.into_iter()
            .next()
            .map(|hit| (text[hit.start..hit.end].to_owned(), hit.resolved))
    }

    fn day(text: &str, language: &str) -> Option<Value> {
        first(text, language, "date").map(|(_, value)| value)
    }

    fn ymd(year: i16, month: i8, day: i8) -> Value {
        date_value(date(year, month, day))
    }

    #[test]
    fn relative_dates_count_from_today() {
        assert_eq!(day("today", "en"), Some(ymd(2026, 12, 6)));
        assert_eq!(day("tomorrow please", "en"), Some(ymd(2026, 12, 7)));
        assert_eq!(day("the day after tomorrow", "en"), Some(ymd(2026, 12, 8)));
        assert_eq!(day("in 3 days", "en"), Some(ymd(2026, 12, 9)));
        assert_eq!(day("two weeks from now", "en"), Some(ymd(2026, 12, 20)));
        assert_eq!(day("morgen", "de"), Some(ymd(2026, 12, 7)));
        assert_eq!(day("übermorgen", "de"), Some(ymd(2026, 12, 8)));
        assert_eq!(day("guten Morgen", "de"), None);
    }

    #[test]
    fn weekdays_are_the_next_one() {
        assert_eq!(day("on Monday", "en"), Some(ymd(2026, 12, 7)));
        assert_eq!(day("Sunday", "en"), Some(ymd(2026, 12, 6)));
        assert_eq!(day("next Sunday", "en"), Some(ymd(2026, 12, 13)));
        assert_eq!(day("nächsten Freitag", "de"), Some(ymd(2026, 12, 11)));
    }

    #[test]
    fn absolute_dates_prefer_the_future() {
        assert_eq!(day("December 24th", "en"), Some(ymd(2026, 12, 24)));
        assert_eq!(day("the 3rd of March", "en"), Some(ymd(2027, 3, 3)));
        assert_eq!(day("3 December 2028", "en"), Some(ymd(2028, 12, 3)));
        assert_eq!(day("on 12/31/2026", "en"), Some(ymd(2026, 12, 31)));
        assert_eq!(day("2027-01-15", "en"), Some(ymd(2027, 1, 15)));
        assert_eq!(day("am 3. Dezember", "de"), Some(ymd(2027, 12, 3)));
        assert_eq!(day("24.12.2026", "de"), Some(ymd(2026, 12, 24)));
        assert_eq!(day("nothing here", "en"), None);
    }

    #[test]
    fn periods_span_whole_units() {
        let period = |text: &str, language: &str| first(text, language, "period");
        let span = |a: Value, b: Value| json!({"startDate": a, "endDate": b});
        assert_eq!(
            period("next month", "en"),
            Some((
                "next month".to_owned(),
                span(ymd(2027, 1, 1), ymd(2027, 1, 31))
            ))
        );
        assert_eq!(
            period("in two months time", "en").map(|(_, v)| v),
            Some(span(ymd(2027, 2, 1), ymd(2027, 2, 28)))
        );
        assert_eq!(
            period("next June", "en").map(|(_, v)| v),
            Some(span(ymd(2027, 6, 1), ymd(2027, 6, 30)))
        );
        assert_eq!(
            period("this week", "en").map(|(_, v)| v),
            Some(span(ymd(2026, 11, 30), ymd(2026, 12, 6)))
        );
        assert_eq!(
            period("from Monday to Friday", "en").map(|(_, v)| v),
            Some(span(ymd(2026, 12, 7), ymd(2026, 12, 11)))
        );
        assert_eq!(
            period("nächsten Monat", "de").map(|(_, v)| v),
            Some(span(ymd(2027, 1, 1), ymd(2027, 1, 31)))
        );
        assert_eq!(
            period("im Dezember", "de").map(|(_, v)| v),
            Some(span(ymd(2026, 12, 1), ymd(2026, 12, 31)))
        );
        assert_eq!(period("I may come", "en"), None);
    }

    #[test]
    fn times_need_a_cue() {
        let time = |text: &str, language: &str| first(text, language, "time").map(|(_, v)| v);
        let hm = |hours: f64, minutes: f64| json!({"hours": hours, "minutes": minutes, "seconds": 0.0, "nanos": 0.0});
        assert_eq!(time("10am", "en"), Some(hm(10.0, 0.0)));
        assert_eq!(time("at 7:30 pm", "en"), Some(hm(19.0, 30.0)));
        assert_eq!(time("ten o'clock", "en"), Some(hm(10.0, 0.0)));
        assert_eq!(time("12 a.m.", "en"), Some(hm(0.0, 0.0)));
        assert_eq!(time("half past three", "en"), Some(hm(3.0, 30.0)));
        assert_eq!(time("noon", "en"), Some(hm(12.0, 0.0)));
        assert_eq!(time("10 Uhr", "de"), Some(hm(10.0, 0.0)));
        assert_eq!(time("um 14:15", "de"), Some(hm(14.0, 15.0)));
        assert_eq!(time("10.30 Uhr", "de"), Some(hm(10.0, 30.0)));
        assert_eq!(time("10 Uhr 30", "de"), Some(hm(10.0, 30.0)));
        assert_eq!(time("halb elf", "de"), Some(hm(10.0, 30.0)));
        assert_eq!(time("we are 10", "en"), None);
    }

    #[test]
    fn date_times_and_durations() {
        let date_time = first("tomorrow at 9am", "en", "date-time");
        assert_eq!(
            date_time,
            Some((
                "tomorrow at 9am".to_owned(),
                json!({"year": 2026.0, "month": 12.0, "day": 7.0, "hours": 9.0, "minutes": 0.0, "seconds": 0.0, "nanos": 0.0})
            ))
        );
        let duration = first("wait a minute", "en", "duration");
        assert_eq!(
            duration,
            Some(("a minute".to_owned(), json!({"amount": 1.0, "unit": "min"})))
        );
        let dauer = first("zwei Stunden", "de", "duration").map(|(_, v)| v);
        assert_eq!(dauer, Some(json!({"amount": 2.0, "unit": "h"})));
    }
}
