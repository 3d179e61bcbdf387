//! Resource names found in requests: sessions and pages.

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
        Ok(Self {
            name: name.to_owned(),
            agent_end,
            flow_end,
            page_start,
        })
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

    /// The page ID (a UUID, or a special page such as `START_PAGE` or `END_SESSION`).
    pub fn page_id(&self) -> &str {
        &self.name[self.page_start..]
    }
}

impl fmt::Display for PagePath {
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
        for bad in [
            "projects/p/locations/global/agents/a/flows/f",
            "projects/p/locations/global/agents/a/flows/f/pages/",
            "projects/p/locations/global/agents/a/flows/f/pages/x/extra",
            "projects/p/locations/global/agents/a/pages/x",
        ] {
            assert!(PagePath::parse(bad).is_err(), "{bad}");
        }
    }
}
