//! Dialogflow CX v3 webhook wire types.
//!
//! This crate holds the JSON shapes Dialogflow CX exchanges with a webhook and nothing else: no
//! async runtime, no HTTP. The CLI, the fuzz targets and the `cxhook` framework all build on it.
//!
//! * [`WebhookRequest`] is what Dialogflow POSTs. Parsing is lenient the way Dialogflow's own
//!   protobuf parser is: unknown fields are ignored (live traffic carries undocumented ones),
//!   snake_case field names are accepted beside camelCase, missing fields take their defaults,
//!   and every number inside a parameter value is normalised so that `4` and `4.0` compare equal.
//! * [`WebhookResponse`] is what a webhook answers. It serializes to camelCase, leaves out every
//!   unset field, and keeps an explicit `null` for a session parameter to delete.
//! * [`ResponseMessage`] is shared by both directions; [`Message`] lists every kind, including
//!   the output-only kinds that appear only in requests.
//! * [`SessionPath`], [`FlowPath`] and [`PagePath`] parse the resource names found in requests
//!   and build those a response names.
//! * [`check`] judges a webhook's answer the way Dialogflow's strict parser would: status,
//!   unknown fields, one-of groups, size and output-only messages.
//!
//! One-of groups of the protocol (the query kind, the message kind, the transition target, the
//! audio source) are Rust enums, so a value with two members set cannot be built; parsing one
//! is an error that names both members.
//!
//! ```
//! use cxhook_types::{Query, WebhookRequest};
//!
//! let body = r#"{
//!   "detectIntentResponseId": "r-1",
//!   "fulfillmentInfo": {"tag": "account.balance"},
//!   "sessionInfo": {"session": "projects/p/locations/global/agents/a/sessions/s",
//!                   "parameters": {"user_id": "u-1001", "count": 4.0}},
//!   "text": "what's my balance?",
//!   "some_future_field": true
//! }"#;
//! let request: WebhookRequest = serde_json::from_str(body)?;
//! assert_eq!(request.tag(), Some("account.balance"));
//! assert_eq!(request.query, Some(Query::Text("what's my balance?".into())));
//! assert_eq!(request.session_info.parameters["count"], serde_json::json!(4));
//! # Ok::<(), serde_json::Error>(())
//! ```

pub mod check;
mod enums;
mod message;
mod path;
mod request;
mod response;
pub mod value;

pub use enums::{MergeBehavior, ParameterState, ResponseType};
pub use message::{
    AudioSource, EndInteraction, KnowledgeInfoCard, Message, Metadata, MixedAudio,
    MixedAudioSegment, OutputAudioText, PlayAudio, ResponseMessage, SegmentContent,
    TelephonyTransferCall, Text, ToolCall,
};
pub use path::{FlowPath, PagePath, PathError, SessionPath};
pub use request::{
    FormInfo, FulfillmentInfo, IntentInfo, IntentParameterValue, LanguageInfo, PageInfo,
    ParameterInfo, Query, SentimentAnalysisResult, SessionInfo, WebhookRequest,
};
pub use response::{FulfillmentResponse, Transition, WebhookResponse};

/// A JSON object: the protobuf `Struct` of the wire format, and the session parameter map.
pub type Struct = serde_json::Map<String, serde_json::Value>;

/// The largest response body Dialogflow CX accepts from a webhook, in bytes (64 KiB).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
