//! The built-in integrations of cxhook, each behind its own feature and served by
//! `cxhook serve` from its configuration section.
//!
//! - [`accounts`] (feature `accounts`, on by default): balances and recent transactions
//!   from a database; SQLite (embedded, created and seeded on first run) for one replica.
//! - [`booking`] (feature `booking`, on by default): appointment booking with form
//!   validation (opening hours in a time zone), idempotent creation that books each slot once,
//!   and cancellation; in the SQLite file, or through an external scheduling API.
//! - [`weather`] (feature `weather`, on by default): the current weather of a place from an
//!   HTTP provider (Open-Meteo, no API key), behind an in-process cache that coalesces misses.
//!
//! The accounts and bookings live in SQLite ([`sqlite`]) or, with feature `postgres` (on by
//! default), on a Postgres server that many replicas share ([`postgres`]), picked by the
//! `database` key ([`database`]). The weather's cache has a second level in a
//! Redis server that the replicas share, when one is configured ([`shared_cache`]).
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
//!   HTTP client. Each module's `Parts` names what it has.
//! - Both fail with [`Error`], and a key that cannot work is a [`ConfigError`] naming it.
//! - The handlers read the call's parameters through
//!   [`Params`](cxhook::extract::Params): where the page's form has a value for a
//!   parameter, it wins over the session parameter of that name, as the form is what the
//!   page is collecting (in a form validation call it is the value just said).
//! - Background work (reconciling pending bookings) is a start-up task of the router
//!   ([`Router::on_start`](cxhook::Router::on_start)): it begins when the router serves,
//!   on the runtime that serves it, never from inside a handler.

/// A configuration value that cannot work, in any integration's section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{key}`: {problem}")]
pub struct ConfigError {
    /// The key, relative to the section (`tags.balance`, `hours.monday`).
    pub key: String,
    /// What is wrong with its value.
    pub problem: String,
}

/// Why an integration's router could not be built, the same for each of them: a key that
/// cannot work, a database that does not open, a secret that cannot be read.
///
/// One type for the three rather than one per module: they fail in these same few ways
/// (accounts and booking share the database layer and its errors), and whoever builds them
/// (`cxhook serve`, a program of its own) handles each failure alike, naming the section
/// around it. Each module re-exports it (`accounts::Error`), so that a module's
/// constructors read the same as the others'.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value cannot work.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The SQLite database could not be opened.
    #[cfg(any(feature = "accounts", feature = "booking"))]
    #[error(transparent)]
    Sqlite(#[from] sqlite::OpenError),
    /// The Postgres database could not be opened.
    #[cfg(all(feature = "postgres", any(feature = "accounts", feature = "booking")))]
    #[error(transparent)]
    Postgres(#[from] postgres::OpenError),
    /// The booking API's token could not be read.
    #[cfg(feature = "booking")]
    #[error(transparent)]
    Token(#[from] booking::TokenError),
}

/// The error for `key` with this problem.
#[cfg(any(feature = "accounts", feature = "booking", feature = "weather"))]
fn problem<T>(key: impl Into<String>, problem: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError {
        key: key.into(),
        problem: problem.into(),
    })
}

/// Checks the database keys an integration on SQLite has: a file named, at least one
/// connection, a query timeout above zero.
#[cfg(any(feature = "accounts", feature = "booking"))]
fn check_database(
    database: &std::path::Path,
    connections: usize,
    query_timeout_ms: u64,
) -> Result<(), ConfigError> {
    if database.as_os_str().is_empty() {
        return problem("database", "must name a file");
    }
    if connections == 0 {
        return problem("connections", "must be at least 1");
    }
    if query_timeout_ms == 0 {
        return problem("query_timeout_ms", "must be more than 0");
    }
    Ok(())
}

/// Checks an integration's tags, given as `(key, tag)`: each present, no two the same.
#[cfg(any(feature = "accounts", feature = "booking", feature = "weather"))]
fn check_tags(tags: &[(&str, &str)]) -> Result<(), ConfigError> {
    for (i, (key, tag)) in tags.iter().enumerate() {
        if tag.trim().is_empty() {
            return problem(*key, "must not be empty");
        }
        if let Some((other, _)) = tags[..i].iter().find(|(_, t)| t == tag) {
            return problem(*key, format!("must differ from {other}"));
        }
    }
    Ok(())
}

#[cfg(feature = "accounts")]
pub mod accounts;
#[cfg(feature = "booking")]
pub mod booking;
#[cfg(any(feature = "accounts", feature = "booking"))]
pub mod database;
#[cfg(any(feature = "accounts", feature = "booking"))]
mod health;
#[cfg(all(feature = "postgres", any(feature = "accounts", feature = "booking")))]
pub mod postgres;
#[cfg(any(feature = "accounts", feature = "booking"))]
pub mod schema;
#[cfg(feature = "weather")]
pub mod shared_cache;
#[cfg(any(feature = "accounts", feature = "booking"))]
pub mod sqlite;
#[cfg(any(feature = "accounts", feature = "booking"))]
pub mod store;
#[cfg(feature = "weather")]
pub mod weather;
