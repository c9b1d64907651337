//! CycloneDX output (JSON and XML, 1.5 and 1.6), written by this crate.
//!
//! [`Bom`] is the document in CycloneDX's terms, built once from an
//! [`Sbom`]; [`json`] and [`xml`] write it. We used to build on the
//! `cyclonedx-bom` crate, but it writes 1.5 at most, and it alone cost a
//! third of a clean build: what we emit is a small, fixed subset of the
//! specification, validated against the official schemas by the
//! conformance tests.

mod json;
mod uri;
mod xml;

use super::graph::Usage;
use super::{Component, License, Sbom, SbomError, Source, SpecVersion, Vulnerability};

/// Property names (our namespace; `cdx:` is reserved for CycloneDX's own
/// taxonomy).
pub mod property {
    /// `build` or `dev`: how a component that is not linked into the
    /// shipped artifact is needed.
    pub const DEPENDENCY_KIND: &str = "cargo-readiness:dependency-kind";
    /// `crates.io`, `registry`, `git`, `path`.
    pub const SOURCE: &str = "cargo-readiness:source";
    /// Package directory of a path dependency, relative to the workspace root.
    pub const PATH: &str = "cargo-readiness:path";
    /// `true` for workspace members.
    pub const WORKSPACE_MEMBER: &str = "cargo-readiness:workspace-member";
    /// The platform the graph was resolved for (`all` when unfiltered).
    pub const TARGET: &str = "cargo-readiness:target";
}

/// CycloneDX JSON of `sbom`.
pub fn render_json(
    sbom: &Sbom,
    spec: SpecVersion,
    uuid: uuid::Uuid,
    timestamp: &str,
) -> Result<Vec<u8>, SbomError> {
    json::render(&Bom::new(sbom, spec, uuid, timestamp)?)
}

/// CycloneDX XML of `sbom`.
pub fn render_xml(
    sbom: &Sbom,
    spec: SpecVersion,
    uuid: uuid::Uuid,
    timestamp: &str,
) -> Result<Vec<u8>, SbomError> {
    Ok(xml::render(&Bom::new(sbom, spec, uuid, timestamp)?))
}

/// One document, in CycloneDX's vocabulary; empty lists are left out by
/// the writers.
struct Bom<'a> {
    spec: SpecVersion,
    /// `urn:uuid:…`.
    serial_number: String,
    /// RFC 3339, UTC.
    timestamp: &'a str,
    /// This tool, as `metadata.tools.components`.
    tool: Part<'a>,
    /// The package described (`metadata.component`).
    subject: Part<'a>,
    /// `metadata.properties`.
    properties: Vec<(&'static str, &'a str)>,
    components: Vec<Part<'a>>,
    dependencies: Vec<(&'a str, Vec<&'a str>)>,
    vulnerabilities: Vec<Advisory<'a>>,
}

/// One component.
struct Part<'a> {
    /// `application` or `library`.
    kind: &'static str,
    bom_ref: Option<&'a str>,
    /// Cargo `authors`, joined (CycloneDX 1.5's `author`).
    author: Option<String>,
    name: &'a str,
    version: &'a str,
    description: Option<String>,
    /// `required` or `excluded`; none for the subject and the tool.
    scope: Option<&'static str>,
    sha256: Option<&'a str>,
    license: Option<Licence>,
    purl: Option<String>,
    /// `(type, url)`, only URLs that are RFC 3986 references.
    references: Vec<(&'static str, String)>,
    properties: Vec<(&'static str, &'a str)>,
}

/// A `licenses` entry.
enum Licence {
    /// An SPDX expression.
    Expression(String),
    /// A named license that is not one.
    Named(String),
}

/// One `vulnerabilities` entry.
struct Advisory<'a> {
    id: String,
    /// `(id, source name)` of each alias.
    references: Vec<(String, &'static str)>,
    rating: Option<Rating>,
    description: &'a str,
    detail: Option<&'a str>,
    recommendation: Option<String>,
    /// The advisory's URL.
    url: Option<String>,
    /// `bom-ref`s of the affected components.
    affects: Vec<&'a str>,
}

/// A CVSS rating.
struct Rating {
    score: Option<f64>,
    severity: Option<&'static str>,
    /// `CVSSv3`, `CVSSv31`, `CVSSv4`.
    method: &'static str,
    vector: String,
}

/// CycloneDX `normalizedString`: no line breaks or tabs.
fn normalized(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ")
}

impl<'a> Bom<'a> {
    fn new(
        sbom: &'a Sbom,
        spec: SpecVersion,
        uuid: uuid::Uuid,
        timestamp: &'a str,
    ) -> Result<Bom<'a>, SbomError> {
        if timestamp.parse::<jiff::Timestamp>().is_err() {
            return Err(SbomError::CycloneDx(format!(
                "timestamp `{timestamp}` is not RFC 3339 UTC"
            )));
        }
        let tool = Part {
            kind: "application",
            bom_ref: None,
            author: None,
            name: "cargo-readiness",
            version: env!("CARGO_PKG_VERSION"),
            description: None,
            scope: None,
            sha256: None,
            license: None,
            purl: Some(super::purl(
                "cargo-readiness",
                env!("CARGO_PKG_VERSION"),
                &Source::CratesIo,
            )),
            references: Vec::new(),
            properties: Vec::new(),
        };
        let mut subject = Part::of(&sbom.root);
        subject.kind = if sbom.root.has_bin {
            "application"
        } else {
            "library"
        };
        // The described package is the subject, not one of its dependencies.
        subject.scope = None;
        Ok(Bom {
            spec,
            serial_number: format!("urn:uuid:{uuid}"),
            timestamp,
            tool,
            subject,
            properties: vec![(property::TARGET, sbom.target.as_deref().unwrap_or("all"))],
            components: sbom.components.iter().map(Part::of).collect(),
            dependencies: sbom
                .dependencies
                .iter()
                .map(|d| {
                    let on = d.depends_on.iter().map(|e| e.bom_ref.as_str()).collect();
                    (d.bom_ref.as_str(), on)
                })
                .collect(),
            vulnerabilities: sbom.vulnerabilities.iter().map(Advisory::of).collect(),
        })
    }
}

impl<'a> Part<'a> {
    fn of(c: &'a Component) -> Part<'a> {
        let mut references = Vec::new();
        let mut push = |kind: &'static str, url: Option<&str>| {
            if let Some(url) = url.map(str::trim).filter(|u| uri::is_reference(u)) {
                references.push((kind, url.to_string()));
            }
        };
        push("vcs", c.repository.as_deref());
        push("website", c.homepage.as_deref());
        push("documentation", c.documentation.as_deref());
        push("distribution", c.download_url().as_deref());
        let mut properties = Vec::new();
        match c.usage {
            Usage::Runtime => {}
            Usage::Build => properties.push((property::DEPENDENCY_KIND, "build")),
            Usage::Dev => properties.push((property::DEPENDENCY_KIND, "dev")),
        }
        properties.push((
            property::SOURCE,
            match &c.source {
                Source::CratesIo => "crates.io",
                Source::Registry { .. } => "registry",
                Source::Git { .. } => "git",
                Source::Path { .. } => "path",
            },
        ));
        if let Source::Path { path } = &c.source {
            properties.push((property::PATH, path.as_str()));
        }
        if c.workspace_member {
            properties.push((property::WORKSPACE_MEMBER, "true"));
        }
        Part {
            kind: "library",
            bom_ref: Some(&c.bom_ref),
            author: (!c.authors.is_empty()).then(|| normalized(&c.authors.join(", "))),
            name: &c.name,
            version: &c.version,
            description: c.description.as_deref().map(normalized),
            // CycloneDX: `excluded` components are "not reachable within a
            // call graph at runtime" — build-only and dev-only ones (the
            // property says which), as cargo-cyclonedx marks them.
            scope: Some(match c.usage {
                Usage::Runtime => "required",
                Usage::Build | Usage::Dev => "excluded",
            }),
            sha256: c.sha256.as_deref(),
            license: match &c.license {
                License::Expression(e) => Some(Licence::Expression(e.clone())),
                License::Named(n) => Some(Licence::Named(normalized(n))),
                // A pointer, never the file's content (and never a machine path).
                License::File(f) => Some(Licence::Named(normalized(&format!("License file: {f}")))),
                License::None => None,
            },
            purl: Some(c.purl.clone()),
            references,
            properties,
        }
    }
}

impl<'a> Advisory<'a> {
    fn of(v: &'a Vulnerability) -> Advisory<'a> {
        let rating = v.cvss.as_ref().map(|vector| Rating {
            method: if vector.starts_with("CVSS:4") {
                "CVSSv4"
            } else if vector.starts_with("CVSS:3.1") {
                "CVSSv31"
            } else {
                "CVSSv3"
            },
            score: v.score.as_ref().map(|(score, _)| *score),
            severity: v.score.as_ref().map(|(_, severity)| {
                // CycloneDX's severity names; anything else is `unknown`.
                ["critical", "high", "medium", "low", "none"]
                    .into_iter()
                    .find(|s| s == severity)
                    .unwrap_or("unknown")
            }),
            vector: normalized(vector),
        });
        Advisory {
            id: normalized(&v.id),
            references: v
                .aliases
                .iter()
                .map(|a| {
                    let source = if a.starts_with("GHSA-") {
                        "GitHub"
                    } else {
                        "NVD"
                    };
                    (normalized(a), source)
                })
                .collect(),
            rating,
            description: &v.title,
            detail: v.description.as_deref(),
            recommendation: (!v.patched.is_empty())
                .then(|| format!("Upgrade to {}", v.patched.join(" or "))),
            url: v
                .url
                .as_deref()
                .filter(|u| uri::is_reference(u))
                .map(str::to_string),
            affects: v.affects.iter().map(String::as_str).collect(),
        }
    }
}

/// The RustSec database, every advisory's `source`.
const RUSTSEC: (&str, &str) = ("RustSec", "https://rustsec.org/");
