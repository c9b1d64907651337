//! `ci-present`: some CI workflow runs on push or pull request.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::workflows::{CiKind, Trigger, WorkflowProblem};

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
`merge_group`) for the default branch, or a `.gitlab-ci.yml` exists (GitLab
runs pipelines on push by default). Branch filters (`branches:`,
`branches-ignore:`, globs, `!` negations) are applied, and a `push`
filtered to `tags:` only does not count. The default branch is what
`origin/HEAD` names; when git does not know it, the check is lenient: a
filter matching the current branch, `main` or `master` counts, and one
matching none of them is a warning, not a failure. A workflow that is not valid YAML is reported with the
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
        let mut filtered_out: Vec<(String, Vec<Trigger>)> = Vec::new();
        let target = Target::of(facts);
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
                (Ok(_), CiKind::Gitlab | CiKind::Appveyor) => triggered = true,
                (Ok(_), CiKind::GithubActions) => {
                    let triggers = wf.triggers();
                    let change: Vec<Trigger> = triggers
                        .iter()
                        .filter(|t| CHANGE_EVENTS.contains(&t.event.as_str()))
                        .cloned()
                        .collect();
                    if change.iter().any(|t| target.covered_by(t)) {
                        triggered = true;
                    } else if !change.is_empty() {
                        filtered_out.push((wf.path.clone(), change));
                    }
                    parsed_github.push((wf, triggers));
                }
            }
        }
        let unresolved = facts
            .ci
            .action_problems
            .iter()
            .map(|p| (p, "fix this action file: a step that uses it cannot run"))
            .chain(facts.ci.expansion_problems.iter().map(|p| {
                (
                    p,
                    "a reusable workflow or composite action must not call itself; break the cycle",
                )
            }));
        for ((path, line, message), help) in unresolved {
            findings.push(
                Finding::error(format!("unresolved:{path}:{message}"), message.clone())
                    .at(path.clone(), *line)
                    .help(help),
            );
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
        if !filtered_out.is_empty() {
            for (path, triggers) in &filtered_out {
                let filters: Vec<String> = triggers
                    .iter()
                    .map(|t| {
                        let mut f = t.event.clone();
                        if let Some(b) = &t.branches {
                            f.push_str(&format!(" branches [{}]", b.join(", ")));
                        }
                        if let Some(b) = &t.branches_ignore {
                            f.push_str(&format!(" branches-ignore [{}]", b.join(", ")));
                        }
                        if t.branches.is_none() && t.branches_ignore.is_none() && t.tags.is_some() {
                            f.push_str(" (tags only)");
                        }
                        f
                    })
                    .collect();
                let message = format!(
                    "{path} runs on {} but not for {}",
                    filters.join("; "),
                    target.describe()
                );
                let finding = if target.known() {
                    Finding::error(format!("filtered:{path}"), message)
                } else {
                    Finding::warning(format!("filtered:{path}"), message)
                };
                findings.push(
                    finding
                        .at(path.clone(), triggers.first().map(|t| t.line))
                        .help("include the default branch in `branches:` (or drop the filter)"),
                );
            }
            let score = if target.known() { 0.0 } else { 0.7 };
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

/// The branch CI must run for.
enum Target {
    /// `origin/HEAD` names it.
    Known(String),
    /// Unknown: any of these will do (the current branch, main, master).
    Guess(Vec<String>),
}

impl Target {
    fn of(facts: &Facts) -> Target {
        let git = facts.git.as_ref();
        match git.and_then(|g| g.default_branch.clone()) {
            Some(branch) => Target::Known(branch),
            None => {
                let mut guesses: Vec<String> = git
                    .and_then(|g| g.current_branch.clone())
                    .into_iter()
                    .collect();
                for b in ["main", "master"] {
                    if !guesses.iter().any(|g| g == b) {
                        guesses.push(b.to_string());
                    }
                }
                Target::Guess(guesses)
            }
        }
    }

    fn known(&self) -> bool {
        matches!(self, Target::Known(_))
    }

    fn covered_by(&self, trigger: &Trigger) -> bool {
        if trigger.event == "merge_group" {
            return true;
        }
        match self {
            Target::Known(b) => trigger.covers_branch(b),
            Target::Guess(bs) => bs.iter().any(|b| trigger.covers_branch(b)),
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Known(b) => format!("the default branch `{b}`"),
            Target::Guess(bs) => format!(
                "{} (the default branch is unknown: git has no `origin/HEAD`)",
                bs.iter()
                    .map(|b| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
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

    fn with_default(branch: Option<&str>, current: Option<&str>, wf: &str) -> Outcome {
        let mut facts = Facts::in_memory(vec![], &[(".github/workflows/ci.yml", wf)]);
        facts.git = Some(crate::facts::git::GitFacts {
            default_branch: branch.map(str::to_string),
            current_branch: current.map(str::to_string),
            ..Default::default()
        });
        CiPresent.run(&facts, &CheckConfig { level: Level::Deny })
    }

    #[test]
    fn default_branch_filters() {
        let dev_only = "on:\n  push:\n    branches: [dev]\n";
        let o = with_default(Some("main"), None, dev_only);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(2));
        assert!(o.findings[0].message.contains("`main`"));
        assert_eq!(
            with_default(Some("dev"), None, dev_only).status,
            Status::Pass
        );
        // Unknown default branch: lenient.
        assert_eq!(
            with_default(None, Some("dev"), dev_only).status,
            Status::Pass
        );
        assert_eq!(
            with_default(None, Some("feature"), dev_only).status,
            Status::Warn
        );
        let tags_only = "on:\n  push:\n    tags: ['v*']\n";
        assert_eq!(
            with_default(Some("main"), None, tags_only).status,
            Status::Fail
        );
        let glob = "on:\n  push:\n    branches: ['*master']\n  pull_request:\n";
        assert_eq!(
            with_default(Some("master"), None, glob).status,
            Status::Pass
        );
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
