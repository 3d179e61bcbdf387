//! Message catalogs through the server: `[messages] dir` rewords a message and adds a
//! language, a broken override file stops `serve` with its file and line, `cxhook messages
//! export` writes the shipped catalogs, an unknown tag is answered in the caller's language,
//! and no German, French or Spanish reply of the repo's scenarios holds an English sentence.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{Server, cxhook, cxhook_run, keep_for_contract, post, request, run};

/// The reply's text to a call of `tag` with these session parameters, in `language`.
fn say(server: &Server, tag: &str, params: Value, language: &str) -> String {
    let mut call = request(tag);
    call["sessionInfo"]["parameters"] = params;
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

/// The balance of u-1001 asked in `language`, and the reply's text.
fn balance(server: &Server, language: &str) -> String {
    say(
        server,
        "account.balance",
        json!({"user_id": "u-1001"}),
        language,
    )
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
fn with_ssml_on_a_transaction_list_also_carries_its_spoken_variant() {
    let work = tempfile::tempdir().unwrap();
    let transactions = |server: &Server| {
        let mut call = request("account.transactions");
        call["sessionInfo"]["parameters"] = json!({"user_id": "u-1001"});
        call["languageCode"] = "de".into();
        let answer = post(&server.url("/webhook"), &call);
        assert_eq!(answer.status, 200, "{answer:?}");
        let reply: Value = answer.json();
        keep_for_contract(&reply);
        reply["fulfillmentResponse"]["messages"].clone()
    };
    let plain = Server::start_in(work.path(), &["--addr", "127.0.0.1:0"], &[]);
    let messages = transactions(&plain);
    assert!(
        messages.to_string().contains("text") && !messages.to_string().contains("outputAudioText"),
        "{messages}"
    );
    drop(plain);

    let voice = Server::start_in(
        work.path(),
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_MESSAGES__SSML", "true")],
    );
    let messages = transactions(&voice);
    let ssml = messages
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| m["outputAudioText"]["ssml"].as_str())
        .unwrap_or_else(|| panic!("no SSML: {messages}"));
    assert!(
        ssml.starts_with("<speak>") && ssml.contains("<break"),
        "{ssml}"
    );
    let text = messages.to_string();
    assert!(
        text.contains("Dezember") || text.contains("November"),
        "{text}"
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

#[test]
fn export_writes_the_shipped_catalogs_and_refuses_to_overwrite_them_without_force() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("messages");
    let dir_arg = dir.to_str().unwrap();
    let export = cxhook_run(&["messages", "export", dir_arg]);
    assert_eq!(export.code, Some(0), "{export:?}");
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, ["de.ftl", "en.ftl", "es.ftl", "fr.ftl"]);
    let english = std::fs::read_to_string(dir.join("en.ftl")).unwrap();
    assert!(
        english.contains("account-balance = The balance of account { $user_id } is { $balance }."),
        "{english}"
    );
    let german = std::fs::read_to_string(dir.join("de.ftl")).unwrap();
    assert!(
        german.contains("account-balance = Der Kontostand"),
        "{german}"
    );
    assert_eq!(export.stdout.lines().count(), 4, "{export:?}");

    // A reworded file is kept: the second export writes nothing and says which file is there.
    std::fs::write(dir.join("de.ftl"), "account-which = Welches Konto?\n").unwrap();
    std::fs::remove_file(dir.join("fr.ftl")).unwrap();
    let again = cxhook_run(&["messages", "export", dir_arg]);
    assert_eq!(again.code, Some(2), "{again:?}");
    assert!(again.stderr.contains("de.ftl"), "{again:?}");
    assert!(again.stderr.contains("--force"), "{again:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("de.ftl")).unwrap(),
        "account-which = Welches Konto?\n"
    );
    assert!(!dir.join("fr.ftl").exists(), "nothing was written");

    let forced = cxhook_run(&["messages", "export", "--force", dir_arg]);
    assert_eq!(forced.code, Some(0), "{forced:?}");
    assert_eq!(std::fs::read_to_string(dir.join("de.ftl")).unwrap(), german);
    assert!(dir.join("fr.ftl").exists());
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 4, "no temporary file is left behind");
}

#[test]
fn the_exported_catalogs_as_overrides_give_the_shipped_replies() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("messages");
    let export = cxhook_run(&["messages", "export", dir.to_str().unwrap()]);
    assert_eq!(export.code, Some(0), "{export:?}");
    let shipped = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let exported = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_MESSAGES__DIR", dir.to_str().unwrap())],
    );
    let calls = [
        ("account.balance", json!({"user_id": "u-1001"})),
        ("account.balance", json!({"user_id": "u-9999"})),
        ("account.balance", json!({})),
        (
            "account.transactions",
            json!({"user_id": "u-1002", "count": 1}),
        ),
        (
            "account.transactions",
            json!({"user_id": "u-1002", "count": 3}),
        ),
        (
            "account.transactions",
            json!({"user_id": "u-1002", "count": "lots"}),
        ),
        ("weather.current", json!({})),
        ("no.such.tag", json!({})),
    ];
    for language in ["en-US", "en-GB", "de-AT", "fr", "es"] {
        for (tag, params) in &calls {
            let from_shipped = say(&shipped, tag, params.clone(), language);
            let from_exported = say(&exported, tag, params.clone(), language);
            assert_eq!(from_exported, from_shipped, "{tag} {params} in {language}");
        }
    }
}

#[test]
fn a_tag_no_handler_serves_is_answered_in_the_callers_language() {
    // The failure and deadline fallbacks are the app's unit tests': no built-in handler
    // fails without a sentence of its own, nor outlasts its budget.
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    for (language, text) in [
        ("en-US", "Sorry, I can't help with that right now."),
        (
            "de-AT",
            "Dabei kann ich Ihnen im Moment leider nicht helfen.",
        ),
        (
            "fr-CA",
            "Désolé, je ne peux pas vous aider pour cela pour le moment.",
        ),
        ("es", "Lo siento, ahora mismo no puedo ayudarle con eso."),
    ] {
        assert_eq!(say(&server, "no.such.tag", json!({}), language), text);
    }
}

/// The message ids of the exported English catalog, and the fixed parts of every message, as
/// a reply would carry them: the text between the arguments, of two words or more (`The
/// balance of account`, `clear skies`).
fn english_catalog() -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let export = cxhook_run(&["messages", "export", dir.path().to_str().unwrap()]);
    assert_eq!(export.code, Some(0), "{export:?}");
    let english = std::fs::read_to_string(dir.path().join("en.ftl")).unwrap();
    let mut ids = Vec::new();
    let mut sentences = Vec::new();
    for line in english.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        // A message's first line, `id = text`, or a variant, `[key] text` / `*[key] text`.
        let text = match line.split_once(" = ") {
            Some((id, text)) if !id.starts_with(' ') => {
                ids.push(id.to_owned());
                text
            }
            _ => {
                let variant = line.trim_start().trim_start_matches('*');
                match variant.strip_prefix('[').and_then(|v| v.split_once("] ")) {
                    Some((_, text)) => text,
                    None => continue,
                }
            }
        };
        let mut depth = 0;
        let mut part = String::new();
        for c in text.chars().chain(['{']) {
            match c {
                '{' => {
                    if depth == 0 {
                        let fixed = part.trim().trim_matches(|c: char| ",.:;\"".contains(c));
                        if fixed.split_whitespace().count() >= 2 {
                            sentences.push(fixed.trim().to_owned());
                        }
                        part.clear();
                    }
                    depth += 1;
                }
                '}' => depth -= 1,
                c if depth == 0 => part.push(c),
                _ => {}
            }
        }
    }
    sentences.sort();
    sentences.dedup();
    (ids, sentences)
}

/// `scenario` with the language `lang` and no expectations: what its turns send, asked in
/// another language.
fn asked_in(scenario: &Path, lang: &str) -> String {
    let text = std::fs::read_to_string(scenario).unwrap();
    let mut scenario: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let map = scenario.as_mapping_mut().unwrap();
    let name = map
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("scenario");
    map.insert("name".into(), format!("{name} ({lang})").into());
    let session = map
        .entry("session".into())
        .or_insert_with(|| serde_norway::Mapping::new().into());
    session
        .as_mapping_mut()
        .unwrap()
        .insert("lang".into(), lang.into());
    for turn in map
        .get_mut("turns")
        .and_then(|t| t.as_sequence_mut())
        .unwrap()
    {
        let turn = turn.as_mapping_mut().unwrap();
        turn.remove("expect");
        turn.remove("lang");
    }
    serde_norway::to_string(&scenario).unwrap()
}

#[test]
fn no_german_french_or_spanish_reply_of_a_scenario_holds_an_english_sentence() {
    let (ids, sentences) = english_catalog();
    assert!(sentences.len() > 40, "{sentences:?}");
    assert!(
        sentences.contains(&"The balance of account".to_owned()),
        "{sentences:?}"
    );

    let provider = crate::scenario::weather_provider();
    let base = provider.url.strip_suffix("/webhook").unwrap();
    let work = tempfile::tempdir().unwrap();
    let record = work.path().join("calls.jsonl");
    let server = Server::start(
        &[
            "--addr",
            "127.0.0.1:0",
            "--record",
            record.to_str().unwrap(),
        ],
        &[
            ("CXHOOK_WEATHER__GEOCODING_URL", &format!("{base}/geo")),
            ("CXHOOK_WEATHER__FORECAST_URL", &format!("{base}/forecast")),
            // The memory scenarios need memory on, which takes a secret.
            ("CXHOOK_MEMORY_SECRET", "messages-test-secret"),
        ],
    );

    // Every scenario of the repo: the German copies as they are (their expectations hold),
    // and every English one as it is and asked in German, French and Spanish.
    let mut files = Vec::new();
    for dir in [
        crate::scenario::scenarios(),
        crate::scenario::scenarios().join("stubbed"),
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            if path.to_string_lossy().ends_with("-de.yaml") {
                files.push(path.display().to_string());
                continue;
            }
            files.push(path.display().to_string());
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            for lang in ["de-DE", "fr-FR", "es-ES"] {
                let copy = work.path().join(format!("{stem}-{lang}.yaml"));
                std::fs::write(&copy, asked_in(&path, lang)).unwrap();
                files.push(copy.display().to_string());
            }
        }
    }
    let mut command = cxhook();
    command
        .args(["scenario", "--url", &server.url("/webhook")])
        .args(&files)
        .current_dir(work.path());
    let played = run(command, "");
    let (status, _) = server.terminate();
    assert!(status.success());

    let mut replies: std::collections::BTreeMap<String, usize> = Default::default();
    let mut english_found = 0;
    for line in std::fs::read_to_string(&record).unwrap().lines() {
        let call: Value = serde_json::from_str(line).unwrap();
        // The replies of an integration whose sentences are in the catalog (`account.balance`
        // has `account-*` messages): booking's are not there yet.
        let tag = call["request"]["fulfillmentInfo"]["tag"]
            .as_str()
            .unwrap_or_default();
        let integration = format!("{}-", tag.split('.').next().unwrap_or_default());
        if !ids.iter().any(|id| id.starts_with(&integration)) {
            continue;
        }
        let language = call["request"]["languageCode"].as_str().unwrap_or_default();
        let subtag = language.split('-').next().unwrap_or_default().to_owned();
        let texts: Vec<&str> = call["response"]["fulfillmentResponse"]["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["text"]["text"].as_array())
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for text in texts {
            let english: Vec<&String> = sentences.iter().filter(|s| text.contains(*s)).collect();
            if subtag == "en" {
                english_found += usize::from(!english.is_empty());
                continue;
            }
            *replies.entry(subtag.clone()).or_default() += 1;
            assert!(
                english.is_empty(),
                "a {language} reply holds the English {english:?}: {text}"
            );
        }
    }
    assert_eq!(played.code, Some(0), "{played:?}");
    // Every language was heard, and the scan finds English where English is said.
    for subtag in ["de", "fr", "es"] {
        assert!(replies.get(subtag).is_some_and(|n| *n >= 8), "{replies:?}");
    }
    assert!(english_found >= 8, "{english_found} English replies");
}
