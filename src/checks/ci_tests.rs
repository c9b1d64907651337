//! `ci-tests`: some job that runs on push or pull request runs the tests.

use super::ci_support::{change_jobs, ci_anchor, hidden_work, runs_tests};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct CiTests;

impl Check for CiTests {
    fn id(&self) -> &'static str {
        "ci-tests"
    }
    fn category(&self) -> Category {
        Category::Ci
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "a CI job on push or pull request runs the test suite"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Some job of a workflow triggered by `push`, `pull_request`,
`pull_request_target` or `merge_group` (or any GitLab CI job) runs the
tests: `cargo test` (not `--no-run`), `cargo nextest run`, `cargo hack …
test`, `cargo miri test`, `cargo llvm-cov`, `cargo tarpaulin`, `cross test`,
`wasm-pack test`, or an action that runs one (`actions-rs/cargo` with
`command: test`, `houseabsolute/actions-rust-cross`).

What a job runs is resolved the way it runs: multi-line `run: |` scripts
with `\` continuations, YAML anchors, reusable local workflows
(`uses: ./.github/workflows/x.yml`), local composite actions
(`.github/actions/*/action.yml`), commands a matrix `include:` entry
supplies (`cargo ${{ matrix.cmd }}`), and `make`, `just`, `cargo xtask`
and local shell scripts, followed into what they run. When the only
candidates are things that cannot be seen into (a task whose code could
not be followed, `cargo make`, a missing
Makefile, `nix`, `docker`), the check warns instead of failing.

## Why
Tests that only run on a developer's machine do not protect the default
branch. The production gate requires them in CI.

## Passing example
```yaml
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: cargo test --workspace --locked
```

## How to fix
Add a step running `cargo test --workspace --locked` (or `cargo nextest
run`) to a job that runs on `push` and `pull_request`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let jobs = change_jobs(facts);
        if let Some(cmd) = jobs
            .iter()
            .flat_map(|j| j.commands())
            .find(|c| runs_tests(&c.words))
        {
            return Outcome::pass().with_note(format!(
                "tests run by `{}` at {}",
                cmd.words.join(" "),
                cmd.location()
            ));
        }
        let anchor = ci_anchor(facts);
        let at = |f: Finding| match &anchor {
            Some((path, line)) => f.at(path.clone(), *line),
            None => f,
        };
        if let Some(hidden) = hidden_work(&jobs, &["test"], false) {
            return Outcome::from_findings(
                vec![at(Finding::warning(
                    "hidden",
                    format!("no job visibly runs the tests; {hidden} may (cargo-readiness cannot see into it)"),
                )
                .help("run `cargo test` (or `cargo nextest run`) as a step of its own so reviewers and tools can see it"))],
                0.5,
            );
        }
        let elsewhere = facts
            .ci
            .jobs
            .iter()
            .find(|j| !j.on_change() && j.commands().any(|c| runs_tests(&c.words)));
        let message = match (elsewhere, facts.ci.jobs.is_empty()) {
            (Some(job), _) => format!(
                "tests run only on {} (job `{}` in {}), not on push or pull request",
                job.events.join(", "),
                job.id,
                job.workflow
            ),
            (None, true) => "no CI job runs the tests (no CI workflow found)".to_string(),
            (None, false) => {
                "no CI job that runs on push or pull request runs the tests".to_string()
            }
        };
        Outcome::from_findings(
            vec![at(Finding::error("missing", message)).help(
                "add a job running `cargo test --workspace --locked` on push and pull_request",
            )],
            0.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        CiTests.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Deny },
        )
    }

    #[test]
    fn direct_and_indirect_tests_pass() {
        let o = run(&[(
            ".github/workflows/ci.yml",
            "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          cargo nextest run \\\n            --workspace\n",
        )]);
        assert_eq!(o.status, Status::Pass);
        assert!(o.note.unwrap_or_default().contains("ci.yml:7"));
        let o = run(&[
            (
                ".github/workflows/ci.yml",
                "on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
            ),
            ("Makefile", "test:\n\tcargo test --workspace\n"),
        ]);
        assert_eq!(o.status, Status::Pass);
        assert!(
            o.note
                .unwrap_or_default()
                .contains("Makefile:2 (via make test)")
        );
    }

    #[test]
    fn schedule_only_build_only_and_opaque() {
        let o = run(&[(
            ".github/workflows/nightly.yml",
            "on:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n",
        )]);
        assert_eq!(o.status, Status::Fail);
        assert!(o.findings[0].message.contains("only on schedule"));
        let o = run(&[(
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test --no-run\n",
        )]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/workflows/ci.yml")
        );
        assert_eq!(o.findings[0].line, Some(2));
        let o = run(&[(
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo xtask ci\n",
        )]);
        assert_eq!(o.status, Status::Warn);
        assert!(o.findings[0].message.contains("cargo xtask ci"));
    }

    #[test]
    fn no_ci_fails() {
        let o = run(&[]);
        assert_eq!(o.status, Status::Fail);
        assert!(o.findings[0].path.is_none());
    }
}
