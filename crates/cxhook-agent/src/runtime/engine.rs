//! [`Runtime`]: runs an agent's turns on a [`Session`], as CX runs them.
//!
//! A turn has four steps (the handler reference,
//! cloud.google.com/dialogflow/cx/docs/concept/handler): the input is understood, the first
//! handler in scope that passes is called, its fulfillment runs, and its transition moves the
//! session, whose new page then runs in turn. Rule numbers in this module's comments are those of
//! the [`runtime`](super) module.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use cxhook_types::{ParameterState, Query, ResponseMessage};
use jiff::civil::Date;
use serde_json::Value;

use super::scope::{Parsed, TurnScope};
use super::session::{Frame, MatchedIntent, Session};
use super::trace::{Handler, Names, Step};
use super::turn::{Change, Input, Turn, TurnError, TurnResult};
use super::understand::Understanding;
use super::webhook::{WebhookCall, Webhooks};
use crate::model::{
    Agent, EntityType, EventHandler, Flow, FormParameter, Fulfillment, Intent, Page, SpecialPage,
    Target, TransitionRoute,
};
use crate::nlu::Nlu;

/// How many pages a turn may enter before the runtime calls it a loop (rule 13).
pub const MAX_TRANSITIONS: usize = 50;

/// Runs an agent's turns. It holds the agent, the webhooks its fulfillments call, and the text
/// each generator gives; sessions are the caller's.
pub struct Runtime<'a> {
    pub(crate) agent: &'a Agent,
    pub(crate) webhooks: &'a dyn Webhooks,
    pub(crate) generators: BTreeMap<String, String>,
    understanding: Understanding,
    parsed: Parsed,
    max_transitions: usize,
    /// The names of the agent's handlers, for the turns' traces.
    names: Names,
}

impl<'a> Runtime<'a> {
    /// A runtime for `agent`, its webhook calls answered by `webhooks`. Relative dates count
    /// from today in the agent's time zone (the system's when the agent names none it knows).
    pub fn new(agent: &'a Agent, webhooks: &'a dyn Webhooks) -> Self {
        let intents: Vec<Intent> = agent.intents.values().cloned().collect();
        let entity_types: Vec<EntityType> = agent.entity_types.values().cloned().collect();
        let now = jiff::Zoned::now();
        let today = now.in_tz(&agent.time_zone).unwrap_or(now).date();
        Self {
            agent,
            webhooks,
            generators: BTreeMap::new(),
            understanding: Understanding {
                nlu: Nlu::new(&intents, &entity_types),
                today,
            },
            parsed: Parsed::default(),
            max_transitions: MAX_TRANSITIONS,
            names: Names::new(agent),
        }
    }

    /// Sets the day relative dates (`tomorrow`, `next June`) count from, so that a test repeats.
    #[must_use]
    pub fn today(mut self, today: Date) -> Self {
        self.understanding.today = today;
        self
    }

    /// The text the generator with this display name gives (rule 10), each `$placeholder` in it
    /// replaced by the value the fulfillment passes for it; a generator without a text gives
    /// the placeholder `[generator NAME]`.
    #[must_use]
    pub fn generator(mut self, display_name: impl Into<String>, text: impl Into<String>) -> Self {
        self.generators.insert(display_name.into(), text.into());
        self
    }

    /// How many pages a turn may enter before it is a loop ([`MAX_TRANSITIONS`] unless set).
    #[must_use]
    pub fn max_transitions(mut self, max: usize) -> Self {
        self.max_transitions = max;
        self
    }

    /// A fresh session on the start page of the agent's start flow, in its default language,
    /// with a session ID no other session has. Nothing runs until the first turn.
    pub fn session(&self) -> Session {
        let name = cxhook_sim::RequestBuilder::new()
            .build()
            .session_info
            .session;
        Session::new(
            name,
            self.agent.default_language_code.clone(),
            &self.agent.start_flow,
        )
    }

    /// Runs one turn of the user on `session` (rule 1 first: a session that ended starts over).
    pub async fn turn(&self, session: &mut Session, turn: Turn) -> Result<TurnResult, TurnError> {
        if session.ended {
            let name = session.name().to_owned();
            *session = self.session();
            session.name = name;
        }
        if let Some(language) = &turn.language {
            session.language.clone_from(language);
        }
        let before = snapshot(session);
        for slot in &mut session.form {
            slot.updated = false;
        }
        for (name, value) in &turn.params {
            session.set_param(name, value.clone());
        }
        let mut run = Run {
            runtime: self,
            session,
            query: query(self.agent, &turn.input),
            utterance: match &turn.input {
                Input::Text(text) | Input::Dtmf(text) => Some(text.clone()),
                Input::Event(_) | Input::Intent(_) => None,
            },
            messages: Vec::new(),
            calls: Vec::new(),
            pages: Vec::new(),
            trace: Vec::new(),
            generative: BTreeMap::new(),
            matched: None,
            webhooks: turn.webhooks,
            random: Cell::new(0),
            warnings: RefCell::new(Vec::new()),
        };
        run.random.set(seed(run.session.name()));
        if std::mem::take(&mut run.session.fresh) {
            run.trace.push(Step::Page {
                flow: run.session.flow().to_owned(),
                page: run.session.page().to_owned(),
            });
        }
        let next = run.input(&turn.input).await?;
        run.finish(next).await?;
        let Run {
            session,
            messages,
            calls,
            pages,
            trace,
            matched,
            warnings,
            ..
        } = run;
        Ok(TurnResult {
            messages,
            flow: session.flow().to_owned(),
            page: session.page().to_owned(),
            pages,
            trace,
            changed: changes(&before, &snapshot(session)),
            webhook_calls: calls,
            intent: matched,
            ended: session.ended,
            warnings: warnings.into_inner(),
        })
    }
}

/// The input as webhook requests carry it (`text`, `triggerEvent`, `dtmfDigits`,
/// `triggerIntent`).
fn query(agent: &Agent, input: &Input) -> Option<Query> {
    Some(match input {
        Input::Text(text) => Query::Text(text.clone()),
        Input::Event(event) => Query::TriggerEvent(event.clone()),
        Input::Dtmf(digits) => Query::DtmfDigits(digits.clone()),
        Input::Intent(name) => Query::TriggerIntent(format!(
            "{}/intents/{}",
            cxhook_sim::AGENT,
            agent
                .intent(name)
                .map_or(name.as_str(), |i| i.name.as_str())
        )),
    })
}

/// A seed for the session's random draws, from its name.
fn seed(name: &str) -> u64 {
    name.bytes().fold(0x9e37_79b9_7f4a_7c15, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    }) | 1
}

/// The session and active-flow parameters (flow ones as `$flow.x`), keyed by their lower-case
/// name, with their spelling.
type Snapshot = BTreeMap<String, (String, Value)>;

/// The session and active-flow parameters now.
fn snapshot(session: &Session) -> Snapshot {
    let session_params = session
        .params()
        .iter()
        .map(|(name, value)| (name.to_owned(), value));
    let flow_params = session
        .flow_params()
        .iter()
        .map(|(name, value)| (format!("$flow.{name}"), value));
    session_params
        .chain(flow_params)
        .map(|(name, value)| (name.to_lowercase(), (name, value.clone())))
        .collect()
}

/// What changed between two snapshots, in name order.
fn changes(before: &Snapshot, after: &Snapshot) -> Vec<Change> {
    let set = after
        .iter()
        .filter(|(key, (_, value))| before.get(*key).is_none_or(|(_, old)| old != value))
        .map(|(key, (name, value))| (key, name, Some(value.clone())));
    let cleared = before
        .iter()
        .filter(|(key, _)| !after.contains_key(*key))
        .map(|(key, (name, _))| (key, name, None));
    let mut changes: Vec<_> = set.chain(cleared).collect();
    changes.sort_by(|a, b| a.0.cmp(b.0));
    changes
        .into_iter()
        .map(|(_, name, value)| Change {
            name: name.clone(),
            value,
        })
        .collect()
}

/// One turn being run: the session and what the turn has gathered so far.
pub(crate) struct Run<'r, 'a> {
    pub(crate) runtime: &'r Runtime<'a>,
    pub(crate) session: &'r mut Session,
    /// The input as webhook requests carry it.
    pub(crate) query: Option<Query>,
    /// The user's words, for `$request.user-utterance`.
    pub(crate) utterance: Option<String>,
    /// The messages queued so far.
    pub(crate) messages: Vec<ResponseMessage>,
    /// The webhook calls made so far.
    pub(crate) calls: Vec<WebhookCall>,
    /// The pages entered so far.
    pub(crate) pages: Vec<String>,
    /// The pages entered and handlers called so far, by name.
    pub(crate) trace: Vec<Step>,
    /// Generator outputs, by lowercase name.
    pub(crate) generative: BTreeMap<String, String>,
    /// The intent matched this turn.
    pub(crate) matched: Option<MatchedIntent>,
    /// Whether the turn's webhooks are called ([`Turn::webhooks`]).
    pub(crate) webhooks: bool,
    /// The random generator's state.
    pub(crate) random: Cell<u64>,
    /// Failed `$sys.func` calls, as CX reports them in `diagnosticInfo`.
    pub(crate) warnings: RefCell<Vec<String>>,
}

/// What a handler's fulfillment leaves for its transition (rules 8 and 9).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum After {
    /// Go on with the handler's own target.
    Continue,
    /// Go here instead (a webhook reply's target, or an error handler's).
    Go(Target),
    /// Stay where the session is (an error handler without a target).
    Stay,
}

impl<'a> Run<'_, 'a> {
    /// The scope references read now.
    pub(crate) fn scope(&self) -> TurnScope<'_> {
        TurnScope {
            session: self.session,
            generative: &self.generative,
            utterance: self.utterance.as_deref(),
            random: &self.random,
            warnings: &self.warnings,
            parsed: &self.runtime.parsed,
        }
    }

    /// Records that `handler` is called.
    pub(crate) fn fired(&mut self, handler: Handler<'_>) {
        if let Some(step) = self.runtime.names.step(handler) {
            self.trace.push(step);
        }
    }

    fn agent(&self) -> &'a Agent {
        self.runtime.agent
    }

    /// The active flow.
    fn flow(&self) -> Result<&'a Flow, TurnError> {
        let name = self.session.flow();
        self.agent()
            .flow(name)
            .ok_or_else(|| TurnError::Agent(format!("there is no flow `{name}`")))
    }

    /// The current page; `None` on a flow's start page.
    fn page(&self) -> Result<Option<&'a Page>, TurnError> {
        if self.session.on_start_page() {
            return Ok(None);
        }
        let flow = self.flow()?;
        let name = self.session.page();
        flow.page(name).map(Some).ok_or_else(|| {
            TurnError::Agent(format!("flow `{}` has no page `{name}`", flow.display_name))
        })
    }

    /// The form parameter being prompted for: the first required one not filled.
    fn prompted(&self) -> Result<Option<&'a FormParameter>, TurnError> {
        let Some(page) = self.page()? else {
            return Ok(None);
        };
        Ok(page.form.parameters.iter().find(|param| {
            param.required
                && self
                    .session
                    .slot(&param.display_name)
                    .is_none_or(|slot| slot.state != ParameterState::Filled)
        }))
    }

    /// Rule 4: the routes in scope, page routes first, then its groups, then the flow's routes
    /// and groups; `intents` picks intent routes, else condition-only routes. The flow's
    /// condition routes are in scope on its start page only.
    fn routes(&self, intents: bool) -> Result<Vec<&'a TransitionRoute>, TurnError> {
        let flow = self.flow()?;
        let page = self.page()?;
        let groups = |names: &'a [String]| -> Result<Vec<&'a TransitionRoute>, TurnError> {
            let mut routes = Vec::new();
            for name in names {
                let group = self
                    .agent()
                    .route_group(&flow.display_name, name)
                    .ok_or_else(|| TurnError::Agent(format!("there is no route group `{name}`")))?;
                routes.extend(&group.transition_routes);
            }
            Ok(routes)
        };
        let mut routes: Vec<&'a TransitionRoute> = Vec::new();
        if let Some(page) = page {
            routes.extend(&page.transition_routes);
            routes.extend(groups(&page.transition_route_groups)?);
        }
        if intents || page.is_none() {
            routes.extend(&flow.transition_routes);
            routes.extend(groups(&flow.transition_route_groups)?);
        }
        Ok(routes
            .into_iter()
            .filter(|route| route.intent.is_some() == intents)
            .collect())
    }

    /// Rule 6: the event handler in scope for the first of `events` that has one: the
    /// prompted form parameter's reprompt handlers, then the page's, then the flow's.
    pub(crate) fn event_handler(
        &self,
        events: &[String],
    ) -> Result<Option<&'a EventHandler>, TurnError> {
        let prompted = self.prompted()?;
        let page = self.page()?;
        let flow = self.flow()?;
        let scopes: [&'a [EventHandler]; 3] = [
            prompted.map_or(&[], |param| &param.fill_behavior.reprompt_event_handlers),
            page.map_or(&[], |page| &page.event_handlers),
            &flow.event_handlers,
        ];
        Ok(events.iter().find_map(|event| {
            scopes
                .iter()
                .flat_map(|handlers| handlers.iter())
                .find(|handler| handler.event == *event)
        }))
    }

    /// Rules 2 and 3: understands the input and calls the handler it selects; gives the
    /// transition to make, if any.
    async fn input(&mut self, input: &Input) -> Result<Option<Target>, TurnError> {
        match input {
            Input::Event(event) => self.event(std::slice::from_ref(event)).await,
            Input::Intent(name) => {
                let matched = MatchedIntent {
                    name: name.clone(),
                    confidence: 1.0,
                    params: BTreeMap::new(),
                };
                self.intent(matched).await
            }
            Input::Text(text) | Input::Dtmf(text) => {
                let text = match input {
                    Input::Dtmf(digits) => digits.trim_end_matches(['#', '*']).to_owned(),
                    _ => text.trim().to_owned(),
                };
                if text.is_empty() {
                    self.session.no_input += 1;
                    let events = counted("sys.no-input", self.session.no_input);
                    return self.event(&events).await;
                }
                let candidates = self.candidates()?;
                let language = self.session.language().to_owned();
                let threshold = self.flow()?.nlu_settings.classification_threshold;
                let understanding = &self.runtime.understanding;
                if let Some(matched) =
                    understanding.match_intent(&candidates, &text, &language, threshold)
                    && self.intent_route(&matched.name)?.is_some()
                {
                    return self.intent(matched).await;
                }
                if let Some(param) = self.prompted()?
                    && let Some(value) = understanding.extract(param, &text, &language)
                {
                    self.session.no_match = 0;
                    self.session.set_param(&param.display_name, value);
                    return Ok(None);
                }
                self.session.no_match += 1;
                let events = counted("sys.no-match", self.session.no_match);
                self.event(&events).await
            }
        }
    }

    /// The intents of the intent routes in scope, each once, in scope order.
    fn candidates(&self) -> Result<Vec<&'a str>, TurnError> {
        let mut names: Vec<&'a str> = Vec::new();
        for route in self.routes(true)? {
            if let Some(intent) = route.intent.as_deref()
                && !names.contains(&intent)
            {
                names.push(intent);
            }
        }
        Ok(names)
    }

    /// The first intent route in scope for `intent` whose condition holds.
    fn intent_route(&self, intent: &str) -> Result<Option<&'a TransitionRoute>, TurnError> {
        for route in self.routes(true)? {
            if route.intent.as_deref() == Some(intent) && self.holds(route.condition.as_deref())? {
                return Ok(Some(route));
            }
        }
        Ok(None)
    }

    /// Whether a route's condition holds (no condition holds).
    fn holds(&self, condition: Option<&str>) -> Result<bool, TurnError> {
        match condition {
            None => Ok(true),
            Some(condition) => self.scope().holds(condition).map_err(TurnError::Agent),
        }
    }

    /// Rule 3: `matched` matched: its parameters become session parameters, and its route is
    /// called; an intent no route in scope takes is no match.
    async fn intent(&mut self, matched: MatchedIntent) -> Result<Option<Target>, TurnError> {
        let Some(route) = self.intent_route(&matched.name)? else {
            self.session.no_match += 1;
            let events = counted("sys.no-match", self.session.no_match);
            return self.event(&events).await;
        };
        self.session.no_match = 0;
        for (name, value) in &matched.params {
            self.session.set_param(name, value.resolved_value.clone());
        }
        self.session.intent = Some(matched.clone());
        self.matched = Some(matched);
        self.fired(Handler::Route(route));
        self.call(&route.trigger_fulfillment, &route.target).await
    }

    /// Rule 6: calls the handler for the first of `events` that has one in scope; nothing
    /// happens when none does.
    async fn event(&mut self, events: &[String]) -> Result<Option<Target>, TurnError> {
        match self.event_handler(events)? {
            Some(handler) => {
                self.fired(Handler::Event(handler));
                self.call(&handler.trigger_fulfillment, &handler.target)
                    .await
            }
            None => Ok(None),
        }
    }

    /// Calls a handler: its fulfillment, then its transition (or the one the fulfillment chose).
    async fn call(
        &mut self,
        fulfillment: &'a Fulfillment,
        target: &'a Target,
    ) -> Result<Option<Target>, TurnError> {
        Ok(match self.fulfill(fulfillment).await? {
            After::Continue => (*target != Target::None).then(|| target.clone()),
            After::Go(target) => Some(target),
            After::Stay => None,
        })
    }

    /// Rules 11 and 12: makes the transitions the turn chose, one after the other, then, when
    /// the session stayed on its page, evaluates its condition routes and prompts its form.
    async fn finish(&mut self, next: Option<Target>) -> Result<(), TurnError> {
        let mut next = match next {
            Some(target) => Some(target),
            None if self.session.ended => None,
            None => {
                let settled = self.settle().await?;
                if settled.is_none() && !self.session.ended && self.needs_prompt() {
                    self.prompt().await?
                } else {
                    settled
                }
            }
        };
        while let Some(target) = next.take() {
            if self.session.ended {
                break;
            }
            next = self.go(target).await?;
        }
        Ok(())
    }

    /// Whether the form should prompt after a turn that stayed: a parameter was filled or
    /// invalidated this turn and a required one is still missing.
    fn needs_prompt(&self) -> bool {
        let touched = self
            .session
            .form()
            .iter()
            .any(|slot| slot.updated || slot.state == ParameterState::Invalid);
        touched && !self.session.form_is_final()
    }

    /// Rule 11: evaluates the condition routes in scope in order and calls each that holds; a
    /// route without a target lets evaluation go on, the first with one ends it.
    async fn settle(&mut self) -> Result<Option<Target>, TurnError> {
        for route in self.routes(false)? {
            if !self.holds(route.condition.as_deref())? {
                continue;
            }
            self.fired(Handler::Route(route));
            let next = self.call(&route.trigger_fulfillment, &route.target).await?;
            if next.is_some() || self.session.ended {
                return Ok(next);
            }
        }
        Ok(None)
    }

    /// Rule 12: prompts for the first required parameter not filled (its initial prompt).
    async fn prompt(&mut self) -> Result<Option<Target>, TurnError> {
        match self.prompted()? {
            Some(param) => {
                let fulfillment = &param.fill_behavior.initial_prompt_fulfillment;
                self.call(fulfillment, &Target::None).await
            }
            None => Ok(None),
        }
    }

    /// Rule 12: makes one transition and runs what the new page does on entry; gives the next
    /// transition if that chose one.
    async fn go(&mut self, target: Target) -> Result<Option<Target>, TurnError> {
        match target {
            Target::None => Ok(None),
            Target::Page(page) => self.enter(Some(page)).await,
            Target::Flow(flow) => {
                if self.agent().flow(&flow).is_none() {
                    return Err(TurnError::Agent(format!("there is no flow `{flow}`")));
                }
                self.session.stack.push(Frame::start(&flow));
                self.arrive().await
            }
            Target::Special(SpecialPage::EndSession) => {
                self.session.ended = true;
                Ok(None)
            }
            Target::Special(
                SpecialPage::EndFlow
                | SpecialPage::EndFlowWithCancellation
                | SpecialPage::EndFlowWithFailure
                | SpecialPage::EndFlowWithHumanEscalation,
            ) => self.end_flow().await,
            Target::Special(SpecialPage::CurrentPage) => {
                let page = self.session.frame().page.clone();
                self.enter(page).await
            }
            Target::Special(SpecialPage::PreviousPage) => {
                let page = self.session.frame().previous.clone().flatten();
                self.enter(page).await
            }
            Target::Special(SpecialPage::StartPage) => self.enter(None).await,
            Target::Playbook(playbook) => Err(TurnError::Agent(format!(
                "a route goes to playbook `{playbook}`; playbooks do not run offline"
            ))),
        }
    }

    /// Rule 12: ends the active flow: back to the page that started it, whose condition routes
    /// are evaluated again; the start flow ending ends the session.
    async fn end_flow(&mut self) -> Result<Option<Target>, TurnError> {
        if self.session.stack.len() == 1 {
            self.session.ended = true;
            return Ok(None);
        }
        self.session.stack.pop();
        self.count(format!(
            "{} / {} (returned)",
            self.session.flow(),
            self.session.page()
        ))?;
        self.load_form()?;
        self.settle().await
    }

    /// Counts a transition and records the page (rule 13).
    fn count(&mut self, page: String) -> Result<(), TurnError> {
        self.pages.push(page);
        if self.pages.len() > self.runtime.max_transitions {
            let from = self.pages.len().saturating_sub(8);
            return Err(TurnError::Loop {
                transitions: self.pages.len(),
                pages: self.pages[from..].to_vec(),
            });
        }
        Ok(())
    }

    /// Rule 12: enters `page` of the active flow (`None`: its start page), the page left
    /// becoming the previous page.
    async fn enter(&mut self, page: Option<String>) -> Result<Option<Target>, TurnError> {
        let flow = self.flow()?;
        if let Some(name) = &page
            && flow.page(name).is_none()
        {
            return Err(TurnError::Agent(format!(
                "flow `{}` has no page `{name}`",
                flow.display_name
            )));
        }
        let frame = self.session.frame_mut();
        let left = std::mem::replace(&mut frame.page, page);
        frame.previous = Some(left);
        self.arrive().await
    }

    /// Rule 12: runs what the current page does on entry: the entry fulfillment, then the
    /// form's first prompt, or, with the form complete, the condition routes.
    async fn arrive(&mut self) -> Result<Option<Target>, TurnError> {
        self.session.no_match = 0;
        self.session.no_input = 0;
        self.count(format!("{} / {}", self.session.flow(), self.session.page()))?;
        self.trace.push(Step::Page {
            flow: self.session.flow().to_owned(),
            page: self.session.page().to_owned(),
        });
        self.load_form()?;
        if let Some(page) = self.page()? {
            match self.fulfill(&page.entry_fulfillment).await? {
                After::Continue => {}
                After::Go(target) => return Ok(Some(target)),
                After::Stay => return Ok(None),
            }
        }
        if self.session.ended {
            return Ok(None);
        }
        match self.session.form_is_final() {
            true => self.settle().await,
            false => self.prompt().await,
        }
    }

    /// Sets up the current page's form: each parameter filled when the parameter of its name
    /// has a value (an optional one takes its default value first, rule 12).
    fn load_form(&mut self) -> Result<(), TurnError> {
        let params: &'a [FormParameter] = match self.page()? {
            Some(page) => &page.form.parameters,
            None => &[],
        };
        self.session.fill_form(params);
        Ok(())
    }
}

/// `sys.no-match-N` then `sys.no-match-default` (and the same for no-input).
fn counted(prefix: &str, count: u32) -> Vec<String> {
    vec![format!("{prefix}-{count}"), format!("{prefix}-default")]
}
