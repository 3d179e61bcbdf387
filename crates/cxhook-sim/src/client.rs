//! [`TestClient`]: a router called in-process through the pipeline the server runs, and
//! [`TestResponse`], its answer with the accessors and asserts a handler's test wants.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use cxhook::server::{Answered, Endpoint, Meta, Webhook};
use cxhook::{Outcome, Router};
use cxhook_types::{
    ParameterInfo, ParameterState, ResponseMessage, Struct, Transition, WebhookRequest,
    WebhookResponse,
};
use http::StatusCode;
use serde_json::{Map, Value};

use crate::RequestBuilder;

/// Calls a [`Router`] (or a configured [`Webhook`]) the way `POST /webhook` does once the
/// HTTP edge has read the body, without a socket: the request is written as JSON and
/// answered by [`Endpoint::answer_with`], so it is parsed, runs through the deadline and
/// recover layers and the router, and its reply is checked and size-guarded exactly as the
/// server would. Cheap to clone.
///
/// ```
/// use cxhook::extract::Params;
/// use cxhook::{Outcome, Reply, Router};
/// use cxhook_sim::{RequestBuilder, TestClient};
///
/// #[derive(serde::Deserialize)]
/// struct Order {
///     order_id: String,
/// }
///
/// async fn order_status(Params(order): Params<Order>) -> Reply {
///     Reply::text(format!("Order {} has shipped.", order.order_id))
///         .set_param("order_shipped", true)
///         .clear_param("pending_order")
///         .to_page("END_SESSION")
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let client = TestClient::new(Router::new().route("order.status", order_status));
///
/// let reply = client
///     .send(RequestBuilder::new().tag("order.status").param("order_id", "A-17"))
///     .await;
/// reply
///     .assert_outcome(Outcome::Ok)
///     .assert_text("Order A-17 has shipped.")
///     .assert_param("order_shipped", true)
///     .assert_deleted("pending_order")
///     .assert_target_page("END_SESSION");
///
/// // A missing parameter is rejected, and the recover layer answers for the handler.
/// let reply = client.send(RequestBuilder::new().tag("order.status")).await;
/// assert_eq!(reply.outcome(), Outcome::Rejected);
/// assert_eq!(reply.text(), cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT);
///
/// // Raw JSON goes to the parser as it is.
/// let reply = client.send(r#"{"sessionInfo": {"parameters": "none"}}"#).await;
/// assert_eq!(reply.status(), http::StatusCode::BAD_REQUEST);
/// assert_eq!(reply.error_code(), Some("invalid_request"));
/// assert_eq!(reply.json()["path"], "sessionInfo.parameters");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TestClient {
    endpoint: Endpoint,
}

impl TestClient {
    /// Calls `router` with the server's defaults: the recover layer, the 5 s deadline and the
    /// 64 KiB guard of [`Webhook::new`].
    pub fn new(router: Router) -> Self {
        Self::from(Webhook::new(router))
    }

    /// The endpoint the client calls.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends one request and returns the answer, whatever its status.
    pub async fn send(&self, request: impl IntoRequestBody) -> TestResponse {
        self.send_with(request, &Meta::default()).await
    }

    /// [`TestClient::send`], with what a transport would know besides the body (the
    /// request's trace, which the call's log lines carry).
    pub async fn send_with(&self, request: impl IntoRequestBody, meta: &Meta) -> TestResponse {
        let body = request.into_request_body();
        TestResponse::new(self.endpoint.answer_with(&body, meta).await)
    }
}

impl From<Router> for TestClient {
    fn from(router: Router) -> Self {
        Self::new(router)
    }
}

impl From<Webhook> for TestClient {
    /// Calls a webhook as configured: its recover layer, deadline, logged parameters and
    /// metrics. (Authentication, the body limit and the connection limits belong to the HTTP
    /// edge, which a test client has none of.)
    fn from(webhook: Webhook) -> Self {
        Self::from(webhook.into_endpoint())
    }
}

impl From<Endpoint> for TestClient {
    fn from(endpoint: Endpoint) -> Self {
        Self { endpoint }
    }
}

/// What a [`TestClient`] can send: a [`RequestBuilder`], a [`WebhookRequest`], a JSON
/// [`Value`], or JSON text or bytes, which are sent as they are (so that a test can check how
/// malformed bodies are answered).
pub trait IntoRequestBody {
    /// The request body.
    fn into_request_body(self) -> Vec<u8>;
}

impl IntoRequestBody for RequestBuilder {
    fn into_request_body(self) -> Vec<u8> {
        self.to_json()
    }
}

impl IntoRequestBody for &RequestBuilder {
    fn into_request_body(self) -> Vec<u8> {
        self.to_json()
    }
}

impl IntoRequestBody for WebhookRequest {
    fn into_request_body(self) -> Vec<u8> {
        (&self).into_request_body()
    }
}

impl IntoRequestBody for &WebhookRequest {
    fn into_request_body(self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a WebhookRequest holds only JSON-writable values")
    }
}

impl IntoRequestBody for Value {
    fn into_request_body(self) -> Vec<u8> {
        (&self).into_request_body()
    }
}

impl IntoRequestBody for &Value {
    fn into_request_body(self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl IntoRequestBody for Vec<u8> {
    fn into_request_body(self) -> Vec<u8> {
        self
    }
}

impl IntoRequestBody for &[u8] {
    fn into_request_body(self) -> Vec<u8> {
        self.to_vec()
    }
}

impl<const N: usize> IntoRequestBody for &[u8; N] {
    fn into_request_body(self) -> Vec<u8> {
        self.to_vec()
    }
}

impl IntoRequestBody for &str {
    fn into_request_body(self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl IntoRequestBody for String {
    fn into_request_body(self) -> Vec<u8> {
        self.into_bytes()
    }
}

/// What a [`TestClient`] got back: the status, the outcome, the raw body and, for a 200, the
/// parsed [`WebhookResponse`], with accessors for what tests check.
///
/// The accessors read what the reply *sends*: [`param`](Self::param) is the value the reply
/// writes into a session parameter (`Value::Null` when it deletes it), not the session's
/// state after the turn. Those that need a webhook response panic on an error answer, and
/// every panic and failed assert shows the status and the body.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    outcome: Outcome,
    body: Vec<u8>,
    json: Result<Value, String>,
    response: Result<WebhookResponse, String>,
}

/// The session parameters of a reply that sets none.
static NO_PARAMS: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl TestResponse {
    fn new(answered: Answered) -> Self {
        let Answered {
            status,
            body,
            outcome,
        } = answered;
        let json = serde_json::from_slice::<Value>(&body)
            .map_err(|e| format!("the body is not JSON ({e})"));
        let response = if status == StatusCode::OK {
            serde_json::from_slice::<WebhookResponse>(&body)
                .map_err(|e| format!("the body is not a webhook response ({e})"))
        } else {
            Err(format!(
                "the answer is HTTP {status}, not a webhook response"
            ))
        };
        Self {
            status,
            outcome,
            body,
            json,
            response,
        }
    }

    /// The HTTP status the server would have sent.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// How the call ended: a handler answered, the fallback, the recover layer, the
    /// deadline, or the parser refused the body.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// The body as sent.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as JSON: a webhook response, or an error body for an error status.
    ///
    /// # Panics
    ///
    /// When the body is not JSON (the server always answers JSON).
    #[track_caller]
    pub fn json(&self) -> &Value {
        match &self.json {
            Ok(json) => json,
            Err(why) => self.fail(why),
        }
    }

    /// The webhook response, when the answer is one (HTTP 200).
    pub fn try_response(&self) -> Option<&WebhookResponse> {
        self.response.as_ref().ok()
    }

    /// The webhook response.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn response(&self) -> &WebhookResponse {
        match &self.response {
            Ok(response) => response,
            Err(why) => self.fail(why),
        }
    }

    /// The `error` code of an error answer (`invalid_json`, `unknown_tag`, `handler_error`,
    /// …); `None` for a webhook response.
    pub fn error_code(&self) -> Option<&str> {
        self.error_field("error")
    }

    /// The `message` of an error answer; `None` for a webhook response.
    pub fn error_message(&self) -> Option<&str> {
        self.error_field("message")
    }

    fn error_field(&self, field: &str) -> Option<&str> {
        if self.status == StatusCode::OK {
            return None;
        }
        self.json.as_ref().ok()?.get(field)?.as_str()
    }

    /// The reply's messages, in order.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn messages(&self) -> &[ResponseMessage] {
        self.response()
            .fulfillment_response
            .as_ref()
            .map_or(&[], |fulfillment| fulfillment.messages.as_slice())
    }

    /// Every text of the reply's text messages, in order (each variant of a message with
    /// several).
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn texts(&self) -> Vec<&str> {
        self.messages()
            .iter()
            .flat_map(ResponseMessage::texts)
            .map(String::as_str)
            .collect()
    }

    /// The first text of the reply.
    ///
    /// # Panics
    ///
    /// When the answer is an error status or the reply has no text.
    #[track_caller]
    pub fn text(&self) -> &str {
        match self.texts().first() {
            Some(text) => text,
            None => self.fail("the reply has no text message"),
        }
    }

    /// The session parameters the reply writes (`null` for those it deletes); empty when it
    /// writes none.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn params(&self) -> &Map<String, Value> {
        self.response()
            .session_info
            .as_ref()
            .map_or(&NO_PARAMS, |session| &session.parameters)
    }

    /// The value the reply writes into session parameter `name`: `Some(Value::Null)` when it
    /// deletes it, `None` when it leaves it alone.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params().get(name)
    }

    /// Whether the reply deletes session parameter `name` (sends it as `null`).
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn deletes(&self, name: &str) -> bool {
        self.param(name).is_some_and(Value::is_null)
    }

    /// The form parameters the reply changes.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn form_params(&self) -> &[ParameterInfo] {
        self.response()
            .page_info
            .as_ref()
            .and_then(|page| page.form_info.as_ref())
            .map_or(&[], |form| form.parameter_info.as_slice())
    }

    /// What the reply says about form parameter `name`.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn form_param(&self, name: &str) -> Option<&ParameterInfo> {
        self.form_params().iter().find(|p| p.display_name == name)
    }

    /// The display names of the form parameters the reply marks `INVALID`, in order.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn invalidated(&self) -> Vec<&str> {
        self.form_params()
            .iter()
            .filter(|p| p.state == ParameterState::Invalid)
            .map(|p| p.display_name.as_str())
            .collect()
    }

    /// The reply's transition, if it has one.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn transition(&self) -> Option<&Transition> {
        self.response().transition.as_ref()
    }

    /// The page the reply moves to, as a full resource name
    /// (`projects/…/flows/<F>/pages/<P>`).
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn target_page(&self) -> Option<&str> {
        match self.transition()? {
            Transition::TargetPage(page) => Some(page),
            Transition::TargetFlow(_) => None,
        }
    }

    /// The flow the reply moves to, as a full resource name (`projects/…/flows/<F>`).
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn target_flow(&self) -> Option<&str> {
        match self.transition()? {
            Transition::TargetFlow(flow) => Some(flow),
            Transition::TargetPage(_) => None,
        }
    }

    /// The reply's payload for the detect-intent caller.
    ///
    /// # Panics
    ///
    /// When the answer is an error status.
    #[track_caller]
    pub fn payload(&self) -> Option<&Struct> {
        self.response().payload.as_ref()
    }

    /// Asserts the HTTP status.
    #[track_caller]
    pub fn assert_status(&self, expected: StatusCode) -> &Self {
        if self.status != expected {
            self.fail(&format!("expected HTTP {expected}"));
        }
        self
    }

    /// Asserts how the call ended.
    #[track_caller]
    pub fn assert_outcome(&self, expected: Outcome) -> &Self {
        if self.outcome != expected {
            self.fail(&format!(
                "expected the outcome `{}`, got `{}`",
                expected.as_str(),
                self.outcome.as_str()
            ));
        }
        self
    }

    /// Asserts the first text of the reply.
    #[track_caller]
    pub fn assert_text(&self, expected: &str) -> &Self {
        let text = self.text();
        if text != expected {
            self.fail(&format!("expected the text {expected:?}, got {text:?}"));
        }
        self
    }

    /// Asserts that some text of the reply contains `part`.
    #[track_caller]
    pub fn assert_text_contains(&self, part: &str) -> &Self {
        if !self.texts().iter().any(|text| text.contains(part)) {
            self.fail(&format!("expected a text containing {part:?}"));
        }
        self
    }

    /// Asserts the value the reply writes into session parameter `name`.
    #[track_caller]
    pub fn assert_param(&self, name: &str, expected: impl Into<Value>) -> &Self {
        let expected = expected.into();
        match self.param(name) {
            Some(value) if *value == expected => self,
            Some(value) => self.fail(&format!(
                "expected session parameter `{name}` = {expected}, got {value}"
            )),
            None => self.fail(&format!(
                "expected session parameter `{name}` = {expected}; the reply does not set it"
            )),
        }
    }

    /// Asserts that the reply deletes session parameter `name` (sends it as `null`).
    #[track_caller]
    pub fn assert_deleted(&self, name: &str) -> &Self {
        if !self.deletes(name) {
            self.fail(&format!(
                "expected session parameter `{name}` to be deleted (sent as null)"
            ));
        }
        self
    }

    /// Asserts that the reply marks exactly these form parameters `INVALID`, in this order.
    #[track_caller]
    pub fn assert_invalidated(&self, expected: &[&str]) -> &Self {
        let invalidated = self.invalidated();
        if invalidated != expected {
            self.fail(&format!(
                "expected the form parameters {expected:?} marked INVALID, got {invalidated:?}"
            ));
        }
        self
    }

    /// Asserts that the reply moves to this page: its full resource name, or its last
    /// segment (`"END_SESSION"`, `"confirm"`).
    #[track_caller]
    pub fn assert_target_page(&self, page: &str) -> &Self {
        if !self
            .target_page()
            .is_some_and(|target| names(target, "/pages/", page))
        {
            self.fail(&format!("expected a transition to page `{page}`"));
        }
        self
    }

    /// Asserts that the reply moves to this flow: its full resource name, or its last
    /// segment.
    #[track_caller]
    pub fn assert_target_flow(&self, flow: &str) -> &Self {
        if !self
            .target_flow()
            .is_some_and(|target| names(target, "/flows/", flow))
        {
            self.fail(&format!("expected a transition to flow `{flow}`"));
        }
        self
    }

    /// The body for a person: pretty JSON, or the bytes as text.
    fn shown_body(&self) -> Cow<'_, str> {
        match self
            .json
            .as_ref()
            .ok()
            .and_then(|json| serde_json::to_string_pretty(json).ok())
        {
            Some(pretty) => Cow::Owned(pretty),
            None => String::from_utf8_lossy(&self.body),
        }
    }

    #[track_caller]
    fn fail(&self, why: &str) -> ! {
        panic!("{why}; the webhook answered {self}")
    }
}

impl fmt::Display for TestResponse {
    /// `HTTP 200 OK (outcome ok)` and the body, pretty-printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} (outcome {}):\n{}",
            self.status,
            self.outcome.as_str(),
            self.shown_body()
        )
    }
}

/// Whether resource name `name` is `expected`, or ends in `<segment><expected>`.
fn names(name: &str, segment: &str, expected: &str) -> bool {
    name == expected
        || name
            .strip_suffix(expected)
            .is_some_and(|head| head.ends_with(segment))
}
