//! The agent checked before anything runs: what the loader refuses or warns about, as
//! findings, and what it lets through but is probably a mistake.
//!
//! The loader stops at the first error (a route to a missing page, a condition that does not
//! parse, an unknown `$sys.func`): an agent it cannot load cannot be checked further, so such
//! an error is one finding ([`Finding::from_load_error`]) and the linter's caller reports that
//! the agent does not load. Of a loaded agent, [`lint`] reports the loader's warnings (but
//! those about parts the offline runtime does not read: they are cxhook's limits, not the
//! agent's faults), the
//! webhook calls with no `webhook.error*` handler in scope (cxlint's R011), the pages nothing
//! goes to, and, when told what serves the agent's webhooks ([`Served`]), the agent checked
//! against it: unserved and unused tags, timeouts shorter than its deadline, and parameters a
//! tag needs that nothing in the agent sets.

mod finding;
mod handlers;
mod walk;
mod webhooks;

pub use finding::{Finding, Rule, Served, Severity, TagParams};

use crate::load::{LoadError, Loaded, Warning, WarningKind};

/// Every finding of `loaded`, checked against `served` when given, ordered by file and JSON
/// path (findings about no file first).
pub fn lint(loaded: &Loaded, served: Option<&Served>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = loaded.warnings.iter().filter_map(from_warning).collect();
    let sites = walk::sites(loaded);
    handlers::uncaught_calls(loaded, &sites, &mut findings);
    handlers::unreachable_pages(loaded, &mut findings);
    if let Some(served) = served {
        webhooks::against(loaded, &sites, served, &mut findings);
    }
    findings.sort_by(|a, b| (&a.file, &a.json_path).cmp(&(&b.file, &b.json_path)));
    findings
}

/// A loader warning as a finding; none for a part of the export the offline runtime does
/// not read, which says what cxhook cannot run, not what is wrong with the agent.
fn from_warning(warning: &Warning) -> Option<Finding> {
    let rule = match warning.kind {
        WarningKind::UnknownField => Rule::UnknownField,
        WarningKind::NoTrainingPhrases => Rule::NoTrainingPhrases,
        WarningKind::NotRead(_) => return None,
        WarningKind::NameMismatch { .. } => Rule::NameMismatch,
        WarningKind::WebhookWithoutTag => Rule::WebhookWithoutTag,
        WarningKind::Unsupported { .. } => Rule::UnsupportedFunction,
    };
    let prefix = format!("{}: {}: ", warning.file, warning.json_path);
    let text = warning.to_string();
    Some(Finding {
        severity: Severity::Warning,
        rule,
        file: warning.file.clone(),
        json_path: warning.json_path.clone(),
        message: text.strip_prefix(&prefix).unwrap_or(&text).to_owned(),
    })
}

impl Finding {
    /// The error that kept the agent from loading, as a finding: a dangling reference, a text
    /// that does not parse (an unknown `$sys.func` among them), or a malformed package.
    pub fn from_load_error(error: &LoadError) -> Self {
        let (rule, file, json_path, message) = match error {
            LoadError::Dangling {
                file,
                json_path,
                missing,
            } => (
                Rule::DanglingReference,
                file,
                json_path,
                missing.to_string(),
            ),
            LoadError::Syntax {
                file,
                json_path,
                column,
                message,
            } => {
                let rule = match message.contains("is not a system function") {
                    true => Rule::UnknownFunction,
                    false => Rule::Syntax,
                };
                (rule, file, json_path, format!("column {column}: {message}"))
            }
            LoadError::Malformed {
                file,
                json_path,
                message,
            } => (Rule::Malformed, file, json_path, message.clone()),
            other => {
                return Self {
                    severity: Severity::Error,
                    rule: Rule::Malformed,
                    file: String::new(),
                    json_path: String::new(),
                    message: other.to_string(),
                };
            }
        };
        Self {
            severity: Severity::Error,
            rule,
            file: file.clone(),
            json_path: json_path.clone(),
            message,
        }
    }
}
