//! Which parts of an agent a set of conversations exercised: its pages, routes, event
//! handlers and webhook tags, each counted as often as the turns reached it, with what none
//! reached listed.
//!
//! The recorder is fed with each turn's result ([`Coverage::record`]), whose
//! [`trace`](crate::runtime::TurnResult::trace) names the pages entered and the handlers called
//! by where the agent defines them; it holds no session, so one recorder counts every session
//! of a test run, and recorders of separate runs of the same agent [`merge`](Coverage::merge).
//! A handler is counted when it is called (its condition held, its intent matched, its event
//! fired), a page when it is entered, a tag when a webhook call with it was made, whatever
//! the webhook answered. A turn that fails (`TurnError`) gives no result and counts nothing.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::model::Agent;
use crate::runtime::{Handler, HandlerKind, HandlerRef, START_PAGE, Step, TurnResult, handlers};

/// Counts of what turns exercised in one agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Every page (`Start Page` included) by (flow, page), with its count.
    pages: BTreeMap<(String, String), u64>,
    /// Every handler, with a description and its count.
    handlers: BTreeMap<HandlerRef, (String, u64)>,
    /// Every webhook tag a fulfillment calls, by (webhook, tag), with its count.
    tags: BTreeMap<(String, String), u64>,
}

impl Coverage {
    /// A recorder for `agent`, nothing covered yet.
    pub fn new(agent: &Agent) -> Self {
        let mut coverage = Self::default();
        let mut tags = Vec::new();
        for (flow_name, flow) in &agent.flows {
            coverage
                .pages
                .insert((flow_name.clone(), START_PAGE.to_owned()), 0);
            for (page_name, page) in &flow.pages {
                coverage
                    .pages
                    .insert((flow_name.clone(), page_name.clone()), 0);
                tags.push(&page.entry_fulfillment);
                for param in &page.form.parameters {
                    tags.push(&param.fill_behavior.initial_prompt_fulfillment);
                }
            }
        }
        for (name, handler) in handlers(agent) {
            let (description, fulfillment) = match handler {
                Handler::Route(route) => {
                    let mut parts = Vec::new();
                    if let Some(intent) = &route.intent {
                        parts.push(format!("intent `{intent}`"));
                    }
                    if let Some(condition) = &route.condition {
                        parts.push(format!("condition `{condition}`"));
                    }
                    (parts.join(", "), &route.trigger_fulfillment)
                }
                Handler::Event(handler) => (
                    format!("event `{}`", handler.event),
                    &handler.trigger_fulfillment,
                ),
            };
            tags.push(fulfillment);
            coverage.handlers.insert(name, (description, 0));
        }
        for fulfillment in tags {
            if let Some(webhook) = &fulfillment.webhook {
                let tag = fulfillment.tag.clone().unwrap_or_default();
                coverage.tags.insert((webhook.clone(), tag), 0);
            }
        }
        coverage
    }

    /// Counts what `turn` exercised. Pages, handlers and tags the agent does not have (a
    /// result of another agent) are left out.
    pub fn record(&mut self, turn: &TurnResult) {
        for step in &turn.trace {
            let count = match step {
                Step::Page { flow, page } => self.pages.get_mut(&(flow.clone(), page.clone())),
                Step::Handler(handler) => self.handlers.get_mut(handler).map(|(_, count)| count),
            };
            if let Some(count) = count {
                *count += 1;
            }
        }
        for call in &turn.webhook_calls {
            if let Some(count) = self.tags.get_mut(&(call.webhook.clone(), call.tag.clone())) {
                *count += 1;
            }
        }
    }

    /// Adds the counts of `other`, a recorder of the same agent.
    pub fn merge(&mut self, other: &Self) {
        for (key, count) in &other.pages {
            *self.pages.entry(key.clone()).or_default() += count;
        }
        for (key, (description, count)) in &other.handlers {
            self.handlers
                .entry(key.clone())
                .or_insert_with(|| (description.clone(), 0))
                .1 += count;
        }
        for (key, count) in &other.tags {
            *self.tags.entry(key.clone()).or_default() += count;
        }
    }

    /// The report: each kind with its counts and what was not covered.
    pub fn report(&self) -> Report {
        let pages = self
            .pages
            .iter()
            .map(|((flow, page), count)| (format!("{flow} / {page}"), *count));
        let of_kind = |kind: HandlerKind| {
            self.handlers
                .iter()
                .filter(move |(name, _)| name.kind == kind)
                .map(|(name, (description, count))| {
                    let label = match description.is_empty() {
                        true => name.to_string(),
                        false => format!("{name} ({description})"),
                    };
                    (label, *count)
                })
        };
        let tags = self
            .tags
            .iter()
            .map(|((webhook, tag), count)| match tag.is_empty() {
                true => (webhook.clone(), *count),
                false => (format!("{webhook}: {tag}"), *count),
            });
        Report {
            pages: Section::of(pages),
            routes: Section::of(of_kind(HandlerKind::Route)),
            event_handlers: Section::of(of_kind(HandlerKind::Event)),
            tags: Section::of(tags),
        }
    }
}

/// What a set of conversations covered of an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Pages entered (each flow's start page included).
    pub pages: Section,
    /// Transition routes called.
    pub routes: Section,
    /// Event handlers called (form parameters' reprompt handlers included).
    pub event_handlers: Section,
    /// Webhook tags called, as `webhook: tag` (the webhook alone for a call without a tag).
    pub tags: Section,
}

/// One kind of part: how many there are, how many were covered, and each with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// How many were reached at least once.
    pub covered: usize,
    /// How many the agent has.
    pub total: usize,
    /// Those never reached, in the agent's order.
    pub uncovered: Vec<String>,
    /// Each with how often it was reached.
    pub counts: Vec<Count>,
}

/// One part and how often it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The part (`Flow / Page`, `Flow / Page transitionRoutes[1] (intent `x`)`, `webhook: tag`).
    pub name: String,
    /// How often it was reached.
    pub count: u64,
}

impl Section {
    fn of(items: impl Iterator<Item = (String, u64)>) -> Self {
        let counts: Vec<Count> = items.map(|(name, count)| Count { name, count }).collect();
        Self {
            covered: counts.iter().filter(|c| c.count > 0).count(),
            total: counts.len(),
            uncovered: counts
                .iter()
                .filter(|c| c.count == 0)
                .map(|c| c.name.clone())
                .collect(),
            counts,
        }
    }

    /// The share covered, in whole percent (100 when there is nothing to cover).
    pub fn percent(&self) -> usize {
        match self.total {
            0 => 100,
            total => self.covered * 100 / total,
        }
    }
}

impl fmt::Display for Report {
    /// A table of the four kinds, then each uncovered part under its kind.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sections = [
            ("pages", &self.pages),
            ("routes", &self.routes),
            ("event handlers", &self.event_handlers),
            ("webhook tags", &self.tags),
        ];
        writeln!(f, "{:<16}{:>8}{:>8}{:>6}", "", "covered", "total", "")?;
        for (name, section) in sections {
            writeln!(
                f,
                "{name:<16}{:>8}{:>8}{:>5}%",
                section.covered,
                section.total,
                section.percent()
            )?;
        }
        for (name, section) in sections {
            if section.uncovered.is_empty() {
                continue;
            }
            writeln!(f, "\nuncovered {name}:")?;
            for part in &section.uncovered {
                writeln!(f, "  {part}")?;
            }
        }
        Ok(())
    }
}
