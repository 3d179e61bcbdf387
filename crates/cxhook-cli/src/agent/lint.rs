//! `cxhook agent lint AGENT`: the agent and the webhook checked against each other before
//! anything runs.
//!
//! The agent-only rules are cxhook-agent's (`cxhook_agent::lint`); this command adds what
//! only the CLI knows, the webhook `cxhook serve` would run with `--config`: the tags its
//! router serves, its deadline (`deadline.timeout_ms`), and what the built-in integrations'
//! tags read (the `tag_params` table). Output is a line per finding, or `--json`; the exit
//! code is 0 with no finding, 1 with findings, 2 when the agent does not load (the load error
//! is then the one finding printed).

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, bail};
use cxhook_agent::Agent;
use cxhook_agent::lint::{Finding, Served, Severity, lint};
use serde_json::json;

use super::tag_params::tag_params;
use crate::cli::{LintArgs, Local};
use crate::config::Config;
use crate::target::Target;

/// Runs `cxhook agent lint`; whether the agent is clean. An agent that does not load is an
/// error, after its finding is printed.
pub(crate) fn run(args: &LintArgs) -> anyhow::Result<bool> {
    let loaded = match Agent::load(&args.agent) {
        Ok(loaded) => loaded,
        Err(e) => {
            print(args, &[Finding::from_load_error(&e)], false)?;
            bail!("cannot load the agent {}", args.agent.display());
        }
    };
    let served = served(args)?;
    let findings = lint(&loaded, Some(&served));
    print(args, &findings, true)?;
    Ok(findings.is_empty())
}

/// What the configured webhook serves: its router's tags, its deadline, what its tags read.
fn served(args: &LintArgs) -> anyhow::Result<Served> {
    let local = Local {
        config: args.config.as_deref(),
        database: None,
        memory: false,
    };
    let config = Config::resolve(local.config, None).context("config error")?;
    let target = Target::in_process(&local, Duration::from_secs(60))?;
    Ok(Served {
        tags: target.tags().unwrap_or_default().iter().cloned().collect(),
        deadline: config.deadline.timeout,
        reads: tag_params(&config),
    })
}

/// Prints the findings, as lines and a summary or as one JSON document.
fn print(args: &LintArgs, findings: &[Finding], loaded: bool) -> anyhow::Result<()> {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let mut out = std::io::stdout().lock();
    if args.json {
        let document = json!({
            "agent": args.agent.display().to_string(),
            "loaded": loaded,
            "findings": findings,
            "errors": errors,
            "warnings": warnings,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&document)?)?;
    } else {
        for finding in findings {
            writeln!(out, "{finding}")?;
        }
        match findings.len() {
            0 => writeln!(out, "{}: no findings", args.agent.display())?,
            _ => writeln!(
                out,
                "{}, {}",
                counted(errors, "error"),
                counted(warnings, "warning")
            )?,
        }
    }
    out.flush()?;
    Ok(())
}

/// `1 error`, `2 errors`.
fn counted(count: usize, what: &str) -> String {
    match count {
        1 => format!("1 {what}"),
        _ => format!("{count} {what}s"),
    }
}
