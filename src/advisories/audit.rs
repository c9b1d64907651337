//! The audit itself: locked packages against advisories. Pure: the same
//! inputs give the same report, so it is shared by the `advisories` and
//! `yanked` checks and by `cargo readiness audit`.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rustsec::Advisory;
use rustsec::advisory::Informational;
use semver::{Op, Version, VersionReq};

use super::db::matches_id;
use super::graph::{DepGraph, Kinds};
use super::index::AdvisoryIndex;
use super::yanked::{YankStatus, YankedFacts};
use crate::checks::Level;
use crate::config::IgnoreRule;

/// A target platform, to leave out advisories for other platforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The triple as given.
    pub triple: String,
    /// Its `target_os`.
    pub os: String,
    /// Its `target_arch`.
    pub arch: String,
}

impl Target {
    /// Parses a target triple known to rustc.
    pub fn parse(triple: &str) -> Option<Target> {
        let p = platforms::Platform::find(triple)?;
        Some(Target {
            triple: triple.to_string(),
            os: p.target_os.as_str().to_string(),
            arch: p.target_arch.as_str().to_string(),
        })
    }
}

/// What the audit needs besides the database and the lockfile.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Ignores from every source.
    pub ignores: Vec<IgnoreRule>,
    /// Today, for ignore expiry and the grace period.
    pub today: Date,
    /// Advisories published fewer days ago warn instead of failing.
    pub grace_days: u32,
    /// Level of vulnerabilities reachable only through dev-dependencies.
    pub dev_level: Level,
    /// Only report advisories that affect this platform.
    pub target: Option<Target>,
}

/// Whether a vulnerability fails the gate, and if not, why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gating {
    /// It fails the gate.
    Deny,
    /// Reachable only through dev-dependencies and `dev = "warn"`.
    DevOnly,
    /// Published within the grace period; fails from the given date.
    Grace {
        /// The first day it fails the gate.
        fails_on: Date,
    },
}

/// A vulnerable locked package.
#[derive(Debug, Clone)]
pub struct Vulnerability {
    /// The advisory.
    pub advisory: Advisory,
    /// The locked package.
    pub package: cargo_lock::Package,
    /// Kinds through which a member reaches it.
    pub kinds: Kinds,
    /// A shortest path from a workspace member.
    pub path: Option<Vec<String>>,
    /// The smallest version that fixes it, when the advisory names one.
    pub fix: Option<Version>,
    /// Whether it fails the gate.
    pub gating: Gating,
    /// An ignore that would have applied but expired.
    pub expired_ignore: Option<IgnoreRule>,
}

/// Kinds of warning, as cargo-audit names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WarningKind {
    /// `unmaintained`
    Unmaintained,
    /// `unsound`
    Unsound,
    /// `notice`
    Notice,
    /// `yanked`
    Yanked,
}

impl WarningKind {
    /// cargo-audit's name.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Unmaintained => "unmaintained",
            WarningKind::Unsound => "unsound",
            WarningKind::Notice => "notice",
            WarningKind::Yanked => "yanked",
        }
    }

    /// The rustsec equivalent.
    pub fn to_rustsec(self) -> rustsec::WarningKind {
        match self {
            WarningKind::Unmaintained => rustsec::WarningKind::Unmaintained,
            WarningKind::Unsound => rustsec::WarningKind::Unsound,
            WarningKind::Notice => rustsec::WarningKind::Notice,
            WarningKind::Yanked => rustsec::WarningKind::Yanked,
        }
    }
}

/// An informational advisory or a yanked package.
#[derive(Debug, Clone)]
pub struct Warning {
    /// Which kind.
    pub kind: WarningKind,
    /// The locked package.
    pub package: cargo_lock::Package,
    /// The advisory (none for yanked).
    pub advisory: Option<Advisory>,
    /// Kinds through which a member reaches it.
    pub kinds: Kinds,
    /// A shortest path from a workspace member.
    pub path: Option<Vec<String>>,
}

/// An advisory that matched but was ignored.
#[derive(Debug, Clone)]
pub struct Ignored {
    /// The rule that applied.
    pub rule: IgnoreRule,
    /// The advisory's id.
    pub advisory_id: String,
    /// `name version` of the package.
    pub package: String,
}

/// The audit's result.
#[derive(Debug, Clone)]
pub struct Report {
    /// Vulnerabilities, sorted by package then advisory id.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Warnings, sorted by kind, package, advisory.
    pub warnings: Vec<Warning>,
    /// Advisories ignored by a rule.
    pub ignored: Vec<Ignored>,
    /// Rules that matched nothing in the lockfile.
    pub unused_ignores: Vec<IgnoreRule>,
    /// crates.io packages whose yank status is unknown, with the reason.
    pub yanked_unknown: Vec<(String, String, String)>,
    /// Number of packages in the lockfile.
    pub dependency_count: usize,
}

impl Report {
    /// Vulnerabilities that fail the gate.
    pub fn denied(&self) -> impl Iterator<Item = &Vulnerability> {
        self.vulnerabilities
            .iter()
            .filter(|v| v.gating == Gating::Deny)
    }
}

fn advisory_date(a: &Advisory) -> Option<Date> {
    let d = &a.metadata.date;
    Date::new(
        i16::try_from(d.year()).ok()?,
        i8::try_from(d.month()).ok()?,
        i8::try_from(d.day()).ok()?,
    )
    .ok()
}

fn affects_target(a: &Advisory, target: Option<&Target>) -> bool {
    let (Some(t), Some(affected)) = (target, &a.affected) else {
        return true;
    };
    (affected.os.is_empty() || affected.os.iter().any(|o| o.eq_ignore_ascii_case(&t.os)))
        && (affected.arch.is_empty()
            || affected
                .arch
                .iter()
                .any(|x| x.eq_ignore_ascii_case(&t.arch)))
}

/// The smallest version above `current` that a `patched` requirement admits.
pub fn minimal_fix(current: &Version, patched: &[VersionReq]) -> Option<Version> {
    patched
        .iter()
        .filter_map(|req| {
            let lower = req.comparators.iter().find_map(|c| {
                let v = Version::new(c.major, c.minor.unwrap_or(0), c.patch.unwrap_or(0));
                let v = Version {
                    pre: c.pre.clone(),
                    ..v
                };
                match c.op {
                    Op::GreaterEq | Op::Caret | Op::Tilde | Op::Exact | Op::Wildcard => Some(v),
                    Op::Greater => Some(Version::new(v.major, v.minor, v.patch + 1)),
                    _ => None,
                }
            })?;
            (lower > *current && req.matches(&lower)).then_some(lower)
        })
        .min()
}

/// Audits `lock` against `advisories`.
pub fn audit(
    advisories: &AdvisoryIndex,
    lock: &cargo_lock::Lockfile,
    graph: &DepGraph,
    yanked: Option<&YankedFacts>,
    settings: &Settings,
) -> Report {
    // Only the crates the lockfile names are looked up (and, from the
    // cache, parsed); withdrawn advisories and the toolchain's never match.
    let mut by_crate: BTreeMap<&str, Vec<Advisory>> = BTreeMap::new();
    for package in &lock.packages {
        let name = package.name.as_str();
        if !by_crate.contains_key(name) {
            let found: Vec<Advisory> = advisories
                .for_crate(name)
                .into_iter()
                .filter(|a| {
                    a.metadata.withdrawn.is_none()
                        && a.metadata.collection != Some(rustsec::Collection::Rust)
                })
                .collect();
            by_crate.insert(name, found);
        }
    }
    let reach = graph.reach();
    // Paths are only needed for what gets reported: walk once, on demand.
    let paths = std::cell::OnceCell::new();
    let path_to = |n: usize| {
        paths
            .get_or_init(|| graph.shortest_paths(&graph.members()))
            .to(graph, n)
    };
    let mut used_rules: BTreeSet<usize> = BTreeSet::new();
    let mut report = Report {
        vulnerabilities: Vec::new(),
        warnings: Vec::new(),
        ignored: Vec::new(),
        unused_ignores: Vec::new(),
        yanked_unknown: Vec::new(),
        dependency_count: lock.packages.len(),
    };
    for package in &lock.packages {
        if !package
            .source
            .as_ref()
            .is_some_and(|s| s.is_default_registry())
        {
            continue;
        }
        let name = package.name.as_str();
        let node = graph.find(name, &package.version.to_string());
        let kinds = node
            .map(|n| reach[n])
            .filter(|k| !k.is_empty())
            .unwrap_or(Kinds::UNKNOWN);
        let path = || node.and_then(path_to);

        if let Some(y) = yanked {
            match y
                .status
                .get(&(name.to_string(), package.version.to_string()))
            {
                Some(YankStatus::Yanked) => report.warnings.push(Warning {
                    kind: WarningKind::Yanked,
                    package: package.clone(),
                    advisory: None,
                    kinds,
                    path: path(),
                }),
                Some(YankStatus::Unknown(why)) => report.yanked_unknown.push((
                    name.to_string(),
                    package.version.to_string(),
                    why.clone(),
                )),
                _ => {}
            }
        }

        for advisory in by_crate.get(name).into_iter().flatten() {
            if !advisory.versions.is_vulnerable(&package.version)
                || !affects_target(advisory, settings.target.as_ref())
            {
                continue;
            }
            let mut expired_ignore = None;
            let mut ignored = false;
            for (i, rule) in settings.ignores.iter().enumerate() {
                if !matches_id(advisory, &rule.id) {
                    continue;
                }
                used_rules.insert(i);
                match rule.until {
                    Some(until) if until < settings.today => expired_ignore = Some(rule.clone()),
                    _ => {
                        ignored = true;
                        report.ignored.push(Ignored {
                            rule: rule.clone(),
                            advisory_id: advisory.metadata.id.to_string(),
                            package: format!("{name} {}", package.version),
                        });
                        break;
                    }
                }
            }
            if ignored {
                continue;
            }
            if let Some(info) = &advisory.metadata.informational {
                // cargo-audit reports these three kinds and skips others.
                let kind = match info {
                    Informational::Unmaintained => WarningKind::Unmaintained,
                    Informational::Unsound => WarningKind::Unsound,
                    Informational::Notice => WarningKind::Notice,
                    _ => continue,
                };
                report.warnings.push(Warning {
                    kind,
                    package: package.clone(),
                    advisory: Some((*advisory).clone()),
                    kinds,
                    path: path(),
                });
                continue;
            }
            let published = advisory_date(advisory);
            let gating = match published.and_then(|d| {
                d.checked_add(jiff::Span::new().days(i64::from(settings.grace_days)))
                    .ok()
            }) {
                Some(fails_on) if settings.grace_days > 0 && settings.today < fails_on => {
                    Gating::Grace { fails_on }
                }
                _ if kinds.dev_only() && settings.dev_level != Level::Deny => Gating::DevOnly,
                _ => Gating::Deny,
            };
            report.vulnerabilities.push(Vulnerability {
                advisory: (*advisory).clone(),
                package: package.clone(),
                kinds,
                path: path(),
                fix: minimal_fix(&package.version, advisory.versions.patched()),
                gating,
                expired_ignore,
            });
        }
    }
    report.unused_ignores = settings
        .ignores
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_rules.contains(i))
        .map(|(_, r)| r.clone())
        .collect();
    report.vulnerabilities.sort_by(|a, b| {
        (
            a.package.name.as_str(),
            &a.package.version,
            a.advisory.metadata.id.as_str(),
        )
            .cmp(&(
                b.package.name.as_str(),
                &b.package.version,
                b.advisory.metadata.id.as_str(),
            ))
    });
    report.warnings.sort_by(|a, b| {
        (
            a.kind,
            a.package.name.as_str(),
            &a.package.version,
            a.advisory.as_ref().map(|x| x.metadata.id.as_str()),
        )
            .cmp(&(
                b.kind,
                b.package.name.as_str(),
                &b.package.version,
                b.advisory.as_ref().map(|x| x.metadata.id.as_str()),
            ))
    });
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_fix_picks_the_lowest_patched_above_current() {
        let reqs: Vec<VersionReq> = [">= 0.4.2, < 0.5.0", ">= 0.5.1"]
            .iter()
            .map(|r| r.parse().unwrap())
            .collect();
        assert_eq!(
            minimal_fix(&Version::new(0, 4, 0), &reqs),
            Some(Version::new(0, 4, 2))
        );
        assert_eq!(
            minimal_fix(&Version::new(0, 5, 0), &reqs),
            Some(Version::new(0, 5, 1))
        );
        let caret: Vec<VersionReq> = ["^1.2.3"].iter().map(|r| r.parse().unwrap()).collect();
        assert_eq!(
            minimal_fix(&Version::new(1, 2, 0), &caret),
            Some(Version::new(1, 2, 3))
        );
        assert_eq!(minimal_fix(&Version::new(1, 2, 0), &[]), None);
    }

    #[test]
    fn targets_parse() {
        let t = Target::parse("x86_64-pc-windows-msvc").unwrap();
        assert_eq!((t.os.as_str(), t.arch.as_str()), ("windows", "x86_64"));
        assert!(Target::parse("not-a-triple").is_none());
    }
}
