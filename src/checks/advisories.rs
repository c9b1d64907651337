//! `advisories`: no locked dependency has a known vulnerability (RustSec).

use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity, Status};
use crate::advisories::audit::{Gating, Vulnerability, WarningKind};
use crate::advisories::collect::human_age;
use crate::advisories::fetch::FetchOutcome;
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct Advisories;

impl Check for Advisories {
    fn id(&self) -> &'static str {
        "advisories"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        10
    }
    fn summary(&self) -> &'static str {
        "no locked dependency has a known vulnerability in the RustSec advisory database"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every package in `Cargo.lock` that comes from crates.io is matched against
the RustSec advisory database — the same matching as `cargo audit` on the
same lockfile and database. Each vulnerability is reported at the package's
line in `Cargo.lock` with the advisory id and aliases (CVE, GHSA), title,
CVSS score, the smallest fixing version and the `cargo update` command, the
kinds of dependency it is reached through (normal, build, dev) and a
dependency path from a workspace member (`app → reqwest 0.11.0 → h2 0.3.0`).

Informational advisories (unmaintained, unsound, notice) are warnings;
withdrawn advisories are never reported. Without a `Cargo.lock`, the one
cargo resolves for this run is audited.

Settings (`[advisories]` in the configuration):
- `ignore = [{ id, reason, until }]`: `reason` is required; past `until` the
  advisory is reported again with "ignore expired". Ignores in
  `.cargo/audit.toml`, `deny.toml` and `osv-scanner.toml` are honoured too,
  and each report says which file an ignore came from. An ignore that
  matches nothing is a warning, so the list does not rot.
- `grace-days = N`: advisories published fewer than N days ago warn
  instead of failing, and say the date they start to fail.
- `dev = "warn"`: vulnerabilities reachable only through dev-dependencies
  warn instead of failing (default `deny`).
- `db`, `fetch`, `max-age`, `url`: where the database is and when it is
  updated (default `~/.cargo/advisory-db`, shared with cargo-audit,
  updated when older than a day unless `--offline`/`--no-fetch`).

No database and no way to fetch one is an `error` (never a pass).

## Why
A known, published vulnerability in a shipped dependency is the cheapest
attack there is. The RustSec database is the Rust community's record of
them.

## How to fix
Run the `cargo update -p NAME@VERSION --precise FIXED` command in the
finding. When a dependent's requirement keeps the fixed version out
(rustls 0.21 requires rustls-webpki `^0.101`, the fix is 0.103), the
finding says so and names the dependent to upgrade instead — the
`--precise` command would fail. When the vulnerable code path is provably unreachable, add an
ignore with a `reason` and an `until` date to review it again.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let Some(adv) = &facts.advisories else {
            return Outcome::error("the advisory database was not loaded");
        };
        let db = match &adv.prepared.db {
            Ok(db) => db,
            Err(e) => {
                let fetch = match &adv.prepared.fetch {
                    FetchOutcome::Failed(why) => format!("; fetching failed: {why}"),
                    FetchOutcome::Disabled => {
                        "; fetching is disabled (--offline, --no-fetch or `fetch = false`)".into()
                    }
                    _ => String::new(),
                };
                return Outcome::error(format!(
                    "{e}{fetch}. Fix: pass --db PATH to a RustSec advisory-db checkout, or run once online"
                ));
            }
        };
        let Some(lockfile) = &facts.lockfile else {
            return Outcome::error("no Cargo.lock, and cargo could not resolve one for this run");
        };
        let lock = match &lockfile.parsed {
            Ok(l) => l,
            Err(e) => return Outcome::error(format!("{} cannot be parsed: {e}", lockfile.path)),
        };
        let Some(report) = adv.report(lock, &facts.graph) else {
            return Outcome::error("the advisory database was not loaded");
        };
        let mut findings = Vec::new();
        let at = |name: &str, version: &str| lockfile.package_line(name, version);

        for v in &report.vulnerabilities {
            let blocked = v.fix.as_ref().and_then(|fixed| {
                let name = v.package.name.as_str();
                let blockers = requirement_blockers(facts, name, &v.package.version, fixed);
                blocked_fix_help(name, fixed, &blockers)
            });
            findings.push(vulnerability_finding(
                v,
                &lockfile.path,
                at(v.package.name.as_str(), &v.package.version.to_string()),
                blocked,
            ));
        }
        for w in &report.warnings {
            if w.kind == WarningKind::Yanked {
                continue; // the `yanked` check reports these
            }
            let Some(a) = &w.advisory else { continue };
            let name = w.package.name.as_str();
            findings.push(
                Finding::warning(
                    format!("{}:{}@{}", a.metadata.id, name, w.package.version),
                    format!(
                        "{} {}: {} ({}, {})",
                        name,
                        w.package.version,
                        a.metadata.title,
                        w.kind.as_str(),
                        a.metadata.id
                    ),
                )
                .at(
                    lockfile.path.clone(),
                    at(name, &w.package.version.to_string()),
                )
                .help(format!(
                    "{}{}",
                    advisory_url(a),
                    path_suffix(w.path.as_deref())
                )),
            );
        }
        for rule in &report.unused_ignores {
            let (path, line) = split_source(&rule.source);
            findings.push(
                Finding::warning(
                    format!("unused-ignore:{}", rule.id),
                    format!("ignore of {} matches nothing in {}", rule.id, lockfile.path),
                )
                .at(path, line)
                .help("remove it: the dependency is gone or upgraded"),
            );
        }
        for bad in &db.bad {
            findings.push(
                Finding::error(
                    format!("bad-advisory:{}", bad.path.display()),
                    format!(
                        "advisory file {} cannot be parsed: {}; its crate is not fully checked",
                        bad.path.display(),
                        bad.message
                    ),
                )
                .help("update the advisory database; report the file upstream if it persists"),
            );
        }
        for problem in &adv.ignore_problems {
            findings.push(Finding::note(
                format!("ignore-file:{problem}"),
                problem.clone(),
            ));
        }
        if let Some(finding) = staleness(adv) {
            findings.push(finding);
        }

        let denied = report.denied().count();
        let score = if denied > 0 {
            0.0
        } else if report.vulnerabilities.is_empty()
            && findings.iter().all(|f| f.severity < Severity::Warning)
        {
            1.0
        } else {
            0.7
        };
        let mut outcome = Outcome::from_findings(findings, score);
        if !db.bad.is_empty() {
            outcome.status = Status::Error;
            outcome.note = Some(format!(
                "{} advisory file(s) could not be parsed",
                db.bad.len()
            ));
        } else {
            outcome.note = Some(format!(
                "{} packages audited against {}",
                report.dependency_count,
                adv.describe()
            ));
        }
        outcome
    }
}

/// A directory the user manages is only called stale past this age: its
/// newest advisory is a poor clock (days pass between advisories).
const USER_MANAGED_STALE: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

/// A finding about the database's age, when it matters.
fn staleness(adv: &crate::advisories::collect::AdvisoryFacts) -> Option<Finding> {
    let age = adv.age()?;
    let (severity, why) = match &adv.prepared.fetch {
        FetchOutcome::Failed(why) if age > adv.max_age => {
            (Severity::Warning, format!("updating it failed: {why}"))
        }
        FetchOutcome::Disabled if age > adv.max_age => (
            Severity::Note,
            "fetching is disabled for this run".to_string(),
        ),
        FetchOutcome::UserManaged if age > USER_MANAGED_STALE => (
            Severity::Warning,
            "it is a directory this tool does not update; is the snapshot current?".to_string(),
        ),
        _ => return None,
    };
    Some(
        Finding::new(
            severity,
            "stale-db",
            format!("the advisory database is {} old ({}); {why}", human_age(age), adv.describe()),
        )
        .help("update it (run online, without --offline/--no-fetch, or refresh the --db directory) so new advisories are seen"),
    )
}

fn advisory_url(a: &rustsec::Advisory) -> String {
    a.metadata
        .url
        .as_ref()
        .map(|u| u.to_string())
        .unwrap_or_else(|| format!("https://rustsec.org/advisories/{}", a.metadata.id))
}

fn path_suffix(path: Option<&[String]>) -> String {
    match path {
        Some(p) if p.len() > 1 => format!("; path: {}", p.join(" → ")),
        _ => String::new(),
    }
}

/// `deny.toml:12` → (`deny.toml`, 12).
fn split_source(source: &str) -> (String, Option<usize>) {
    match source.rsplit_once(':') {
        Some((p, l)) if l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => {
            (p.to_string(), l.parse().ok())
        }
        _ => (source.to_string(), None),
    }
}

/// Packages whose requirement on `name` admits the locked `version` but
/// not `fixed` (rustls 0.21 requires rustls-webpki `^0.101`, the fix is
/// 0.103.12): `cargo update --precise` cannot apply the fix while they
/// stay. (parent, its version, its requirement), sorted.
fn requirement_blockers(
    facts: &Facts,
    name: &str,
    version: &semver::Version,
    fixed: &semver::Version,
) -> Vec<(String, String, String)> {
    let Ok(meta) = &facts.metadata else {
        return Vec::new();
    };
    let mut out: Vec<(String, String, String)> = meta
        .packages
        .iter()
        .flat_map(|p| {
            p.dependencies
                .iter()
                .filter(|d| d.name == name && d.kind != cargo_metadata::DependencyKind::Development)
                .filter(|d| d.req.matches(version) && !d.req.matches(fixed))
                .map(move |d| (p.name.to_string(), p.version.to_string(), d.req.to_string()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The fix advice when dependents' requirements keep the fixed version
/// out: upgrade them first, or the `--precise` command fails.
fn blocked_fix_help(
    name: &str,
    fixed: &semver::Version,
    blockers: &[(String, String, String)],
) -> Option<String> {
    if blockers.is_empty() {
        return None;
    }
    let shown: Vec<String> = blockers
        .iter()
        .take(3)
        .map(|(p, v, req)| format!("{p} {v} requires {name} `{req}`"))
        .collect();
    let more = if blockers.len() > 3 {
        format!(" and {} more", blockers.len() - 3)
    } else {
        String::new()
    };
    Some(format!(
        "{name} {fixed} fixes it, but {}{more}: upgrade {} to a release that accepts {name} {fixed} (then `cargo update -p {name}`), or replace it",
        shown.join(", "),
        blockers
            .iter()
            .map(|(p, _, _)| p.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn vulnerability_finding(
    v: &Vulnerability,
    lock_path: &str,
    line: Option<usize>,
    blocked_fix: Option<String>,
) -> Finding {
    let a = &v.advisory.metadata;
    let name = v.package.name.as_str();
    let version = &v.package.version;
    let aliases: Vec<String> = a.aliases.iter().map(|x| x.to_string()).collect();
    let severity = a
        .cvss
        .as_ref()
        .map(|c| format!("; CVSS {:.1} {}", c.score(), c.severity()))
        .unwrap_or_default();
    let kinds = v.kinds.names().join("+");
    let mut message = format!(
        "{name} {version}: {} ({}{}{severity}; reached through {kinds} dependencies)",
        a.title,
        a.id,
        if aliases.is_empty() {
            String::new()
        } else {
            format!(", {}", aliases.join(", "))
        },
    );
    let severity_level = match &v.gating {
        Gating::Deny => Severity::Error,
        Gating::DevOnly => {
            message.push_str("; only dev-dependencies reach it and `[advisories] dev = \"warn\"`");
            Severity::Warning
        }
        Gating::Grace { fails_on } => {
            message.push_str(&format!(
                "; published {} — within the grace period, fails the gate from {fails_on}",
                a.date
            ));
            Severity::Warning
        }
    };
    if let Some(rule) = &v.expired_ignore
        && let Some(until) = rule.until
    {
        message.push_str(&format!("; ignore expired on {until} ({})", rule.source));
    }
    let fix = match &v.fix {
        Some(_) if blocked_fix.is_some() => blocked_fix.unwrap_or_default(),
        Some(fixed) => format!(
            "upgrade to {name} {fixed}: `cargo update -p {name}@{version} --precise {fixed}`"
        ),
        None if v.advisory.versions.patched().is_empty() => {
            "no fixed version: remove or replace the dependency".to_string()
        }
        None => format!(
            "upgrade to a patched version ({})",
            v.advisory
                .versions
                .patched()
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    Finding::new(
        severity_level,
        format!("{}:{name}@{version}", a.id),
        message,
    )
    .at(lock_path, line)
    .help(format!(
        "{fix}; {}{}",
        advisory_url(&v.advisory),
        path_suffix(v.path.as_deref())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_a_dependent_keeps_out_names_the_dependent() {
        let fixed = semver::Version::new(0, 103, 12);
        assert_eq!(blocked_fix_help("rustls-webpki", &fixed, &[]), None);
        let help = blocked_fix_help(
            "rustls-webpki",
            &fixed,
            &[("rustls".into(), "0.21.12".into(), "^0.101.7".into())],
        )
        .unwrap_or_default();
        assert!(
            help.contains("rustls 0.21.12 requires rustls-webpki `^0.101.7`")
                && help.contains("upgrade rustls")
                && !help.contains("--precise"),
            "{help}"
        );
    }
}
