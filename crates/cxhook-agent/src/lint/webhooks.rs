//! The rules that check the agent against the webhook that serves it ([`Served`]): tags the
//! agent calls and the router does not serve, served tags never called, webhook timeouts
//! shorter than the webhook's own deadline, and parameters a tag needs that nothing sets.
//!
//! Only standard webhooks are the served webhook's: a flexible webhook speaks its own
//! protocol to some other service. A disabled webhook is never called and is not judged.

use std::collections::BTreeSet;
use std::time::Duration;

use super::finding::{Finding, Rule, Served, Severity};
use super::walk::Site;
use crate::load::Loaded;
use crate::model::Webhook;

/// How long CX waits for a webhook whose export names no timeout.
const CX_DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether calls of `webhook` go to the served webhook: standard and not disabled.
fn is_served(webhook: &Webhook) -> bool {
    !webhook.disabled
        && webhook
            .generic_web_service
            .as_ref()
            .is_none_or(|service| service.webhook_type.is_standard())
}

/// The fulfillments that call the served webhook, with their tags.
fn calls<'s, 'a>(loaded: &Loaded, sites: &'s [Site<'a>]) -> Vec<(&'s Site<'a>, &'a str)> {
    sites
        .iter()
        .filter_map(|site| {
            let webhook = loaded.agent.webhook(site.fulfillment.webhook.as_deref()?)?;
            is_served(webhook).then(|| (site, site.fulfillment.tag.as_deref().unwrap_or("")))
        })
        .collect()
}

/// A parameter name as the webhook sees it: no `$session.params.`/`$flow.` prefix, lower
/// case (CX compares parameter names case-insensitively).
fn plain(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_prefix("$session.params.")
        .or_else(|| name.strip_prefix("$flow."))
        .unwrap_or(name);
    name.to_lowercase()
}

/// Every parameter something in the agent sets: form parameters, parameter presets, intent
/// parameters, flexible webhooks' parameter mappings, and what the served tags the agent
/// calls set.
fn set_anywhere(loaded: &Loaded, sites: &[Site<'_>], served: &Served) -> BTreeSet<String> {
    let agent = &loaded.agent;
    let mut set = BTreeSet::new();
    for flow in agent.flows.values() {
        for page in flow.pages.values() {
            set.extend(page.form.parameters.iter().map(|p| plain(&p.display_name)));
        }
    }
    for site in sites {
        let presets = &site.fulfillment.set_parameter_actions;
        set.extend(presets.iter().map(|action| plain(&action.parameter)));
    }
    for intent in agent.intents.values() {
        set.extend(intent.parameters.iter().map(|p| plain(&p.id)));
    }
    for webhook in agent.webhooks.values() {
        if let Some(service) = &webhook.generic_web_service {
            set.extend(service.parameter_mapping.iter().map(|m| plain(&m.key)));
        }
    }
    let called: BTreeSet<&str> = calls(loaded, sites).into_iter().map(|(_, t)| t).collect();
    for tag in &served.reads {
        if called.contains(tag.tag.as_str()) {
            set.extend(tag.sets.iter().map(|name| plain(name)));
        }
    }
    set
}

/// The checks against `served`.
pub(super) fn against(
    loaded: &Loaded,
    sites: &[Site<'_>],
    served: &Served,
    findings: &mut Vec<Finding>,
) {
    let calls = calls(loaded, sites);
    let set = set_anywhere(loaded, sites, served);
    for (site, tag) in &calls {
        let webhook = site.fulfillment.webhook.as_deref().unwrap_or_default();
        let at = |rule, severity, message| Finding {
            severity,
            rule,
            file: site.file.to_owned(),
            json_path: format!("{}.tag", site.path),
            message,
        };
        if !tag.is_empty() && !served.tags.contains(*tag) {
            findings.push(at(
                Rule::UnservedTag,
                Severity::Error,
                format!(
                    "calls tag `{tag}` of webhook `{webhook}`, which the configured webhook \
                     does not serve"
                ),
            ));
        }
        let Some(declared) = served.reads.iter().find(|reads| reads.tag == *tag) else {
            continue;
        };
        for need in &declared.needs {
            if need.iter().any(|name| set.contains(&plain(name))) {
                continue;
            }
            let names: Vec<String> = need.iter().map(|name| format!("`{name}`")).collect();
            findings.push(at(
                Rule::UncollectedParameter,
                Severity::Error,
                format!(
                    "tag `{tag}` reads {}, which no form, parameter preset, intent or \
                     webhook of the agent sets",
                    names.join(" or ")
                ),
            ));
        }
    }
    let called: BTreeSet<&str> = calls.iter().map(|(_, tag)| *tag).collect();
    for tag in &served.tags {
        if !called.contains(tag.as_str()) {
            findings.push(Finding {
                severity: Severity::Warning,
                rule: Rule::UnusedTag,
                file: String::new(),
                json_path: String::new(),
                message: format!(
                    "the configured webhook serves tag `{tag}`, which the agent never calls"
                ),
            });
        }
    }
    for (name, webhook) in &loaded.agent.webhooks {
        if !is_served(webhook) {
            continue;
        }
        let timeout = webhook
            .timeout
            .map(|t| t.to_std())
            .filter(|t| !t.is_zero())
            .unwrap_or(CX_DEFAULT_TIMEOUT);
        if timeout >= served.deadline {
            continue;
        }
        findings.push(Finding {
            severity: Severity::Warning,
            rule: Rule::WebhookTimeout,
            file: loaded
                .sources
                .webhooks
                .get(name)
                .cloned()
                .unwrap_or_default(),
            json_path: match webhook.timeout {
                Some(_) => "timeout".to_owned(),
                None => ".".to_owned(),
            },
            message: format!(
                "CX waits {} ms for webhook `{name}`, less than the configured webhook's \
                 deadline of {} ms: CX gives up before a slow call is answered with the \
                 deadline text",
                timeout.as_millis(),
                served.deadline.as_millis()
            ),
        });
    }
}
