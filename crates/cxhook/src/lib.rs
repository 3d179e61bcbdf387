//! Write, run and test Dialogflow CX webhooks.
//!
//! A [`Router`] sends each webhook call to the `async fn` registered for its fulfillment tag.
//! Handlers take [extractors](extract) as arguments and return a [`Reply`] (or anything
//! [`IntoReply`]); the reply is checked against what Dialogflow accepts before it leaves.
//! [Middleware](middleware) makes sure every call gets an answer, and the `server` module
//! (feature `server`, on by default) serves it all over HTTP.
//!
//! Every call goes through one [pipeline](server::pipeline) of tower layers over [`Call`] →
//! [`Answer`], and a tower layer of your own goes into it at three scopes, as in axum: around
//! one tag's handler ([`Router::tag_layer`]), around every route ([`Router::layer`]), or
//! around every call, routed or not ([`Webhook::layer`](server::Webhook::layer)). Your layers
//! run inside the deadline and recover layers, so a call still gets its answer in time when
//! one of them panics or stalls. `examples/layers` shows one at each scope.
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
//! Without default features cxhook is its core: the [`Router`], its [extractors](extract),
//! [`Reply`] and [`Answer`], [`Error`], and the [deadline](middleware::deadline) and
//! [recover](middleware::recover) layers, together a tower service from a [`Call`] to its
//! [`Answer`] that any transport can run. It depends on tower, tokio's timer, serde and
//! `http`'s types, and on no HTTP stack. The runtime around it is behind features, on by
//! default, because most users serve a webhook and should not have to ask for a server;
//! a library of handlers, or a transport of its own, turns them off.
//!
//! They are features of this crate rather than a crate of their own because the runtime is
//! not one piece that users take whole: the built-in integrations take the HTTP client
//! (weather, booking) or `Secret` (Postgres) and no server, and the accounts integration takes
//! the core alone. One `cxhook-server` crate would give them all or nothing; a crate per piece
//! would be five crates to keep in step. With the defaults on, `cxhook` is still a working
//! server in one line of `Cargo.toml`, every path (`cxhook::server::Webhook`) where it was.
//!
//! | Feature | What it adds | Default |
//! |---|---|---|
//! | `server` | The `server` module: the HTTP edge (`POST /webhook`, `/healthz`, `/readyz`, `/metrics` from a Prometheus exporter), connection limits, recording calls, graceful shutdown, and the bytes-in/bytes-out `Endpoint`. Enables `auth` and `logging`. | Yes |
//! | `auth` | `middleware::auth`: the credentials a call must carry (basic, bearer, a header, a Google ID token checked against fetched keys). Enables `http-client` and `secret`. | Yes |
//! | `secret` | `Secret`: a credential from the environment or a file, compared in constant time, never shown in logs or `Debug` output (auth's keys, a database password). | Yes |
//! | `memory` | `memory`: facts about users across sessions: the `Memory` extractor, the `MemoryLayer` that resolves who the caller is and stores a call's changes only when it succeeds, and the store seam (`MemoryStore`), keyed by the HMAC-SHA256 of each user's identity under a server secret (`MemorySecret`), so a copy of the store names nobody. Enables `secret`. | Yes |
//! | `http-client` | The `http_client` module: the process-wide HTTP client for handlers that call other services (rustls, bounded bodies, timeouts). | Yes |
//! | `logging` | The `logging` module: installing the global log subscriber, human or Cloud Logging JSON lines, batched or not. | Yes |
//! | `lambda` | The `lambda` module: the same webhook served on AWS Lambda. Enables `server`. | No |
//! | `otlp` | Exporting the server's call spans to an OpenTelemetry collector (`logging::Otlp`). Enables `server`. | No |
//!
//! `server` takes `auth` and `logging` along because its edge checks a call's credentials
//! before reading the body and writes the call's trace into the fields the JSON log lines
//! read; the Prometheus exporter and call recording are part of it for the same reason: the
//! edge holds them.
//!
//! The conversation simulator (building requests, playing conversations, calling a webhook
//! in-process from tests) is the `cxhook-sim` crate.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub use cxhook_types as types;

mod answer;
mod call;
mod error;
pub mod extract;
mod handler;
#[cfg(feature = "http-client")]
pub mod http_client;
#[cfg(feature = "lambda")]
pub mod lambda;
mod localized;
#[cfg(feature = "logging")]
pub mod logging;
#[cfg(feature = "memory")]
pub mod memory;
pub mod middleware;
mod ready;
mod reply;
mod route;
mod routing;
#[cfg(feature = "secret")]
mod secret;
#[cfg(feature = "server")]
pub mod server;
mod start;

pub use answer::{Answer, AnswerBody, ErrorBody, Outcome};
pub use call::Call;
pub use error::{BoxError, Error, ErrorKind};
pub use handler::{BoxFuture, Handler};
pub use localized::{Localized, language_subtag};
pub use ready::ReadyCheck;
pub use reply::{IntoReply, Reply, ReplyError};
pub use route::{Route, RouteFuture};
pub use routing::{Fallback, Router};
#[cfg(feature = "secret")]
pub use secret::{Secret, SecretError};
