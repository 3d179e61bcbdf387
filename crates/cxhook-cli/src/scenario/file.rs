//! The scenario file: YAML, read strictly (an unknown key is an error that names it and its
//! line), with dates relative to the day it runs.
//!
//! Dates are relative to the day a scenario runs, so that a scenario about "next Monday" stays
//! true: `dates: {monday: next monday}` names one, and `${monday}` uses it.
//!
//! An expression is `today`, `tomorrow`, `yesterday`, `today + N days`, `today - N days`,
//! `next <weekday>` (the first one after today) or a fixed `YYYY-MM-DD`. A value that is
//! exactly `${name}` becomes the date as the `@sys.date` entity resolves it,
//! `{"year": …, "month": …, "day": …}`; inside a longer text, `${name}` is `2026-11-30`,
//! `${name.weekday}` is `Monday` and `${name.spoken}` is `Monday, November 30`.
//!
//! The schema and its date walk are one module: the walk visits each field of the schema that
//! may hold a date, so a field added to one is a field added to the other.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{anyhow, bail};
use cxhook::types::{ParameterState, Struct};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, de::value::MapAccessDeserializer};
use serde_json::Value;

/// One scenario: a name, where the session starts, and its turns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scenario {
    /// What the scenario is about; the file's name when not given.
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// Where the session starts.
    #[serde(default)]
    pub(crate) session: Start,
    /// Dates relative to the day the scenario runs, by name (`monday: next monday`), for
    /// `${monday}` in values and texts.
    #[serde(default)]
    pub(crate) dates: BTreeMap<String, String>,
    /// The turns, in order.
    pub(crate) turns: Vec<Turn>,
}

/// The session before the first turn.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Start {
    /// The session ID (or a whole session name); a fresh one by default.
    pub(crate) id: Option<String>,
    /// The language code (`en` by default).
    pub(crate) lang: Option<String>,
    /// Session parameters.
    #[serde(default)]
    pub(crate) params: Struct,
    /// The current page, by display name.
    pub(crate) page: Option<String>,
    /// The current page's form parameters.
    #[serde(default)]
    pub(crate) form: BTreeMap<String, FormParam>,
}

/// One turn: the fulfillment that calls the webhook, what the user said or did, what the
/// agent changed before the call, and what to expect after it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Turn {
    /// Whether this turn starts a new session of the same user, as a caller coming back the
    /// next day: a fresh session ID, and the scenario's starting language, page, form and
    /// parameters (the `user_id` that says who the user is, say), nothing else of the
    /// session before, which CX has forgotten by then.
    #[serde(default)]
    pub(crate) new_session: bool,
    /// The fulfillment tag.
    pub(crate) tag: String,
    /// What the user typed.
    pub(crate) text: Option<String>,
    /// An event the caller triggered.
    pub(crate) event: Option<String>,
    /// Keypad digits the caller pressed.
    pub(crate) dtmf: Option<String>,
    /// The language of this and the following turns.
    pub(crate) lang: Option<String>,
    /// Session parameters the agent set before the call (what the user said, as intent
    /// matching and form filling resolved it); `null` deletes one.
    #[serde(default)]
    pub(crate) params: Struct,
    /// The page the agent is on for this call, by display name; its form is empty unless
    /// `form` declares it.
    pub(crate) page: Option<String>,
    /// Form parameters of the page as the agent has them for this call.
    #[serde(default)]
    pub(crate) form: BTreeMap<String, FormParam>,
    /// The payload the detect-intent caller sent.
    pub(crate) payload: Option<Struct>,
    /// What the reply must do.
    #[serde(default)]
    pub(crate) expect: Expect,
}

/// What a turn's reply must do. Every reply must also be one Dialogflow accepts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expect {
    /// The whole text the user hears (the texts of the turn, one per line).
    pub(crate) text: Option<String>,
    /// Parts the text must contain: one, or a list.
    #[serde(default)]
    pub(crate) text_contains: OneOrMany,
    /// Session parameters after the turn: a value each must have, or `null` for a parameter
    /// that must not be there. Parameters not named are not checked.
    #[serde(default)]
    pub(crate) params: Struct,
    /// Session parameters that must have a value after the turn, whatever it is.
    #[serde(default)]
    pub(crate) params_set: Vec<String>,
    /// Session parameters that must have a value after the turn, the same as before it (a
    /// confirmation number a repeated request must not change).
    #[serde(default)]
    pub(crate) params_unchanged: Vec<String>,
    /// Form parameters after the turn: the state (`INVALID`), or state, value and required.
    #[serde(default)]
    pub(crate) form: BTreeMap<String, FormParam>,
    /// The page after the turn: display name, page ID (`END_SESSION`) or resource name.
    pub(crate) page: Option<String>,
    /// Whether the turn ends the session.
    pub(crate) ended: Option<bool>,
}

/// A list of strings written as one string or as a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OneOrMany(pub(crate) Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            One(String),
            Many(Vec<String>),
        }
        match Either::deserialize(deserializer) {
            Ok(Either::One(one)) => Ok(Self(vec![one])),
            Ok(Either::Many(many)) => Ok(Self(many)),
            Err(_) => Err(de::Error::custom("expected a text or a list of texts")),
        }
    }
}

/// A form parameter: written as its state alone (`INVALID`), or as `{state, value,
/// required}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub(crate) struct FormParam {
    /// `EMPTY`, `INVALID` or `FILLED`.
    #[serde(deserialize_with = "state")]
    pub(crate) state: ParameterState,
    /// The value, when it has one.
    #[serde(default)]
    pub(crate) value: Option<Value>,
    /// Whether the form requires it.
    #[serde(default)]
    pub(crate) required: Option<bool>,
}

impl<'de> Deserialize<'de> for FormParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Form;
        impl<'de> Visitor<'de> for Form {
            type Value = FormParam;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a form parameter state (EMPTY, INVALID, FILLED) or {state, value, required}",
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<FormParam, E> {
                Ok(FormParam {
                    state: parse_state(v)?,
                    value: None,
                    required: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FormParam, A::Error> {
                FormParam::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_any(Form)
    }
}

fn state<'de, D: Deserializer<'de>>(deserializer: D) -> Result<ParameterState, D::Error> {
    parse_state(&String::deserialize(deserializer)?)
}

fn parse_state<E: de::Error>(name: &str) -> Result<ParameterState, E> {
    match ParameterState::from_name(name) {
        Some(state) if !state.is_unspecified() => Ok(state),
        _ => Err(E::custom(format!(
            "`{name}` is not a form parameter state: EMPTY, INVALID or FILLED"
        ))),
    }
}

/// Reads a scenario from YAML text and resolves its dates.
pub(crate) fn parse(text: &str, today: Date) -> anyhow::Result<Scenario> {
    let mut scenario: Scenario = serde_norway::from_str(text)?;
    if scenario.turns.is_empty() {
        return Err(anyhow!(
            "`turns` is empty: a scenario needs at least one turn"
        ));
    }
    for (i, turn) in scenario.turns.iter().enumerate() {
        let queries = [&turn.text, &turn.event, &turn.dtmf];
        if queries.iter().filter(|q| q.is_some()).count() > 1 {
            return Err(anyhow!(
                "turns[{i}]: give one of `text`, `event` and `dtmf`: a turn has one query"
            ));
        }
    }
    let dates = Dates::resolve(&scenario.dates, today)?;
    dates.fill_scenario(&mut scenario)?;
    Ok(scenario)
}

/// The named dates of one scenario.
#[derive(Debug, Default)]
struct Dates(BTreeMap<String, Date>);

impl Dates {
    /// Resolves each expression against `today`.
    fn resolve(expressions: &BTreeMap<String, String>, today: Date) -> anyhow::Result<Self> {
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
    fn fill_scenario(&self, scenario: &mut Scenario) -> anyhow::Result<()> {
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

    fn error(text: &str) -> String {
        parse(text, today()).unwrap_err().to_string()
    }

    #[test]
    fn a_whole_scenario_reads() {
        let scenario = parse(
            r#"
name: book
session: {params: {user_id: u-1001}, lang: en, page: Book, form: {date: EMPTY}}
dates: {monday: next monday}
turns:
  - tag: booking.validate
    text: monday at ten
    params: {date: "${monday}", time: "10:00"}
    form: {date: {state: FILLED, value: "${monday}", required: true}, time: FILLED}
    expect:
      text_contains: "${monday.weekday}"
      params: {date_ok: true, error: null}
      form: {time: INVALID}
      page: Confirm
  - tag: booking.create
    expect: {text_contains: [booked, "BK-"], ended: false}
"#,
            today(),
        )
        .unwrap();
        assert_eq!(scenario.name.as_deref(), Some("book"));
        assert_eq!(scenario.session.params["user_id"], json!("u-1001"));
        let first = &scenario.turns[0];
        let monday = json!({"year": 2026, "month": 11, "day": 30});
        assert_eq!(first.params["date"], monday);
        assert_eq!(first.form["date"].value, Some(monday));
        assert_eq!(first.form["date"].required, Some(true));
        assert_eq!(first.form["time"].state, ParameterState::Filled);
        assert_eq!(first.expect.text_contains.0, ["Monday"]);
        assert_eq!(first.expect.params["error"], Value::Null);
        assert_eq!(first.expect.form["time"].state, ParameterState::Invalid);
        assert_eq!(scenario.turns[1].expect.text_contains.0, ["booked", "BK-"]);
        assert_eq!(scenario.turns[1].expect.ended, Some(false));
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let found = error("turns:\n  - tag: t\n    expect:\n      text_contain: x\n");
        assert!(found.contains("unknown field `text_contain`"), "{found}");
        assert!(found.contains("turns[0].expect"), "{found}");
        assert!(found.contains("line 4"), "{found}");
    }

    #[test]
    fn wrong_values_are_named() {
        let found = error("turns:\n  - tag: t\n    form: {date: VALID}\n");
        assert!(
            found.contains("`VALID` is not a form parameter state"),
            "{found}"
        );
        assert!(found.contains("line 3"), "{found}");
        assert!(error("name: x\n").contains("missing field `turns`"));
        assert!(error("turns: []\n").contains("needs at least one turn"));
        let found = error("turns:\n  - text: hi\n");
        assert!(found.contains("missing field `tag`"), "{found}");
        let found = error("turns:\n  - tag: t\n    expect: {text_contains: {a: 1}}\n");
        assert!(found.contains("a text or a list of texts"), "{found}");
        let found = error("turns:\n  - {tag: t, text: hi, event: e}\n");
        assert!(found.contains("turns[0]: give one of"), "{found}");
    }

    #[test]
    fn yaml_syntax_errors_give_the_line() {
        let found = error("turns:\n  - tag: t\n   text: [unclosed\n");
        assert!(found.contains("line"), "{found}");
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
