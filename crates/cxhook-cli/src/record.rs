//! `cxhook serve --record FILE`: the `[record]` section, and the recorder it gives the
//! webhook.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cxhook::server::Webhook;
use cxhook::server::record::{Recorder, Redaction};
use cxhook_integrations::ConfigError;
use serde::Deserialize;

/// The `[record]` section as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordConfig {
    file: PathBuf,
    redact: Vec<String>,
    redact_text: bool,
    queue: usize,
}

/// The `[record]` section, checked.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// The file calls are appended to; none records nothing.
    file: Option<PathBuf>,
    /// What is redacted.
    redaction: Redaction,
    /// How many calls may wait to be written.
    queue: usize,
}

impl RecordConfig {
    /// The section, checked: no blank names, a queue of at least one call.
    pub(crate) fn build(&self) -> Result<Record, ConfigError> {
        if self.redact.iter().any(|name| name.trim().is_empty()) {
            return Err(problem("redact", "must not name a blank parameter"));
        }
        if self.queue == 0 {
            return Err(problem("queue", "must be more than 0"));
        }
        Ok(Record {
            file: (!self.file.as_os_str().is_empty()).then(|| self.file.clone()),
            redaction: Redaction::new().names(&self.redact).text(self.redact_text),
            queue: self.queue,
        })
    }
}

fn problem(key: &str, problem: &str) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        problem: problem.to_owned(),
    }
}

impl Record {
    /// Redacts these parameter names too: those memory recalls into replies, whose values
    /// are what a user chose to have remembered.
    pub(crate) fn redact_also(&mut self, names: impl IntoIterator<Item = String>) {
        self.redaction = std::mem::take(&mut self.redaction).names(names);
    }

    /// Whether the value of a parameter named `name` is redacted.
    #[cfg(test)]
    pub(crate) fn redacts(&self, name: &str) -> bool {
        self.redaction.redacts(name)
    }

    /// Opens the recording file (`flag`, else `[record] file`) and has `webhook` record to
    /// it; without either, `webhook` records nothing.
    pub(crate) fn attach(
        &self,
        webhook: Webhook,
        flag: Option<&Path>,
    ) -> anyhow::Result<(Webhook, Option<Recorder>)> {
        let Some(file) = flag.or(self.file.as_deref()) else {
            return Ok((webhook, None));
        };
        let recorder = Recorder::builder(file)
            .redaction(self.redaction.clone())
            .queue(self.queue)
            .open()
            .context("cannot record calls")?;
        tracing::info!(file = %file.display(), "recording calls");
        Ok((webhook.record(recorder.clone()), Some(recorder)))
    }
}

/// Writes what is left to record once serving has stopped, and says how many calls could not
/// be recorded.
pub(crate) fn finish(recorder: Option<&Recorder>) -> anyhow::Result<()> {
    let Some(recorder) = recorder else {
        return Ok(());
    };
    let closed = recorder
        .close()
        .with_context(|| format!("cannot write the recording {}", recorder.path().display()));
    match recorder.dropped() {
        0 => {}
        dropped => tracing::warn!(
            dropped,
            "calls not recorded: the recording file could not keep up"
        ),
    }
    closed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(file: &str, redact: &[&str], queue: usize) -> RecordConfig {
        RecordConfig {
            file: PathBuf::from(file),
            redact: redact.iter().map(|&name| name.to_owned()).collect(),
            redact_text: false,
            queue,
        }
    }

    #[test]
    fn the_section_is_checked() {
        let record = config("", &[], 1).build().unwrap();
        assert_eq!(record.file, None);
        let record = config("calls.jsonl", &["User_Id"], 8).build().unwrap();
        assert_eq!(record.file.as_deref(), Some(Path::new("calls.jsonl")));
        assert!(record.redaction.redacts("user_id"));
        assert!(record.redaction.redacts("password"));
        assert!(!record.redaction.redacts("city"));
        let blank = config("", &[" "], 8).build().unwrap_err();
        assert_eq!(blank.key, "redact");
        let empty = config("", &[], 0).build().unwrap_err();
        assert_eq!(empty.key, "queue");
    }
}
