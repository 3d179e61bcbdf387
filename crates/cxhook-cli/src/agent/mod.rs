//! `cxhook agent`: an exported Dialogflow CX agent run offline with cxhook-agent's runtime,
//! its webhooks answered by servers, canned answers or the configured webhook in-process.
//!
//! `chat` is the conversation in a terminal; `test` runs the agent's own test cases (`junit`
//! writes their results for CI) and `import` turns them into scenario files; `lint` checks the
//! agent against the configured webhook before anything runs; `coverage` plays scenarios and
//! reports what they exercised; `webhooks` answers the calls (agent-driven scenarios use it
//! too); `load` reads the agent and says what deserves a look.

pub(crate) mod chat;
pub(crate) mod coverage;
pub(crate) mod import;
pub(crate) mod junit;
pub(crate) mod lint;
pub(crate) mod load;
pub(crate) mod tag_params;
pub(crate) mod test;
pub(crate) mod webhooks;

use crate::cli::AgentCommand;

/// Runs `cxhook agent …`; whether every turn ran to its end.
pub(crate) fn run(command: &AgentCommand) -> anyhow::Result<bool> {
    match command {
        AgentCommand::Chat(args) => chat::run(args),
        AgentCommand::Test(args) => test::run(args),
        AgentCommand::ImportTests(args) => import::run(args).map(|()| true),
        AgentCommand::Lint(args) => lint::run(args),
        AgentCommand::Coverage(args) => coverage::run(args),
    }
}
