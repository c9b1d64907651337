//! `dependency-licenses`: every dependency's license is acceptable.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::advisories::graph::Kinds;
use crate::facts::Facts;
use crate::policy::{self, LicenseVerdict};

/// See [`Check::docs`].
pub struct DependencyLicenses;

impl Check for DependencyLicenses {
    fn id(&self) -> &'static str {
        "dependency-licenses"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        4
    }
    fn summary(&self) -> &'static str {
        "every dependency's license is allowed by the license policy"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every package in the resolved dependency graph (normal and build
dependencies; dev-dependencies too with `[licenses] include-dev = true`),
except the workspace's own members (see `license-files`), has a license
expression that the policy allows. Expressions are evaluated with the
`spdx` crate: `OR` needs any allowed branch, `AND` needs all, `WITH`
exceptions are matched, deprecated ids (`GPL-3.0`) and legacy `MIT/Apache-2.0`
are understood.

With no configuration the policy allows the common permissive licenses:
MIT, MIT-0, Apache-2.0 (and `WITH LLVM-exception`), BSD-2/3-Clause, ISC,
Zlib, Unicode-3.0, Unicode-DFS-2016, MPL-2.0, CC0-1.0, Unlicense, 0BSD,
BSL-1.0, CDLA-Permissive-2.0 (webpki-roots' CA list). Then a copyleft license (GPL, AGPL, LGPL, …) that a **binary**
member ships is an error with the dependency path; copyleft reached only by
libraries, and other licenses outside the set, are warnings. With
`[licenses] allow` configured, anything not allowed is an error.

A package with no `license` and no `license-file` is an error; one with only
a `license-file` is a warning (its text is not evaluated).

```toml
[licenses]
allow = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "Unicode-3.0"]
deny = ["GPL-3.0-only"]                      # never, even under OR
exceptions = [{ crate = "ring", allow = ["OpenSSL"] }]
include-dev = false
```

A `deny.toml` is read when `readiness.toml` has no `[licenses]` section
(`licenses.allow` and `licenses.exceptions`; see docs/dependency-policy.md).

## Why
Shipping a GPL dependency inside a proprietary binary obliges you to
release your source; an unlicensed crate gives you no right to use it at
all. Legal review at release time is the expensive place to find out.

## How to fix
Replace the dependency, ask its authors to relicense or add a license,
or — when your legal team agrees — add the license to `[licenses] allow`
or a per-crate `exceptions` entry.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(why) = facts.config.policy_unreadable.get("licenses") {
            return Outcome::error(format!(
                "{why}; the [licenses] policy it holds could not be applied"
            ));
        }
        let meta = match &facts.metadata {
            Ok(m) => m,
            Err(e) => return Outcome::error(format!("needs the dependency graph: {}", e.reason)),
        };
        let policy = &facts.config.policy.licenses;
        let configured = policy.allow.is_some();
        let graph = &facts.graph;
        let reach = graph.reach();
        let binaries: Vec<usize> = facts
            .members
            .iter()
            .filter(|m| m.has_bin)
            .filter_map(|m| graph.find(&m.name, &m.version))
            .collect();
        let from_binaries = graph.reach_from(&binaries);
        let workspace: std::collections::BTreeSet<&cargo_metadata::PackageId> =
            meta.workspace_members.iter().collect();
        let lock_line = |name: &str, version: &str| {
            facts
                .lockfile
                .as_ref()
                .and_then(|l| l.package_line(name, version))
        };
        let matcher = policy::LicenseMatcher::new(policy);
        let mut findings = Vec::new();
        let mut checked = 0usize;
        let mut ok = 0usize;
        for p in &meta.packages {
            if workspace.contains(&p.id) {
                continue;
            }
            let version = p.version.to_string();
            let Some(node) = graph.find(&p.name, &version) else {
                continue;
            };
            let kinds = reach[node];
            let counted = kinds.contains(Kinds::NORMAL)
                || kinds.contains(Kinds::BUILD)
                || kinds.contains(Kinds::UNKNOWN)
                || (policy.include_dev && kinds.contains(Kinds::DEV));
            if !counted {
                continue;
            }
            checked += 1;
            let verdict = matcher.evaluate(
                p.license.as_deref(),
                p.license_file.as_ref().map(|f| f.as_str()),
                &p.name,
                &p.version,
            );
            if verdict == LicenseVerdict::Allowed {
                ok += 1;
                continue;
            }
            let name = p.name.as_str();
            let key = format!("{name}@{version}");
            let via_binary = !from_binaries[node].is_empty()
                && (from_binaries[node].contains(Kinds::NORMAL)
                    || from_binaries[node].contains(Kinds::BUILD));
            let path = if via_binary {
                graph.path_from(&binaries, node)
            } else {
                graph.path_to(node)
            };
            let path_text = path
                .map(|p| format!(" (path: {})", p.join(" → ")))
                .unwrap_or_default();
            let finding = match verdict {
                LicenseVerdict::Allowed => continue,
                LicenseVerdict::Missing => Finding::error(key, format!("{name} {version} declares no license{path_text}"))
                    .help("ask the authors to add one, or replace the dependency; without a license you have no right to use it"),
                LicenseVerdict::FileOnly(file) => {
                    ok += 1;
                    Finding::warning(key, format!("{name} {version} has only a license file ({file}); its text was not evaluated{path_text}"))
                        .help(format!("read it; when acceptable, add an exception: {{ crate = \"{name}\", allow = [\"<its SPDX id>\"] }}"))
                }
                LicenseVerdict::Unparsable(why) => Finding::error(
                    key,
                    format!("{name} {version}: license = \"{}\" is not an SPDX expression ({why}){path_text}", p.license.as_deref().unwrap_or("")),
                )
                .help("review its license by hand and add an exception for it"),
                LicenseVerdict::NotAllowed { failed, copyleft } => {
                    let license = p.license.as_deref().unwrap_or("");
                    let severity = if configured || (copyleft && via_binary) { Severity::Error } else { Severity::Warning };
                    let what = if copyleft {
                        if via_binary {
                            "copyleft, and shipped in a binary"
                        } else if kinds.dev_only() {
                            "copyleft (a dev-dependency only)"
                        } else {
                            "copyleft (reached by libraries only)"
                        }
                    } else if configured {
                        "not allowed by the policy"
                    } else {
                        "outside the default allowed set"
                    };
                    let source = policy.source.as_deref().map(|s| format!(" in {s}")).unwrap_or_default();
                    Finding::new(severity, key, format!("{name} {version} is licensed `{license}`: {what} ({}){path_text}", failed.join(", ")))
                        .help(format!(
                            "replace the dependency, or allow the license{}: [licenses] allow = [\"{}\"] or exceptions = [{{ crate = \"{name}\", allow = [...] }}]",
                            source,
                            failed.first().map(String::as_str).unwrap_or(license)
                        ))
                }
            };
            findings.push(
                finding.at(
                    facts
                        .lockfile
                        .as_ref()
                        .map_or("Cargo.toml", |l| l.path.as_str()),
                    lock_line(name, &version),
                ),
            );
        }
        for problem in &facts.config.policy_problems {
            findings.push(Finding::note(
                format!("deny.toml:{problem}"),
                problem.clone(),
            ));
        }
        if checked == 0 {
            return Outcome::from_findings(findings, 1.0).with_note("no dependencies to check");
        }
        let outcome = Outcome::from_findings(findings, ok as f64 / checked as f64);
        outcome.with_note(format!(
            "{checked} dependencies checked against {}",
            policy
                .source
                .as_deref()
                .map(|s| format!("the policy in {s}"))
                .unwrap_or_else(|| "the default permissive policy".into())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The docs list the whole default policy (CDLA-Permissive-2.0 was
    /// missing from them).
    #[test]
    fn the_docs_name_every_license_the_default_policy_allows() {
        let docs = DependencyLicenses.docs().replace('\n', " ");
        for id in crate::policy::DEFAULT_ALLOW {
            let name = id.split(" WITH ").next().unwrap_or(id);
            let shown = name
                .replace("BSD-2-Clause", "BSD-2/3-Clause")
                .replace("BSD-3-Clause", "BSD-2/3-Clause");
            assert!(
                docs.contains(name) || docs.contains(&shown),
                "{id} is not in the docs"
            );
        }
    }
}
