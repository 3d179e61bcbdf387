//! Webhooks (`webhooks/<Webhook>.json`), standard and flexible.
//!
//! Header values, the username and the password are [`Secret`]s: exports keep them in clear
//! text, and they must never reach a log, an error or `Debug` output. The URI stays a plain
//! string, since the runtime calls it, but its `Debug` hides the query's values: Google's own
//! Address Collection component passes its API key as `?key=`.

use std::fmt;

use serde::Deserialize;

use super::key_value::{KeyValue, key_values};
use super::secret::Secret;

/// A webhook the agent's fulfillments call by display name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Webhook {
    /// The resource ID (a UUID in exports).
    pub name: String,
    /// The display name, by which fulfillments refer to the webhook.
    pub display_name: String,
    /// The HTTP service to call (absent for Service Directory webhooks).
    pub generic_web_service: Option<GenericWebService>,
    /// How long CX waits for the reply (5 s when absent).
    pub timeout: Option<Duration>,
    /// Whether calls are disabled (CX then skips the call).
    pub disabled: bool,
}

/// `genericWebService`: an HTTPS endpoint.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GenericWebService {
    /// The URL.
    pub uri: String,
    /// Basic-auth username.
    pub username: Option<Secret>,
    /// Basic-auth password.
    pub password: Option<Secret>,
    /// Extra HTTP headers, in order.
    #[serde(deserialize_with = "key_values")]
    pub request_headers: Vec<KeyValue<Secret>>,
    /// Standard (the `WebhookRequest` protocol) or flexible (a request template).
    pub webhook_type: WebhookType,
    /// The HTTP method of a flexible webhook (`POST` when absent).
    pub http_method: Option<String>,
    /// The request body template of a flexible webhook, with `$` references.
    pub request_body: Option<String>,
    /// Flexible webhooks: parameter (key, possibly `$flow.x`) ← JSONPath into the response
    /// (value), in order.
    #[serde(deserialize_with = "key_values")]
    pub parameter_mapping: Vec<KeyValue<String>>,
    /// Extra CA certificates (DER, base64) trusted for this endpoint.
    pub allowed_ca_certs: Vec<String>,
}

impl fmt::Debug for GenericWebService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenericWebService")
            .field("uri", &QueryHidden(&self.uri))
            .field("username", &self.username)
            .field("password", &self.password)
            .field("request_headers", &self.request_headers)
            .field("webhook_type", &self.webhook_type)
            .field("http_method", &self.http_method)
            .field("request_body", &self.request_body)
            .field("parameter_mapping", &self.parameter_mapping)
            .field("allowed_ca_certs", &self.allowed_ca_certs)
            .finish()
    }
}

/// A URI whose `Debug` shows the query's keys and hides their values (`?key=[redacted]`).
struct QueryHidden<'a>(&'a str);

impl fmt::Debug for QueryHidden<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((base, query)) = self.0.split_once('?') else {
            return fmt::Debug::fmt(self.0, f);
        };
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) => format!("{key}=[redacted]"),
                None => pair.to_owned(),
            })
            .collect();
        fmt::Debug::fmt(&format!("{base}?{}", query.join("&")), f)
    }
}

/// The webhook protocol.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum WebhookType {
    /// Unset: standard.
    #[default]
    #[serde(rename = "WEBHOOK_TYPE_UNSPECIFIED")]
    Unspecified,
    /// The `WebhookRequest`/`WebhookResponse` protocol.
    #[serde(rename = "STANDARD")]
    Standard,
    /// A request body template and a JSONPath parameter mapping.
    #[serde(rename = "FLEXIBLE")]
    Flexible,
}

impl WebhookType {
    /// Whether the webhook speaks the `WebhookRequest` protocol (standard or unset).
    pub fn is_standard(self) -> bool {
        !matches!(self, Self::Flexible)
    }
}

/// A protobuf `Duration` as the export writes it (`{"seconds": 5}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Duration {
    /// Whole seconds.
    #[serde(deserialize_with = "int_or_string")]
    pub seconds: i64,
    /// Nanoseconds.
    pub nanos: i32,
}

impl Duration {
    /// As a `std::time::Duration` (negative values read as zero).
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::new(
            u64::try_from(self.seconds).unwrap_or(0),
            u32::try_from(self.nanos).unwrap_or(0),
        )
    }
}

/// Protobuf JSON writes int64 as a string (`"5"`); exports write a number. Both are read.
fn int_or_string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IntOrString {
        Int(i64),
        String(String),
    }
    match IntOrString::deserialize(deserializer)? {
        IntOrString::Int(int) => Ok(int),
        IntOrString::String(text) => text.parse().map_err(serde::de::Error::custom),
    }
}
