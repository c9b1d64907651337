//! `wildcard-requirements`: no `*` or unbounded `>=` version requirements.

use super::manifest_deps;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct WildcardRequirements;

impl Check for WildcardRequirements {
    fn id(&self) -> &'static str {
        "wildcard-requirements"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "no dependency requirement is `*` or an unbounded `>=`"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every dependency requirement in the members' manifests (and
`[workspace.dependencies]`): `*` (also `1.*`-style wildcards at the major
position) and `>=` without an upper bound are findings at their line.
Path and git dependencies without a version are not requirements and are
left alone.

## Why
crates.io rejects `*` requirements on publish, and an unbounded `>=` accepts
every future major version — the next breaking release compiles in
silently, or fails to, on a fresh `cargo update`.

## How to fix
Use a caret requirement for the version you tested: `serde = "1.0.200"`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let deps = manifest_deps::all(facts);
        if deps.is_empty() {
            return Outcome::pass();
        }
        let mut findings = Vec::new();
        for dep in deps {
            if dep.inherits() {
                continue;
            }
            let Some(req) = dep.version() else { continue };
            let problem = if req.trim() == "*" || req.trim().starts_with("*") {
                Some("`*` accepts every version")
            } else if let Ok(parsed) = semver::VersionReq::parse(req) {
                let unbounded = parsed
                    .comparators
                    .iter()
                    .any(|c| matches!(c.op, semver::Op::GreaterEq | semver::Op::Greater))
                    && !parsed.comparators.iter().any(|c| {
                        matches!(
                            c.op,
                            semver::Op::Less
                                | semver::Op::LessEq
                                | semver::Op::Caret
                                | semver::Op::Tilde
                                | semver::Op::Exact
                        )
                    });
                unbounded.then_some("an unbounded `>=` accepts every future major version")
            } else {
                None
            };
            if let Some(why) = problem {
                findings.push(
                    Finding::warning(
                        format!("{}:{}", dep.table, dep.key),
                        format!("`{}` = \"{req}\" in [{}]: {why}", dep.key, dep.table),
                    )
                    .at(dep.manifest.clone(), Some(dep.line))
                    .help("use a caret requirement for the version you tested, e.g. \"1.2\""),
                );
            }
        }
        let score = 1.0 - findings.len() as f64 / deps.len() as f64;
        Outcome::from_findings(findings, score)
    }
}
