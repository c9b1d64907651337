//! `ci-os-matrix`: tests run on Linux, macOS and Windows.

use std::collections::BTreeSet;

use super::ci_support::{cargo_call, change_jobs, runs_tests};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::ci::{Os, ResolvedJob};

/// See [`Check::docs`].
pub struct CiOsMatrix;

impl Check for CiOsMatrix {
    fn id(&self) -> &'static str {
        "ci-os-matrix"
    }
    fn category(&self) -> Category {
        Category::Ci
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "CI tests on Linux, macOS and Windows"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
The jobs that run the tests on push or pull request (see `ci-tests`; when
none does, the jobs that build) together run on Linux, macOS and Windows.
Runners come from `runs-on:` with the matrix expanded (`runs-on: ${{
matrix.os }}`, `include:`/`exclude:`, nested values such as
`${{ matrix.platform.os }}`, `${{ matrix.os }}-latest`), through reusable
workflows' inputs; GitLab jobs run on Linux unless their `tags:` name
another system. Two of three scores half; one scores nothing. Runners
that name no system (self-hosted labels, matrices computed at run time)
are listed.

## Why
Path separators, line endings, file locking, process spawning and
linking differ between the three; a crate that compiles everywhere can
still fail its tests on the system a user runs.

## Passing example
```yaml
jobs:
  test:
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest, windows-latest]
    runs-on: ${{ matrix.os }}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: cargo test --workspace --locked
```

## How to fix
Run the test job on a matrix of `ubuntu-latest`, `macos-latest` and
`windows-latest`. A crate that only supports some systems can set
`ci-os-matrix = "allow"` under `[checks]`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let jobs = change_jobs(facts);
        let testing: Vec<&ResolvedJob> = jobs
            .iter()
            .copied()
            .filter(|j| j.commands().any(|c| runs_tests(&c.words)))
            .collect();
        let (kind, chosen) = if testing.is_empty() {
            let building: Vec<&ResolvedJob> = jobs
                .iter()
                .copied()
                .filter(|j| {
                    j.commands().any(|c| {
                        cargo_call(&c.words)
                            .is_some_and(|call| matches!(call.sub, "build" | "b" | "check" | "c"))
                    })
                })
                .collect();
            ("build", building)
        } else {
            ("test", testing)
        };
        if chosen.is_empty() {
            return Outcome::skip("no CI job runs the tests or builds (see ci-tests)");
        }
        let covered: BTreeSet<Os> = chosen.iter().flat_map(|j| j.os.iter().copied()).collect();
        let unknown: Vec<&str> = chosen
            .iter()
            .flat_map(|j| j.unknown_runners.iter().map(String::as_str))
            .collect();
        if covered.len() == Os::ALL.len() {
            return Outcome::pass();
        }
        let missing: Vec<&str> = Os::ALL
            .iter()
            .filter(|os| !covered.contains(os))
            .map(|os| os.name())
            .collect();
        let have: Vec<&str> = covered.iter().map(|os| os.name()).collect();
        let first = chosen[0];
        let mut message = format!(
            "{kind} jobs run on {} but not on {}",
            if have.is_empty() {
                "no known system".to_string()
            } else {
                have.join(", ")
            },
            missing.join(" or ")
        );
        if !unknown.is_empty() {
            message.push_str(&format!(
                " (runners with no known system: {})",
                unknown.join("; ")
            ));
        }
        let score = match covered.len() {
            2 => 0.5,
            _ => 0.0,
        };
        let finding = if covered.len() == 2 || !unknown.is_empty() {
            Finding::warning("missing-os", message)
        } else {
            Finding::error("missing-os", message)
        };
        Outcome::from_findings(
            vec![finding
                .at(first.path.clone(), first.runs_on_line.or(Some(first.line)))
                .help("run the test job on a matrix: `os: [ubuntu-latest, macos-latest, windows-latest]`")],
            score,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(wf: &str) -> Outcome {
        CiOsMatrix.run(
            &Facts::in_memory(vec![], &[(".github/workflows/ci.yml", wf)]),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn include_adds_the_third_system() {
        let o = run(
            "on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n        include:\n          - os: macos-latest\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: cargo test\n",
        );
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn two_of_three_is_partial_and_points_at_runs_on() {
        let o = run(
            "on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        os: [ubuntu, windows]\n    runs-on: ${{ matrix.os }}-latest\n    steps:\n      - run: cargo test\n",
        );
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.score, 0.5);
        assert_eq!(o.findings[0].line, Some(7));
        assert!(o.findings[0].message.contains("macOS"));
    }

    #[test]
    fn linux_only_fails_and_no_tests_skips() {
        let o = run(
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n",
        );
        assert_eq!(o.status, Status::Fail);
        let o = run(
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
        );
        assert_eq!(o.status, Status::Skip);
    }
}
