//! `use` trees: which crates a `use` declaration names at its root and
//! which names it brings into scope.

use super::lexer::Kind;

/// A token of a `use` declaration: kind, text, line.
pub type UseTok<'a> = (Kind, &'a str, u32);

/// What one `use` declaration says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UseDecl<'a> {
    /// First segments of root paths (`use a::b` → `a`), with their lines:
    /// crates, unless they are local names, `crate`, `self` or `super`.
    pub roots: Vec<(&'a str, u32)>,
    /// Names brought into scope, with the full path each stands for
    /// (`use a::b::{c, d as e}` → `c` = `a::b::c`, `e` = `a::b::d`).
    pub imports: Vec<(&'a str, String)>,
    /// Paths imported with a glob (`use a::prelude::*` → `a::prelude`):
    /// they bring names no one can list without the crate's source.
    pub globs: Vec<String>,
}

/// Nesting deeper than this is not real code; stop descending.
const MAX_DEPTH: u32 = 32;

/// Parses the tokens between `use` and `;`.
pub fn parse<'a>(toks: &[UseTok<'a>]) -> UseDecl<'a> {
    let mut out = UseDecl::default();
    let mut i = 0;
    let mut prefix = Vec::new();
    tree(toks, &mut i, &mut prefix, 0, &mut out);
    out
}

fn is(toks: &[UseTok<'_>], i: usize, kind: Kind) -> bool {
    toks.get(i).is_some_and(|t| t.0 == kind)
}

fn tree<'a>(
    toks: &[UseTok<'a>],
    i: &mut usize,
    prefix: &mut Vec<&'a str>,
    depth: u32,
    out: &mut UseDecl<'a>,
) {
    if depth > MAX_DEPTH {
        *i = toks.len();
        return;
    }
    let at_root = prefix.is_empty();
    if is(toks, *i, Kind::PathSep) {
        *i += 1;
    }
    if is(toks, *i, Kind::Punct(b'{')) {
        group(toks, i, prefix, depth, out);
        return;
    }
    if is(toks, *i, Kind::Punct(b'*')) {
        *i += 1;
        out.globs.push(prefix.join("::"));
        return;
    }
    let base = prefix.len();
    let mut first = true;
    while let Some(&(Kind::Ident, text, line)) = toks.get(*i) {
        if text == "as" && !first {
            break;
        }
        if first && at_root {
            out.roots.push((text, line));
        }
        first = false;
        prefix.push(text);
        *i += 1;
        if !is(toks, *i, Kind::PathSep) {
            break;
        }
        *i += 1;
        if is(toks, *i, Kind::Punct(b'{')) {
            group(toks, i, prefix, depth, out);
            prefix.truncate(base);
            return;
        }
        if is(toks, *i, Kind::Punct(b'*')) {
            *i += 1;
            out.globs.push(prefix.join("::"));
            prefix.truncate(base);
            return;
        }
    }
    let full = prefix.join("::");
    match toks.get(*i) {
        Some(&(Kind::Ident, "as", _)) => {
            *i += 1;
            if let Some(&(Kind::Ident, alias, _)) = toks.get(*i) {
                *i += 1;
                if alias != "_" {
                    out.imports.push((alias, full));
                }
            }
        }
        _ => {
            let name = match prefix.last() {
                Some(&"self") if prefix.len() >= 2 => Some(prefix[prefix.len() - 2]),
                Some(&"self") => None,
                other => other.copied(),
            };
            if prefix.len() > base
                && let Some(name) = name
            {
                let full = full.trim_end_matches("::self").to_string();
                out.imports.push((name, full));
            }
        }
    }
    prefix.truncate(base);
}

fn group<'a>(
    toks: &[UseTok<'a>],
    i: &mut usize,
    prefix: &mut Vec<&'a str>,
    depth: u32,
    out: &mut UseDecl<'a>,
) {
    *i += 1;
    while *i < toks.len() {
        if is(toks, *i, Kind::Punct(b'}')) {
            *i += 1;
            return;
        }
        let before = *i;
        tree(toks, i, prefix, depth + 1, out);
        if is(toks, *i, Kind::Punct(b',')) {
            *i += 1;
        }
        if *i == before {
            *i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::lexer::Lexer;

    fn decl(src: &str) -> (Vec<&str>, Vec<(&str, String)>) {
        let toks: Vec<UseTok<'_>> = Lexer::new(src)
            .map(|t| (t.kind, &src[t.start..t.end], t.line))
            .collect();
        let d = parse(&toks);
        (d.roots.iter().map(|r| r.0).collect(), d.imports)
    }

    #[test]
    fn simple_and_nested_trees() {
        assert_eq!(
            decl("std::io"),
            (vec!["std"], vec![("io", "std::io".to_string())])
        );
        let (roots, imports) = decl("reqwest::{Client, blocking::{self, get as fetch}, *}");
        assert_eq!(roots, vec!["reqwest"]);
        assert_eq!(
            imports,
            vec![
                ("Client", "reqwest::Client".to_string()),
                ("blocking", "reqwest::blocking".to_string()),
                ("fetch", "reqwest::blocking::get".to_string()),
            ]
        );
        assert_eq!(decl("{a::x, ::b::y}").0, vec!["a", "b"]);
        assert_eq!(
            decl("serde_json;").1,
            vec![("serde_json", "serde_json".into())]
        );
        assert_eq!(decl("foo as _").1, vec![]);
        assert_eq!(decl("x as y").1, vec![("y", "x".into())]);
    }

    #[test]
    fn garbage_does_not_loop_or_panic() {
        for src in [
            "{{{{",
            "::::",
            "a::{",
            "a as",
            "}}}",
            "{,,}",
            "a::{b as}",
            "",
        ] {
            let _ = decl(src);
        }
    }
}
