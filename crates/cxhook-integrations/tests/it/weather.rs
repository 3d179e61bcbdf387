//! The weather integration against a stub of the Open-Meteo APIs: a real HTTP server on
//! 127.0.0.1 that counts its calls and can be slow, fail, hang or send garbage; every reply
//! through the real webhook endpoint.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cxhook::server::Endpoint;
use cxhook_integrations::weather::{self, WeatherConfig};
use serde_json::{Value, json};

use crate::support::{answer, endpoint, request, text};

const TAG: &str = "weather.current";
const UNAVAILABLE: &str = "Sorry, I can't get the weather right now. Please try again in a moment.";
const PARIS_METRIC: &str = "It's 7°C in Paris, France, with overcast skies and wind at 12 km/h.";

/// How one of the stub's APIs behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Ok,
    Status500,
    Garbage,
    Hang,
}

/// The provider stub's state: call counters, the last queries, and how it behaves.
struct Stub {
    geocoding_calls: AtomicUsize,
    forecast_calls: AtomicUsize,
    delay_ms: AtomicU64,
    geocoding_mode: Mutex<Mode>,
    forecast_mode: Mutex<Mode>,
    last_geocoding: Mutex<HashMap<String, String>>,
    last_forecast: Mutex<HashMap<String, String>>,
}

impl Stub {
    fn calls(&self) -> (usize, usize) {
        (
            self.geocoding_calls.load(Ordering::SeqCst),
            self.forecast_calls.load(Ordering::SeqCst),
        )
    }

    fn fail(&self, mode: Mode) {
        *self.geocoding_mode.lock().unwrap() = mode;
        *self.forecast_mode.lock().unwrap() = mode;
    }

    /// The failure `mode` asks for, after the configured delay; `None` to answer normally.
    async fn behave(&self, mode: Mode) -> Option<Response> {
        let delay = self.delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        match mode {
            Mode::Ok => None,
            Mode::Status500 => Some(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json_body(json!({"error": true, "reason": "boom"})),
                )
                    .into_response(),
            ),
            Mode::Garbage => Some(
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"results": [{"name": "Par"#,
                )
                    .into_response(),
            ),
            Mode::Hang => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                None
            }
        }
    }
}

fn json_body(value: Value) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
}

async fn geocoding(
    State(stub): State<Arc<Stub>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    stub.geocoding_calls.fetch_add(1, Ordering::SeqCst);
    *stub.last_geocoding.lock().unwrap() = query.clone();
    let mode = *stub.geocoding_mode.lock().unwrap();
    if let Some(response) = stub.behave(mode).await {
        return response;
    }
    let name = query
        .get("name")
        .map(|n| n.to_lowercase())
        .unwrap_or_default();
    let place = |name: &str, latitude: f64, longitude: f64, country: &str| {
        json!({"results": [{
            "id": 1, "name": name, "latitude": latitude, "longitude": longitude,
            "country": country, "country_code": "XX", "timezone": "UTC"
        }], "generationtime_ms": 0.4})
    };
    let body = match name.as_str() {
        "paris" => place("Paris", 48.85341, 2.3488, "France"),
        "berlin" => place("Berlin", 52.52437, 13.41053, "Germany"),
        // Open-Meteo leaves `results` out for a place it does not know.
        _ => json!({"generationtime_ms": 0.2}),
    };
    json_body(body).into_response()
}

async fn forecast(
    State(stub): State<Arc<Stub>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    stub.forecast_calls.fetch_add(1, Ordering::SeqCst);
    *stub.last_forecast.lock().unwrap() = query.clone();
    let mode = *stub.forecast_mode.lock().unwrap();
    if let Some(response) = stub.behave(mode).await {
        return response;
    }
    let berlin = query.get("latitude").is_some_and(|l| l.starts_with("52."));
    let fahrenheit = query.get("temperature_unit").map(String::as_str) == Some("fahrenheit");
    let mph = query.get("wind_speed_unit").map(String::as_str) == Some("mph");
    let (temperature, code) = match (berlin, fahrenheit) {
        (false, false) => (7.3, 3),
        (false, true) => (45.1, 3),
        (true, false) => (-0.4, 61),
        (true, true) => (31.3, 61),
    };
    let wind = if mph { 7.7 } else { 12.4 };
    json_body(json!({
        "latitude": 48.86, "longitude": 2.35, "generationtime_ms": 0.1,
        "current_units": {"time": "iso8601", "interval": "seconds"},
        "current": {
            "time": "2026-11-27T16:30", "interval": 900,
            "temperature_2m": temperature, "weather_code": code, "wind_speed_10m": wind
        }
    }))
    .into_response()
}

/// Starts a stub provider on 127.0.0.1:0.
async fn start_stub() -> (Arc<Stub>, SocketAddr) {
    let stub = Arc::new(Stub {
        geocoding_calls: AtomicUsize::new(0),
        forecast_calls: AtomicUsize::new(0),
        delay_ms: AtomicU64::new(0),
        geocoding_mode: Mutex::new(Mode::Ok),
        forecast_mode: Mutex::new(Mode::Ok),
        last_geocoding: Mutex::default(),
        last_forecast: Mutex::default(),
    });
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
        timeout_ms: 300,
        ..WeatherConfig::default()
    }
}

fn weather_endpoint(config: &WeatherConfig) -> Endpoint {
    endpoint(weather::router(config).unwrap())
}

fn current(city: Value, language: &str) -> Value {
    request(TAG, json!({ "city": city }), language)
}

/// Like [`current`], from a page whose form has an empty `city` parameter.
fn form_current(params: Value) -> Value {
    let mut request = request(TAG, params, "en-GB");
    request["pageInfo"]["formInfo"] = json!({"parameterInfo": [
        {"displayName": "city", "required": true, "state": "EMPTY"}
    ]});
    request
}

fn params(response: &Value) -> &Value {
    &response["sessionInfo"]["parameters"]
}

/// Asserts the friendly answer to a failed lookup with nothing cached.
fn assert_unavailable(response: &Value) {
    assert_eq!(text(response), UNAVAILABLE);
    assert_eq!(params(response)["weather_found"], false);
    assert_eq!(params(response)["temperature"], Value::Null);
    assert!(
        params(response)
            .as_object()
            .unwrap()
            .contains_key("temperature"),
        "the temperature is cleared explicitly: {response}"
    );
}

#[tokio::test]
async fn a_cold_place_is_fetched_once_and_then_served_from_the_cache() {
    let (stub, addr) = start_stub().await;
    let endpoint = weather_endpoint(&config(addr));

    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_eq!(text(&response), PARIS_METRIC);
    assert_eq!(
        *params(&response),
        json!({
            "weather_found": true,
            "place": "Paris, France",
            "temperature": 7.3,
            "temperature_unit": "°C",
            "conditions": "overcast skies",
            "wind_speed": 12.4,
            "wind_unit": "km/h",
            "weather_stale": false,
            "weather_age_minutes": 0
        })
    );
    assert_eq!(stub.calls(), (1, 1));
    let geocoding = stub.last_geocoding.lock().unwrap().clone();
    assert_eq!(geocoding["name"], "paris");
    assert_eq!(geocoding["count"], "1");
    assert_eq!(geocoding["language"], "en");
    let forecast = stub.last_forecast.lock().unwrap().clone();
    assert_eq!(forecast["latitude"], "48.85341");
    assert_eq!(forecast["longitude"], "2.3488");
    assert_eq!(
        forecast["current"],
        "temperature_2m,weather_code,wind_speed_10m"
    );
    assert_eq!(forecast["temperature_unit"], "celsius");
    assert_eq!(forecast["wind_speed_unit"], "kmh");

    for _ in 0..3 {
        let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
        assert_eq!(text(&response), PARIS_METRIC);
    }
    assert_eq!(stub.calls(), (1, 1), "hits make no upstream call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_for_one_place_cost_one_upstream_call() {
    let (stub, addr) = start_stub().await;
    stub.delay_ms.store(100, Ordering::SeqCst);
    let endpoint = weather_endpoint(&config(addr));

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let endpoint = endpoint.clone();
        calls.spawn(async move { answer(&endpoint, &current(json!("Paris"), "en-GB")).await });
    }
    let mut answered = 0;
    while let Some(response) = calls.join_next().await {
        assert_eq!(text(&response.unwrap()), PARIS_METRIC);
        answered += 1;
    }
    assert_eq!(answered, 100);
    assert_eq!(stub.calls(), (1, 1));
}

#[tokio::test]
async fn places_differing_only_in_case_and_whitespace_share_one_call() {
    let (stub, addr) = start_stub().await;
    let endpoint = weather_endpoint(&config(addr));

    for city in [" paris ", "PARIS", "Paris", "\tparis\n"] {
        let response = answer(&endpoint, &current(json!(city), "en-GB")).await;
        assert_eq!(text(&response), PARIS_METRIC, "{city:?}");
    }
    assert_eq!(stub.calls(), (1, 1));

    // Other units are another entry.
    let response = answer(
        &endpoint,
        &request(TAG, json!({"city": "paris", "units": "imperial"}), "en-GB"),
    )
    .await;
    assert_eq!(params(&response)["temperature_unit"], "°F");
    assert_eq!(stub.calls(), (2, 2));
}

#[tokio::test]
async fn a_geo_city_object_names_the_place() {
    let (stub, addr) = start_stub().await;
    let endpoint = weather_endpoint(&config(addr));

    let city = json!({"city": "Paris", "country": "France", "original": "paris"});
    let response = answer(&endpoint, &current(city, "en-GB")).await;
    assert_eq!(text(&response), PARIS_METRIC);

    let response = answer(&endpoint, &current(json!({"name": " berlin "}), "en-GB")).await;
    assert_eq!(
        text(&response),
        "It's 0°C in Berlin, Germany, with light rain and wind at 12 km/h."
    );
    assert_eq!(params(&response)["temperature"], -0.4);
    assert_eq!(params(&response)["conditions"], "light rain");
    assert_eq!(stub.calls(), (2, 2));
}

#[tokio::test]
async fn units_follow_the_language_unless_a_parameter_chooses() {
    let (stub, addr) = start_stub().await;
    let endpoint = weather_endpoint(&config(addr));

    let response = answer(&endpoint, &current(json!("Paris"), "en-US")).await;
    assert_eq!(
        text(&response),
        "It's 45°F in Paris, France, with overcast skies and wind at 8 mph."
    );
    assert_eq!(params(&response)["temperature"], 45.1);
    assert_eq!(params(&response)["wind_unit"], "mph");
    let forecast = stub.last_forecast.lock().unwrap().clone();
    assert_eq!(forecast["temperature_unit"], "fahrenheit");
    assert_eq!(forecast["wind_speed_unit"], "mph");

    let response = answer(&endpoint, &current(json!("Paris"), "de-DE")).await;
    assert_eq!(params(&response)["temperature_unit"], "°C");
    assert_eq!(stub.last_geocoding.lock().unwrap()["language"], "de");

    let response = answer(
        &endpoint,
        &request(TAG, json!({"city": "Paris", "units": "metric"}), "en-US"),
    )
    .await;
    assert_eq!(text(&response), PARIS_METRIC);

    let response = answer(
        &endpoint,
        &request(TAG, json!({"city": "Paris", "units": "Imperial"}), "fr-FR"),
    )
    .await;
    assert_eq!(params(&response)["temperature_unit"], "°F");
}

#[tokio::test]
async fn a_provider_500_is_retried_once_then_answered_kindly() {
    let (stub, addr) = start_stub().await;
    let endpoint = weather_endpoint(&config(addr));

    stub.fail(Mode::Status500);
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (2, 0), "one call and one retry");

    // A failure is not cached: the next turn tries again.
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (4, 0));

    // The forecast call is retried the same way.
    *stub.geocoding_mode.lock().unwrap() = Mode::Ok;
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (5, 2));

    // And a retry that succeeds is an answer.
    stub.fail(Mode::Ok);
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_eq!(text(&response), PARIS_METRIC);
}

#[tokio::test]
async fn a_hanging_provider_is_answered_within_twice_the_timeout() {
    const TIMEOUT_MS: u64 = 300;
    // Twice the timeout, and some slack for a busy machine: still less than the three or
    // four timeouts that two calls with a retry each could take without the lookup deadline.
    let bound = Duration::from_millis(2 * TIMEOUT_MS + 250);
    let (stub, addr) = start_stub().await;
    let config = WeatherConfig {
        timeout_ms: TIMEOUT_MS,
        ..config(addr)
    };
    let endpoint = weather_endpoint(&config);

    *stub.geocoding_mode.lock().unwrap() = Mode::Hang;
    let started = Instant::now();
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    let elapsed = started.elapsed();
    assert_unavailable(&response);
    assert!(elapsed < bound, "answered after {elapsed:?}");
    let (geocoding, forecast) = stub.calls();
    assert!((1..=2).contains(&geocoding), "{geocoding}");
    assert_eq!(forecast, 0);

    // A slow geocoding call and a hanging forecast share one deadline.
    stub.delay_ms.store(TIMEOUT_MS / 2, Ordering::SeqCst);
    *stub.geocoding_mode.lock().unwrap() = Mode::Ok;
    *stub.forecast_mode.lock().unwrap() = Mode::Hang;
    let started = Instant::now();
    let response = answer(&endpoint, &current(json!("Berlin"), "en-GB")).await;
    let elapsed = started.elapsed();
    assert_unavailable(&response);
    assert!(elapsed < bound, "answered after {elapsed:?}");
}

#[tokio::test]
async fn a_refused_connection_is_answered_kindly() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let endpoint = weather_endpoint(&config(closed));

    let started = Instant::now();
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert!(started.elapsed() < Duration::from_millis(600));
}

#[tokio::test]
async fn a_malformed_body_is_answered_kindly_without_a_retry() {
    let (stub, addr) = start_stub().await;
    let endpoint = weather_endpoint(&config(addr));

    stub.fail(Mode::Garbage);
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (1, 0));

    *stub.geocoding_mode.lock().unwrap() = Mode::Ok;
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (2, 1));
}

#[tokio::test]
async fn an_unknown_place_is_said_and_remembered_for_a_while() {
    let (stub, addr) = start_stub().await;
    let config = WeatherConfig {
        negative_ttl_secs: 1,
        ..config(addr)
    };
    let endpoint = weather_endpoint(&config);

    let response = answer(&endpoint, &current(json!(" Atlantis "), "en-GB")).await;
    assert_eq!(
        text(&response),
        "I couldn't find a place called Atlantis. Which city do you mean?"
    );
    assert_eq!(params(&response)["weather_found"], false);
    assert_eq!(params(&response)["place"], Value::Null);
    assert_eq!(stub.calls(), (1, 0));

    let response = answer(&endpoint, &current(json!("atlantis"), "en-GB")).await;
    assert_eq!(params(&response)["weather_found"], false);
    assert_eq!(stub.calls(), (1, 0), "cached negatively");

    // From a page whose form asks for the city, the parameter is marked invalid.
    let response = answer(&endpoint, &form_current(json!({"city": "Atlantis"}))).await;
    let form = &response["pageInfo"]["formInfo"]["parameterInfo"][0];
    assert_eq!(form["displayName"], "city");
    assert_eq!(form["state"], "INVALID");
    assert_eq!(stub.calls(), (1, 0));

    tokio::time::sleep(Duration::from_millis(1100)).await;
    answer(&endpoint, &current(json!("Atlantis"), "en-GB")).await;
    assert_eq!(stub.calls(), (2, 0), "the negative entry expired");
}

#[tokio::test]
async fn a_missing_place_is_asked_for() {
    let (stub, addr) = start_stub().await;
    let endpoint = weather_endpoint(&config(addr));

    for params in [
        json!({}),
        json!({"city": "  "}),
        json!({"city": {"country": "FR"}}),
    ] {
        let response = answer(&endpoint, &request(TAG, params, "en-GB")).await;
        assert_eq!(
            text(&response),
            "Which city would you like the weather for?"
        );
    }
    let response = answer(&endpoint, &form_current(json!({}))).await;
    let form = &response["pageInfo"]["formInfo"]["parameterInfo"][0];
    assert_eq!(form["displayName"], "city");
    assert_eq!(form["state"], "INVALID");
    assert_eq!(stub.calls(), (0, 0));
}

#[tokio::test]
async fn a_stale_value_is_served_with_its_age_when_the_provider_is_down() {
    let (stub, addr) = start_stub().await;
    let config = WeatherConfig {
        cache_ttl_secs: 1,
        ..config(addr)
    };
    let endpoint = weather_endpoint(&config);

    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_eq!(text(&response), PARIS_METRIC);
    assert_eq!(stub.calls(), (1, 1));

    stub.fail(Mode::Status500);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = answer(&endpoint, &current(json!("paris"), "en-GB")).await;
    assert_eq!(
        text(&response),
        "I can't reach the weather service right now. As of less than a minute ago, \
         it was 7°C in Paris, France, with overcast skies and wind at 12 km/h."
    );
    assert_eq!(params(&response)["weather_found"], true);
    assert_eq!(params(&response)["weather_stale"], true);
    assert_eq!(params(&response)["weather_age_minutes"], 0);
    assert_eq!(params(&response)["temperature"], 7.3);
    assert_eq!(
        stub.calls(),
        (3, 1),
        "the fresh entry expired: a lookup and its retry"
    );

    // Once the provider is back, fresh weather again.
    stub.fail(Mode::Ok);
    let response = answer(&endpoint, &current(json!("Paris"), "en-GB")).await;
    assert_eq!(text(&response), PARIS_METRIC);
    assert_eq!(params(&response)["weather_stale"], false);
}

#[tokio::test]
async fn the_configuration_has_defaults_and_refuses_what_cannot_work() {
    let config: WeatherConfig = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config, WeatherConfig::default());
    assert_eq!(config.timeout_ms, 2000);
    assert_eq!(config.cache_ttl_secs, 1800);
    assert_eq!(config.cache_capacity, 100);
    assert!(
        config
            .geocoding_url
            .starts_with("https://geocoding-api.open-meteo.com/")
    );
    assert_eq!(
        weather::router(&config).unwrap().tags().collect::<Vec<_>>(),
        [TAG]
    );

    let unknown = serde_json::from_value::<WeatherConfig>(json!({"ttl": 5})).unwrap_err();
    assert!(
        unknown.to_string().contains("unknown field `ttl`"),
        "{unknown}"
    );
    let tag =
        serde_json::from_value::<WeatherConfig>(json!({"tags": {"current": "w.now"}})).unwrap();
    assert_eq!(
        weather::router(&tag).unwrap().tags().collect::<Vec<_>>(),
        ["w.now"]
    );

    let disabled = WeatherConfig {
        enabled: false,
        ..WeatherConfig::default()
    };
    assert_eq!(weather::router(&disabled).unwrap().tags().count(), 0);

    let bad = |config: WeatherConfig| weather::router(&config).unwrap_err().to_string();
    assert!(
        bad(WeatherConfig {
            forecast_url: "ftp://example.com".to_owned(),
            ..WeatherConfig::default()
        })
        .starts_with("`forecast_url`")
    );
    assert!(
        bad(WeatherConfig {
            timeout_ms: 0,
            ..WeatherConfig::default()
        })
        .starts_with("`timeout_ms`")
    );
    assert!(
        bad(WeatherConfig {
            stale_ttl_secs: 10,
            ..WeatherConfig::default()
        })
        .starts_with("`stale_ttl_secs`")
    );
}

#[tokio::test]
async fn the_lookup_ends_within_the_calls_budget() {
    use cxhook::middleware::DeadlineLayer;
    use cxhook::server::Webhook;

    let (stub, addr) = start_stub().await;
    let config = WeatherConfig {
        timeout_ms: 5000,
        ..config(addr)
    };
    // A budget of 600 ms, far below the per-call timeout: the client must size its calls by
    // the budget and answer itself, before the deadline layer has to.
    let timeout = Duration::from_millis(1000);
    let endpoint = Webhook::new(weather::router(&config).unwrap())
        .deadline(DeadlineLayer::new(timeout).margin(Duration::from_millis(400)))
        .into_endpoint();
    *stub.geocoding_mode.lock().unwrap() = Mode::Hang;
    let started = Instant::now();
    let request = serde_json::to_vec(&current(json!("Paris"), "en-GB")).unwrap();
    let answered = endpoint.answer(&request).await;
    assert!(started.elapsed() < timeout, "{:?}", started.elapsed());
    assert_eq!(answered.outcome, cxhook::Outcome::Ok);
    assert_unavailable(&serde_json::from_slice(&answered.body).unwrap());
}
