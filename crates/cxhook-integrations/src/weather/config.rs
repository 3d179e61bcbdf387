//! [`WeatherConfig`], the `[weather]` section, and its checks.

use std::time::Duration;

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, check_tags, problem};

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
pub(super) fn parse_url(key: &str, url: &str) -> Result<Url, ConfigError> {
    match Url::parse(url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        Ok(_) => problem(key, "must be an http or https URL"),
        Err(e) => problem(key, format!("not a URL: {e}")),
    }
}
