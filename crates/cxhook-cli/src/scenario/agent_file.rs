//! The agent-driven scenario file: a scenario that names an exported `agent:` gives only what
//! the user does each turn, and checks what the agent's runtime decides.
//!
//! ```yaml
//! name: report graffiti
//! agent: ../agents/goodbye-graffiti      # relative to this file; a directory or a .zip
//! generators: {Welcome Generator: Welcome to the graffiti hotline.}
//! webhooks:                              # canned answers, taken across the turns
//!   lookup_place: {body: {sessionInfo: {parameters: {formatted_address: "1 Main St"}}}}
//! turns:
//!   - intent: Default Welcome Intent
//!     expect: {texts: [Welcome to the graffiti hotline.], calls: []}
//!   - text: 1600 Amphitheatre Parkway, Mountain View
//!     webhooks:                          # this turn's own, ahead of the scenario's
//!       "prebuilt_components_address_collection:address_validation": [{status: 503}]
//!     expect:
//!       page: "> collect address"
//!       calls: [{webhook: "prebuilt_components_address_collection:address_validation",
//!                error: webhook.error.unavailable}]
//! ```
//!
//! `session: {flow: F, page: P}` starts the conversation elsewhere than the start page of the
//! start flow, and a turn with `call_webhooks: false` calls no webhook, as a CX test case can
//! ask (`cxhook agent import-tests` writes both).
//!
//! Read as strictly as tag-driven scenarios: an unknown key is an error naming it and its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use cxhook::types::Struct;
use serde::{Deserialize, Deserializer, de};

use super::file::OneOrMany;
use crate::agent::webhooks::{Canned, CannedAnswers};

/// One agent-driven scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentScenario {
    /// What the scenario is about; the file's name when not given.
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// The exported agent, relative to the scenario file.
    pub(crate) agent: PathBuf,
    /// Where the session starts.
    #[serde(default)]
    pub(crate) session: AgentStart,
    /// The day relative dates (`next month`) count from, `YYYY-MM-DD`; today by default.
    #[serde(default)]
    pub(crate) today: Option<String>,
    /// The text each generator gives, by display name.
    #[serde(default)]
    pub(crate) generators: BTreeMap<String, String>,
    /// Canned answers by webhook display name, taken in order across the turns.
    #[serde(default)]
    pub(crate) webhooks: BTreeMap<String, Answers>,
    /// The turns, in order.
    pub(crate) turns: Vec<AgentTurn>,
}

/// The session before the first turn.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentStart {
    /// The language code (the agent's default language by default).
    pub(crate) lang: Option<String>,
    /// The flow the session starts in, on its start page (the agent's start flow by default).
    pub(crate) flow: Option<String>,
    /// The page the session starts on (looked up in `flow`, or in every flow); nothing of it
    /// runs before the first turn.
    pub(crate) page: Option<String>,
    /// Session parameters set with the first turn.
    #[serde(default)]
    pub(crate) params: Struct,
}

/// One turn: what the user does, canned answers for it, and what to expect after it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentTurn {
    /// What the user says.
    pub(crate) text: Option<String>,
    /// An event the caller raises.
    pub(crate) event: Option<String>,
    /// Keypad digits the caller presses.
    pub(crate) dtmf: Option<String>,
    /// An intent, by display name, that matches whatever was said.
    pub(crate) intent: Option<String>,
    /// The language of this and the following turns.
    pub(crate) lang: Option<String>,
    /// Session parameters set before the turn runs (`null` clears one).
    #[serde(default)]
    pub(crate) params: Struct,
    /// Canned answers for this turn's calls, by webhook display name.
    #[serde(default)]
    pub(crate) webhooks: BTreeMap<String, Answers>,
    /// Whether the turn's fulfillments call their webhooks (`false`: none is called, as a
    /// test case turn with `isWebhookEnabled: false`).
    #[serde(default = "calls_webhooks")]
    pub(crate) call_webhooks: bool,
    /// What the agent must do.
    #[serde(default)]
    pub(crate) expect: AgentExpect,
}

fn calls_webhooks() -> bool {
    true
}

/// What the agent must do in a turn.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentExpect {
    /// The whole text the user hears (the texts of the turn, one per line).
    pub(crate) text: Option<String>,
    /// The texts the user hears, each in full, in order.
    pub(crate) texts: Option<Vec<String>>,
    /// Parts the text must contain: one, or a list.
    #[serde(default)]
    pub(crate) text_contains: OneOrMany,
    /// The page after the turn, by display name.
    pub(crate) page: Option<String>,
    /// The active flow after the turn, by display name.
    pub(crate) flow: Option<String>,
    /// The intent matched this turn, by display name.
    pub(crate) intent: Option<String>,
    /// Parameters after the turn (`$flow.x` for the active flow's): a value each must have,
    /// or `null` for one that must not be set. Parameters not named are not checked.
    #[serde(default)]
    pub(crate) params: Struct,
    /// Whether the turn ends the session.
    pub(crate) ended: Option<bool>,
    /// The webhook calls of the turn, in order (`[]`: none).
    pub(crate) calls: Option<Vec<ExpectedCall>>,
}

/// A webhook call a turn must make. Each field given is checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpectedCall {
    /// The webhook's display name.
    pub(crate) webhook: Option<String>,
    /// The fulfillment's tag.
    pub(crate) tag: Option<String>,
    /// Session parameters the standard request carries, with these values.
    #[serde(default)]
    pub(crate) params: Struct,
    /// Top-level fields of a flexible webhook's request body, with these values.
    #[serde(default)]
    pub(crate) body: Struct,
    /// The HTTP status of the answer.
    pub(crate) status: Option<u16>,
    /// The event a failed call raised (`webhook.error.unavailable`).
    pub(crate) error: Option<String>,
}

/// A webhook's canned answers: one answer, or a list taken in order, the last repeating.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answers(pub(crate) Vec<Canned>);

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            One(Canned),
            Many(Vec<Canned>),
        }
        match Either::deserialize(deserializer) {
            Ok(Either::One(one)) => Ok(Self(vec![one])),
            Ok(Either::Many(many)) if !many.is_empty() => Ok(Self(many)),
            Ok(Either::Many(_)) => Err(de::Error::custom("a webhook's canned answers are empty")),
            Err(_) => Err(de::Error::custom(
                "expected a canned answer ({status, body} or {timeout: true}) or a list of them",
            )),
        }
    }
}

/// The canned answers of `webhooks` as the webhooks take them.
pub(crate) fn canned(webhooks: &BTreeMap<String, Answers>) -> CannedAnswers {
    webhooks
        .iter()
        .map(|(name, answers)| (name.clone(), answers.0.clone()))
        .collect()
}

/// Whether the scenario text names an agent (and so is agent-driven).
pub(crate) fn names_agent(text: &str) -> bool {
    serde_norway::from_str::<serde_norway::Value>(text)
        .ok()
        .and_then(|value| value.get("agent").map(|_| ()))
        .is_some()
}

/// An error unless every intent the turns name is one of `agent`'s.
pub(crate) fn check_intents(
    scenario: &AgentScenario,
    agent: &cxhook_agent::Agent,
) -> anyhow::Result<()> {
    for (i, turn) in scenario.turns.iter().enumerate() {
        if let Some(intent) = &turn.intent
            && agent.intent(intent).is_none()
        {
            bail!("turns[{i}].intent: the agent has no intent `{intent}`");
        }
    }
    Ok(())
}

/// Reads an agent-driven scenario from the text of the file at `path`, its agent's path made
/// relative to the file's directory.
pub(crate) fn parse(text: &str, path: &Path) -> anyhow::Result<AgentScenario> {
    let mut scenario: AgentScenario = serde_norway::from_str(text)?;
    if scenario.turns.is_empty() {
        bail!("`turns` is empty: a scenario needs at least one turn");
    }
    for (i, turn) in scenario.turns.iter().enumerate() {
        let inputs = [&turn.text, &turn.event, &turn.dtmf, &turn.intent];
        if inputs.iter().filter(|input| input.is_some()).count() != 1 {
            bail!(
                "turns[{i}]: give one of `text`, `event`, `dtmf` and `intent`: what the user does"
            );
        }
    }
    if let Some(today) = &scenario.today {
        today
            .parse::<jiff::civil::Date>()
            .map_err(|_| anyhow!("today: `{today}` is not a date YYYY-MM-DD"))?;
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    scenario.agent = dir.join(&scenario.agent);
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn error(text: &str) -> String {
        parse(text, Path::new("s.yaml")).unwrap_err().to_string()
    }

    #[test]
    fn a_whole_agent_scenario_reads() {
        let text = r#"
agent: agents/x
today: 2026-12-06
session: {lang: de, params: {channel: web}, flow: Booking, page: Confirm}
generators: {Welcome: Hi}
webhooks: {lookup: {body: {a: 1}}}
turns:
  - text: hello
    webhooks: {lookup: [{status: 503}, {timeout: true}]}
    expect:
      texts: [Hi]
      text_contains: Hi
      page: Start Page
      flow: Default Start Flow
      params: {channel: web, gone: null, $flow.retry: 1}
      ended: false
      calls: [{webhook: lookup, tag: geocode, params: {channel: web}, status: 503, error: webhook.error.unavailable}]
  - {intent: Done, call_webhooks: false, expect: {calls: []}}
"#;
        assert!(names_agent(text));
        let scenario = parse(text, Path::new("dir/s.yaml")).unwrap();
        assert_eq!(scenario.agent, Path::new("dir/agents/x"));
        assert_eq!(scenario.session.page.as_deref(), Some("Confirm"));
        assert!(scenario.turns[0].call_webhooks && !scenario.turns[1].call_webhooks);
        assert_eq!(scenario.webhooks["lookup"].0[0].body, Some(json!({"a": 1})));
        let first = &scenario.turns[0];
        assert_eq!(first.webhooks["lookup"].0.len(), 2);
        assert_eq!(first.expect.params["$flow.retry"], json!(1));
        let call = &first.expect.calls.as_ref().unwrap()[0];
        assert_eq!(call.error.as_deref(), Some("webhook.error.unavailable"));
        assert_eq!(
            scenario.turns[1].expect.calls.as_ref().map(Vec::len),
            Some(0)
        );
    }

    #[test]
    fn mistakes_are_named() {
        assert!(!names_agent("turns: [{tag: t}]"));
        let found = error("agent: a\nturns:\n  - text: hi\n    expect: {page_: x}\n");
        assert!(found.contains("unknown field `page_`"), "{found}");
        assert!(found.contains("line 4"), "{found}");
        assert!(error("agent: a\nturns:\n  - {text: hi, event: e}\n").contains("give one of"));
        assert!(error("agent: a\nturns:\n  - {expect: {}}\n").contains("give one of"));
        assert!(error("agent: a\nturns: []\n").contains("at least one turn"));
        let found = error("agent: a\nwebhooks: {w: 3}\nturns: [{text: hi}]\n");
        assert!(found.contains("expected a canned answer"), "{found}");
        assert!(error("agent: a\ntoday: soon\nturns: [{text: hi}]\n").contains("not a date"));
    }
}
