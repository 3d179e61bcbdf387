//! `cxhook agent`: an exported Dialogflow CX agent run offline with cxhook-agent's runtime,
//! its webhooks answered by servers, canned answers or the configured webhook in-process.
//!
//! `chat` is the conversation in a terminal; `webhooks` answers the calls (agent-driven
//! scenarios use it too); `load` reads the agent and says what deserves a look; `lint` checks the agent against the
//! configured webhook before anything runs; `coverage` plays scenarios and reports what they
//! exercised.

pub(crate) mod chat;
pub(crate) mod coverage;
pub(crate) mod lint;
pub(crate) mod load;
pub(crate) mod tag_params;
pub(crate) mod webhooks;

use crate::cli::AgentCommand;

/// Runs `cxhook agent …`; whether every turn ran to its end.
pub(crate) fn run(command: &AgentCommand) -> anyhow::Result<bool> {
    match command {
        AgentCommand::Chat(args) => chat::run(args),
        AgentCommand::Lint(args) => lint::run(args),
        AgentCommand::Coverage(args) => coverage::run(args),
    }
}
