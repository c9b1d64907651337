//! `pinned-actions`: every third-party action is pinned to a commit SHA.

use std::collections::BTreeMap;

use super::ci_support::{UsesSite, all_uses};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::gha::ActionRef;

/// See [`Check::docs`].
pub struct PinnedActions;

impl Check for PinnedActions {
    fn id(&self) -> &'static str {
        "pinned-actions"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "GitHub Actions are pinned to full commit SHAs"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every `uses:` in `.github/workflows/*.yml` and in local actions
(`action.yml`) — steps, and jobs calling reusable workflows in other
repositories — is pinned to a full 40-hex commit SHA (a `# v4.2.2`
comment after it is fine and recommended). `docker://` images must be
pinned by `@sha256:` digest. Local actions and workflows (`./…`) are part
of the repository and exempt. Each unpinned `uses:` is a finding at its
line; the score is the share pinned.

First-party actions can be exempted in the configuration:

```toml
[pinned-actions]
allow = ["actions/*", "github/codeql-action/*"]
```

## Why
A tag or branch (`@v4`, `@main`, `@stable`) can be moved to other code at
any time, by the action's owner or by whoever compromises them (the
`tj-actions/changed-files` compromise of March 2025 rewrote every tag).
The workflow then runs that code with your token and secrets. A commit SHA
cannot be moved.

## Passing example
```yaml
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
```

## How to fix
Replace each tag with the commit it points at, keeping the tag as a
comment (`pinact run`, `ratchet pin`, or `gh api
repos/OWNER/REPO/commits/TAG --jq .sha`), and let Dependabot's
`github-actions` ecosystem keep the SHAs current.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.ci.workflows.is_empty() && facts.ci.actions.is_empty() {
            return Outcome::skip("no GitHub Actions workflows");
        }
        let allow = &facts.config.pinned_actions_allow;
        let mut total = 0usize;
        let mut pinned = 0usize;
        let mut findings = Vec::new();
        let mut occurrences: BTreeMap<(String, String), usize> = BTreeMap::new();
        for site in all_uses(facts) {
            if matches!(site.action, ActionRef::Local(_)) || allowed(&site, allow) {
                continue;
            }
            total += 1;
            if site.action.is_pinned() {
                pinned += 1;
                continue;
            }
            // Stable key without the line: the nth use of this action here.
            let n = occurrences
                .entry((site.path.to_string(), site.raw.to_string()))
                .or_insert(0);
            *n += 1;
            findings.push(unpinned(&site, *n));
        }
        if total == 0 {
            return Outcome::pass();
        }
        let score = pinned as f64 / total as f64;
        Outcome::from_findings(findings, score).with_note(format!("{pinned} of {total} pinned"))
    }
}

fn unpinned(site: &UsesSite<'_>, n: usize) -> Finding {
    let (message, help) = match &site.action {
        ActionRef::Docker { image } => (
            format!("`{}` is not pinned to an image digest", site.raw),
            format!(
                "pin the image: `docker://{}@sha256:<digest>`",
                image.split(':').next().unwrap_or(image)
            ),
        ),
        ActionRef::Repo { git_ref, .. } => {
            let name = site.action.name().unwrap_or_default();
            let what = if git_ref.is_empty() {
                format!("`{}` names no ref at all", site.raw)
            } else {
                format!(
                    "`{}` is pinned to `{git_ref}`, which can be moved, not to a commit SHA",
                    site.raw
                )
            };
            (
                what,
                format!(
                    "use `{name}@<40-hex commit SHA> # {}` (`pinact run` pins every workflow)",
                    if git_ref.is_empty() {
                        "version"
                    } else {
                        git_ref
                    }
                ),
            )
        }
        ActionRef::Local(_) => (String::new(), String::new()),
    };
    Finding::warning(format!("{}#{n}", site.raw), message)
        .at(site.path, Some(site.line))
        .help(help)
}

/// Whether a `[pinned-actions] allow` pattern exempts this `uses:`.
fn allowed(site: &UsesSite<'_>, allow: &[String]) -> bool {
    let Some(name) = site.action.name() else {
        return false;
    };
    allow.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_suffix("/*") {
            Some(prefix) => name.starts_with(&format!("{prefix}/")),
            None => name == pattern,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    const WF: &str = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: dtolnay/rust-toolchain@stable\n      - uses: actions/cache@v4\n      - uses: ./.github/actions/local\n      - uses: docker://alpine:3.20\n  b:\n    uses: org/shared/.github/workflows/ci.yml@main\n";

    fn run(files: &[(&str, &str)], allow: &[&str]) -> Outcome {
        let mut facts = Facts::in_memory(vec![], files);
        facts.config.pinned_actions_allow = allow.iter().map(|s| s.to_string()).collect();
        PinnedActions.run(&facts, &CheckConfig { level: Level::Warn })
    }

    #[test]
    fn each_unpinned_use_is_located() {
        let o = run(&[(".github/workflows/ci.yml", WF)], &[]);
        assert_eq!(o.status, Status::Warn);
        let lines: Vec<_> = o.findings.iter().map(|f| f.line.unwrap_or(0)).collect();
        assert_eq!(lines, vec![7, 8, 10, 12]);
        assert!((o.score - 0.2).abs() < 1e-9, "1 of 5 pinned: {}", o.score);
        assert!(o.findings[0].message.contains("`stable`"));
    }

    #[test]
    fn allow_patterns_and_composite_actions() {
        let o = run(&[(".github/workflows/ci.yml", WF)], &["actions/*"]);
        assert_eq!(o.findings.len(), 3);
        let o = run(
            &[(
                ".github/actions/setup/action.yml",
                "runs:\n  using: composite\n  steps:\n    - uses: Swatinem/rust-cache@v2\n",
            )],
            &[],
        );
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/actions/setup/action.yml")
        );
        assert_eq!(o.findings[0].line, Some(4));
    }

    #[test]
    fn no_workflows_skips() {
        assert_eq!(run(&[], &[]).status, Status::Skip);
    }
}
