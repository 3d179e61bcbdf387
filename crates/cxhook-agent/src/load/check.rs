//! Every reference between resources resolved, or an error naming the file and JSON path.
//!
//! References in an export are display names, compared case-sensitively as CX compares them:
//! `targetPage` within the flow that holds the route, `targetFlow`, `intent`, `webhook`,
//! route groups (the flow's own first, then agent-level), custom entity types of form and
//! intent parameters (`@sys.*` are built in), the generators a fulfillment runs (by resource
//! ID) and the parameters training phrases annotate. The first dangling reference, in file
//! order, is the error. The conditions and templates met on the way are parsed (the
//! `syntax` module), so the first error in a file is the first of either kind.

use std::collections::BTreeSet;

use super::assemble::Sources;
use super::error::{LoadError, Missing, Warning, WarningKind};
use super::scope::Scope;
use super::syntax;
use crate::model::{Agent, EventHandler, Fulfillment, Target, TransitionRoute};

/// Checks every reference of `agent`, whose files `sources` records.
pub(crate) fn check(
    agent: &Agent,
    sources: &Sources,
    warnings: &mut Vec<Warning>,
) -> Result<(), LoadError> {
    if agent.flow(&agent.start_flow).is_none() {
        return Err(LoadError::Dangling {
            file: "agent.json".to_owned(),
            json_path: "startFlow".to_owned(),
            missing: Missing::Flow(agent.start_flow.clone()),
        });
    }
    for (flow_name, flow) in &agent.flows {
        let mut scope = Scope {
            agent,
            flow: Some(flow_name),
            file: source(&sources.flows, flow_name),
            warnings,
        };
        scope.routes(&flow.transition_routes, "transitionRoutes")?;
        scope.handlers(&flow.event_handlers, "eventHandlers")?;
        scope.groups(&flow.transition_route_groups)?;
        for (page_name, page) in &flow.pages {
            scope.file = source(&sources.pages, &(flow_name.clone(), page_name.clone()));
            scope.fulfillment(&page.entry_fulfillment, "entryFulfillment")?;
            for (index, parameter) in page.form.parameters.iter().enumerate() {
                let path = format!("form.parameters[{index}]");
                scope.entity_type(&parameter.entity_type, &format!("{path}.entityType"))?;
                let fill = &parameter.fill_behavior;
                scope.fulfillment(
                    &fill.initial_prompt_fulfillment,
                    &format!("{path}.fillBehavior.initialPromptFulfillment"),
                )?;
                scope.handlers(
                    &fill.reprompt_event_handlers,
                    &format!("{path}.fillBehavior.repromptEventHandlers"),
                )?;
            }
            scope.routes(&page.transition_routes, "transitionRoutes")?;
            scope.handlers(&page.event_handlers, "eventHandlers")?;
            scope.groups(&page.transition_route_groups)?;
        }
        for (group_name, group) in &flow.route_groups {
            scope.file = source(
                &sources.flow_groups,
                &(flow_name.clone(), group_name.clone()),
            );
            scope.routes(&group.transition_routes, "transitionRoutes")?;
        }
    }
    for (group_name, group) in &agent.route_groups {
        let file = source(&sources.agent_groups, group_name);
        // An agent-level group's page targets name pages of the flow that uses it.
        let users = flows_using(agent, group_name);
        let scopes: Vec<Option<&str>> = if users.is_empty() {
            vec![None]
        } else {
            users.into_iter().map(Some).collect()
        };
        for flow in scopes {
            let mut scope = Scope {
                agent,
                flow,
                file,
                warnings,
            };
            scope.routes(&group.transition_routes, "transitionRoutes")?;
        }
    }
    for (webhook_name, webhook) in &agent.webhooks {
        syntax::webhook(source(&sources.webhooks, webhook_name), webhook, warnings)?;
    }
    for (intent_name, intent) in &agent.intents {
        let file = source(&sources.intents, intent_name);
        let mut scope = Scope {
            agent,
            flow: None,
            file,
            warnings,
        };
        for (index, parameter) in intent.parameters.iter().enumerate() {
            scope.entity_type(
                &parameter.entity_type,
                &format!("parameters[{index}].entityType"),
            )?;
        }
        if intent.training_phrases.values().all(Vec::is_empty) && !intent.is_fallback {
            scope.warn(".", WarningKind::NoTrainingPhrases);
        }
        let ids: BTreeSet<&str> = intent.parameters.iter().map(|p| p.id.as_str()).collect();
        for (lang, phrases) in &intent.training_phrases {
            let file = source(
                &sources.training_phrases,
                &(intent_name.clone(), lang.clone()),
            );
            for (index, phrase) in phrases.iter().enumerate() {
                for (part_index, part) in phrase.parts.iter().enumerate() {
                    let Some(parameter) = &part.parameter_id else {
                        continue;
                    };
                    if !ids.contains(parameter.as_str()) {
                        return Err(LoadError::Dangling {
                            file: file.to_owned(),
                            json_path: format!(
                                "trainingPhrases[{index}].parts[{part_index}].parameterId"
                            ),
                            missing: Missing::IntentParameter {
                                parameter: parameter.clone(),
                                intent: intent_name.clone(),
                            },
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// The file a resource came from (every resource in the agent has one).
fn source<'a, K: Ord>(sources: &'a std::collections::BTreeMap<K, String>, key: &K) -> &'a str {
    sources.get(key).map_or("", String::as_str)
}

/// The flows in which a page or the start page names the route group `group` and which have
/// no flow-level group of that name: where an agent-level group is used.
fn flows_using<'a>(agent: &'a Agent, group: &str) -> Vec<&'a str> {
    agent
        .flows
        .iter()
        .filter(|(_, flow)| !flow.route_groups.contains_key(group))
        .filter(|(_, flow)| {
            let names = |groups: &[String]| groups.iter().any(|name| name == group);
            names(&flow.transition_route_groups)
                || flow
                    .pages
                    .values()
                    .any(|page| names(&page.transition_route_groups))
        })
        .map(|(name, _)| name.as_str())
        .collect()
}

impl Scope<'_, '_> {
    /// An error for a reference at `json_path` to something missing.
    fn dangling(&self, json_path: String, missing: Missing) -> LoadError {
        LoadError::Dangling {
            file: self.file.to_owned(),
            json_path,
            missing,
        }
    }

    /// Records a warning at `json_path` of the current file.
    fn warn(&mut self, json_path: &str, kind: WarningKind) {
        self.warnings.push(Warning {
            file: self.file.to_owned(),
            json_path: json_path.to_owned(),
            kind,
        });
    }

    /// Checks the routes of the list at `path`.
    fn routes(&mut self, routes: &[TransitionRoute], path: &str) -> Result<(), LoadError> {
        for (index, route) in routes.iter().enumerate() {
            let path = format!("{path}[{index}]");
            if route.intent.is_none() && route.condition.is_none() {
                return Err(LoadError::NoTrigger {
                    file: self.file.to_owned(),
                    json_path: path,
                });
            }
            if let Some(intent) = &route.intent
                && self.agent.intent(intent).is_none()
            {
                return Err(
                    self.dangling(format!("{path}.intent"), Missing::Intent(intent.clone()))
                );
            }
            if let Some(condition) = &route.condition {
                self.condition(condition, format!("{path}.condition"))?;
            }
            self.fulfillment(
                &route.trigger_fulfillment,
                &format!("{path}.triggerFulfillment"),
            )?;
            self.target(&route.target, &path)?;
        }
        Ok(())
    }

    /// Checks the event handlers of the list at `path`.
    fn handlers(&mut self, handlers: &[EventHandler], path: &str) -> Result<(), LoadError> {
        for (index, handler) in handlers.iter().enumerate() {
            let path = format!("{path}[{index}]");
            self.fulfillment(
                &handler.trigger_fulfillment,
                &format!("{path}.triggerFulfillment"),
            )?;
            self.target(&handler.target, &path)?;
        }
        Ok(())
    }

    /// Checks the route groups a flow or page names (`transitionRouteGroups`).
    fn groups(&mut self, groups: &[String]) -> Result<(), LoadError> {
        let flow = self.flow.unwrap_or_default();
        for (index, group) in groups.iter().enumerate() {
            if self.agent.route_group(flow, group).is_none() {
                return Err(self.dangling(
                    format!("transitionRouteGroups[{index}]"),
                    Missing::RouteGroup {
                        group: group.clone(),
                        flow: flow.to_owned(),
                    },
                ));
            }
        }
        Ok(())
    }

    /// Checks the target of the route or handler at `path`.
    fn target(&mut self, target: &Target, path: &str) -> Result<(), LoadError> {
        match target {
            Target::Page(page) => match self.flow {
                Some(flow)
                    if self
                        .agent
                        .flow(flow)
                        .is_some_and(|f| f.page(page).is_none()) =>
                {
                    Err(self.dangling(
                        format!("{path}.targetPage"),
                        Missing::Page {
                            page: page.clone(),
                            flow: flow.to_owned(),
                        },
                    ))
                }
                _ => Ok(()),
            },
            Target::Flow(flow) if self.agent.flow(flow).is_none() => {
                Err(self.dangling(format!("{path}.targetFlow"), Missing::Flow(flow.clone())))
            }
            Target::Playbook(_) => {
                self.warn(
                    &format!("{path}.targetPlaybook"),
                    WarningKind::NotRead("playbooks are not run offline"),
                );
                Ok(())
            }
            Target::Flow(_) | Target::Special(_) | Target::None => Ok(()),
        }
    }

    /// Checks the webhook and generators a fulfillment at `path` names, and parses its
    /// conditions and templates.
    fn fulfillment(&mut self, fulfillment: &Fulfillment, path: &str) -> Result<(), LoadError> {
        self.texts(fulfillment, path)?;
        if let Some(webhook) = &fulfillment.webhook {
            if self.agent.webhook(webhook).is_none() {
                return Err(
                    self.dangling(format!("{path}.webhook"), Missing::Webhook(webhook.clone()))
                );
            }
            if fulfillment.tag.as_deref().unwrap_or_default().is_empty() {
                self.warn(&format!("{path}.tag"), WarningKind::WebhookWithoutTag);
            }
        }
        for (index, call) in fulfillment.generators.iter().enumerate() {
            if self.agent.generator(&call.generator).is_none() {
                return Err(self.dangling(
                    format!("{path}.generators[{index}].generator"),
                    Missing::Generator(call.generator.clone()),
                ));
            }
        }
        Ok(())
    }

    /// Checks a parameter's entity type: `@sys.*` is built in, `@<name>` must exist.
    fn entity_type(&mut self, entity_type: &str, path: &str) -> Result<(), LoadError> {
        let name = entity_type.strip_prefix('@').unwrap_or(entity_type);
        if name.is_empty() || name.starts_with("sys.") || self.agent.entity_type(name).is_some() {
            return Ok(());
        }
        Err(self.dangling(path.to_owned(), Missing::EntityType(name.to_owned())))
    }
}
