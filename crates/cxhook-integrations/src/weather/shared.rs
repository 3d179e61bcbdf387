//! The weather cache's second level: Redis, shared by the replicas ([`SharedCache`]).
//!
//! Three keys a place (with its units and language), all under
//! `PREFIX:weather:v1:KIND:UNITS:LANGUAGE:PLACE`:
//!
//! - `fresh`: the lookup (found, with when it was fetched, or unknown, with when that was
//!   learnt), for what is left of its TTL (`cache_ttl_secs`, `negative_ttl_secs`);
//! - `good`: the last found weather, for `stale_ttl_secs`, to answer with when the provider
//!   fails;
//! - `lock`: held by the one replica that looks a cold place up (`SET NX PX`). The others
//!   read `fresh` until the value is there, the lock is gone or their wait runs out, then look
//!   it up themselves. The lock expires by itself after the longest lookup and a second, so a
//!   replica that dies holding it delays the others by that at most.
//!
//! Values are JSON, with times as Unix milliseconds: a replica turns them back into ages on
//! its own clock. Any Redis failure reads as a miss ([`SharedCache`] logs and counts it).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::config::WeatherConfig;
use super::lookup::{Key, Lookup};
use super::provider::{Observation, Units};
use crate::shared_cache::SharedCache;

/// The first pause between two reads of a place another replica is looking up; it doubles
/// up to [`MAX_POLL`].
const FIRST_POLL: Duration = Duration::from_millis(5);
/// The longest pause between two such reads.
const MAX_POLL: Duration = Duration::from_millis(100);

/// A lookup as stored in Redis.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Stored {
    Found {
        place: String,
        temperature: f64,
        weather_code: u16,
        wind_speed: f64,
        fetched_at_ms: u64,
    },
    Unknown {
        since_ms: u64,
    },
}

/// Who looks a cold place up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Claim {
    /// This replica: it holds the lock.
    Mine,
    /// Another replica holds the lock.
    Theirs,
    /// Redis did not answer.
    Unavailable,
}

/// The weather's keys in the shared cache, with their TTLs.
pub(super) struct SharedLevel {
    cache: SharedCache,
    found_ttl: Duration,
    unknown_ttl: Duration,
    stale_ttl: Duration,
    /// How long the lock lives: the longest lookup, and a second.
    lock_ttl: Duration,
    /// The longest wait for another replica's lookup: the longest lookup.
    wait: Duration,
}

impl SharedLevel {
    /// The second level `config` sets the TTLs of, on `cache`.
    pub(super) fn new(cache: SharedCache, config: &WeatherConfig) -> Self {
        let lookup = config.timeout() * 2;
        Self {
            cache,
            found_ttl: Duration::from_secs(config.cache_ttl_secs),
            unknown_ttl: Duration::from_secs(config.negative_ttl_secs),
            stale_ttl: Duration::from_secs(config.stale_ttl_secs),
            lock_ttl: lookup + Duration::from_secs(1),
            wait: lookup,
        }
    }

    /// The key of `kind` for `key`.
    fn key(&self, kind: &str, key: &Key) -> String {
        let units = match key.units {
            Units::Metric => "metric",
            Units::Imperial => "imperial",
        };
        self.cache
            .key(&["weather", "v1", kind, units, &key.language, &key.place])
    }

    /// The fresh lookup of `key`, when another replica (or this one) stored one that has
    /// not expired.
    pub(super) async fn fresh(&self, key: &Key) -> Option<Lookup> {
        let Some(value) = self.cache.get(&self.key("fresh", key)).await.ok()? else {
            count("miss");
            return None;
        };
        let lookup = decode(&value, key.units)?;
        count("hit");
        Some(lookup)
    }

    /// The last good weather of `key` another replica (or this one) stored.
    pub(super) async fn last_good(&self, key: &Key) -> Option<Arc<Observation>> {
        let value = self.cache.get(&self.key("good", key)).await.ok()??;
        match decode(&value, key.units)? {
            Lookup::Found(observation) => Some(observation),
            Lookup::Unknown(_) => None,
        }
    }

    /// Stores a lookup this replica made: as fresh for what is left of its TTL, and a found
    /// one as the last good too.
    pub(super) async fn store(&self, key: &Key, lookup: &Lookup) {
        let (stored, ttl) = match lookup {
            Lookup::Found(observation) => (
                Stored::Found {
                    place: observation.place.clone(),
                    temperature: observation.temperature,
                    weather_code: observation.weather_code,
                    wind_speed: observation.wind_speed,
                    fetched_at_ms: unix_ms(observation.fetched_at),
                },
                self.found_ttl
                    .saturating_sub(observation.fetched_at.elapsed()),
            ),
            Lookup::Unknown(since) => (
                Stored::Unknown {
                    since_ms: unix_ms(*since),
                },
                self.unknown_ttl.saturating_sub(since.elapsed()),
            ),
        };
        let Ok(value) = serde_json::to_vec(&stored) else {
            return;
        };
        if ttl.is_zero() {
            return;
        }
        if self
            .cache
            .set(&self.key("fresh", key), &value, ttl)
            .await
            .is_err()
        {
            return;
        }
        if let Lookup::Found(observation) = lookup {
            let stale = self
                .stale_ttl
                .saturating_sub(observation.fetched_at.elapsed());
            if !stale.is_zero() {
                let _ = self.cache.set(&self.key("good", key), &value, stale).await;
            }
        }
    }

    /// Claims the lookup of a cold `key` for this replica, unless another holds it.
    pub(super) async fn claim(&self, key: &Key) -> Claim {
        match self
            .cache
            .set_new(&self.key("lock", key), b"1", self.lock_ttl)
            .await
        {
            Ok(true) => Claim::Mine,
            Ok(false) => Claim::Theirs,
            Err(_) => Claim::Unavailable,
        }
    }

    /// Gives a claim back, so that replicas waiting for a lookup that failed stop waiting.
    pub(super) async fn release(&self, key: &Key) {
        let _ = self.cache.delete(&self.key("lock", key)).await;
    }

    /// Waits for the replica that claimed `key` to store its lookup: at most the longest
    /// lookup and no longer than `budget`. `None` when it released its claim without
    /// storing one (its lookup failed), the wait ran out, or Redis failed.
    pub(super) async fn wait(&self, key: &Key, budget: Option<Duration>) -> Option<Lookup> {
        let bound = budget.map_or(self.wait, |left| left.min(self.wait));
        let deadline = Instant::now() + bound;
        let fresh = self.key("fresh", key);
        let lock = self.key("lock", key);
        let mut pause = FIRST_POLL;
        loop {
            let now = Instant::now();
            if now >= deadline {
                count("wait_timeout");
                return None;
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(MAX_POLL);
            match self.cache.get_and_exists(&fresh, &lock).await {
                Ok((Some(value), _)) => {
                    let lookup = decode(&value, key.units);
                    if lookup.is_some() {
                        count("waited");
                    }
                    return lookup;
                }
                Ok((None, true)) => {}
                Ok((None, false)) | Err(_) => return None,
            }
        }
    }
}

/// A stored lookup read back; `None` (a miss) for a value this version cannot read.
fn decode(value: &[u8], units: Units) -> Option<Lookup> {
    Some(match serde_json::from_slice(value).ok()? {
        Stored::Found {
            place,
            temperature,
            weather_code,
            wind_speed,
            fetched_at_ms,
        } => Lookup::Found(Arc::new(Observation {
            place,
            temperature,
            weather_code,
            wind_speed,
            units,
            fetched_at: instant_of(fetched_at_ms),
        })),
        Stored::Unknown { since_ms } => Lookup::Unknown(instant_of(since_ms)),
    })
}

/// `at` as Unix milliseconds on this replica's clock.
fn unix_ms(at: Instant) -> u64 {
    let then = SystemTime::now() - at.elapsed();
    then.duration_since(UNIX_EPOCH).map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}

/// Unix milliseconds as an instant of this process: now less their age, which is never
/// negative (another replica's clock may run ahead).
fn instant_of(unix_ms: u64) -> Instant {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        });
    let age = Duration::from_millis(now.saturating_sub(unix_ms));
    Instant::now().checked_sub(age).unwrap_or_else(Instant::now)
}

/// Counts an answer of the shared level by `result` (`hit`, `miss`, `waited`,
/// `wait_timeout`).
fn count(result: &'static str) {
    metrics::counter!("cxhook_cache_requests_total", "cache" => "weather_shared", "result" => result)
        .increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_lookup_reads_back_with_its_age() {
        let fetched_at = Instant::now() - Duration::from_secs(90);
        let found = Stored::Found {
            place: "Paris, France".to_owned(),
            temperature: 7.3,
            weather_code: 3,
            wind_speed: 11.9,
            fetched_at_ms: unix_ms(fetched_at),
        };
        let value = serde_json::to_vec(&found).unwrap();
        let Some(Lookup::Found(observation)) = decode(&value, Units::Metric) else {
            panic!("not found");
        };
        assert_eq!(observation.place, "Paris, France");
        assert_eq!(observation.temperature, 7.3);
        let age = observation.fetched_at.elapsed().as_secs();
        assert!((89..=91).contains(&age), "{age}");
        let unknown = serde_json::to_vec(&Stored::Unknown {
            since_ms: unix_ms(Instant::now()),
        })
        .unwrap();
        assert!(matches!(
            decode(&unknown, Units::Imperial),
            Some(Lookup::Unknown(_))
        ));
        assert!(decode(b"{\"kind\":\"other\"}", Units::Metric).is_none());
        assert!(decode(b"garbage", Units::Metric).is_none());
    }

    #[test]
    fn a_time_ahead_of_this_clock_is_now() {
        let ahead = unix_ms(Instant::now()) + 60_000;
        assert!(instant_of(ahead).elapsed() < Duration::from_secs(1));
    }
}
