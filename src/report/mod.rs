//! Renderers: pure functions from a [`Scorecard`] to text.

pub mod audit;
pub mod badge;
pub mod deps;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod licenses;
pub mod markdown;
pub mod project;
pub mod sarif;
pub mod svg_badge;

use std::path::Path;

use crate::score::Scorecard;

/// What a report needs besides the scorecard.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The workspace root.
    pub root: &'a Path,
    /// Notes from fact collection (degraded metadata, toolchain retry, …).
    pub notes: &'a [String],
    /// Where configuration came from.
    pub config_source: Option<&'a str>,
    /// Where findings can be linked on GitHub (from `GITHUB_*`), if known.
    pub github: Option<&'a GithubLinks>,
    /// Findings suppressed by the baseline, for the summary line.
    pub baselined: usize,
    /// Findings set aside by suppressions (inline or `[[suppress]]`).
    pub suppressed: usize,
    /// The time of the run (Unix seconds; `SOURCE_DATE_EPOCH` when set).
    pub now: i64,
    /// `--junit-warn failure`: warn-level failures are JUnit failures too.
    pub junit_warn_failure: bool,
    /// The workspace root's path inside the git repository, when it is not
    /// the repository's root (SARIF URIs are relative to the repository).
    pub repo_prefix: Option<&'a str>,
    /// Name, version, commit and date of the project (HTML header, links).
    pub project: Option<&'a project::Project>,
    /// The dependency graph summarised, when it was resolved (HTML).
    pub dependencies: Option<&'a deps::Summary>,
}

/// What is needed to link a file line on GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubLinks {
    /// `GITHUB_SERVER_URL`, e.g. `https://github.com`.
    pub server: String,
    /// `GITHUB_REPOSITORY`, `owner/name`.
    pub repository: String,
    /// `GITHUB_SHA`.
    pub sha: String,
    /// The workspace root's path inside the repository, when not at its root.
    pub path_prefix: Option<String>,
}

impl GithubLinks {
    /// From the environment GitHub Actions sets; `None` outside it.
    pub fn from_env(prefix: Option<String>) -> Option<GithubLinks> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Some(GithubLinks {
            server: var("GITHUB_SERVER_URL")?,
            repository: var("GITHUB_REPOSITORY")?,
            sha: var("GITHUB_SHA")?,
            path_prefix: prefix.filter(|p| !p.is_empty()),
        })
    }
}

/// Renders the scorecard in `format`.
pub fn render(card: &Scorecard, ctx: &Context<'_>, format: crate::cli::ReportFormat) -> String {
    use crate::cli::ReportFormat as F;
    match format {
        F::Human => human::render(card, ctx),
        F::Json => json::render(card, ctx),
        F::Sarif => sarif::render(card, ctx),
        F::Markdown => markdown::render(card, ctx),
        F::Junit => junit::render(card, ctx),
        F::Badge => badge::render(card),
        F::Html => html::render(card, ctx),
        F::SvgBadge => svg_badge::render(card),
    }
}
