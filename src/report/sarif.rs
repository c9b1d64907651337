//! SARIF 2.1.0 for GitHub code scanning (`upload-sarif`).
//!
//! Rules come from the check registry; one result per finding, located
//! relative to the repository root (`%SRCROOT%`); `partialFingerprints`
//! carry the finding's stable fingerprint. Findings without a file point at
//! `Cargo.toml`. GitHub's limits are respected: at most 5 000 results per
//! run (the rest are counted in a notification), far under 25 MB.

use serde_json::{Value, json};

use super::Context;
use crate::checks::{ALL, Check, Level, Severity, Status, SuppressionKind};
use crate::score::Scorecard;

/// GitHub code scanning accepts at most this many results per run.
pub const MAX_RESULTS: usize = 5000;

const INFORMATION_URI: &str = "https://github.com/cargo-readiness/cargo-readiness";

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

fn rule(check: &dyn Check, index: usize) -> Value {
    let _ = index;
    json!({
        "id": check.id(),
        "name": check.id().split('-').map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }).collect::<String>(),
        "shortDescription": { "text": check.summary() },
        "fullDescription": { "text": check.summary() },
        "help": {
            "text": format!("{}\n\n{}", check.summary(), check.docs()),
            "markdown": check.docs(),
        },
        "helpUri": format!("{INFORMATION_URI}/blob/main/docs/checks.md#{}", check.id()),
        "defaultConfiguration": { "level": level_name(check.default_level()) },
        "properties": {
            "category": check.category().id(),
            "tags": ["cargo-readiness", check.category().id()],
        },
    })
}

/// A `file://` URI for a directory, percent-encoding what a URI cannot hold.
fn file_uri(dir: &std::path::Path) -> String {
    let mut out = String::from("file://");
    let text = dir.display().to_string().replace('\\', "/");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.trim_end_matches('/').bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out.push('/');
    out
}

/// Renders the SARIF log.
pub fn render(card: &Scorecard, ctx: &Context<'_>) -> String {
    let rules: Vec<Value> = ALL.iter().enumerate().map(|(i, c)| rule(*c, i)).collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    let mut total = 0usize;
    for r in &card.checks {
        let rule_index = ALL.iter().position(|c| c.id() == r.check.id()).unwrap_or(0);
        if r.outcome.status == Status::Error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{} could not be evaluated: {}", r.check.id(), r.outcome.note.as_deref().unwrap_or("no reason given")) },
                "associatedRule": { "id": r.check.id(), "index": rule_index },
            }));
        }
        for f in &r.outcome.findings {
            if f.baselined {
                continue;
            }
            total += 1;
            if results.len() >= MAX_RESULTS {
                continue;
            }
            let level = match (f.severity, r.level) {
                (Severity::Error, Level::Deny) => "error",
                (Severity::Error | Severity::Warning, _) => "warning",
                (Severity::Note, _) => "note",
            };
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str(&format!("\nFix: {help}"));
            }
            // Code scanning resolves URIs from the repository's root: a
            // workspace in a subdirectory prefixes its paths.
            let rel = f.path.as_deref().unwrap_or("Cargo.toml");
            let uri = match ctx.repo_prefix {
                Some(prefix) => format!("{prefix}/{rel}"),
                None => rel.to_string(),
            };
            let mut physical = json!({
                "artifactLocation": {
                    "uri": uri,
                    "uriBaseId": "%SRCROOT%",
                },
            });
            if let Some(line) = f.line {
                physical["region"] = json!({ "startLine": line });
            }
            let mut result = json!({
                "ruleId": r.check.id(),
                "ruleIndex": rule_index,
                "level": level,
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical }],
                "partialFingerprints": { "readiness/v1": f.fingerprint },
            });
            // Code scanning closes a suppressed result instead of raising
            // an alert; the justification is the reason written with it.
            if let Some(s) = &f.suppressed {
                result["suppressions"] = json!([{
                    "kind": match s.kind {
                        SuppressionKind::Inline => "inSource",
                        SuppressionKind::Config => "external",
                    },
                    "status": "accepted",
                    "justification": format!("{} ({})", s.reason, s.source),
                }]);
            }
            results.push(result);
        }
    }
    if total > results.len() {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!(
                "{total} findings; only the first {MAX_RESULTS} are included (GitHub code scanning's limit per run). Run `cargo readiness --format json` for all."
            ) },
        }));
    }
    // %SRCROOT% is the repository's root (the workspace's, minus the prefix).
    let mut repo_root = ctx.root.to_path_buf();
    if let Some(prefix) = ctx.repo_prefix {
        for _ in prefix.split('/').filter(|s| !s.is_empty()) {
            repo_root.pop();
        }
    }
    let root_uri = file_uri(&repo_root);
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cargo-readiness",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "results": results,
            "properties": {
                "score": card.score,
                "gatePassed": card.gate.passed,
                "profile": card.profile.as_str(),
            },
        }],
    });
    let mut s =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
