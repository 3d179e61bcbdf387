//! Dates relative to the day a scenario runs, so that a scenario about "next Monday" stays
//! true: `dates: {monday: next monday}` names one, and `${monday}` uses it.
//!
//! An expression is `today`, `tomorrow`, `yesterday`, `today + N days`, `today - N days`,
//! `next <weekday>` (the first one after today) or a fixed `YYYY-MM-DD`. A value that is
//! exactly `${name}` becomes the date as the `@sys.date` entity resolves it,
//! `{"year": …, "month": …, "day": …}`; inside a longer text, `${name}` is `2026-11-30`,
//! `${name.weekday}` is `Monday` and `${name.spoken}` is `Monday, November 30`.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde_json::Value;

use super::file::{FormParam, Scenario};

/// The named dates of one scenario.
#[derive(Debug, Default)]
pub(crate) struct Dates(BTreeMap<String, Date>);

impl Dates {
    /// Resolves each expression against `today`.
    pub(crate) fn resolve(
        expressions: &BTreeMap<String, String>,
        today: Date,
    ) -> anyhow::Result<Self> {
        let mut dates = BTreeMap::new();
        for (name, expression) in expressions {
            if name.is_empty() || name.contains(['.', '{', '}', '$']) {
                bail!("dates: `{name}` is not a usable name (letters, digits, `_` and `-`)");
            }
            let date = evaluate(expression, today).map_err(|e| anyhow!("dates.{name}: {e}"))?;
            dates.insert(name.clone(), date);
        }
        Ok(Self(dates))
    }

    /// Puts the dates into every value and text of the scenario.
    pub(crate) fn fill_scenario(&self, scenario: &mut Scenario) -> anyhow::Result<()> {
        self.fill_map(&mut scenario.session.params, "session.params")?;
        self.fill_form(&mut scenario.session.form, "session.form")?;
        for (i, turn) in scenario.turns.iter_mut().enumerate() {
            let at = |field: &str| format!("turns[{i}].{field}");
            for (field, text) in [
                ("text", &mut turn.text),
                ("expect.text", &mut turn.expect.text),
            ] {
                if let Some(text) = text {
                    *text = self.fill_text(text, &at(field))?;
                }
            }
            for part in &mut turn.expect.text_contains.0 {
                *part = self.fill_text(part, &at("expect.text_contains"))?;
            }
            self.fill_map(&mut turn.params, &at("params"))?;
            self.fill_form(&mut turn.form, &at("form"))?;
            if let Some(payload) = &mut turn.payload {
                self.fill_map(payload, &at("payload"))?;
            }
            self.fill_map(&mut turn.expect.params, &at("expect.params"))?;
            self.fill_form(&mut turn.expect.form, &at("expect.form"))?;
        }
        Ok(())
    }

    fn fill_form(&self, form: &mut BTreeMap<String, FormParam>, at: &str) -> anyhow::Result<()> {
        for (name, param) in form {
            if let Some(value) = &mut param.value {
                self.fill_value(value, &format!("{at}.{name}.value"))?;
            }
        }
        Ok(())
    }

    fn fill_map(&self, map: &mut serde_json::Map<String, Value>, at: &str) -> anyhow::Result<()> {
        for (name, value) in map {
            self.fill_value(value, &format!("{at}.{name}"))?;
        }
        Ok(())
    }

    /// A value that is exactly `${name}` becomes the date struct; other strings, at any
    /// depth, get their references replaced by text.
    fn fill_value(&self, value: &mut Value, at: &str) -> anyhow::Result<()> {
        match value {
            Value::String(text) => {
                let whole = text
                    .strip_prefix("${")
                    .and_then(|rest| rest.strip_suffix('}'))
                    .and_then(|name| self.0.get(name));
                *value = match whole {
                    Some(date) => serde_json::json!({
                        "year": date.year(),
                        "month": date.month(),
                        "day": date.day(),
                    }),
                    None => Value::String(self.fill_text(text, at)?),
                };
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.fill_value(item, &format!("{at}[{i}]"))?;
                }
            }
            Value::Object(map) => self.fill_map(map, at)?,
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
        Ok(())
    }

    /// Replaces each `${name}` and `${name.part}` in `text`.
    fn fill_text(&self, text: &str, at: &str) -> anyhow::Result<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| anyhow!("{at}: `${{` without its closing `}}`"))?;
            out.push_str(&self.reference(&after[..end], at)?);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn reference(&self, reference: &str, at: &str) -> anyhow::Result<String> {
        let (name, part) = reference.split_once('.').unwrap_or((reference, "iso"));
        let date = self.0.get(name).ok_or_else(|| {
            anyhow!("{at}: `${{{reference}}}` names no date; name it under `dates`")
        })?;
        Ok(match part {
            "iso" => date.to_string(),
            "weekday" => date.strftime("%A").to_string(),
            "spoken" => date.strftime("%A, %B %-d").to_string(),
            other => bail!(
                "{at}: `${{{reference}}}`: a date has no `{other}`; use iso, weekday or spoken"
            ),
        })
    }
}

/// The date an expression names.
fn evaluate(expression: &str, today: Date) -> anyhow::Result<Date> {
    let words: Vec<String> = expression
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let offset = |days: i64| {
        today
            .checked_add(days.days())
            .map_err(|e| anyhow!("`{expression}` is out of range: {e}"))
    };
    match words.as_slice() {
        ["today"] => Ok(today),
        ["tomorrow"] => offset(1),
        ["yesterday"] => offset(-1),
        ["today", sign @ ("+" | "-"), n, "day" | "days"] => {
            let n: i64 = n
                .parse()
                .map_err(|_| anyhow!("`{n}` in `{expression}` is not a number of days"))?;
            offset(if *sign == "+" { n } else { -n })
        }
        ["next", day] => {
            let weekday = weekday(day)
                .ok_or_else(|| anyhow!("`{day}` in `{expression}` is not a weekday"))?;
            offset(i64::from(
                (weekday.to_monday_zero_offset() - today.weekday().to_monday_zero_offset() + 6) % 7
                    + 1,
            ))
        }
        _ => expression.trim().parse().map_err(|_| {
            anyhow!(
                "`{expression}` is not a date: use today, tomorrow, yesterday, today + N days, \
                 today - N days, next <weekday> or YYYY-MM-DD"
            )
        }),
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use serde_json::json;

    use super::*;

    /// A Friday.
    fn today() -> Date {
        date(2026, 11, 27)
    }

    fn dates(pairs: &[(&str, &str)]) -> Dates {
        let expressions = pairs
            .iter()
            .map(|(n, e)| ((*n).to_owned(), (*e).to_owned()))
            .collect();
        Dates::resolve(&expressions, today()).unwrap()
    }

    #[test]
    fn expressions_are_relative_to_today() {
        let at = |e: &str| evaluate(e, today()).unwrap();
        assert_eq!(at("today"), today());
        assert_eq!(at("Tomorrow"), date(2026, 11, 28));
        assert_eq!(at("yesterday"), date(2026, 11, 26));
        assert_eq!(at("today + 10 days"), date(2026, 12, 7));
        assert_eq!(at("today - 1 day"), date(2026, 11, 26));
        assert_eq!(at("next monday"), date(2026, 11, 30));
        assert_eq!(
            at("next friday"),
            date(2026, 12, 4),
            "after today, not today"
        );
        assert_eq!(at("next saturday"), date(2026, 11, 28));
        assert_eq!(at("2027-01-05"), date(2027, 1, 5));
        for bad in [
            "someday",
            "next moonday",
            "today + x days",
            "today * 2 days",
        ] {
            assert!(evaluate(bad, today()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_whole_reference_is_a_date_struct_and_text_gets_text() {
        let dates = dates(&[("monday", "next monday")]);
        let mut value = json!({"date": "${monday}", "said": "on ${monday.weekday}", "n": 1});
        dates.fill_value(&mut value, "params").unwrap();
        assert_eq!(
            value,
            json!({"date": {"year": 2026, "month": 11, "day": 30}, "said": "on Monday", "n": 1})
        );
        assert_eq!(
            dates
                .fill_text("${monday} is ${monday.spoken}", "t")
                .unwrap(),
            "2026-11-30 is Monday, November 30"
        );
        assert_eq!(dates.fill_text("costs $5", "t").unwrap(), "costs $5");
    }

    #[test]
    fn unknown_references_are_named() {
        let dates = dates(&[("monday", "next monday")]);
        let error = dates
            .fill_text("on ${tuesday}", "turns[1].text")
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("turns[1].text: `${tuesday}` names no date")
        );
        let error = dates.fill_text("${monday.year}", "t").unwrap_err();
        assert!(
            error.to_string().contains("a date has no `year`"),
            "{error}"
        );
        let error = dates.fill_text("${monday", "t").unwrap_err();
        assert!(error.to_string().contains("without its closing"), "{error}");
        let bad = [("a.b".to_owned(), "today".to_owned())]
            .into_iter()
            .collect();
        assert!(Dates::resolve(&bad, today()).is_err());
    }
}
