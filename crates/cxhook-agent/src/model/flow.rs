//! Flows (`flows/<Flow>/<Flow>.json`): the flow's start page, its NLU settings, and the pages
//! and route groups the loader reads from the flow's folder.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::page::Page;
use super::route::{EventHandler, TransitionRoute, TransitionRouteGroup};

/// A flow: its file is its start page, and it owns its pages and flow-level route groups.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Flow {
    /// The resource ID (`00000000-0000-0000-0000-000000000000` for the Default Start Flow).
    pub name: String,
    /// The display name, by which `startFlow` and `targetFlow` refer to the flow.
    pub display_name: String,
    /// A free-text description.
    pub description: String,
    /// The start page's routes; the intent routes among them are in scope on every page.
    pub transition_routes: Vec<TransitionRoute>,
    /// The start page's event handlers, in scope on every page of the flow.
    pub event_handlers: Vec<EventHandler>,
    /// Route groups of the start page, by display name.
    pub transition_route_groups: Vec<String>,
    /// How intents are matched while this flow is active.
    pub nlu_settings: NluSettings,
    /// The flow's pages by display name, read from `pages/<Page>.json`.
    #[serde(skip)]
    pub pages: BTreeMap<String, Page>,
    /// The flow-level route groups by display name, read from `transitionRouteGroups/`.
    #[serde(skip)]
    pub route_groups: BTreeMap<String, TransitionRouteGroup>,
}

impl Flow {
    /// The page with this display name (case-sensitive, as CX).
    pub fn page(&self, display_name: &str) -> Option<&Page> {
        self.pages.get(display_name)
    }
}

/// `nluSettings`: how intents are matched.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NluSettings {
    /// `MODEL_TYPE_STANDARD` or `MODEL_TYPE_ADVANCED`.
    pub model_type: Option<String>,
    /// The confidence below which no intent matches (CX's default is 0.3).
    pub classification_threshold: Option<f64>,
    /// `MODEL_TRAINING_MODE_AUTOMATIC` or `MODEL_TRAINING_MODE_MANUAL`.
    pub model_training_mode: Option<String>,
}
