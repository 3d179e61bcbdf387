//! Handlers: transition routes, event handlers, and the route groups that share routes.
//!
//! Both kinds of handler carry their target as the export's `targetPage`/`targetFlow`, read
//! into one [`Target`] (`#[serde(try_from)]` on a raw struct, so a handler with two targets is a
//! deserialisation error at its own JSON path). The raw structs list the target fields rather
//! than flattening a shared struct: serde buffers a flattened struct's fields, which would hide
//! the path of a malformed value and the unknown fields of a route from the loader.

use serde::Deserialize;

use super::fulfillment::Fulfillment;
use super::target::Target;

/// A transition route: when its intent matches and/or its condition holds, it fulfils and
/// transitions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "RawRoute")]
pub struct TransitionRoute {
    /// The resource ID (a UUID in exports).
    pub name: String,
    /// A free-text description.
    pub description: String,
    /// The intent that triggers the route, by display name.
    pub intent: Option<String>,
    /// The condition that must hold, unparsed.
    pub condition: Option<String>,
    /// What runs when the route is taken.
    pub trigger_fulfillment: Fulfillment,
    /// Where the route goes.
    pub target: Target,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RawRoute {
    name: String,
    description: String,
    intent: Option<String>,
    condition: Option<String>,
    trigger_fulfillment: Fulfillment,
    target_page: Option<String>,
    target_flow: Option<String>,
    target_playbook: Option<String>,
}

impl TryFrom<RawRoute> for TransitionRoute {
    type Error = String;

    fn try_from(raw: RawRoute) -> Result<Self, Self::Error> {
        Ok(Self {
            name: raw.name,
            description: raw.description,
            intent: raw.intent.filter(|intent| !intent.is_empty()),
            condition: raw.condition.filter(|condition| !condition.is_empty()),
            trigger_fulfillment: raw.trigger_fulfillment,
            target: Target::from_fields(raw.target_page, raw.target_flow, raw.target_playbook)?,
        })
    }
}

/// An event handler: runs when its event fires (`sys.no-match-default`, `webhook.error`, …).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "RawEventHandler")]
pub struct EventHandler {
    /// The resource ID (a UUID in exports).
    pub name: String,
    /// The event name.
    pub event: String,
    /// What runs when the handler is called.
    pub trigger_fulfillment: Fulfillment,
    /// Where the handler goes.
    pub target: Target,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RawEventHandler {
    name: String,
    event: String,
    trigger_fulfillment: Fulfillment,
    target_page: Option<String>,
    target_flow: Option<String>,
    target_playbook: Option<String>,
}

impl TryFrom<RawEventHandler> for EventHandler {
    type Error = String;

    fn try_from(raw: RawEventHandler) -> Result<Self, Self::Error> {
        Ok(Self {
            name: raw.name,
            event: raw.event,
            trigger_fulfillment: raw.trigger_fulfillment,
            target: Target::from_fields(raw.target_page, raw.target_flow, raw.target_playbook)?,
        })
    }
}

/// A transition route group (`flows/<Flow>/transitionRouteGroups/<Group>.json` or
/// `agentTransitionRouteGroups/<Group>.json`): routes shared by the pages that name it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TransitionRouteGroup {
    /// The resource ID (a UUID in exports).
    pub name: String,
    /// The display name, by which flows and pages refer to the group.
    pub display_name: String,
    /// The routes, in order.
    pub transition_routes: Vec<TransitionRoute>,
}
