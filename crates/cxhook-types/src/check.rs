//! Whether a webhook answered the way Dialogflow CX accepts: a 2xx status and a JSON
//! [`WebhookResponse`] of at most [`MAX_RESPONSE_BYTES`] (64 KiB), with known fields only, at
//! most one member of each one-of group, and no output-only messages.
//!
//! Our own types are lenient readers (they skip unknown fields); Dialogflow's parser is not,
//! so [`judge`] also walks the JSON against the table of the fields each object of a
//! response may have ([`unknown_fields`]). Tools that talk to a webhook the way Dialogflow
//! does (`cxhook send`, `replay`, `scenario`) share it.
//!
//! ```
//! use cxhook_types::check::judge;
//!
//! let verdict = judge(200, br#"{"targetPgae": "p"}"#);
//! assert!(!verdict.is_accepted());
//! assert!(verdict.problems[0].starts_with("unknown field `targetPgae`"));
//!
//! let verdict = judge(200, br#"{"fulfillmentResponse": {"messages": [{"text": {"text": ["Hi."]}}]}}"#);
//! assert!(verdict.is_accepted());
//! assert_eq!(verdict.response.unwrap().fulfillment_response.unwrap().messages[0].texts(), ["Hi."]);
//! ```

mod fields;

use serde_json::Value;

pub use self::fields::unknown_fields;
use crate::{MAX_RESPONSE_BYTES, WebhookResponse};

/// What was found in an answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Verdict {
    /// The response, when the body parses as one (also when it has problems of other
    /// kinds, such as unknown fields or too many bytes).
    pub response: Option<WebhookResponse>,
    /// What Dialogflow would not accept, one sentence each, in the order found; empty when
    /// all is well.
    pub problems: Vec<String>,
}

impl Verdict {
    /// Whether Dialogflow would accept the answer: no problems found.
    pub fn is_accepted(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Judges an answer with this HTTP status and body.
///
/// A status other than 2xx is a problem by itself (Dialogflow raises a `webhook.error`
/// event whatever the body says), and the body is not looked into. Otherwise the body is
/// measured, parsed as JSON, walked for unknown fields, parsed as a [`WebhookResponse`]
/// (which finds values of the wrong type and one-of groups with two members set, naming
/// the JSON path), and its messages are checked for kinds only Dialogflow may produce.
pub fn judge(status: u16, body: &[u8]) -> Verdict {
    let mut problems = Vec::new();
    if !(200..300).contains(&status) {
        problems.push(format!(
            "the webhook answered HTTP {status}; Dialogflow takes any status but 2xx as a \
             failed call and raises {}",
            error_event(status)
        ));
        return Verdict {
            response: None,
            problems,
        };
    }
    if body.len() > MAX_RESPONSE_BYTES {
        problems.push(format!(
            "the body is {} bytes, more than the {MAX_RESPONSE_BYTES} bytes (64 KiB) \
             Dialogflow accepts",
            body.len()
        ));
    }
    let json: Value = match serde_json::from_slice(body) {
        Ok(json) => json,
        Err(e) => {
            problems.push(format!("the body is not JSON: {e}"));
            return Verdict {
                response: None,
                problems,
            };
        }
    };
    problems.extend(unknown_fields(&json));
    let response = match serde_path_to_error::deserialize::<_, WebhookResponse>(&json) {
        Ok(response) => Some(response),
        Err(e) => {
            let path = e.path().to_string();
            let error = e.into_inner();
            problems.push(if path == "." {
                format!("the body is not a WebhookResponse: {error}")
            } else {
                format!("the body is not a WebhookResponse: at `{path}`: {error}")
            });
            None
        }
    };
    if let Some(response) = &response {
        problems.extend(output_only(response));
    }
    Verdict { response, problems }
}

/// The messages that only Dialogflow may produce.
fn output_only(response: &WebhookResponse) -> impl Iterator<Item = String> + '_ {
    let messages = response
        .fulfillment_response
        .iter()
        .flat_map(|f| &f.messages);
    messages.enumerate().filter_map(|(i, message)| {
        let message = message.message.as_ref()?;
        message.is_output_only().then(|| {
            format!(
                "`fulfillmentResponse.messages[{i}]` is a `{}` message, which only Dialogflow \
                 may produce",
                message.kind()
            )
        })
    })
}

/// The built-in event Dialogflow raises for a failed call with this status.
fn error_event(status: u16) -> &'static str {
    match status {
        400 => "webhook.error.bad-request",
        401 | 403 => "webhook.error.rejected",
        503 => "webhook.error.unavailable",
        _ => "webhook.error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(status: u16, body: &str) -> Vec<String> {
        judge(status, body.as_bytes()).problems
    }

    #[test]
    fn a_good_answer_has_no_problems() {
        let body =
            include_str!("../../../testdata/fixtures/response-03-handoff-transfer-targetflow.json");
        let verdict = judge(200, body.as_bytes());
        assert_eq!(verdict.problems, Vec::<String>::new());
        assert!(verdict.response.is_some());
        assert_eq!(problems(204, "{}"), Vec::<String>::new());
    }

    #[test]
    fn a_failed_status_is_wrong_whatever_the_body() {
        let found = problems(500, "{}");
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("answered HTTP 500;"), "{found:?}");
        assert!(found[0].contains("raises webhook.error"), "{found:?}");
        assert!(problems(403, "")[0].contains("webhook.error.rejected"));
    }

    #[test]
    fn the_body_must_be_a_json_webhook_response() {
        assert!(problems(200, "")[0].starts_with("the body is not JSON"));
        assert!(problems(200, "<html>")[0].starts_with("the body is not JSON"));
        let found = problems(200, "[]");
        assert!(
            found[0].starts_with("the body is not a WebhookResponse"),
            "{found:?}"
        );
        let found = problems(
            200,
            r#"{"fulfillmentResponse": {"messages": [{"text": {"text": "hi"}}]}}"#,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("at `fulfillmentResponse.messages[0].text.text`"),
            "{found:?}"
        );
    }

    #[test]
    fn two_transition_targets_are_wrong() {
        let found = problems(200, r#"{"targetPage": "p", "targetFlow": "f"}"#);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("`targetPage` and `targetFlow`"),
            "{found:?}"
        );
    }

    #[test]
    fn unknown_fields_are_wrong() {
        let found = problems(200, r#"{"targetPgae": "p"}"#);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("unknown field `targetPgae`"), "{found:?}");
    }

    #[test]
    fn output_only_messages_are_wrong() {
        let body = include_str!("../../../testdata/fixtures/response-04-all-variants.json");
        let found = problems(200, body);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("`endInteraction` message"), "{found:?}");
        assert!(found[1].contains("`mixedAudio` message"), "{found:?}");
    }

    #[test]
    fn a_large_body_is_wrong_but_still_read() {
        let text = "a".repeat(MAX_RESPONSE_BYTES);
        let body = format!(
            r#"{{"fulfillmentResponse": {{"messages": [{{"text": {{"text": ["{text}"]}}}}]}}}}"#
        );
        let verdict = judge(200, body.as_bytes());
        assert_eq!(verdict.problems.len(), 1, "{:?}", verdict.problems);
        assert!(verdict.problems[0].contains("more than the 65536 bytes"));
        assert!(verdict.response.is_some());
    }
}
