//! Playing one agent-driven scenario: each turn's input run through the agent's runtime, its
//! webhook calls answered by canned answers, `--webhook` URLs or the in-process webhook, and
//! what the runtime decided checked against the turn's expectations.

use anyhow::anyhow;
use cxhook_agent::Agent;
use cxhook_agent::coverage::Coverage;
use cxhook_agent::runtime::{Runtime, Turn};

use super::agent_expect::mismatches;
use super::agent_file::{AgentScenario, AgentTurn, canned};
use super::play::TurnResult;
use crate::agent::webhooks::AgentWebhooks;

/// Plays `scenario` on `agent`, calling `each` with every turn's result as it comes and
/// counting what each turn covers in `coverage`. An error
/// is a scenario that cannot be played (canned answers for a webhook the agent lacks).
pub(crate) async fn play_agent(
    scenario: &AgentScenario,
    agent: &Agent,
    webhooks: &AgentWebhooks<'_>,
    coverage: &mut Coverage,
    mut each: impl FnMut(usize, &TurnResult),
) -> anyhow::Result<Vec<TurnResult>> {
    webhooks.set_scenario_answers(agent, &canned(&scenario.webhooks))?;
    let mut engine = Runtime::new(agent, webhooks);
    if let Some(today) = &scenario.today {
        let today = today
            .parse()
            .map_err(|_| anyhow!("today: `{today}` is not a date YYYY-MM-DD"))?;
        engine = engine.today(today);
    }
    for (name, text) in &scenario.generators {
        engine = engine.generator(name.clone(), text.clone());
    }
    let start = &scenario.session;
    let mut session = match (&start.flow, &start.page) {
        (None, None) => engine.session(),
        (flow, page) => engine
            .session_at(flow.as_deref(), page.as_deref())
            .map_err(|e| anyhow!("session: {e}"))?,
    };
    let mut results = Vec::new();
    for (i, step) in scenario.turns.iter().enumerate() {
        webhooks.set_turn_answers(
            agent,
            &canned(&step.webhooks),
            &format!("turns[{i}].webhooks"),
        )?;
        let mut turn = input(step);
        if i == 0 {
            if let Some(lang) = &scenario.session.lang {
                turn = turn.lang(lang.clone());
            }
            for (name, value) in &scenario.session.params {
                turn = turn.param(name.clone(), value.clone());
            }
        }
        if let Some(lang) = &step.lang {
            turn = turn.lang(lang.clone());
        }
        for (name, value) in &step.params {
            turn = turn.param(name.clone(), value.clone());
        }
        if !step.call_webhooks {
            turn = turn.without_webhooks();
        }
        let failures = match engine.turn(&mut session, turn).await {
            Ok(result) => {
                coverage.record(&result);
                mismatches(&step.expect, &result, &session)
            }
            Err(e) => vec![format!("the turn could not run: {e}")],
        };
        let result = TurnResult {
            tag: label(step),
            failures,
        };
        each(i, &result);
        results.push(result);
    }
    Ok(results)
}

/// The runtime's turn for what the user does (the file's reader made sure there is one).
fn input(step: &AgentTurn) -> Turn {
    match (&step.text, &step.event, &step.dtmf, &step.intent) {
        (Some(text), ..) => Turn::text(text.clone()),
        (None, Some(event), ..) => Turn::event(event.clone()),
        (None, None, Some(digits), _) => Turn::dtmf(digits.clone()),
        (None, None, None, intent) => Turn::intent(intent.clone().unwrap_or_default()),
    }
}

/// What the user does, for the turn's line: `"I'd like a boat"`, `event welcome`, ….
fn label(step: &AgentTurn) -> String {
    match (&step.text, &step.event, &step.dtmf, &step.intent) {
        (Some(text), ..) => format!("{text:?}"),
        (None, Some(event), ..) => format!("event {event}"),
        (None, None, Some(digits), _) => format!("dtmf {digits}"),
        (None, None, None, intent) => format!("intent {}", intent.as_deref().unwrap_or_default()),
    }
}
