//! The framework end to end: replies, extractors, routing, recovery and the HTTP edge.

mod auth;
mod deadline;
mod edge;
mod extract;
#[cfg(feature = "lambda")]
mod lambda;
mod limits;
mod logging;
mod metrics;
mod property;
mod readiness;
mod recover;
mod reply;
mod routing;
mod support;
