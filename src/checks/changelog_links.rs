//! `changelog-links`: the changelog's version links point at this
//! repository and at tags that exist, versions descend, and every heading
//! and link definition has its counterpart.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use semver::Version;

use super::changelog::{self, Entry, release_entries, version_in};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::workspace::Member;
use crate::parse::forge::{self, ForgeLink, LinkKind, Repo};
use crate::parse::markdown::{self, LinkDef, Target};

/// See [`Check::docs`].
pub struct ChangelogLinks;

impl Check for ChangelogLinks {
    fn id(&self) -> &'static str {
        "changelog-links"
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
        "changelog version links point at this repository and at tags that exist; versions descend"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
In each changelog the `changelog` check reads (the root one and members'
own), the links attached to versions — reference definitions such as
`[1.2.0]: https://github.com/OWNER/REPO/compare/v1.1.0...v1.2.0` and
inline links in version headings — on GitHub, GitLab (`/-/compare/…`,
`/-/tags/…`) and Gitea/Forgejo/Codeberg (`/src/tag/…`):

- **errors**: a link to another repository than `package.repository` (or
  `workspace.package.repository`; the git `origin` remote when neither is
  set) — except the crate's history from a previous home, which is a
  note: versions older than every version linked to this repository (or
  than the newest release linked nowhere else), and links older than the
  crate's version whose tags this repository never had; a tag that does not exist in git; a link for `[1.2.0]` that ends at
  another version's tag; an `[Unreleased]` link that starts at another
  version than the latest release, or ends at a version; versions out of order (newest first; a patch
  release of an older line listed by date, a backport, is accepted, and
  pre-releases are not ordered) or listed twice;
- **warnings**: a version heading with no link while the others have one,
  or a bracketed `[1.2.0]` heading with no definition; a version definition
  no heading uses; an `[Unreleased]` section below a released version; an
  `[Unreleased]` link whose base names no version (a branch or a moving
  tag such as `shipped`).

Headings marked as not released (`Unreleased`, `TBD`, `ReleaseDate`) need
no tag. Before the first release an `[Unreleased]` link to the branch
(`/commits/main`) is right. A changelog with no version links at all passes
with a note. Tags are verified only when git is available and the clone has
its tags (a shallow CI checkout without tags is noted, not failed); fetch
them with `fetch-depth: 0`.

## Why
Release notes are read through their links: "what changed between 1.1 and
1.2" is the compare link. Links to a fork, to a tag that was never pushed,
or to the wrong range send readers and auditors to the wrong code.

## Passing example
```markdown
## [Unreleased]
## [1.2.0] - 2026-03-01
## [1.1.0] - 2026-01-10

[Unreleased]: https://github.com/acme/widget/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/acme/widget/compare/v1.1.0...v1.2.0
[1.1.0]: https://github.com/acme/widget/releases/tag/v1.1.0
```

## How to fix
Point each link at `package.repository`, push the missing tags
(`git push origin v1.2.0`) or correct the link, keep versions newest first,
and after each release move `[Unreleased]` to compare the new tag with
`HEAD`.
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
        let (targets, _) = changelog::targets(facts, &candidates);
        let mut seen = BTreeSet::new();
        let targets: Vec<(&Member, String)> = targets
            .into_iter()
            // A directory of per-release files has no version links.
            .filter(|(_, p)| !changelog::is_dir_changelog(p) && seen.insert(p.clone()))
            .collect();
        if targets.is_empty() {
            // Links are optional in a changelog, and a missing changelog is
            // `changelog`'s finding (it cannot pass without one): failing
            // here too would fail the gate twice for one fact.
            return Outcome::skip(
                "no changelog, so there are no release links to check (`changelog` reports the missing file)",
            );
        }
        let tags = TagState::of(facts);
        let mut findings = Vec::new();
        let mut notes = Vec::new();
        let mut ok = 0usize;
        let mut named_tags = false;
        for (member, path) in &targets {
            let text = match super::support::text_or_finding(facts, path, path) {
                Ok(t) => t,
                Err(f) => {
                    findings.push(f.help("keep the changelog a plain UTF-8 text file under 16 MB; its links cannot be checked otherwise"));
                    continue;
                }
            };
            let repo = expected_repo(facts, member);
            if repo.is_none() {
                notes.push("no `repository` in Cargo.toml and no git `origin`: link targets were not compared with the repository".to_string());
            }
            let before = findings.len();
            let ctx = FileCtx {
                path,
                repo: repo.as_ref(),
                tags: &tags,
                named_tags: &mut named_tags,
                oldest_own: None,
                current: semver::Version::parse(&member.version).ok(),
                crate_name: &member.name,
            };
            check_file(ctx, text, &mut findings);
            if findings[before..]
                .iter()
                .all(|f| f.severity < Severity::Error)
            {
                ok += 1;
            }
        }
        if named_tags && let TagState::Unknown(why) = &tags {
            // Could not look: say so as a finding, never a silent pass.
            findings.push(
                Finding::warning(
                    "tags-unverified",
                    format!("the tags the changelog's links name were not verified: {why}"),
                )
                .help("run where git has the tags (in CI: actions/checkout with `fetch-depth: 0`)"),
            );
        }
        let score = ok as f64 / targets.len() as f64;
        let outcome = Outcome::from_findings(findings, score);
        if notes.is_empty() {
            outcome
        } else {
            notes.dedup();
            outcome.with_note(notes.join("; "))
        }
    }
}

/// What git says about tags.
enum TagState<'a> {
    /// The repository's tags.
    Known(&'a BTreeSet<String>),
    /// Tags cannot be judged, and why.
    Unknown(&'static str),
}

impl<'a> TagState<'a> {
    fn of(facts: &'a Facts) -> TagState<'a> {
        match &facts.git {
            None => TagState::Unknown("git is not available or this is not a git work tree"),
            Some(g) if g.shallow && g.tags.is_empty() => TagState::Unknown(
                "the clone is shallow and has no tags (actions/checkout: `fetch-depth: 0`)",
            ),
            Some(g) => TagState::Known(&g.tags),
        }
    }
}

/// The repository links should point at: the member's `repository`, any
/// member's, or the git `origin`.
pub(super) fn expected_repo(facts: &Facts, member: &Member) -> Option<Repo> {
    member
        .repository
        .as_deref()
        .and_then(forge::parse_repository)
        .or_else(|| {
            facts
                .members
                .iter()
                .filter_map(|m| m.repository.as_deref())
                .find_map(forge::parse_repository)
        })
        .or_else(|| {
            facts
                .git
                .as_ref()
                .and_then(|g| g.origin_url.as_deref())
                .and_then(forge::parse_repository)
        })
}

struct FileCtx<'a> {
    path: &'a str,
    repo: Option<&'a Repo>,
    tags: &'a TagState<'a>,
    named_tags: &'a mut bool,
    /// The oldest version whose link points at this repository: links of
    /// older versions to another repository are the crate's history from
    /// its previous home (cargo's `home` crate, once `brson/home`).
    oldest_own: Option<Version>,
    /// The member's version in Cargo.toml.
    current: Option<Version>,
    /// The member's name: when its own tags here carry it
    /// (`ratatui-macros-v0.7.0`), bare `v0.6.0` tags are another crate's.
    crate_name: &'a str,
}

impl FileCtx<'_> {
    /// Whether tag `r` is one this file's crate has here: it exists, and
    /// when the crate's tags carry its name, it does too.
    fn is_own_tag(&self, tags: &BTreeSet<String>, r: &str) -> bool {
        if !tags.contains(r) {
            return false;
        }
        let name = self.crate_name;
        let prefixed = |t: &str| {
            t.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(['-', '@', '/', '_']))
        };
        prefixed(r) || !tags.iter().any(|t| prefixed(t))
    }
}

/// What a link is attached to.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Version(&'a Version),
    Unreleased,
}

/// A ref that names a release tag rather than a branch, `HEAD` or a commit.
/// The version a reference definition links, when it is a version's link:
/// its label is only a version and it does not point at a search or list.
fn version_def(d: &LinkDef) -> Option<Version> {
    // A link to a pull-request search or an issue list is not a release.
    let release_like = forge::parse_link(&d.url).is_none_or(|l| !matches!(l.kind, LinkKind::Other));
    label_version(&d.label).filter(|_| release_like)
}

/// The version a label names when it is only a version: `1.2.0`,
/// `v1.2.0`, `2.0.0 Rc0` (read as `2.0.0-rc0`).
fn label_version(label: &str) -> Option<Version> {
    let norm = label.trim().replace(' ', "-").to_ascii_lowercase();
    let bare = norm.strip_prefix('v').unwrap_or(&norm);
    changelog::lenient_version(bare)
}

fn is_tag_like(r: &str) -> bool {
    !forge::is_commit_id(r) && version_in(r).is_some()
}

fn is_unreleased_label(label: &str) -> bool {
    label.to_ascii_lowercase().contains("unreleased")
}

fn check_file(mut ctx: FileCtx<'_>, text: &str, findings: &mut Vec<Finding>) {
    let path = ctx.path;
    let entries = release_entries(text);
    let defs = markdown::link_defs(text);
    let mut by_label: BTreeMap<String, &LinkDef> = BTreeMap::new();
    for d in &defs {
        by_label
            .entry(markdown::normalize_label(&d.label))
            .or_insert(d);
    }
    // The changelog's own series is the one its newest released entry is
    // in: `## Rust 0.12.0` in rand's history is the compiler's version, not
    // a release newer than the 0.10 at the top.
    let series = entries
        .iter()
        .find(|e| e.released && e.version.is_some())
        .map(|e| e.prefix.as_str());
    let latest_release = entries
        .iter()
        .filter(|e| e.released && Some(e.prefix.as_str()) == series)
        .filter_map(|e| e.version.as_ref().map(|v| (v, e.line)))
        .max_by(|a, b| a.0.cmp(b.0));

    // The oldest version linked to this repository (definitions and
    // inline heading links).
    if let Some(expected) = ctx.repo {
        let own = |url: &str| forge::parse_link(url).is_some_and(|l| l.repo == *expected);
        let inline = entries.iter().filter_map(|e| {
            let v = e.version.as_ref()?;
            markdown::links_in(&e.heading)
                .into_iter()
                .find_map(|l| match &l.target {
                    Target::Inline(url) if own(url) => Some(v.clone()),
                    _ => None,
                })
        });
        ctx.oldest_own = defs
            .iter()
            .filter(|d| own(&d.url))
            .filter_map(version_def)
            .chain(inline)
            .min();
        if ctx.oldest_own.is_none() {
            // No link here at all (cargo's `home`: recent sections carry
            // none, the old ones link to brson/home): the newest release
            // not linked elsewhere marks where this repository's history
            // starts.
            let foreign: BTreeSet<Version> = defs
                .iter()
                .filter(|d| forge::parse_link(&d.url).is_some_and(|l| l.repo != *expected))
                .filter_map(version_def)
                .collect();
            ctx.oldest_own = entries
                .iter()
                .filter(|e| e.released)
                .filter_map(|e| e.version.clone())
                .filter(|v| !foreign.contains(v))
                .max();
        }
    }

    // Links attached to version headings.
    let mut used_labels: BTreeSet<String> = BTreeSet::new();
    // A definition is a version's link when its label is just a version
    // (`[1.2.0]`, `[v1.2.0]`, `[2.0.0 Rc0]`) or a version heading uses it
    // (`## [tokio-1.2.0]`); `[range-0.16.0]: https://docs…` and
    // `[0.6.2-prs]: …/pulls?q=…` are other links that mention a version.
    let mut any_version_link = defs
        .iter()
        .any(|d| version_def(d).is_some() || is_unreleased_label(&d.label));
    let mut unlinked: Vec<&Entry> = Vec::new();
    // Versions whose heading is linked: history older than the oldest of
    // them predates the project's use of links and is not judged.
    let mut oldest_linked: Option<&Version> = None;
    for e in &entries {
        let subject = match &e.version {
            Some(v) => Subject::Version(v),
            None => Subject::Unreleased,
        };
        let link = markdown::links_in(&e.heading)
            .into_iter()
            .find(|l| match subject {
                Subject::Version(v) => version_in(&l.text).as_ref() == Some(v),
                Subject::Unreleased => is_unreleased_label(&l.text),
            });
        match link {
            Some(l) => match &l.target {
                Target::Inline(url) => {
                    any_version_link = true;
                    oldest_linked = older(oldest_linked, e.version.as_ref());
                    check_url(&mut ctx, subject, url, e.line, latest_release, findings);
                }
                _ => {
                    let label = markdown::normalize_label(l.label().unwrap_or(&l.text));
                    if by_label.contains_key(&label) {
                        any_version_link = true;
                        used_labels.insert(label);
                        oldest_linked = older(oldest_linked, e.version.as_ref());
                    } else if e.released || e.version.is_none() {
                        unlinked.push(e);
                    }
                }
            },
            None if e.released => unlinked.push(e),
            None => {}
        }
    }

    // Reference definitions for versions and Unreleased.
    let label_uses = label_uses(text);
    for d in &defs {
        let subject_version;
        let by_heading = used_labels.contains(&markdown::normalize_label(&d.label));
        let subject = if is_unreleased_label(&d.label) {
            Subject::Unreleased
        } else if let Some(v) =
            version_def(d).or_else(|| by_heading.then(|| version_in(&d.label)).flatten())
        {
            subject_version = v;
            Subject::Version(&subject_version)
        } else {
            continue;
        };
        check_url(&mut ctx, subject, &d.url, d.line, latest_release, findings);
        let label = markdown::normalize_label(&d.label);
        let used = used_labels.contains(&label)
            || label_uses
                .get(&label)
                .is_some_and(|lines| lines.iter().any(|l| *l != d.line));
        if !used {
            findings.push(
                Finding::warning(
                    format!("unused:{label}"),
                    format!(
                        "the link definition [{}] is not used by any heading",
                        d.label
                    ),
                )
                .at(path, Some(d.line))
                .help("add the version's heading, or delete the definition"),
            );
        }
    }

    if any_version_link {
        // A bracketed heading without a definition is a broken link in any
        // era; an unlinked one only counts once the project uses links.
        // When the only links are the crate's history at its previous
        // home, the sections written here never used links: not judged.
        let links_here = ctx.repo.is_none_or(|expected| {
            defs.iter()
                .any(|d| forge::parse_link(&d.url).is_some_and(|l| l.repo == *expected))
                || entries.iter().any(|e| {
                    markdown::links_in(&e.heading).iter().any(|l| {
                        matches!(&l.target, Target::Inline(url)
                            if forge::parse_link(url).is_some_and(|f| f.repo == *expected))
                    })
                })
        });
        let judged = |e: &&Entry| match (&e.version, oldest_linked) {
            _ if !links_here && !e.heading.contains('[') => false,
            (Some(v), Some(oldest)) => v >= oldest || e.heading.contains('['),
            _ => true,
        };
        for e in unlinked.into_iter().filter(judged) {
            let what = e
                .version
                .as_ref()
                .map_or("Unreleased".to_string(), Version::to_string);
            let bracketed = e.heading.contains('[');
            let message = if bracketed {
                format!(
                    "the heading for {what} is written as a link but no [{what}] definition exists"
                )
            } else {
                format!("the heading for {what} has no link, unlike the other versions")
            };
            findings.push(
                Finding::warning(format!("no-link:{what}"), message)
                    .at(path, Some(e.line))
                    .help(format!(
                        "add `[{what}]: <compare or release URL>` at the end of the file"
                    )),
            );
        }
    } else if !entries.is_empty() {
        findings.push(
            Finding::note(
                "no-links",
                format!("{path} has no version links; they are optional, but readers use them to see each release's changes"),
            )
            .at(path, None),
        );
    }

    check_order(path, &entries, findings);
}

/// The older of two optional versions, ignoring `None`.
fn older<'v>(a: Option<&'v Version>, b: Option<&'v Version>) -> Option<&'v Version> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The lines on which each label is used as a reference (`[label]`,
/// `[text][label]`), in one pass over the text.
fn label_uses(text: &str) -> BTreeMap<String, Vec<usize>> {
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if !line.contains('[') {
            continue;
        }
        for l in markdown::links_in(line) {
            if matches!(l.target, Target::Inline(_)) {
                continue;
            }
            if let Some(label) = l.label() {
                out.entry(markdown::normalize_label(label))
                    .or_default()
                    .push(i + 1);
            }
        }
    }
    out
}

/// Whether `link` names the same repository as `expected` under another
/// owner on the same forge (a transfer or an organisation rename).
fn is_old_home(link: &Repo, expected: &Repo) -> bool {
    link.host == expected.host
        && link.path != expected.path
        && link.path.rsplit('/').next() == expected.path.rsplit('/').next()
}

/// Whether both headings carry an ISO date and `above` is not older:
/// the sections are in release order, newest first, whatever the version
/// numbers say (dua-cli's generated changelog interleaves empty sections of
/// another series: `## v0.14.0 (2021-01-04)` above `## v2.10.7 (2020-12-16)`).
fn dated_newest_first(above: &Entry, below: &Entry) -> bool {
    match (iso_date(&above.heading), iso_date(&below.heading)) {
        (Some(a), Some(b)) => a >= b,
        _ => false,
    }
}

/// The first `YYYY-MM-DD` in `text`.
fn iso_date(text: &str) -> Option<&str> {
    static DATE: LazyLock<Regex> = LazyLock::new(|| crate::util::regex(r"\b\d{4}-\d{2}-\d{2}\b"));
    DATE.find(text).map(|m| m.as_str())
}

fn check_url(
    ctx: &mut FileCtx<'_>,
    subject: Subject<'_>,
    url: &str,
    line: usize,
    latest: Option<(&Version, usize)>,
    findings: &mut Vec<Finding>,
) {
    let path = ctx.path;
    let Some(ForgeLink { repo, kind }) = forge::parse_link(url) else {
        return;
    };
    let what = match subject {
        Subject::Version(v) => v.to_string(),
        Subject::Unreleased => "Unreleased".to_string(),
    };
    if let Some(expected) = ctx.repo
        && repo != *expected
    {
        // Or history whose tags this repository never had: links to the
        // old home of a crate that moved in (rustfix's changelog stops at
        // 0.4.6 and links rust-lang-nursery/rustfix; the crate is at 0.9).
        let refs: Vec<&str> = match &kind {
            LinkKind::Compare { base, head } => vec![base.as_str(), head.as_str()],
            LinkKind::Tag(t) | LinkKind::Tree(t) => vec![t.as_str()],
            LinkKind::Commit(_) | LinkKind::Other => Vec::new(),
        };
        let tags_elsewhere = matches!(ctx.tags, TagState::Known(tags)
            if !refs.is_empty() && refs.iter().filter(|r| is_tag_like(r)).all(|r| !ctx.is_own_tag(tags, r)));
        let older_than_current = match subject {
            Subject::Version(v) => ctx.current.as_ref().is_some_and(|c| v < c),
            // `[Unreleased]` of an abandoned history, compared from one of
            // its own tags.
            Subject::Unreleased => ctx.oldest_own.is_none(),
        };
        let history = match subject {
            Subject::Version(v) => ctx.oldest_own.as_ref().is_some_and(|own| v < own),
            Subject::Unreleased => false,
        } || (tags_elsewhere && older_than_current);
        if history && !is_old_home(&repo, expected) {
            // History from before the crate moved here: its tags are the
            // other repository's, and its links still work.
            findings.push(
                Finding::note(
                    format!("previous-home:{what}"),
                    format!(
                        "the [{what}] link points at {repo}: history from before the crate moved to {expected}"
                    ),
                )
                .at(path, Some(line)),
            );
            return;
        }
        if !is_old_home(&repo, expected) {
            findings.push(
                Finding::error(
                    format!("repo:{what}"),
                    format!(
                        "the [{what}] link points at {repo}, but the package repository is {expected}"
                    ),
                )
                .at(path, Some(line))
                .help(format!("point it at https://{expected}/…")),
            );
            return;
        }
        // rust-lang-nursery/log → rust-lang/log: the forge redirects a
        // transferred repository's URLs, so the link still works and its
        // tags are this repository's (checked below). Worth updating, not
        // a broken link.
        findings.push(
            Finding::warning(
                format!("moved:{what}"),
                format!(
                    "the [{what}] link points at {repo}, the repository's old home (the package repository is {expected}); the forge redirects it"
                ),
            )
            .at(path, Some(line))
            .help(format!("point it at https://{expected}/… (if {repo} is a fork, it is the wrong repository)")),
        );
    }
    let (base, head): (Option<&str>, &str) = match &kind {
        LinkKind::Compare { base, head } => (Some(base.as_str()), head.as_str()),
        LinkKind::Tag(t) | LinkKind::Tree(t) => (None, t.as_str()),
        LinkKind::Commit(_) | LinkKind::Other => return,
    };
    // Every tag named must exist.
    for r in base.into_iter().chain([head]) {
        if !is_tag_like(r) {
            continue;
        }
        *ctx.named_tags = true;
        if let TagState::Known(tags) = ctx.tags
            && !tags.contains(r)
        {
            findings.push(
                Finding::error(
                    format!("no-tag:{what}:{r}"),
                    format!("the [{what}] link names tag `{r}`, which does not exist in git"),
                )
                .at(path, Some(line))
                .help(format!(
                    "push the tag (`git push origin {r}`) or fix the link to use an existing tag"
                )),
            );
        }
    }
    match subject {
        Subject::Version(v) => {
            match version_in(head) {
                Some(hv) if hv == *v => {}
                Some(hv) => findings.push(
                    Finding::error(
                        format!("wrong-version:{v}"),
                        format!("the [{v}] link ends at `{head}` ({hv}), not at {v}'s tag"),
                    )
                    .at(path, Some(line))
                    .help(format!("make the link end at the tag of {v}")),
                ),
                None => findings.push(
                    Finding::warning(
                        format!("not-a-tag:{v}"),
                        format!("the [{v}] link points at `{head}`, not at the release tag"),
                    )
                    .at(path, Some(line))
                    .help(format!(
                        "link {v} to its tag (compare/PREVIOUS...TAG or releases/tag/TAG)"
                    )),
                ),
            }
            if let Some(bv) = base.and_then(version_in)
                && bv >= *v
            {
                findings.push(
                    Finding::warning(
                        format!("backwards:{v}"),
                        format!(
                            "the [{v}] link compares from `{}` ({bv}), which is not older than {v}",
                            base.unwrap_or("")
                        ),
                    )
                    .at(path, Some(line))
                    .help("compare from the previous release's tag"),
                );
            }
        }
        Subject::Unreleased => {
            if version_in(head).is_some() {
                findings.push(
                    Finding::error(
                        "unreleased-head",
                        format!("the [Unreleased] link ends at `{head}`; it should compare the latest release with HEAD"),
                    )
                    .at(path, Some(line))
                    .help("make it compare/LATEST-TAG...HEAD"),
                );
                return;
            }
            let Some((latest, latest_line)) = latest else {
                return;
            };
            match base.and_then(version_in) {
                Some(bv) if bv == *latest => {}
                Some(bv) => findings.push(
                    Finding::error(
                        "unreleased-base",
                        format!(
                            "the [Unreleased] link compares from `{}` ({bv}), but the latest release is {latest} (line {latest_line})",
                            base.unwrap_or("")
                        ),
                    )
                    .at(path, Some(line))
                    .help(format!("compare from the tag of {latest} to HEAD")),
                ),
                None => findings.push(
                    Finding::warning(
                        "unreleased-not-compare",
                        format!("the [Unreleased] link does not compare {latest}'s tag with HEAD"),
                    )
                    .at(path, Some(line))
                    .help(format!("use https://{repo}/compare/<tag of {latest}>...HEAD")),
                ),
            }
        }
    }
}

/// Versions must descend (within each crate's headings); an `Unreleased`
/// section belongs above released versions.
fn check_order(path: &str, entries: &[Entry], findings: &mut Vec<Finding>) {
    let mut groups: BTreeMap<&str, Vec<(&Version, &Entry)>> = BTreeMap::new();
    // Pre-releases are left out: projects number them inconsistently
    // (`1.0.0-beta-rc.1` before `1.0.0-beta.0` sorts backwards in semver).
    for e in entries {
        if let Some(v) = e.version.as_ref().filter(|v| v.pre.is_empty()) {
            groups.entry(e.prefix.as_str()).or_default().push((v, e));
        }
    }
    for list in groups.values() {
        let pairs: Vec<_> = list.windows(2).map(|w| (w[0], w[1])).collect();
        let ascending: Vec<_> = pairs
            .iter()
            .filter(|((above, a), (below, b))| {
                below > above
                    && !is_backport(above, below)
                    && a.line < b.line
                    && !dated_newest_first(a, b)
            })
            .collect();
        let duplicates = pairs
            .iter()
            .filter(|((above, _), (below, _))| above == below);
        for ((v, first), (_, again)) in duplicates {
            findings.push(
                Finding::error(
                    format!("duplicate:{v}"),
                    format!(
                        "{v} is listed twice (lines {} and {})",
                        first.line, again.line
                    ),
                )
                .at(path, Some(again.line))
                .help("merge the two sections"),
            );
        }
        if ascending.len() >= 3 && ascending.len() * 2 > pairs.len() {
            let ((first, e), _) = ascending[0];
            findings.push(
                Finding::error(
                    "oldest-first",
                    format!("{path} lists versions oldest first (from {first} on line {}); Keep a Changelog puts the newest first", e.line),
                )
                .at(path, Some(e.line))
                .help("reverse the order of the version sections"),
            );
            continue;
        }
        for ((above, a), (below, b)) in ascending {
            findings.push(
                Finding::error(
                    format!("order:{below}"),
                    format!("{below} (line {}) is listed below the older {above} (line {}); versions must be newest first", b.line, a.line),
                )
                .at(path, Some(b.line))
                .help(format!("move the {below} section above {above}")),
            );
        }
    }
    let first_released = entries.iter().find(|e| e.released).map(|e| e.line);
    if let Some(first) = first_released {
        for e in entries
            .iter()
            .filter(|e| e.version.is_none() && e.line > first)
        {
            findings.push(
                Finding::warning(
                    "unreleased-below",
                    format!("the Unreleased section (line {}) is below a released version (line {first})", e.line),
                )
                .at(path, Some(e.line))
                .help("move Unreleased to the top"),
            );
        }
    }
}

/// A patch release of an older line listed by date above the newer line's
/// release (1.38.2 released after 1.40.0 and listed above it).
fn is_backport(above: &Version, below: &Version) -> bool {
    above.patch > 0 && (above.major, above.minor) != (below.major, below.minor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::git::GitFacts;
    use proptest::prelude::*;

    fn facts(changelog: &str, tags: Option<&[&str]>) -> Facts {
        let mut m = Member::named("widget", "1.2.0", "");
        m.repository = Some("https://github.com/acme/widget".into());
        let mut f = Facts::in_memory(vec![m], &[("CHANGELOG.md", changelog)]);
        f.git = tags.map(|t| GitFacts {
            tags: t.iter().map(|s| s.to_string()).collect(),
            ..GitFacts::default()
        });
        f
    }

    fn run(changelog: &str, tags: Option<&[&str]>) -> Outcome {
        ChangelogLinks.run(&facts(changelog, tags), &CheckConfig { level: Level::Deny })
    }

    fn keys(o: &Outcome) -> Vec<(String, Option<usize>)> {
        o.findings.iter().map(|f| (f.key.clone(), f.line)).collect()
    }

    const GOOD: &str = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-03-01\n\n## [1.1.0] - 2026-01-10\n\n[Unreleased]: https://github.com/acme/widget/compare/v1.2.0...HEAD\n[1.2.0]: https://github.com/acme/widget/compare/v1.1.0...v1.2.0\n[1.1.0]: https://github.com/acme/widget/releases/tag/v1.1.0\n";

    #[test]
    fn well_kept_changelog_passes() {
        let o = run(GOOD, Some(&["v1.1.0", "v1.2.0"]));
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(o.findings.is_empty());
        // Without git the links are still checked; the tags could not be:
        // a warning, never a silent pass — and not a failure either.
        let o = run(GOOD, None);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].key, "tags-unverified");
        assert!(o.findings[0].message.contains("not verified"));
    }

    #[test]
    fn crlf_and_inline_heading_links() {
        let text = "## [1.2.0](https://github.com/acme/widget/compare/v1.1.0...v1.2.0) - 2026\r\n## [1.1.0](https://github.com/acme/widget/releases/tag/v1.1.0)\r\n";
        let o = run(text, Some(&["v1.1.0", "v1.2.0"]));
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn unreleased_first_version_links_to_branch() {
        let text = "## [Unreleased]\n\n### Added\n- everything\n\n[Unreleased]: https://github.com/acme/widget/commits/main\n";
        let o = run(text, Some(&[]));
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn dated_sections_in_release_order_are_newest_first() {
        // A generated changelog with empty sections of another series.
        let text = "## v2.10.8 (2021-01-04)\n\n## v0.14.0 (2021-01-04)\n\n## v2.10.7 (2020-12-16)\n\n## v2.10.5 (2020-11-15)\n\n## v0.13.0 (2020-11-15)\n";
        let mut findings = Vec::new();
        check_order("CHANGELOG.md", &release_entries(text), &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        // Without dates, the same order is wrong.
        let undated = "## v2.10.8\n\n## v0.14.0\n\n## v2.10.7\n";
        check_order("CHANGELOG.md", &release_entries(undated), &mut findings);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(iso_date("## 1.0.0 (2020-11-15)"), Some("2020-11-15"));
        assert_eq!(iso_date("## 1.0.0 - 12020-11-150"), None);
    }

    #[test]
    fn the_latest_release_is_in_the_changelogs_own_series() {
        // `## Rust 0.12.0` is the compiler's version in a 2014 entry.
        let text = GOOD.replace(
            "## [1.1.0] - 2026-01-10\n",
            "## [1.1.0] - 2026-01-10\n\n## Rust 9.12.0 - 2014-10-09\n",
        );
        let o = run(&text, Some(&["v1.1.0", "v1.2.0"]));
        assert!(
            !o.findings.iter().any(|f| f.key == "unreleased-base"),
            "{:?}",
            o.findings
        );
    }

    #[test]
    fn a_link_to_the_repositorys_old_home_is_a_warning() {
        // rust-lang-nursery/log became rust-lang/log; GitHub redirects.
        let text = GOOD.replace(
            "[1.1.0]: https://github.com/acme/widget/",
            "[1.1.0]: https://github.com/acme-old/widget/",
        );
        let o = run(&text, Some(&["v1.1.0", "v1.2.0"]));
        assert_eq!(o.status, Status::Warn, "{:?}", o.findings);
        assert_eq!(keys(&o), vec![("moved:1.1.0".to_string(), Some(11))]);
        // Its tags are still checked: they are this repository's.
        let o = run(&text, Some(&["v1.2.0"]));
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
    }

    #[test]
    fn history_from_the_crates_previous_home_is_a_note() {
        // cargo's `home` crate: versions before the move link to brson/home.
        let text =
            format!("{GOOD}[1.0.0]: https://github.com/someone/home/compare/v0.9.0...v1.0.0\n")
                .replace(
                    "## [1.1.0] - 2026-01-10\n",
                    "## [1.1.0] - 2026-01-10\n\n## [1.0.0] - 2025-01-01\n",
                );
        let o = run(&text, Some(&["v1.1.0", "v1.2.0"]));
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(
            keys(&o).iter().any(|(k, _)| k == "previous-home:1.0.0"),
            "{:?}",
            keys(&o)
        );
        // No link to this repository at all: the newest unlinked release
        // marks the move.
        let unlinked = "## [1.1.0] - 2026\n## [1.0.0] - 2025\n\n[1.0.0]: https://github.com/someone/home/compare/v0.9.0...v1.0.0\n";
        let o = run(unlinked, Some(&["v1.1.0"]));
        assert!(
            keys(&o).iter().any(|(k, _)| k == "previous-home:1.0.0"),
            "{:?}",
            keys(&o)
        );
        assert!(
            !keys(&o).iter().any(|(k, _)| k.starts_with("repo:")),
            "{:?}",
            keys(&o)
        );
        // Sections written here without links, beside history linked to
        // the old home: the project here never used links.
        let home = "## 1.1.0 - 2026\n## [1.0.0] - 2025\n\n[1.0.0]: https://github.com/someone/home/compare/v0.9.0...v1.0.0\n";
        let o = run(home, Some(&["v1.1.0"]));
        assert!(
            !keys(&o).iter().any(|(k, _)| k.starts_with("no-link:")),
            "{:?}",
            keys(&o)
        );
        // ratatui-macros: the crate's tags here carry its name; the bare
        // `v0.5.0`/`v0.6.0` here are another crate's, so the old home's
        // compare link is history, not a wrong repository.
        let moved =
            "## [0.6.0](https://github.com/acme/widget-old/compare/v0.5.0...v0.6.0) - 2024\n";
        let o = run(moved, Some(&["v0.5.0", "v0.6.0", "widget-v1.2.0"]));
        assert!(
            keys(&o).iter().any(|(k, _)| k == "previous-home:0.6.0"),
            "{:?}",
            keys(&o)
        );
        // Without its own prefixed tags, the bare tags are its own: the
        // link to another repository is wrong.
        let o = run(moved, Some(&["v0.5.0", "v0.6.0", "v1.2.0"]));
        assert!(
            keys(&o).iter().any(|(k, _)| k == "repo:0.6.0"),
            "{:?}",
            keys(&o)
        );
        // rustfix: a changelog abandoned at the old home, every link
        // there, the crate (1.2.0) newer, none of those tags here.
        let abandoned = "## [Unreleased]\n## [0.4.6] - 2019\n## [0.4.5] - 2019\n\n[Unreleased]: https://github.com/nursery/oldfix/compare/w-0.4.6...HEAD\n[0.4.6]: https://github.com/nursery/oldfix/compare/w-0.4.5...w-0.4.6\n[0.4.5]: https://github.com/nursery/oldfix/compare/w-0.4.4...w-0.4.5\n";
        let o = run(abandoned, Some(&["v1.2.0"]));
        assert_ne!(o.status, Status::Fail, "{:?}", o.findings);
        // The same links with the tags here are a wrong repository.
        let o = run(
            abandoned,
            Some(&["v1.2.0", "w-0.4.4", "w-0.4.5", "w-0.4.6"]),
        );
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
        // A newer version linked elsewhere is still wrong.
        let o = run(
            &text.replace("acme/widget/compare/v1.1.0", "other/widget2/compare/v1.1.0"),
            Some(&["v1.1.0", "v1.2.0"]),
        );
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
    }

    #[test]
    fn labels_that_only_mention_a_version_are_other_links() {
        // diesel: `[range-0.16.0]` is documentation; `[2.0.0 Rc0]` is
        // 2.0.0-rc0. sqlx: `[0.6.2-prs]` lists pull requests and the
        // changelog uses no version links at all.
        let text = "## [1.2.0] - 2026\n## [1.1.0] - 2025\n\nSee [range-0.16.0].\n\n[1.2.0]: https://github.com/acme/widget/compare/v1.1.0...v1.2.0\n[1.1.0]: https://github.com/acme/widget/releases/tag/v1.1.0\n[range-0.16.0]: https://docs.example.rs/range.html\n[2.0.0 Rc0]: https://github.com/acme/widget/compare/v1.1.0...v2.0.0-rc0\n";
        let o = run(text, Some(&["v1.1.0", "v1.2.0", "v2.0.0-rc0"]));
        assert!(
            !keys(&o)
                .iter()
                .any(|(k, _)| k.starts_with("repo:") || k.starts_with("wrong-version")),
            "{:?}",
            keys(&o)
        );
        let prs = "## 0.6.2 - 2022\n## 0.6.1 - 2022\n\n[0.6.2-prs]: https://github.com/acme/widget/pulls?q=is%3Apr+milestone%3A0.6.2\n";
        let o = run(prs, Some(&["v0.6.1", "v0.6.2"]));
        assert!(
            !keys(&o).iter().any(|(k, _)| k.starts_with("no-link:")),
            "{:?}",
            keys(&o)
        );
    }

    #[test]
    fn wrong_repo_missing_tag_and_wrong_range() {
        let text = "## [Unreleased]\n## [1.2.0]\n## [1.1.0]\n\n[Unreleased]: https://github.com/acme/widget/compare/v1.1.0...HEAD\n[1.2.0]: https://github.com/acme/gadget/compare/v1.1.0...v1.2.0\n[1.1.0]: https://github.com/acme/widget/compare/v1.0.0...v1.1.1\n[0.9.0]: https://github.com/acme/widget/releases/tag/v0.9.0\n";
        let o = run(text, Some(&["v1.0.0", "v1.1.0", "v1.2.0", "v0.9.0"]));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            keys(&o),
            vec![
                ("unreleased-base".to_string(), Some(5)),
                ("repo:1.2.0".to_string(), Some(6)),
                ("no-tag:1.1.0:v1.1.1".to_string(), Some(7)),
                ("wrong-version:1.1.0".to_string(), Some(7)),
                ("unused:0.9.0".to_string(), Some(8)),
            ]
        );
    }

    #[test]
    fn missing_and_orphan_definitions() {
        let text = "## [1.2.0]\n## 1.1.0\n## [1.0.0]\n## [0.9.0]\n\n[1.2.0]: https://github.com/acme/widget/releases/tag/v1.2.0\n[0.9.0]: https://github.com/acme/widget/releases/tag/v0.9.0\n";
        let o = run(text, Some(&["v1.2.0", "v0.9.0"]));
        assert_eq!(o.status, Status::Warn);
        assert_eq!(
            keys(&o),
            vec![
                ("no-link:1.1.0".to_string(), Some(2)),
                ("no-link:1.0.0".to_string(), Some(3)),
            ]
        );
        assert!(o.findings[1].message.contains("written as a link"));
    }

    #[test]
    fn history_before_links_were_adopted_is_not_judged() {
        let text = "## [1.2.0]\n## 1.1.0\n## [1.0.0]\n## 0.9.0\n## 0.8.0\n\n[1.2.0]: https://github.com/acme/widget/releases/tag/v1.2.0\n[1.0.0]: https://github.com/acme/widget/releases/tag/v1.0.0\n";
        let o = run(text, Some(&["v1.2.0", "v1.0.0"]));
        assert_eq!(keys(&o), vec![("no-link:1.1.0".to_string(), Some(2))]);
    }

    #[test]
    fn no_links_at_all_is_a_note() {
        let o = run(
            "# Changelog\n\n1.2.0 (2026-01-01)\n==================\n",
            Some(&[]),
        );
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings[0].key, "no-links");
    }

    #[test]
    fn ordering() {
        let o = run("## 1.1.0\n## 1.2.0\n## 1.0.0\n", None);
        assert_eq!(keys(&o)[1], ("order:1.2.0".to_string(), Some(2)));
        // A backport listed by date is fine; separate crates are ordered separately.
        let o = run(
            "## 1.41.0\n## 1.38.2\n## 1.40.0\n## tokio-util 0.7.1\n## tokio-util 0.7.0\n",
            None,
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        let o = run("## 0.1.0\n## 0.2.0\n## 0.3.0\n## 0.4.0\n", None);
        assert_eq!(keys(&o)[1], ("oldest-first".to_string(), Some(1)));
        // Pre-releases are not ordered (tauri: beta-rc before beta).
        let o = run("## 1.0.0-beta.0\n## 1.0.0-beta-rc.1\n## 0.9.0\n", None);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        let o = run("## 1.0.0\n## [Unreleased]\n", None);
        assert!(keys(&o).contains(&("unreleased-below".to_string(), Some(2))));
    }

    #[test]
    fn unreleased_tbd_needs_no_tag_and_gitlab_links_work() {
        let mut f = facts(
            "## 2.0.0 - TBD\n## [Unreleased] - ReleaseDate\n## [1.2.0] - 2026\n\n[Unreleased]: https://gitlab.com/acme/widget/-/compare/v1.2.0...main\n[1.2.0]: https://gitlab.com/acme/widget/-/tags/v1.2.0\n",
            Some(&["v1.2.0"]),
        );
        f.members[0].repository = Some("https://gitlab.com/acme/widget".into());
        let o = ChangelogLinks.run(&f, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn shallow_clone_without_tags_is_not_failed() {
        let mut f = facts(GOOD, Some(&[]));
        if let Some(g) = f.git.as_mut() {
            g.shallow = true;
        }
        let o = ChangelogLinks.run(&f, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Warn, "unverified, not failed");
        assert!(o.findings[0].message.contains("shallow"));
    }

    #[test]
    fn unreadable_changelog_is_a_finding() {
        let mut f = facts("", Some(&[]));
        if let Some(t) = f.texts.get_mut("CHANGELOG.md") {
            t.content = Err(crate::facts::files::TextProblem::TooLarge {
                size: 50 << 20,
                limit: crate::facts::files::MAX_TEXT_BYTES,
            });
        }
        let o = ChangelogLinks.run(&f, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Fail);
        assert!(o.findings[0].message.contains("50 MB"), "{:?}", o.findings);
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,400}") {
            let _ = ChangelogLinks.run(&facts(&text, Some(&["v1.0.0"])), &CheckConfig { level: Level::Deny });
        }

        #[test]
        fn changelog_shaped_input_never_panics(lines in proptest::collection::vec(
            prop_oneof![
                Just("## [Unreleased]".to_string()),
                "## \\[?v?[0-9]\\.[0-9]{1,2}\\.[0-9]\\]? - 20[0-9]{2}",
                "\\[v?[0-9]\\.[0-9]\\.[0-9]\\]: https://github.com/acme/widget/compare/v[0-9]\\.[0-9]\\.[0-9]\\.\\.\\.v[0-9]\\.[0-9]\\.[0-9]",
                "\\[[a-z0-9.]{0,6}\\]: [a-z:/.]{0,30}",
                "[#\\[\\]()a-z0-9 .:/-]{0,40}",
            ],
            0..30,
        )) {
            let text = lines.join("\n");
            let _ = ChangelogLinks.run(&facts(&text, Some(&["v1.0.0", "v1.1.0"])), &CheckConfig { level: Level::Deny });
        }
    }
}
