//! The agent (`agent.json`) and, filled in by the loader, every resource of the package.
//!
//! One type holds the whole agent, as [`super::Intent`] holds its training phrases: the fields
//! read from `agent.json` come from serde, the resources from the package's other files are
//! `#[serde(skip)]` and filled by the loader, indexed by display name (case-sensitive, as CX).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::entity_type::EntityType;
use super::flow::Flow;
use super::generator::Generator;
use super::intent::Intent;
use super::route::TransitionRouteGroup;
use super::webhook::Webhook;

/// An exported agent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Agent {
    /// The display name (absent in some exports).
    pub display_name: String,
    /// The language used when a request names none.
    pub default_language_code: String,
    /// The other languages the agent speaks.
    pub supported_language_codes: Vec<String>,
    /// The time zone for dates and times (`America/Los_Angeles`).
    pub time_zone: String,
    /// The flow a session starts in, by display name.
    pub start_flow: String,
    /// A free-text description.
    pub description: String,
    /// The flows by display name.
    #[serde(skip)]
    pub flows: BTreeMap<String, Flow>,
    /// The intents by display name.
    #[serde(skip)]
    pub intents: BTreeMap<String, Intent>,
    /// The custom entity types by display name.
    #[serde(skip)]
    pub entity_types: BTreeMap<String, EntityType>,
    /// The webhooks by display name.
    #[serde(skip)]
    pub webhooks: BTreeMap<String, Webhook>,
    /// The generators by display name.
    #[serde(skip)]
    pub generators: BTreeMap<String, Generator>,
    /// The agent-level route groups (`agentTransitionRouteGroups/`) by display name.
    #[serde(skip)]
    pub route_groups: BTreeMap<String, TransitionRouteGroup>,
}

impl Agent {
    /// The flow with this display name.
    pub fn flow(&self, display_name: &str) -> Option<&Flow> {
        self.flows.get(display_name)
    }

    /// The intent with this display name.
    pub fn intent(&self, display_name: &str) -> Option<&Intent> {
        self.intents.get(display_name)
    }

    /// The custom entity type with this display name (without the `@`).
    pub fn entity_type(&self, display_name: &str) -> Option<&EntityType> {
        self.entity_types.get(display_name)
    }

    /// The webhook with this display name.
    pub fn webhook(&self, display_name: &str) -> Option<&Webhook> {
        self.webhooks.get(display_name)
    }

    /// The generator a fulfillment names by full resource name (`…/generators/<uuid>`): the
    /// one whose resource ID is the name's last segment.
    pub fn generator(&self, resource_name: &str) -> Option<&Generator> {
        let id = resource_name.rsplit('/').next().unwrap_or(resource_name);
        self.generators
            .values()
            .find(|generator| generator.name == id)
    }

    /// The route group a page or flow of `flow` names: the flow's own group of that name, else
    /// the agent-level one.
    pub fn route_group(&self, flow: &str, display_name: &str) -> Option<&TransitionRouteGroup> {
        self.flows
            .get(flow)
            .and_then(|flow| flow.route_groups.get(display_name))
            .or_else(|| self.route_groups.get(display_name))
    }
}
