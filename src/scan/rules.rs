//! What names, attributes and doc blocks mean to the analyzer: pure
//! predicates over a token's text, kept apart from the state machine.

use super::lexer::{self, Kind};

/// Whether `word` is one the source checks look for ([`TLS_WORDS`],
/// [`UNSAFE_WORDS`], [`UNFINISHED_WORDS`], [`HTTP_CLIENT_WORDS`]): searched
/// for in shipped files too large to scan (see
/// `facts::sources::stream_words`); a check passes on such a file only when
/// none of its words appears in it.
pub fn is_watched(word: &str) -> bool {
    [TLS_WORDS, UNSAFE_WORDS, UNFINISHED_WORDS, HTTP_CLIENT_WORDS]
        .iter()
        .any(|words| words.contains(&word))
}

/// The words of `tls-verification`.
pub const TLS_WORDS: &[&str] = &[
    "danger_accept_invalid_certs",
    "danger_accept_invalid_hostnames",
    "dangerous_accept_invalid_certs",
    "dangerous_accept_invalid_hostnames",
    "disable_verification",
    "ssl_verify_peer",
    "ssl_verify_host",
    "set_verify_hostname",
    "verify_hostname",
    "SslVerifyMode",
    "DANGER_ACCEPT_INVALID_CERTS",
    "DANGER_ACCEPT_INVALID_HOSTS",
    "verify_server_cert",
    "verify_client_cert",
    "set_certificate_verifier",
    "with_custom_certificate_verifier",
];
/// The words of `unsafe-hygiene`.
pub const UNSAFE_WORDS: &[&str] = &["unsafe"];
/// The words of `unfinished-code`.
pub const UNFINISHED_WORDS: &[&str] = &["todo", "unimplemented", "dbg", "panic"];
/// The words of `network-timeouts`.
pub const HTTP_CLIENT_WORDS: &[&str] = &[
    "Client",
    "ClientBuilder",
    "reqwest",
    "ureq",
    "Agent",
    "AgentBuilder",
];

/// Names that are never crates a manifest must declare.
pub(super) fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "std"
            | "core"
            | "alloc"
            | "proc_macro"
            | "test"
            | "crate"
            | "self"
            | "super"
            | "Self"
            // Primitive types: `u8::MAX`, `str::from_utf8`.
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f16"
            | "f32"
            | "f64"
            | "f128"
            | "bool"
            | "char"
            | "str"
            // Tool attribute namespaces: `#[rustfmt::skip]`, `clippy::…`.
            | "rustfmt"
            | "clippy"
            | "rustdoc"
            | "rust_analyzer"
            | "diagnostic"
            | "miri"
    ) || name.starts_with(|c: char| c.is_ascii_uppercase())
}

/// Keywords that may stand before a leading `::` (`impl ::std::fmt::Debug`).
pub(super) fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "yield"
    )
}

/// Attribute names (last path segment) that make a function a test.
pub(super) fn is_test_attr(last: &str) -> bool {
    matches!(
        last,
        "test" | "rstest" | "test_case" | "wasm_bindgen_test" | "quickcheck" | "proptest"
    )
}

/// Whether a `verify_*_cert` body is just `Ok(…Verified::assertion())`.
pub(super) fn accepts_everything(toks: &[&str]) -> bool {
    let toks: Vec<&str> = toks
        .iter()
        .copied()
        .filter(|t| *t != "return" && *t != ";")
        .collect();
    let joined: String = toks.concat();
    joined.starts_with("Ok(")
        && (joined.ends_with("ServerCertVerified::assertion())")
            || joined.ends_with("ClientCertVerified::assertion())"))
        && joined.matches('(').count() == 2
}

/// Whether a `cfg(…)` predicate (the tokens after `cfg`) holds only under
/// `cfg(test)`: `test`, `all(test, …)`, `any(test, all(test, x))`.
pub(super) fn cfg_requires_test(toks: &[(Kind, &str)]) -> bool {
    if toks.first().map(|t| t.0) != Some(Kind::Punct(b'(')) {
        return false;
    }
    let mut i = 1;
    predicate(toks, &mut i, 0)
}

fn predicate(toks: &[(Kind, &str)], i: &mut usize, depth: u32) -> bool {
    let Some(&(kind, text)) = toks.get(*i) else {
        return false;
    };
    *i += 1;
    if kind != Kind::Ident {
        return false;
    }
    let is_list = toks.get(*i).map(|t| t.0) == Some(Kind::Punct(b'('));
    if !is_list {
        if toks.get(*i).map(|t| t.0) == Some(Kind::Punct(b'=')) {
            let value = toks.get(*i + 1).map_or("", |t| lexer::str_content(t.1));
            *i += 2;
            // Features that exist to support tests (tauri's `test`, tokio's
            // `test-util`): code behind them is for users' test suites.
            return text == "feature" && is_test_feature(value);
        }
        // Test-only, documentation-only and debug-build-only code do not
        // ship: release builds leave `cfg(debug_assertions)` out.
        return matches!(text, "test" | "doc" | "docsrs" | "debug_assertions");
    }
    *i += 1;
    let mut values = Vec::new();
    while *i < toks.len() && toks[*i].0 != Kind::Punct(b')') {
        let before = *i;
        if depth < 16 {
            values.push(predicate(toks, i, depth + 1));
        } else {
            *i += 1;
        }
        if toks.get(*i).map(|t| t.0) == Some(Kind::Punct(b',')) {
            *i += 1;
        }
        if *i == before {
            *i += 1;
        }
    }
    *i += 1;
    match text {
        "all" => values.iter().any(|v| *v),
        "any" => !values.is_empty() && values.iter().all(|v| *v),
        _ => false,
    }
}

/// Feature names that switch on test support.
fn is_test_feature(name: &str) -> bool {
    matches!(
        name,
        "test"
            | "tests"
            | "testing"
            | "test-util"
            | "test-utils"
            | "test_utils"
            | "test-support"
            | "test-helpers"
            | "mock"
            | "mocks"
            | "mocking"
    )
}

/// Whether a doc code block with this info string is a doctest that runs
/// (rustdoc's rules: no language or Rust attributes only; not `ignore`,
/// `no_run` or `compile_fail`).
pub(super) fn runnable_doctest(info: &str) -> bool {
    let (mut rust, mut other, mut skipped) = (false, false, false);
    for tok in info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        match tok {
            "rust" | "should_panic" | "test_harness" | "standalone_crate" => rust = true,
            "ignore" | "no_run" | "compile_fail" => {
                rust = true;
                skipped = true;
            }
            t if t.starts_with("ignore-")
                || t.starts_with("edition")
                || t.starts_with('{')
                || t.starts_with('.')
                || (t.len() == 5
                    && t.starts_with('E')
                    && t[1..].bytes().all(|b| b.is_ascii_digit())) =>
            {
                rust = true
            }
            _ => other = true,
        }
    }
    (rust || !other) && !skipped
}

/// The lines of a doc comment's text without the comment markers
/// (`///`, `//!`, `/**`, `*/`, leading `*`), trimmed.
pub(super) fn doc_lines(text: &str) -> impl Iterator<Item = &str> {
    let is_block = text.starts_with("/*");
    let body = if is_block {
        text.get(3..text.len().saturating_sub(2)).unwrap_or("")
    } else {
        text.get(3..).unwrap_or("")
    };
    body.lines().map(move |line| {
        let line = if is_block {
            line.trim_start().trim_start_matches('*')
        } else {
            line
        };
        line.trim()
    })
}

/// A doc line that is a `# Safety` heading.
pub(super) fn is_safety_heading(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('#') else {
        return false;
    };
    let rest = rest.trim_start_matches('#').trim();
    rest.len() >= 6 && rest[..6].eq_ignore_ascii_case("safety") && rest[6..].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::lexer::Lexer;

    fn cfg(src: &str) -> bool {
        let toks: Vec<(Kind, &str)> = Lexer::new(src)
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect();
        cfg_requires_test(&toks)
    }

    #[test]
    fn cfg_predicates() {
        assert!(cfg("(test)"));
        assert!(cfg("(all(test, feature = \"x\"))"));
        assert!(cfg("(any(test, doc))"));
        assert!(cfg("(any(test, feature = \"test-util\"))"));
        assert!(cfg("(docsrs)"));
        assert!(!cfg("(any(test, unix))"));
        assert!(!cfg("(not(test))"));
        assert!(!cfg("(feature = \"std\")"));
        assert!(!cfg("(unix)"));
        assert!(!cfg(""));
        assert!(!cfg("(all("));
    }

    #[test]
    fn doctest_info_strings() {
        for info in [
            "",
            "rust",
            "should_panic",
            "edition2021",
            "rust,ignore-wasm32",
            "{.class}",
        ] {
            assert!(runnable_doctest(info), "{info:?}");
        }
        for info in [
            "ignore",
            "no_run",
            "compile_fail",
            "text",
            "toml",
            "sh",
            "rust,no_run",
        ] {
            assert!(!runnable_doctest(info), "{info:?}");
        }
    }

    #[test]
    fn safety_headings() {
        assert!(is_safety_heading("# Safety"));
        assert!(is_safety_heading("## SAFETY"));
        assert!(!is_safety_heading("# Safety notes"));
        assert!(!is_safety_heading("Safety"));
    }
}
