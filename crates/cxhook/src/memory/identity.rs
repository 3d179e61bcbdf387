//! Who the caller is: [`Identities`], the sources an identity is read from, in order.
//!
//! Dialogflow CX has no user of its own: a session is all it knows. The identity comes from
//! whatever the channel or the agent puts in the request: a session parameter the agent set
//! after a login (`user_id`), the caller's number that CX telephony puts in the request's
//! payload (`telephony.caller_id`), a key a chat channel sets in the payload. The first
//! source that gives one is the identity; none gives none, and then nothing is remembered.

use cxhook_types::WebhookRequest;
use serde_json::Value;

/// Where an identity is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySource {
    /// A session parameter, by name (`user_id`).
    SessionParam(String),
    /// A key of the request's payload, as a dotted path (`telephony.caller_id`).
    Payload(String),
}

impl IdentitySource {
    /// Reads a source as configuration writes it: `session:NAME` or `payload:DOTTED.PATH`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (kind, name) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}` is not `session:NAME` or `payload:PATH`"))?;
        let name = name.trim();
        if name.is_empty() || name.split('.').any(str::is_empty) {
            return Err(format!("`{text}` names no parameter or payload key"));
        }
        match kind.trim() {
            "session" => Ok(Self::SessionParam(name.to_owned())),
            "payload" => Ok(Self::Payload(name.to_owned())),
            other => Err(format!(
                "`{other}` is no identity source (`session` or `payload`)"
            )),
        }
    }

    /// The identity this source gives for `request`: a string that is not blank (trimmed),
    /// or a number, as text.
    pub fn read(&self, request: &WebhookRequest) -> Option<String> {
        let value = match self {
            Self::SessionParam(name) => request.param(name)?,
            Self::Payload(path) => {
                let mut parts = path.split('.');
                let first = parts.next()?;
                let mut value = request.payload.as_ref()?.get(first)?;
                for part in parts {
                    value = value.get(part)?;
                }
                value
            }
        };
        match value {
            Value::String(text) => Some(text.trim()).filter(|t| !t.is_empty()).map(Into::into),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }
}

impl std::fmt::Display for IdentitySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SessionParam(name) => write!(f, "session:{name}"),
            Self::Payload(path) => write!(f, "payload:{path}"),
        }
    }
}

/// The sources of a caller's identity, tried in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identities(Vec<IdentitySource>);

impl Default for Identities {
    /// The session parameter `user_id`, then the caller's number in the telephony payload.
    fn default() -> Self {
        Self(vec![
            IdentitySource::SessionParam("user_id".to_owned()),
            IdentitySource::Payload("telephony.caller_id".to_owned()),
        ])
    }
}

impl Identities {
    /// These sources, in this order.
    pub fn new(sources: impl IntoIterator<Item = IdentitySource>) -> Self {
        Self(sources.into_iter().collect())
    }

    /// The sources with `source` tried last.
    #[must_use]
    pub fn with(mut self, source: IdentitySource) -> Self {
        self.0.push(source);
        self
    }

    /// The sources, in order.
    pub fn sources(&self) -> &[IdentitySource] {
        &self.0
    }

    /// The caller's identity: what the first source that has one gives.
    pub fn resolve(&self, request: &WebhookRequest) -> Option<String> {
        self.0.iter().find_map(|source| source.read(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> WebhookRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_first_source_with_an_identity_gives_it() {
        let identities =
            Identities::default().with(IdentitySource::parse("payload:chat.user").unwrap());
        let both = request(serde_json::json!({
            "sessionInfo": {"parameters": {"user_id": " u-1001 "}},
            "payload": {"telephony": {"caller_id": "+4915112345678"}}
        }));
        assert_eq!(identities.resolve(&both).as_deref(), Some("u-1001"));
        let phone = request(serde_json::json!({
            "sessionInfo": {"parameters": {"user_id": ""}},
            "payload": {"telephony": {"caller_id": "+4915112345678"}}
        }));
        assert_eq!(
            identities.resolve(&phone).as_deref(),
            Some("+4915112345678")
        );
        let chat = request(serde_json::json!({"payload": {"chat": {"user": 4711}}}));
        assert_eq!(identities.resolve(&chat).as_deref(), Some("4711"));
        let nobody = request(serde_json::json!({"payload": {"telephony": {}}}));
        assert_eq!(identities.resolve(&nobody), None);
    }

    #[test]
    fn sources_read_as_configured_and_refuse_what_names_nothing() {
        assert_eq!(
            IdentitySource::parse("payload:telephony.caller_id").unwrap(),
            IdentitySource::Payload("telephony.caller_id".to_owned())
        );
        assert_eq!(
            IdentitySource::parse("session:user_id")
                .unwrap()
                .to_string(),
            "session:user_id"
        );
        for bad in ["user_id", "session:", "payload:a..b", "cookie:x"] {
            assert!(IdentitySource::parse(bad).is_err(), "{bad}");
        }
    }
}
