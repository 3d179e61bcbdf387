//! [`Jwks`]: a JSON Web Key Set fetched over HTTPS and cached for as long as its
//! `Cache-Control: max-age` says.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::CACHE_CONTROL;
use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use tokio::sync::{Mutex, RwLock};

use crate::http_client::{BodyError, HttpClient, describe};

/// Where Google publishes the keys that sign its ID tokens.
pub const GOOGLE_JWKS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";

/// How long keys are kept when the key set's answer has no `max-age`.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);

/// The longest keys are kept, whatever `max-age` says.
const LONGEST_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The default shortest time between two fetches of the key set.
pub const DEFAULT_MIN_REFRESH: Duration = Duration::from_secs(30);

/// How long one fetch of the key set may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// A key set at a URL, cached; cheap to clone (clones share the cache).
///
/// Keys are fetched on first use and again when the cache is older than the answer's
/// `Cache-Control: max-age` ([`DEFAULT_MAX_AGE`] without one, a day at most). A token
/// signed by a key the fresh cache does not hold (a rotation) fetches the set again, at most
/// once per [minimum refresh interval](Jwks::min_refresh_interval), so that tokens with
/// made-up key IDs cannot hammer the key server. When a fetch fails, the keys held so far
/// are kept, and the next try waits the same interval.
#[derive(Clone)]
pub struct Jwks {
    url: reqwest::Url,
    client: HttpClient,
    min_refresh: Duration,
    cache: Arc<Cache>,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field("url", &self.url.as_str())
            .field("min_refresh", &self.min_refresh)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Cache {
    state: RwLock<State>,
    /// Held while fetching, so that concurrent misses fetch once.
    fetching: Mutex<()>,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, DecodingKey>,
    fresh_until: Option<Instant>,
    /// The last fetch, whatever its reason.
    last_fetch: Option<Instant>,
    /// The last fetch made because a token named a key the fresh cache does not hold.
    last_miss: Option<Instant>,
}

#[derive(Deserialize)]
struct KeySet {
    keys: Vec<Key>,
}

#[derive(Deserialize)]
struct Key {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

impl Jwks {
    /// The key set at `url`, fetched on first use with the process's
    /// [shared client](HttpClient::shared) (built then, not now).
    pub fn new(url: reqwest::Url) -> Self {
        Self::fetched_by(url, HttpClient::shared())
    }

    /// The key set at `url`, fetched with `client` (each fetch within 5 s).
    pub fn with_client(url: reqwest::Url, client: reqwest::Client) -> Self {
        Self::fetched_by(url, HttpClient::from_client(client))
    }

    fn fetched_by(url: reqwest::Url, client: HttpClient) -> Self {
        Self {
            url,
            client,
            min_refresh: DEFAULT_MIN_REFRESH,
            cache: Arc::default(),
        }
    }

    /// Google's key set, at [`GOOGLE_JWKS_URL`].
    pub fn google() -> Self {
        Self::new(reqwest::Url::parse(GOOGLE_JWKS_URL).unwrap_or_else(|_| unreachable!()))
    }

    /// Sets the shortest time between two fetches ([`DEFAULT_MIN_REFRESH`] by default).
    #[must_use]
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh = interval;
        self
    }

    /// The URL of the key set.
    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// The RS256 key with this key ID, fetching the set when the cache is stale or does not
    /// hold it (at most once per minimum refresh interval).
    pub(crate) async fn key(&self, kid: &str) -> Result<DecodingKey, String> {
        {
            let state = self.cache.state.read().await;
            if state.is_fresh()
                && let Some(key) = state.keys.get(kid)
            {
                return Ok(key.clone());
            }
        }
        let _fetching = self.cache.fetching.lock().await;
        let (may_fetch, miss) = {
            let state = self.cache.state.read().await;
            if state.is_fresh()
                && let Some(key) = state.keys.get(kid)
            {
                return Ok(key.clone());
            }
            let since = if state.is_fresh() {
                state.last_miss
            } else {
                state.last_fetch
            };
            (
                since.is_none_or(|at| at.elapsed() >= self.min_refresh),
                state.is_fresh(),
            )
        };
        if may_fetch {
            let fetched = self.fetch().await;
            let mut state = self.cache.state.write().await;
            state.last_fetch = Some(Instant::now());
            if miss {
                state.last_miss = state.last_fetch;
            }
            match fetched {
                Ok((keys, max_age)) => {
                    tracing::info!(url = %self.url, keys = keys.len(), max_age_secs = max_age.as_secs(), "fetched the ID token keys");
                    state.keys = keys;
                    state.fresh_until = Some(Instant::now() + max_age);
                }
                Err(error) => {
                    tracing::warn!(url = %self.url, %error, kept = state.keys.len(), "cannot fetch the ID token keys; keeping those held");
                }
            }
        }
        let state = self.cache.state.read().await;
        state.keys.get(kid).cloned().ok_or_else(|| {
            format!(
                "no key with kid {kid:?} in the key set{}",
                if may_fetch {
                    ""
                } else {
                    " (fetched again less than the minimum refresh interval ago)"
                }
            )
        })
    }

    /// Fetches the key set: its RS256 keys by ID, and how long they may be kept.
    async fn fetch(&self) -> Result<(HashMap<String, DecodingKey>, Duration), String> {
        let response = self
            .client
            .get()
            .await
            .map_err(|e| e.to_string())?
            .get(self.url.clone())
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| format!("cannot reach the key set: {}", describe(&e)))?;
        if !response.status().is_success() {
            return Err(format!("the key set answered {}", response.status()));
        }
        let max_age = response
            .headers()
            .get_all(CACHE_CONTROL)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(max_age)
            .unwrap_or(DEFAULT_MAX_AGE)
            .min(LONGEST_MAX_AGE);
        let set: KeySet = self.client.read_json(response).await.map_err(|e| match e {
            BodyError::TooLarge { limit } => format!("the key set is larger than {limit} bytes"),
            BodyError::Read(e) => format!("cannot read the key set: {}", describe(&e)),
            BodyError::Json(e) => format!("the key set is not a JWKS: {e}"),
        })?;
        let mut keys = HashMap::new();
        for key in set.keys {
            let (Some(kid), Some(n), Some(e)) = (key.kid, key.n, key.e) else {
                continue;
            };
            if key.kty != "RSA" || key.alg.as_deref().is_some_and(|alg| alg != "RS256") {
                continue;
            }
            match DecodingKey::from_rsa_components(&n, &e) {
                Ok(decoding) => {
                    keys.insert(kid, decoding);
                }
                Err(error) => tracing::warn!(%kid, %error, "skipped a key of the key set"),
            }
        }
        Ok((keys, max_age))
    }
}

impl State {
    fn is_fresh(&self) -> bool {
        self.fresh_until.is_some_and(|until| Instant::now() < until)
    }
}

/// The `max-age` of a `Cache-Control` value, when it has one.
fn max_age(value: &str) -> Option<Duration> {
    value.split(',').find_map(|directive| {
        let (name, seconds) = directive.trim().split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("max-age") {
            return None;
        }
        seconds
            .trim()
            .trim_matches('"')
            .parse()
            .ok()
            .map(Duration::from_secs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(
            max_age("public, max-age=19856, must-revalidate, no-transform"),
            Some(Duration::from_secs(19856))
        );
        assert_eq!(max_age("Max-Age = 60"), Some(Duration::from_secs(60)));
        assert_eq!(max_age("no-cache"), None);
        assert_eq!(max_age("max-age=soon"), None);
    }
}
