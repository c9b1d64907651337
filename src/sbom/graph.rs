//! Which packages an SBOM lists: the resolve graph walked from the root
//! package the way cargo builds it.
//!
//! `cargo metadata` was already run with the selected features and
//! `--filter-platform`, so its resolve graph holds only the packages and edges
//! cargo activates for that target (`dep_kinds[].target` was evaluated by
//! cargo). What is left here is the walk: normal and build edges from the
//! root; dev edges only with `include_dev`, and only out of workspace
//! members (cargo never builds a dependency's dev-dependencies).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use cargo_metadata::{DependencyKind, Metadata, Node, PackageId};

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

/// The packages and edges selected for one root.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Every selected package (the root included) and how it is needed.
    pub packages: BTreeMap<PackageId, Usage>,
    /// Followed edges: from → (to → kinds), both ends selected.
    pub edges: BTreeMap<PackageId, BTreeMap<PackageId, Kinds>>,
}

/// Walks the resolve graph from `root`.
///
/// Errors when the metadata has no resolve graph or the root is not in it.
pub fn select(meta: &Metadata, root: &PackageId, include_dev: bool) -> Result<Selection, String> {
    let resolve = meta
        .resolve
        .as_ref()
        .ok_or("cargo metadata returned no dependency graph")?;
    let nodes: HashMap<&PackageId, &Node> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    if !nodes.contains_key(root) {
        return Err(format!("`{}` is not in the dependency graph", root.repr));
    }
    let members: BTreeSet<&PackageId> = meta.workspace_members.iter().collect();

    // The followed kinds of each edge out of `from`.
    let edges_of = |from: &PackageId, allow: Kinds| -> Vec<(PackageId, Kinds)> {
        let Some(node) = nodes.get(from) else {
            return Vec::new();
        };
        let dev_allowed = allow.dev && members.contains(from);
        node.deps
            .iter()
            .filter_map(|d| {
                let mut k = Kinds::default();
                if d.dep_kinds.is_empty() {
                    // cargo before 1.41 did not record kinds: normal.
                    k.normal = true;
                }
                for info in &d.dep_kinds {
                    match info.kind {
                        DependencyKind::Normal => k.normal |= allow.normal,
                        DependencyKind::Build => k.build |= allow.build,
                        DependencyKind::Development => k.dev |= dev_allowed,
                        _ => k.normal |= allow.normal,
                    }
                }
                (k.normal || k.build || k.dev).then(|| (d.pkg.clone(), k))
            })
            .collect()
    };
    let closure = |allow: Kinds| -> BTreeMap<PackageId, BTreeMap<PackageId, Kinds>> {
        let mut seen: BTreeMap<PackageId, BTreeMap<PackageId, Kinds>> = BTreeMap::new();
        let mut queue = VecDeque::from([root.clone()]);
        while let Some(id) = queue.pop_front() {
            if seen.contains_key(&id) {
                continue;
            }
            let out: BTreeMap<PackageId, Kinds> = edges_of(&id, allow).into_iter().collect();
            for to in out.keys() {
                if !seen.contains_key(to) {
                    queue.push_back(to.clone());
                }
            }
            seen.insert(id, out);
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
    let everything = if include_dev {
        closure(Kinds {
            normal: true,
            build: true,
            dev: true,
        })
    } else {
        buildable.clone()
    };
    let mut selection = Selection::default();
    for (id, out) in everything {
        let usage = if runtime.contains_key(&id) {
            Usage::Runtime
        } else if buildable.contains_key(&id) {
            Usage::Build
        } else {
            Usage::Dev
        };
        selection.packages.insert(id.clone(), usage);
        selection.edges.insert(id, out);
    }
    Ok(selection)
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
        let s = select(&graph(), &id("app"), false).unwrap_or_default();
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
    fn dev_edges_only_from_members() {
        let s = select(&graph(), &id("app"), true).unwrap_or_default();
        let usage = |p: &str| s.packages.get(&id(p)).copied();
        assert_eq!(usage("test-util"), Some(Usage::Dev));
        // lib is a workspace member: its dev-dependencies count.
        assert_eq!(usage("lib-dev"), Some(Usage::Dev));
        // test-util is not: its dev-dependencies are never built.
        assert_eq!(usage("tu-dev"), None);
        // Reached at runtime too, so runtime wins.
        assert_eq!(usage("itoa"), Some(Usage::Runtime));
        let kinds = s.edges[&id("app")][&id("test-util")];
        assert!(kinds.dev && !kinds.normal);
    }

    #[test]
    fn unknown_root_is_an_error() {
        assert!(select(&graph(), &id("nope"), false).is_err());
    }
}
