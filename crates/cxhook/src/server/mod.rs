//! The HTTP edge: `POST /webhook`, `GET /healthz`, `GET /readyz`, graceful shutdown.
//!
//! [`Webhook`] turns a [`Router`](crate::Router) into the service that answers Dialogflow:
//! it reads and checks the body (413, 415, 400 with the JSON path of the first error), runs
//! the call through the recover layer and the router inside a span that names the request,
//! and writes the answer, refusing to send a response over 64 KiB (a logged fallback goes
//! instead). [`serve`] and [`serve_with_shutdown`] run it on a listener.

mod edge;
mod readiness;
mod shutdown;

pub use edge::{Answered, DEFAULT_BODY_LIMIT, Endpoint, Webhook};
pub use readiness::Readiness;
pub use shutdown::{serve, serve_with_shutdown, shutdown_signal};
