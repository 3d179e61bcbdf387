//! Links the release `cxhook` binary with the code a server runs placed first in its text.
//!
//! `link/hot-symbols.txt` lists the functions `cxhook serve` runs from start-up through
//! answering every built-in tag, hottest first, by their symbol names (written by
//! `bench/hot-symbols.sh`). The kernel maps program text into memory 64 KiB around each page
//! touched, so when those functions lie scattered among the ones a server never calls, most of
//! the binary ends up resident: an idle server has 13.2–13.5 MiB resident, and 8.7–8.9 MiB with
//! them placed together.
//!
//! A symbol name ends in a hash of the crate's `-C metadata` and of the types a generic
//! function is instantiated with, so a new dependency or a changed type renames functions
//! that did not change at all. The list used to go to LLD's `--symbol-ordering-file` alone,
//! which takes exact names: a renamed function fell out of place, and CI failed on every
//! change of that kind until the list was written again. This script writes a linker script
//! whose output section `.text.hot`, inserted before `.text`, takes the functions' sections
//! (rustc and the `cc` crate put each function in a section `.text.<symbol>`, or
//! `.text.unlikely.<symbol>` when it is cold) in two runs:
//!
//! - each listed name exactly, in the list's order: what the profile saw, as densely as the
//!   exact list placed it;
//! - then each name's pattern: the name with its hash as `?`s
//!   (`_ZN6cxhook6server4edge5parse17h????????????????E`), the crate disambiguators of the
//!   standard library's v0 names as `Cs*_`, with or without the suffix a compiler appends to a
//!   copy (`.llvm.N`, `.constprop.0`). A renamed function is still placed, with the other
//!   monomorphizations of its generic function, which the name cannot tell apart.
//!
//! Measured side by side: a new version of `cxhook-types` (a new `-C metadata` for every
//! workspace crate) renamed 891 of 2,427 listed functions; every pattern still matched, and an
//! idle server had 9.8–10.0 MiB resident, against 10.8–11.1 MiB with the exact names alone.
//! The list written before a day of changes (new dependencies, changed types; 874 of its 2,395
//! names gone): 10.2–10.3 MiB, against 11.3–11.5. Patterns alone, without the exact run
//! first, scatter the hot functions among those other monomorphizations: 9.9–10.0 MiB on a
//! fresh list.
//!
//! The linker matches the patterns itself, against the objects it links: no wrapper around
//! it, no second link, and the build is the one cargo runs for `cargo build --release`, the
//! Dockerfile and `bench/run.sh` alike. The script costs the linker about 2.5 s of CPU time
//! (it matches every pattern against every section), in a release build of minutes. A
//! function that is new, or gone from the list (inlined, removed, or renamed by hand), costs
//! its part of the gain; `bench/hot-symbols.sh --check` counts what still matches, and writing
//! the list again brings the gain back.
//!
//! The script and the ordering file are passed only for release builds of
//! `x86_64-unknown-linux-gnu`, which rustc links with LLD (mold reads neither), and
//! `CXHOOK_NO_SYMBOL_ORDER=1` leaves them out.

use std::{collections::HashSet, env, fmt::Write as _, fs, path::PathBuf};

/// The list, relative to the crate.
const LIST: &str = "link/hot-symbols.txt";

fn main() {
    println!("cargo::rerun-if-changed={LIST}");
    println!("cargo::rerun-if-env-changed=CXHOOK_NO_SYMBOL_ORDER");
    let release = env::var("PROFILE").is_ok_and(|profile| profile == "release");
    let target = env::var("TARGET").is_ok_and(|target| target == "x86_64-unknown-linux-gnu");
    let opted_out =
        env::var_os("CXHOOK_NO_SYMBOL_ORDER").is_some_and(|v| v != "0" && !v.is_empty());
    if release && target && !opted_out {
        let list = fs::read_to_string(LIST).unwrap_or_else(|e| panic!("reading {LIST}: {e}"));
        let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
        let script = out.join("hot-text.ld");
        fs::write(&script, linker_script(&names(&list))).expect("writing the linker script");
        println!("cargo::rustc-link-arg-bins=-Wl,-T,{}", script.display());
        // The exact names once more, by symbol whatever their section is called: the few
        // whose section names the script does not spell (GCC's `.text.startup.` and
        // `.text.exit.` for aws-lc's constructors and destructors) go to the front of
        // `.text`, next to `.text.hot` (0.1–0.2 MiB less idle RSS).
        let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={dir}/{LIST}");
        println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// The list's symbol names, in its order, without comments and blank lines.
fn names(list: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for (number, line) in list.lines().enumerate() {
        let name = line.trim();
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        // What a linker script reads as one bare word, which every mangled name is.
        let bare = |c: char| c.is_ascii_alphanumeric() || "_.$".contains(c);
        assert!(
            name.chars().all(bare),
            "{LIST}:{}: `{name}` is no symbol name (letters, digits and _.$ only)",
            number + 1
        );
        names.push(name);
    }
    names
}

/// The name without what a change elsewhere renames: the hash of a legacy-mangled Rust name,
/// the crate disambiguators (`Cs<base-62>_`) of a v0 one, and a compiler's suffix after `.`.
fn pattern(name: &str) -> String {
    // _ZN <path> 17h <16 hex digits> E [.suffix]
    let hash = name
        .rmatch_indices("17h")
        .map(|(at, _)| at + 3)
        .find(|&at| {
            let (digits, end) = (name.get(at..at + 16), name.get(at + 16..));
            digits.is_some_and(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
                && end.is_some_and(|end| end == "E" || end.starts_with("E."))
        });
    if let (true, Some(at)) = (name.starts_with("_ZN"), hash) {
        return format!("{}{}E", &name[..at], "?".repeat(16));
    }
    let stem = name.split('.').next().unwrap_or(name);
    if !stem.starts_with("_R") {
        return stem.to_owned();
    }
    let mut pattern = String::with_capacity(stem.len());
    let mut rest = stem;
    while let Some(at) = rest.find("Cs") {
        pattern.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        let digits = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if digits > 0 && rest[digits..].starts_with('_') {
            pattern.push('*');
            rest = &rest[digits..];
        }
    }
    pattern.push_str(rest);
    pattern
}

/// The linker script: a `.text.hot` output section before `.text` that takes the sections of
/// the listed functions by name, then those of their patterns, each run in the list's order.
/// With `INSERT`, it adds to the linker's default layout instead of replacing it.
fn linker_script(names: &[&str]) -> String {
    let mut script = String::from("SECTIONS {\n  .text.hot : {\n");
    for name in names {
        writeln!(script, "    *(.text.{name} .text.unlikely.{name})").expect("a String");
    }
    let mut seen = HashSet::new();
    for name in names {
        let p = pattern(name);
        if seen.insert(p.clone()) {
            writeln!(
                script,
                "    *(.text.{p} .text.{p}.* .text.unlikely.{p} .text.unlikely.{p}.*)"
            )
            .expect("a String");
        }
    }
    script.push_str("  }\n} INSERT BEFORE .text;\n");
    script
}
