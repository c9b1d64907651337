//! Cargo's feature resolution (resolver "2"), re-run from one root over
//! `cargo metadata`'s superset graph, so the SBOM lists what
//! `cargo build -p ROOT` compiles and nothing else.
//!
//! What resolver 2 does and this reproduces: features are resolved per
//! build context — the target, and the host (build scripts, proc macros and
//! all they depend on) — without unifying the two; dev-dependencies count
//! only when asked for (`include_dev`), and only the root's; a platform-specific dependency is
//! activated, and can enable features, only on a matching platform. Feature
//! syntax: `feat`, `dep:name`, `name/feat`, weak `name?/feat`, implicit
//! features of optional dependencies.

use std::collections::{BTreeSet, HashMap, VecDeque};

use cargo_metadata::{Dependency, DependencyKind, Package, PackageId};

use super::graph::{FeatureRequest, Index, Key, KeyGraph, Kinds, Platforms};

enum Work {
    /// Activate a package in a context (its non-optional dependencies).
    Package(Key),
    /// Activate the `usize`-th declared dependency of the package.
    Dependency(Key, usize),
    /// Apply a feature value (`feat`, `dep:x`, `x/feat`, `x?/feat`).
    Feature(Key, String),
}

struct Resolver<'i, 'a> {
    index: &'i Index<'a>,
    include_dev: bool,
    root: PackageId,
    platforms: &'i Platforms,
    queue: VecDeque<Work>,
    activated: BTreeSet<Key>,
    features: HashMap<Key, BTreeSet<String>>,
    /// Optional dependencies (by name as written in the manifest) enabled.
    enabled: HashMap<Key, BTreeSet<String>>,
    /// `x?/feat` waiting for `x` to be enabled.
    weak: HashMap<Key, Vec<(String, String)>>,
    graph: KeyGraph,
    /// Declared dependency → resolved package (per package and index).
    targets: HashMap<(PackageId, usize), Option<PackageId>>,
}

/// Resolves features from `root` and returns the activated graph.
pub fn resolve(
    index: &Index<'_>,
    root: &PackageId,
    include_dev: bool,
    platforms: &Platforms,
    request: &FeatureRequest,
) -> KeyGraph {
    let mut r = Resolver {
        index,
        include_dev,
        root: root.clone(),
        platforms,
        queue: VecDeque::new(),
        activated: BTreeSet::new(),
        features: HashMap::new(),
        enabled: HashMap::new(),
        weak: HashMap::new(),
        graph: KeyGraph::new(),
        targets: HashMap::new(),
    };
    let key: Key = (root.clone(), false);
    r.queue.push_back(Work::Package(key.clone()));
    let root_pkg = index.packages.get(root).copied();
    if !request.no_default_features {
        r.queue
            .push_back(Work::Feature(key.clone(), "default".into()));
    }
    if request.all_features {
        if let Some(p) = root_pkg {
            for f in p.features.keys() {
                r.queue.push_back(Work::Feature(key.clone(), f.clone()));
            }
            for d in p.dependencies.iter().filter(|d| d.optional) {
                r.queue
                    .push_back(Work::Feature(key.clone(), format!("dep:{}", dep_name(d))));
            }
        }
    }
    let root_name = root_pkg.map(|p| p.name.to_string()).unwrap_or_default();
    for value in request
        .features
        .iter()
        .flat_map(|f| f.split([',', ' ']))
        .filter(|f| !f.is_empty())
    {
        // `ROOT/feat` is the root's own feature; `dep/feat` a dependency's.
        let value = match value.split_once('/') {
            Some((pkg, feat)) if pkg == root_name => feat.to_string(),
            _ => value.to_string(),
        };
        r.queue.push_back(Work::Feature(key.clone(), value));
    }
    r.run();
    r.graph
}

/// The name features use for a dependency: its rename, else its package name.
fn dep_name(d: &Dependency) -> &str {
    d.rename.as_deref().unwrap_or(&d.name)
}

impl Resolver<'_, '_> {
    fn package(&self, id: &PackageId) -> Option<&Package> {
        self.index.packages.get(id).copied()
    }

    fn run(&mut self) {
        while let Some(work) = self.queue.pop_front() {
            match work {
                Work::Package(key) => self.activate(key),
                Work::Dependency(key, i) => self.activate_dependency(&key, i),
                Work::Feature(key, value) => self.apply(&key, &value),
            }
        }
    }

    fn activate(&mut self, key: Key) {
        if !self.activated.insert(key.clone()) {
            return;
        }
        self.graph.entry(key.clone()).or_default();
        let Some(p) = self.package(&key.0) else {
            return;
        };
        let mandatory: Vec<usize> = p
            .dependencies
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.optional)
            .map(|(i, _)| i)
            .collect();
        for i in mandatory {
            self.queue.push_back(Work::Dependency(key.clone(), i));
        }
    }

    /// Whether declared dependency `d` of the package in `key` is built.
    fn applies(&self, key: &Key, d: &Dependency) -> bool {
        // cargo builds the dev-dependencies of the package under test only,
        // never those of what it depends on.
        if d.kind == DependencyKind::Development
            && !(self.include_dev && key.0 == self.root && !key.1)
        {
            return false;
        }
        let for_host = key.1 || d.kind == DependencyKind::Build;
        self.platforms.matches(d.target.as_ref(), for_host)
    }

    /// The resolved package of the `i`-th declared dependency of `id`:
    /// the resolve node's dependency with that package name, a version the
    /// requirement accepts and, when renamed, that name. The source is not
    /// compared: `[patch]` and `[replace]` swap a registry dependency for a
    /// path or git one.
    fn target_of(&mut self, id: &PackageId, i: usize) -> Option<PackageId> {
        if let Some(t) = self.targets.get(&(id.clone(), i)) {
            return t.clone();
        }
        let found = (|| {
            let d = self.package(id)?.dependencies.get(i)?;
            let node = self.index.nodes.get(id)?;
            let extern_name = d.rename.as_ref().map(|r| r.replace('-', "_"));
            node.deps
                .iter()
                .find(|nd| {
                    let Some(p) = self.package(&nd.pkg) else {
                        return false;
                    };
                    *p.name == d.name
                        && d.req.matches(&p.version)
                        && extern_name.as_ref().is_none_or(|n| *n == nd.name)
                })
                .map(|nd| nd.pkg.clone())
        })();
        self.targets.insert((id.clone(), i), found.clone());
        found
    }

    fn activate_dependency(&mut self, key: &Key, i: usize) {
        let Some(d) = self
            .package(&key.0)
            .and_then(|p| p.dependencies.get(i))
            .cloned()
        else {
            return;
        };
        if !self.applies(key, &d) {
            return;
        }
        let Some(child) = self.target_of(&key.0, i) else {
            // Not in cargo's resolve (e.g. an unused target): nothing to build.
            return;
        };
        let for_host = key.1 || d.kind == DependencyKind::Build || self.index.is_proc_macro(&child);
        let child_key: Key = (child, for_host);
        let mut kinds = Kinds::default();
        kinds.add(d.kind);
        let edge = self
            .graph
            .entry(key.clone())
            .or_default()
            .entry(child_key.clone())
            .or_default();
        *edge = Kinds {
            normal: edge.normal || kinds.normal,
            build: edge.build || kinds.build,
            dev: edge.dev || kinds.dev,
        };
        self.queue.push_back(Work::Package(child_key.clone()));
        if d.uses_default_features {
            self.queue
                .push_back(Work::Feature(child_key.clone(), "default".into()));
        }
        for f in &d.features {
            self.queue
                .push_back(Work::Feature(child_key.clone(), f.clone()));
        }
    }

    /// Indexes of declared dependencies named `name` (as features see it).
    fn deps_named(&self, id: &PackageId, name: &str) -> Vec<usize> {
        self.package(id)
            .map(|p| {
                p.dependencies
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| dep_name(d) == name)
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn enable_optional(&mut self, key: &Key, name: &str) {
        if !self
            .enabled
            .entry(key.clone())
            .or_default()
            .insert(name.to_string())
        {
            return;
        }
        for i in self.deps_named(&key.0, name) {
            self.queue.push_back(Work::Dependency(key.clone(), i));
        }
        // Weak features waiting for this dependency.
        if let Some(waiting) = self.weak.get_mut(key) {
            let (ready, rest): (Vec<_>, Vec<_>) =
                waiting.drain(..).partition(|(dep, _)| dep == name);
            *waiting = rest;
            for (dep, feat) in ready {
                self.queue
                    .push_back(Work::Feature(key.clone(), format!("{dep}/{feat}")));
            }
        }
    }

    /// Whether dependency `name` of `key` is active (non-optional, or enabled).
    fn is_active(&self, key: &Key, name: &str) -> bool {
        let enabled = self.enabled.get(key).is_some_and(|e| e.contains(name));
        enabled
            || self.package(&key.0).is_some_and(|p| {
                p.dependencies
                    .iter()
                    .any(|d| dep_name(d) == name && !d.optional)
            })
    }

    fn apply(&mut self, key: &Key, value: &str) {
        if let Some(dep) = value.strip_prefix("dep:") {
            self.enable_optional(key, dep);
            return;
        }
        if let Some((dep, feat)) = value.split_once('/') {
            let (dep, weak) = match dep.strip_suffix('?') {
                Some(d) => (d, true),
                None => (dep, false),
            };
            if weak && !self.is_active(key, dep) {
                self.weak
                    .entry(key.clone())
                    .or_default()
                    .push((dep.to_string(), feat.to_string()));
                return;
            }
            if !weak {
                // `dep/feat` enables an optional `dep` (and its implicit feature).
                let optional = self.package(&key.0).is_some_and(|p| {
                    p.dependencies
                        .iter()
                        .any(|d| dep_name(d) == dep && d.optional)
                });
                if optional {
                    if self.has_feature(&key.0, dep) {
                        self.queue
                            .push_back(Work::Feature(key.clone(), dep.to_string()));
                    }
                    self.enable_optional(key, dep);
                }
            }
            // The feature goes to every built declaration of `dep`.
            for i in self.deps_named(&key.0, dep) {
                let Some(d) = self
                    .package(&key.0)
                    .and_then(|p| p.dependencies.get(i))
                    .cloned()
                else {
                    continue;
                };
                if !self.applies(key, &d) {
                    continue;
                }
                let Some(child) = self.target_of(&key.0, i) else {
                    continue;
                };
                let for_host =
                    key.1 || d.kind == DependencyKind::Build || self.index.is_proc_macro(&child);
                self.queue
                    .push_back(Work::Feature((child, for_host), feat.to_string()));
            }
            return;
        }
        // A plain feature.
        if !self
            .features
            .entry(key.clone())
            .or_default()
            .insert(value.to_string())
        {
            return;
        }
        let listed: Option<Vec<String>> = self
            .package(&key.0)
            .and_then(|p| p.features.get(value).cloned());
        match listed {
            Some(values) => {
                for v in values {
                    self.queue.push_back(Work::Feature(key.clone(), v));
                }
            }
            // An optional dependency's implicit feature (older cargo did not
            // list them in metadata).
            None => {
                if !self.deps_named(&key.0, value).is_empty() {
                    self.enable_optional(key, value);
                }
            }
        }
    }

    fn has_feature(&self, id: &PackageId, name: &str) -> bool {
        self.package(id)
            .is_some_and(|p| p.features.contains_key(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::graph::{Index, Platforms};

    /// Metadata for: app → a (normal), a's optional `opt` behind feature
    /// `x`; build-dependency `b` enables `a/x` on the host only; dev-dep
    /// `t` enables `a/y` (`y = ["dep:other"]`).
    fn meta() -> cargo_metadata::Metadata {
        let dep = |name: &str, kind: Option<&str>, optional: bool, features: &[&str]| {
            serde_json::json!({
                "name": name, "source": null, "req": "*", "kind": kind, "rename": null,
                "optional": optional, "uses_default_features": true, "features": features,
                "target": null, "registry": null, "path": format!("/w/{name}")
            })
        };
        let package = |name: &str, deps: Vec<serde_json::Value>, features: serde_json::Value| {
            serde_json::json!({
                "name": name, "version": "1.0.0", "id": name, "license": null,
                "license_file": null, "description": null, "source": null,
                "dependencies": deps, "targets": [], "features": features,
                "manifest_path": format!("/w/{name}/Cargo.toml"), "metadata": null,
                "publish": null, "authors": [], "categories": [], "keywords": [],
                "readme": null, "repository": null, "homepage": null,
                "documentation": null, "edition": "2021", "links": null,
                "default_run": null, "rust_version": null
            })
        };
        let node = |id: &str, deps: &[(&str, &str)]| {
            let deps: Vec<serde_json::Value> = deps
                .iter()
                .map(|(to, kind)| {
                    let kind = if *kind == "normal" {
                        serde_json::Value::Null
                    } else {
                        serde_json::Value::String(kind.to_string())
                    };
                    serde_json::json!({"name": to, "pkg": to,
                        "dep_kinds": [{"kind": kind, "target": null}]})
                })
                .collect();
            serde_json::json!({"id": id, "dependencies": [], "deps": deps, "features": []})
        };
        serde_json::from_value(serde_json::json!({
            "packages": [
                package("app", vec![
                    dep("a", None, false, &[]),
                    dep("b", Some("build"), false, &[]),
                    dep("t", Some("dev"), false, &[]),
                ], serde_json::json!({})),
                package("a", vec![dep("opt", None, true, &[]), dep("other", None, true, &[])],
                    serde_json::json!({"x": ["dep:opt"], "y": ["dep:other"], "opt": ["dep:opt"]})),
                package("b", vec![dep("a", None, false, &["x"])], serde_json::json!({})),
                package("t", vec![dep("a", None, false, &["y"])], serde_json::json!({})),
                package("opt", vec![], serde_json::json!({})),
                package("other", vec![], serde_json::json!({})),
            ],
            "workspace_members": ["app"],
            "workspace_default_members": ["app"],
            "resolve": {"nodes": [
                node("app", &[("a", "normal"), ("b", "build"), ("t", "dev")]),
                node("a", &[("opt", "normal"), ("other", "normal")]),
                node("b", &[("a", "normal")]),
                node("t", &[("a", "normal")]),
                node("opt", &[]),
                node("other", &[]),
            ], "root": null},
            "target_directory": "/w/target", "build_directory": "/w/target",
            "version": 1, "workspace_root": "/w", "metadata": null
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn keys(include_dev: bool, request: &FeatureRequest) -> Vec<String> {
        let m = meta();
        let index = Index::new(&m).unwrap_or_else(|e| panic!("{e}"));
        let root = PackageId { repr: "app".into() };
        let graph = resolve(&index, &root, include_dev, &Platforms::default(), request);
        graph
            .keys()
            .map(|(id, host)| format!("{}{}", id.repr, if *host { "(host)" } else { "" }))
            .collect()
    }

    #[test]
    fn host_features_do_not_leak_into_the_target() {
        let k = keys(false, &FeatureRequest::default());
        // The build dependency enables `a/x` for the host build of `a` only:
        // `opt` is built for the host, not linked into the target.
        assert_eq!(k, vec!["a", "a(host)", "app", "b(host)", "opt(host)"]);
    }

    #[test]
    fn dev_dependencies_enable_features_only_when_included() {
        let k = keys(true, &FeatureRequest::default());
        assert!(k.contains(&"t".to_string()) && k.contains(&"other".to_string()));
    }

    #[test]
    fn requested_features_reach_dependencies() {
        let k = keys(
            false,
            &FeatureRequest {
                features: vec!["a/x".into()],
                ..FeatureRequest::default()
            },
        );
        assert!(k.contains(&"opt".to_string()));
        let k = keys(
            false,
            &FeatureRequest {
                features: vec!["a?/y".into()],
                ..FeatureRequest::default()
            },
        );
        // `a` is not optional, so the weak form applies.
        assert!(k.contains(&"other".to_string()));
    }
}
