//! Every fulfillment of the agent, with the file and JSON path it is at and the place it
//! runs in, for the rules that look at fulfillments (webhook calls, their tags, their error
//! handlers).

use crate::load::Loaded;
use crate::model::{EventHandler, FormParameter, Fulfillment, Page, TransitionRoute};

/// Where a fulfillment runs: what decides which event handlers are in scope when it does.
#[derive(Debug, Clone, Copy)]
pub(super) enum Owner<'a> {
    /// A flow's start page (its routes and event handlers).
    StartPage,
    /// A page.
    Page(&'a Page),
    /// A form parameter of a page (its initial prompt and reprompt handlers).
    Param(&'a Page, &'a FormParameter),
    /// A route group of the flow, by display name.
    FlowGroup(&'a str),
    /// An agent-level route group, by display name (its flow is empty).
    AgentGroup(&'a str),
}

/// A fulfillment and where it is.
#[derive(Debug, Clone)]
pub(super) struct Site<'a> {
    /// The package file.
    pub(super) file: &'a str,
    /// The fulfillment's JSON path in the file.
    pub(super) path: String,
    /// The flow it belongs to (empty for an agent-level group).
    pub(super) flow: &'a str,
    /// Where it runs.
    pub(super) owner: Owner<'a>,
    /// The fulfillment.
    pub(super) fulfillment: &'a Fulfillment,
}

/// Every fulfillment of `loaded`, in the order of flows, pages and groups by display name.
pub(super) fn sites(loaded: &Loaded) -> Vec<Site<'_>> {
    let sources = &loaded.sources;
    let mut sites = Vec::new();
    for (flow_name, flow) in &loaded.agent.flows {
        let file = sources.flows.get(flow_name).map_or("", String::as_str);
        Lists::new(&flow.transition_routes, &flow.event_handlers, "").push(
            &mut sites,
            file,
            flow_name,
            Owner::StartPage,
        );
        for (page_name, page) in &flow.pages {
            let key = (flow_name.clone(), page_name.clone());
            let file = sources.pages.get(&key).map_or("", String::as_str);
            sites.push(Site {
                file,
                path: "entryFulfillment".to_owned(),
                flow: flow_name,
                owner: Owner::Page(page),
                fulfillment: &page.entry_fulfillment,
            });
            for (index, param) in page.form.parameters.iter().enumerate() {
                let prefix = format!("form.parameters[{index}].fillBehavior.");
                sites.push(Site {
                    file,
                    path: format!("{prefix}initialPromptFulfillment"),
                    flow: flow_name,
                    owner: Owner::Param(page, param),
                    fulfillment: &param.fill_behavior.initial_prompt_fulfillment,
                });
                Lists::new(&[], &param.fill_behavior.reprompt_event_handlers, &prefix)
                    .rename_handlers("repromptEventHandlers")
                    .push(&mut sites, file, flow_name, Owner::Param(page, param));
            }
            Lists::new(&page.transition_routes, &page.event_handlers, "").push(
                &mut sites,
                file,
                flow_name,
                Owner::Page(page),
            );
        }
        for (group_name, group) in &flow.route_groups {
            let key = (flow_name.clone(), group_name.clone());
            let file = sources.flow_groups.get(&key).map_or("", String::as_str);
            Lists::new(&group.transition_routes, &[], "").push(
                &mut sites,
                file,
                flow_name,
                Owner::FlowGroup(group_name),
            );
        }
    }
    for (group_name, group) in &loaded.agent.route_groups {
        let file = sources
            .agent_groups
            .get(group_name)
            .map_or("", String::as_str);
        Lists::new(&group.transition_routes, &[], "").push(
            &mut sites,
            file,
            "",
            Owner::AgentGroup(group_name),
        );
    }
    sites
}

/// A list of routes and one of event handlers, at JSON paths under `prefix`.
struct Lists<'a> {
    routes: &'a [TransitionRoute],
    handlers: &'a [EventHandler],
    prefix: String,
    handlers_name: &'static str,
}

impl<'a> Lists<'a> {
    fn new(routes: &'a [TransitionRoute], handlers: &'a [EventHandler], prefix: &str) -> Self {
        Self {
            routes,
            handlers,
            prefix: prefix.to_owned(),
            handlers_name: "eventHandlers",
        }
    }

    fn rename_handlers(mut self, name: &'static str) -> Self {
        self.handlers_name = name;
        self
    }

    /// Adds the fulfillments of the routes and handlers to `sites`.
    fn push(self, sites: &mut Vec<Site<'a>>, file: &'a str, flow: &'a str, owner: Owner<'a>) {
        for (index, route) in self.routes.iter().enumerate() {
            sites.push(Site {
                file,
                path: format!(
                    "{}transitionRoutes[{index}].triggerFulfillment",
                    self.prefix
                ),
                flow,
                owner,
                fulfillment: &route.trigger_fulfillment,
            });
        }
        for (index, handler) in self.handlers.iter().enumerate() {
            sites.push(Site {
                file,
                path: format!(
                    "{}{}[{index}].triggerFulfillment",
                    self.prefix, self.handlers_name
                ),
                flow,
                owner,
                fulfillment: &handler.trigger_fulfillment,
            });
        }
    }
}
