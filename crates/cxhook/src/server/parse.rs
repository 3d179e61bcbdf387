//! A request body to a [`WebhookRequest`], or the 400 body that says what is wrong with it.
//!
//! A 400 names the JSON path of the first error and what was expected there, never the value
//! that was sent. serde's messages quote it (`invalid type: string "4111…", expected f32`),
//! and a caller that put a secret in the wrong field would find it in the answer, in the
//! access logs of whatever sits in between, and in recordings. So the messages serde builds
//! from a value (`invalid type`, `invalid value`, `unknown variant`, `unknown field`) keep
//! the kind of value (`string`, `integer`) and the expectation and drop the value itself;
//! the others quote only the request's own field names, counts and positions, and stay as
//! they are.
//!
//! A body must be a JSON object. serde reads a struct from an array as well (its fields in
//! order), so a body that does not start with `{` is refused before it is parsed: as
//! `invalid_json` when it is no JSON at all, else with the words "the body must be a JSON
//! object" rather than serde's (`invalid length 1, expected struct WebhookRequest with 15
//! elements`).

use cxhook_types::WebhookRequest;

use super::limits;
use crate::answer::ErrorBody;

/// Parses the body once, fast; only a body that fails is parsed again to find the path of
/// the first error.
pub(super) fn parse(bytes: &[u8]) -> Result<WebhookRequest, ErrorBody> {
    if limits::too_deep(bytes, limits::MAX_JSON_DEPTH) {
        return Err(limits::too_deep_error());
    }
    if !is_object(bytes) {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => ErrorBody::new(
                    "invalid_request",
                    "the body must be a JSON object (a webhook request), not an array, string, \
                 number, boolean or null",
                ),
                Err(error) => ErrorBody::new("invalid_json", describe(&error)),
            },
        );
    }
    // A body checked as UTF-8 once, in one pass, is read as a `str`: serde_json then trusts
    // its strings, where from bytes it checks each string on its own (84 in the benchmark's
    // form request, a twentieth of the server's instructions per call). A body that is not
    // UTF-8 is read from bytes, so that its error is serde_json's, with its position.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    };
    parsed.map_err(|error| {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let path = match serde_path_to_error::deserialize::<_, WebhookRequest>(de) {
            Err(e) if e.path().to_string() != "." => Some(e.path().to_string()),
            _ => None,
        };
        let code = if error.is_data() {
            "invalid_request"
        } else {
            "invalid_json"
        };
        let message = describe(&error);
        let message = match &path {
            Some(path) => format!("{path}: {message}"),
            None => message,
        };
        ErrorBody {
            error: code,
            message,
            path,
        }
    })
}

/// Whether the body's first character, after white space, opens an object.
fn is_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|&byte| byte == b'{')
}

/// serde_json's message for `error`, with the value it quotes taken out, and its position.
fn describe(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let (message, position) = match full.strip_suffix(&position) {
        Some(message) => (message, position.as_str()),
        None => (full.as_str(), ""),
    };
    format!("{}{position}", without_value(message))
}

/// The messages serde builds around a value, and what stays of each: `invalid type: string
/// "x", expected f32` becomes `invalid type: string, expected f32`.
const QUOTING: [&str; 4] = [
    "invalid type: ",
    "invalid value: ",
    "unknown variant ",
    "unknown field ",
];

/// `message` without the value serde quoted in it; other messages as they are.
///
/// The expectation is found from the end (`, expected …` is written by the type, after the
/// value, which may itself hold those words); of the value only the word or two before its
/// quote are kept, which say its kind (`string`, `floating point`).
fn without_value(message: &str) -> String {
    let Some((prefix, rest)) = QUOTING
        .iter()
        .find_map(|prefix| Some((*prefix, message.strip_prefix(prefix)?)))
    else {
        return message.to_owned();
    };
    let (found, expected) = match rest.rfind(", expected ") {
        Some(at) => rest.split_at(at),
        None => match rest.rfind(", there are no ") {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        },
    };
    let kind = found
        .split(['`', '"'])
        .next()
        .unwrap_or_default()
        .trim_end();
    let prefix = prefix.trim_end_matches([':', ' ']);
    if kind.is_empty() {
        format!("{prefix}{expected}")
    } else {
        format!("{prefix}: {kind}{expected}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_text_is_read_and_other_bytes_are_refused_where_they_are() {
        let body = "{\"text\": \"café ☕\", \"languageCode\": \"fr\"}";
        let request = parse(body.as_bytes()).expect("a UTF-8 body parses");
        assert_eq!(
            request.query,
            Some(cxhook_types::Query::Text("café ☕".into()))
        );

        let error = parse(b"{\"text\": \"caf\xe9\"}").expect_err("Latin-1 is not UTF-8");
        assert_eq!(error.error, "invalid_json");
        assert_eq!(
            error.message,
            "text: invalid unicode code point at line 1 column 14"
        );
    }

    #[test]
    fn values_are_taken_out_of_serdes_messages() {
        for (message, expected) in [
            (
                r#"invalid type: string "my-secret, expected x", expected f32"#,
                "invalid type: string, expected f32",
            ),
            (
                "invalid value: integer `-7`, expected u8",
                "invalid value: integer, expected u8",
            ),
            (
                "invalid type: floating point `1.5`, expected a string",
                "invalid type: floating point, expected a string",
            ),
            (
                "invalid type: null, expected a sequence",
                "invalid type: null, expected a sequence",
            ),
            (
                "unknown variant `SECRET`, expected `A` or `B`",
                "unknown variant, expected `A` or `B`",
            ),
            (
                "unknown variant `SECRET`, there are no variants",
                "unknown variant, there are no variants",
            ),
            (
                "unknown field `secret`, expected `text`",
                "unknown field, expected `text`",
            ),
            ("missing field `tag`", "missing field `tag`"),
            ("duplicate key `amount`", "duplicate key `amount`"),
            ("EOF while parsing a value", "EOF while parsing a value"),
        ] {
            assert_eq!(without_value(message), expected, "{message}");
        }
    }
}
