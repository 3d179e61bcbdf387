//! `cxhook serve`: listening, answering, stopping.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use crate::support::{Server, cxhook, cxhook_run, get, keep_for_contract, post, request, run};

#[test]
fn serve_says_where_it_listens_and_answers() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    assert!(server.addr.ip().is_loopback());
    assert_ne!(
        server.addr.port(),
        0,
        "the listening line shows the bound port"
    );
    assert_eq!(server.tags, "tags: account.balance, account.transactions");

    let health = get(&server.url("/healthz"));
    assert_eq!(health.status, 200, "{health:?}");

    let answer = post(&server.url("/webhook"), &request("no.such.tag"));
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        answer.content_type.starts_with("application/json"),
        "{answer:?}"
    );
    let reply = answer.json();
    let text = &reply["fulfillmentResponse"]["messages"][0]["text"]["text"][0];
    assert_eq!(text, "Sorry, I can't help with that right now.", "{reply}");
    keep_for_contract(&reply);
}

#[test]
fn sigterm_stops_serve_promptly_and_cleanly() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    assert_eq!(get(&server.url("/healthz")).status, 200);
    let (status, took) = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn sigterm_lets_a_call_in_flight_finish_then_exits_0() {
    let mut server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let body = serde_json::to_vec(&request("no.such.tag")).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /webhook HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    thread::sleep(Duration::from_millis(100));

    server.sigterm();
    thread::sleep(Duration::from_millis(300));
    assert!(server.is_running(), "serve waits for the call in flight");

    stream.write_all(rest).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("Sorry, I can't help with that right now."),
        "{answer}"
    );
    let status = server.wait_exit();
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_taken_address_is_an_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut command = cxhook();
    command
        .args(["serve", "--addr", &addr])
        .current_dir(dir.path());
    let run = run(command, "");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("cxhook: cannot listen on {addr}")),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    let run = cxhook_run(&["serve", "--addr", "localhost"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--addr"), "{run:?}");
}

#[test]
fn serve_answers_real_balances_from_a_fresh_directory() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let mut call = request("account.balance");
    call["sessionInfo"]["parameters"] = serde_json::json!({"user_id": "u-1001"});
    call["languageCode"] = "en-US".into();
    let answer = post(&server.url("/webhook"), &call);
    assert_eq!(answer.status, 200, "{answer:?}");
    let reply = answer.json();
    assert_eq!(
        reply["fulfillmentResponse"]["messages"][0]["text"]["text"][0],
        "The balance of account u-1001 is $1,250.75.",
        "{reply}"
    );
    assert_eq!(reply["sessionInfo"]["parameters"]["balance_minor"], 125_075);
    keep_for_contract(&reply);

    let send = cxhook_run(&[
        "send",
        &server.url("/webhook"),
        "--tag",
        "account.balance",
        "-p",
        "user_id=u-1001",
    ]);
    assert_eq!(send.code, Some(0), "{send:?}");
    assert!(send.stdout.contains("$1,250.75"), "{send:?}");

    let send = cxhook_run(&[
        "send",
        &server.url("/webhook"),
        "--tag",
        "account.transactions",
        "-p",
        "user_id=u-1002",
        "-p",
        "count=2",
    ]);
    assert_eq!(send.code, Some(0), "{send:?}");
    assert!(
        send.stdout
            .contains("The last 2 transactions on account u-1002"),
        "{send:?}"
    );
}

#[test]
fn the_accounts_integration_can_be_turned_off() {
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_ACCOUNTS__ENABLED", "false")],
    );
    assert_eq!(server.tags, "tags: (none)");
}

#[test]
fn a_database_that_cannot_be_opened_stops_serve() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = cxhook();
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("CXHOOK_ACCOUNTS__DATABASE", "no-such-dir/accounts.db");
    let run = run(command, "");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("cxhook: cannot start the accounts integration ([accounts]): "),
        "{run:?}"
    );
    assert!(run.stderr.contains("no-such-dir/accounts.db"), "{run:?}");
    assert!(!dir.path().join("no-such-dir").exists());
}
