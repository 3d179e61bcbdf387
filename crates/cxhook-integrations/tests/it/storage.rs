//! The SQLite write path under faults: writes whose caller stopped waiting, a database that
//! cannot take a write, a file removed or replaced while open, and what start-up creates.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cxhook::server::Webhook;
use cxhook::types::ParameterState;
use cxhook_integrations::accounts::{
    self, AccountStore, AccountsConfig, DatabaseOptions, SqliteStore, StoreError,
};
use cxhook_integrations::booking::{
    self, BookingConfig, Clock, DatabaseConfig, SqliteBookingStore,
};
use cxhook_sim::{AGENT, RequestBuilder, TestClient};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Value, json};

use crate::support::answer;

/// Monday, 30 November 2026, 10:00 in New York.
const NOW: &str = "2026-11-30T15:00:00Z";

fn booking_config(dir: &Path, query_timeout_ms: u64) -> BookingConfig {
    BookingConfig {
        database: dir.join("cxhook.db"),
        connections: 1,
        query_timeout_ms,
        ..BookingConfig::default()
    }
}

/// A `booking.create` call in its own session and turn for a haircut on `day` of December
/// 2026 at `hours:minutes`.
fn create(session: &str, day: u32, hours: u32, minutes: u32) -> RequestBuilder {
    let params = json!({
        "service": "haircut",
        "date": {"year": 2026.0, "month": 12.0, "day": f64::from(day)},
        "time": {"hours": f64::from(hours), "minutes": f64::from(minutes), "seconds": 0.0},
    });
    let mut call = RequestBuilder::new()
        .tag("booking.create")
        .text("book me in")
        .lang("en")
        .session(format!("{AGENT}/sessions/{session}"))
        .response_id(format!("turn-{session}"))
        .page("Book");
    for name in ["service", "date", "time"] {
        call = call
            .form_param(name, ParameterState::Filled, Some(params[name].clone()))
            .form_required(name, true)
            .param(name, params[name].clone());
    }
    call
}

/// The confirmation number and status stored for `session`'s booking, when there is one.
fn stored(path: &PathBuf, session: &str) -> Option<(String, String)> {
    let connection = Connection::open(path).unwrap();
    connection
        .query_row(
            "SELECT confirmation, status FROM bookings WHERE session = ?1",
            [format!("{AGENT}/sessions/{session}")],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .unwrap()
}

/// Holds the write lock of the file at `path` from another connection for `hold`; returns
/// once the lock is taken.
fn hold_write_lock(path: &Path, hold: Duration) -> std::thread::JoinHandle<()> {
    let path = path.to_owned();
    let (locked, taken) = mpsc::channel();
    let holder = std::thread::spawn(move || {
        let connection = Connection::open(&path).unwrap();
        connection.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked.send(()).unwrap();
        std::thread::sleep(hold);
        connection.execute_batch("COMMIT").unwrap();
    });
    taken.recv().unwrap();
    holder
}

#[tokio::test]
async fn a_booking_whose_caller_heard_failed_is_never_stored() {
    const ROUNDS: u32 = 64;
    let dir = tempfile::tempdir().unwrap();
    let config = booking_config(dir.path(), 200);
    let store = Arc::new(SqliteBookingStore::open(&config.database_options()).unwrap());
    let clock = Clock::fixed(NOW.parse().unwrap());
    let client = TestClient::new(
        booking::router_with(
            &config,
            booking::Parts {
                store: store.clone(),
                clock,
                messages: cxhook_integrations::messages::Catalog::shipped(),
            },
        )
        .unwrap(),
    );

    let (mut booked, mut failed) = (0, 0);
    for round in 0..ROUNDS {
        // Tuesday 1 to Friday 4 December, 9:00 to 16:30: a free slot each round.
        let (day, cell) = (1 + round / 16, round % 16);
        let session = format!("race-{round}");
        // The lock is released from 140 to 260 ms after the call, around its 200 ms timeout.
        let hold = Duration::from_millis(140 + u64::from(round * 120 / (ROUNDS - 1)));
        let holder = hold_write_lock(&config.database, hold);
        let reply = answer(&client, create(&session, day, 9 + cell / 2, cell % 2 * 30)).await;
        holder.join().unwrap();
        // A query queued behind the create (one connection) returns once it has ended.
        store_barrier(&store).await;

        let heard = reply
            .param("confirmation_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        match (heard, stored(&config.database, &session)) {
            (Some(heard), Some((confirmation, status))) => {
                assert_eq!(heard, confirmation, "round {round}: {reply}");
                assert_eq!(status, "confirmed", "round {round}");
                assert!(reply.text().starts_with("You're booked"), "{reply}");
                booked += 1;
            }
            (None, None) => {
                assert!(!reply.text().contains("booked"), "round {round}: {reply}");
                failed += 1;
            }
            (heard, stored) => {
                panic!("round {round}: the caller heard {heard:?}, the database holds {stored:?}")
            }
        }
    }
    // Both sides of the race were run.
    assert!(booked > 0 && failed > 0, "{booked} booked, {failed} failed");
}

#[tokio::test]
async fn every_write_whose_caller_gave_up_is_rolled_back() {
    const ROUNDS: u32 = 40;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhook.db");
    let store = accounts_store(path.clone(), 100);
    // A single statement commits on its own: its commit is held to the same rule.
    let mut told_written = 0;
    for round in 0..ROUNDS {
        let hold = Duration::from_millis(70 + u64::from(round * 60 / (ROUNDS - 1)));
        let holder = hold_write_lock(&path, hold);
        let written = store
            .with_connection(|connection| {
                connection.execute(
                    "UPDATE accounts SET balance_minor = balance_minor + 1 WHERE user_id = 'u-1001'",
                    [],
                )
            })
            .await;
        holder.join().unwrap();
        // Past the query timeout the caller's timer or the connection's wait for the lock,
        // whichever ends first, says it failed.
        match written {
            Ok(1) => told_written += 1,
            Err(StoreError::Timeout(_)) => {}
            Err(StoreError::Database(error)) if error.to_string() == "database is locked" => {}
            other => panic!("round {round}: {other:?}"),
        }
        // Queued behind the write (one connection): what the file holds once it ended.
        let stored: i64 = store
            .with_connection(|connection| {
                connection.query_row(
                    "SELECT balance_minor FROM accounts WHERE user_id = 'u-1001'",
                    [],
                    |row| row.get(0),
                )
            })
            .await
            .unwrap();
        assert_eq!(stored, 125_075 + told_written, "round {round}");
    }
    assert!(
        told_written > 0 && told_written < i64::from(ROUNDS),
        "{told_written} of {ROUNDS} written"
    );
}

#[tokio::test]
async fn a_confirmation_the_database_did_not_take_is_told_as_pending() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret-token").unwrap();
    let path = dir.path().join("cxhook.db");
    // The scheduling API books, but the file is write-locked from then until well past the
    // query timeout: the booking cannot be marked confirmed in time.
    let locked = path.clone();
    let app = axum::Router::new().route(
        "/api/appointments",
        axum::routing::post(move || {
            let locked = locked.clone();
            async move {
                drop(hold_write_lock(&locked, Duration::from_millis(600)));
                (
                    http::StatusCode::CREATED,
                    [("content-type", "application/json")],
                    r#"{"id": "apt-1", "status": "confirmed"}"#,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = BookingConfig {
        backend: booking::Backend::External,
        external: booking::ExternalConfig {
            api_url: url,
            token_file: Some(token),
            ..booking::ExternalConfig::default()
        },
        ..booking_config(dir.path(), 200)
    };
    let store = Arc::new(SqliteBookingStore::open(&config.database_options()).unwrap());
    let clock = Clock::fixed(NOW.parse().unwrap());
    let client = TestClient::new(
        booking::router_with(
            &config,
            booking::Parts {
                store: store.clone(),
                clock,
                messages: cxhook_integrations::messages::Catalog::shipped(),
            },
        )
        .unwrap(),
    );

    let reply = answer(&client, create("external", 1, 9, 0)).await;
    assert_eq!(
        reply.param("booking_status"),
        Some(&json!("pending")),
        "{reply}"
    );
    let heard = reply.param("confirmation_id").and_then(Value::as_str);
    tokio::time::sleep(Duration::from_millis(700)).await;
    store_barrier(&store).await;
    let stored = stored(&path, "external").unwrap();
    assert_eq!(
        (Some(stored.0.as_str()), stored.1.as_str()),
        (heard, "pending")
    );
}

/// Waits until the connection thread has finished what it was given before.
async fn store_barrier(store: &SqliteBookingStore) {
    use cxhook_integrations::booking::BookingStore;
    store.pending().await.unwrap();
}

/// The booking tags on the file `config` names, with the ready check `booking::router`
/// registers, on the fixed clock: the webhook (for its readiness) and a client.
fn serve(config: &BookingConfig) -> (Webhook, TestClient) {
    let store = Arc::new(SqliteBookingStore::open(&config.database_options()).unwrap());
    let clock = Clock::fixed(NOW.parse().unwrap());
    let pinged = store.clone();
    let router = booking::router_with(
        config,
        booking::Parts {
            store,
            clock,
            messages: cxhook_integrations::messages::Catalog::shipped(),
        },
    )
    .unwrap()
    .ready_check("booking", move || {
        let store = pinged.clone();
        async move { store.ping().await.map_err(Into::into) }
    });
    (Webhook::new(router.clone()), TestClient::new(router))
}

/// Everything logged at info and above in this test process, from every thread, since the
/// first call (which starts collecting).
fn logs() -> String {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    let logs = LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || LogWriter(writer.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        logs
    });
    String::from_utf8_lossy(&logs.lock().unwrap()).into_owned()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Waits until the last readiness probe's outcome is no longer reused (one second).
async fn after_the_last_probe() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

fn accounts_store(path: PathBuf, query_timeout_ms: u64) -> Arc<SqliteStore> {
    let options = DatabaseOptions {
        connections: 1,
        query_timeout: Duration::from_millis(query_timeout_ms),
        ..DatabaseOptions::new(path)
    };
    Arc::new(SqliteStore::open(&options, true).unwrap())
}

/// The readiness check's failure, as text.
async fn not_ready(store: &SqliteStore) -> String {
    let error = store.ping().await.unwrap_err();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn readiness_fails_while_the_database_is_full_or_write_locked_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhook.db");
    let store = accounts_store(path.clone(), 300);
    store.ping().await.unwrap();
    // The probe leaves nothing behind.
    let probes: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM cxhook_probe", [], |row| row.get(0))
        .unwrap();
    assert_eq!(probes, 0);

    // A full disk: the database may not grow by a page.
    store
        .with_connection(|connection| {
            let pages: i64 = connection.query_row("PRAGMA page_count", [], |row| row.get(0))?;
            connection.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
        })
        .await
        .unwrap();
    after_the_last_probe().await;
    let error = not_ready(&store).await;
    assert!(error.contains("full"), "{error}");
    store
        .with_connection(|connection| {
            connection.query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(()))
        })
        .await
        .unwrap();
    after_the_last_probe().await;
    store.ping().await.unwrap();

    // Write-locked by another process for seconds: no write within the query timeout.
    let holder = hold_write_lock(&path, Duration::from_millis(2500));
    after_the_last_probe().await;
    let error = not_ready(&store).await;
    // The probe gives up at the query timeout: whichever of the caller's timer and the
    // connection's wait for the lock ends first says so.
    assert!(
        error.contains("did not answer within") || error.contains("database is locked"),
        "{error}"
    );
    holder.join().unwrap();
    after_the_last_probe().await;
    store.ping().await.unwrap();
}

#[tokio::test]
async fn a_read_only_database_file_is_not_ready_and_takes_no_booking() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let config = booking_config(dir.path(), 300);
    let (webhook, client) = serve(&config);
    assert_eq!(webhook.readiness().check().await, Ok(()));

    // The header's write version above 2 makes SQLite treat the file as read-only, for
    // every user, root too (file permissions do not stop root). Everything is moved into
    // the main file first, so that the connections read the header from there.
    let admin = Connection::open(&config.database).unwrap();
    admin
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(admin);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&config.database)
        .unwrap();
    file.seek(SeekFrom::Start(18)).unwrap();
    file.write_all(&[3]).unwrap();
    drop(file);

    // SQLite goes on treating the file as read-only on this connection until it is
    // reopened: not ready stays, rightly, as nothing can be written through it.
    after_the_last_probe().await;
    assert_eq!(
        webhook.readiness().check().await,
        Err(vec!["booking".to_owned()])
    );
    let reply = answer(&client, create("read-only", 1, 9, 0)).await;
    assert_eq!(reply.param("confirmation_id"), None, "{reply}");
    assert!(logs().contains("readonly"), "{}", logs());
}

#[tokio::test]
async fn a_deleted_database_file_stops_confirmations_and_readiness() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let config = booking_config(dir.path(), 300);
    let (webhook, client) = serve(&config);
    let reply = answer(&client, create("before", 1, 9, 0)).await;
    assert!(reply.param("confirmation_id").is_some(), "{reply}");
    assert_eq!(webhook.readiness().check().await, Ok(()));

    std::fs::remove_file(&config.database).unwrap();
    // The next booking finds the file gone before it commits.
    let reply = answer(&client, create("after", 1, 10, 0)).await;
    assert_eq!(reply.param("confirmation_id"), None, "{reply}");
    assert!(!reply.text().contains("booked"), "{reply}");
    let logged = logs();
    assert!(
        logged.contains("the database file was removed since it was opened")
            && logged.contains(&config.database.display().to_string()),
        "{logged}"
    );
    after_the_last_probe().await;
    assert_eq!(
        webhook.readiness().check().await,
        Err(vec!["booking".to_owned()])
    );
    // Nor does a call on another slot, or a later one, write anything.
    let reply = answer(&client, create("later", 2, 9, 0)).await;
    assert_eq!(reply.param("confirmation_id"), None, "{reply}");
    assert!(!config.database.exists());
}

#[tokio::test]
async fn a_replaced_database_file_is_not_ready_and_takes_no_write() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhook.db");
    let store = accounts_store(path.clone(), 300);
    store.ping().await.unwrap();

    // A restore moves another database over the path.
    let other = dir.path().join("restored.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    std::fs::rename(&other, &path).unwrap();
    let written = store
        .with_connection(|connection| connection.execute("UPDATE accounts SET holder = 'x'", []))
        .await;
    assert!(matches!(written, Err(StoreError::Replaced)), "{written:?}");
    after_the_last_probe().await;
    let error = not_ready(&store).await;
    assert!(error.contains("removed or replaced"), "{error}");
    assert!(logs().contains("was replaced by another file"));
    // Reads stop too.
    let read = store.account("u-1001").await;
    assert!(matches!(read, Err(StoreError::Replaced)), "{read:?}");
}

#[tokio::test]
async fn a_database_overwritten_with_garbage_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhook.db");
    let store = accounts_store(path.clone(), 300);
    store.ping().await.unwrap();
    let header = std::fs::read(&path).unwrap()[..16].to_vec();

    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.write_all(b"garbage garbage!").unwrap();
    after_the_last_probe().await;
    let error = not_ready(&store).await;
    assert!(error.contains("SQLite header"), "{error}");

    // Put back, it is ready again.
    file.seek(SeekFrom::Start(0)).unwrap();
    file.write_all(&header).unwrap();
    after_the_last_probe().await;
    store.ping().await.unwrap();
}

#[tokio::test]
async fn demo_data_goes_only_into_a_database_this_start_created() {
    logs();
    let dir = tempfile::tempdir().unwrap();

    // A new file: its creation is logged, and it is seeded even when the bookings opened
    // it first.
    let created = dir.path().join("new.db");
    let _booking = booking::router(&BookingConfig {
        database: created.clone(),
        ..BookingConfig::default()
    })
    .unwrap();
    let accounts_config = |path: &Path| AccountsConfig {
        database: path.to_owned(),
        ..AccountsConfig::default()
    };
    let _accounts = accounts::router(&accounts_config(&created)).unwrap();
    assert_eq!(count(&created, "accounts"), 5);
    let logged = logs();
    let line = format!("created a new database at {}", created.display());
    assert_eq!(logged.matches(&line).count(), 1, "{logged}");

    // An existing file without the accounts tables (another program's, or one whose tables
    // were lost) gets the tables, empty, and no creation is logged.
    let existing = dir.path().join("existing.db");
    Connection::open(&existing)
        .unwrap()
        .execute_batch("CREATE TABLE notes (text TEXT)")
        .unwrap();
    let _accounts = accounts::router(&accounts_config(&existing)).unwrap();
    assert_eq!(count(&existing, "accounts"), 0);
    assert!(!logs().contains(&format!("created a new database at {}", existing.display())));
}

fn count(path: &Path, table: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .unwrap()
}
