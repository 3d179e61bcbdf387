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
//!
//! A scenario that names an exported `agent:` is agent-driven (`agent_file` has its schema):
//! its turns give only what the user does, the agent's runtime decides the rest (pages,
//! parameters, which webhooks it calls with what), and the expectations are checked against
//! that. Its webhook calls are answered by the scenario's canned answers, by `--webhook
//! NAME=URL`, or by the webhook in-process (or at `--url`), in that order.

mod agent_expect;
mod agent_file;
mod agent_play;
pub(crate) mod coverage;
mod expect;
mod file;
mod play;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use cxhook_agent::Agent;

use self::agent_file::AgentScenario;
use self::agent_play::play_agent;
use self::coverage::Coverages;
use self::file::Scenario;
use self::play::{TurnResult, play};
use crate::agent::webhooks::AgentWebhooks;
use crate::cli::{Local, ScenarioArgs};
use crate::named::WebhookUrl;
use crate::target::Target;

/// How many scenarios passed and failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Summary {
    /// Scenarios all of whose turns passed.
    pub(crate) passed: usize,
    /// Scenarios with a failed turn.
    pub(crate) failed: usize,
}

/// A scenario as read: tag-driven, or agent-driven with its agent loaded.
enum Loaded {
    Tags(Scenario),
    Agent(Box<AgentScenario>, Box<Agent>),
}

impl Loaded {
    fn name(&self) -> Option<&str> {
        match self {
            Self::Tags(scenario) => scenario.name.as_deref(),
            Self::Agent(scenario, _) => scenario.name.as_deref(),
        }
    }
}

/// Reads the scenario at `path`: agent-driven when it names an `agent:`, whose export is
/// loaded here.
fn load(path: &Path, today: jiff::civil::Date) -> anyhow::Result<Loaded> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !agent_file::names_agent(&text) {
        return file::parse(&text, today)
            .map(Loaded::Tags)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    let scenario =
        agent_file::parse(&text, path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let agent =
        crate::agent::load::load(&scenario.agent).with_context(|| format!("{}", path.display()))?;
    agent_file::check_intents(&scenario, &agent)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(Loaded::Agent(Box::new(scenario), Box::new(agent)))
}

/// Reads every scenario (all must read before any runs), then plays them in order against
/// the URL or the configured webhook in-process (agent-driven ones with their webhooks
/// answered as `--webhook` and their canned answers say), printing as it goes. An error is a
/// usage, IO, YAML or network error.
pub(crate) fn run(args: &ScenarioArgs) -> anyhow::Result<Summary> {
    let mut coverages = Coverages::default();
    let mut stdout = std::io::stdout().lock();
    let summary = run_with(args, &mut stdout, &mut coverages)?;
    if let Some(file) = &args.coverage {
        coverages.write(file)?;
        for line in coverages.summary() {
            writeln!(stdout, "{line} (written to {})", file.display())?;
        }
    }
    Ok(summary)
}

/// Runs the scenarios of `args` as [`run`] does, writing the runner's lines to `out` and
/// counting what the agent-driven ones cover in `coverages`.
pub(crate) fn run_with(
    args: &ScenarioArgs,
    out: &mut impl Write,
    coverages: &mut Coverages,
) -> anyhow::Result<Summary> {
    let today = jiff::Zoned::now().date();
    let scenarios: Vec<(PathBuf, Loaded)> = args
        .files
        .iter()
        .map(|path| load(path, today).map(|scenario| (path.clone(), scenario)))
        .collect::<anyhow::Result<_>>()?;
    let agents: Vec<&Agent> = scenarios
        .iter()
        .filter_map(|(_, loaded)| match loaded {
            Loaded::Agent(_, agent) => Some(&**agent),
            Loaded::Tags(_) => None,
        })
        .collect();
    for webhook in &args.webhooks {
        if !agents.iter().any(|agent| has_webhook(agent, &webhook.name)) {
            bail!(
                "--webhook names `{}`, a webhook no agent of these scenarios has",
                webhook.name
            );
        }
    }
    let needs_target = scenarios.iter().any(|(_, loaded)| match loaded {
        Loaded::Tags(_) => true,
        Loaded::Agent(_, agent) => {
            args.url.is_some() || AgentWebhooks::needs_local(agent, &args.webhooks)
        }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let target = match needs_target {
            // Memory on, so that scenarios of returning users play in-process too.
            true => Some(Target::chosen(
                args.url.as_ref(),
                &Local {
                    memory: true,
                    ..args.local()
                },
                &args.target,
            )?),
            false => None,
        };
        let mut summary = Summary::default();
        let stdout = out;
        for (path, scenario) in &scenarios {
            let urls = &args.webhooks;
            if scenario_block(stdout, path, scenario, target.as_ref(), urls, coverages).await? {
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

/// Whether `agent` has a webhook of this display name.
fn has_webhook(agent: &Agent, name: &str) -> bool {
    agent.webhooks.values().any(|w| w.display_name == name)
}

/// Plays one scenario and prints its block; whether every turn passed.
async fn scenario_block(
    out: &mut impl Write,
    path: &Path,
    scenario: &Loaded,
    target: Option<&Target>,
    urls: &[WebhookUrl],
    coverages: &mut Coverages,
) -> anyhow::Result<bool> {
    let name = scenario.name().map_or_else(
        || {
            path.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        },
        str::to_owned,
    );
    writeln!(out, "scenario {name} ({})", path.display())?;
    let mut printed = Ok(());
    let each = |i: usize, result: &TurnResult| {
        if printed.is_ok() {
            printed = turn_lines(out, i + 1, result);
        }
    };
    let results = match scenario {
        Loaded::Tags(scenario) => {
            let target = target.context("no webhook to play against")?;
            play(scenario, target, each).await
        }
        Loaded::Agent(scenario, agent) => {
            let urls: Vec<WebhookUrl> = urls
                .iter()
                .filter(|url| has_webhook(agent, &url.name))
                .cloned()
                .collect();
            match AgentWebhooks::new(agent, &urls, target) {
                Ok(webhooks) => {
                    let coverage = coverages.of(&scenario.agent, agent);
                    play_agent(scenario, agent, &webhooks, coverage, each).await
                }
                Err(e) => Err(e),
            }
        }
    };
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
