//! Reading a directory of override files and checking each against the shipped catalog.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use fluent_bundle::FluentResource;
use fluent_syntax::ast::Entry;

use super::arguments;

/// An override directory that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The directory or one of its files cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file is not a valid override.
    #[error("{}:{line}: {problem}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong there.
        problem: String,
    },
}

/// A checked override file.
pub(super) struct Override {
    /// Its language subtag, from its name.
    pub(super) language: String,
    /// Its messages.
    pub(super) resource: FluentResource,
}

/// The override files of `dir` (`*.ftl`, by name), each checked against `shipped` (message
/// id to the arguments it takes).
pub(super) fn read(
    dir: &Path,
    shipped: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Vec<Override>, LoadError> {
    let unreadable = |path: &Path| {
        let path = path.to_owned();
        move |source| LoadError::Read { path, source }
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable(dir))? {
        let path = entry.map_err(unreadable(dir))?.path();
        if path.extension().is_some_and(|e| e == "ftl") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let source = std::fs::read_to_string(&path).map_err(unreadable(&path))?;
            let language = language_of(&path)?;
            let resource = check(&path, source, shipped)?;
            Ok(Override { language, resource })
        })
        .collect()
}

/// The language a file overrides, from its name: a language subtag of two or three
/// letters (`de.ftl`, `ita.ftl`).
fn language_of(path: &Path) -> Result<String, LoadError> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if (2..=3).contains(&stem.len()) && stem.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(stem.to_ascii_lowercase())
    } else {
        Err(LoadError::Invalid {
            file: path.to_owned(),
            line: 1,
            problem: format!(
                "`{stem}` is not a language subtag: name an override file by its language \
                 alone, such as de.ftl or it.ftl"
            ),
        })
    }
}

/// `source` parsed, with every message naming a shipped id and only its arguments.
fn check(
    path: &Path,
    source: String,
    shipped: &BTreeMap<String, BTreeSet<String>>,
) -> Result<FluentResource, LoadError> {
    let resource = match FluentResource::try_new(source) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            // The line is where the broken entry starts: the parser's position is where it
            // gave up, which for an unclosed `{` is the end of the file.
            let first = &errors[0];
            let at = first.slice.as_ref().map_or(first.pos.start, |s| s.start);
            return Err(invalid(
                path,
                resource.source(),
                at,
                format!("not valid Fluent: {}", first.kind),
            ));
        }
    };
    let text = resource.source();
    let invalid = |at: usize, problem: String| invalid(path, text, at, problem);
    for entry in resource.entries() {
        let Entry::Message(message) = entry else {
            continue;
        };
        let id = message.id.name;
        let Some(allowed) = shipped.get(id) else {
            return Err(invalid(
                offset_in(text, id),
                format!("`{id}` is not a message of the shipped catalog"),
            ));
        };
        let used = arguments::used(
            message.value.as_ref(),
            message.attributes.iter().map(|a| &a.value),
        );
        if let Some(unknown) = used.iter().find(|u| !allowed.contains(u.name)) {
            let takes = if allowed.is_empty() {
                "none".to_owned()
            } else {
                allowed
                    .iter()
                    .map(|a| format!("${a}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(invalid(
                offset_in(text, unknown.name),
                format!(
                    "`${}` is not an argument of `{id}` (its arguments: {takes})",
                    unknown.name
                ),
            ));
        }
    }
    Ok(resource)
}

/// A problem at byte `at` of `text`, the source of the file at `path`.
fn invalid(path: &Path, text: &str, at: usize, problem: String) -> LoadError {
    LoadError::Invalid {
        file: path.to_owned(),
        line: line_at(text, at),
        problem,
    }
}

/// Where `part`, a slice of `text`, starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .filter(|offset| *offset <= text.len())
        .unwrap_or(0)
}

/// The line, from 1, of byte `offset` of `text`.
fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}
