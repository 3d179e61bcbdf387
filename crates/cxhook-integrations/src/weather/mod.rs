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
//! With memory served around it (`[memory]`), a missing place is first looked for in what
//! is remembered of the caller, under the place parameter's own name (the name `remember`
//! stores it under): the reply answers for it and says it is the place of last time ("In
//! Berlin, Germany, as last time, …"), sets the place parameter to it and
//! `city_from_memory = true`, so that the agent can confirm it or ask for another; a place
//! given after that sets it back to `false`.
//!
//! Units come from the parameter `units` ([`WeatherConfig::units_param`]:
//! `metric`/`imperial`, also `celsius`/`fahrenheit`), else from the language: a region of
//! `US` (`en-US`, `es-US`) gets Fahrenheit and mph, everything else Celsius and km/h.
//! Replies are in the call's language, from the [message catalogs](crate::messages)
//! (English where the catalog has no such language); the `conditions` parameter stays
//! English, for the agent's own conditions.
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
//! With a Redis server shared by the replicas (`[cache] redis_url`,
//! [`crate::shared_cache`]), both caches get a second level there, and a cold place is
//! looked up by one replica while the others wait for its answer, so N replicas asking for
//! it at once make one upstream lookup (`shared.rs` says how). Redis slow or down costs a
//! call at most its small timeout: then the per-instance caches and lookups answer alone.
//!
//! An upstream failure is logged (`tracing`, once per lookup, not once per waiting call)
//! and answered with a friendly reply and `weather_found = false` — or with the stale value
//! — never with an error.

mod cache;
mod config;
mod handlers;
mod lookup;
mod provider;
mod shared;

use std::sync::Arc;

use cxhook::Router;
use cxhook::http_client::HttpClient;

use crate::messages::Catalog;
use crate::shared_cache::SharedCache;
pub use crate::{ConfigError, Error};
pub use cache::normalise_place;
use config::parse_url;
pub use config::{OPEN_METEO_FORECAST, OPEN_METEO_GEOCODING, WeatherConfig, WeatherTags};
pub use provider::conditions;

/// What [`router_with`] serves the weather over, instead of what [`router`] builds; the
/// default is what [`router`] uses.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The HTTP client the provider is called with (one shared with other code, or built
    /// with other options); the per-call timeout is still the configured one. `None`: the
    /// process's [shared client](HttpClient::shared).
    pub client: Option<reqwest::Client>,
    /// A Redis server the replicas share, the second level of the caches (see
    /// [`shared_cache`](crate::shared_cache)); `None`: each instance's own caches alone.
    pub shared_cache: Option<SharedCache>,
    /// What the replies are said with: [`Catalog::shipped`], or one with a business's
    /// override files ([`Catalog::with_overrides`]).
    pub messages: Arc<Catalog>,
}

impl Default for Parts {
    fn default() -> Self {
        Self {
            client: None,
            shared_cache: None,
            messages: Catalog::shipped(),
        }
    }
}

/// The weather router for `config`, calling the provider with the process's
/// [shared HTTP client](HttpClient::shared), built at the first lookup (building one reads
/// the system's root certificates, which would slow every start-up). When the integration
/// is disabled, a router with no tags.
pub fn router(config: &WeatherConfig) -> Result<Router, Error> {
    serve(config, Parts::default())
}

/// [`router`], with replies said from `messages` (a catalog with a business's override
/// files) instead of the shipped catalog.
pub fn router_saying(config: &WeatherConfig, messages: Arc<Catalog>) -> Result<Router, Error> {
    serve(
        config,
        Parts {
            messages,
            ..Parts::default()
        },
    )
}

/// The weather router for `config` over `parts` (a ready HTTP client, a cache the replicas
/// share). When the integration is disabled, a router with no tags.
pub fn router_with(config: &WeatherConfig, parts: Parts) -> Result<Router, Error> {
    serve(config, parts)
}

/// The weather router over `parts`.
fn serve(config: &WeatherConfig, parts: Parts) -> Result<Router, Error> {
    let client = parts
        .client
        .map_or_else(HttpClient::shared, HttpClient::from_client);
    let shared = parts.shared_cache;
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
        cache: std::sync::Arc::new(cache::WeatherCache::new(
            provider,
            config,
            shared.map(|shared| shared::SharedLevel::new(shared, config)),
        )),
        param: config.param.clone(),
        units_param: config.units_param.clone(),
        messages: parts.messages,
    };
    Ok(Router::new()
        .route(&config.tags.current, handlers::current)
        .with_state(state))
}
