//! The check registry: one trait, one list.
//!
//! Invariant: checks do no I/O. Each is a pure function of [`Facts`] and its
//! [`CheckConfig`], so it can be unit-tested from in-memory facts and run in
//! parallel. `list`, `explain`, `docs/checks.md` (and later SARIF rules) are
//! all derived from [`ALL`]; adding a check is one file plus one line there.

mod advisories;
mod archived_uses;
mod bans;
mod benches;
mod binary_artifacts;
mod changelog;
mod changelog_links;
mod ci_audit;
mod ci_clippy;
mod ci_fmt;
mod ci_msrv;
mod ci_os_matrix;
mod ci_present;
pub mod ci_support;
mod ci_tests;
pub mod code;
mod code_of_conduct;
mod codeowners;
mod contributing;
pub mod crates_io_categories;
mod dangerous_workflow;
mod dependency_licenses;
mod dependency_update_tool;
mod duplicate_versions;
mod fuzzing;
mod install_pinning;
mod integration_tests;
mod issue_templates;
mod license_files;
mod lints_configured;
mod lockfile;
mod maintained;
pub use crate::facts::manifest_deps;
mod manifest_metadata;
mod network_timeouts;
mod pinned_actions;
mod pr_template;
mod property_tests;
mod readme;
mod release_workflow;
mod sast;
mod sbom;
mod security_policy;
mod sources;
pub mod support;
mod tests_present;
mod tls_verification;
mod token_permissions;
mod undeclared_test_deps;
mod unfinished_code;
mod unsafe_hygiene;
mod version_tags;
mod wildcard_requirements;
mod yanked;

use serde::Serialize;

use crate::facts::Facts;

/// Every check, in report order. The only list of checks.
pub static ALL: &[&dyn Check] = &[
    &advisories::Advisories,
    &security_policy::SecurityPolicy,
    &token_permissions::TokenPermissions,
    &dangerous_workflow::DangerousWorkflow,
    &sast::Sast,
    &tls_verification::TlsVerification,
    &unsafe_hygiene::UnsafeHygiene,
    &network_timeouts::NetworkTimeouts,
    &lockfile::Lockfile,
    &sources::Sources,
    &dependency_licenses::DependencyLicenses,
    &bans::Bans,
    &yanked::Yanked,
    &duplicate_versions::DuplicateVersions,
    &wildcard_requirements::WildcardRequirements,
    &pinned_actions::PinnedActions,
    &archived_uses::ArchivedUses,
    &ci_audit::CiAudit,
    &install_pinning::InstallPinning,
    &binary_artifacts::BinaryArtifacts,
    &dependency_update_tool::DependencyUpdateTool,
    &ci_present::CiPresent,
    &ci_tests::CiTests,
    &ci_fmt::CiFmt,
    &ci_clippy::CiClippy,
    &ci_os_matrix::CiOsMatrix,
    &ci_msrv::CiMsrv,
    &lints_configured::LintsConfigured,
    &changelog::Changelog,
    &changelog_links::ChangelogLinks,
    &version_tags::VersionTags,
    &release_workflow::ReleaseWorkflow,
    &sbom::Sbom,
    &tests_present::TestsPresent,
    &integration_tests::IntegrationTests,
    &undeclared_test_deps::UndeclaredTestDeps,
    &unfinished_code::UnfinishedCode,
    &fuzzing::Fuzzing,
    &benches::Benches,
    &property_tests::PropertyTests,
    &license_files::LicenseFiles,
    &manifest_metadata::ManifestMetadata,
    &readme::Readme,
    &maintained::Maintained,
    &codeowners::Codeowners,
    &contributing::Contributing,
    &code_of_conduct::CodeOfConduct,
    &issue_templates::IssueTemplates,
    &pr_template::PrTemplate,
];

/// Looks a check up by id.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    ALL.iter().copied().find(|c| c.id() == id)
}

/// One production-readiness check.
pub trait Check: Sync {
    /// Stable kebab-case id, e.g. `security-policy`. Never renamed.
    fn id(&self) -> &'static str;
    /// The score category it counts towards.
    fn category(&self) -> Category;
    /// Its level when neither profile nor configuration says otherwise.
    fn default_level(&self) -> Level;
    /// Weight within its category.
    fn weight(&self) -> u32;
    /// One line: what it checks.
    fn summary(&self) -> &'static str;
    /// Markdown: what it checks, why it matters, what passing looks like, how to fix.
    fn docs(&self) -> &'static str;
    /// Evaluates the check. Must not touch the disk or the network.
    fn run(&self, facts: &Facts, cfg: &CheckConfig) -> Outcome;
}

/// Per-run settings a check receives.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// The effective level (profile, then configuration).
    pub level: Level,
}

/// Score categories; weights sum to 100 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Vulnerabilities, security policy, dangerous code.
    Security,
    /// Where dependencies come from and how they are pinned.
    SupplyChain,
    /// Continuous integration.
    Ci,
    /// Changelog, tags, release automation.
    Release,
    /// Tests and code hygiene.
    Testing,
    /// Licenses, ownership, community files, metadata.
    Governance,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 6] = [
        Category::Security,
        Category::SupplyChain,
        Category::Ci,
        Category::Release,
        Category::Testing,
        Category::Governance,
    ];

    /// The id used in config and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::SupplyChain => "supply-chain",
            Category::Ci => "ci",
            Category::Release => "release",
            Category::Testing => "testing",
            Category::Governance => "governance",
        }
    }

    /// Parses a category id.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Default weight of the category in the total (they sum to 100).
    pub fn default_weight(self) -> u32 {
        match self {
            Category::Security => 25,
            Category::SupplyChain => 20,
            Category::Ci => 20,
            Category::Release => 15,
            Category::Testing => 10,
            Category::Governance => 10,
        }
    }
}

/// How a check's findings affect the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Silenced: reported as `skip`, excluded from the score.
    Allow,
    /// Reported and scored, never fails the gate.
    Warn,
    /// Fails the gate when the check fails or cannot be evaluated.
    Deny,
}

impl Level {
    /// The config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// Parses the config spelling.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// Result of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing to fix.
    Pass,
    /// Minor findings; does not fail the gate.
    Warn,
    /// Findings that fail the gate when the check is at `deny`.
    Fail,
    /// Not applicable or silenced; excluded from the score.
    Skip,
    /// Could not evaluate (the note says why); counts as a failure.
    Error,
}

impl Status {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }
}

/// How serious one finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; does not lower the status.
    Note,
    /// Should be fixed; makes the check `warn`.
    Warning,
    /// Must be fixed; makes the check `fail`.
    Error,
}

/// One thing a check found, located where possible.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// File relative to the workspace root, `/`-separated.
    pub path: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// One line: the fix.
    pub help: Option<String>,
    /// Stable identity for baselines and SARIF; independent of line numbers.
    pub fingerprint: String,
    /// Recorded in the baseline: known, reported, but not counted by the gate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub baselined: bool,
    /// Silenced by an inline comment or a `[[suppress]]` entry, with the
    /// reason: still reported, never counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
    /// What identifies this finding within its check and file (not the line),
    /// hashed into the fingerprint.
    #[serde(skip)]
    pub key: String,
}

impl Finding {
    /// A finding of the given severity; `key` identifies it stably within the check.
    pub fn new(severity: Severity, key: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity,
            message: message.into(),
            path: None,
            line: None,
            help: None,
            fingerprint: String::new(),
            baselined: false,
            suppressed: None,
            key: key.into(),
        }
    }

    /// Whether the finding counts for the check's status and the gate:
    /// neither known from the baseline nor suppressed.
    pub fn counts(&self) -> bool {
        !self.baselined && self.suppressed.is_none()
    }

    /// An error-severity finding.
    pub fn error(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, key, message)
    }

    /// A warning-severity finding.
    pub fn warning(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, key, message)
    }

    /// A note.
    pub fn note(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, key, message)
    }

    /// Locates the finding in a file.
    pub fn at(mut self, path: impl Into<String>, line: Option<usize>) -> Self {
        self.path = Some(path.into());
        self.line = line;
        self
    }

    /// Adds the one-line fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Where a suppression came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// A `readiness: ignore[…]` comment in the file the finding points at.
    Inline,
    /// A `[[suppress]]` entry in the configuration.
    Config,
}

/// Why a finding is reported but not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// Inline comment or configuration entry.
    pub kind: SuppressionKind,
    /// The reason written with it.
    pub reason: String,
    /// Where it is written, `path:line`.
    pub source: String,
}

/// What a check returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Overall result.
    pub status: Status,
    /// Partial credit in `[0, 1]`.
    pub score: f64,
    /// What it found.
    pub findings: Vec<Finding>,
    /// Why the check was skipped or could not run.
    pub note: Option<String>,
}

impl Outcome {
    /// Status from the worst finding; score given by the check.
    pub fn from_findings(findings: Vec<Finding>, score: f64) -> Self {
        let status = match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Error) => Status::Fail,
            Some(Severity::Warning) => Status::Warn,
            Some(Severity::Note) | None => Status::Pass,
        };
        let score = if status == Status::Pass && findings.is_empty() {
            1.0
        } else {
            score.clamp(0.0, 1.0)
        };
        Outcome {
            status,
            score,
            findings,
            note: None,
        }
    }

    /// Full marks.
    pub fn pass() -> Self {
        Self::from_findings(Vec::new(), 1.0)
    }

    /// Not applicable here; excluded from the score.
    pub fn skip(note: impl Into<String>) -> Self {
        Outcome {
            status: Status::Skip,
            score: 0.0,
            findings: Vec::new(),
            note: Some(note.into()),
        }
    }

    /// Could not evaluate; scores zero and fails a `deny` gate.
    pub fn error(note: impl Into<String>) -> Self {
        Outcome {
            status: Status::Error,
            score: 0.0,
            findings: Vec::new(),
            note: Some(note.into()),
        }
    }

    /// Adds an explanatory note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Re-derives the status from the findings that still count, after
    /// some were set aside (known from the baseline, suppressed); `why` is
    /// added to the note. When none but notes count, the check has full
    /// marks. A check that was skipped or could not be evaluated keeps its
    /// status: setting findings aside never turns an `error` into a pass.
    pub fn recount(&mut self, why: &str) {
        if matches!(self.status, Status::Error | Status::Skip) {
            return;
        }
        let worst = self
            .findings
            .iter()
            .filter(|f| f.counts())
            .map(|f| f.severity)
            .max();
        self.status = match worst {
            Some(Severity::Error) => Status::Fail,
            Some(Severity::Warning) => Status::Warn,
            Some(Severity::Note) | None => Status::Pass,
        };
        if worst.is_none_or(|s| s == Severity::Note) {
            self.score = 1.0;
        }
        self.note = Some(match self.note.take() {
            Some(n) => format!("{n}; {why}"),
            None => why.to_string(),
        });
    }
}

/// A check's outcome with its effective settings, as reported.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The check that ran.
    pub check: &'static dyn Check,
    /// The level it ran at.
    pub level: Level,
    /// Its weight within the category (after configuration).
    pub weight: u32,
    /// What it found.
    pub outcome: Outcome,
    /// How long it took to run.
    pub elapsed: std::time::Duration,
}

impl std::fmt::Debug for dyn Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Runs every check against `facts`, in parallel, in registry order.
///
/// `level_of` gives each check's effective level; checks at `allow` are not run.
pub fn run_all(facts: &Facts, level_of: &(dyn Fn(&dyn Check) -> Level + Sync)) -> Vec<CheckResult> {
    // Threads take the next check as they finish one: a few checks cost
    // most of the time on large workspaces, so fixed chunks left a core idle.
    crate::util::parallel_map(ALL, |check| run_one(*check, facts, level_of(*check)))
}

fn run_one(check: &'static dyn Check, facts: &Facts, level: Level) -> CheckResult {
    let started = std::time::Instant::now();
    let outcome = if level == Level::Allow {
        Outcome::skip("silenced: level is `allow`")
    } else {
        // A bug in one check must not take the whole report down: it is
        // reported as that check's `error` (degrade, don't die). The panic
        // hook has already printed the one-line internal-error message.
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check.run(facts, &CheckConfig { level })
        }));
        let mut outcome = run.unwrap_or_else(|_| {
            Outcome::error(
                "internal error in this check (a bug in cargo-readiness; please report it)",
            )
        });
        // The peers' keys readiness does not apply, on the check they concern.
        for note in facts
            .config
            .peer_notes
            .iter()
            .filter(|n| n.check == check.id())
        {
            outcome.findings.push(
                Finding::note(
                    format!("peer-key:{}:{}", note.path, note.key),
                    &note.message,
                )
                .at(note.path.clone(), Some(note.line)),
            );
        }
        for finding in &mut outcome.findings {
            finding.fingerprint = fingerprint(check.id(), finding);
        }
        outcome
            .findings
            .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        outcome
    };
    CheckResult {
        check,
        level,
        weight: check.weight(),
        outcome,
        elapsed: started.elapsed(),
    }
}

/// A stable fingerprint: check id, file and the finding's key, never the line,
/// so it survives edits elsewhere in the file.
fn fingerprint(check_id: &str, finding: &Finding) -> String {
    let mut h = crate::util::Fnv64::new();
    h.write(check_id.as_bytes());
    h.write(&[0]);
    h.write(finding.path.as_deref().unwrap_or("").as_bytes());
    h.write(&[0]);
    h.write(finding.key.as_bytes());
    format!("{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = BTreeSet::new();
        for c in ALL {
            assert!(seen.insert(c.id()), "duplicate id {}", c.id());
            assert!(
                c.id()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{} is not kebab-case",
                c.id()
            );
            assert!(c.weight() > 0, "{} has zero weight", c.id());
            assert!(!c.summary().is_empty());
            for section in ["## What it checks", "## Why", "## How to fix"] {
                assert!(
                    c.docs().contains(section),
                    "{} docs lack `{section}`",
                    c.id()
                );
            }
        }
    }

    #[test]
    fn category_weights_sum_to_100() {
        assert_eq!(
            Category::ALL
                .iter()
                .map(|c| c.default_weight())
                .sum::<u32>(),
            100
        );
    }

    #[test]
    fn status_follows_worst_finding() {
        let o = Outcome::from_findings(vec![Finding::note("k", "m")], 1.0);
        assert_eq!(o.status, Status::Pass);
        let o = Outcome::from_findings(vec![Finding::warning("k", "m")], 0.5);
        assert_eq!(o.status, Status::Warn);
        let o = Outcome::from_findings(
            vec![Finding::warning("k", "m"), Finding::error("k2", "m")],
            0.5,
        );
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn fingerprint_ignores_line() {
        let a = Finding::error("missing:MIT", "x").at("Cargo.toml", Some(3));
        let b = Finding::error("missing:MIT", "y").at("Cargo.toml", Some(30));
        assert_eq!(
            fingerprint("license-files", &a),
            fingerprint("license-files", &b)
        );
        let c = Finding::error("missing:Apache-2.0", "x").at("Cargo.toml", Some(3));
        assert_ne!(
            fingerprint("license-files", &a),
            fingerprint("license-files", &c)
        );
    }
}
