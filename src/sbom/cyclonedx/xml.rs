//! CycloneDX XML: [`Bom`] as elements in the schema's sequence order,
//! indented with two spaces.

use super::{Advisory, Bom, Licence, Part, RUSTSEC};

/// The document as XML bytes, ending in a newline.
pub(super) fn render(bom: &Bom<'_>) -> Vec<u8> {
    let mut w = Writer::default();
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let namespace = format!("http://cyclonedx.org/schema/bom/{}", bom.spec.as_str());
    w.open(
        "bom",
        &[
            ("xmlns", namespace.as_str()),
            ("serialNumber", &bom.serial_number),
            ("version", "1"),
        ],
    );
    w.open("metadata", &[]);
    w.text("timestamp", bom.timestamp);
    w.open("tools", &[]);
    w.open("components", &[]);
    component(&mut w, &bom.tool);
    w.close("components");
    w.close("tools");
    component(&mut w, &bom.subject);
    properties(&mut w, &bom.properties);
    w.close("metadata");
    if bom.components.is_empty() {
        w.empty("components", &[]);
    } else {
        w.open("components", &[]);
        for part in &bom.components {
            component(&mut w, part);
        }
        w.close("components");
    }
    w.open("dependencies", &[]);
    for (reference, on) in &bom.dependencies {
        if on.is_empty() {
            w.empty("dependency", &[("ref", reference)]);
        } else {
            w.open("dependency", &[("ref", reference)]);
            for to in on {
                w.empty("dependency", &[("ref", to)]);
            }
            w.close("dependency");
        }
    }
    w.close("dependencies");
    if !bom.vulnerabilities.is_empty() {
        w.open("vulnerabilities", &[]);
        for v in &bom.vulnerabilities {
            vulnerability(&mut w, v);
        }
        w.close("vulnerabilities");
    }
    w.close("bom");
    w.out.into_bytes()
}

fn component(w: &mut Writer, part: &Part<'_>) {
    let mut attrs = vec![("type", part.kind)];
    if let Some(r) = part.bom_ref {
        attrs.push(("bom-ref", r));
    }
    w.open("component", &attrs);
    w.text_opt("author", part.author.as_deref());
    w.text("name", part.name);
    w.text("version", part.version);
    w.text_opt("description", part.description.as_deref());
    w.text_opt("scope", part.scope);
    if let Some(sha256) = part.sha256 {
        w.open("hashes", &[]);
        w.text_with("hash", &[("alg", "SHA-256")], sha256);
        w.close("hashes");
    }
    if let Some(licence) = &part.license {
        w.open("licenses", &[]);
        match licence {
            Licence::Expression(e) => w.text("expression", e),
            Licence::Named(n) => {
                w.open("license", &[]);
                w.text("name", n);
                w.close("license");
            }
        }
        w.close("licenses");
    }
    w.text_opt("purl", part.purl.as_deref());
    if !part.references.is_empty() {
        w.open("externalReferences", &[]);
        for (kind, url) in &part.references {
            w.open("reference", &[("type", kind)]);
            w.text("url", url);
            w.close("reference");
        }
        w.close("externalReferences");
    }
    properties(w, &part.properties);
    w.close("component");
}

fn properties(w: &mut Writer, list: &[(&'static str, &str)]) {
    if list.is_empty() {
        return;
    }
    w.open("properties", &[]);
    for (name, value) in list {
        w.text_with("property", &[("name", name)], value);
    }
    w.close("properties");
}

fn vulnerability(w: &mut Writer, v: &Advisory<'_>) {
    w.open("vulnerability", &[]);
    w.text("id", &v.id);
    w.open("source", &[]);
    w.text("name", RUSTSEC.0);
    w.text("url", RUSTSEC.1);
    w.close("source");
    if !v.references.is_empty() {
        w.open("references", &[]);
        for (id, source) in &v.references {
            w.open("reference", &[]);
            w.text("id", id);
            w.open("source", &[]);
            w.text("name", source);
            w.close("source");
            w.close("reference");
        }
        w.close("references");
    }
    if let Some(r) = &v.rating {
        w.open("ratings", &[]);
        w.open("rating", &[]);
        if let Some(score) = r.score {
            w.text("score", &score.to_string());
        }
        w.text_opt("severity", r.severity);
        w.text("method", r.method);
        w.text("vector", &r.vector);
        w.close("rating");
        w.close("ratings");
    }
    w.text("description", v.description);
    w.text_opt("detail", v.detail);
    w.text_opt("recommendation", v.recommendation.as_deref());
    if let Some(url) = &v.url {
        w.open("advisories", &[]);
        w.open("advisory", &[]);
        w.text("url", url);
        w.close("advisory");
        w.close("advisories");
    }
    w.open("affects", &[]);
    for reference in &v.affects {
        w.open("target", &[]);
        w.text("ref", reference);
        w.close("target");
    }
    w.close("affects");
    w.close("vulnerability");
}

/// An indenting XML writer for element-only content with text leaves.
#[derive(Default)]
struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape(&mut self.out, value, true);
            self.out.push('"');
        }
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str(" />\n");
    }

    fn text_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start_tag(name, attrs);
        self.out.push('>');
        escape(&mut self.out, text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn text(&mut self, name: &str, text: &str) {
        self.text_with(name, &[], text);
    }

    fn text_opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.text(name, text);
        }
    }
}

/// Appends `text` escaped for XML 1.0 character data (or an attribute
/// value). Characters XML 1.0 cannot carry at all — C0 controls other than
/// tab and line breaks, U+FFFE, U+FFFF — become U+FFFD: a package
/// description with an escape sequence must not make the document
/// unparsable.
fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#xA;"),
            '\r' if attribute => out.push_str("&#xD;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_carry() {
        let mut out = String::new();
        escape(&mut out, "a<b>&\"'\u{1b}[2J\n", false);
        assert_eq!(out, "a&lt;b&gt;&amp;\"'\u{FFFD}[2J\n");
        out.clear();
        escape(&mut out, "\"'\n\u{0}", true);
        assert_eq!(out, "&quot;&apos;&#xA;\u{FFFD}");
    }
}
