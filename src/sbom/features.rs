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

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};

use cargo_metadata::{Dependency, DependencyKind, NodeDep, Package, PackageId};

use super::graph::{FeatureRequest, Index, Key, KeyGraph, Kinds, Platforms};

/// A package (by dense index) in a build context (`true`: host).
type K = (usize, bool);

enum Work<'a> {
    /// Activate a package in a context (its non-optional dependencies).
    Package(K),
    /// Activate the `usize`-th declared dependency of the package.
    Dependency(K, usize),
    /// Apply a feature value (`feat`, `dep:x`, `x/feat`, `x?/feat`).
    Feature(K, Cow<'a, str>),
}

/// The metadata as dense arrays: the resolver does tens of thousands of
/// look-ups, and package ids are long strings.
struct Dense<'a> {
    ids: Vec<&'a PackageId>,
    pos: HashMap<&'a PackageId, usize>,
    packages: Vec<Option<&'a Package>>,
    node_deps: Vec<&'a [NodeDep]>,
    proc_macro: Vec<bool>,
}

struct Resolver<'i, 'a> {
    dense: Dense<'a>,
    include_dev: bool,
    /// Whether each package (by dense index) is a root: only roots' own
    /// dev-dependencies are built.
    is_root: Vec<bool>,
    platforms: &'i Platforms,
    queue: VecDeque<Work<'a>>,
    activated: HashSet<K>,
    features: HashMap<K, HashSet<Cow<'a, str>>>,
    /// Optional dependencies (by name as written in the manifest) enabled.
    enabled: HashMap<K, HashSet<&'a str>>,
    /// `x?/feat` waiting for `x` to be enabled.
    weak: HashMap<K, Vec<(&'a str, Cow<'a, str>)>>,
    edges: HashMap<K, HashMap<K, Kinds>>,
    /// Declared dependency → resolved package, per (package, index).
    targets: HashMap<(usize, usize), Option<usize>>,
}

/// Resolves features from `roots` together (as `cargo build -p A -p B`
/// does: features unify across the roots) and returns the activated graph.
/// `request` applies to every root.
pub fn resolve(
    index: &Index<'_>,
    roots: &[&PackageId],
    include_dev: bool,
    platforms: &Platforms,
    request: &FeatureRequest,
) -> KeyGraph {
    let mut ids: Vec<&PackageId> = index.nodes.keys().copied().collect();
    ids.sort();
    let pos: HashMap<&PackageId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let dense = Dense {
        packages: ids
            .iter()
            .map(|id| index.packages.get(id).copied())
            .collect(),
        node_deps: ids
            .iter()
            .map(|id| index.nodes.get(id).map_or(&[][..], |n| n.deps.as_slice()))
            .collect(),
        proc_macro: ids.iter().map(|id| index.is_proc_macro(id)).collect(),
        pos,
        ids,
    };
    let roots_at: Vec<usize> = roots
        .iter()
        .filter_map(|root| dense.pos.get(root).copied())
        .collect();
    if roots_at.is_empty() {
        return KeyGraph::new();
    }
    let mut is_root = vec![false; dense.ids.len()];
    for &at in &roots_at {
        is_root[at] = true;
    }
    let mut r = Resolver {
        dense,
        include_dev,
        is_root,
        platforms,
        queue: VecDeque::new(),
        activated: HashSet::new(),
        features: HashMap::new(),
        enabled: HashMap::new(),
        weak: HashMap::new(),
        edges: HashMap::new(),
        targets: HashMap::new(),
    };
    for root_at in roots_at {
        r.request(root_at, request);
    }
    r.run();
    r.into_graph()
}

impl<'a> Resolver<'_, 'a> {
    /// Queues the root at `root_at` with the features asked for.
    fn request(&mut self, root_at: usize, request: &FeatureRequest) {
        let r = self;
        let key: K = (root_at, false);
        r.queue.push_back(Work::Package(key));
        let root_pkg = r.dense.packages[root_at];
        if !request.no_default_features {
            r.queue
                .push_back(Work::Feature(key, Cow::Borrowed("default")));
        }
        if request.all_features
            && let Some(p) = root_pkg
        {
            for f in p.features.keys() {
                r.queue
                    .push_back(Work::Feature(key, Cow::Borrowed(f.as_str())));
            }
            for d in p.dependencies.iter().filter(|d| d.optional) {
                r.queue.push_back(Work::Feature(
                    key,
                    Cow::Owned(format!("dep:{}", dep_name(d))),
                ));
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
            r.queue.push_back(Work::Feature(key, Cow::Owned(value)));
        }
    }
}

/// `feat` of `dep/feat`, borrowed from the metadata when the value is.
fn after_slash<'a>(value: &Cow<'a, str>) -> Cow<'a, str> {
    match value {
        Cow::Borrowed(v) => Cow::Borrowed(v.split_once('/').map_or("", |(_, f)| f)),
        Cow::Owned(v) => Cow::Owned(v.split_once('/').map_or("", |(_, f)| f).to_string()),
    }
}

/// The name features use for a dependency: its rename, else its package name.
fn dep_name(d: &Dependency) -> &str {
    d.rename.as_deref().unwrap_or(&d.name)
}

impl<'a> Resolver<'_, 'a> {
    fn package(&self, at: usize) -> Option<&'a Package> {
        self.dense.packages.get(at).copied().flatten()
    }

    fn dependency(&self, at: usize, i: usize) -> Option<&'a Dependency> {
        self.package(at)?.dependencies.get(i)
    }

    fn into_graph(self) -> KeyGraph {
        let ids = &self.dense.ids;
        let key = |(at, host): K| -> Key { (ids[at].clone(), host) };
        let mut graph = KeyGraph::new();
        for k in &self.activated {
            graph.entry(key(*k)).or_default();
        }
        for (from, out) in self.edges {
            let entry = graph.entry(key(from)).or_default();
            for (to, kinds) in out {
                entry.insert(key(to), kinds);
            }
        }
        graph
    }

    fn run(&mut self) {
        while let Some(work) = self.queue.pop_front() {
            match work {
                Work::Package(key) => self.activate(key),
                Work::Dependency(key, i) => self.activate_dependency(key, i),
                Work::Feature(key, value) => self.apply(key, value),
            }
        }
    }

    fn activate(&mut self, key: K) {
        if !self.activated.insert(key) {
            return;
        }
        let Some(p) = self.package(key.0) else {
            return;
        };
        for (i, d) in p.dependencies.iter().enumerate() {
            if !d.optional {
                self.queue.push_back(Work::Dependency(key, i));
            }
        }
    }

    /// Whether declared dependency `d` of the package in `key` is built.
    fn applies(&self, key: K, d: &Dependency) -> bool {
        // cargo builds the dev-dependencies of the package under test only,
        // never those of what it depends on.
        if d.kind == DependencyKind::Development
            && !(self.include_dev && self.is_root[key.0] && !key.1)
        {
            return false;
        }
        let for_host = key.1 || d.kind == DependencyKind::Build;
        self.platforms.matches(d.target.as_ref(), for_host)
    }

    /// The resolved package of the `i`-th declared dependency of `at`:
    /// the resolve node's dependency with that package name, a version the
    /// requirement accepts and, when renamed, that name. The source is not
    /// compared: `[patch]` and `[replace]` swap a registry dependency for a
    /// path or git one.
    fn target_of(&mut self, at: usize, i: usize) -> Option<usize> {
        if let Some(t) = self.targets.get(&(at, i)) {
            return *t;
        }
        let found = self.dependency(at, i).and_then(|d| {
            let extern_name = d.rename.as_ref().map(|r| r.replace('-', "_"));
            self.dense.node_deps[at]
                .iter()
                .filter_map(|nd| Some((nd, *self.dense.pos.get(&nd.pkg)?)))
                .find(|(nd, child)| {
                    self.package(*child).is_some_and(|p| {
                        *p.name == d.name
                            && d.req.matches(&p.version)
                            && extern_name.as_ref().is_none_or(|n| *n == nd.name)
                    })
                })
                .map(|(_, child)| child)
        });
        self.targets.insert((at, i), found);
        found
    }

    /// The context key of dependency `d` (resolved to `child`) of `key`.
    fn child_key(&self, key: K, d: &Dependency, child: usize) -> K {
        (
            child,
            key.1 || d.kind == DependencyKind::Build || self.dense.proc_macro[child],
        )
    }

    fn activate_dependency(&mut self, key: K, i: usize) {
        let Some(d) = self.dependency(key.0, i) else {
            return;
        };
        if !self.applies(key, d) {
            return;
        }
        let Some(child) = self.target_of(key.0, i) else {
            // Not in cargo's resolve (e.g. an unused target): nothing to build.
            return;
        };
        let child_key = self.child_key(key, d, child);
        self.edges
            .entry(key)
            .or_default()
            .entry(child_key)
            .or_default()
            .add(d.kind);
        self.queue.push_back(Work::Package(child_key));
        if d.uses_default_features {
            self.queue
                .push_back(Work::Feature(child_key, Cow::Borrowed("default")));
        }
        for f in &d.features {
            self.queue
                .push_back(Work::Feature(child_key, Cow::Borrowed(f.as_str())));
        }
    }

    /// Indexes of declared dependencies named `name` (as features see it).
    fn deps_named<'s>(
        &self,
        at: usize,
        name: &'s str,
    ) -> impl Iterator<Item = (usize, &'a Dependency)> + use<'a, 's> {
        self.package(at)
            .into_iter()
            .flat_map(|p| p.dependencies.iter().enumerate())
            .filter(move |(_, d)| dep_name(d) == name)
    }

    fn enable_optional(&mut self, key: K, name: &'a str) {
        if !self.enabled.entry(key).or_default().insert(name) {
            return;
        }
        let matching: Vec<usize> = self.deps_named(key.0, name).map(|(i, _)| i).collect();
        for i in matching {
            self.queue.push_back(Work::Dependency(key, i));
        }
        // Weak features waiting for this dependency.
        if let Some(waiting) = self.weak.get_mut(&key) {
            let (ready, rest): (Vec<_>, Vec<_>) =
                waiting.drain(..).partition(|(dep, _)| *dep == name);
            *waiting = rest;
            for (dep, feat) in ready {
                self.queue
                    .push_back(Work::Feature(key, Cow::Owned(format!("{dep}/{feat}"))));
            }
        }
    }

    /// Whether dependency `name` of `key` is active (non-optional, or enabled).
    fn is_active(&self, key: K, name: &str) -> bool {
        self.enabled.get(&key).is_some_and(|e| e.contains(name))
            || self.deps_named(key.0, name).any(|(_, d)| !d.optional)
    }

    /// The name as it lives in the metadata (for the `'a` sets), when it does.
    fn dep_name_in(&self, at: usize, name: &str) -> Option<&'a str> {
        self.deps_named(at, name).next().map(|(_, d)| dep_name(d))
    }

    fn apply(&mut self, key: K, value: Cow<'a, str>) {
        if let Some(dep) = value.strip_prefix("dep:") {
            if let Some(dep) = self.dep_name_in(key.0, dep) {
                self.enable_optional(key, dep);
            }
            return;
        }
        if let Some((dep, _)) = value.split_once('/') {
            let (dep, weak) = match dep.strip_suffix('?') {
                Some(d) => (d, true),
                None => (dep, false),
            };
            let Some(dep) = self.dep_name_in(key.0, dep) else {
                return;
            };
            let feat = after_slash(&value);
            if weak && !self.is_active(key, dep) {
                self.weak.entry(key).or_default().push((dep, feat));
                return;
            }
            if !weak && self.deps_named(key.0, dep).any(|(_, d)| d.optional) {
                // `dep/feat` enables an optional `dep` (and its implicit feature).
                if self
                    .package(key.0)
                    .is_some_and(|p| p.features.contains_key(dep))
                {
                    self.queue.push_back(Work::Feature(key, Cow::Borrowed(dep)));
                }
                self.enable_optional(key, dep);
            }
            // The feature goes to every built declaration of `dep`.
            let declarations: Vec<(usize, &'a Dependency)> = self.deps_named(key.0, dep).collect();
            for (i, d) in declarations {
                if !self.applies(key, d) {
                    continue;
                }
                let Some(child) = self.target_of(key.0, i) else {
                    continue;
                };
                let child_key = self.child_key(key, d, child);
                self.queue.push_back(Work::Feature(child_key, feat.clone()));
            }
            return;
        }
        // A plain feature.
        if !self.features.entry(key).or_default().insert(value.clone()) {
            return;
        }
        let listed = self
            .package(key.0)
            .and_then(|p| p.features.get(value.as_ref()));
        match listed {
            Some(values) => {
                for v in values {
                    self.queue
                        .push_back(Work::Feature(key, Cow::Borrowed(v.as_str())));
                }
            }
            // An optional dependency's implicit feature (older cargo did not
            // list them in metadata).
            None => {
                if let Some(dep) = self.dep_name_in(key.0, &value) {
                    self.enable_optional(key, dep);
                }
            }
        }
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
        let graph = resolve(
            &index,
            &[&root],
            include_dev,
            &Platforms::default(),
            request,
        );
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
