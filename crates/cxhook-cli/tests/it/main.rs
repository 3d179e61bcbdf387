//! Runs the built `cxhook` binary for real: `serve` on loopback ports, its configuration
//! layers, and `send` against it and against stub webhooks; three of it on one Postgres
//! database (`scale`); and reads the workspace's sources for the rule that no crate's modules
//! import each other in a loop and that cxhook's core imports nothing of its runtime
//! (`modules`).

mod agent;
mod agent_test;
mod auth;
mod config;
mod container;
mod coverage;
mod db_copy;
mod lambda;
mod lint;
mod memory;
mod messages;
mod migrate;
mod modules;
mod postgres;
mod record;
mod replay;
mod scale;
mod scale_weather;
mod scenario;
mod send;
mod serve;
mod support;
