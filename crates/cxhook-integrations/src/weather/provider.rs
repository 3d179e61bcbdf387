//! The Open-Meteo client: a place's coordinates from the geocoding API, its current weather
//! from the forecast API; per-call timeouts, one retry with jitter, a deadline for the whole
//! lookup.

use std::time::{Duration, Instant};

use cxhook::http_client::{BodyError, HttpClient};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The units a reply is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Units {
    /// Celsius and km/h.
    Metric,
    /// Fahrenheit and mph.
    Imperial,
}

impl Units {
    /// Open-Meteo's `temperature_unit`.
    fn temperature_param(self) -> &'static str {
        match self {
            Self::Metric => "celsius",
            Self::Imperial => "fahrenheit",
        }
    }

    /// Open-Meteo's `wind_speed_unit`.
    fn wind_param(self) -> &'static str {
        match self {
            Self::Metric => "kmh",
            Self::Imperial => "mph",
        }
    }

    /// The temperature unit, as said and as set in the session.
    pub(super) fn temperature_unit(self) -> &'static str {
        match self {
            Self::Metric => "°C",
            Self::Imperial => "°F",
        }
    }

    /// The wind speed unit, as said and as set in the session.
    pub(super) fn wind_unit(self) -> &'static str {
        match self {
            Self::Metric => "km/h",
            Self::Imperial => "mph",
        }
    }
}

/// The weather at a place, as the provider gave it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Observation {
    /// The place as the provider names it (`Paris, France`).
    pub(super) place: String,
    /// The temperature in `units`.
    pub(super) temperature: f64,
    /// The WMO weather code.
    pub(super) weather_code: u16,
    /// The wind speed at 10 m in `units`.
    pub(super) wind_speed: f64,
    /// The units of the numbers.
    pub(super) units: Units,
    /// When it was fetched.
    pub(super) fetched_at: Instant,
}

/// Why a lookup failed (an unknown place is not a failure).
#[derive(Debug, thiserror::Error)]
pub(super) enum FetchError {
    /// The call, or the lookup's deadline, ran out.
    #[error("{what}: timed out")]
    Timeout {
        /// Which call.
        what: &'static str,
    },
    /// The call failed before an answer (connection refused, reset, DNS, TLS).
    #[error("{what}: {}", cxhook::http_client::describe(source))]
    Http {
        /// Which call.
        what: &'static str,
        /// The error.
        source: reqwest::Error,
    },
    /// The provider answered with an error status.
    #[error("{what}: the provider answered {status}")]
    Status {
        /// Which call.
        what: &'static str,
        /// The status.
        status: StatusCode,
    },
    /// The body is not the JSON we expect.
    #[error("{what}: unexpected body: {source}")]
    Body {
        /// Which call.
        what: &'static str,
        /// The error.
        source: serde_json::Error,
    },
    /// The body is larger than the HTTP client's body limit.
    #[error("{what}: the body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// Which call.
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The HTTP client could not be built (no usable TLS setup, say).
    #[error(transparent)]
    Client(#[from] cxhook::http_client::BuildError),
}

impl FetchError {
    /// Whether a second try may help: a timeout, a failed connection, a 5xx.
    fn is_retryable(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Http { source, .. } => source.is_connect(),
            Self::Status { status, .. } => status.is_server_error(),
            Self::Body { .. } | Self::TooLarge { .. } | Self::Client(_) => false,
        }
    }

    /// A short name of the failure, for metrics.
    fn reason(&self) -> &'static str {
        match self {
            Self::Timeout { .. } => "timeout",
            Self::Http { .. } => "connection",
            Self::Status { .. } => "status",
            Self::Body { .. } | Self::TooLarge { .. } => "body",
            Self::Client(_) => "client",
        }
    }

    /// A reqwest error, classified; without its URL, whose query holds the place (a
    /// parameter value, kept out of the logs).
    fn from_reqwest(what: &'static str, source: reqwest::Error) -> Self {
        let source = source.without_url();
        if source.is_timeout() {
            Self::Timeout { what }
        } else {
            Self::Http { what, source }
        }
    }
}

/// The Open-Meteo geocoding and forecast APIs (or any that answer like them).
#[derive(Debug)]
pub(super) struct OpenMeteo {
    pub(super) client: HttpClient,
    pub(super) geocoding: Url,
    pub(super) forecast: Url,
    /// The timeout of one call; a lookup takes at most twice this.
    pub(super) timeout: Duration,
}

/// The geocoding answer; `results` is absent for an unknown place.
#[derive(Deserialize)]
struct Geocoding {
    #[serde(default)]
    results: Vec<GeoPlace>,
}

#[derive(Deserialize)]
struct GeoPlace {
    name: String,
    latitude: f64,
    longitude: f64,
    #[serde(default)]
    country: Option<String>,
}

/// The forecast answer, only what we ask for.
#[derive(Deserialize)]
struct Forecast {
    current: Current,
}

#[derive(Deserialize)]
struct Current {
    temperature_2m: f64,
    weather_code: f64,
    wind_speed_10m: f64,
}

impl OpenMeteo {
    /// The current weather at `place` (names in `language`, a lower-case ISO 639-1 code),
    /// or `None` when the provider knows no such place. The lookup takes at most twice the
    /// per-call timeout, and no longer than `budget` when given (what is left of the call's
    /// time), so its calls end before the webhook's deadline does.
    pub(super) async fn current(
        &self,
        place: &str,
        units: Units,
        language: &str,
        budget: Option<Duration>,
    ) -> Result<Option<Observation>, FetchError> {
        let lookup = budget.map_or(self.timeout * 2, |left| left.min(self.timeout * 2));
        let deadline = Instant::now() + lookup;

        let mut url = self.geocoding.clone();
        url.query_pairs_mut()
            .append_pair("name", place)
            .append_pair("count", "1")
            .append_pair("language", language)
            .append_pair("format", "json");
        let geocoding: Geocoding = self.get("geocoding", url, deadline).await?;
        let Some(found) = geocoding.results.into_iter().next() else {
            return Ok(None);
        };

        let mut url = self.forecast.clone();
        url.query_pairs_mut()
            .append_pair("latitude", &found.latitude.to_string())
            .append_pair("longitude", &found.longitude.to_string())
            .append_pair("current", "temperature_2m,weather_code,wind_speed_10m")
            .append_pair("temperature_unit", units.temperature_param())
            .append_pair("wind_speed_unit", units.wind_param());
        let forecast: Forecast = self.get("forecast", url, deadline).await?;
        let current = forecast.current;
        let weather_code = current.weather_code;
        if !(0.0..=f64::from(u16::MAX)).contains(&weather_code) {
            return Err(FetchError::Body {
                what: "forecast",
                source: serde::de::Error::custom(format!("weather_code {weather_code}")),
            });
        }
        let place = match found.country.filter(|c| !c.trim().is_empty()) {
            Some(country) => format!("{}, {country}", found.name),
            None => found.name,
        };
        Ok(Some(Observation {
            place,
            temperature: current.temperature_2m,
            weather_code: weather_code as u16,
            wind_speed: current.wind_speed_10m,
            units,
            fetched_at: Instant::now(),
        }))
    }

    /// GETs `url` as JSON; one retry after a 50–150 ms pause when it may help and the
    /// deadline allows.
    async fn get<T: DeserializeOwned>(
        &self,
        what: &'static str,
        url: Url,
        deadline: Instant,
    ) -> Result<T, FetchError> {
        match self.attempt(what, url.clone(), deadline).await {
            Err(error) if error.is_retryable() => {
                let pause = Duration::from_millis(fastrand::u64(50..=150));
                if Instant::now() + pause >= deadline {
                    return Err(error);
                }
                tracing::debug!(%error, ?pause, "weather: retrying once");
                tokio::time::sleep(pause).await;
                self.attempt(what, url, deadline).await
            }
            result => result,
        }
    }

    /// One GET, within the per-call timeout and the lookup's deadline.
    async fn attempt<T: DeserializeOwned>(
        &self,
        what: &'static str,
        url: Url,
        deadline: Instant,
    ) -> Result<T, FetchError> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(FetchError::Timeout { what });
        }
        metrics::counter!(
            "cxhook_upstream_requests_total",
            "integration" => "weather",
            "call" => what
        )
        .increment(1);
        let result = self.send(what, url, remaining).await;
        if let Err(error) = &result {
            metrics::counter!(
                "cxhook_upstream_failures_total",
                "integration" => "weather",
                "call" => what,
                "reason" => error.reason()
            )
            .increment(1);
        }
        result
    }

    /// The GET itself, within `self.timeout` and `remaining`.
    async fn send<T: DeserializeOwned>(
        &self,
        what: &'static str,
        url: Url,
        remaining: Duration,
    ) -> Result<T, FetchError> {
        // reqwest's per-request timeout runs until the body has been read.
        let response = self
            .client
            .get()
            .await?
            .get(url)
            .timeout(self.timeout.min(remaining))
            .send()
            .await
            .map_err(|e| FetchError::from_reqwest(what, e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status { what, status });
        }
        self.client.read_json(response).await.map_err(|e| match e {
            BodyError::Read(e) => FetchError::from_reqwest(what, e),
            BodyError::Json(source) => FetchError::Body { what, source },
            BodyError::TooLarge { limit } => FetchError::TooLarge { what, limit },
        })
    }
}

/// The conditions of a WMO weather code (the codes Open-Meteo uses) in words that read
/// after "with" (`with overcast skies`, `with light rain`); `None` for a code not in the
/// table.
pub fn conditions(code: u16) -> Option<&'static str> {
    Some(match code {
        0 => "clear skies",
        1 => "mostly clear skies",
        2 => "partly cloudy skies",
        3 => "overcast skies",
        45 => "fog",
        48 => "freezing fog",
        51 => "light drizzle",
        53 => "drizzle",
        55 => "heavy drizzle",
        56 => "light freezing drizzle",
        57 => "heavy freezing drizzle",
        61 => "light rain",
        63 => "rain",
        65 => "heavy rain",
        66 => "light freezing rain",
        67 => "heavy freezing rain",
        71 => "light snow",
        73 => "snow",
        75 => "heavy snow",
        77 => "snow grains",
        80 => "light rain showers",
        81 => "rain showers",
        82 => "violent rain showers",
        85 => "light snow showers",
        86 => "heavy snow showers",
        95 => "a thunderstorm",
        96 => "a thunderstorm with light hail",
        99 => "a thunderstorm with heavy hail",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wmo_codes_in_words() {
        assert_eq!(conditions(0), Some("clear skies"));
        assert_eq!(conditions(3), Some("overcast skies"));
        assert_eq!(conditions(45), Some("fog"));
        assert_eq!(conditions(63), Some("rain"));
        assert_eq!(conditions(75), Some("heavy snow"));
        assert_eq!(conditions(82), Some("violent rain showers"));
        assert_eq!(conditions(99), Some("a thunderstorm with heavy hail"));
        for unknown in [4, 44, 50, 100, 1000] {
            assert_eq!(conditions(unknown), None, "{unknown}");
        }
        // Every code of the WMO 4677 subset Open-Meteo documents has words.
        let documented = [
            0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77, 80, 81, 82,
            85, 86, 95, 96, 99,
        ];
        assert!(documented.iter().all(|code| conditions(*code).is_some()));
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let status = |code| FetchError::Status {
            what: "forecast",
            status: StatusCode::from_u16(code).unwrap(),
        };
        assert!(status(500).is_retryable());
        assert!(status(503).is_retryable());
        assert!(!status(400).is_retryable());
        assert!(!status(404).is_retryable());
        assert!(FetchError::Timeout { what: "geocoding" }.is_retryable());
        let body = FetchError::Body {
            what: "forecast",
            source: serde_json::from_str::<Forecast>("{").err().unwrap(),
        };
        assert!(!body.is_retryable());
    }
}
