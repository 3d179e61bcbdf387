//! What the linter reports ([`Finding`]) and what it is told about the webhook that serves the
//! agent ([`Served`]).

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A turn that reaches it fails, or the agent does not load.
    Error,
    /// The agent runs, but probably not as its author meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

/// The rules, each with a stable ID (the [`Rule::id`]) that output and tests name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "&'static str")]
pub enum Rule {
    /// A reference to a page, flow, intent, webhook or other resource the agent lacks.
    DanglingReference,
    /// A condition, template, parameter name or JSONPath that does not parse.
    Syntax,
    /// A `$sys.func` name CX does not have.
    UnknownFunction,
    /// A file that is not the JSON its resource needs, or a package that cannot be read.
    Malformed,
    /// A webhook call with no `webhook.error*` handler in scope (cxlint's R011).
    WebhookErrorHandler,
    /// A page no route or event handler goes to.
    UnreachablePage,
    /// A tag the agent calls that the configured webhook does not serve.
    UnservedTag,
    /// A tag the configured webhook serves that the agent never calls.
    UnusedTag,
    /// A webhook whose timeout in the agent is shorter than cxhook's own deadline.
    WebhookTimeout,
    /// A parameter a served tag reads that nothing in the agent sets.
    UncollectedParameter,
    /// A field the export format does not have (the loader's warning).
    UnknownField,
    /// An intent without training phrases (the loader's warning).
    NoTrainingPhrases,
    /// A display name that differs from its file name (the loader's warning).
    NameMismatch,
    /// A webhook call without a tag (the loader's warning).
    WebhookWithoutTag,
    /// A system function CX has and the offline runtime does not run (the loader's warning).
    UnsupportedFunction,
}

impl Rule {
    /// The rule's ID, as output and `--json` name it.
    pub const fn id(self) -> &'static str {
        match self {
            Self::DanglingReference => "dangling-reference",
            Self::Syntax => "syntax",
            Self::UnknownFunction => "unknown-function",
            Self::Malformed => "malformed",
            Self::WebhookErrorHandler => "webhook-error-handler",
            Self::UnreachablePage => "unreachable-page",
            Self::UnservedTag => "unserved-tag",
            Self::UnusedTag => "unused-tag",
            Self::WebhookTimeout => "webhook-timeout",
            Self::UncollectedParameter => "uncollected-parameter",
            Self::UnknownField => "unknown-field",
            Self::NoTrainingPhrases => "no-training-phrases",
            Self::NameMismatch => "name-mismatch",
            Self::WebhookWithoutTag => "webhook-without-tag",
            Self::UnsupportedFunction => "unsupported-function",
        }
    }
}

impl From<Rule> for &'static str {
    fn from(rule: Rule) -> Self {
        rule.id()
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One problem the linter found, where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// Which rule found it.
    pub rule: Rule,
    /// The package file, as the export spells it (empty when the finding is about no file,
    /// such as a served tag the agent never calls).
    pub file: String,
    /// Where in the file (`.` for the whole document; empty with no file).
    pub json_path: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `warning[unreachable-page] flows/F/pages/P.json: .: no route …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}] ", self.severity, self.rule)?;
        if !self.file.is_empty() {
            write!(f, "{}: {}: ", self.file, self.json_path)?;
        }
        f.write_str(&self.message)
    }
}

/// What the webhook that serves the agent's standard webhooks does, for the checks of the
/// agent against it: the tags its router serves, its deadline, and what its tags read.
#[derive(Debug, Clone, Default)]
pub struct Served {
    /// The tags the router serves.
    pub tags: BTreeSet<String>,
    /// How long the webhook takes at most before it answers with its deadline text.
    pub deadline: Duration,
    /// What each tag reads and sets, for the tags that declare it.
    pub reads: Vec<TagParams>,
}

/// The session parameters a tag reads and sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagParams {
    /// The tag.
    pub tag: String,
    /// What the tag cannot do without: each entry is met when one of its parameters is set.
    pub needs: Vec<Vec<String>>,
    /// The session parameters its answer sets.
    pub sets: Vec<String>,
}
