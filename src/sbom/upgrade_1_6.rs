//! CycloneDX 1.6 from the library's 1.5 output.
//!
//! `cyclonedx-bom` 0.8 writes 1.3–1.5 only (its 1.6 support is unmerged
//! upstream: CycloneDX/cyclonedx-rust-cargo#769). 1.6 is additive over 1.5,
//! and everything we emit is unchanged between the two — `metadata.tools`
//! is already the `{components: [...]}` object 1.6 expects — so the upgrade
//! is the version marker (`specVersion`, `$schema`, the XML namespace).
//! The conformance tests validate the result against the official 1.6
//! schema. Delete this module the day the library writes 1.6 itself.

/// `$schema` of a CycloneDX JSON version.
fn schema_url(version: &str) -> String {
    format!("http://cyclonedx.org/schema/bom-{version}.schema.json")
}

/// Adds `$schema` (for 1.5 output left at 1.5).
pub fn with_schema_1_5(json: &str) -> String {
    with_schema(json, "1.5")
}

fn with_schema(json: &str, version: &str) -> String {
    let mut out = match json.strip_prefix("{\n") {
        Some(rest) => format!("{{\n  \"$schema\": \"{}\",\n{rest}", schema_url(version)),
        None => json.to_string(),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Upgrades pretty-printed 1.5 JSON to 1.6.
///
/// The top-level `specVersion` is found by its indentation (two spaces, a
/// line of its own — nested strings cannot contain a raw newline), so a
/// description that happens to contain the same text is never touched.
pub fn json(v1_5: &str) -> Result<String, String> {
    const FROM: &str = "\n  \"specVersion\": \"1.5\",\n";
    const TO: &str = "\n  \"specVersion\": \"1.6\",\n";
    if v1_5.matches(FROM).count() != 1 {
        return Err("unexpected CycloneDX 1.5 output: no top-level specVersion".into());
    }
    // Legacy `tools` (an array) is deprecated in 1.5 and must not reach 1.6.
    if v1_5.contains("\n    \"tools\": [") {
        return Err("unexpected CycloneDX 1.5 output: legacy metadata.tools array".into());
    }
    Ok(with_schema(&v1_5.replacen(FROM, TO, 1), "1.6"))
}

/// Upgrades 1.5 XML to 1.6: the document namespace of the root element.
pub fn xml(v1_5: &str) -> Result<String, String> {
    const FROM: &str = "xmlns=\"http://cyclonedx.org/schema/bom/1.5\"";
    const TO: &str = "xmlns=\"http://cyclonedx.org/schema/bom/1.6\"";
    let root = v1_5
        .find("<bom ")
        .ok_or("unexpected CycloneDX 1.5 XML: no <bom> element")?;
    let end = v1_5[root..]
        .find('>')
        .map(|e| root + e)
        .ok_or("unexpected CycloneDX 1.5 XML: unterminated <bom>")?;
    if !v1_5[root..end].contains(FROM) {
        return Err("unexpected CycloneDX 1.5 XML: no 1.5 namespace".into());
    }
    Ok(format!(
        "{}{}{}",
        &v1_5[..root],
        v1_5[root..end].replacen(FROM, TO, 1),
        &v1_5[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_only_touches_the_top_level() {
        let doc = "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\",\n  \"components\": [\n    {\n      \"description\": \"\\n  \\\"specVersion\\\": \\\"1.5\\\",\\n\"\n    }\n  ]\n}";
        let up = json(doc).unwrap_or_default();
        assert!(up.starts_with("{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-1.6.schema.json\",\n  \"bomFormat\""));
        assert!(up.contains("\n  \"specVersion\": \"1.6\",\n"));
        assert!(up.contains("\\\"specVersion\\\": \\\"1.5\\\""));
        assert!(json("{}").is_err());
    }

    #[test]
    fn xml_namespace() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\" version=\"1\">\n</bom>";
        let up = xml(doc).unwrap_or_default();
        assert!(up.contains("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\" version=\"1\">"));
        assert!(xml("<x/>").is_err());
    }
}
