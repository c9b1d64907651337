//! `ci-fmt`: CI checks formatting with `cargo fmt --check`.

use super::ci_support::{change_jobs, ci_anchor, fmt_check, hidden_work};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct CiFmt;

impl Check for CiFmt {
    fn id(&self) -> &'static str {
        "ci-fmt"
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
        "CI fails on unformatted code (`cargo fmt --check`)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A job that runs on push or pull request checks formatting: `cargo fmt`
with `--check` in any spelling (`cargo fmt --check`, `cargo fmt --all --
--check`, `cargo +nightly fmt --check`), `rustfmt --check`, or
`actions-rust-lang/rustfmt`. `cargo fmt` without `--check` rewrites the
files and succeeds, so it counts only when a later step of the same job
fails on a diff (`git diff --exit-code`). Recipes run through `make`,
`just` and local scripts are followed.

## Why
Formatting enforced by CI keeps review about the change, not the
whitespace, and keeps `git blame` useful.

## Passing example
```yaml
      - run: cargo fmt --all --check
```

## How to fix
Add `cargo fmt --all --check` to a job that runs on push and pull request.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let jobs = change_jobs(facts);
        let mut rewriting = None;
        for job in &jobs {
            let cmds: Vec<_> = job.commands().collect();
            for (i, cmd) in cmds.iter().enumerate() {
                match fmt_check(&cmd.words) {
                    Some(true) => {
                        return Outcome::pass().with_note(format!(
                            "formatting checked by `{}` at {}",
                            cmd.words.join(" "),
                            cmd.location()
                        ));
                    }
                    Some(false) => {
                        let diff_later = cmds[i + 1..].iter().any(|c| {
                            c.words.first().is_some_and(|p| p == "git")
                                && c.words.get(1).is_some_and(|s| s == "diff")
                                && c.words.iter().any(|w| w == "--exit-code" || w == "--quiet")
                        });
                        if diff_later {
                            return Outcome::pass().with_note(format!(
                                "`cargo fmt` at {} followed by `git diff --exit-code`",
                                cmd.location()
                            ));
                        }
                        rewriting.get_or_insert(*cmd);
                    }
                    None => {}
                }
            }
        }
        if let Some(cmd) = rewriting {
            return Outcome::from_findings(
                vec![
                    Finding::warning(
                        "no-check",
                        format!(
                            "`{}` rewrites files instead of failing on unformatted code",
                            cmd.words.join(" ")
                        ),
                    )
                    .at(cmd.path.clone(), Some(cmd.line))
                    .help("add `--check`: `cargo fmt --all --check`"),
                ],
                0.5,
            );
        }
        let anchor = ci_anchor(facts);
        let hidden = hidden_work(&jobs, &["fmt", "format", "lint"], false);
        let (finding, score) = match hidden {
            Some(hidden) => (
                Finding::warning(
                    "hidden",
                    format!("no job visibly checks formatting; {hidden} may"),
                ),
                0.5,
            ),
            None => (
                Finding::error(
                    "missing",
                    "no CI job on push or pull request runs `cargo fmt --check`",
                ),
                0.0,
            ),
        };
        let finding = match anchor {
            Some((path, line)) => finding.at(path, line),
            None => finding,
        };
        Outcome::from_findings(
            vec![
                finding
                    .help("add a step `cargo fmt --all --check` to a job on push and pull_request"),
            ],
            score,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(script: &str) -> Outcome {
        let wf = format!(
            "on: [push, pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n{}",
            script
                .lines()
                .map(|l| format!("          {l}\n"))
                .collect::<String>()
        );
        CiFmt.run(
            &Facts::in_memory(vec![], &[(".github/workflows/ci.yml", &wf)]),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn spellings() {
        for ok in [
            "cargo fmt --check",
            "cargo fmt --all -- --check",
            "cargo +nightly fmt --all --check",
            "rustfmt --check --edition 2021 src/lib.rs",
            "cargo fmt --all\ngit diff --exit-code",
        ] {
            assert_eq!(run(ok).status, Status::Pass, "{ok}");
        }
    }

    #[test]
    fn rewrite_only_and_missing() {
        let o = run("echo hi\ncargo fmt --all");
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(8));
        let o = run("cargo build");
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(2));
    }

    #[test]
    fn running_a_demo_is_no_lead_but_a_task_runner_is() {
        // cxx: `cargo run` of its demo is not a formatter that may run.
        let o = run("cargo run --manifest-path demo/Cargo.toml");
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
        // Asking a tool its version runs nothing.
        assert_eq!(run("bazel --version").status, Status::Fail);
        assert_eq!(run("bazel run demo").status, Status::Fail);
        for lead in [
            "cargo run -p xtask -- ci",
            "cargo run --bin fmt-all",
            "make lint",
        ] {
            assert_eq!(run(lead).status, Status::Warn, "{lead}");
        }
    }
}
