//! CycloneDX JSON: [`Bom`] through serde, fields in the specification's
//! order, pretty-printed with two spaces.

use serde::Serialize;

use super::{Advisory, Bom, Licence, Part, RUSTSEC};
use crate::sbom::SbomError;

/// The document as JSON bytes, ending in a newline.
pub(super) fn render(bom: &Bom<'_>) -> Result<Vec<u8>, SbomError> {
    let version = bom.spec.as_str();
    let doc = Document {
        schema: format!("http://cyclonedx.org/schema/bom-{version}.schema.json"),
        bom_format: "CycloneDX",
        spec_version: version,
        version: 1,
        serial_number: &bom.serial_number,
        metadata: Metadata {
            timestamp: bom.timestamp,
            tools: Tools {
                components: vec![component(&bom.tool)],
            },
            component: component(&bom.subject),
            properties: properties(&bom.properties),
        },
        components: bom.components.iter().map(component).collect(),
        dependencies: bom
            .dependencies
            .iter()
            .map(|(r, on)| Dependency {
                reference: r,
                depends_on: on.clone(),
            })
            .collect(),
        vulnerabilities: bom.vulnerabilities.iter().map(vulnerability).collect(),
    };
    let mut out =
        serde_json::to_vec_pretty(&doc).map_err(|e| SbomError::CycloneDx(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    bom_format: &'static str,
    spec_version: &'static str,
    version: u32,
    serial_number: &'a str,
    metadata: Metadata<'a>,
    components: Vec<Component<'a>>,
    dependencies: Vec<Dependency<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<Vulnerability<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: &'a str,
    tools: Tools<'a>,
    component: Component<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
}

/// 1.5's object form of `tools` (the array form is deprecated).
#[derive(Serialize)]
struct Tools<'a> {
    components: Vec<Component<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Component<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<Reference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
}

#[derive(Serialize)]
struct Hash<'a> {
    alg: &'static str,
    content: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum LicenseChoice<'a> {
    Expression(&'a str),
    License { name: &'a str },
}

/// `{"expression": …}` / `{"license": {"name": …}}`: serde's externally
/// tagged enum is exactly CycloneDX's license choice.
impl<'a> From<&'a Licence> for LicenseChoice<'a> {
    fn from(licence: &'a Licence) -> Self {
        match licence {
            Licence::Expression(e) => LicenseChoice::Expression(e),
            Licence::Named(n) => LicenseChoice::License { name: n },
        }
    }
}

#[derive(Serialize)]
struct Reference<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Property<'a> {
    name: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<&'a str>,
}

#[derive(Serialize)]
struct Vulnerability<'a> {
    id: &'a str,
    source: Source<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<AliasReference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating<'a>>,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Url<'a>>,
    affects: Vec<Target<'a>>,
}

#[derive(Serialize)]
struct Source<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct AliasReference<'a> {
    id: &'a str,
    source: Source<'a>,
}

#[derive(Serialize)]
struct Rating<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    method: &'static str,
    vector: &'a str,
}

#[derive(Serialize)]
struct Url<'a> {
    url: &'a str,
}

#[derive(Serialize)]
struct Target<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
}

fn component<'a>(part: &'a Part<'_>) -> Component<'a> {
    Component {
        kind: part.kind,
        bom_ref: part.bom_ref,
        author: part.author.as_deref(),
        name: part.name,
        version: part.version,
        description: part.description.as_deref(),
        scope: part.scope,
        hashes: part
            .sha256
            .iter()
            .map(|content| Hash {
                alg: "SHA-256",
                content,
            })
            .collect(),
        licenses: part.license.iter().map(LicenseChoice::from).collect(),
        purl: part.purl.as_deref(),
        external_references: part
            .references
            .iter()
            .map(|(kind, url)| Reference { kind, url })
            .collect(),
        properties: properties(&part.properties),
    }
}

fn properties<'a>(list: &'a [(&'static str, &str)]) -> Vec<Property<'a>> {
    list.iter()
        .map(|(name, value)| Property { name, value })
        .collect()
}

fn vulnerability<'a>(v: &'a Advisory<'_>) -> Vulnerability<'a> {
    Vulnerability {
        id: &v.id,
        source: Source {
            name: RUSTSEC.0,
            url: Some(RUSTSEC.1),
        },
        references: v
            .references
            .iter()
            .map(|(id, source)| AliasReference {
                id,
                source: Source {
                    name: source,
                    url: None,
                },
            })
            .collect(),
        ratings: v
            .rating
            .iter()
            .map(|r| Rating {
                score: r.score,
                severity: r.severity,
                method: r.method,
                vector: &r.vector,
            })
            .collect(),
        description: v.description,
        detail: v.detail,
        recommendation: v.recommendation.as_deref(),
        advisories: v.url.iter().map(|url| Url { url }).collect(),
        affects: v
            .affects
            .iter()
            .map(|reference| Target { reference })
            .collect(),
    }
}
