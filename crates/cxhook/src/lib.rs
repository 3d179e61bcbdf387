//! Write, run and test Dialogflow CX webhooks.
//!
//! A [`Router`] sends each webhook call to the `async fn` registered for its fulfillment tag.
//! Handlers take [extractors](extract) as arguments and return a [`Reply`] (or anything
//! [`IntoReply`]); the reply is checked against what Dialogflow accepts before it leaves.
//! [Middleware](middleware) makes sure every call gets an answer, and [`server`] serves it all
//! over HTTP.
//!
//! ```no_run
//! use cxhook::{Reply, Router, extract::Params};
//!
//! #[derive(serde::Deserialize)]
//! struct Order {
//!     order_id: String,
//! }
//!
//! async fn order_status(Params(order): Params<Order>) -> Reply {
//!     Reply::text(format!("Order {} has shipped.", order.order_id))
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let router: Router = Router::new().route("order.status", order_status);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! cxhook::server::serve(listener, cxhook::server::Webhook::new(router)).await
//! # }
//! ```
//!
//! # Features
//!
//! - `test-util`: the `testing` module, which builds the request of any turn
//!   (`RequestBuilder`), answers it in-process through the pipeline the server runs
//!   (`TestClient`), and plays whole conversations (`Conversation`). Enable it in
//!   `[dev-dependencies]`.
//! - `lambda`: the `lambda` module, serving the same webhook on AWS Lambda.
//! - `otlp`: exporting call spans to an OpenTelemetry collector (`logging::Otlp`).

pub use cxhook_types as types;

mod answer;
mod call;
mod error;
pub mod extract;
mod handler;
pub mod http_client;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod logging;
pub mod middleware;
mod ready;
mod reply;
mod routing;
pub mod server;
#[cfg(feature = "test-util")]
pub mod testing;

pub use answer::{Answer, AnswerBody, ErrorBody, Outcome};
pub use call::Call;
pub use error::{BoxError, Error, ErrorKind};
pub use handler::{BoxFuture, Handler};
pub use ready::ReadyCheck;
pub use reply::{IntoReply, Reply, ReplyError};
pub use routing::{Fallback, Router};
