//! The HTTP edge: `POST /webhook`, `GET /healthz`, `GET /readyz`, `GET /metrics`, graceful
//! shutdown.
//!
//! [`Webhook`] turns a [`Router`](crate::Router) into the service that answers Dialogflow:
//! it reads and checks the body (413, 415, gzip decompressed, 400 with the JSON path of the
//! first error), runs the call through the [pipeline] of tower layers (a span that names the
//! request and its trace, metrics for `/metrics`, [recording](record) when asked, a guard
//! that sends a logged fallback instead of a response over 64 KiB, the deadline and recover
//! layers, the user's own layers, the router), and writes the answer. [`serve`] and
//! [`serve_with_shutdown`] run it on a listener.

mod activity;
mod body;
mod connection;
mod edge;
mod file_limit;
mod limits;
mod meta;
pub mod metrics;
mod parse;
pub mod pipeline;
mod readiness;
pub mod record;
mod response;
mod shutdown;
mod socket;
mod transport_errors;

pub use edge::{Answered, DEFAULT_BODY_LIMIT, Endpoint, Webhook};
pub use limits::{
    DEFAULT_CONCURRENCY_LIMIT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_HEADERS,
    DEFAULT_REQUEST_TIMEOUT, Limits, MAX_JSON_DEPTH,
};
pub use meta::Meta;
pub use metrics::{Metrics, install as install_metrics};
pub use readiness::Readiness;
pub use shutdown::{serve, serve_with_shutdown, shutdown_signal};
