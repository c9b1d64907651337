//! `sast`: static analysis runs on pull requests.

use super::ci_support::{at_ci_anchor, cargo_call, hidden_work, runs_clippy};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::ci::ResolvedJob;

/// See [`Check::docs`].
pub struct Sast;

impl Check for Sast {
    fn id(&self) -> &'static str {
        "sast"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "static analysis of the code (clippy, CodeQL, Semgrep) runs on pull requests"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A job that runs on pull requests (`pull_request`, `pull_request_target`,
`merge_group`, GitLab merge requests) runs a static analyser of the
project's own code: `cargo clippy`, CodeQL (`github/codeql-action`),
Semgrep (`semgrep`, `semgrep/semgrep-action`), or `cargo geiger`. OpenSSF
Scorecard's SAST, Rust-flavoured: clippy is the analyser Rust projects
actually run. `cargo deny check` and `cargo audit` judge the
dependencies, not the code (that is `ci-audit`), so they do not count
here. Analysis that only runs after merge (on push) gets partial
credit, as does a pull-request job that hands over to something this
check cannot read (nox, a script it could not follow, a cargo plugin,
another repository's reusable workflow) whose words name analysis
(`clippy`, `lint`, CodeQL, Semgrep, `analysis`: `uvx nox -s
clippy-all`): a warning naming it, not a failure.

## Why
Findings are cheapest before the code is merged, while the author still
has the context.

## How to fix
Run `cargo clippy -- -D warnings` in a workflow triggered by
`pull_request`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        // What runs, and where: (description, file, line).
        let found = |job: &ResolvedJob| -> Option<(String, String, usize)> {
            job.commands()
                .find(|c| {
                    runs_clippy(&c.words)
                        || cargo_call(&c.words).is_some_and(|call| call.sub == "geiger")
                        || c.words
                            .first()
                            .is_some_and(|p| p == "semgrep" || p == "codeql")
                })
                .map(|c| {
                    (
                        format!("`{}` at {}", c.words.join(" "), c.location()),
                        c.path.clone(),
                        c.line,
                    )
                })
                .or_else(|| {
                    job.steps.iter().find_map(|s| {
                        let (action, line) = s.uses.as_ref()?;
                        let name = action.name()?;
                        (name.starts_with("github/codeql-action/")
                            || name.starts_with("semgrep/")
                            || name.starts_with("returntocorp/semgrep"))
                        .then(|| {
                            (
                                format!("{name} at {}:{line}", s.path),
                                s.path.clone(),
                                *line,
                            )
                        })
                    })
                })
        };
        if let Some((what, ..)) = facts
            .ci
            .jobs
            .iter()
            .filter(|j| j.on_pull_request())
            .find_map(found)
        {
            return Outcome::pass().with_note(format!("{what} runs on pull requests"));
        }
        if let Some((job, (what, path, line))) =
            facts.ci.jobs.iter().find_map(|j| found(j).map(|w| (j, w)))
        {
            return Outcome::from_findings(
                vec![
                    Finding::warning(
                        "not-on-pr",
                        format!(
                            "{what} runs only on {}, not on pull requests",
                            job.events.join(", ")
                        ),
                    )
                    .at(path, Some(line))
                    .help("run it in a job triggered by `pull_request` (check the job's `if:`) so analysis happens before merge"),
                ],
                0.5,
            );
        }
        // A runner this check cannot see into (nox, a script, `cargo
        // xtask`) on pull requests may be running clippy: say so, as
        // `ci-clippy` does, rather than fail.
        let on_pr: Vec<&ResolvedJob> = facts
            .ci
            .jobs
            .iter()
            .filter(|j| j.on_pull_request())
            .collect();
        let hidden = hidden_work(
            &on_pr,
            &["clippy", "lint", "codeql", "semgrep", "analy", "sast"],
            true,
        );
        let (finding, score) = match hidden {
            Some(hidden) => (
                Finding::warning(
                    "hidden",
                    format!("no job visibly runs static analysis on pull requests; {hidden} may"),
                ),
                0.5,
            ),
            None => {
                // cargo-deny users expect it to count (Round 6, tower): say
                // why it does not.
                let dependency_only = facts.ci.jobs.iter().flat_map(|j| j.commands()).find(|c| {
                    cargo_call(&c.words)
                        .is_some_and(|call| call.sub == "deny" || call.sub == "audit")
                });
                let message = match dependency_only {
                    Some(c) => format!(
                        "no static analysis of the code (clippy, CodeQL, Semgrep) runs in CI; `{}` at {} checks the dependencies, not the code",
                        c.words.join(" "),
                        c.location()
                    ),
                    None => "no static analysis of the code (clippy, CodeQL, Semgrep) runs in CI"
                        .to_string(),
                };
                (Finding::error("missing", message), 0.0)
            }
        };
        let finding =
            at_ci_anchor(finding, facts).help("run `cargo clippy -- -D warnings` on pull_request");
        Outcome::from_findings(vec![finding], score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(wf: &str) -> Outcome {
        Sast.run(
            &Facts::in_memory(vec![], &[(".github/workflows/ci.yml", wf)]),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn on_pull_request_push_only_and_codeql() {
        let steps =
            "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo clippy\n";
        assert_eq!(
            run(&format!("on: pull_request\n{steps}")).status,
            Status::Pass
        );
        let o = run(&format!("on: push\n{steps}"));
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(6));
        let conditional = "on: [push, pull_request]\njobs:\n  a:\n    if: github.event_name != 'pull_request'\n    runs-on: x\n    steps:\n      - run: cargo clippy\n";
        assert_eq!(run(conditional).status, Status::Warn);
        assert_eq!(
            run("on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: github/codeql-action/analyze@v3\n").status,
            Status::Pass
        );
        assert_eq!(run("on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: cargo test\n").status, Status::Fail);
        let hidden = run(
            "on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: uvx nox -s clippy-all\n",
        );
        assert_eq!(hidden.status, Status::Warn);
        assert!(
            hidden.findings[0]
                .message
                .contains("`uvx nox -s clippy-all`")
        );
        // A script that says nothing about analysis is no lead (regex's
        // C API test script).
        let script = run(
            "on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./compile\n",
        );
        assert_eq!(script.status, Status::Fail);
        // cargo-deny judges the dependencies (tower): not analysis of the
        // code, and the message says why it did not count.
        let deny = run(
            "on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: EmbarkStudios/cargo-deny-action@v2\n",
        );
        assert_eq!(deny.status, Status::Fail);
        assert!(
            deny.findings[0].message.contains("checks the dependencies"),
            "{}",
            deny.findings[0].message
        );
    }

    #[test]
    fn absence_points_at_the_main_workflow() {
        let facts = Facts::in_memory(
            vec![],
            &[
                (
                    ".github/workflows/a-publish.yml",
                    "on: push\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: ./publish.sh\n",
                ),
                (
                    ".github/workflows/ci.yml",
                    "on: [push, pull_request]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test\n",
                ),
            ],
        );
        let o = Sast.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/workflows/ci.yml")
        );
    }
}
