//! `cargo readiness licenses`: the dependency graph's licenses, each with
//! the crates under it (what cargo-license / cargo-about users ask for).

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::advisories::graph::{DepGraph, Kinds};

/// One license expression and its crates.
#[derive(Debug, Clone, Serialize)]
pub struct LicenseGroup {
    /// The `license` field as written, `license-file: PATH`, or `(none)`.
    pub license: String,
    /// How many crates.
    pub count: usize,
    /// `name version`, sorted.
    pub crates: Vec<String>,
}

/// Groups the packages cargo builds for the workspace (normal and build;
/// dev too with `include_dev`), workspace members included; `resolver` is
/// the workspace's feature resolver version.
pub fn inventory(
    meta: &cargo_metadata::Metadata,
    resolver: u32,
    include_dev: bool,
) -> Vec<LicenseGroup> {
    let graph = DepGraph::from_resolved(meta, resolver);
    let reach = graph.reach();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &meta.packages {
        let version = p.version.to_string();
        let Some(i) = graph.find(&p.name, &version) else {
            continue;
        };
        let k = reach[i];
        let included = graph.nodes[i].member
            || k.contains(Kinds::NORMAL)
            || k.contains(Kinds::BUILD)
            || (include_dev && k.contains(Kinds::DEV));
        if !included {
            continue;
        }
        let license = match (&p.license, &p.license_file) {
            (Some(l), _) => l.trim().to_string(),
            (None, Some(f)) => format!("license-file: {f}"),
            (None, None) => "(none)".to_string(),
        };
        groups
            .entry(license)
            .or_default()
            .push(format!("{} {version}", p.name));
    }
    let mut out: Vec<LicenseGroup> = groups
        .into_iter()
        .map(|(license, mut crates)| {
            crates.sort();
            crates.dedup();
            LicenseGroup {
                license,
                count: crates.len(),
                crates,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.license.cmp(&b.license)));
    out
}

/// JSON: `{"licenses": [{"license", "count", "crates"}]}`.
pub fn json(groups: &[LicenseGroup]) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        schema_version: u32,
        total: usize,
        licenses: &'a [LicenseGroup],
    }
    let total = groups.iter().map(|g| g.count).sum();
    let mut s = serde_json::to_string_pretty(&Out {
        schema_version: 1,
        total,
        licenses: groups,
    })
    .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// A table: count, license, then the crates.
pub fn human(groups: &[LicenseGroup]) -> String {
    let mut out = String::new();
    let total: usize = groups.iter().map(|g| g.count).sum();
    for g in groups {
        let _ = writeln!(
            out,
            "{:>4}  {}",
            g.count,
            crate::util::printable(&g.license)
        );
        let _ = writeln!(
            out,
            "      {}",
            crate::util::printable(&g.crates.join(", "))
        );
    }
    let _ = writeln!(
        out,
        "\n{total} crates, {} distinct license expressions",
        groups.len()
    );
    out
}
