//! The app: the webhook the configuration describes, the built-in integrations' routes with
//! every layer. `serve` and `lambda` answer through it, and `send`, `replay` and `scenario`
//! call it in-process.
//!
//! Building it installs no logger: the commands install theirs first
//! ([`crate::telemetry::init`]), each with the settings it needs (`lambda` writes each line as
//! it comes, the tools log warnings only), so that nothing here decides for a process what it
//! writes to stderr. The metrics recorder is installed here, as the webhook serves it on
//! `GET /metrics`.

use anyhow::{Context, anyhow};
use cxhook::http_client::HttpClient;
use cxhook::middleware::{DeadlineLayer, RecoverLayer, deadline, recover};
use cxhook::server::{self, Webhook};
use cxhook::{Fallback, Router};

use crate::config::Config;

/// The webhook `config` describes: the integrations' router with every layer. Installs the
/// metrics recorder when `[metrics]` asks for one, before the integrations start, so that
/// everything they record is counted.
pub(crate) fn webhook(config: &Config) -> anyhow::Result<Webhook> {
    HttpClient::shared().set_body_limit(config.upstream_body_limit);
    let recover = RecoverLayer::with_text(
        config
            .fallback
            .text
            .as_deref()
            .unwrap_or(recover::DEFAULT_FALLBACK_TEXT),
    )
    .status(config.fallback.status);
    let metrics = config
        .metrics
        .enabled
        .then(server::install_metrics)
        .transpose()
        .map_err(|e| anyhow!("cannot install the metrics recorder: {e}"))?;
    let mut webhook = Webhook::new(router(config)?)
        .recover(recover)
        .body_limit(config.server.body_limit)
        .deadline(deadline(config))
        .log_params(config.log.params.iter().cloned())
        .auth(config.auth.methods.clone())
        .limits(config.limits);
    if let Some(metrics) = metrics {
        webhook = webhook.metrics(metrics);
    }
    Ok(webhook)
}

/// The router for `config`: the tags of each enabled integration (opening their databases,
/// saying their sentences from the configured catalog),
/// and the unknown-tag answer for every other call (a reply saying the webhook can't help, or
/// the configured `fallback.unknown_tag_status`).
fn router(config: &Config) -> anyhow::Result<Router> {
    let mut router = Router::new();
    if config.accounts.enabled {
        let accounts =
            cxhook_integrations::accounts::router_saying(&config.accounts, config.messages.clone())
                .context("cannot start the accounts integration ([accounts])")?;
        router = router.merge(accounts);
    }
    if config.weather.enabled {
        let shared = cxhook_integrations::shared_cache::SharedCache::open(&config.cache)
            .map_err(|e| anyhow!("`cache.{}`: {}", e.key, e.problem))
            .context("cannot use the shared cache ([cache])")?;
        let parts = cxhook_integrations::weather::Parts {
            shared_cache: shared,
            messages: config.messages.clone(),
            ..Default::default()
        };
        let weather = cxhook_integrations::weather::router_with(&config.weather, parts)
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

/// The deadline layer of the `[deadline]` section.
fn deadline(config: &Config) -> DeadlineLayer {
    let deadline = DeadlineLayer::new(config.deadline.timeout)
        .margin(config.deadline.margin)
        .text(
            config
                .deadline
                .text
                .as_deref()
                .unwrap_or(deadline::DEFAULT_DEADLINE_TEXT),
        );
    match &config.deadline.param {
        Some(param) => deadline.set_param(param),
        None => deadline,
    }
}
