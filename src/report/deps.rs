//! A summary of the dependency graph for reports: licenses, the audit's
//! findings by severity, and the crates most of the graph depends on.
//!
//! Built from the facts the run already collected (the resolved graph, the
//! cached audit); nothing is read or fetched here.

use std::collections::BTreeMap;

use crate::advisories::graph::Kinds;
use crate::facts::Facts;

/// How many "most depended-on" crates are listed.
const TOP: usize = 10;

/// What the dependency section of a report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Packages cargo builds for the workspace (normal and build
    /// dependencies, members excluded).
    pub packages: usize,
    /// Packages reached only through dev-dependencies.
    pub dev_only: usize,
    /// License expression (as written) → how many of `packages` carry it;
    /// most common first.
    pub licenses: Vec<(String, usize)>,
    /// The crates with the most direct dependents in the graph, most first.
    pub most_depended: Vec<Depended>,
    /// The RustSec audit, or why it did not run in this invocation.
    pub audit: Result<AuditSummary, String>,
}

/// A crate and how many packages of the graph depend on it directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Depended {
    /// Crate name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Direct dependents among the built packages and members.
    pub dependents: usize,
}

/// The audit, counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditSummary {
    /// Packages in `Cargo.lock`.
    pub locked: usize,
    /// Severity (`critical` … `low`, `none`, `unrated`) → vulnerabilities.
    pub by_severity: Vec<(String, usize)>,
    /// Each vulnerability, by package.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Warning kind (`unmaintained`, `unsound`, `yanked`, …) → count.
    pub warnings: Vec<(String, usize)>,
    /// Advisories ignored by configuration.
    pub ignored: usize,
}

/// One vulnerability, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Vulnerability {
    /// RUSTSEC id.
    pub id: String,
    /// Crate name and version.
    pub package: String,
    /// CVSS severity, or `unrated`.
    pub severity: String,
    /// The advisory's title.
    pub title: String,
    /// Where to read about it.
    pub url: String,
}

/// Severities, most serious first (CVSS v3 names, then unrated).
pub const SEVERITIES: [&str; 6] = ["critical", "high", "medium", "low", "none", "unrated"];

/// Summarises the dependency graph; `None` when `cargo metadata` failed
/// (no graph to summarise).
pub fn summarise(facts: &Facts) -> Option<Summary> {
    let meta = facts.metadata.as_ref().ok()?;
    let graph = &facts.graph;
    let reach = graph.reach();
    let built = |i: usize| {
        let k = reach[i];
        k.contains(Kinds::NORMAL) || k.contains(Kinds::BUILD)
    };
    let mut licenses: BTreeMap<String, usize> = BTreeMap::new();
    let (mut packages, mut dev_only) = (0, 0);
    for p in &meta.packages {
        let Some(i) = graph.find(&p.name, &p.version.to_string()) else {
            continue;
        };
        if graph.nodes[i].member {
            continue;
        }
        if !built(i) {
            dev_only += usize::from(reach[i].contains(Kinds::DEV));
            continue;
        }
        packages += 1;
        let license = match (&p.license, &p.license_file) {
            (Some(l), _) => l.trim().to_string(),
            (None, Some(_)) => "license-file".to_string(),
            (None, None) => "(none)".to_string(),
        };
        *licenses.entry(license).or_default() += 1;
    }
    let mut licenses: Vec<(String, usize)> = licenses.into_iter().collect();
    licenses.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let counted = |i: usize| graph.nodes[i].member || built(i);
    let mut most_depended: Vec<Depended> = graph
        .reverse_edges()
        .iter()
        .enumerate()
        .filter(|&(i, _)| !graph.nodes[i].member && built(i))
        .map(|(i, from)| Depended {
            name: graph.nodes[i].name.clone(),
            version: graph.nodes[i].version.clone(),
            dependents: from.iter().filter(|&&f| counted(f)).count(),
        })
        .filter(|d| d.dependents > 1)
        .collect();
    most_depended.sort_by(|a, b| {
        b.dependents
            .cmp(&a.dependents)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.version.cmp(&b.version))
    });
    most_depended.truncate(TOP);

    Some(Summary {
        packages,
        dev_only,
        licenses,
        most_depended,
        audit: audit(facts),
    })
}

fn audit(facts: &Facts) -> Result<AuditSummary, String> {
    let adv = facts.advisories.as_ref().ok_or_else(|| {
        "did not run: the `advisories` and `yanked` checks are set to `allow`".to_string()
    })?;
    if let Err(e) = &adv.prepared.db {
        return Err(format!(
            "did not run: the advisory database is unavailable ({e})"
        ));
    }
    let lock = facts
        .lockfile
        .as_ref()
        .and_then(|l| l.parsed.as_ref().ok())
        .ok_or_else(|| "did not run: there is no readable Cargo.lock".to_string())?;
    let report = adv
        .report(lock, &facts.graph)
        .ok_or_else(|| "did not run: the advisory database could not be loaded".to_string())?;
    let mut by_severity: BTreeMap<&str, usize> = BTreeMap::new();
    let mut vulnerabilities = Vec::new();
    for v in &report.vulnerabilities {
        let m = &v.advisory.metadata;
        let severity = m
            .cvss
            .as_ref()
            .map(|c| c.severity().to_string().to_ascii_lowercase())
            .unwrap_or_else(|| "unrated".to_string());
        let key = SEVERITIES
            .iter()
            .find(|s| **s == severity)
            .copied()
            .unwrap_or("unrated");
        *by_severity.entry(key).or_default() += 1;
        vulnerabilities.push(Vulnerability {
            id: m.id.to_string(),
            package: format!("{} {}", v.package.name, v.package.version),
            severity: key.to_string(),
            title: m.title.clone(),
            url: format!("https://rustsec.org/advisories/{}.html", m.id),
        });
    }
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    for w in &report.warnings {
        *warnings.entry(w.kind.as_str().to_string()).or_default() += 1;
    }
    Ok(AuditSummary {
        locked: report.dependency_count,
        by_severity: SEVERITIES
            .iter()
            .filter_map(|s| by_severity.get(s).map(|n| (s.to_string(), *n)))
            .collect(),
        vulnerabilities,
        warnings: warnings.into_iter().collect(),
        ignored: report.ignored.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::workspace::Member;

    #[test]
    fn nothing_to_summarise_without_the_resolved_graph() {
        let facts = Facts::in_memory(vec![Member::named("a", "1.0.0", "")], &[]);
        assert!(summarise(&facts).is_none());
    }
}
