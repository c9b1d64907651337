//! gitignore-style path patterns, as used by Cargo's `include`/`exclude`
//! and by CODEOWNERS.
//!
//! A pattern is compiled to a regular expression over `/`-separated paths
//! relative to a base directory:
//!
//! - a pattern with a `/` at its start or in its middle is anchored at the
//!   base; otherwise it matches a name at any depth;
//! - `*` and `?` never cross `/`; `**/`, `/**/` and a trailing `/**` span
//!   directories; other `**` act like `*`;
//! - a trailing `/` matches directories only (so only paths below them);
//! - a pattern that names a directory matches everything below it, unless
//!   [`Dialect::Codeowners`] and the pattern ends in `/*` (GitHub: `docs/*`
//!   owns `docs/a.md`, not `docs/sub/b.md`);
//! - `\x` is the literal `x`; `[...]` is a character class (gitignore only).

use regex::Regex;

/// Which flavour of the syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `.gitignore`, Cargo `include`/`exclude`.
    Gitignore,
    /// GitHub/GitLab CODEOWNERS: no character classes, `dir/*` is not recursive.
    Codeowners,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written (negation and escapes included).
    pub text: String,
    /// `!pattern`: re-includes what earlier patterns matched.
    pub negated: bool,
    regex: Regex,
}

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// What is wrong, for a finding's message.
    pub reason: String,
}

/// Longest pattern compiled; longer ones are reported rather than risk a
/// regex blow-up.
const MAX_PATTERN_LEN: usize = 4096;

impl Pattern {
    /// Compiles `text` in `dialect`.
    pub fn new(text: &str, dialect: Dialect) -> Result<Pattern, PatternError> {
        let err = |reason: &str| PatternError {
            reason: reason.to_string(),
        };
        if text.len() > MAX_PATTERN_LEN {
            return Err(err("pattern is too long"));
        }
        let (negated, body) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if body.is_empty() || body == "/" {
            return Err(err("empty pattern"));
        }
        let dir_only = body.ends_with('/') && !body.ends_with("\\/");
        let body = body.trim_end_matches('/');
        if body.is_empty() {
            return Err(err("empty pattern"));
        }
        let anchored = body.starts_with('/') || body.trim_start_matches('/').contains('/');
        let body = body.trim_start_matches('/');
        // GitHub: `docs/*` owns direct children only.
        let shallow = dialect == Dialect::Codeowners && body.ends_with("/*") && !dir_only;
        let mut re = String::from("^");
        if !anchored {
            re.push_str("(?:.*/)?");
        }
        re.push_str(&translate(body, dialect)?);
        if dir_only {
            re.push_str("/.*");
        } else if !shallow {
            re.push_str("(?:/.*)?");
        }
        re.push('$');
        let regex = regex::RegexBuilder::new(&re)
            .size_limit(1 << 20)
            .build()
            .map_err(|_| err("pattern is too complex"))?;
        Ok(Pattern {
            text: text.to_string(),
            negated,
            regex,
        })
    }

    /// Whether the pattern (ignoring negation) matches `path`, a file path
    /// relative to the base directory.
    pub fn matches(&self, path: &str) -> bool {
        self.regex.is_match(path)
    }
}

/// Translates the pattern body (no leading/trailing `/`) to regex syntax.
fn translate(body: &str, dialect: Dialect) -> Result<String, PatternError> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' => {
                let mut stars = 1;
                while chars.get(i + stars) == Some(&'*') {
                    stars += 1;
                }
                let at_segment_start = i == 0 || chars[i - 1] == '/';
                let next = chars.get(i + stars).copied();
                if stars >= 2 && at_segment_start && next == Some('/') {
                    // `**/`: zero or more directories.
                    out.push_str("(?:.*/)?");
                    i += stars + 1;
                    continue;
                }
                if stars >= 2 && at_segment_start && next.is_none() {
                    // trailing `/**` (or a lone `**`): everything below.
                    out.push_str(".*");
                    i += stars;
                    continue;
                }
                out.push_str("[^/]*");
                i += stars;
            }
            '?' => {
                out.push_str("[^/]");
                i += 1;
            }
            '\\' => {
                match chars.get(i + 1) {
                    Some(next) => out.push_str(&regex::escape(&next.to_string())),
                    // A trailing backslash matches nothing in git; keep it literal.
                    None => out.push_str(&regex::escape("\\")),
                }
                i += 2;
            }
            '[' if dialect == Dialect::Gitignore => {
                let (class, used) = char_class(&chars[i..]).ok_or_else(|| PatternError {
                    reason: "unclosed `[` character class".into(),
                })?;
                out.push_str(&class);
                i += used;
            }
            other => {
                out.push_str(&regex::escape(&other.to_string()));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A `[...]` class starting at `chars[0]`: its regex and length.
fn char_class(chars: &[char]) -> Option<(String, usize)> {
    let mut i = 1;
    let mut out = String::from("[");
    if matches!(chars.get(i), Some('!') | Some('^')) {
        out.push('^');
        i += 1;
    }
    let start = i;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && i > start {
            out.push(']');
            return Some((out, i + 1));
        }
        match c {
            '\\' | '[' | ']' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '/' => return None,
            _ => out.push(c),
        }
        i += 1;
    }
    None
}

/// Cargo's view of a package's `include`/`exclude` lists.
#[derive(Debug, Clone, Default)]
pub struct PackageFilter {
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

impl PackageFilter {
    /// Compiles the lists; a pattern that does not compile is returned with
    /// its reason (Cargo would reject it too).
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, (String, PatternError)> {
        let compile = |list: &[String]| -> Result<Vec<Pattern>, (String, PatternError)> {
            list.iter()
                .map(|p| Pattern::new(p, Dialect::Gitignore).map_err(|e| (p.clone(), e)))
                .collect()
        };
        Ok(PackageFilter {
            include: compile(include)?,
            exclude: compile(exclude)?,
        })
    }

    /// Whether `path` (relative to the package root) goes into the package:
    /// with `include`, the last matching include pattern decides; otherwise
    /// the last matching exclude pattern decides (gitignore semantics).
    pub fn keeps(&self, path: &str) -> bool {
        if !self.include.is_empty() {
            return last_match(&self.include, path).is_some_and(|p| !p.negated);
        }
        last_match(&self.exclude, path).is_none_or(|p| p.negated)
    }
}

fn last_match<'a>(patterns: &'a [Pattern], path: &str) -> Option<&'a Pattern> {
    patterns.iter().rev().find(|p| p.matches(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(p: &str, path: &str) -> bool {
        Pattern::new(p, Dialect::Gitignore).unwrap().matches(path)
    }

    fn co(p: &str, path: &str) -> bool {
        Pattern::new(p, Dialect::Codeowners).unwrap().matches(path)
    }

    #[test]
    fn unanchored_names_match_at_any_depth() {
        assert!(m("LICENSE*", "LICENSE-MIT"));
        assert!(m("LICENSE*", "a/b/LICENSE"));
        assert!(m("*.md", "docs/x.md"));
        assert!(!m("*.md", "docs/x.mdx"));
        assert!(m("target", "a/target/x"));
    }

    #[test]
    fn anchored_and_directory_patterns() {
        assert!(m("/LICENSE-MIT", "LICENSE-MIT"));
        assert!(!m("/LICENSE-MIT", "sub/LICENSE-MIT"));
        assert!(m("src/**", "src/a/b.rs"));
        assert!(!m("src/**", "srcx/a.rs"));
        assert!(m("src", "src/lib.rs"));
        assert!(m("docs/", "docs/a.md"));
        assert!(!m("docs/", "docs"));
        assert!(m("**/foo", "foo"));
        assert!(m("**/foo", "a/b/foo"));
        assert!(m("a/**/b", "a/b"));
        assert!(m("a/**/b", "a/x/y/b"));
        assert!(m("a/?.rs", "a/x.rs"));
        assert!(!m("a/?.rs", "a/xy.rs"));
        assert!(m("[Ll]icense", "license"));
        assert!(m("[!a]b", "cb"));
        assert!(!m("[!a]b", "ab"));
    }

    #[test]
    fn codeowners_dialect() {
        assert!(co("docs/*", "docs/a.md"));
        assert!(!co("docs/*", "docs/sub/b.md"));
        assert!(co("/docs/", "docs/sub/b.md"));
        assert!(co("*", "anything/at/all"));
        assert!(co("path\\ with\\ space", "path with space"));
        // `[` is literal in CODEOWNERS.
        assert!(co("a[1]", "a[1]"));
    }

    #[test]
    fn errors_are_values() {
        assert!(Pattern::new("", Dialect::Gitignore).is_err());
        assert!(Pattern::new("!", Dialect::Gitignore).is_err());
        assert!(Pattern::new("[abc", Dialect::Gitignore).is_err());
        assert!(Pattern::new(&"a".repeat(5000), Dialect::Gitignore).is_err());
    }

    #[test]
    fn package_filter_follows_cargo() {
        let f = PackageFilter::new(&["src/**".into()], &[]).unwrap();
        assert!(f.keeps("src/lib.rs"));
        assert!(!f.keeps("LICENSE-MIT"));
        let f = PackageFilter::new(&[], &["/LICENSE-MIT".into(), "*.md".into()]).unwrap();
        assert!(!f.keeps("LICENSE-MIT"));
        assert!(f.keeps("LICENSE-APACHE"));
        assert!(!f.keeps("README.md"));
        let f = PackageFilter::new(&[], &["LICENSE*".into(), "!LICENSE-MIT".into()]).unwrap();
        assert!(f.keeps("LICENSE-MIT"));
        assert!(!f.keeps("LICENSE-APACHE"));
        let f = PackageFilter::new(&[], &[]).unwrap();
        assert!(f.keeps("anything"));
    }

    proptest! {
        #[test]
        fn never_panics(pattern in "\\PC{0,40}", path in "[a-z/._\\-]{0,30}") {
            for dialect in [Dialect::Gitignore, Dialect::Codeowners] {
                if let Ok(p) = Pattern::new(&pattern, dialect) {
                    let _ = p.matches(&path);
                }
            }
        }

        #[test]
        fn literal_names_match_themselves(name in "[A-Za-z0-9_.-]{1,20}") {
            prop_assume!(!name.starts_with('!'));
            let p = Pattern::new(&name, Dialect::Gitignore).unwrap();
            prop_assert!(p.matches(&name));
            let nested = format!("x/{name}");
            prop_assert!(p.matches(&nested));
        }
    }
}
