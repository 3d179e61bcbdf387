//! Weather: the current weather of a place, from an HTTP provider, behind a cache.
//!
//! One tag, configurable ([`WeatherTags`]): `weather.current` reads the place from the
//! parameter `city` ([`WeatherConfig::param`]) — a plain string, or a
//! `@sys.geo-city`-style object with a `city` or `name` field — and answers with the
//! temperature, the conditions in words and the wind. It sets the session parameters
//! `weather_found` (bool), `place` (the place as the provider names it), `temperature` (a
//! number), `temperature_unit` (`°C`/`°F`), `conditions` (words), `wind_speed` (a number),
//! `wind_unit` (`km/h`/`mph`), `weather_stale` (bool: the provider failed and this is the
//! last weather it gave) and `weather_age_minutes` (how long ago it was fetched).
//!
//! A place the provider does not know (or a name over 100 characters, without asking it)
//! gets a reply saying so and `weather_found = false`,
//! with the other parameters cleared (and the form's parameter marked invalid when the
//! page's form has it); a missing place gets a reply asking for it, or that form parameter
//! marked invalid so the agent asks again.
//!
//! Units come from the parameter `units` ([`WeatherConfig::units_param`]:
//! `metric`/`imperial`, also `celsius`/`fahrenheit`), else from the language: a region of
//! `US` (`en-US`, `es-US`) gets Fahrenheit and mph, everything else Celsius and km/h.
//! Replies are in English.
//!
//! Both parameters are read through [`Params`](cxhook::extract::Params): the page's form's
//! value where it has one, else the session parameter's (see
//! [the crate's shape](crate#one-shape)).
//!
//! # Provider
//!
//! [Open-Meteo](https://open-meteo.com) by default: its geocoding API turns the place into
//! coordinates, its forecast API gives the current temperature, WMO weather code (mapped to
//! words here) and wind speed. It is free for non-commercial use and needs no API key, so
//! `cxhook serve` answers real weather out of the box with nothing to configure; both base
//! URLs are in the configuration, for a commercial Open-Meteo plan or a self-hosted instance
//! (it is open source).
//!
//! Every call has a timeout ([`WeatherConfig::timeout_ms`], 2 s by default) and is retried
//! at most once, after a random 50–150 ms pause, and only when a retry can help: a timeout,
//! a refused or failed connection, or a 5xx answer. A 4xx answer, a malformed body or an
//! unknown place is not retried. One lookup (geocoding and forecast, with their retries)
//! never takes longer than twice the timeout in all.
//!
//! # Cache
//!
//! Two moka caches, keyed by the normalised place (trimmed, inner whitespace collapsed,
//! lower-cased), the units and the request's language (the provider names places in it:
//! `München` for `de`, `Munich` for `en`):
//!
//! - the **fresh** cache answers without any upstream call: found places for
//!   [`WeatherConfig::cache_ttl_secs`] (30 min by default), unknown places for
//!   [`WeatherConfig::negative_ttl_secs`] (5 min), at most
//!   [`WeatherConfig::cache_capacity`] entries (100). A miss is filled with
//!   `try_get_with`, so concurrent misses for one key wait for a single upstream lookup;
//!   a failed lookup is not cached (the next call tries again);
//! - the **last-known-good** cache keeps every successful observation for
//!   [`WeatherConfig::stale_ttl_secs`] (24 h), with the time it was fetched. When a lookup
//!   fails, the reply uses it and says how old it is ("as of 12 minutes ago").
//!
//! Two caches rather than one with a soft TTL because moka coalesces only the filling of
//! an *absent* key: with one cache holding expired-but-kept values, refreshing them would
//! need a coalescing mechanism of our own. This way moka's expiry and coalescing do all
//! the work, and the second cache costs one `Arc` per place.
//!
//! An upstream failure is logged (`tracing`, once per lookup, not once per waiting call)
//! and answered with a friendly reply and `weather_found = false` — or with the stale value
//! — never with an error.

mod cache;
mod handlers;
mod provider;

use std::time::Duration;

use cxhook::Router;
use cxhook::http_client::HttpClient;
use reqwest::Url;
use serde::{Deserialize, Serialize};

pub use crate::{ConfigError, Error};
use crate::{check_tags, problem};
pub use cache::normalise_place;
pub use provider::conditions;

/// The default geocoding API: Open-Meteo's.
pub const OPEN_METEO_GEOCODING: &str = "https://geocoding-api.open-meteo.com/v1/search";
/// The default forecast API: Open-Meteo's.
pub const OPEN_METEO_FORECAST: &str = "https://api.open-meteo.com/v1/forecast";

/// The `[weather]` configuration; every key has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeatherConfig {
    /// Whether the weather tags are served (default true).
    pub enabled: bool,
    /// The geocoding API, Open-Meteo's or one that answers like it (default
    /// [`OPEN_METEO_GEOCODING`]).
    pub geocoding_url: String,
    /// The forecast API, Open-Meteo's or one that answers like it (default
    /// [`OPEN_METEO_FORECAST`]).
    pub forecast_url: String,
    /// How long one upstream call may take, in milliseconds (default 2000); more than 0. A
    /// whole lookup, with its retry, takes at most twice this.
    pub timeout_ms: u64,
    /// How long a place's weather is served from the cache, in seconds (default 1800); more
    /// than 0.
    pub cache_ttl_secs: u64,
    /// How many places the cache holds (default 100); at least 1. The last-known-good cache
    /// holds as many.
    pub cache_capacity: u64,
    /// How long an unknown place is remembered as unknown, in seconds (default 300); more
    /// than 0.
    pub negative_ttl_secs: u64,
    /// How long a place's last good weather is kept to answer with when the provider fails,
    /// in seconds (default 86400); at least `cache_ttl_secs` (equal to it: no stale answers).
    pub stale_ttl_secs: u64,
    /// The parameter naming the place (default `city`).
    pub param: String,
    /// The parameter choosing the units, `metric` or `imperial` (default `units`).
    pub units_param: String,
    /// The tags served.
    pub tags: WeatherTags,
}

/// The tags of the weather handlers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeatherTags {
    /// The current-weather tag (default `weather.current`).
    pub current: String,
}

impl Default for WeatherConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            geocoding_url: OPEN_METEO_GEOCODING.to_owned(),
            forecast_url: OPEN_METEO_FORECAST.to_owned(),
            timeout_ms: 2000,
            cache_ttl_secs: 30 * 60,
            cache_capacity: 100,
            negative_ttl_secs: 5 * 60,
            stale_ttl_secs: 24 * 60 * 60,
            param: "city".to_owned(),
            units_param: "units".to_owned(),
            tags: WeatherTags::default(),
        }
    }
}

impl Default for WeatherTags {
    fn default() -> Self {
        Self {
            current: "weather.current".to_owned(),
        }
    }
}

impl WeatherConfig {
    /// Checks the values serde cannot: URLs that parse as http(s), durations and capacity
    /// above zero, names present.
    pub fn validate(&self) -> Result<(), ConfigError> {
        parse_url("geocoding_url", &self.geocoding_url)?;
        parse_url("forecast_url", &self.forecast_url)?;
        if self.timeout_ms == 0 {
            return problem("timeout_ms", "must be more than 0");
        }
        if self.cache_ttl_secs == 0 {
            return problem("cache_ttl_secs", "must be more than 0");
        }
        if self.cache_capacity == 0 {
            return problem("cache_capacity", "must be at least 1");
        }
        if self.negative_ttl_secs == 0 {
            return problem("negative_ttl_secs", "must be more than 0");
        }
        if self.stale_ttl_secs < self.cache_ttl_secs {
            return problem("stale_ttl_secs", "must be at least cache_ttl_secs");
        }
        if self.param.trim().is_empty() {
            return problem("param", "must not be empty");
        }
        if self.units_param.trim().is_empty() {
            return problem("units_param", "must not be empty");
        }
        check_tags(&[("tags.current", &self.tags.current)])
    }

    /// The timeout of one upstream call.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

/// `url` parsed, when it is an http(s) URL with a host.
fn parse_url(key: &str, url: &str) -> Result<Url, ConfigError> {
    match Url::parse(url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        Ok(_) => problem(key, "must be an http or https URL"),
        Err(e) => problem(key, format!("not a URL: {e}")),
    }
}

/// What [`router_with`] serves the weather over, instead of what [`router`] builds.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The HTTP client the provider is called with (one shared with other code, or built
    /// with other options); the per-call timeout is still the configured one.
    pub client: reqwest::Client,
}

/// The weather router for `config`, calling the provider with the process's
/// [shared HTTP client](HttpClient::shared), built at the first lookup (building one reads
/// the system's root certificates, which would slow every start-up). When the integration
/// is disabled, a router with no tags.
pub fn router(config: &WeatherConfig) -> Result<Router, Error> {
    serve(config, HttpClient::shared())
}

/// The weather router for `config` over `parts` (a ready HTTP client). When the integration
/// is disabled, a router with no tags.
pub fn router_with(config: &WeatherConfig, parts: Parts) -> Result<Router, Error> {
    serve(config, HttpClient::from_client(parts.client))
}

/// The weather router over `client`.
fn serve(config: &WeatherConfig, client: HttpClient) -> Result<Router, Error> {
    config.validate()?;
    if !config.enabled {
        return Ok(Router::new());
    }
    let provider = provider::OpenMeteo {
        client,
        geocoding: parse_url("geocoding_url", &config.geocoding_url)?,
        forecast: parse_url("forecast_url", &config.forecast_url)?,
        timeout: config.timeout(),
    };
    let state = handlers::Weather {
        cache: std::sync::Arc::new(cache::WeatherCache::new(provider, config)),
        param: config.param.clone(),
        units_param: config.units_param.clone(),
    };
    Ok(Router::new()
        .route(&config.tags.current, handlers::current)
        .with_state(state))
}
