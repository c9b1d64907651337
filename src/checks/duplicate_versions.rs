//! `duplicate-versions`: each crate is locked at one version.

use std::collections::BTreeMap;

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::advisories::graph::{DepGraph, Kinds};
use crate::facts::Facts;
use crate::policy::{PackageSpec, PeerLevel, TreeSkip};

/// See [`Check::docs`].
pub struct DuplicateVersions;

impl Check for DuplicateVersions {
    fn id(&self) -> &'static str {
        "duplicate-versions"
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
        "no crate is built at more than one version"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Crates locked at more than one version among the normal and build
dependencies (dev-dependencies too with `[bans] include-dev = true`). Each
finding lists the versions and which packages pull each one in, at the
crate's line in `Cargo.lock`. `[bans] skip = ["syn@1"]` accepts known
duplicates; `skip-tree = [{ crate = "windows-sys@0.48", depth = 3 }]`
accepts a crate and what it depends on, `depth` levels deep (1: the crate
alone; none: the whole subtree). An entry that matches no crate in the
graph is a note. From a `deny.toml` (when `readiness.toml` has no `[bans]`):
`skip`, `skip-tree`, `multiple-versions-include-dev`, and
`multiple-versions = "allow"`, which skips this check.

## Why
Every duplicate is compiled twice — build time and binary size — and two
versions of a type do not interoperate, which surfaces as baffling
"expected `Foo`, found `Foo`" errors. Three versions of `syn` is a sign the
tree needs an update.

## How to fix
`cargo tree -d` shows who pulls each version; update the dependents that
hold the old one (`cargo update -p NAME`), or add a `skip` entry with the
reason it cannot be unified yet.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let graph = &facts.graph;
        if graph.nodes.is_empty() {
            return Outcome::error(
                "no dependency graph: cargo metadata failed and there is no Cargo.lock",
            );
        }
        let policy = &facts.config.policy.bans;
        let source = policy.source.as_deref().unwrap_or("readiness.toml");
        if policy.multiple_versions == Some(PeerLevel::Allow) {
            return Outcome::skip(format!(
                "`multiple-versions = \"allow\"` in {source} accepts duplicate versions"
            ));
        }
        let mut notes = Vec::new();
        let tree_skipped = skipped_trees(graph, &policy.skip_tree, |spec| {
            notes.push(unmatched("skip-tree", spec, source));
        });
        for spec in &policy.skip {
            let matched = graph.nodes.iter().any(|n| {
                semver::Version::parse(&n.version).is_ok_and(|v| spec.matches(&n.name, &v))
            });
            if !matched {
                notes.push(unmatched("skip", spec, source));
            }
        }
        let reach = graph.reach();
        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let counted = |k: Kinds| {
            k.contains(Kinds::NORMAL)
                || k.contains(Kinds::BUILD)
                || k.contains(Kinds::UNKNOWN)
                || (policy.include_dev && k.contains(Kinds::DEV))
        };
        for (i, node) in graph.nodes.iter().enumerate() {
            if node.member {
                continue;
            }
            if counted(reach[i]) {
                by_name.entry(node.name.as_str()).or_default().push(i);
            }
        }
        let reverse = graph.reverse_edges();
        let dependents = |i: usize| -> Vec<String> {
            // Dev-only dependents do not pull a version into what ships.
            let mut out: Vec<String> = reverse[i]
                .iter()
                .filter(|&&from| graph.nodes[from].member || counted(reach[from]))
                .map(|&from| format!("{} {}", graph.nodes[from].name, graph.nodes[from].version))
                .collect();
            out.sort();
            out
        };
        let mut findings = Vec::new();
        let total = by_name.len();
        for (name, mut nodes) in by_name {
            if nodes.len() < 2 {
                continue;
            }
            let skipped = |i: &usize| {
                tree_skipped[*i]
                    || semver::Version::parse(&graph.nodes[*i].version)
                        .is_ok_and(|v| policy.skip.iter().any(|s| s.matches(name, &v)))
            };
            if nodes.iter().filter(|i| !skipped(i)).count() < 2 {
                continue;
            }
            nodes.sort_by(|a, b| {
                let v = |i: usize| semver::Version::parse(&graph.nodes[i].version).ok();
                v(*a).cmp(&v(*b))
            });
            let detail: Vec<String> = nodes
                .iter()
                .map(|&i| {
                    let pulled = dependents(i);
                    let shown: Vec<&str> = pulled.iter().take(3).map(String::as_str).collect();
                    let more = pulled.len().saturating_sub(3);
                    format!(
                        "{} (from {}{})",
                        graph.nodes[i].version,
                        shown.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    )
                })
                .collect();
            let first = &graph.nodes[nodes[0]];
            let line = facts
                .lockfile
                .as_ref()
                .and_then(|l| l.package_line(name, &first.version));
            findings.push(
                Finding::warning(name.to_string(), format!("{name} is locked at {} versions: {}", nodes.len(), detail.join("; ")))
                    .at(facts.lockfile.as_ref().map_or("Cargo.lock", |l| l.path.as_str()), line)
                    .help(format!("`cargo tree -d -i {name}` shows the chains; update the dependents on the old version, or [bans] skip = [\"{name}@{}\"]", first.version)),
            );
        }
        let score = if total == 0 {
            1.0
        } else {
            1.0 - (findings.len() as f64 / total as f64 * 5.0).min(1.0)
        };
        findings.extend(notes);
        Outcome::from_findings(findings, score)
    }
}

/// The packages each `skip-tree` entry accepts: its roots and what they
/// depend on, `depth` levels deep (1: the root alone), as cargo-deny
/// counts them (breadth first, so each package at its shortest depth).
/// `unmatched` hears of each entry that matches no package.
fn skipped_trees(
    graph: &DepGraph,
    trees: &[TreeSkip],
    mut unmatched: impl FnMut(&PackageSpec),
) -> Vec<bool> {
    let mut skipped = vec![false; graph.nodes.len()];
    for tree in trees {
        let roots: Vec<usize> = (0..graph.nodes.len())
            .filter(|&i| {
                let n = &graph.nodes[i];
                semver::Version::parse(&n.version).is_ok_and(|v| tree.spec.matches(&n.name, &v))
            })
            .collect();
        if roots.is_empty() {
            unmatched(&tree.spec);
            continue;
        }
        let max = tree.depth.unwrap_or(usize::MAX);
        let mut seen = vec![false; graph.nodes.len()];
        let mut queue: std::collections::VecDeque<(usize, usize)> =
            roots.iter().map(|&r| (r, 1)).collect();
        for &r in &roots {
            seen[r] = true;
        }
        while let Some((at, depth)) = queue.pop_front() {
            skipped[at] = true;
            if depth >= max {
                continue;
            }
            for &(to, _) in &graph.edges[at] {
                if !seen[to] {
                    seen[to] = true;
                    queue.push_back((to, depth + 1));
                }
            }
        }
    }
    skipped
}

/// The note for a `skip`/`skip-tree` entry that matches nothing, so the
/// list does not rot (cargo-deny warns the same way).
fn unmatched(what: &str, spec: &PackageSpec, source: &str) -> Finding {
    Finding::note(
        format!("unmatched-{what}:{spec}"),
        format!("[bans] {what} entry `{spec}` in {source} matches no crate in the dependency graph: remove it"),
    )
    .at(source, None)
}
