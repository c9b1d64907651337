//! `cargo readiness init`: create what a repository is missing — and only
//! what is missing — so the production gate's governance and CI findings
//! that a file can fix are fixed. Never overwrites without `--force`;
//! `--dry-run` writes nothing. Every generated file passes this tool's own
//! checks (and zizmor, for the workflow).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::facts::workspace;

/// `actions/checkout` v4.2.2.
const CHECKOUT: &str = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2";
/// `github/codeql-action/upload-sarif` v4.31.9.
const UPLOAD_SARIF: &str =
    "github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7 # v4.31.9";

/// What init knows about the repository.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `https://github.com/owner/repo` (from `package.repository` or the
    /// `origin` remote), if known.
    pub repository: Option<String>,
    /// The version in the root manifest.
    pub version: Option<String>,
    /// Existing tags, newest last.
    pub latest_tag: Option<String>,
    /// `git config user.email`.
    pub email: Option<String>,
    /// The most frequent commit authors' emails.
    pub authors: Vec<String>,
    /// The default branch (`main` when unknown).
    pub branch: String,
    /// Whether `Cargo.lock` is present (CI then builds `--locked`).
    pub has_lockfile: bool,
}

/// One file init would create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Path relative to the workspace root.
    pub path: String,
    /// Its content.
    pub content: String,
    /// Whether a file is already there.
    pub exists: bool,
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    crate::exec::git_output(root, args)
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `git@github.com:o/r.git` / `https://github.com/o/r.git` → `https://github.com/o/r`.
pub fn web_url(remote: &str) -> Option<String> {
    let r = remote.trim().trim_end_matches('/').trim_end_matches(".git");
    if let Some(rest) = r.strip_prefix("git@") {
        let (host, path) = rest.split_once(':')?;
        return Some(format!("https://{host}/{path}"));
    }
    if let Some(rest) = r.strip_prefix("ssh://git@") {
        return Some(format!("https://{rest}"));
    }
    r.starts_with("https://").then(|| r.to_string())
}

/// Gathers the context from the manifest and git (collection-time I/O).
pub fn context(root: &Path) -> Context {
    let manifest = workspace::read_manifest(&root.join("Cargo.toml")).ok();
    let field = |key: &str| -> Option<String> {
        let m = manifest.as_ref()?;
        m.get("package")
            .and_then(|p| p.get(key))
            .and_then(|v| v.as_str())
            .or_else(|| m.get("workspace")?.get("package")?.get(key)?.as_str())
            .map(str::to_string)
    };
    let repository = field("repository")
        .and_then(|r| web_url(&r))
        .or_else(|| git(root, &["remote", "get-url", "origin"]).and_then(|u| web_url(&u)));
    let authors = git(root, &["shortlog", "-sne", "HEAD"])
        .map(|s| {
            s.lines()
                .filter_map(|l| Some(l.split_once('<')?.1.trim_end_matches('>').to_string()))
                .filter(|e| {
                    e.contains('@') && !e.contains("noreply") && !e.ends_with("example.com")
                })
                .take(3)
                .collect()
        })
        .unwrap_or_default();
    let branch = git(
        root,
        &["symbolic-ref", "--short", "refs/remotes/origin/HEAD"],
    )
    .map(|b| b.trim_start_matches("origin/").to_string())
    .or_else(|| git(root, &["symbolic-ref", "--short", "HEAD"]))
    .unwrap_or_else(|| "main".to_string());
    Context {
        repository,
        version: field("version"),
        latest_tag: git(root, &["describe", "--tags", "--abbrev=0"]),
        email: git(root, &["config", "user.email"]).filter(|e| !e.ends_with("example.com")),
        authors,
        branch,
        has_lockfile: root.join("Cargo.lock").is_file(),
    }
}

/// The files init writes, with their content for `ctx`.
pub fn plan(root: &Path, ctx: &Context) -> Vec<Planned> {
    let files = [
        ("readiness.toml", readiness_toml()),
        ("SECURITY.md", security_md(ctx)),
        (".github/CODEOWNERS", codeowners(ctx)),
        ("CHANGELOG.md", changelog(ctx)),
        (".github/dependabot.yml", dependabot().to_string()),
        (".github/workflows/ci.yml", ci_workflow(ctx)),
    ];
    files
        .into_iter()
        .map(|(path, content)| {
            // The same file under another name or place counts as present,
            // and is the one `--force` replaces: never a second copy beside it.
            // A dangling symlink is something there too: never replaced
            // as if the name were free.
            let existing = alternatives(path)
                .into_iter()
                .find(|p| std::fs::symlink_metadata(root.join(p)).is_ok());
            Planned {
                path: existing.unwrap_or(path).to_string(),
                content,
                exists: existing.is_some(),
            }
        })
        .collect()
}

/// Where an equivalent file may already be.
fn alternatives(path: &str) -> Vec<&str> {
    match path {
        "SECURITY.md" => vec!["SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md"],
        ".github/CODEOWNERS" => vec![".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"],
        "CHANGELOG.md" => vec!["CHANGELOG.md", "CHANGES.md", "HISTORY.md", "RELEASES.md"],
        ".github/dependabot.yml" => vec![
            ".github/dependabot.yml",
            ".github/dependabot.yaml",
            "renovate.json",
            ".github/renovate.json",
        ],
        other => vec![other],
    }
}

/// Writes the plan: missing files (all with `force`), each atomically.
/// Returns one line per file saying what happened.
pub fn apply(root: &Path, plan: &[Planned], dry_run: bool, force: bool) -> Result<Vec<String>> {
    let mut report = Vec::new();
    for p in plan {
        let target: PathBuf = root.join(&p.path);
        // A symlink on the way (the file, or `.github`) could point
        // anywhere, outside the repository too: init never writes through
        // one, `--force` or not.
        if let Some(link) = first_symlink(root, &p.path) {
            report.push(format!(
                "skipped    {} ({link} is a symlink; init never writes through one)",
                p.path
            ));
            continue;
        }
        let action = match (p.exists, force, dry_run) {
            (true, false, _) => {
                report.push(format!("exists     {} (kept; --force replaces it)", p.path));
                continue;
            }
            (_, _, true) => {
                report.push(format!(
                    "would {} {}",
                    if p.exists { "replace" } else { "create " },
                    p.path
                ));
                continue;
            }
            (true, true, false) => "replaced",
            (false, _, false) => "created ",
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                action: "cannot create",
                path: parent.to_path_buf(),
                source,
            })?;
        }
        crate::util::write_atomic(&target, p.content.as_bytes()).map_err(|source| Error::Io {
            action: "cannot write",
            path: target.clone(),
            source,
        })?;
        report.push(format!("{action}   {}", p.path));
    }
    Ok(report)
}

/// The first of `root/a`, `root/a/b`, … `root/rel` that is a symlink, as
/// a path relative to `root`.
fn first_symlink(root: &Path, rel: &str) -> Option<String> {
    let mut at = root.to_path_buf();
    let mut shown = Vec::new();
    for part in rel.split('/') {
        at.push(part);
        shown.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(shown.join("/"));
        }
    }
    None
}

fn readiness_toml() -> String {
    r#"# cargo-readiness configuration (`cargo readiness explain <check>` for any check).
# Every key is optional; delete what you do not need.

# Gate profile: minimal, production (default) or strict.
profile = "production"
# min-score = 75

[checks]
# Per-check level: "deny" fails the gate, "warn" reports, "allow" silences.
# fuzzing = "allow"

[advisories]
# Ignore an advisory only with a reason, and review it by a date:
# ignore = [{ id = "RUSTSEC-0000-0000", reason = "why it does not apply", until = "2027-01-01" }]
# grace-days = 7       # new advisories warn for a week before failing the gate

[licenses]
# With no allow list, the common permissive licenses are allowed and copyleft
# shipped in a binary fails. To set your own:
# allow = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "Unicode-3.0"]
"#
    .to_string()
}

fn security_md(ctx: &Context) -> String {
    let series = ctx
        .version
        .as_deref()
        .and_then(|v| semver::Version::parse(v).ok())
        .map(|v| {
            if v.major == 0 {
                format!("0.{}.x", v.minor)
            } else {
                format!("{}.x", v.major)
            }
        })
        .unwrap_or_else(|| "latest".into());
    let mut contact = Vec::new();
    if let Some(repo) = ctx
        .repository
        .as_deref()
        .filter(|r| r.starts_with("https://github.com/"))
    {
        contact.push(format!(
            "Use GitHub's private vulnerability reporting: <{repo}/security/advisories/new>\n(enable it under the repository's Settings → Security)."
        ));
    }
    if let Some(email) = &ctx.email {
        contact.push(format!("Or email {email}."));
    }
    if contact.is_empty() {
        contact.push(
            "TODO: give a private contact — an email address that is monitored, or a URL.".into(),
        );
    }
    format!(
        "# Security policy\n\n## Supported versions\n\n| version | supported |\n|---------|-----------|\n| {series} | yes |\n\n## Reporting a vulnerability\n\nPlease do not open a public issue for a vulnerability.\n\n{}\n\nWe acknowledge reports within three working days and agree on a disclosure\ndate with the reporter.\n",
        contact.join("\n")
    )
}

fn codeowners(ctx: &Context) -> String {
    let mut s = String::from(
        "# Code owners: GitHub requests their review on every pull request.\n# https://docs.github.com/articles/about-code-owners\n",
    );
    let mut owners = ctx.authors.clone();
    if owners.is_empty() {
        owners.extend(ctx.email.clone());
    }
    if owners.is_empty() {
        s.push_str("# TODO: name the owners, e.g.\n# * @your-org/maintainers\n");
    } else {
        s.push_str(&format!("* {}\n", owners.join(" ")));
    }
    s
}

fn changelog(ctx: &Context) -> String {
    let link = match (&ctx.repository, &ctx.latest_tag) {
        (Some(repo), Some(tag)) if repo.starts_with("https://gitlab.com/") => {
            format!("{repo}/-/compare/{tag}...HEAD")
        }
        (Some(repo), Some(tag)) => format!("{repo}/compare/{tag}...HEAD"),
        (Some(repo), None) if repo.starts_with("https://gitlab.com/") => {
            format!("{repo}/-/commits/{}", ctx.branch)
        }
        (Some(repo), None) => format!("{repo}/commits/{}", ctx.branch),
        (None, _) => String::new(),
    };
    let mut s = String::from(
        "# Changelog\n\nAll notable changes to this project are documented in this file.\nThe format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\nand this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n## [Unreleased]\n\n### Added\n- \n",
    );
    if !link.is_empty() {
        s.push_str(&format!("\n[Unreleased]: {link}\n"));
    }
    s
}

fn dependabot() -> &'static str {
    "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n    schedule:\n      interval: weekly\n  - package-ecosystem: github-actions\n    directory: /\n    schedule:\n      interval: weekly\n"
}

fn ci_workflow(ctx: &Context) -> String {
    let locked = if ctx.has_lockfile { " --locked" } else { "" };
    let version = env!("CARGO_PKG_VERSION");
    format!(
        r#"name: CI

on:
  push:
    branches: [{branch}]
  pull_request:
  schedule:
    - cron: "23 5 * * 1"

permissions:
  contents: read

env:
  CARGO_TERM_COLOR: always

jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: {CHECKOUT}
        with:
          persist-credentials: false
      - run: rustup component add rustfmt clippy
      - run: cargo fmt --all -- --check
      - run: cargo clippy --workspace --all-targets{locked} -- -D warnings

  test:
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest, macos-latest, windows-latest]
    runs-on: ${{{{ matrix.os }}}}
    steps:
      - uses: {CHECKOUT}
        with:
          persist-credentials: false
      - run: cargo test --workspace{locked}

  readiness:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write # upload the SARIF report to code scanning
    steps:
      - uses: {CHECKOUT}
        with:
          persist-credentials: false
          fetch-depth: 0 # tags, for version-tags and changelog-links
      - run: cargo install --locked cargo-readiness --version {version}
      - run: cargo readiness --output sarif=readiness.sarif --output "markdown=$GITHUB_STEP_SUMMARY"
      - uses: {UPLOAD_SARIF}
        if: always()
        with:
          sarif_file: readiness.sarif
          category: cargo-readiness
"#,
        branch = ctx.branch,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls() {
        assert_eq!(
            web_url("git@github.com:acme/app.git").as_deref(),
            Some("https://github.com/acme/app")
        );
        assert_eq!(
            web_url("https://github.com/acme/app.git").as_deref(),
            Some("https://github.com/acme/app")
        );
        assert_eq!(web_url("/tmp/local"), None);
    }

    #[test]
    fn workflow_is_valid_yaml_with_pinned_actions() {
        let ctx = Context {
            branch: "main".into(),
            has_lockfile: true,
            ..Context::default()
        };
        let wf = ci_workflow(&ctx);
        assert!(crate::facts::yaml::parse(&wf).is_ok(), "{wf}");
        assert!(wf.contains("${{ matrix.os }}"));
        assert!(!wf.contains("@v"), "every action pinned by SHA");
    }

    #[test]
    fn placeholders_when_nothing_is_known() {
        let ctx = Context::default();
        assert!(security_md(&ctx).contains("TODO"));
        assert!(codeowners(&ctx).contains("# TODO"));
    }
}
