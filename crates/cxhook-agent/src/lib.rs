//! Run an exported Dialogflow CX agent offline.
//!
//! An agent exported as a JSON package (a directory, or a `.zip` of one) holds everything CX
//! decides in a turn: its flows and pages, their forms, routes and event handlers, the
//! conditions on them, the intents and entity types that understand the user, and the
//! webhooks the fulfillments call. This crate reads that package and runs it turn by turn as
//! CX does, so that an agent and its webhook can be tested together on a laptop and in CI.

pub mod condition;
pub mod coverage;
mod expr;
pub mod func;
pub mod lint;
pub mod load;
pub mod model;
pub mod nlu;
pub mod reference;
pub mod runtime;
pub mod syntax;
pub mod template;
pub mod test_case;
#[cfg(test)]
mod testing;

pub use model::Agent;
