//! The edge's own JSON answers, apart from the calls': an error (`status` and a JSON body
//! with `code` and `message`) and any other JSON body.
//!
//! The edge and the body reader both answer with them; they have a module of their own so
//! that neither needs the other.

use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

use crate::answer::ErrorBody;

/// An error answer: `status` and a JSON body with `code` and `message`.
pub(super) fn error(status: StatusCode, code: &'static str, message: &str) -> Response {
    json(status, serde_json::to_vec(&ErrorBody::new(code, message)))
}

/// A JSON answer: `status` and `body`, or `{}` when the body could not be written.
pub(super) fn json(status: StatusCode, body: Result<Vec<u8>, serde_json::Error>) -> Response {
    let body = body.unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}
