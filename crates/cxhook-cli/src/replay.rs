//! `cxhook replay FILE`: send the calls `cxhook serve --record` recorded to a webhook again
//! (a URL, or the configured webhook in-process) and compare each reply with the recorded
//! one, path by path. Its calls carry the `x-cxhook-replay` header, so that a server that
//! records (`serve --record`) leaves them out of its recording.
//!
//! Redacted values: a recorded request whose values were redacted is sent as recorded, with
//! `[REDACTED]` in their place, since a handler that only passes such a value on answers the
//! same; when its reply differs, the diff says which request values were redacted, and
//! `--skip-redacted` leaves such calls out. A response path that was redacted in the
//! recording is compared as redacted: the reply's value there is redacted before comparing.

use std::fmt::{self, Write as _};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use cxhook::server::record::{REDACTED, Recorded};
use serde_json::Value;

use crate::cli::ReplayArgs;
use crate::json_path::{JsonPath, Step};
use crate::target::Target;

/// How many recorded calls replayed the same, and how many did not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Calls whose reply matched the recorded one.
    pub(crate) passed: usize,
    /// Calls whose reply differed.
    pub(crate) failed: usize,
}

/// Replays every call of the recording and prints a line per call (with a diff for each
/// mismatch), then `N passed, N failed`. An error is a usage, IO or network error.
pub(crate) fn run(args: &ReplayArgs) -> anyhow::Result<Summary> {
    let calls = read(&args.file)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let target = Target::chosen(args.url.as_ref(), &args.local(), &args.target)?.replaying();
        let mut summary = Summary::default();
        let mut skipped = 0;
        let mut stdout = std::io::stdout().lock();
        for (line, call) in &calls {
            let label = label(*line, &call.request);
            let redacted: Vec<&str> = call
                .redacted
                .iter()
                .filter(|path| path.starts_with("request."))
                .map(String::as_str)
                .collect();
            if args.skip_redacted && !redacted.is_empty() {
                skipped += 1;
                writeln!(stdout, "skip {label}: its request has redacted values")?;
                continue;
            }
            let body = serde_json::to_vec(&call.request).context("cannot write a request")?;
            let exchange = target.call(body).await.with_context(|| label.clone())?;
            let got = serde_json::from_slice(&exchange.body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&exchange.body).into_owned())
            });
            let differences = compare(call, exchange.status.as_u16(), got, &args.ignore);
            if differences.is_empty() {
                summary.passed += 1;
                writeln!(stdout, "ok   {label}")?;
                continue;
            }
            summary.failed += 1;
            writeln!(stdout, "FAIL {label}")?;
            for difference in &differences {
                write!(stdout, "{difference}")?;
            }
            if !redacted.is_empty() {
                writeln!(
                    stdout,
                    "  note: sent with {REDACTED} for the redacted {}",
                    redacted.join(", ")
                )?;
            }
        }
        if skipped > 0 {
            writeln!(
                stdout,
                "skipped {skipped} calls whose requests have redacted values"
            )?;
        }
        writeln!(
            stdout,
            "{} passed, {} failed",
            summary.passed, summary.failed
        )?;
        stdout.flush()?;
        Ok(summary)
    })
}

/// The recorded calls of `file` (`-` for standard input), each with its line number.
fn read(file: &Path) -> anyhow::Result<Vec<(usize, Recorded)>> {
    let (name, text) = crate::target::read_input(file, "recording")?;
    let calls: Vec<(usize, Recorded)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line)
                .map(|call| (i + 1, call))
                .map_err(|e| anyhow!("{name}:{}: not a recorded call: {e}", i + 1))
        })
        .collect::<anyhow::Result<_>>()?;
    if calls.is_empty() {
        bail!("{name} holds no recorded calls");
    }
    Ok(calls)
}

/// `line 3 booking.create`: where the call is in the file, and its tag.
fn label(line: usize, request: &Value) -> String {
    let tag = request
        .pointer("/fulfillmentInfo/tag")
        .and_then(Value::as_str)
        .filter(|tag| !tag.is_empty())
        .unwrap_or("(no tag)");
    format!("line {line} {tag}")
}

/// How a reply differs from the recorded one: the status, then each path of the body, but
/// those `ignore` matches. Paths the recording redacted are redacted in the reply first.
fn compare(call: &Recorded, status: u16, mut got: Value, ignore: &[JsonPath]) -> Vec<Difference> {
    let mut differences = Vec::new();
    if status != call.status {
        differences.push(Difference {
            path: "HTTP status".to_owned(),
            recorded: Some(Value::from(call.status)),
            got: Some(Value::from(status)),
        });
    }
    for path in call
        .redacted
        .iter()
        .filter_map(|p| p.strip_prefix("response."))
    {
        if let Ok(path) = path.parse::<JsonPath>()
            && let Some(value) = path.find_mut(&mut got)
            && !value.is_null()
        {
            *value = Value::String(REDACTED.to_owned());
        }
    }
    let mut walk = Walk {
        ignore,
        steps: Vec::new(),
        differences: &mut differences,
    };
    walk.diff(Some(&call.response), Some(&got));
    differences
}

/// One path where the reply differs: what was recorded there and what came (`None`: absent).
#[derive(Debug, Clone, PartialEq)]
struct Difference {
    path: String,
    recorded: Option<Value>,
    got: Option<Value>,
}

impl fmt::Display for Difference {
    /// `  path`, `  - recorded`, `  + got`, a line each.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |value: &Option<Value>| match value {
            Some(value) => value.to_string(),
            None => "(absent)".to_owned(),
        };
        writeln!(f, "  {}", self.path)?;
        writeln!(f, "  - {}", show(&self.recorded))?;
        writeln!(f, "  + {}", show(&self.got))
    }
}

/// A structural diff of two JSON values that skips the ignored paths.
struct Walk<'a> {
    ignore: &'a [JsonPath],
    steps: Vec<Step>,
    differences: &'a mut Vec<Difference>,
}

impl Walk<'_> {
    fn diff(&mut self, recorded: Option<&Value>, got: Option<&Value>) {
        if self.ignore.iter().any(|path| path.matches(&self.steps)) {
            return;
        }
        match (recorded, got) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                let extra = b.keys().filter(|key| !a.contains_key(*key));
                let keys: Vec<&String> = a.keys().chain(extra).collect();
                for key in keys {
                    self.steps.push(Step::Key(key.clone()));
                    self.diff(a.get(key), b.get(key));
                    self.steps.pop();
                }
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) => {
                for i in 0..a.len().max(b.len()) {
                    self.steps.push(Step::Index(i));
                    self.diff(a.get(i), b.get(i));
                    self.steps.pop();
                }
            }
            (a, b) if a == b => {}
            (a, b) => self.differences.push(Difference {
                path: self.path(),
                recorded: a.cloned(),
                got: b.cloned(),
            }),
        }
    }

    /// `sessionInfo.parameters.x`, `fulfillmentResponse.messages[0]`, or `(the whole body)`.
    fn path(&self) -> String {
        let mut path = String::new();
        for step in &self.steps {
            match step {
                Step::Key(key) if path.is_empty() => path.push_str(key),
                Step::Key(key) => {
                    let _ = write!(path, ".{key}");
                }
                Step::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        if path.is_empty() {
            path.push_str("(the whole body)");
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(text: &str) -> JsonPath {
        text.parse().unwrap()
    }

    fn recorded(response: Value, redacted: &[&str]) -> Recorded {
        Recorded {
            time: "2026-11-27T18:00:00Z".to_owned(),
            request: json!({"fulfillmentInfo": {"tag": "t"}}),
            status: 200,
            response,
            elapsed_us: None,
            redacted: redacted.iter().map(|&p| p.to_owned()).collect(),
        }
    }

    #[test]
    fn each_differing_path_is_listed_with_both_values() {
        let call = recorded(
            json!({"sessionInfo": {"parameters": {"a": 1, "b": "x", "gone": true}},
                   "messages": [1, 2]}),
            &[],
        );
        let got = json!({"sessionInfo": {"parameters": {"a": 1, "b": "y", "new": null}},
                         "messages": [1, 3, 4]});
        let differences = compare(&call, 500, got, &[]);
        let shown: Vec<String> = differences.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "  HTTP status\n  - 200\n  + 500\n",
                "  messages[1]\n  - 2\n  + 3\n",
                "  messages[2]\n  - (absent)\n  + 4\n",
                "  sessionInfo.parameters.b\n  - \"x\"\n  + \"y\"\n",
                "  sessionInfo.parameters.gone\n  - true\n  + (absent)\n",
                "  sessionInfo.parameters.new\n  - (absent)\n  + null\n",
            ]
        );
    }

    #[test]
    fn ignored_and_redacted_paths_compare_equal() {
        let call = recorded(
            json!({"sessionInfo": {"parameters": {"pin": REDACTED, "id": "B-1"}},
                   "messages": [{"text": "at 10:00"}, {"text": "bye"}]}),
            &["response.sessionInfo.parameters.pin"],
        );
        let got = json!({"sessionInfo": {"parameters": {"pin": "1234", "id": "B-2"}},
                         "messages": [{"text": "at 10:05"}, {"text": "bye"}]});
        let ignore = [path("sessionInfo.parameters.id"), path("messages[*].text")];
        assert_eq!(compare(&call, 200, got.clone(), &ignore), []);
        let differences = compare(&call, 200, got, &ignore[..1]);
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].path, "messages[0].text");
    }
}
