//! The results of `agent test` as JUnit XML, the report CI systems read (GitLab, Jenkins,
//! GitHub's test reporters): one `testsuite` for the agent, a `testcase` per test case, and
//! a `failure` under each that failed, its text the differences a line each.
//!
//! Written by hand rather than with a crate such as `quick-junit`: the report is three
//! elements and five attributes, and the only care it needs is escaping, which `escape` does
//! (the five XML entities, and control characters XML 1.0 cannot hold dropped). A dependency
//! and its XML writer would be more code to build than this module is.

use std::fmt::Write;
use std::time::Duration;

use cxhook_agent::test_case::CaseResult;

/// One test case's result, for the report.
pub(crate) struct Case<'a> {
    /// The display name.
    pub(crate) name: &'a str,
    /// The file it came from, inside the package.
    pub(crate) file: &'a str,
    /// How it went.
    pub(crate) result: &'a CaseResult,
    /// How long it took.
    pub(crate) time: Duration,
}

/// The report for the test cases of the agent `agent`.
pub(crate) fn render(agent: &str, cases: &[Case<'_>]) -> String {
    let failures = cases.iter().filter(|case| !case.result.passed()).count();
    let time: Duration = cases.iter().map(|case| case.time).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let agent = escape(agent);
    let _ = writeln!(
        xml,
        "<testsuites name=\"cxhook agent test\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">",
        cases.len(),
        time.as_secs_f64()
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{agent}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">",
        cases.len(),
        time.as_secs_f64()
    );
    for case in cases {
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{agent}\" file=\"{}\" time=\"{:.3}\"",
            escape(case.name),
            escape(case.file),
            case.time.as_secs_f64()
        );
        if case.result.passed() {
            xml.push_str("/>\n");
            continue;
        }
        let mut lines: Vec<String> = case
            .result
            .differences
            .iter()
            .map(ToString::to_string)
            .collect();
        lines.extend(
            case.result
                .error
                .iter()
                .map(|error| format!("could not run: {error}")),
        );
        let message = match (case.result.differences.len(), &case.result.error) {
            (_, Some(_)) => "the test case could not run to its end".to_owned(),
            (1, None) => "1 difference".to_owned(),
            (n, None) => format!("{n} differences"),
        };
        let _ = write!(
            xml,
            ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape(&message),
            kinds(case.result),
            escape(&lines.join("\n"))
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// The kinds of the differences, as CX names them (`PAGE PARAMETERS`), or `ERROR`.
fn kinds(result: &CaseResult) -> String {
    let mut kinds: Vec<String> = Vec::new();
    for difference in &result.differences {
        let kind = difference.kind.to_string();
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if result.error.is_some() {
        kinds.push("ERROR".to_owned());
    }
    kinds.join(" ")
}

/// `text` as XML text or attribute value.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\t' | '\r' => escaped.push(c),
            c if c < ' ' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;"
        );
    }
}
