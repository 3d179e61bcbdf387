//! The built-in integrations with memory around them, through their real handlers and the
//! memory on a SQLite file: the weather answers for the city remembered from an earlier
//! session and says so, and booking offers the service booked last time without booking it.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cxhook::Router;
use cxhook::memory::MemorySecret;
use cxhook::types::ParameterState;
use cxhook_integrations::booking::{
    self, BookingConfig, Clock, DatabaseConfig, SqliteBookingStore,
};
use cxhook_integrations::memory::{self, MemoryConfig, SqliteMemoryStore};
use cxhook_integrations::messages::Catalog;
use cxhook_integrations::sqlite::DatabaseOptions;
use cxhook_integrations::weather;
use cxhook_sim::{AGENT, RequestBuilder, TestClient};
use serde_json::{Value, json};

use crate::support::answer;
use crate::weather::{config as weather_config, start_stub};

/// `routes` with the default `[memory]` around them, kept in `dir`'s `cxhook.db`.
fn remembering(dir: &Path, routes: Router) -> TestClient {
    let store = SqliteMemoryStore::open(&DatabaseOptions::new(dir.join("cxhook.db"))).unwrap();
    let parts = memory::Parts {
        store: Arc::new(store),
        secret: MemorySecret::new(cxhook::Secret::new("remembered-test-secret").unwrap()),
        messages: Catalog::shipped(),
        now: memory::sweep::system_now(),
    };
    TestClient::new(memory::around_with(&MemoryConfig::default(), routes, parts).unwrap())
}

/// A call of `tag` in `language`, in session `session` of the user `user` (none: a caller
/// without an identity), a turn of its own.
fn call(tag: &str, language: &str, session: &str, user: Option<&str>) -> RequestBuilder {
    static TURNS: AtomicUsize = AtomicUsize::new(0);
    let call = RequestBuilder::new()
        .tag(tag)
        .lang(language)
        .session(format!("{AGENT}/sessions/{session}"))
        .response_id(format!("turn-{}", TURNS.fetch_add(1, Ordering::Relaxed)));
    match user {
        Some(user) => call.param("user_id", user),
        None => call,
    }
}

#[tokio::test]
async fn weather_without_a_city_answers_for_the_one_remembered_and_says_so() {
    let (_stub, addr) = start_stub().await;
    let dir = tempfile::tempdir().unwrap();
    let client = remembering(dir.path(), weather::router(&weather_config(addr)).unwrap());
    let weather = |language: &str, session: &str, user: Option<&str>| {
        call("weather.current", language, session, user).text("what's the weather like?")
    };

    // The first day, the city is said, and remembered.
    let first = answer(
        &client,
        weather("en-GB", "day-1", Some("u-1")).param("city", "Paris"),
    )
    .await;
    first.assert_text("It's 7°C in Paris, France, with overcast skies and wind at 12 km/h.");
    // Nothing is said of memory when it was not used.
    assert_eq!(first.param("city_from_memory"), None);
    // The next day, no city: last time's, said to be so and set for the agent to confirm.
    answer(&client, weather("en-GB", "day-2", Some("u-1")))
        .await
        .assert_text(
            "In Paris, France, as last time, it's 7°C, with overcast skies and wind at 12 km/h.",
        )
        .assert_param("weather_found", true)
        .assert_param("city", "Paris")
        .assert_param("city_from_memory", true)
        .assert_param("memory_recalled", true);
    // A city said wins over the remembered one, and replaces it.
    answer(
        &client,
        weather("en-GB", "day-2", Some("u-1"))
            .param("city", "Berlin")
            .param("city_from_memory", true),
    )
    .await
    .assert_text_contains("in Berlin, Germany")
    .assert_param("city_from_memory", false);
    answer(&client, weather("en-GB", "day-3", Some("u-1")))
        .await
        .assert_text_contains("In Berlin, Germany, as last time, it's 0°C")
        .assert_param("city", "Berlin");

    // In German, for another user.
    answer(
        &client,
        weather("de-DE", "tag-1", Some("u-2")).param("city", "Paris"),
    )
    .await;
    answer(&client, weather("de-DE", "tag-2", Some("u-2")))
        .await
        .assert_text(
            "In Paris, France, wie beim letzten Mal, sind es 7\u{a0}°C bei bedecktem Himmel, \
             der Wind weht mit 12\u{a0}km/h.",
        )
        .assert_param("city", "Paris")
        .assert_param("city_from_memory", true);

    // A user with nothing remembered, and a caller without an identity, are asked.
    for user in [Some("u-3"), None] {
        let reply = answer(&client, weather("en-GB", "day-1", user)).await;
        reply.assert_text("Which city would you like the weather for?");
        assert_eq!(reply.param("city"), None, "{user:?}");
        assert_eq!(reply.param("city_from_memory"), None, "{user:?}");
    }
}

/// Monday, 30 November 2026, 10:00 in New York.
const NOW: &str = "2026-11-30T15:00:00Z";

/// The booking router on `dir`'s `cxhook.db`, on a fixed clock.
fn bookings(dir: &Path) -> Router {
    let config = BookingConfig {
        database: dir.join("cxhook.db"),
        ..BookingConfig::default()
    };
    let store = SqliteBookingStore::open(&config.database_options()).unwrap();
    let parts = booking::Parts {
        store: Arc::new(store),
        clock: Clock::fixed(NOW.parse().unwrap()),
        messages: Catalog::shipped(),
    };
    booking::router_with(&config, parts).unwrap()
}

/// A call of `tag` from the booking page, whose form has the required `service`, `date` and
/// `time` (filled from `params` where given).
fn booking_call(
    tag: &str,
    language: &str,
    session: &str,
    user: &str,
    params: Value,
) -> RequestBuilder {
    let params = params.as_object().cloned().unwrap_or_default();
    let mut call = call(tag, language, session, Some(user))
        .text("book me in")
        .page("Book");
    for name in ["service", "date", "time"] {
        call = match params.get(name) {
            Some(value) => call.param(name, value.clone()).form_param(
                name,
                ParameterState::Filled,
                Some(value.clone()),
            ),
            None => call.form_param(name, ParameterState::Empty, None),
        }
        .form_required(name, true);
    }
    call
}

/// Tuesday, 1 December 2026, at `hours`.
fn tuesday_at(hours: u32) -> Value {
    json!({
        "date": {"year": 2026.0, "month": 12.0, "day": 1.0},
        "time": {"hours": f64::from(hours), "minutes": 0.0, "seconds": 0.0},
    })
}

fn with_haircut(mut params: Value) -> Value {
    params["service"] = json!("haircut");
    params
}

#[tokio::test]
async fn booking_offers_the_service_booked_last_time_without_booking_it() {
    let dir = tempfile::tempdir().unwrap();
    let client = remembering(dir.path(), bookings(dir.path()));
    for (language, user, offer, booked) in [
        (
            "en",
            "u-1",
            "Would you like a haircut again?",
            "You're booked: haircut",
        ),
        (
            "de",
            "u-2",
            "Möchten Sie wieder einen Haarschnitt buchen?",
            "Ihr Termin ist gebucht: Haarschnitt",
        ),
    ] {
        let hours = if language == "en" { 9 } else { 11 };
        let first = format!("{user}-first");
        answer(
            &client,
            booking_call(
                "booking.create",
                language,
                &first,
                user,
                with_haircut(tuesday_at(hours)),
            ),
        )
        .await
        .assert_text_contains(booked)
        .assert_param("booking_status", "confirmed");

        // Another day: the date and time said, not the service.
        let second = format!("{user}-second");
        let asked = answer(
            &client,
            booking_call(
                "booking.create",
                language,
                &second,
                user,
                tuesday_at(hours + 1),
            ),
        )
        .await;
        assert!(
            asked.text().ends_with(offer),
            "{language}: {}",
            asked.text()
        );
        asked
            .assert_param("service_suggested", "haircut")
            .assert_deleted("service")
            .assert_invalidated(&["service"]);
        assert_eq!(asked.param("booking_status"), None, "nothing is booked");
        // The form's validation offers it too, while the service is not said.
        let validated = answer(
            &client,
            booking_call(
                "booking.validate",
                language,
                &second,
                user,
                tuesday_at(hours + 1),
            ),
        )
        .await;
        validated
            .assert_text(offer)
            .assert_param("service_suggested", "haircut");
        // The caller says yes: the slot offered was not taken by the offer.
        answer(
            &client,
            booking_call(
                "booking.create",
                language,
                &second,
                user,
                with_haircut(tuesday_at(hours + 1)),
            ),
        )
        .await
        .assert_text_contains(booked)
        .assert_param("booking_status", "confirmed");
    }

    // A customer who never booked is asked for the service, with nothing offered.
    let asked = answer(
        &client,
        booking_call("booking.create", "en", "u-3-first", "u-3", tuesday_at(14)),
    )
    .await;
    assert!(!asked.text().contains("again"), "{}", asked.text());
    assert_eq!(asked.param("service_suggested"), None);
}
