//! [`FromWebhook`] and the extractors: what a handler can ask for in its arguments.
//!
//! The request is parsed once before dispatch, so extraction is a cheap, synchronous read of
//! the shared [`WebhookRequest`], and argument order never matters. An extractor that cannot
//! give what was asked for rejects the call with a [`Rejection`] that names what is wrong and
//! whether it is [missing or invalid](RejectionKind); the recover layer answers it, and the
//! handler is not called.
//!
//! Two wrappers let the handler decide instead, as in axum 0.8:
//!
//! - `Option<E>` means *absent is fine, malformed is not*: it is `None` when the request
//!   lacks the part `E` reads, and the call is still rejected when the part is there but does
//!   not read as `E` (a parameter of the wrong type, a page name that is not one). It is an
//!   extractor for the `E` that implement [`OptionalFromWebhook`], those for which "absent"
//!   means something: [`Params`], [`Payload`], [`Form`], [`Intent`], [`Page`], [`UserInput`],
//!   [`LanguageCode`] and [`Tag`]. [`Session`], [`Request`], [`State`] and [`Budget`] are
//!   always there and have no `Option` form.
//! - `Result<E, Rejection>` takes every rejection, missing or malformed, into the handler.

use std::sync::Arc;

use cxhook_types::{
    IntentInfo, PagePath, ParameterInfo, PathError, Query, SessionPath, WebhookRequest,
};
use serde::de::DeserializeOwned;
use serde::de::value::MapDeserializer;
use serde_json::Value;

use crate::call::Call;

mod rejection;

pub use rejection::{Rejection, RejectionKind};

/// Something a handler can take as an argument, read from the call and the router's state.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a cxhook extractor",
    label = "a handler's arguments must be extractors",
    note = "extractors: `Params<T>`, `Payload<T>`, `Session`, `Form`, `Intent`, `Page`, `UserInput`, `LanguageCode`, `Tag`, `Budget`, `State<S>`, `Request`, or a type that implements `FromWebhook<S>`",
    note = "`Option<E>` is an extractor for the `E` that implement `OptionalFromWebhook`; `Result<E, Rejection>` for every extractor `E`"
)]
pub trait FromWebhook<S>: Sized {
    /// Reads the value, or says why it cannot.
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection>;
}

/// What `Option<Self>` means as an extractor: `Ok(None)` when the request lacks the part
/// `Self` reads, a [`Rejection`] when the part is there but malformed.
///
/// The shape of axum-core's `OptionalFromRequestParts`: absence is the handler's to handle,
/// a malformed value is the caller's mistake and is answered as one, so that `Option<_>`
/// never hides a parameter of the wrong type behind a `None`.
///
/// ```
/// use cxhook::Call;
/// use cxhook::extract::{FromWebhook, OptionalFromWebhook, Rejection};
///
/// /// The caller's phone number, from the `caller` session parameter.
/// struct Caller(String);
///
/// impl<S> OptionalFromWebhook<S> for Caller {
///     fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
///         match call.request().param("caller") {
///             None => Ok(None),
///             Some(serde_json::Value::String(number)) => Ok(Some(Self(number.clone()))),
///             Some(_) => Err(Rejection::invalid("session parameter `caller` is not a string")),
///         }
///     }
/// }
///
/// impl<S> FromWebhook<S> for Caller {
///     fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
///         <Self as OptionalFromWebhook<S>>::from_webhook(call, state)?
///             .ok_or_else(|| Rejection::missing("the request has no `caller` parameter"))
///     }
/// }
///
/// async fn greet(caller: Option<Caller>) -> String {
///     caller.map_or_else(|| "Hello!".to_owned(), |Caller(n)| format!("Hello, {n}!"))
/// }
/// # let _: cxhook::Router = cxhook::Router::new().route("greet", greet);
/// ```
pub trait OptionalFromWebhook<S>: Sized {
    /// Reads the value: `None` when the request lacks it, a rejection when it is malformed.
    fn from_webhook(call: &Call, state: &S) -> Result<Option<Self>, Rejection>;
}

// As in axum-core: the compiler would otherwise suggest this impl for any `Option<T>`
// without naming the bound that `T` misses.
#[diagnostic::do_not_recommend]
impl<S, T: OptionalFromWebhook<S>> FromWebhook<S> for Option<T> {
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        T::from_webhook(call, state)
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

/// The call's parameters read into a `T: Deserialize`; a rejection names the failing
/// parameter.
///
/// The parameters are the session's and the current page's form's, and where both have a
/// value for a name the **form's wins**: the form is what the page is collecting, and in a
/// form validation call its value is the one just said, which the agent has not yet
/// checked (nor, when the webhook refuses it, kept). A form parameter without a value
/// (`EMPTY`, or `null`) leaves the session's. Read [`Session`] or [`Form`] for one of the
/// two alone.
///
/// Numbers arrive as doubles but read into integer fields when they are integral (`4.0` is
/// `4`). Parameters the struct does not name are ignored.
///
/// A parameter that `T` requires and the session lacks is [missing](RejectionKind::Missing);
/// one that is there but does not read as its field's type (or, for a nested struct, lacks
/// a field of its own) is [invalid](RejectionKind::Invalid), and so wins: serde reads the
/// parameters the session has before it looks for those it lacks. So `Option<Params<T>>` is
/// `None` when a parameter `T` requires has not been collected yet and every parameter that
/// has reads as its type, and rejects the call when one does not. A `T` whose fields all
/// have defaults is never `None`.
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
        let request = call.request();
        let session = &request.session_info.parameters;
        let form = request
            .page_info
            .as_ref()
            .and_then(|page| page.form_info.as_ref())
            .map_or(&[][..], |form| form.parameter_info.as_slice());
        // Each name once, the first of a form that (against CX's rules) repeats one.
        let filled = || {
            form.iter().enumerate().filter_map(|(i, param)| {
                let value = form_value(param)?;
                let first = !form[..i]
                    .iter()
                    .any(|p| p.display_name == param.display_name && form_value(p).is_some());
                first.then_some((param.display_name.as_str(), value))
            })
        };
        let session_only = session.iter().map(|(name, value)| (name.as_str(), value));
        if filled().next().is_none() {
            return from_entries(session_only, |_| "session parameter", "session parameters")
                .map(Params);
        }
        let in_form = |name: &str| filled().any(|(filled, _)| filled == name);
        let entries = filled().chain(session_only.filter(|(name, _)| !in_form(name)));
        let source = |name: &str| {
            if in_form(name) {
                "form parameter"
            } else {
                "session parameter"
            }
        };
        from_entries(entries, source, "parameters").map(Params)
    }
}

/// A form parameter's value; `null` is none.
fn form_value(param: &ParameterInfo) -> Option<&Value> {
    param.value.as_ref().filter(|value| !value.is_null())
}

impl<S, T: DeserializeOwned> OptionalFromWebhook<S> for Params<T> {
    fn from_webhook(call: &Call, state: &S) -> Result<Option<Self>, Rejection> {
        absent_if_missing(<Self as FromWebhook<S>>::from_webhook(call, state))
    }
}

/// Reads a JSON object into `T` without copying it. The rejection names the first failing
/// field (`{one} `x``, or `{all}` for an error of the whole object) and is of kind
/// [`Missing`](RejectionKind::Missing) only when that is a top-level field `T` requires.
fn from_object<T: DeserializeOwned>(
    object: &serde_json::Map<String, Value>,
    one: &'static str,
    all: &str,
) -> Result<T, Rejection> {
    from_entries(object.iter().map(|(k, v)| (k.as_str(), v)), |_| one, all)
}

/// Reads `(name, value)` entries, each name once, into `T` as [`from_object`] does; `one`
/// names what a top-level field is (`session parameter`, `form parameter`).
///
/// The entries are read once without tracking the path, which costs an allocation per key;
/// only entries that fail are read again to find the path of the first error.
fn from_entries<'a, T: DeserializeOwned>(
    entries: impl Iterator<Item = (&'a str, &'a Value)> + Clone,
    one: impl Fn(&str) -> &'static str,
    all: &str,
) -> Result<T, Rejection> {
    if let Ok(value) = T::deserialize(MapDeserializer::<_, serde_json::Error>::new(
        entries.clone(),
    )) {
        return Ok(value);
    }
    let de = MapDeserializer::<_, serde_json::Error>::new(entries);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let (kind, field) = match missing_field(&inner) {
            Some(field) if path == "." => (RejectionKind::Missing, Some(field.to_owned())),
            _ if path == "." => (RejectionKind::Invalid, None),
            _ => (RejectionKind::Invalid, Some(path)),
        };
        let message = match &field {
            Some(field) => {
                let top = field.split(['.', '[']).next().unwrap_or(field);
                format!("{} `{field}`: {inner}", one(top))
            }
            None => format!("{all}: {inner}"),
        };
        Rejection {
            kind,
            message,
            field,
        }
    })
}

/// The field in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// `None` for a [`Missing`](RejectionKind::Missing) rejection; any other stays one.
fn absent_if_missing<T>(result: Result<T, Rejection>) -> Result<Option<T>, Rejection> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(rejection) if rejection.kind() == RejectionKind::Missing => Ok(None),
        Err(rejection) => Err(rejection),
    }
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

/// The current page's form; empty when the page has none (`Option<Form>` is `None` then).
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

/// `None` when the request has no `pageInfo.formInfo`: the page has no form.
impl<S> OptionalFromWebhook<S> for Form {
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        let request = call.request();
        let has_form = request
            .page_info
            .as_ref()
            .is_some_and(|page| page.form_info.is_some());
        Ok(has_form.then(|| Self(call.shared_request().clone())))
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
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        <Self as OptionalFromWebhook<S>>::from_webhook(call, state)?
            .ok_or_else(|| Rejection::missing("the request has no intentInfo"))
    }
}

/// `None` when the request has no `intentInfo`.
impl<S> OptionalFromWebhook<S> for Intent {
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        Ok(call
            .request()
            .intent_info
            .is_some()
            .then(|| Self(call.shared_request().clone())))
    }
}

/// The current page; rejects calls whose request names none (`Option<Page>` is `None` then)
/// or names it by something that is not a page name.
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
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        <Self as OptionalFromWebhook<S>>::from_webhook(call, state)?
            .ok_or_else(|| Rejection::missing("the request has no pageInfo.currentPage"))
    }
}

/// `None` when the request has no `pageInfo.currentPage`; a rejection when it is not a page
/// name.
impl<S> OptionalFromWebhook<S> for Page {
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        let Some(page) = call
            .request()
            .page_info
            .as_ref()
            .filter(|page| !page.current_page.is_empty())
        else {
            return Ok(None);
        };
        let path = PagePath::parse(&page.current_page).map_err(|e| {
            Rejection::invalid(format!("pageInfo.currentPage: {e}")).with_field("currentPage")
        })?;
        Ok(Some(Self {
            path,
            display_name: page.display_name.clone(),
        }))
    }
}

/// What the user said or did this turn; rejects calls without a query (`Option<UserInput>`
/// is `None` then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInput(pub Query);

impl UserInput {
    /// The user's words: typed text or a speech transcript.
    pub fn utterance(&self) -> Option<&str> {
        self.0.utterance()
    }
}

impl<S> FromWebhook<S> for UserInput {
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        <Self as OptionalFromWebhook<S>>::from_webhook(call, state)?
            .ok_or_else(|| Rejection::missing("the request has no query (text, event, …)"))
    }
}

/// `None` when the request has no query.
impl<S> OptionalFromWebhook<S> for UserInput {
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        Ok(call.request().query.clone().map(UserInput))
    }
}

/// The language to answer in: the language Dialogflow resolved, else the request's
/// `languageCode`, else `en` (`Option<LanguageCode>` is `None` then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageCode(pub String);

impl<S> FromWebhook<S> for LanguageCode {
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        let language = <Self as OptionalFromWebhook<S>>::from_webhook(call, state)?;
        Ok(language.unwrap_or_else(|| Self("en".to_owned())))
    }
}

/// `None` when the request names no language.
impl<S> OptionalFromWebhook<S> for LanguageCode {
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        let language = call.request().language();
        Ok((!language.is_empty()).then(|| Self(language.to_owned())))
    }
}

/// The detect-intent caller's payload read into a `T: Deserialize` (an absent payload reads
/// as an empty object).
///
/// The payload comes whole from one caller, so `Option<Payload<T>>` is `None` only when the
/// request carries none; a payload that does not read as `T`, a required field missing
/// included, rejects the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload<T>(pub T);

impl<S, T: DeserializeOwned> FromWebhook<S> for Payload<T> {
    fn from_webhook(call: &Call, state: &S) -> Result<Self, Rejection> {
        match <Self as OptionalFromWebhook<S>>::from_webhook(call, state)? {
            Some(payload) => Ok(payload),
            None => from_object(&serde_json::Map::new(), "payload field", "payload").map(Payload),
        }
    }
}

/// `None` when the request carries no payload; a rejection when it carries one that does
/// not read as `T`.
impl<S, T: DeserializeOwned> OptionalFromWebhook<S> for Payload<T> {
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        let Some(payload) = &call.request().payload else {
            return Ok(None);
        };
        match from_object(payload, "payload field", "payload") {
            Ok(value) => Ok(Some(Payload(value))),
            Err(rejection) => Err(Rejection {
                kind: RejectionKind::Invalid,
                ..rejection
            }),
        }
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

/// The fulfillment tag the call was routed by (empty for the fallback of a call without one;
/// `Option<Tag>` is `None` then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag(pub String);

impl<S> FromWebhook<S> for Tag {
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        Ok(Self(call.tag().unwrap_or_default().to_owned()))
    }
}

/// `None` for a call without a tag.
impl<S> OptionalFromWebhook<S> for Tag {
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        Ok(call
            .tag()
            .filter(|tag| !tag.is_empty())
            .map(|tag| Self(tag.to_owned())))
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
