//! Sessions that start elsewhere than the start page of the start flow, as a test case's
//! `testConfig.flow` and `testConfig.page` ask.
//!
//! The test-case reference says only that one of the two should be set, that the page wins
//! when both are, and that without either the conversation starts on the start page of the
//! default start flow. *Inferred:* the session starts *in* that flow, as if it were the start
//! flow (End Flow ends the session; there is no page to return to), and nothing runs before the
//! first turn: not the page's entry fulfillment, not its form's first prompt. Its form is set
//! up as on entry (defaults taken, parameters filled by what the session holds).

use super::engine::Runtime;
use super::session::{Frame, START_PAGE, Session};
use super::turn::TurnError;
use crate::model::Flow;

impl Runtime<'_> {
    /// A fresh session, as [`Runtime::session`] makes one, on `page` of `flow`: the flow's
    /// start page when `page` is `None` (or `Start Page`), the agent's start flow when `flow`
    /// is `None`. A page given without its flow is looked up in every flow; an error names a
    /// flow or page the agent lacks, or a page several flows have.
    pub fn session_at(&self, flow: Option<&str>, page: Option<&str>) -> Result<Session, TurnError> {
        let agent = self.agent;
        let named = |name: &str| {
            agent
                .flow(name)
                .ok_or_else(|| TurnError::Agent(format!("there is no flow `{name}`")))
        };
        let page = page.filter(|page| !page.is_empty() && *page != START_PAGE);
        let flow: &Flow = match (flow.filter(|flow| !flow.is_empty()), page) {
            (Some(flow), None) => named(flow)?,
            (None, None) => named(&agent.start_flow)?,
            (Some(flow), Some(page)) if named(flow)?.page(page).is_some() => named(flow)?,
            (_, Some(page)) => {
                let having: Vec<&Flow> = agent
                    .flows
                    .values()
                    .filter(|flow| flow.page(page).is_some())
                    .collect();
                match having.as_slice() {
                    [one] => one,
                    [] => return Err(TurnError::Agent(format!("no flow has a page `{page}`"))),
                    many => {
                        let names: Vec<&str> =
                            many.iter().map(|flow| flow.display_name.as_str()).collect();
                        return Err(TurnError::Agent(format!(
                            "the flows {} all have a page `{page}`: name the flow too",
                            names.join(", ")
                        )));
                    }
                }
            }
        };
        let mut session = self.session();
        session.stack[0] = Frame::start(&flow.display_name);
        if let Some(name) = page
            && let Some(page) = flow.page(name)
        {
            session.frame_mut().page = Some(page.display_name.clone());
            session.fill_form(&page.form.parameters);
        }
        Ok(session)
    }
}
