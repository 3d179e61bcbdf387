//! Where a route or an event handler goes: a page, a flow, a special page, or nowhere.
//!
//! The export writes `targetPage` and `targetFlow` as two optional display names, at most one
//! set; the special pages are page names ("End Session", …) with no file of their own. The model
//! turns that into one [`Target`] so the turn engine matches on it instead of on strings.

use serde::Deserialize;

/// The transition a route or handler makes after its fulfillment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Target {
    /// No transition: the conversation stays on the current page.
    #[default]
    None,
    /// A page of the current flow, by display name.
    Page(String),
    /// One of the pages CX defines itself.
    Special(SpecialPage),
    /// The start page of a flow, by display name.
    Flow(String),
    /// A playbook, by name (newer exports); the offline runtime does not run playbooks.
    Playbook(String),
}

/// The pages every flow has without a file: `targetPage` values CX resolves itself
/// (dfcx-scrapi `flows.py` `special_pages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialPage {
    /// "End Session": the conversation ends.
    EndSession,
    /// "End Flow": back to the page that started this flow.
    EndFlow,
    /// "Current Page": the page is entered again (its entry fulfillment runs).
    CurrentPage,
    /// "Previous Page": back to the page before this one.
    PreviousPage,
    /// "Start Page": the flow's start page.
    StartPage,
}

impl SpecialPage {
    /// The special page with this display name, if it is one (case-sensitive, as CX).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "End Session" => Self::EndSession,
            "End Flow" => Self::EndFlow,
            "Current Page" => Self::CurrentPage,
            "Previous Page" => Self::PreviousPage,
            "Start Page" => Self::StartPage,
            _ => return None,
        })
    }

    /// The display name the export uses for it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::EndSession => "End Session",
            Self::EndFlow => "End Flow",
            Self::CurrentPage => "Current Page",
            Self::PreviousPage => "Previous Page",
            Self::StartPage => "Start Page",
        }
    }
}

/// The target fields as the export writes them, read into a [`Target`].
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawTarget {
    target_page: Option<String>,
    target_flow: Option<String>,
    target_playbook: Option<String>,
}

impl TryFrom<RawTarget> for Target {
    type Error = String;

    fn try_from(raw: RawTarget) -> Result<Self, Self::Error> {
        match (raw.target_page, raw.target_flow, raw.target_playbook) {
            (None, None, None) => Ok(Self::None),
            (Some(page), None, None) => Ok(match SpecialPage::from_name(&page) {
                Some(special) => Self::Special(special),
                None => Self::Page(page),
            }),
            (None, Some(flow), None) => Ok(Self::Flow(flow)),
            (None, None, Some(playbook)) => Ok(Self::Playbook(playbook)),
            _ => Err("at most one of targetPage, targetFlow and targetPlaybook may be set".into()),
        }
    }
}
