//! CycloneDX output, built on the `cyclonedx-bom` crate (JSON and XML,
//! 1.5 natively; 1.6 through [`super::upgrade_1_6`]).

use cyclonedx_bom::external_models::uri::Uri as Url;
use cyclonedx_bom::models::component::{Classification, Scope};
use cyclonedx_bom::models::dependency::{Dependencies, Dependency};
use cyclonedx_bom::models::external_reference::{
    ExternalReference, ExternalReferenceType, ExternalReferences,
};
use cyclonedx_bom::models::hash::{Hash, HashAlgorithm, HashValue, Hashes};
use cyclonedx_bom::models::license::{License as CdxLicense, LicenseChoice, Licenses};
use cyclonedx_bom::models::property::{Properties, Property};
use cyclonedx_bom::models::tool::Tools;
use cyclonedx_bom::models::vulnerability::{Vulnerabilities, Vulnerability as CdxVulnerability};
use cyclonedx_bom::models::vulnerability_rating::{
    Score, ScoreMethod, Severity, VulnerabilityRating, VulnerabilityRatings,
};
use cyclonedx_bom::models::vulnerability_reference::{
    VulnerabilityReference, VulnerabilityReferences,
};
use cyclonedx_bom::models::vulnerability_source::VulnerabilitySource;
use cyclonedx_bom::models::vulnerability_target::{VulnerabilityTarget, VulnerabilityTargets};
use cyclonedx_bom::prelude::{
    Bom, Component as CdxComponent, Components, DateTime, Metadata, NormalizedString, Purl, UrnUuid,
};
use std::str::FromStr;

use super::graph::Usage;
use super::{Component, License, Sbom, SbomError, Source, SpecVersion, Vulnerability, upgrade_1_6};

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
    let bom = to_bom(sbom, uuid, timestamp)?;
    let mut out = Vec::new();
    bom.output_as_json_v1_5(&mut out)
        .map_err(|e| SbomError::CycloneDx(e.to_string()))?;
    let text = String::from_utf8(out).map_err(|e| SbomError::CycloneDx(e.to_string()))?;
    let text = match spec {
        SpecVersion::V1_5 => upgrade_1_6::with_schema_1_5(&text),
        SpecVersion::V1_6 => upgrade_1_6::json(&text).map_err(SbomError::CycloneDx)?,
    };
    Ok(text.into_bytes())
}

/// CycloneDX XML of `sbom`.
pub fn render_xml(
    sbom: &Sbom,
    spec: SpecVersion,
    uuid: uuid::Uuid,
    timestamp: &str,
) -> Result<Vec<u8>, SbomError> {
    let bom = to_bom(sbom, uuid, timestamp)?;
    let mut out = Vec::new();
    bom.output_as_xml_v1_5(&mut out)
        .map_err(|e| SbomError::CycloneDx(e.to_string()))?;
    let mut text = String::from_utf8(out).map_err(|e| SbomError::CycloneDx(e.to_string()))?;
    if spec == SpecVersion::V1_6 {
        text = upgrade_1_6::xml(&text).map_err(SbomError::CycloneDx)?;
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text.into_bytes())
}

/// The library's model of `sbom`.
pub fn to_bom(sbom: &Sbom, uuid: uuid::Uuid, timestamp: &str) -> Result<Bom, SbomError> {
    let timestamp = DateTime::try_from(timestamp.to_string())
        .map_err(|e| SbomError::CycloneDx(e.to_string()))?;
    let mut tool = CdxComponent::new(
        Classification::Application,
        "cargo-readiness",
        env!("CARGO_PKG_VERSION"),
        None,
    );
    tool.purl = Purl::from_str(&super::purl(
        "cargo-readiness",
        env!("CARGO_PKG_VERSION"),
        &Source::CratesIo,
    ))
    .ok();
    let mut root = component(&sbom.root);
    root.component_type = if sbom.root.has_bin {
        Classification::Application
    } else {
        Classification::Library
    };
    // The described package is the subject, not one of its dependencies.
    root.scope = None;
    let metadata = Metadata {
        timestamp: Some(timestamp),
        tools: Some(Tools::Object {
            services: None,
            components: Some(Components(vec![tool])),
        }),
        component: Some(root),
        properties: Some(Properties(vec![Property::new(
            property::TARGET,
            sbom.target.as_deref().unwrap_or("all"),
        )])),
        ..Metadata::default()
    };
    let components: Vec<CdxComponent> = sbom.components.iter().map(component).collect();
    let dependencies: Vec<Dependency> = sbom
        .dependencies
        .iter()
        .map(|d| Dependency {
            dependency_ref: d.bom_ref.clone(),
            dependencies: d.depends_on.iter().map(|e| e.bom_ref.clone()).collect(),
        })
        .collect();
    Ok(Bom {
        serial_number: Some(UrnUuid::from(uuid)),
        metadata: Some(metadata),
        components: Some(Components(components)),
        dependencies: Some(Dependencies(dependencies)),
        vulnerabilities: vulnerabilities(&sbom.vulnerabilities),
        spec_version: cyclonedx_bom::prelude::SpecVersion::V1_5,
        ..Bom::default()
    })
}

fn component(c: &Component) -> CdxComponent {
    let mut out = CdxComponent::new(
        Classification::Library,
        &c.name,
        &c.version,
        Some(c.bom_ref.clone()),
    );
    out.purl = Purl::from_str(&c.purl).ok();
    out.description = c.description.as_deref().map(NormalizedString::new);
    if !c.authors.is_empty() {
        out.author = Some(NormalizedString::new(&c.authors.join(", ")));
    }
    // CycloneDX: `excluded` components are "not reachable within a call
    // graph at runtime" — build-only and dev-only ones (the property below
    // says which), as cargo-cyclonedx marks them.
    out.scope = Some(match c.usage {
        Usage::Runtime => Scope::Required,
        Usage::Build | Usage::Dev => Scope::Excluded,
    });
    out.hashes = c.sha256.as_ref().map(|h| {
        Hashes(vec![Hash {
            alg: HashAlgorithm::SHA_256,
            content: HashValue(h.clone()),
        }])
    });
    out.licenses = match &c.license {
        License::Expression(e) => Some(Licenses(vec![LicenseChoice::expression(e)])),
        License::Named(n) => Some(Licenses(vec![LicenseChoice::license(n)])),
        // A pointer, never the file's content (and never a machine path).
        License::File(f) => Some(Licenses(vec![LicenseChoice::License(
            CdxLicense::named_license(&format!("License file: {f}")),
        )])),
        License::None => None,
    };
    let mut refs = Vec::new();
    let mut push = |kind: ExternalReferenceType, url: Option<&str>| {
        if let Some(url) = url.and_then(|u| Url::try_from(u.trim().to_string()).ok()) {
            refs.push(ExternalReference::new(kind, url));
        }
    };
    push(ExternalReferenceType::Vcs, c.repository.as_deref());
    push(ExternalReferenceType::Website, c.homepage.as_deref());
    push(
        ExternalReferenceType::Documentation,
        c.documentation.as_deref(),
    );
    push(
        ExternalReferenceType::Distribution,
        c.download_url().as_deref(),
    );
    if !refs.is_empty() {
        out.external_references = Some(ExternalReferences(refs));
    }
    let mut props = Vec::new();
    match c.usage {
        Usage::Runtime => {}
        Usage::Build => props.push(Property::new(property::DEPENDENCY_KIND, "build")),
        Usage::Dev => props.push(Property::new(property::DEPENDENCY_KIND, "dev")),
    }
    let source = match &c.source {
        Source::CratesIo => "crates.io",
        Source::Registry { .. } => "registry",
        Source::Git { .. } => "git",
        Source::Path { .. } => "path",
    };
    props.push(Property::new(property::SOURCE, source));
    if let Source::Path { path } = &c.source {
        props.push(Property::new(property::PATH, path));
    }
    if c.workspace_member {
        props.push(Property::new(property::WORKSPACE_MEMBER, "true"));
    }
    out.properties = Some(Properties(props));
    out
}

/// The seam for `--with-vulnerabilities`: audit results as CycloneDX
/// `vulnerabilities` (none until the audit provides them).
fn vulnerabilities(list: &[Vulnerability]) -> Option<Vulnerabilities> {
    if list.is_empty() {
        return None;
    }
    let rustsec = || {
        VulnerabilitySource::new(
            Some("RustSec".to_string()),
            Url::try_from("https://rustsec.org/".to_string()).ok(),
        )
    };
    let out = list
        .iter()
        .map(|v| {
            let mut cdx = CdxVulnerability::new(None);
            cdx.id = Some(NormalizedString::new(&v.id));
            cdx.vulnerability_source = Some(rustsec());
            cdx.description = Some(v.title.clone());
            cdx.detail = v.description.clone();
            if !v.aliases.is_empty() {
                cdx.vulnerability_references = Some(VulnerabilityReferences(
                    v.aliases
                        .iter()
                        .map(|a| {
                            let source = if a.starts_with("GHSA-") {
                                "GitHub"
                            } else {
                                "NVD"
                            };
                            VulnerabilityReference::new(
                                a,
                                VulnerabilitySource::new(Some(source.to_string()), None),
                            )
                        })
                        .collect(),
                ));
            }
            if let Some(vector) = &v.cvss {
                let method = if vector.starts_with("CVSS:4") {
                    ScoreMethod::CVSSv4
                } else if vector.starts_with("CVSS:3.1") {
                    ScoreMethod::CVSSv31
                } else {
                    ScoreMethod::CVSSv3
                };
                let (score, severity) = match &v.score {
                    Some((score, severity)) => (
                        Score::from_f32(*score as f32),
                        Some(match severity.as_str() {
                            "critical" => Severity::Critical,
                            "high" => Severity::High,
                            "medium" => Severity::Medium,
                            "low" => Severity::Low,
                            "none" => Severity::None,
                            _ => Severity::Unknown,
                        }),
                    ),
                    None => (None, None),
                };
                let mut rating = VulnerabilityRating::new(score, severity, Some(method));
                rating.vector = Some(NormalizedString::new(vector));
                cdx.vulnerability_ratings = Some(VulnerabilityRatings(vec![rating]));
            }
            if !v.patched.is_empty() {
                cdx.recommendation = Some(format!("Upgrade to {}", v.patched.join(" or ")));
            }
            cdx.advisories = v
                .url
                .as_ref()
                .and_then(|u| Url::try_from(u.clone()).ok())
                .map(|u| {
                    cyclonedx_bom::models::advisory::Advisories(vec![
                        cyclonedx_bom::models::advisory::Advisory::new(u),
                    ])
                });
            cdx.vulnerability_targets = Some(VulnerabilityTargets(
                v.affects
                    .iter()
                    .map(|r| VulnerabilityTarget::new(r.clone()))
                    .collect(),
            ));
            cdx
        })
        .collect();
    Some(Vulnerabilities(out))
}
