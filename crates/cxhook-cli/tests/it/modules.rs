//! The binary's modules import one another in no loop: each `crate::`, `super::` and `self::`
//! path of `src/**/*.rs` (and each path that starts with the name of a child module) is an
//! edge from the file's module to the module that holds what the path names, and no two
//! modules may reach each other along those edges.
//!
//! A loop ties its modules into one: none of them can be read, moved or tested without the
//! others. Hence the layers: `cli` holds every flag and needs no command, `app` builds the
//! webhook and needs no command, `json_path` needs nothing, and each command needs those.
//! The paths are read from the text with comments, strings and character literals left out,
//! which is all the syntax the rule needs; the second test shows that reading on each kind of
//! path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module, as the path of names from the crate root (empty for the root).
type Module = Vec<String>;

#[test]
fn the_modules_import_each_other_in_no_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_dir(&src, &src, &mut files);
    let edges = edges(&files);
    assert!(
        edges.contains_key(&(vec![], vec!["cli".to_owned()])),
        "main.rs uses cli, yet no edge was found: the reading of paths is broken"
    );
    let loops = loops(&edges);
    assert!(
        loops.is_empty(),
        "modules that import each other in a loop (importer -> imported, by path):\n{}",
        loops.join("\n")
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
    let files: Vec<(Module, String)> = files
        .iter()
        .map(|(path, text)| (module_of(Path::new(path)), (*text).to_owned()))
        .collect();
    let edges = edges(&files);
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

/// Every `.rs` file under `dir`, with the module it holds.
fn read_dir(root: &Path, dir: &Path, files: &mut Vec<(Module, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_dir(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            files.push((module_of(path.strip_prefix(root).unwrap()), text));
        }
    }
}

/// `main.rs` is the root, `a/mod.rs` and `a.rs` are `a`, `a/b.rs` is `a::b`.
fn module_of(path: &Path) -> Module {
    let mut names: Module = path
        .with_extension("")
        .iter()
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    if matches!(names.last().map(String::as_str), Some("main" | "mod")) {
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
    let mut edges = BTreeMap::new();
    for (module, text) in files {
        let children: BTreeSet<&str> = modules
            .iter()
            .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
            .map(|m| m[module.len()].as_str())
            .collect();
        for (inline, path) in paths(&code(text)) {
            let mut scope: Module = module.clone();
            scope.extend(inline);
            let Some(target) = resolve(&scope, &path, &children) else {
                continue;
            };
            // The longest module that is a prefix of the path: the one that holds the item.
            let held = (0..=target.len())
                .rev()
                .map(|n| &target[..n])
                .find(|prefix| modules.contains(&prefix.to_vec()))
                .unwrap_or_default()
                .to_vec();
            if &held != module {
                let shown = std::iter::once("crate".to_owned())
                    .chain(target)
                    .collect::<Vec<_>>()
                    .join("::");
                edges.entry((module.clone(), held)).or_insert(shown);
            }
        }
    }
    edges
}

/// The path from the root that `path` names in `scope`, for a path that starts with `crate`,
/// `super`, `self` or a child module of the file; `None` for any other.
fn resolve(scope: &[String], path: &[String], children: &BTreeSet<&str>) -> Option<Module> {
    let mut at: Module = scope.to_vec();
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
        Some(first) if children.contains(first) => {}
        _ => return None,
    }
    at.extend(rest.iter().cloned());
    Some(at)
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

/// Each path of the code, with the inline modules (`mod tests { … }`) it sits in; a use
/// group (`a::{b, c::d}`) gives one path per member.
fn paths(code: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
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
            } else if !after_colons && chars[end..].starts_with(&[':', ':']) {
                let scope: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
                let (paths, end) = path(&chars, i);
                found.extend(paths.into_iter().map(|p| (scope.clone(), p)));
                i = end;
            } else {
                i = end;
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The path or use tree starting at `i`: each full path in it, and where it ends.
fn path(chars: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
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
                    Some(c) if is_ident_start(*c) => {
                        let (members, end) = path(chars, i);
                        all.extend(members.into_iter().map(|member| {
                            prefix.iter().cloned().chain(member).collect::<Vec<_>>()
                        }));
                        i = end;
                    }
                    // `*`, or what this reading does not follow: the group ends here.
                    _ => i += 1,
                }
                if i >= chars.len() {
                    return (all, i);
                }
            }
        }
        if !chars.get(i).copied().is_some_and(is_ident_start) {
            return (vec![prefix], i);
        }
        let (word, end) = ident(chars, i);
        prefix.push(word);
        let next = skip_space(chars, end);
        if !chars[next..].starts_with(&[':', ':']) {
            return (vec![prefix], end);
        }
        i = next + 2;
    }
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
