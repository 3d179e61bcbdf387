//! The framework end to end: replies, extractors, routing, recovery and the HTTP edge.

mod edge;
mod extract;
mod logging;
mod recover;
mod reply;
mod routing;
mod support;
