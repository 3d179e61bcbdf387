//! [`Reply`], the builder of webhook responses, and [`IntoReply`], what handlers may return.

use cxhook_types::{
    AudioSource, FlowPath, FormInfo, FulfillmentResponse, KnowledgeInfoCard, MergeBehavior,
    Message, Metadata, OutputAudioText, PageInfo, PagePath, ParameterInfo, ParameterState,
    PathError, PlayAudio, ResponseMessage, SessionInfo, SessionPath, Struct, TelephonyTransferCall,
    Text, ToolCall, Transition, WebhookRequest, WebhookResponse,
};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// The deepest nesting Dialogflow allows in a custom payload.
const MAX_PAYLOAD_DEPTH: usize = 24;

/// A webhook reply under construction.
///
/// Each method adds one thing; [`Reply::finish`] checks the whole against the request and
/// gives the [`WebhookResponse`]. What Dialogflow would reject is refused there with a
/// [`ReplyError`] that says why: an empty text, SSML with two `<speak>` elements, a payload
/// that is not an object or nests too deep, a phone number that is not E.164, a change to a
/// form parameter the page does not have, two transition targets, a page of another flow.
///
/// Pages and flows may be given by ID (`"END_SESSION"`, a page UUID) and are resolved against
/// the request's current page and agent.
///
/// ```
/// use cxhook::Reply;
///
/// let reply = Reply::text("Your balance is $1,250.75.")
///     .set_param("balance_minor", 125075)
///     .clear_param("pending_lookup");
/// # let _ = reply;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Reply {
    messages: Vec<ResponseMessage>,
    merge: MergeBehavior,
    params: Struct,
    form: Vec<FormChange>,
    targets: Vec<Target>,
    payload: Option<Struct>,
    problem: Option<String>,
}

#[derive(Debug, Clone)]
struct FormChange {
    name: String,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Invalidate,
    Required(bool),
    Value(Value),
}

#[derive(Debug, Clone)]
enum Target {
    Page(String),
    Flow(String),
}

/// A reply Dialogflow would reject, found by [`Reply::finish`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid reply: {0}")]
pub struct ReplyError(String);

impl Reply {
    /// An empty reply: it changes nothing and says nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// A reply that says `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new().and_text(text)
    }

    /// Adds a text message.
    pub fn and_text(self, text: impl Into<String>) -> Self {
        self.text_variants([text.into()])
    }

    /// Adds a text message with several variants, of which Dialogflow sends one.
    pub fn text_variants<I, T>(mut self, variants: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let text: Vec<String> = variants.into_iter().map(Into::into).collect();
        if text.is_empty() {
            self.refuse("a text message needs at least one variant".to_owned());
        }
        self.push(Message::Text(Text {
            text,
            allow_playback_interruption: false,
        }))
    }

    /// Adds SSML for speech synthesis; it is wrapped in `<speak>` unless it is already.
    pub fn ssml(mut self, ssml: impl Into<String>) -> Self {
        let ssml = ssml.into();
        let ssml = if ssml.trim_start().starts_with("<speak") {
            ssml
        } else {
            format!("<speak>{ssml}</speak>")
        };
        if ssml.matches("<speak").count() > 1 {
            self.refuse("SSML may hold only one <speak> element".to_owned());
        }
        self.push(Message::OutputAudioText(OutputAudioText {
            source: Some(AudioSource::Ssml(ssml)),
            allow_playback_interruption: false,
        }))
    }

    /// Adds plain text for speech synthesis (spoken instead of the text messages).
    pub fn speech(self, text: impl Into<String>) -> Self {
        self.push(Message::OutputAudioText(OutputAudioText {
            source: Some(AudioSource::Text(text.into())),
            allow_playback_interruption: false,
        }))
    }

    /// Adds a custom payload message (Messenger `richContent`, Slack blocks, …); it must
    /// serialize to a JSON object nested at most 24 levels deep.
    pub fn payload(mut self, payload: impl Serialize) -> Self {
        match self.object("a payload message", payload) {
            Some(object) => self.push(Message::Payload(object)),
            None => self,
        }
    }

    /// Signals a hand-off to a human agent, with metadata for the integration.
    pub fn handoff(mut self, metadata: impl Serialize) -> Self {
        let metadata = self.object("handoff metadata", metadata);
        self.push(Message::LiveAgentHandoff(Metadata { metadata }))
    }

    /// Signals that the conversation succeeded (an analytics event), with metadata.
    pub fn success(mut self, metadata: impl Serialize) -> Self {
        let metadata = self.object("success metadata", metadata);
        self.push(Message::ConversationSuccess(Metadata { metadata }))
    }

    /// Asks the telephony gateway to transfer the call to an E.164 number (`+15551234567`).
    pub fn transfer_call(mut self, phone_number: impl Into<String>) -> Self {
        let phone_number = phone_number.into();
        let digits = phone_number.strip_prefix('+').unwrap_or_default();
        if !(1..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            self.refuse(format!(
                "`{phone_number}` is not an E.164 phone number (+ and up to 15 digits)"
            ));
        }
        self.push(Message::TelephonyTransferCall(TelephonyTransferCall {
            phone_number,
        }))
    }

    /// Asks the client to play the audio at `uri`.
    pub fn play_audio(mut self, uri: impl Into<String>) -> Self {
        let audio_uri = uri.into();
        if audio_uri.is_empty() {
            self.refuse("playAudio needs an audio URI".to_owned());
        }
        self.push(Message::PlayAudio(PlayAudio {
            audio_uri,
            allow_playback_interruption: false,
        }))
    }

    /// Asks for a knowledge info card (shown with a generative knowledge answer, if any).
    pub fn knowledge_info_card(self) -> Self {
        self.push(Message::KnowledgeInfoCard(KnowledgeInfoCard {}))
    }

    /// Asks the client to run a client-side function tool. `tool` is a tool ID or its full
    /// resource name.
    pub fn tool_call(
        mut self,
        tool: impl Into<String>,
        action: impl Into<String>,
        input: impl Serialize,
    ) -> Self {
        let (tool, action) = (tool.into(), action.into());
        if tool.is_empty() || action.is_empty() {
            self.refuse("a tool call needs a tool and an action".to_owned());
        }
        let input_parameters = self.object("tool call input", input);
        self.push(Message::ToolCall(ToolCall {
            tool,
            action,
            input_parameters,
        }))
    }

    /// Sends the message added last only on this channel (`"sms"`, `"web"`, …).
    pub fn on_channel(mut self, channel: impl Into<String>) -> Self {
        match self.messages.last_mut() {
            Some(message) => message.channel = channel.into(),
            None => self.refuse("on_channel needs a message before it".to_owned()),
        }
        self
    }

    /// Replaces the messages already queued for the turn instead of adding to them.
    pub fn replace_messages(mut self) -> Self {
        self.merge = MergeBehavior::Replace;
        self
    }

    /// Sets (creates or overwrites) a session parameter.
    pub fn set_param(mut self, name: impl Into<String>, value: impl Serialize) -> Self {
        let name = name.into();
        if name.is_empty() {
            self.refuse("a session parameter needs a name".to_owned());
        }
        match serde_json::to_value(value) {
            Ok(value) => {
                self.params.insert(name, value);
            }
            Err(e) => self.refuse(format!("session parameter `{name}`: {e}")),
        }
        self
    }

    /// Deletes a session parameter (an explicit `null` on the wire).
    pub fn clear_param(mut self, name: impl Into<String>) -> Self {
        self.params.insert(name.into(), Value::Null);
        self
    }

    /// Marks a form parameter invalid, so Dialogflow asks for it again.
    pub fn invalidate(self, form_param: impl Into<String>) -> Self {
        self.form_change(form_param, Change::Invalidate)
    }

    /// Makes a form parameter required.
    pub fn require(self, form_param: impl Into<String>) -> Self {
        self.form_change(form_param, Change::Required(true))
    }

    /// Makes a form parameter optional.
    pub fn optional(self, form_param: impl Into<String>) -> Self {
        self.form_change(form_param, Change::Required(false))
    }

    /// Sets a form parameter's value (it becomes filled).
    pub fn set_form_value(mut self, form_param: impl Into<String>, value: impl Serialize) -> Self {
        let name = form_param.into();
        match serde_json::to_value(value) {
            Ok(value) => self.form_change(name, Change::Value(value)),
            Err(e) => {
                self.refuse(format!("form parameter `{name}`: {e}"));
                self
            }
        }
    }

    /// Moves to a page of the current flow right after the call: a page ID
    /// (`"END_SESSION"`, `"END_FLOW"`, a UUID) or a full page name.
    pub fn to_page(mut self, page: impl Into<String>) -> Self {
        self.targets.push(Target::Page(page.into()));
        self
    }

    /// Moves to another flow right after the call: a flow ID or a full flow name.
    pub fn to_flow(mut self, flow: impl Into<String>) -> Self {
        self.targets.push(Target::Flow(flow.into()));
        self
    }

    /// Ends the session after this turn (a transition to the `END_SESSION` page).
    pub fn end_session(self) -> Self {
        self.to_page("END_SESSION")
    }

    /// Attaches data for the detect-intent caller (`WebhookResponse.payload`), not shown to
    /// the user.
    pub fn response_payload(mut self, payload: impl Serialize) -> Self {
        self.payload = self.object("the response payload", payload);
        self
    }

    /// Checks the reply against the request it answers and builds the response.
    pub fn finish(self, request: &WebhookRequest) -> Result<WebhookResponse, ReplyError> {
        if let Some(problem) = self.problem {
            return Err(ReplyError(problem));
        }
        let transition = match self.targets.as_slice() {
            [] => None,
            [target] => Some(resolve(target, request)?),
            _ => {
                return Err(ReplyError(
                    "a reply can move to one page or one flow, not several targets".to_owned(),
                ));
            }
        };
        let fulfillment_response = (!self.messages.is_empty()
            || self.merge != MergeBehavior::Unspecified)
            .then_some(FulfillmentResponse {
                messages: self.messages,
                merge_behavior: self.merge,
            });
        let page_info = form_changes(self.form, request)?.map(|parameter_info| PageInfo {
            form_info: Some(FormInfo { parameter_info }),
            ..PageInfo::default()
        });
        let session_info = (!self.params.is_empty()).then(|| SessionInfo {
            session: String::new(),
            parameters: self.params,
        });
        Ok(WebhookResponse {
            fulfillment_response,
            page_info,
            session_info,
            payload: self.payload,
            transition,
        })
    }

    fn push(mut self, message: Message) -> Self {
        self.messages.push(ResponseMessage::new(message));
        self
    }

    fn form_change(mut self, name: impl Into<String>, change: Change) -> Self {
        self.form.push(FormChange {
            name: name.into(),
            change,
        });
        self
    }

    fn object(&mut self, what: &str, value: impl Serialize) -> Option<Struct> {
        match serde_json::to_value(value) {
            Ok(Value::Object(object)) => {
                let nesting = 1 + object.values().map(depth).max().unwrap_or(0);
                if nesting > MAX_PAYLOAD_DEPTH {
                    self.refuse(format!(
                        "{what} nests deeper than {MAX_PAYLOAD_DEPTH} levels"
                    ));
                    return None;
                }
                Some(object)
            }
            Ok(Value::Null) => None,
            Ok(other) => {
                self.refuse(format!("{what} must be a JSON object, not `{other}`"));
                None
            }
            Err(e) => {
                self.refuse(format!("{what}: {e}"));
                None
            }
        }
    }

    fn refuse(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The transition a target names: a name as given (a page of the current flow, a flow of
/// the agent), or an ID resolved against the request's current page and session.
fn resolve(target: &Target, request: &WebhookRequest) -> Result<Transition, ReplyError> {
    let current = request
        .page_info
        .as_ref()
        .map(|page| page.current_page.as_str())
        .filter(|page| !page.is_empty())
        .map(PagePath::parse)
        .transpose()
        .map_err(|e| ReplyError(format!("the request's current page: {e}")))?;
    let invalid = |e: PathError| ReplyError(e.to_string());
    match target {
        Target::Page(page) if page.contains('/') => {
            let path = PagePath::parse(page).map_err(invalid)?;
            if let Some(current) = &current
                && current.flow_name() != path.flow_name()
            {
                return Err(ReplyError(format!(
                    "`{page}` is not a page of the current flow `{}`; use to_flow to change flows",
                    current.flow_name()
                )));
            }
            Ok(Transition::TargetPage(path.into_string()))
        }
        Target::Page(page) => {
            let current = current.ok_or_else(|| {
                ReplyError(format!(
                    "page `{page}` is given by ID but the request names no current page"
                ))
            })?;
            let path = current.flow().page(page).map_err(invalid)?;
            Ok(Transition::TargetPage(path.into_string()))
        }
        Target::Flow(flow) if flow.contains('/') => {
            let path = FlowPath::parse(flow).map_err(invalid)?;
            Ok(Transition::TargetFlow(path.into_string()))
        }
        Target::Flow(flow) => {
            let session;
            let agent = match &current {
                Some(page) => page.agent_name(),
                None => {
                    session = SessionPath::parse(&request.session_info.session).map_err(|_| {
                        ReplyError(format!(
                            "flow `{flow}` is given by ID but the request names no agent"
                        ))
                    })?;
                    session.agent_name()
                }
            };
            let path = FlowPath::of_agent(agent, flow).map_err(invalid)?;
            Ok(Transition::TargetFlow(path.into_string()))
        }
    }
}

fn form_changes(
    changes: Vec<FormChange>,
    request: &WebhookRequest,
) -> Result<Option<Vec<ParameterInfo>>, ReplyError> {
    if changes.is_empty() {
        return Ok(None);
    }
    let mut out: Vec<ParameterInfo> = Vec::new();
    for FormChange { name, change } in changes {
        let current = request.form_param(&name).ok_or_else(|| {
            ReplyError(format!(
                "the page's form has no parameter `{name}`; a webhook cannot add form parameters"
            ))
        })?;
        let index = match out.iter().position(|p| p.display_name == name) {
            Some(index) => index,
            None => {
                out.push(ParameterInfo {
                    display_name: name,
                    required: current.required,
                    state: match current.state {
                        ParameterState::Unspecified => ParameterState::Empty,
                        state => state,
                    },
                    ..ParameterInfo::default()
                });
                out.len() - 1
            }
        };
        let param = &mut out[index];
        match change {
            Change::Invalidate => param.state = ParameterState::Invalid,
            Change::Required(required) => param.required = required,
            Change::Value(value) => {
                param.value = Some(value);
                if param.state != ParameterState::Invalid {
                    param.state = ParameterState::Filled;
                }
            }
        }
    }
    Ok(Some(out))
}

/// What a handler may return: a [`Reply`], a ready [`WebhookResponse`], text, or a `Result`
/// of those whose error becomes an [`Error`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not something a handler may return",
    note = "a handler returns `Reply`, `String`, `&'static str`, `WebhookResponse`, `cxhook::Error`, or a `Result` of one of those and an error"
)]
pub trait IntoReply {
    /// Converts into a reply, or the error the recover layer answers for.
    fn into_reply(self) -> Result<Reply, Error>;
}

impl IntoReply for Reply {
    fn into_reply(self) -> Result<Reply, Error> {
        Ok(self)
    }
}

impl IntoReply for &'static str {
    fn into_reply(self) -> Result<Reply, Error> {
        Ok(Reply::text(self))
    }
}

impl IntoReply for String {
    fn into_reply(self) -> Result<Reply, Error> {
        Ok(Reply::text(self))
    }
}

impl IntoReply for WebhookResponse {
    fn into_reply(self) -> Result<Reply, Error> {
        Reply::from_response(self)
    }
}

impl IntoReply for Error {
    fn into_reply(self) -> Result<Reply, Error> {
        Err(self)
    }
}

impl<T, E> IntoReply for Result<T, E>
where
    T: IntoReply,
    E: Into<Error>,
{
    fn into_reply(self) -> Result<Reply, Error> {
        self.map_err(Into::into)?.into_reply()
    }
}

impl Reply {
    /// A reply that sends this response as it is (after the same checks as any reply).
    fn from_response(response: WebhookResponse) -> Result<Self, Error> {
        let WebhookResponse {
            fulfillment_response,
            page_info,
            session_info,
            payload,
            transition,
        } = response;
        let fulfillment = fulfillment_response.unwrap_or_default();
        if let Some(output_only) = fulfillment
            .messages
            .iter()
            .filter_map(|m| m.message.as_ref())
            .find(|m| m.is_output_only())
        {
            return Err(Error::with_kind(
                ErrorKind::InvalidReply,
                ReplyError(format!(
                    "`{}` messages are output only; Dialogflow produces them itself",
                    output_only.kind()
                )),
            ));
        }
        let mut reply = Self {
            messages: fulfillment.messages,
            merge: fulfillment.merge_behavior,
            params: session_info.map(|s| s.parameters).unwrap_or_default(),
            payload,
            ..Self::default()
        };
        let form = page_info.and_then(|p| p.form_info).unwrap_or_default();
        for param in form.parameter_info {
            let name = param.display_name;
            if param.state == ParameterState::Invalid {
                reply = reply.form_change(name.clone(), Change::Invalidate);
            }
            reply = reply.form_change(name.clone(), Change::Required(param.required));
            if let Some(value) = param.value {
                reply = reply.form_change(name, Change::Value(value));
            }
        }
        reply.targets.extend(transition.map(|t| match t {
            Transition::TargetPage(page) => Target::Page(page),
            Transition::TargetFlow(flow) => Target::Flow(flow),
        }));
        Ok(reply)
    }
}
