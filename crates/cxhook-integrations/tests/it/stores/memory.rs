//! The `MemoryStore` suite: facts recalled as written, the later write of a fact winning
//! whatever order writes arrive in, a forget that an older write does not undo, replicas
//! writing different facts of one user at once keeping both, the retention sweep, and a
//! table whose dump names no user.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cxhook::Secret;
use cxhook::memory::{Change, MemorySecret, MemoryStore, UserKey};
use serde_json::{Value, json};

use super::backend::{Db, Kind};

on_every_backend!(
    given given;
    facts_are_recalled_as_written_and_per_user,
    of_two_writes_of_a_fact_the_later_wins_whatever_order_they_arrive_in,
    a_forgotten_fact_is_not_brought_back_by_an_older_write,
    forgetting_a_user_erases_every_fact_and_no_other_users,
    two_replicas_writing_different_facts_of_one_user_at_once_keep_both,
    the_sweep_erases_what_was_last_written_before_the_retention_time,
    a_dump_of_the_table_shows_no_user_id_and_no_phone_number,
);

/// The query timeout of the stores, in milliseconds: ample, as the suite asserts what is
/// stored and never how fast.
const QUERY_TIMEOUT_MS: u64 = 10_000;

/// What each test starts from: a fresh, empty database and a memory store on it.
struct Given {
    db: Db,
    store: Arc<dyn MemoryStore>,
}

/// A fresh database of `kind` for the test `test` and a store on it; `None` when Postgres is
/// skipped.
async fn given(kind: Kind, test: &str) -> Option<Given> {
    let db = Db::new(kind, test).await?;
    let store = db.memory(QUERY_TIMEOUT_MS);
    Some(Given { db, store })
}

/// A fixed instant, `days` days after 1 December 2026.
fn day(days: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200 + days * 86_400)
}

fn key(identity: &str) -> UserKey {
    MemorySecret::new(Secret::new("store-suite-secret").unwrap()).key(identity)
}

fn set(fact: &str, value: Value) -> (String, Change) {
    (fact.to_owned(), Change::Set(value))
}

fn forget(fact: &str) -> (String, Change) {
    (fact.to_owned(), Change::Forget)
}

/// Applies `changes` to what is remembered of `user`, as written at `at`.
async fn write<const N: usize>(
    store: &dyn MemoryStore,
    user: &UserKey,
    at: SystemTime,
    changes: [(String, Change); N],
) {
    store.apply(user.clone(), changes.into(), at).await.unwrap();
}

/// The user's facts as one JSON object, each recalled once.
async fn facts(store: &dyn MemoryStore, user: &UserKey) -> Value {
    let mut facts = serde_json::Map::new();
    for fact in store.recall(user.clone()).await.unwrap() {
        let name = fact.name.clone();
        assert!(
            facts.insert(fact.name, fact.value).is_none(),
            "{name} twice"
        );
    }
    Value::Object(facts)
}

async fn facts_are_recalled_as_written_and_per_user(Given { store, .. }: Given) {
    let (ana, ben) = (key("u-1001"), key("u-1002"));
    assert!(store.recall(ana.clone()).await.unwrap().is_empty());
    write(
        &*store,
        &ana,
        day(1),
        [
            set("city", json!("Berlin")),
            set("visits", json!({"count": 3, "last": [1, 2]})),
        ],
    )
    .await;
    write(&*store, &ben, day(1), [set("city", json!("Lyon"))]).await;
    assert_eq!(
        facts(&*store, &ana).await,
        json!({"city": "Berlin", "visits": {"count": 3, "last": [1, 2]}})
    );
    assert_eq!(facts(&*store, &ben).await, json!({"city": "Lyon"}));
    let recalled = store.recall(ana.clone()).await.unwrap();
    assert!(recalled.iter().all(|fact| fact.updated_at == day(1)));
}

async fn of_two_writes_of_a_fact_the_later_wins_whatever_order_they_arrive_in(
    Given { store, .. }: Given,
) {
    let user = key("+4915112345678");
    write(&*store, &user, day(2), [set("city", json!("Paris"))]).await;
    // An older write arriving late changes nothing.
    write(&*store, &user, day(1), [set("city", json!("Rome"))]).await;
    assert_eq!(facts(&*store, &user).await, json!({"city": "Paris"}));
    write(&*store, &user, day(3), [set("city", json!("Oslo"))]).await;
    assert_eq!(facts(&*store, &user).await, json!({"city": "Oslo"}));
}

async fn a_forgotten_fact_is_not_brought_back_by_an_older_write(Given { store, .. }: Given) {
    let user = key("u-1001");
    write(
        &*store,
        &user,
        day(1),
        [
            set("city", json!("Berlin")),
            set("service", json!("haircut")),
        ],
    )
    .await;
    write(&*store, &user, day(3), [forget("city")]).await;
    // A write from before the forget, arriving after it.
    write(&*store, &user, day(2), [set("city", json!("Madrid"))]).await;
    assert_eq!(facts(&*store, &user).await, json!({"service": "haircut"}));
    // A later write does bring it back.
    write(&*store, &user, day(4), [set("city", json!("Vienna"))]).await;
    assert_eq!(
        facts(&*store, &user).await,
        json!({"city": "Vienna", "service": "haircut"})
    );
}

async fn forgetting_a_user_erases_every_fact_and_no_other_users(Given { db, store }: Given) {
    let (ana, ben) = (key("u-1001"), key("u-1002"));
    write(
        &*store,
        &ana,
        day(1),
        [
            set("city", json!("Berlin")),
            set("service", json!("massage")),
        ],
    )
    .await;
    write(&*store, &ana, day(1), [forget("language")]).await;
    write(&*store, &ben, day(1), [set("city", json!("Lyon"))]).await;
    assert_eq!(store.forget_user(ana.clone()).await.unwrap(), 2);
    assert!(store.recall(ana.clone()).await.unwrap().is_empty());
    assert_eq!(store.forget_user(ana.clone()).await.unwrap(), 0);
    assert_eq!(facts(&*store, &ben).await, json!({"city": "Lyon"}));
    assert_eq!(db.count("memory").await, 1, "no tombstone of Ana is left");
}

async fn two_replicas_writing_different_facts_of_one_user_at_once_keep_both(given: Given) {
    // Two store instances on one database, as two replicas have.
    let (first, second) = (given.store, given.db.memory(QUERY_TIMEOUT_MS));
    let user = key("+4915112345678");
    for round in 0..20_u64 {
        let at = day(round);
        let writes = [(first.clone(), "city"), (second.clone(), "service")].map(|(store, fact)| {
            let user = user.clone();
            tokio::spawn(async move {
                store
                    .apply(user, vec![set(fact, json!(format!("{fact}-{round}")))], at)
                    .await
            })
        });
        for task in writes {
            task.await.unwrap().unwrap();
        }
        assert_eq!(
            facts(&*first, &user).await,
            json!({"city": format!("city-{round}"), "service": format!("service-{round}")}),
            "round {round}"
        );
    }
}

async fn the_sweep_erases_what_was_last_written_before_the_retention_time(
    Given { db, store }: Given,
) {
    let user = key("u-1001");
    write(&*store, &user, day(1), [set("city", json!("Berlin"))]).await;
    write(&*store, &user, day(2), [forget("service")]).await;
    write(&*store, &user, day(10), [set("language", json!("de"))]).await;
    assert_eq!(store.sweep(day(1)).await.unwrap(), 0);
    // The fact of day 1 and the tombstone of day 2 go; the fact of day 10 stays.
    assert_eq!(store.sweep(day(5)).await.unwrap(), 2);
    assert_eq!(facts(&*store, &user).await, json!({"language": "de"}));
    assert_eq!(db.count("memory").await, 1);
}

async fn a_dump_of_the_table_shows_no_user_id_and_no_phone_number(Given { db, store }: Given) {
    let identities = ["u-1001", "+4915112345678", "4915112345678"];
    for identity in identities {
        write(
            &*store,
            &key(identity),
            day(1),
            [set("city", json!("Berlin")), forget("service")],
        )
        .await;
    }
    let dump = db.dump("memory").await;
    assert_eq!(dump.len(), 6);
    let text = dump.join("\n");
    assert!(text.contains("Berlin"), "the dump is read: {text}");
    assert!(text.contains(key("u-1001").as_str()));
    for needle in ["u-1001", "4915112345678", "15112345678"] {
        assert!(!text.contains(needle), "the dump shows {needle}: {text}");
    }
}
