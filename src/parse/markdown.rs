//! The bits of Markdown governance checks need: which lines are code,
//! link reference definitions, and the links written in a line.
//!
//! Not a CommonMark parser: a line-based scan that is linear in the input,
//! never panics, and is right for the shapes changelogs and policies use.

/// Marks each line that is inside (or opens/closes) a fenced code block.
pub fn code_lines(lines: &[&str]) -> Vec<bool> {
    let mut out = Vec::with_capacity(lines.len());
    let mut fence: Option<&str> = None;
    for raw in lines {
        let trimmed = raw.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (Some(open), Some(m)) if open == m => {
                fence = None;
                out.push(true);
            }
            (None, Some(m)) => {
                fence = Some(m);
                out.push(true);
            }
            (Some(_), _) => out.push(true),
            (None, None) => out.push(false),
        }
    }
    out
}

/// A link reference definition: `[label]: destination "title"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDef {
    /// 1-based line.
    pub line: usize,
    /// The label as written.
    pub label: String,
    /// The destination (angle brackets removed).
    pub url: String,
}

/// Normalises a link label the way CommonMark matches them: case-folded,
/// inner whitespace collapsed.
pub fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every link reference definition outside code blocks.
pub fn link_defs(text: &str) -> Vec<LinkDef> {
    let lines: Vec<&str> = text.lines().collect();
    let code = code_lines(&lines);
    let mut out = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        if code[i] {
            continue;
        }
        if let Some((label, url)) = parse_def(raw.trim_end_matches('\r')) {
            out.push(LinkDef {
                line: i + 1,
                label,
                url,
            });
        }
    }
    out
}

fn parse_def(line: &str) -> Option<(String, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line.trim_start().strip_prefix('[')?;
    let close = find_unescaped(rest, ']')?;
    let label = &rest[..close];
    if label.trim().is_empty() || label.contains('[') || label.starts_with('^') {
        return None;
    }
    let after = rest[close + 1..].strip_prefix(':')?;
    let after = after.trim_start();
    let url = if let Some(inner) = after.strip_prefix('<') {
        inner[..inner.find('>')?].to_string()
    } else {
        after.split_whitespace().next()?.to_string()
    };
    if url.is_empty() {
        return None;
    }
    Some((label.to_string(), url))
}

fn find_unescaped(text: &str, needle: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == needle {
            return Some(i);
        }
    }
    None
}

/// How a link in running text names its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `[text](url)`.
    Inline(String),
    /// `[text][label]` (full) or `[text][]` (collapsed: the text is the label).
    Reference(String),
    /// `[text]` alone: a link only if a definition with that label exists.
    Shortcut,
}

/// A bracketed span in a line and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The text between the brackets.
    pub text: String,
    /// How it links.
    pub target: Target,
}

impl Link {
    /// The label a definition must have for this link to resolve, if it
    /// resolves through a definition.
    pub fn label(&self) -> Option<&str> {
        match &self.target {
            Target::Inline(_) => None,
            Target::Reference(l) if !l.is_empty() => Some(l),
            Target::Reference(_) | Target::Shortcut => Some(&self.text),
        }
    }
}

/// Bracketed spans in one line (images included, nested brackets not).
pub fn links_in(line: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = find_unescaped(rest, '[') {
        let after_open = &rest[open + 1..];
        let Some(close) = find_unescaped(after_open, ']') else {
            break;
        };
        let text = &after_open[..close];
        if text.contains('[') {
            // `[[x]` or nested: skip the outer bracket.
            rest = &rest[open + 1..];
            continue;
        }
        let tail = &after_open[close + 1..];
        let (target, consumed) = if let Some(inner) = tail.strip_prefix('(') {
            match inner.find(')') {
                Some(end) => {
                    let url = inner[..end].split_whitespace().next().unwrap_or("");
                    let url = url.trim_start_matches('<').trim_end_matches('>');
                    (Target::Inline(url.to_string()), 1 + end + 1)
                }
                None => (Target::Shortcut, 0),
            }
        } else if let Some(inner) = tail.strip_prefix('[') {
            match inner.find(']') {
                Some(end) if !inner[..end].contains('[') => {
                    (Target::Reference(inner[..end].to_string()), 1 + end + 1)
                }
                _ => (Target::Shortcut, 0),
            }
        } else {
            (Target::Shortcut, 0)
        };
        out.push(Link {
            text: text.to_string(),
            target,
        });
        rest = &tail[consumed..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn definitions() {
        let text = "# x\n[1.2.0]: https://a/compare/v1...v2\n   [Unreleased]: <https://b> \"t\"\n```\n[no]: https://c\n```\n    [indented]: https://d\n[^1]: footnote\n[empty]:\n";
        let defs = link_defs(text);
        let got: Vec<(usize, &str, &str)> = defs
            .iter()
            .map(|d| (d.line, d.label.as_str(), d.url.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "1.2.0", "https://a/compare/v1...v2"),
                (3, "Unreleased", "https://b")
            ]
        );
        assert_eq!(normalize_label(" Un  Released "), "un released");
    }

    #[test]
    fn links_in_headings() {
        let l = links_in("[1.2.0](https://x/releases/tag/v1.2.0) - 2024");
        assert_eq!(
            l,
            vec![Link {
                text: "1.2.0".into(),
                target: Target::Inline("https://x/releases/tag/v1.2.0".into())
            }]
        );
        let l = links_in("[1.2.0] - 2024 [YANKED]");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].label(), Some("1.2.0"));
        let l = links_in("[v1][rel-1] and [x][]");
        assert_eq!(l[0].label(), Some("rel-1"));
        assert_eq!(l[1].label(), Some("x"));
        assert!(links_in("no links \\[here]").is_empty());
    }

    #[test]
    fn fences() {
        let lines = ["a", "```rust", "x", "~~~", "```", "b"];
        assert_eq!(
            code_lines(&lines),
            vec![false, true, true, true, true, false]
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = link_defs(&text);
            for line in text.lines() {
                let _ = links_in(line);
            }
        }

        #[test]
        fn bracket_soup(line in "[\\[\\]()<>:a-z0-9 \\\\.]{0,60}") {
            let _ = links_in(&line);
            let _ = link_defs(&line);
        }
    }
}
