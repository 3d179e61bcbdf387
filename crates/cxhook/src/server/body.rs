//! Reading a request body: its `Content-Encoding`, and the body limit.
//!
//! A body comes as it is (no `Content-Encoding`, or `identity`) or gzip-compressed (`gzip`,
//! or its old name `x-gzip`); any other coding gets 415 naming it, with `Accept-Encoding:
//! gzip` as RFC 9110 asks, before the body is read. A body labelled gzip that is not gzip
//! gets 400 naming the coding.
//!
//! The body limit holds for the bytes received and again for the bytes decompressed:
//! decompression stops one byte past the limit, so a gzip bomb (a few KiB that inflate to
//! gigabytes) costs at most the limit in memory before it gets 413.
//!
//! gzip is read with flate2 (rust-lang's, here on its pure-Rust miniz_oxide backend, so no C
//! library), over the bytes already read, rather than with tower-http's
//! `RequestDecompressionLayer`: the webhook reads its body whole before parsing anyway, that
//! layer answers a coding it does not know with a bare 415 where every answer here is a
//! JSON body naming what is wrong, and its decoder would bring async-compression besides.
//! Inflating at most the limit (1 MiB by default) is a short job next to parsing the same
//! bytes as JSON, so, like the parse, it runs on the call's own task.

use std::io::Read;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use flate2::read::MultiGzDecoder;
use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::response::error;
use crate::answer::ErrorBody;

/// A content coding of the request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Gzip,
}

/// Why a body was not read: the status, and the JSON body naming what is wrong.
#[derive(Debug)]
pub(super) struct Refused {
    status: StatusCode,
    body: ErrorBody,
}

impl Refused {
    fn new(status: StatusCode, code: &'static str, message: String) -> Self {
        Self {
            status,
            body: ErrorBody::new(code, message),
        }
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let mut response = error(self.status, self.body.error, &self.body.message);
        if self.status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            response
                .headers_mut()
                .insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        }
        response
    }
}

/// Reads the whole body, at most `limit` bytes, and undoes its `Content-Encoding`, again at
/// most `limit` bytes.
pub(super) async fn read(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, Refused> {
    let codings = codings(headers)?;
    let mut bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|e| read_error(&e, limit))?;
    for coding in codings.iter().rev() {
        bytes = match coding {
            Coding::Gzip => gunzip(&bytes, limit)?,
        };
    }
    Ok(bytes)
}

/// The codings the body went through, in the order they were applied.
fn codings(headers: &HeaderMap) -> Result<Vec<Coding>, Refused> {
    let mut codings = Vec::new();
    for value in headers.get_all(CONTENT_ENCODING) {
        let value = String::from_utf8_lossy(value.as_bytes());
        for name in value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            if name.eq_ignore_ascii_case("identity") {
                continue;
            }
            if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                codings.push(Coding::Gzip);
            } else {
                return Err(unsupported(name));
            }
        }
    }
    Ok(codings)
}

/// The body gzip-decompressed, at most `limit` bytes of it.
fn gunzip(compressed: &[u8], limit: usize) -> Result<Bytes, Refused> {
    let mut decoded = Vec::with_capacity(compressed.len().saturating_mul(4).min(limit));
    let most = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    MultiGzDecoder::new(compressed)
        .take(most)
        .read_to_end(&mut decoded)
        .map_err(|e| {
            Refused::new(
                StatusCode::BAD_REQUEST,
                "invalid_encoding",
                format!("the request body is not valid gzip, as its Content-Encoding says: {e}"),
            )
        })?;
    if decoded.len() > limit {
        return Err(Refused::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body, decompressed, is larger than the limit of {limit} bytes"),
        ));
    }
    Ok(Bytes::from(decoded))
}

/// 415 for a coding other than gzip and identity.
fn unsupported(name: &str) -> Refused {
    Refused::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_encoding",
        format!(
            "the Content-Encoding `{name}` is not supported; send the body as it is or \
             gzip-compressed"
        ),
    )
}

/// 413 for a body over the limit, 400 for one that could not be read.
fn read_error(error: &axum::Error, limit: usize) -> Refused {
    let too_large = std::error::Error::source(error)
        .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
    if too_large {
        return Refused::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than the limit of {limit} bytes"),
        );
    }
    Refused::new(
        StatusCode::BAD_REQUEST,
        "unreadable_body",
        format!("the request body could not be read: {error}"),
    )
}
