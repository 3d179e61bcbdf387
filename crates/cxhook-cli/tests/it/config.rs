//! The configuration layers of `cxhook serve`, seen from outside: file, environment, PORT,
//! flags.

use std::net::{SocketAddr, TcpListener};

use crate::support::{Server, Stub, cxhook, cxhook_run, get, post, request, run};

#[test]
fn an_unknown_key_in_the_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cxhook.toml");
    std::fs::write(&file, "[server]\naddr = \"127.0.0.1:0\"\nadress = \"x\"\n").unwrap();
    let run = cxhook_run(&["serve", "--config", file.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("cxhook: config error: "), "{run:?}");
    assert!(run.stderr.contains("`server.adress`"), "{run:?}");
    assert!(run.stderr.contains(file.to_str().unwrap()), "{run:?}");
}

#[test]
fn the_file_can_come_from_cxhook_config() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cxhook.toml");
    std::fs::write(&file, "[fallback]\nunknown_tag_status = 404\n").unwrap();
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_CONFIG", file.to_str().unwrap())],
    );
    assert_eq!(post(&server.url("/webhook"), &request("x")).status, 404);
}

#[test]
fn a_missing_file_is_named() {
    let run = cxhook_run(&["serve", "--config", "no-such-cxhook.toml"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("cxhook: config error: "), "{run:?}");
    assert!(run.stderr.contains("no-such-cxhook.toml"), "{run:?}");
}

#[test]
fn an_unknown_key_in_the_environment_is_named() {
    let mut command = cxhook();
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("CXHOOK_SERVER__BOGUS", "1");
    let run = run(command, "");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("cxhook: config error: "), "{run:?}");
    assert!(run.stderr.contains("`server.bogus`"), "{run:?}");
    assert!(run.stderr.contains("CXHOOK_SERVER__BOGUS"), "{run:?}");
}

#[test]
fn a_secret_in_a_cxhook_variable_is_no_key() {
    // The scheduling API, on loopback; start-up reads the token, it does not call the API.
    let api = Stub::start(axum::Router::new().route(
        "/api/appointments",
        axum::routing::post(|| async { (http::StatusCode::CREATED, r#"{"id": "apt-1"}"#) }),
    ));
    let api_url = api.url.strip_suffix("/webhook").unwrap();
    let external = [
        ("CXHOOK_BOOKING__BACKEND", "external"),
        ("CXHOOK_BOOKING__EXTERNAL__API_URL", api_url),
    ];

    // The default token_env, CXHOOK_BOOKING_TOKEN.
    let mut env = external.to_vec();
    env.push(("CXHOOK_BOOKING_TOKEN", "booking-secret"));
    let server = Server::start(&["--addr", "127.0.0.1:0"], &env);
    assert!(server.tags.contains("booking.create"), "{}", server.tags);
    assert_eq!(get(&server.url("/readyz")).status, 200);

    // Without it, the external backend cannot start, and says which variable it wants. (In
    // a directory of its own: the start makes the database and memory's secret first.)
    let dir = tempfile::tempdir().unwrap();
    let mut command = cxhook();
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .envs(external)
        .current_dir(dir.path());
    let unset = run(command, "");
    assert_eq!(unset.code, Some(2), "{unset:?}");
    assert!(unset.stderr.contains("CXHOOK_BOOKING_TOKEN"), "{unset:?}");
    assert!(!unset.stderr.contains("unknown key"), "{unset:?}");

    // A name of one's own, itself set by a variable, holding a bearer token.
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[
            ("CXHOOK_AUTH__BEARER__TOKEN_ENVS", "[\"CXHOOK_HOOK_TOKEN\"]"),
            ("CXHOOK_HOOK_TOKEN", "hook-secret"),
        ],
    );
    assert_eq!(post(&server.url("/webhook"), &request("x")).status, 401);

    // A variable that names no key and no secret is still an unknown key.
    let mut command = cxhook();
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("CXHOOK_BOOKING_TOKEN", "booking-secret")
        .env("CXHOOK_FOO", "1");
    let run = run(command, "");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("cxhook: config error: "), "{run:?}");
    assert!(
        run.stderr.contains("unknown key `foo` set by CXHOOK_FOO"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("booking_token"), "{run:?}");
}

#[test]
fn a_bad_value_in_the_environment_is_named() {
    let mut command = cxhook();
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("CXHOOK_SERVER__BODY_LIMIT", "0");
    let run = run(command, "");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("`server.body_limit` set by CXHOOK_SERVER__BODY_LIMIT"),
        "{run:?}"
    );
}

#[test]
fn port_makes_serve_listen_on_every_interface() {
    let port = {
        let probe = TcpListener::bind("0.0.0.0:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    // Without auth configured, every interface needs --insecure.
    let server = Server::start(
        &["--insecure"],
        &[
            ("PORT", &port.to_string()),
            ("CXHOOK_SERVER__ADDR", "127.0.0.1:1"),
        ],
    );
    assert_eq!(server.addr, SocketAddr::from(([0, 0, 0, 0], port)));
    assert_eq!(get(&server.url("/healthz")).status, 200);
}

#[test]
fn the_addr_flag_wins_over_port() {
    let port = crate::support::free_port();
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[("PORT", &port.to_string())]);
    assert!(server.addr.ip().is_loopback(), "{}", server.addr);
    assert_ne!(server.addr.port(), port);
}

#[test]
fn a_port_that_is_no_number_is_named() {
    let mut command = cxhook();
    command.arg("serve").env("PORT", "http");
    let run = run(command, "");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("cxhook: config error: "), "{run:?}");
    assert!(run.stderr.contains("PORT"), "{run:?}");
}

#[test]
fn unknown_tags_can_get_a_status() {
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_FALLBACK__UNKNOWN_TAG_STATUS", "404")],
    );
    let answer = post(&server.url("/webhook"), &request("no.such.tag"));
    assert_eq!(answer.status, 404, "{answer:?}");
    assert!(
        answer.content_type.starts_with("application/json"),
        "{answer:?}"
    );
    assert!(answer.json().is_object(), "{answer:?}");
}
