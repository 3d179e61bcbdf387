//! `cxhook serve --record FILE`: each call appended as a JSON line with the answer it got,
//! secrets redacted, the file named by the flag or by `[record] file`.

use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use crate::support::{PATIENCE, Server, cxhook, keep_for_contract, post, request, run};

/// A date at least two months ahead on which the default opening hours are 09:00-17:00.
fn booking_date() -> Value {
    let mut date = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(60))
        .unwrap();
    while date.weekday() != jiff::civil::Weekday::Tuesday {
        date = date.tomorrow().unwrap();
    }
    json!({"year": date.year(), "month": date.month(), "day": date.day()})
}

/// Calls over several tags, as Dialogflow would send them: a balance (with a PIN the
/// handler does not read), transactions in German, a slot checked, another slot booked, an
/// unknown account, and a tag no handler serves.
pub(crate) fn calls() -> Vec<Value> {
    let date = booking_date();
    let with = |tag: &str, params: Value| {
        let mut body = request(tag);
        body["sessionInfo"]["parameters"] = params;
        body
    };
    let mut calls = vec![
        with(
            "account.balance",
            json!({"user_id": "u-1001", "pin": "pin-8d41c7"}),
        ),
        with(
            "account.transactions",
            json!({"user_id": "u-1003", "count": 2}),
        ),
        with(
            "booking.validate",
            json!({"service": "haircut", "date": date, "time": {"hours": 11, "minutes": 0}}),
        ),
        with(
            "booking.create",
            json!({"service": "haircut", "date": date, "time": {"hours": 10, "minutes": 0}}),
        ),
        with("account.balance", json!({"user_id": "u-9999"})),
        with("no.such.tag", json!({})),
    ];
    calls[1]["languageCode"] = json!("de");
    calls[4]["payload"] = json!({"telephony": {"caller_id": "+15550100"}});
    for (i, call) in calls.iter_mut().enumerate() {
        call["detectIntentResponseId"] = json!(format!("recorded-{i}"));
    }
    calls
}

/// Posts each call to the server and gives the bodies of the answers, each a 200.
pub(crate) fn post_all(server: &Server, calls: &[Value]) -> Vec<Value> {
    calls
        .iter()
        .map(|call| {
            let answer = post(&server.url("/webhook"), call);
            assert_eq!(answer.status, 200, "{}", answer.body);
            let body = answer.json();
            keep_for_contract(&body);
            body
        })
        .collect()
}

/// The lines of the recording, once it has at least `count` of them (the writer is a thread
/// of its own, so they may come a moment after the answers).
pub(crate) fn recorded(path: &Path, count: usize) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let whole: Vec<&str> = text.split_inclusive('\n').collect();
        if whole.len() >= count && text.ends_with('\n') {
            return whole
                .iter()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect();
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{} holds {} lines, not {count}: {text}",
            path.display(),
            whole.len()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn serve_records_each_call_with_its_answer_and_secrets_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cxhook.toml");
    std::fs::write(&config, "[record]\nredact = [\"caller_id\"]\n").unwrap();
    let server = Server::start_in(
        dir.path(),
        &[
            "--addr",
            "127.0.0.1:0",
            "--config",
            config.to_str().unwrap(),
            "--record",
            "calls.jsonl",
        ],
        &[],
    );
    let calls = calls();
    let answers = post_all(&server, &calls);
    let path = dir.path().join("calls.jsonl");
    let lines = recorded(&path, calls.len());
    assert_eq!(lines.len(), calls.len());
    for ((line, call), answer) in lines.iter().zip(&calls).zip(&answers) {
        assert_eq!(line["request"]["fulfillmentInfo"], call["fulfillmentInfo"]);
        assert_eq!(line["status"], 200);
        assert_eq!(&line["response"], answer);
        assert!(line["time"].is_string(), "{line}");
        assert!(line["elapsedUs"].is_u64(), "{line}");
    }
    assert_eq!(
        lines[0]["request"]["sessionInfo"]["parameters"],
        json!({"user_id": "u-1001", "pin": "[REDACTED]"})
    );
    assert_eq!(
        lines[0]["redacted"],
        json!(["request.sessionInfo.parameters.pin"])
    );
    assert_eq!(
        lines[4]["request"]["payload"]["telephony"]["caller_id"],
        "[REDACTED]"
    );
    assert_eq!(lines[1]["redacted"], Value::Null, "nothing to redact");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("pin-8d41c7") && !text.contains("+15550100"),
        "{text}"
    );

    let (status, _) = server.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(recorded(&path, calls.len()).len(), calls.len());
}

#[test]
fn a_replay_against_a_recording_server_is_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        dir.path(),
        &["--addr", "127.0.0.1:0", "--record", "calls.jsonl"],
        &[crate::replay::MEMORY_OFF],
    );
    let calls = calls();
    post_all(&server, &calls);
    let path = dir.path().join("calls.jsonl");
    let before = recorded(&path, calls.len());

    let mut command = cxhook();
    command
        .args(["replay", "calls.jsonl", "--url", &server.url("/webhook")])
        .current_dir(dir.path());
    let replayed = run(command, "");
    assert_eq!(replayed.code, Some(0), "{replayed:?}");
    assert!(
        replayed.stdout.ends_with("6 passed, 0 failed\n"),
        "{replayed:?}"
    );

    // A call made after the replay is the next line: the replayed ones are not there.
    let mut after = request("account.balance");
    after["detectIntentResponseId"] = json!("after-the-replay");
    post_all(&server, &[after]);
    let lines = recorded(&path, calls.len() + 1);
    let (status, _) = server.terminate();
    assert!(status.success(), "{status:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), calls.len() + 1, "{text}");
    assert_eq!(lines[..calls.len()], before[..]);
    assert_eq!(
        lines[calls.len()]["request"]["detectIntentResponseId"],
        "after-the-replay"
    );
}

#[test]
fn the_recording_file_can_come_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        dir.path(),
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_RECORD__FILE", "from-env.jsonl")],
    );
    let calls = &calls()[..1];
    post_all(&server, calls);
    let lines = recorded(&dir.path().join("from-env.jsonl"), 1);
    assert_eq!(lines[0]["request"]["detectIntentResponseId"], "recorded-0");
}

#[test]
fn a_recording_that_cannot_be_opened_or_configured_stops_serve() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("calls.jsonl");
    let mut command = cxhook();
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--record"])
        .arg(&missing)
        .current_dir(dir.path());
    let failed = run(command, "");
    assert_eq!(failed.code, Some(2), "{failed:?}");
    assert!(
        failed.stderr.contains("cannot record calls")
            && failed.stderr.contains(&missing.display().to_string()),
        "{failed:?}"
    );

    let mut command = cxhook();
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("CXHOOK_RECORD__QUEUE", "0")
        .current_dir(dir.path());
    let failed = run(command, "");
    assert_eq!(failed.code, Some(2), "{failed:?}");
    assert!(
        failed
            .stderr
            .contains("`record.queue` set by CXHOOK_RECORD__QUEUE: must be more than 0"),
        "{failed:?}"
    );
}
