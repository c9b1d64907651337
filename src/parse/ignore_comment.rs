//! `readiness: ignore[check-a, check-b] reason` comments: one finding
//! silenced where it is, with its reason beside it — as zizmor's
//! `# zizmor: ignore[rule]` or clippy's `#[expect(lint, reason = "…")]`.
//!
//! The comment is written in the file's own comment syntax: `#` (YAML,
//! TOML, shell, Makefile, justfile, Dockerfile, `.gitignore`-style files),
//! `//` or `/* … */` (Rust), `<!-- … -->` (Markdown, HTML). It applies to a
//! finding on its own line, or — when it stands alone on its line — to a
//! finding on the next line.

/// How a file writes comments, chosen from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStyle {
    /// `# …`
    Hash,
    /// `// …` and `/* … */`
    Slash,
    /// `<!-- … -->`
    Html,
}

impl CommentStyle {
    /// The style of the file at `path` (`/`-separated).
    pub fn for_path(path: &str) -> CommentStyle {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "rs" | "c" | "h" | "cc" | "cpp" | "hpp" | "js" | "ts" | "json5" | "jsonc" | "go"
            | "java" | "kt" | "swift" | "proto" => CommentStyle::Slash,
            "md" | "markdown" | "html" | "htm" | "xml" | "svg" => CommentStyle::Html,
            _ => CommentStyle::Hash,
        }
    }

    /// The openers this style accepts right before `readiness:` (longest
    /// first, so `///` is not read as `//` followed by `/`).
    fn openers(self) -> &'static [&'static str] {
        match self {
            CommentStyle::Hash => &["#"],
            CommentStyle::Slash => &["///", "//!", "//", "/**", "/*!", "/*"],
            CommentStyle::Html => &["<!--"],
        }
    }

    /// What closes a comment of this style, stripped from the reason.
    fn closer(self) -> Option<&'static str> {
        match self {
            CommentStyle::Hash => None,
            CommentStyle::Slash => Some("*/"),
            CommentStyle::Html => Some("-->"),
        }
    }
}

/// One `readiness: ignore[…]` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreComment {
    /// 1-based line of the comment.
    pub line: usize,
    /// The check ids in the brackets, trimmed, as written (possibly none).
    pub ids: Vec<String>,
    /// The text after `]`, trimmed; empty when no reason was given.
    pub reason: String,
    /// Nothing but the comment is on its line, so it also covers the
    /// next line.
    pub own_line: bool,
}

impl IgnoreComment {
    /// Whether it covers a finding at `line`.
    pub fn covers(&self, line: usize) -> bool {
        line == self.line || (self.own_line && line == self.line + 1)
    }
}

/// The word that starts a comment's directive.
const DIRECTIVE: &str = "readiness:";

/// Every ignore comment in `text`, in line order. Linear in the text; any
/// text is accepted (what is not a well-formed comment is not one).
pub fn scan(text: &str, style: CommentStyle) -> Vec<IgnoreComment> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        // Cheap rejection first: almost no line mentions the directive.
        if !line.contains(DIRECTIVE) {
            continue;
        }
        if let Some(comment) = parse_line(line, i + 1, style) {
            found.push(comment);
        }
    }
    found
}

fn parse_line(line: &str, number: usize, style: CommentStyle) -> Option<IgnoreComment> {
    let mut from = 0;
    while let Some(at) = line[from..].find(DIRECTIVE).map(|i| i + from) {
        from = at + DIRECTIVE.len();
        let before = line[..at].trim_end();
        let Some(opener) = style.openers().iter().find(|o| before.ends_with(*o)) else {
            continue;
        };
        let rest = line[from..].trim_start();
        let Some(rest) = rest.strip_prefix("ignore[") else {
            continue;
        };
        let Some(close) = rest.find(']') else {
            continue;
        };
        let ids = rest[..close]
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect();
        let mut reason = rest[close + 1..].trim();
        if let Some(closer) = style.closer()
            && let Some(i) = reason.find(closer)
        {
            reason = reason[..i].trim_end();
        }
        // A reason may be set off as zizmor users write it: `] -- why`.
        let reason = reason
            .trim_start_matches(['-', ':', '—'])
            .trim()
            .to_string();
        let own_line = before[..before.len() - opener.len()]
            .trim_end_matches('#')
            .trim()
            .is_empty();
        return Some(IgnoreComment {
            line: number,
            ids,
            reason,
            own_line,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(line: &str, style: CommentStyle) -> Option<IgnoreComment> {
        let mut all = scan(line, style);
        assert!(all.len() <= 1);
        all.pop()
    }

    #[test]
    fn styles_by_file_name() {
        assert_eq!(CommentStyle::for_path("src/lib.rs"), CommentStyle::Slash);
        assert_eq!(CommentStyle::for_path("CHANGELOG.md"), CommentStyle::Html);
        assert_eq!(
            CommentStyle::for_path(".github/workflows/ci.yml"),
            CommentStyle::Hash
        );
        assert_eq!(CommentStyle::for_path("Makefile"), CommentStyle::Hash);
        assert_eq!(CommentStyle::for_path("justfile"), CommentStyle::Hash);
        assert_eq!(CommentStyle::for_path("Cargo.toml"), CommentStyle::Hash);
    }

    #[test]
    fn trailing_comment_in_yaml() {
        let c = one(
            "      - uses: actions/checkout@v4 # readiness: ignore[pinned-actions] vendored, reviewed",
            CommentStyle::Hash,
        )
        .unwrap();
        assert_eq!(c.ids, ["pinned-actions"]);
        assert_eq!(c.reason, "vendored, reviewed");
        assert!(!c.own_line);
        assert!(c.covers(1) && !c.covers(2));
    }

    #[test]
    fn own_line_comment_covers_the_next_line() {
        let c = one(
            "    // readiness: ignore[unsafe-hygiene, unfinished-code] FFI shim, see docs/ffi.md",
            CommentStyle::Slash,
        )
        .unwrap();
        assert_eq!(c.ids, ["unsafe-hygiene", "unfinished-code"]);
        assert_eq!(c.reason, "FFI shim, see docs/ffi.md");
        assert!(c.own_line && c.covers(1) && c.covers(2) && !c.covers(3));
    }

    #[test]
    fn markdown_and_block_comments_drop_the_closer() {
        let c = one(
            "<!-- readiness: ignore[changelog-links] tag predates the move -->",
            CommentStyle::Html,
        )
        .unwrap();
        assert_eq!(c.reason, "tag predates the move");
        let c = one(
            "let p = f(); /* readiness: ignore[unsafe-hygiene] -- checked above */",
            CommentStyle::Slash,
        )
        .unwrap();
        assert_eq!(c.reason, "checked above");
        assert!(!c.own_line);
        let c = one("/// readiness: ignore[x] doc", CommentStyle::Slash).unwrap();
        assert!(c.own_line && c.ids == ["x"]);
    }

    #[test]
    fn missing_reason_and_missing_ids_are_kept_for_the_caller_to_judge() {
        let c = one("# readiness: ignore[pinned-actions]", CommentStyle::Hash).unwrap();
        assert!(c.reason.is_empty());
        let c = one("# readiness: ignore[] why", CommentStyle::Hash).unwrap();
        assert!(c.ids.is_empty());
    }

    #[test]
    fn not_a_comment_or_not_the_directive() {
        // Outside a comment, in the wrong syntax, or not an ignore.
        assert_eq!(one("echo readiness: ignore[x] y", CommentStyle::Hash), None);
        assert_eq!(one("# readiness: ignore[x] y", CommentStyle::Slash), None);
        assert_eq!(one("# readiness: allow[x] y", CommentStyle::Hash), None);
        assert_eq!(one("# readiness: ignore[x y", CommentStyle::Hash), None);
        // A second directive on the line is still found.
        let c = one(
            "x: 1 # readiness: note # readiness: ignore[a] b",
            CommentStyle::Hash,
        )
        .unwrap();
        assert_eq!(
            (c.ids.as_slice(), c.reason.as_str()),
            (&["a".to_string()][..], "b")
        );
        assert!(!c.own_line);
    }

    proptest! {
        #[test]
        fn never_panics(text in "(readiness:|ignore\\[|\\]|#|//|/\\*|<!--|-->|[a-z ,é]|\n){0,60}") {
            for style in [CommentStyle::Hash, CommentStyle::Slash, CommentStyle::Html] {
                for c in scan(&text, style) {
                    prop_assert!(c.line >= 1);
                    prop_assert!(c.ids.iter().all(|id| !id.is_empty() && !id.contains(',')));
                }
            }
        }
    }
}
