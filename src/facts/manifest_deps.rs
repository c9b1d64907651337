//! Dependency declarations in the members' manifests, with their lines:
//! what `sources` and `wildcard-requirements` look at. Pure: parses the
//! manifest texts collected in the facts, once per run (the typed parse
//! keeps spans, so it cannot reuse [`Facts::manifest`]'s tables).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::facts::Facts;
use crate::util::line_of_offset;

/// One `name = …` entry in a dependency table.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestDep {
    /// Manifest path relative to the workspace root.
    pub manifest: String,
    /// The table: `dependencies`, `dev-dependencies`, `target.'cfg(unix)'.dependencies`,
    /// `workspace.dependencies`, …
    pub table: String,
    /// The key (may be a rename).
    pub key: String,
    /// The value: a version string or a table.
    pub spec: toml::Value,
    /// 1-based line of the entry.
    pub line: usize,
}

impl ManifestDep {
    /// The `version` requirement, if any.
    pub fn version(&self) -> Option<&str> {
        match &self.spec {
            toml::Value::String(s) => Some(s),
            other => other.get("version").and_then(|v| v.as_str()),
        }
    }

    /// A string field of a table spec (`git`, `rev`, `branch`, `path`, …).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.spec.get(key).and_then(|v| v.as_str())
    }

    /// The package it names: `package = "…"` for a rename, else the key.
    pub fn package_name(&self) -> &str {
        self.field("package").unwrap_or(&self.key)
    }

    /// Whether it inherits from `[workspace.dependencies]`.
    pub fn inherits(&self) -> bool {
        self.spec.get("workspace").and_then(|v| v.as_bool()) == Some(true)
    }
}

type DepTable = BTreeMap<String, Spanned<toml::Value>>;

#[derive(Deserialize, Default)]
struct Tables {
    dependencies: Option<DepTable>,
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<DepTable>,
    #[serde(rename = "build-dependencies")]
    build_dependencies: Option<DepTable>,
}

// No `#[serde(flatten)]`: it buffers values and loses their spans.
#[derive(Deserialize)]
struct Manifest {
    dependencies: Option<DepTable>,
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<DepTable>,
    #[serde(rename = "build-dependencies")]
    build_dependencies: Option<DepTable>,
    target: Option<BTreeMap<String, Tables>>,
    workspace: Option<Workspace>,
}

#[derive(Deserialize)]
struct Workspace {
    dependencies: Option<DepTable>,
}

/// Every dependency entry of `manifest`'s text.
pub fn parse(manifest: &str, text: &str) -> Vec<ManifestDep> {
    let Ok(m) = toml::from_str::<Manifest>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |table: String, deps: Option<DepTable>| {
        for (key, value) in deps.into_iter().flatten() {
            let line = line_of_offset(text, value.span().start);
            out.push(ManifestDep {
                manifest: manifest.to_string(),
                table: table.clone(),
                key,
                spec: value.into_inner(),
                line,
            });
        }
    };
    push("dependencies".into(), m.dependencies);
    push("dev-dependencies".into(), m.dev_dependencies);
    push("build-dependencies".into(), m.build_dependencies);
    for (cfg, t) in m.target.into_iter().flatten() {
        push(format!("target.'{cfg}'.dependencies"), t.dependencies);
        push(
            format!("target.'{cfg}'.dev-dependencies"),
            t.dev_dependencies,
        );
        push(
            format!("target.'{cfg}'.build-dependencies"),
            t.build_dependencies,
        );
    }
    if let Some(ws) = m.workspace {
        push("workspace.dependencies".into(), ws.dependencies);
    }
    out
}

/// Dependency entries of every member manifest, plus the root manifest's
/// `[workspace.dependencies]`.
pub fn all(facts: &Facts) -> &[ManifestDep] {
    facts.manifest_deps()
}

/// [`all`], parsed from the manifest texts (once per run, by [`Facts`]).
pub(crate) fn collect_all(facts: &Facts) -> Vec<ManifestDep> {
    let mut manifests: Vec<&str> = facts.members.iter().map(|m| m.manifest.as_str()).collect();
    if !manifests.contains(&"Cargo.toml") {
        manifests.push("Cargo.toml");
    }
    let mut out = Vec::new();
    for manifest in manifests {
        if let Some(text) = facts.text(manifest).and_then(|t| t.text()) {
            out.extend(parse(manifest, text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_table_with_lines() {
        let text = "[package]\nname = \"x\"\n\n[dependencies]\nserde = \"1\"\nfoo = { git = \"https://github.com/a/foo\", branch = \"main\" }\n\n[dev-dependencies.bar]\nversion = \"*\"\n\n[target.'cfg(unix)'.dependencies]\nnix = \">=0.20\"\n\n[workspace.dependencies]\nrand = \"0.8\"\n";
        let deps = parse("Cargo.toml", text);
        let find = |k: &str| deps.iter().find(|d| d.key == k).unwrap().clone();
        assert_eq!(find("serde").line, 5);
        assert_eq!(find("foo").field("branch"), Some("main"));
        assert_eq!(find("foo").line, 6);
        assert_eq!(find("bar").version(), Some("*"));
        assert_eq!(find("bar").table, "dev-dependencies");
        assert_eq!(find("nix").table, "target.'cfg(unix)'.dependencies");
        assert_eq!(find("rand").table, "workspace.dependencies");
    }
}
