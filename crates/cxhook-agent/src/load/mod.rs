//! Loading an exported agent: a JSON package directory or a `.zip` of one.
//!
//! Loading happens in three steps, one module each: `package` gathers the files (whatever
//! the source, wrapping folder and `__MACOSX/` dropped), `assemble` reads each into the
//! model under its display name, and `check` resolves every reference and parses every
//! condition and template (with `syntax`; both walk a file with the `Scope` of `scope`).
//! Nothing of the agent is usable until all three pass, so a test never runs half an agent: a
//! malformed file or a dangling reference is a [`LoadError`] naming the file and the JSON
//! path, and what CX would accept but is likely a mistake is a [`Warning`] beside the agent.

mod assemble;
mod check;
mod error;
mod package;
mod parse;
mod scope;
mod syntax;
mod test_cases;

use std::path::Path;

pub use error::{LoadError, Missing, Warning, WarningKind};
pub use test_cases::{TestCaseFile, test_cases};

use crate::model::Agent;

/// The flow a session starts in when `agent.json` names none.
const DEFAULT_START_FLOW: &str = "Default Start Flow";

/// A loaded agent and what the loader noticed on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The agent, every reference in it resolved.
    pub agent: Agent,
    /// What CX would accept but deserves a look, in file order.
    pub warnings: Vec<Warning>,
}

impl Agent {
    /// Loads the agent exported at `path`: a JSON package directory, or a `.zip` of one.
    pub fn load(path: impl AsRef<Path>) -> Result<Loaded, LoadError> {
        let package = package::Package::open(path.as_ref())?;
        let mut warnings = Vec::new();
        let (mut agent, sources) = assemble::assemble(&package, &mut warnings)?;
        if agent.start_flow.is_empty() {
            DEFAULT_START_FLOW.clone_into(&mut agent.start_flow);
        }
        check::check(&agent, &sources, &mut warnings)?;
        Ok(Loaded { agent, warnings })
    }
}
