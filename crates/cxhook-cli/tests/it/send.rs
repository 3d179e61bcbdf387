//! `cxhook send`: the request it builds, how it reads answers out, and what it calls wrong.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

use crate::support::{
    Run, Server, Stub, cxhook, cxhook_run, fixture, free_port, keep_for_contract, run,
};

/// A stub that answers every call with this status and body.
fn answering(status: u16, body: String) -> Stub {
    let status = StatusCode::from_u16(status).unwrap();
    let app = axum::Router::new().route(
        "/webhook",
        post(move || async move { (status, [("content-type", "application/json")], body) }),
    );
    Stub::start(app)
}

/// The last request a recording stub got: its content type and body.
type Seen = Arc<Mutex<Option<(String, Value)>>>;

/// A stub that keeps the last request and answers with `reply`.
fn recording(reply: Value) -> (Stub, Seen) {
    let seen = Arc::new(Mutex::new(None));
    let kept = seen.clone();
    let app = axum::Router::new().route(
        "/webhook",
        post(move |headers: HeaderMap, body: String| async move {
            let content_type = headers["content-type"].to_str().unwrap().to_owned();
            *kept.lock().unwrap() = Some((content_type, serde_json::from_str(&body).unwrap()));
            ([("content-type", "application/json")], reply.to_string())
        }),
    );
    (Stub::start(app), seen)
}

fn send(url: &str, args: &[&str]) -> Run {
    let mut all = vec!["send", url];
    all.extend_from_slice(args);
    cxhook_run(&all)
}

fn wrong(run: &Run, says: &str) {
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("cxhook: wrong answer: "), "{run:?}");
    assert!(run.stderr.contains(says), "{run:?}");
}

#[test]
fn send_to_serve_reads_out_the_fallback() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let run = send(&server.url("/webhook"), &["--tag", "no.such.tag"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let mut lines = run.stdout.lines();
    let status = lines.next().unwrap();
    assert!(
        status.starts_with("HTTP 200 OK in ") && status.ends_with(" ms"),
        "{run:?}"
    );
    assert_eq!(
        lines.next(),
        Some("text: Sorry, I can't help with that right now."),
        "{run:?}"
    );
}

#[test]
fn send_builds_a_request_like_dialogflows() {
    let reply = json!({
        "fulfillmentResponse": {"messages": [{"text": {"text": ["Hello, Ada!"]}}]},
        "sessionInfo": {"parameters": {"draft": null, "greeted": true}},
        "pageInfo": {"formInfo": {"parameterInfo": [{"displayName": "date", "state": "INVALID"}]}},
        "targetPage": "projects/p/locations/global/agents/a/flows/f/pages/END_SESSION"
    });
    let (stub, seen) = recording(reply);
    let run = send(
        &stub.url,
        &[
            "--tag",
            "greet",
            "--text",
            "hi there",
            "-p",
            "n=4",
            "-p",
            "name=Ada",
            "--session",
            "s-42",
            "--lang",
            "de",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<_> = run.stdout.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "text: Hello, Ada!",
            "delete draft",
            "set greeted = true",
            "form date: INVALID",
            "go to page projects/p/locations/global/agents/a/flows/f/pages/END_SESSION",
        ],
        "{run:?}"
    );

    let (content_type, request) = seen.lock().unwrap().take().unwrap();
    assert_eq!(content_type, "application/json");
    assert_eq!(request["fulfillmentInfo"]["tag"], "greet");
    assert_eq!(request["text"], "hi there");
    assert_eq!(request["languageCode"], "de");
    assert_eq!(
        request["sessionInfo"]["parameters"],
        json!({"n": 4, "name": "Ada"})
    );
    let agent =
        "projects/cxhook-local/locations/global/agents/00000000-0000-0000-0000-00000000c0de";
    assert_eq!(
        request["sessionInfo"]["session"],
        format!("{agent}/sessions/s-42")
    );
    assert_eq!(
        request["pageInfo"]["currentPage"],
        format!("{agent}/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE")
    );
    assert_eq!(request["pageInfo"]["displayName"], "Start Page");
    let id = request["detectIntentResponseId"].as_str().unwrap();
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(id.as_bytes()[14], b'4', "a version 4 UUID: {id}");
}

#[test]
fn send_sends_a_file_from_stdin_with_the_tag_and_params_overridden() {
    let (stub, seen) = recording(json!({}));
    let mut command = cxhook();
    command.args([
        "send",
        &stub.url,
        "--file",
        "-",
        "--tag",
        "other.tag",
        "-p",
        "extra=1",
        "--json",
    ]);
    let run = run(command, &fixture("request-01-balance-lookup.json"));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout, "{}\n",
        "--json prints the body as it came, alone"
    );
    assert!(run.stderr.starts_with("HTTP 200 OK in "), "{run:?}");

    let (_, request) = seen.lock().unwrap().take().unwrap();
    assert_eq!(request["fulfillmentInfo"]["tag"], "other.tag");
    assert_eq!(
        request["sessionInfo"]["parameters"],
        json!({"account_type": "checking", "authenticated": true, "customer_id": "C-100234", "extra": 1})
    );
    assert_eq!(
        request["detectIntentResponseId"],
        "17fe9abe-8930-55a9-abc2-51c956ccc0d1"
    );
    assert_eq!(request["messages"][0]["responseType"], "HANDLER_PROMPT");
}

#[test]
fn a_file_that_is_no_request_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("request.json");
    std::fs::write(&file, r#"{"fulfillmentInfo": {"tag": 7}}"#).unwrap();
    let run = send(
        "http://127.0.0.1:9/webhook",
        &["--file", file.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("at `fulfillmentInfo.tag`"), "{run:?}");
}

#[test]
fn a_misspelled_field_is_wrong() {
    let body = json!({
        "fulfillmentResponse": {"messages": [{"text": {"text": ["Bye."]}}]},
        "targetPgae": "projects/p/locations/global/agents/a/flows/f/pages/END_SESSION"
    });
    let stub = answering(200, body.to_string());
    let run = send(&stub.url, &["--tag", "t"]);
    wrong(&run, "unknown field `targetPgae`");
    assert!(
        run.stdout.contains("text: Bye."),
        "the rest is still read out: {run:?}"
    );
}

#[test]
fn two_transition_targets_are_wrong() {
    let body = json!({"targetPage": "p", "targetFlow": "f"});
    let run = send(&answering(200, body.to_string()).url, &["--tag", "t"]);
    wrong(&run, "sets both `targetPage` and `targetFlow`");
}

#[test]
fn a_body_over_64_kib_is_wrong() {
    let text = "x".repeat(70 * 1024);
    let body = json!({"fulfillmentResponse": {"messages": [{"text": {"text": [text]}}]}});
    let run = send(&answering(200, body.to_string()).url, &["--tag", "t"]);
    wrong(
        &run,
        "more than the 65536 bytes (64 KiB) Dialogflow accepts",
    );
}

#[test]
fn a_server_error_is_wrong() {
    let stub = answering(500, r#"{"error": "boom"}"#.to_owned());
    let run = send(&stub.url, &["--tag", "t"]);
    wrong(&run, "the webhook answered HTTP 500;");
    assert!(
        run.stdout.starts_with("HTTP 500 Internal Server Error in "),
        "{run:?}"
    );
    assert!(run.stdout.contains(r#"body: {"error": "boom"}"#), "{run:?}");
}

#[test]
fn a_body_that_is_not_json_is_wrong() {
    let run = send(&answering(200, "OK".to_owned()).url, &["--tag", "t"]);
    wrong(&run, "the body is not JSON");
}

#[test]
fn an_output_only_message_is_wrong() {
    let body = json!({"fulfillmentResponse": {"messages": [{"endInteraction": {}}]}});
    let run = send(&answering(200, body.to_string()).url, &["--tag", "t"]);
    wrong(
        &run,
        "`endInteraction` message, which only Dialogflow may produce",
    );
}

#[test]
fn a_refused_connection_is_a_network_error() {
    let url = format!("http://127.0.0.1:{}/webhook", free_port());
    let run = send(&url, &["--tag", "t"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("cxhook: cannot get an answer from"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn a_slow_webhook_is_a_network_error() {
    let app = axum::Router::new().route(
        "/webhook",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            "{}"
        }),
    );
    let stub = Stub::start(app);
    let run = send(&stub.url, &["--tag", "t", "--timeout", "200ms"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("within 200 ms"), "{run:?}");
}

/// The readable lines of a run, after the status line.
fn reply_lines(run: &Run) -> Vec<&str> {
    assert_eq!(run.code, Some(0), "{run:?}");
    let mut lines = run.stdout.lines();
    let status = lines.next().unwrap_or_default();
    assert!(status.starts_with("HTTP 200 OK in "), "{run:?}");
    lines.collect()
}

/// A weather provider that knows Paris, answering like Open-Meteo.
fn weather_provider() -> Stub {
    use axum::routing::get;
    let answer = |body: Value| ([("content-type", "application/json")], body.to_string());
    let search = json!({"results": [{
        "name": "Paris", "latitude": 48.85, "longitude": 2.35, "country": "France"
    }]});
    let forecast = json!({"current": {
        "time": "2026-11-27T16:30", "temperature_2m": 7.3, "weather_code": 3, "wind_speed_10m": 12.4
    }});
    Stub::start(
        axum::Router::new()
            .route("/v1/search", get(move || async move { answer(search) }))
            .route("/v1/forecast", get(move || async move { answer(forecast) })),
    )
}

/// A Tuesday two weeks or more ahead in the booking integration's time zone, as a
/// `@sys.date` value.
fn bookable_tuesday() -> String {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("America/New_York").unwrap())
        .date();
    let mut day = today.checked_add(jiff::Span::new().days(14)).unwrap();
    while day.weekday() != jiff::civil::Weekday::Tuesday {
        day = day.tomorrow().unwrap();
    }
    json!({"year": day.year(), "month": day.month(), "day": day.day()}).to_string()
}

#[test]
fn send_shows_each_built_in_tags_reply() {
    let provider = weather_provider();
    let base = provider.url.trim_end_matches("/webhook").to_owned();
    let (search, forecast) = (format!("{base}/v1/search"), format!("{base}/v1/forecast"));
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[
            ("CXHOOK_WEATHER__GEOCODING_URL", &search),
            ("CXHOOK_WEATHER__FORECAST_URL", &forecast),
        ],
    );
    let url = server.url("/webhook");

    let balance = send(
        &url,
        &[
            "--tag",
            "account.balance",
            "-p",
            "user_id=u-1001",
            "--lang",
            "en-US",
        ],
    );
    assert_eq!(
        reply_lines(&balance),
        [
            "text: The balance of account u-1001 is $1,250.75.",
            "set account_found = true",
            r#"set balance = "$1,250.75""#,
            "set balance_minor = 125075",
            r#"set currency = "USD""#,
            // Memory is on by default: u-1001 is known, with nothing remembered yet.
            "set memory_recalled = false",
        ]
    );

    let transactions = send(
        &url,
        &[
            "--tag",
            "account.transactions",
            "-p",
            "user_id=u-1002",
            "-p",
            "count=2",
        ],
    );
    let lines = reply_lines(&transactions);
    assert!(
        lines[0].starts_with("text: The last 2 transactions on account u-1002"),
        "{lines:?}"
    );
    assert!(lines.contains(&"set transaction_count = 2"), "{lines:?}");

    let unknown = send(&url, &["--tag", "account.balance", "-p", "user_id=u-9999"]);
    assert!(
        reply_lines(&unknown).contains(&"set account_found = false"),
        "{unknown:?}"
    );

    let weather = send(
        &url,
        &[
            "--tag",
            "weather.current",
            "-p",
            "city=Paris",
            "--text",
            "weather?",
        ],
    );
    let lines = reply_lines(&weather);
    assert!(
        lines[0].starts_with("text: ") && lines[0].contains("Paris"),
        "{lines:?}"
    );
    assert!(lines.contains(&"set weather_found = true"), "{lines:?}");
    assert!(
        lines.contains(&r#"set place = "Paris, France""#),
        "{lines:?}"
    );
    assert!(lines.contains(&"set temperature = 7.3"), "{lines:?}");

    // A page whose form collects the service: an unknown service is invalidated and cleared.
    let refused = send(
        &url,
        &[
            "--tag",
            "booking.validate",
            "--page",
            "Book Appointment",
            "--form",
            "service:FILLED:yoga",
            "--form",
            "date:EMPTY",
        ],
    );
    let lines = reply_lines(&refused);
    assert!(
        lines[0].starts_with("text: Sorry, we don't offer yoga."),
        "{lines:?}"
    );
    assert_eq!(
        lines[1..],
        ["delete service", "form service: INVALID"],
        "{lines:?}"
    );

    let date = format!("date={}", bookable_tuesday());
    let time = r#"time={"hours":10,"minutes":30,"seconds":0}"#;
    let slot = ["-p", "service=haircut", "-p", &date, "-p", time];
    let session = ["--session", "s-booking"];
    let valid = send(
        &url,
        &[&["--tag", "booking.validate"][..], &slot, &session].concat(),
    );
    let lines = reply_lines(&valid);
    assert!(
        lines[0].starts_with("text: Haircut on ") && lines[0].ends_with(" is available."),
        "{lines:?}"
    );

    let created = send(
        &url,
        &[&["--tag", "booking.create"][..], &slot, &session].concat(),
    );
    let lines = reply_lines(&created);
    let confirmation = lines
        .iter()
        .find_map(|line| line.strip_prefix("set confirmation_id = "))
        .unwrap_or_else(|| panic!("no confirmation: {lines:?}"));
    let confirmation: String = serde_json::from_str(confirmation).unwrap();
    assert!(confirmation.starts_with("BK-"), "{lines:?}");
    assert!(
        lines.contains(&r#"set booking_status = "confirmed""#),
        "{lines:?}"
    );

    let id = format!("confirmation_id={confirmation}");
    let cancelled = send(
        &url,
        &[&["--tag", "booking.cancel", "-p", &id][..], &session].concat(),
    );
    let lines = reply_lines(&cancelled);
    assert!(
        lines[0].ends_with(&format!("({confirmation}) is cancelled.")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"delete confirmation_id"),
        "the deletion is shown: {lines:?}"
    );
    assert!(
        lines.contains(&r#"set booking_status = "cancelled""#),
        "{lines:?}"
    );
}

#[test]
fn send_answers_in_process_without_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = cxhook();
    command
        .args([
            "send",
            "--in-process",
            "--tag",
            "account.balance",
            "-p",
            "user_id=u-1001",
            "--json",
        ])
        .current_dir(dir.path());
    let answered = run(command, "");
    assert_eq!(answered.code, Some(0), "{answered:?}");
    assert!(
        answered.stderr.starts_with("HTTP 200 OK in "),
        "{answered:?}"
    );
    let reply: Value = serde_json::from_str(&answered.stdout).unwrap();
    assert_eq!(
        reply["sessionInfo"]["parameters"]["balance_minor"], 125_075,
        "{reply}"
    );
    keep_for_contract(&reply);

    let mut command = cxhook();
    command
        .args([
            "send",
            "--in-process",
            "--config",
            "missing.toml",
            "--tag",
            "t",
        ])
        .current_dir(dir.path());
    let failed = run(command, "");
    assert_eq!(failed.code, Some(2), "{failed:?}");
    assert!(failed.stderr.contains("missing.toml"), "{failed:?}");
}

#[test]
fn send_json_prints_only_the_body_on_stdout() {
    let body = json!({"fulfillmentResponse": {"messages": [{"text": {"text": ["Hi."]}}]}});
    let stub = answering(200, body.to_string());
    let run = send(&stub.url, &["--tag", "t", "--json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let printed: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {run:?}"));
    assert_eq!(printed, body);
    assert!(run.stderr.starts_with("HTTP 200 OK in "), "{run:?}");

    // What a user pipes it to.
    let mut tool = std::process::Command::new("python3");
    tool.args(["-m", "json.tool"]);
    let piped = crate::support::run(tool, &run.stdout);
    assert_eq!(piped.code, Some(0), "{piped:?}");
}

#[test]
fn send_repeats_a_turn_and_sends_no_tag_when_asked() {
    let (stub, seen) = recording(json!({}));
    let last = || seen.lock().unwrap().take().unwrap().1;
    let run = send(&stub.url, &["--tag", "t", "--response-id", "turn-7"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(last()["detectIntentResponseId"], "turn-7");

    let run = send(&stub.url, &["--no-tag", "--text", "hi"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let request = last();
    assert_eq!(request["fulfillmentInfo"].get("tag"), None, "{request}");
    assert_eq!(request["text"], "hi");

    let mut command = cxhook();
    command.args(["send", &stub.url, "--file", "-", "--no-tag"]);
    let run = crate::support::run(command, &fixture("request-01-balance-lookup.json"));
    assert_eq!(run.code, Some(0), "{run:?}");
    let request = last();
    assert_eq!(request["fulfillmentInfo"].get("tag"), None, "{request}");
    assert_eq!(
        request["detectIntentResponseId"], "17fe9abe-8930-55a9-abc2-51c956ccc0d1",
        "the rest of the file is kept"
    );

    let both = send(&stub.url, &["--no-tag", "--tag", "t"]);
    assert_eq!(both.code, Some(2), "{both:?}");
}

#[test]
fn send_sends_each_query_kind_page_and_form() {
    let (stub, seen) = recording(json!({}));
    let last = || seen.lock().unwrap().take().unwrap().1;

    let run = send(&stub.url, &["--tag", "t", "--event", "welcome"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let request = last();
    assert_eq!(request["triggerEvent"], "welcome");
    assert_eq!(request.get("text"), None);

    let run = send(
        &stub.url,
        &[
            "--tag",
            "t",
            "--dtmf",
            "42#",
            "--page",
            "Book",
            "--form",
            r#"date:FILLED:{"year":2026,"month":12,"day":1}"#,
            "--form",
            "time:invalid",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let request = last();
    assert_eq!(request["dtmfDigits"], "42#");
    assert_eq!(request["pageInfo"]["displayName"], "Book");
    let page = request["pageInfo"]["currentPage"].as_str().unwrap();
    assert!(!page.ends_with("/START_PAGE"), "{page}");
    assert_eq!(
        request["pageInfo"]["formInfo"]["parameterInfo"],
        json!([
            {"displayName": "date", "state": "FILLED", "value": {"year": 2026, "month": 12, "day": 1}},
            {"displayName": "time", "state": "INVALID"}
        ])
    );
    assert_eq!(request["sessionInfo"]["parameters"]["date"]["day"], 1);

    let again = send(&stub.url, &["--tag", "t", "--page", "Book"]);
    assert_eq!(again.code, Some(0), "{again:?}");
    assert_eq!(
        last()["pageInfo"]["currentPage"],
        page,
        "a page's ID is stable"
    );
}

#[test]
fn flags_override_what_a_file_says() {
    let (stub, seen) = recording(json!({}));
    let mut command = cxhook();
    command.args([
        "send",
        &stub.url,
        "--file",
        "-",
        "--event",
        "retry",
        "--lang",
        "fr",
        "--form",
        "time:FILLED:\"10:00\"",
    ]);
    let run = run(command, &fixture("request-03-booking-form-partial.json"));
    assert_eq!(run.code, Some(0), "{run:?}");
    let (_, request) = seen.lock().unwrap().take().unwrap();
    assert_eq!(request["triggerEvent"], "retry");
    assert_eq!(request.get("text"), None, "one query kind: {request}");
    assert_eq!(request["languageCode"], "fr");
    assert_eq!(request["fulfillmentInfo"]["tag"], "booking.validate");
    let form = &request["pageInfo"]["formInfo"]["parameterInfo"];
    assert_eq!(
        form[1],
        json!({"displayName": "time", "required": true, "state": "FILLED", "value": "10:00"})
    );
    assert_eq!(form.as_array().unwrap().len(), 4, "{request}");
    assert_eq!(request["pageInfo"]["displayName"], "Book Table");
}

#[test]
fn a_file_is_sent_as_it_is_when_no_flag_changes_it() {
    let (stub, seen) = recording(json!({}));
    let mut command = cxhook();
    command.args(["send", &stub.url, "--file", "-"]);
    let captured = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/captured/request-with-undocumented-fields.json"),
    )
    .unwrap();
    let run = run(command, &captured);
    assert_eq!(run.code, Some(0), "{run:?}");
    let (_, request) = seen.lock().unwrap().take().unwrap();
    let sent: Value = serde_json::from_str(&captured).unwrap();
    assert_eq!(request, sent, "undocumented fields included");
}

#[test]
fn bad_request_flags_are_usage_errors() {
    let url = "http://127.0.0.1:9/webhook";
    let both = send(url, &["--tag", "t", "--text", "hi", "--event", "e"]);
    assert_eq!(both.code, Some(2), "{both:?}");
    assert!(both.stderr.contains("cannot be used with"), "{both:?}");
    let state = send(url, &["--tag", "t", "--form", "date:VALID"]);
    assert_eq!(state.code, Some(2), "{state:?}");
    assert!(
        state
            .stderr
            .contains("`VALID` is not a form parameter state"),
        "{state:?}"
    );
    let neither = cxhook_run(&["send", "--tag", "t"]);
    assert_eq!(neither.code, Some(2), "{neither:?}");
}

/// `send --in-process` of a weather lookup for Paris, with the provider at `base`.
fn weather_from(base: &str, extra: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut command = cxhook();
    command
        .args([
            "send",
            "--in-process",
            "--tag",
            "weather.current",
            "-p",
            "city=Paris",
        ])
        .env("CXHOOK_WEATHER__GEOCODING_URL", format!("{base}/v1/search"))
        .env(
            "CXHOOK_WEATHER__FORECAST_URL",
            format!("{base}/v1/forecast"),
        )
        .envs(extra.iter().copied())
        .current_dir(dir.path());
    run(command, "")
}

#[test]
fn a_failed_weather_provider_is_logged_with_its_cause() {
    let closed = weather_from(&format!("http://127.0.0.1:{}", free_port()), &[]);
    assert_eq!(closed.code, Some(0), "a polite reply still: {closed:?}");
    let warning = closed
        .stderr
        .lines()
        .find(|line| line.contains("weather provider failed"))
        .unwrap_or_else(|| panic!("no warning: {closed:?}"));
    assert!(
        warning.contains("geocoding: connection refused"),
        "{warning}"
    );

    // A provider that takes the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", silent.local_addr().unwrap());
    let slow = weather_from(&base, &[("CXHOOK_WEATHER__TIMEOUT_MS", "200")]);
    assert_eq!(slow.code, Some(0), "{slow:?}");
    assert!(
        slow.stderr
            .lines()
            .any(|line| line.contains("weather provider failed")
                && line.contains("geocoding: timed out")),
        "{slow:?}"
    );
}
