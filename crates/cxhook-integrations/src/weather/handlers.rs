//! The `weather.current` handler.

use std::sync::Arc;
use std::time::Duration;

use cxhook::Reply;
use cxhook::extract::{Budget, Form, LanguageCode, Params, State};
use serde_json::Value;

use super::cache::{Answer, WeatherCache};
use super::provider::{Observation, Units, conditions};

/// The longest place name looked up; longer ones are answered as unknown without a call.
const MAX_PLACE_CHARS: usize = 100;

/// What a lookup leaves of the call's budget, to write the reply before the deadline layer
/// gives up on the call.
const REPLY_RESERVE: Duration = Duration::from_millis(50);

/// What the user hears when the provider fails and nothing is cached.
const UNAVAILABLE: &str = "Sorry, I can't get the weather right now. Please try again in a moment.";

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
}

/// `weather.current`. The parameters are read by the names configured, so as a map (the
/// form's value over the session's, see [`Params`]).
pub(super) async fn current(
    State(weather): State<Weather>,
    Params(params): Params<serde_json::Map<String, Value>>,
    form: Form,
    LanguageCode(language): LanguageCode,
    budget: Budget,
) -> Reply {
    let Some(place) = params.get(&weather.param).and_then(place) else {
        return ask_for_place(&form, &weather.param);
    };
    if place.chars().count() > MAX_PLACE_CHARS {
        return unknown(&place, &form, &weather.param);
    }
    let units = params
        .get(&weather.units_param)
        .and_then(units_of_param)
        .unwrap_or_else(|| units_of_language(&language));
    let budget = budget
        .remaining()
        .map(|left| left.saturating_sub(REPLY_RESERVE));
    match weather
        .cache
        .current(&place, units, &language, budget)
        .await
    {
        Answer::Fresh(observation) => found(&observation, false),
        Answer::Stale(observation) => found(&observation, true),
        Answer::Unknown => unknown(&place, &form, &weather.param),
        Answer::Unavailable => cleared(Reply::text(UNAVAILABLE)),
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
fn ask_for_place(form: &Form, param: &str) -> Reply {
    if form.contains(param) {
        Reply::new().invalidate(param)
    } else {
        Reply::text("Which city would you like the weather for?")
    }
}

/// The reply for a place the provider does not know.
fn unknown(place: &str, form: &Form, param: &str) -> Reply {
    let reply = cleared(Reply::text(format!(
        "I couldn't find a place called {place}. Which city do you mean?"
    )));
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

/// The reply for an observation; a stale one says how old it is.
fn found(observation: &Observation, stale: bool) -> Reply {
    let units = observation.units;
    let age = observation.fetched_at.elapsed();
    let temperature = format!(
        "{}{}",
        whole(observation.temperature),
        units.temperature_unit()
    );
    let wind = format!(
        "wind at {} {}",
        whole(observation.wind_speed),
        units.wind_unit()
    );
    let weather = match conditions(observation.weather_code) {
        Some(conditions) => format!(
            "{temperature} in {}, with {conditions} and {wind}",
            observation.place
        ),
        None => format!("{temperature} in {}, with {wind}", observation.place),
    };
    let text = if stale {
        format!(
            "I can't reach the weather service right now. As of {}, it was {weather}.",
            age_phrase(age)
        )
    } else {
        format!("It's {weather}.")
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

/// How long ago, in words: `less than a minute ago`, `1 minute ago`, `12 minutes ago`,
/// `2 hours ago`.
fn age_phrase(age: Duration) -> String {
    let minutes = age.as_secs() / 60;
    match minutes {
        0 => "less than a minute ago".to_owned(),
        1 => "1 minute ago".to_owned(),
        2..60 => format!("{minutes} minutes ago"),
        60..120 => "1 hour ago".to_owned(),
        _ => format!("{} hours ago", minutes / 60),
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
        assert_eq!(
            age_phrase(Duration::from_secs(30)),
            "less than a minute ago"
        );
        assert_eq!(age_phrase(minutes(1)), "1 minute ago");
        assert_eq!(
            age_phrase(minutes(12) + Duration::from_secs(59)),
            "12 minutes ago"
        );
        assert_eq!(age_phrase(minutes(61)), "1 hour ago");
        assert_eq!(age_phrase(minutes(150)), "2 hours ago");
    }

    #[test]
    fn whole_numbers_as_said() {
        assert_eq!(whole(7.3), 7);
        assert_eq!(whole(7.5), 8);
        assert_eq!(whole(-0.3), 0);
        assert_eq!(whole(-4.6), -5);
    }
}
