//! What a call carries and what a method made of it: the `Authorization` header as the
//! methods read it, and each method's verdict.
//!
//! The methods (one module each) and the layer that asks them both use these; they have a
//! module of their own so that the layer's module only gathers the methods, and no method
//! needs the layer.

use http::HeaderMap;
use http::header::AUTHORIZATION;

/// What one method made of a call.
#[derive(Debug)]
pub(super) enum Verdict {
    /// The credentials are right.
    Accepted,
    /// The call carries nothing this method reads.
    Missing,
    /// The call carries something this method reads, but unreadable.
    Malformed(&'static str),
    /// The credentials are wrong; why, for the log (never the credential itself).
    Wrong(String),
}

/// The `Authorization` header as the methods read it.
#[derive(Debug)]
pub(super) enum Authorization<'a> {
    Absent,
    Bearer(&'a str),
    Basic(&'a str),
    Other,
    Malformed(&'static str),
}

/// Reads the `Authorization` header: absent, a bearer token, Basic credentials, another
/// scheme, or malformed (twice, not visible ASCII, no token after the scheme).
pub(super) fn authorization(headers: &HeaderMap) -> Authorization<'_> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Authorization::Absent;
    };
    if values.next().is_some() {
        return Authorization::Malformed("the Authorization header is given more than once");
    }
    let Ok(value) = value.to_str() else {
        return Authorization::Malformed("the Authorization header is not visible ASCII");
    };
    let value = value.trim();
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        if credentials.is_empty() || credentials.contains(char::is_whitespace) {
            return Authorization::Malformed("the bearer token is empty or holds spaces");
        }
        Authorization::Bearer(credentials)
    } else if scheme.eq_ignore_ascii_case("basic") {
        if credentials.is_empty() || credentials.contains(char::is_whitespace) {
            return Authorization::Malformed("the Basic credentials are empty or hold spaces");
        }
        Authorization::Basic(credentials)
    } else if scheme.is_empty() {
        Authorization::Malformed("the Authorization header is empty")
    } else {
        Authorization::Other
    }
}
