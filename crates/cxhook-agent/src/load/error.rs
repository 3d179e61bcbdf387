//! What goes wrong loading an agent, and what CX would accept but a test author should know.
//!
//! Every error and warning names the file (its path inside the package, as the export spells
//! it, percent-encoding included, so it can be opened as is) and the JSON path inside it, and
//! reads like a compiler diagnostic: `flows/X/pages/Y.json: transitionRoutes[2].targetPage: no
//! page "Z" in flow "X"`. None of them ever holds a webhook's header value, username or
//! password.

use std::fmt;
use std::path::PathBuf;

/// Why an agent package could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The package path could not be read.
    #[error("{}: {source}", path.display())]
    Open {
        /// The package path given.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The package is a file but not a readable zip archive.
    #[error("{}: not a readable zip archive: {source}", path.display())]
    Zip {
        /// The package path given.
        path: PathBuf,
        /// What the zip reader said.
        source: zip::result::ZipError,
    },
    /// A zip that unpacks to more than the loader reads (a zip bomb, or not an agent).
    #[error("{}: unpacks to more than {limit} bytes", path.display())]
    TooLarge {
        /// The package path given.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// No `agent.json` anywhere in the package (outside `__MACOSX/`).
    #[error("{}: no agent.json in the package", path.display())]
    NoAgentJson {
        /// The package path given.
        path: PathBuf,
    },
    /// Several `agent.json` at the same depth: which agent is meant is ambiguous.
    #[error("{}: several agents in the package: {}", path.display(), found.join(", "))]
    SeveralAgents {
        /// The package path given.
        path: PathBuf,
        /// The `agent.json` files found.
        found: Vec<String>,
    },
    /// A file name that is not valid UTF-8, raw or once percent-decoded.
    #[error("{file}: the file name is not UTF-8 once percent-decoded")]
    FileName {
        /// The file, as far as it could be spelled.
        file: String,
    },
    /// A resource folder without its resource file (`flows/X/` without `flows/X/X.json`).
    #[error("{folder}/: no {expected}")]
    MissingFile {
        /// The folder.
        folder: String,
        /// The file it should hold.
        expected: String,
    },
    /// A file that is not JSON, or not the JSON its resource has.
    #[error("{file}: {json_path}: {message}")]
    Malformed {
        /// The file.
        file: String,
        /// Where in the file (`.` for the whole document).
        json_path: String,
        /// What is wrong.
        message: String,
    },
    /// A reference to a resource that does not exist.
    #[error("{file}: {json_path}: {missing}")]
    Dangling {
        /// The file holding the reference.
        file: String,
        /// Where in the file.
        json_path: String,
        /// What was looked for.
        missing: Missing,
    },
    /// Two resources of one kind (in one scope) with the same display name.
    #[error("{file}: displayName: {kind} \"{name}\" is also defined in {other}")]
    Duplicate {
        /// The second file.
        file: String,
        /// The kind of resource (`page`, `intent`, …).
        kind: &'static str,
        /// The display name.
        name: String,
        /// The first file.
        other: String,
    },
    /// A condition, template, parameter name or JSONPath that does not parse, which CX
    /// refuses to save: `flows/F/pages/P.json: transitionRoutes[1].condition: column 12: …`.
    #[error("{file}: {json_path}: column {column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// Where in the file: the string that does not parse.
        json_path: String,
        /// The column (in characters, from 1) of the string where the problem is.
        column: usize,
        /// What is wrong (for a webhook header value, only that something is: the parser's
        /// message would quote the secret).
        message: String,
    },
    /// A transition route with neither an intent nor a condition, which CX rejects.
    #[error("{file}: {json_path}: a route needs an intent, a condition or both")]
    NoTrigger {
        /// The file.
        file: String,
        /// The route's path.
        json_path: String,
    },
}

/// A resource a reference names and the package lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// A page of a flow.
    Page {
        /// The page's display name.
        page: String,
        /// The flow looked in.
        flow: String,
    },
    /// A flow.
    Flow(String),
    /// An intent.
    Intent(String),
    /// A webhook.
    Webhook(String),
    /// A custom entity type (named without its `@`).
    EntityType(String),
    /// A route group, looked for in a flow and at agent level.
    RouteGroup {
        /// The group's display name.
        group: String,
        /// The flow looked in first.
        flow: String,
    },
    /// A generator, by full resource name.
    Generator(String),
    /// An intent parameter a training phrase annotates.
    IntentParameter {
        /// The parameter ID.
        parameter: String,
        /// The intent.
        intent: String,
    },
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Page { page, flow } => write!(f, "no page \"{page}\" in flow \"{flow}\""),
            Self::Flow(flow) => write!(f, "no flow \"{flow}\""),
            Self::Intent(intent) => write!(f, "no intent \"{intent}\""),
            Self::Webhook(webhook) => write!(f, "no webhook \"{webhook}\""),
            Self::EntityType(entity_type) => write!(f, "no entity type \"@{entity_type}\""),
            Self::RouteGroup { group, flow } => write!(
                f,
                "no transition route group \"{group}\" in flow \"{flow}\" or at agent level"
            ),
            Self::Generator(generator) => write!(f, "no generator \"{generator}\""),
            Self::IntentParameter { parameter, intent } => {
                write!(f, "no parameter \"{parameter}\" in intent \"{intent}\"")
            }
        }
    }
}

/// Something CX would load anyway but that is probably a mistake, or that the offline
/// runtime does not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file, as the package spells it.
    pub file: String,
    /// Where in the file (`.` for the whole document).
    pub json_path: String,
    /// What it is.
    pub kind: WarningKind,
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningKind {
    /// A field neither the runtime nor the export format knows (a misspelt `conditon`);
    /// CX ignores unknown fields too.
    UnknownField,
    /// An intent without training phrases: it can match only when a test names it.
    NoTrainingPhrases,
    /// A file the runtime does not read, and why.
    NotRead(&'static str),
    /// A resource whose `displayName` differs from its decoded file name; the display name
    /// is used.
    NameMismatch {
        /// The decoded file name.
        file_name: String,
        /// The `displayName` in the file.
        display_name: String,
    },
    /// A fulfillment that calls a webhook with no tag (CX requires one).
    WebhookWithoutTag,
    /// A text that calls a system function CX has and the runtime does not implement
    /// (`$sys.func.NOW`): a turn that reaches it fails.
    Unsupported {
        /// The column of the call, in characters from 1.
        column: usize,
        /// Which function, in the parser's words.
        message: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: ", self.file, self.json_path)?;
        match &self.kind {
            WarningKind::UnknownField => f.write_str("unknown field, ignored"),
            WarningKind::NoTrainingPhrases => {
                f.write_str("intent without training phrases: it matches only when named")
            }
            WarningKind::NotRead(why) => write!(f, "not read: {why}"),
            WarningKind::NameMismatch {
                file_name,
                display_name,
            } => write!(
                f,
                "displayName \"{display_name}\" differs from the file name \"{file_name}\"; the displayName is used"
            ),
            WarningKind::WebhookWithoutTag => f.write_str("a webhook call without a tag"),
            WarningKind::Unsupported { column, message } => write!(
                f,
                "column {column}: {message}; a turn that reaches this text fails"
            ),
        }
    }
}
