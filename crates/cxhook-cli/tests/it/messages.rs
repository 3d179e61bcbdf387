//! Message catalogs through the server: `[messages] dir` rewords a message and adds a
//! language, a broken override file stops `serve` with its file and line, and
//! `cxhook messages export` writes the shipped catalogs.

use serde_json::Value;

use crate::support::{Server, cxhook, keep_for_contract, post, request, run};

/// The balance of u-1001 asked in `language`, and the reply's text.
fn balance(server: &Server, language: &str) -> String {
    let mut call = request("account.balance");
    call["sessionInfo"]["parameters"] = serde_json::json!({"user_id": "u-1001"});
    call["languageCode"] = language.into();
    let answer = post(&server.url("/webhook"), &call);
    assert_eq!(answer.status, 200, "{answer:?}");
    let reply: Value = answer.json();
    keep_for_contract(&reply);
    reply["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no text: {reply}"))
        .to_owned()
}

#[test]
fn an_override_directory_rewords_a_message_and_adds_italian_through_the_server() {
    let work = tempfile::tempdir().unwrap();
    let messages = work.path().join("messages");
    std::fs::create_dir(&messages).unwrap();
    std::fs::write(
        messages.join("de.ftl"),
        "# Unser Ton: kurz und persönlich.\n\
         account-balance = Auf Ihrem Konto { $user_id } sind { $balance }.\n",
    )
    .unwrap();
    std::fs::write(
        messages.join("it.ftl"),
        "account-balance = Il saldo del conto { $user_id } è di { $balance }.\n",
    )
    .unwrap();
    let server = Server::start_in(
        work.path(),
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_MESSAGES__DIR", "messages")],
    );

    assert_eq!(
        balance(&server, "de-AT"),
        "Auf Ihrem Konto u-1001 sind 1.250,75\u{a0}$."
    );
    let italian = balance(&server, "it-IT");
    assert!(
        italian.starts_with("Il saldo del conto u-1001 è di ") && italian.contains("1"),
        "{italian}"
    );
    // What the override does not reword keeps its shipped wording.
    assert_eq!(
        balance(&server, "en-US"),
        "The balance of account u-1001 is $1,250.75."
    );
    let french = balance(&server, "fr");
    assert!(
        french.starts_with("Le solde du compte u-1001 est de "),
        "{french}"
    );
}

#[test]
fn a_broken_override_stops_serve_naming_its_file_and_line() {
    let cases = [
        (
            "de.ftl",
            "# Kein solcher Satz.\n\nkonto-stand = Ihr Kontostand: { $balance }.\n",
            ":3: `konto-stand` is not a message of the shipped catalog",
        ),
        (
            "fr.ftl",
            "account-balance = Le solde de { $compte } est de { $balance }.\n",
            ":1: `$compte` is not an argument of `account-balance`",
        ),
        (
            "es.ftl",
            "weather-which-place = ¿Qué ciudad?\naccount-balance = { $balance\n",
            ":2: not valid Fluent",
        ),
    ];
    for (file, source, problem) in cases {
        let work = tempfile::tempdir().unwrap();
        std::fs::write(work.path().join(file), source).unwrap();
        let mut command = cxhook();
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .current_dir(work.path())
            .env("CXHOOK_MESSAGES__DIR", work.path());
        let run = run(command, "");
        assert_eq!(run.code, Some(2), "{run:?}");
        let named = format!("{}{problem}", work.path().join(file).display());
        assert!(
            run.stderr
                .starts_with("cxhook: config error: `messages.dir`"),
            "{run:?}"
        );
        assert!(run.stderr.contains(&named), "{file}: {run:?}");
        assert!(run.stdout.is_empty(), "it never listened: {run:?}");
    }
}
