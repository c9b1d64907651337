//! CODEOWNERS files: each line a path pattern and its owners.
//!
//! GitHub's rules (also GitLab's, less its sections):
//! `# comment` lines and blank lines are skipped; a `#` after whitespace
//! starts a trailing comment; `\ ` escapes a space inside a pattern; owners
//! are `@user`, `@org/team` or an email address; a rule with no owners
//! clears ownership; the *last* matching rule wins. GitHub does not support
//! `!` negation or `[ ]` character ranges — such lines are errors.
//! GitLab adds section headers (`[Section]`, `^[Optional]`, `[Section][2] @owner`).

use std::sync::LazyLock;

use regex::Regex;

use super::glob::{Dialect, Pattern, PatternError};
use crate::util::regex;

/// Which service reads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// GitHub (and Gitea-like hosts using the same syntax).
    GitHub,
    /// GitLab: section headers allowed.
    GitLab,
}

/// One owner of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// `@user`.
    User(String),
    /// `@org/team`.
    Team(String),
    /// `someone@example.org`.
    Email(String),
}

/// A parsed rule line.
#[derive(Debug, Clone)]
pub struct Rule {
    /// 1-based line.
    pub line: usize,
    /// The pattern, compiled.
    pub pattern: Pattern,
    /// Its owners; empty means "no owner" (ownership cleared).
    pub owners: Vec<Owner>,
}

impl Rule {
    /// Whether the rule matches every file (`*`, `**`, `/**`, `/*` is not).
    pub fn is_catch_all(&self) -> bool {
        matches!(
            self.pattern.text.as_str(),
            "*" | "**" | "/**" | "**/*" | "/**/*"
        )
    }
}

/// A line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The file, parsed.
#[derive(Debug, Clone, Default)]
pub struct Codeowners {
    /// Usable rules in file order.
    pub rules: Vec<Rule>,
    /// Lines GitHub (or GitLab) would reject.
    pub errors: Vec<LineError>,
}

static USER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^@[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$"));
static TEAM: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]){0,38}/[A-Za-z0-9][A-Za-z0-9_.-]*$"));
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"));
/// GitLab owners may also be nested groups: `@group/sub/team`.
static GITLAB_GROUP: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^@[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$"));
/// GitLab section header: `[Name]`, `^[Name]`, `[Name][2]`, then default owners.
static SECTION: LazyLock<Regex> = LazyLock::new(|| regex(r"^\^?\[[^\]]+\](?:\[\d+\])?(\s|$)"));

/// Parses an owner token.
pub fn parse_owner(token: &str, flavor: Flavor) -> Option<Owner> {
    if USER.is_match(token) {
        Some(Owner::User(token.to_string()))
    } else if TEAM.is_match(token) || (flavor == Flavor::GitLab && GITLAB_GROUP.is_match(token)) {
        Some(Owner::Team(token.to_string()))
    } else if EMAIL.is_match(token) {
        Some(Owner::Email(token.to_string()))
    } else {
        None
    }
}

/// Splits a line into tokens on unescaped whitespace, stopping at a `#`
/// that starts a token (a trailing comment). `\ ` keeps the space.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push('\\');
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            c if c.is_whitespace() => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            '#' if current.is_empty() => break,
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Parses a CODEOWNERS text. Never panics; every unusable line becomes a
/// [`LineError`].
pub fn parse(text: &str, flavor: Flavor) -> Codeowners {
    let mut parsed = Codeowners::default();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if flavor == Flavor::GitLab && SECTION.is_match(line) {
            let header_end = line.find(']').map_or(line.len(), |i| i + 1);
            let mut rest = &line[header_end..];
            if rest.starts_with('[') {
                rest = rest.find(']').map_or("", |i| &rest[i + 1..]);
            }
            for token in tokens(rest) {
                if parse_owner(&token, flavor).is_none() {
                    parsed.errors.push(LineError {
                        line: line_no,
                        message: format!("`{token}` is not a valid owner"),
                    });
                }
            }
            continue;
        }
        let tokens = tokens(line);
        let Some((pattern_text, owner_tokens)) = tokens.split_first() else {
            continue;
        };
        if pattern_text.starts_with('!') {
            parsed.errors.push(LineError {
                line: line_no,
                message: format!(
                    "`{pattern_text}`: `!` negation is not supported in CODEOWNERS; the line is ignored"
                ),
            });
            continue;
        }
        if flavor == Flavor::GitHub && has_unescaped(pattern_text, '[') {
            parsed.errors.push(LineError {
                line: line_no,
                message: format!(
                    "`{pattern_text}`: `[ ]` character ranges are not supported in CODEOWNERS; the line is ignored"
                ),
            });
            continue;
        }
        let pattern = match Pattern::new(pattern_text, Dialect::Codeowners) {
            Ok(p) => p,
            Err(PatternError { reason }) => {
                parsed.errors.push(LineError {
                    line: line_no,
                    message: format!("`{pattern_text}`: {reason}"),
                });
                continue;
            }
        };
        let mut owners = Vec::new();
        let mut bad = false;
        for token in owner_tokens {
            match parse_owner(token, flavor) {
                Some(o) => owners.push(o),
                None => {
                    bad = true;
                    parsed.errors.push(LineError {
                        line: line_no,
                        message: format!(
                            "`{token}` is not a valid owner (expected @user, @org/team or an email address)"
                        ),
                    });
                }
            }
        }
        // GitHub skips the whole line when an owner is invalid.
        if !bad {
            parsed.rules.push(Rule {
                line: line_no,
                pattern,
                owners,
            });
        }
    }
    parsed
}

fn has_unescaped(text: &str, needle: char) -> bool {
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == needle {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rules_owners_and_comments() {
        let text = "# comment\n\n*  @org/everyone\n/src/ @alice docs@example.org # trailing\n/apps/github\n";
        let c = parse(text, Flavor::GitHub);
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(c.rules.len(), 3);
        assert!(c.rules[0].is_catch_all());
        assert_eq!(c.rules[0].line, 3);
        assert_eq!(
            c.rules[1].owners,
            vec![
                Owner::User("@alice".into()),
                Owner::Email("docs@example.org".into())
            ]
        );
        assert!(c.rules[2].owners.is_empty());
        assert_eq!(c.rules[2].line, 5);
    }

    #[test]
    fn escaped_spaces_and_crlf() {
        let c = parse("docs/my\\ file.md @bob\r\n", Flavor::GitHub);
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert!(c.rules[0].pattern.matches("docs/my file.md"));
        assert_eq!(c.rules[0].owners, vec![Owner::User("@bob".into())]);
    }

    #[test]
    fn invalid_lines_are_located() {
        let c = parse(
            "!*.rs @a\n*.[ch] @b\n*.rs bob\n*.md @ok @bad!name\n",
            Flavor::GitHub,
        );
        let lines: Vec<usize> = c.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 4]);
        assert!(c.rules.is_empty());
    }

    #[test]
    fn gitlab_sections() {
        let c = parse(
            "[Docs] @docs-team\n*.md\n^[Optional][2] @group/sub/team\n",
            Flavor::GitLab,
        );
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(c.rules.len(), 1);
        let c = parse("[Docs] @docs-team\n", Flavor::GitHub);
        assert_eq!(c.errors.len(), 1);
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text, Flavor::GitHub);
            let _ = parse(&text, Flavor::GitLab);
        }

        #[test]
        fn never_panics_on_line_soup(lines in proptest::collection::vec("[#@!*/\\\\ \\[\\]a-z.\\t\\r-]{0,30}", 0..20)) {
            let text = lines.join("\n");
            let c = parse(&text, Flavor::GitHub);
            for e in &c.errors {
                prop_assert!(e.line >= 1 && e.line <= lines.len().max(1));
            }
        }
    }
}
