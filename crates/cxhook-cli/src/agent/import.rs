//! `cxhook agent import-tests AGENT --out DIR`: the agent's test cases as agent-driven scenario
//! files, one per case, so that a team can move from cases recorded in the console to files
//! it reviews.
//!
//! Each turn becomes a scenario turn with the same input, language, injected parameters and
//! webhook switch, expecting what `agent test` compares (`cxhook_agent::test_case`): the
//! intent when one was recorded, the page and flow (or that the session ended, for `End
//! Session`), the compared parameters (`null` for one recorded as unset) and the texts. What
//! a scenario cannot say is left out: that *no* intent matched, and the text variants CX did
//! not pick (the first text of each recorded message is expected). The scenario names the
//! agent by a path relative to the file, so the directory can move with the agent.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use cxhook_agent::load::{TestCaseFile, test_cases};
use cxhook_agent::model::ConversationTurn;
use cxhook_agent::test_case::{END_SESSION, compared_parameters};
use serde::Serialize;
use serde_json::Value;

use crate::cli::ImportTestsArgs;

/// One scenario file, in the order its keys are written.
#[derive(Debug, Serialize)]
struct Scenario {
    name: String,
    agent: PathBuf,
    #[serde(skip_serializing_if = "Start::is_empty")]
    session: Start,
    turns: Vec<Step>,
}

/// Where the session starts.
#[derive(Debug, Default, Serialize)]
struct Start {
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<String>,
}

impl Start {
    fn is_empty(&self) -> bool {
        self.lang.is_none() && self.flow.is_none() && self.page.is_none()
    }
}

/// One turn.
#[derive(Debug, Default, Serialize)]
struct Step {
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dtmf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    params: serde_json::Map<String, Value>,
    #[serde(skip_serializing_if = "is_true")]
    call_webhooks: bool,
    expect: Expect,
}

/// Whether a turn's webhooks are called as by default (the key is then left out).
fn is_true(calls: &bool) -> bool {
    *calls
}

/// What the turn must do.
#[derive(Debug, Default, Serialize)]
struct Expect {
    #[serde(skip_serializing_if = "Option::is_none")]
    intent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended: Option<bool>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    params: BTreeMap<String, Value>,
    texts: Vec<String>,
}

/// Writes a scenario file per test case of the agent into `args.out`, and names each on
/// standard output.
pub(crate) fn run(args: &ImportTestsArgs) -> anyhow::Result<()> {
    super::load::load(&args.agent)?;
    let cases = test_cases(&args.agent).map_err(|e| {
        anyhow!(
            "cannot read the test cases of {}: {e}",
            args.agent.display()
        )
    })?;
    if cases.is_empty() {
        bail!("the agent has no test cases (testCases/*.json)");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let agent = relative(&args.agent, &args.out)?;
    let mut written: Vec<String> = Vec::new();
    for file in &cases {
        let scenario = scenario(file, &agent)?;
        let mut name = file_name(&file.case.display_name);
        let stem = name.clone();
        let mut n = 2;
        while written.contains(&name) {
            name = format!("{stem}-{n}");
            n += 1;
        }
        let path = args.out.join(format!("{name}.yaml"));
        let yaml = serde_norway::to_string(&scenario).context("cannot write YAML")?;
        let text = format!(
            "# Imported from {} by `cxhook agent import-tests`.\n{yaml}",
            file.file
        );
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
        written.push(name);
    }
    Ok(())
}

/// The scenario for one test case.
fn scenario(file: &TestCaseFile, agent: &Path) -> anyhow::Result<Scenario> {
    let case = &file.case;
    let config = &case.test_config;
    let (flow, page) = match config.page.as_deref().filter(|page| !page.is_empty()) {
        Some(page) => (config.flow.clone(), Some(page.to_owned())),
        None => (config.flow.clone(), None),
    };
    let lang = Some(case.language_code.clone()).filter(|code| !code.is_empty());
    let mut turns = Vec::new();
    for (i, turn) in case.test_case_conversation_turns.iter().enumerate() {
        turns.push(step(turn, &config.tracking_parameters).ok_or_else(|| {
            anyhow!(
                "{}: testCaseConversationTurns[{i}].userInput.input has no text, event, dtmf or intent",
                file.file
            )
        })?);
    }
    Ok(Scenario {
        name: case.display_name.clone(),
        agent: agent.to_owned(),
        session: Start {
            lang,
            flow: flow.filter(|flow| !flow.is_empty()),
            page,
        },
        turns,
    })
}

/// The scenario turn for a recorded one; `None` when it has no input.
fn step(turn: &ConversationTurn, tracking: &[String]) -> Option<Step> {
    let user = &turn.user_input;
    let query = &user.input;
    let mut step = Step {
        lang: Some(query.language_code.clone()).filter(|code| !code.is_empty()),
        params: user.injected_parameters.clone(),
        call_webhooks: user.is_webhook_enabled,
        ..Step::default()
    };
    if let Some(text) = &query.text {
        step.text = Some(text.text.clone());
    } else if let Some(event) = &query.event {
        step.event = Some(event.event.clone());
    } else if let Some(dtmf) = &query.dtmf {
        step.dtmf = Some(format!("{}{}", dtmf.digits, dtmf.finish_digit));
    } else {
        step.intent = Some(query.intent.as_ref()?.intent.clone());
    }
    let output = &turn.virtual_agent_output;
    step.expect.intent =
        output
            .triggered_intent
            .as_ref()
            .map(|intent| match intent.display_name.is_empty() {
                true => intent.name.clone(),
                false => intent.display_name.clone(),
            });
    if let Some(page) = &output.current_page {
        let name = match page.display_name.is_empty() {
            true => &page.name,
            false => &page.display_name,
        };
        if name == END_SESSION {
            step.expect.ended = Some(true);
        } else {
            step.expect.ended = Some(false);
            step.expect.page = Some(name.clone()).filter(|name| !name.is_empty());
            step.expect.flow = Some(page.flow.clone()).filter(|flow| !flow.is_empty());
        }
    }
    for name in compared_parameters(output, tracking) {
        let value = output
            .session_parameters
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map_or(Value::Null, |(_, value)| value.clone());
        step.expect.params.insert(name.to_owned(), value);
    }
    step.expect.texts = output
        .text_responses
        .iter()
        .filter_map(|response| response.text.first().cloned())
        .collect();
    Some(step)
}

/// A file name for a display name: letters, digits, `-` and `_` kept (lower case), anything
/// else a `-`, runs of them one.
fn file_name(display_name: &str) -> String {
    let mut name = String::new();
    for c in display_name.chars() {
        match c.is_alphanumeric() || c == '_' {
            true => name.extend(c.to_lowercase()),
            false if !name.ends_with('-') => name.push('-'),
            false => {}
        }
    }
    match name.trim_matches('-') {
        "" => "test-case".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

/// `agent` as a path relative to the directory `dir` (both must exist).
fn relative(agent: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let agent = agent
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", agent.display()))?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))?;
    let agent: Vec<Component<'_>> = agent.components().collect();
    let dir: Vec<Component<'_>> = dir.components().collect();
    let common = agent.iter().zip(&dir).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = dir[common..].iter().map(|_| "..").collect();
    path.extend(&agent[common..]);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(
            file_name("Book a dive: Costa Rica!"),
            "book-a-dive-costa-rica"
        );
        assert_eq!(file_name("%%"), "test-case");
    }
}
