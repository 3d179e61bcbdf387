//! The JSON bodies of the answers hyper gives on its own to requests it cannot parse.
//!
//! hyper writes such an answer as a bare head: `HTTP/1.1 400 Bad Request`, `content-length:
//! 0`, a `date` and nothing else, then closes the connection. [`replace`] rewrites it with
//! the error body every other answer of cxhook carries. Why the request failed to parse is
//! not known at that point (hyper keeps the reason to itself), so the 400 lists what it
//! covers. HTTP/2 errors (a malformed frame, a header list over the limit) are answered
//! with protocol frames that have no body, so they get none.

use super::limits::Limits;
use crate::answer::ErrorBody;

/// The head hyper writes for its own errors starts so, and has no body.
const ERROR_HEAD_START: &[u8] = b"HTTP/1.1 4";
const EMPTY_BODY: &[u8] = b"\r\ncontent-length: 0\r\n";
const HEAD_END: &[u8] = b"\r\n\r\n";

/// When `written` starts with hyper's own bare 4xx answer: how many of its bytes that head
/// takes, and the answer with a JSON body to send in its place.
pub(super) fn replace(written: &[u8], limits: &Limits) -> Option<(usize, Vec<u8>)> {
    if !written.starts_with(ERROR_HEAD_START) {
        return None;
    }
    let head_len = memchr::memmem::find(written, HEAD_END)? + HEAD_END.len();
    let head = &written[..head_len];
    memchr::memmem::find(head, EMPTY_BODY)?;
    let status_line_end = memchr::memmem::find(head, b"\r\n")?;
    let status_line = std::str::from_utf8(&head[..status_line_end]).ok()?;
    let status = status_line.get(9..12)?;
    let body = body(status, limits);
    let mut answer = Vec::with_capacity(head_len + body.len() + 64);
    answer.extend_from_slice(status_line.as_bytes());
    answer.extend_from_slice(b"\r\ncontent-type: application/json\r\n");
    answer.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    answer.extend_from_slice(b"connection: close\r\n");
    for line in head[status_line_end + 2..head_len - 2].split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > 5 && line[..5].eq_ignore_ascii_case(b"date:") {
            answer.extend_from_slice(line);
            answer.extend_from_slice(b"\r\n");
        }
    }
    answer.extend_from_slice(b"\r\n");
    answer.extend_from_slice(&body);
    Some((head_len, answer))
}

/// The JSON error body for hyper's answer with `status`.
fn body(status: &str, limits: &Limits) -> Vec<u8> {
    let error = match status {
        "431" => ErrorBody::new(
            "header_fields_too_large",
            format!(
                "the request head is larger than the limit of {} bytes, or has more than {} \
                 headers",
                limits.max_header_bytes.max(8192),
                limits.max_headers
            ),
        ),
        "414" => ErrorBody::new("uri_too_long", "the request target is too long"),
        _ => ErrorBody::new(
            "bad_request",
            "the request is not valid HTTP/1.1: a malformed request line or header (such as \
             a control character in a header, or a negative, conflicting or too large \
             Content-Length), or not HTTP at all (such as a TLS handshake on this plain \
             HTTP port)",
        ),
    };
    serde_json::to_vec(&error).unwrap_or_else(|_| b"{}".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_400_gets_a_json_body_and_keeps_its_date() {
        let hyper = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\
                      date: Sat, 05 Dec 2026 23:00:00 GMT\r\n\r\n";
        let (consumed, answer) = replace(hyper, &Limits::default()).unwrap();
        assert_eq!(consumed, hyper.len());
        let answer = String::from_utf8(answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(
            head.contains("\r\ncontent-type: application/json"),
            "{head}"
        );
        assert!(
            head.contains("\r\ndate: Sat, 05 Dec 2026 23:00:00 GMT"),
            "{head}"
        );
        assert!(head.contains(&format!("\r\ncontent-length: {}", body.len())));
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["error"], "bad_request");
    }

    #[test]
    fn only_the_head_is_taken() {
        let written =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\nmore";
        let (consumed, answer) = replace(written, &Limits::default()).unwrap();
        assert_eq!(consumed, written.len() - 4);
        let answer = String::from_utf8(answer).unwrap();
        assert!(answer.contains("\"error\":\"header_fields_too_large\""));
        assert!(answer.contains("limit of 8192 bytes"));
    }

    #[test]
    fn answers_with_a_body_or_another_status_are_left_alone() {
        let limits = Limits::default();
        assert!(replace(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", &limits).is_none());
        assert!(
            replace(
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n{\"error\":1}",
                &limits
            )
            .is_none()
        );
        assert!(replace(b"HTTP/1.1 400 Bad Request\r\ncontent-len", &limits).is_none());
        assert!(replace(b"{\"error\":\"HTTP/1.1 400\"}", &limits).is_none());
    }
}
