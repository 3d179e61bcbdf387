//! Extractors read the parsed request; rejections name what is missing or malformed, and
//! `Option<_>` is `None` for what is missing only.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cxhook::extract::{
    Form, FromWebhook, Intent, LanguageCode, Page, Params, Payload, Rejection, RejectionKind,
    Request, Session, State, Tag, UserInput,
};
use cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT;
use cxhook::types::Query;
use cxhook::{Call, Error, ErrorKind, Outcome, Router};
use cxhook_sim::TestClient;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::{call as send, request, typed};

fn call(body: serde_json::Value) -> Call {
    Call::new(typed(&body))
}

#[derive(Debug, Deserialize, PartialEq)]
struct Booking {
    user_id: String,
    party_size: u32,
    #[serde(default)]
    vip: bool,
}

#[test]
fn params_read_doubles_into_integers() {
    let call = call(request(
        "t",
        json!({"user_id": "u-1", "party_size": 4.0, "other": [1]}),
    ));
    let Params(booking) = Params::<Booking>::from_webhook(&call, &()).unwrap();
    assert_eq!(
        booking,
        Booking {
            user_id: "u-1".into(),
            party_size: 4,
            vip: false
        }
    );
}

#[test]
fn params_name_the_failing_field() {
    let missing = call(request("t", json!({"party_size": 4})));
    let err = Params::<Booking>::from_webhook(&missing, &()).unwrap_err();
    assert_eq!(err.field(), Some("user_id"));
    assert!(err.to_string().contains("missing field `user_id`"), "{err}");

    let mistyped = call(request("t", json!({"user_id": "u", "party_size": "four"})));
    let err = Params::<Booking>::from_webhook(&mistyped, &()).unwrap_err();
    assert_eq!(err.field(), Some("party_size"));
    assert!(
        err.to_string()
            .starts_with("session parameter `party_size`"),
        "{err}"
    );

    let fractional = call(request("t", json!({"user_id": "u", "party_size": 2.5})));
    let err = Params::<Booking>::from_webhook(&fractional, &()).unwrap_err();
    assert_eq!(err.field(), Some("party_size"));
}

#[derive(Debug, Deserialize)]
struct Slot {
    date: Value,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

#[test]
fn params_take_the_forms_value_over_the_sessions() {
    // The form has `date` (filled), `time` and `notes` (both empty).
    let both = call(request(
        "t",
        json!({"date": "2026-11-30", "time": "10:00", "notes": null}),
    ));
    let Params(slot) = Params::<Slot>::from_webhook(&both, &()).unwrap();
    assert_eq!(slot.date["month"].as_f64(), Some(12.0), "the form's date");
    assert_eq!(slot.time.as_deref(), Some("10:00"), "the session's time");
    assert_eq!(slot.notes, None);

    // A form value of the wrong type is named as the form's.
    let mut body = request("t", json!({"time": "10:00"}));
    body["pageInfo"]["formInfo"]["parameterInfo"][1]["value"] = json!(1030);
    let err = Params::<Slot>::from_webhook(&call(body), &()).unwrap_err();
    assert_eq!(err.kind(), RejectionKind::Invalid);
    assert!(
        err.to_string().starts_with("form parameter `time`"),
        "{err}"
    );

    // Without a form, the session's parameters alone.
    let mut body = request("t", json!({"date": "2026-11-30"}));
    body["pageInfo"]["formInfo"] = Value::Null;
    let Params(slot) = Params::<Slot>::from_webhook(&call(body), &()).unwrap();
    assert_eq!(slot.date, json!("2026-11-30"));
}

#[test]
fn session_form_intent_page_input_language_payload_tag_state() {
    let call = call(request("booking.create", json!({"name": "Ada"})));
    let session = Session::from_webhook(&call, &()).unwrap();
    assert_eq!(session.str_param("name"), Some("Ada"));
    assert_eq!(session.path().unwrap().session_id(), "s-1");

    let form = Form::from_webhook(&call, &()).unwrap();
    assert_eq!(form.params().len(), 3);
    assert!(form.contains("time"));
    assert_eq!(
        form.value("date"),
        Some(&json!({"year": 2026, "month": 12, "day": 1}))
    );

    let intent = Intent::from_webhook(&call, &()).unwrap();
    assert_eq!(intent.display_name(), "book");
    assert!((intent.confidence() - 0.9).abs() < 1e-6);

    let page = Page::from_webhook(&call, &()).unwrap();
    assert_eq!(page.display_name(), "Booking");
    assert_eq!(page.path().page_id(), "booking");

    let UserInput(query) = UserInput::from_webhook(&call, &()).unwrap();
    assert_eq!(query, Query::Text("book a table".into()));

    let LanguageCode(language) = LanguageCode::from_webhook(&call, &()).unwrap();
    assert_eq!(language, "en-GB");

    #[derive(Deserialize)]
    struct Telephony {
        telephony: Caller,
    }
    #[derive(Deserialize)]
    struct Caller {
        caller_id: String,
    }
    let Payload(payload) = Payload::<Telephony>::from_webhook(&call, &()).unwrap();
    assert_eq!(payload.telephony.caller_id, "+15550100");

    let Tag(tag) = Tag::from_webhook(&call, &()).unwrap();
    assert_eq!(tag, "booking.create");

    let State(state) = State::<u32>::from_webhook(&call, &7).unwrap();
    assert_eq!(state, 7);

    let Request(whole) = Request::from_webhook(&call, &()).unwrap();
    assert_eq!(whole.detect_intent_response_id, "r-1");
}

#[test]
fn absent_parts_reject_unless_optional() {
    let bare = call(json!({"fulfillmentInfo": {"tag": "t"}}));
    assert!(Intent::from_webhook(&bare, &()).is_err());
    assert!(Page::from_webhook(&bare, &()).is_err());
    assert!(UserInput::from_webhook(&bare, &()).is_err());
    assert!(
        Option::<Intent>::from_webhook(&bare, &())
            .unwrap()
            .is_none()
    );
    let result = Result::<Page, Rejection>::from_webhook(&bare, &()).unwrap();
    assert!(result.unwrap_err().to_string().contains("currentPage"));
    assert!(Form::from_webhook(&bare, &()).unwrap().params().is_empty());
    let LanguageCode(language) = LanguageCode::from_webhook(&bare, &()).unwrap();
    assert_eq!(language, "en");
}

#[test]
fn rejections_say_whether_the_part_was_missing_or_invalid() {
    let missing = call(request("t", json!({"party_size": 4})));
    let err = Params::<Booking>::from_webhook(&missing, &()).unwrap_err();
    assert_eq!(err.kind(), RejectionKind::Missing);

    // A parameter of the wrong type wins over one that is missing.
    let mistyped = call(request("t", json!({"party_size": "four"})));
    let err = Params::<Booking>::from_webhook(&mistyped, &()).unwrap_err();
    assert_eq!(err.kind(), RejectionKind::Invalid);
    assert_eq!(err.field(), Some("party_size"));

    let error = Error::from(err.clone());
    assert_eq!(error.kind(), ErrorKind::Rejected);
    assert_eq!(error.rejection(), Some(&err));
    assert_eq!(Error::new(std::io::Error::other("disk")).rejection(), None);

    let bare = call(json!({"fulfillmentInfo": {"tag": "t"}}));
    let err = Intent::from_webhook(&bare, &()).unwrap_err();
    assert_eq!(err.kind(), RejectionKind::Missing);
}

#[test]
fn optional_extractors_are_none_when_the_part_is_absent() {
    let bare = call(json!({}));
    assert!(Option::<Form>::from_webhook(&bare, &()).unwrap().is_none());
    assert!(
        Option::<Intent>::from_webhook(&bare, &())
            .unwrap()
            .is_none()
    );
    assert!(Option::<Page>::from_webhook(&bare, &()).unwrap().is_none());
    assert!(
        Option::<UserInput>::from_webhook(&bare, &())
            .unwrap()
            .is_none()
    );
    assert!(
        Option::<LanguageCode>::from_webhook(&bare, &())
            .unwrap()
            .is_none()
    );
    assert!(Option::<Tag>::from_webhook(&bare, &()).unwrap().is_none());
    assert!(
        Option::<Payload<Value>>::from_webhook(&bare, &())
            .unwrap()
            .is_none()
    );
    assert!(
        Option::<Params<Booking>>::from_webhook(&bare, &())
            .unwrap()
            .is_none()
    );

    let full = call(request(
        "booking.create",
        json!({"user_id": "u", "party_size": 2}),
    ));
    assert_eq!(
        Option::<Form>::from_webhook(&full, &())
            .unwrap()
            .unwrap()
            .params()
            .len(),
        3
    );
    assert!(
        Option::<Intent>::from_webhook(&full, &())
            .unwrap()
            .is_some()
    );
    assert!(Option::<Page>::from_webhook(&full, &()).unwrap().is_some());
    assert!(
        Option::<UserInput>::from_webhook(&full, &())
            .unwrap()
            .is_some()
    );
    assert_eq!(
        Option::<LanguageCode>::from_webhook(&full, &()).unwrap(),
        Some(LanguageCode("en-GB".into()))
    );
    assert_eq!(
        Option::<Tag>::from_webhook(&full, &()).unwrap(),
        Some(Tag("booking.create".into()))
    );
    assert!(
        Option::<Payload<Value>>::from_webhook(&full, &())
            .unwrap()
            .is_some()
    );
    assert!(
        Option::<Params<Booking>>::from_webhook(&full, &())
            .unwrap()
            .is_some()
    );
}

/// How many times the handlers ran.
type Calls = Arc<AtomicUsize>;

#[derive(Deserialize)]
struct Telephony {
    telephony: Caller,
}

#[derive(Deserialize)]
struct Caller {
    caller_id: String,
}

/// Handlers that take an `Option<_>` of `Params`, `Page` and `Payload`, and count their calls.
fn optional_router(calls: &Calls) -> Router {
    Router::new()
        .route(
            "params",
            |State(calls): State<Calls>, booking: Option<Params<Booking>>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                match booking {
                    Some(Params(booking)) => format!("booking for {}", booking.user_id),
                    None => "who is booking?".to_owned(),
                }
            },
        )
        .route(
            "page",
            |State(calls): State<Calls>, page: Option<Page>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                match page {
                    Some(page) => format!("on {}", page.path().page_id()),
                    None => "on no page".to_owned(),
                }
            },
        )
        .route(
            "payload",
            |State(calls): State<Calls>, payload: Option<Payload<Telephony>>| async move {
                calls.fetch_add(1, Ordering::SeqCst);
                match payload {
                    Some(Payload(payload)) => format!("caller {}", payload.telephony.caller_id),
                    None => "no caller".to_owned(),
                }
            },
        )
        .with_state(calls.clone())
}

/// `body` with the member at `path` (dot-separated) set to `value`, or removed for `null`.
fn with(mut body: Value, path: &str, value: Value) -> Value {
    let (parents, last) = path.rsplit_once('.').map_or(("", path), |(p, l)| (p, l));
    let mut target = &mut body;
    for part in parents.split('.').filter(|p| !p.is_empty()) {
        target = &mut target[part];
    }
    let object = target.as_object_mut().unwrap();
    if value.is_null() {
        object.remove(last);
    } else {
        object.insert(last.to_owned(), value);
    }
    body
}

#[tokio::test]
async fn an_optional_extractor_is_none_when_absent_and_rejects_when_malformed() {
    let calls = Calls::default();
    let client = TestClient::new(optional_router(&calls));
    let params = |params: Value| request("params", params);

    // Present, absent: the handler runs.
    let answered: [(Value, &str); 6] = [
        (
            params(json!({"user_id": "u-1", "party_size": 2})),
            "booking for u-1",
        ),
        (params(json!({"party_size": 2})), "who is booking?"),
        (request("page", json!({})), "on booking"),
        (
            with(request("page", json!({})), "pageInfo", Value::Null),
            "on no page",
        ),
        (request("payload", json!({})), "caller +15550100"),
        (
            with(request("payload", json!({})), "payload", Value::Null),
            "no caller",
        ),
    ];
    for (i, (body, text)) in answered.into_iter().enumerate() {
        send(&client, body)
            .await
            .assert_outcome(Outcome::Ok)
            .assert_text(text);
        assert_eq!(calls.load(Ordering::SeqCst), i + 1, "{text}");
    }

    // Malformed: the recover layer answers, the handler does not run.
    let before = calls.load(Ordering::SeqCst);
    let rejected = [
        params(json!({"user_id": "u-1", "party_size": "two"})),
        params(json!({"party_size": 2.5})),
        with(
            request("page", json!({})),
            "pageInfo.currentPage",
            json!("pages/booking"),
        ),
        with(
            request("payload", json!({})),
            "payload.telephony",
            json!({"caller_id": 5}),
        ),
        with(
            request("payload", json!({})),
            "payload",
            json!({"channel": "sms"}),
        ),
    ];
    for body in rejected {
        send(&client, body.clone())
            .await
            .assert_outcome(Outcome::Rejected)
            .assert_text(DEFAULT_FALLBACK_TEXT);
        assert_eq!(calls.load(Ordering::SeqCst), before, "{body}");
    }
}
