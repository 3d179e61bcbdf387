//! The booking integration over real SQLite files (and a real HTTP stub of a scheduling
//! API), every call through cxhook's in-process test client, which runs the server's pipeline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::Path as AxumPath;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, post};
use cxhook::types::ParameterState;
use cxhook_integrations::booking::jiff::Timestamp;
use cxhook_integrations::booking::{
    self, Backend, BookingConfig, BookingStore, Clock, Created, DatabaseConfig, ExternalConfig,
    NewBooking, SqliteBookingStore, Status,
};
use cxhook_integrations::{accounts, sqlite};
use cxhook_sim::{AGENT, RequestBuilder, TestClient};
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::support::answer;

/// Monday, 30 November 2026, 10:00 in New York.
const NOW: &str = "2026-11-30T15:00:00Z";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn session(name: &str) -> String {
    format!("{AGENT}/sessions/{name}")
}

fn config(dir: &Path) -> BookingConfig {
    BookingConfig {
        database: dir.join("cxhook.db"),
        ..BookingConfig::default()
    }
}

fn date(year: i32, month: u32, day: u32) -> Value {
    json!({"year": f64::from(year), "month": f64::from(month), "day": f64::from(day)})
}

fn time(hours: u32, minutes: u32) -> Value {
    json!({"hours": f64::from(hours), "minutes": f64::from(minutes), "seconds": 0.0})
}

/// A call of `tag` from the booking page, whose form has the required `service`, `date` and
/// `time` (filled from `params` where given), in session `session_id`, turn `turn`.
fn call(tag: &str, params: Value, session_id: &str, turn: &str) -> RequestBuilder {
    let mut call = formless(tag, params.clone(), session_id, turn).page("Book");
    for name in ["service", "date", "time"] {
        call = match params.get(name) {
            Some(value) => call.form_param(name, ParameterState::Filled, Some(value.clone())),
            None => call.form_param(name, ParameterState::Empty, None),
        }
        .form_required(name, true);
    }
    call
}

/// The same call from a page without a form.
fn formless(tag: &str, params: Value, session_id: &str, turn: &str) -> RequestBuilder {
    let params = params.as_object().cloned().unwrap_or_default();
    params.into_iter().fold(
        RequestBuilder::new()
            .tag(tag)
            .text("book me in")
            .lang("en")
            .session(session_id)
            .response_id(turn),
        |call, (name, value)| call.param(name, value),
    )
}

fn haircut(day: u32, hours: u32, minutes: u32) -> Value {
    json!({"service": "haircut", "date": date(2026, 12, day), "time": time(hours, minutes)})
}

/// A client of the booking router over the file `config` names, its start-up tasks
/// started as a server starts them.
fn open(config: &BookingConfig, clock: Clock) -> TestClient {
    let store = SqliteBookingStore::open(&config.database_options()).unwrap();
    let parts = booking::Parts {
        store: Arc::new(store),
        clock,
        messages: cxhook_integrations::messages::Catalog::shipped(),
    };
    let router = booking::router_with(config, parts).unwrap();
    router.start();
    TestClient::new(router)
}

fn bookings(path: &PathBuf) -> Vec<(String, String, String, Option<String>)> {
    let connection = Connection::open(path).unwrap();
    let mut statement = connection
        .prepare("SELECT confirmation, starts_at, status, external_id FROM bookings ORDER BY id")
        .unwrap();
    statement
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn validation_refuses_what_cannot_be_booked_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let client = open(&config(dir.path()), Clock::fixed(now()));
    let validate = |params: Value| call("booking.validate", params, "s-1", "r-1");

    let cases = [
        (
            json!({"date": date(2026, 11, 27)}),
            "date",
            "That date is in the past.",
        ),
        (
            json!({"date": date(2026, 12, 6)}),
            "date",
            "We're closed on Sundays.",
        ),
        (
            json!({"date": date(2026, 12, 1), "time": time(8, 30)}),
            "time",
            "On Tuesdays we're open from 9:00 AM to 5:00 PM.",
        ),
        (
            json!({"date": date(2026, 12, 1), "time": time(17, 0)}),
            "time",
            "On Tuesdays we're open from 9:00 AM to 5:00 PM.",
        ),
        (
            json!({"service": "massage", "date": date(2026, 12, 1), "time": time(16, 30)}),
            "time",
            "A massage at 4:30 PM would end after we close at 5:00 PM. \
             The last start time is 4:00 PM.",
        ),
        (
            json!({"date": date(2026, 12, 5), "time": time(15, 0)}),
            "time",
            "On Saturdays we're open from 10:00 AM to 2:00 PM.",
        ),
        (
            json!({"date": date(2026, 11, 30), "time": time(9, 30)}),
            "time",
            "That time has already passed.",
        ),
        (
            json!({"date": date(2026, 12, 1), "time": time(9, 10)}),
            "time",
            "Appointments start every 30 minutes from opening time.",
        ),
        (
            json!({"service": "tattoo"}),
            "service",
            "Sorry, we don't offer tattoo. You can book a consultation, haircut or massage.",
        ),
    ];
    for (params, param, reason) in cases {
        let response = answer(&client, validate(params.clone())).await;
        assert_eq!(response.invalidated(), [param], "{params}: {response}");
        assert!(response.text().starts_with(reason), "{params}: {response}");
        assert_eq!(
            response.text().matches("Sorry").count(),
            usize::from(reason.starts_with("Sorry")),
            "{response}"
        );
        // The refused value is cleared, as Dialogflow's own samples do.
        assert_eq!(
            response.json()["sessionInfo"]["parameters"][param],
            Value::Null,
            "{response}"
        );
    }

    // Several refusals in one reply say "Sorry" once.
    let response = answer(
        &client,
        validate(json!({"service": "tattoo", "date": "someday", "time": "whenever"})),
    )
    .await;
    assert_eq!(
        response.text(),
        "Sorry, we don't offer tattoo. You can book a consultation, haircut or massage. \
         Which date was that? What time was that?"
    );
    assert_eq!(
        response.invalidated(),
        ["service", "date", "time"],
        "{response}"
    );

    // A free slot is accepted, with a short confirmation.
    let response = answer(&client, validate(haircut(1, 9, 0))).await;
    assert_eq!(response.invalidated(), Vec::<&str>::new(), "{response}");
    assert_eq!(
        response.text(),
        "Haircut on Tuesday, December 1 at 9:00 AM is available."
    );
    // So is a date alone (nothing to say yet).
    let response = answer(&client, validate(json!({"date": date(2026, 11, 30)}))).await;
    assert_eq!(*response.json(), json!({}));

    // A slot someone else booked is taken.
    let response = answer(
        &client,
        call("booking.create", haircut(1, 9, 0), "s-2", "r-2"),
    )
    .await;
    assert!(response.text().starts_with("You're booked"), "{response}");
    let response = answer(&client, validate(haircut(1, 9, 0))).await;
    assert_eq!(response.invalidated(), ["time"], "{response}");
    assert_eq!(
        response.text(),
        "Sorry, Tuesday, December 1 at 9:00 AM is already taken for a haircut. \
         Which other time works for you?"
    );
    // Without a shared resource, each service is its own calendar.
    let response = answer(
        &client,
        validate(json!({"service": "Massage", "date": date(2026, 12, 1), "time": time(9, 0)})),
    )
    .await;
    assert_eq!(response.invalidated(), Vec::<&str>::new(), "{response}");
}

#[tokio::test]
async fn a_service_that_would_end_after_closing_is_offered_the_last_start_that_fits() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    config.services = [("haircut", 60), ("colour", 300)]
        .into_iter()
        .map(|(name, minutes)| (name.to_owned(), minutes))
        .collect();
    let client = open(&config, Clock::fixed(now()));
    let cases = [
        (
            "booking.validate",
            haircut(1, 16, 30),
            "time",
            "A haircut at 4:30 PM would end after we close at 5:00 PM. \
             The last start time is 4:00 PM.",
        ),
        (
            "booking.create",
            haircut(1, 16, 30),
            "time",
            "A haircut at 4:30 PM would end after we close at 5:00 PM. \
             The last start time is 4:00 PM.",
        ),
        // Saturday, 10:00 to 2:00: five hours fit no start that day.
        (
            "booking.validate",
            json!({"service": "colour", "date": date(2026, 12, 5), "time": time(10, 0)}),
            "date",
            "A colour at 10:00 AM would end after we close at 2:00 PM, and no other start \
             time that day fits it. Which other day works for you?",
        ),
    ];
    for (tag, params, param, text) in cases {
        let response = answer(&client, call(tag, params.clone(), "s-1", "r-1")).await;
        assert_eq!(response.text(), text, "{tag} {params}");
        assert_eq!(response.invalidated(), [param], "{response}");
        assert_eq!(
            response.json()["sessionInfo"]["parameters"],
            json!({param: null}),
            "{response}"
        );
    }
    assert_eq!(bookings(&config.database).len(), 0);

    // Late on a Monday, the last start of the day has passed.
    let late = Clock::fixed("2026-11-30T21:10:00Z".parse().unwrap());
    let client = open(&config, late);
    let response = answer(
        &client,
        call(
            "booking.validate",
            haircut(30, 16, 30).tap_month(11),
            "s-1",
            "r-1",
        ),
    )
    .await;
    assert_eq!(
        response.text(),
        "A haircut at 4:30 PM would end after we close at 5:00 PM, and no other start time \
         that day fits it. Which other day works for you?"
    );
    assert_eq!(response.invalidated(), ["date"], "{response}");
    // The last start itself fits.
    let response = answer(
        &client,
        call("booking.create", haircut(1, 16, 0), "s-1", "r-2"),
    )
    .await;
    assert!(
        response
            .text()
            .starts_with("You're booked: haircut on Tuesday, December 1 at 4:00 PM."),
        "{response}"
    );
}

#[tokio::test]
async fn days_and_hours_are_those_of_the_configured_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    // 03:00 UTC on Tuesday is still Monday 22:00 in New York.
    let late = Clock::fixed("2026-12-01T03:00:00Z".parse().unwrap());
    let client = open(&config, late);

    // Monday is today in New York, not yesterday: the date stands, the time has passed.
    let response = answer(
        &client,
        call(
            "booking.validate",
            haircut(30, 10, 0).tap_month(11),
            "s-1",
            "r-1",
        ),
    )
    .await;
    assert_eq!(response.invalidated(), ["time"], "{response}");
    assert!(response.text().starts_with("That time has already passed."));

    // Tuesday 09:00 in New York is 14:00 UTC, and that is what is stored.
    let response = answer(
        &client,
        call("booking.create", haircut(1, 9, 0), "s-1", "r-2"),
    )
    .await;
    assert!(
        response
            .text()
            .starts_with("You're booked: haircut on Tuesday, December 1 at 9:00 AM."),
        "{response}"
    );
    assert_eq!(bookings(&config.database)[0].1, "2026-12-01T14:00:00Z");

    // Elsewhere, the same request is judged by that zone's clock.
    let tokyo = BookingConfig {
        time_zone: "Asia/Tokyo".to_owned(),
        database: dir.path().join("tokyo.db"),
        ..BookingConfig::default()
    };
    let client = open(&tokyo, late);
    // In Tokyo it is already Tuesday 12:00: Monday is past, Tuesday 9:00 has passed.
    let response = answer(
        &client,
        call(
            "booking.validate",
            json!({"date": date(2026, 11, 30)}),
            "s-1",
            "r-3",
        ),
    )
    .await;
    assert_eq!(response.invalidated(), ["date"], "{response}");
    let response = answer(
        &client,
        call("booking.validate", haircut(1, 9, 0), "s-1", "r-4"),
    )
    .await;
    assert_eq!(response.invalidated(), ["time"], "{response}");
}

trait TapMonth {
    fn tap_month(self, month: u32) -> Self;
}

impl TapMonth for Value {
    /// The same parameters with the date's month changed.
    fn tap_month(mut self, month: u32) -> Self {
        self["date"]["month"] = json!(f64::from(month));
        self
    }
}

#[tokio::test]
async fn fifty_concurrent_bookings_of_one_slot_make_exactly_one() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let client = open(&config, Clock::fixed(now()));

    let calls = (0..50).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            let request = call(
                "booking.create",
                haircut(2, 11, 30),
                &format!("s-{i}"),
                &format!("r-{i}"),
            );
            answer(&client, request).await
        })
    });
    let mut confirmed = Vec::new();
    let mut taken = 0;
    let mut just = 0;
    for call in calls.collect::<Vec<_>>() {
        let response = call.await.unwrap();
        if let Some(id) = response.param("confirmation_id").and_then(Value::as_str) {
            confirmed.push(id.to_owned());
        } else {
            // Lost to a booking that committed during this turn, or held by the time the
            // turn looked.
            let text = response.text();
            if text.contains("just") {
                just += 1;
            }
            assert!(
                [
                    "Sorry, that slot (Wednesday, December 2 at 11:30 AM) was just taken. \
                     Which other time works for you?",
                    "Sorry, Wednesday, December 2 at 11:30 AM is already taken for a haircut. \
                     Which other time works for you?"
                ]
                .contains(&text),
                "{response}"
            );
            assert_eq!(response.invalidated(), ["time"], "{response}");
            taken += 1;
        }
    }
    assert_eq!(confirmed.len(), 1, "{confirmed:?}");
    assert_eq!(taken, 49);
    eprintln!("{just} of 49 lost the slot during their turn");
    let rows = bookings(&config.database);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, confirmed[0]);
    assert_eq!(rows[0].2, "confirmed");
}

#[tokio::test]
async fn the_same_turn_twice_books_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let client = open(&config, Clock::fixed(now()));
    let request = call("booking.create", haircut(3, 14, 0), "s-1", "turn-7");

    let first = answer(&client, &request).await;
    let confirmation = first
        .param("confirmation_id")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    assert!(
        confirmation.len() == 9 && confirmation.starts_with("BK-"),
        "{confirmation}"
    );
    assert_eq!(
        first.text(),
        format!(
            "You're booked: haircut on Thursday, December 3 at 2:00 PM. \
             Your confirmation number is {confirmation}."
        )
    );
    assert_eq!(
        first.json()["sessionInfo"]["parameters"]["booking_status"],
        "confirmed"
    );
    let second = answer(&client, &request).await;
    assert_eq!(second.json(), first.json());

    // The same session asking for the same slot in a later turn gets the same booking.
    let later = answer(
        &client,
        formless("booking.create", haircut(3, 14, 0), "s-1", "turn-8"),
    )
    .await;
    assert_eq!(
        later.json()["sessionInfo"]["parameters"]["confirmation_id"],
        confirmation.as_str()
    );
    assert_eq!(bookings(&config.database).len(), 1);

    // Another session cannot have it (booked before its turn, so it was not "just" taken);
    // outside a form nothing is invalidated.
    let other = answer(
        &client,
        formless("booking.create", haircut(3, 14, 0), "s-2", "turn-9"),
    )
    .await;
    assert_eq!(
        other.text(),
        "Sorry, Thursday, December 3 at 2:00 PM is already taken for a haircut. \
         Which other time works for you?"
    );
    assert!(other.response().page_info.is_none(), "{other}");

    // A reopened store (a restart) still knows the turn.
    drop(client);
    let client = open(&config, Clock::fixed(now()));
    assert_eq!(answer(&client, &request).await.json(), first.json());
    assert_eq!(bookings(&config.database).len(), 1);
}

#[tokio::test]
async fn a_turn_id_from_another_session_books_anew() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let client = open(&config, Clock::fixed(now()));
    let mine = call("booking.create", haircut(3, 14, 0), "s-1", "turn-1");
    let first = answer(&client, &mine).await;
    let my_number = first.param("confirmation_id").cloned().unwrap();

    // Another session sends the same turn ID for another slot: its own booking, its own slot.
    let theirs = answer(
        &client,
        call("booking.create", haircut(4, 11, 0), "s-2", "turn-1"),
    )
    .await;
    let their_number = theirs.param("confirmation_id").cloned().unwrap();
    assert_ne!(their_number, my_number);
    assert_eq!(
        theirs.text(),
        format!(
            "You're booked: haircut on Friday, December 4 at 11:00 AM. \
             Your confirmation number is {}.",
            their_number.as_str().unwrap()
        )
    );
    let rows = bookings(&config.database);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (rows[1].0.as_str(), rows[1].1.as_str(), rows[1].2.as_str()),
        (
            their_number.as_str().unwrap(),
            "2026-12-04T16:00:00Z",
            "confirmed"
        )
    );

    // The same slot under the same turn ID from a third session: taken, not the first
    // session's booking.
    let third = answer(
        &client,
        call("booking.create", haircut(3, 14, 0), "s-3", "turn-1"),
    )
    .await;
    assert!(third.text().contains("is already taken"), "{third}");
    assert_eq!(third.param("confirmation_id"), None, "{third}");

    // Each session repeating its turn still gets its own booking.
    assert_eq!(answer(&client, &mine).await.json(), first.json());
    assert_eq!(bookings(&config.database).len(), 2);
}

#[tokio::test]
async fn a_create_without_the_slot_asks_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let client = open(&config(dir.path()), Clock::fixed(now()));
    let response = answer(
        &client,
        formless(
            "booking.create",
            json!({"service": "haircut", "date": date(2026, 12, 1)}),
            "s-1",
            "r-1",
        ),
    )
    .await;
    assert_eq!(
        response.text(),
        "To book your haircut on Tuesday, December 1, I need a time."
    );
    assert_eq!(response.params().len(), 0, "{response}");
    for (params, text) in [
        (
            json!({}),
            "To book, I need a service (consultation, haircut or massage), a date and a time.",
        ),
        (
            json!({"time": time(15, 0)}),
            "To book at 3:00 PM, I need a service (consultation, haircut or massage) and a date.",
        ),
        (
            json!({"service": "Massage", "time": "15:00"}),
            "To book your massage at 3:00 PM, I need a date.",
        ),
        (
            json!({"service": "yoga", "date": date(2026, 12, 1), "time": time(15, 0)}),
            "Sorry, we don't offer yoga. To book on Tuesday, December 1 at 3:00 PM, \
             I need a service (consultation, haircut or massage).",
        ),
    ] {
        let response = answer(&client, formless("booking.create", params, "s-1", "r-1")).await;
        assert_eq!(response.text(), text);
    }
    // In a form, what is missing is asked for again.
    let response = answer(
        &client,
        call(
            "booking.create",
            json!({"service": "haircut", "time": time(9, 0)}),
            "s-1",
            "r-3",
        ),
    )
    .await;
    assert_eq!(response.invalidated(), ["date"], "{response}");
    assert_eq!(
        response.text(),
        "To book your haircut at 9:00 AM, I need a date."
    );
    // A slot in the past is refused at booking time too.
    let response = answer(
        &client,
        call(
            "booking.create",
            haircut(30, 9, 0).tap_month(11),
            "s-1",
            "r-2",
        ),
    )
    .await;
    assert_eq!(response.invalidated(), ["time"], "{response}");
}

#[tokio::test]
async fn a_session_cancels_its_own_booking_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let client = open(&config, Clock::fixed(now()));
    let booked = answer(
        &client,
        call("booking.create", haircut(4, 10, 0), "owner", "r-1"),
    )
    .await;
    let confirmation = booked
        .param("confirmation_id")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();

    // Another session naming the number is told there is no such booking.
    let response = answer(
        &client,
        formless(
            "booking.cancel",
            json!({"confirmation": confirmation}),
            "stranger",
            "r-2",
        ),
    )
    .await;
    assert_eq!(
        response.text(),
        format!(
            "I can't find a booking with confirmation number {confirmation}. \
             Please check the number and tell me again."
        )
    );
    assert_eq!(
        response.json()["sessionInfo"]["parameters"],
        json!({"booking_found": false})
    );
    assert_eq!(bookings(&config.database)[0].2, "confirmed");

    // The owner cancels through the session parameter.
    let response = answer(
        &client,
        formless(
            "booking.cancel",
            json!({"confirmation_id": confirmation}),
            "owner",
            "r-3",
        ),
    )
    .await;
    assert_eq!(
        response.text(),
        format!("Your haircut on Friday, December 4 at 10:00 AM ({confirmation}) is cancelled.")
    );
    assert_eq!(
        response.json()["sessionInfo"]["parameters"],
        json!({"booking_found": true, "booking_status": "cancelled", "confirmation_id": null})
    );
    assert_eq!(bookings(&config.database)[0].2, "cancelled");

    // Said again, lower case and without the prefix: already cancelled.
    let code = confirmation.trim_start_matches("BK-").to_lowercase();
    let response = answer(
        &client,
        formless(
            "booking.cancel",
            json!({"confirmation": code}),
            "owner",
            "r-4",
        ),
    )
    .await;
    assert!(
        response.text().ends_with("was already cancelled."),
        "{response}"
    );

    // The slot is free again.
    let response = answer(
        &client,
        call("booking.create", haircut(4, 10, 0), "stranger", "r-5"),
    )
    .await;
    assert!(response.text().starts_with("You're booked"), "{response}");

    let response = answer(
        &client,
        formless("booking.cancel", json!({}), "owner", "r-6"),
    )
    .await;
    assert_eq!(
        response.text(),
        "Which booking should I cancel? Please tell me its confirmation number."
    );

    // A number that cannot be one is unknown, not missing; in a form that collects it, it
    // is asked for again.
    for (said, heard) in [
        (json!("BK-12"), "BK-12"),
        (json!(1234567), "1234567"),
        (
            json!(" not a booking number at all, really "),
            "not a booking number at",
        ),
    ] {
        let response = answer(
            &client,
            formless(
                "booking.cancel",
                json!({"confirmation": said}),
                "owner",
                "r-7",
            ),
        )
        .await;
        assert_eq!(
            response.text(),
            format!(
                "I can't find a booking with confirmation number {heard}. \
                 Please check the number and tell me again."
            )
        );
        assert_eq!(response.param("booking_found"), Some(&json!(false)));
    }
    let response = answer(
        &client,
        formless(
            "booking.cancel",
            json!({"confirmation": "BK-23456"}),
            "owner",
            "r-8",
        )
        .page("Manage Booking")
        .form_param(
            "confirmation",
            ParameterState::Filled,
            Some(json!("BK-23456")),
        ),
    )
    .await;
    assert!(
        response
            .text()
            .starts_with("I can't find a booking with confirmation number BK-23456."),
        "{response}"
    );
    assert_eq!(response.invalidated(), ["confirmation"], "{response}");
    assert_eq!(
        response.json()["sessionInfo"]["parameters"],
        json!({"booking_found": false, "confirmation": null})
    );
}

/// A scheduling API on 127.0.0.1 that counts what it sees and books each idempotency key
/// once; it can be told to answer late.
#[derive(Default)]
pub(crate) struct Scheduler {
    posts: AtomicUsize,
    created: AtomicUsize,
    pub(crate) delay_ms: AtomicU64,
    /// Whether it answers 503 to every booking, having booked nothing.
    down: AtomicBool,
    /// The `Idempotency-Key` of every booking call, in order.
    pub(crate) keys: Mutex<Vec<String>>,
    by_key: Mutex<HashMap<String, String>>,
    bodies: Mutex<Vec<Value>>,
    deleted: Mutex<Vec<String>>,
}

async fn cancel_appointment(
    AxumState(scheduler): AxumState<Arc<Scheduler>>,
    AxumPath(id): AxumPath<String>,
    headers: HeaderMap,
) -> StatusCode {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer s3cret-token") {
        return StatusCode::UNAUTHORIZED;
    }
    scheduler.deleted.lock().unwrap().push(id);
    StatusCode::NO_CONTENT
}

async fn appointments(
    AxumState(scheduler): AxumState<Arc<Scheduler>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    let json = [("content-type", "application/json")];
    scheduler.posts.fetch_add(1, Ordering::SeqCst);
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer s3cret-token") {
        return (StatusCode::UNAUTHORIZED, json, "{}".to_owned());
    }
    if scheduler.down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, json, "{}".to_owned());
    }
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return (StatusCode::BAD_REQUEST, json, "{}".to_owned());
    };
    scheduler.keys.lock().unwrap().push(key.clone());
    scheduler
        .bodies
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&body).unwrap());
    let id = {
        let mut by_key = scheduler.by_key.lock().unwrap();
        let n = by_key.len();
        by_key
            .entry(key)
            .or_insert_with(|| {
                scheduler.created.fetch_add(1, Ordering::SeqCst);
                format!("apt-{}", n + 1)
            })
            .clone()
    };
    // It books first, then answers (maybe too late).
    let delay = scheduler.delay_ms.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(delay)).await;
    (
        StatusCode::CREATED,
        json,
        json!({"id": id, "status": "confirmed"}).to_string(),
    )
}

pub(crate) async fn scheduler() -> (Arc<Scheduler>, String) {
    let scheduler = Arc::new(Scheduler::default());
    let app = axum::Router::new()
        .route("/api/appointments", post(appointments))
        .route("/api/appointments/{id}", delete(cancel_appointment))
        .with_state(scheduler.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (scheduler, url)
}

/// The external backend on the API at `url`, its token in a file in `dir`.
pub(crate) fn external_config(dir: &Path, url: &str) -> BookingConfig {
    let token_file = dir.join("token");
    std::fs::write(&token_file, "s3cret-token\n").unwrap();
    BookingConfig {
        backend: Backend::External,
        external: ExternalConfig {
            api_url: format!("{url}/"),
            token_file: Some(token_file),
            timeout_ms: 300,
            ..ExternalConfig::default()
        },
        ..config(dir)
    }
}

#[tokio::test]
async fn an_external_api_timing_out_after_it_booked_never_books_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (scheduler, url) = scheduler().await;
    let config = external_config(dir.path(), &url);
    let client = open(&config, Clock::fixed(now()));
    // Let the start-up reconciliation (nothing pending) finish, so it cannot race the turn.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let request = call("booking.create", haircut(1, 15, 0), "s-1", "turn-1");

    // The API books, then answers after the client gave up.
    scheduler.delay_ms.store(1000, Ordering::SeqCst);
    let started = Instant::now();
    let pending = answer(&client, &request).await;
    assert!(started.elapsed() < Duration::from_millis(900));
    let confirmation = pending
        .param("confirmation_id")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    assert_eq!(
        pending.text(),
        format!(
            "I'm still confirming your haircut on Tuesday, December 1 at 3:00 PM with our \
             scheduling system. Your reference is {confirmation}; please ask me again in a moment."
        )
    );
    assert_eq!(
        pending.json()["sessionInfo"]["parameters"]["booking_status"],
        "pending"
    );
    let rows = bookings(&config.database);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2, "pending");
    assert_eq!(scheduler.created.load(Ordering::SeqCst), 1);

    // Dialogflow (or the caller) tries the turn again: the same key, the same appointment.
    scheduler.delay_ms.store(0, Ordering::SeqCst);
    let confirmed = answer(&client, &request).await;
    assert_eq!(
        confirmed.text(),
        format!(
            "You're booked: haircut on Tuesday, December 1 at 3:00 PM. \
             Your confirmation number is {confirmation}."
        )
    );
    assert_eq!(scheduler.posts.load(Ordering::SeqCst), 2);
    assert_eq!(scheduler.created.load(Ordering::SeqCst), 1);
    let keys = scheduler.keys.lock().unwrap().clone();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    assert!(keys[0].starts_with("cxhook-"), "{keys:?}");
    let rows = bookings(&config.database);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].2.as_str(), rows[0].3.as_deref()),
        ("confirmed", Some("apt-1"))
    );
    let body = scheduler.bodies.lock().unwrap()[0].clone();
    assert_eq!(
        body,
        json!({
            "service": "haircut",
            "start": "2026-12-01T20:00:00Z",
            "end": "2026-12-01T20:30:00Z",
            "session": session("s-1"),
            "reference": confirmation
        })
    );

    // Once confirmed, a replay needs no call at all.
    assert_eq!(answer(&client, &request).await.json(), confirmed.json());
    assert_eq!(scheduler.posts.load(Ordering::SeqCst), 2);

    // Cancelling an external booking cancels it with the API too.
    let response = answer(
        &client,
        formless(
            "booking.cancel",
            json!({"confirmation_id": confirmation}),
            "s-1",
            "turn-2",
        ),
    )
    .await;
    assert!(response.text().ends_with("is cancelled."), "{response}");
    assert_eq!(*scheduler.deleted.lock().unwrap(), ["apt-1"]);
    assert_eq!(bookings(&config.database)[0].2, "cancelled");
}

#[tokio::test]
async fn a_restart_reconciles_pending_bookings() {
    let dir = tempfile::tempdir().unwrap();
    let (scheduler, url) = scheduler().await;
    let config = external_config(dir.path(), &url);
    scheduler.delay_ms.store(1000, Ordering::SeqCst);
    let client = open(&config, Clock::fixed(now()));
    let response = answer(
        &client,
        call("booking.create", haircut(2, 9, 30), "s-1", "turn-1"),
    )
    .await;
    assert_eq!(
        response.json()["sessionInfo"]["parameters"]["booking_status"],
        "pending"
    );
    assert_eq!(bookings(&config.database)[0].2, "pending");
    drop(client);

    // The process restarts while the API is healthy again.
    scheduler.delay_ms.store(0, Ordering::SeqCst);
    let _client = open(&config, Clock::fixed(now()));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let rows = bookings(&config.database);
        if rows[0].2 == "confirmed" {
            assert_eq!(rows[0].3.as_deref(), Some("apt-1"));
            break;
        }
        assert!(Instant::now() < deadline, "still {rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(scheduler.created.load(Ordering::SeqCst), 1);
    // Every attempt (the turn, the restart, maybe the first start-up's reconciliation racing
    // the turn) sent the one key.
    let keys = scheduler.keys.lock().unwrap().clone();
    assert!(keys.len() >= 2, "{keys:?}");
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");
}

#[tokio::test]
async fn pending_bookings_are_reconciled_periodically_with_no_call() {
    let dir = tempfile::tempdir().unwrap();
    let (scheduler, url) = scheduler().await;
    let mut config = external_config(dir.path(), &url);
    config.external.reconcile_interval_ms = 200;
    scheduler.delay_ms.store(1000, Ordering::SeqCst);
    let client = open(&config, Clock::fixed(now()));
    // Let the start-up pass (nothing pending) finish first.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = answer(
        &client,
        call("booking.create", haircut(2, 9, 30), "s-1", "turn-1"),
    )
    .await;
    assert_eq!(
        response.json()["sessionInfo"]["parameters"]["booking_status"],
        "pending"
    );

    // The API recovers; nobody calls again, and the booking is confirmed anyway.
    scheduler.delay_ms.store(0, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let rows = bookings(&config.database);
        if rows[0].2 == "confirmed" {
            assert_eq!(rows[0].3.as_deref(), Some("apt-1"));
            break;
        }
        assert!(Instant::now() < deadline, "still {rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(scheduler.created.load(Ordering::SeqCst), 1);
    let keys = scheduler.keys.lock().unwrap().clone();
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");

    // The loop ends with the router: a booking left pending when it is dropped is not sent
    // again by it.
    scheduler.delay_ms.store(1000, Ordering::SeqCst);
    let response = answer(
        &client,
        call("booking.create", haircut(2, 10, 30), "s-1", "turn-2"),
    )
    .await;
    assert_eq!(
        response.json()["sessionInfo"]["parameters"]["booking_status"],
        "pending"
    );
    drop(client);
    scheduler.delay_ms.store(0, Ordering::SeqCst);
    // A pass already under way finishes (each call gives up after 300 ms); none follows.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let posts = scheduler.posts.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(scheduler.posts.load(Ordering::SeqCst), posts);
}

/// Waits, in real time (at most 10 s), until `done` holds, letting the runtime run SQLite's
/// answers and the scheduler's meanwhile. The sleeps run as blocking tasks, so that the
/// runtime serves the scheduler during them and a paused clock stays where it is.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "still not {what}");
        real_sleep(Duration::from_millis(20)).await;
    }
}

async fn real_sleep(duration: Duration) {
    tokio::task::spawn_blocking(move || std::thread::sleep(duration))
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_periodic_reconciliation_comes_after_the_interval_not_before() {
    // While a blocking task runs, tokio does not advance a paused clock on its own: time
    // moves by `advance` alone, and waiting for SQLite's threads and the scheduler's answers
    // (real I/O) fires no timer.
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let held = tokio::task::spawn_blocking(move || {
        let _ = hold.recv();
    });
    let dir = tempfile::tempdir().unwrap();
    let (scheduler, url) = scheduler().await;
    let mut config = external_config(dir.path(), &url);
    config.external.reconcile_interval_ms = 60_000;
    // A booking left pending and unclaimed, as a server whose call to the API failed leaves it.
    let store = Arc::new(SqliteBookingStore::open(&config.database_options()).unwrap());
    let start: Timestamp = "2026-12-01T20:00:00Z".parse().unwrap();
    let created = store
        .create(NewBooking {
            turn_key: None,
            session: session("s-1"),
            service: "haircut".to_owned(),
            resource: "haircut".to_owned(),
            start,
            end: start + booking::jiff::SignedDuration::from_mins(30),
            cells: vec![start],
            status: Status::Pending,
            idempotency_key: "cxhook-left-pending".to_owned(),
            created_at: now(),
        })
        .await
        .unwrap();
    let Created::New(created) = created else {
        panic!("{created:?}");
    };
    store.unclaim(created.id).await.unwrap();
    let router = booking::router_with(
        &config,
        booking::Parts {
            store,
            clock: Clock::fixed(now()),
            messages: cxhook_integrations::messages::Catalog::shipped(),
        },
    )
    .unwrap();
    assert_eq!(
        router.start_tasks().collect::<Vec<_>>(),
        ["booking.reconcile"]
    );
    // Built: nothing is sent before the router starts.
    real_sleep(Duration::from_millis(100)).await;
    assert_eq!(scheduler.posts.load(Ordering::SeqCst), 0);

    // The start-up pass sends it while the API is down: it stays pending.
    scheduler.down.store(true, Ordering::SeqCst);
    router.start();
    until("sent at start-up", || {
        scheduler.posts.load(Ordering::SeqCst) == 1
    })
    .await;
    scheduler.down.store(false, Ordering::SeqCst);

    // The API is back, but the next pass is a minute after the first: not before.
    tokio::time::advance(Duration::from_millis(59_999)).await;
    real_sleep(Duration::from_millis(300)).await;
    assert_eq!(scheduler.posts.load(Ordering::SeqCst), 1);
    assert_eq!(bookings(&config.database)[0].2, "pending");

    // A minute after the first pass, the second one confirms it, with no call.
    tokio::time::advance(Duration::from_millis(1)).await;
    until("confirmed", || {
        bookings(&config.database)[0].2 == "confirmed"
    })
    .await;
    assert_eq!(scheduler.posts.load(Ordering::SeqCst), 2);
    assert_eq!(
        *scheduler.keys.lock().unwrap(),
        ["cxhook-left-pending"],
        "the one key, once booked"
    );
    drop(router);
    release.send(()).unwrap();
    held.await.unwrap();
}

#[test]
fn a_missing_token_or_bad_configuration_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let external = BookingConfig {
        backend: Backend::External,
        external: ExternalConfig {
            api_url: "http://127.0.0.1:9".to_owned(),
            token_env: "CXHOOK_TEST_BOOKING_TOKEN_THAT_IS_NOT_SET".to_owned(),
            ..ExternalConfig::default()
        },
        ..config(dir.path())
    };
    let error = booking::router(&external).unwrap_err().to_string();
    assert_eq!(
        error,
        "the environment variable CXHOOK_TEST_BOOKING_TOKEN_THAT_IS_NOT_SET \
         (the booking API token) is not set"
    );

    let base = config(dir.path());
    let cases = [
        (
            BookingConfig {
                time_zone: "Mars/Olympus_Mons".to_owned(),
                ..base.clone()
            },
            "`time_zone`: `Mars/Olympus_Mons` is not a known IANA time zone",
        ),
        (
            BookingConfig {
                hours: booking::OpeningHours {
                    monday: "17:00-09:00".to_owned(),
                    ..Default::default()
                },
                ..base.clone()
            },
            "`hours.monday`: `17:00-09:00`: opening must come before closing",
        ),
        (
            BookingConfig {
                services: [("nails".to_owned(), 45)].into_iter().collect(),
                ..base.clone()
            },
            "`services.nails`: must be a positive multiple of slot_minutes (30)",
        ),
        (
            BookingConfig {
                backend: Backend::External,
                ..base.clone()
            },
            "`external.api_url`: must be an http:// or https:// URL when backend = \"external\"",
        ),
        (
            BookingConfig {
                backend: Backend::External,
                external: ExternalConfig {
                    api_url: "http://exa mple.com".to_owned(),
                    ..Default::default()
                },
                ..base.clone()
            },
            "`external.api_url`: `http://exa mple.com` is not a URL: invalid international domain name",
        ),
    ];
    for (config, message) in cases {
        assert_eq!(booking::router(&config).unwrap_err().to_string(), message);
    }
    assert!(!base.database.exists(), "nothing was opened");

    let error = serde_json::from_value::<BookingConfig>(json!({"time_zon": "UTC"}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown field `time_zon`"), "{error}");
    let parsed: BookingConfig =
        serde_json::from_value(json!({"backend": "external", "hours": {"sunday": "10:00-12:00"}}))
            .unwrap();
    assert_eq!(parsed.backend, Backend::External);
    assert_eq!(parsed.hours.monday, "09:00-17:00");
    assert_eq!(parsed.time_zone, "America/New_York");

    let disabled = BookingConfig {
        enabled: false,
        ..base
    };
    assert_eq!(booking::router(&disabled).unwrap().tags().count(), 0);
    assert!(!disabled.database.exists());
}

#[tokio::test]
async fn accounts_and_bookings_share_one_file_with_migrations_per_component() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhook.db");
    let accounts_config = accounts::AccountsConfig {
        database: path.clone(),
        ..accounts::AccountsConfig::default()
    };
    let booking_config = BookingConfig {
        database: path.clone(),
        ..BookingConfig::default()
    };
    let _accounts = accounts::router(&accounts_config).unwrap();
    let _booking = booking::router(&booking_config).unwrap();
    drop(booking::router(&booking_config).unwrap());
    let connection = Connection::open(&path).unwrap();
    let versions: Vec<(String, i64)> = connection
        .prepare("SELECT component, version FROM cxhook_migrations ORDER BY component")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        versions,
        [("accounts".to_owned(), 1), ("booking".to_owned(), 2)]
    );

    // One Database can also serve both.
    let options = sqlite::DatabaseOptions::new(dir.path().join("both.db"));
    let database =
        sqlite::Database::open(&options, &[SqliteBookingStore::MIGRATIONS], false).unwrap();
    let store = SqliteBookingStore::with_database(database);
    let client = TestClient::new(
        booking::router_with(
            &booking_config,
            booking::Parts {
                store: Arc::new(store),
                clock: Clock::fixed(now()),
                messages: cxhook_integrations::messages::Catalog::shipped(),
            },
        )
        .unwrap(),
    );
    let response = answer(
        &client,
        call("booking.create", haircut(1, 10, 0), "s-1", "r-1"),
    )
    .await;
    assert!(response.text().starts_with("You're booked"), "{response}");
}
