//! The agent as the export writes it: one type per resource file, read with serde.
//!
//! Field names follow the export's JSON (camelCase); references between resources are the
//! display names the export uses, resolved by the loader.

mod entity_type;
mod intent;

pub use entity_type::{Entity, EntityKind, EntityType, ExcludedPhrase};
pub use intent::{Intent, IntentParameter, Part, TrainingPhrase};
