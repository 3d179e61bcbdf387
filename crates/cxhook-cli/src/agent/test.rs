//! `cxhook agent test AGENT [CASE…]`: the agent's own test cases, run offline.
//!
//! Each case runs on a fresh session of the runtime (`cxhook_agent::test_case` has the rules
//! of the comparison), its webhook calls answered as `agent chat` answers them. Output reads
//! like a test runner's: a line per case, `ok` or `FAILED` and its display name, under a
//! failed one each difference (turn, field, kind, expected, got) or why it could not run, and
//! `N passed, N failed` last.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use cxhook_agent::load::{TestCaseFile, test_cases};
use cxhook_agent::runtime::Runtime;
use cxhook_agent::test_case::{CaseResult, run as run_case};

use super::junit::{self, Case};
use super::webhooks::{AgentWebhooks, LOCAL_TIMEOUT};
use crate::cli::TestArgs;
use crate::scenario::coverage::Coverages;
use crate::target::Target;

/// Runs the test cases `args` picks; whether every one passed. An error is an agent or test
/// case that cannot be read, a CASE no test case has, or webhooks that cannot be set up.
pub(crate) fn run(args: &TestArgs) -> anyhow::Result<bool> {
    let agent = super::load::load(&args.agent)?;
    let cases = test_cases(&args.agent).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the test cases of {}: {e}",
            args.agent.display()
        )
    })?;
    let cases = pick(cases, &args.cases)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut coverages = Coverages::default();
    let coverage = coverages.of(&args.agent, &agent);
    let results = runtime.block_on(async {
        let local = match AgentWebhooks::needs_local(&agent, &args.webhooks) {
            true => Some(Target::in_process(&args.local(), LOCAL_TIMEOUT)?),
            false => None,
        };
        let webhooks = AgentWebhooks::new(&agent, &args.webhooks, local.as_ref())?;
        let mut engine = Runtime::new(&agent, &webhooks);
        for generator in &args.generators {
            engine = engine.generator(generator.name.clone(), generator.text.clone());
        }
        let mut out = std::io::stdout().lock();
        let mut results = Vec::new();
        for file in &cases {
            let started = Instant::now();
            let result = run_case(&engine, &file.case, Some(&mut *coverage)).await;
            let time = started.elapsed();
            print_case(&mut out, &file.case.display_name, &result)?;
            results.push((file, result, time));
        }
        anyhow::Ok(results)
    })?;
    let failed = results.iter().filter(|(_, r, _)| !r.passed()).count();
    println!("{} passed, {failed} failed", results.len() - failed);
    if let Some(path) = &args.junit {
        let cases: Vec<Case<'_>> = results
            .iter()
            .map(
                |(file, result, time): &(&TestCaseFile, CaseResult, Duration)| Case {
                    name: &file.case.display_name,
                    file: &file.file,
                    result,
                    time: *time,
                },
            )
            .collect();
        let xml = junit::render(&agent.display_name, &cases);
        std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(file) = &args.coverage {
        coverages.write(file)?;
        for line in coverages.summary() {
            println!("{line} (written to {})", file.display());
        }
    }
    Ok(failed == 0)
}

/// The test cases named in `names` (all of them when none is), in file order; an error when
/// the agent has none, or a name matches none.
fn pick(cases: Vec<TestCaseFile>, names: &[String]) -> anyhow::Result<Vec<TestCaseFile>> {
    if cases.is_empty() {
        bail!("the agent has no test cases (testCases/*.json)");
    }
    if let Some(missing) = names
        .iter()
        .find(|name| !cases.iter().any(|file| file.case.display_name == **name))
    {
        let known: Vec<&str> = cases
            .iter()
            .map(|file| file.case.display_name.as_str())
            .collect();
        bail!(
            "the agent has no test case `{missing}`; it has: {}",
            known.join(", ")
        );
    }
    Ok(cases
        .into_iter()
        .filter(|file| names.is_empty() || names.contains(&file.case.display_name))
        .collect())
}

/// `ok     NAME`, or `FAILED NAME` and what went wrong, a line each.
fn print_case(out: &mut impl Write, name: &str, result: &CaseResult) -> std::io::Result<()> {
    match result.passed() {
        true => writeln!(out, "ok     {name}"),
        false => {
            writeln!(out, "FAILED {name}")?;
            for difference in &result.differences {
                writeln!(out, "  {difference}")?;
            }
            if let Some(error) = &result.error {
                writeln!(out, "  could not run: {error}")?;
            }
            Ok(())
        }
    }
}
