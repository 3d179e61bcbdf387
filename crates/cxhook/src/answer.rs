//! [`Answer`]: what goes back to Dialogflow, before it is written as HTTP.

use cxhook_types::WebhookResponse;
use http::StatusCode;
use serde::Serialize;

/// How a call ended, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A handler answered.
    Ok,
    /// No handler serves the tag; the router's fallback answered.
    Fallback,
    /// A handler failed (an error, a panic, an invalid reply); the recover layer answered.
    Error,
    /// An extractor rejected the call; the recover layer answered.
    Rejected,
    /// The call ran out of time; the deadline layer answered.
    Deadline,
}

impl Outcome {
    /// A short name for logs and metrics.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Fallback => "fallback",
            Self::Error => "error",
            Self::Rejected => "rejected",
            Self::Deadline => "deadline",
        }
    }
}

/// The answer to a webhook call: a response with HTTP 200, or an error status with a JSON
/// body that says what went wrong.
#[derive(Debug, Clone)]
pub struct Answer {
    status: StatusCode,
    body: AnswerBody,
    outcome: Outcome,
    /// The body written as JSON, once something needed it: the size guard measures it, the
    /// recording and the edge send the same bytes, so the body is written once per call.
    json: Option<Vec<u8>>,
}

/// The body of an [`Answer`].
#[derive(Debug, Clone)]
pub enum AnswerBody {
    /// A webhook response, sent with HTTP 200.
    Response(WebhookResponse),
    /// An error, sent with an error status.
    Error(ErrorBody),
}

/// The JSON body of an error answer: `{"error": "<code>", "message": "…", "path": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    /// A stable, machine-readable code (`invalid_json`, `unsupported_media_type`, …).
    pub error: &'static str,
    /// What is wrong, for a person.
    pub message: String,
    /// The JSON path of the offending field, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl ErrorBody {
    /// An error body without a path.
    pub fn new(error: &'static str, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
            path: None,
        }
    }
}

impl Answer {
    /// A response, sent with HTTP 200.
    pub fn reply(response: WebhookResponse, outcome: Outcome) -> Self {
        Self {
            status: StatusCode::OK,
            body: AnswerBody::Response(response),
            outcome,
            json: None,
        }
    }

    /// An error status with a JSON body.
    pub fn error(status: StatusCode, body: ErrorBody, outcome: Outcome) -> Self {
        Self {
            status,
            body: AnswerBody::Error(body),
            outcome,
            json: None,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &AnswerBody {
        &self.body
    }

    /// The webhook response, when the answer is one.
    pub fn response(&self) -> Option<&WebhookResponse> {
        match &self.body {
            AnswerBody::Response(response) => Some(response),
            AnswerBody::Error(_) => None,
        }
    }

    /// How the call ended.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Writes the body as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        match &self.json {
            Some(json) => json.clone(),
            None => self.write_json(),
        }
    }

    /// The body as JSON, written the first time it is asked for and kept.
    #[cfg(feature = "server")]
    pub(crate) fn json(&mut self) -> &[u8] {
        if self.json.is_none() {
            self.json = Some(self.write_json());
        }
        self.json.as_deref().unwrap_or_default()
    }

    /// The body as JSON, without a copy when it was written already.
    #[cfg(feature = "server")]
    pub(crate) fn into_json(self) -> Vec<u8> {
        match self.json {
            Some(json) => json,
            None => self.write_json(),
        }
    }

    fn write_json(&self) -> Vec<u8> {
        let written = match &self.body {
            AnswerBody::Response(response) => serde_json::to_vec(response),
            AnswerBody::Error(error) => serde_json::to_vec(error),
        };
        // Both types hold only strings, numbers and JSON values with string keys.
        written.unwrap_or_else(|_| b"{}".to_vec())
    }
}
