//! Dialogflow CX as a webhook sees it: the request of any turn ([`RequestBuilder`]), a
//! session played turn by turn the way CX applies each reply ([`Conversation`]), and, with
//! the feature `client`, a cxhook webhook called in-process through the pipeline its server
//! runs (`TestClient`).
//!
//! These are not test-only: `cxhook send` builds its requests here and `cxhook scenario`
//! plays its conversations here, in the shipped binary, as users' tests do. They are a crate
//! of their own rather than a module of `cxhook` so that each user takes what it uses: the
//! request builder and the conversation rules need the wire types alone ([`cxhook_types`],
//! serde_json and uuid), while the client needs cxhook's HTTP-free `Endpoint` and so cxhook
//! with its `server` feature. A tool that talks to a webhook over the wire (any server,
//! written with cxhook or not) builds on this crate without the framework.
//!
//! | Feature | What it adds | Default |
//! |---|---|---|
//! | `client` | `TestClient` and `TestResponse`: a `cxhook::Router` (or a configured `Webhook`) answering requests in-process, and asserts on its answers; `Conversation::send` through it. Depends on `cxhook` with `server`. | No |
//!
//! ```
//! use cxhook_sim::{Conversation, RequestBuilder};
//!
//! let request = RequestBuilder::new().tag("order.status").param("order_id", "A-17").build();
//! assert_eq!(request.tag(), Some("order.status"));
//!
//! let mut conversation = Conversation::new();
//! let request = conversation.request("order.status");
//! assert_eq!(request.session_info.session, conversation.session());
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "client")]
mod client;
mod conversation;
mod request;

#[cfg(feature = "client")]
pub use client::{IntoRequestBody, TestClient, TestResponse};
pub use conversation::{Applied, Conversation, CurrentPage};
pub use request::{AGENT, DEFAULT_FLOW, DEFAULT_LANGUAGE, RequestBuilder, START_PAGE_NAME};
