//! Tower middleware over webhook calls, one module each.

pub mod recover;

pub use recover::{Recover, RecoverLayer};
