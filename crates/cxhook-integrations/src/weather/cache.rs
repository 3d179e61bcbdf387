//! The two caches in front of the provider: fresh answers (found and unknown places, each
//! with its own TTL, misses coalesced) and last-known-good observations for when the
//! provider fails.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;

use super::WeatherConfig;
use super::provider::{FetchError, Observation, OpenMeteo, Units};

/// A place as a cache key: trimmed, inner whitespace collapsed to one space, lower-cased
/// (`"  New   York "` and `"new york"` are one place).
pub fn normalise_place(place: &str) -> String {
    place
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The language the provider names places in: the primary subtag of a BCP-47 code,
/// lower-cased (`de-DE` → `de`); `en` when there is none.
pub(super) fn provider_language(code: &str) -> String {
    let primary = code.split(['-', '_']).next().unwrap_or_default();
    if (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()) {
        primary.to_ascii_lowercase()
    } else {
        "en".to_owned()
    }
}

/// What one lookup is cached under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    place: String,
    units: Units,
    language: String,
}

/// A lookup that succeeded.
#[derive(Debug, Clone)]
enum Lookup {
    Found(Arc<Observation>),
    Unknown,
}

/// The fresh cache's TTLs: one for found places, a shorter one for unknown ones.
struct FreshExpiry {
    found: Duration,
    unknown: Duration,
}

impl Expiry<Key, Lookup> for FreshExpiry {
    fn expire_after_create(&self, _: &Key, value: &Lookup, _: Instant) -> Option<Duration> {
        Some(match value {
            Lookup::Found(_) => self.found,
            Lookup::Unknown => self.unknown,
        })
    }
}

/// What the cache answers.
#[derive(Debug, Clone)]
pub(super) enum Answer {
    /// The weather, fetched now or within the cache TTL.
    Fresh(Arc<Observation>),
    /// The provider failed; the last weather it gave for the place.
    Stale(Arc<Observation>),
    /// The provider knows no such place.
    Unknown,
    /// The provider failed and there is nothing to fall back on.
    Unavailable,
}

/// The provider behind its caches.
pub(super) struct WeatherCache {
    provider: OpenMeteo,
    fresh: Cache<Key, Lookup>,
    last_good: Cache<Key, Arc<Observation>>,
}

impl WeatherCache {
    /// The caches `config` sizes in front of `provider`.
    pub(super) fn new(provider: OpenMeteo, config: &WeatherConfig) -> Self {
        let fresh = Cache::builder()
            .max_capacity(config.cache_capacity)
            .expire_after(FreshExpiry {
                found: Duration::from_secs(config.cache_ttl_secs),
                unknown: Duration::from_secs(config.negative_ttl_secs),
            })
            .build();
        let last_good = Cache::builder()
            .max_capacity(config.cache_capacity)
            .time_to_live(Duration::from_secs(config.stale_ttl_secs))
            .build();
        Self {
            provider,
            fresh,
            last_good,
        }
    }

    /// The weather at `place` in `units`, named in the language of `language` (a BCP-47
    /// code): from the fresh cache, else from the provider (one call for all concurrent
    /// misses of the key), else, when the provider fails, from the last-known-good cache.
    /// A lookup takes no longer than `budget`, when given (what is left of the call's).
    pub(super) async fn current(
        &self,
        place: &str,
        units: Units,
        language: &str,
        budget: Option<Duration>,
    ) -> Answer {
        let key = Key {
            place: normalise_place(place),
            units,
            language: provider_language(language),
        };
        let cached = self.fresh.get(&key).await;
        count(if cached.is_some() { "hit" } else { "miss" });
        let looked_up = match cached {
            Some(lookup) => Ok(lookup),
            None => {
                self.fresh
                    .try_get_with(key.clone(), self.fetch(&key, budget))
                    .await
            }
        };
        match looked_up {
            Ok(Lookup::Found(observation)) => Answer::Fresh(observation),
            Ok(Lookup::Unknown) => Answer::Unknown,
            Err(_) => match self.last_good.get(&key).await {
                Some(observation) => {
                    count("stale");
                    Answer::Stale(observation)
                }
                None => {
                    count("unavailable");
                    Answer::Unavailable
                }
            },
        }
    }

    /// One upstream lookup; runs once for all the calls waiting on the key, so it logs a
    /// failure once and records a success as the last known good.
    async fn fetch(&self, key: &Key, budget: Option<Duration>) -> Result<Lookup, FetchError> {
        match self
            .provider
            .current(&key.place, key.units, &key.language, budget)
            .await
        {
            Ok(Some(observation)) => {
                let observation = Arc::new(observation);
                self.last_good
                    .insert(key.clone(), Arc::clone(&observation))
                    .await;
                Ok(Lookup::Found(observation))
            }
            Ok(None) => Ok(Lookup::Unknown),
            Err(error) => {
                // The place is a parameter value: it stays out of the logs.
                tracing::warn!(%error, "weather provider failed");
                Err(error)
            }
        }
    }
}

/// Counts one answer of the weather cache by `result` (`hit`, `miss`, `stale`,
/// `unavailable`).
fn count(result: &'static str) {
    metrics::counter!("cxhook_cache_requests_total", "cache" => "weather", "result" => result)
        .increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_normalised() {
        assert_eq!(normalise_place(" paris "), "paris");
        assert_eq!(normalise_place("PARIS"), "paris");
        assert_eq!(normalise_place("  New \t  York\n"), "new york");
        assert_eq!(normalise_place("São   Paulo"), "são paulo");
        assert_eq!(normalise_place("MÜNCHEN"), "münchen");
        assert_eq!(normalise_place("   "), "");
    }

    #[test]
    fn keys_differ_by_units_and_language_only() {
        let key = |place: &str, units, language: &str| Key {
            place: normalise_place(place),
            units,
            language: provider_language(language),
        };
        assert_eq!(
            key(" paris ", Units::Metric, "en-GB"),
            key("PARIS", Units::Metric, "en")
        );
        assert_ne!(
            key("paris", Units::Metric, "en"),
            key("paris", Units::Imperial, "en")
        );
        assert_ne!(
            key("paris", Units::Metric, "en"),
            key("paris", Units::Metric, "fr")
        );
    }

    #[test]
    fn provider_language_is_the_primary_subtag() {
        assert_eq!(provider_language("de-DE"), "de");
        assert_eq!(provider_language("EN_us"), "en");
        assert_eq!(provider_language("fr"), "fr");
        assert_eq!(provider_language(""), "en");
        assert_eq!(provider_language("zh-Hant-TW"), "zh");
        assert_eq!(provider_language("1234"), "en");
    }
}
