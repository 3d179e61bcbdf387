//! The framework end to end: replies, extractors, routing, recovery and the HTTP edge.

mod auth;
mod client;
mod deadline;
mod diagnostics;
mod edge;
mod extract;
#[cfg(feature = "lambda")]
mod lambda;
mod limits;
mod logging;
mod metrics;
#[cfg(feature = "otlp")]
mod otlp;
mod property;
mod readiness;
mod record;
mod recover;
mod reply;
mod routing;
mod support;
