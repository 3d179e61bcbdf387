//! Where a route or an event handler goes: a page, a flow, a special page, or nowhere.
//!
//! The export writes `targetPage` and `targetFlow` as two optional display names, at most one
//! set; the special pages are page names ("End Session", …) with no file of their own. The model
//! turns that into one [`Target`] so the turn engine matches on it instead of on strings.

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

/// The pages every flow has without a file: `targetPage` values CX resolves itself. Exports
/// spell the first five by display name (dfcx-scrapi `flows.py` `special_pages`) and the
/// three "End Flow With …" by page ID (`END_FLOW_WITH_FAILURE` in Google's Address
/// Collection component); both spellings are read for all eight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialPage {
    /// "End Session": the conversation ends.
    EndSession,
    /// "End Flow": back to the page that started this flow.
    EndFlow,
    /// "End Flow With Cancellation": ends the flow, marked cancelled.
    EndFlowWithCancellation,
    /// "End Flow With Failure": ends the flow, marked failed.
    EndFlowWithFailure,
    /// "End Flow With Human Escalation": ends the flow, marked for a human agent.
    EndFlowWithHumanEscalation,
    /// "Current Page": the page is entered again (its entry fulfillment runs).
    CurrentPage,
    /// "Previous Page": back to the page before this one.
    PreviousPage,
    /// "Start Page": the flow's start page.
    StartPage,
}

impl SpecialPage {
    /// Every special page.
    pub const ALL: [Self; 8] = [
        Self::EndSession,
        Self::EndFlow,
        Self::EndFlowWithCancellation,
        Self::EndFlowWithFailure,
        Self::EndFlowWithHumanEscalation,
        Self::CurrentPage,
        Self::PreviousPage,
        Self::StartPage,
    ];

    /// The special page with this display name or page ID, if it is one (case-sensitive,
    /// as CX).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|page| page.name() == name || page.id() == name)
    }

    /// The display name (`End Session`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::EndSession => "End Session",
            Self::EndFlow => "End Flow",
            Self::EndFlowWithCancellation => "End Flow With Cancellation",
            Self::EndFlowWithFailure => "End Flow With Failure",
            Self::EndFlowWithHumanEscalation => "End Flow With Human Escalation",
            Self::CurrentPage => "Current Page",
            Self::PreviousPage => "Previous Page",
            Self::StartPage => "Start Page",
        }
    }

    /// The page ID, the last segment of its resource name (`END_SESSION`).
    pub const fn id(self) -> &'static str {
        match self {
            Self::EndSession => "END_SESSION",
            Self::EndFlow => "END_FLOW",
            Self::EndFlowWithCancellation => "END_FLOW_WITH_CANCELLATION",
            Self::EndFlowWithFailure => "END_FLOW_WITH_FAILURE",
            Self::EndFlowWithHumanEscalation => "END_FLOW_WITH_HUMAN_ESCALATION",
            Self::CurrentPage => "CURRENT_PAGE",
            Self::PreviousPage => "PREVIOUS_PAGE",
            Self::StartPage => "START_PAGE",
        }
    }
}

impl Target {
    /// The target of a handler from the export's three optional fields, at most one set.
    pub(crate) fn from_fields(
        page: Option<String>,
        flow: Option<String>,
        playbook: Option<String>,
    ) -> Result<Self, String> {
        match (page, flow, playbook) {
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
