//! `cxhook serve`: listening, answering, stopping.

use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use crate::support::{
    HalfSent, Server, Stub, cxhook, cxhook_run, get, keep_for_contract, post, request, run,
};

#[test]
fn serve_says_where_it_listens_and_answers() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    assert!(server.addr.ip().is_loopback());
    assert_ne!(
        server.addr.port(),
        0,
        "the listening line shows the bound port"
    );
    assert_eq!(
        server.tags,
        "tags: account.balance, account.transactions, booking.cancel, booking.create, \
         booking.validate, memory.forget, memory.recall, weather.current"
    );

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
    let call = HalfSent::start(server.addr.port(), &body);

    server.sigterm();
    thread::sleep(Duration::from_millis(300));
    assert!(server.is_running(), "serve waits for the call in flight");

    let answer = call.finish();
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
fn serve_answers_the_weather_from_the_configured_provider() {
    use axum::routing::get as route_get;
    use serde_json::json;

    let provider = Stub::start(
        axum::Router::new()
            .route(
                "/v1/search",
                route_get(|| async {
                    json_response(&json!({"results": [{
                        "name": "Paris", "latitude": 48.85, "longitude": 2.35, "country": "France"
                    }]}))
                }),
            )
            .route(
                "/v1/forecast",
                route_get(|| async {
                    json_response(&json!({"current": {
                        "time": "2026-11-27T16:30",
                        "temperature_2m": 7.3, "weather_code": 3, "wind_speed_10m": 12.4
                    }}))
                }),
            ),
    );
    let base = provider.url.trim_end_matches("/webhook").to_owned();
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[
            (
                "CXHOOK_WEATHER__GEOCODING_URL",
                &format!("{base}/v1/search"),
            ),
            (
                "CXHOOK_WEATHER__FORECAST_URL",
                &format!("{base}/v1/forecast"),
            ),
        ],
    );
    let send = cxhook_run(&[
        "send",
        &server.url("/webhook"),
        "--tag",
        "weather.current",
        "-p",
        "city=Paris",
        "--json",
    ]);
    assert_eq!(send.code, Some(0), "{send:?}");
    let json_line = send.stdout.lines().last().unwrap_or_default();
    let reply: serde_json::Value = serde_json::from_str(json_line).unwrap();
    let params = &reply["sessionInfo"]["parameters"];
    assert_eq!(params["weather_found"], true, "{reply}");
    assert_eq!(params["place"], "Paris, France", "{reply}");
    assert_eq!(params["temperature"], 7.3, "{reply}");
    keep_for_contract(&reply);
}

fn json_response(body: &serde_json::Value) -> ([(&'static str, &'static str); 1], String) {
    ([("content-type", "application/json")], body.to_string())
}

#[test]
fn serve_books_a_slot_once_and_cancels_it() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
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
    create["sessionInfo"]["parameters"] = params;
    let first = post(&server.url("/webhook"), &create).json();
    let confirmation = first["sessionInfo"]["parameters"]["confirmation_id"].clone();
    assert!(
        confirmation
            .as_str()
            .is_some_and(|id| id.starts_with("BK-")),
        "{first}"
    );
    let again = post(&server.url("/webhook"), &create).json();
    assert_eq!(again, first, "the same turn sent twice books once");
    keep_for_contract(&first);

    let mut cancel = request("booking.cancel");
    cancel["sessionInfo"] = create["sessionInfo"].clone();
    cancel["sessionInfo"]["parameters"]["confirmation_id"] = confirmation;
    let cancelled = post(&server.url("/webhook"), &cancel).json();
    let text = cancelled["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("cancel"), "{cancelled}");
    keep_for_contract(&cancelled);
}

#[test]
fn the_accounts_integration_can_be_turned_off() {
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_ACCOUNTS__ENABLED", "false")],
    );
    assert_eq!(
        server.tags,
        "tags: booking.cancel, booking.create, booking.validate, memory.forget, memory.recall, \
         weather.current"
    );
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

#[test]
fn serve_exposes_metrics_and_readiness() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    assert_eq!(get(&server.url("/readyz")).status, 200);
    let mut call = request("account.balance");
    call["sessionInfo"]["parameters"] = serde_json::json!({"user_id": "u-1001"});
    assert_eq!(post(&server.url("/webhook"), &call).status, 200);

    let metrics = get(&server.url("/metrics"));
    assert_eq!(metrics.status, 200, "{metrics:?}");
    assert!(
        metrics.content_type.starts_with("text/plain"),
        "{metrics:?}"
    );
    for line in [
        r#"cxhook_requests_total{tag="account.balance",outcome="ok"} 1"#,
        r#"cxhook_db_queries_total{db="accounts",result="ok"}"#,
        "# TYPE cxhook_request_duration_seconds histogram",
        "process_resident_memory_bytes",
    ] {
        assert!(
            metrics.body.contains(line),
            "{line} missing: {}",
            metrics.body
        );
    }
}

#[test]
fn in_json_mode_every_line_is_json() {
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_LOG__FORMAT", "json")],
    );
    assert_eq!(server.announced.len(), 1, "{:?}", server.announced);
    let announced: serde_json::Value = serde_json::from_str(&server.announced[0]).unwrap();
    assert_eq!(announced["addr"], server.addr.to_string());
    assert_eq!(announced["severity"], "INFO");
    assert!(
        server.tags.contains("account.balance"),
        "{announced}: {}",
        server.tags
    );
    let mut balance = request("account.balance");
    balance["sessionInfo"]["parameters"] = serde_json::json!({"user_id": "u-1001"});
    assert_eq!(post(&server.url("/webhook"), &balance).status, 200);
    assert_eq!(
        post(&server.url("/webhook"), &request("no.such.tag")).status,
        200
    );
    let stopped = server.stop();
    assert!(stopped.status.success(), "{stopped:?}");
    let stderr: Vec<&str> = stopped.stderr.lines().collect();
    assert!(
        stderr.len() >= 4,
        "start-up, calls and shutdown: {stopped:?}"
    );
    for line in stopped.stdout.iter().map(String::as_str).chain(stderr) {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        assert!(
            parsed.is_ok_and(|line| line.is_object()),
            "not a JSON line: {line}"
        );
    }

    let human = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("CXHOOK_LOG__FORMAT", "human")],
    );
    assert!(
        human.announced[0].starts_with("cxhook listening on http://127.0.0.1:"),
        "{:?}",
        human.announced
    );
    assert_eq!(human.announced[1], human.tags);
}

#[test]
fn serve_reconciles_pending_external_bookings_at_start_up_with_no_call() {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    use axum::http::HeaderMap;
    use cxhook_integrations::booking::{
        BookingConfig, BookingStore, Created, DatabaseConfig, NewBooking, SqliteBookingStore,
        Status,
    };

    let dir = tempfile::tempdir().unwrap();
    let options = BookingConfig {
        database: dir.path().join("cxhook.db"),
        ..BookingConfig::default()
    }
    .database_options();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let session = "projects/p/locations/global/agents/a/sessions/s-1";
    // Two bookings left pending and unclaimed, as a server whose calls to the API failed
    // leaves them (one stopped in the middle of a call leaves its claim, for 30 s at most).
    let store = SqliteBookingStore::open(&options).unwrap();
    let pending: Vec<(String, String)> = runtime.block_on(async {
        let mut pending = Vec::new();
        for (i, start) in ["2030-01-08T15:00:00Z", "2030-01-08T16:00:00Z"]
            .into_iter()
            .enumerate()
        {
            let start: jiff::Timestamp = start.parse().unwrap();
            let key = format!("cxhook-left-pending-{i}");
            let created = store
                .create(NewBooking {
                    turn_key: None,
                    session: session.to_owned(),
                    service: "haircut".to_owned(),
                    resource: "haircut".to_owned(),
                    start,
                    end: start + jiff::SignedDuration::from_mins(30),
                    cells: vec![start],
                    status: Status::Pending,
                    idempotency_key: key.clone(),
                    created_at: jiff::Timestamp::now(),
                })
                .await
                .unwrap();
            let Created::New(booking) = created else {
                panic!("{created:?}")
            };
            store.unclaim(booking.id).await.unwrap();
            pending.push((booking.confirmation, key));
        }
        pending
    });

    let keys = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = keys.clone();
    let api = Stub::start(axum::Router::new().route(
        "/api/appointments",
        axum::routing::post(move |headers: HeaderMap| {
            let seen = seen.clone();
            async move {
                let key = headers["idempotency-key"].to_str().unwrap().to_owned();
                let mut seen = seen.lock().unwrap();
                seen.push(key.clone());
                (
                    axum::http::StatusCode::CREATED,
                    json_response(&serde_json::json!({"id": format!("apt-{key}")})),
                )
            }
        }),
    ));
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret\n").unwrap();
    let _server = Server::start_in(
        dir.path(),
        &["--addr", "127.0.0.1:0"],
        &[
            ("CXHOOK_BOOKING__BACKEND", "external"),
            (
                "CXHOOK_BOOKING__EXTERNAL__API_URL",
                api.url.trim_end_matches("/webhook"),
            ),
            (
                "CXHOOK_BOOKING__EXTERNAL__TOKEN_FILE",
                token.to_str().unwrap(),
            ),
        ],
    );

    // No call is made: the server's start-up pass confirms both within seconds.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !runtime.block_on(store.pending()).unwrap().is_empty() {
        assert!(
            Instant::now() < deadline,
            "still pending; the API saw {:?}",
            keys.lock().unwrap()
        );
        thread::sleep(Duration::from_millis(50));
    }
    for (confirmation, key) in &pending {
        let booking = runtime
            .block_on(store.find(confirmation, session))
            .unwrap()
            .unwrap();
        assert_eq!(booking.status, Status::Confirmed);
        assert_eq!(booking.external_id, Some(format!("apt-{key}")));
    }
    let mut sent = keys.lock().unwrap().clone();
    sent.sort();
    sent.dedup();
    assert_eq!(
        sent,
        pending
            .iter()
            .map(|(_, key)| key.clone())
            .collect::<Vec<_>>()
    );
}

/// 2,000 connections that send nothing, against a server allowed 1,024 file handles: the
/// longest idle are closed to make room, and `/healthz` and a real call are answered within
/// a second.
#[test]
fn silent_connections_never_stop_health_checks_or_calls() {
    // This test holds its own 2,000 sockets.
    let own_limit = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    assert!(
        own_limit >= 2_100,
        "the test needs 2,100 file handles; the hard limit allows {own_limit}"
    );
    let server = Server::start_with_file_limit(1024, &["--addr", "127.0.0.1:0"]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut silent = Vec::new();
        for _ in 0..2_000 {
            silent.push(tokio::net::TcpStream::connect(server.addr).await.unwrap());
        }
        let body = request("no.such.tag");
        for _ in 0..3 {
            let client = reqwest::Client::new();
            let health = client
                .get(server.url("/healthz"))
                .timeout(Duration::from_secs(1))
                .send()
                .await
                .expect("/healthz answers within a second");
            assert_eq!(health.status(), 200);
            let call = client
                .post(server.url("/webhook"))
                .json(&body)
                .timeout(Duration::from_secs(1))
                .send()
                .await
                .expect("a call is answered within a second");
            assert_eq!(call.status(), 200);
            // More silent connections between the checks.
            for _ in 0..200 {
                silent.push(tokio::net::TcpStream::connect(server.addr).await.unwrap());
            }
        }
    });
}

/// A weather provider that answers every request with a 256 MiB body, written as it goes
/// (never held in memory) and with no `Content-Length`; gives its address and the bytes it
/// managed to send.
fn endless_provider() -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::atomic::AtomicU64>,
) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicU64, Ordering};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = std::sync::Arc::new(AtomicU64::new(0));
    let counter = std::sync::Arc::clone(&sent);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let counter = std::sync::Arc::clone(&counter);
            thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
                );
                let chunk = [b' '; 64 * 1024];
                for _ in 0..(256 * 1024 * 1024 / chunk.len()) {
                    if stream.write_all(&chunk).is_err() {
                        return;
                    }
                    counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
            });
        }
    });
    (addr, sent)
}

#[test]
fn a_256_mib_answer_from_the_weather_provider_is_cut_off_and_answered_with_the_fallback() {
    let (provider, sent) = endless_provider();
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[
            (
                "CXHOOK_WEATHER__GEOCODING_URL",
                &format!("http://{provider}/v1/search"),
            ),
            (
                "CXHOOK_WEATHER__FORECAST_URL",
                &format!("http://{provider}/v1/forecast"),
            ),
        ],
    );
    let mut body = request("weather.current");
    body["sessionInfo"]["parameters"] = serde_json::json!({"city": "Paris"});
    let answer = post(&server.url("/webhook"), &body);
    assert_eq!(answer.status, 200, "{answer:?}");
    let reply = answer.json();
    assert_eq!(
        reply["fulfillmentResponse"]["messages"][0]["text"]["text"][0],
        "Sorry, I can't get the weather right now. Please try again in a moment.",
        "{reply}"
    );
    assert_eq!(reply["sessionInfo"]["parameters"]["weather_found"], false);
    let peak = server.peak_rss_kib();
    assert!(peak < 64 * 1024, "peak RSS {peak} KiB");
    let sent = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(sent < 64 * 1024 * 1024, "the provider sent {sent} bytes");
}

#[test]
fn serve_on_a_platform_with_sqlite_data_warns_that_it_lives_in_this_instance_only() {
    let warning = "with data in SQLite: accounts (cxhook.db), bookings (cxhook.db) and memory \
                   (cxhook.db) live in this instance only";
    // Cloud Run sets PORT and K_SERVICE; --addr keeps the test on loopback.
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("PORT", "8080"), ("K_SERVICE", "cxhook")],
    );
    assert_eq!(get(&server.url("/readyz")).status, 200);
    let stopped = server.stop();
    assert!(
        stopped.stderr.contains(&format!(
            "running on Cloud Run (K_SERVICE is set) {warning}"
        )),
        "{}",
        stopped.stderr
    );

    // Off a platform, or with both integrations and memory elsewhere than SQLite: no
    // warning.
    let plain = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let elsewhere = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[
            ("PORT", "8080"),
            ("CXHOOK_ACCOUNTS__ENABLED", "false"),
            ("CXHOOK_BOOKING__ENABLED", "false"),
            ("CXHOOK_MEMORY__ENABLED", "false"),
        ],
    );
    for server in [plain, elsewhere] {
        // Serving, its SIGTERM handler is in place.
        assert_eq!(get(&server.url("/readyz")).status, 200);
        let stopped = server.stop();
        assert!(stopped.status.success(), "{stopped:?}");
        assert!(!stopped.stderr.contains("SQLite"), "{}", stopped.stderr);
    }
}
