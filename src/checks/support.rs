//! Helpers shared by checks: locating manifest keys, finding files by name.

use super::{Finding, Outcome};
use crate::facts::Facts;
use crate::facts::files::{self, FileEntry};
use crate::facts::workspace::Member;

/// 1-based line of `key = …` inside `[table]` of a TOML text; a light scan,
/// good enough to point a finding at the right line.
pub fn toml_key_line(text: &str, table: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(header) = trimmed.strip_prefix('[') {
            current = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            continue;
        }
        if current == table
            && let Some(rest) = trimmed.strip_prefix(key)
        {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with('.') {
                return Some(i + 1);
            }
        }
    }
    None
}

/// The line of `[package] key` in a member's manifest (or of `[package]`
/// itself when the key is absent).
pub fn manifest_line(facts: &Facts, member: &Member, key: &str) -> Option<usize> {
    let text = facts.text(&member.manifest)?.text()?;
    toml_key_line(text, "package", key).or_else(|| {
        text.lines()
            .position(|l| l.trim() == "[package]")
            .map(|i| i + 1)
    })
}

/// Files directly in `dir` whose upper-cased name starts with one of `stems`
/// followed by nothing, `.` or `-`/`_`.
pub fn files_named<'a>(facts: &'a Facts, dir: &str, stems: &[&str]) -> Vec<&'a FileEntry> {
    facts
        .files
        .in_dir(dir)
        .filter(|e| {
            let name = files::file_name(&e.path).to_ascii_uppercase();
            stems.iter().any(|stem| {
                name.strip_prefix(stem)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_']))
            })
        })
        .collect()
}

/// Where GitHub looks for community files (CODEOWNERS, SECURITY.md,
/// CONTRIBUTING.md, …), in its order of precedence.
pub const COMMUNITY_DIRS: &[&str] = &[".github", "", "docs"];

/// Community files named by one of `stems` in `.github/`, the root and
/// `docs/`, in GitHub's order (the first is the one GitHub shows).
pub fn community_files<'a>(facts: &'a Facts, stems: &[&str]) -> Vec<&'a FileEntry> {
    COMMUNITY_DIRS
        .iter()
        .flat_map(|dir| files_named(facts, dir, stems))
        .collect()
}

/// The text of `path`, or the finding that says why it cannot be read
/// (binary, not UTF-8, too large, a symlink out of the repository).
// The error is the finding the caller reports, built at most once per file.
#[allow(clippy::result_large_err)]
pub fn text_or_finding<'a>(facts: &'a Facts, path: &str, key: &str) -> Result<&'a str, Finding> {
    match facts.text(path).map(|t| &t.content) {
        Some(Ok(text)) => Ok(text),
        Some(Err(problem)) => Err(Finding::error(
            format!("{key}:unreadable"),
            format!("{path} {problem}"),
        )
        .at(path, None)
        .help("make it a plain UTF-8 text file inside the repository")),
        None => Err(Finding::error(
            format!("{key}:unread"),
            format!("{path} was not read during collection"),
        )
        .at(path, None)),
    }
}

/// Non-blank characters in a text.
pub fn useful_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Markdown-ish headings of a text: `(line, level, text)` for ATX (`## x`)
/// and setext (`x` over `===`/`---`) headings, outside fenced code blocks.
pub fn headings(text: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let code = crate::parse::markdown::code_lines(&lines);
    let mut out = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        if code[i] {
            continue;
        }
        let line = raw.trim_end_matches('\r');
        if line.starts_with('#') {
            let level = line.chars().take_while(|c| *c == '#').count();
            let rest = &line[level..];
            if level <= 6 && (rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
                out.push((
                    i + 1,
                    level,
                    rest.trim().trim_end_matches('#').trim().to_string(),
                ));
            }
            continue;
        }
        if let Some(next) = lines.get(i + 1) {
            let next = next.trim_end_matches('\r').trim();
            let is_underline = next.len() >= 3
                && (next.chars().all(|c| c == '=') || next.chars().all(|c| c == '-'));
            if is_underline
                && !line.trim().is_empty()
                && !line.starts_with(' ')
                && !code.get(i + 1).copied().unwrap_or(false)
            {
                let level = if next.starts_with('=') { 1 } else { 2 };
                out.push((i + 1, level, line.trim().to_string()));
            }
        }
    }
    out
}

/// What to add to a "no such file in the repository" message about the
/// organisation-wide file GitHub would show instead (`OWNER/.github`):
/// nothing when none applies, that there is none, or why it was not read.
/// When the repository has no `file` of its own and the organisation-wide
/// one GitHub would show could not be looked at (offline, a network
/// error): the check cannot say whether one applies, so it reports
/// `error` with both facts and both ways out — never a fail it could not
/// verify.
pub fn org_unknown(file: &str, org: &crate::facts::org_policy::OrgPolicy) -> Option<Outcome> {
    match org {
        crate::facts::org_policy::OrgPolicy::NotLooked { source, reason } => {
            Some(Outcome::error(format!(
                "no {file} in .github/, the repository root or docs/, and the organisation-wide one in {source}, which GitHub would show, {reason}: add {file} to the repository (the checkout and the published crate then carry it), or run online to check the organisation's"
            )))
        }
        _ => None,
    }
}

/// The end of a "no FILE" message saying what was learnt about the
/// organisation-wide file.
pub fn org_missing_suffix(org: &crate::facts::org_policy::OrgPolicy) -> String {
    use crate::facts::org_policy::OrgPolicy;
    match org {
        OrgPolicy::NotApplicable | OrgPolicy::Found { .. } => String::new(),
        OrgPolicy::Absent { source } => format!(", nor an organisation-wide one in {source}"),
        OrgPolicy::NotLooked { source, reason } => {
            format!(" (an organisation-wide one in {source}, which GitHub would show, {reason})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_in_tables() {
        let text = "[package]\nname = \"x\"\nlicense = \"MIT\"\n[dependencies]\nlicense = \"1\"\n";
        assert_eq!(toml_key_line(text, "package", "license"), Some(3));
        assert_eq!(toml_key_line(text, "dependencies", "license"), Some(5));
        assert_eq!(toml_key_line(text, "package", "readme"), None);
        assert_eq!(
            toml_key_line(
                "[package]\nlicense.workspace = true\n",
                "package",
                "license"
            ),
            Some(2)
        );
    }

    #[test]
    fn heading_styles() {
        let text = "# Changelog\n\n## [1.2.0] - 2024-01-01\n\n```\n# not a heading\n```\n1.1.0\n=====\nv1.0.0\n------\n#hashtag\n";
        let h: Vec<(usize, String)> = headings(text).into_iter().map(|(l, _, t)| (l, t)).collect();
        assert_eq!(
            h,
            vec![
                (1, "Changelog".into()),
                (3, "[1.2.0] - 2024-01-01".into()),
                (8, "1.1.0".into()),
                (10, "v1.0.0".into())
            ]
        );
    }
}
