//! Recording calls: one whole JSON line per call with its final answer, secrets redacted
//! where they appear, appended off the request path, and dropped (and counted) rather than
//! waited for when the writer cannot keep up.

use std::path::Path;

use cxhook::server::record::{REDACTED, Recorded, Recorder, Redaction};
use cxhook::server::{Endpoint, Webhook};
use cxhook::{Reply, Router};
use serde_json::{Value, json};

use crate::support::{keep_for_contract, request};

/// A router whose `secrets` handler answers with secret-looking values in every place a
/// response can hold them.
fn router() -> Router {
    Router::new()
        .route("hello", || async {
            Reply::text("Hello!").set_param("greeted", true)
        })
        .route("secrets", || async {
            Reply::text("Noted.")
                .set_param("pin", "4321")
                .set_param("city", "Paris")
                .clear_param("api_token")
                .set_form_value("card_number", "4111111111111111")
                .set_form_value("date", "2026-12-01")
                .response_payload(json!({"account": {"password": "hunter2", "tier": "gold"}}))
        })
}

fn endpoint(recorder: &Recorder) -> Endpoint {
    Webhook::new(router())
        .record(recorder.clone())
        .into_endpoint()
}

/// The recorded requests and responses as JSON text: what must not hold a secret. The time
/// and the elapsed microseconds are left out, as their digits may spell one by chance.
fn bodies(path: &Path) -> String {
    lines(path)
        .iter()
        .map(|record| json!([record.request, record.response]).to_string())
        .collect()
}

fn lines(path: &Path) -> Vec<Recorded> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// A request that carries secrets in the session, the intent, the form and the payload.
fn secret_request() -> Value {
    let mut body = request(
        "secrets",
        json!({"user_id": "u-1001", "pin": "1234", "cardNumber": 4111, "city": "Paris", "otp": null}),
    );
    body["intentInfo"]["parameters"] = json!({
        "pin": {"originalValue": "one two three four", "resolvedValue": 1234},
        "city": {"originalValue": "paris", "resolvedValue": "Paris"}
    });
    body["pageInfo"]["formInfo"]["parameterInfo"] = json!([
        {"displayName": "date", "state": "FILLED", "value": "2026-12-01"},
        {"displayName": "card_number", "state": "FILLED", "value": "4111111111111111"}
    ]);
    body["payload"] = json!({"telephony": {"caller_id": "+15550100", "auth": {"apiKey": "k-1"}},
                             "items": [{"secret": "s"}, {"name": "n"}]});
    body
}

#[tokio::test]
async fn each_call_is_one_line_with_its_final_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    let recorder = Recorder::builder(&path).open().unwrap();
    let endpoint = endpoint(&recorder);
    let sent = [
        request("hello", json!({"name": "Ada"})),
        request("no.such.tag", json!({})),
    ];
    let mut answers = Vec::new();
    for body in &sent {
        answers.push(endpoint.answer(&serde_json::to_vec(body).unwrap()).await);
    }
    recorder.close().unwrap();

    let recorded = lines(&path);
    assert_eq!(recorded.len(), 2);
    for ((record, body), answer) in recorded.iter().zip(&sent).zip(&answers) {
        assert_eq!(&record.request, body);
        assert_eq!(record.status, answer.status.as_u16());
        let response: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(record.response, response);
        keep_for_contract(&record.response);
        assert!(record.redacted.is_empty(), "{record:?}");
        assert!(record.elapsed_us.is_some());
        assert!(
            record.time.parse::<jiff::Timestamp>().is_ok(),
            "{}",
            record.time
        );
    }
    assert_eq!(
        recorded[0].response["sessionInfo"]["parameters"]["greeted"],
        json!(true)
    );
    assert_eq!(recorder.dropped(), 0);
}

#[tokio::test]
async fn secrets_are_redacted_in_the_request_and_the_response() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    let recorder = Recorder::builder(&path)
        .redaction(Redaction::new().names(["USER_ID"]))
        .open()
        .unwrap();
    let body = secret_request();
    let answer = endpoint(&recorder)
        .answer(&serde_json::to_vec(&body).unwrap())
        .await;
    assert_eq!(answer.status, 200);
    recorder.close().unwrap();

    let [record] = <[Recorded; 1]>::try_from(lines(&path)).unwrap();
    let request = &record.request;
    let params = &request["sessionInfo"]["parameters"];
    assert_eq!(params["user_id"], REDACTED, "a configured name");
    assert_eq!(params["pin"], REDACTED);
    assert_eq!(params["cardNumber"], REDACTED);
    assert_eq!(params["city"], "Paris");
    assert_eq!(params["otp"], Value::Null, "null holds nothing to hide");
    let intent = &request["intentInfo"]["parameters"];
    assert_eq!(intent["pin"]["originalValue"], REDACTED);
    assert_eq!(intent["pin"]["resolvedValue"], REDACTED);
    assert_eq!(intent["city"]["resolvedValue"], "Paris");
    let form = &request["pageInfo"]["formInfo"]["parameterInfo"];
    assert_eq!(form[0]["value"], "2026-12-01");
    assert_eq!(form[1]["value"], REDACTED);
    assert_eq!(form[1]["state"], "FILLED");
    let payload = &request["payload"];
    assert_eq!(payload["telephony"]["caller_id"], "+15550100");
    assert_eq!(payload["telephony"]["auth"], REDACTED);
    assert_eq!(payload["items"][0]["secret"], REDACTED);
    assert_eq!(payload["items"][1]["name"], "n");
    assert_eq!(
        request["text"], body["text"],
        "the user's words are kept by default"
    );

    let response = &record.response;
    assert_eq!(response["sessionInfo"]["parameters"]["pin"], REDACTED);
    assert_eq!(response["sessionInfo"]["parameters"]["city"], "Paris");
    assert_eq!(
        response["sessionInfo"]["parameters"]["api_token"],
        Value::Null
    );
    let form = response["pageInfo"]["formInfo"]["parameterInfo"]
        .as_array()
        .unwrap();
    let value_of = |name: &str| {
        form.iter()
            .find(|p| p["displayName"] == name)
            .unwrap_or_else(|| panic!("{name} in {form:?}"))["value"]
            .clone()
    };
    assert_eq!(value_of("card_number"), REDACTED);
    assert_eq!(value_of("date"), "2026-12-01");
    let account = &response["payload"]["account"];
    assert_eq!(account["password"], REDACTED);
    assert_eq!(account["tier"], "gold");

    for path in [
        "request.sessionInfo.parameters.user_id",
        "request.sessionInfo.parameters.pin",
        "request.intentInfo.parameters.pin.resolvedValue",
        "request.pageInfo.formInfo.parameterInfo[1].value",
        "request.payload.telephony.auth",
        "request.payload.items[0].secret",
        "response.sessionInfo.parameters.pin",
        "response.payload.account.password",
    ] {
        assert!(
            record.redacted.iter().any(|p| p == path),
            "{path} not in {:?}",
            record.redacted
        );
    }
    let text = bodies(&path);
    for secret in [
        "1234",
        "4111111111111111",
        "hunter2",
        "k-1",
        "4321",
        "u-1001",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[tokio::test]
async fn what_the_user_said_is_redacted_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    let recorder = Recorder::builder(&path)
        .redaction(Redaction::new().text(true))
        .open()
        .unwrap();
    let endpoint = endpoint(&recorder);
    let mut typed = request("hello", json!({}));
    typed["text"] = json!("my pin is 1234");
    let mut pressed = request("hello", json!({}));
    pressed.as_object_mut().unwrap().remove("text");
    pressed["dtmfDigits"] = json!("1234");
    for body in [&typed, &pressed] {
        endpoint.answer(&serde_json::to_vec(body).unwrap()).await;
    }
    recorder.close().unwrap();
    let recorded = lines(&path);
    assert_eq!(recorded[0].request["text"], REDACTED);
    assert_eq!(recorded[1].request["dtmfDigits"], REDACTED);
    assert_eq!(recorded[0].redacted, ["request.text"]);
    assert!(!bodies(&path).contains("1234"));
}

#[tokio::test]
async fn only_webhook_requests_are_recorded_and_the_file_is_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    std::fs::write(&path, "{\"kept\":true}\n").unwrap();
    let recorder = Recorder::builder(&path).open().unwrap();
    let endpoint = endpoint(&recorder);
    assert_eq!(endpoint.answer(b"{not json").await.status, 400);
    assert_eq!(endpoint.answer(b"[1, 2]").await.status, 400);
    let body = request("hello", json!({}));
    endpoint.answer(&serde_json::to_vec(&body).unwrap()).await;
    recorder.close().unwrap();
    recorder.close().unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], "{\"kept\":true}");
    let record: Recorded = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(record.request, body);

    endpoint.answer(&serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(recorder.dropped(), 1, "a closed recorder records nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_give_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    let recorder = Recorder::builder(&path).open().unwrap();
    let endpoint = endpoint(&recorder);
    let calls: Vec<_> = (0..200)
        .map(|i| {
            let endpoint = endpoint.clone();
            let mut body = secret_request();
            body["detectIntentResponseId"] = json!(format!("r-{i}"));
            tokio::spawn(async move { endpoint.answer(&serde_json::to_vec(&body).unwrap()).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().status, 200);
    }
    recorder.close().unwrap();
    let mut ids: Vec<String> = lines(&path)
        .iter()
        .map(|record| {
            record.request["detectIntentResponseId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    assert_eq!(recorder.dropped(), 0);
}

#[test]
fn a_file_that_cannot_be_opened_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("calls.jsonl");
    let error = Recorder::builder(&path).open().unwrap_err();
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
}

/// The writer is held up on a pipe nobody reads yet: calls go on being answered, the queue
/// fills, and what does not fit is dropped and counted; whatever was written is whole lines.
#[cfg(unix)]
#[tokio::test]
async fn a_stuck_writer_drops_records_instead_of_holding_calls() {
    use std::io::Read;

    let metrics = cxhook::server::install_metrics().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("calls.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (start_reading, reading) = std::sync::mpsc::channel::<()>();
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut pipe = std::fs::File::open(reader_path).unwrap();
        reading.recv().unwrap();
        let mut text = String::new();
        pipe.read_to_string(&mut text).unwrap();
        text
    });
    let recorder = Recorder::builder(&fifo).queue(2).open().unwrap();
    let endpoint = endpoint(&recorder);
    let mut body = request("hello", json!({}));
    // Each line is larger than 4 KiB, so the pipe's buffer holds a few lines at most.
    body["payload"] = json!({"note": "x".repeat(4096)});
    let bytes = serde_json::to_vec(&body).unwrap();
    let calls = 300;
    for _ in 0..calls {
        assert_eq!(endpoint.answer(&bytes).await.status, 200);
    }
    let dropped = recorder.dropped();
    assert!(dropped > 0);
    start_reading.send(()).unwrap();
    recorder.close().unwrap();
    let text = reader.join().unwrap();
    let written: Vec<Recorded> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(text.ends_with('\n'));
    assert_eq!(u64::try_from(written.len()).unwrap() + dropped, calls);

    let rendered = metrics.render();
    let counted: f64 = rendered
        .lines()
        .find_map(|line| line.strip_prefix("cxhook_record_dropped_total "))
        .unwrap_or_else(|| panic!("no drop counter in {rendered}"))
        .parse()
        .unwrap();
    assert!(counted >= dropped as f64, "{counted} < {dropped}");
}
