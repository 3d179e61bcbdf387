//! No module of the workspace imports another in a loop, and the core of `cxhook` imports
//! nothing of its runtime.
//!
//! A loop ties its modules into one: none of them can be read, moved or tested without the
//! others, and a layer that reaches up into the one above it is no longer below it. Hence the
//! rule, for every crate of the workspace and the examples: each `crate::`, `super::` and
//! `self::` path of `src/**/*.rs` (and each path that starts with the name of a child module)
//! is an edge from the file's module to the module that holds what the path names, and no two
//! modules may reach each other along those edges. In `cxhook`, the modules declared behind a
//! `#[cfg(feature = …)]` are the runtime, and no other module has an edge into them: the core
//! is what `--no-default-features` builds, and it must not need the layer above it.
//!
//! A re-export (`pub use`, `pub(crate) use`) is a module's public face, not a dependency of its
//! own code: `lib.rs` and a parent module gather their children's items under one path for
//! their users. So a re-export is no edge of its own, a path that names an item through it is
//! followed to the module that defines the item, and it is an edge only when the module's own
//! code uses the name it re-exports. A parent module whose children use its items is then in a
//! loop only if its own code uses them back; the cure is a child module of their own for the
//! parent's items, which leaves the parent a pure facade. A glob re-export is no facade: it is
//! read as an ordinary path.
//!
//! The paths are read from the text with comments, strings and character literals left out,
//! which is all the syntax the rule needs; the tests at the end show that reading on each kind
//! of path and on facades.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module, as the path of names from the crate root (empty for the root).
type Module = Vec<String>;

/// One crate's sources: the module of each file, with its text.
struct Crate {
    name: String,
    files: Vec<(Module, String)>,
}

/// For each crate whose modules use one another, an edge its reading must find: without it,
/// the reading of paths is broken and the loop check proves nothing.
const KNOWN: &[(&str, &str, &str)] = &[
    ("cxhook-types", "response", "message"),
    ("cxhook", "server::edge", "routing"),
    ("cxhook-sim", "client", "request"),
    ("cxhook-agent", "condition", "reference"),
    (
        "cxhook-integrations",
        "weather::handlers",
        "weather::provider",
    ),
    ("cxhook-cli", "crate", "cli"),
    ("order-status", "crate", "shop"),
];

#[test]
fn the_modules_import_each_other_in_no_loop() {
    let mut found = Vec::new();
    for krate in workspace() {
        let edges = edges(&krate.files);
        if let Some((_, from, to)) = KNOWN.iter().find(|(name, ..)| *name == krate.name) {
            assert!(
                edges.contains_key(&(module(from), module(to))),
                "{}: {from} uses {to}, yet no such edge was found: the reading of paths is broken",
                krate.name
            );
        } else {
            assert!(
                edges.is_empty(),
                "{}: its modules use each other: add one of its edges to KNOWN",
                krate.name
            );
        }
        let loops = loops(&edges);
        if !loops.is_empty() {
            found.push(format!("{}:\n{}", krate.name, loops.join("\n")));
        }
    }
    assert!(
        found.is_empty(),
        "modules that import each other in a loop (importer -> imported, by path):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_core_of_cxhook_imports_nothing_of_its_runtime() {
    let krate = read_crate("cxhook", &workspace_dir().join("crates/cxhook/src"), true);
    let runtime: Vec<Module> = krate
        .files
        .iter()
        .flat_map(|(module, text)| {
            gated(&code(text))
                .into_iter()
                .map(|name| child(module, &name))
        })
        .collect();
    assert!(
        runtime.contains(&module("server")),
        "`server` is behind a feature, yet it was not found so: the reading of `mod` is broken"
    );
    let is_runtime = |m: &Module| runtime.iter().any(|r| m.starts_with(r));
    let up: Vec<String> = edges(&krate.files)
        .iter()
        .filter(|((from, to), _)| !is_runtime(from) && is_runtime(to))
        .map(|((from, to), path)| format!("{} ({path})", arrow(from, to)))
        .collect();
    assert!(
        up.is_empty(),
        "core modules that import the runtime:\n{}",
        up.join("\n")
    );
}

#[test]
fn a_loop_is_found_through_any_kind_of_path() {
    let files = [
        ("main.rs", "mod a;\nmod b;\nfn main() { a::run(); }"),
        (
            "a.rs",
            "use crate::{b::{self, X}, c};\npub(crate) fn run() { let s = \"crate::z::Y\"; }",
        ),
        (
            "b.rs",
            "// crate::a\npub(crate) struct X;\nconst F: u8 = crate::F;",
        ),
        (
            "c/mod.rs",
            "mod d;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    fn f() { let c = '{'; }\n}",
        ),
        ("c/d.rs", "use super::super::a::run;"),
    ];
    let edges = edges(&sources(&files));
    let names: BTreeSet<String> = edges.keys().map(|(from, to)| arrow(from, to)).collect();
    assert_eq!(
        names,
        BTreeSet::from(
            ["crate -> a", "a -> b", "a -> c", "b -> crate", "c::d -> a"].map(str::to_owned)
        )
    );
    let loops = loops(&edges);
    assert_eq!(
        loops,
        [
            "crate -> a (crate::a::run)",
            "a -> b (crate::b::self)",
            "b -> crate (crate::F)",
        ]
    );
}

#[test]
fn a_re_export_is_no_edge_but_is_seen_through() {
    let files = [
        (
            "lib.rs",
            "mod a;\nmod b;\nmod p;\npub use a::A;\npub(crate) use b::{B as Bee, helper};\n\
             pub use std::fmt::Display as Shown;\nfn root() { helper(); }",
        ),
        ("a.rs", "use crate::{Bee, Shown};\npub struct A;"),
        (
            "b.rs",
            "pub struct B;\npub fn helper() { let _ = crate::A; }",
        ),
        (
            "p/mod.rs",
            "mod config;\nmod q;\npub use config::Config;\npub use q::Q;\npub struct Own;\n\
             fn f() -> Q { Q }",
        ),
        ("p/config.rs", "pub struct Config;"),
        ("p/q.rs", "use super::{Config, Own};\npub struct Q;"),
    ];
    let edges = edges(&sources(&files));
    let names: BTreeSet<String> = edges.keys().map(|(from, to)| arrow(from, to)).collect();
    // Not `crate -> a` (`A` is re-exported, not used), nor an edge for `Shown` (another
    // crate's item), nor `p -> p::config`; `p::q` reaches `Config` where it is defined.
    assert_eq!(
        names,
        BTreeSet::from(
            [
                "crate -> b",
                "a -> b",
                "b -> a",
                "p -> p::q",
                "p::q -> p::config",
                "p::q -> p",
            ]
            .map(str::to_owned)
        )
    );
    let loops = loops(&edges);
    assert_eq!(
        loops,
        [
            "a -> b (crate::b::B)",
            "b -> a (crate::a::A)",
            "p -> p::q (crate::p::q::Q)",
            "p::q -> p (crate::p::Own)",
        ]
    );
}

#[test]
fn a_module_behind_a_feature_is_found_so() {
    let text = "#![cfg_attr(docsrs, feature(doc_cfg))]\nmod core;\n#[cfg(feature = \"server\")]\n\
                pub mod server;\n#[cfg(test)]\nmod tests {}\n\
                #[cfg(any(feature = \"a\", feature = \"b\"))]\npub(crate) mod both;";
    assert_eq!(gated(&code(text)), ["server", "both"]);
}

/// The workspace's root directory.
fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every crate of `crates/` and `examples/`; a package with both `lib.rs` and `main.rs` is two
/// crates, the binary being `main.rs` alone.
fn workspace() -> Vec<Crate> {
    let mut crates = Vec::new();
    for group in ["crates", "examples"] {
        let mut packages: Vec<PathBuf> = std::fs::read_dir(workspace_dir().join(group))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.join("src").is_dir())
            .collect();
        packages.sort();
        for package in packages {
            let name = package.file_name().unwrap().to_string_lossy().into_owned();
            let src = package.join("src");
            let lib = src.join("lib.rs").is_file();
            crates.push(read_crate(&name, &src, lib));
            if lib && src.join("main.rs").is_file() {
                let text = std::fs::read_to_string(src.join("main.rs")).unwrap();
                crates.push(Crate {
                    name: format!("{name} (main.rs)"),
                    files: vec![(vec![], text)],
                });
            }
        }
    }
    crates
}

/// The crate whose sources are under `src`: its `lib.rs` and every module but `main.rs` when
/// `lib`, else its `main.rs` and every module.
fn read_crate(name: &str, src: &Path, lib: bool) -> Crate {
    let mut files = Vec::new();
    read_dir(src, src, &mut files);
    let root = if lib { "main.rs" } else { "lib.rs" };
    files.retain(|(path, _)| path != Path::new(root));
    Crate {
        name: name.to_owned(),
        files: files
            .into_iter()
            .map(|(path, text)| (module_of(&path), text))
            .collect(),
    }
}

/// Files given as (path, text), as a crate's sources.
fn sources(files: &[(&str, &str)]) -> Vec<(Module, String)> {
    files
        .iter()
        .map(|(path, text)| (module_of(Path::new(path)), (*text).to_owned()))
        .collect()
}

/// Every `.rs` file under `dir`, by its path from `root`, with its text.
fn read_dir(root: &Path, dir: &Path, files: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_dir(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            files.push((path.strip_prefix(root).unwrap().to_owned(), text));
        }
    }
}

/// `a::b` as a module; `crate` is the root.
fn module(name: &str) -> Module {
    if name == "crate" {
        vec![]
    } else {
        name.split("::").map(str::to_owned).collect()
    }
}

/// `lib.rs` and `main.rs` are the root, `a/mod.rs` and `a.rs` are `a`, `a/b.rs` is `a::b`.
fn module_of(path: &Path) -> Module {
    let mut names: Module = path
        .with_extension("")
        .iter()
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    let root = names.len() == 1 && matches!(names[0].as_str(), "lib" | "main");
    if root || names.last().is_some_and(|name| name == "mod") {
        names.pop();
    }
    names
}

/// `a::b`, or `crate` for the root.
fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

fn arrow(from: &[String], to: &[String]) -> String {
    format!("{} -> {}", name(from), name(to))
}

/// Each edge between two modules, with the first path that makes it.
fn edges(files: &[(Module, String)]) -> BTreeMap<(Module, Module), String> {
    let modules: BTreeSet<&Module> = files.iter().map(|(module, _)| module).collect();
    let read: Vec<(&Module, Vec<Found>, BTreeSet<String>)> = files
        .iter()
        .map(|(module, text)| {
            let (found, words) = paths(&code(text));
            (module, found, words)
        })
        .collect();
    // What each re-export names, by (module, exported name); `None` for another crate's item.
    let mut exports: BTreeMap<(Module, String), Option<Module>> = BTreeMap::new();
    for (module, found, _) in &read {
        for path in found {
            if let Some(name) = &path.export {
                let target = resolve(module, &path.inline, &path.path, &modules);
                exports.insert(((*module).clone(), name.clone()), target);
            }
        }
    }
    let mut edges = BTreeMap::new();
    for (module, found, words) in &read {
        for path in found {
            if path
                .export
                .as_ref()
                .is_some_and(|name| !words.contains(name))
            {
                continue;
            }
            let Some(target) = resolve(module, &path.inline, &path.path, &modules) else {
                continue;
            };
            let Some((held, target)) = home(target, &modules, &exports) else {
                continue;
            };
            if &held != *module {
                let shown = std::iter::once("crate".to_owned())
                    .chain(target)
                    .collect::<Vec<_>>()
                    .join("::");
                edges.entry(((*module).clone(), held)).or_insert(shown);
            }
        }
    }
    edges
}

/// The module that defines what `target` names, with the path to it there: re-exports on the
/// way are followed to their source. `None` for an item of another crate.
fn home(
    mut target: Module,
    modules: &BTreeSet<&Module>,
    exports: &BTreeMap<(Module, String), Option<Module>>,
) -> Option<(Module, Module)> {
    // A chain of re-exports is short; this bound only stops a loop of them.
    for _ in 0..16 {
        // The longest module that is a prefix of the path: the one that holds the item.
        let held = (0..=target.len())
            .rev()
            .map(|n| target[..n].to_vec())
            .find(|prefix| modules.contains(prefix))
            .unwrap_or_default();
        let Some(name) = target.get(held.len()) else {
            return Some((held, target));
        };
        match exports.get(&(held.clone(), name.clone())) {
            None => return Some((held, target)),
            Some(None) => return None,
            Some(Some(source)) => {
                target = source
                    .iter()
                    .chain(&target[held.len() + 1..])
                    .cloned()
                    .collect();
            }
        }
    }
    panic!("re-exports in a loop: {}", target.join("::"))
}

/// The path from the root that `path` names in `module` (inside its inline modules `inline`),
/// for a path that starts with `crate`, `super`, `self` or a child module; `None` for any
/// other.
fn resolve(
    module: &Module,
    inline: &[String],
    path: &[String],
    modules: &BTreeSet<&Module>,
) -> Option<Module> {
    let mut at: Module = module.clone();
    at.extend(inline.iter().cloned());
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            at.clear();
            rest = &path[1..];
        }
        Some("self" | "super") => {
            while let Some(step) = rest.first().map(String::as_str) {
                match step {
                    "self" => {}
                    "super" => {
                        at.pop()?;
                    }
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        Some(first) if inline.is_empty() && modules.contains(&child(module, first)) => {}
        _ => return None,
    }
    at.extend(rest.iter().cloned());
    Some(at)
}

/// The child `name` of `module`.
fn child(module: &Module, name: &str) -> Module {
    module.iter().cloned().chain([name.to_owned()]).collect()
}

/// `text` with comments, strings and character literals blanked out, so that only code
/// remains.
fn code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i..].starts_with(&['/', '*']) {
                    depth += 1;
                    i += 2;
                } else if chars[i..].starts_with(&['*', '/']) {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if let Some(hashes) = raw_string(rest) {
            i += hashes + 2;
            let end: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < chars.len() && !chars[i..].starts_with(&end) {
                i += 1;
            }
            i += end.len();
            out.push_str("\"\"");
        } else if chars[i] == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if chars[i] == '\'' && is_char_literal(rest) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The number of `#` of a raw string starting here (`r"`, `r#"`, `br"`…).
fn raw_string(rest: &[char]) -> Option<usize> {
    let (['b', 'r', after @ ..] | ['r', after @ ..]) = rest else {
        return None;
    };
    let hashes = after.iter().take_while(|&&c| c == '#').count();
    (after.get(hashes) == Some(&'"')).then_some(hashes)
}

/// Whether the `'` starting `rest` opens a character literal rather than a lifetime.
fn is_char_literal(rest: &[char]) -> bool {
    matches!(rest, ['\'', '\\', ..] | ['\'', _, '\'', ..])
}

/// A full path of a use tree, with the name it is imported as when renamed (`as`).
type Named = (Vec<String>, Option<String>);

/// A path of the code.
struct Found {
    /// The inline modules (`mod tests { … }`) it sits in.
    inline: Vec<String>,
    path: Vec<String>,
    /// For a re-export (`pub use`, `pub(crate) use`…), the name it is exported under.
    export: Option<String>,
}

/// Each path of the code, and every name the code uses outside its re-exports; a use group
/// (`a::{b, c::d}`) gives one path per member.
fn paths(code: &str) -> (Vec<Found>, BTreeSet<String>) {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut words = BTreeSet::new();
    // The inline modules open here, each with the brace depth inside it.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            depth += 1;
            i += 1;
        } else if c == '}' {
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
            depth -= 1;
            i += 1;
        } else if is_ident_start(c) && (i == 0 || !is_ident(chars[i - 1])) {
            let (word, end) = ident(&chars, i);
            let after_colons = i >= 2 && chars[i - 2..i] == [':', ':'];
            let scope = || {
                inline
                    .iter()
                    .map(|(name, _)| name.clone())
                    .collect::<Vec<_>>()
            };
            if word == "mod" {
                let (name, end) = ident(&chars, skip_space(&chars, end));
                let brace = skip_space(&chars, end);
                if chars.get(brace) == Some(&'{') {
                    inline.push((name, depth + 1));
                    depth += 1;
                    i = brace + 1;
                    continue;
                }
                i = end;
            } else if word == "use" && is_pub(&chars[..i]) {
                let (paths, end) = path(&chars, end);
                for (path, alias) in paths {
                    let glob = path.last().is_some_and(|name| name == "*");
                    let export = match path.as_slice() {
                        _ if glob => None,
                        [.., name, last] if last == "self" => Some(name.clone()),
                        [.., last] => Some(last.clone()),
                        [] => None,
                    };
                    found.push(Found {
                        inline: scope(),
                        path,
                        export: alias.or(export),
                    });
                }
                i = end;
            } else if !after_colons && chars[end..].starts_with(&[':', ':']) {
                let (paths, end) = path(&chars, i);
                for (path, _) in paths {
                    words.extend(path.iter().cloned());
                    found.push(Found {
                        inline: scope(),
                        path,
                        export: None,
                    });
                }
                i = end;
            } else {
                words.insert(word);
                i = end;
            }
        } else {
            i += 1;
        }
    }
    (found, words)
}

/// Whether the code before a `use` makes it public to some scope: `pub`, `pub(crate)`…
fn is_pub(before: &[char]) -> bool {
    let mut end = before.len();
    while end > 0 && before[end - 1].is_whitespace() {
        end -= 1;
    }
    if end > 0 && before[end - 1] == ')' {
        let Some(open) = before[..end].iter().rposition(|&c| c == '(') else {
            return false;
        };
        end = open;
        while end > 0 && before[end - 1].is_whitespace() {
            end -= 1;
        }
    }
    let start = before[..end]
        .iter()
        .rposition(|&c| !is_ident(c))
        .map_or(0, |i| i + 1);
    before[start..end] == ['p', 'u', 'b']
}

/// The path or use tree starting at `i`: each full path in it, with the name it is imported
/// as when renamed (`as`), and where it ends. A glob ends in `*`.
fn path(chars: &[char], mut i: usize) -> (Vec<Named>, usize) {
    let mut prefix = Vec::new();
    loop {
        i = skip_space(chars, i);
        if chars.get(i) == Some(&'{') {
            let mut all = Vec::new();
            i += 1;
            loop {
                i = skip_space(chars, i);
                match chars.get(i) {
                    Some('}') => return (all, i + 1),
                    Some(',') => i += 1,
                    Some(c) if is_ident_start(*c) || *c == '*' => {
                        let (members, end) = path(chars, i);
                        all.extend(members.into_iter().map(|(member, alias)| {
                            let full = prefix.iter().cloned().chain(member).collect::<Vec<_>>();
                            (full, alias)
                        }));
                        i = end;
                    }
                    // What this reading does not follow: the group ends here.
                    _ => i += 1,
                }
                if i >= chars.len() {
                    return (all, i);
                }
            }
        }
        if chars.get(i) == Some(&'*') {
            prefix.push("*".to_owned());
            return (vec![(prefix, None)], i + 1);
        }
        if !chars.get(i).copied().is_some_and(is_ident_start) {
            return (vec![(prefix, None)], i);
        }
        let (word, end) = ident(chars, i);
        prefix.push(word);
        let next = skip_space(chars, end);
        if chars[next..].starts_with(&[':', ':']) {
            i = next + 2;
            continue;
        }
        let (word, after) = ident(chars, next);
        if word == "as" {
            let (alias, end) = ident(chars, skip_space(chars, after));
            return (vec![(prefix, Some(alias))], end);
        }
        return (vec![(prefix, None)], end);
    }
}

/// The child modules that the code declares behind a feature (`#[cfg(feature = …)] mod a;`).
fn gated(code: &str) -> Vec<String> {
    code.split(';')
        .filter_map(|item| {
            let item = &item[item.rfind(['{', '}']).map_or(0, |i| i + 1)..];
            let words: Vec<&str> = item.split_whitespace().collect();
            let [.., "mod", name] = words.as_slice() else {
                return None;
            };
            (item.contains("#[cfg(") && item.contains("feature")).then(|| (*name).to_owned())
        })
        .collect()
}

fn ident(chars: &[char], start: usize) -> (String, usize) {
    let end = (start..chars.len())
        .find(|&i| !is_ident(chars[i]))
        .unwrap_or(chars.len());
    (chars[start..end].iter().collect(), end)
}

fn skip_space(chars: &[char], i: usize) -> usize {
    (i..chars.len())
        .find(|&i| !chars[i].is_whitespace())
        .unwrap_or(chars.len())
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The edges that lie on a loop (both ends reach each other), shown as `a -> b (path)`, in
/// the order of the modules.
fn loops(edges: &BTreeMap<(Module, Module), String>) -> Vec<String> {
    let modules: Vec<&Module> = edges
        .keys()
        .flat_map(|(from, to)| [from, to])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index = |m: &Module| modules.iter().position(|n| *n == m).unwrap();
    let n = modules.len();
    let mut reach = vec![vec![false; n]; n];
    for (from, to) in edges.keys() {
        reach[index(from)][index(to)] = true;
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                reach[i][j] |= reach[i][k] && reach[k][j];
            }
        }
    }
    edges
        .iter()
        .filter(|((from, to), _)| reach[index(to)][index(from)])
        .map(|((from, to), path)| format!("{} ({path})", arrow(from, to)))
        .collect()
}
