//! The integrations on a real Postgres server, picked by a `postgres://` URL in their
//! configuration: the routers, readiness, migrations many replicas start at once, and the
//! password kept out of sight. Skipped (saying so) without a server, failing in CI.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use cxhook::server::Webhook;
use cxhook::types::ParameterState;
use cxhook_integrations::accounts::{
    self, AccountStore, AccountsConfig, DatabaseConfig, PostgresConfig, PostgresStore,
};
use cxhook_integrations::booking::jiff::{Timestamp, ToSpan};
use cxhook_integrations::booking::{
    self, BookingConfig, BookingStore, Clock, Created, NewBooking, PostgresBookingStore, Status,
};
use cxhook_integrations::database::SslMode;
use cxhook_integrations::schema::Applied;
use cxhook_integrations::store::StoreError;
use cxhook_sim::{RequestBuilder, TestClient};
use serde_json::{Value, json};

use crate::stores::backend::{PASSWORD_VAR, connect, fresh_database, options, server};
use crate::support::answer;

fn postgres_keys() -> PostgresConfig {
    PostgresConfig {
        password_env: PASSWORD_VAR.to_owned(),
        ..PostgresConfig::default()
    }
}

fn accounts_config(url: &str) -> AccountsConfig {
    AccountsConfig {
        database: PathBuf::from(url),
        postgres: postgres_keys(),
        ..AccountsConfig::default()
    }
}

/// Whether the webhook over `router` is ready, or why not.
async fn readiness(router: &cxhook::Router) -> Result<(), Vec<String>> {
    Webhook::new(router.clone()).readiness().check().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accounts_router_on_postgres_answers_and_is_ready() {
    let Some(server) = server("the_accounts_router_on_postgres_answers_and_is_ready") else {
        return;
    };
    let url = fresh_database(&server).await;
    let router = accounts::router(&accounts_config(&url)).unwrap();
    assert_eq!(readiness(&router).await, Ok(()));
    let client = TestClient::new(router.clone());
    let reply = answer(
        &client,
        RequestBuilder::new()
            .tag("account.balance")
            .text("what's my balance")
            .lang("en-US")
            .param("user_id", "u-1001"),
    )
    .await;
    reply.assert_text("The balance of account u-1001 is $1,250.75.");

    // A schema that is not there (dropped behind its back) is not ready, once the last
    // probe's outcome (reused for a second) is old.
    connect(&url)
        .await
        .batch_execute("DROP TABLE cxhook_migrations")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let not_ready = readiness(&router).await.unwrap_err().join("; ");
    assert!(not_ready.contains("accounts"), "{not_ready}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_booking_router_on_postgres_books_a_turn_once() {
    let Some(server) = server("the_booking_router_on_postgres_books_a_turn_once") else {
        return;
    };
    let url = fresh_database(&server).await;
    let config = BookingConfig {
        database: PathBuf::from(&url.url),
        postgres: postgres_keys(),
        ..BookingConfig::default()
    };
    let router = booking::router(&config).unwrap();
    assert_eq!(readiness(&router).await, Ok(()));
    let client = TestClient::new(router);
    let mut create = RequestBuilder::new()
        .tag("booking.create")
        .text("book me in")
        .lang("en")
        .session("s-1")
        .response_id("turn-1")
        .page("Book");
    let params = [
        ("service", json!("haircut")),
        ("date", json!({"year": 2030.0, "month": 12.0, "day": 3.0})),
        (
            "time",
            json!({"hours": 14.0, "minutes": 0.0, "seconds": 0.0}),
        ),
    ];
    for (name, value) in params {
        create = create
            .param(name, value.clone())
            .form_param(name, ParameterState::Filled, Some(value))
            .form_required(name, true);
    }
    let first = answer(&client, &create).await;
    let number = first
        .param("confirmation_id")
        .cloned()
        .unwrap_or(Value::Null);
    assert!(
        number.as_str().is_some_and(|n| n.starts_with("BK-")),
        "{first}"
    );
    // The same turn again (Dialogflow retrying): the same answer, one row.
    assert_eq!(answer(&client, &create).await.json(), first.json());
    let stored = connect(&url)
        .await
        .query_one("SELECT confirmation, status FROM bookings", &[])
        .await
        .unwrap();
    assert_eq!(
        (stored.get::<_, String>(0), stored.get::<_, String>(1)),
        (number.as_str().unwrap().to_owned(), "confirmed".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_replicas_starting_together_migrate_once() {
    let Some(server) = server("ten_replicas_starting_together_migrate_once") else {
        return;
    };
    let url = fresh_database(&server).await;
    let options = options(&url, 5000);
    let opened: Vec<_> = std::thread::scope(|scope| {
        let starts: Vec<_> = (0..10)
            .map(|_| scope.spawn(|| PostgresStore::open(&options, true).map(|_| ())))
            .collect();
        starts.into_iter().map(|s| s.join().unwrap()).collect()
    });
    for result in opened {
        result.unwrap();
    }
    let admin = connect(&url).await;
    let version: i64 = admin
        .query_one(
            "SELECT version FROM cxhook_migrations WHERE component = 'accounts'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(version, 1);
    // The demo accounts went in once.
    let accounts: i64 = admin
        .query_one("SELECT count(*) FROM accounts", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(accounts, 5);
    // A later start finds the tables there: nothing seeded again, even into an empty table.
    admin
        .batch_execute("DELETE FROM transactions; DELETE FROM accounts")
        .await
        .unwrap();
    let store = Arc::new(PostgresStore::open(&options, true).unwrap());
    store.ping().await.unwrap();
    let accounts: i64 = admin
        .query_one("SELECT count(*) FROM accounts", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(accounts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_never_shows_and_a_wrong_one_is_refused() {
    let Some(server) = server("the_password_never_shows_and_a_wrong_one_is_refused") else {
        return;
    };
    let password = std::env::var(PASSWORD_VAR).unwrap_or_default();
    let options = options(&server, 1000);
    let debug = format!("{options:?}");
    assert!(
        !password.is_empty() && !debug.contains(&password),
        "{debug}"
    );

    let wrong_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(wrong_file.path(), "not-the-password-7f3a\n").unwrap();
    let keys = PostgresConfig {
        password_file: Some(wrong_file.path().to_owned()),
        ..postgres_keys()
    };
    let config = AccountsConfig {
        postgres: keys,
        ..accounts_config(&server)
    };
    let error = accounts::router(&config).unwrap_err();
    let mut said = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        said = format!("{said}: {cause}");
        source = cause.source();
    }
    assert!(said.contains("password authentication failed"), "{said}");
    assert!(!said.contains("not-the-password-7f3a"), "{said}");
    assert!(!said.contains(&password), "{said}");
}

/// The test server's CA certificate (`TEST_POSTGRES_CA`); `None` (after saying so)
/// without one on a developer machine, a failure in CI.
fn test_ca(test: &str) -> Option<PathBuf> {
    match std::env::var("TEST_POSTGRES_CA") {
        Ok(file) if !file.trim().is_empty() => Some(PathBuf::from(file.trim())),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("CI must provide Postgres with TLS: TEST_POSTGRES_CA is unset")
        }
        _ => {
            eprintln!("SKIPPED {test}: TEST_POSTGRES_CA is unset (scripts/postgres.sh sets it)");
            None
        }
    }
}

/// How many of this database's connections from cxhook are encrypted, and how many not.
async fn encrypted(url: &str) -> (i64, i64) {
    let name = url.rsplit('/').next().unwrap();
    let row = connect(url)
        .await
        .query_one(
            "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl) \
             FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = $1 AND a.application_name = 'cxhook'",
            &[&name],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_verifies_the_server_against_the_ca_file_or_encrypts_without_when_told() {
    let test = "tls_verifies_the_server_against_the_ca_file_or_encrypts_without_when_told";
    let Some(server) = server(test) else {
        return;
    };
    let Some(ca) = test_ca(test) else {
        return;
    };
    for sslmode in [SslMode::VerifyFull, SslMode::Require] {
        let url = fresh_database(&server).await;
        let keys = PostgresConfig {
            sslmode: Some(sslmode),
            sslrootcert: (sslmode == SslMode::VerifyFull).then(|| ca.clone()),
            ..postgres_keys()
        };
        let config = AccountsConfig {
            postgres: keys,
            ..accounts_config(&url)
        };
        let router = accounts::router(&config).unwrap();
        assert_eq!(readiness(&router).await, Ok(()), "{sslmode:?}");
        let (tls, plain) = encrypted(&url).await;
        assert!(
            tls >= 1 && plain == 0,
            "{sslmode:?}: {tls} encrypted, {plain} plain"
        );
    }

    // The server's certificate is not signed by a CA the system trusts: verify-full refuses
    // it when no CA file says otherwise.
    let url = fresh_database(&server).await;
    let keys = PostgresConfig {
        sslmode: Some(SslMode::VerifyFull),
        ..postgres_keys()
    };
    let config = AccountsConfig {
        postgres: keys,
        ..accounts_config(&url)
    };
    let error = accounts::router(&config).unwrap_err();
    let mut said = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        said = format!("{said}: {cause}");
        source = cause.source();
    }
    assert!(said.to_lowercase().contains("certificate"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_value_form_reaches_the_server_over_its_unix_socket() {
    let test = "the_key_value_form_reaches_the_server_over_its_unix_socket";
    let Some(server) = server(test) else {
        return;
    };
    let Ok(socket_dir) = std::env::var("TEST_POSTGRES_SOCKET_DIR") else {
        assert!(
            !std::env::var("CI").is_ok_and(|ci| ci == "true"),
            "CI must provide TEST_POSTGRES_SOCKET_DIR"
        );
        eprintln!("SKIPPED {test}: TEST_POSTGRES_SOCKET_DIR is unset");
        return;
    };
    let url = fresh_database(&server).await;
    let parsed: tokio_postgres::Config = url.parse().unwrap();
    let port = parsed.get_ports()[0];
    let dbname = parsed.get_dbname().unwrap();
    let user = parsed.get_user().unwrap();
    // As Cloud SQL's socket is named: host=/cloudsql/PROJECT:REGION:INSTANCE.
    let database = format!("host={socket_dir} port={port} dbname={dbname} user={user}");
    let router = accounts::router(&accounts_config(&database)).unwrap();
    assert_eq!(readiness(&router).await, Ok(()));
    let reply = answer(
        &TestClient::new(router),
        RequestBuilder::new()
            .tag("account.balance")
            .text("what's my balance")
            .lang("en-US")
            .param("user_id", "u-1002"),
    )
    .await;
    reply.assert_text("The balance of account u-1002 is £3,842.10.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_ends_a_statement_nobody_waits_for_at_the_query_timeout() {
    let test = "the_server_ends_a_statement_nobody_waits_for_at_the_query_timeout";
    let Some(server) = server(test) else {
        return;
    };
    let url = fresh_database(&server).await;
    let store = PostgresStore::open(&options(&url, 300), true).unwrap();
    store.account("u-1001").await.unwrap().unwrap();
    // A lock that even reads wait for, held far longer than the query timeout.
    let holder = connect(&url).await;
    holder
        .batch_execute("BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let error = store.account("u-1001").await.unwrap_err();
    assert!(
        error.to_string().contains("did not answer within"),
        "{error}"
    );
    // The caller gave up at 300 ms; statement_timeout ends the statement on the server too,
    // while the lock is still held.
    let admin = connect(&url).await;
    let name = url.rsplit('/').next().unwrap().to_owned();
    let mut waiting = i64::MAX;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waiting = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 \
                 AND application_name = 'cxhook' AND state = 'active'",
                &[&name],
            )
            .await
            .unwrap()
            .get(0);
        if waiting == 0 {
            break;
        }
    }
    assert_eq!(waiting, 0, "a statement still waits for the lock");
    holder.batch_execute("ROLLBACK").await.unwrap();
    assert!(store.account("u-1001").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_sweeping_at_once_send_each_pending_booking_once() {
    let test = "three_replicas_sweeping_at_once_send_each_pending_booking_once";
    let Some(server) = server(test) else {
        return;
    };
    let url = fresh_database(&server).await;
    // Thirty bookings left pending.
    let store = PostgresBookingStore::open(&options(&url, 5000)).unwrap();
    let mut keys = Vec::new();
    for i in 0..30 {
        let start: Timestamp = "2030-12-03T14:00:00Z".parse().unwrap();
        let start = start + (30 * i).minutes();
        let created = store
            .create(NewBooking {
                turn_key: Some(format!("s-{i}#turn-1#booking.create")),
                session: format!("s-{i}"),
                service: "haircut".to_owned(),
                resource: "haircut".to_owned(),
                start,
                end: start + 30.minutes(),
                cells: vec![start],
                status: Status::Pending,
                idempotency_key: format!("left-pending-{i}"),
                created_at: "2030-11-30T15:00:00Z".parse().unwrap(),
            })
            .await
            .unwrap();
        let Created::New(created) = created else {
            panic!("{created:?}");
        };
        // Let go, as the replicas whose calls failed left them.
        store.unclaim(created.id).await.unwrap();
        keys.push(format!("left-pending-{i}"));
    }
    drop(store);

    // An API slow enough (40 ms a call) that the three sweeps overlap throughout.
    let (scheduler, api) = crate::booking::scheduler().await;
    scheduler.delay_ms.store(40, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::booking::external_config(dir.path(), &api);
    // A call that gave up on a loaded machine would leave its booking to the next sweep, a
    // minute later: the API is given the time to answer.
    config.external.timeout_ms = 5000;
    // Three replicas, each with its own pool, start together: each sweeps at once.
    let replicas: Vec<_> = (0..3)
        .map(|_| {
            let store = Arc::new(PostgresBookingStore::open(&options(&url, 5000)).unwrap());
            let parts = booking::Parts {
                store: store.clone(),
                clock: Clock::system(),
                messages: cxhook_integrations::messages::Catalog::shipped(),
            };
            let router = booking::router_with(&config, parts).unwrap();
            router.start();
            (router, store)
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !replicas[0].1.pending().await.unwrap().is_empty() {
        assert!(
            Instant::now() < deadline,
            "still pending after 20 s; sent {:?}",
            scheduler.keys.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut sent = scheduler.keys.lock().unwrap().clone();
    sent.sort_unstable();
    keys.sort_unstable();
    assert_eq!(sent, keys, "each pending booking sent exactly once");
    let confirmed: i64 = connect(&url)
        .await
        .query_one(
            "SELECT count(*) FROM bookings WHERE status = 'confirmed' \
             AND external_id IS NOT NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(confirmed, 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_does_not_migrate_fails_cleanly_until_the_migrations_run() {
    let test = "a_store_that_does_not_migrate_fails_cleanly_until_the_migrations_run";
    let Some(server) = server(test) else {
        return;
    };
    let url = fresh_database(&server).await;
    let mut config = accounts_config(&url);
    config.postgres.migrate = false;
    let options = cxhook_integrations::postgres::Options::new(
        &config.database,
        &config.postgres,
        config.query_timeout(),
    )
    .unwrap();
    let store = PostgresStore::open(&options, true).unwrap();
    let behind = |error: StoreError| match error {
        StoreError::Schema {
            component,
            found,
            needed,
        } => (component, found, needed),
        other => panic!("{other:?}"),
    };
    // Nothing was created: every call, and readiness, say which schema is behind.
    assert_eq!(
        behind(store.account("u-1001").await.unwrap_err()),
        ("accounts", 0, 1)
    );
    let not_ready = store.ping().await.unwrap_err();
    assert_eq!(
        not_ready.to_string(),
        "the accounts schema is at version 0, this program needs version 1 (apply the \
         migrations: cxhook migrate)"
    );
    let router = accounts::router(&config).unwrap();
    let failed = Webhook::new(router.clone())
        .readiness()
        .check_reasons()
        .await
        .unwrap_err();
    assert_eq!(failed, [("accounts".to_owned(), not_ready.to_string())]);

    // Migrated on its own (a release job), with the demo accounts: the store serves, as it
    // is, and is ready once the last probe is a second old.
    let applied = cxhook_integrations::schema::accounts(&config).unwrap();
    assert_eq!(
        applied,
        [Applied {
            component: "accounts",
            from: 0,
            to: 1,
            seeded: true
        }]
    );
    let account = store.account("u-1001").await.unwrap().unwrap();
    assert_eq!(account.holder, "Ada Lovelace");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    store.ping().await.unwrap();
    assert_eq!(readiness(&router).await, Ok(()));
    assert_eq!(cxhook_integrations::schema::accounts(&config).unwrap(), []);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_database_gets_the_demo_accounts_once_unless_turned_off() {
    let test = "an_empty_database_gets_the_demo_accounts_once_unless_turned_off";
    let Some(server) = server(test) else {
        return;
    };
    let count = |url: String| async move {
        connect(&url)
            .await
            .query_one("SELECT count(*) FROM accounts", &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    // The first start on an empty database: the demo accounts, as the embedded default.
    let url = fresh_database(&server).await;
    let config = accounts_config(&url);
    let client = TestClient::new(accounts::router(&config).unwrap());
    let reply = answer(
        &client,
        RequestBuilder::new()
            .tag("account.balance")
            .lang("en-US")
            .param("user_id", "u-1002"),
    )
    .await;
    reply.assert_text("The balance of account u-1002 is £3,842.10.");
    assert_eq!(count(url.url.clone()).await, 5);
    // Tables that exist are never seeded again, even emptied.
    connect(&url)
        .await
        .batch_execute("DELETE FROM transactions; DELETE FROM accounts")
        .await
        .unwrap();
    drop(accounts::router(&config).unwrap());
    assert_eq!(count(url.url.clone()).await, 0);

    // Turned off: the tables are created empty.
    let url = fresh_database(&server).await;
    let config = AccountsConfig {
        demo_data: false,
        ..accounts_config(&url)
    };
    let client = TestClient::new(accounts::router(&config).unwrap());
    let reply = answer(
        &client,
        RequestBuilder::new()
            .tag("account.balance")
            .lang("en-US")
            .param("user_id", "u-1002"),
    )
    .await;
    assert_eq!(reply.param("account_found"), Some(&json!(false)), "{reply}");
    assert_eq!(count(url.url.clone()).await, 0);
}
