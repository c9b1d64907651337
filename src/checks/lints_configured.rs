//! `lints-configured`: every member sets lint levels.

use super::code::{self, at_manifest};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::files;

/// Members with fewer lines of code than this are stubs.
const STUB_LINES: u64 = 10;

/// See [`Check::docs`].
pub struct LintsConfigured;

impl Check for LintsConfigured {
    fn id(&self) -> &'static str {
        "lints-configured"
    }
    fn category(&self) -> Category {
        Category::Ci
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "each member configures lints ([lints], [workspace.lints], #![deny(..)] or clippy.toml)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Each member with Rust code configures lints in at least one of these ways:

- a non-empty `[lints]` table in its manifest, or `[lints] workspace =
  true` with a non-empty `[workspace.lints]` in the root manifest;
- crate-level lint levels at a crate root: `#![deny(…)]`, `#![warn(…)]`,
  `#![forbid(…)]` (also inside `#![cfg_attr(…)]`); `#![allow(…)]` alone
  does not count;
- a `clippy.toml` or `.clippy.toml` in the member's directory or at the
  workspace root.

Each member without any is a warning at its manifest; the score is the
share of members that have one. Support members (`xtask`, test-support,
benchmark, example and fuzz crates) are left out, and so are stubs in a
workspace of several members (fewer than 10 lines of non-test code:
cargo-hakari's `workspace-hack`, a crate that only reserves a name).

## Why
Lint levels written down in the repository are the team's rules, applied
the same on every machine and in CI — `unsafe_code`, `missing_docs`,
`clippy::unwrap_used` — instead of depending on who runs which flags.

## Passing example
```toml
[workspace.lints.rust]
unsafe_code = "forbid"
missing_docs = "warn"

[workspace.lints.clippy]
unwrap_used = "warn"
```
and in each member: `[lints] workspace = true`.

## How to fix
Add `[lints.rust]` / `[lints.clippy]` tables (Rust 1.74+), or
`[workspace.lints]` once and `[lints] workspace = true` in every member.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let clippy_toml = |dir: &str| {
            ["clippy.toml", ".clippy.toml"]
                .iter()
                .any(|n| facts.files.contains(&files::join(dir, n)))
        };
        let root_clippy = clippy_toml("");
        let mut findings = Vec::new();
        let (mut total, mut configured) = (0usize, 0usize);
        for (i, member) in facts.members.iter().enumerate() {
            if code::is_tooling(facts, member) {
                continue;
            }
            let roots: Vec<_> = facts
                .sources
                .member_files(i)
                .filter(|f| f.crate_root)
                .collect();
            if roots.is_empty() {
                continue;
            }
            // A stub beside real members (cargo-hakari's workspace-hack, a
            // crate that reserves a name) has no code for lints to judge.
            if facts.members.len() > 1
                && super::tests_present::counts(facts, i).code_lines < STUB_LINES
            {
                continue;
            }
            total += 1;
            let ok = code::manifest_lints(facts, member).is_some()
                || roots.iter().any(|f| f.scan.lint_attrs)
                || root_clippy
                || clippy_toml(&member.dir);
            if ok {
                configured += 1;
                continue;
            }
            findings.push(
                at_manifest(
                        facts,
                    Finding::warning(
                        format!("none:{}", member.name),
                        format!("`{}` configures no lints", member.name),
                    ),
                    member,
                )
                .help("add [lints.rust]/[lints.clippy] to its Cargo.toml, or [workspace.lints] and `[lints] workspace = true`"),
            );
        }
        if total == 0 {
            return Outcome::skip("no member has a crate root to configure");
        }
        Outcome::from_findings(findings, configured as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    fn run(texts: &[(&str, &str)]) -> Outcome {
        let facts = Facts::in_memory(vec![Member::named("a", "0.1.0", "")], texts);
        LintsConfigured.run(&facts, &CheckConfig { level: Level::Warn })
    }

    #[test]
    fn a_stub_member_of_a_workspace_is_left_out() {
        let code = "pub fn f() -> u8 {\n    1\n}\n".repeat(20);
        let facts = Facts::in_memory(
            vec![
                Member::named("app", "0.1.0", "app"),
                Member::named("workspace-hack", "0.1.0", "workspace-hack"),
            ],
            &[
                ("app/Cargo.toml", "[package]\nname = \"app\"\n"),
                ("app/src/lib.rs", &code),
                (
                    "workspace-hack/Cargo.toml",
                    "[package]\nname = \"workspace-hack\"\n",
                ),
                ("workspace-hack/src/lib.rs", "// This is a stub lib.rs.\n"),
            ],
        );
        let o = LintsConfigured.run(&facts, &CheckConfig { level: Level::Warn });
        let keys: Vec<&str> = o.findings.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, vec!["none:app"]);
    }

    #[test]
    fn ways_to_configure_lints() {
        assert_eq!(
            run(&[
                ("Cargo.toml", "[package]\nname = \"a\"\n"),
                ("src/lib.rs", "")
            ])
            .status,
            Status::Warn
        );
        for texts in [
            vec![
                (
                    "Cargo.toml",
                    "[package]\nname = \"a\"\n[lints.clippy]\nunwrap_used = \"warn\"\n",
                ),
                ("src/lib.rs", ""),
            ],
            vec![
                (
                    "Cargo.toml",
                    "[package]\nname = \"a\"\n[lints]\nworkspace = true\n[workspace.lints.rust]\nunsafe_code = \"forbid\"\n",
                ),
                ("src/lib.rs", ""),
            ],
            vec![
                ("Cargo.toml", ""),
                ("src/lib.rs", "#![deny(missing_docs)]\n"),
            ],
            vec![("Cargo.toml", ""), ("src/lib.rs", ""), ("clippy.toml", "")],
        ] {
            assert_eq!(run(&texts).status, Status::Pass, "{texts:?}");
        }
        assert_eq!(
            run(&[
                (
                    "Cargo.toml",
                    "[package]\nname = \"a\"\n[lints]\nworkspace = true\n"
                ),
                ("src/lib.rs", "#![allow(dead_code)]\n"),
            ])
            .status,
            Status::Warn
        );
    }
}
