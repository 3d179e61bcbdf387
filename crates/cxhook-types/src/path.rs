//! The CX resource-name grammar: sessions, flows and pages.
//!
//! Each name is parsed once into its text and the byte offsets of its parts, so reading a
//! part is a slice and printing a name gives back exactly the text that was parsed. A name
//! built from parts (a page of a flow, a flow of an agent) is parsed like any other, so a
//! value that would not survive the round trip, such as an empty or slashed ID, is refused
//! where it is built rather than sent to Dialogflow.

use std::fmt;

/// A resource name that does not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a {kind} name ({expected})")]
pub struct PathError {
    name: String,
    kind: &'static str,
    expected: &'static str,
}

/// A session name:
/// `projects/<P>/locations/<L>/agents/<A>[/environments/<E>]/sessions/<S>`.
///
/// The session ID is everything after `sessions/`: integrations put colons and other
/// characters in it (`dfMessenger-58641064:detectIntent`), so it is not checked further.
///
/// ```
/// use cxhook_types::SessionPath;
///
/// let path: SessionPath = "projects/p/locations/global/agents/a/environments/-/sessions/s-1".parse()?;
/// assert_eq!(path.agent(), "a");
/// assert_eq!(path.environment(), Some("-"));
/// assert_eq!(path.session_id(), "s-1");
/// assert_eq!(path.agent_name(), "projects/p/locations/global/agents/a");
/// # Ok::<(), cxhook_types::PathError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionPath {
    name: String,
    project: (usize, usize),
    location: (usize, usize),
    agent: (usize, usize),
    environment: Option<(usize, usize)>,
    session: (usize, usize),
}

impl SessionPath {
    /// Parses a session name.
    pub fn parse(name: &str) -> Result<Self, PathError> {
        let error = || PathError {
            name: name.to_owned(),
            kind: "session",
            expected: "projects/<P>/locations/<L>/agents/<A>[/environments/<E>]/sessions/<S>",
        };
        let mut segments = Segments::new(name);
        let project = segments.labelled("projects").ok_or_else(error)?;
        let location = segments.labelled("locations").ok_or_else(error)?;
        let agent = segments.labelled("agents").ok_or_else(error)?;
        let environment = match segments.peek_label() {
            Some("environments") => Some(segments.labelled("environments").ok_or_else(error)?),
            _ => None,
        };
        let session = segments.rest("sessions").ok_or_else(error)?;
        Ok(Self {
            name: name.to_owned(),
            project,
            location,
            agent,
            environment,
            session,
        })
    }

    /// The whole name, as parsed.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The project ID.
    pub fn project(&self) -> &str {
        self.slice(self.project)
    }

    /// The location (`global`, `us-central1`, …).
    pub fn location(&self) -> &str {
        self.slice(self.location)
    }

    /// The agent ID.
    pub fn agent(&self) -> &str {
        self.slice(self.agent)
    }

    /// The environment ID, when the session runs in one (`-` is the draft environment).
    pub fn environment(&self) -> Option<&str> {
        self.environment.map(|range| self.slice(range))
    }

    /// The session ID.
    pub fn session_id(&self) -> &str {
        self.slice(self.session)
    }

    /// The agent's resource name, `projects/<P>/locations/<L>/agents/<A>`.
    pub fn agent_name(&self) -> &str {
        &self.name[..self.agent.1]
    }

    fn slice(&self, (start, end): (usize, usize)) -> &str {
        &self.name[start..end]
    }
}

impl std::str::FromStr for SessionPath {
    type Err = PathError;

    fn from_str(s: &str) -> Result<Self, PathError> {
        Self::parse(s)
    }
}

impl fmt::Display for SessionPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A page name: `projects/<P>/locations/<L>/agents/<A>/flows/<F>/pages/<Page>`.
///
/// ```
/// use cxhook_types::PagePath;
///
/// let page = PagePath::parse("projects/p/locations/global/agents/a/flows/f/pages/START_PAGE")?;
/// assert_eq!(page.flow_name(), "projects/p/locations/global/agents/a/flows/f");
/// assert_eq!(page.agent_name(), "projects/p/locations/global/agents/a");
/// assert_eq!(page.page_id(), "START_PAGE");
/// # Ok::<(), cxhook_types::PathError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PagePath {
    name: String,
    agent_end: usize,
    flow_end: usize,
    page_start: usize,
}

impl PagePath {
    /// Parses a page name.
    pub fn parse(name: &str) -> Result<Self, PathError> {
        let (agent_end, flow_end, page_start) = Self::locate(name)?;
        Ok(Self {
            name: name.to_owned(),
            agent_end,
            flow_end,
            page_start,
        })
    }

    /// The flow's name and the page ID of a page name, borrowed from it: for a caller that
    /// keeps the name as text and reads its parts now and then.
    ///
    /// ```
    /// use cxhook_types::PagePath;
    ///
    /// let (flow, page) = PagePath::split("projects/p/locations/l/agents/a/flows/f/pages/END_SESSION")?;
    /// assert_eq!((flow, page), ("projects/p/locations/l/agents/a/flows/f", "END_SESSION"));
    /// # Ok::<(), cxhook_types::PathError>(())
    /// ```
    pub fn split(name: &str) -> Result<(&str, &str), PathError> {
        let (_, flow_end, page_start) = Self::locate(name)?;
        Ok((&name[..flow_end], &name[page_start..]))
    }

    /// The ends of the agent and the flow and the start of the page ID in a page name.
    fn locate(name: &str) -> Result<(usize, usize, usize), PathError> {
        let error = || PathError {
            name: name.to_owned(),
            kind: "page",
            expected: "projects/<P>/locations/<L>/agents/<A>/flows/<F>/pages/<Page>",
        };
        let mut segments = Segments::new(name);
        segments.labelled("projects").ok_or_else(error)?;
        segments.labelled("locations").ok_or_else(error)?;
        let (_, agent_end) = segments.labelled("agents").ok_or_else(error)?;
        let (_, flow_end) = segments.labelled("flows").ok_or_else(error)?;
        let (page_start, _) = segments.labelled("pages").ok_or_else(error)?;
        if !segments.is_done() {
            return Err(error());
        }
        Ok((agent_end, flow_end, page_start))
    }

    /// The whole name, as parsed.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The agent's resource name, `projects/<P>/locations/<L>/agents/<A>`.
    pub fn agent_name(&self) -> &str {
        &self.name[..self.agent_end]
    }

    /// The flow's resource name, `projects/<P>/locations/<L>/agents/<A>/flows/<F>`.
    pub fn flow_name(&self) -> &str {
        &self.name[..self.flow_end]
    }

    /// The page's flow.
    pub fn flow(&self) -> FlowPath {
        FlowPath {
            name: self.flow_name().to_owned(),
            agent_end: self.agent_end,
            flow_start: self.agent_end + "/flows/".len(),
        }
    }

    /// The page ID (a UUID, or a special page such as `START_PAGE` or `END_SESSION`).
    pub fn page_id(&self) -> &str {
        &self.name[self.page_start..]
    }

    /// The whole name, as parsed.
    pub fn into_string(self) -> String {
        self.name
    }
}

impl std::str::FromStr for PagePath {
    type Err = PathError;

    fn from_str(s: &str) -> Result<Self, PathError> {
        Self::parse(s)
    }
}

impl fmt::Display for PagePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A flow name: `projects/<P>/locations/<L>/agents/<A>/flows/<F>`.
///
/// Flows belong to the agent, not to an environment: a session in an environment
/// (`…/agents/<A>/environments/<E>/sessions/<S>`) moves between the flows of
/// `…/agents/<A>`, and a flow name with an environment in it is refused.
///
/// ```
/// use cxhook_types::{FlowPath, SessionPath};
///
/// let flow: FlowPath = "projects/p/locations/global/agents/a/flows/billing".parse()?;
/// assert_eq!(flow.agent_name(), "projects/p/locations/global/agents/a");
/// assert_eq!(flow.flow_id(), "billing");
/// assert_eq!(
///     flow.start_page().as_str(),
///     "projects/p/locations/global/agents/a/flows/billing/pages/START_PAGE"
/// );
///
/// let session = SessionPath::parse("projects/p/locations/global/agents/a/environments/prod/sessions/s")?;
/// assert_eq!(FlowPath::of_agent(session.agent_name(), "billing")?, flow);
/// # Ok::<(), cxhook_types::PathError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlowPath {
    name: String,
    agent_end: usize,
    flow_start: usize,
}

impl FlowPath {
    /// Parses a flow name.
    pub fn parse(name: &str) -> Result<Self, PathError> {
        let error = || PathError {
            name: name.to_owned(),
            kind: "flow",
            expected: "projects/<P>/locations/<L>/agents/<A>/flows/<F>",
        };
        let mut segments = Segments::new(name);
        segments.labelled("projects").ok_or_else(error)?;
        segments.labelled("locations").ok_or_else(error)?;
        let (_, agent_end) = segments.labelled("agents").ok_or_else(error)?;
        let (flow_start, _) = segments.labelled("flows").ok_or_else(error)?;
        if !segments.is_done() {
            return Err(error());
        }
        Ok(Self {
            name: name.to_owned(),
            agent_end,
            flow_start,
        })
    }

    /// The flow `flow_id` of the agent named `agent_name`
    /// (`projects/<P>/locations/<L>/agents/<A>`); an error when either is malformed.
    pub fn of_agent(agent_name: &str, flow_id: &str) -> Result<Self, PathError> {
        Self::parse(&format!("{agent_name}/flows/{flow_id}"))
    }

    /// The whole name, as parsed.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The agent's resource name, `projects/<P>/locations/<L>/agents/<A>`.
    pub fn agent_name(&self) -> &str {
        &self.name[..self.agent_end]
    }

    /// The flow ID (a UUID; the default start flow's is `00000000-0000-0000-0000-000000000000`).
    pub fn flow_id(&self) -> &str {
        &self.name[self.flow_start..]
    }

    /// The page `page_id` of this flow; an error when the ID is empty or has a `/`.
    pub fn page(&self, page_id: &str) -> Result<PagePath, PathError> {
        PagePath::parse(&format!("{}/pages/{page_id}", self.name))
    }

    /// The flow's start page, `…/flows/<F>/pages/START_PAGE`.
    pub fn start_page(&self) -> PagePath {
        let page_start = self.name.len() + "/pages/".len();
        PagePath {
            name: format!("{}/pages/START_PAGE", self.name),
            agent_end: self.agent_end,
            flow_end: self.name.len(),
            page_start,
        }
    }

    /// The whole name, as parsed.
    pub fn into_string(self) -> String {
        self.name
    }
}

impl std::str::FromStr for FlowPath {
    type Err = PathError;

    fn from_str(s: &str) -> Result<Self, PathError> {
        Self::parse(s)
    }
}

impl fmt::Display for FlowPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Walks `label/value` pairs of a resource name, tracking byte offsets.
struct Segments<'a> {
    name: &'a str,
    pos: usize,
    last_end: usize,
}

impl<'a> Segments<'a> {
    fn new(name: &'a str) -> Self {
        Self {
            name,
            pos: 0,
            last_end: 0,
        }
    }

    fn peek_label(&self) -> Option<&'a str> {
        self.name[self.pos..].split('/').next()
    }

    /// Reads `label/<value>/` and returns the value's byte range; the value must be non-empty.
    fn labelled(&mut self, label: &str) -> Option<(usize, usize)> {
        let rest = self.name[self.pos..]
            .strip_prefix(label)?
            .strip_prefix('/')?;
        let start = self.name.len() - rest.len();
        let len = rest.find('/').unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        let end = start + len;
        self.pos = (end + 1).min(self.name.len());
        self.last_end = end;
        Some((start, end))
    }

    /// Reads `label/<everything else>`, which must be non-empty.
    fn rest(&mut self, label: &str) -> Option<(usize, usize)> {
        let rest = self.name[self.pos..]
            .strip_prefix(label)?
            .strip_prefix('/')?;
        if rest.is_empty() {
            return None;
        }
        self.pos = self.name.len();
        Some((self.name.len() - rest.len(), self.name.len()))
    }

    /// Whether the segment read last ends the name.
    fn is_done(&self) -> bool {
        self.last_end == self.name.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_without_environment() {
        let p = SessionPath::parse(
            "projects/p1/locations/us-east1/agents/a-1/sessions/dfMessenger-58641064:detectIntent",
        )
        .unwrap();
        assert_eq!(p.project(), "p1");
        assert_eq!(p.location(), "us-east1");
        assert_eq!(p.agent(), "a-1");
        assert_eq!(p.environment(), None);
        assert_eq!(p.session_id(), "dfMessenger-58641064:detectIntent");
        assert_eq!(p.to_string(), p.as_str());
    }

    #[test]
    fn session_with_environment() {
        let p: SessionPath = "projects/p/locations/global/agents/a/environments/prod/sessions/abc"
            .parse()
            .unwrap();
        assert_eq!(p.environment(), Some("prod"));
        assert_eq!(p.session_id(), "abc");
        assert_eq!(p.agent_name(), "projects/p/locations/global/agents/a");
    }

    #[test]
    fn bad_session_names() {
        for bad in [
            "",
            "sessions/s",
            "projects/p/locations/l/agents/a",
            "projects/p/locations/l/agents/a/sessions/",
            "projects//locations/l/agents/a/sessions/s",
            "projects/p/locations/l/agents/a/environments/e/users/u/sessions/s",
            "projects/p/agent/sessions/s",
        ] {
            let err = SessionPath::parse(bad).unwrap_err();
            assert!(
                err.to_string().contains("is not a session name"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn pages() {
        let page = PagePath::parse(
            "projects/p/locations/global/agents/a/flows/00000000-0000-0000-0000-000000000000/pages/END_SESSION",
        )
        .unwrap();
        assert_eq!(page.page_id(), "END_SESSION");
        assert!(
            page.flow_name()
                .ends_with("/flows/00000000-0000-0000-0000-000000000000")
        );
        let (flow, id) = PagePath::split(page.as_str()).unwrap();
        assert_eq!((flow, id), (page.flow_name(), page.page_id()));
        assert_eq!(page.flow().as_str(), page.flow_name());
        assert_eq!(
            page.flow().start_page(),
            page.flow().page("START_PAGE").unwrap()
        );
        assert_eq!(page.clone().into_string(), page.to_string());
        for bad in [
            "projects/p/locations/global/agents/a/flows/f",
            "projects/p/locations/global/agents/a/flows/f/pages/",
            "projects/p/locations/global/agents/a/flows/f/pages/x/extra",
            "projects/p/locations/global/agents/a/pages/x",
        ] {
            assert!(PagePath::parse(bad).is_err(), "{bad}");
            assert!(PagePath::split(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flow_round_trip() {
        let name =
            "projects/p-1/locations/us-east1/agents/a-1/flows/00000000-0000-0000-0000-000000000000";
        let flow: FlowPath = name.parse().unwrap();
        assert_eq!(flow.as_str(), name);
        assert_eq!(flow.to_string(), name);
        assert_eq!(
            flow.agent_name(),
            "projects/p-1/locations/us-east1/agents/a-1"
        );
        assert_eq!(flow.flow_id(), "00000000-0000-0000-0000-000000000000");
        assert_eq!(FlowPath::parse(&flow.to_string()).unwrap(), flow);
        assert_eq!(
            FlowPath::of_agent(flow.agent_name(), flow.flow_id()).unwrap(),
            flow
        );

        let page = flow.page("confirm").unwrap();
        assert_eq!(page.as_str(), format!("{name}/pages/confirm"));
        assert_eq!(page.page_id(), "confirm");
        assert_eq!(page.flow(), flow);
        assert_eq!(page.agent_name(), flow.agent_name());
        assert_eq!(
            flow.start_page(),
            PagePath::parse(&format!("{name}/pages/START_PAGE")).unwrap()
        );
        assert_eq!(flow.clone().into_string(), name);
    }

    #[test]
    fn flows_of_a_session_in_an_environment_are_the_agents() {
        let session = SessionPath::parse(
            "projects/p/locations/global/agents/a/environments/prod/sessions/s-1",
        )
        .unwrap();
        let flow = FlowPath::of_agent(session.agent_name(), "billing").unwrap();
        assert_eq!(
            flow.as_str(),
            "projects/p/locations/global/agents/a/flows/billing"
        );
        let err =
            FlowPath::parse("projects/p/locations/global/agents/a/environments/prod/flows/billing")
                .unwrap_err();
        assert!(err.to_string().contains("is not a flow name"), "{err}");
    }

    #[test]
    fn bad_flow_names() {
        for bad in [
            "",
            "flows/f",
            "projects/p/locations/l/agents/a",
            "projects/p/locations/l/agents/a/flows",
            "projects/p/locations/l/agents/a/flows/",
            "projects/p/locations/l/agents/a/flows/f/",
            "projects/p/locations/l/agents/a/flows/f/pages/x",
            "/projects/p/locations/l/agents/a/flows/f",
            "projects//locations/l/agents/a/flows/f",
            "projects/p/locations/l/agent/a/flows/f",
        ] {
            let err = FlowPath::parse(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "`{bad}` is not a flow name (projects/<P>/locations/<L>/agents/<A>/flows/<F>)"
                )
            );
        }
        let flow = FlowPath::parse("projects/p/locations/l/agents/a/flows/f").unwrap();
        for bad_id in ["", "a/b"] {
            assert!(flow.page(bad_id).is_err(), "{bad_id:?}");
            assert!(
                FlowPath::of_agent(flow.agent_name(), bad_id).is_err(),
                "{bad_id:?}"
            );
        }
        assert!(FlowPath::of_agent("projects/p", "f").is_err());
    }
}
