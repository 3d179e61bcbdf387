//! The weather cache's second level on a real Redis server: routers built side by side play
//! the replicas (each with its own first-level cache), against a stub of the Open-Meteo APIs
//! on 127.0.0.1 that counts its calls.
//!
//! The shared server is the one `TEST_REDIS_URL` names (password in `TEST_REDIS_PASSWORD`,
//! see `scripts/redis.sh`), each test under a key prefix of its own; the tests that stop or
//! kill Redis start a `redis-server` of their own. Without them a test says it was skipped
//! and how to run it, and passes; in CI (`CI=true`) it fails.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cxhook_integrations::shared_cache::{CacheConfig, SharedCache};
use cxhook_integrations::weather::{self, WeatherConfig};
use cxhook_sim::{RequestBuilder, TestClient, TestResponse};
use serde_json::{Value, json};

use crate::support::answer;

/// The variable naming the shared test server: `redis://HOST:PORT`.
const URL_VAR: &str = "TEST_REDIS_URL";
/// The variable holding its password.
const PASSWORD_VAR: &str = "TEST_REDIS_PASSWORD";

const PARIS: &str = "It's 7°C in Paris, France, with overcast skies and wind at 12 km/h.";
const BERLIN: &str = "It's 3°C in Berlin, Germany, with light rain and wind at 20 km/h.";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true")
}

/// The shared test server's URL; `None` (after saying so) when there is none on a developer
/// machine. Panics in CI without one.
fn server(test: &str) -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ if in_ci() => {
            panic!("CI must provide Redis: {URL_VAR} is unset (.ci/run starts a server)")
        }
        _ => {
            eprintln!(
                "SKIPPED {test}: no Redis server ({URL_VAR} is unset). To run it: \
                 eval \"$(bash scripts/redis.sh start /tmp/cxhook-redis)\" and run the tests again"
            );
            None
        }
    }
}

/// The `[cache]` keys for the shared test server, under a key prefix of the test's own.
/// Their timeout is a second rather than 50 ms: these tests are about what is shared, and a
/// debug build on a busy machine may take longer than 50 ms to answer.
fn shared_keys(url: &str, test: &str) -> CacheConfig {
    CacheConfig {
        redis_url: url.to_owned(),
        password_env: PASSWORD_VAR.to_owned(),
        key_prefix: format!("test-{test}-{}", fastrand::u64(..)),
        timeout_ms: 1000,
        ..CacheConfig::default()
    }
}

/// A `redis-server` of the test's own, on a free port with a password, that it may stop,
/// kill and start again; killed when dropped.
struct OwnRedis {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    /// Starts one; `None` (after saying so) without `redis-server` on a developer machine.
    /// Panics in CI without one.
    fn start(test: &str) -> Option<Self> {
        let found = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            assert!(
                !in_ci(),
                "CI must provide redis-server on PATH (.ci/run installs it)"
            );
            eprintln!(
                "SKIPPED {test}: redis-server is not on PATH. To run it: \
                 apt-get install -y redis-server, and run the tests again"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("password"), "own-redis-password\n").unwrap();
        std::fs::write(
            dir.path().join("redis.conf"),
            format!(
                "bind 127.0.0.1\nport {port}\nsave \"\"\nappendonly no\n\
                 requirepass own-redis-password\ndir {}\n",
                dir.path().display()
            ),
        )
        .unwrap();
        let mut redis = Self {
            dir,
            port,
            child: None,
        };
        redis.restart();
        Some(redis)
    }

    /// Starts the server (again, on the same port, empty) and waits until it listens.
    fn restart(&mut self) {
        let child = Command::new("redis-server")
            .arg(self.dir.path().join("redis.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < until, "redis-server did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The `[cache]` keys for it, with a timeout of `timeout_ms`.
    fn keys(&self, timeout_ms: u64) -> CacheConfig {
        CacheConfig {
            redis_url: format!("redis://127.0.0.1:{}", self.port),
            password_file: Some(self.password_file()),
            timeout_ms,
            ..CacheConfig::default()
        }
    }

    fn password_file(&self) -> PathBuf {
        self.dir.path().join("password")
    }

    /// Sends `signal` to the server (`STOP`: it stops answering; `CONT`: it goes on).
    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Kills the server (SIGKILL) and waits for it to be gone.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The provider stub: counts its calls, can be slow or answer 500.
#[derive(Default)]
struct Stub {
    geocoding_calls: AtomicUsize,
    forecast_calls: AtomicUsize,
    delay_ms: AtomicU64,
    failing: AtomicBool,
}

impl Stub {
    fn calls(&self) -> (usize, usize) {
        (
            self.geocoding_calls.load(Ordering::SeqCst),
            self.forecast_calls.load(Ordering::SeqCst),
        )
    }

    /// The 500 answer when failing, after the delay.
    async fn behave(&self) -> Option<Response> {
        let delay = self.delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        self.failing
            .load(Ordering::SeqCst)
            .then(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}

fn json_body(value: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn geocoding(
    State(stub): State<Arc<Stub>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    stub.geocoding_calls.fetch_add(1, Ordering::SeqCst);
    if let Some(failure) = stub.behave().await {
        return failure;
    }
    let place = |name: &str, latitude: f64, longitude: f64, country: &str| {
        json!({"results": [{
            "name": name, "latitude": latitude, "longitude": longitude, "country": country
        }]})
    };
    json_body(match query.get("name").map(String::as_str) {
        Some("paris") => place("Paris", 48.85341, 2.3488, "France"),
        Some("berlin") => place("Berlin", 52.52437, 13.41053, "Germany"),
        _ => json!({"generationtime_ms": 0.2}),
    })
}

async fn forecast(
    State(stub): State<Arc<Stub>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    stub.forecast_calls.fetch_add(1, Ordering::SeqCst);
    if let Some(failure) = stub.behave().await {
        return failure;
    }
    let berlin = query.get("latitude").is_some_and(|l| l.starts_with("52."));
    let (temperature, code, wind) = if berlin {
        (3.2, 61, 19.6)
    } else {
        (7.3, 3, 12.4)
    };
    json_body(json!({"current": {
        "temperature_2m": temperature, "weather_code": code, "wind_speed_10m": wind
    }}))
}

/// Starts a stub provider on 127.0.0.1:0.
async fn start_stub() -> (Arc<Stub>, SocketAddr) {
    let stub = Arc::new(Stub::default());
    let app = axum::Router::new()
        .route("/v1/search", get(geocoding))
        .route("/v1/forecast", get(forecast))
        .with_state(Arc::clone(&stub));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (stub, addr)
}

fn config(addr: SocketAddr) -> WeatherConfig {
    WeatherConfig {
        geocoding_url: format!("http://{addr}/v1/search"),
        forecast_url: format!("http://{addr}/v1/forecast"),
        timeout_ms: 500,
        ..WeatherConfig::default()
    }
}

/// A replica: the weather router over `weather`, with `cache` as its second level.
fn replica(weather: &WeatherConfig, cache: &CacheConfig) -> TestClient {
    let shared = SharedCache::open(cache).unwrap();
    assert!(shared.is_some());
    let parts = weather::Parts {
        shared_cache: shared,
        ..Default::default()
    };
    TestClient::new(weather::router_with(weather, parts).unwrap())
}

fn current(city: &str) -> RequestBuilder {
    RequestBuilder::new()
        .tag("weather.current")
        .text("what's the weather like?")
        .lang("en-GB")
        .param("city", json!(city))
}

async fn ask(client: &TestClient, city: &str) -> TestResponse {
    answer(client, current(city)).await
}

#[tokio::test]
async fn a_value_looked_up_by_one_replica_is_served_by_the_others() {
    let Some(url) = server("a_value_looked_up_by_one_replica_is_served_by_the_others") else {
        return;
    };
    let (stub, addr) = start_stub().await;
    let keys = shared_keys(&url, "value");
    let first = replica(&config(addr), &keys);
    let second = replica(&config(addr), &keys);

    assert_eq!(ask(&first, "Paris").await.text(), PARIS);
    assert_eq!(stub.calls(), (1, 1));
    for city in ["Paris", " PARIS ", "paris"] {
        let response = ask(&second, city).await;
        assert_eq!(response.text(), PARIS, "{city:?}");
        response.assert_param("weather_stale", false);
    }
    assert_eq!(
        stub.calls(),
        (1, 1),
        "the second replica asked Redis, not the provider"
    );

    // Another deployment (another key prefix) on the same server shares nothing.
    let other = replica(&config(addr), &shared_keys(&url, "value-other"));
    assert_eq!(ask(&other, "Paris").await.text(), PARIS);
    assert_eq!(stub.calls(), (2, 2));
}

#[tokio::test]
async fn unknown_places_and_values_are_shared_for_their_ttls() {
    let Some(url) = server("unknown_places_and_values_are_shared_for_their_ttls") else {
        return;
    };
    let (stub, addr) = start_stub().await;
    let keys = shared_keys(&url, "ttl");
    let weather = WeatherConfig {
        cache_ttl_secs: 1,
        negative_ttl_secs: 1,
        ..config(addr)
    };
    let first = replica(&weather, &keys);
    let second = replica(&weather, &keys);

    let unknown = ask(&first, "Atlantis").await;
    unknown.assert_param("weather_found", false);
    assert_eq!(ask(&first, "Paris").await.text(), PARIS);
    assert_eq!(stub.calls(), (2, 1));
    ask(&second, "atlantis")
        .await
        .assert_param("weather_found", false);
    assert_eq!(ask(&second, "Paris").await.text(), PARIS);
    assert_eq!(stub.calls(), (2, 1), "both came from Redis");

    // Past their TTLs, in Redis as in each replica, they are looked up again: by a third
    // replica, with nothing in its own cache.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let third = replica(&weather, &keys);
    ask(&third, "Atlantis")
        .await
        .assert_param("weather_found", false);
    assert_eq!(ask(&third, "Paris").await.text(), PARIS);
    assert_eq!(stub.calls(), (4, 2));
    // And that lookup is shared in turn.
    assert_eq!(ask(&first, "Paris").await.text(), PARIS);
    assert_eq!(stub.calls(), (4, 2));
}

#[tokio::test]
async fn the_last_known_good_value_is_shared() {
    let Some(url) = server("the_last_known_good_value_is_shared") else {
        return;
    };
    let (stub, addr) = start_stub().await;
    let keys = shared_keys(&url, "stale");
    let weather = WeatherConfig {
        cache_ttl_secs: 1,
        ..config(addr)
    };
    let first = replica(&weather, &keys);
    assert_eq!(ask(&first, "Paris").await.text(), PARIS);

    tokio::time::sleep(Duration::from_millis(1200)).await;
    stub.failing.store(true, Ordering::SeqCst);
    // A replica that never saw Paris answers with the weather another one fetched.
    let second = replica(&weather, &keys);
    let response = ask(&second, "Paris").await;
    assert_eq!(
        response.text(),
        "I can't reach the weather service right now. As of less than a minute ago, \
         it was 7°C in Paris, France, with overcast skies and wind at 12 km/h."
    );
    response.assert_param("weather_stale", true);
    response.assert_param("temperature", 7.3);
    // Berlin was never fetched by anyone.
    ask(&second, "Berlin")
        .await
        .assert_param("weather_found", false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_replicas_asking_for_a_cold_place_make_one_upstream_lookup() {
    let Some(url) = server("many_replicas_asking_for_a_cold_place_make_one_upstream_lookup") else {
        return;
    };
    let (stub, addr) = start_stub().await;
    // Slow enough that every call arrives while the lookup is under way.
    stub.delay_ms.store(150, Ordering::SeqCst);
    let keys = shared_keys(&url, "coalesce");
    let replicas: Vec<TestClient> = (0..3).map(|_| replica(&config(addr), &keys)).collect();

    let mut calls = tokio::task::JoinSet::new();
    for i in 0..150 {
        let client = replicas[i % replicas.len()].clone();
        calls.spawn(async move { ask(&client, "Berlin").await.text().to_owned() });
    }
    let mut answered = 0;
    while let Some(text) = calls.join_next().await {
        assert_eq!(text.unwrap(), BERLIN);
        answered += 1;
    }
    assert_eq!(answered, 150);
    assert_eq!(
        stub.calls(),
        (1, 1),
        "one geocoding and one forecast call in all"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_slow_or_killed_leaves_each_replica_answering_on_its_own() {
    let Some(mut redis) = OwnRedis::start("redis_slow_or_killed_leaves_each_replica_answering")
    else {
        return;
    };
    let (stub, addr) = start_stub().await;
    // 300 ms rather than 50: what Redis answered must be seen on a busy machine too.
    let keys = redis.keys(300);
    assert!(
        keys.password_file
            .as_ref()
            .is_some_and(|f| f == &redis.password_file())
    );
    let first = replica(&config(addr), &keys);
    let second = replica(&config(addr), &keys);
    assert_eq!(ask(&first, "Paris").await.text(), PARIS);
    assert_eq!(ask(&second, "Paris").await.text(), PARIS);
    assert_eq!(stub.calls(), (1, 1));

    // Redis stops answering (SIGSTOP): calls wait its timeout at most, then go on.
    redis.signal("STOP");
    let started = Instant::now();
    assert_eq!(ask(&first, "Berlin").await.text(), BERLIN);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(ask(&second, "Berlin").await.text(), BERLIN);
    assert_eq!(stub.calls(), (3, 3), "each replica looked Berlin up itself");
    // What each replica holds itself is still served.
    assert_eq!(ask(&second, "Paris").await.text(), PARIS);
    redis.signal("CONT");

    // Redis killed: the same.
    redis.kill();
    let third = replica(&config(addr), &keys);
    for client in [&first, &second, &third] {
        let started = Instant::now();
        assert_eq!(ask(client, "Paris").await.text(), PARIS);
        assert_eq!(ask(client, "Berlin").await.text(), BERLIN);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    assert_eq!(
        stub.calls(),
        (5, 5),
        "the third replica looked both up itself"
    );

    // Redis back (empty): the replicas use it again by themselves, within a few seconds.
    redis.restart();
    let until = Instant::now() + Duration::from_secs(10);
    let mut round = 0;
    loop {
        round += 1;
        let place = format!("nowhere {round}");
        let before = stub.calls().0;
        ask(&first, &place)
            .await
            .assert_param("weather_found", false);
        ask(&second, &place)
            .await
            .assert_param("weather_found", false);
        if stub.calls().0 == before + 1 {
            break;
        }
        assert!(
            Instant::now() < until,
            "the replicas did not use Redis again"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
