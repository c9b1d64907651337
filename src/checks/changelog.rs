//! `changelog`: a changelog with an entry for the version being released.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use semver::Version;

use super::support::{files_named, headings};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::workspace::Member;
use crate::facts::{Facts, files};
use crate::util::regex;

/// See [`Check::docs`].
pub struct Changelog;

/// File names recognised as changelogs (upper-cased stem before the extension).
pub const CHANGELOG_STEMS: &[&str] = &[
    "CHANGELOG",
    "CHANGES",
    "HISTORY",
    "RELEASES",
    "RELEASE-NOTES",
    "NEWS",
];

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?:^|[^0-9A-Za-z.])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)")
});

/// The first semantic version written in `text` (`v1.2.0`, `crate-v1.2.0`,
/// `1.2.0-rc.1`).
pub fn version_in(text: &str) -> Option<Version> {
    let caps = VERSION.captures(text)?;
    lenient_version(caps.get(1)?.as_str())
}

/// A development version (`0.18.0-dev`, `-pre`, `-snapshot`): the next
/// release being worked on, never itself a release.
pub fn is_dev(v: &Version) -> bool {
    v.pre
        .as_str()
        .split('.')
        .any(|p| matches!(p, "dev" | "pre" | "snapshot"))
}

/// A version as written in a heading or tag, zero-padded CalVer too
/// (`25.07.1` is helix's 25.7.1: semver forbids the leading zero, Cargo
/// writes it without).
pub fn lenient_version(text: &str) -> Option<Version> {
    if let Ok(v) = Version::parse(text) {
        return Some(v);
    }
    let (core, rest) = match text.find(['-', '+']) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let unpadded: Vec<&str> = parts
        .iter()
        .map(|p| {
            let t = p.trim_start_matches('0');
            if t.is_empty() { "0" } else { t }
        })
        .collect();
    Version::parse(&format!("{}{rest}", unpadded.join("."))).ok()
}

/// Words in a version heading saying the version is not out yet
/// (`## 5.0.0 - TBD`, `## [Unreleased] - ReleaseDate`).
static NOT_RELEASED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(unreleased|tbd|tba|upcoming|unpublished|not\s+(yet\s+)?released|in\s+progress|work\s+in\s+progress|wip|releasedate|yyyy-mm-dd)\b",
    )
});

/// One version section of a changelog.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1-based line of the heading.
    pub line: usize,
    /// Heading level (1 for `#`, 2 for `##`, …).
    pub level: usize,
    /// The version, or `None` for `Unreleased`.
    pub version: Option<Version>,
    /// Whether the heading presents the version as released (`false` for
    /// `Unreleased` and for `## 2.0.0 - TBD`).
    pub released: bool,
    /// The heading text.
    pub heading: String,
    /// What precedes the version in the heading, lower-cased, without
    /// brackets and punctuation (`tokio-util` in `## tokio-util 0.7.0`):
    /// changelogs covering several crates order each crate separately.
    pub prefix: String,
}

/// The first words of a section whose version never came out.
static SKIPPED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(this\s+(version|release)\s+(was|has\s+been)\s+(skipped|yanked|never\s+(released|published))|(was|were)\s+never\s+(released|published)|(version|release)\s+(was\s+)?skipped)\b",
    )
});

/// What follows a heading's version when the heading names a range:
/// `.. 0.46.0`, `... 0.46.0`, `– 0.46.0`, `to 0.46.0`.
static RANGE_REST: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\]?\s*(\.\.\.?|–|—|-|to)\s*\[?v?\d+\.\d+"));

/// Version and `Unreleased` headings, in file order.
pub fn entries(text: &str) -> Vec<Entry> {
    let lines: Vec<&str> = text.lines().collect();
    // `# 0.67.0` then "This version was skipped …": never released.
    let skipped = |line: usize| {
        lines
            .iter()
            .skip(line)
            .take_while(|l| !l.trim_start().starts_with('#'))
            .filter(|l| !l.trim().is_empty())
            .take(2)
            .any(|l| SKIPPED.is_match(l))
    };
    headings(text)
        .into_iter()
        .filter_map(|(line, level, heading)| {
            if heading.to_ascii_lowercase().contains("unreleased") {
                return Some(Entry {
                    line,
                    level,
                    version: None,
                    released: false,
                    prefix: String::new(),
                    heading,
                });
            }
            let caps = VERSION.captures(&heading)?;
            let m = caps.get(1)?;
            // `# 0.33.1 .. 0.46.0`: a summary of a range of releases, not
            // the entry of its first one (rust-bindgen).
            if RANGE_REST.is_match(&heading[m.end()..]) {
                return None;
            }
            let version = lenient_version(m.as_str())?;
            let prefix = heading[..m.start()]
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
                .trim_end_matches(['v', 'V'])
                .trim_matches(['-', '_'])
                .to_lowercase();
            let prefix = if matches!(prefix.as_str(), "version" | "release" | "v") {
                String::new()
            } else {
                prefix
            };
            Some(Entry {
                line,
                level,
                released: !NOT_RELEASED.is_match(&heading) && !is_dev(&version) && !skipped(line),
                version: Some(version),
                prefix,
                heading,
            })
        })
        .collect()
}

/// The entries that structure the changelog: version headings at the level
/// most of them use (so `### Bump foo to 1.2.3` inside a section is not
/// taken for a release), plus every `Unreleased` heading.
pub fn release_entries(text: &str) -> Vec<Entry> {
    let all = entries(text);
    let mut counts = [0usize; 7];
    for e in all.iter().filter(|e| e.version.is_some()) {
        counts[e.level.min(6)] += 1;
    }
    // Most used level; on a tie the outermost.
    let level = (1..=6).rev().max_by_key(|l| counts[*l]).unwrap_or(2);
    all.into_iter()
        .filter(|e| e.version.is_none() || e.level == level)
        .collect()
}

/// Whether git has a tag for `version` of `crate_name` in any common scheme.
pub fn has_tag(tags: &BTreeSet<String>, crate_name: &str, version: &str) -> bool {
    [
        format!("v{version}"),
        version.to_string(),
        format!("{crate_name}-v{version}"),
        format!("{crate_name}-{version}"),
        format!("{crate_name}@{version}"),
        format!("{crate_name}/v{version}"),
    ]
    .iter()
    .any(|t| tags.contains(t))
}

impl Check for Changelog {
    fn id(&self) -> &'static str {
        "changelog"
    }
    fn category(&self) -> Category {
        Category::Release
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "a changelog exists and has an entry for the version in Cargo.toml"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A `CHANGELOG.md` (or `CHANGES.md`, `HISTORY.md`, `RELEASES.md`, `NEWS.md`)
exists and has a section for the version in `Cargo.toml`. Heading styles
vary and all count: `## [1.2.0] - 2024-05-01`, `# 1.2.0 (2024-05-01)`,
`## v1.2.0`, or a setext `1.2.0` underlined with `===`. An `## [Unreleased]`
section counts for the manifest version only while that version has no git
tag yet (before the release). A changelog whose newest entry is older than
the manifest version is stale, and the finding names both versions —
unless the project tags its releases, the newest entry is tagged and the
manifest version is not: then the version was bumped after the release
and is in development (a note). A
changelog that says near its top that the release notes moved ("see GitHub
Releases", "this file is no longer maintained", a bare link to the releases
page, "for versions after 0.75.0, see the … changelog") passes with a note
instead, and so does a repository with no changelog file whose README
links its release notes on the forge's releases page (`[Release
notes](https://github.com/OWNER/REPO/releases)`).

Without one at the root, a changelog in `docs/`, `doc/` or `.github/`
counts, and so does a directory of one file per release (`changelog/`,
`changes/`, `release-notes/`, `news/`, up to three levels deep, such as
`docs/src/changelog/`): a version in a file's name (`0.27.0.md`) or in a
heading inside its files is an entry, `unreleased.md` the Unreleased
section. Directories under `vendor/`, `third_party/`, `tests/` or
`fixtures/` are someone else's, and so are members under `vendor/` or
`third_party/` (a vendored crate's changelog lists its upstream's
releases): they are listed as not checked.

In a workspace, a member with its own changelog in its directory is checked
against it; the others share the root changelog, which is checked against
one of them: the root package; else the member whose cargo-release
configuration rewrites that file on release (`[package.metadata.release]
pre-release-replacements`); else the member named like the repository,
or the highest version — unless that member is at a release the file
never mentions while another member's version is its newest entry (typos:
the changelog is `typos-cli`'s, not the `typos` library's). The note
lists the members not checked. Publishable members are checked (all
members when none is publishable).

## Why
Users and downstream packagers read the changelog to decide whether an
upgrade is safe. A release without an entry hides breaking changes.

## Passing example
```markdown
# Changelog
## [Unreleased]
## [0.3.0] - 2026-11-02
### Added
- `--offline` mode.
```

## How to fix
Add a section for the version in `Cargo.toml` (see https://keepachangelog.com),
or move the `Unreleased` notes under a heading for the new version when you
release.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.members.is_empty() {
            return Outcome::skip("the workspace has no packages");
        }
        let publishable: Vec<&Member> = facts
            .members
            .iter()
            .filter(|m| super::code::is_publishable(facts, m))
            .collect();
        let candidates: Vec<&Member> = if publishable.is_empty() {
            facts.members.iter().collect()
        } else {
            publishable
        };
        let (targets, unchecked) = targets(facts, &candidates);
        let mut findings = Vec::new();
        if targets.is_empty() {
            if let Some((path, line)) = release_notes_link(facts) {
                return Outcome::pass().with_note(format!(
                    "no changelog file; {path}:{line} points to the release notes on the forge's releases page"
                ));
            }
            findings.push(
                Finding::error(
                    "missing",
                    "no CHANGELOG.md (or CHANGES.md, HISTORY.md, RELEASES.md) in the repository",
                )
                .help(
                    "add CHANGELOG.md in the Keep a Changelog format: https://keepachangelog.com",
                ),
            );
            return Outcome::from_findings(findings, 0.0);
        }
        let mut ok = 0usize;
        for (member, path) in &targets {
            let before = findings.len();
            check_one(facts, member, path, &mut findings);
            if findings[before..]
                .iter()
                .all(|f| f.severity < Severity::Error)
            {
                ok += 1;
            }
        }
        let outcome = Outcome::from_findings(findings, ok as f64 / targets.len() as f64);
        if unchecked.is_empty() {
            outcome
        } else {
            outcome.with_note(format!(
                "not checked (no changelog of their own; the root changelog is checked against {}): {}",
                targets
                    .iter()
                    .map(|(m, _)| format!("{} {}", m.name, m.version))
                    .collect::<Vec<_>>()
                    .join(", "),
                unchecked.join(", ")
            ))
        }
    }
}

/// Which member is checked against which changelog, and which members are
/// not checked.
///
/// A member with a changelog in its own directory is checked against it.
/// The root changelog belongs to the root package when there is one; in a
/// virtual workspace it is checked against the highest member version (the
/// version members usually share). Other members sharing the root changelog
/// have independent versions it does not track (ripgrep's `grep-*` crates),
/// so they are listed as unchecked rather than failed.
pub(super) fn targets<'a>(
    facts: &Facts,
    candidates: &[&'a Member],
) -> (Vec<(&'a Member, String)>, Vec<String>) {
    let mut targets = Vec::new();
    let mut rest: Vec<&Member> = Vec::new();
    let mut unchecked = Vec::new();
    for m in candidates {
        // An xtask or test-support crate is not what the changelog tracks
        // (a published, described one is).
        if super::code::is_unreleased_tooling(facts, m) {
            continue;
        }
        if crate::facts::is_vendored_dir(&m.dir) {
            unchecked.push(format!("{} {} (vendored)", m.name, m.version));
            continue;
        }
        match (!m.dir.is_empty())
            .then(|| find_changelog(facts, &m.dir))
            .flatten()
        {
            Some(own) => targets.push((*m, own)),
            None => rest.push(m),
        }
    }
    // A member's changelog that is the root one (alacritty's
    // `alacritty/CHANGELOG.md -> ../CHANGELOG.md`) already covers it.
    let root = root_changelog(facts).filter(|root| {
        let text = |p: &str| facts.text(p).and_then(|t| t.text());
        !targets.iter().any(|(_, own): &(&Member, String)| {
            own == root || (text(own).is_some() && text(own) == text(root))
        })
    });
    if let Some(root_changelog) = root {
        let owner = changelog_owner(facts, &rest, &root_changelog);
        if let Some(owner) = owner {
            for m in &rest {
                if m.manifest != owner.manifest && m.version != owner.version {
                    unchecked.push(format!("{} {}", m.name, m.version));
                }
            }
            targets.push((owner, root_changelog));
        }
    } else if !rest.is_empty() && !targets.is_empty() {
        unchecked.extend(rest.iter().map(|m| format!("{} {}", m.name, m.version)));
    }
    (targets, unchecked)
}

/// The member the changelog at `path` (shared by `members`) belongs to:
/// the one whose cargo-release configuration rewrites it on release
/// (typos-cli's `pre-release-replacements`, while the repository is named
/// after the `typos` library); else [`lead_member`], unless its version is
/// a release with no entry and another member's version is the newest
/// release entry.
pub(super) fn changelog_owner<'a>(
    facts: &Facts,
    members: &[&'a Member],
    path: &str,
) -> Option<&'a Member> {
    if let Some(named) = members
        .iter()
        .find(|m| m.release_files.iter().any(|f| f == path))
    {
        return Some(named);
    }
    let lead = lead_member(members)?;
    let Some(text) = facts.text(path).and_then(|t| t.text()) else {
        return Some(lead);
    };
    let entries = entries(text);
    let has = |m: &Member| {
        let v = Version::parse(&m.version).ok();
        entries
            .iter()
            .any(|e| e.version.is_some() && e.version == v)
    };
    // A lead at a pre-release (futures-core's 1.0.0-alpha.0) is the next
    // release in the making: its missing entry is expected, not a sign
    // that the changelog is another member's.
    if has(lead) || Version::parse(&lead.version).is_ok_and(|v| !v.pre.is_empty()) {
        return Some(lead);
    }
    let newest = entries
        .iter()
        .filter(|e| e.released)
        .filter_map(|e| e.version.clone())
        .max();
    let matching: Vec<&&Member> = members
        .iter()
        .filter(|m| newest.is_some() && Version::parse(&m.version).ok() == newest)
        .collect();
    match matching.as_slice() {
        [only] => Some(only),
        _ => Some(lead),
    }
}

/// The member a workspace's root changelog and bare `vX.Y.Z` tags follow:
/// the root package; in a virtual workspace the member named like the
/// repository (`alacritty` in alacritty/alacritty, whose
/// `alacritty_terminal` has a higher version), else the highest version.
pub(super) fn lead_member<'a>(members: &[&'a Member]) -> Option<&'a Member> {
    if let Some(root) = members.iter().find(|m| m.dir.is_empty()) {
        return Some(root);
    }
    let repo_name = members.iter().find_map(|m| {
        let url = m.repository.as_deref()?;
        let last = url.trim_end_matches('/').rsplit('/').next()?;
        Some(last.trim_end_matches(".git").to_ascii_lowercase())
    });
    if let Some(named) =
        repo_name.and_then(|r| members.iter().find(|m| m.name.to_ascii_lowercase() == r))
    {
        return Some(named);
    }
    members.iter().copied().max_by(|a, b| {
        match (Version::parse(&a.version), Version::parse(&b.version)) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.version.cmp(&b.version),
        }
    })
}

/// Phrases of a changelog that moved: "see GitHub Releases", "this file is
/// no longer maintained", "release notes are published on the releases page".
static MOVED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(\b(see|moved\s+to|now\s+(kept|maintained|published|lives?)|can\s+be\s+found|are\s+(kept|published|maintained))\b[^\n]{0,80}\b(github\s+)?releases?\b(\s+page)?|\b(changelog|release\s+notes|changes|this\s+file)\s+(has|have)\s+(moved|been\s+moved)\s+to\b|\bthis\s+(file|changelog)\s+is\s+(no\s+longer\s+(maintained|updated|used)|obsolete|deprecated|not\s+(maintained|updated))|\b(see|review|read|check|visit)\b[^\n]{0,60}\brelease\s+notes\b[^\n]{0,80}/releases\b|^\s*<?https?://[^\s>]+/releases/?>?\s*$|\b(later|newer|subsequent)\s+(versions|releases)\b[^\n]{0,60}\bsee\b[^\n]{0,80}\b(changelog|release\s+notes)\b|\b(versions?|releases?)\s+(after|since|newer\s+than|later\s+than)\s+v?\d[^\n]{0,60}\bsee\b[^\n]{0,80}\b(changelog|release\s+notes)\b)",
    )
});

/// The line of a "moved" notice near the top of a changelog (its first 40
/// lines): only there does it describe the file, not one release. A
/// notice wrapped over two lines ("please review the\nrelease notes on
/// [GitHub](…/releases)") is found at its first line.
fn moved_elsewhere(text: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().take(40).collect();
    (0..lines.len())
        .find(|&i| {
            MOVED.is_match(lines[i])
                || lines
                    .get(i + 1)
                    .is_some_and(|next| MOVED.is_match(&format!("{} {}", lines[i], next)))
        })
        .map(|i| i + 1)
}

/// A link in the root README to the release notes on a forge's releases
/// page (`[*Release notes*](https://github.com/dtolnay/syn/releases)`):
/// where a project without a changelog file keeps its history.
fn release_notes_link(facts: &Facts) -> Option<(String, usize)> {
    static LINK: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?i)(release[\s*_]+notes|change[\s-]?log|what'?s new|\breleases\b)[^\n]*https?://(github\.com|gitlab\.com|codeberg\.org)/[^)\s]+/releases\b",
        )
    });
    ["README.md", "README", "README.rst", "README.txt"]
        .iter()
        .find_map(|name| {
            let text = facts.text(name)?.text()?;
            let line = text.lines().position(|l| LINK.is_match(l))?;
            Some((name.to_string(), line + 1))
        })
}

/// The repository's changelog: a file at the root, else one in `docs/`,
/// `doc/` or `.github/`, else a directory of per-release files
/// (`changelog/0.27.0.md`; the shallowest, then the first by name).
pub(super) fn root_changelog(facts: &Facts) -> Option<String> {
    ["", "docs", "doc", ".github"]
        .iter()
        .find_map(|dir| find_changelog(facts, dir))
        .or_else(|| {
            let mut dirs: Vec<&str> = facts
                .files
                .iter()
                .map(|e| files::parent_dir(&e.path))
                .filter(|d| crate::facts::is_changelog_dir(d))
                .collect();
            dirs.sort_by_key(|d| (d.matches('/').count(), *d));
            dirs.first().map(|d| format!("{d}/"))
        })
}

/// Whether a changelog found by [`root_changelog`] is a directory of
/// per-release files (its path ends with `/`).
pub fn is_dir_changelog(path: &str) -> bool {
    path.ends_with('/')
}

/// The entries of a changelog directory: a version in a file's name
/// (`0.27.0.md`, `v1.2.3.md`) is a release, `unreleased.md` is the
/// Unreleased section, and the headings inside the files count too.
fn dir_entries(facts: &Facts, dir: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for e in facts.files.in_dir(dir.trim_end_matches('/')) {
        let name = files::file_name(&e.path);
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        if stem.to_ascii_lowercase().contains("unreleased") {
            out.push(Entry {
                line: 1,
                level: 1,
                version: None,
                released: false,
                heading: name.to_string(),
                prefix: String::new(),
            });
        } else if let Some(version) = version_in(stem) {
            out.push(Entry {
                line: 1,
                level: 1,
                released: !NOT_RELEASED.is_match(stem),
                version: Some(version),
                heading: name.to_string(),
                prefix: String::new(),
            });
        }
        if let Some(text) = facts.text(&e.path).and_then(|t| t.text()) {
            out.extend(entries(text));
        }
    }
    out
}

pub(super) fn find_changelog(facts: &Facts, dir: &str) -> Option<String> {
    let mut found = files_named(facts, dir, CHANGELOG_STEMS);
    // Prefer CHANGELOG over the other names, and Markdown over the rest.
    found.sort_by_key(|e| {
        let upper = e.path.to_ascii_uppercase();
        (
            !upper.contains("CHANGELOG"),
            !upper.ends_with(".MD"),
            e.path.clone(),
        )
    });
    found.first().map(|e| e.path.clone())
}

fn check_one(facts: &Facts, member: &Member, path: &str, findings: &mut Vec<Finding>) {
    let who = &member.name;
    if is_dir_changelog(path) {
        if let Ok(version) = Version::parse(&member.version) {
            judge(
                facts,
                member,
                path,
                &version,
                dir_entries(facts, path),
                findings,
            );
        }
        return;
    }
    let text = match facts.text(path).map(|t| &t.content) {
        Some(Ok(t)) => t,
        Some(Err(problem)) => {
            findings.push(
                Finding::error(format!("{who}:unreadable"), format!("{path} {problem}"))
                    .at(path, None)
                    .help("keep the changelog a plain UTF-8 text file"),
            );
            return;
        }
        None => {
            findings.push(
                Finding::error(format!("{who}:unread"), format!("{path} was not read"))
                    .at(path, None),
            );
            return;
        }
    };
    let Ok(version) = Version::parse(&member.version) else {
        return;
    };
    let entries = entries(text);
    if entries.iter().any(|e| e.version.as_ref() == Some(&version)) {
        return;
    }
    if let Some(line) = moved_elsewhere(text) {
        findings.push(
            Finding::note(
                format!("{who}:moved"),
                format!("{path} says the release notes are kept elsewhere (line {line}); {version} is not looked for in it"),
            )
            .at(path, Some(line)),
        );
        return;
    }
    judge(facts, member, path, &version, entries, findings);
}

/// The verdict on a changelog's `entries` for `member` at `version` (which
/// is not among them).
fn judge(
    facts: &Facts,
    member: &Member,
    path: &str,
    version: &Version,
    entries: Vec<Entry>,
    findings: &mut Vec<Finding>,
) {
    let who = &member.name;
    if entries.iter().any(|e| e.version.as_ref() == Some(version)) {
        return;
    }
    if is_dev(version) {
        findings.push(
            Finding::note(
                format!("{who}:dev:{version}"),
                format!("`{who}` is at {version}, a development version: {path} needs its entry at release time"),
            )
            .at(path, None),
        );
        return;
    }
    // Lines of a directory's entries are in different files: none is given.
    let dir = is_dir_changelog(path);
    let first_line = (!dir).then(|| entries.first().map_or(1, |e| e.line));
    let unreleased = entries.iter().find(|e| e.version.is_none());
    if let Some(u) = unreleased {
        match &facts.git {
            Some(git) if has_tag(&git.tags, who, &member.version) => {
                findings.push(
                    Finding::error(
                        format!("{who}:tagged-unreleased:{version}"),
                        format!("{version} is tagged in git but {path} only has it under Unreleased"),
                    )
                    .at(path, (!dir).then_some(u.line))
                    .help(format!("rename the Unreleased section to `## [{version}] - <date>` and open a new Unreleased above it")),
                );
            }
            Some(_) => {}
            None => findings.push(
                Finding::note(
                    format!("{who}:unreleased-unverified:{version}"),
                    format!("{version} is taken to be the Unreleased section of {path}; without git its tag could not be checked"),
                )
                .at(path, (!dir).then_some(u.line)),
            ),
        }
        return;
    }
    let newest = entries.iter().filter_map(|e| e.version.as_ref()).max();
    // The project tags its releases, the newest entry is tagged and this
    // version is not: bumped after the last release, in development
    // (rustup at 1.30.0 after tagging 1.29.0).
    if let (Some(git), Some(newest)) = (&facts.git, newest)
        && newest < version
        && has_tag(&git.tags, who, &newest.to_string())
        && !has_tag(&git.tags, who, &member.version)
    {
        findings.push(
            Finding::note(
                format!("{who}:in-development:{version}"),
                format!("`{who}` is at {version}, newer than its last tagged release {newest} and not tagged: taken to be in development; {path} needs its section at release time"),
            )
            .at(path, first_line),
        );
        return;
    }
    let finding = match newest {
        Some(newest) if newest < version => Finding::error(
            format!("{who}:stale:{version}"),
            format!("{path} is stale: its newest entry is {newest} but `{who}` is at {version}"),
        ),
        Some(_) => Finding::error(
            format!("{who}:missing-entry:{version}"),
            format!("{path} has no entry for {version}, the version of `{who}`"),
        ),
        None => Finding::error(
            format!("{who}:no-entries:{version}"),
            format!("{path} has no version headings; expected one for {version}"),
        ),
    };
    findings.push(
        finding
            .at(path, first_line)
            .help(format!("add `## [{version}] - YYYY-MM-DD` with the changes, or an `## [Unreleased]` section before tagging")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::git::GitFacts;

    fn member(version: &str) -> Member {
        Member::named("demo", version, "")
    }

    fn run(version: &str, changelog: &str, tags: Option<&[&str]>) -> Outcome {
        let mut facts = Facts::in_memory(vec![member(version)], &[("CHANGELOG.md", changelog)]);
        facts.git = tags.map(|t| GitFacts {
            tags: t.iter().map(|s| s.to_string()).collect(),
            ..GitFacts::default()
        });
        Changelog.run(&facts, &CheckConfig { level: Level::Deny })
    }

    #[test]
    fn a_version_bumped_after_the_last_tagged_release_is_in_development() {
        let o = run(
            "1.30.0",
            "## 1.29.0\n## 1.28.0\n",
            Some(&["1.28.0", "1.29.0"]),
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        // Tagged, or a project that tags nothing: stale.
        let o = run("1.30.0", "## 1.29.0\n", Some(&["1.29.0", "1.30.0"]));
        assert_eq!(o.status, Status::Fail);
        let o = run("1.30.0", "## 1.29.0\n", Some(&[]));
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn a_changelog_moved_to_a_book_passes_with_a_note() {
        // rust-lang/cargo.
        let o = run(
            "1.0.0",
            "# Changelog\n\nThe changelog has moved to the [Cargo Book](https://doc.rust-lang.org/cargo/CHANGELOG.html).\n",
            None,
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn a_changelog_that_says_it_moved_passes_with_a_note() {
        for moved in [
            "# Changelog\n\nSee [GitHub Releases](https://github.com/a/b/releases) for newer versions.\n\n## 0.3.0\n",
            "# Changelog\n\nThis file is no longer maintained; release notes are published on the releases page.\n",
            "https://github.com/a/b/releases\n",
            "# Changes\nThis changelog is obsolete.\n## 0.1.0\n",
            // chrono: wrapped over two lines, with an old Unreleased below.
            "ChangeLog\n=========\n\nChanges up to 0.4.19. For later releases, please review the\nrelease notes on [GitHub](https://github.com/a/b/releases).\n\n## 0.4.19\n",
            // nextest-runner: the crate's notes went to the CLI's changelog.
            "# Changelog\n\nFor versions after 0.75.0, see the [cargo-nextest changelog](https://nexte.st/changelog).\n\n## [0.75.0] - 2025-02-13\n\nSee the changelog for [cargo-nextest 0.9.92](https://nexte.st/changelog#0.9.92).\n",
        ] {
            let o = run("1.2.0", moved, Some(&["v1.2.0"]));
            assert_eq!(o.status, Status::Pass, "{moved}: {:?}", o.findings);
            assert!(o.findings[0].key.ends_with(":moved"), "{moved}");
        }
        // A release pointing at another changelog is not the file moving.
        let o = run(
            "1.2.0",
            "# Changelog\n\n## 1.1.0\n\nSee the changelog for [tool 0.9.92](https://x.dev/changelog).\n",
            Some(&["v1.2.0"]),
        );
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
        // Mentioning releases is not moving: still stale.
        let o = run(
            "1.2.0",
            "# Changelog\n\nBinaries are attached to each release.\n\n## 1.1.0\n",
            Some(&["v1.2.0"]),
        );
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
    }

    #[test]
    fn a_heading_for_a_range_of_releases_is_not_an_entry() {
        // rust-bindgen: `# 0.33.1 .. 0.46.0` summarises a range.
        let text = "# 0.47.0\n# 0.33.1 .. 0.46.0\n# 0.46.0\n# 0.33.1\n## 0.2.0 - 2024-01-01\n";
        let v: Vec<String> = entries(text)
            .into_iter()
            .filter_map(|e| e.version.map(|v| v.to_string()))
            .collect();
        assert_eq!(v, vec!["0.47.0", "0.46.0", "0.33.1", "0.2.0"]);
    }

    #[test]
    fn a_version_the_changelog_says_was_skipped_is_not_released() {
        let text = "# 0.68.0\n\n- fix\n\n# 0.67.0\n\nThis version was skipped due to some problems on the release workflow.\n\n# 0.66.0\n";
        let released: Vec<(String, bool)> = entries(text)
            .into_iter()
            .map(|e| {
                (
                    e.version.map(|v| v.to_string()).unwrap_or_default(),
                    e.released,
                )
            })
            .collect();
        assert_eq!(
            released,
            vec![
                ("0.68.0".to_string(), true),
                ("0.67.0".to_string(), false),
                ("0.66.0".to_string(), true)
            ]
        );
    }

    #[test]
    fn heading_styles_parse() {
        let text = "# Changelog\n## [Unreleased]\n## [1.2.0] - 2024-01-01\n# 1.1.0 (2023-01-01)\n## v1.0.0\n0.9.0\n=====\n";
        let v: Vec<Option<String>> = entries(text)
            .into_iter()
            .map(|e| e.version.map(|v| v.to_string()))
            .collect();
        assert_eq!(
            v,
            vec![
                None,
                Some("1.2.0".into()),
                Some("1.1.0".into()),
                Some("1.0.0".into()),
                Some("0.9.0".into())
            ]
        );
    }

    #[test]
    fn release_entries_use_the_dominant_level_and_flag_unreleased() {
        let text = "# Changelog\n## [Unreleased] - ReleaseDate\n## 2.0.0 - TBD\n## [1.2.0] - 2024\n### Bump foo to 3.4.5\n## tokio-util 0.7.1\n";
        let got: Vec<(usize, Option<String>, bool, String)> = release_entries(text)
            .into_iter()
            .map(|e| {
                (
                    e.line,
                    e.version.map(|v| v.to_string()),
                    e.released,
                    e.prefix,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (2, None, false, String::new()),
                (3, Some("2.0.0".into()), false, String::new()),
                (4, Some("1.2.0".into()), true, String::new()),
                (6, Some("0.7.1".into()), true, "tokio-util".into()),
            ]
        );
        assert_eq!(version_in("clap_lex-v0.2.3"), Version::parse("0.2.3").ok());
        assert_eq!(version_in("main"), None);
    }

    proptest::proptest! {
        #[test]
        fn entries_never_panic(text in "\\PC{0,300}") {
            let _ = entries(&text);
            let _ = release_entries(&text);
            let _ = version_in(&text);
        }

        #[test]
        fn heading_soup_never_panics(lines in proptest::collection::vec("[#=\\-\\[\\] v0-9.a-zA-Z()\\r\\t`~]{0,30}", 0..40)) {
            let text = lines.join("\n");
            let _ = release_entries(&text);
        }
    }

    #[test]
    fn entry_for_version_passes() {
        assert_eq!(
            run("1.2.0", "## [1.2.0] - 2024\n", Some(&[])).status,
            Status::Pass
        );
    }

    #[test]
    fn stale_names_both_versions() {
        let o = run("1.3.0", "# Changelog\n\n## [1.2.0] - 2024\n", Some(&[]));
        assert_eq!(o.status, Status::Fail);
        assert!(o.findings[0].message.contains("1.2.0") && o.findings[0].message.contains("1.3.0"));
        assert_eq!(o.findings[0].line, Some(3));
    }

    #[test]
    fn unreleased_counts_until_tagged() {
        let text = "## [Unreleased]\n## [1.2.0]\n";
        assert_eq!(run("1.3.0", text, Some(&["v1.2.0"])).status, Status::Pass);
        let o = run("1.3.0", text, Some(&["v1.2.0", "v1.3.0"]));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(1));
    }

    #[test]
    fn the_root_changelog_belongs_to_the_member_released_with_it() {
        // typos: the repository is named after the `typos` library, but
        // the root changelog is typos-cli's (its cargo-release config
        // rewrites it, and its version is the newest entry).
        let described = |name: &str, version: &str| {
            let mut m = Member::named(name, version, &format!("crates/{name}"));
            m.description = Some(format!("{name} crate"));
            m.repository = Some("https://github.com/crate-ci/typos".into());
            m
        };
        let lib = described("typos", "0.10.43");
        let mut cli = described("typos-cli", "1.48.0");
        let changelog = (
            "CHANGELOG.md",
            "## [Unreleased]\n\n## [1.48.0] - 2026-06-30\n\n## [1.47.2]\n",
        );
        for by_config in [true, false] {
            cli.release_files = if by_config {
                vec!["CHANGELOG.md".to_string()]
            } else {
                Vec::new()
            };
            let facts = Facts::in_memory(vec![lib.clone(), cli.clone()], &[changelog]);
            let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
            assert_eq!(o.status, Status::Pass, "{by_config}: {:?}", o.findings);
            assert!(
                o.note.as_deref().unwrap_or("").contains("typos-cli 1.48.0"),
                "{:?}",
                o.note
            );
        }
        // Without either sign, the member named like the repository leads.
        let facts = Facts::in_memory(vec![lib, described("typos-cli", "1.49.0")], &[changelog]);
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert!(
            o.note
                .as_deref()
                .unwrap_or("")
                .contains("checked against typos 0.10.43"),
            "{:?}",
            o.note
        );
    }

    #[test]
    fn members_sharing_the_root_changelog_are_not_failed() {
        let mut lib = member("0.4.20");
        lib.name = "globset".into();
        lib.dir = "crates/globset".into();
        lib.manifest = "crates/globset/Cargo.toml".into();
        lib.description = Some("Glob sets".into());
        let facts = Facts::in_memory(
            vec![member("15.0.0"), lib.clone()],
            &[("CHANGELOG.md", "## 15.0.0\n")],
        );
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(o.note.as_deref().unwrap_or("").contains("globset 0.4.20"));
        // With its own changelog the member is checked against it.
        let facts = Facts::in_memory(
            vec![member("15.0.0"), lib],
            &[
                ("CHANGELOG.md", "## 15.0.0\n"),
                ("crates/globset/CHANGELOG.md", "## 0.4.19\n"),
            ],
        );
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some("crates/globset/CHANGELOG.md")
        );
    }

    #[test]
    fn a_directory_of_release_files_is_a_changelog() {
        let files = [
            ("Cargo.toml", "[package]\nname = \"a\"\n"),
            ("docs/src/changelog/0.1.0.md", "Fixed things.\n"),
            ("docs/src/changelog/v0.2.0.md", "Added things.\n"),
            ("docs/src/changelog/README.md", "# 0.3.0-beta.1\n"),
            ("vendor/other/changelog/9.0.0.md", "\n"),
        ];
        let outcome = |version: &str| {
            let facts = Facts::in_memory(vec![member(version)], &files);
            Changelog.run(&facts, &CheckConfig { level: Level::Deny })
        };
        assert_eq!(outcome("0.2.0").status, Status::Pass);
        assert_eq!(outcome("0.3.0-beta.1").status, Status::Pass);
        let stale = outcome("0.4.0");
        assert_eq!(stale.status, Status::Fail);
        assert_eq!(
            stale.findings[0].path.as_deref(),
            Some("docs/src/changelog/")
        );
        assert!(
            stale.findings[0]
                .message
                .contains("newest entry is 0.3.0-beta.1")
        );
    }

    #[test]
    fn a_vendored_members_changelog_is_its_upstreams() {
        let mut foo = Member::named("foo", "3.0.0", "vendor/foo");
        foo.description = Some("Vendored".into());
        let facts = Facts::in_memory(
            vec![member("1.0.0"), foo],
            &[
                ("CHANGELOG.md", "## 1.0.0\n"),
                ("vendor/foo/Cargo.toml", "[package]\nname = \"foo\"\n"),
                ("vendor/foo/CHANGELOG.md", "## 2.0.0\n"),
            ],
        );
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(
            o.note
                .as_deref()
                .unwrap_or("")
                .contains("foo 3.0.0 (vendored)")
        );
    }

    #[test]
    fn a_changelog_in_docs_counts() {
        let facts = Facts::in_memory(
            vec![member("1.0.0")],
            &[("docs/CHANGELOG.md", "## 1.0.0\n")],
        );
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn missing_changelog_fails() {
        let facts = Facts::in_memory(vec![member("1.0.0")], &[]);
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].key, "missing");
        // A README link to a release page that is not about notes: still
        // missing.
        let facts = Facts::in_memory(
            vec![member("1.0.0")],
            &[(
                "README.md",
                "Download binaries from https://github.com/a/b/releases/latest\n",
            )],
        );
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn release_notes_linked_from_the_readme_are_the_changelog() {
        // syn: no changelog file; the README links the releases page.
        let facts = Facts::in_memory(
            vec![member("1.0.0")],
            &[(
                "README.md",
                "# syn\n\n[*Release notes*](https://github.com/dtolnay/syn/releases)\n",
            )],
        );
        let o = Changelog.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(o.note.unwrap_or_default().contains("README.md:3"));
    }
}
