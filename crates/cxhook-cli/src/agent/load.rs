//! Reading an exported agent for the commands: its warnings written to stderr, its errors
//! made the command's.

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use cxhook_agent::Agent;

/// Loads the agent exported at `path`, writing its warnings to stderr. A load error names the
/// file and the JSON path, and never a header value or password of the export.
pub(crate) fn load(path: &Path) -> anyhow::Result<Agent> {
    let loaded =
        Agent::load(path).map_err(|e| anyhow!("cannot load the agent {}: {e}", path.display()))?;
    let mut stderr = std::io::stderr().lock();
    for warning in &loaded.warnings {
        writeln!(stderr, "cxhook: warning: {warning}")?;
    }
    Ok(loaded.agent)
}
