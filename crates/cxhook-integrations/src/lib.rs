//! The built-in integrations of cxhook, each behind its own feature and served by
//! `cxhook serve` from its configuration section.
//!
//! - [`accounts`] (feature `accounts`, on by default): balances and recent transactions
//!   from a database; SQLite (embedded, created and seeded on first run) for one replica.

#[cfg(feature = "accounts")]
pub mod accounts;
