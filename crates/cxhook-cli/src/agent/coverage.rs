//! `cxhook agent coverage AGENT SCENARIO…`: the scenarios played as `cxhook scenario` plays
//! them (their lines on stderr), then which parts of the agent they exercised on stdout, as a
//! table or `--json`.

use std::io::Write;

use anyhow::bail;

use crate::cli::CoverageArgs;
use crate::scenario::coverage::{Coverages, agent_key, report_json};
use crate::scenario::run_with;

/// Runs `cxhook agent coverage`; whether every scenario passed. A scenario that names
/// another agent, or none, is an error.
pub(crate) fn run(args: &CoverageArgs) -> anyhow::Result<bool> {
    let mut coverages = Coverages::default();
    let summary = run_with(
        &args.scenarios,
        &mut std::io::stderr().lock(),
        &mut coverages,
    )?;
    let agent = agent_key(&args.agent);
    if let Some(other) = coverages.agents().find(|named| *named != agent) {
        bail!(
            "a scenario names the agent {}, not {}",
            other.display(),
            args.agent.display()
        );
    }
    let Some(coverage) = coverages.get(&args.agent) else {
        bail!(
            "no agent-driven scenario names the agent {}",
            args.agent.display()
        );
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let report = report_json(&agent, coverage);
        writeln!(out, "{report:#}")?;
    } else {
        write!(out, "{}", coverage.report())?;
    }
    out.flush()?;
    Ok(summary.failed == 0)
}
