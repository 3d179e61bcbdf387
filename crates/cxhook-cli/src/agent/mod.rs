//! `cxhook agent`: an exported Dialogflow CX agent run offline with cxhook-agent's runtime,
//! its webhooks answered by servers, canned answers or the configured webhook in-process.
//!
//! `chat` is the conversation in a terminal; `webhooks` answers the calls (agent-driven
//! scenarios use it too); [`load`] reads the agent and says what deserves a look.

pub(crate) mod chat;
pub(crate) mod webhooks;

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use cxhook_agent::Agent;

use crate::cli::AgentCommand;

/// Runs `cxhook agent …`; whether every turn ran to its end.
pub(crate) fn run(command: &AgentCommand) -> anyhow::Result<bool> {
    match command {
        AgentCommand::Chat(args) => chat::run(args),
    }
}

/// Loads the agent exported at `path`, writing its warnings to stderr. A load error names the
/// file and the JSON path, and never a header value or password of the export.
pub(crate) fn load(path: &Path) -> anyhow::Result<Agent> {
    let loaded =
        Agent::load(path).map_err(|e| anyhow!("cannot load the agent {}: {e}", path.display()))?;
    let mut stderr = std::io::stderr().lock();
    for warning in &loaded.warnings {
        writeln!(stderr, "cxhook: warning: {warning}")?;
    }
    Ok(loaded.agent)
}
