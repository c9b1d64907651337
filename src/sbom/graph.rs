//! Which packages an SBOM lists: exactly what cargo builds for the root
//! package, on the chosen target, with the chosen features.
//!
//! `cargo metadata` gives every package and edge its dependency resolver
//! activated, for every platform and with features unified across the
//! whole workspace (dev-dependencies and build scripts included): a
//! superset. Two walks narrow it down:
//!
//! - [`Mode::Features`] (feature resolver "2" and later, the default since
//!   edition 2021): [`super::features`] re-runs cargo's feature resolution
//!   from the root, so optional dependencies enabled only by a
//!   dev-dependency, a build script or another platform are left out, as
//!   `cargo tree -e normal,build` leaves them out.
//! - [`Mode::Unified`] (resolver "1"): features are unified, so the walk
//!   follows the resolve graph's edges as they are.
//!
//! Both follow normal and build edges; dev edges only with `include_dev`
//! and only out of the root (`cargo test -p ROOT` builds ROOT's
//! dev-dependencies, never those of the packages it depends on, workspace
//! members included — as `cargo tree -e dev -p ROOT` shows). Platform-specific edges are kept when their
//! `target` matches: the host for build dependencies and everything under
//! them, the target otherwise.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use cargo_metadata::{DependencyKind, Metadata, Node, Package, PackageId, TargetKind};

pub use crate::facts::platform::Platform;

/// How a package is needed by the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// Linked into what ships: reached from the root through normal edges only.
    Runtime,
    /// Only needed to build (build scripts, proc macros and their dependencies).
    Build,
    /// Only needed to test, bench or run examples (`--include-dev`).
    Dev,
}

/// The kinds of one dependency edge (cargo may record several).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Kinds {
    /// `[dependencies]`
    pub normal: bool,
    /// `[build-dependencies]`
    pub build: bool,
    /// `[dev-dependencies]`
    pub dev: bool,
}

impl Kinds {
    /// Adds `kind`.
    pub fn add(&mut self, kind: DependencyKind) {
        match kind {
            DependencyKind::Build => self.build = true,
            DependencyKind::Development => self.dev = true,
            _ => self.normal = true,
        }
    }

    fn any(self) -> bool {
        self.normal || self.build || self.dev
    }

    fn union(self, other: Kinds) -> Kinds {
        Kinds {
            normal: self.normal || other.normal,
            build: self.build || other.build,
            dev: self.dev || other.dev,
        }
    }
}

/// The platforms dependencies are selected for; `None` matches every
/// platform (`--target all`).
#[derive(Debug, Clone, Default)]
pub struct Platforms {
    /// What the root is built for.
    pub target: Option<Platform>,
    /// Where build scripts and proc macros run.
    pub host: Option<Platform>,
}

impl Platforms {
    /// Whether a dependency declared for `platform` is built in a context.
    pub fn matches(
        &self,
        platform: Option<&cargo_metadata::cargo_platform::Platform>,
        for_host: bool,
    ) -> bool {
        let Some(platform) = platform else {
            return true;
        };
        let which = if for_host { &self.host } else { &self.target };
        which.as_ref().is_none_or(|p| p.matches(platform))
    }
}

/// The features asked for on the command line (they apply to the root).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureRequest {
    /// `--features` values (space- or comma-separated, `pkg/feat` allowed).
    pub features: Vec<String>,
    /// `--all-features`
    pub all_features: bool,
    /// `--no-default-features`
    pub no_default_features: bool,
}

/// How features are resolved.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Resolver "1": features unified; follow the resolve graph.
    Unified,
    /// Resolver "2"/"3": resolve features from the root as cargo does.
    Features(FeatureRequest),
}

/// The packages and edges selected for one root.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Every selected package (the root included) and how it is needed.
    pub packages: BTreeMap<PackageId, Usage>,
    /// Followed edges: from → (to → kinds), both ends selected.
    pub edges: BTreeMap<PackageId, BTreeMap<PackageId, Kinds>>,
}

/// A package in a build context: `for_host` for build scripts, proc macros
/// and everything they depend on.
pub type Key = (PackageId, bool);

/// Activated packages-in-context and the edges between them.
pub type KeyGraph = BTreeMap<Key, BTreeMap<Key, Kinds>>;

/// The graph as indexes over the metadata.
pub struct Index<'a> {
    /// Packages by id.
    pub packages: HashMap<&'a PackageId, &'a Package>,
    /// Resolve nodes by id.
    pub nodes: HashMap<&'a PackageId, &'a Node>,
}

impl<'a> Index<'a> {
    /// Indexes `meta`; errors without a resolve graph.
    pub fn new(meta: &'a Metadata) -> Result<Index<'a>, String> {
        let resolve = meta
            .resolve
            .as_ref()
            .ok_or("cargo metadata returned no dependency graph")?;
        Ok(Index {
            packages: meta.packages.iter().map(|p| (&p.id, p)).collect(),
            nodes: resolve.nodes.iter().map(|n| (&n.id, n)).collect(),
        })
    }

    /// Whether the package is a proc macro (built for the host).
    pub fn is_proc_macro(&self, id: &PackageId) -> bool {
        self.packages.get(id).is_some_and(|p| {
            p.targets
                .iter()
                .any(|t| t.kind.contains(&TargetKind::ProcMacro))
        })
    }
}

/// Walks the graph from `root`.
pub fn select(
    meta: &Metadata,
    root: &PackageId,
    include_dev: bool,
    platforms: &Platforms,
    mode: &Mode,
) -> Result<Selection, String> {
    select_many(meta, &[root], include_dev, platforms, mode)
}

/// Walks the graph from several roots at once, as `cargo build -p A -p B`
/// (or `--workspace`) builds them: one resolution, features unified across
/// the roots — linear in the graph, where one walk per root would be
/// quadratic on a large workspace.
pub fn select_many(
    meta: &Metadata,
    roots: &[&PackageId],
    include_dev: bool,
    platforms: &Platforms,
    mode: &Mode,
) -> Result<Selection, String> {
    let index = Index::new(meta)?;
    if let Some(missing) = roots.iter().find(|r| !index.nodes.contains_key(*r)) {
        return Err(format!("`{}` is not in the dependency graph", missing.repr));
    }
    let graph = match mode {
        Mode::Unified => unified(&index, roots, include_dev, platforms),
        Mode::Features(request) => {
            super::features::resolve(&index, roots, include_dev, platforms, request)
        }
    };
    Ok(collapse(&graph, roots))
}

/// Resolver 1: every edge of the resolve graph whose kind and platform apply.
fn unified(
    index: &Index<'_>,
    roots: &[&PackageId],
    include_dev: bool,
    platforms: &Platforms,
) -> KeyGraph {
    let mut graph = KeyGraph::new();
    let mut queue: VecDeque<Key> = roots.iter().map(|r| ((*r).clone(), false)).collect();
    while let Some(key) = queue.pop_front() {
        if graph.contains_key(&key) {
            continue;
        }
        let (id, for_host) = (&key.0, key.1);
        let dev_allowed = include_dev && roots.contains(&id) && !for_host;
        let mut out: BTreeMap<Key, Kinds> = BTreeMap::new();
        for dep in index
            .nodes
            .get(id)
            .map(|n| n.deps.as_slice())
            .unwrap_or_default()
        {
            let infos: Vec<(
                DependencyKind,
                Option<&cargo_metadata::cargo_platform::Platform>,
            )> = if dep.dep_kinds.is_empty() {
                // cargo before 1.41 did not record kinds: normal.
                vec![(DependencyKind::Normal, None)]
            } else {
                dep.dep_kinds
                    .iter()
                    .map(|i| (i.kind, i.target.as_ref()))
                    .collect()
            };
            for (kind, target) in infos {
                let build = kind == DependencyKind::Build;
                if kind == DependencyKind::Development && !dev_allowed {
                    continue;
                }
                if !platforms.matches(target, for_host || build) {
                    continue;
                }
                let child_host = for_host || build || index.is_proc_macro(&dep.pkg);
                out.entry((dep.pkg.clone(), child_host))
                    .or_default()
                    .add(kind);
            }
        }
        for child in out.keys() {
            if !graph.contains_key(child) {
                queue.push_back(child.clone());
            }
        }
        graph.insert(key, out);
    }
    graph
}

/// Packages-in-context to packages: usage from how the root reaches each
/// context (runtime only through normal edges in the target context).
fn collapse(graph: &KeyGraph, roots: &[&PackageId]) -> Selection {
    let closure = |allow: Kinds| -> BTreeSet<&Key> {
        let mut seen: BTreeSet<&Key> = BTreeSet::new();
        let mut queue: VecDeque<&Key> = roots
            .iter()
            .filter_map(|r| graph.get_key_value(&((*r).clone(), false)))
            .map(|(k, _)| k)
            .collect();
        while let Some(key) = queue.pop_front() {
            if !seen.insert(key) {
                continue;
            }
            for (child, kinds) in graph.get(key).into_iter().flatten() {
                let followed = (kinds.normal && allow.normal)
                    || (kinds.build && allow.build)
                    || (kinds.dev && allow.dev);
                if followed && !seen.contains(child) {
                    queue.push_back(child);
                }
            }
        }
        seen
    };
    let runtime = closure(Kinds {
        normal: true,
        ..Kinds::default()
    });
    let buildable = closure(Kinds {
        normal: true,
        build: true,
        dev: false,
    });
    let mut selection = Selection::default();
    for (key, out) in graph {
        let usage = if runtime.contains(key) {
            Usage::Runtime
        } else if buildable.contains(key) {
            Usage::Build
        } else {
            Usage::Dev
        };
        let entry = selection.packages.entry(key.0.clone()).or_insert(usage);
        *entry = (*entry).min(usage);
        let edges = selection.edges.entry(key.0.clone()).or_default();
        for ((child, _), kinds) in out {
            if kinds.any() {
                let e = edges.entry(child.clone()).or_default();
                *e = e.union(*kinds);
            }
        }
    }
    selection
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One node: its id and `(dependency, [kind])` edges.
    type TestNode<'a> = (&'a str, &'a [(&'a str, &'a [&'a str])]);

    /// A metadata document with the given nodes.
    fn meta(members: &[&str], nodes: &[TestNode<'_>]) -> Metadata {
        let packages: Vec<serde_json::Value> = nodes
            .iter()
            .map(|(id, _)| {
                serde_json::json!({
                    "name": id, "version": "1.0.0", "id": id, "license": null,
                    "license_file": null, "description": null, "source": null,
                    "dependencies": [], "targets": [], "features": {},
                    "manifest_path": format!("/w/{id}/Cargo.toml"), "metadata": null,
                    "publish": null, "authors": [], "categories": [], "keywords": [],
                    "readme": null, "repository": null, "homepage": null,
                    "documentation": null, "edition": "2021", "links": null,
                    "default_run": null, "rust_version": null
                })
            })
            .collect();
        let nodes: Vec<serde_json::Value> = nodes
            .iter()
            .map(|(id, deps)| {
                let deps: Vec<serde_json::Value> = deps
                    .iter()
                    .map(|(to, kinds)| {
                        let kinds: Vec<serde_json::Value> = kinds
                            .iter()
                            .map(|k| {
                                let kind = if *k == "normal" {
                                    serde_json::Value::Null
                                } else {
                                    serde_json::Value::String(k.to_string())
                                };
                                serde_json::json!({"kind": kind, "target": null})
                            })
                            .collect();
                        serde_json::json!({"name": to, "pkg": to, "dep_kinds": kinds})
                    })
                    .collect();
                serde_json::json!({"id": id, "dependencies": [], "deps": deps, "features": []})
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "packages": packages,
            "workspace_members": members,
            "workspace_default_members": members,
            "resolve": {"nodes": nodes, "root": null},
            "target_directory": "/w/target",
            "build_directory": "/w/target",
            "version": 1,
            "workspace_root": "/w",
            "metadata": null
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn id(s: &str) -> PackageId {
        PackageId {
            repr: s.to_string(),
        }
    }

    fn graph() -> Metadata {
        meta(
            &["app", "lib"],
            &[
                (
                    "app",
                    &[
                        ("lib", &["normal"]),
                        ("cc", &["build"]),
                        ("test-util", &["dev"]),
                    ],
                ),
                ("lib", &[("itoa", &["normal"]), ("lib-dev", &["dev"])]),
                ("cc", &[("shlex", &["normal"])]),
                ("test-util", &[("itoa", &["normal"]), ("tu-dev", &["dev"])]),
                ("itoa", &[]),
                ("shlex", &[]),
                ("lib-dev", &[]),
                ("tu-dev", &[]),
            ],
        )
    }

    #[test]
    fn normal_and_build_by_default() {
        let s = select(
            &graph(),
            &id("app"),
            false,
            &Platforms::default(),
            &Mode::Unified,
        )
        .unwrap_or_default();
        let got: Vec<(&str, Usage)> = s
            .packages
            .iter()
            .map(|(k, v)| (k.repr.as_str(), *v))
            .collect();
        assert_eq!(
            got,
            vec![
                ("app", Usage::Runtime),
                ("cc", Usage::Build),
                ("itoa", Usage::Runtime),
                ("lib", Usage::Runtime),
                ("shlex", Usage::Build),
            ]
        );
    }

    #[test]
    fn dev_edges_only_from_the_root() {
        let s = select(
            &graph(),
            &id("app"),
            true,
            &Platforms::default(),
            &Mode::Unified,
        )
        .unwrap_or_default();
        let usage = |p: &str| s.packages.get(&id(p)).copied();
        assert_eq!(usage("test-util"), Some(Usage::Dev));
        // lib is a workspace member, but not the package under test.
        assert_eq!(usage("lib-dev"), None);
        assert_eq!(usage("tu-dev"), None);
        // Reached at runtime too, so runtime wins.
        assert_eq!(usage("itoa"), Some(Usage::Runtime));
        let kinds = s.edges[&id("app")][&id("test-util")];
        assert!(kinds.dev && !kinds.normal);
    }

    #[test]
    fn unknown_root_is_an_error() {
        assert!(
            select(
                &graph(),
                &id("nope"),
                false,
                &Platforms::default(),
                &Mode::Unified
            )
            .is_err()
        );
    }
}
