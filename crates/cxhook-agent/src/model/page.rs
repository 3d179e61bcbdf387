//! Pages (`flows/<Flow>/pages/<Page>.json`) and their forms.

use serde::Deserialize;
use serde_json::Value;

use super::fulfillment::Fulfillment;
use super::route::{EventHandler, TransitionRoute};

/// A page: a state of the conversation, with an entry fulfillment, a form and handlers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Page {
    /// The resource ID (a UUID in exports).
    pub name: String,
    /// The display name, by which routes refer to the page.
    pub display_name: String,
    /// A free-text description.
    pub description: String,
    /// What runs when the page is entered.
    pub entry_fulfillment: Fulfillment,
    /// The parameters the page collects.
    pub form: Form,
    /// Route groups, by display name (flow-level first, then agent-level), evaluated after the
    /// page's own routes.
    pub transition_route_groups: Vec<String>,
    /// The page's routes, in order.
    pub transition_routes: Vec<TransitionRoute>,
    /// The page's event handlers, in order.
    pub event_handlers: Vec<EventHandler>,
}

/// A page's form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Form {
    /// The parameters, in the order they are filled.
    pub parameters: Vec<FormParameter>,
}

/// A form parameter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FormParameter {
    /// The parameter name (also the session parameter it fills; may be `$flow.x` style).
    pub display_name: String,
    /// Whether the form is not complete until this parameter is filled.
    pub required: bool,
    /// The entity type, such as `@sys.date` or `@destination`.
    pub entity_type: String,
    /// Whether the parameter collects a list of values.
    pub is_list: bool,
    /// Whether the value is redacted in logs.
    pub redact: bool,
    /// The value an optional parameter takes when not filled.
    pub default_value: Option<Value>,
    /// How the parameter is prompted for.
    pub fill_behavior: FillBehavior,
}

/// How a form parameter is prompted for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FillBehavior {
    /// What runs each time the parameter is prompted for (may call a webhook).
    pub initial_prompt_fulfillment: Fulfillment,
    /// Handlers for `sys.no-match-*` and `sys.no-input-*` while this parameter is filled.
    pub reprompt_event_handlers: Vec<EventHandler>,
}
