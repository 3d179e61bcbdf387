//! Test utilities (feature `test-util`): build webhook requests of every shape, call a
//! [`Router`](crate::Router) in-process through the same pipeline the server runs, and play
//! multi-turn conversations the way Dialogflow CX applies each reply.

mod client;
mod conversation;

pub use client::{IntoRequestBody, TestClient, TestResponse};
pub use conversation::{Applied, Conversation, CurrentPage};

mod request;

pub use request::{AGENT, DEFAULT_FLOW, DEFAULT_LANGUAGE, RequestBuilder, START_PAGE_NAME};
