//! [`FromWebhook`] and the extractors: what a handler can ask for in its arguments.
//!
//! The request is parsed once before dispatch, so extraction is a cheap, synchronous read of
//! the shared [`WebhookRequest`], and argument order never matters. An extractor that cannot
//! give what was asked for rejects the call with a [`Rejection`] naming what is missing;
//! take `Option<E>` or `Result<E, Rejection>` to handle that in the handler instead.

use std::sync::Arc;

use cxhook_types::{
    IntentInfo, PagePath, ParameterInfo, PathError, Query, SessionPath, WebhookRequest,
};
use serde::de::DeserializeOwned;
use serde::de::value::MapDeserializer;
use serde_json::Value;

use crate::call::Call;

/// Something a handler can take as an argument, read from the call and the router's state.
pub trait FromWebhook<S>: Sized {
    /// Reads the value, or says why it cannot.
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection>;
}

/// Why an extractor could not give what a handler asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejection {
    message: String,
    field: Option<String>,
}

impl Rejection {
    /// A rejection with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field: None,
        }
    }

    /// The parameter or field that was missing or malformed, when there is one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl<S, T: FromWebhook<S>> FromWebhook<S> for Option<T> {
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        Ok(T::from_webhook(call, state).ok())
    }
}

impl<S, T: FromWebhook<S>> FromWebhook<S> for Result<T, Rejection> {
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        Ok(T::from_webhook(call, state))
    }
}

/// The whole request, shared.
#[derive(Debug, Clone)]
pub struct Request(pub Arc<WebhookRequest>);

impl<S> FromWebhook<S> for Request {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        Ok(Self(call.shared_request().clone()))
    }
}

/// Session parameters read into a `T: Deserialize`; a rejection names the failing parameter.
///
/// Numbers arrive as doubles but read into integer fields when they are integral (`4.0` is
/// `4`). Parameters the struct does not name are ignored.
///
/// ```
/// use cxhook::extract::Params;
///
/// #[derive(serde::Deserialize)]
/// struct Lookup {
///     user_id: String,
///     #[serde(default)]
///     count: Option<u32>,
/// }
///
/// async fn balance(Params(lookup): Params<Lookup>) -> String {
///     format!("looking up {}", lookup.user_id)
/// }
/// # let _ = balance;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params<T>(pub T);

impl<S, T: DeserializeOwned> FromWebhook<S> for Params<T> {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        let params = &call.request().session_info.parameters;
        from_object(params).map(Params).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            let field = if path == "." {
                missing_field(&inner).map(str::to_owned)
            } else {
                Some(path)
            };
            let message = match &field {
                Some(field) => format!("session parameter `{field}`: {inner}"),
                None => format!("session parameters: {inner}"),
            };
            Rejection { message, field }
        })
    }
}

/// Reads a JSON object into `T` without copying it, tracking the path of the first error.
fn from_object<T: DeserializeOwned>(
    object: &serde_json::Map<String, Value>,
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    let de =
        MapDeserializer::<_, serde_json::Error>::new(object.iter().map(|(k, v)| (k.as_str(), v)));
    serde_path_to_error::deserialize(de)
}

/// The field in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// The session: its name and its parameters.
#[derive(Debug, Clone)]
pub struct Session(Arc<WebhookRequest>);

impl Session {
    /// The session's resource name.
    pub fn name(&self) -> &str {
        &self.0.session_info.session
    }

    /// The session name, parsed.
    pub fn path(&self) -> Result<SessionPath, PathError> {
        SessionPath::parse(self.name())
    }

    /// All session parameters.
    pub fn params(&self) -> &serde_json::Map<String, Value> {
        &self.0.session_info.parameters
    }

    /// A session parameter by name.
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params().get(name)
    }

    /// A session parameter as a string, if it is one.
    pub fn str_param(&self, name: &str) -> Option<&str> {
        self.param(name)?.as_str()
    }
}

impl<S> FromWebhook<S> for Session {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        Ok(Self(call.shared_request().clone()))
    }
}

/// The current page's form; empty when the page has none.
#[derive(Debug, Clone)]
pub struct Form(Arc<WebhookRequest>);

impl Form {
    /// The form's parameters.
    pub fn params(&self) -> &[ParameterInfo] {
        self.0
            .page_info
            .as_ref()
            .and_then(|page| page.form_info.as_ref())
            .map_or(&[], |form| form.parameter_info.as_slice())
    }

    /// A form parameter by display name.
    pub fn get(&self, name: &str) -> Option<&ParameterInfo> {
        self.0.form_param(name)
    }

    /// A form parameter's value, when it has one.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.get(name)?.value.as_ref()
    }

    /// Whether the form has a parameter of this name.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

impl<S> FromWebhook<S> for Form {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        Ok(Self(call.shared_request().clone()))
    }
}

/// The intent matched last; rejects calls without one (event and DTMF turns often have
/// none), so take `Option<Intent>` where that is expected.
#[derive(Debug, Clone)]
pub struct Intent(Arc<WebhookRequest>);

impl Intent {
    /// The intent's details.
    pub fn info(&self) -> &IntentInfo {
        static NONE: IntentInfo = IntentInfo {
            last_matched_intent: String::new(),
            display_name: String::new(),
            parameters: std::collections::BTreeMap::new(),
            confidence: 0.0,
        };
        // Extraction checked that the request has one.
        self.0.intent_info.as_ref().unwrap_or(&NONE)
    }

    /// The intent's display name.
    pub fn display_name(&self) -> &str {
        &self.info().display_name
    }

    /// The match confidence, 0.0 to 1.0.
    pub fn confidence(&self) -> f32 {
        self.info().confidence
    }
}

impl<S> FromWebhook<S> for Intent {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        match call.request().intent_info {
            Some(_) => Ok(Self(call.shared_request().clone())),
            None => Err(Rejection::new("the request has no intentInfo")),
        }
    }
}

/// The current page; rejects calls whose request names none.
#[derive(Debug, Clone)]
pub struct Page {
    path: PagePath,
    display_name: String,
}

impl Page {
    /// The page's resource name, parsed.
    pub fn path(&self) -> &PagePath {
        &self.path
    }

    /// The page's display name.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
}

impl<S> FromWebhook<S> for Page {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        let page = call
            .request()
            .page_info
            .as_ref()
            .filter(|page| !page.current_page.is_empty())
            .ok_or_else(|| Rejection::new("the request has no pageInfo.currentPage"))?;
        let path =
            PagePath::parse(&page.current_page).map_err(|e| Rejection::new(e.to_string()))?;
        Ok(Self {
            path,
            display_name: page.display_name.clone(),
        })
    }
}

/// What the user said or did this turn; rejects calls without a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInput(pub Query);

impl UserInput {
    /// The user's words: typed text or a speech transcript.
    pub fn utterance(&self) -> Option<&str> {
        self.0.utterance()
    }
}

impl<S> FromWebhook<S> for UserInput {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        call.request()
            .query
            .clone()
            .map(UserInput)
            .ok_or_else(|| Rejection::new("the request has no query (text, event, …)"))
    }
}

/// The language to answer in: the language Dialogflow resolved, else the request's
/// `languageCode`, else `en`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageCode(pub String);

impl<S> FromWebhook<S> for LanguageCode {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        let language = call.request().language();
        Ok(Self(
            if language.is_empty() { "en" } else { language }.to_owned(),
        ))
    }
}

/// The detect-intent caller's payload read into a `T: Deserialize` (an absent payload reads
/// as an empty object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload<T>(pub T);

impl<S, T: DeserializeOwned> FromWebhook<S> for Payload<T> {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        let empty = serde_json::Map::new();
        let payload = call.request().payload.as_ref().unwrap_or(&empty);
        from_object(payload).map(Payload).map_err(|e| Rejection {
            field: Some(e.path().to_string()),
            message: format!("payload: {e}"),
        })
    }
}

/// The router's state (a database handle, an HTTP client), cloned for the handler.
#[derive(Debug, Clone, Copy, Default)]
pub struct State<S>(pub S);

impl<S: Clone> FromWebhook<S> for State<S> {
    fn from_webhook(_: &Call, state: &S) -> Result<Self, Rejection> {
        Ok(Self(state.clone()))
    }
}

/// The fulfillment tag the call was routed by (empty for the fallback of a call without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag(pub String);

impl<S> FromWebhook<S> for Tag {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        Ok(Self(call.tag().unwrap_or_default().to_owned()))
    }
}

/// What is left of the call's time budget, to size a handler's own timeouts (an HTTP call,
/// a database query) so that they end before the deadline layer gives up on the call.
///
/// Never rejects: without a [`DeadlineLayer`](crate::middleware::DeadlineLayer) in front of
/// the router the budget is unlimited.
///
/// ```
/// use std::time::Duration;
/// use cxhook::extract::Budget;
///
/// async fn lookup(budget: Budget) -> String {
///     let timeout = budget.cap(Duration::from_secs(2));
///     format!("calling upstream with a {timeout:?} timeout")
/// }
/// # let _ = lookup;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget(pub Option<crate::middleware::Deadline>);

impl Budget {
    /// The call's deadline, when a deadline layer set one.
    pub fn deadline(&self) -> Option<crate::middleware::Deadline> {
        self.0
    }

    /// What is left of the budget (zero once it has passed), or `None` when it is
    /// unlimited.
    pub fn remaining(&self) -> Option<std::time::Duration> {
        self.0.map(crate::middleware::Deadline::remaining)
    }

    /// `timeout`, shortened to what is left of the budget.
    pub fn cap(&self, timeout: std::time::Duration) -> std::time::Duration {
        self.remaining().map_or(timeout, |left| timeout.min(left))
    }
}

impl<S> FromWebhook<S> for Budget {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        Ok(Self(
            call.extensions()
                .get::<crate::middleware::Deadline>()
                .copied(),
        ))
    }
}
