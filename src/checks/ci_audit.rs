//! `ci-audit`: CI checks dependencies against the RustSec advisory
//! database, ideally on a schedule too.

use super::ci_support::{at_ci_anchor, audits_advisories};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::ci::{Cmd, ResolvedJob};

/// See [`Check::docs`].
pub struct CiAudit;

/// Actions that scan `Cargo.lock` for known vulnerabilities without
/// running a cargo command of their own.
const SCANNER_ACTIONS: &[&str] = &["google/osv-scanner-action", "aquasecurity/trivy-action"];

impl Check for CiAudit {
    fn id(&self) -> &'static str {
        "ci-audit"
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
        "CI checks dependencies for advisories, on a schedule too"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Some CI job checks the dependency graph against the RustSec advisory
database: `cargo audit`, `cargo deny check` (all checks, or naming
`advisories`; `cargo deny check bans licenses sources` does not count),
`cargo readiness`, `osv-scanner`, `trivy fs`, or an action that runs one
(`rustsec/audit-check`, `actions-rust-lang/audit`,
`EmbarkStudios/cargo-deny-action`, `google/osv-scanner-action`). Full
marks when such a job also runs on `schedule:`; partial otherwise.

## Why
Advisories are published against versions you already ship. A check that
runs only when `Cargo.lock` changes misses the advisory published the day
after your last change; a scheduled run catches it.

## Passing example
```yaml
on:
  push:
  pull_request:
  schedule:
    - cron: "17 4 * * 1"
jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: cargo install --locked cargo-audit@0.21.2 && cargo audit
```

## How to fix
Add an audit job (above) to a workflow that runs on push, pull request and
a weekly `schedule:`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let audits: Vec<(&ResolvedJob, String, String, usize)> = facts
            .ci
            .jobs
            .iter()
            .flat_map(|job| {
                let commands = job
                    .commands()
                    .filter(|c| audits_advisories(&c.words))
                    .map(move |c: &Cmd| (job, c.words.join(" "), c.path.clone(), c.line));
                let actions = job.steps.iter().filter_map(move |s| {
                    let (action, line) = s.uses.as_ref()?;
                    let name = action.name()?;
                    SCANNER_ACTIONS
                        .contains(&name.as_str())
                        .then(|| (job, name, s.path.clone(), *line))
                });
                commands.chain(actions).collect::<Vec<_>>()
            })
            .collect();
        if let Some((job, what, path, line)) = audits
            .iter()
            .find(|(job, ..)| job.events.iter().any(|e| e == "schedule"))
        {
            return Outcome::pass().with_note(format!(
                "`{what}` at {path}:{line} runs on schedule (job `{}`)",
                job.id
            ));
        }
        if let Some((_, what, path, line)) = audits.first() {
            return Outcome::from_findings(
                vec![
                    Finding::warning(
                        "no-schedule",
                        format!("`{what}` runs, but not on a schedule: an advisory published after the last change goes unnoticed"),
                    )
                    .at(path.clone(), Some(*line))
                    .help("add `schedule: [{cron: \"17 4 * * 1\"}]` under `on:` of that workflow"),
                ],
                0.6,
            );
        }
        let finding = Finding::error(
            "missing",
            "no CI job checks dependencies against the RustSec advisory database",
        )
        .help("run `cargo audit` or `cargo deny check advisories` in CI on push and weekly (`explain ci-audit`)");
        let finding = at_ci_anchor(finding, facts);
        Outcome::from_findings(vec![finding], 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(wf: &str) -> Outcome {
        CiAudit.run(
            &Facts::in_memory(vec![], &[(".github/workflows/audit.yml", wf)]),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn scheduled_audit_passes() {
        let o = run(
            "on:\n  push:\n  schedule:\n    - cron: '0 0 * * 1'\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: rustsec/audit-check@v2\n        with:\n          token: ${{ secrets.GITHUB_TOKEN }}\n",
        );
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn unscheduled_is_partial_and_deny_without_advisories_is_missing() {
        let o = run(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo deny check\n",
        );
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(6));
        let o = run(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: EmbarkStudios/cargo-deny-action@v2\n        with:\n          command: check bans licenses sources\n",
        );
        assert_eq!(o.status, Status::Fail);
    }
}
