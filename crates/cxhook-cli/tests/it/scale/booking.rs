//! Bookings made by three replicas at once: one booking per slot and per turn, nothing lost
//! or half-written when a replica is killed, and a Postgres outage ridden out.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::replicas::{
    Answer, Cluster, Db, Outcome, Replicas, WEBHOOK_TIMEOUT, call, client, create_call, report,
    runtime, slot_start, tally,
};
use crate::postgres::fresh_database;
use crate::support::PATIENCE;

/// The test server's password, as the replicas and the checks need it.
fn test_password() -> String {
    std::env::var("TEST_POSTGRES_PASSWORD").unwrap_or_default()
}

/// Sends every call of `calls` (replica, body) at once and gives their answers in order.
fn all_at_once(replicas: &Replicas, calls: Vec<(usize, serde_json::Value)>) -> Vec<Answer> {
    let runtime = runtime();
    let client = client();
    let handles: Vec<_> = calls
        .into_iter()
        .map(|(replica, body)| {
            let url = replicas.url(replica, "/webhook");
            let client = client.clone();
            runtime.spawn(async move { call(&client, &url, &body).await })
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| runtime.block_on(handle).unwrap())
        .collect()
}

/// What the booking tables hold, checked whole.
#[derive(Debug)]
struct Whole {
    /// Bookings, all statuses.
    rows: i64,
    /// Claimed slot cells.
    claims: i64,
    /// Slots that two live bookings hold.
    held_twice: i64,
    /// Claims whose booking is no longer live (cancelled or rejected).
    orphan_claims: i64,
    /// Live bookings that do not hold exactly the cells of their span.
    unclaimed: i64,
    /// Bookings pending: only a booking waiting for an external scheduling API may be, and
    /// these replicas have none.
    pending: i64,
}

impl Whole {
    /// What must hold whatever happened to the replicas: nothing held twice, nothing
    /// half-written.
    fn is_whole(&self) -> bool {
        self.held_twice == 0 && self.orphan_claims == 0 && self.unclaimed == 0 && self.pending == 0
    }
}

/// Reads the booking tables and checks them: a live booking (pending or confirmed) and the
/// claims of its 30-minute cells are written together or not at all.
fn check_whole(db: &Db) -> Whole {
    const LIVE: &str = "status IN ('pending', 'confirmed')";
    Whole {
        rows: db.count("SELECT count(*) FROM bookings"),
        claims: db.count("SELECT count(*) FROM booking_slots"),
        held_twice: db.count(&format!(
            "SELECT count(*) FROM (SELECT resource, starts_at FROM bookings WHERE {LIVE} \
             GROUP BY resource, starts_at HAVING count(*) > 1) AS twice"
        )),
        orphan_claims: db.count(&format!(
            "SELECT count(*) FROM booking_slots s JOIN bookings b ON b.id = s.booking_id \
             WHERE NOT b.{LIVE}"
        )),
        unclaimed: db.count(&format!(
            "SELECT count(*) FROM bookings b WHERE {LIVE} AND \
             (SELECT count(*) FROM booking_slots s WHERE s.booking_id = b.id) <> \
             EXTRACT(EPOCH FROM b.ends_at::timestamptz - b.starts_at::timestamptz) / 1800"
        )),
        pending: db.count("SELECT count(*) FROM bookings WHERE status = 'pending'"),
    }
}

/// Every booking by confirmation number: where it starts and its status.
fn bookings(db: &Db) -> BTreeMap<String, (String, String)> {
    db.query("SELECT confirmation, starts_at, status FROM bookings")
        .iter()
        .map(|row| (row.get(0), (row.get(1), row.get(2))))
        .collect()
}

/// The confirmation numbers a client heard that the database does not hold, confirmed, for
/// the slot that client asked for: `(slot, heard)` pairs.
fn unheld(db: &Db, heard: &[(usize, String)]) -> Vec<String> {
    let stored = bookings(db);
    heard
        .iter()
        .filter(|(slot, confirmation)| {
            stored.get(confirmation) != Some(&(slot_start(*slot), "confirmed".to_owned()))
        })
        .map(|(slot, confirmation)| format!("{confirmation} (slot {slot})"))
        .collect()
}

#[test]
fn sixty_sessions_racing_for_one_slot_over_three_replicas_get_one_booking() {
    let test = "sixty_sessions_racing_for_one_slot_over_three_replicas_get_one_booking";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let password = test_password();
    let replicas = Replicas::start(3, &database.url, &password);
    replicas.warm_up();
    let calls = (0..60)
        .map(|i| {
            let body = create_call(&format!("race-{i}"), &format!("turn-{i}"), 0);
            (i % replicas.len(), body)
        })
        .collect();
    let answers = all_at_once(&replicas, calls);
    let outcomes: Vec<&Outcome> = answers.iter().map(|a| &a.outcome).collect();
    let confirmations: Vec<&String> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Outcome::Booked(number) => Some(number),
            _ => None,
        })
        .collect();
    let db = Db::new(&database.url, &password);
    let whole = check_whole(&db);
    let summary = format!(
        "60 calls for one slot over 3 replicas: {}; {} confirmation(s) {confirmations:?}; \
         the database: {whole:?}",
        tally(outcomes.iter().copied()),
        confirmations.len()
    );
    report(&summary);
    assert_eq!(confirmations.len(), 1, "{summary}; {}", replicas.problems());
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Booked(_) | Outcome::Taken) || o.is_fallback()),
        "every other caller hears the slot is taken, or the fallback text: {summary}; {}",
        replicas.problems()
    );
    assert_eq!((whole.rows, whole.claims), (1, 1), "{summary}");
    assert!(whole.is_whole(), "{summary}");
    assert!(
        unheld(&db, &[(0, confirmations[0].clone())]).is_empty(),
        "{summary}"
    );
}

#[test]
fn one_turn_sent_to_every_replica_gets_one_answer_and_one_row() {
    let test = "one_turn_sent_to_every_replica_gets_one_answer_and_one_row";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let password = test_password();
    let replicas = Replicas::start(3, &database.url, &password);
    replicas.warm_up();
    let turn = create_call("retried", "the-turn", 5);
    // At once, as Dialogflow's retry may race the first try, then once more each.
    let mut answers = all_at_once(
        &replicas,
        (0..replicas.len()).map(|r| (r, turn.clone())).collect(),
    );
    answers.extend(all_at_once(
        &replicas,
        (0..replicas.len()).map(|r| (r, turn.clone())).collect(),
    ));
    let db = Db::new(&database.url, &password);
    let rows = db.count("SELECT count(*) FROM bookings WHERE turn_key LIKE '%#the-turn#%'");
    let whole = check_whole(&db);
    let summary = format!(
        "one turn sent twice to each of 3 replicas: {}; rows of the turn {rows}; the \
         database: {whole:?}",
        tally(answers.iter().map(|a| &a.outcome))
    );
    report(&summary);
    let Outcome::Booked(confirmation) = &answers[0].outcome else {
        panic!("not booked: {:?}; {summary}", answers[0])
    };
    for answer in &answers {
        assert_eq!(answer.body, answers[0].body, "{summary}");
    }
    assert_eq!((rows, whole.rows, whole.claims), (1, 1, 1), "{summary}");
    assert!(whole.is_whole(), "{summary}");
    assert!(
        unheld(&db, &[(5, confirmation.clone())]).is_empty(),
        "{summary}"
    );
}

#[test]
fn a_replica_killed_amid_200_bookings_loses_none_a_caller_heard_of_and_leaves_none_half_written() {
    let test = "a_replica_killed_amid_200_bookings_loses_none_a_caller_heard_of_and_leaves_none_half_written";
    let Some(database) = fresh_database(test) else {
        return;
    };
    const CREATES: usize = 200;
    let victim = 2;
    let password = test_password();
    let mut replicas = Replicas::start(3, &database.url, &password);
    replicas.warm_up();
    let db = Db::new(&database.url, &password);
    let turn = |i: usize| create_call(&format!("kill-{i}"), &format!("turn-{i}"), i);

    // Every call at once, one slot each, round the replicas; SIGKILL to one of them once
    // it has answered a few, with the rest of its calls in flight or waiting.
    let runtime = runtime();
    let client = client();
    let victim_answered = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..CREATES)
        .map(|i| {
            let replica = i % replicas.len();
            let url = replicas.url(replica, "/webhook");
            let body = turn(i);
            let client = client.clone();
            let counter = (replica == victim).then(|| victim_answered.clone());
            runtime.spawn(async move {
                let answer = call(&client, &url, &body).await;
                if let Some(counter) = counter {
                    counter.fetch_add(1, Ordering::AcqRel);
                }
                answer
            })
        })
        .collect();
    let waited = Instant::now();
    while victim_answered.load(Ordering::Acquire) < 5 {
        assert!(
            waited.elapsed() < PATIENCE,
            "replica {victim} answers nothing"
        );
        thread::sleep(Duration::from_millis(1));
    }
    replicas.kill(victim);
    let answers: Vec<Answer> = handles
        .into_iter()
        .map(|handle| runtime.block_on(handle).unwrap())
        .collect();
    replicas.restart(victim);

    let heard: Vec<(usize, String)> = answers
        .iter()
        .enumerate()
        .filter_map(|(i, answer)| match &answer.outcome {
            Outcome::Booked(number) => Some((i, number.clone())),
            _ => None,
        })
        .collect();
    let lost_on: BTreeSet<usize> = answers
        .iter()
        .enumerate()
        .filter(|(_, answer)| matches!(answer.outcome, Outcome::Lost(_)))
        .map(|(i, _)| i % replicas.len())
        .collect();
    let lost = answers
        .iter()
        .filter(|answer| matches!(answer.outcome, Outcome::Lost(_)))
        .count();
    let after_kill = check_whole(&db);
    let missing = unheld(&db, &heard);
    let summary = format!(
        "{CREATES} calls for distinct slots over 3 replicas, replica {victim} killed amid \
         them: {}; {} confirmations heard, {} of them not in the database {missing:?}; \
         {} rows ({} committed without their caller hearing); the database: {after_kill:?}",
        tally(answers.iter().map(|a| &a.outcome)),
        heard.len(),
        missing.len(),
        after_kill.rows,
        after_kill.rows - i64::try_from(heard.len()).unwrap(),
    );
    assert!(lost > 0, "the kill landed after every call: {summary}");
    assert_eq!(
        lost_on,
        BTreeSet::from([victim]),
        "only the killed replica's calls go unanswered: {summary}"
    );
    assert!(
        answers
            .iter()
            .all(|a| !matches!(a.outcome, Outcome::Taken | Outcome::Other(_))),
        "{summary}"
    );
    assert!(missing.is_empty(), "{summary}");
    assert!(after_kill.is_whole(), "{summary}");
    assert_eq!(after_kill.claims, after_kill.rows, "{summary}");

    // Every turn that heard nothing, sent again (as Dialogflow's caller asks again): the
    // ones that had committed find their booking, the others book; nothing twice.
    let retries: Vec<(usize, serde_json::Value)> = answers
        .iter()
        .enumerate()
        .filter(|(_, answer)| !matches!(answer.outcome, Outcome::Booked(_)))
        .map(|(i, _)| ((i + 1) % replicas.len(), turn(i)))
        .collect();
    let retried: Vec<usize> = answers
        .iter()
        .enumerate()
        .filter(|(_, answer)| !matches!(answer.outcome, Outcome::Booked(_)))
        .map(|(i, _)| i)
        .collect();
    let again = all_at_once(&replicas, retries);
    let mut all = heard.clone();
    all.extend(
        retried
            .iter()
            .zip(&again)
            .filter_map(|(i, answer)| match &answer.outcome {
                Outcome::Booked(number) => Some((*i, number.clone())),
                _ => None,
            }),
    );
    let distinct: BTreeSet<&String> = all.iter().map(|(_, number)| number).collect();
    let at_end = check_whole(&db);
    let missing = unheld(&db, &all);
    let summary = format!(
        "{summary}. The {} turns without a confirmation sent again: {}; now {} \
         confirmations ({} distinct), {} not in the database; the database: {at_end:?}",
        retried.len(),
        tally(again.iter().map(|a| &a.outcome)),
        all.len(),
        distinct.len(),
        missing.len(),
    );
    report(&summary);
    let expected = i64::try_from(CREATES).unwrap();
    assert_eq!(distinct.len(), CREATES, "{summary}");
    assert!(missing.is_empty(), "{summary}");
    assert_eq!(
        (at_end.rows, at_end.claims),
        (expected, expected),
        "{summary}"
    );
    assert!(at_end.is_whole(), "{summary}");
}

#[test]
fn a_postgres_outage_of_5_s_is_answered_in_time_reported_by_readyz_and_ridden_out() {
    let test = "a_postgres_outage_of_5_s_is_answered_in_time_reported_by_readyz_and_ridden_out";
    let Some(cluster) = Cluster::start(test) else {
        return;
    };
    let replicas = Replicas::start(3, &cluster.url, &cluster.password);
    replicas.warm_up();

    // Load: two callers per replica, each booking one slot after another.
    let runtime = runtime();
    let client = client();
    let stop = Arc::new(AtomicBool::new(false));
    let log: Arc<Mutex<Vec<Answer>>> = Arc::default();
    let callers: Vec<_> = (0..2 * replicas.len())
        .map(|caller| {
            let url = replicas.url(caller % replicas.len(), "/webhook");
            let (client, stop, log) = (client.clone(), stop.clone(), log.clone());
            runtime.spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Acquire) {
                    let slot = caller * 10_000 + n;
                    let body = create_call(&format!("load-{caller}"), &format!("t-{n}"), slot);
                    let answer = call(&client, &url, &body).await;
                    log.lock().unwrap().push(answer);
                    n += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();

    thread::sleep(Duration::from_secs(1));
    let down = Instant::now();
    cluster.down();
    let stopped = Instant::now();
    let mut said_503 = vec![false; replicas.len()];
    while down.elapsed() < Duration::from_secs(5) {
        for (replica, said) in said_503.iter_mut().enumerate() {
            *said |= replicas.readyz(replica) == 503;
        }
        thread::sleep(Duration::from_millis(100));
    }
    let restarting = Instant::now();
    cluster.up();
    let mut ready_again = Vec::new();
    for replica in 0..replicas.len() {
        replicas.wait_until_ready(replica);
        ready_again.push(restarting.elapsed());
    }
    let recovered = Instant::now();
    // Load goes on until every caller has been answered again after the recovery.
    thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Release);
    for caller in callers {
        runtime.block_on(caller).unwrap();
    }
    // And a fresh booking on each replica.
    let fresh = all_at_once(
        &replicas,
        (0..replicas.len())
            .map(|r| (r, create_call("after", &format!("after-{r}"), 100_000 + r)))
            .collect(),
    );

    let log = log.lock().unwrap();
    let during: Vec<&Answer> = log
        .iter()
        .filter(|a| a.sent >= stopped && a.answered <= restarting)
        .collect();
    let after: Vec<&Answer> = log.iter().filter(|a| a.sent >= recovered).collect();
    let slowest = log
        .iter()
        .map(|a| a.answered - a.sent)
        .max()
        .unwrap_or_default();
    let db = Db::new(&cluster.url, &cluster.password);
    let whole = check_whole(&db);
    let summary = format!(
        "Postgres down for 5 s under load from 6 callers over 3 replicas: {} calls, {}, the \
         slowest answered in {slowest:?}; sent and answered while it was down: {} ({}); after \
         it came back and /readyz said 200 again ({ready_again:?} after the restart): {}; a \
         fresh booking on each replica: {}; /readyz said 503 while down: {said_503:?}; the \
         database: {whole:?}",
        log.len(),
        tally(log.iter().map(|a| &a.outcome)),
        during.len(),
        tally(during.iter().map(|a| &a.outcome)),
        tally(after.iter().map(|a| &a.outcome)),
        tally(fresh.iter().map(|a| &a.outcome)),
    );
    report(&summary);
    assert!(
        log.iter().all(
            |a| !matches!(a.outcome, Outcome::Lost(_) | Outcome::Other(_))
                && a.answered - a.sent < WEBHOOK_TIMEOUT
        ),
        "every call is answered within the webhook timeout: {summary}"
    );
    assert!(!during.is_empty(), "no call while it was down: {summary}");
    assert!(
        during.iter().all(|a| a.outcome.is_fallback()),
        "calls while it was down hear the fallback text: {summary}"
    );
    assert!(
        said_503.iter().all(|said| *said),
        "/readyz says 503 while it is down: {summary}"
    );
    assert!(
        after
            .iter()
            .any(|a| matches!(a.outcome, Outcome::Booked(_))),
        "bookings resume: {summary}"
    );
    assert!(
        fresh
            .iter()
            .all(|a| matches!(a.outcome, Outcome::Booked(_))),
        "{summary}"
    );
    assert!(whole.is_whole(), "{summary}");
    let heard: Vec<(usize, String)> = fresh
        .iter()
        .enumerate()
        .filter_map(|(r, a)| match &a.outcome {
            Outcome::Booked(number) => Some((100_000 + r, number.clone())),
            _ => None,
        })
        .collect();
    assert!(unheld(&db, &heard).is_empty(), "{summary}");
}
