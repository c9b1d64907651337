//! `cargo readiness sbom`: a software bill of materials for a workspace
//! package, as CycloneDX (JSON or XML, 1.5 or 1.6) or SPDX 2.3 JSON.
//!
//! The SBOM is built in two pure steps from [`Facts`] collected by
//! [`Facts::collect_graph`]: [`build`] turns the resolve graph (walked by
//! [`graph::select`]) and `Cargo.lock` into a format-neutral [`Sbom`], and
//! [`render`] writes it in the chosen format. Writing the bytes to disk is
//! [`output`]'s job.

pub mod cyclonedx;
pub mod features;
pub mod graph;
pub mod output;
pub mod spdx;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use cargo_metadata::{Metadata, Package, PackageId, TargetKind};
use serde::Serialize;

use crate::facts::Facts;
use crate::facts::files::relative;
use graph::{Kinds, Usage};

/// Output formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CycloneDX JSON (`.cdx.json`).
    #[default]
    #[value(name = "cyclonedx-json")]
    CycloneDxJson,
    /// CycloneDX XML (`.cdx.xml`).
    #[value(name = "cyclonedx-xml")]
    CycloneDxXml,
    /// SPDX 2.3 JSON (`.spdx.json`).
    #[value(name = "spdx-json")]
    SpdxJson,
}

impl Format {
    /// File name suffix used in `--workspace` mode.
    pub fn extension(self) -> &'static str {
        match self {
            Format::CycloneDxJson => "cdx.json",
            Format::CycloneDxXml => "cdx.xml",
            Format::SpdxJson => "spdx.json",
        }
    }
}

/// CycloneDX specification versions written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum SpecVersion {
    /// CycloneDX 1.5.
    #[value(name = "1.5")]
    V1_5,
    /// CycloneDX 1.6 (the default).
    #[default]
    #[value(name = "1.6")]
    V1_6,
}

impl SpecVersion {
    /// `"1.5"`, `"1.6"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1_5 => "1.5",
            SpecVersion::V1_6 => "1.6",
        }
    }
}

/// Document-level settings of one rendering.
#[derive(Debug, Clone)]
pub struct DocumentOptions {
    /// Output format.
    pub format: Format,
    /// CycloneDX version (ignored for SPDX).
    pub spec_version: SpecVersion,
    /// Derive the serial number / document namespace from the content
    /// instead of a random UUID.
    pub deterministic: bool,
    /// Creation time, seconds since the Unix epoch (`SOURCE_DATE_EPOCH`, or now).
    pub timestamp: i64,
}

/// Why an SBOM could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// The dependency graph is missing or inconsistent.
    #[error("{0}")]
    Graph(String),
    /// The CycloneDX library rejected the document.
    #[error("cannot write CycloneDX: {0}")]
    CycloneDx(String),
    /// Serialising failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// A format-neutral SBOM of one root package.
#[derive(Debug, Clone, Serialize)]
pub struct Sbom {
    /// The package the SBOM describes.
    pub root: Component,
    /// Every other selected package, sorted by `bom_ref`.
    pub components: Vec<Component>,
    /// The graph: every component (root included) with what it depends on,
    /// sorted by `bom_ref`, each list sorted.
    pub dependencies: Vec<Dependency>,
    /// `--filter-platform` given to cargo (`None`: every target).
    pub target: Option<String>,
    /// Vulnerabilities to embed (CycloneDX `vulnerabilities`); empty until
    /// the audit feeds them in (see [`Sbom::with_vulnerabilities`]).
    pub vulnerabilities: Vec<Vulnerability>,
}

/// One package in the SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Unique, stable reference within the document (the purl, made unique
    /// when two packages share one).
    pub bom_ref: String,
    /// Crate name.
    pub name: String,
    /// Exact version.
    pub version: String,
    /// Package URL (`pkg:cargo/NAME@VERSION[?qualifiers]`).
    pub purl: String,
    /// Where it comes from.
    pub source: Source,
    /// Whether it is a member of the workspace.
    pub workspace_member: bool,
    /// Whether it has a binary target (the root's type is then `application`).
    pub has_bin: bool,
    /// How the root needs it.
    pub usage: Usage,
    /// SHA-256 of the `.crate` file, from `Cargo.lock`.
    pub sha256: Option<String>,
    /// Declared license.
    pub license: License,
    /// `description`.
    pub description: Option<String>,
    /// `authors`, as written (`Name <email>`).
    pub authors: Vec<String>,
    /// `repository` URL.
    pub repository: Option<String>,
    /// `homepage` URL.
    pub homepage: Option<String>,
    /// `documentation` URL.
    pub documentation: Option<String>,
}

/// Where a package comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Source {
    /// crates.io.
    CratesIo,
    /// Another registry, by index URL (without `registry+`/`sparse+`).
    Registry {
        /// Index URL.
        url: String,
    },
    /// A git repository.
    Git {
        /// Repository URL (query and fragment removed).
        url: String,
        /// The locked commit, when cargo reports one.
        commit: Option<String>,
    },
    /// A local path, relative to the workspace root (`/`-separated; may
    /// start with `..`). Never absolute: SBOMs must not leak machine paths.
    Path {
        /// Directory of the package.
        path: String,
    },
}

/// A package's declared license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum License {
    /// A valid SPDX expression (cargo's legacy `/` normalised to `OR`).
    Expression(String),
    /// `license` that is not a valid SPDX expression, as written.
    Named(String),
    /// Only `license-file`: its path relative to the package.
    File(String),
    /// Nothing declared.
    None,
}

/// One dependency list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// The depending component.
    pub bom_ref: String,
    /// What it depends on, sorted by `bom_ref`.
    pub depends_on: Vec<Edge>,
}

/// One dependency edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The component depended on.
    pub bom_ref: String,
    /// How (normal, build, dev).
    pub kinds: Kinds,
}

/// A known vulnerability affecting a component: the seam through which the
/// RustSec audit feeds `--with-vulnerabilities`. Renderers embed whatever
/// is given; nothing fills it yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vulnerability {
    /// Advisory id (`RUSTSEC-2024-0001`).
    pub id: String,
    /// Other ids (CVE, GHSA).
    pub aliases: Vec<String>,
    /// One-line title.
    pub title: String,
    /// Longer description.
    pub description: Option<String>,
    /// Advisory URL.
    pub url: Option<String>,
    /// CVSS vector, when the advisory has one.
    pub cvss: Option<String>,
    /// CVSS base score and its qualitative severity (`high`, …).
    pub score: Option<(f64, String)>,
    /// `bom_ref`s of affected components.
    pub affects: Vec<String>,
    /// Versions that fix it (semver requirements as written).
    pub patched: Vec<String>,
}

impl Sbom {
    /// The SBOM with `vulnerabilities` embedded (`None` leaves it unchanged).
    /// Affected refs not in the document are dropped.
    pub fn with_vulnerabilities(mut self, vulnerabilities: Option<Vec<Vulnerability>>) -> Sbom {
        if let Some(mut list) = vulnerabilities {
            let refs: BTreeSet<&str> = self
                .components
                .iter()
                .chain(std::iter::once(&self.root))
                .map(|c| c.bom_ref.as_str())
                .collect();
            for v in &mut list {
                v.affects.retain(|r| refs.contains(r.as_str()));
            }
            list.retain(|v| !v.affects.is_empty());
            list.sort_by(|a, b| a.id.cmp(&b.id));
            self.vulnerabilities = list;
        }
        self
    }

    /// Every component, root first.
    pub fn all_components(&self) -> impl Iterator<Item = &Component> {
        std::iter::once(&self.root).chain(self.components.iter())
    }
}

/// The workspace packages an SBOM can be made for, by name.
pub fn members(meta: &Metadata) -> Vec<&Package> {
    let mut m = crate::facts::workspace::workspace_packages(meta);
    m.sort_by(|a, b| a.name.cmp(&b.name));
    m
}

/// The workspace packages to describe: every member with `workspace`, the
/// members named by `specs` (`NAME` or `NAME@VERSION`), else the package of
/// `manifest` (or the only member of a virtual workspace).
pub fn select_roots(
    meta: &Metadata,
    manifest: &Path,
    specs: &[String],
    workspace: bool,
) -> Result<Vec<PackageId>, String> {
    let members = members(meta);
    let names = || {
        members
            .iter()
            .map(|p| p.name.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if workspace {
        return Ok(members.iter().map(|p| p.id.clone()).collect());
    }
    if !specs.is_empty() {
        let mut roots = Vec::new();
        for spec in specs {
            let (name, version) = match spec.split_once('@') {
                Some((n, v)) => (n, Some(v)),
                None => (spec.as_str(), None),
            };
            let found = members
                .iter()
                .find(|p| *p.name == *name && version.is_none_or(|v| p.version.to_string() == v))
                .ok_or_else(|| {
                    format!("`{spec}` is not a workspace member (members: {})", names())
                })?;
            if !roots.contains(&found.id) {
                roots.push(found.id.clone());
            }
        }
        return Ok(roots);
    }
    if let Some(p) = members
        .iter()
        .find(|p| p.manifest_path.as_std_path() == manifest)
    {
        return Ok(vec![p.id.clone()]);
    }
    match members.as_slice() {
        [only] => Ok(vec![only.id.clone()]),
        _ => Err(format!(
            "the manifest is a virtual workspace with {} members ({}): pass -p NAME, or --workspace -o DIR for one SBOM per member",
            members.len(),
            names()
        )),
    }
}

/// What goes into the graph.
#[derive(Debug, Clone, Default)]
pub struct GraphOptions {
    /// Follow dev-dependencies of workspace members.
    pub include_dev: bool,
    /// Target and host platforms (`None`: every platform).
    pub platforms: graph::Platforms,
    /// Features asked for.
    pub features: graph::FeatureRequest,
}

/// The feature resolver cargo uses for the workspace whose root manifest
/// is `manifest`: `resolver = "N"` in `[workspace]` or `[package]`, else 2
/// for a root package of edition 2021 or later, else 1.
pub fn resolver_version(manifest: &str) -> u32 {
    let Ok(table) = manifest.parse::<toml::Table>() else {
        return 2;
    };
    let declared = ["workspace", "package"].iter().find_map(|t| {
        table
            .get(*t)
            .and_then(|v| v.get("resolver"))
            .and_then(|r| r.as_str())
            .and_then(|r| r.parse::<u32>().ok())
    });
    if let Some(v) = declared {
        return v;
    }
    // `edition.workspace = true` inherits `[workspace.package] edition`.
    let inherited = table
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("edition"));
    let edition = table
        .get("package")
        .and_then(|p| p.get("edition"))
        .and_then(|e| match e {
            toml::Value::Table(t) if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) => {
                inherited
            }
            other => Some(other),
        })
        .and_then(|e| e.as_str())
        .and_then(|e| e.parse::<u32>().ok())
        .unwrap_or(2015);
    if edition >= 2021 { 2 } else { 1 }
}

/// Builds the SBOM of workspace package `root`.
pub fn build(facts: &Facts, root: &PackageId, opts: &GraphOptions) -> Result<Sbom, SbomError> {
    let meta = facts
        .metadata
        .as_ref()
        .map_err(|u| SbomError::Graph(format!("cargo metadata failed: {}", u.reason)))?;
    let resolver = facts
        .text("Cargo.toml")
        .and_then(|t| t.text())
        .map_or(2, resolver_version);
    let mode = if resolver >= 2 {
        graph::Mode::Features(opts.features.clone())
    } else {
        graph::Mode::Unified
    };
    let selection = graph::select(meta, root, opts.include_dev, &opts.platforms, &mode)
        .map_err(SbomError::Graph)?;
    let target = opts.platforms.target.as_ref().map(|p| p.triple.as_str());
    let packages: HashMap<&PackageId, &Package> =
        meta.packages.iter().map(|p| (&p.id, p)).collect();
    let members: BTreeSet<&PackageId> = meta.workspace_members.iter().collect();
    let checksums = lock_checksums(facts);
    // Most crates share a handful of license strings: parse each once.
    let mut licenses: HashMap<(Option<&str>, Option<&str>), License> = HashMap::new();

    // Components, then unique bom-refs in a stable order.
    let mut built: Vec<(PackageId, Component)> = Vec::new();
    for (id, usage) in &selection.packages {
        let package = packages.get(id).ok_or_else(|| {
            SbomError::Graph(format!("`{}` is in the graph but not a package", id.repr))
        })?;
        let declared = (
            package.license.as_deref(),
            package.license_file.as_ref().map(|f| f.as_str()),
        );
        let license = licenses
            .entry(declared)
            .or_insert_with(|| classify_license(declared.0, declared.1))
            .clone();
        built.push((
            id.clone(),
            component(
                package,
                *usage,
                members.contains(id),
                &facts.root,
                &checksums,
                license,
            ),
        ));
    }
    built.sort_by(|a, b| (&a.1.purl, &a.0).cmp(&(&b.1.purl, &b.0)));
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (_, c) in &mut built {
        let n = seen.entry(c.purl.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            c.bom_ref = format!("{}#{n}", c.purl);
        }
    }
    let refs: HashMap<&PackageId, String> = built
        .iter()
        .map(|(id, c)| (id, c.bom_ref.clone()))
        .collect();

    let mut dependencies: Vec<Dependency> = selection
        .edges
        .iter()
        .filter_map(|(from, out)| {
            let mut depends_on: Vec<Edge> = out
                .iter()
                .filter_map(|(to, kinds)| {
                    Some(Edge {
                        bom_ref: refs.get(to)?.clone(),
                        kinds: *kinds,
                    })
                })
                .collect();
            depends_on.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));
            depends_on.dedup_by(|a, b| a.bom_ref == b.bom_ref);
            Some(Dependency {
                bom_ref: refs.get(from)?.clone(),
                depends_on,
            })
        })
        .collect();
    dependencies.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));

    let root_ref = refs.get(root).cloned().unwrap_or_default();
    let mut components: Vec<Component> = built.into_iter().map(|(_, c)| c).collect();
    let root_at = components
        .iter()
        .position(|c| c.bom_ref == root_ref)
        .ok_or_else(|| SbomError::Graph("the root package is not in its own graph".into()))?;
    let root_component = components.remove(root_at);
    components.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));
    Ok(Sbom {
        root: root_component,
        components,
        dependencies,
        target: target.map(str::to_string),
        vulnerabilities: Vec::new(),
    })
}

/// `(name, version, source)` → SHA-256 hex, from `Cargo.lock`.
type Checksums = HashMap<(String, String, String), String>;

fn lock_checksums(facts: &Facts) -> Checksums {
    let Some(Ok(lock)) = facts.lockfile.as_ref().map(|l| l.parsed.as_ref()) else {
        return HashMap::new();
    };
    lock.packages
        .iter()
        .filter_map(|p| {
            let digest = p.checksum.as_ref()?.as_sha256()?;
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let hex: String = digest
                .iter()
                .flat_map(|b| {
                    [
                        HEX[usize::from(b >> 4)] as char,
                        HEX[usize::from(b & 15)] as char,
                    ]
                })
                .collect();
            Some((
                (
                    p.name.as_str().to_string(),
                    p.version.to_string(),
                    p.source.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                ),
                hex,
            ))
        })
        .collect()
}

fn component(
    p: &Package,
    usage: Usage,
    member: bool,
    workspace_root: &Path,
    checksums: &Checksums,
    license: License,
) -> Component {
    let source = match &p.source {
        None => {
            let dir = p
                .manifest_path
                .parent()
                .map(|d| d.as_std_path())
                .unwrap_or(Path::new(""));
            Source::Path {
                path: relative_path(workspace_root, dir),
            }
        }
        Some(s) => parse_source(&s.repr),
    };
    let name = p.name.to_string();
    let version = p.version.to_string();
    let sha256 = p.source.as_ref().and_then(|s| {
        checksums
            .get(&(name.clone(), version.clone(), s.repr.clone()))
            .cloned()
    });
    let purl = purl(&name, &version, &source);
    Component {
        bom_ref: purl.clone(),
        purl,
        name,
        version,
        source,
        workspace_member: member,
        has_bin: p.targets.iter().any(|t| t.kind.contains(&TargetKind::Bin)),
        usage,
        sha256,
        license,
        description: p.description.clone().filter(|d| !d.trim().is_empty()),
        authors: p.authors.clone(),
        repository: p.repository.clone().filter(|u| !u.trim().is_empty()),
        homepage: p.homepage.clone().filter(|u| !u.trim().is_empty()),
        documentation: p.documentation.clone().filter(|u| !u.trim().is_empty()),
    }
}

/// `registry+URL`, `sparse+URL`, `git+URL?ref#commit` as cargo writes them.
fn parse_source(repr: &str) -> Source {
    const CRATES_IO: [&str; 2] = [
        "registry+https://github.com/rust-lang/crates.io-index",
        "sparse+https://index.crates.io/",
    ];
    if CRATES_IO.contains(&repr) {
        return Source::CratesIo;
    }
    match repr.split_once('+') {
        Some(("git", rest)) => {
            let (before_fragment, commit) = match rest.split_once('#') {
                Some((u, c)) => (u, Some(c.to_string())),
                None => (rest, None),
            };
            let url = before_fragment
                .split_once('?')
                .map_or(before_fragment, |(u, _)| u);
            Source::Git {
                url: url.to_string(),
                commit,
            }
        }
        Some(("registry" | "sparse", url)) => Source::Registry {
            url: url.to_string(),
        },
        _ => Source::Registry {
            url: repr.to_string(),
        },
    }
}

/// `dir` relative to `root`, `/`-separated, with `..` when outside it.
fn relative_path(root: &Path, dir: &Path) -> String {
    if dir.starts_with(root) {
        let r = relative(root, dir);
        return if r.is_empty() { ".".into() } else { r };
    }
    let root_parts: Vec<_> = root.components().collect();
    let dir_parts: Vec<_> = dir.components().collect();
    let common = root_parts
        .iter()
        .zip(&dir_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); root_parts.len() - common];
    parts.extend(
        dir_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The package URL, per the purl spec's `cargo` type: crates.io packages
/// have none; other registries add `repository_url`, git sources `vcs_url`
/// (`git+URL@COMMIT`), path packages `download_url=file://REL` (relative to
/// the workspace root, as cargo-cyclonedx writes it, never absolute).
pub fn purl(name: &str, version: &str, source: &Source) -> String {
    let qualifier = match source {
        Source::CratesIo => None,
        Source::Registry { url } => Some(("repository_url", url.clone())),
        Source::Git { url, commit } => Some((
            "vcs_url",
            match commit {
                Some(c) => format!("git+{url}@{c}"),
                None => format!("git+{url}"),
            },
        )),
        Source::Path { path } => Some(("download_url", format!("file://{path}"))),
    };
    let mut builder =
        purl::GenericPurlBuilder::new(String::from("cargo"), name).with_version(version);
    if let Some((key, value)) = qualifier
        && let Ok(b) = builder.clone().with_qualifier(key, value)
    {
        builder = b;
    }
    match builder.build() {
        Ok(p) => p.to_string(),
        // Cargo's names and versions are always valid purl parts; keep a
        // readable fallback rather than fail the whole SBOM.
        Err(_) => format!("pkg:cargo/{name}@{version}"),
    }
}

/// The manifest's `license` as an SPDX expression when it is one (cargo's
/// deprecated `MIT/Apache-2.0` is read as `MIT OR Apache-2.0`), else as
/// written; `license-file` when that is all there is.
pub fn classify_license(license: Option<&str>, license_file: Option<&str>) -> License {
    match (
        license.map(str::trim).filter(|l| !l.is_empty()),
        license_file,
    ) {
        (Some(l), _) => {
            if ::spdx::Expression::parse(l).is_ok() {
                return License::Expression(l.to_string());
            }
            let normalised = l.split('/').map(str::trim).collect::<Vec<_>>().join(" OR ");
            if ::spdx::Expression::parse(&normalised).is_ok() {
                License::Expression(normalised)
            } else {
                License::Named(l.to_string())
            }
        }
        (None, Some(f)) => License::File(f.to_string()),
        (None, None) => License::None,
    }
}

impl Component {
    /// The URL the `.crate` file is downloaded from (crates.io only).
    pub fn download_url(&self) -> Option<String> {
        match self.source {
            Source::CratesIo => Some(format!(
                "https://crates.io/api/v1/crates/{}/{}/download",
                self.name, self.version
            )),
            _ => None,
        }
    }
}

/// `SOURCE_DATE_EPOCH`-style seconds as RFC 3339 UTC (`1970-01-01T00:00:00Z`).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The document identity: a v5 UUID of the content when deterministic,
/// else a random v4 UUID.
pub fn document_uuid(sbom: &Sbom, opts: &DocumentOptions) -> Result<uuid::Uuid, SbomError> {
    if !opts.deterministic {
        return Ok(uuid::Uuid::new_v4());
    }
    let mut content = serde_json::to_vec(sbom)?;
    content.extend_from_slice(
        format!(
            "\n{:?} {} cargo-readiness {}",
            opts.format,
            opts.spec_version.as_str(),
            env!("CARGO_PKG_VERSION")
        )
        .as_bytes(),
    );
    Ok(uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, &content))
}

/// Renders `sbom` in the chosen format.
pub fn render(sbom: &Sbom, opts: &DocumentOptions) -> Result<Vec<u8>, SbomError> {
    let uuid = document_uuid(sbom, opts)?;
    let timestamp = rfc3339(opts.timestamp);
    match opts.format {
        Format::CycloneDxJson => cyclonedx::render_json(sbom, opts.spec_version, uuid, &timestamp),
        Format::CycloneDxXml => cyclonedx::render_xml(sbom, opts.spec_version, uuid, &timestamp),
        Format::SpdxJson => spdx::render(sbom, uuid, &timestamp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn sources() {
        assert_eq!(
            parse_source("registry+https://github.com/rust-lang/crates.io-index"),
            Source::CratesIo
        );
        assert_eq!(
            parse_source("sparse+https://my.registry/index/"),
            Source::Registry {
                url: "https://my.registry/index/".into()
            }
        );
        assert_eq!(
            parse_source("git+https://github.com/a/b?branch=main#0123abc"),
            Source::Git {
                url: "https://github.com/a/b".into(),
                commit: Some("0123abc".into())
            }
        );
    }

    #[test]
    fn purls() {
        assert_eq!(
            purl("serde", "1.0.0", &Source::CratesIo),
            "pkg:cargo/serde@1.0.0"
        );
        assert_eq!(
            purl("x", "1.0.0+build.1", &Source::CratesIo),
            "pkg:cargo/x@1.0.0+build.1"
        );
        assert_eq!(
            purl(
                "b",
                "0.1.0",
                &Source::Git {
                    url: "https://github.com/a/b".into(),
                    commit: Some("0123abc".into())
                }
            ),
            "pkg:cargo/b@0.1.0?vcs_url=git%2Bhttps://github.com/a/b%400123abc"
        );
        assert_eq!(
            purl(
                "c",
                "0.1.0",
                &Source::Registry {
                    url: "https://my.registry/index/".into()
                }
            ),
            "pkg:cargo/c@0.1.0?repository_url=https://my.registry/index/"
        );
        assert_eq!(
            purl(
                "d",
                "0.1.0",
                &Source::Path {
                    path: "crates/d".into()
                }
            ),
            "pkg:cargo/d@0.1.0?download_url=file://crates/d"
        );
    }

    #[test]
    fn paths_are_relative() {
        assert_eq!(relative_path(Path::new("/w"), Path::new("/w")), ".");
        assert_eq!(
            relative_path(Path::new("/w"), Path::new("/w/crates/a")),
            "crates/a"
        );
        assert_eq!(
            relative_path(Path::new("/w/app"), Path::new("/w/vendor/x")),
            "../vendor/x"
        );
    }

    /// A root with a crates.io, a private-registry and a git dependency, and
    /// a `Cargo.lock` holding the registry checksums.
    fn registry_facts() -> Facts {
        let crates_io = "registry+https://github.com/rust-lang/crates.io-index";
        let private = "sparse+https://my.registry/index/";
        let git =
            "git+https://github.com/a/gitdep?branch=main#0123456789abcdef0123456789abcdef01234567";
        let package = |name: &str, version: &str, source: Option<&str>, deps: serde_json::Value| {
            let id = match source {
                Some(s) => format!("{s}#{name}@{version}"),
                None => format!("path+file:///w#{name}@{version}"),
            };
            serde_json::json!({
                "name": name, "version": version, "id": id, "license": "MIT/Apache-2.0",
                "license_file": null, "description": format!("the {name} crate"), "source": source,
                "dependencies": deps, "targets": [], "features": {},
                "manifest_path": if source.is_none() { "/w/Cargo.toml".to_string() } else { format!("/registry/{name}/Cargo.toml") },
                "metadata": null, "publish": null, "authors": ["A <a@example.com>"],
                "categories": [], "keywords": [], "readme": null,
                "repository": "https://github.com/x/y", "homepage": null,
                "documentation": "not a url", "edition": "2021", "links": null,
                "default_run": null, "rust_version": null
            })
        };
        let dep = |name: &str, source: &str| {
            serde_json::json!({"name": name, "source": source, "req": "*", "kind": null,
                "rename": null, "optional": false, "uses_default_features": true,
                "features": [], "target": null, "registry": null, "path": null})
        };
        let ids = [
            format!("{crates_io}#serde@1.0.0"),
            format!("{private}#private@0.1.0"),
            format!("{git}#gitdep@0.2.0"),
        ];
        let meta = serde_json::json!({
            "packages": [
                package("app", "1.0.0", None, serde_json::json!([
                    dep("serde", crates_io), dep("private", private), dep("gitdep", git)])),
                package("serde", "1.0.0", Some(crates_io), serde_json::json!([])),
                package("private", "0.1.0", Some(private), serde_json::json!([])),
                package("gitdep", "0.2.0", Some(git), serde_json::json!([])),
            ],
            "workspace_members": ["path+file:///w#app@1.0.0"],
            "workspace_default_members": ["path+file:///w#app@1.0.0"],
            "resolve": {"nodes": [
                {"id": "path+file:///w#app@1.0.0", "dependencies": [], "features": [],
                 "deps": ids.iter().zip(["serde", "private", "gitdep"]).map(|(id, n)|
                    serde_json::json!({"name": n, "pkg": id, "dep_kinds": [{"kind": null, "target": null}]})
                 ).collect::<Vec<_>>()},
                {"id": ids[0], "dependencies": [], "deps": [], "features": []},
                {"id": ids[1], "dependencies": [], "deps": [], "features": []},
                {"id": ids[2], "dependencies": [], "deps": [], "features": []},
            ], "root": null},
            "target_directory": "/w/target", "build_directory": "/w/target",
            "version": 1, "workspace_root": "/w", "metadata": null
        });
        let lock = format!(
            "version = 4\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"{crates_io}\"\nchecksum = \"{}\"\n\n[[package]]\nname = \"private\"\nversion = \"0.1.0\"\nsource = \"{private}\"\nchecksum = \"{}\"\n",
            "ab".repeat(32),
            "cd".repeat(32)
        );
        let mut facts = Facts::in_memory(vec![], &[]);
        facts.root = "/w".into();
        facts.metadata = Ok(serde_json::from_value(meta).unwrap_or_else(|e| panic!("{e}")));
        facts.lockfile = Some(crate::facts::LockfileFacts::new(
            "Cargo.lock",
            Ok(lock),
            false,
        ));
        facts
    }

    #[test]
    fn registry_and_git_components() {
        let facts = registry_facts();
        let root = PackageId {
            repr: "path+file:///w#app@1.0.0".into(),
        };
        let sbom = build(&facts, &root, &GraphOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let by_name = |n: &str| {
            sbom.components
                .iter()
                .find(|c| c.name == n)
                .cloned()
                .unwrap_or_else(|| panic!("no {n}"))
        };
        let serde = by_name("serde");
        assert_eq!(serde.purl, "pkg:cargo/serde@1.0.0");
        assert_eq!(serde.sha256.as_deref(), Some("ab".repeat(32).as_str()));
        assert_eq!(
            serde.download_url().as_deref(),
            Some("https://crates.io/api/v1/crates/serde/1.0.0/download")
        );
        assert_eq!(
            serde.license,
            License::Expression("MIT OR Apache-2.0".into())
        );
        let private = by_name("private");
        assert_eq!(
            private.purl,
            "pkg:cargo/private@0.1.0?repository_url=https://my.registry/index/"
        );
        assert_eq!(private.sha256.as_deref(), Some("cd".repeat(32).as_str()));
        assert_eq!(private.download_url(), None);
        let gitdep = by_name("gitdep");
        assert_eq!(
            gitdep.purl,
            "pkg:cargo/gitdep@0.2.0?vcs_url=git%2Bhttps://github.com/a/gitdep%400123456789abcdef0123456789abcdef01234567"
        );
        assert_eq!(gitdep.sha256, None);
        assert_eq!(sbom.root.purl, "pkg:cargo/app@1.0.0?download_url=file://.");

        let opts = DocumentOptions {
            format: Format::CycloneDxJson,
            spec_version: SpecVersion::V1_6,
            deterministic: true,
            timestamp: 0,
        };
        let cdx: serde_json::Value =
            serde_json::from_slice(&render(&sbom, &opts).unwrap_or_default()).unwrap_or_default();
        let serde_json_component = cdx["components"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["name"] == "serde"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(serde_json_component["hashes"][0]["alg"], "SHA-256");
        assert_eq!(
            serde_json_component["hashes"][0]["content"],
            "ab".repeat(32)
        );
        // An invalid URL is left out rather than making the document invalid.
        let refs = serde_json_component["externalReferences"].to_string();
        assert!(
            refs.contains("distribution") && !refs.contains("not a url"),
            "{refs}"
        );

        let spdx: serde_json::Value = serde_json::from_slice(
            &render(
                &sbom,
                &DocumentOptions {
                    format: Format::SpdxJson,
                    ..opts
                },
            )
            .unwrap_or_default(),
        )
        .unwrap_or_default();
        let packages = spdx["packages"].as_array().cloned().unwrap_or_default();
        let git_pkg = packages
            .iter()
            .find(|p| p["name"] == "gitdep")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            git_pkg["downloadLocation"],
            "git+https://github.com/a/gitdep@0123456789abcdef0123456789abcdef01234567"
        );
        let serde_pkg = packages
            .iter()
            .find(|p| p["name"] == "serde")
            .cloned()
            .unwrap_or_default();
        assert_eq!(serde_pkg["checksums"][0]["algorithm"], "SHA256");
        assert_eq!(serde_pkg["originator"], "Person: A (a@example.com)");
    }

    #[test]
    fn resolver_versions() {
        assert_eq!(resolver_version("[workspace]\nresolver = \"1\"\n"), 1);
        assert_eq!(resolver_version("[workspace]\nresolver = \"3\"\n"), 3);
        assert_eq!(resolver_version("[workspace]\nmembers = []\n"), 1);
        assert_eq!(resolver_version("[package]\nedition = \"2021\"\n"), 2);
        assert_eq!(resolver_version("[package]\nedition = \"2018\"\n"), 1);
        assert_eq!(
            resolver_version(
                "[workspace.package]\nedition = \"2024\"\n[package]\nedition.workspace = true\n"
            ),
            2
        );
    }

    #[test]
    fn licenses() {
        assert_eq!(
            classify_license(Some("MIT OR Apache-2.0"), None),
            License::Expression("MIT OR Apache-2.0".into())
        );
        assert_eq!(
            classify_license(Some("MIT/Apache-2.0"), None),
            License::Expression("MIT OR Apache-2.0".into())
        );
        assert_eq!(
            classify_license(Some("Proprietary and confidential"), None),
            License::Named("Proprietary and confidential".into())
        );
        assert_eq!(
            classify_license(None, Some("LICENSE.txt")),
            License::File("LICENSE.txt".into())
        );
        assert_eq!(classify_license(None, None), License::None);
    }
}
