//! `cxhook scenario FILE…`: offline multi-turn conversations. Each file is a YAML scenario
//! of turns; between turns the session changes as Dialogflow CX changes it
//! ([`cxhook_sim::Conversation`]), each reply is judged as Dialogflow would judge it, and
//! each turn's expectations are checked. Output reads like a test runner's: one block per
//! scenario, a line per turn, and `N passed, N failed` last.
//!
//! ```yaml
//! name: book a haircut
//! session: {params: {user_id: u-1001}, page: Book, form: {service: EMPTY, date: EMPTY, time: EMPTY}}
//! dates: {monday: next monday}
//! turns:
//!   - tag: booking.validate
//!     text: a haircut next monday at 10
//!     params: {service: haircut, date: "${monday}", time: "10:00"}
//!     expect:
//!       text_contains: "${monday.weekday}"
//!       form: {time: FILLED}
//! ```

mod expect;
mod file;
mod play;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use self::file::Scenario;
use self::play::{TurnResult, play};
use crate::cli::ScenarioArgs;
use crate::target::Target;

/// How many scenarios passed and failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Summary {
    /// Scenarios all of whose turns passed.
    pub(crate) passed: usize,
    /// Scenarios with a failed turn.
    pub(crate) failed: usize,
}

/// Reads every scenario (all must read before any runs), then plays them in order against
/// the URL or the configured webhook in-process, printing as it goes. An error is a usage,
/// IO, YAML or network error.
pub(crate) fn run(args: &ScenarioArgs) -> anyhow::Result<Summary> {
    let today = jiff::Zoned::now().date();
    let scenarios: Vec<(PathBuf, Scenario)> = args
        .files
        .iter()
        .map(|path| file::load(path, today).map(|scenario| (path.clone(), scenario)))
        .collect::<anyhow::Result<_>>()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let target = Target::chosen(args.url.as_ref(), &args.local(), &args.target)?;
        let mut summary = Summary::default();
        let mut stdout = std::io::stdout().lock();
        for (path, scenario) in &scenarios {
            if scenario_block(&mut stdout, path, scenario, &target).await? {
                summary.passed += 1;
            } else {
                summary.failed += 1;
            }
        }
        writeln!(
            stdout,
            "{} passed, {} failed",
            summary.passed, summary.failed
        )?;
        stdout.flush()?;
        Ok(summary)
    })
}

/// Plays one scenario and prints its block; whether every turn passed.
async fn scenario_block(
    out: &mut impl Write,
    path: &Path,
    scenario: &Scenario,
    target: &Target,
) -> anyhow::Result<bool> {
    let name = scenario.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    });
    writeln!(out, "scenario {name} ({})", path.display())?;
    let mut printed = Ok(());
    let results = play(scenario, target, |i, result| {
        if printed.is_ok() {
            printed = turn_lines(out, i + 1, result);
        }
    })
    .await;
    printed?;
    let results = results.with_context(|| format!("scenario {name} ({})", path.display()))?;
    let failed = results.iter().filter(|r| !r.failures.is_empty()).count();
    if failed == 0 {
        writeln!(out, "  ok: {} turns\n", results.len())?;
    } else {
        writeln!(out, "  FAILED: {failed} of {} turns\n", results.len())?;
    }
    out.flush()?;
    Ok(failed == 0)
}

/// `  turn 3 booking.create … ok`, or `… FAILED: why`, with each further reason on its own
/// line.
fn turn_lines(out: &mut impl Write, number: usize, result: &TurnResult) -> std::io::Result<()> {
    let head = format!("  turn {number} {} …", result.tag);
    match result.failures.as_slice() {
        [] => writeln!(out, "{head} ok"),
        [first, rest @ ..] => {
            writeln!(out, "{head} FAILED: {first}")?;
            for reason in rest {
                writeln!(out, "      and: {reason}")?;
            }
            Ok(())
        }
    }
}
