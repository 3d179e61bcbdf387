//! Coverage of agent-driven scenarios: one recorder per agent, fed with every turn of every
//! scenario that names it, written as a table or JSON (`--coverage FILE`,
//! `cxhook agent coverage`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use cxhook_agent::Agent;
use cxhook_agent::coverage::Coverage;
use serde_json::{Value, json};

/// The recorders of a run, by agent (its path as the scenarios name it, made canonical when
/// it exists, so that two scenarios naming one agent differently share a recorder).
#[derive(Debug, Default)]
pub(crate) struct Coverages(BTreeMap<PathBuf, Coverage>);

/// The key of the agent at `path`.
pub(crate) fn agent_key(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

impl Coverages {
    /// The recorder of the agent at `path`, new for a new agent.
    pub(crate) fn of(&mut self, path: &Path, agent: &Agent) -> &mut Coverage {
        self.0
            .entry(agent_key(path))
            .or_insert_with(|| Coverage::new(agent))
    }

    /// The recorder of the agent at `path`, if a scenario named it.
    pub(crate) fn get(&self, path: &Path) -> Option<&Coverage> {
        self.0.get(&agent_key(path))
    }

    /// The agents the scenarios named.
    pub(crate) fn agents(&self) -> impl Iterator<Item = &Path> {
        self.0.keys().map(PathBuf::as_path)
    }

    /// Every agent's report as JSON: `[{agent, pages, routes, eventHandlers, tags}]`.
    pub(crate) fn to_json(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|(agent, coverage)| report_json(agent, coverage))
                .collect(),
        )
    }

    /// Every agent's report as a table under its path.
    pub(crate) fn to_table(&self) -> String {
        let mut text = String::new();
        for (agent, coverage) in &self.0 {
            let _ = writeln!(
                text,
                "coverage of {}:\n{}",
                agent.display(),
                coverage.report()
            );
        }
        text
    }

    /// One line per agent: `coverage of AGENT: pages 5/8, routes 7/12, …`.
    pub(crate) fn summary(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(agent, coverage)| {
                let report = coverage.report();
                format!(
                    "coverage of {}: pages {}/{}, routes {}/{}, event handlers {}/{}, \
                     webhook tags {}/{}",
                    agent.display(),
                    report.pages.covered,
                    report.pages.total,
                    report.routes.covered,
                    report.routes.total,
                    report.event_handlers.covered,
                    report.event_handlers.total,
                    report.tags.covered,
                    report.tags.total,
                )
            })
            .collect()
    }

    /// Writes the reports to `file`: JSON when its name ends in `.json`, the table otherwise.
    pub(crate) fn write(&self, file: &Path) -> anyhow::Result<()> {
        let text = match file.extension().is_some_and(|ext| ext == "json") {
            true => format!("{:#}\n", self.to_json()),
            false => self.to_table(),
        };
        std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))
    }
}

/// One agent's report as JSON, with the agent's path.
pub(crate) fn report_json(agent: &Path, coverage: &Coverage) -> Value {
    let mut report = serde_json::to_value(coverage.report()).expect("a report serializes");
    if let Value::Object(fields) = &mut report {
        fields.insert("agent".to_owned(), json!(agent.display().to_string()));
    }
    report
}
