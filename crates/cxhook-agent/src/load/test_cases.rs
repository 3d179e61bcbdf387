//! The test cases of a package (`testCases/*.json`), read apart from the agent.
//!
//! The agent's loader leaves them out: running the agent does not need them, and a malformed
//! test case should fail the test run, not the agent. Fields of a test case this model does not
//! read (the creation time, the last result and the differences CX found, playbook-era
//! expectations) are passed over without a warning: they are output CX writes, not input.

use std::path::Path;

use super::error::LoadError;
use super::package::{Package, decode};
use super::parse::parse;
use crate::model::TestCase;

/// A test case and the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCaseFile {
    /// The file, as the package spells it (`testCases/Book a dive.json`).
    pub file: String,
    /// The test case.
    pub case: TestCase,
}

/// Reads every test case of the agent exported at `path` (a directory or a `.zip`), in file
/// name order. A file that is not a test case is an error naming it and the JSON path.
pub fn test_cases(path: impl AsRef<Path>) -> Result<Vec<TestCaseFile>, LoadError> {
    let package = Package::open(path.as_ref())?;
    let mut cases = Vec::new();
    for (file, bytes) in &package.files {
        let Some(stem) = file
            .strip_prefix("testCases/")
            .and_then(|name| name.strip_suffix(".json"))
            .filter(|stem| !stem.contains('/'))
        else {
            continue;
        };
        let mut case: TestCase = parse(file, bytes, &mut Vec::new())?;
        if case.display_name.is_empty() {
            case.display_name = decode(file, stem)?;
        }
        cases.push(TestCaseFile {
            file: file.clone(),
            case,
        });
    }
    Ok(cases)
}
