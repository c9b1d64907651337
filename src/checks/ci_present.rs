//! `ci-present`: some CI workflow runs on push or pull request.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::workflows::{CiKind, WorkflowProblem};

/// See [`Check::docs`].
pub struct CiPresent;

/// Events that run CI on the code being changed.
const CHANGE_EVENTS: &[&str] = &["push", "pull_request", "pull_request_target", "merge_group"];

/// CI systems this tool does not analyse, by the file that configures them.
const OTHER_CI: &[&str] = &[
    ".travis.yml",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    ".cirrus.yml",
    "appveyor.yml",
    ".appveyor.yml",
    "Jenkinsfile",
    ".woodpecker.yml",
    ".buildkite/pipeline.yml",
    "bitbucket-pipelines.yml",
];

impl Check for CiPresent {
    fn id(&self) -> &'static str {
        "ci-present"
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
        "a CI workflow runs on every push or pull request"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
At least one GitHub Actions workflow (`.github/workflows/*.yml` or `.yaml`)
is triggered by `push`, `pull_request` (or `pull_request_target`,
`merge_group`), or a `.gitlab-ci.yml` exists (GitLab runs pipelines on push
by default). A workflow that is not valid YAML is reported with the
parser's line, since GitHub will not run it either. Configuration for other
CI systems (Travis, CircleCI, Azure Pipelines, …) is recognised but not
analysed: partial credit and a warning.

## Why
Without CI on every change, nothing stops a broken build, a failing test or
a formatting slip from reaching the default branch.

## Passing example
```yaml
# .github/workflows/ci.yml
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo test --workspace --locked
```

## How to fix
Add a workflow like the one above (`cargo readiness init` writes one).
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let mut findings = Vec::new();
        let mut triggered = false;
        let mut parsed_github = Vec::new();
        for wf in &facts.workflows {
            match (&wf.doc, wf.kind) {
                (Err(problem), _) => {
                    let line = match problem {
                        WorkflowProblem::Yaml(e) => Some(e.line),
                        WorkflowProblem::Text(_) => None,
                    };
                    findings.push(
                        Finding::error(
                            format!("invalid:{}", wf.path),
                            format!("{} cannot be parsed: {problem}", wf.path),
                        )
                        .at(wf.path.clone(), line)
                        .help("fix the YAML; GitHub will not run this workflow until it parses"),
                    );
                }
                (Ok(_), CiKind::Gitlab) => triggered = true,
                (Ok(_), CiKind::GithubActions) => {
                    let triggers = wf.triggers();
                    if triggers
                        .iter()
                        .any(|t| CHANGE_EVENTS.contains(&t.event.as_str()))
                    {
                        triggered = true;
                    }
                    parsed_github.push((wf, triggers));
                }
            }
        }
        if triggered {
            // Parse errors in other workflows still matter: report them, but
            // CI exists.
            for f in &mut findings {
                f.severity = super::Severity::Warning;
            }
            let score = if findings.is_empty() { 1.0 } else { 0.8 };
            return Outcome::from_findings(findings, score);
        }
        if let Some(other) = OTHER_CI.iter().find(|p| facts.files.contains(p)) {
            findings.push(
                Finding::warning(
                    format!("unanalysed:{other}"),
                    format!("CI is configured in {other}, which cargo-readiness does not analyse"),
                )
                .at(*other, None)
                .help(
                    "GitHub Actions and GitLab CI are analysed; other systems get partial credit",
                ),
            );
            return Outcome::from_findings(findings, 0.5);
        }
        if parsed_github.is_empty() && findings.is_empty() {
            findings.push(
                Finding::error("missing", "no CI workflow: .github/workflows/ is empty and there is no .gitlab-ci.yml")
                    .help("add .github/workflows/ci.yml running `cargo test` on push and pull_request (`cargo readiness explain ci-present`)"),
            );
        }
        for (wf, triggers) in parsed_github {
            let events: Vec<&str> = triggers.iter().map(|t| t.event.as_str()).collect();
            let line = triggers
                .first()
                .map(|t| t.line)
                .or_else(|| wf.doc.as_ref().ok().map(|d| d.line));
            let message = if events.is_empty() {
                format!("{} has no `on:` trigger", wf.path)
            } else {
                format!(
                    "{} runs only on {}, not on push or pull_request",
                    wf.path,
                    events.join(", ")
                )
            };
            findings.push(
                Finding::error(format!("untriggered:{}", wf.path), message)
                    .at(wf.path.clone(), line)
                    .help("add `push:` and `pull_request:` under `on:`"),
            );
        }
        Outcome::from_findings(findings, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        CiPresent.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Deny },
        )
    }

    #[test]
    fn push_workflow_passes() {
        assert_eq!(
            run(&[(".github/workflows/ci.yml", "on: [push]\njobs: {}\n")]).status,
            Status::Pass
        );
        assert_eq!(
            run(&[(".gitlab-ci.yml", "test:\n  script: cargo test\n")]).status,
            Status::Pass
        );
    }

    #[test]
    fn nothing_fails() {
        let o = run(&[]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].key, "missing");
    }

    #[test]
    fn schedule_only_fails_with_line() {
        let o = run(&[(
            ".github/workflows/nightly.yml",
            "name: n\non:\n  schedule:\n    - cron: '0 0 * * *'\n",
        )]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(3));
        assert!(o.findings[0].message.contains("schedule"));
    }

    #[test]
    fn broken_yaml_is_located_and_others_still_count() {
        let broken = (".github/workflows/bad.yml", "on: push\njobs:\n\t  x: 1\n");
        let o = run(&[broken]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(3));
        let o = run(&[broken, (".github/workflows/ci.yml", "on: pull_request\n")]);
        assert_eq!(o.status, Status::Warn);
    }
}
