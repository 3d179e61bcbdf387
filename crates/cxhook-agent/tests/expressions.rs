//! Every condition, system function call, message and parameter preset in the three test
//! agents parses, so that the runtime can rely on it: the files are walked as plain JSON,
//! independently of the loader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cxhook_agent::condition::Condition;
use cxhook_agent::reference::{IntentPart, Reference, RequestField, Scope};
use cxhook_agent::template::{BodyTemplate, JsonTemplate, Template};
use serde_json::Value;

/// A scope where nothing is set.
struct Empty;

impl Scope for Empty {
    fn session_param(&self, _: &str) -> Option<Value> {
        None
    }
    fn flow_param(&self, _: &str) -> Option<Value> {
        None
    }
    fn page_status(&self) -> Option<Value> {
        None
    }
    fn page_param_status(&self, _: &str) -> Option<Value> {
        None
    }
    fn intent_param(&self, _: &str, _: IntentPart) -> Option<Value> {
        None
    }
    fn request(&self, _: &RequestField) -> Option<Value> {
        None
    }
    fn random(&self) -> f64 {
        0.5
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// What the walk found and parsed.
#[derive(Default)]
struct Tally {
    conditions: usize,
    templates: usize,
    presets: usize,
    references: usize,
    targets: usize,
    bodies: usize,
    /// `$sys.func.NAME(` occurrences in the strings parsed, by name.
    parsed_calls: BTreeMap<String, usize>,
    /// `$sys.func.NAME(` occurrences in every string of the files, by name.
    all_calls: BTreeMap<String, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn count_calls(text: &str, into: &mut BTreeMap<String, usize>) {
        for (i, _) in text.match_indices("$sys.func.") {
            let name: String = text[i + 10..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            *into.entry(name).or_default() += 1;
        }
    }

    fn parsed(&mut self, text: &str) {
        Self::count_calls(text, &mut self.parsed_calls);
    }

    fn check<T, E: std::fmt::Display>(&mut self, at: &str, result: Result<T, E>) -> Option<T> {
        result
            .map_err(|e| self.failures.push(format!("{at}: {e}")))
            .ok()
    }

    fn condition(&mut self, at: &str, text: &str) {
        self.parsed(text);
        if let Some(c) = self.check(at, Condition::parse(text)) {
            self.conditions += 1;
            // Evaluating with nothing set must not panic; a failing call is an Err.
            let _ = c.eval(&Empty);
        }
    }

    fn template(&mut self, at: &str, text: &str) {
        self.parsed(text);
        if let Some(t) = self.check(at, Template::parse(text)) {
            self.templates += 1;
            let _ = t.render(&Empty);
        }
    }

    fn preset(&mut self, at: &str, value: &Value) {
        self.parsed(&value.to_string());
        if let Some(t) = self.check(at, JsonTemplate::parse(value)) {
            self.presets += 1;
            let _ = t.evaluate(&Empty);
        }
    }

    fn target(&mut self, at: &str, text: &str) {
        self.parsed(text);
        if self.check(at, Reference::parse_target(text)).is_some() {
            self.targets += 1;
        }
    }

    fn reference(&mut self, at: &str, text: &str) {
        if self.check(at, Reference::parse(text)).is_some() {
            self.references += 1;
        }
    }
}

fn walk(value: &Value, at: &str, tally: &mut Tally) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let here = format!("{at}.{key}");
                match (key.as_str(), member) {
                    ("condition", Value::String(text)) => tally.condition(&here, text),
                    ("setParameterActions", Value::Array(actions)) => {
                        for (i, action) in actions.iter().enumerate() {
                            let here = format!("{here}[{i}]");
                            let target = action["parameter"].as_str().unwrap();
                            tally.target(&format!("{here}.parameter"), target);
                            tally.preset(&format!("{here}.value"), &action["value"]);
                        }
                    }
                    ("text", Value::Object(text)) => {
                        for (i, line) in text["text"].as_array().into_iter().flatten().enumerate() {
                            tally.template(&format!("{here}.text[{i}]"), line.as_str().unwrap());
                        }
                    }
                    ("payload", payload) => tally.preset(&here, payload),
                    ("requestBody", Value::String(body)) => {
                        tally.parsed(body);
                        if tally.check(&here, BodyTemplate::parse(body)).is_some() {
                            tally.bodies += 1;
                        }
                    }
                    ("parameterMapping", Value::Array(mappings)) => {
                        for (i, mapping) in mappings.iter().enumerate() {
                            let key = mapping["key"].as_str().unwrap();
                            tally.target(&format!("{here}[{i}].key"), key);
                        }
                    }
                    ("inputParameters", Value::Array(inputs)) => {
                        for (i, input) in inputs.iter().enumerate() {
                            let text = input["value"].as_str().unwrap();
                            tally.template(&format!("{here}[{i}].value"), text);
                        }
                    }
                    ("outputParameter", Value::String(text)) => tally.reference(&here, text),
                    _ => walk(member, &here, tally),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{at}[{i}]"), tally);
            }
        }
        _ => {}
    }
}

fn all_strings(value: &Value, tally: &mut Tally) {
    match value {
        Value::String(s) => Tally::count_calls(s, &mut tally.all_calls),
        Value::Array(items) => items.iter().for_each(|v| all_strings(v, tally)),
        Value::Object(map) => map.values().for_each(|v| all_strings(v, tally)),
        _ => {}
    }
}

fn tally(agent: &str) -> Tally {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/agents")
        .join(agent);
    let mut files = Vec::new();
    json_files(&root, &mut files);
    files.sort();
    let mut tally = Tally::default();
    for file in files {
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        walk(&value, &name, &mut tally);
        all_strings(&value, &mut tally);
    }
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert_eq!(
        tally.parsed_calls, tally.all_calls,
        "every $sys.func call in the files is in a string the walk parsed"
    );
    tally
}

#[test]
fn goodbye_graffiti_parses_whole() {
    let t = tally("goodbye-graffiti");
    let calls: Vec<(&str, usize)> = t
        .parsed_calls
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        calls,
        [
            ("ADD", 9),
            ("APPEND", 38),
            ("CONCATENATE", 1),
            ("CONTAIN", 28),
            ("COUNT", 4),
            ("IF", 95),
            ("JOIN", 3),
            ("LEN", 4),
            ("LOWER", 14),
            ("NESTED_FIELD", 8),
            ("REMOVE", 14),
            ("TO_TEXT", 5),
        ]
    );
    assert_eq!(
        (
            t.conditions,
            t.templates,
            t.presets,
            t.targets,
            t.references,
            t.bodies
        ),
        (133, 185, 291, 301, 2, 1)
    );
}

#[test]
fn divebooker_parses_whole() {
    let t = tally("divebooker");
    assert_eq!((t.conditions, t.templates), (1, 39));
}

#[test]
fn blood_donation_parses_whole() {
    let t = tally("blood-donation");
    assert_eq!((t.conditions, t.templates, t.references), (1, 22, 2));
}
