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
use cxhook::Localized;
use cxhook::http_client::HttpClient;
use cxhook::middleware::{DeadlineLayer, RecoverLayer};
use cxhook::server::{self, Webhook};
use cxhook::{Fallback, Router};

use cxhook_integrations::messages::Catalog;

use crate::config::Config;

/// The webhook `config` describes: the integrations' router with every layer. Installs the
/// metrics recorder when `[metrics]` asks for one, before the integrations start, so that
/// everything they record is counted.
pub(crate) fn webhook(config: &Config) -> anyhow::Result<Webhook> {
    HttpClient::shared().set_body_limit(config.upstream_body_limit);
    let recover = match &config.fallback.text {
        Some(text) => RecoverLayer::with_text(text),
        None => RecoverLayer::with_texts(localized(&config.messages, "fallback-failure")),
    }
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
/// saying their sentences from the configured catalog), and the unknown-tag answer for every
/// other call (a reply in the caller's language saying the webhook can't help, or the
/// configured `fallback.unknown_tag_status`).
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
        let booking =
            cxhook_integrations::booking::router_saying(&config.booking, config.messages.clone())
                .context("cannot start the booking integration ([booking])")?;
        router = router.merge(booking);
    }
    // Around every integration's tags, so that each call's parameters are remembered.
    let router =
        cxhook_integrations::memory::around_saying(&config.memory, router, config.messages.clone())
            .context("cannot start memory ([memory])")?;
    Ok(match config.fallback.unknown_tag_status {
        Some(status) => router.fallback(Fallback::status(status)),
        None => router.fallback(Fallback::text(localized(
            &config.messages,
            "fallback-unknown-tag",
        ))),
    })
}

/// The deadline layer of the `[deadline]` section.
fn deadline(config: &Config) -> DeadlineLayer {
    let deadline = DeadlineLayer::new(config.deadline.timeout)
        .margin(config.deadline.margin)
        .texts(match &config.deadline.text {
            Some(text) => Localized::new(text.as_str()),
            None => localized(&config.messages, "fallback-deadline"),
        });
    match &config.deadline.param {
        Some(param) => deadline.set_param(param),
        None => deadline,
    }
}

/// Message `id`, which takes no arguments, in every language of `messages`, English the
/// default: one of the server's own fallbacks in the caller's language. A language whose
/// text is blank (an override that says nothing) is left to the default.
fn localized(messages: &Catalog, id: &str) -> Localized {
    let english = messages.say("en", id, &[]);
    messages
        .languages()
        .into_iter()
        .map(|language| (language, messages.say(language, id, &[])))
        .filter(|(_, text)| !text.trim().is_empty())
        .fold(Localized::new(english), |texts, (language, text)| {
            texts.with(language, text)
        })
}

#[cfg(test)]
mod tests {
    use cxhook::Fallback;
    use cxhook::middleware::deadline::DEFAULT_DEADLINE_TEXT;
    use cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT;

    use super::*;

    #[test]
    fn the_english_fallbacks_of_the_catalog_are_the_librarys_and_each_language_has_its_own() {
        let messages = Catalog::shipped();
        for (id, library) in [
            ("fallback-failure", DEFAULT_FALLBACK_TEXT),
            ("fallback-deadline", DEFAULT_DEADLINE_TEXT),
            ("fallback-unknown-tag", Fallback::DEFAULT_TEXT),
        ] {
            let texts = localized(&messages, id);
            assert_eq!(texts.default_text(), library, "{id}");
            assert_eq!(texts.get("en-GB"), library, "{id}");
            for language in ["de-AT", "fr", "es-419"] {
                assert_ne!(texts.get(language), library, "{id} in {language}");
            }
            assert_eq!(texts.get("de"), messages.say("de", id, &[]), "{id}");
        }
    }

    /// The webhook of a configuration without integrations, a webhook timeout of 400 ms
    /// and `extra` keys (after the `[deadline]` section's), with a layer around every call that fails the calls tagged `fails`,
    /// panics on `panics` and never answers `stalls`.
    fn misbehaving(extra: &str) -> cxhook::server::Endpoint {
        use std::future::Future;
        use std::pin::Pin;

        type Answering =
            Pin<Box<dyn Future<Output = Result<cxhook::Answer, cxhook::Error>> + Send>>;

        fn misbehave(call: cxhook::Call) -> Answering {
            let tag = call.tag().unwrap_or_default().to_owned();
            Box::pin(async move {
                match tag.as_str() {
                    "fails" => Err(cxhook::Error::new(std::io::Error::other("disk full"))),
                    "panics" => panic!("index out of bounds"),
                    _ => std::future::pending().await,
                }
            })
        }

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cxhook.toml");
        std::fs::write(
            &file,
            format!(
                "[accounts]\nenabled = false\n[weather]\nenabled = false\n\
                 [booking]\nenabled = false\n[metrics]\nenabled = false\n\
                 [deadline]\ntimeout_ms = 400\nmargin_ms = 100\n{extra}"
            ),
        )
        .unwrap();
        let config = Config::resolve(Some(&file), None).unwrap();
        webhook(&config)
            .unwrap()
            .layer(tower::layer::layer_fn(|_| tower::service_fn(misbehave)))
            .into_endpoint()
    }

    /// The text `endpoint` answers a call tagged `tag` in `language` with.
    async fn text(endpoint: &cxhook::server::Endpoint, tag: &str, language: &str) -> String {
        let request = serde_json::json!({
            "fulfillmentInfo": {"tag": tag},
            "languageCode": language,
        });
        let answered = endpoint.answer(request.to_string().as_bytes()).await;
        assert_eq!(answered.status, http::StatusCode::OK);
        let reply: serde_json::Value = serde_json::from_slice(&answered.body).unwrap();
        reply["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
            .as_str()
            .unwrap_or_else(|| panic!("no text: {reply}"))
            .to_owned()
    }

    #[tokio::test]
    async fn a_failure_and_a_call_out_of_time_are_answered_in_the_callers_language() {
        let endpoint = misbehaving("");
        let messages = Catalog::shipped();
        for language in ["en-US", "de-AT", "fr", "es-419", "it"] {
            let failure = messages.say(language, "fallback-failure", &[]);
            assert_eq!(text(&endpoint, "fails", language).await, failure);
            assert_eq!(text(&endpoint, "panics", language).await, failure);
            let deadline = messages.say(language, "fallback-deadline", &[]);
            assert_eq!(text(&endpoint, "stalls", language).await, deadline);
        }
        assert_eq!(
            text(&endpoint, "panics", "de").await,
            "Entschuldigung, bei uns ist gerade etwas schiefgelaufen. Bitte versuchen Sie es \
             gleich noch einmal."
        );
        assert_eq!(
            text(&endpoint, "stalls", "it").await,
            DEFAULT_DEADLINE_TEXT,
            "a language without a catalog hears English"
        );
    }

    #[tokio::test]
    async fn configured_fallback_texts_are_said_in_every_language() {
        let endpoint = misbehaving("text = \"Still on it.\"\n[fallback]\ntext = \"Oops.\"\n");
        for language in ["en", "de", "fr", "es"] {
            assert_eq!(text(&endpoint, "fails", language).await, "Oops.");
            assert_eq!(text(&endpoint, "stalls", language).await, "Still on it.");
        }
    }
}
