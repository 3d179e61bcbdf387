//! The two caches in front of the provider: fresh answers (found and unknown places, each
//! with its own TTL, misses coalesced) and last-known-good observations for when the
//! provider fails; each with a second level in Redis when one is shared
//! ([`super::shared`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;

use super::config::WeatherConfig;
use super::lookup::{Key, Lookup};
use super::provider::{FetchError, Observation, OpenMeteo, Units};
use super::shared::{Claim, SharedLevel};

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

/// The fresh cache's TTLs: one for found places, a shorter one for unknown ones, each
/// counted from when the lookup was made (here or, through Redis, by another replica).
struct FreshExpiry {
    found: Duration,
    unknown: Duration,
}

impl Expiry<Key, Lookup> for FreshExpiry {
    fn expire_after_create(&self, _: &Key, value: &Lookup, _: Instant) -> Option<Duration> {
        Some(match value {
            Lookup::Found(observation) => {
                self.found.saturating_sub(observation.fetched_at.elapsed())
            }
            Lookup::Unknown(since) => self.unknown.saturating_sub(since.elapsed()),
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
    /// The second level, shared by the replicas, when there is one.
    shared: Option<SharedLevel>,
}

impl WeatherCache {
    /// The caches `config` sizes in front of `provider`, over the `shared` second level
    /// when there is one.
    pub(super) fn new(
        provider: OpenMeteo,
        config: &WeatherConfig,
        shared: Option<SharedLevel>,
    ) -> Self {
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
            shared,
        }
    }

    /// The weather at `place` in `units`, named in the language of `language` (a BCP-47
    /// code): from the fresh cache, else from the shared one, else from the provider (one
    /// call for all concurrent misses of the key, on every replica sharing Redis), else,
    /// when the provider fails, from the last-known-good cache, here or shared. A lookup
    /// takes no longer than `budget`, when given (what is left of the call's).
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
                    .try_get_with(key.clone(), self.fill(&key, budget))
                    .await
            }
        };
        match looked_up {
            Ok(Lookup::Found(observation)) => Answer::Fresh(observation),
            Ok(Lookup::Unknown(_)) => Answer::Unknown,
            Err(_) => match self.last_good(&key).await {
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

    /// The last good weather of `key`: this replica's, else the one shared.
    async fn last_good(&self, key: &Key) -> Option<Arc<Observation>> {
        if let Some(observation) = self.last_good.get(key).await {
            return Some(observation);
        }
        let observation = self.shared.as_ref()?.last_good(key).await?;
        self.last_good
            .insert(key.clone(), Arc::clone(&observation))
            .await;
        Some(observation)
    }

    /// Fills the fresh cache's miss of `key`; runs once for all the calls waiting on it.
    /// Without a shared level, an upstream lookup. With one: its value, when a replica
    /// stored one; else the lookup, made by the one replica that claims it while the others
    /// wait for its value, and make their own when the wait fails; or, Redis failing, made
    /// here.
    async fn fill(&self, key: &Key, budget: Option<Duration>) -> Result<Lookup, FetchError> {
        let Some(shared) = &self.shared else {
            return self.fetch(key, budget).await;
        };
        let started = Instant::now();
        let left = || budget.map(|budget| budget.saturating_sub(started.elapsed()));
        if let Some(lookup) = self.shared_value(shared.fresh(key).await, key).await {
            return Ok(lookup);
        }
        let claim = shared.claim(key).await;
        if claim == Claim::Mine {
            // Another replica may have stored its lookup and released the key between
            // the read above and the claim.
            if let Some(lookup) = self.shared_value(shared.fresh(key).await, key).await {
                shared.release(key).await;
                return Ok(lookup);
            }
        }
        if claim == Claim::Theirs {
            // Half of what is left, so that a lookup of our own still fits after it.
            let wait = left().map(|left| left / 2);
            if let Some(lookup) = self.shared_value(shared.wait(key, wait).await, key).await {
                return Ok(lookup);
            }
        }
        let looked_up = self.fetch(key, left()).await;
        if let Ok(lookup) = &looked_up {
            shared.store(key, lookup).await;
        }
        if claim == Claim::Mine {
            shared.release(key).await;
        }
        looked_up
    }

    /// A lookup read from the shared level, its weather also kept here as the last good
    /// (for when Redis and the provider both fail).
    async fn shared_value(&self, lookup: Option<Lookup>, key: &Key) -> Option<Lookup> {
        if let Some(Lookup::Found(observation)) = &lookup {
            self.last_good
                .insert(key.clone(), Arc::clone(observation))
                .await;
        }
        lookup
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
            Ok(None) => Ok(Lookup::Unknown(Instant::now())),
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
