//! The rules about handlers: webhook calls with no `webhook.error*` handler in scope
//! (cxlint's R011), and pages nothing goes to.
//!
//! A `webhook.error*` handler is in scope for a call as the runtime looks one up: the reprompt
//! handlers of the form parameter whose prompt makes the call, the page's handlers, the
//! flow's. A route group's call runs on whichever page uses the group, so each page (or flow
//! start page) that names the group must have one; a group nothing names runs nowhere and is
//! not judged.

use std::collections::BTreeSet;

use super::finding::{Finding, Rule, Severity};
use super::walk::{Owner, Site};
use crate::load::Loaded;
use crate::model::{Agent, EventHandler, Flow, Target};

/// Whether one of `handlers` takes a webhook error.
fn catches(handlers: &[EventHandler]) -> bool {
    handlers
        .iter()
        .any(|handler| handler.event.starts_with("webhook.error"))
}

/// The places that name the route group `group` in `flow` (`None` for the flow's start page,
/// else the page), when `flow` resolves the name to that group.
fn users<'a>(flow: &'a Flow, group: &str) -> Vec<Option<&'a crate::model::Page>> {
    let mut users = Vec::new();
    if flow
        .transition_route_groups
        .iter()
        .any(|name| name == group)
    {
        users.push(None);
    }
    users.extend(
        flow.pages
            .values()
            .filter(|page| {
                page.transition_route_groups
                    .iter()
                    .any(|name| name == group)
            })
            .map(Some),
    );
    users
}

/// The first place (`Flow / Page`) that runs the group's routes with no error handler in
/// scope, if one does.
fn uncaught_user(agent: &Agent, flow: Option<&str>, group: &str) -> Option<String> {
    let flows: Vec<(&String, &Flow)> = match flow {
        Some(name) => agent.flows.get_key_value(name).into_iter().collect(),
        None => agent
            .flows
            .iter()
            .filter(|(_, flow)| !flow.route_groups.contains_key(group))
            .collect(),
    };
    for (name, flow) in flows {
        if catches(&flow.event_handlers) {
            continue;
        }
        for user in users(flow, group) {
            match user {
                Some(page) if !catches(&page.event_handlers) => {
                    return Some(format!("{name} / {}", page.display_name));
                }
                None => return Some(format!("{name} / Start Page")),
                Some(_) => {}
            }
        }
    }
    None
}

/// R011: each fulfillment that calls a webhook with no `webhook.error*` handler in scope.
pub(super) fn uncaught_calls(loaded: &Loaded, sites: &[Site<'_>], findings: &mut Vec<Finding>) {
    let agent = &loaded.agent;
    for site in sites {
        let Some(webhook) = &site.fulfillment.webhook else {
            continue;
        };
        if agent.webhook(webhook).is_some_and(|w| w.disabled) {
            continue;
        }
        let flow = agent.flow(site.flow);
        let flow_catches = flow.is_some_and(|flow| catches(&flow.event_handlers));
        let uncaught = match site.owner {
            Owner::StartPage => (!flow_catches).then(|| "its flow".to_owned()),
            Owner::Page(page) => {
                (!flow_catches && !catches(&page.event_handlers)).then(|| "its page or flow".into())
            }
            Owner::Param(page, param) => (!flow_catches
                && !catches(&page.event_handlers)
                && !catches(&param.fill_behavior.reprompt_event_handlers))
            .then(|| "its form parameter, page or flow".into()),
            Owner::FlowGroup(group) => uncaught_user(agent, Some(site.flow), group)
                .map(|user| format!("page {user}, which uses the group,")),
            Owner::AgentGroup(group) => uncaught_user(agent, None, group)
                .map(|user| format!("page {user}, which uses the group,")),
        };
        if let Some(place) = uncaught {
            let tag = site.fulfillment.tag.as_deref().unwrap_or_default();
            findings.push(Finding {
                severity: Severity::Warning,
                rule: Rule::WebhookErrorHandler,
                file: site.file.to_owned(),
                json_path: format!("{}.webhook", site.path),
                message: format!(
                    "calls webhook `{webhook}` (tag `{tag}`), and {place} has no webhook.error \
                     handler: a failed call goes unnoticed"
                ),
            });
        }
    }
}

/// The pages of `flow` some route or event handler other than the page's own goes to.
fn reached(agent: &Agent, flow_name: &str, flow: &Flow) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut add = |from: Option<&str>, target: &Target| {
        if let Target::Page(page) = target
            && from != Some(page.as_str())
        {
            reached.insert(page.clone());
        }
    };
    let group_targets =
        |names: &[String], from: Option<&str>, add: &mut dyn FnMut(Option<&str>, &Target)| {
            for name in names {
                if let Some(group) = agent.route_group(flow_name, name) {
                    for route in &group.transition_routes {
                        add(from, &route.target);
                    }
                }
            }
        };
    for route in &flow.transition_routes {
        add(None, &route.target);
    }
    for handler in &flow.event_handlers {
        add(None, &handler.target);
    }
    group_targets(&flow.transition_route_groups, None, &mut add);
    for (name, page) in &flow.pages {
        let from = Some(name.as_str());
        for route in &page.transition_routes {
            add(from, &route.target);
        }
        for handler in &page.event_handlers {
            add(from, &handler.target);
        }
        for param in &page.form.parameters {
            for handler in &param.fill_behavior.reprompt_event_handlers {
                add(from, &handler.target);
            }
        }
        group_targets(&page.transition_route_groups, from, &mut add);
    }
    reached
}

/// Each page no route or event handler of its flow goes to (a webhook's reply could still
/// name it; nothing in the agent does).
pub(super) fn unreachable_pages(loaded: &Loaded, findings: &mut Vec<Finding>) {
    for (flow_name, flow) in &loaded.agent.flows {
        let reached = reached(&loaded.agent, flow_name, flow);
        for page_name in flow.pages.keys() {
            if reached.contains(page_name) {
                continue;
            }
            let key = (flow_name.clone(), page_name.clone());
            findings.push(Finding {
                severity: Severity::Warning,
                rule: Rule::UnreachablePage,
                file: loaded.sources.pages.get(&key).cloned().unwrap_or_default(),
                json_path: ".".to_owned(),
                message: format!(
                    "no route or event handler of flow `{flow_name}` goes to page \
                     `{page_name}`; only a webhook reply naming it could"
                ),
            });
        }
    }
}
