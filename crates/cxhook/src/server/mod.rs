//! The HTTP edge: `POST /webhook`, `GET /healthz`, `GET /readyz`, `GET /metrics`, graceful
//! shutdown.
//!
//! [`Webhook`] turns a [`Router`](crate::Router) into the service that answers Dialogflow:
//! it reads and checks the body (413, 415, gzip decompressed, 400 with the JSON path of the
//! first error), runs the call through the deadline layer, the recover layer and the router
//! inside a span that names the request (and its trace), and writes the answer, refusing to
//! send a response over 64 KiB (a logged fallback goes instead); it counts every call for
//! `/metrics`, and [records](record) calls to a file when asked. [`serve`] and
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
mod readiness;
pub mod record;
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
