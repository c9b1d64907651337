//! `sources`: every dependency comes from crates.io, an allowed registry,
//! or an allowed git organisation; git dependencies are pinned.

use super::manifest_deps;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::files::relative;
use crate::policy::PeerLevel;

/// See [`Check::docs`].
pub struct Sources;

/// crates.io's index, in both protocols.
const CRATES_IO: &[&str] = &[
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

impl Check for Sources {
    fn id(&self) -> &'static str {
        "sources"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "dependencies come from crates.io, allowed registries or allowed git organisations, and git ones are pinned"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every package in the lockfile comes from crates.io, from a registry listed
in `[sources] allow-registry`, or from a git repository under a prefix in
`[sources] allow-git` (`https://github.com/my-org` allows every repository
of the organisation). A git dependency declared in a manifest without a
pinned `rev` (only a `branch`, a `tag`, or nothing) is a finding at its
line: the lockfile pins a commit, but `cargo update` silently moves it. A
path dependency outside the workspace is a finding: a fresh clone cannot
build it.

```toml
[sources]
allow-git = ["https://github.com/my-org"]
allow-registry = ["https://my-registry.example.com/index"]
```

cargo-deny's `[sources]` (`allow-git`, `allow-registry`, `allow-org`) in a
`deny.toml` is honoured when `readiness.toml` has no `[sources]`, and so
are its `unknown-registry` and `unknown-git` levels: `"allow"` accepts
such sources, `"warn"` reports them as warnings.

## Why
A dependency from someone's fork or an unvetted registry bypasses the
review, yanking and advisory machinery crates.io has; an unpinned git
dependency is whatever the branch says today.

## How to fix
Depend on the published crate; or pin the git dependency
(`rev = "<40-hex commit>"`) and allow its organisation in `[sources]`; move
path dependencies into the workspace.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(why) = facts.config.policy_unreadable.get("sources") {
            return Outcome::error(format!(
                "{why}; the [sources] policy it holds could not be applied"
            ));
        }
        let policy = &facts.config.policy.sources;
        let mut findings = Vec::new();
        let lock_path = facts
            .lockfile
            .as_ref()
            .map_or("Cargo.lock", |l| l.path.as_str());
        let lock_line = |name: &str, version: &str| {
            facts
                .lockfile
                .as_ref()
                .and_then(|l| l.package_line(name, version))
        };
        let allowed_git = |url: &str| {
            let url = url.trim_start_matches("git+");
            policy.allow_git.iter().any(|prefix| {
                let prefix = prefix.trim_end_matches('/');
                url == prefix
                    || url.starts_with(&format!("{prefix}/"))
                    || url.starts_with(&format!("{prefix}.git"))
                    || url.starts_with(&format!("{prefix}?"))
            })
        };
        let mut total = 0usize;
        let mut bad = 0usize;
        // Where each package comes from: the resolved graph, or the lockfile.
        let mut packages: Vec<(String, String, Option<String>, Option<std::path::PathBuf>)> =
            Vec::new();
        match (
            &facts.metadata,
            facts.lockfile.as_ref().and_then(|l| l.parsed.as_ref().ok()),
        ) {
            (Ok(meta), _) => {
                let members: std::collections::BTreeSet<_> =
                    meta.workspace_members.iter().collect();
                for p in meta.packages.iter().filter(|p| !members.contains(&p.id)) {
                    packages.push((
                        p.name.to_string(),
                        p.version.to_string(),
                        p.source.as_ref().map(|s| s.repr.clone()),
                        Some(p.manifest_path.clone().into_std_path_buf()),
                    ));
                }
            }
            (Err(_), Some(lock)) => {
                let member_names: std::collections::BTreeSet<&str> =
                    facts.members.iter().map(|m| m.name.as_str()).collect();
                for p in lock
                    .packages
                    .iter()
                    .filter(|p| !(p.source.is_none() && member_names.contains(p.name.as_str())))
                {
                    packages.push((
                        p.name.as_str().to_string(),
                        p.version.to_string(),
                        p.source.as_ref().map(|s| s.to_string()),
                        None,
                    ));
                }
            }
            (Err(e), None) => {
                return Outcome::error(format!(
                    "needs the dependency graph or Cargo.lock: {}",
                    e.reason
                ));
            }
        }
        for (name, version, source, manifest) in &packages {
            total += 1;
            let key = format!("{name}@{version}");
            let finding = match source.as_deref() {
                Some(s) if CRATES_IO.iter().any(|c| s.starts_with(c)) => None,
                Some(s) if s.starts_with("registry+") || s.starts_with("sparse+") => {
                    let url = s.split_once('+').map_or(s, |(_, u)| u);
                    (!policy.allow_registry.iter().any(|r| r.trim_end_matches('/') == url.trim_end_matches('/'))
                        && policy.unknown_registry != Some(PeerLevel::Allow))
                    .then(|| {
                        Finding::new(severity_of(policy.unknown_registry), key.clone(), format!("{name} {version} comes from the registry {url}, which is not allowed"))
                            .help(format!("add it to [sources] allow-registry = [\"{url}\"] if it is vetted"))
                    })
                }
                Some(s) if s.starts_with("git+") => {
                    let url = s.trim_start_matches("git+");
                    let repo = url.split(['?', '#']).next().unwrap_or(url);
                    (!allowed_git(s) && policy.unknown_git != Some(PeerLevel::Allow)).then(|| {
                        Finding::new(severity_of(policy.unknown_git), key.clone(), format!("{name} {version} comes from the git repository {repo}, which is not allowed"))
                            .help(format!("depend on the published crate, or allow it: [sources] allow-git = [\"{}\"]", org_of(repo)))
                    })
                }
                Some(other) => Some(Finding::error(key.clone(), format!("{name} {version} comes from an unknown source {other}"))),
                None => manifest.as_ref().and_then(|m| {
                    (!m.starts_with(&facts.root)).then(|| {
                        Finding::error(key.clone(), format!("{name} {version} is a path dependency outside the workspace ({})", relative(&facts.root, m)))
                            .help("move it into the workspace or publish it; a fresh clone cannot build it")
                    })
                }),
            };
            if let Some(f) = finding {
                bad += 1;
                findings.push(f.at(lock_path, lock_line(name, version)));
            }
        }
        for dep in manifest_deps::all(facts) {
            let Some(git) = dep.field("git") else {
                continue;
            };
            if dep.field("rev").is_some() {
                continue;
            }
            let how = match (dep.field("branch"), dep.field("tag")) {
                (Some(b), _) => format!("follows branch `{b}`"),
                (None, Some(t)) => format!("follows tag `{t}` (tags can be moved)"),
                (None, None) => "follows the default branch".to_string(),
            };
            findings.push(
                Finding::new(
                    Severity::Error,
                    format!("unpinned:{}:{}", dep.table, dep.key),
                    format!(
                        "git dependency `{}` ({git}) in [{}] {how}: not pinned to a commit",
                        dep.key, dep.table
                    ),
                )
                .at(dep.manifest.clone(), Some(dep.line))
                .help("pin it: rev = \"<40-hex commit>\""),
            );
        }
        let score = if total == 0 {
            1.0
        } else {
            1.0 - bad as f64 / total as f64
        };
        let score = if findings.iter().any(|f| f.key.starts_with("unpinned:")) {
            score.min(0.5)
        } else {
            score
        };
        Outcome::from_findings(findings, score)
    }
}

/// cargo-deny's `unknown-registry`/`unknown-git = "warn"` keeps such a
/// source a warning; anything else (or nothing) is an error.
fn severity_of(level: Option<PeerLevel>) -> Severity {
    match level {
        Some(PeerLevel::Warn) => Severity::Warning,
        _ => Severity::Error,
    }
}

/// `https://github.com/org/repo` → `https://github.com/org`.
fn org_of(repo: &str) -> String {
    let parts: Vec<&str> = repo.trim_end_matches(".git").split('/').collect();
    if parts.len() >= 5 {
        parts[..4].join("/")
    } else {
        repo.to_string()
    }
}
