//! The `BookingStore` suite: one booking per slot however many ask at once, the same turn
//! answered the same, pending bookings confirmed, and nothing left by a write whose caller
//! gave up.

use std::ops::Range;
use std::time::Duration;

use cxhook_integrations::booking::jiff::{Timestamp, ToSpan};
use cxhook_integrations::booking::{
    Booking, BookingStore, Created, NewBooking, Status, StoreError,
};

use super::backend::{Db, Kind};

on_every_backend!(
    of_fifty_concurrent_bookings_of_one_slot_exactly_one_is_recorded,
    a_repeated_turn_answers_the_same_booking,
    concurrent_repeats_of_one_turn_record_one_booking,
    the_same_session_asking_for_the_same_slot_gets_its_booking,
    a_turn_id_from_another_session_books_anew,
    a_pending_booking_is_confirmed_after_the_external_call,
    a_released_booking_frees_its_slot,
    a_booking_is_found_only_by_its_session,
    a_write_whose_caller_gave_up_at_the_timeout_leaves_nothing,
    a_write_whose_caller_was_dropped_leaves_nothing,
    a_claim_hands_each_pending_booking_to_one_caller_until_its_lease_ends,
    concurrent_claims_never_hand_out_one_booking_twice,
    a_new_pending_booking_is_its_creators_to_send_until_it_lets_go,
);

/// 3 December 2026, 14:00 in New York.
const START: &str = "2026-12-03T19:00:00Z";

/// A booking of the 30-minute slot at `start` on `chair-1` by `session` in turn `turn`.
fn new(session: &str, turn: Option<&str>, start: &str, status: Status) -> NewBooking {
    let start: Timestamp = start.parse().unwrap();
    NewBooking {
        // As the handler makes it: the session, the turn ID and the tag.
        turn_key: turn.map(|turn| format!("{session}#{turn}#booking.create")),
        session: session.to_owned(),
        service: "haircut".to_owned(),
        resource: "chair-1".to_owned(),
        start,
        end: start + 30.minutes(),
        cells: vec![start],
        status,
        idempotency_key: format!("key-{session}-{}", turn.unwrap_or("none")),
        created_at: "2026-11-30T15:00:00Z".parse().unwrap(),
    }
}

fn confirmed(session: &str, turn: &str) -> NewBooking {
    new(session, Some(turn), START, Status::Confirmed)
}

fn recorded(created: Created) -> Booking {
    match created {
        Created::New(booking) => booking,
        other => panic!("expected a new booking, got {other:?}"),
    }
}

fn existing(created: Created) -> Booking {
    match created {
        Created::Existing(booking) => booking,
        other => panic!("expected an existing booking, got {other:?}"),
    }
}

async fn of_fifty_concurrent_bookings_of_one_slot_exactly_one_is_recorded(kind: Kind) {
    let test = "of_fifty_concurrent_bookings_of_one_slot_exactly_one_is_recorded";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(10_000);
    let calls: Vec<_> = (0..50)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move { store.create(confirmed(&format!("s-{n}"), "t-1")).await })
        })
        .collect();
    let mut booked = Vec::new();
    let mut taken = 0;
    for call in calls {
        match call.await.unwrap().unwrap() {
            Created::New(booking) => booked.push(booking),
            Created::Taken => taken += 1,
            Created::Existing(booking) => panic!("no session asked twice: {booking:?}"),
        }
    }
    assert_eq!((booked.len(), taken), (1, 49), "{booked:?}");
    assert_eq!(db.count("bookings").await, 1);
    assert_eq!(db.count("booking_slots").await, 1);
    let cell = [START.parse().unwrap()];
    assert!(store.is_taken("chair-1", &cell).await.unwrap());
    assert!(!store.is_taken("chair-2", &cell).await.unwrap());
}

async fn a_repeated_turn_answers_the_same_booking(kind: Kind) {
    let Some(db) = Db::new(kind, "a_repeated_turn_answers_the_same_booking").await else {
        return;
    };
    let store = db.bookings(1000);
    let first = recorded(store.create(confirmed("s-1", "t-1")).await.unwrap());
    assert!(first.confirmation.starts_with("BK-"), "{first:?}");
    assert_eq!(first.status, Status::Confirmed);
    // The same turn again, even asking for another slot: the booking it made.
    let again = new(
        "s-1",
        Some("t-1"),
        "2026-12-03T20:00:00Z",
        Status::Confirmed,
    );
    assert_eq!(existing(store.create(again).await.unwrap()), first);
    assert_eq!(db.count("bookings").await, 1);
}

async fn concurrent_repeats_of_one_turn_record_one_booking(kind: Kind) {
    let Some(db) = Db::new(kind, "concurrent_repeats_of_one_turn_record_one_booking").await else {
        return;
    };
    let store = db.bookings(10_000);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.create(confirmed("s-1", "t-1")).await })
        })
        .collect();
    let mut numbers = Vec::new();
    let mut new = 0;
    for call in calls {
        match call.await.unwrap().unwrap() {
            Created::New(booking) => {
                new += 1;
                numbers.push(booking.confirmation);
            }
            Created::Existing(booking) => numbers.push(booking.confirmation),
            Created::Taken => panic!("a repeat of the turn that holds the slot was refused"),
        }
    }
    assert_eq!(new, 1);
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "{numbers:?}");
    assert_eq!(db.count("bookings").await, 1);
}

async fn the_same_session_asking_for_the_same_slot_gets_its_booking(kind: Kind) {
    let test = "the_same_session_asking_for_the_same_slot_gets_its_booking";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(1000);
    let first = recorded(store.create(confirmed("s-1", "t-1")).await.unwrap());
    // A later turn of the same session, the same slot: the same booking.
    assert_eq!(
        existing(store.create(confirmed("s-1", "t-2")).await.unwrap()),
        first
    );
    // Without a turn ID too.
    let turnless = new("s-1", None, START, Status::Confirmed);
    assert_eq!(existing(store.create(turnless).await.unwrap()), first);
    assert_eq!(db.count("bookings").await, 1);
}

async fn a_turn_id_from_another_session_books_anew(kind: Kind) {
    let Some(db) = Db::new(kind, "a_turn_id_from_another_session_books_anew").await else {
        return;
    };
    let store = db.bookings(1000);
    let mine = recorded(store.create(confirmed("s-1", "t-1")).await.unwrap());
    // Another session's turn of the same ID, another slot: a booking of its own.
    let later = "2026-12-03T20:00:00Z";
    let theirs = new("s-2", Some("t-1"), later, Status::Confirmed);
    let theirs = recorded(store.create(theirs).await.unwrap());
    assert_ne!(theirs.confirmation, mine.confirmation);
    assert_eq!(
        (theirs.session.as_str(), theirs.start),
        ("s-2", later.parse().unwrap())
    );
    // A third session's turn of the same ID, the first slot: taken, not the first booking.
    assert_eq!(
        store.create(confirmed("s-3", "t-1")).await.unwrap(),
        Created::Taken
    );
    assert_eq!(db.count("bookings").await, 2);
}

async fn a_pending_booking_is_confirmed_after_the_external_call(kind: Kind) {
    let test = "a_pending_booking_is_confirmed_after_the_external_call";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(1000);
    let asked = new("s-1", Some("t-1"), START, Status::Pending);
    let booking = recorded(store.create(asked.clone()).await.unwrap());
    assert_eq!(booking.status, Status::Pending);
    // Recorded before the external call: listed as pending, its slot held.
    assert_eq!(
        store.pending().await.unwrap(),
        std::slice::from_ref(&booking)
    );
    assert_eq!(
        store.create(confirmed("s-2", "t-1")).await.unwrap(),
        Created::Taken
    );
    // The repeated turn finds it pending, with the same idempotency key to send again.
    let again = existing(store.create(asked).await.unwrap());
    assert_eq!(
        (again.status, again.idempotency_key.as_str()),
        (Status::Pending, "key-s-1-t-1")
    );

    store.confirm(booking.id, "ext-42").await.unwrap();
    assert_eq!(store.pending().await.unwrap(), []);
    let stored = store
        .find(&booking.confirmation, "s-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.status, stored.external_id.as_deref()),
        (Status::Confirmed, Some("ext-42"))
    );
    // Confirming again changes nothing.
    store.confirm(booking.id, "ext-43").await.unwrap();
    let stored = store.find(&booking.confirmation, "s-1").await.unwrap();
    assert_eq!(stored.unwrap().external_id.as_deref(), Some("ext-42"));
}

async fn a_released_booking_frees_its_slot(kind: Kind) {
    let Some(db) = Db::new(kind, "a_released_booking_frees_its_slot").await else {
        return;
    };
    let store = db.bookings(1000);
    let booking = recorded(store.create(confirmed("s-1", "t-1")).await.unwrap());
    store.release(booking.id, Status::Cancelled).await.unwrap();
    let cell = [START.parse().unwrap()];
    assert!(!store.is_taken("chair-1", &cell).await.unwrap());
    let stored = store.find(&booking.confirmation, "s-1").await.unwrap();
    assert_eq!(stored.unwrap().status, Status::Cancelled);
    // Free for another session, and for the same session in a new turn.
    let other = recorded(store.create(confirmed("s-2", "t-1")).await.unwrap());
    assert_ne!(other.confirmation, booking.confirmation);
    assert_eq!(db.count("booking_slots").await, 1);
}

async fn a_booking_is_found_only_by_its_session(kind: Kind) {
    let Some(db) = Db::new(kind, "a_booking_is_found_only_by_its_session").await else {
        return;
    };
    let store = db.bookings(1000);
    let booking = recorded(store.create(confirmed("s-1", "t-1")).await.unwrap());
    let found = store.find(&booking.confirmation, "s-1").await.unwrap();
    assert_eq!(found, Some(booking.clone()));
    assert_eq!(
        store.find(&booking.confirmation, "s-2").await.unwrap(),
        None
    );
    assert_eq!(store.find("BK-NOSUCH", "s-1").await.unwrap(), None);
}

async fn a_write_whose_caller_gave_up_at_the_timeout_leaves_nothing(kind: Kind) {
    let test = "a_write_whose_caller_gave_up_at_the_timeout_leaves_nothing";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(300);
    let hold = db.hold_writes("bookings").await;
    // Past the query timeout the caller's timer, or SQLite's own wait for the lock when it
    // ends first on a loaded machine, says it failed.
    match store.create(confirmed("s-1", "t-1")).await {
        Err(StoreError::Timeout(_)) => {}
        Err(StoreError::Database(error)) if error.to_string() == "database is locked" => {}
        other => panic!("{other:?}"),
    }
    hold.release().await;
    // Given the time to commit, had it gone on: nothing was written.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(db.count("bookings").await, 0);
    assert_eq!(db.count("booking_slots").await, 0);
    // The store goes on: the same turn books now.
    let booking = recorded(store.create(confirmed("s-1", "t-1")).await.unwrap());
    assert_eq!(booking.session, "s-1");
    assert_eq!(db.count("bookings").await, 1);
}

async fn a_write_whose_caller_was_dropped_leaves_nothing(kind: Kind) {
    let test = "a_write_whose_caller_was_dropped_leaves_nothing";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(5000);
    let hold = db.hold_writes("bookings").await;
    // The caller stops waiting long before the store's timeout, as a webhook deadline does.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(200),
        store.create(confirmed("s-1", "t-1")),
    )
    .await;
    assert!(gave_up.is_err(), "{gave_up:?}");
    hold.release().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(db.count("bookings").await, 0);
    assert_eq!(db.count("booking_slots").await, 0);
    let booking = recorded(store.create(confirmed("s-1", "t-1")).await.unwrap());
    assert_eq!(db.count("bookings").await, 1);
    assert_eq!(store.pending().await.unwrap(), []);
    assert_eq!(booking.status, Status::Confirmed);
}

/// Pending bookings `range` of distinct slots, one a session, oldest first, unclaimed as
/// their creators leave them when the API does not settle them.
async fn pending_bookings(store: &dyn BookingStore, range: Range<usize>) -> Vec<Booking> {
    let mut made = Vec::new();
    for i in range {
        let start: Timestamp = START.parse().unwrap();
        let start = (start + (30 * i64::try_from(i).unwrap()).minutes()).to_string();
        let asked = new(&format!("s-{i}"), Some("t-1"), &start, Status::Pending);
        let booking = recorded(store.create(asked).await.unwrap());
        store.unclaim(booking.id).await.unwrap();
        made.push(booking);
    }
    made
}

async fn a_new_pending_booking_is_its_creators_to_send_until_it_lets_go(kind: Kind) {
    let test = "a_new_pending_booking_is_its_creators_to_send_until_it_lets_go";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(1000);
    let booking = recorded(
        store
            .create(new("s-1", Some("t-1"), START, Status::Pending))
            .await
            .unwrap(),
    );
    let minute = Duration::from_secs(60);
    // Its creator sends it: no sweep takes it, nor its repeated turn's booking.
    assert_eq!(store.claim_pending(minute, 10).await.unwrap(), []);
    let again = existing(
        store
            .create(new("s-1", Some("t-1"), START, Status::Pending))
            .await
            .unwrap(),
    );
    assert_eq!(again.id, booking.id);
    assert_eq!(store.claim_pending(minute, 10).await.unwrap(), []);
    // The API did not settle it: let go, the next sweep takes it.
    store.unclaim(booking.id).await.unwrap();
    assert_eq!(
        store.claim_pending(minute, 10).await.unwrap(),
        std::slice::from_ref(&booking)
    );
}

async fn a_claim_hands_each_pending_booking_to_one_caller_until_its_lease_ends(kind: Kind) {
    let test = "a_claim_hands_each_pending_booking_to_one_caller_until_its_lease_ends";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(1000);
    let made = pending_bookings(&*store, 0..3).await;
    // A confirmed booking is never claimed.
    let other = new(
        "s-9",
        Some("t-1"),
        "2026-12-04T19:00:00Z",
        Status::Confirmed,
    );
    recorded(store.create(other).await.unwrap());
    let minute = Duration::from_secs(60);
    assert_eq!(store.claim_pending(minute, 2).await.unwrap(), made[..2]);
    assert_eq!(store.claim_pending(minute, 2).await.unwrap(), made[2..]);
    assert_eq!(store.claim_pending(minute, 2).await.unwrap(), []);
    // Claimed bookings are still pending: listed, and found by their turns.
    assert_eq!(store.pending().await.unwrap(), made);

    // A booking still pending when its lease ends is claimed again; a confirmed one is not.
    let later = pending_bookings(&*store, 3..5).await;
    let short = Duration::from_millis(300);
    assert_eq!(store.claim_pending(short, 10).await.unwrap(), later);
    assert_eq!(store.claim_pending(short, 10).await.unwrap(), []);
    store.confirm(later[0].id, "ext-1").await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(store.claim_pending(short, 10).await.unwrap(), later[1..]);
    // An ended claim lets the next claim take the booking at once.
    store.unclaim(made[1].id).await.unwrap();
    assert_eq!(
        store.claim_pending(minute, 10).await.unwrap(),
        std::slice::from_ref(&made[1])
    );
}

async fn concurrent_claims_never_hand_out_one_booking_twice(kind: Kind) {
    let test = "concurrent_claims_never_hand_out_one_booking_twice";
    let Some(db) = Db::new(kind, test).await else {
        return;
    };
    let store = db.bookings(10_000);
    let made = pending_bookings(&*store, 0..24).await;
    // Three stores on one database, as three replicas have, claiming at once.
    let stores = [store, db.bookings(10_000), db.bookings(10_000)];
    let claims: Vec<_> = (0..30)
        .map(|n| {
            let store = stores[n % 3].clone();
            tokio::spawn(async move {
                store
                    .claim_pending(Duration::from_secs(60), 2)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for claim in claims {
        claimed.extend(claim.await.unwrap().into_iter().map(|b| b.id));
    }
    // A claim that passed over rows others were claiming may come back short: what is
    // left, if anything, is claimed now.
    loop {
        let rest = stores[0]
            .claim_pending(Duration::from_secs(60), 8)
            .await
            .unwrap();
        if rest.is_empty() {
            break;
        }
        claimed.extend(rest.into_iter().map(|b| b.id));
    }
    claimed.sort_unstable();
    let all: Vec<i64> = made.iter().map(|b| b.id).collect();
    assert_eq!(claimed, all);
}
