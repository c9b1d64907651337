//! Baselines: adopt the tool on a legacy repository without fixing every
//! finding first. `--write-baseline FILE` records the current findings by
//! fingerprint; `--baseline FILE` (or `baseline = "…"` in the
//! configuration) reports those as known and lets only new findings count
//! for the gate. Fingerprints hash the check, the file and what the finding
//! is about — never the line — so a baseline survives unrelated edits.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::checks::CheckResult;
use crate::error::{Error, Result};

/// Version of the baseline file's shape.
const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct File {
    schema_version: u32,
    tool: String,
    findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    check: String,
    path: Option<String>,
    message: String,
}

/// Reads the fingerprints recorded in a baseline file; with `within` (a
/// baseline the repository's configuration names), only inside it.
pub fn read(path: &Path, within: Option<&Path>) -> Result<BTreeSet<String>> {
    // Bounded and regular: a FIFO or a 100 MB file named as the baseline
    // is an error naming it, not a hang.
    let text =
        crate::facts::files::read_own_file(within, path).map_err(|problem| Error::Config {
            path: path.to_path_buf(),
            line: None,
            message: format!("the baseline {problem}"),
        })?;
    // serde's message can quote the file ("invalid type: string \"…\""):
    // only its kind and line are said, so no file's content is echoed.
    let file: File = serde_json::from_str(&text).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: Some(e.line()),
        message: format!(
            "not a cargo-readiness baseline ({})",
            match e.classify() {
                serde_json::error::Category::Syntax => "not valid JSON",
                serde_json::error::Category::Eof => "the JSON ends early",
                serde_json::error::Category::Data => "not the baseline's shape",
                serde_json::error::Category::Io => "unreadable",
            }
        ),
    })?;
    if file.schema_version != FORMAT {
        return Err(Error::Config {
            path: path.to_path_buf(),
            line: None,
            message: format!(
                "baseline format {} is not supported (expected {FORMAT}); write it again",
                file.schema_version
            ),
        });
    }
    Ok(file.findings.into_iter().map(|e| e.fingerprint).collect())
}

/// Writes every finding of `results` to `path`, sorted, atomically.
pub fn write(path: &Path, results: &[CheckResult]) -> Result<usize> {
    let mut findings: Vec<Entry> = results
        .iter()
        .flat_map(|r| {
            r.outcome.findings.iter().map(move |f| Entry {
                fingerprint: f.fingerprint.clone(),
                check: r.check.id().to_string(),
                path: f.path.clone(),
                message: f.message.clone(),
            })
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.check, &a.path, &a.fingerprint).cmp(&(&b.check, &b.path, &b.fingerprint))
    });
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.check == b.check);
    let count = findings.len();
    let file = File {
        schema_version: FORMAT,
        tool: format!("cargo-readiness {}", env!("CARGO_PKG_VERSION")),
        findings,
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| Error::Usage(e.to_string()))?;
    text.push('\n');
    crate::util::write_atomic(path, text.as_bytes()).map_err(|source| Error::Io {
        action: "cannot write the baseline",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(count)
}

/// Marks findings whose fingerprint is `known` as baselined, and re-derives
/// each check's status from its new findings alone: a check whose findings
/// are all known passes (full score) with a note saying how many. A check
/// that could not be evaluated stays `error`. Returns how many were marked.
pub fn apply(results: &mut [CheckResult], known: &BTreeSet<String>) -> usize {
    let mut marked = 0;
    for r in results.iter_mut() {
        let mut here = 0;
        for f in &mut r.outcome.findings {
            // A suppressed finding is already set aside, with its reason.
            if f.counts() && known.contains(&f.fingerprint) {
                f.baselined = true;
                here += 1;
            }
        }
        if here == 0 {
            continue;
        }
        marked += here;
        r.outcome
            .recount(&format!("{here} known finding(s) in the baseline"));
    }
    marked
}
