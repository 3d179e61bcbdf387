//! What a turn did, step by step: the pages it entered and the handlers it called, each
//! named by where the agent defines it, so that a caller can tell which parts of an agent its
//! tests exercise (the [`coverage`](crate::coverage) module).
//!
//! A handler is named by its place (a flow's start page, a page, a form parameter, a route
//! group) and its index in the list that holds it, not by its resource ID: hand-written and
//! older agents leave `name` empty or repeat it. The runtime finds a handler's name by its
//! address in the agent, indexed once per runtime.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::model::{Agent, EventHandler, TransitionRoute};

/// One step of a turn.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// A page entered (`Start Page` for a flow's start page).
    Page {
        /// The flow's display name.
        flow: String,
        /// The page's display name.
        page: String,
    },
    /// A route or event handler called.
    Handler(HandlerRef),
}

/// Where a route or event handler is defined.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Place {
    /// A flow's start page (the flow's own file).
    StartPage {
        /// The flow.
        flow: String,
    },
    /// A page.
    Page {
        /// The flow.
        flow: String,
        /// The page.
        page: String,
    },
    /// A form parameter of a page (its reprompt handlers).
    Param {
        /// The flow.
        flow: String,
        /// The page.
        page: String,
        /// The parameter's display name.
        param: String,
    },
    /// A flow-level route group.
    FlowGroup {
        /// The flow.
        flow: String,
        /// The group.
        group: String,
    },
    /// An agent-level route group.
    AgentGroup {
        /// The group.
        group: String,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StartPage { flow } => write!(f, "{flow} / Start Page"),
            Self::Page { flow, page } => write!(f, "{flow} / {page}"),
            Self::Param { flow, page, param } => write!(f, "{flow} / {page} / form `{param}`"),
            Self::FlowGroup { flow, group } => write!(f, "{flow} / group `{group}`"),
            Self::AgentGroup { group } => write!(f, "group `{group}`"),
        }
    }
}

/// Whether a handler is a transition route or an event handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum HandlerKind {
    /// A transition route.
    Route,
    /// An event handler (a form parameter's reprompt handlers included).
    Event,
}

/// A route or event handler, by where it is defined.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandlerRef {
    /// Where its list is.
    pub place: Place,
    /// Which list.
    pub kind: HandlerKind,
    /// Its index in the list, from 0.
    pub index: usize,
}

impl fmt::Display for HandlerRef {
    /// `Flow / Page transitionRoutes[2]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = match (&self.place, self.kind) {
            (_, HandlerKind::Route) => "transitionRoutes",
            (Place::Param { .. }, HandlerKind::Event) => "repromptEventHandlers",
            (_, HandlerKind::Event) => "eventHandlers",
        };
        write!(f, "{} {list}[{}]", self.place, self.index)
    }
}

/// A handler of the agent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Handler<'a> {
    /// A transition route.
    Route(&'a TransitionRoute),
    /// An event handler.
    Event(&'a EventHandler),
}

impl Handler<'_> {
    /// The handler's address, by which the runtime finds its name.
    fn address(self) -> usize {
        match self {
            Self::Route(route) => std::ptr::from_ref(route) as usize,
            Self::Event(handler) => std::ptr::from_ref(handler) as usize,
        }
    }
}

/// Every handler of `agent` with its name, in the order of flows, pages and groups.
pub(crate) fn handlers(agent: &Agent) -> Vec<(HandlerRef, Handler<'_>)> {
    let mut all = Vec::new();
    for (flow_name, flow) in &agent.flows {
        let place = Place::StartPage {
            flow: flow_name.clone(),
        };
        lists(
            &mut all,
            &place,
            &flow.transition_routes,
            &flow.event_handlers,
        );
        for (page_name, page) in &flow.pages {
            let place = Place::Page {
                flow: flow_name.clone(),
                page: page_name.clone(),
            };
            lists(
                &mut all,
                &place,
                &page.transition_routes,
                &page.event_handlers,
            );
            for param in &page.form.parameters {
                let place = Place::Param {
                    flow: flow_name.clone(),
                    page: page_name.clone(),
                    param: param.display_name.clone(),
                };
                let events = &param.fill_behavior.reprompt_event_handlers;
                lists(&mut all, &place, &[], events);
            }
        }
        for (group_name, group) in &flow.route_groups {
            let place = Place::FlowGroup {
                flow: flow_name.clone(),
                group: group_name.clone(),
            };
            lists(&mut all, &place, &group.transition_routes, &[]);
        }
    }
    for (group_name, group) in &agent.route_groups {
        let place = Place::AgentGroup {
            group: group_name.clone(),
        };
        lists(&mut all, &place, &group.transition_routes, &[]);
    }
    all
}

/// Adds the routes and event handlers of `place` to `all`.
fn lists<'a>(
    all: &mut Vec<(HandlerRef, Handler<'a>)>,
    place: &Place,
    routes: &'a [TransitionRoute],
    events: &'a [EventHandler],
) {
    let named = |kind, index| HandlerRef {
        place: place.clone(),
        kind,
        index,
    };
    for (index, route) in routes.iter().enumerate() {
        all.push((named(HandlerKind::Route, index), Handler::Route(route)));
    }
    for (index, handler) in events.iter().enumerate() {
        all.push((named(HandlerKind::Event, index), Handler::Event(handler)));
    }
}

/// The names of an agent's handlers by address, built once per runtime.
#[derive(Debug, Default)]
pub(crate) struct Names(HashMap<usize, HandlerRef>);

impl Names {
    /// The names of `agent`'s handlers.
    pub(crate) fn new(agent: &Agent) -> Self {
        Self(
            handlers(agent)
                .into_iter()
                .map(|(name, handler)| (handler.address(), name))
                .collect(),
        )
    }

    /// The step of calling `handler`, a handler of the runtime's agent.
    pub(crate) fn step(&self, handler: Handler<'_>) -> Option<Step> {
        self.0.get(&handler.address()).cloned().map(Step::Handler)
    }
}
