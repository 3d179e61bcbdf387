//! The README prints this example as it is: its `src/main.rs` whole, and a `Cargo.toml`
//! naming every dependency this package builds with. Editing one without the other fails here.

const README: &str = include_str!("../../../README.md");
const MAIN: &str = include_str!("../src/main.rs");
const MANIFEST: &str = include_str!("../Cargo.toml");

/// The fenced block of `README` in `language` that contains `needle`.
fn block<'a>(language: &str, needle: &str) -> &'a str {
    let fence = format!("```{language}\n");
    README
        .split(fence.as_str())
        .skip(1)
        .filter_map(|rest| rest.split_once("\n```").map(|(body, _)| body))
        .find(|body| body.contains(needle))
        .unwrap_or_else(|| panic!("the README has no {language} block with {needle:?}"))
}

#[test]
fn the_readme_prints_main_rs_whole() {
    let printed = block("rust", "async fn balance(");
    assert_eq!(format!("{printed}\n"), MAIN);
}

#[test]
fn the_readme_names_every_dependency() {
    let printed = block("toml", "[dependencies]");
    let mut section = "";
    let mut names = Vec::new();
    for line in MANIFEST.lines() {
        if line.starts_with('[') {
            section = line;
        } else if matches!(section, "[dependencies]" | "[dev-dependencies]")
            && let Some(name) = line
                .split([' ', '.'])
                .next()
                .filter(|name| !name.is_empty())
        {
            names.push(name);
        }
    }
    assert!(names.contains(&"cxhook-sim"), "{names:?}");
    for name in names {
        assert!(
            printed
                .lines()
                .any(|line| line.starts_with(&format!("{name} = "))),
            "the README's dependencies lack {name}: {printed}"
        );
    }
    assert!(printed.contains(r#"features = ["client"]"#), "{printed}");
}
