//! The dependency graph an audit needs: which workspace member reaches a
//! locked package, through which kinds of dependency (normal, build, dev),
//! and one shortest path to show the user.
//!
//! Built from `cargo metadata`'s resolve graph when the full run has it, or
//! from `Cargo.lock` plus the members' manifests (`cargo readiness audit`,
//! which stays as fast as reading two files).

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

/// Kinds of dependency edge, as a small bit set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kinds(u8);

impl Kinds {
    /// `[dependencies]`
    pub const NORMAL: Kinds = Kinds(1);
    /// `[build-dependencies]`
    pub const BUILD: Kinds = Kinds(2);
    /// `[dev-dependencies]`
    pub const DEV: Kinds = Kinds(4);
    /// Not known (a lockfile without manifests).
    pub const UNKNOWN: Kinds = Kinds(8);

    /// The union.
    pub fn union(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: Kinds) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Whether nothing is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Reached only through dev-dependencies.
    pub fn dev_only(self) -> bool {
        self == Kinds::DEV
    }

    /// The names, in a fixed order.
    pub fn names(self) -> Vec<&'static str> {
        [
            (Kinds::NORMAL, "normal"),
            (Kinds::BUILD, "build"),
            (Kinds::DEV, "dev"),
            (Kinds::UNKNOWN, "unknown"),
        ]
        .into_iter()
        .filter(|(k, _)| self.contains(*k))
        .map(|(_, n)| n)
        .collect()
    }
}

impl Serialize for Kinds {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.names().serialize(s)
    }
}

/// A package in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Whether it is a workspace member (a root of the walk).
    pub member: bool,
}

/// The graph: nodes, and edges labelled with their kinds.
#[derive(Debug, Clone, Default)]
pub struct DepGraph {
    /// Packages.
    pub nodes: Vec<Node>,
    /// `edges[i]` = (target, kinds of that edge) for each dependency of `i`.
    pub edges: Vec<Vec<(usize, Kinds)>>,
    by_key: BTreeMap<(String, String), usize>,
}

impl DepGraph {
    fn add(&mut self, name: &str, version: &str, member: bool) -> usize {
        if let Some(&i) = self.by_key.get(&(name.to_string(), version.to_string())) {
            if member {
                self.nodes[i].member = true;
            }
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(Node {
            name: name.to_string(),
            version: version.to_string(),
            member,
        });
        self.edges.push(Vec::new());
        self.by_key
            .insert((name.to_string(), version.to_string()), i);
        i
    }

    /// For every node, the nodes that depend on it directly.
    pub fn reverse_edges(&self) -> Vec<Vec<usize>> {
        let mut rev = vec![Vec::new(); self.nodes.len()];
        for (from, edges) in self.edges.iter().enumerate() {
            for &(to, _) in edges {
                if !rev[to].contains(&from) {
                    rev[to].push(from);
                }
            }
        }
        rev
    }

    /// The node of `name` at `version`.
    pub fn find(&self, name: &str, version: &str) -> Option<usize> {
        self.by_key
            .get(&(name.to_string(), version.to_string()))
            .copied()
    }

    /// From `cargo metadata`'s resolve graph (exact kinds, per edge).
    pub fn from_metadata(meta: &cargo_metadata::Metadata) -> DepGraph {
        let mut g = DepGraph::default();
        let members: std::collections::BTreeSet<&cargo_metadata::PackageId> =
            meta.workspace_members.iter().collect();
        let mut index: BTreeMap<&cargo_metadata::PackageId, usize> = BTreeMap::new();
        for p in &meta.packages {
            let i = g.add(&p.name, &p.version.to_string(), members.contains(&p.id));
            index.insert(&p.id, i);
        }
        let Some(resolve) = &meta.resolve else {
            return g;
        };
        for node in &resolve.nodes {
            let Some(&from) = index.get(&node.id) else {
                continue;
            };
            for dep in &node.deps {
                let Some(&to) = index.get(&dep.pkg) else {
                    continue;
                };
                let mut kinds = Kinds::default();
                for k in &dep.dep_kinds {
                    kinds = kinds.union(match k.kind {
                        cargo_metadata::DependencyKind::Normal => Kinds::NORMAL,
                        cargo_metadata::DependencyKind::Build => Kinds::BUILD,
                        cargo_metadata::DependencyKind::Development => Kinds::DEV,
                        _ => Kinds::UNKNOWN,
                    });
                }
                if kinds.is_empty() {
                    kinds = Kinds::NORMAL;
                }
                g.edges[from].push((to, kinds));
            }
        }
        g
    }

    /// What cargo really builds: each member's graph resolved with cargo's
    /// feature resolver (resolver 2: per-context features, dev-dependencies
    /// of members only, every platform), unioned. `cargo metadata`'s own
    /// resolve graph unifies features the way resolver 1 did and so lists
    /// packages cargo never builds (an optional dependency enabled only by
    /// some dev-dependency, say). Resolver-1 workspaces, or a member the
    /// resolver cannot walk, fall back to [`DepGraph::from_metadata`].
    pub fn from_resolved(meta: &cargo_metadata::Metadata, resolver: u32) -> DepGraph {
        use crate::sbom::graph::{self, Mode, Platforms};
        if resolver < 2 {
            return DepGraph::from_metadata(meta);
        }
        let mode = Mode::Features(graph::FeatureRequest::default());
        let platforms = Platforms::default();
        // One resolution from every member at once: features unify across
        // members, as in `cargo test --workspace`.
        let roots: Vec<&cargo_metadata::PackageId> = meta.workspace_members.iter().collect();
        let selections = match graph::select_many(meta, &roots, true, &platforms, &mode) {
            Ok(sel) => [sel],
            Err(_) => return DepGraph::from_metadata(meta),
        };
        let members: std::collections::BTreeSet<&cargo_metadata::PackageId> =
            meta.workspace_members.iter().collect();
        let by_id: BTreeMap<&cargo_metadata::PackageId, &cargo_metadata::Package> =
            meta.packages.iter().map(|p| (&p.id, p)).collect();
        let mut g = DepGraph::default();
        let mut index: BTreeMap<cargo_metadata::PackageId, usize> = BTreeMap::new();
        for sel in &selections {
            for id in sel.packages.keys() {
                if index.contains_key(id) {
                    continue;
                }
                if let Some(p) = by_id.get(id) {
                    let i = g.add(&p.name, &p.version.to_string(), members.contains(id));
                    index.insert(id.clone(), i);
                }
            }
        }
        let mut edges: BTreeMap<(usize, usize), Kinds> = BTreeMap::new();
        for sel in &selections {
            for (from, tos) in &sel.edges {
                let Some(&f) = index.get(from) else { continue };
                for (to, k) in tos {
                    let Some(&t) = index.get(to) else { continue };
                    let mut kinds = Kinds::default();
                    if k.normal {
                        kinds = kinds.union(Kinds::NORMAL);
                    }
                    if k.build {
                        kinds = kinds.union(Kinds::BUILD);
                    }
                    if k.dev {
                        kinds = kinds.union(Kinds::DEV);
                    }
                    if kinds.is_empty() {
                        kinds = Kinds::NORMAL;
                    }
                    let e = edges.entry((f, t)).or_default();
                    *e = e.union(kinds);
                }
            }
        }
        for ((f, t), k) in edges {
            g.edges[f].push((t, k));
        }
        g
    }

    /// From `Cargo.lock`, with each member's first-hop kinds taken from its
    /// manifest (`member_kinds`: member name → dependency name → kinds).
    /// Without a member's manifest its edges are `UNKNOWN`; without any
    /// member, path packages (no `source`) are the roots.
    pub fn from_lockfile(
        lock: &cargo_lock::Lockfile,
        member_kinds: &BTreeMap<String, BTreeMap<String, Kinds>>,
    ) -> DepGraph {
        let mut g = DepGraph::default();
        let is_member = |p: &cargo_lock::Package| {
            p.source.is_none()
                && (member_kinds.is_empty() || member_kinds.contains_key(p.name.as_str()))
        };
        // Indexed by borrowed keys: a look-up per dependency must not
        // format and allocate (60 000 packages, 180 000 edges).
        let mut index: std::collections::HashMap<(&str, &semver::Version), usize> =
            std::collections::HashMap::with_capacity(lock.packages.len());
        for p in &lock.packages {
            let i = g.add(p.name.as_str(), &p.version.to_string(), is_member(p));
            index.insert((p.name.as_str(), &p.version), i);
        }
        for p in &lock.packages {
            let Some(&from) = index.get(&(p.name.as_str(), &p.version)) else {
                continue;
            };
            let manifest_kinds = member_kinds
                .get(p.name.as_str())
                .filter(|_| g.nodes[from].member);
            for dep in &p.dependencies {
                let Some(&to) = index.get(&(dep.name.as_str(), &dep.version)) else {
                    continue;
                };
                let kinds = if g.nodes[from].member {
                    manifest_kinds
                        .and_then(|m| m.get(dep.name.as_str()))
                        .copied()
                        .unwrap_or(if manifest_kinds.is_some() {
                            Kinds::NORMAL
                        } else {
                            Kinds::UNKNOWN
                        })
                } else {
                    Kinds::NORMAL
                };
                g.edges[from].push((to, kinds));
            }
        }
        g
    }

    /// For every node, the kinds of first hop (from a member) through which
    /// it is reached. Dev-dependencies of non-members are not followed:
    /// cargo never builds them.
    pub fn reach(&self) -> Vec<Kinds> {
        self.reach_from(&self.members())
    }

    /// Indices of the workspace members.
    pub fn members(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].member)
            .collect()
    }

    /// [`reach`](Self::reach) from the given roots only (e.g. the members
    /// that build a binary).
    pub fn reach_from(&self, roots: &[usize]) -> Vec<Kinds> {
        let mut reach = vec![Kinds::default(); self.nodes.len()];
        let mut queue: VecDeque<(usize, Kinds)> = VecDeque::new();
        for &i in roots {
            for &(to, kinds) in &self.edges[i] {
                queue.push_back((to, kinds));
            }
        }
        while let Some((i, kinds)) = queue.pop_front() {
            let merged = reach[i].union(kinds);
            if merged == reach[i] {
                continue;
            }
            reach[i] = merged;
            if self.nodes[i].member {
                continue;
            }
            for &(to, edge) in &self.edges[i] {
                if edge == Kinds::DEV {
                    continue;
                }
                queue.push_back((to, merged));
            }
        }
        reach
    }

    /// A shortest path from a member to `target`, as `name version` strings.
    pub fn path_to(&self, target: usize) -> Option<Vec<String>> {
        self.path_from(&self.members(), target)
    }

    /// A shortest path from one of `roots` to `target`.
    pub fn path_from(&self, roots: &[usize], target: usize) -> Option<Vec<String>> {
        self.shortest_paths(roots).to(self, target)
    }

    /// Shortest paths from `roots` to every node, in one breadth-first
    /// walk: asking for many paths (one per finding) costs one walk, not
    /// one per path.
    pub fn shortest_paths(&self, roots: &[usize]) -> ShortestPaths {
        let mut prev: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = VecDeque::new();
        for &i in roots {
            if let Some(s) = seen.get_mut(i) {
                *s = true;
                queue.push_back(i);
            }
        }
        while let Some(i) = queue.pop_front() {
            for &(to, edge) in &self.edges[i] {
                let followed = edge != Kinds::DEV || self.nodes[i].member;
                if !seen[to] && followed {
                    seen[to] = true;
                    prev[to] = Some(i);
                    queue.push_back(to);
                }
            }
        }
        ShortestPaths { prev, seen }
    }
}

/// The breadth-first tree of [`DepGraph::shortest_paths`].
#[derive(Debug, Clone)]
pub struct ShortestPaths {
    prev: Vec<Option<usize>>,
    seen: Vec<bool>,
}

impl ShortestPaths {
    /// The path from a root to `target`, as `name version` strings;
    /// `None` when no root reaches it.
    pub fn to(&self, graph: &DepGraph, target: usize) -> Option<Vec<String>> {
        if !self.seen.get(target).copied().unwrap_or(false) {
            return None;
        }
        let mut path = vec![target];
        let mut at = target;
        while let Some(p) = self.prev[at] {
            path.push(p);
            at = p;
        }
        path.reverse();
        Some(
            path.iter()
                .map(|&n| format!("{} {}", graph.nodes[n].name, graph.nodes[n].version))
                .collect(),
        )
    }
}

/// First-hop kinds of a member manifest: dependency (package) name → kinds,
/// from `[dependencies]`, `[build-dependencies]`, `[dev-dependencies]` and
/// their `[target.'cfg'.…]` forms, resolving `package = "…"` renames and
/// `workspace = true` entries through `workspace_deps`.
pub fn manifest_kinds(
    manifest: &toml::Table,
    workspace_deps: Option<&toml::Table>,
) -> BTreeMap<String, Kinds> {
    let mut out: BTreeMap<String, Kinds> = BTreeMap::new();
    let mut add_section = |table: &toml::Table| {
        for (section, kinds) in [
            ("dependencies", Kinds::NORMAL),
            ("build-dependencies", Kinds::BUILD),
            ("build_dependencies", Kinds::BUILD),
            ("dev-dependencies", Kinds::DEV),
            ("dev_dependencies", Kinds::DEV),
        ] {
            let Some(deps) = table.get(section).and_then(|d| d.as_table()) else {
                continue;
            };
            for (key, spec) in deps {
                let mut package = spec
                    .get("package")
                    .and_then(|p| p.as_str())
                    .map(str::to_string);
                if package.is_none()
                    && spec.get("workspace").and_then(|w| w.as_bool()) == Some(true)
                {
                    package = workspace_deps
                        .and_then(|w| w.get(key))
                        .and_then(|s| s.get("package"))
                        .and_then(|p| p.as_str())
                        .map(str::to_string);
                }
                let name = package.unwrap_or_else(|| key.clone());
                let entry = out.entry(name).or_default();
                *entry = entry.union(kinds);
            }
        }
    };
    add_section(manifest);
    if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
        for cfg in targets.values().filter_map(|v| v.as_table()) {
            add_section(cfg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(text: &str) -> cargo_lock::Lockfile {
        text.parse().unwrap()
    }

    const LOCK: &str = r#"
version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["web", "testkit"]

[[package]]
name = "web"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["h2"]

[[package]]
name = "h2"
version = "0.3.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "testkit"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["mockito"]

[[package]]
name = "mockito"
version = "0.1.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn kinds_follow_the_first_hop() {
        let manifest: toml::Table =
            "[dependencies]\nweb = \"1\"\n[dev-dependencies]\ntestkit = \"2\"\n"
                .parse()
                .unwrap();
        let mut members = BTreeMap::new();
        members.insert("app".to_string(), manifest_kinds(&manifest, None));
        let g = DepGraph::from_lockfile(&lock(LOCK), &members);
        let reach = g.reach();
        let h2 = g.find("h2", "0.3.0").unwrap();
        let mockito = g.find("mockito", "0.1.0").unwrap();
        assert_eq!(reach[h2], Kinds::NORMAL);
        assert!(reach[mockito].dev_only());
        assert_eq!(
            g.path_to(h2).unwrap(),
            vec!["app 0.1.0", "web 1.0.0", "h2 0.3.0"]
        );
    }

    #[test]
    fn renamed_and_target_specific_dependencies() {
        let manifest: toml::Table = "[dependencies]\nhttp = { package = \"web\", version = \"1\" }\n[target.'cfg(unix)'.build-dependencies]\ncc = \"1\"\n".parse().unwrap();
        let k = manifest_kinds(&manifest, None);
        assert_eq!(k.get("web"), Some(&Kinds::NORMAL));
        assert_eq!(k.get("cc"), Some(&Kinds::BUILD));
    }

    #[test]
    fn without_manifests_kinds_are_unknown() {
        let g = DepGraph::from_lockfile(&lock(LOCK), &BTreeMap::new());
        let reach = g.reach();
        let h2 = g.find("h2", "0.3.0").unwrap();
        assert_eq!(reach[h2], Kinds::UNKNOWN);
        assert_eq!(Kinds::UNKNOWN.names(), vec!["unknown"]);
    }
}
