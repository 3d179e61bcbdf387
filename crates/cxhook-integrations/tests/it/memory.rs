//! Memory around routes, through the server's pipeline on a SQLite file: who the caller is,
//! what a handler writes and when it is kept, what `[memory]` remembers, recalls and
//! forgets without code, and the retention sweep on an injected clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use cxhook::extract::Session;
use cxhook::memory::{Memory, MemorySecret, MemoryStore};
use cxhook::middleware::DeadlineLayer;
use cxhook::server::Webhook;
use cxhook::{Reply, Router, Secret};
use cxhook_integrations::memory::{self, MemoryConfig, Parts, SqliteMemoryStore};
use cxhook_integrations::messages::Catalog;
use cxhook_integrations::sqlite::DatabaseOptions;
use cxhook_sim::{RequestBuilder, TestClient};
use serde_json::json;

use crate::support::answer;

const SECRET: &str = "memory-test-secret";

/// A SQLite file in a temporary directory and the memory store on it.
struct Fixture {
    dir: tempfile::TempDir,
    store: Arc<dyn MemoryStore>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteMemoryStore::open(&DatabaseOptions::new(dir.path().join("cxhook.db"))).unwrap();
        Self {
            dir,
            store: Arc::new(store),
        }
    }

    fn parts(&self, now: memory::Now) -> Parts {
        Parts {
            store: self.store.clone(),
            secret: MemorySecret::new(Secret::new(SECRET).unwrap()),
            messages: Catalog::shipped(),
            now,
        }
    }

    /// `routes` with memory around them as `config` says, served with a deadline of
    /// `timeout` less 100 ms.
    fn client(&self, config: &MemoryConfig, routes: Router, timeout: Duration) -> TestClient {
        let router =
            memory::around_with(config, routes, self.parts(memory::sweep::system_now())).unwrap();
        let deadline = DeadlineLayer::new(timeout).margin(Duration::from_millis(100));
        TestClient::from(Webhook::new(router).deadline(deadline))
    }

    /// What the table holds, every row as text.
    fn rows(&self) -> Vec<String> {
        let connection = rusqlite::Connection::open(self.dir.path().join("cxhook.db")).unwrap();
        let mut statement = connection
            .prepare("SELECT user_key, fact, coalesce(value, 'NULL'), forgotten FROM memory")
            .unwrap();
        statement
            .query_map([], |row| {
                Ok(format!(
                    "{}|{}|{}|{}",
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

/// A call of `tag` in `session` from the user `u-1001`.
fn from_user(session: &str, tag: &str) -> RequestBuilder {
    RequestBuilder::new()
        .session(session)
        .tag(tag)
        .param("user_id", "u-1001")
}

/// A handler that remembers the city it is told and says what it remembered before.
async fn weather(memory: Memory, session: Session) -> Result<Reply, cxhook::Error> {
    let before: Option<String> = memory
        .get("weather_city")
        .await
        .map_err(cxhook::Error::new)?;
    if let Some(city) = session.str_param("city") {
        memory
            .set("weather_city", city)
            .map_err(cxhook::Error::new)?;
    }
    Ok(Reply::text(format!(
        "before: {}",
        before.as_deref().unwrap_or("none")
    )))
}

fn routes() -> Router {
    Router::new()
        .route("weather", weather)
        .route("fails", |memory: Memory| async move {
            memory.set("weather_city", "Failed").unwrap();
            Err::<Reply, _>(cxhook::Error::new("the upstream failed"))
        })
        .route("slow", |memory: Memory| async move {
            memory.set("weather_city", "Slow").unwrap();
            tokio::time::sleep(Duration::from_secs(2)).await;
            Reply::text("too late")
        })
        .route("sets", || async {
            Reply::text("ok").set_param("city", "Lisbon")
        })
}

fn config() -> MemoryConfig {
    MemoryConfig::default()
}

#[tokio::test]
async fn a_handler_reads_back_what_it_wrote_in_an_earlier_session() {
    let fixture = Fixture::new();
    let client = fixture.client(&config(), routes(), Duration::from_secs(5));
    let first = answer(
        &client,
        from_user("day-1", "weather").param("city", "Berlin"),
    )
    .await;
    first.assert_text("before: none");
    let second = answer(&client, from_user("day-2", "weather")).await;
    second.assert_text("before: Berlin");
    // Another user does not see it.
    let other = answer(
        &client,
        RequestBuilder::new()
            .session("day-2b")
            .tag("weather")
            .param("user_id", "u-1002"),
    )
    .await;
    other.assert_text("before: none");
}

#[tokio::test]
async fn a_handler_that_fails_remembers_nothing() {
    let fixture = Fixture::new();
    let client = fixture.client(&config(), routes(), Duration::from_secs(5));
    let failed = client.send(from_user("s-1", "fails")).await;
    assert_eq!(failed.outcome(), cxhook::Outcome::Error);
    assert!(fixture.rows().is_empty(), "{:?}", fixture.rows());
}

#[tokio::test]
async fn a_handler_cut_off_by_the_deadline_remembers_nothing() {
    let fixture = Fixture::new();
    let client = fixture.client(&config(), routes(), Duration::from_millis(400));
    let late = client.send(from_user("s-1", "slow")).await;
    assert_eq!(late.outcome(), cxhook::Outcome::Deadline);
    // Had the handler's write survived its cut-off future, it would be there by now.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(fixture.rows().is_empty(), "{:?}", fixture.rows());
}

#[tokio::test]
async fn a_caller_without_an_identity_is_not_remembered() {
    let fixture = Fixture::new();
    let client = fixture.client(&config(), routes(), Duration::from_secs(5));
    let reply = answer(
        &client,
        RequestBuilder::new()
            .session("s-1")
            .tag("weather")
            .param("city", "Berlin"),
    )
    .await;
    reply.assert_text("before: none");
    assert_eq!(reply.param("memory_recalled"), None);
    assert!(fixture.rows().is_empty());
}

#[tokio::test]
async fn remembered_parameters_come_back_in_a_new_session_of_the_same_user() {
    let fixture = Fixture::new();
    let client = fixture.client(&config(), routes(), Duration::from_secs(5));
    // First visit: nothing is known yet; the reply sets the city, which is remembered.
    let first = answer(&client, from_user("visit-1", "sets")).await;
    first.assert_param("memory_recalled", false);
    first.assert_param("city", "Lisbon");
    // A parameter of the request is remembered too.
    let first_again = answer(
        &client,
        from_user("visit-1", "weather")
            .param("memory_recalled", false)
            .param("service", "haircut"),
    )
    .await;
    assert_eq!(
        first_again.param("memory_recalled"),
        None,
        "recalled once a session"
    );
    // Second visit: the session has neither; the reply sets both, and says it recalled.
    let second = answer(&client, from_user("visit-2", "weather")).await;
    second.assert_param("memory_recalled", true);
    second.assert_param("city", "Lisbon");
    second.assert_param("service", "haircut");
    // A parameter the session has is left as it is.
    let third = answer(
        &client,
        from_user("visit-3", "weather").param("city", "Porto"),
    )
    .await;
    assert_eq!(third.param("city"), None);
    third.assert_param("service", "haircut");
    // The agent can ask again with the tag.
    let again = answer(
        &client,
        from_user("visit-3", "memory.recall").param("memory_recalled", true),
    )
    .await;
    again.assert_param("city", "Porto");
}

#[tokio::test]
async fn a_caller_is_recognised_by_the_caller_id_of_the_telephony_payload() {
    let fixture = Fixture::new();
    let client = fixture.client(&config(), routes(), Duration::from_secs(5));
    let call = |session: &str| {
        RequestBuilder::new()
            .session(session)
            .tag("weather")
            .payload(json!({"telephony": {"caller_id": "+4915112345678"}}))
    };
    answer(&client, call("call-1").param("city", "Hamburg")).await;
    let second = answer(&client, call("call-2")).await;
    second.assert_text("before: Hamburg");
    second.assert_param("city", "Hamburg");
    second.assert_param("memory_recalled", true);
    let rows = fixture.rows().join("\n");
    assert!(!rows.contains("4915112345678"), "{rows}");
}

#[tokio::test]
async fn forget_me_erases_the_user_says_so_and_a_new_session_recalls_nothing() {
    let fixture = Fixture::new();
    let client = fixture.client(&config(), routes(), Duration::from_secs(5));
    answer(
        &client,
        from_user("visit-1", "weather").param("city", "Berlin"),
    )
    .await;
    let forgot = answer(
        &client,
        from_user("visit-1", "memory.forget")
            .param("city", "Berlin")
            .param("memory_recalled", false)
            .lang("de"),
    )
    .await;
    forgot.assert_text_contains("vergessen");
    assert!(forgot.deletes("city"));
    forgot.assert_param("memory_recalled", false);
    // Only tombstones are left: fact names without values.
    assert!(
        fixture.rows().iter().all(|row| row.ends_with("|NULL|1")),
        "{:?}",
        fixture.rows()
    );
    let next = answer(&client, from_user("visit-2", "weather")).await;
    next.assert_text("before: none");
    next.assert_param("memory_recalled", false);
    assert_eq!(next.param("city"), None);
}

#[tokio::test]
async fn without_a_secret_or_its_file_memory_is_off_and_its_tags_are_not_served() {
    let fixture = Fixture::new();
    let config = MemoryConfig {
        database: fixture.dir.path().join("cxhook.db"),
        secret_env: "MEMORY_TEST_SECRET_THAT_IS_NOT_SET".to_owned(),
        ..MemoryConfig::default()
    };
    let router = memory::around(
        &config,
        Router::new().route("sets", || async {
            Reply::text("ok").set_param("city", "Lisbon")
        }),
    )
    .unwrap();
    assert_eq!(router.tags().collect::<Vec<_>>(), ["sets"]);
    let client = TestClient::new(router);
    let reply = answer(&client, from_user("s-1", "sets")).await;
    assert_eq!(reply.param("memory_recalled"), None);
    assert!(fixture.rows().is_empty());
}

#[tokio::test]
async fn with_no_secret_memory_on_sqlite_keys_users_with_the_file_made_beside_it() {
    let fixture = Fixture::new();
    let config = MemoryConfig {
        database: fixture.dir.path().join("cxhook.db"),
        secret_env: "MEMORY_TEST_SECRET_THAT_IS_NOT_SET".to_owned(),
        ..MemoryConfig::default()
    };
    // Disabled, memory makes nothing; enabled, the file once, then never again.
    let disabled = MemoryConfig {
        enabled: false,
        ..config.clone()
    };
    assert!(!memory::keep_secret(&disabled).unwrap());
    let file = fixture.dir.path().join("cxhook.db.memory-secret");
    assert!(!file.exists());
    assert!(memory::keep_secret(&config).unwrap());
    let made = std::fs::read_to_string(&file).unwrap();
    assert!(!memory::keep_secret(&config).unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), made);
    let served = || {
        let routes = Router::new().route("sets", || async {
            Reply::text("ok").set_param("city", "Lisbon")
        });
        memory::around(&config, routes).unwrap()
    };
    let router = served();
    assert!(router.tags().any(|tag| tag == "memory.recall"));
    answer(&TestClient::new(router), from_user("s-1", "sets")).await;
    // Built again, as after a restart: the same file, the same key, the same user.
    let again = TestClient::new(served());
    let reply = answer(&again, from_user("s-2", "memory.recall")).await;
    assert_eq!(reply.param("city"), Some(&json!("Lisbon")));
    assert_eq!(reply.param("memory_recalled"), Some(&json!(true)));
    // With a secret given, that one keys the users and no file is made for it.
    let given = fixture.dir.path().join("given");
    std::fs::write(&given, "s3cret\n").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let with_given = MemoryConfig {
        database: elsewhere.path().join("cxhook.db"),
        secret_file: Some(given),
        ..config.clone()
    };
    assert!(!memory::keep_secret(&with_given).unwrap());
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn a_secret_file_that_cannot_be_read_is_a_clear_error() {
    let config = MemoryConfig {
        secret_file: Some("/nonexistent/memory-secret".into()),
        ..MemoryConfig::default()
    };
    let error = memory::around(&config, Router::new()).unwrap_err();
    assert!(error.to_string().contains("secret_file"), "{error}");
}

#[tokio::test]
async fn the_retention_sweep_erases_facts_older_than_the_retention_on_an_injected_clock() {
    let fixture = Fixture::new();
    let secret = MemorySecret::new(Secret::new(SECRET).unwrap());
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200);
    let days = |n: u64| Duration::from_secs(n * 86_400);
    let (old, recent) = (secret.key("u-1001"), secret.key("u-1002"));
    fixture
        .store
        .apply(
            old,
            vec![("city".into(), cxhook::memory::Change::Set(json!("Berlin")))],
            start,
        )
        .await
        .unwrap();
    fixture
        .store
        .apply(
            recent.clone(),
            vec![("city".into(), cxhook::memory::Change::Set(json!("Lyon")))],
            start + days(30),
        )
        .await
        .unwrap();
    // The clock the sweep reads: 89 days after the first write, then moved on.
    let elapsed = Arc::new(AtomicU64::new(89));
    let clock = elapsed.clone();
    let now: memory::Now = Arc::new(move || start + days(clock.load(Ordering::SeqCst)));
    let config = MemoryConfig {
        sweep_interval_ms: 20,
        ..MemoryConfig::default()
    };
    let router = memory::around_with(&config, Router::new(), fixture.parts(now)).unwrap();
    assert!(router.start_tasks().any(|name| name == "memory.sweep"));
    router.start();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(fixture.rows().len(), 2, "nothing is 90 days old yet");
    elapsed.store(91, Ordering::SeqCst);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while fixture.rows().len() != 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            fixture.rows()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(fixture.rows()[0].starts_with(recent.as_str()));
    elapsed.store(121, Ordering::SeqCst);
    while !fixture.rows().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            fixture.rows()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
