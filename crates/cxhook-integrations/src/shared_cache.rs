//! [`SharedCache`]: a Redis server that every replica shares, as the second level of the
//! integrations' caches (the weather's: [`crate::weather`]), configured by [`CacheConfig`]
//! (`[cache]` in `cxhook serve`'s configuration).
//!
//! A cache is never needed to answer: every call to Redis has a small timeout
//! ([`CacheConfig::timeout_ms`], 50 ms by default), and a call that fails or runs out of time
//! is answered as a miss, so the integration goes on with its per-instance cache and its own
//! upstream call. The first failure of an outage is logged (a warning, with its cause), and
//! the return once (with how long it lasted and how many calls went without Redis); each
//! failure is counted in `cxhook_cache_errors_total{cache="redis", op, reason}`
//! (`reason`: `timeout`, `error`, or `skipped` for a call not made while Redis is down), and
//! `cxhook_cache_available{cache="redis"}` is 1 or 0. While Redis is down, one call a
//! second tries it again and the others skip it at once, so an outage costs the calls nothing
//! but the first timeout. Readiness (`/readyz`) never asks Redis.
//!
//! The password comes from an environment variable or a file ([`CacheConfig::password_env`],
//! [`CacheConfig::password_file`]), never from the configuration text (a URL holding one is
//! refused); it is never logged, and [`SharedCache`]'s `Debug` shows only the address.
//!
//! # Why redis-rs
//!
//! redis-rs (`redis` with `tokio-comp`, through its `ConnectionManager`: one multiplexed
//! connection per process, re-established in the background when it drops) rather than
//! `fred`, measured against a local Redis 7.0 on 127.0.0.1 with the same GET of a 140-byte
//! value, 40,000 calls a round on a busy 2-core machine: one call at a time, both took
//! 28–30 µs a round trip at best and 13–15 µs of the client's CPU; with 16 tasks sharing the
//! connection, redis-rs spent 3.0 µs of CPU a call against fred's 4.0–4.3. redis-rs adds 5
//! crates that cxhook did not already build (`redis`, `arc-swap`, `arcstr`, `backon`,
//! `xxhash-rust`) and 0.95 MB to a stripped release binary; fred adds 9 crates and 2.8 MB.
//! Its connection manager can also be made without connecting
//! (`new_lazy_with_config`), so a replica starts, and serves, while Redis is down, and
//! its connection info redacts the password in `Debug`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, FromRedisValue, IntoConnectionInfo, RedisResult};
use cxhook::Secret;
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::config::{ConfigError, problem};

/// How long Redis is left alone after a failure before one call tries it again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The `[cache]` configuration: the Redis server the replicas share, if any. Every key has
/// a default; without `redis_url` every cache is per instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// The Redis server: `redis://HOST[:PORT][/DB]` (a user name may stand before the
    /// host, for an ACL user) or `unix:///PATH`; empty (the default): no shared cache. It
    /// must not hold the password.
    pub redis_url: String,
    /// The environment variable that holds the password (default empty: none).
    pub password_env: String,
    /// A file that holds the password (a mounted secret); when set it wins over
    /// `password_env`.
    pub password_file: Option<PathBuf>,
    /// How long one call to Redis may take, in milliseconds (default 50), before the call
    /// goes on without it; more than 0.
    pub timeout_ms: u64,
    /// What every key starts with (default `cxhook`), so that several deployments can share
    /// one server; not blank, no whitespace.
    pub key_prefix: String,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            redis_url: String::new(),
            password_env: String::new(),
            password_file: None,
            timeout_ms: 50,
            key_prefix: "cxhook".to_owned(),
        }
    }
}

impl CacheConfig {
    /// Whether a Redis server is configured.
    pub fn is_enabled(&self) -> bool {
        !self.redis_url.trim().is_empty()
    }

    /// Checks the keys without connecting or reading the password: a Redis URL without a
    /// password, a timeout above zero, a usable key prefix.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.timeout_ms == 0 {
            return problem("timeout_ms", "must be more than 0");
        }
        if self.key_prefix.trim().is_empty() || self.key_prefix.contains(char::is_whitespace) {
            return problem("key_prefix", "must be a word without whitespace");
        }
        if self.is_enabled() {
            connection_info(&self.redis_url)?;
        }
        Ok(())
    }

    /// The timeout of one call to Redis.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

/// Parses `url` into connection info; one holding a password, or asking for TLS, is refused.
/// The error never repeats the URL, which may hold a password.
fn connection_info(url: &str) -> Result<::redis::ConnectionInfo, ConfigError> {
    let url = url.trim();
    if url.starts_with("rediss://") || url.starts_with("valkeys://") {
        return problem(
            "redis_url",
            "asks for TLS, which this build does not speak to Redis: use redis:// on a \
             private network (Memorystore through Direct VPC egress, say)",
        );
    }
    let info = url.into_connection_info().map_err(|e| ConfigError {
        key: "redis_url".to_owned(),
        problem: format!("is not a Redis URL (redis://HOST:PORT[/DB] or unix:///PATH): {e}"),
    })?;
    if info.redis_settings().password().is_some() {
        return problem(
            "redis_url",
            "holds a password; the configuration must not: name an environment variable in \
             `password_env` or a file in `password_file` that holds it",
        );
    }
    Ok(info)
}

/// A Redis server that the replicas share, behind one connection per process; cheap to
/// clone. Every call has the configured timeout and fails quietly ([`Unavailable`]) when
/// Redis is slow or down.
#[derive(Clone)]
pub struct SharedCache {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    /// Made at the first call, inside the runtime (making it spawns a task).
    manager: OnceCell<ConnectionManager>,
    timeout: Duration,
    prefix: String,
    /// Where the server is, for `Debug` and the logs (no password).
    addr: String,
    health: Health,
}

impl std::fmt::Debug for SharedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCache")
            .field("addr", &self.inner.addr)
            .field("timeout", &self.inner.timeout)
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

/// A call to Redis that did not happen or did not answer in time; the caller goes on as on
/// a miss. Its cause is logged and counted by [`SharedCache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

impl SharedCache {
    /// The shared cache `config` names, with its password read from the variable or file
    /// it names; `None` when no Redis server is configured. Inside a Tokio runtime, it
    /// starts connecting in the background (a server that is down is logged then); else the
    /// first call connects. Either way, a server that is down never stops the start.
    pub fn open(config: &CacheConfig) -> Result<Option<Self>, ConfigError> {
        config.validate()?;
        if !config.is_enabled() {
            return Ok(None);
        }
        let info = connection_info(&config.redis_url)?;
        let env = config.password_env.trim();
        let password = match (&config.password_file, env) {
            (Some(file), _) => Some(Secret::from_file(file).map_err(|e| ConfigError {
                key: "password_file".to_owned(),
                problem: e.to_string(),
            })?),
            (None, "") => None,
            (None, var) => Some(Secret::from_env(var).map_err(|e| ConfigError {
                key: "password_env".to_owned(),
                problem: e.to_string(),
            })?),
        };
        let addr = info.addr().to_string();
        let info = match password {
            Some(password) => {
                let settings = info
                    .redis_settings()
                    .clone()
                    .set_password(password.expose());
                info.set_redis_settings(settings)
            }
            None => info,
        };
        let client = Client::open(info).map_err(|e| ConfigError {
            key: "redis_url".to_owned(),
            problem: e.to_string(),
        })?;
        let cache = Self {
            inner: Arc::new(Inner {
                client,
                manager: OnceCell::new(),
                timeout: config.timeout(),
                prefix: config.key_prefix.clone(),
                addr,
                health: Health::default(),
            }),
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(cache.clone().connect());
        }
        Ok(Some(cache))
    }

    /// Connects and asks for a `PING`, allowing the time a new connection takes (a second
    /// at least, not the calls' timeout), so that the first calls find a connection ready.
    async fn connect(self) {
        let inner = &self.inner;
        let ping = async {
            let mut manager = self.manager().await?;
            ::redis::cmd("PING")
                .query_async::<String>(&mut manager)
                .await
        };
        let wait = inner.timeout.max(Duration::from_secs(1));
        match tokio::time::timeout(wait, ping).await {
            Ok(Ok(_)) => inner.health.succeeded(&inner.addr),
            Ok(Err(error)) => {
                count_error("connect", "error");
                inner.health.failed(&inner.addr, &error);
            }
            Err(_) => {
                count_error("connect", "timeout");
                let waited = format_args!("no answer within {} ms", wait.as_millis());
                inner.health.failed(&inner.addr, &waited);
            }
        }
    }

    /// The timeout of one call.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The key of `parts` under the configured prefix: `PREFIX:PART:PART…`.
    pub(crate) fn key(&self, parts: &[&str]) -> String {
        let mut key = self.inner.prefix.clone();
        for part in parts {
            key.push(':');
            key.push_str(part);
        }
        key
    }

    /// The value at `key`, if any.
    pub(crate) async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Unavailable> {
        let command = ::redis::cmd("GET").arg(key).clone();
        self.run("get", move |mut c| async move {
            command.query_async(&mut c).await
        })
        .await
    }

    /// Sets `key` to `value` for `ttl` (at least a millisecond).
    pub(crate) async fn set(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), Unavailable> {
        let command = ::redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(millis(ttl))
            .clone();
        self.run("set", move |mut c| async move {
            command.query_async(&mut c).await
        })
        .await
    }

    /// Sets `key` to `value` for `ttl` when it is not set (`SET NX PX`); whether it was.
    pub(crate) async fn set_new(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, Unavailable> {
        let command = ::redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .clone();
        let set: Option<String> = self
            .run("set", move |mut c| async move {
                command.query_async(&mut c).await
            })
            .await?;
        Ok(set.is_some())
    }

    /// Removes `key`.
    pub(crate) async fn delete(&self, key: &str) -> Result<(), Unavailable> {
        let command = ::redis::cmd("DEL").arg(key).clone();
        let _removed: i64 = self
            .run("delete", move |mut c| async move {
                command.query_async(&mut c).await
            })
            .await?;
        Ok(())
    }

    /// The value at `key` and whether `other` exists, read together (`MULTI`/`EXEC`), so
    /// that a value written just before `other` was removed is seen.
    pub(crate) async fn get_and_exists(
        &self,
        key: &str,
        other: &str,
    ) -> Result<(Option<Vec<u8>>, bool), Unavailable> {
        let mut pipe = ::redis::pipe();
        pipe.atomic().get(key).exists(other);
        self.run(
            "get",
            move |mut c| async move { pipe.query_async(&mut c).await },
        )
        .await
    }

    /// Runs `call` on the connection within the timeout; records how it went.
    async fn run<T, F, Fut>(&self, op: &'static str, call: F) -> Result<T, Unavailable>
    where
        T: FromRedisValue,
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let health = &self.inner.health;
        if health.skip() {
            count_error(op, "skipped");
            return Err(Unavailable);
        }
        let result = tokio::time::timeout(self.inner.timeout, async {
            let manager = self.manager().await?;
            call(manager).await
        })
        .await;
        match result {
            Ok(Ok(value)) => {
                health.succeeded(&self.inner.addr);
                Ok(value)
            }
            Ok(Err(error)) => {
                count_error(op, "error");
                health.failed(&self.inner.addr, &error);
                Err(Unavailable)
            }
            Err(_) => {
                count_error(op, "timeout");
                let timeout = self.inner.timeout;
                health.failed(
                    &self.inner.addr,
                    &format_args!("no answer within {} ms", timeout.as_millis()),
                );
                Err(Unavailable)
            }
        }
    }

    /// The connection manager, made at the first call (it connects when first used).
    async fn manager(&self) -> RedisResult<ConnectionManager> {
        let inner = &self.inner;
        inner
            .manager
            .get_or_try_init(|| async {
                // One quick attempt per call: a call that fails makes the next one try
                // again (after RETRY_AFTER), rather than queueing behind a long retry.
                let config = ConnectionManagerConfig::new()
                    .set_number_of_retries(1)
                    .set_max_delay(RETRY_AFTER)
                    .set_connection_timeout(Some(inner.timeout.max(Duration::from_secs(1))))
                    .set_response_timeout(Some(inner.timeout.max(Duration::from_secs(1))));
                ConnectionManager::new_lazy_with_config(inner.client.clone(), config)
            })
            .await
            .cloned()
    }
}

/// A TTL in whole milliseconds, at least 1.
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// Counts a call to Redis that failed or was skipped.
fn count_error(op: &'static str, reason: &'static str) {
    metrics::counter!(
        "cxhook_cache_errors_total",
        "cache" => "redis",
        "op" => op,
        "reason" => reason
    )
    .increment(1);
}

/// Whether Redis answers, as the calls found it: an outage is logged when it starts and
/// when it ends, and while it lasts one call a second tries Redis.
#[derive(Default)]
struct Health {
    outage: Mutex<Option<Outage>>,
}

struct Outage {
    since: Instant,
    /// When the next call may try Redis.
    retry_at: Instant,
    /// The calls that failed or skipped Redis during it.
    calls: u64,
}

impl Health {
    /// Whether a call should skip Redis: it is down and was tried less than a second ago.
    /// The call that gets `false` while it is down is the one that tries it again.
    fn skip(&self) -> bool {
        let mut outage = self.outage.lock().unwrap_or_else(|e| e.into_inner());
        let Some(outage) = outage.as_mut() else {
            return false;
        };
        let now = Instant::now();
        if now < outage.retry_at {
            outage.calls += 1;
            return true;
        }
        outage.retry_at = now + RETRY_AFTER;
        false
    }

    fn succeeded(&self, addr: &str) {
        let mut outage = self.outage.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(ended) = outage.take() {
            availability(true);
            tracing::info!(
                redis = addr,
                outage_ms = ended.since.elapsed().as_millis() as u64,
                calls_without_redis = ended.calls,
                "Redis answers again: the shared cache is back in use"
            );
        }
    }

    fn failed(&self, addr: &str, error: &dyn std::fmt::Display) {
        let mut outage = self.outage.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match outage.as_mut() {
            Some(outage) => {
                outage.calls += 1;
                outage.retry_at = now + RETRY_AFTER;
            }
            None => {
                availability(false);
                tracing::warn!(
                    redis = addr,
                    %error,
                    "Redis does not answer: caches go on per instance until it does"
                );
                *outage = Some(Outage {
                    since: now,
                    retry_at: now + RETRY_AFTER,
                    calls: 1,
                });
            }
        }
    }
}

/// Sets `cxhook_cache_available{cache="redis"}`.
fn availability(up: bool) {
    metrics::gauge!("cxhook_cache_available", "cache" => "redis").set(if up { 1.0 } else { 0.0 });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_a_password_or_tls_are_refused_without_repeating_them() {
        let check = |url: &str| {
            CacheConfig {
                redis_url: url.to_owned(),
                ..CacheConfig::default()
            }
            .validate()
        };
        assert_eq!(check(""), Ok(()));
        assert_eq!(check("redis://10.0.0.3:6379"), Ok(()));
        assert_eq!(check("redis://cache.internal/2"), Ok(()));
        assert_eq!(check("unix:///run/redis.sock"), Ok(()));
        for url in [
            "redis://:hunter2@10.0.0.3",
            "redis://app:hunter2@10.0.0.3:6379",
        ] {
            let error = check(url).unwrap_err();
            assert_eq!(error.key, "redis_url");
            assert!(error.problem.contains("holds a password"), "{error}");
            assert!(!error.problem.contains("hunter2"), "{error}");
        }
        let tls = check("rediss://10.0.0.3").unwrap_err();
        assert!(tls.problem.contains("TLS"), "{tls}");
        let bad = check("http://10.0.0.3").unwrap_err();
        assert!(bad.problem.starts_with("is not a Redis URL"), "{bad}");
        let bad = check("redis://10.0.0.3/x").unwrap_err();
        assert!(bad.problem.starts_with("is not a Redis URL"), "{bad}");
    }

    #[test]
    fn the_timeout_and_prefix_must_work() {
        let zero = CacheConfig {
            timeout_ms: 0,
            ..CacheConfig::default()
        };
        assert_eq!(zero.validate().unwrap_err().key, "timeout_ms");
        for prefix in ["", " ", "a b"] {
            let config = CacheConfig {
                key_prefix: prefix.to_owned(),
                ..CacheConfig::default()
            };
            assert_eq!(config.validate().unwrap_err().key, "key_prefix");
        }
    }

    #[test]
    fn the_password_is_read_from_a_file_and_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("password");
        std::fs::write(&file, "s3cret-redis\n").unwrap();
        let config = CacheConfig {
            redis_url: "redis://127.0.0.1:1".to_owned(),
            password_file: Some(file),
            ..CacheConfig::default()
        };
        let cache = SharedCache::open(&config).unwrap().unwrap();
        let shown = format!("{cache:?} {config:?}");
        assert!(!shown.contains("s3cret-redis"), "{shown}");
        assert!(shown.contains("127.0.0.1:1"), "{shown}");
        let missing = CacheConfig {
            redis_url: "redis://127.0.0.1:1".to_owned(),
            password_env: "TEST_REDIS_UNSET_PASSWORD".to_owned(),
            ..CacheConfig::default()
        };
        assert_eq!(SharedCache::open(&missing).unwrap_err().key, "password_env");
        assert!(
            SharedCache::open(&CacheConfig::default())
                .unwrap()
                .is_none()
        );
    }
}
