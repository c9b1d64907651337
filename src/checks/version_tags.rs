//! `version-tags`: every released version has a git tag, in the scheme the
//! repository uses.

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;

use super::changelog::{self, release_entries};
use super::support::manifest_line;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::workspace::Member;

/// See [`Check::docs`].
pub struct VersionTags;

/// A tag scheme: the text before the version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Scheme {
    /// `v`, ``, `mycrate-v`, `mycrate-`, `mycrate@`, `mycrate/v`, …
    pub prefix: String,
}

impl Scheme {
    /// The tag for `version` in this scheme.
    pub fn tag(&self, version: &Version) -> String {
        format!("{}{version}", self.prefix)
    }

    /// How the scheme is shown to users (`vX.Y.Z`).
    pub fn shape(&self) -> String {
        format!("{}X.Y.Z", self.prefix)
    }
}

/// The schemes recognised for crate `name`, crate-specific first.
pub fn candidate_schemes(name: &str) -> Vec<Scheme> {
    let mut out: Vec<Scheme> = ["-v", "-", "@v", "@", "/v", "/", "_v", "_"]
        .iter()
        .map(|sep| Scheme {
            prefix: format!("{name}{sep}"),
        })
        .collect();
    out.push(Scheme { prefix: "v".into() });
    out.push(Scheme {
        prefix: String::new(),
    });
    out
}

/// The version a tag names in `scheme`, if it is exactly prefix + semver.
pub fn tag_version(tag: &str, scheme: &Scheme) -> Option<Version> {
    changelog::lenient_version(tag.strip_prefix(scheme.prefix.as_str())?)
}

/// Versions tagged in each scheme.
fn tagged(tags: &BTreeSet<String>, schemes: &[Scheme]) -> BTreeMap<Scheme, BTreeSet<Version>> {
    // Only the tags that start with each scheme's prefix: a range of the
    // sorted set, not every tag for every member.
    let mut out: BTreeMap<Scheme, BTreeSet<Version>> = BTreeMap::new();
    for s in schemes {
        let prefix = s.prefix.as_str();
        for tag in tags
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|t| t.starts_with(prefix))
        {
            if let Some(v) = tag_version(tag, s) {
                out.entry(s.clone()).or_default().insert(v);
            }
        }
    }
    out
}

impl Check for VersionTags {
    fn id(&self) -> &'static str {
        "version-tags"
    }
    fn category(&self) -> Category {
        Category::Release
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "the current version and every released changelog version have a git tag in the repository's scheme"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
For each publishable member, which tag scheme the repository uses for it —
`mycrate-vX.Y.Z`, `mycrate-X.Y.Z`, `mycrate@X.Y.Z`, `mycrate/vX.Y.Z` (per
crate, typical of workspaces), or `vX.Y.Z` / `X.Y.Z` (the root package, or a
workspace whose crates share one version) — detected from the existing
tags, the most used scheme winning. Then:

- the version in `Cargo.toml` has its tag, unless it is not released yet:
  the changelog lists it as `Unreleased`/`TBD`, or has an `Unreleased`
  section and no heading for it, or it is a `-dev`/`-pre` version, or a
  pre-release (`0.27.0-alpha.1`, `-rc.2`) the changelog does not list as
  released;
- every version the changelog presents as released has its tag. Versions
  older than the first tag in the scheme are not judged (history before the
  project started tagging);
- a version that should have its tag (by the two rules above) and has one
  only in another scheme (`1.4.0` where the others are `v1.3.0`) is a
  warning that names both. Tags of another scheme for versions older than
  the scheme's first tag are the history of a switch of schemes, and are
  not judged either.

Members under `vendor/` or `third_party/` are left out: a vendored crate's
versions are its upstream's releases, not this repository's. A manifest
version newer than every tag that no changelog presents as released is
in development (bumped after the last release) and needs no tag yet. A
member (other than the primary crate) whose changelog lists releases but
that has no tag at all gets a note: it may have been released from
another repository before it moved in. Zero-padded CalVer tags and
headings (`25.07.1`) are read as the version Cargo writes (`25.7.1`).

Without git, or in a shallow clone without tags, the check cannot look and
says so (`error`). A repository with no tags and no released version passes
with a note (nothing released yet).

## Why
Tags are how users, `cargo install --git --tag`, packagers and auditors find
the exact source of a release; changelog compare links depend on them. A
release without a tag cannot be rebuilt or audited.

## Passing example
`Cargo.toml` at `1.2.0`, `CHANGELOG.md` with `## [1.2.0] - 2026-03-01`, and
`git tag` listing `v1.1.0` and `v1.2.0`.

## How to fix
Tag the release commit and push the tag:
`git tag -a v1.2.0 -m "v1.2.0" <commit> && git push origin v1.2.0`
(in CI checkouts, fetch tags with `fetch-depth: 0`).
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.members.is_empty() {
            return Outcome::skip("the workspace has no packages");
        }
        let Some(git) = &facts.git else {
            return Outcome::error(
                "git is not available or this is not a git work tree, so tags cannot be checked",
            );
        };
        if git.shallow && git.tags.is_empty() {
            return Outcome::error(
                "the clone is shallow and has no tags; fetch them (actions/checkout: `fetch-depth: 0`) to check release tags",
            );
        }
        // A vendored crate's versions are its upstream's releases.
        let own: Vec<&Member> = facts
            .members
            .iter()
            .filter(|m| {
                !crate::facts::is_vendored_dir(&m.dir)
                    && !super::code::is_unreleased_tooling(facts, m)
            })
            .collect();
        let publishable: Vec<&Member> = own
            .iter()
            .copied()
            .filter(|m| super::code::is_publishable(facts, m))
            .collect();
        let members: Vec<&Member> = if publishable.is_empty() {
            own
        } else {
            publishable
        };
        let (targets, _) = changelog::targets(facts, &members);
        let changelog_of: BTreeMap<&str, &str> = targets
            .iter()
            .map(|(m, p)| (m.manifest.as_str(), p.as_str()))
            .collect();
        let lockstep = members.len() > 1 && members.iter().all(|m| m.version == members[0].version);
        let single = members.len() == 1;
        // The version bare `vX.Y.Z` tags follow: the root package's, or in a
        // virtual workspace the highest member version (the one the root
        // changelog tracks, as in the `changelog` check).
        let root_version = facts
            .members
            .iter()
            .find(|m| m.dir.is_empty())
            .or_else(|| match changelog::root_changelog(facts) {
                Some(path) => changelog::changelog_owner(facts, &members, &path),
                None => changelog::lead_member(&members),
            })
            .map(|m| m.version.as_str());
        let mut findings = Vec::new();
        let mut notes = Vec::new();
        let mut ok = 0usize;
        let names: std::collections::HashSet<&str> =
            facts.members.iter().map(|m| m.name.as_str()).collect();
        for m in &members {
            let primary = m.dir.is_empty() || lockstep || single;
            let before = findings.len();
            let changelog = changelog_of.get(m.manifest.as_str()).copied();
            // A member at the lead version is released with it.
            let together = root_version.is_some_and(|v| v == m.version);
            check_member(
                facts,
                m,
                primary,
                together,
                changelog,
                &git.tags,
                &names,
                &mut findings,
                &mut notes,
            );
            if findings[before..]
                .iter()
                .all(|f| f.severity < Severity::Error)
            {
                ok += 1;
            }
        }
        let outcome = Outcome::from_findings(findings, ok as f64 / members.len() as f64);
        if notes.is_empty() {
            outcome
        } else {
            outcome.with_note(notes.join("; "))
        }
    }
}

/// A version the changelog presents as released, with where it says so.
struct Released {
    version: Version,
    line: usize,
}

#[allow(clippy::too_many_arguments)]
fn check_member(
    facts: &Facts,
    m: &Member,
    primary: bool,
    together: bool,
    changelog: Option<&str>,
    tags: &BTreeSet<String>,
    names: &std::collections::HashSet<&str>,
    findings: &mut Vec<Finding>,
    notes: &mut Vec<String>,
) {
    let who = &m.name;
    let schemes = candidate_schemes(who);
    let by_scheme = tagged(tags, &schemes);
    // Crate-specific schemes are unambiguous; the bare ones belong to the
    // primary crate (the root package, or crates released together).
    let is_bare = |s: &Scheme| s.prefix.is_empty() || s.prefix == "v";
    let newest_tagged: Option<Version> = by_scheme
        .values()
        .filter_map(|v| v.iter().next_back())
        .max()
        .cloned();
    let pick = |bare: Option<bool>| {
        by_scheme
            .iter()
            .filter(|(s, _)| bare.is_none_or(|b| is_bare(s) == b))
            // The scheme of the newest tag, once used for a few releases,
            // is the one in use (helix went from `v0.6.0` to CalVer
            // `25.07.1`); otherwise the most used (one stray `1.2.0` among
            // `v1.x` tags is the inconsistency, not a new scheme).
            .max_by_key(|(s, versions)| {
                let holds_newest = versions.iter().next_back() == newest_tagged.as_ref();
                (
                    holds_newest && versions.len() >= 3,
                    versions.len(),
                    // On a tie the crate's own prefix is the less ambiguous.
                    !is_bare(s),
                    std::cmp::Reverse((*s).clone()),
                )
            })
            .map(|(s, _)| s.clone())
    };

    let (released, current_unreleased, changelog_text) =
        match changelog.and_then(|p| facts.text(p).and_then(|t| t.text()).map(|t| (p, t))) {
            Some((path, text)) => {
                let entries = release_entries(text);
                let released: Vec<Released> = entries
                    .iter()
                    .filter(|e| e.released)
                    .filter_map(|e| {
                        e.version.clone().map(|version| Released {
                            version,
                            line: e.line,
                        })
                    })
                    .collect();
                let current = Version::parse(&m.version).ok();
                let unreleased = match entries
                    .iter()
                    .find(|e| e.version.is_some() && e.version == current)
                {
                    Some(e) => !e.released,
                    None => entries.iter().any(|e| e.version.is_none()),
                };
                (released, unreleased, Some(path))
            }
            None => (Vec::new(), false, None),
        };
    // Other members' names, to keep their prefixes apart (a set shared by
    // every member: a list per member is quadratic on large workspaces).
    let other_names = |prefix: &str| {
        prefix
            .char_indices()
            .map(|(i, c)| &prefix[..i + c.len_utf8()])
            .any(|start| start != who.as_str() && names.contains(start))
    };
    // Known crate-specific shapes, then the bare ones for the crate(s) they
    // belong to, and only then a prefix discovered from the changelog.
    // The primary crate may use either, and the most used wins: one
    // `regex-1.3.7` among 127 bare `1.x.y` tags is the stray.
    let scheme = if primary || together {
        pick(None)
    } else {
        pick(Some(false))
    }
    .or_else(|| discover(tags, &released, &other_names));
    let Ok(current) = Version::parse(&m.version) else {
        return;
    };
    // `-dev` versions and the `0.0.0` placeholder (crates versioned
    // elsewhere, e.g. by an npm package) are not releases; nor is a
    // pre-release of the next version (`0.27.0-alpha.1`, `-rc.2`) that the
    // changelog does not present as released.
    let dev = changelog::is_dev(&current)
        || (!current.pre.is_empty() && !released.iter().any(|r| r.version == current))
        || current == Version::new(0, 0, 0);

    let Some(scheme) = scheme else {
        if released.is_empty() {
            notes.push(if current_unreleased || dev {
                format!("`{who}` {} is not released yet", m.version)
            } else {
                format!("`{who}` {}: no release tags of its own and no released version in a changelog; not checked", m.version)
            });
            return;
        }
        // Released versions but not a single tag for this crate.
        let newest = released
            .iter()
            .max_by(|a, b| a.version.cmp(&b.version))
            .map(|r| (r.version.clone(), r.line));
        let expected = if primary {
            "v".to_string()
        } else {
            format!("{who}-v")
        };
        let path = changelog_text.unwrap_or(&m.manifest);
        let (version, line) = newest.unwrap_or((current.clone(), 1));
        let message = format!(
            "{path} lists {} released version(s) of `{who}` (newest {version}) but git has no tag for any of them",
            released.len()
        );
        // A member that never had a tag here may have been released from
        // another repository before it moved in (uv's `uv-pep440`, once
        // pep440-rs): worth a word, not a failure.
        findings.push(
            if primary {
                Finding::error(format!("{who}:no-tags"), message)
            } else {
                Finding::note(format!("{who}:no-tags"), message)
            }
            .at(path, Some(line))
            .help(format!(
                "tag each release, e.g. `git tag -a {expected}{version} -m {expected}{version} <commit>`, and push the tags"
            )),
        );
        return;
    };

    let tagged_versions = by_scheme.get(&scheme).cloned().unwrap_or_default();
    let first_tagged = tagged_versions.iter().next().cloned();
    let other_tag = |v: &Version| -> Option<String> {
        let known = schemes
            .iter()
            .filter(|s| **s != scheme && (primary || !is_bare(s)))
            .map(|s| s.tag(v))
            .find(|t| tags.contains(t));
        // Or a tag under another name for this version (`cli.rs-v2.0.0`
        // for `tauri-cli` after a rename): its last component must contain
        // the last word of the crate's name, and not be another member's.
        let word = who.rsplit(['-', '_']).next().unwrap_or(who).to_lowercase();
        known.or_else(|| {
            let v = v.to_string();
            tags.iter()
                .find(|t| {
                    t.strip_suffix(v.as_str()).is_some_and(|p| {
                        p != scheme.prefix
                            && !is_bare(&Scheme {
                                prefix: p.to_string(),
                            })
                            && p.ends_with(['v', '-', '@', '/', '_'])
                            && !other_names(p)
                            && p.rsplit('/')
                                .next()
                                .is_some_and(|last| last.to_lowercase().contains(&word))
                    })
                })
                .cloned()
        })
    };
    let mut report = |v: &Version, path: &str, line: Option<usize>, current_version: bool| {
        let wanted = scheme.tag(v);
        // `25.07.1` tags 25.7.1 (zero-padded CalVer).
        if tags.contains(&wanted) || tagged_versions.contains(v) {
            return;
        }
        if let Some(other) = other_tag(v) {
            findings.push(
                Finding::warning(
                    format!("{who}:scheme:{v}"),
                    format!(
                        "`{who}` {v} is tagged `{other}`, but the scheme used for `{who}` is `{}` (`{wanted}`)",
                        scheme.shape()
                    ),
                )
                .at(path, line)
                .help(format!("add the tag `{wanted}` on the same commit (`git tag {wanted} {other}^{{}}`)")),
            );
            return;
        }
        let (severity_error, what) = if current_version {
            (
                true,
                format!("`{who}` is at {v} (its version in Cargo.toml)"),
            )
        } else {
            (false, format!("`{who}` {v} is released in {path}"))
        };
        let message = format!("{what} but git has no tag `{wanted}`");
        let f = if severity_error {
            Finding::error(format!("{who}:missing:{v}"), message)
        } else {
            Finding::warning(format!("{who}:missing:{v}"), message)
        };
        findings.push(f.at(path, line).help(format!(
            "tag the release commit: `git tag -a {wanted} -m {wanted} <commit>` and `git push origin {wanted}`"
        )));
    };

    let judged = |v: &Version| first_tagged.as_ref().is_none_or(|first| v >= first);
    let mut seen = BTreeSet::new();
    // Newer than every tag and not presented as released by a changelog:
    // the version bumped after the last release (nushell's "after patch
    // release" commit), in development.
    let ahead = tagged_versions
        .iter()
        .next_back()
        .is_some_and(|newest| current > *newest)
        && !released.iter().any(|r| r.version == current);
    if !current_unreleased && !dev && !ahead {
        let current_line = released
            .iter()
            .find(|r| r.version == current)
            .map(|r| r.line);
        let (path, line) = match (changelog_text, current_line) {
            (Some(p), Some(l)) => (p.to_string(), Some(l)),
            _ => (m.manifest.clone(), manifest_line(facts, m, "version")),
        };
        report(&current, &path, line, true);
        seen.insert(current.clone());
    } else {
        notes.push(format!("`{who}` {current} is not released yet"));
    }
    let Some(path) = changelog_text else {
        return;
    };
    // The newest release line is reported version by version; older lines
    // (archival history) are summed up in one finding.
    let line_of = |v: &Version| {
        if v.major == 0 {
            (0, v.minor)
        } else {
            (v.major, 0)
        }
    };
    let newest_line = released.iter().map(|r| &r.version).max().map(line_of);
    let mut old_missing: Vec<&Released> = Vec::new();
    for r in &released {
        if !judged(&r.version) || !seen.insert(r.version.clone()) {
            continue;
        }
        if Some(line_of(&r.version)) == newest_line {
            report(&r.version, path, Some(r.line), false);
        } else if !tags.contains(&scheme.tag(&r.version))
            && !tagged_versions.contains(&r.version)
            && other_tag(&r.version).is_none()
        {
            old_missing.push(r);
        }
    }
    if let Some(first) = old_missing.first() {
        let listed: Vec<String> = old_missing
            .iter()
            .take(5)
            .map(|r| r.version.to_string())
            .collect();
        let more = if old_missing.len() > 5 { ", …" } else { "" };
        findings.push(
            Finding::warning(
                format!("{who}:missing-old"),
                format!(
                    "{} older release(s) of `{who}` in {path} have no `{}` tag ({}{more})",
                    old_missing.len(),
                    scheme.shape(),
                    listed.join(", ")
                ),
            )
            .at(path, Some(first.line))
            .help("tag them if their source must stay findable; older release lines are otherwise history"),
        );
    }
}

/// A scheme the known shapes miss (`@scope/pkg-v1.2.0`), found from the
/// tags that end with the changelog's released versions: the prefix most of
/// them share, when it covers at least half of them (and two, unless only
/// one version is released). Bare
/// prefixes and other members' prefixes are not taken.
fn discover(
    tags: &BTreeSet<String>,
    released: &[Released],
    other_names: &dyn Fn(&str) -> bool,
) -> Option<Scheme> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in released {
        let v = r.version.to_string();
        for t in tags {
            let Some(prefix) = t.strip_suffix(v.as_str()) else {
                continue;
            };
            if prefix.is_empty()
                || prefix == "v"
                || !prefix.ends_with(['v', '-', '@', '/', '_'])
                || other_names(prefix)
            {
                continue;
            }
            *counts.entry(prefix).or_default() += 1;
        }
    }
    let (prefix, n) = counts
        .into_iter()
        .max_by_key(|(p, n)| (*n, std::cmp::Reverse(*p)))?;
    (n * 2 >= released.len() && (n >= 2 || released.len() == 1)).then(|| Scheme {
        prefix: prefix.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::git::GitFacts;

    fn facts(members: Vec<Member>, files: &[(&str, &str)], tags: &[&str]) -> Facts {
        let mut f = Facts::in_memory(members, files);
        f.git = Some(GitFacts {
            tags: tags.iter().map(|s| s.to_string()).collect(),
            ..GitFacts::default()
        });
        f
    }

    fn run(f: &Facts) -> Outcome {
        VersionTags.run(f, &CheckConfig { level: Level::Warn })
    }

    const CHANGELOG: &str =
        "## [Unreleased]\n## [1.2.0] - 2026\n## [1.1.0] - 2025\n## [1.0.0] - 2024\n";

    #[test]
    fn tagged_releases_pass() {
        let f = facts(
            vec![Member::named("widget", "1.2.0", "")],
            &[("CHANGELOG.md", CHANGELOG)],
            &["v1.0.0", "v1.1.0", "v1.2.0"],
        );
        assert_eq!(run(&f).status, Status::Pass, "{:?}", run(&f).findings);
    }

    #[test]
    fn a_pre_release_of_the_next_version_needs_no_tag_yet() {
        let changelog = "## [1.2.0] - 2026\n## [1.1.0] - 2025\n";
        let tags = ["v1.1.0", "v1.2.0"];
        let with = |version: &str, changelog: &str| {
            run(&facts(
                vec![Member::named("widget", version, "")],
                &[("CHANGELOG.md", changelog)],
                &tags,
            ))
            .status
        };
        assert_eq!(with("1.3.0-alpha.1", changelog), Status::Pass);
        assert_eq!(with("1.3.0-rc.2", changelog), Status::Pass);
        // A final version newer than every tag that the changelog does not
        // list is the next version in development (nushell bumps right
        // after a release); listed as released, it is missing its tag, and
        // so is a pre-release the changelog says is out.
        assert_eq!(with("1.3.0", changelog), Status::Pass);
        assert_eq!(
            with("1.3.0", &format!("## [1.3.0] - 2026\n{changelog}")),
            Status::Fail
        );
        let listed = format!("## [1.3.0-alpha.1] - 2026\n{changelog}");
        assert_eq!(with("1.3.0-alpha.1", &listed), Status::Fail);
    }

    #[test]
    fn zero_padded_calver_matches_the_cargo_version() {
        // helix: Cargo.toml 25.7.1, heading `# 25.07.1`, tag `25.07.1`.
        let f = facts(
            vec![Member::named("helix-term", "25.7.1", "")],
            &[(
                "CHANGELOG.md",
                "# 25.07.1 (2025-07-18)\n# 25.01.2 (2025-01-20)\n",
            )],
            &["25.01.2", "25.07.1"],
        );
        assert_eq!(run(&f).status, Status::Pass, "{:?}", run(&f).findings);
        let o = crate::checks::changelog::Changelog.run(&f, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn missing_tags_are_located() {
        let f = facts(
            vec![Member::named("widget", "1.2.0", "")],
            &[("CHANGELOG.md", CHANGELOG)],
            &["v1.0.0"],
        );
        let o = run(&f);
        assert_eq!(o.status, Status::Fail);
        let got: Vec<(String, Option<usize>, Severity)> = o
            .findings
            .iter()
            .map(|f| (f.key.clone(), f.line, f.severity))
            .collect();
        assert_eq!(
            got,
            vec![
                ("widget:missing:1.2.0".into(), Some(2), Severity::Error),
                ("widget:missing:1.1.0".into(), Some(3), Severity::Warning),
            ]
        );
    }

    #[test]
    fn unreleased_first_version_and_no_tags() {
        let f = facts(
            vec![Member::named("widget", "0.1.0", "")],
            &[("CHANGELOG.md", "## [Unreleased]\n### Added\n- all\n")],
            &[],
        );
        let o = run(&f);
        assert_eq!(o.status, Status::Pass);
        assert!(o.note.unwrap_or_default().contains("not released yet"));
        // Released in the changelog but never tagged.
        let f = facts(
            vec![Member::named("widget", "1.2.0", "")],
            &[("CHANGELOG.md", CHANGELOG)],
            &[],
        );
        let o = run(&f);
        assert_eq!(o.findings.len(), 1);
        assert_eq!(o.findings[0].key, "widget:no-tags");
        assert_eq!(o.findings[0].line, Some(2));
    }

    #[test]
    fn workspace_schemes_and_inconsistent_tags() {
        let mut core = Member::named("ws-core", "0.3.0", "crates/ws-core");
        core.publish = true;
        let cli = Member::named("ws-cli", "0.2.0", "crates/ws-cli");
        let f = facts(
            vec![cli, core],
            &[
                ("crates/ws-core/CHANGELOG.md", "## 0.3.0\n## 0.2.0\n"),
                ("crates/ws-cli/CHANGELOG.md", "## 0.2.0\n## 0.1.0\n"),
            ],
            // ws-cli uses `name-vX`; ws-core's 0.3.0 was tagged without its prefix.
            &["ws-cli-v0.1.0", "ws-cli-v0.2.0", "ws-core-0.2.0", "0.3.0"],
        );
        let o = run(&f);
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
        assert_eq!(o.findings.len(), 1, "{:?}", o.findings);
        assert_eq!(o.findings[0].key, "ws-core:missing:0.3.0");
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some("crates/ws-core/CHANGELOG.md")
        );
    }

    #[test]
    fn one_prefixed_tag_among_many_bare_ones_is_the_stray() {
        // regex: `regex-1.3.7` once, every other release a bare `1.x.y`.
        let mut tags: Vec<String> = (0..8).map(|p| format!("1.{p}.0")).collect();
        tags.push("regex-1.3.7".into());
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        let f = facts(
            vec![Member::named("regex", "1.7.0", "")],
            &[("CHANGELOG.md", "## 1.7.0\n## 1.6.0\n## 1.5.0\n")],
            &tags,
        );
        let o = run(&f);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn unknown_schemes_are_discovered_from_the_changelog() {
        let f = facts(
            vec![Member::named("cli-node", "2.0.4", "packages/cli")],
            &[(
                "packages/cli/CHANGELOG.md",
                "## [2.0.4]\n## [2.0.3]\n## [2.0.2]\n",
            )],
            &["@acme/cli-v2.0.2", "@acme/cli-v2.0.3"],
        );
        let o = run(&f);
        assert_eq!(o.findings.len(), 1, "{:?}", o.findings);
        assert!(
            o.findings[0].message.contains("`@acme/cli-v2.0.4`"),
            "{:?}",
            o.findings
        );
    }

    #[test]
    fn bare_tags_of_the_root_crate_beat_a_former_members_prefix() {
        // ripgrep: `15.2.0` is the root crate's tag; `termcolor-*` tags belong
        // to a crate that left the workspace and happen to share versions.
        let f = facts(
            vec![Member::named("ripgrep", "15.2.0", "")],
            &[("CHANGELOG.md", "## 15.2.0\n## 15.1.0\n")],
            &["15.1.0", "15.2.0", "termcolor-15.1.0", "termcolor-15.2.0"],
        );
        let o = run(&f);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn members_released_with_the_lead_version_share_its_tags() {
        // clap: clap_builder (no tags of its own) is released with clap.
        let root = Member::named("clap", "4.6.6", "");
        let mut builder = Member::named("clap_builder", "4.6.6", "clap_builder");
        builder.description = Some("The builder".into());
        let mut derive = Member::named("clap_derive", "4.6.4", "clap_derive");
        derive.description = Some("The derive".into());
        let f = facts(
            vec![root, builder, derive],
            &[("CHANGELOG.md", "## [4.6.6]\n")],
            &["v4.6.6"],
        );
        let o = run(&f);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(
            o.note
                .unwrap_or_default()
                .contains("`clap_derive` 4.6.4: no release tags of its own")
        );
        // serde: a virtual workspace whose crates share the highest version.
        let a = Member::named("serde", "1.0.228", "serde");
        let b = Member::named("serde_core", "1.0.228", "serde_core");
        let c = Member::named("serde_derive_internals", "0.29.1", "serde_derive_internals");
        let f = facts(vec![a, b, c], &[], &["v1.0.227", "v1.0.228"]);
        let o = run(&f);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn older_release_lines_are_summed_up_and_placeholders_skipped() {
        let f = facts(
            vec![Member::named("clap", "4.1.0", "")],
            &[(
                "CHANGELOG.md",
                "## 4.1.0\n## 4.0.0\n## 3.2.1\n## 3.2.0\n## 2.0.0\n",
            )],
            &["v2.0.0", "v4.0.0", "v4.1.0"],
        );
        let o = run(&f);
        assert_eq!(o.findings.len(), 1, "{:?}", o.findings);
        assert_eq!(o.findings[0].key, "clap:missing-old");
        assert_eq!(o.findings[0].line, Some(3));
        assert!(o.findings[0].message.contains("2 older release(s)"));
        // `0.0.0`: versioned elsewhere (an npm package), not a release.
        let f = facts(
            vec![Member::named("cli-node", "0.0.0", "")],
            &[],
            &["v1.0.0"],
        );
        assert_eq!(run(&f).status, Status::Pass);
    }

    #[test]
    fn other_scheme_is_named() {
        let f = facts(
            vec![Member::named("widget", "1.2.0", "")],
            &[("CHANGELOG.md", CHANGELOG)],
            &["v1.0.0", "v1.1.0", "1.2.0"],
        );
        let o = run(&f);
        assert_eq!(o.status, Status::Warn);
        assert!(
            o.findings[0].message.contains("`1.2.0`") && o.findings[0].message.contains("`v1.2.0`")
        );
    }

    #[test]
    fn history_before_first_tag_is_not_judged_and_no_git_errors() {
        let f = facts(
            vec![Member::named("widget", "1.2.0", "")],
            &[("CHANGELOG.md", CHANGELOG)],
            &["v1.1.0", "v1.2.0"],
        );
        assert_eq!(run(&f).status, Status::Pass);
        let mut f = facts(vec![Member::named("widget", "1.2.0", "")], &[], &[]);
        f.git = None;
        assert_eq!(run(&f).status, Status::Error);
    }
}
