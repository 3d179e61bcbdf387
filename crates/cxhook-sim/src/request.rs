//! [`RequestBuilder`]: webhook requests as Dialogflow CX sends them, for tests and tools.

use cxhook_types::{
    FormInfo, IntentInfo, IntentParameterValue, PageInfo, ParameterInfo, ParameterState, Query,
    ResponseMessage, SentimentAnalysisResult, WebhookRequest,
};
use serde_json::Value;

/// The agent that built requests come from.
pub const AGENT: &str =
    "projects/cxhook-local/locations/global/agents/00000000-0000-0000-0000-00000000c0de";

/// The agent's default start flow, where a fresh session is.
pub const DEFAULT_FLOW: &str = "00000000-0000-0000-0000-000000000000";

/// The display name Dialogflow gives every flow's start page.
pub const START_PAGE_NAME: &str = "Start Page";

/// The ID Dialogflow gives every flow's start page.
const START_PAGE_ID: &str = "START_PAGE";

/// The language code of a built request unless [`RequestBuilder::lang`] changes it.
pub const DEFAULT_LANGUAGE: &str = "en";

/// Builds a [`WebhookRequest`] the way Dialogflow CX v3 sends one: a session of the local
/// agent [`AGENT`], a fresh `detectIntentResponseId`, the start page of the default flow, and
/// whatever the test sets on top.
///
/// Setters take and give the builder by value; [`build`](Self::build) and
/// [`to_json`](Self::to_json) leave it usable, so one builder can make several requests.
///
/// ```
/// use cxhook_sim::RequestBuilder;
/// use cxhook_types::{ParameterState, Query};
///
/// let request = RequestBuilder::new()
///     .tag("booking.validate")
///     .text("tomorrow at 10")
///     .lang("de")
///     .param("service", "haircut")
///     .page("Book Appointment")
///     .form_param("date", ParameterState::Filled, Some(serde_json::json!({"year": 2026, "month": 12, "day": 1})))
///     .form_param("time", ParameterState::Empty, None)
///     .build();
/// assert_eq!(request.tag(), Some("booking.validate"));
/// assert_eq!(request.query, Some(Query::Text("tomorrow at 10".into())));
/// assert_eq!(request.form_param("time").unwrap().state, ParameterState::Empty);
/// assert_eq!(request.param("date").unwrap()["day"], 1, "a filled form value is a session parameter too");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBuilder {
    request: WebhookRequest,
}

impl Default for RequestBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl From<WebhookRequest> for RequestBuilder {
    /// Starts from an existing request (one read from a file, or the previous turn's).
    fn from(request: WebhookRequest) -> Self {
        Self { request }
    }
}

impl RequestBuilder {
    /// A request in a fresh session of [`AGENT`] (a random session ID), with a random
    /// `detectIntentResponseId`, language [`DEFAULT_LANGUAGE`], on the start page of the
    /// default flow, with no tag, no query and no parameters.
    pub fn new() -> Self {
        let request = WebhookRequest {
            detect_intent_response_id: uuid::Uuid::new_v4().to_string(),
            language_code: DEFAULT_LANGUAGE.to_owned(),
            ..WebhookRequest::default()
        };
        Self { request }
            .session(uuid::Uuid::new_v4().to_string())
            .page(START_PAGE_NAME)
    }

    /// Sets the fulfillment tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.request.fulfillment_info.tag = tag.into();
        self
    }

    /// Makes the query what the user typed (`text`), replacing any other query.
    pub fn text(self, text: impl Into<String>) -> Self {
        self.query(Query::Text(text.into()))
    }

    /// Makes the query what speech recognition heard (`transcript`).
    pub fn transcript(self, transcript: impl Into<String>) -> Self {
        self.query(Query::Transcript(transcript.into()))
    }

    /// Makes the query an event the caller triggered (`triggerEvent`), e.g. `welcome`.
    pub fn event(self, event: impl Into<String>) -> Self {
        self.query(Query::TriggerEvent(event.into()))
    }

    /// Makes the query keypad digits the caller pressed (`dtmfDigits`), e.g. `1234#`.
    pub fn dtmf(self, digits: impl Into<String>) -> Self {
        self.query(Query::DtmfDigits(digits.into()))
    }

    /// Makes the query an intent the caller triggered directly (`triggerIntent`): a whole
    /// resource name `projects/…/intents/<ID>`, or an intent ID of the request's agent.
    pub fn intent(self, intent: impl Into<String>) -> Self {
        let intent = intent.into();
        let name = if intent.starts_with("projects/") {
            intent
        } else {
            format!("{}/intents/{intent}", self.agent())
        };
        self.query(Query::TriggerIntent(name))
    }

    /// Sets the query (any kind), replacing the one there was.
    pub fn query(mut self, query: Query) -> Self {
        self.request.query = Some(query);
        self
    }

    /// Leaves the request without a query, as a webhook call from a page's entry
    /// fulfillment has none.
    pub fn no_query(mut self) -> Self {
        self.request.query = None;
        self
    }

    /// Sets the session: a session ID of [`AGENT`], or a whole session name starting with
    /// `projects/`. The current page moves to the session's agent (same flow and page IDs).
    pub fn session(mut self, session: impl Into<String>) -> Self {
        let session = session.into();
        self.request.session_info.session = if session.starts_with("projects/") {
            session
        } else {
            format!("{AGENT}/sessions/{session}")
        };
        let agent = self.agent();
        if let Some(page) = &mut self.request.page_info
            && let Ok(path) = cxhook_types::PagePath::parse(&page.current_page)
            && path.agent_name() != agent
        {
            page.current_page = format!("{agent}{}", &path.as_str()[path.agent_name().len()..]);
        }
        self
    }

    /// Sets the `detectIntentResponseId`: the same ID twice stands for one turn retried.
    pub fn response_id(mut self, id: impl Into<String>) -> Self {
        self.request.detect_intent_response_id = id.into();
        self
    }

    /// Sets the language code (`en`, `de-DE`).
    pub fn lang(mut self, code: impl Into<String>) -> Self {
        self.request.language_code = code.into();
        self
    }

    /// Sets a session parameter. A `null` value is sent as it is, which Dialogflow never does
    /// (it leaves deleted parameters out); use [`remove_param`](Self::remove_param) for that.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        let mut value = value.into();
        cxhook_types::value::normalize_numbers(&mut value);
        self.request
            .session_info
            .parameters
            .insert(name.into(), value);
        self
    }

    /// Removes a session parameter.
    pub fn remove_param(mut self, name: &str) -> Self {
        self.request.session_info.parameters.remove(name);
        self
    }

    /// Moves to the page with this display name in the current flow, with an empty form. The
    /// page's ID is derived from its name (a UUID v5), so the same name always gives the same
    /// resource name; [`START_PAGE_NAME`] is the flow's `START_PAGE`.
    pub fn page(mut self, display_name: impl Into<String>) -> Self {
        let display_name = display_name.into();
        let flow = self.flow();
        let id = if display_name == START_PAGE_NAME {
            START_PAGE_ID.to_owned()
        } else {
            stable_id(&format!("{flow}/pages/{display_name}"))
        };
        self.request.page_info = Some(PageInfo {
            current_page: format!("{flow}/pages/{id}"),
            display_name,
            form_info: None,
        });
        self
    }

    /// Sets a form parameter of the current page: its state and value, adding it to the form
    /// when it is not there (not required; see [`form_required`](Self::form_required)). A
    /// value is also set as the session parameter of that name, as Dialogflow keeps form
    /// values there; `None` leaves the session parameter as it is.
    pub fn form_param(
        mut self,
        name: impl Into<String>,
        state: ParameterState,
        value: Option<Value>,
    ) -> Self {
        let name = name.into();
        let mut value = value;
        value
            .iter_mut()
            .for_each(cxhook_types::value::normalize_numbers);
        if let Some(value) = &value {
            self.request
                .session_info
                .parameters
                .insert(name.clone(), value.clone());
        }
        let param = self.form_entry(name);
        param.state = state;
        param.value = value;
        self
    }

    /// Sets whether a form parameter of the current page is required, adding it to the form
    /// (state `EMPTY`) when it is not there.
    pub fn form_required(mut self, name: impl Into<String>, required: bool) -> Self {
        self.form_entry(name.into()).required = required;
        self
    }

    /// Marks a form parameter of the current page as collected this turn (`justCollected`),
    /// adding it to the form (state `EMPTY`) when it is not there.
    pub fn just_collected(mut self, name: impl Into<String>) -> Self {
        self.form_entry(name.into()).just_collected = true;
        self
    }

    /// Sets the intent matched last, by display name, with a resource name derived from it;
    /// its parameters are kept.
    pub fn matched_intent(mut self, display_name: impl Into<String>, confidence: f32) -> Self {
        let display_name = display_name.into();
        let agent = self.agent();
        let id = stable_id(&format!("{agent}/intents/{display_name}"));
        let info = self
            .request
            .intent_info
            .get_or_insert_with(IntentInfo::default);
        info.last_matched_intent = format!("{agent}/intents/{id}");
        info.display_name = display_name;
        info.confidence = confidence;
        self
    }

    /// Sets a parameter the matched intent extracted: the user's words and what they
    /// resolved to.
    pub fn intent_param(
        mut self,
        name: impl Into<String>,
        original: impl Into<String>,
        resolved: impl Into<Value>,
    ) -> Self {
        let mut resolved_value = resolved.into();
        cxhook_types::value::normalize_numbers(&mut resolved_value);
        let info = self
            .request
            .intent_info
            .get_or_insert_with(IntentInfo::default);
        info.parameters.insert(
            name.into(),
            IntentParameterValue {
                original_value: original.into(),
                resolved_value,
            },
        );
        self
    }

    /// Sets the payload the detect-intent caller sent.
    ///
    /// # Panics
    ///
    /// When `payload` is not a JSON object: the wire format has a `Struct` there.
    pub fn payload(mut self, payload: impl Into<Value>) -> Self {
        let Value::Object(mut payload) = payload.into() else {
            panic!("RequestBuilder::payload takes a JSON object");
        };
        payload
            .values_mut()
            .for_each(cxhook_types::value::normalize_numbers);
        self.request.payload = Some(payload);
        self
    }

    /// Adds a message to those queued for the turn before the webhook call.
    pub fn message(mut self, message: ResponseMessage) -> Self {
        self.request.messages.push(message);
        self
    }

    /// Sets the query's sentiment: `score` from -1.0 to 1.0, `magnitude` 0.0 and up.
    pub fn sentiment(mut self, score: f32, magnitude: f32) -> Self {
        self.request.sentiment_analysis_result = Some(SentimentAnalysisResult { score, magnitude });
        self
    }

    /// The request as built so far.
    pub fn build(&self) -> WebhookRequest {
        self.request.clone()
    }

    /// The request serialized as Dialogflow sends it: camelCase JSON without unset fields.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.request).expect("a WebhookRequest always serializes to JSON")
    }

    /// The agent of the request's session (or of its page, or [`AGENT`]).
    fn agent(&self) -> String {
        let from_session = cxhook_types::SessionPath::parse(&self.request.session_info.session)
            .ok()
            .map(|path| path.agent_name().to_owned());
        from_session.unwrap_or_else(|| AGENT.to_owned())
    }

    /// The resource name of the current page's flow, or of the agent's default flow.
    fn flow(&self) -> String {
        let page = self.request.page_info.as_ref();
        page.and_then(|p| cxhook_types::PagePath::parse(&p.current_page).ok())
            .map(|path| path.flow_name().to_owned())
            .unwrap_or_else(|| format!("{}/flows/{DEFAULT_FLOW}", self.agent()))
    }

    /// The form parameter `name` of the current page, added (state `EMPTY`) when missing.
    fn form_entry(&mut self, name: String) -> &mut ParameterInfo {
        if self.request.page_info.is_none() {
            let start = self.clone().page(START_PAGE_NAME);
            self.request.page_info = start.request.page_info;
        }
        let page = self.request.page_info.get_or_insert_with(PageInfo::default);
        let params = &mut page
            .form_info
            .get_or_insert_with(FormInfo::default)
            .parameter_info;
        let at = match params.iter().position(|p| p.display_name == name) {
            Some(at) => at,
            None => {
                params.push(ParameterInfo {
                    display_name: name,
                    state: ParameterState::Empty,
                    ..ParameterInfo::default()
                });
                params.len() - 1
            }
        };
        &mut params[at]
    }
}

/// A UUID (v5) derived from `key`: the same key always gives the same ID.
fn stable_id(key: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes()).to_string()
}

#[cfg(test)]
mod tests {
    use cxhook::extract::Request;
    use cxhook::server::Webhook;
    use cxhook::{Reply, Router};
    use cxhook_types::{Message, SessionPath, Text};
    use serde_json::json;

    use super::*;

    /// One builder of every shape: each query kind, a form, intent info, a payload, queued
    /// messages, sentiment, another agent's session.
    fn shapes() -> Vec<RequestBuilder> {
        let base = RequestBuilder::new().tag("shape");
        vec![
            base.clone(),
            base.clone().no_query(),
            base.clone().text("what's my balance?"),
            base.clone().transcript("what is my balance"),
            base.clone().event("welcome"),
            base.clone().dtmf("1234#"),
            base.clone().intent("i-1"),
            base.clone()
                .lang("de-DE")
                .session("projects/p/locations/eu/agents/a/environments/-/sessions/s-9")
                .page("Book Appointment")
                .form_param(
                    "date",
                    ParameterState::Filled,
                    Some(json!({"year": 2026.0, "month": 12, "day": 1})),
                )
                .form_param("time", ParameterState::Invalid, Some(json!("25:00")))
                .form_required("date", true)
                .just_collected("time")
                .param("service", "haircut")
                .param("count", 4.0)
                .remove_param("service"),
            base.clone()
                .matched_intent("booking.provide_details", 0.93)
                .intent_param("party_size", "four", 4)
                .payload(json!({"telephony": {"caller_id": "+15550001111"}}))
                .message(ResponseMessage::new(Message::Text(Text {
                    text: vec!["Queued.".into()],
                    ..Text::default()
                })))
                .sentiment(-0.5, 0.75)
                .response_id("r-1"),
        ]
    }

    #[test]
    fn a_fresh_request_looks_like_dialogflows() {
        let request = RequestBuilder::new().build();
        let session = SessionPath::parse(&request.session_info.session).unwrap();
        assert_eq!(session.agent_name(), AGENT);
        assert_eq!(
            uuid::Uuid::parse_str(session.session_id())
                .unwrap()
                .get_version_num(),
            4
        );
        let id = uuid::Uuid::parse_str(&request.detect_intent_response_id).unwrap();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(request.language_code, "en");
        assert_eq!(request.tag(), None);
        assert_eq!(request.query, None);
        let page = request.page_info.unwrap();
        assert_eq!(
            page.current_page,
            format!("{AGENT}/flows/{DEFAULT_FLOW}/pages/START_PAGE")
        );
        assert_eq!(page.display_name, START_PAGE_NAME);
        let other = RequestBuilder::new().build();
        assert_ne!(other.session_info.session, request.session_info.session);
        assert_ne!(
            other.detect_intent_response_id,
            request.detect_intent_response_id
        );
    }

    #[test]
    fn every_shape_parses_back_as_it_was_built() {
        for builder in shapes() {
            let built = builder.build();
            let json = builder.to_json();
            let parsed: WebhookRequest = serde_json::from_slice(&json)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json)));
            assert_eq!(parsed, built, "{}", String::from_utf8_lossy(&json));
        }
    }

    #[test]
    fn json_is_camel_case_as_dialogflow_sends_it() {
        let json: Value = serde_json::from_slice(&shapes()[8].to_json()).unwrap();
        assert_eq!(json["detectIntentResponseId"], "r-1");
        assert_eq!(json["fulfillmentInfo"]["tag"], "shape");
        assert_eq!(json["intentInfo"]["displayName"], "booking.provide_details");
        assert_eq!(
            json["intentInfo"]["parameters"]["party_size"],
            json!({"originalValue": "four", "resolvedValue": 4})
        );
        assert_eq!(json["sentimentAnalysisResult"]["magnitude"], 0.75);
        assert_eq!(json["messages"][0]["text"]["text"][0], "Queued.");
        assert_eq!(json["payload"]["telephony"]["caller_id"], "+15550001111");
        let dtmf: Value = serde_json::from_slice(&shapes()[5].to_json()).unwrap();
        assert_eq!(dtmf["dtmfDigits"], "1234#");
        assert_eq!(dtmf.get("text"), None);
    }

    #[tokio::test]
    async fn every_shape_goes_through_the_endpoint_unchanged() {
        let echo = |Request(request): Request| async move {
            Reply::text("echo").set_param("request", &*request)
        };
        let router: Router = Router::new().route("shape", echo);
        let endpoint = Webhook::new(router).into_endpoint();
        for builder in shapes() {
            let answered = endpoint.answer(&builder.to_json()).await;
            assert_eq!(answered.status, http::StatusCode::OK);
            let reply: Value = serde_json::from_slice(&answered.body).unwrap();
            let echoed = &reply["sessionInfo"]["parameters"]["request"];
            let echoed: WebhookRequest = serde_json::from_value(echoed.clone()).unwrap();
            assert_eq!(echoed, builder.build());
        }
    }

    #[test]
    fn pages_have_stable_ids_in_the_current_flow() {
        let page = |builder: RequestBuilder| builder.build().page_info.unwrap();
        let book = page(RequestBuilder::new().page("Book"));
        assert_eq!(book, page(RequestBuilder::new().page("Book")));
        assert_ne!(
            book.current_page,
            page(RequestBuilder::new().page("Cancel")).current_page
        );
        let path = cxhook_types::PagePath::parse(&book.current_page).unwrap();
        assert_eq!(path.flow_name(), format!("{AGENT}/flows/{DEFAULT_FLOW}"));
        assert!(uuid::Uuid::parse_str(path.page_id()).is_ok());
        let start = page(RequestBuilder::new().page("Book").page(START_PAGE_NAME));
        assert!(start.current_page.ends_with("/pages/START_PAGE"));

        let other_flow = "projects/p/locations/l/agents/a/flows/f-2/pages/x";
        let request = WebhookRequest {
            page_info: Some(PageInfo {
                current_page: other_flow.into(),
                ..PageInfo::default()
            }),
            ..WebhookRequest::default()
        };
        let moved = page(RequestBuilder::from(request).page("Book"));
        assert!(
            moved
                .current_page
                .starts_with("projects/p/locations/l/agents/a/flows/f-2/pages/"),
            "{moved:?}"
        );
    }

    #[test]
    fn form_params_are_upserted_and_mirrored_into_the_session() {
        let request = RequestBuilder::new()
            .page("Book")
            .form_param("date", ParameterState::Empty, None)
            .form_required("date", true)
            .form_param("date", ParameterState::Filled, Some(json!({"day": 1.0})))
            .build();
        let date = request.form_param("date").unwrap();
        assert_eq!(date.state, ParameterState::Filled);
        assert!(date.required);
        assert_eq!(date.value, Some(json!({"day": 1})));
        assert_eq!(request.param("date"), Some(&json!({"day": 1})));
        assert_eq!(
            request
                .page_info
                .unwrap()
                .form_info
                .unwrap()
                .parameter_info
                .len(),
            1
        );
        let moved = RequestBuilder::from(
            RequestBuilder::new()
                .form_param("a", ParameterState::Empty, None)
                .build(),
        )
        .page("Next")
        .build();
        assert_eq!(
            moved.page_info.unwrap().form_info,
            None,
            "a new page has a new form"
        );
    }

    #[test]
    fn sessions_and_intents_name_the_agent() {
        let request = RequestBuilder::new().session("s-1").intent("i-1").build();
        let page = request.page_info.as_ref().unwrap();
        assert!(page.current_page.starts_with(AGENT), "{page:?}");
        assert_eq!(
            request.session_info.session,
            format!("{AGENT}/sessions/s-1")
        );
        assert_eq!(
            request.query,
            Some(Query::TriggerIntent(format!("{AGENT}/intents/i-1")))
        );
        let full = "projects/p/locations/l/agents/a/intents/i-2";
        let request = RequestBuilder::new()
            .session("projects/p/locations/l/agents/a/sessions/s-2")
            .intent(full)
            .matched_intent("Order", 1.0)
            .build();
        assert_eq!(request.query, Some(Query::TriggerIntent(full.into())));
        let page = request.page_info.as_ref().unwrap();
        assert_eq!(
            page.current_page,
            format!("projects/p/locations/l/agents/a/flows/{DEFAULT_FLOW}/pages/START_PAGE")
        );
        let matched = request.intent_info.unwrap().last_matched_intent;
        assert!(
            matched.starts_with("projects/p/locations/l/agents/a/intents/"),
            "{matched}"
        );
    }

    #[test]
    #[should_panic(expected = "takes a JSON object")]
    fn a_payload_must_be_an_object() {
        let _ = RequestBuilder::new().payload(json!([1]));
    }
}
