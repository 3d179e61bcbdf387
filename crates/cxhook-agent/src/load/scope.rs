//! The walker that `check` (references) and `syntax` (conditions and templates) share as they
//! go through one file, in a module of its own so that `check` calls `syntax` and neither
//! reaches back into the other.

use super::error::Warning;
use crate::model::Agent;

/// Where references are being checked: the agent, the flow page targets refer to (none for
/// an unused agent-level group or an intent) and the file.
pub(super) struct Scope<'a, 'w> {
    pub(super) agent: &'a Agent,
    pub(super) flow: Option<&'a str>,
    pub(super) file: &'a str,
    pub(super) warnings: &'w mut Vec<Warning>,
}
