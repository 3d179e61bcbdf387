//! Runs the built `cxhook` binary for real: `serve` on loopback ports, its configuration
//! layers, and `send` against it and against stub webhooks; three of it on one Postgres
//! database (`scale`); and reads its sources for the rule that its modules import each other
//! in no loop (`modules`).

mod agent;
mod auth;
mod config;
mod container;
mod db_copy;
mod lambda;
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
