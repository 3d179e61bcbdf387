//! `cxhook serve` with the accounts and bookings on a real Postgres server, chosen by the
//! URL in their `database`: two instances on one database share the demo accounts and the
//! bookings. Skipped (saying so) without `TEST_POSTGRES_URL`, failing in CI.

use crate::support::{Server, get, keep_for_contract, post, request};

/// A fresh database on the test server, dropped (its connections ended) when this is.
pub(crate) struct Fresh {
    /// Its URL, without the password.
    pub(crate) url: String,
    server: String,
    name: String,
}

impl Drop for Fresh {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = block_on(admin(&self.server, &sql)) {
            eprintln!("could not drop the test database {}: {error}", self.name);
        }
    }
}

pub(crate) fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Runs `sql` on the test server's own database.
async fn admin(server: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let mut config: tokio_postgres::Config = server.parse().unwrap();
    if let Ok(password) = std::env::var("TEST_POSTGRES_PASSWORD") {
        config.password(password);
    }
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    client.batch_execute(sql).await
}

/// A fresh database on the test server. `None` (after saying so) without a server.
pub(crate) fn fresh_database(test: &str) -> Option<Fresh> {
    let server = match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("CI must provide Postgres: TEST_POSTGRES_URL is unset")
        }
        _ => {
            eprintln!(
                "SKIPPED {test}: no Postgres server (TEST_POSTGRES_URL is unset). To run \
                 it: eval \"$(bash scripts/postgres.sh start /tmp/cxhook-pg)\" and run the \
                 tests again"
            );
            return None;
        }
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!("cli_{}_{nanos}", std::process::id());
    block_on(admin(&server, &format!("CREATE DATABASE {name}"))).unwrap();
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base);
    Some(Fresh {
        url: format!("{base}/{name}"),
        server,
        name,
    })
}

#[test]
fn two_instances_on_one_postgres_database_share_accounts_and_bookings() {
    let test = "two_instances_on_one_postgres_database_share_accounts_and_bookings";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let url = &database.url;
    // The server starts with a clean environment: the password goes in by name.
    let password = std::env::var("TEST_POSTGRES_PASSWORD").unwrap_or_default();
    let env = [
        ("TEST_POSTGRES_PASSWORD", password.as_str()),
        ("CXHOOK_ACCOUNTS__DATABASE", url.as_str()),
        ("CXHOOK_BOOKING__DATABASE", url.as_str()),
        (
            "CXHOOK_ACCOUNTS__POSTGRES__PASSWORD_ENV",
            "TEST_POSTGRES_PASSWORD",
        ),
        (
            "CXHOOK_BOOKING__POSTGRES__PASSWORD_ENV",
            "TEST_POSTGRES_PASSWORD",
        ),
    ];
    let first = Server::start(&["--addr", "127.0.0.1:0"], &env);
    let second = Server::start(&["--addr", "127.0.0.1:0"], &env);
    for server in [&first, &second] {
        assert_eq!(get(&server.url("/readyz")).status, 200);
        let mut call = request("account.balance");
        call["sessionInfo"]["parameters"] = serde_json::json!({"user_id": "u-1001"});
        call["languageCode"] = "en-US".into();
        let reply = post(&server.url("/webhook"), &call).json();
        assert_eq!(
            reply["fulfillmentResponse"]["messages"][0]["text"]["text"][0],
            "The balance of account u-1001 is $1,250.75.",
            "{reply}"
        );
    }

    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("America/New_York").unwrap())
        .date();
    let mut day = today.checked_add(jiff::Span::new().days(14)).unwrap();
    while day.weekday() != jiff::civil::Weekday::Tuesday {
        day = day.tomorrow().unwrap();
    }
    let params = serde_json::json!({
        "service": "haircut",
        "date": {"year": day.year(), "month": day.month(), "day": day.day()},
        "time": {"hours": 10, "minutes": 30, "seconds": 0},
    });
    let mut create = request("booking.create");
    create["sessionInfo"]["parameters"] = params.clone();
    let booked = post(&first.url("/webhook"), &create).json();
    let confirmation = &booked["sessionInfo"]["parameters"]["confirmation_id"];
    assert!(
        confirmation
            .as_str()
            .is_some_and(|id| id.starts_with("BK-")),
        "{booked}"
    );
    keep_for_contract(&booked);
    // The same turn retried on the other instance: the same answer.
    assert_eq!(post(&second.url("/webhook"), &create).json(), booked);
    // Another session asking the other instance for that slot: taken.
    let mut other = request("booking.create");
    other["sessionInfo"]["session"] = format!(
        "{}-other",
        create["sessionInfo"]["session"].as_str().unwrap()
    )
    .into();
    other["detectIntentResponseId"] = "another-turn".into();
    other["sessionInfo"]["parameters"] = params;
    let refused = post(&second.url("/webhook"), &other).json();
    assert_eq!(
        refused["sessionInfo"]["parameters"]["confirmation_id"],
        serde_json::Value::Null,
        "{refused}"
    );
    let text = refused["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("taken"), "{refused}");
}
