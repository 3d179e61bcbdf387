//! The `weather.current` handler.

use std::sync::Arc;
use std::time::Duration;

use cxhook::Reply;
use cxhook::extract::{Budget, Form, LanguageCode, Params, State};
use cxhook::memory::Memory;
use serde_json::Value;

use super::cache::{Answer, WeatherCache};
use super::provider::{Observation, Units, conditions};
use crate::messages::{Catalog, FluentValue, Say};

/// The longest place name looked up; longer ones are answered as unknown without a call.
const MAX_PLACE_CHARS: usize = 100;

/// What a lookup leaves of the call's budget, to write the reply before the deadline layer
/// gives up on the call.
const REPLY_RESERVE: Duration = Duration::from_millis(50);

/// The parameter saying that the place was the one remembered from an earlier conversation
/// (`true`), so that the agent can confirm it; `false` once a place is given again.
const FROM_MEMORY: &str = "city_from_memory";

/// The session parameters a weather answer sets (cleared when there is none).
const WEATHER_PARAMS: [&str; 8] = [
    "place",
    "temperature",
    "temperature_unit",
    "conditions",
    "wind_speed",
    "wind_unit",
    "weather_stale",
    "weather_age_minutes",
];

/// The handler's state.
#[derive(Clone)]
pub(super) struct Weather {
    pub(super) cache: Arc<WeatherCache>,
    /// The parameter naming the place.
    pub(super) param: String,
    /// The parameter choosing the units.
    pub(super) units_param: String,
    /// What the handler says, by language.
    pub(super) messages: Arc<Catalog>,
}

/// `weather.current`. The parameters are read by the names configured, so as a map (the
/// form's value over the session's, see [`Params`]). Without a place, the place remembered
/// for the caller under the same name (when `[memory]` remembers it) is answered for, said
/// to be the one of last time, and set in the reply with [`FROM_MEMORY`].
pub(super) async fn current(
    State(weather): State<Weather>,
    Params(params): Params<serde_json::Map<String, Value>>,
    form: Form,
    LanguageCode(language): LanguageCode,
    budget: Budget,
    memory: Option<Memory>,
) -> Reply {
    let say = Say::new(&weather.messages, &language);
    let given = params.get(&weather.param).and_then(place);
    let (place, remembered) = match given {
        Some(place) => (place, None),
        None => match remembered_place(memory.as_ref(), &weather.param).await {
            Some((place, value)) => (place, Some(value)),
            None => return ask_for_place(&form, &weather.param, say),
        },
    };
    // Set when the place is the remembered one, and reset when the session says it was.
    let from_memory = remembered.is_some();
    let mark = |reply: Reply| match params.get(FROM_MEMORY) {
        _ if from_memory => reply.set_param(FROM_MEMORY, true),
        Some(Value::Bool(true)) => reply.set_param(FROM_MEMORY, false),
        _ => reply,
    };
    if place.chars().count() > MAX_PLACE_CHARS {
        return mark(unknown(&place, &form, &weather.param, say));
    }
    let units = params
        .get(&weather.units_param)
        .and_then(units_of_param)
        .unwrap_or_else(|| units_of_language(&language));
    let budget = budget
        .remaining()
        .map(|left| left.saturating_sub(REPLY_RESERVE));
    let (reply, known) = match weather
        .cache
        .current(&place, units, &language, budget)
        .await
    {
        Answer::Fresh(observation) => (found(&observation, false, from_memory, say), true),
        Answer::Stale(observation) => (found(&observation, true, from_memory, say), true),
        Answer::Unknown => (unknown(&place, &form, &weather.param, say), false),
        Answer::Unavailable => (
            cleared(Reply::text(say.text("weather-unavailable", &[]))),
            true,
        ),
    };
    let reply = mark(reply);
    match remembered {
        // The remembered place is the session's now, for the agent to confirm or change.
        Some(value) if known => reply.set_param(&weather.param, value),
        _ => reply,
    }
}

/// The place remembered for the caller under `name`, and its value as remembered; `None`
/// when there is no memory, nothing usable is remembered, or the store cannot be read (then
/// the caller is asked, as without memory).
async fn remembered_place(memory: Option<&Memory>, name: &str) -> Option<(String, Value)> {
    let memory = memory?;
    match memory.value(name).await {
        Ok(value) => {
            let value = value?;
            Some((place(&value)?, value))
        }
        Err(error) => {
            tracing::warn!(
                user = memory.user().map(|user| user.short()),
                error = %error,
                "weather: the remembered place could not be read"
            );
            None
        }
    }
}

/// The place in a parameter value: a string, or an object with a `city` or `name` string
/// (`@sys.geo-city`-style); whitespace collapsed, never blank.
fn place(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => Some(text.as_str()),
        Value::Object(object) => ["city", "name"]
            .iter()
            .filter_map(|field| object.get(*field)?.as_str())
            .find(|text| !text.trim().is_empty()),
        _ => None,
    }?;
    let place = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(place).filter(|place| !place.is_empty())
}

/// The units a parameter asks for: `metric`/`celsius` or `imperial`/`fahrenheit`.
fn units_of_param(value: &Value) -> Option<Units> {
    match value.as_str()?.trim().to_ascii_lowercase().as_str() {
        "metric" | "celsius" => Some(Units::Metric),
        "imperial" | "fahrenheit" => Some(Units::Imperial),
        _ => None,
    }
}

/// The units of a language: imperial for the United States region (`en-US`, `es-US`),
/// metric everywhere else.
fn units_of_language(language: &str) -> Units {
    let us = language
        .split(['-', '_'])
        .skip(1)
        .any(|subtag| subtag.eq_ignore_ascii_case("us"));
    if us { Units::Imperial } else { Units::Metric }
}

/// Asks for the place: by marking the form's parameter invalid when the page has one, so
/// the agent prompts for it, else by saying so.
fn ask_for_place(form: &Form, param: &str, say: Say<'_>) -> Reply {
    if form.contains(param) {
        Reply::new().invalidate(param)
    } else {
        Reply::text(say.text("weather-which-place", &[]))
    }
}

/// The reply for a place the provider does not know.
fn unknown(place: &str, form: &Form, param: &str, say: Say<'_>) -> Reply {
    let reply = cleared(Reply::text(
        say.text("weather-unknown-place", &[("place", place.into())]),
    ));
    if form.contains(param) {
        reply.invalidate(param)
    } else {
        reply
    }
}

/// `reply` with `weather_found = false` and the weather parameters cleared.
fn cleared(reply: Reply) -> Reply {
    WEATHER_PARAMS
        .iter()
        .fold(reply.set_param("weather_found", false), |reply, name| {
            reply.clear_param(*name)
        })
}

/// The reply for an observation; a stale one says how old it is, one for the remembered
/// place says so.
fn found(observation: &Observation, stale: bool, remembered: bool, say: Say<'_>) -> Reply {
    let units = observation.units;
    let age = observation.fetched_at.elapsed();
    let conditions_said = match conditions(observation.weather_code) {
        Some(_) => say.text(
            "weather-conditions",
            &[("code", observation.weather_code.into())],
        ),
        None => "none".to_owned(),
    };
    let mut arguments = vec![
        ("place", FluentValue::from(observation.place.as_str())),
        ("temperature", whole(observation.temperature).into()),
        ("temperature_unit", units.temperature_unit().into()),
        ("conditions", conditions_said.into()),
        ("wind_speed", whole(observation.wind_speed).into()),
        ("wind_unit", units.wind_unit().into()),
    ];
    let text = if stale {
        arguments.push(("age", age_phrase(age, say).into()));
        say.text("weather-stale", &arguments)
    } else if remembered {
        say.text("weather-remembered", &arguments)
    } else {
        say.text("weather-now", &arguments)
    };
    Reply::text(text)
        .set_param("weather_found", true)
        .set_param("place", &observation.place)
        .set_param("temperature", observation.temperature)
        .set_param("temperature_unit", units.temperature_unit())
        .set_param(
            "conditions",
            conditions(observation.weather_code).unwrap_or("unknown"),
        )
        .set_param("wind_speed", observation.wind_speed)
        .set_param("wind_unit", units.wind_unit())
        .set_param("weather_stale", stale)
        .set_param("weather_age_minutes", age.as_secs() / 60)
}

/// A number rounded to a whole one, as said (`-0.3` is `0`).
fn whole(value: f64) -> i64 {
    let rounded = value.round();
    if rounded == 0.0 { 0 } else { rounded as i64 }
}

/// How long ago, in words (in English `less than a minute ago`, `1 minute ago`,
/// `12 minutes ago`, `2 hours ago`).
fn age_phrase(age: Duration, say: Say<'_>) -> String {
    let minutes = age.as_secs() / 60;
    match minutes {
        0 => say.text("weather-age-now", &[]),
        1..60 => say.text("weather-age-minutes", &[("minutes", minutes.into())]),
        _ => say.text("weather-age-hours", &[("hours", (minutes / 60).into())]),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn places_from_strings_and_geo_city_objects() {
        assert_eq!(place(&json!("  New   York ")).as_deref(), Some("New York"));
        assert_eq!(
            place(&json!({"city": "Paris", "country": "France"})).as_deref(),
            Some("Paris")
        );
        assert_eq!(place(&json!({"name": "Berlin"})).as_deref(), Some("Berlin"));
        assert_eq!(
            place(&json!({"city": " ", "name": "Rome"})).as_deref(),
            Some("Rome")
        );
        assert_eq!(place(&json!("   ")), None);
        assert_eq!(place(&json!({"country": "France"})), None);
        assert_eq!(place(&json!(42)), None);
    }

    #[test]
    fn units_by_parameter_and_by_language() {
        assert_eq!(units_of_param(&json!("Imperial")), Some(Units::Imperial));
        assert_eq!(units_of_param(&json!("metric")), Some(Units::Metric));
        assert_eq!(units_of_param(&json!("fahrenheit")), Some(Units::Imperial));
        assert_eq!(units_of_param(&json!("kelvin")), None);
        assert_eq!(units_of_param(&json!(1)), None);
        assert_eq!(units_of_language("en-US"), Units::Imperial);
        assert_eq!(units_of_language("es_us"), Units::Imperial);
        assert_eq!(units_of_language("en-GB"), Units::Metric);
        assert_eq!(units_of_language("en"), Units::Metric);
        assert_eq!(units_of_language("de-DE"), Units::Metric);
    }

    #[test]
    fn ages_in_words() {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        let catalog = Catalog::shipped();
        let en = Say::new(&catalog, "en-US");
        assert_eq!(
            age_phrase(Duration::from_secs(30), en),
            "less than a minute ago"
        );
        assert_eq!(age_phrase(minutes(1), en), "1 minute ago");
        assert_eq!(
            age_phrase(minutes(12) + Duration::from_secs(59), en),
            "12 minutes ago"
        );
        assert_eq!(age_phrase(minutes(61), en), "1 hour ago");
        assert_eq!(age_phrase(minutes(150), en), "2 hours ago");

        let de = Say::new(&catalog, "de-CH");
        assert_eq!(age_phrase(minutes(1), de), "Vor einer Minute");
        assert_eq!(age_phrase(minutes(5), de), "Vor 5 Minuten");
        assert_eq!(age_phrase(minutes(61), de), "Vor einer Stunde");
        let fr = Say::new(&catalog, "fr");
        assert_eq!(age_phrase(minutes(1), fr), "Il y a une minute");
        assert_eq!(age_phrase(minutes(150), fr), "Il y a 2 heures");
        let es = Say::new(&catalog, "es");
        assert_eq!(age_phrase(Duration::ZERO, es), "Hace menos de un minuto");
        assert_eq!(age_phrase(minutes(59), es), "Hace 59 minutos");
    }

    #[test]
    fn every_weather_code_has_conditions_in_each_language() {
        let catalog = Catalog::shipped();
        for code in 0..=u16::MAX {
            let Some(english) = conditions(code) else {
                continue;
            };
            for language in ["en", "de", "fr", "es"] {
                let said = catalog.say(language, "weather-conditions", &[("code", code.into())]);
                let other = catalog.say(language, "weather-conditions", &[("code", 1000.into())]);
                assert_ne!(said, other, "{language} has no phrase for code {code}");
                if language == "en" {
                    assert_eq!(said, english, "{code}");
                }
            }
        }
    }

    #[test]
    fn whole_numbers_as_said() {
        assert_eq!(whole(7.3), 7);
        assert_eq!(whole(7.5), 8);
        assert_eq!(whole(-0.3), 0);
        assert_eq!(whole(-4.6), -5);
    }
}
