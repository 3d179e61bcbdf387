//! [`Conversation`]: the session state Dialogflow CX keeps between the turns of a
//! conversation, and how it applies a webhook's reply to it.

use cxhook_types::{
    FlowPath, FormInfo, FulfillmentInfo, MergeBehavior, PageInfo, PagePath, ParameterInfo,
    ParameterState, ResponseMessage, SessionInfo, SessionPath, Struct, Transition, WebhookRequest,
    WebhookResponse,
};
use serde_json::Value;

use crate::RequestBuilder;
use crate::request::{AGENT, DEFAULT_FLOW, DEFAULT_LANGUAGE, START_PAGE_NAME};
#[cfg(feature = "client")]
use crate::{TestClient, TestResponse};

/// The page ID of every flow's start page.
const START_PAGE_ID: &str = "START_PAGE";

/// A multi-turn conversation with a webhook, kept the way Dialogflow CX keeps a session:
/// its name, its parameters, the current page and its form, and the language.
///
/// It builds each turn's request from its state ([`Conversation::turn`]) and, once the
/// webhook has answered, applies the reply the way CX does ([`Conversation::apply`]). The rules, one by one (the wire format's reference, §2, is the
/// source; what it leaves open is marked *inferred*):
///
/// 1. **Session parameters merge.** Each key of `sessionInfo.parameters` creates or
///    overwrites that parameter; keys the reply leaves out are kept; a key sent as `null`
///    deletes the parameter. `sessionInfo.session` in a reply is ignored.
/// 2. **Form parameters are updated, never added or removed.** Each entry of
///    `pageInfo.formInfo.parameterInfo` is matched by `displayName`; an entry naming no
///    parameter of the page's form changes nothing. `value` sets the value (and the parameter
///    is then filled), `required` replaces the parameter's flag (a protobuf `bool` has no
///    "unset", so the reply's value counts), and `state: INVALID` invalidates the parameter
///    so that CX asks for it again; any other state is ignored, as are `justCollected`,
///    `currentPage` and `displayName` of the page.
/// 3. *Inferred:* **a form parameter is the session parameter of the same name.** A value
///    set through the form is the session parameter's value too; a session parameter set by
///    the reply fills the form parameter of that name, and one deleted empties it (unless the
///    same reply invalidates it, which wins). Session changes apply first, form changes after.
/// 4. **Messages queue.** What the user hears is the turn's queue (the request's `messages`)
///    with the reply's messages added at its end (`APPEND`, also when unspecified), or in its
///    place (`REPLACE`).
/// 5. **Transitions move the session.** `targetPage` becomes the current page (its form is
///    the new page's, which the webhook cannot know: empty until a turn says otherwise);
///    `targetFlow` moves to that flow's start page. Of the special pages, `CURRENT_PAGE`
///    stays (form kept), `PREVIOUS_PAGE` goes back to the page before, `START_PAGE` is the
///    flow's start page, and `END_SESSION` ends the session. `END_FLOW` and its variants
///    return to whatever started the flow, which only the agent knows: the conversation
///    records the special page itself.
/// 6. *Inferred:* **an ended session starts over.** The turn after `END_SESSION` begins a
///    fresh session of the same name: no parameters, the default start flow's start page.
/// 7. **A failed call changes nothing** (*inferred*): an answer that is not a webhook
///    response (an error status) is not applied; `Conversation::send` (feature `client`)
///    leaves the state as it was.
///
/// The language is the one the requests carry; a reply cannot change it. Resource names are
/// read with [`PagePath`], [`FlowPath`] and [`SessionPath`]; a name that is not one, which
/// CX never sends, is kept as it is, as the page's name and ID.
///
/// ```
/// use cxhook::extract::Session;
/// use cxhook::{Reply, Router};
/// use cxhook_sim::{Conversation, TestClient};
///
/// async fn count(session: Session) -> Reply {
///     let n = session.param("n").and_then(|n| n.as_i64()).unwrap_or(0) + 1;
///     let reply = Reply::text(format!("turn {n}")).set_param("n", n);
///     if n == 2 { reply.clear_param("n").end_session() } else { reply }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let client = TestClient::new(Router::new().route("count", count));
/// let mut conversation = Conversation::new();
///
/// let turn = conversation.turn("count");
/// conversation.send(&client, turn).await.assert_text("turn 1");
/// assert_eq!(conversation.param("n"), Some(&serde_json::json!(1)));
///
/// let turn = conversation.turn("count");
/// conversation.send(&client, turn).await.assert_text("turn 2");
/// assert_eq!(conversation.param("n"), None);
/// assert!(conversation.is_ended());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    session: String,
    params: Struct,
    page: CurrentPage,
    previous: Option<CurrentPage>,
    form: Vec<ParameterInfo>,
    language: String,
    ended: bool,
    turns: u64,
}

/// A page of the agent: its resource name and display name.
///
/// A name that is not a page name ([`PagePath`]) is its own ID and flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentPage {
    /// The resource name, `projects/…/agents/<A>/flows/<F>/pages/<P>`.
    pub name: String,
    /// The display name; for a page reached by a transition, which names the page only by
    /// its resource name, the page ID.
    pub display_name: String,
}

impl CurrentPage {
    /// The start page of `flow`.
    fn start_of(flow: &FlowPath) -> Self {
        Self {
            name: flow.start_page().into_string(),
            display_name: START_PAGE_NAME.to_owned(),
        }
    }

    /// A page by resource name, displayed by its ID.
    fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            display_name: page_id(name).to_owned(),
        }
    }

    /// The page ID (`START_PAGE`, `END_SESSION`, a UUID).
    pub fn id(&self) -> &str {
        page_id(&self.name)
    }

    /// The resource name of the page's flow.
    pub fn flow(&self) -> &str {
        PagePath::split(&self.name).map_or(&self.name, |(flow, _)| flow)
    }

    /// Whether `name` names this page: its display name, its ID or its resource name.
    pub fn is(&self, name: &str) -> bool {
        self.display_name == name || self.id() == name || self.name == name
    }
}

/// What one applied reply did: what the user hears and how the session changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Applied {
    /// The turn's messages after the reply's merged in: what the user hears.
    pub messages: Vec<ResponseMessage>,
    /// The session parameters the reply set, with their values.
    pub set: Struct,
    /// The session parameters the reply deleted.
    pub deleted: Vec<String>,
    /// The reply's transition, as sent.
    pub transition: Option<Transition>,
    /// Whether the reply ended the session.
    pub ended: bool,
    /// The reply's payload for the detect-intent caller.
    pub payload: Option<Struct>,
}

impl Applied {
    /// Every text the user hears, in order (each variant of a message with several).
    pub fn texts(&self) -> Vec<&str> {
        self.messages
            .iter()
            .flat_map(ResponseMessage::texts)
            .map(String::as_str)
            .collect()
    }
}

impl Default for Conversation {
    fn default() -> Self {
        Self::new()
    }
}

impl Conversation {
    /// A fresh session on the default start flow's start page, in English, with a session ID
    /// no other conversation has.
    pub fn new() -> Self {
        Self::with_session(uuid::Uuid::new_v4().to_string())
    }

    /// A fresh session with this session ID, or this whole session name
    /// (`projects/…/sessions/…`).
    pub fn with_session(session: impl Into<String>) -> Self {
        let session = session.into();
        let session = if session.starts_with("projects/") {
            session
        } else {
            format!("{AGENT}/sessions/{session}")
        };
        Self {
            session,
            params: Struct::new(),
            page: CurrentPage::start_of(&default_flow(AGENT)),
            previous: None,
            form: Vec::new(),
            language: DEFAULT_LANGUAGE.to_owned(),
            ended: false,
            turns: 0,
        }
    }

    /// Sets the language code of the conversation's requests.
    #[must_use]
    pub fn lang(mut self, code: impl Into<String>) -> Self {
        self.language = code.into();
        self
    }

    /// Sets a session parameter, as the agent would before the next call.
    #[must_use]
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set_param(name, value);
        self
    }

    /// Sets (or, with `null`, deletes) a session parameter, as the agent would before the
    /// next call (intent parameters and form filling become session parameters). A form
    /// parameter of the same name follows.
    pub fn set_param(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        let name = name.into();
        let value = value.into();
        self.fill_form(&name, &value);
        if value.is_null() {
            self.params.remove(&name);
        } else {
            self.params.insert(name, value);
        }
    }

    /// Moves the session to the page with this display name in the current flow, with an
    /// empty form, as the agent's own routes would. The page's resource name is the one
    /// [`RequestBuilder::page`] gives it.
    pub fn go_to(&mut self, display_name: impl Into<String>) {
        let page = RequestBuilder::from(self.snapshot(""))
            .page(display_name)
            .build()
            .page_info
            .unwrap_or_default();
        self.move_to(CurrentPage {
            name: page.current_page,
            display_name: page.display_name,
        });
    }

    /// Declares a form parameter of the current page (or changes one): its state and value.
    /// A value is also the session parameter of that name. Without a value, an `EMPTY`
    /// parameter deletes the session parameter, and any other state takes the session
    /// parameter's value, if there is one. A new parameter is optional (see
    /// [`set_form_required`](Self::set_form_required)).
    pub fn set_form_param(
        &mut self,
        name: impl Into<String>,
        state: ParameterState,
        value: Option<Value>,
    ) {
        let name = name.into();
        let value = match (value, state) {
            (Some(value), _) => {
                self.params.insert(name.clone(), value.clone());
                Some(value)
            }
            (None, ParameterState::Empty) => {
                self.params.remove(&name);
                None
            }
            (None, _) => self.params.get(&name).cloned(),
        };
        let param = self.form_entry(name);
        param.state = state;
        param.value = value;
    }

    /// Sets whether a form parameter of the current page is required, declaring it (state
    /// `EMPTY`) when the form has no such parameter.
    pub fn set_form_required(&mut self, name: impl Into<String>, required: bool) {
        self.form_entry(name.into()).required = required;
    }

    fn form_entry(&mut self, name: String) -> &mut ParameterInfo {
        let at = match self.form.iter().position(|p| p.display_name == name) {
            Some(at) => at,
            None => {
                self.form.push(ParameterInfo {
                    display_name: name,
                    state: ParameterState::Empty,
                    ..ParameterInfo::default()
                });
                self.form.len() - 1
            }
        };
        &mut self.form[at]
    }

    /// The session's resource name.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// The session parameters.
    pub fn params(&self) -> &Struct {
        &self.params
    }

    /// A session parameter.
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }

    /// The current page.
    pub fn page(&self) -> &CurrentPage {
        &self.page
    }

    /// The current page's form parameters.
    pub fn form(&self) -> &[ParameterInfo] {
        &self.form
    }

    /// A form parameter of the current page.
    pub fn form_param(&self, name: &str) -> Option<&ParameterInfo> {
        self.form.iter().find(|p| p.display_name == name)
    }

    /// The language code of the conversation's requests.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Whether the last reply ended the session (the next turn starts it over).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// How many replies were applied.
    pub fn turns(&self) -> u64 {
        self.turns
    }

    /// The next turn's request, as CX would send it for a fulfillment tagged `tag`: a fresh
    /// response ID, the session and its parameters, the page and its form, the language. A
    /// session that ended starts over first.
    pub fn request(&mut self, tag: &str) -> WebhookRequest {
        if self.ended {
            self.restart();
        }
        self.snapshot(tag)
    }

    /// A request for `tag` carrying the state as it is.
    fn snapshot(&self, tag: &str) -> WebhookRequest {
        let form_info = (!self.form.is_empty()).then(|| FormInfo {
            parameter_info: self.form.clone(),
        });
        WebhookRequest {
            detect_intent_response_id: uuid::Uuid::new_v4().to_string(),
            language_code: self.language.clone(),
            fulfillment_info: FulfillmentInfo {
                tag: tag.to_owned(),
            },
            page_info: Some(PageInfo {
                current_page: self.page.name.clone(),
                display_name: self.page.display_name.clone(),
                form_info,
            }),
            session_info: SessionInfo {
                session: self.session.clone(),
                parameters: self.params.clone(),
            },
            ..WebhookRequest::default()
        }
    }

    /// The next turn's request as a [`RequestBuilder`], to add what the user said or did
    /// (`.text()`, `.event()`, …) before sending it.
    pub fn turn(&mut self, tag: &str) -> RequestBuilder {
        RequestBuilder::from(self.request(tag))
    }

    /// Applies the webhook's `response` to the request it answered, as CX does: the
    /// request's session parameters, page, form and language are the state the reply
    /// changes (so what a turn put into its request stays), then the rules of
    /// [`Conversation`] apply.
    pub fn apply(&mut self, request: &WebhookRequest, response: &WebhookResponse) -> Applied {
        self.adopt(request);
        let mut applied = Applied {
            messages: merge(request, response),
            payload: response.payload.clone(),
            transition: response.transition.clone(),
            ..Applied::default()
        };
        for (name, value) in response.session_info.iter().flat_map(|s| &s.parameters) {
            if value.is_null() {
                applied.deleted.push(name.clone());
            } else {
                applied.set.insert(name.clone(), value.clone());
            }
            self.set_param(name.clone(), value.clone());
        }
        let changes = response
            .page_info
            .iter()
            .filter_map(|page| page.form_info.as_ref())
            .flat_map(|form| &form.parameter_info);
        for change in changes {
            self.change_form(change);
        }
        for param in &mut self.form {
            param.just_collected = false;
        }
        match &response.transition {
            Some(Transition::TargetPage(page)) => self.transition_to(page),
            Some(Transition::TargetFlow(flow)) => match FlowPath::parse(flow) {
                Ok(flow) => self.move_to(CurrentPage::start_of(&flow)),
                Err(_) => self.move_to(CurrentPage::named(flow)),
            },
            None => {}
        }
        applied.ended = self.ended;
        self.turns += 1;
        applied
    }

    /// Sends `request` through `client` and applies the answer when it is a webhook response
    /// (an error answer changes nothing, as in CX). Gives the answer for its asserts.
    #[cfg(feature = "client")]
    pub async fn send(
        &mut self,
        client: &TestClient,
        request: impl Into<RequestBuilder>,
    ) -> TestResponse {
        let request = request.into().build();
        let answer = client.send(&request).await;
        if let Some(response) = answer.try_response() {
            self.apply(&request, response);
        }
        answer
    }

    /// Takes the state a request carried as the session's: what the turn put into it.
    fn adopt(&mut self, request: &WebhookRequest) {
        if self.ended {
            self.restart();
        }
        if !request.session_info.session.is_empty() {
            self.session.clone_from(&request.session_info.session);
        }
        self.params.clone_from(&request.session_info.parameters);
        if let Some(page) = &request.page_info {
            if !page.current_page.is_empty() && page.current_page != self.page.name {
                let display_name = if page.display_name.is_empty() {
                    page_id(&page.current_page).to_owned()
                } else {
                    page.display_name.clone()
                };
                self.move_to(CurrentPage {
                    name: page.current_page.clone(),
                    display_name,
                });
            }
            self.form = page
                .form_info
                .as_ref()
                .map(|form| form.parameter_info.clone())
                .unwrap_or_default();
        }
        if !request.language_code.is_empty() {
            self.language.clone_from(&request.language_code);
        }
    }

    /// Rule 2: one `parameterInfo` entry of a reply.
    fn change_form(&mut self, change: &ParameterInfo) {
        let Some(index) = self
            .form
            .iter()
            .position(|p| p.display_name == change.display_name)
        else {
            return;
        };
        if let Some(value) = &change.value {
            self.set_param(change.display_name.clone(), value.clone());
        }
        let param = &mut self.form[index];
        param.required = change.required;
        if change.state == ParameterState::Invalid {
            param.state = ParameterState::Invalid;
        }
    }

    /// Rule 3: a session parameter set or deleted fills or empties the form parameter of that
    /// name.
    fn fill_form(&mut self, name: &str, value: &Value) {
        if let Some(param) = self.form.iter_mut().find(|p| p.display_name == name) {
            if value.is_null() {
                param.value = None;
                param.state = ParameterState::Empty;
            } else {
                param.value = Some(value.clone());
                param.state = ParameterState::Filled;
            }
        }
    }

    /// Rule 5: a `targetPage`.
    fn transition_to(&mut self, target: &str) {
        let path = PagePath::parse(target).ok();
        match path.as_ref().map_or(target, PagePath::page_id) {
            "CURRENT_PAGE" => {}
            "PREVIOUS_PAGE" => {
                let back = self
                    .previous
                    .clone()
                    .unwrap_or_else(|| CurrentPage::start_of(&self.flow_of(path.as_ref())));
                self.move_to(back);
            }
            START_PAGE_ID => {
                let start = CurrentPage::start_of(&self.flow_of(path.as_ref()));
                self.move_to(start);
            }
            "END_SESSION" => {
                self.move_to(CurrentPage::named(target));
                self.ended = true;
            }
            _ => self.move_to(CurrentPage::named(target)),
        }
    }

    /// The flow a special page of `target` means: the target's, or for a bare ID (which CX
    /// never sends) the current page's.
    fn flow_of(&self, target: Option<&PagePath>) -> FlowPath {
        match target {
            Some(target) => target.flow(),
            None => PagePath::parse(&self.page.name)
                .map_or_else(|_| default_flow(AGENT), |page| page.flow()),
        }
    }

    /// Moves to `page`, whose form is unknown until a turn declares it.
    fn move_to(&mut self, page: CurrentPage) {
        if page != self.page {
            self.previous = Some(std::mem::replace(&mut self.page, page));
        }
        self.form.clear();
    }

    /// Rule 6: the session after `END_SESSION`.
    fn restart(&mut self) {
        self.params.clear();
        let session = SessionPath::parse(&self.session).ok();
        self.page = CurrentPage::start_of(&default_flow(
            session.as_ref().map_or(AGENT, SessionPath::agent_name),
        ));
        self.previous = None;
        self.form.clear();
        self.ended = false;
    }
}

/// Rule 4: the turn's queue with the reply's messages merged in.
fn merge(request: &WebhookRequest, response: &WebhookResponse) -> Vec<ResponseMessage> {
    let Some(fulfillment) = &response.fulfillment_response else {
        return request.messages.clone();
    };
    let mut messages = match fulfillment.merge_behavior {
        MergeBehavior::Replace => Vec::new(),
        MergeBehavior::Append | MergeBehavior::Unspecified => request.messages.clone(),
    };
    messages.extend(fulfillment.messages.iter().cloned());
    messages
}

/// The page ID of a page name; a name that is not one is its own ID.
fn page_id(name: &str) -> &str {
    PagePath::split(name).map_or(name, |(_, id)| id)
}

/// The default start flow of an agent (a parsed agent name, or [`AGENT`]).
fn default_flow(agent_name: &str) -> FlowPath {
    FlowPath::of_agent(agent_name, DEFAULT_FLOW)
        .expect("an agent's name and the default flow's ID make a flow name")
}

#[cfg(test)]
mod tests {
    use cxhook_types::{FulfillmentResponse, Message, Text};
    use serde_json::json;

    use super::*;

    /// A reply read from its JSON, as it comes off the wire.
    fn reply(json: Value) -> WebhookResponse {
        serde_json::from_value(json).unwrap()
    }

    fn text(t: &str) -> ResponseMessage {
        ResponseMessage::new(Message::Text(Text {
            text: vec![t.to_owned()],
            ..Text::default()
        }))
    }

    /// Applies `response` to the next request for tag `t`; gives what it did.
    fn turn(conversation: &mut Conversation, response: Value) -> Applied {
        let request = conversation.request("t");
        conversation.apply(&request, &reply(response))
    }

    fn booking_form() -> Conversation {
        let mut conversation = Conversation::with_session("s-1");
        conversation.go_to("Book");
        conversation.set_form_param("date", ParameterState::Filled, Some(json!("2030-01-07")));
        conversation.set_form_param("time", ParameterState::Empty, None);
        conversation.set_form_required("date", true);
        conversation.set_form_required("time", true);
        conversation
    }

    #[test]
    fn declared_form_parameters_are_session_parameters() {
        let mut conversation = Conversation::new().with_param("date", "2030-01-07");
        conversation.set_form_param("date", ParameterState::Filled, None);
        assert_eq!(
            conversation.form_param("date").unwrap().value,
            Some(json!("2030-01-07"))
        );
        conversation.set_form_param("time", ParameterState::Filled, Some(json!("10:00")));
        assert_eq!(conversation.param("time"), Some(&json!("10:00")));
        conversation.set_form_param("time", ParameterState::Empty, None);
        assert_eq!(conversation.param("time"), None);
        assert!(!conversation.form_param("time").unwrap().required);
        conversation.set_form_required("time", true);
        assert!(conversation.form_param("time").unwrap().required);
        conversation.set_param("time", "11:00");
        let time = conversation.form_param("time").unwrap();
        assert_eq!(
            (time.state, time.value.clone()),
            (ParameterState::Filled, Some(json!("11:00")))
        );
    }

    #[test]
    fn requests_carry_the_session_state() {
        let mut conversation = Conversation::with_session("s-1")
            .lang("de")
            .with_param("user_id", "u-1");
        let request = conversation.request("account.balance");
        assert_eq!(request.tag(), Some("account.balance"));
        assert_eq!(
            request.session_info.session,
            format!("{AGENT}/sessions/s-1")
        );
        assert_eq!(request.param("user_id"), Some(&json!("u-1")));
        assert_eq!(request.language_code, "de");
        let page = request.page_info.unwrap();
        assert!(page.current_page.ends_with("/pages/START_PAGE"), "{page:?}");
        assert_eq!(page.display_name, "Start Page");
        assert_eq!(page.form_info, None);
        let next = conversation.request("account.balance");
        assert_ne!(
            request.detect_intent_response_id, next.detect_intent_response_id,
            "each turn has its own response ID"
        );
        assert_ne!(Conversation::new().session(), Conversation::new().session());
    }

    #[test]
    fn session_parameters_merge_and_null_deletes() {
        let mut conversation = Conversation::new()
            .with_param("kept", 1)
            .with_param("changed", "old")
            .with_param("gone", true);
        let session = conversation.session().to_owned();
        let applied = turn(
            &mut conversation,
            json!({"sessionInfo": {"session": "ignored", "parameters": {
                "changed": "new", "added": {"year": 2030}, "gone": null
            }}}),
        );
        let expected = json!({"kept": 1, "changed": "new", "added": {"year": 2030}});
        assert_eq!(Value::from(conversation.params().clone()), expected);
        assert_eq!(applied.deleted, ["gone"]);
        assert_eq!(applied.set.len(), 2);
        assert_eq!(
            conversation.session(),
            session,
            "sessionInfo.session of a reply is ignored"
        );
    }

    #[test]
    fn an_empty_reply_changes_nothing() {
        let mut conversation = booking_form().with_param("user_id", "u-1");
        let before = conversation.clone();
        let applied = turn(&mut conversation, json!({}));
        assert_eq!(applied, Applied::default());
        assert_eq!(conversation.params(), before.params());
        assert_eq!(conversation.page(), before.page());
        assert_eq!(conversation.form(), before.form());
        assert_eq!(conversation.turns(), 1);
    }

    #[test]
    fn form_entries_set_values_and_invalidate() {
        let mut conversation = booking_form();
        turn(
            &mut conversation,
            json!({"pageInfo": {"formInfo": {"parameterInfo": [
                {"displayName": "time", "required": true, "state": "FILLED",
                 "value": {"hours": 10, "minutes": 0}},
                {"displayName": "date", "required": true, "state": "INVALID"}
            ]}}}),
        );
        let time = conversation.form_param("time").unwrap();
        assert_eq!(time.state, ParameterState::Filled);
        assert_eq!(time.value, Some(json!({"hours": 10, "minutes": 0})));
        assert_eq!(
            conversation.param("time"),
            Some(&json!({"hours": 10, "minutes": 0})),
            "a form value is the session parameter's value"
        );
        let date = conversation.form_param("date").unwrap();
        assert_eq!(date.state, ParameterState::Invalid);
        assert_eq!(
            date.value,
            Some(json!("2030-01-07")),
            "INVALID alone keeps it"
        );
    }

    #[test]
    fn states_other_than_invalid_are_ignored() {
        let mut conversation = booking_form();
        turn(
            &mut conversation,
            json!({"pageInfo": {"formInfo": {"parameterInfo": [
                {"displayName": "time", "required": true, "state": "FILLED"},
                {"displayName": "date", "required": true, "state": "EMPTY"}
            ]}}}),
        );
        assert_eq!(
            conversation.form_param("time").unwrap().state,
            ParameterState::Empty
        );
        let date = conversation.form_param("date").unwrap();
        assert_eq!(date.state, ParameterState::Filled);
        assert_eq!(date.value, Some(json!("2030-01-07")));
    }

    #[test]
    fn the_required_flag_is_the_replys() {
        let mut conversation = booking_form();
        turn(
            &mut conversation,
            json!({"pageInfo": {"formInfo": {"parameterInfo": [
                {"displayName": "time", "state": "EMPTY"}
            ]}}}),
        );
        assert!(!conversation.form_param("time").unwrap().required);
        assert!(conversation.form_param("date").unwrap().required);
    }

    #[test]
    fn a_reply_cannot_add_form_parameters() {
        let mut conversation = booking_form();
        turn(
            &mut conversation,
            json!({"pageInfo": {"formInfo": {"parameterInfo": [
                {"displayName": "party_size", "required": true, "state": "FILLED", "value": 4}
            ]}}}),
        );
        assert_eq!(conversation.form().len(), 2);
        assert_eq!(conversation.form_param("party_size"), None);
        assert_eq!(conversation.param("party_size"), None);
    }

    #[test]
    fn session_changes_fill_and_empty_the_form() {
        let mut conversation = booking_form();
        turn(
            &mut conversation,
            json!({"sessionInfo": {"parameters": {"time": "10:00", "date": null}}}),
        );
        let time = conversation.form_param("time").unwrap();
        assert_eq!(
            (time.state, time.value.clone()),
            (ParameterState::Filled, Some(json!("10:00")))
        );
        let date = conversation.form_param("date").unwrap();
        assert_eq!(
            (date.state, date.value.clone()),
            (ParameterState::Empty, None)
        );
    }

    #[test]
    fn invalidating_and_clearing_together_leaves_it_invalid_and_empty() {
        let mut conversation = booking_form();
        turn(
            &mut conversation,
            json!({
                "sessionInfo": {"parameters": {"date": null}},
                "pageInfo": {"formInfo": {"parameterInfo": [
                    {"displayName": "date", "required": true, "state": "INVALID"}
                ]}}
            }),
        );
        let date = conversation.form_param("date").unwrap();
        assert_eq!(
            (date.state, date.value.clone()),
            (ParameterState::Invalid, None)
        );
        assert_eq!(conversation.param("date"), None);
        let next = conversation.request("t");
        let sent = next.form_param("date").unwrap();
        assert_eq!(sent.state, ParameterState::Invalid, "the next turn sees it");
    }

    #[test]
    fn messages_append_to_the_queue_or_replace_it() {
        let mut conversation = Conversation::new();
        let mut request = conversation.request("t");
        request.messages = vec![text("queued")];
        let appended = conversation.apply(
            &request,
            &reply(json!({"fulfillmentResponse": {"messages": [{"text": {"text": ["mine"]}}]}})),
        );
        assert_eq!(appended.texts(), ["queued", "mine"]);
        let replaced = conversation.apply(
            &request,
            &WebhookResponse {
                fulfillment_response: Some(FulfillmentResponse {
                    messages: vec![text("only mine")],
                    merge_behavior: MergeBehavior::Replace,
                }),
                ..WebhookResponse::default()
            },
        );
        assert_eq!(replaced.texts(), ["only mine"]);
        let silent = conversation.apply(&request, &reply(json!({})));
        assert_eq!(
            silent.texts(),
            ["queued"],
            "no reply messages keep the queue"
        );
    }

    #[test]
    fn a_target_page_becomes_the_page_with_its_own_form() {
        let mut conversation = booking_form().with_param("user_id", "u-1");
        let flow = conversation.page().flow().to_owned();
        turn(
            &mut conversation,
            json!({"targetPage": format!("{flow}/pages/confirm-page")}),
        );
        assert!(conversation.page().is("confirm-page"));
        assert_eq!(conversation.page().flow(), flow);
        assert_eq!(conversation.form(), &[] as &[ParameterInfo]);
        assert_eq!(conversation.param("user_id"), Some(&json!("u-1")));
        let request = conversation.request("t");
        let page = request.page_info.unwrap();
        assert_eq!(page.current_page, format!("{flow}/pages/confirm-page"));
        assert_eq!(page.form_info, None);
    }

    #[test]
    fn special_pages() {
        let mut conversation = booking_form();
        let flow = conversation.page().flow().to_owned();
        let to = |page: &str| json!({"targetPage": format!("{flow}/pages/{page}")});
        turn(&mut conversation, to("CURRENT_PAGE"));
        assert!(conversation.page().is("Book"));
        assert_eq!(
            conversation.form().len(),
            2,
            "the current page keeps its form"
        );
        turn(&mut conversation, to("other"));
        turn(&mut conversation, to("PREVIOUS_PAGE"));
        assert!(conversation.page().is("Book"));
        turn(&mut conversation, to("START_PAGE"));
        assert!(conversation.page().is("Start Page"));
        assert_eq!(conversation.page().id(), "START_PAGE");
        turn(&mut conversation, to("END_FLOW"));
        assert!(conversation.page().is("END_FLOW"));
        assert!(!conversation.is_ended());
    }

    #[test]
    fn a_target_flow_moves_to_its_start_page() {
        let mut conversation = booking_form();
        turn(
            &mut conversation,
            json!({"targetFlow": format!("{AGENT}/flows/billing")}),
        );
        assert_eq!(
            conversation.page().name,
            format!("{AGENT}/flows/billing/pages/START_PAGE")
        );
        assert_eq!(conversation.page().display_name, "Start Page");
        assert!(conversation.form().is_empty());
    }

    #[test]
    fn end_session_ends_and_the_next_turn_starts_over() {
        let mut conversation = booking_form().with_param("user_id", "u-1");
        let flow = conversation.page().flow().to_owned();
        let applied = turn(
            &mut conversation,
            json!({"targetPage": format!("{flow}/pages/END_SESSION")}),
        );
        assert!(applied.ended);
        assert!(conversation.is_ended());
        let session = conversation.session().to_owned();
        let request = conversation.request("t");
        assert!(!conversation.is_ended());
        assert_eq!(request.session_info.session, session);
        assert!(request.session_info.parameters.is_empty());
        let page = request.page_info.unwrap();
        assert!(
            page.current_page
                .ends_with(&format!("/flows/{DEFAULT_FLOW}/pages/START_PAGE")),
            "{}",
            page.current_page
        );
    }

    #[test]
    fn a_session_in_an_environment_starts_over_on_its_agents_default_flow() {
        let agent = "projects/p/locations/l/agents/a";
        let mut conversation =
            Conversation::with_session(format!("{agent}/environments/prod/sessions/s-1"));
        let flow = conversation.page().flow().to_owned();
        turn(
            &mut conversation,
            json!({"targetPage": format!("{flow}/pages/END_SESSION")}),
        );
        let page = conversation.request("t").page_info.unwrap();
        assert_eq!(
            page.current_page,
            format!("{agent}/flows/{DEFAULT_FLOW}/pages/START_PAGE")
        );
    }

    #[test]
    fn a_target_that_is_no_resource_name_is_kept_as_it_is() {
        let mut conversation = booking_form();
        let flow = conversation.page().flow().to_owned();
        turn(&mut conversation, json!({"targetPage": "START_PAGE"}));
        assert_eq!(conversation.page().name, format!("{flow}/pages/START_PAGE"));
        turn(&mut conversation, json!({"targetPage": "confirm"}));
        assert_eq!(conversation.page().name, "confirm");
        assert_eq!(conversation.page().id(), "confirm");
        assert_eq!(conversation.page().flow(), "confirm");
        turn(&mut conversation, json!({"targetPage": "END_SESSION"}));
        assert!(conversation.is_ended());
    }

    #[test]
    fn what_a_turn_puts_into_its_request_stays() {
        let mut conversation = Conversation::new();
        let mut request = conversation.request("t");
        request
            .session_info
            .parameters
            .insert("said".to_owned(), json!("next friday"));
        request.language_code = "fr".to_owned();
        conversation.apply(&request, &reply(json!({})));
        assert_eq!(conversation.param("said"), Some(&json!("next friday")));
        assert_eq!(conversation.language(), "fr");
    }

    #[tokio::test]
    async fn an_error_answer_changes_nothing() {
        let router = cxhook::Router::new().fallback(cxhook::Fallback::status(
            http::StatusCode::SERVICE_UNAVAILABLE,
        ));
        let client = TestClient::new(router);
        let mut conversation = booking_form();
        let before = conversation.clone();
        let turn = conversation.turn("no.such.tag").param("said", "hello");
        let answer = conversation.send(&client, turn).await;
        assert_eq!(answer.status(), http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(conversation, before);
        assert_eq!(conversation.turns(), 0);
    }

    #[tokio::test]
    async fn send_applies_what_the_webhook_answered() {
        async fn invalidate() -> cxhook::Reply {
            cxhook::Reply::text("again?")
                .invalidate("time")
                .set_param("asked", true)
        }
        let client = TestClient::new(cxhook::Router::new().route("ask", invalidate));
        let mut conversation = booking_form();
        let turn = conversation.turn("ask").text("ten");
        conversation.send(&client, turn).await.assert_text("again?");
        assert_eq!(conversation.param("asked"), Some(&json!(true)));
        assert_eq!(
            conversation.form_param("time").unwrap().state,
            ParameterState::Invalid
        );
        assert_eq!(conversation.turns(), 1);
    }

    #[test]
    fn the_payload_is_reported() {
        let mut conversation = Conversation::new();
        let applied = turn(&mut conversation, json!({"payload": {"card": 1}}));
        assert_eq!(applied.payload.map(Value::from), Some(json!({"card": 1})));
    }
}
