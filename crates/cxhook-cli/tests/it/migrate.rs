//! `cxhook migrate`, and `cxhook serve --no-migrate` waiting for it: a release job applies
//! the migrations, instances that do not migrate report the schema behind on `/readyz`
//! until then.

use std::time::Duration;

use crate::postgres::fresh_database;
use crate::support::{Server, cxhook, get, post, request, run};

#[test]
fn migrate_creates_the_embedded_database_and_says_what_it_applied() {
    let dir = tempfile::tempdir().unwrap();
    let migrate = || {
        let mut command = cxhook();
        command.arg("migrate").current_dir(dir.path());
        run(command, "")
    };
    let first = migrate();
    assert_eq!(first.code, Some(0), "{first:?}");
    assert_eq!(
        first.stdout,
        "accounts (cxhook.db): accounts version 0 → 1, with the demo accounts\n\
         booking (cxhook.db): booking version 0 → 2\n\
         memory (cxhook.db): memory version 0 → 1\n"
    );
    let again = migrate();
    assert_eq!(again.code, Some(0), "{again:?}");
    assert_eq!(
        again.stdout,
        "accounts (cxhook.db): up to date\nbooking (cxhook.db): up to date\n\
         memory (cxhook.db): up to date\n"
    );
}

#[test]
fn serve_without_migrating_is_not_ready_until_cxhook_migrate_runs() {
    let test = "serve_without_migrating_is_not_ready_until_cxhook_migrate_runs";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let url = database.url.as_str();
    let password = std::env::var("TEST_POSTGRES_PASSWORD").unwrap_or_default();
    let env = [
        ("TEST_POSTGRES_PASSWORD", password.as_str()),
        ("CXHOOK_ACCOUNTS__DATABASE", url),
        ("CXHOOK_BOOKING__DATABASE", url),
        ("CXHOOK_MEMORY__DATABASE", url),
        (
            "CXHOOK_MEMORY__POSTGRES__PASSWORD_ENV",
            "TEST_POSTGRES_PASSWORD",
        ),
        (
            "CXHOOK_ACCOUNTS__POSTGRES__PASSWORD_ENV",
            "TEST_POSTGRES_PASSWORD",
        ),
        (
            "CXHOOK_BOOKING__POSTGRES__PASSWORD_ENV",
            "TEST_POSTGRES_PASSWORD",
        ),
    ];
    // One store told by the flag, the other by its key: neither migrates.
    let server = Server::start(
        &["--addr", "127.0.0.1:0", "--no-migrate"],
        &[
            env.as_slice(),
            &[("CXHOOK_BOOKING__POSTGRES__MIGRATE", "false")],
        ]
        .concat(),
    );
    let readyz = get(&server.url("/readyz"));
    assert_eq!(readyz.status, 503, "{}", readyz.body);
    let body = readyz.json();
    assert_eq!(body["failed"], serde_json::json!(["accounts", "booking"]));
    assert_eq!(
        body["reasons"]["accounts"],
        "the accounts schema is at version 0, this program needs version 1 (apply the \
         migrations: cxhook migrate)"
    );
    assert_eq!(
        body["reasons"]["booking"],
        "the booking schema is at version 0, this program needs version 2 (apply the \
         migrations: cxhook migrate)"
    );
    let balance = || {
        let mut call = request("account.balance");
        call["sessionInfo"]["parameters"] = serde_json::json!({"user_id": "u-1001"});
        call["languageCode"] = "en-US".into();
        let reply = post(&server.url("/webhook"), &call);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    // A call answers with the fallback text; the reason is in the log.
    assert!(!balance().contains("u-1001"));

    let migrate = || {
        let mut command = cxhook();
        command.arg("migrate").envs(env);
        run(command, "")
    };
    let migrated = migrate();
    assert_eq!(migrated.code, Some(0), "{migrated:?}");
    assert_eq!(
        migrated.stdout,
        format!(
            "accounts ({url}): accounts version 0 → 1, with the demo accounts\n\
             booking ({url}): booking version 0 → 2\n\
             memory ({url}): memory version 0 → 1\n"
        )
    );
    // The password was read from the variable it names and shows nowhere.
    assert!(!password.is_empty() && !migrated.stdout.contains(&password));
    assert!(!migrated.stderr.contains(&password));

    // Ready once the last probe (reused for a second) is old, and serving the demo data.
    std::thread::sleep(Duration::from_millis(1100));
    let readyz = get(&server.url("/readyz"));
    assert_eq!(readyz.status, 200, "{}", readyz.body);
    assert_eq!(balance(), "The balance of account u-1001 is $1,250.75.");
    let stderr = server.stderr();
    assert!(
        stderr.contains("the accounts schema is at version 0"),
        "{stderr}"
    );
    assert!(!stderr.contains(&password), "{stderr}");

    let again = migrate();
    assert_eq!(
        again.stdout,
        format!(
            "accounts ({url}): up to date\nbooking ({url}): up to date\n\
             memory ({url}): up to date\n"
        )
    );
}
