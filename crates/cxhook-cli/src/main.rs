//! `cxhook`: run a Dialogflow CX webhook server (`serve`, or `lambda` on AWS Lambda) and talk
//! to any webhook the way Dialogflow does: one call (`send`), the calls a server recorded
//! (`replay`), or multi-turn conversations (`scenario`); and run an exported CX agent
//! offline with its webhooks (`agent chat`, `agent test` for its own test cases, `agent
//! import-tests` to turn them into scenarios, and scenarios that name an agent), check it
//! against the webhook (`agent lint`) and measure what its scenarios cover (`agent coverage`);
//! and write the shipped message catalogs as a starting point for a business's own wording
//! (`messages export`).
//!
//! Exit codes: 0 when all went well, 1 when the webhook answered in a way Dialogflow would
//! not accept (or, for `scenario` and `agent coverage`, a turn failed; for `agent chat`, a
//! turn could not run to its end; for `agent test`, a test case failed; for `agent lint`, it
//! found something), 2 for usage, configuration, IO and network errors (and an agent
//! `agent lint` cannot load).

mod agent;
mod allocator;
mod app;
mod cli;
mod config;
mod db_copy;
mod json_path;
mod lambda;
mod memory;
mod messages;
mod migrate;
mod named;
mod platform;
mod record;
mod render;
mod replay;
mod request;
mod scenario;
mod security;
mod send;
mod serve;
mod target;
mod telemetry;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, DbCommand, MessagesCommand};
use crate::send::Outcome;

/// The exit code of a webhook that answered wrongly.
const WRONG_ANSWER: u8 = 1;

/// The exit code of usage, configuration, IO and network errors.
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let args = if lambda::is_bootstrap(&args) {
        vec![OsString::from("cxhook"), OsString::from("lambda")]
    } else {
        args
    };
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(FAILURE));
        }
    };
    let result = match &cli.command {
        Command::Serve(args) => serve::run(args).map(|()| ExitCode::SUCCESS),
        Command::Send(args) => send::run(args).map(|outcome| match outcome {
            Outcome::Accepted => ExitCode::SUCCESS,
            Outcome::Wrong => ExitCode::from(WRONG_ANSWER),
        }),
        Command::Lambda(args) => lambda::run(args).map(|()| ExitCode::SUCCESS),
        Command::Replay(args) => replay::run(args).map(|summary| match summary.failed {
            0 => ExitCode::SUCCESS,
            _ => ExitCode::from(WRONG_ANSWER),
        }),
        Command::Scenario(args) => scenario::run(args).map(|summary| match summary.failed {
            0 => ExitCode::SUCCESS,
            _ => ExitCode::from(WRONG_ANSWER),
        }),
        Command::Migrate(args) => migrate::run(args).map(|()| ExitCode::SUCCESS),
        Command::Db(DbCommand::Copy(args)) => db_copy::run(args).map(|()| ExitCode::SUCCESS),
        Command::Agent(command) => agent::run(command).map(|ok| match ok {
            true => ExitCode::SUCCESS,
            false => ExitCode::from(WRONG_ANSWER),
        }),
        Command::Messages(MessagesCommand::Export(args)) => {
            messages::export(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Memory(command) => memory::run(command).map(|()| ExitCode::SUCCESS),
    };
    // Whatever ended the command, the log lines still gathered are written before it exits.
    telemetry::flush();
    result.unwrap_or_else(|e| {
        eprintln!("cxhook: {e:#}");
        ExitCode::from(FAILURE)
    })
}
