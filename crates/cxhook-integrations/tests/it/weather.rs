//! The weather integration against a stub of the Open-Meteo APIs: a real HTTP server on
//! 127.0.0.1 that counts its calls and can be slow, fail, hang or send garbage; every call
//! through cxhook's in-process test client, which runs the server's pipeline.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cxhook::types::ParameterState;
use cxhook_integrations::weather::{self, WeatherConfig};
use cxhook_sim::{RequestBuilder, TestClient, TestResponse};
use serde_json::{Value, json};

use crate::support::answer;

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
pub(crate) struct Stub {
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
pub(crate) async fn start_stub() -> (Arc<Stub>, SocketAddr) {
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

/// The weather configuration of the stub at `addr`.
pub(crate) fn config(addr: SocketAddr) -> WeatherConfig {
    WeatherConfig {
        geocoding_url: format!("http://{addr}/v1/search"),
        forecast_url: format!("http://{addr}/v1/forecast"),
        timeout_ms: 300,
        ..WeatherConfig::default()
    }
}

fn weather_client(config: &WeatherConfig) -> TestClient {
    TestClient::new(weather::router(config).unwrap())
}

/// A call of the weather tag in `language`, without parameters.
fn request(language: &str) -> RequestBuilder {
    RequestBuilder::new()
        .tag(TAG)
        .text("what's the weather like?")
        .lang(language)
}

fn current(city: Value, language: &str) -> RequestBuilder {
    request(language).param("city", city)
}

/// A call from a page whose form has an empty, required `city` parameter.
fn form_current() -> RequestBuilder {
    request("en-GB")
        .page("Weather")
        .form_param("city", ParameterState::Empty, None)
        .form_required("city", true)
}

/// Asserts the friendly answer to a failed lookup with nothing cached; the temperature is
/// cleared explicitly.
fn assert_unavailable(reply: &TestResponse) {
    reply
        .assert_text(UNAVAILABLE)
        .assert_param("weather_found", false)
        .assert_deleted("temperature");
}

#[tokio::test]
async fn a_cold_place_is_fetched_once_and_then_served_from_the_cache() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_eq!(response.text(), PARIS_METRIC);
    assert_eq!(
        response.json()["sessionInfo"]["parameters"],
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
        let response = answer(&client, current(json!("Paris"), "en-GB")).await;
        assert_eq!(response.text(), PARIS_METRIC);
    }
    assert_eq!(stub.calls(), (1, 1), "hits make no upstream call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_for_one_place_cost_one_upstream_call() {
    let (stub, addr) = start_stub().await;
    stub.delay_ms.store(100, Ordering::SeqCst);
    let client = weather_client(&config(addr));

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move { answer(&client, current(json!("Paris"), "en-GB")).await });
    }
    let mut answered = 0;
    while let Some(response) = calls.join_next().await {
        assert_eq!(response.unwrap().text(), PARIS_METRIC);
        answered += 1;
    }
    assert_eq!(answered, 100);
    assert_eq!(stub.calls(), (1, 1));
}

#[tokio::test]
async fn places_differing_only_in_case_and_whitespace_share_one_call() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    for city in [" paris ", "PARIS", "Paris", "\tparis\n"] {
        let response = answer(&client, current(json!(city), "en-GB")).await;
        assert_eq!(response.text(), PARIS_METRIC, "{city:?}");
    }
    assert_eq!(stub.calls(), (1, 1));

    // Other units are another entry.
    let response = answer(
        &client,
        current(json!("paris"), "en-GB").param("units", "imperial"),
    )
    .await;
    response.assert_param("temperature_unit", "°F");
    assert_eq!(stub.calls(), (2, 2));
}

#[tokio::test]
async fn a_geo_city_object_names_the_place() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    let city = json!({"city": "Paris", "country": "France", "original": "paris"});
    let response = answer(&client, current(city, "en-GB")).await;
    assert_eq!(response.text(), PARIS_METRIC);

    let response = answer(&client, current(json!({"name": " berlin "}), "en-GB")).await;
    assert_eq!(
        response.text(),
        "It's 0°C in Berlin, Germany, with light rain and wind at 12 km/h."
    );
    response.assert_param("temperature", -0.4);
    response.assert_param("conditions", "light rain");
    assert_eq!(stub.calls(), (2, 2));
}

#[tokio::test]
async fn units_follow_the_language_unless_a_parameter_chooses() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    let response = answer(&client, current(json!("Paris"), "en-US")).await;
    assert_eq!(
        response.text(),
        "It's 45°F in Paris, France, with overcast skies and wind at 8 mph."
    );
    response.assert_param("temperature", 45.1);
    response.assert_param("wind_unit", "mph");
    let forecast = stub.last_forecast.lock().unwrap().clone();
    assert_eq!(forecast["temperature_unit"], "fahrenheit");
    assert_eq!(forecast["wind_speed_unit"], "mph");

    let response = answer(&client, current(json!("Paris"), "de-DE")).await;
    response.assert_param("temperature_unit", "°C");
    assert_eq!(stub.last_geocoding.lock().unwrap()["language"], "de");

    let response = answer(
        &client,
        current(json!("Paris"), "en-US").param("units", "metric"),
    )
    .await;
    assert_eq!(response.text(), PARIS_METRIC);

    let response = answer(
        &client,
        current(json!("Paris"), "fr-FR").param("units", "Imperial"),
    )
    .await;
    response.assert_param("temperature_unit", "°F");
}

#[tokio::test]
async fn a_provider_500_is_retried_once_then_answered_kindly() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    stub.fail(Mode::Status500);
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (2, 0), "one call and one retry");

    // A failure is not cached: the next turn tries again.
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (4, 0));

    // The forecast call is retried the same way.
    *stub.geocoding_mode.lock().unwrap() = Mode::Ok;
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (5, 2));

    // And a retry that succeeds is an answer.
    stub.fail(Mode::Ok);
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_eq!(response.text(), PARIS_METRIC);
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
    let client = weather_client(&config);

    *stub.geocoding_mode.lock().unwrap() = Mode::Hang;
    let started = Instant::now();
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
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
    let response = answer(&client, current(json!("Berlin"), "en-GB")).await;
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
    let client = weather_client(&config(closed));

    let started = Instant::now();
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert!(started.elapsed() < Duration::from_millis(600));
}

#[tokio::test]
async fn a_malformed_body_is_answered_kindly_without_a_retry() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    stub.fail(Mode::Garbage);
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_unavailable(&response);
    assert_eq!(stub.calls(), (1, 0));

    *stub.geocoding_mode.lock().unwrap() = Mode::Ok;
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
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
    let client = weather_client(&config);

    let response = answer(&client, current(json!(" Atlantis "), "en-GB")).await;
    assert_eq!(
        response.text(),
        "I couldn't find a place called Atlantis. Which city do you mean?"
    );
    response.assert_param("weather_found", false);
    response.assert_param("place", Value::Null);
    assert_eq!(stub.calls(), (1, 0));

    let response = answer(&client, current(json!("atlantis"), "en-GB")).await;
    response.assert_param("weather_found", false);
    assert_eq!(stub.calls(), (1, 0), "cached negatively");

    // From a page whose form asks for the city, the parameter is marked invalid.
    let response = answer(&client, form_current().param("city", "Atlantis")).await;
    response.assert_invalidated(&["city"]);
    assert_eq!(stub.calls(), (1, 0));

    tokio::time::sleep(Duration::from_millis(1100)).await;
    answer(&client, current(json!("Atlantis"), "en-GB")).await;
    assert_eq!(stub.calls(), (2, 0), "the negative entry expired");
}

#[tokio::test]
async fn a_missing_place_is_asked_for() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    for call in [
        request("en-GB"),
        current(json!("  "), "en-GB"),
        current(json!({"country": "FR"}), "en-GB"),
    ] {
        let response = answer(&client, call).await;
        assert_eq!(
            response.text(),
            "Which city would you like the weather for?"
        );
    }
    let response = answer(&client, form_current()).await;
    response.assert_invalidated(&["city"]);
    assert_eq!(stub.calls(), (0, 0));
}

#[tokio::test]
async fn a_stale_value_is_served_with_its_age_when_the_provider_is_down() {
    let (stub, addr) = start_stub().await;
    let config = WeatherConfig {
        cache_ttl_secs: 1,
        ..config(addr)
    };
    let client = weather_client(&config);

    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_eq!(response.text(), PARIS_METRIC);
    assert_eq!(stub.calls(), (1, 1));

    stub.fail(Mode::Status500);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = answer(&client, current(json!("paris"), "en-GB")).await;
    assert_eq!(
        response.text(),
        "I can't reach the weather service right now. As of less than a minute ago, \
         it was 7°C in Paris, France, with overcast skies and wind at 12 km/h."
    );
    response.assert_param("weather_found", true);
    response.assert_param("weather_stale", true);
    response.assert_param("weather_age_minutes", 0);
    response.assert_param("temperature", 7.3);
    assert_eq!(
        stub.calls(),
        (3, 1),
        "the fresh entry expired: a lookup and its retry"
    );

    // Once the provider is back, fresh weather again.
    stub.fail(Mode::Ok);
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert_eq!(response.text(), PARIS_METRIC);
    response.assert_param("weather_stale", false);
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
    let client = TestClient::from(
        Webhook::new(weather::router(&config).unwrap())
            .deadline(DeadlineLayer::new(timeout).margin(Duration::from_millis(400))),
    );
    *stub.geocoding_mode.lock().unwrap() = Mode::Hang;
    let started = Instant::now();
    let response = answer(&client, current(json!("Paris"), "en-GB")).await;
    assert!(started.elapsed() < timeout, "{:?}", started.elapsed());
    assert_eq!(response.outcome(), cxhook::Outcome::Ok);
    assert_unavailable(&response);
}

#[tokio::test]
async fn the_forms_city_wins_over_the_sessions() {
    let (stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));
    let call = current(json!("Berlin"), "en-GB")
        .page("Weather")
        .form_param("city", ParameterState::Filled, Some(json!("Paris")));
    let response = answer(&client, call).await;
    assert_eq!(response.text(), PARIS_METRIC);
    assert_eq!(stub.last_geocoding.lock().unwrap()["name"], "paris");
}

#[tokio::test]
async fn the_weather_is_said_in_the_language_of_the_call() {
    let (_stub, addr) = start_stub().await;
    let client = weather_client(&config(addr));

    for (language, text) in [
        (
            "de-AT",
            "In Paris, France sind es 7\u{a0}°C bei bedecktem Himmel, \
             der Wind weht mit 12\u{a0}km/h.",
        ),
        (
            "fr",
            "Il fait 7\u{a0}°C à Paris, France, avec un ciel couvert \
             et un vent de 12\u{a0}km/h.",
        ),
        (
            "es-ES",
            "En Paris, France hace 7\u{a0}°C, con cielo cubierto y viento de 12\u{a0}km/h.",
        ),
    ] {
        let response = answer(&client, current(json!("Paris"), language)).await;
        assert_eq!(response.text(), text, "{language}");
        response.assert_param("conditions", "overcast skies");
    }
    let response = answer(&client, current(json!("Atlantis"), "de")).await;
    assert_eq!(
        response.text(),
        "Einen Ort namens Atlantis habe ich nicht gefunden. Welche Stadt meinen Sie?"
    );
    let response = answer(&client, request("es")).await;
    assert_eq!(response.text(), "¿De qué ciudad quiere saber el tiempo?");
}
