//! SPDX 2.3 JSON, written with serde.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Component, License, Sbom, SbomError, Source};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    spdx_version: &'static str,
    data_license: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    document_describes: Vec<String>,
    packages: Vec<Package<'a>>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: &'a str,
    version_info: &'a str,
    download_location: String,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_comments: Option<String>,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    homepage: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    originator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_package_purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum>,
    external_refs: Vec<ExternalRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: &'static str,
    checksum_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

/// SPDX 2.3 JSON of `sbom`.
pub fn render(sbom: &Sbom, uuid: uuid::Uuid, timestamp: &str) -> Result<Vec<u8>, SbomError> {
    // SPDX ids: letters, digits, `.` and `-` only; unique.
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for c in sbom.all_components() {
        let base = format!(
            "SPDXRef-Package-{}-{}",
            sanitize(&c.name),
            sanitize(&c.version)
        );
        let n = taken.entry(base.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 { base } else { format!("{base}-{n}") };
        ids.insert(&c.bom_ref, id);
    }
    let id_of = |r: &str| ids.get(r).cloned().unwrap_or_default();
    let root_id = id_of(&sbom.root.bom_ref);

    let packages = sbom
        .all_components()
        .map(|c| package(c, id_of(&c.bom_ref), c.bom_ref == sbom.root.bom_ref))
        .collect();
    let mut relationships = vec![Relationship {
        spdx_element_id: "SPDXRef-DOCUMENT".into(),
        relationship_type: "DESCRIBES",
        related_spdx_element: root_id.clone(),
    }];
    for d in &sbom.dependencies {
        for e in &d.depends_on {
            let (from, to) = (id_of(&d.bom_ref), id_of(&e.bom_ref));
            if e.kinds.normal {
                relationships.push(Relationship {
                    spdx_element_id: from.clone(),
                    relationship_type: "DEPENDS_ON",
                    related_spdx_element: to.clone(),
                });
            }
            if e.kinds.build {
                relationships.push(Relationship {
                    spdx_element_id: to.clone(),
                    relationship_type: "BUILD_DEPENDENCY_OF",
                    related_spdx_element: from.clone(),
                });
            }
            if e.kinds.dev {
                relationships.push(Relationship {
                    spdx_element_id: to,
                    relationship_type: "DEV_DEPENDENCY_OF",
                    related_spdx_element: from,
                });
            }
        }
    }
    let doc = Document {
        spdx_id: "SPDXRef-DOCUMENT",
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        name: format!("{}-{}", sbom.root.name, sbom.root.version),
        document_namespace: format!(
            "https://spdx.org/spdxdocs/cargo-readiness/{}-{}-{uuid}",
            sbom.root.name, sbom.root.version
        ),
        creation_info: CreationInfo {
            created: timestamp.to_string(),
            creators: vec![format!(
                "Tool: cargo-readiness-{}",
                env!("CARGO_PKG_VERSION")
            )],
        },
        document_describes: vec![root_id],
        packages,
        relationships,
    };
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

fn package(c: &Component, spdx_id: String, is_root: bool) -> Package<'_> {
    let download_location = match &c.source {
        Source::Git {
            url,
            commit: Some(commit),
        } => format!("git+{url}@{commit}"),
        Source::Git { url, commit: None } => format!("git+{url}"),
        _ => c
            .download_url()
            .unwrap_or_else(|| "NOASSERTION".to_string()),
    };
    let (license_declared, license_comments) = match &c.license {
        License::Expression(e) => (e.clone(), None),
        License::Named(n) => (
            "NOASSERTION".to_string(),
            Some(format!("declared license (not an SPDX expression): {n}")),
        ),
        License::File(f) => (
            "NOASSERTION".to_string(),
            Some(format!("license given as a file in the package: {f}")),
        ),
        License::None => ("NOASSERTION".to_string(), None),
    };
    let mut external_refs = vec![ExternalRef {
        reference_category: "PACKAGE-MANAGER",
        reference_type: "purl",
        reference_locator: c.purl.clone(),
    }];
    external_refs.sort_by(|a, b| a.reference_locator.cmp(&b.reference_locator));
    Package {
        spdx_id,
        name: &c.name,
        version_info: &c.version,
        download_location,
        files_analyzed: false,
        // Concluding a license needs analysis this tool does not do.
        license_concluded: "NOASSERTION",
        license_declared,
        license_comments,
        copyright_text: "NOASSERTION",
        description: c.description.as_deref(),
        homepage: c.homepage.as_deref().filter(|h| h.starts_with("http")),
        originator: c.authors.first().map(|a| originator(a)),
        primary_package_purpose: Some(if is_root && c.has_bin {
            "APPLICATION"
        } else {
            "LIBRARY"
        }),
        checksums: c
            .sha256
            .iter()
            .map(|h| Checksum {
                algorithm: "SHA256",
                checksum_value: h.clone(),
            })
            .collect(),
        external_refs,
    }
}

/// `Name <email>` as SPDX's `Person: Name (email)`.
fn originator(author: &str) -> String {
    match author.split_once('<') {
        Some((name, rest)) => {
            let email = rest.trim_end().trim_end_matches('>');
            format!("Person: {} ({})", name.trim(), email.trim())
        }
        None => format!("Person: {}", author.trim()),
    }
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn originators() {
        assert_eq!(
            originator("Jane Doe <jane@example.com>"),
            "Person: Jane Doe (jane@example.com)"
        );
        assert_eq!(originator("The Team"), "Person: The Team");
    }

    #[test]
    fn ids_are_sanitized() {
        assert_eq!(sanitize("serde_json"), "serde-json");
        assert_eq!(sanitize("1.0.0+build"), "1.0.0-build");
    }
}
