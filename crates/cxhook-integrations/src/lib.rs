//! The built-in integrations of cxhook, each behind its own feature and served by
//! `cxhook serve` from its configuration section.
//!
//! - [`accounts`] (feature `accounts`, on by default): balances and recent transactions
//!   from a database; SQLite (embedded, created and seeded on first run) for one replica.
//! - [`booking`] (feature `booking`, on by default): appointment booking with form
//!   validation (opening hours in a time zone), idempotent creation that books each slot once,
//!   and cancellation; in the SQLite file, or through an external scheduling API.
//! - [`memory`] (feature `memory`, on by default): users remembered across sessions, keyed
//!   by an HMAC of their identity, with the `[memory]` section's remember, recall, forget
//!   and retention sweep around the other integrations' routes.
//! - [`weather`] (feature `weather`, on by default): the current weather of a place from an
//!   HTTP provider (Open-Meteo, no API key), behind an in-process cache that coalesces misses.
//!
//! The accounts and bookings live in SQLite ([`sqlite`]) or, with feature `postgres` (on by
//! default), on a Postgres server that many replicas share ([`postgres`]), picked by the
//! `database` key ([`database`]). The weather's cache has a second level in a
//! Redis server that the replicas share, when one is configured ([`shared_cache`]).
//!
//! What the integrations say comes from message catalogs in English, German, French and
//! Spanish, matched on the call's language ([`messages`]).
//!
//! # One shape
//!
//! Each integration is a module with the same few items, so that knowing one is knowing
//! all three:
//!
//! - `router(&config)` serves its section: it checks the keys, opens what they name (the
//!   database, the HTTP client) and gives a [`Router`](cxhook::Router) with its tags, or
//!   one with none when `enabled = false`.
//! - `router_with(&config, Parts { .. })` serves it over parts given instead of opened: a
//!   store of your own (another backend, a database shared with other code), a clock, an
//!   HTTP client, the message catalog. Each module's `Parts` names what it has.
//! - `router_saying(&config, messages)` is `router` with the replies said from a catalog
//!   of your own ([`messages::Catalog`], the shipped one with a business's override files).
//! - All three fail with [`Error`], and a key that cannot work is a [`ConfigError`] naming it.
//! - The handlers read the call's parameters through
//!   [`Params`](cxhook::extract::Params): where the page's form has a value for a
//!   parameter, it wins over the session parameter of that name, as the form is what the
//!   page is collecting (in a form validation call it is the value just said).
//! - Background work (reconciling pending bookings) is a start-up task of the router
//!   ([`Router::on_start`](cxhook::Router::on_start)): it begins when the router serves,
//!   on the runtime that serves it, never from inside a handler.

#[cfg(feature = "accounts")]
pub mod accounts;
#[cfg(feature = "booking")]
pub mod booking;
mod config;
#[cfg(any(feature = "accounts", feature = "booking", feature = "memory"))]
pub mod database;
#[cfg(any(feature = "accounts", feature = "booking", feature = "memory"))]
pub mod database_config;
mod error;
#[cfg(any(feature = "accounts", feature = "booking", feature = "memory"))]
mod health;
#[cfg(feature = "memory")]
pub mod memory;
pub mod messages;
#[cfg(all(
    feature = "postgres",
    any(feature = "accounts", feature = "booking", feature = "memory")
))]
pub mod postgres;
#[cfg(any(feature = "accounts", feature = "booking", feature = "memory"))]
pub mod schema;
#[cfg(feature = "weather")]
pub mod shared_cache;
#[cfg(any(feature = "accounts", feature = "booking", feature = "memory"))]
pub mod sqlite;
#[cfg(any(feature = "accounts", feature = "booking", feature = "memory"))]
pub mod store;
#[cfg(feature = "weather")]
pub mod weather;

pub use config::ConfigError;
pub use error::Error;
