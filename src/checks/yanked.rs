//! `yanked`: no locked dependency has been yanked from crates.io.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::advisories::audit::WarningKind;
use crate::advisories::yanked::YankSource;
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct Yanked;

/// How many unknown packages a finding names before summarising.
const NAMED: usize = 5;

impl Check for Yanked {
    fn id(&self) -> &'static str {
        "yanked"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "no locked crates.io dependency has been yanked"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Each crates.io package in `Cargo.lock` is looked up in the crates.io sparse
index: a yanked version is a finding at its line in `Cargo.lock`. With
`--offline` (or `--no-fetch`) cargo's local index cache is read instead, as
`cargo audit --no-fetch` does; packages the cache does not hold are listed
as "yank status unknown" — a warning, never a silent pass. Every network
request has a deadline and the lookup stops at the first connection
failure, so an unreachable index costs seconds, not a hang.

## Why
Authors yank a release when it is broken or dangerous — a miscompiled
build, a leaked secret, a security bug before the advisory exists. A
lockfile that still pins it ships that release.

## How to fix
`cargo update -p NAME@VERSION` moves to the next published version.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let Some(adv) = &facts.advisories else {
            return Outcome::error("yank status was not looked up");
        };
        let Some(lockfile) = &facts.lockfile else {
            return Outcome::error("no Cargo.lock, and cargo could not resolve one for this run");
        };
        let Ok(lock) = &lockfile.parsed else {
            return Outcome::error(format!("{} cannot be parsed", lockfile.path));
        };
        let Some(yanked) = &adv.yanked else {
            return Outcome::error("yank status was not looked up");
        };
        let total = yanked.status.len();
        if total == 0 {
            return Outcome::skip("no crates.io dependencies");
        }
        let mut findings = Vec::new();
        let mut yanked_count = 0usize;
        if let Some(report) = adv.report(lock, &facts.graph) {
            for w in report
                .warnings
                .iter()
                .filter(|w| w.kind == WarningKind::Yanked)
            {
                yanked_count += 1;
                let name = w.package.name.as_str();
                let version = w.package.version.to_string();
                findings.push(
                    Finding::warning(
                        format!("{name}@{version}"),
                        format!("{name} {version} has been yanked from crates.io"),
                    )
                    .at(lockfile.path.clone(), lockfile.package_line(name, &version))
                    .help(format!("`cargo update -p {name}@{version}`")),
                );
            }
        } else {
            for ((name, version), s) in &yanked.status {
                if *s == crate::advisories::yanked::YankStatus::Yanked {
                    yanked_count += 1;
                    findings.push(
                        Finding::warning(
                            format!("{name}@{version}"),
                            format!("{name} {version} has been yanked from crates.io"),
                        )
                        .at(lockfile.path.clone(), lockfile.package_line(name, version))
                        .help(format!("`cargo update -p {name}@{version}`")),
                    );
                }
            }
        }
        let unknown = yanked.unknown();
        if !unknown.is_empty() {
            let names: Vec<String> = unknown
                .iter()
                .take(NAMED)
                .map(|(n, v, _)| format!("{n} {v}"))
                .collect();
            let more = unknown.len().saturating_sub(NAMED);
            let why = unknown[0].2;
            let source = match yanked.source {
                YankSource::Online => "the crates.io index",
                YankSource::LocalCache => "cargo's local index cache (offline)",
            };
            findings.push(
                Finding::warning(
                    "unknown",
                    format!(
                        "yank status unknown for {} of {total} crates.io packages ({}{}) from {source}: {why}",
                        unknown.len(),
                        names.join(", "),
                        if more > 0 { format!(" and {more} more") } else { String::new() }
                    ),
                )
                .at(lockfile.path.clone(), None)
                .help("run online once (or `cargo fetch`) so the index cache holds them"),
            );
        }
        let known = total - unknown.len();
        let score = if total == 0 {
            1.0
        } else {
            (known - yanked_count.min(known)) as f64 / total as f64
        };
        Outcome::from_findings(findings, score)
    }
}
