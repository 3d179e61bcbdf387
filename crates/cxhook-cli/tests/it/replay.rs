//! `cxhook replay FILE`: a recording made by `serve --record` replays clean against the same
//! server, by URL and in-process on its database; a changed reply is a diff and exit 1; redacted requests
//! are sent as recorded and said so; bad input is exit 2 with what is wrong.

use std::path::Path;

use serde_json::Value;

use crate::record::{calls, post_all, recorded};
use crate::support::{Run, Server, cxhook, run};

/// Runs `cxhook replay ARGS…` in `dir`.
fn replay(dir: &Path, args: &[&str]) -> Run {
    let mut command = cxhook();
    command.arg("replay").args(args).current_dir(dir);
    run(command, "")
}

/// Memory off: with it on, the recording redacts the booking's `service`, which it
/// remembers, and a replay sends `[REDACTED]` for it.
pub(crate) const MEMORY_OFF: (&str, &str) = ("CXHOOK_MEMORY__ENABLED", "false");

/// A server in `dir` recording to `calls.jsonl` with these extra `serve` flags, the calls
/// made to it, and the recording copied to `recording.jsonl`.
fn record(dir: &Path, flags: &[&str]) -> Server {
    let mut args = vec!["--addr", "127.0.0.1:0", "--record", "calls.jsonl"];
    args.extend_from_slice(flags);
    let server = Server::start_in(dir, &args, &[MEMORY_OFF]);
    let calls = calls();
    post_all(&server, &calls);
    let lines = recorded(&dir.join("calls.jsonl"), calls.len());
    write_lines(&dir.join("recording.jsonl"), &lines);
    server
}

fn write_lines(path: &Path, lines: &[Value]) {
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    std::fs::write(path, text).unwrap();
}

fn last_line(run: &Run) -> &str {
    run.stdout.lines().last().unwrap_or_default()
}

#[test]
fn a_recording_replays_clean_by_url_and_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let server = record(dir.path(), &[]);
    let url = server.url("/webhook");
    let by_url = replay(dir.path(), &["recording.jsonl", "--url", &url]);
    assert_eq!(by_url.code, Some(0), "{by_url:?}");
    let expected = [
        "ok   line 1 account.balance",
        "ok   line 2 account.transactions",
        "ok   line 3 booking.validate",
        "ok   line 4 booking.create",
        "ok   line 5 account.balance",
        "ok   line 6 no.such.tag",
        "6 passed, 0 failed",
    ];
    assert_eq!(by_url.stdout.lines().collect::<Vec<_>>(), expected);

    let (status, _) = server.terminate();
    assert!(status.success());
    // In-process on the server's database, where the booking is made already.
    let in_process = replay(dir.path(), &["recording.jsonl", "--database", "cxhook.db"]);
    assert_eq!(in_process.code, Some(0), "{in_process:?}");
    assert_eq!(in_process.stdout.lines().collect::<Vec<_>>(), expected);

    // On a database of its own, the booking is made anew, under another number.
    let fresh = replay(dir.path(), &["recording.jsonl"]);
    assert_eq!(fresh.code, Some(1), "{fresh:?}");
    assert!(
        fresh.stdout.contains("FAIL line 4 booking.create\n")
            && fresh
                .stdout
                .contains("  sessionInfo.parameters.confirmation_id\n"),
        "{fresh:?}"
    );
    assert_eq!(last_line(&fresh), "5 passed, 1 failed");
}

#[test]
fn a_changed_reply_is_reported_as_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let server = record(dir.path(), &[]);
    let url = server.url("/webhook");
    let recording = dir.path().join("recording.jsonl");
    let mut lines = recorded(&recording, 6);
    lines[0]["response"]["fulfillmentResponse"]["messages"][0]["text"]["text"][0] =
        "The balance of account u-1001 is $2.00.".into();
    lines[0]["response"]["sessionInfo"]["parameters"]["balance_minor"] = 200.into();
    write_lines(&dir.path().join("edited.jsonl"), &lines);

    let edited = replay(dir.path(), &["edited.jsonl", "--url", &url]);
    assert_eq!(edited.code, Some(1), "{edited:?}");
    let diff: Vec<&str> = edited.stdout.lines().take(9).collect();
    assert_eq!(
        diff,
        [
            "FAIL line 1 account.balance",
            "  fulfillmentResponse.messages[0].text.text[0]",
            "  - \"The balance of account u-1001 is $2.00.\"",
            "  + \"The balance of account u-1001 is $1,250.75.\"",
            "  sessionInfo.parameters.balance_minor",
            "  - 200",
            "  + 125075",
            "  note: sent with [REDACTED] for the redacted request.sessionInfo.parameters.pin",
            "ok   line 2 account.transactions",
        ]
    );
    assert_eq!(last_line(&edited), "5 passed, 1 failed");

    let ignoring = replay(
        dir.path(),
        &[
            "edited.jsonl",
            "--url",
            &url,
            "--ignore",
            "fulfillmentResponse.messages[*].text",
            "--ignore",
            "sessionInfo.parameters.balance_minor",
        ],
    );
    assert_eq!(ignoring.code, Some(0), "{ignoring:?}");
    assert_eq!(last_line(&ignoring), "6 passed, 0 failed");
    drop(server);

    // The same recording against a server whose configuration changed.
    let config = dir.path().join("changed.toml");
    std::fs::write(&config, "[accounts]\nenabled = false\n").unwrap();
    let changed = Server::start_in(
        dir.path(),
        &[
            "--addr",
            "127.0.0.1:0",
            "--config",
            config.to_str().unwrap(),
        ],
        &[],
    );
    let against = replay(
        dir.path(),
        &["recording.jsonl", "--url", &changed.url("/webhook")],
    );
    assert_eq!(against.code, Some(1), "{against:?}");
    assert!(
        against.stdout.contains("FAIL line 1 account.balance\n")
            && against
                .stdout
                .contains("FAIL line 2 account.transactions\n")
            && against
                .stdout
                .contains("  + \"Sorry, I can't help with that right now.\"\n"),
        "{against:?}"
    );
    assert_eq!(last_line(&against), "3 passed, 3 failed");
}

#[test]
fn redacted_requests_are_sent_as_recorded_or_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cxhook.toml");
    std::fs::write(&config, "[record]\nredact = [\"user_id\"]\n").unwrap();
    let server = record(dir.path(), &["--config", config.to_str().unwrap()]);
    let url = server.url("/webhook");

    let sent = replay(dir.path(), &["recording.jsonl", "--url", &url]);
    assert_eq!(sent.code, Some(1), "{sent:?}");
    let note = sent
        .stdout
        .lines()
        .find(|line| line.starts_with("  note: sent with [REDACTED] for the redacted "))
        .unwrap_or_else(|| panic!("no note in {sent:?}"));
    assert!(
        note.contains("request.sessionInfo.parameters.user_id")
            && note.contains("request.sessionInfo.parameters.pin"),
        "{note}"
    );
    assert!(
        sent.stdout.contains("ok   line 6 no.such.tag\n"),
        "{sent:?}"
    );

    let skipped = replay(
        dir.path(),
        &["recording.jsonl", "--url", &url, "--skip-redacted"],
    );
    assert_eq!(skipped.code, Some(0), "{skipped:?}");
    assert!(
        skipped
            .stdout
            .contains("skip line 1 account.balance: its request has redacted values\n"),
        "{skipped:?}"
    );
    let lines: Vec<&str> = skipped.stdout.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "skipped 3 calls whose requests have redacted values",
            "3 passed, 0 failed"
        ]
    );
}

#[test]
fn bad_recordings_and_unreachable_webhooks_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = replay(dir.path(), &["missing.jsonl"]);
    assert_eq!(missing.code, Some(2), "{missing:?}");
    assert!(
        missing.stderr.contains("cannot read missing.jsonl"),
        "{missing:?}"
    );

    std::fs::write(dir.path().join("empty.jsonl"), "\n").unwrap();
    let empty = replay(dir.path(), &["empty.jsonl"]);
    assert_eq!(empty.code, Some(2), "{empty:?}");
    assert!(
        empty.stderr.contains("empty.jsonl holds no recorded calls"),
        "{empty:?}"
    );

    let call = serde_json::json!({"request": {}, "status": 200, "response": {}});
    std::fs::write(
        dir.path().join("bad.jsonl"),
        format!("{call}\n{{\"status\": 200}}\n"),
    )
    .unwrap();
    let bad = replay(dir.path(), &["bad.jsonl"]);
    assert_eq!(bad.code, Some(2), "{bad:?}");
    assert!(
        bad.stderr
            .contains("bad.jsonl:2: not a recorded call: missing field `request`"),
        "{bad:?}"
    );

    let path = replay(dir.path(), &["bad.jsonl", "--ignore", "a..b"]);
    assert_eq!(path.code, Some(2), "{path:?}");
    assert!(
        path.stderr.contains("`a..b` is not a JSON path"),
        "{path:?}"
    );

    std::fs::write(dir.path().join("one.jsonl"), format!("{call}\n")).unwrap();
    let port = crate::support::free_port();
    let url = format!("http://127.0.0.1:{port}/webhook");
    let unreachable = replay(dir.path(), &["one.jsonl", "--url", &url]);
    assert_eq!(unreachable.code, Some(2), "{unreachable:?}");
    assert!(
        unreachable
            .stderr
            .contains("line 1 (no tag): cannot get an answer from"),
        "{unreachable:?}"
    );
}
