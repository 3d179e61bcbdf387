//! The router `cxhook serve` runs: the routes of the built-in integrations, and what calls
//! with an unknown tag get.

use anyhow::Context;
use cxhook::{Fallback, Router};

use crate::config::Config;

/// The router for `config`: the tags of each enabled integration (opening their databases),
/// and the unknown-tag answer for every other call (a reply saying the webhook can't help, or
/// the configured `fallback.unknown_tag_status`).
pub(crate) fn router(config: &Config) -> anyhow::Result<Router> {
    let mut router = Router::new();
    if config.accounts.enabled {
        let accounts = cxhook_integrations::accounts::router(&config.accounts)
            .context("cannot start the accounts integration ([accounts])")?;
        router = router.merge(accounts);
    }
    if config.weather.enabled {
        let weather = cxhook_integrations::weather::router(&config.weather)
            .context("cannot start the weather integration ([weather])")?;
        router = router.merge(weather);
    }
    if config.booking.enabled {
        let booking = cxhook_integrations::booking::router(&config.booking)
            .context("cannot start the booking integration ([booking])")?;
        router = router.merge(booking);
    }
    Ok(match config.fallback.unknown_tag_status {
        Some(status) => router.fallback(Fallback::status(status)),
        None => router,
    })
}
