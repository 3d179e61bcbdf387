//! `cxhook db copy`: an embedded database, populated by the stores, copied to Postgres with
//! equal rows and counts; run twice, the same; onto other data, an error and nothing merged.

use std::path::Path;
use std::sync::Arc;

use cxhook_integrations::accounts::{SqliteStore, rusqlite};
use cxhook_integrations::booking::jiff::{Timestamp, ToSpan};
use cxhook_integrations::booking::{
    BookingStore, Created, NewBooking, PostgresBookingStore, SqliteBookingStore, Status,
};
use cxhook_integrations::database::PostgresConfig;
use cxhook_integrations::postgres::Options;
use cxhook_integrations::sqlite::DatabaseOptions;

use crate::postgres::{block_on, fresh_database};
use crate::support::{Run, cxhook, run};

/// The tables cxhook keeps data in.
const TABLES: [&str; 4] = ["accounts", "transactions", "bookings", "booking_slots"];

/// A booking of `session` at `start` plus `n` half hours.
fn booking(session: &str, n: i64, status: Status) -> NewBooking {
    let start: Timestamp = "2030-12-03T14:00:00Z".parse().unwrap();
    let start = start + (30 * n).minutes();
    NewBooking {
        turn_key: Some(format!("{session}#turn-{n}#booking.create")),
        session: session.to_owned(),
        service: "haircut".to_owned(),
        resource: "haircut".to_owned(),
        start,
        end: start + 30.minutes(),
        cells: vec![start],
        status,
        idempotency_key: format!("key-{session}-{n}"),
        created_at: "2030-11-30T15:00:00Z".parse().unwrap(),
    }
}

/// A SQLite database with the demo accounts and 40 bookings: confirmed, pending (one
/// claimed), cancelled (its slot freed).
fn populated(path: &Path) {
    drop(SqliteStore::open(&DatabaseOptions::new(path), true).unwrap());
    let store = SqliteBookingStore::open(&DatabaseOptions::new(path)).unwrap();
    block_on(async {
        for n in 0..40 {
            let status = if n % 4 == 0 {
                Status::Pending
            } else {
                Status::Confirmed
            };
            let Created::New(made) = store.create(booking("s-1", n, status)).await.unwrap() else {
                panic!("slot {n} was free");
            };
            if n % 5 == 1 {
                store.release(made.id, Status::Cancelled).await.unwrap();
            }
        }
        store
            .claim_pending(std::time::Duration::from_secs(60), 1)
            .await
            .unwrap();
    });
}

/// Every row of `table` on either side, each value as text, sorted.
fn sqlite_rows(path: &Path, table: &str) -> Vec<Vec<Option<String>>> {
    let connection = rusqlite::Connection::open(path).unwrap();
    let mut statement = connection
        .prepare(&format!("SELECT * FROM {table}"))
        .unwrap();
    let columns = statement.column_count();
    let mut rows: Vec<Vec<Option<String>>> = statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                        rusqlite::types::ValueRef::Text(text) => {
                            Some(String::from_utf8(text.to_vec()).unwrap())
                        }
                        other => panic!("{other:?}"),
                    })
                })
                .collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    rows
}

async fn postgres_client(url: &str) -> tokio_postgres::Client {
    let mut config: tokio_postgres::Config = url.parse().unwrap();
    config.password(std::env::var("TEST_POSTGRES_PASSWORD").unwrap_or_default());
    let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// The rows of `table` on the server, in the columns of the SQLite table, as text.
fn postgres_rows(url: &str, path: &Path, table: &str) -> Vec<Vec<Option<String>>> {
    let connection = rusqlite::Connection::open(path).unwrap();
    let columns: Vec<String> = connection
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let list: Vec<String> = columns.iter().map(|c| format!("{c}::text")).collect();
    block_on(async {
        let client = postgres_client(url).await;
        let mut rows: Vec<Vec<Option<String>>> = client
            .query(&format!("SELECT {} FROM {table}", list.join(", ")), &[])
            .await
            .unwrap()
            .iter()
            .map(|row| (0..columns.len()).map(|i| row.get(i)).collect())
            .collect();
        rows.sort();
        rows
    })
}

fn copy(from: &Path, to: &str) -> Run {
    let mut command = cxhook();
    command.args(["db", "copy", "--from"]).arg(from).args([
        "--to",
        to,
        "--password-env",
        "TEST_POSTGRES_PASSWORD",
    ]);
    run(command, "")
}

#[test]
fn an_embedded_database_is_copied_to_postgres_with_equal_rows_once_however_often_run() {
    let test = "an_embedded_database_is_copied_to_postgres_with_equal_rows_once_however_often_run";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let url = database.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhook.db");
    populated(&path);

    let first = copy(&path, url);
    assert_eq!(first.code, Some(0), "{first:?}");
    let counts: Vec<usize> = TABLES.iter().map(|t| sqlite_rows(&path, t).len()).collect();
    assert_eq!(counts, [5, 16, 40, 32], "{}", first.stdout);
    for (table, count) in TABLES.iter().zip(&counts) {
        assert!(
            first.stdout.contains(&format!(
                "{table}: {count} rows copied; source {count} rows, target {count} rows: equal"
            )),
            "{}",
            first.stdout
        );
        assert_eq!(
            postgres_rows(url, &path, table),
            sqlite_rows(&path, table),
            "{table}"
        );
    }

    // Again: nothing copied twice, the same rows.
    let second = copy(&path, url);
    assert_eq!(second.code, Some(0), "{second:?}");
    for (table, count) in TABLES.iter().zip(&counts) {
        assert!(
            second.stdout.contains(&format!(
                "{table}: 0 rows copied; source {count} rows, target {count} rows: equal"
            )),
            "{}",
            second.stdout
        );
        assert_eq!(postgres_rows(url, &path, table), sqlite_rows(&path, table));
    }

    // The server goes on from there: a new booking gets an ID past the copied ones.
    let postgres = PostgresConfig {
        password_env: "TEST_POSTGRES_PASSWORD".to_owned(),
        ..PostgresConfig::default()
    };
    let options =
        Options::new(Path::new(url), &postgres, std::time::Duration::from_secs(5)).unwrap();
    let store = Arc::new(PostgresBookingStore::open(&options).unwrap());
    let Created::New(made) =
        block_on(store.create(booking("s-2", 100, Status::Confirmed))).unwrap()
    else {
        panic!("the slot was free");
    };
    assert_eq!(made.id, 41);
}

#[test]
fn a_target_holding_other_data_is_an_error_and_nothing_is_merged() {
    let test = "a_target_holding_other_data_is_an_error_and_nothing_is_merged";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let url = database.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhook.db");
    populated(&path);
    assert_eq!(copy(&path, url).code, Some(0));
    // The target's copy of a booking changed since (or another source copied before).
    block_on(async {
        postgres_client(url)
            .await
            .batch_execute("UPDATE bookings SET status = 'cancelled' WHERE id = 3")
            .await
            .unwrap();
    });
    let refused = copy(&path, url);
    assert_eq!(refused.code, Some(2), "{refused:?}");
    assert!(
        refused.stdout.contains(
            "bookings: not copied; source 40 rows, target 40 rows: a row with the same key \
             holds other values (id = 3)"
        ),
        "{}",
        refused.stdout
    );
    assert!(
        refused
            .stderr
            .contains("the target holds other data in bookings"),
        "{}",
        refused.stderr
    );
    let status: String = block_on(async {
        postgres_client(url)
            .await
            .query_one("SELECT status FROM bookings WHERE id = 3", &[])
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(status, "cancelled");

    // A password in the command line's URL is refused, and not repeated.
    let with_password = url.replacen("://cxhook@", "://cxhook:s3cret-pw@", 1);
    let refused = copy(&path, &with_password);
    assert_eq!(refused.code, Some(2), "{refused:?}");
    assert!(
        refused.stderr.contains("--to holds a password"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("s3cret-pw"), "{}", refused.stderr);
}
