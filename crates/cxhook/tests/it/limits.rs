//! Edge limits: calls at once (503), JSON nesting (400), header size (431), slow clients
//! (their connection is closed, a slow body gets 408), and serving goes on after each.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cxhook::server::{Limits, MAX_JSON_DEPTH, Webhook, serve_with_shutdown};
use cxhook::{Reply, Router};
use http::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use crate::support::{post, request};

/// `levels` nested one-key objects around a string.
fn nested(levels: usize) -> Value {
    (0..levels).fold(json!("bottom"), |inner, _| json!({ "a": inner }))
}

#[tokio::test]
async fn calls_over_the_concurrency_cap_get_503_with_a_json_body() {
    let entered = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let router = Router::new().route("slow", {
        let (entered, release) = (Arc::clone(&entered), Arc::clone(&release));
        move || {
            let (entered, release) = (Arc::clone(&entered), Arc::clone(&release));
            async move {
                entered.notify_one();
                release.notified().await;
                Reply::text("done")
            }
        }
    });
    let limits = Limits {
        concurrency: 1,
        ..Limits::default()
    };
    let app = Webhook::new(router).limits(limits).into_axum();
    let first = tokio::spawn({
        let app = app.clone();
        async move { post(&app, &request("slow", json!({}))).await.first_text() }
    });
    entered.notified().await;

    let response = tower::ServiceExt::oneshot(
        app.clone(),
        crate::support::post_request(serde_json::to_vec(&request("slow", json!({}))).unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "overloaded");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("limit of 1 call")
    );

    release.notify_one();
    assert_eq!(first.await.unwrap(), "done");
    // The permit is back: the next call is answered.
    let next = tokio::spawn({
        let app = app.clone();
        async move { post(&app, &request("slow", json!({}))).await.first_text() }
    });
    entered.notified().await;
    release.notify_one();
    assert_eq!(next.await.unwrap(), "done");
}

#[tokio::test]
async fn bodies_nested_too_deep_get_a_400_naming_the_limit() {
    let app = Webhook::new(Router::new().route("ok", || async { "fine" })).into_axum();
    let shallow = post(&app, &request("ok", json!({ "deep": nested(40) }))).await;
    assert_eq!(shallow.first_text(), "fine");
    // Deeper than our limit, and deeper than serde_json's own 128 levels: both get the
    // same clear answer.
    for levels in [MAX_JSON_DEPTH, 200, 5000] {
        let text = format!(
            "{{\"sessionInfo\":{{\"parameters\":{{\"x\":{}{}}}}}}}",
            "[".repeat(levels),
            "]".repeat(levels)
        );
        let answered =
            crate::support::send(&app, crate::support::post_request(text.into_bytes())).await;
        assert_eq!(answered.status, StatusCode::BAD_REQUEST, "{levels}");
        assert_eq!(answered.body["error"], "too_deep");
        assert_eq!(
            answered.body["message"],
            format!("the JSON body nests deeper than the limit of {MAX_JSON_DEPTH} levels")
        );
    }
    assert_eq!(
        post(&app, &request("ok", json!({}))).await.first_text(),
        "fine"
    );
}

/// Serves a small webhook with these limits on 127.0.0.1; its address.
async fn start(limits: Limits) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let webhook = Webhook::new(Router::new().route("ok", || async { "fine" })).limits(limits);
    tokio::spawn(serve_with_shutdown(
        listener,
        webhook,
        std::future::pending(),
    ));
    addr
}

async fn still_serves(addr: std::net::SocketAddr) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhook"))
        .json(&request("ok", json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// Reads what the server sends until it closes the connection, for at most `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&received).into_owned())
}

#[tokio::test]
async fn a_slowloris_client_is_cut_off_at_the_header_read_timeout() {
    let addr = start(Limits {
        header_read_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // One header byte every 50 ms, for as long as the server lets us (at most 5 s).
    let mut cut_off = false;
    while started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut probe = [0u8; 64];
        match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await {
            Ok(Ok(0) | Err(_)) => {
                cut_off = true;
                break;
            }
            Ok(Ok(_)) => {
                // A 408 answer before closing is fine too.
                cut_off = true;
                break;
            }
            Err(_) => {}
        }
        if stream.write_all(b"X").await.is_err() {
            cut_off = true;
            break;
        }
    }
    assert!(cut_off, "the slow client was never cut off");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "cut off after {:?}",
        started.elapsed()
    );
    still_serves(addr).await;
}

#[tokio::test]
async fn a_slow_body_gets_408_at_the_request_timeout() {
    let addr = start(Limits {
        request_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"fulfillm",
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("the server answers and closes within 5 s");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"request_timeout\""), "{answer}");
    still_serves(addr).await;
}

/// The default cap, 8 KiB, is also each connection's read buffer: a head of 6 KiB and a body
/// several times the buffer still go through, a head of 9 KiB gets 431.
#[tokio::test]
async fn default_header_cap_is_8_kib() {
    let addr = start(Limits::default()).await;
    let client = reqwest::Client::new();
    let mut body = request("ok", json!({}));
    body["payload"] = json!({"filler": "f".repeat(40 * 1024)});
    let answered = client
        .post(format!("http://{addr}/webhook"))
        .header("x-token", "t".repeat(6 * 1024))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    let refused = client
        .post(format!("http://{addr}/webhook"))
        .header("x-token", "t".repeat(9 * 1024))
        .json(&request("ok", json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );
    still_serves(addr).await;
}

#[tokio::test]
async fn oversized_headers_get_431() {
    let addr = start(Limits {
        max_header_bytes: 16 * 1024,
        max_headers: 20,
        ..Limits::default()
    })
    .await;
    let big = format!("x-big: {}\r\n", "a".repeat(32 * 1024));
    let many: String = (0..30).map(|n| format!("x-h{n}: v\r\n")).collect();
    for headers in [big, many] {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}\
             Content-Length: 2\r\n\r\n{{}}"
        );
        // The server may stop reading (and close) before the whole head is written.
        let _ = stream.write_all(head.as_bytes()).await;
        let answer = read_until_closed(&mut stream, Duration::from_secs(5))
            .await
            .expect("the server answers and closes within 5 s");
        assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    }
    still_serves(addr).await;
}

/// Sends `bytes` on a new connection and reads what comes back until the server closes it.
async fn exchange(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before everything is written.
    let _ = stream.write_all(bytes).await;
    read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("the server answers and closes within 5 s")
}

#[tokio::test]
async fn silent_connections_and_a_stalled_http2_preface_close_at_the_header_timeout() {
    let addr = start(Limits {
        header_read_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let mut preface = TcpStream::connect(addr).await.unwrap();
    preface.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    for stream in [&mut silent, &mut preface] {
        let read = read_until_closed(stream, Duration::from_secs(5)).await;
        assert_eq!(read.as_deref(), Some(""), "closed without an answer");
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "closed after {:?}",
        started.elapsed()
    );
    still_serves(addr).await;
}

/// Between calls, an HTTP/1.1 connection stays open for the idle timeout, longer than the
/// header read timeout, and is closed after it.
#[tokio::test]
async fn an_idle_keep_alive_connection_closes_at_the_idle_timeout() {
    let addr = start(Limits {
        header_read_timeout: Duration::from_millis(100),
        idle_timeout: Duration::from_millis(1500),
        ..Limits::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 1024];
    let n = stream.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Still open past the header read timeout: a second call on it is answered.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let n = stream.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    let idle = Instant::now();
    let rest = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(rest.as_deref(), Some(""), "closed with nothing more sent");
    assert!(
        idle.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        idle.elapsed()
    );
}

#[tokio::test]
async fn at_the_connection_cap_the_longest_idle_connection_makes_room() {
    let addr = start(Limits {
        max_connections: 4,
        ..Limits::default()
    })
    .await;
    let mut silent = Vec::new();
    for _ in 0..4 {
        silent.push(TcpStream::connect(addr).await.unwrap());
        // Accepted in this order, so that the first is the longest idle.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    still_serves(addr).await;
    let first = read_until_closed(&mut silent[0], Duration::from_secs(2)).await;
    assert_eq!(first.as_deref(), Some(""), "the longest idle was closed");
    let mut probe = [0u8; 1];
    let second = tokio::time::timeout(Duration::from_millis(200), silent[1].read(&mut probe)).await;
    assert!(second.is_err(), "the others stay open: {second:?}");
}

#[tokio::test]
async fn a_client_that_half_closes_after_its_request_gets_the_answer() {
    let addr = start(Limits::default()).await;
    let body = serde_json::to_vec(&request("ok", json!({}))).unwrap();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body).await.unwrap();
        stream.shutdown().await.unwrap();
        let answer = read_until_closed(&mut stream, Duration::from_secs(5))
            .await
            .expect("answered within 5 s");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("fine"), "{answer}");
    }
}

/// A call whose client goes away runs to its end: what it writes is never left half-done.
#[tokio::test]
async fn a_call_runs_to_its_end_when_its_client_goes_away() {
    let finished = Arc::new(Notify::new());
    let entered = Arc::new(Notify::new());
    let router = Router::new().route("slow", {
        let (finished, entered) = (Arc::clone(&finished), Arc::clone(&entered));
        move || {
            let (finished, entered) = (Arc::clone(&finished), Arc::clone(&entered));
            async move {
                entered.notify_one();
                tokio::time::sleep(Duration::from_millis(300)).await;
                finished.notify_one();
                Reply::text("done")
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_with_shutdown(
        listener,
        Webhook::new(router),
        std::future::pending(),
    ));
    let body = serde_json::to_vec(&request("slow", json!({}))).unwrap();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    entered.notified().await;
    drop(stream);
    tokio::time::timeout(Duration::from_secs(5), finished.notified())
        .await
        .expect("the call ran to its end");
}

#[tokio::test]
async fn an_http11_request_without_exactly_one_host_gets_400_with_a_json_body() {
    let addr = start(Limits::default()).await;
    for (head, problem) in [
        ("GET /healthz HTTP/1.1\r\n\r\n", "must have a Host header"),
        (
            "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "only one Host header",
        ),
    ] {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 4096];
        let n = stream.read(&mut answer).await.unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        let body: Value = serde_json::from_str(answer.split_once("\r\n\r\n").unwrap().1).unwrap();
        assert_eq!(body["error"], "bad_host", "{answer}");
        assert!(
            body["message"].as_str().unwrap().contains(problem),
            "{answer}"
        );
    }
    // HTTP/1.0 needs no Host.
    let answer = exchange(addr, b"GET /healthz HTTP/1.0\r\n\r\n").await;
    assert!(
        answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"),
        "{answer}"
    );
}

/// The errors hyper answers on its own, before any service sees the request, carry the same
/// JSON error body as every other answer.
#[tokio::test]
async fn transport_errors_carry_a_json_body() {
    let addr = start(Limits {
        max_header_bytes: 16 * 1024,
        max_headers: 20,
        ..Limits::default()
    })
    .await;
    let post = |headers: &str| {
        format!(
            "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}\r\n{{}}"
        )
        .into_bytes()
    };
    let many: String = (0..30).map(|n| format!("x-h{n}: v\r\n")).collect();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "garbage request line",
            b"HELLO THERE\r\n\r\n".to_vec(),
            "400",
            "bad_request",
        ),
        (
            "TLS hello",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03abcdefghijklmnopqrstuvwxyz012345"
                .to_vec(),
            "400",
            "bad_request",
        ),
        (
            "conflicting Content-Length",
            post("Content-Length: 2\r\nContent-Length: 3\r\n"),
            "400",
            "bad_request",
        ),
        (
            "negative Content-Length",
            post("Content-Length: -2\r\n"),
            "400",
            "bad_request",
        ),
        (
            "2^64 Content-Length",
            post("Content-Length: 18446744073709551616\r\n"),
            "400",
            "bad_request",
        ),
        (
            "NUL in a header",
            post("Content-Length: 2\r\nX-A: a\0b\r\n"),
            "400",
            "bad_request",
        ),
        (
            "DEL in a header",
            post("Content-Length: 2\r\nX-A: a\x7fb\r\n"),
            "400",
            "bad_request",
        ),
        (
            "a head over the limit",
            post(&format!(
                "Content-Length: 2\r\nx-big: {}\r\n",
                "a".repeat(32 * 1024)
            )),
            "431",
            "header_fields_too_large",
        ),
        (
            "too many headers",
            post(&format!("Content-Length: 2\r\n{many}")),
            "431",
            "header_fields_too_large",
        ),
    ];
    for (case, bytes, status, code) in cases {
        let answer = exchange(addr, &bytes).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{case}: {answer}"
        );
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains("content-type: application/json"),
            "{case}: {answer}"
        );
        let body: Value = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("{case}: not JSON ({e}): {answer}"));
        assert_eq!(body["error"], code, "{case}: {answer}");
    }
    still_serves(addr).await;
}

/// After a call, a head that starts but does not finish gets the header read timeout, not
/// the longer idle timeout.
#[tokio::test]
async fn a_slow_second_head_is_cut_off_at_the_header_read_timeout() {
    let addr = start(Limits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_secs(30),
        ..Limits::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 1024];
    let n = stream.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost:")
        .await
        .unwrap();
    let rest = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(
        rest.as_deref(),
        Some(""),
        "closed within 5 s, without an answer"
    );
}
