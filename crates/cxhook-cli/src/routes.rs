//! The router `cxhook serve` runs: the routes of the built-in integrations, and what calls
//! with an unknown tag get.

use cxhook::{Fallback, Router};

use crate::config::Config;

/// The router for `config`. No integration is built in yet, so it serves no tag: every call
/// gets the unknown-tag answer (a reply saying the webhook can't help, or the configured
/// `fallback.unknown_tag_status`).
pub(crate) fn router(config: &Config) -> Router {
    let router = Router::new();
    match config.fallback.unknown_tag_status {
        Some(status) => router.fallback(Fallback::status(status)),
        None => router,
    }
}
