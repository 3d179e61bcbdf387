//! Tower middleware over webhook calls, one module each.

#[cfg(feature = "auth")]
pub mod auth;
pub mod deadline;
pub mod recover;

pub use deadline::{Deadline, DeadlineLayer, DeadlineService};
pub use recover::{Recover, RecoverLayer};
