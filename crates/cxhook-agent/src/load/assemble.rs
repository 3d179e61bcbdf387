//! The package's files put together into one [`Agent`], each resource under its display name.
//!
//! A file's role follows from its path alone (`flows/<F>/pages/<P>.json` is a page of the flow
//! in `flows/<F>/`), so the main files of resources are read first and the files that belong
//! to them (pages, route groups, training phrases, entities, prompts) attached after. Display
//! names come from each file's `displayName`; the percent-decoded file name stands in when the
//! field is absent, and a disagreement between the two is a warning.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::error::{LoadError, Warning, WarningKind};
use super::package::{Package, decode};
use super::parse::parse;
use crate::model::entity_type::{EntitiesFile, ExcludedPhrasesFile};
use crate::model::generator::PhrasesFile;
use crate::model::intent::TrainingPhrasesFile;
use crate::model::{
    Agent, EntityType, Flow, Generator, Intent, Page, TransitionRouteGroup, Webhook,
};

/// What a file of the package is, from its path.
enum Role<'a> {
    /// `agent.json`.
    Agent,
    /// `flows/<F>/<F>.json`.
    Flow(&'a str),
    /// `flows/<F>/pages/<P>.json`.
    Page { flow: &'a str, stem: &'a str },
    /// `flows/<F>/transitionRouteGroups/<G>.json`.
    FlowGroup { flow: &'a str, stem: &'a str },
    /// `agentTransitionRouteGroups/<G>.json`.
    AgentGroup(&'a str),
    /// `intents/<I>/<I>.json`.
    Intent(&'a str),
    /// `intents/<I>/trainingPhrases/<lang>.json`.
    TrainingPhrases { intent: &'a str, lang: &'a str },
    /// `entityTypes/<E>/<E>.json`.
    EntityType(&'a str),
    /// `entityTypes/<E>/entities/<lang>.json`.
    Entities { entity_type: &'a str, lang: &'a str },
    /// `entityTypes/<E>/excludedPhrases/<lang>.json`.
    ExcludedPhrases { entity_type: &'a str, lang: &'a str },
    /// `webhooks/<W>.json`.
    Webhook(&'a str),
    /// `generators/<G>/<G>.json`.
    Generator(&'a str),
    /// `generators/<G>/phrases/<lang>.json`.
    Prompts { generator: &'a str, lang: &'a str },
    /// Read elsewhere or by no program: test cases (which `load::test_cases` reads) and
    /// Markdown notes kept beside the package; skipped without a warning.
    Skipped,
    /// Anything else, and why the runtime leaves it.
    NotRead(&'static str),
}

impl Role<'_> {
    /// Whether the file is the main file of a resource (read in the first pass).
    fn is_main(&self) -> bool {
        matches!(
            self,
            Self::Agent
                | Self::Flow(_)
                | Self::AgentGroup(_)
                | Self::Intent(_)
                | Self::EntityType(_)
                | Self::Webhook(_)
                | Self::Generator(_)
        )
    }
}

/// The role of the file at `path`.
fn role(path: &str) -> Role<'_> {
    let segments: Vec<&str> = path.split('/').collect();
    let (last, folders) = segments.split_last().unwrap_or((&"", &[]));
    match folders.first().copied() {
        Some("generativeSettings") => {
            return Role::NotRead("generative fallback settings; the offline runtime has no LLM");
        }
        Some("playbooks") => return Role::NotRead("playbooks are not run offline"),
        Some("tools") => {
            return Role::NotRead("tools belong to playbooks, which are not run offline");
        }
        Some("testCases") => return Role::Skipped,
        _ => {}
    }
    if last.ends_with(".md") {
        return Role::Skipped;
    }
    let Some(stem) = last.strip_suffix(".json") else {
        return Role::NotRead("not a JSON file");
    };
    match *folders {
        [] if stem == "agent" => Role::Agent,
        ["flows", flow] if stem == flow => Role::Flow(flow),
        ["flows", flow, "pages"] => Role::Page { flow, stem },
        ["flows", flow, "transitionRouteGroups"] => Role::FlowGroup { flow, stem },
        ["agentTransitionRouteGroups"] => Role::AgentGroup(stem),
        ["intents", intent] if stem == intent => Role::Intent(intent),
        ["intents", intent, "trainingPhrases"] => Role::TrainingPhrases { intent, lang: stem },
        ["entityTypes", entity_type] if stem == entity_type => Role::EntityType(entity_type),
        ["entityTypes", entity_type, "entities"] => Role::Entities {
            entity_type,
            lang: stem,
        },
        ["entityTypes", entity_type, "excludedPhrases"] => Role::ExcludedPhrases {
            entity_type,
            lang: stem,
        },
        ["webhooks"] => Role::Webhook(stem),
        ["generators", generator] if stem == generator => Role::Generator(generator),
        ["generators", generator, "phrases"] => Role::Prompts {
            generator,
            lang: stem,
        },
        _ => Role::NotRead("not a file of the agent export format"),
    }
}

/// The package file each resource came from, for the diagnostics of later checks.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    /// Flow display name → its file.
    pub(crate) flows: BTreeMap<String, String>,
    /// (flow, page) display names → the page's file.
    pub(crate) pages: BTreeMap<(String, String), String>,
    /// (flow, group) display names → the flow-level group's file.
    pub(crate) flow_groups: BTreeMap<(String, String), String>,
    /// Agent-level group display name → its file.
    pub(crate) agent_groups: BTreeMap<String, String>,
    /// Intent display name → its file.
    pub(crate) intents: BTreeMap<String, String>,
    /// (intent display name, language) → its training phrases file.
    pub(crate) training_phrases: BTreeMap<(String, String), String>,
    /// Entity type display name → its file.
    pub(crate) entity_types: BTreeMap<String, String>,
    /// Webhook display name → its file.
    pub(crate) webhooks: BTreeMap<String, String>,
    /// Generator display name → its file.
    pub(crate) generators: BTreeMap<String, String>,
}

/// Reads every file of `package` into one agent, and notes where each resource came from.
pub(crate) fn assemble(
    package: &Package,
    warnings: &mut Vec<Warning>,
) -> Result<(Agent, Sources), LoadError> {
    let mut assembly = Assembly {
        agent: Agent::default(),
        sources: Sources::default(),
        folders: Folders::default(),
        warnings,
    };
    let roles: Vec<(&str, &[u8], Role<'_>)> = package
        .files
        .iter()
        .map(|(file, bytes)| (file.as_str(), bytes.as_slice(), role(file)))
        .collect();
    let (main, parts): (Vec<_>, Vec<_>) =
        roles.into_iter().partition(|(_, _, role)| role.is_main());
    for (file, bytes, role) in main.into_iter().chain(parts) {
        assembly.read(file, bytes, role)?;
    }
    Ok((assembly.agent, assembly.sources))
}

/// Display names by folder name, for the files that belong to a resource's folder.
#[derive(Default)]
struct Folders {
    flows: BTreeMap<String, String>,
    intents: BTreeMap<String, String>,
    entity_types: BTreeMap<String, String>,
    generators: BTreeMap<String, String>,
}

/// The agent being put together.
struct Assembly<'w> {
    agent: Agent,
    sources: Sources,
    folders: Folders,
    warnings: &'w mut Vec<Warning>,
}

impl Assembly<'_> {
    /// Reads one file into the agent. Main files must all come before the others.
    fn read(&mut self, file: &str, bytes: &[u8], role: Role<'_>) -> Result<(), LoadError> {
        match role {
            Role::Agent => {
                let agent: Agent = self.parse(file, bytes)?;
                self.agent = agent;
            }
            Role::Flow(folder) => {
                let mut flow: Flow = self.parse(file, bytes)?;
                let name = self.name(file, folder, &mut flow.display_name)?;
                claim(&mut self.sources.flows, name.clone(), &name, "flow", file)?;
                self.folders.flows.insert(folder.to_owned(), name.clone());
                self.agent.flows.insert(name, flow);
            }
            Role::Page { flow, stem } => {
                let mut page: Page = self.parse(file, bytes)?;
                let name = self.name(file, stem, &mut page.display_name)?;
                let flow = owner(&self.folders.flows, "flows", flow)?;
                let key = (flow.clone(), name.clone());
                claim(&mut self.sources.pages, key, &name, "page", file)?;
                self.flow_mut(&flow).pages.insert(name, page);
            }
            Role::FlowGroup { flow, stem } => {
                let mut group: TransitionRouteGroup = self.parse(file, bytes)?;
                let name = self.name(file, stem, &mut group.display_name)?;
                let flow = owner(&self.folders.flows, "flows", flow)?;
                let key = (flow.clone(), name.clone());
                claim(
                    &mut self.sources.flow_groups,
                    key,
                    &name,
                    "route group",
                    file,
                )?;
                self.flow_mut(&flow).route_groups.insert(name, group);
            }
            Role::AgentGroup(stem) => {
                let mut group: TransitionRouteGroup = self.parse(file, bytes)?;
                let name = self.name(file, stem, &mut group.display_name)?;
                claim(
                    &mut self.sources.agent_groups,
                    name.clone(),
                    &name,
                    "route group",
                    file,
                )?;
                self.agent.route_groups.insert(name, group);
            }
            Role::Intent(folder) => {
                let mut intent: Intent = self.parse(file, bytes)?;
                let name = self.name(file, folder, &mut intent.display_name)?;
                claim(
                    &mut self.sources.intents,
                    name.clone(),
                    &name,
                    "intent",
                    file,
                )?;
                self.folders.intents.insert(folder.to_owned(), name.clone());
                self.agent.intents.insert(name, intent);
            }
            Role::TrainingPhrases { intent, lang } => {
                let phrases: TrainingPhrasesFile = self.parse(file, bytes)?;
                let lang = decode(file, lang)?;
                let intent = owner(&self.folders.intents, "intents", intent)?;
                let key = (intent.clone(), lang.clone());
                self.sources.training_phrases.insert(key, file.to_owned());
                if let Some(intent) = self.agent.intents.get_mut(&intent) {
                    intent
                        .training_phrases
                        .insert(lang, phrases.training_phrases);
                }
            }
            Role::EntityType(folder) => {
                let mut entity_type: EntityType = self.parse(file, bytes)?;
                let name = self.name(file, folder, &mut entity_type.display_name)?;
                claim(
                    &mut self.sources.entity_types,
                    name.clone(),
                    &name,
                    "entity type",
                    file,
                )?;
                self.folders
                    .entity_types
                    .insert(folder.to_owned(), name.clone());
                self.agent.entity_types.insert(name, entity_type);
            }
            Role::Entities { entity_type, lang } => {
                let entities: EntitiesFile = self.parse(file, bytes)?;
                let lang = decode(file, lang)?;
                let name = owner(&self.folders.entity_types, "entityTypes", entity_type)?;
                if let Some(entity_type) = self.agent.entity_types.get_mut(&name) {
                    entity_type.entities.insert(lang, entities.entities);
                }
            }
            Role::ExcludedPhrases { entity_type, lang } => {
                let excluded: ExcludedPhrasesFile = self.parse(file, bytes)?;
                let lang = decode(file, lang)?;
                let name = owner(&self.folders.entity_types, "entityTypes", entity_type)?;
                if let Some(entity_type) = self.agent.entity_types.get_mut(&name) {
                    entity_type
                        .excluded_phrases
                        .insert(lang, excluded.excluded_phrases);
                }
            }
            Role::Webhook(stem) => {
                let mut webhook: Webhook = self.parse(file, bytes)?;
                let name = self.name(file, stem, &mut webhook.display_name)?;
                claim(
                    &mut self.sources.webhooks,
                    name.clone(),
                    &name,
                    "webhook",
                    file,
                )?;
                self.agent.webhooks.insert(name, webhook);
            }
            Role::Generator(folder) => {
                let mut generator: Generator = self.parse(file, bytes)?;
                let name = self.name(file, folder, &mut generator.display_name)?;
                claim(
                    &mut self.sources.generators,
                    name.clone(),
                    &name,
                    "generator",
                    file,
                )?;
                self.folders
                    .generators
                    .insert(folder.to_owned(), name.clone());
                self.agent.generators.insert(name, generator);
            }
            Role::Prompts { generator, lang } => {
                let prompts: PhrasesFile = self.parse(file, bytes)?;
                let lang = decode(file, lang)?;
                let name = owner(&self.folders.generators, "generators", generator)?;
                if let Some(generator) = self.agent.generators.get_mut(&name) {
                    for prompt in prompts.prompt_texts {
                        let lang = match prompt.language_code {
                            code if code.is_empty() => lang.clone(),
                            code => code,
                        };
                        generator.prompts.insert(lang, prompt.text);
                    }
                }
            }
            Role::Skipped => {}
            Role::NotRead(why) => self.warnings.push(Warning {
                file: file.to_owned(),
                json_path: ".".to_owned(),
                kind: WarningKind::NotRead(why),
            }),
        }
        Ok(())
    }

    /// Parses a file, collecting its warnings.
    fn parse<T: DeserializeOwned>(&mut self, file: &str, bytes: &[u8]) -> Result<T, LoadError> {
        parse(file, bytes, self.warnings)
    }

    /// The resource's display name: its `displayName`, else its decoded file name (written
    /// back into `display_name`); a disagreement is a warning.
    fn name(
        &mut self,
        file: &str,
        stem: &str,
        display_name: &mut String,
    ) -> Result<String, LoadError> {
        let file_name = decode(file, stem)?;
        if display_name.is_empty() {
            display_name.clone_from(&file_name);
        } else if *display_name != file_name {
            self.warnings.push(Warning {
                file: file.to_owned(),
                json_path: "displayName".to_owned(),
                kind: WarningKind::NameMismatch {
                    file_name,
                    display_name: display_name.clone(),
                },
            });
        }
        Ok(display_name.clone())
    }

    /// The flow a page or group file belongs to (already read: main files come first).
    fn flow_mut(&mut self, flow: &str) -> &mut Flow {
        self.agent.flows.entry(flow.to_owned()).or_default()
    }
}

/// Records `file` as the source of `key` (display name `name`), unless another file
/// already defines it.
fn claim<K: Ord>(
    sources: &mut BTreeMap<K, String>,
    key: K,
    name: &str,
    kind: &'static str,
    file: &str,
) -> Result<(), LoadError> {
    if let Some(other) = sources.get(&key) {
        return Err(LoadError::Duplicate {
            file: file.to_owned(),
            kind,
            name: name.to_owned(),
            other: other.clone(),
        });
    }
    sources.insert(key, file.to_owned());
    Ok(())
}

/// The display name of the resource whose folder `folder` a part file sits in.
fn owner(names: &BTreeMap<String, String>, kind: &str, folder: &str) -> Result<String, LoadError> {
    names
        .get(folder)
        .cloned()
        .ok_or_else(|| LoadError::MissingFile {
            folder: format!("{kind}/{folder}"),
            expected: format!("{kind}/{folder}/{folder}.json"),
        })
}
