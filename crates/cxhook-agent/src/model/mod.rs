//! The agent as the export writes it: one type per resource file, read with serde.
//!
//! Field names follow the export's JSON (camelCase); references between resources are the
//! display names the export uses, resolved by the loader. Fields the runtime does not use
//! (speech, logging, knowledge connectors, …) are not modelled, and unknown fields are ignored,
//! as CX ignores them when importing an agent from a newer version.

mod agent;
pub(crate) mod entity_type;
mod flow;
mod fulfillment;
pub(crate) mod generator;
pub(crate) mod intent;
mod key_value;
mod page;
mod route;
mod secret;
mod target;
mod test_case;
mod webhook;

pub use agent::Agent;
pub use entity_type::{Entity, EntityKind, EntityType, ExcludedPhrase};
pub use flow::{Flow, NluSettings};
pub use fulfillment::{
    Case, CaseContent, ConditionalCases, Fulfillment, FulfillmentMessage, GeneratorCall,
    SetParameterAction,
};
pub use generator::{Generator, Placeholder};
pub use intent::{Intent, IntentParameter, Part, TrainingPhrase};
pub use key_value::KeyValue;
pub use page::{FillBehavior, Form, FormParameter, Page};
pub use route::{EventHandler, TransitionRoute, TransitionRouteGroup};
pub use secret::Secret;
pub use target::{SpecialPage, Target};
pub use test_case::{
    ConversationTurn, CurrentPage, DtmfInput, EventInput, IntentInput, NamedIntent, QueryInput,
    TestCase, TestConfig, TextInput, TextResponse, UserInput, VirtualAgentOutput,
};
pub use webhook::{Duration, GenericWebService, Webhook, WebhookType};
