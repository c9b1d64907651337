//! RFC 3986 URI references: CycloneDX's `iri-reference` URLs. A package's
//! `repository` or `homepage` is whatever its author typed (`none`, a URL
//! with a space); a value that is not a URI reference is left out of
//! `externalReferences` rather than make the document invalid.

/// Whether `s` is a URI reference (RFC 3986 §4.1): only characters the
/// grammar allows, valid percent-escapes, at most one `#`, a well-formed
/// scheme when there is one, and brackets only around an IP-literal host.
pub(super) fn is_reference(s: &str) -> bool {
    if s.is_empty() || !s.bytes().all(allowed) || !percent_escapes_valid(s) {
        return false;
    }
    let (before_fragment, fragment) = match s.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (s, None),
    };
    if fragment.is_some_and(|f| f.contains(['#', '[', ']'])) {
        return false;
    }
    // The scheme ends at the first ':' that comes before any '/', '?'.
    let first_end = before_fragment
        .find(['/', '?'])
        .unwrap_or(before_fragment.len());
    let rest = match before_fragment[..first_end].find(':') {
        Some(colon) => {
            if !is_scheme(&before_fragment[..colon]) {
                return false;
            }
            &before_fragment[colon + 1..]
        }
        None => before_fragment,
    };
    let (authority, path_and_query) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?']).unwrap_or(after.len());
            (&after[..end], &after[end..])
        }
        None => ("", rest),
    };
    if path_and_query.contains(['[', ']']) {
        return false;
    }
    authority_valid(authority)
}

/// The characters RFC 3986 allows anywhere in a URI reference (unreserved,
/// reserved, and `%` of a percent-escape).
fn allowed(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

fn percent_escapes_valid(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

/// `[ userinfo "@" ] host [ ":" port ]`, brackets only as an IP-literal.
fn authority_valid(authority: &str) -> bool {
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => {
            if userinfo.contains(['@', '[', ']']) {
                return false;
            }
            host_port
        }
        None => authority,
    };
    let port = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, after)) = literal.split_once(']') else {
            return false;
        };
        if inside.is_empty() || inside.contains('[') {
            return false;
        }
        match after.strip_prefix(':') {
            Some(port) => port,
            None if after.is_empty() => "",
            None => return false,
        }
    } else {
        if host_port.contains(['[', ']']) {
            return false;
        }
        host_port.rsplit_once(':').map_or("", |(_, port)| port)
    };
    port.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::is_reference;

    #[test]
    fn uri_references() {
        for ok in [
            "https://github.com/rust-lang/log",
            "https://crates.io/api/v1/crates/a/1.0.0/download",
            "http://[::1]:8080/x?y=1#z",
            "git+ssh://git@example.org/a.git",
            "github.com/user/repo",
            "./docs",
            "https://example.org/a%20b",
        ] {
            assert!(is_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "https://example.org/a b",
            "none yet",
            "https://example.org/%zz",
            "1http://x",
            "https://example.org/#a#b",
            "https://ex[ample.org/",
            "https://example.org:80x/",
            "https://example.org/\u{e9}",
            "<https://example.org>",
        ] {
            assert!(!is_reference(bad), "{bad}");
        }
    }
}
