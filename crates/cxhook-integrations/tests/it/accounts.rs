//! The accounts integration over real SQLite files, called through cxhook's in-process test
//! client, which runs the server's pipeline.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cxhook::types::ParameterState;
use cxhook_integrations::accounts::{
    self, AccountStore, AccountsConfig, DatabaseConfig, DatabaseOptions, SqliteStore,
};
use cxhook_integrations::messages::Catalog;
use cxhook_sim::{RequestBuilder, TestClient};
use rusqlite::Connection;
use serde_json::json;

use crate::support::answer;

const UNAVAILABLE: &str =
    "Sorry, I can't reach your account details right now. Please try again in a moment.";

fn config(dir: &Path) -> AccountsConfig {
    AccountsConfig {
        database: dir.join("accounts.db"),
        ..AccountsConfig::default()
    }
}

fn count_rows(path: &PathBuf, table: &str) -> i64 {
    let connection = Connection::open(path).unwrap();
    connection
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .unwrap()
}

/// A call of `tag` in `language`, from a page without a form.
fn request(tag: &str, language: &str) -> RequestBuilder {
    RequestBuilder::new()
        .tag(tag)
        .text("what's my balance")
        .lang(language)
}

/// A call of `tag` from a page whose form has an empty, required `user_id` parameter.
fn form_request(tag: &str) -> RequestBuilder {
    request(tag, "en-US")
        .page("Account")
        .form_param("user_id", ParameterState::Empty, None)
        .form_required("user_id", true)
}

fn balance(user_id: &str, language: &str) -> RequestBuilder {
    request("account.balance", language).param("user_id", user_id)
}

fn transactions(user_id: &str, language: &str) -> RequestBuilder {
    request("account.transactions", language).param("user_id", user_id)
}

#[tokio::test]
async fn the_first_open_creates_and_seeds_the_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    assert!(!config.database.exists());
    let first = accounts::router(&config).unwrap();
    assert_eq!(
        first.tags().collect::<Vec<_>>(),
        ["account.balance", "account.transactions"]
    );
    let accounts = count_rows(&config.database, "accounts");
    let transactions = count_rows(&config.database, "transactions");
    assert_eq!(accounts, 5);
    assert!(transactions >= 10, "{transactions}");

    drop(first);
    let _second = accounts::router(&config).unwrap();
    let _third = SqliteStore::open(&config.database_options(), true).unwrap();
    assert_eq!(count_rows(&config.database, "accounts"), accounts);
    assert_eq!(count_rows(&config.database, "transactions"), transactions);

    let connection = Connection::open(&config.database).unwrap();
    let mode: String = connection
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn an_emptied_database_is_not_seeded_again() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    drop(accounts::router(&config).unwrap());
    let connection = Connection::open(&config.database).unwrap();
    connection
        .execute_batch("DELETE FROM transactions; DELETE FROM accounts;")
        .unwrap();
    drop(accounts::router(&config).unwrap());
    assert_eq!(count_rows(&config.database, "accounts"), 0);
}

#[tokio::test]
async fn balance_of_a_seeded_user() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(accounts::router(&config(dir.path())).unwrap());

    let reply = answer(&client, balance("u-1001", "en-US")).await;
    reply.assert_text("The balance of account u-1001 is $1,250.75.");
    assert_eq!(
        reply.json()["sessionInfo"]["parameters"],
        json!({
            "account_found": true,
            "balance": "$1,250.75",
            "balance_minor": 125075,
            "currency": "USD"
        })
    );

    answer(&client, balance("u-1003", "de-DE"))
        .await
        .assert_param("balance", "12.500,75\u{a0}€");
    answer(&client, balance("u-1003", "fr"))
        .await
        .assert_param("balance", "12\u{202f}500,75\u{a0}€");
    answer(&client, balance("u-1002", "en-GB"))
        .await
        .assert_param("balance", "£3,842.10")
        .assert_param("currency", "GBP");
}

#[tokio::test]
async fn transactions_of_a_seeded_user() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(accounts::router(&config(dir.path())).unwrap());

    // The seeded transactions are dated 1, 2 and 3 days ago.
    let ago = |days: i64| {
        jiff::Zoned::now()
            .with_time_zone(jiff::tz::TimeZone::UTC)
            .date()
            .checked_sub(jiff::Span::new().days(days))
            .unwrap()
    };
    let us = |date: jiff::civil::Date| date.strftime("%B %-d").to_string();
    let reply = answer(&client, transactions("u-1001", "en-US")).await;
    reply.assert_text(&format!(
        "The last 3 transactions on account u-1001: Coffee Corner for -$4.50 on {}, \
         Salary for +$3,200.00 on {} and Grocery Market for -$86.32 on {}.",
        us(ago(1)),
        us(ago(2)),
        us(ago(3)),
    ));
    assert_eq!(
        reply.json()["sessionInfo"]["parameters"],
        json!({"account_found": true, "transaction_count": 3})
    );

    let reply = answer(&client, transactions("u-1001", "en-GB").param("count", 2.0)).await;
    reply.assert_text(&format!(
        "The last 2 transactions on account u-1001: Coffee Corner for -US$4.50 on {} \
         and Salary for +US$3,200.00 on {}.",
        ago(1).strftime("%-d %B"),
        ago(2).strftime("%-d %B"),
    ));

    let reply = answer(&client, transactions("u-1001", "de").param("count", 1.0)).await;
    let text = reply.text();
    let item = text
        .strip_prefix("Der letzte Umsatz auf dem Konto u-1001: Coffee Corner über -4,50\u{a0}$ am ")
        .unwrap_or_else(|| panic!("{text}"));
    let (day, month) = item.trim_end_matches('.').split_once(". ").unwrap();
    assert_eq!(day, ago(1).day().to_string(), "{text}");
    assert!(
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember"
        ]
        .contains(&month.strip_suffix('.').unwrap_or(month)),
        "{text}"
    );
}

#[tokio::test]
async fn replies_are_in_the_language_of_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(accounts::router(&config(dir.path())).unwrap());

    for (language, text) in [
        (
            "de-AT",
            "Der Kontostand von Konto u-1003 beträgt 12.500,75\u{a0}€.",
        ),
        (
            "fr-FR",
            "Le solde du compte u-1003 est de 12\u{202f}500,75\u{a0}€.",
        ),
        ("es", "El saldo de la cuenta u-1003 es de 12.500,75\u{a0}€."),
        ("en-GB", "The balance of account u-1003 is €12,500.75."),
        ("it", "The balance of account u-1003 is EUR 12,500.75."),
    ] {
        answer(&client, balance("u-1003", language))
            .await
            .assert_text(text);
    }
    answer(&client, balance("u-9999", "de")).await.assert_text(
        "Ich habe kein Konto mit der Benutzerkennung u-9999 gefunden. \
             Bitte prüfen Sie die Kennung und nennen Sie sie mir noch einmal.",
    );
    answer(&client, request("account.transactions", "es"))
        .await
        .assert_text("¿De qué cuenta se trata? Dígame su identificador de usuario, por favor.");
    let reply = answer(&client, transactions("u-1001", "fr").param("count", 2.0)).await;
    let text = reply.text();
    assert!(
        text.starts_with(
            "Les 2 dernières opérations sur le compte u-1001\u{202f}: \
             Coffee Corner de -4,50\u{a0}$US le "
        ),
        "{text}"
    );
    assert!(
        text.contains(" et Salary de +3\u{202f}200,00\u{a0}$US le "),
        "{text}"
    );
    assert!(!text.contains('\n'), "one sentence: {text}");
}

#[tokio::test]
async fn the_count_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let router = accounts::router(&config).unwrap();
    let connection = Connection::open(&config.database).unwrap();
    for i in 0..15 {
        connection
            .execute(
                "INSERT INTO transactions (user_id, booked_on, description, amount_minor) \
                 VALUES ('u-1002', '2001-01-01', ?1, -100)",
                [format!("Old purchase {i}")],
            )
            .unwrap();
    }
    let client = TestClient::new(router);
    for (count, listed) in [
        (json!(50), 10),
        (json!("12"), 10),
        (json!(4.0), 4),
        (json!("4"), 4),
        (json!("Two"), 2),
        (json!(null), 3),
    ] {
        let reply = answer(
            &client,
            transactions("u-1002", "en-GB").param("count", count.clone()),
        )
        .await;
        assert_eq!(
            reply.param("transaction_count"),
            Some(&json!(listed)),
            "count {count}"
        );
        assert_eq!(
            reply.text().matches(" for ").count(),
            listed,
            "count {count}: {reply}"
        );
        let capped = "I can list at most 10 transactions at a time. The last 10 transactions";
        assert_eq!(
            reply.text().starts_with(capped),
            listed == 10,
            "count {count}: {reply}"
        );
    }

    let small = AccountsConfig {
        max_transactions: 2,
        ..config.clone()
    };
    let client = TestClient::new(accounts::router(&small).unwrap());
    answer(&client, transactions("u-1002", "en").param("count", 5))
        .await
        .assert_param("transaction_count", 2)
        .assert_text_contains("I can list at most 2 transactions at a time.");
    // The default is capped too, without a word: nobody asked for more.
    let reply = answer(&client, transactions("u-1002", "en")).await;
    assert!(
        reply.text().starts_with("The last 2 transactions"),
        "{reply}"
    );
}

#[tokio::test]
async fn a_count_that_is_no_count_is_asked_for_again() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(accounts::router(&config(dir.path())).unwrap());
    for (count, text) in [
        (
            json!(0),
            "I can't list 0 transactions. How many would you like, from 1 to 10?",
        ),
        (
            json!(-3),
            "I can't list -3 transactions. How many would you like, from 1 to 10?",
        ),
        (
            json!(2.5),
            "I can't list 2.5 transactions. How many would you like, from 1 to 10?",
        ),
        (
            json!("-3"),
            "I can't list -3 transactions. How many would you like, from 1 to 10?",
        ),
        (
            json!("lots"),
            "I didn't understand \"lots\" as a number. \
             How many transactions would you like, from 1 to 10?",
        ),
        (
            json!("twenty-two"),
            "I didn't understand \"twenty-two\" as a number. \
             How many transactions would you like, from 1 to 10?",
        ),
    ] {
        // Outside a form: said, and nothing listed.
        let reply = answer(
            &client,
            transactions("u-1001", "en-US").param("count", count.clone()),
        )
        .await;
        reply.assert_text(text);
        assert_eq!(reply.params().len(), 0, "count {count}: {reply}");

        // In a form that collects the count: said, and the parameter marked invalid.
        let reply = answer(
            &client,
            transactions("u-1001", "en-US")
                .page("Transactions")
                .form_param("count", ParameterState::Filled, Some(count.clone()))
                .param("count", count.clone()),
        )
        .await;
        reply.assert_text(text);
        assert_eq!(reply.invalidated(), ["count"], "count {count}: {reply}");
        assert_eq!(
            reply.json()["sessionInfo"]["parameters"],
            json!({"count": null}),
            "count {count}: {reply}"
        );
    }
}

#[tokio::test]
async fn an_unknown_user_is_told_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(accounts::router(&config(dir.path())).unwrap());

    let reply = answer(&client, balance("u-9999", "en-US")).await;
    assert!(
        reply
            .text()
            .starts_with("I couldn't find an account with the user ID u-9999."),
        "{reply}"
    );
    assert_eq!(
        reply.json()["sessionInfo"]["parameters"],
        json!({
            "account_found": false,
            "balance": null,
            "balance_minor": null,
            "currency": null
        })
    );
    assert!(reply.response().page_info.is_none(), "{reply}");

    answer(&client, transactions("u-9999", "en-US"))
        .await
        .assert_param("account_found", false);

    answer(
        &client,
        form_request("account.balance").param("user_id", "nobody"),
    )
    .await
    .assert_param("account_found", false)
    .assert_invalidated(&["user_id"]);
}

#[tokio::test]
async fn a_missing_user_id_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(accounts::router(&config(dir.path())).unwrap());

    for tag in ["account.balance", "account.transactions"] {
        for user_id in [None, Some(json!("  ")), Some(json!(null))] {
            let request = match &user_id {
                Some(value) => request(tag, "en-US").param("user_id", value.clone()),
                None => request(tag, "en-US"),
            };
            let reply = answer(&client, request).await;
            assert_eq!(
                reply.text(),
                "Which account do you mean? Please tell me your user ID.",
                "{tag} {user_id:?}"
            );
            assert!(reply.response().session_info.is_none(), "{reply}");
        }

        let reply = answer(&client, form_request(tag)).await;
        assert_eq!(
            reply.json()["pageInfo"]["formInfo"]["parameterInfo"],
            json!([{"displayName": "user_id", "required": true, "state": "INVALID"}]),
            "{reply}"
        );
        assert!(reply.response().fulfillment_response.is_none(), "{reply}");
    }
}

#[tokio::test]
async fn a_writer_holding_an_exclusive_lock_does_not_block_reads() {
    let dir = tempfile::tempdir().unwrap();
    let config = AccountsConfig {
        query_timeout_ms: 300,
        ..config(dir.path())
    };
    let client = TestClient::new(accounts::router(&config).unwrap());
    let locker = Connection::open(&config.database).unwrap();
    locker
        .execute_batch(
            "BEGIN EXCLUSIVE; \
             UPDATE accounts SET balance_minor = 0 WHERE user_id = 'u-1001';",
        )
        .unwrap();
    // WAL: readers see the last commit while a writer holds the lock.
    answer(&client, balance("u-1001", "en-US"))
        .await
        .assert_text("The balance of account u-1001 is $1,250.75.");
    locker.execute_batch("COMMIT").unwrap();
    answer(&client, balance("u-1001", "en-US"))
        .await
        .assert_text("The balance of account u-1001 is $0.00.");
}

#[tokio::test]
async fn a_database_that_does_not_answer_in_time_gets_a_safe_sentence_then_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let config = AccountsConfig {
        query_timeout_ms: 300,
        connections: 1,
        ..config(dir.path())
    };
    let store = Arc::new(SqliteStore::open(&config.database_options(), true).unwrap());
    let client = TestClient::new(
        accounts::router_with(
            &config,
            accounts::Parts {
                store: store.clone(),
                messages: Catalog::shipped(),
            },
        )
        .unwrap(),
    );
    // Answered while the file is as it was created.
    answer(&client, balance("u-1001", "en-US"))
        .await
        .assert_text("The balance of account u-1001 is $1,250.75.");

    // The accounts become a view that takes SQLite seconds to compute: each lookup runs past
    // the query timeout and is interrupted.
    let admin = Connection::open(&config.database).unwrap();
    admin
        .execute_batch(
            "ALTER TABLE accounts RENAME TO accounts_data; \
             CREATE VIEW accounts AS SELECT * FROM accounts_data WHERE ( \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
                 WHERE i < 1000000000) SELECT count(*) FROM n) > 0;",
        )
        .unwrap();
    for tag in ["account.balance", "account.transactions"] {
        let started = Instant::now();
        let reply = answer(&client, request(tag, "en-US").param("user_id", "u-1001")).await;
        let elapsed = started.elapsed();
        reply.assert_text(UNAVAILABLE);
        assert!(reply.response().session_info.is_none(), "{reply}");
        assert!(
            elapsed >= Duration::from_millis(290) && elapsed < Duration::from_millis(1200),
            "answered after {elapsed:?}"
        );
    }

    // The table is back; the next call is answered.
    admin
        .execute_batch("DROP VIEW accounts; ALTER TABLE accounts_data RENAME TO accounts;")
        .unwrap();
    answer(&client, balance("u-1001", "en-US"))
        .await
        .assert_text("The balance of account u-1001 is $1,250.75.");
}

#[tokio::test]
async fn a_read_past_the_query_timeout_is_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let config = AccountsConfig {
        query_timeout_ms: 200,
        ..config(dir.path())
    };
    let store = SqliteStore::open(&config.database_options(), true).unwrap();
    let started = Instant::now();
    // Counting to a billion takes SQLite far longer than 200 ms.
    let result = store
        .read(|connection| {
            connection
                .query_row(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
                     WHERE i < 1000000000) SELECT count(*) FROM n",
                    [],
                    |row| row.get::<_, i64>(0),
                )
                .map_err(|e| accounts::StoreError::Database(Box::new(e)))
        })
        .await;
    assert!(
        matches!(result, Err(accounts::StoreError::Timeout(_))),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The connection is fine afterwards.
    let one = store
        .read(|connection| {
            connection
                .query_row("SELECT 1", [], |row| row.get::<_, i64>(0))
                .map_err(|e| accounts::StoreError::Database(Box::new(e)))
        })
        .await;
    assert_eq!(one.unwrap(), 1);
}

#[tokio::test]
async fn reads_run_on_the_callers_thread_and_writes_on_the_connection_threads() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&config(dir.path()).database_options(), true).unwrap();
    let caller = std::thread::current().id();
    let read_on = store
        .read(|_| Ok(std::thread::current().id()))
        .await
        .unwrap();
    assert_eq!(read_on, caller);
    let written_on = store
        .with_connection(|connection| {
            connection.execute("UPDATE accounts SET holder = holder", [])?;
            Ok(std::thread::current().id())
        })
        .await
        .unwrap();
    assert_ne!(written_on, caller);
    // A read connection refuses to write.
    let refused = store
        .read(|connection| {
            connection
                .execute("UPDATE accounts SET holder = holder", [])
                .map_err(|e| accounts::StoreError::Database(Box::new(e)))
        })
        .await;
    assert!(
        matches!(refused, Err(accounts::StoreError::Database(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_database_locked_at_start_up_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = AccountsConfig {
        query_timeout_ms: 200,
        ..config(dir.path())
    };
    drop(SqliteStore::open(&config.database_options(), true).unwrap());
    // The store's threads close their connections once it is dropped.
    let locker = Connection::open(&config.database).unwrap();
    locker.busy_timeout(Duration::from_secs(5)).unwrap();
    locker
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; \
             UPDATE accounts SET balance_minor = 0;",
        )
        .unwrap();
    let started = Instant::now();
    let error = accounts::router(&config).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot open the SQLite database"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    locker.execute_batch("ROLLBACK").unwrap();
    drop(locker);
    let client = TestClient::new(accounts::router(&config).unwrap());
    answer(&client, balance("u-1001", "en-US"))
        .await
        .assert_text("The balance of account u-1001 is $1,250.75.");
}

#[tokio::test]
async fn the_store_answers_directly() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = DatabaseOptions::new(dir.path().join("direct.db"));
    options.connections = 1;
    let store = SqliteStore::open(&options, true).unwrap();
    let account = store.account("u-1004").await.unwrap().unwrap();
    assert_eq!(account.holder, "Grace Hopper");
    assert_eq!(account.balance.format("en-US"), "$43.00");
    assert_eq!(store.account("u-0").await.unwrap(), None);
    let transactions = store.transactions("u-1004", 10).await.unwrap().unwrap();
    assert_eq!(transactions.len(), 2);
    assert_eq!(store.transactions("u-0", 10).await.unwrap(), None);

    let unseeded = DatabaseOptions::new(dir.path().join("empty.db"));
    let store = SqliteStore::open(&unseeded, false).unwrap();
    assert_eq!(store.account("u-1001").await.unwrap(), None);
}

#[test]
fn a_disabled_integration_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = AccountsConfig {
        enabled: false,
        ..config(dir.path())
    };
    let router = accounts::router(&config).unwrap();
    assert_eq!(router.tags().count(), 0);
    assert!(!config.database.exists());
}

#[test]
fn bad_configurations_and_paths_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let base = config(dir.path());
    let cases = [
        (
            AccountsConfig {
                connections: 0,
                ..base.clone()
            },
            "`connections`: must be at least 1",
        ),
        (
            AccountsConfig {
                tags: accounts::AccountTags {
                    balance: "same".to_owned(),
                    transactions: "same".to_owned(),
                },
                ..base.clone()
            },
            "`tags.transactions`: must differ from tags.balance",
        ),
        (
            AccountsConfig {
                database: dir.path().to_owned(),
                ..base.clone()
            },
            "cannot open the SQLite database",
        ),
        (
            AccountsConfig {
                database: dir.path().join("missing").join("x.db"),
                ..base.clone()
            },
            "cannot open the SQLite database",
        ),
    ];
    for (config, start) in cases {
        let error = accounts::router(&config).unwrap_err().to_string();
        assert!(error.starts_with(start), "{error}");
    }

    let error = serde_json::from_value::<AccountsConfig>(json!({"databse": "x.db"}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown field `databse`"), "{error}");
}

#[tokio::test]
async fn readiness_fails_while_the_migrations_are_missing() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let webhook = cxhook::server::Webhook::new(accounts::router(&config).unwrap());
    assert_eq!(webhook.readiness().check().await, Ok(()));

    let connection = Connection::open(&config.database).unwrap();
    connection
        .execute(
            "DELETE FROM cxhook_migrations WHERE component = 'accounts'",
            [],
        )
        .unwrap();
    // A probe's outcome is reused for a second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        webhook.readiness().check().await,
        Err(vec!["accounts".to_owned()])
    );

    webhook.readiness().set(false);
    assert_eq!(
        webhook.readiness().check().await,
        Err(vec!["draining".to_owned()])
    );
}

#[tokio::test]
async fn the_forms_user_id_wins_over_the_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let client = TestClient::new(accounts::router(&config(dir.path())).unwrap());
    let call = balance("u-1002", "en-US").page("Account").form_param(
        "user_id",
        ParameterState::Filled,
        Some(json!("u-1001")),
    );
    answer(&client, call)
        .await
        .assert_text("The balance of account u-1001 is $1,250.75.");
    // A form parameter without a value leaves the session's.
    answer(
        &client,
        form_request("account.balance").param("user_id", "u-1001"),
    )
    .await
    .assert_text("The balance of account u-1001 is $1,250.75.");
}
