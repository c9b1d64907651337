//! Ignore lists a repository already has for other tools, honoured so teams
//! do not hand-copy them: `.cargo/audit.toml` (cargo-audit), `deny.toml`
//! (cargo-deny) and `osv-scanner.toml` (OSV-Scanner). Each ignore keeps its
//! source so the report can say where it came from.

use crate::config::{IgnoreRule, is_advisory_id};

/// Files read for ignores, relative to the workspace root.
pub const FILES: &[&str] = &[
    ".cargo/audit.toml",
    "deny.toml",
    ".deny.toml",
    ".cargo/deny.toml",
    "osv-scanner.toml",
];

/// Ignores found in one file, and entries that were skipped with the reason.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Parsed {
    /// The usable ignores.
    pub rules: Vec<IgnoreRule>,
    /// Problems: a file that does not parse, an entry that is not an id.
    pub problems: Vec<String>,
}

/// Parses the ignore list of `path` (one of [`FILES`]) from its text.
pub fn parse(path: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| crate::util::line_of_offset(text, s.start));
            out.problems.push(format!(
                "{path}{}: not valid TOML ({}); its ignores are not applied",
                line.map(|l| format!(":{l}")).unwrap_or_default(),
                e.message().trim()
            ));
            return out;
        }
    };
    let line_of = |id: &str| -> String {
        let line = text.lines().position(|l| l.contains(id)).map(|i| i + 1);
        match line {
            Some(l) => format!("{path}:{l}"),
            None => path.to_string(),
        }
    };
    if path.ends_with("osv-scanner.toml") {
        for entry in table
            .get("IgnoredVulns")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let Some(id) = entry.get("id").and_then(|v| v.as_str()) else {
                out.problems
                    .push(format!("{path}: an [[IgnoredVulns]] entry has no `id`"));
                continue;
            };
            let until = entry.get("ignoreUntil").and_then(|v| match v {
                toml::Value::Datetime(d) => d.date.map(|d| d.to_string()),
                toml::Value::String(s) => Some(s.chars().take(10).collect()),
                _ => None,
            });
            let until = until.and_then(|u| u.parse::<jiff::civil::Date>().ok());
            out.rules.push(IgnoreRule {
                id: id.to_string(),
                reason: entry
                    .get("reason")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                until,
                source: line_of(id),
            });
        }
        return out;
    }
    let list = table
        .get("advisories")
        .and_then(|a| a.get("ignore"))
        .and_then(|i| i.as_array());
    for entry in list.into_iter().flatten() {
        let (id, reason) = match entry {
            toml::Value::String(s) => (s.as_str(), None),
            toml::Value::Table(t) => match t.get("id").and_then(|v| v.as_str()) {
                Some(id) => (
                    id,
                    t.get("reason").and_then(|v| v.as_str()).map(str::to_string),
                ),
                None => {
                    // cargo-deny also ignores whole crates (`{ crate = "x" }`):
                    // that is not an advisory id.
                    out.problems.push(format!(
                        "{path}: ignore entry {entry} names no advisory id; skipped"
                    ));
                    continue;
                }
            },
            other => {
                out.problems.push(format!(
                    "{path}: ignore entry {other} is not an advisory id; skipped"
                ));
                continue;
            }
        };
        if !is_advisory_id(id) {
            out.problems
                .push(format!("{path}: `{id}` is not an advisory id; skipped"));
            continue;
        }
        out.rules.push(IgnoreRule {
            id: id.to_string(),
            reason,
            until: None,
            source: line_of(id),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_audit_toml() {
        let p = parse(
            ".cargo/audit.toml",
            "[advisories]\nignore = [\"RUSTSEC-2020-0071\"]\n",
        );
        assert_eq!(p.rules.len(), 1);
        assert_eq!(p.rules[0].source, ".cargo/audit.toml:2");
        assert_eq!(p.rules[0].reason, None);
    }

    #[test]
    fn deny_toml_strings_and_tables() {
        let text = "[advisories]\nignore = [\n  \"RUSTSEC-2020-0071\",\n  { id = \"RUSTSEC-2021-0001\", reason = \"not reachable\" },\n  { crate = \"foo\" },\n]\n";
        let p = parse("deny.toml", text);
        assert_eq!(p.rules.len(), 2);
        assert_eq!(p.rules[1].reason.as_deref(), Some("not reachable"));
        assert_eq!(p.rules[1].source, "deny.toml:4");
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn osv_scanner_toml() {
        let text = "[[IgnoredVulns]]\nid = \"GHSA-xxxx-yyyy-zzzz\"\nignoreUntil = 2026-12-31T00:00:00Z\nreason = \"vendor fix pending\"\n";
        let p = parse("osv-scanner.toml", text);
        assert_eq!(p.rules[0].id, "GHSA-xxxx-yyyy-zzzz");
        assert_eq!(
            p.rules[0].until.map(|d| d.to_string()),
            Some("2026-12-31".into())
        );
    }

    #[test]
    fn broken_file_is_a_problem_not_a_crash() {
        let p = parse("deny.toml", "[advisories\nignore = 1");
        assert!(p.rules.is_empty());
        assert!(p.problems[0].starts_with("deny.toml:1"), "{:?}", p.problems);
    }
}
