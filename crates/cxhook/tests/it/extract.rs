//! Extractors read the parsed request; rejections name what is missing.

use cxhook::Call;
use cxhook::extract::{
    Form, FromWebhook, Intent, LanguageCode, Page, Params, Payload, Rejection, Request, Session,
    State, Tag, UserInput,
};
use cxhook::types::Query;
use serde::Deserialize;
use serde_json::json;

use crate::support::{request, typed};

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
