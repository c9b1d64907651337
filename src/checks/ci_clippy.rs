//! `ci-clippy`: CI runs clippy and fails on its warnings.

use super::ci_support::{
    at_ci_anchor, change_jobs, clippy_args_deny, flags_deny_warnings, hidden_work, runs_clippy,
};
use super::support::toml_key_line;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::ci::Cmd;

/// See [`Check::docs`].
pub struct CiClippy;

impl Check for CiClippy {
    fn id(&self) -> &'static str {
        "ci-clippy"
    }
    fn category(&self) -> Category {
        Category::Ci
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "CI runs clippy with warnings denied"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A job that runs on push or pull request runs `cargo clippy` (directly,
under `cargo hack`, through `make`/`just`/a script, or via
`actions-rs/clippy-check`, `giraffate/clippy-action`), and warnings fail
it. Warnings are denied by any of, and the report says which:

- `-D warnings` / `-Dwarnings` (or `-D clippy::all`) after `--`;
- `RUSTFLAGS` / `CARGO_BUILD_RUSTFLAGS` containing `-D warnings`, set on
  the command, the step, the job, the workflow, written to `$GITHUB_ENV`
  by an earlier step, or exported by `actions-rust-lang/setup-rust-toolchain`
  (its `rustflags` input defaults to `-D warnings`);
- `CARGO_BUILD_WARNINGS=deny` (cargo's `build.warnings`) set the same
  ways;
- `rustflags` with `-D warnings` in `.cargo/config.toml`;
- `[lints.rust] warnings = "deny"` or `[lints.clippy] all = "deny"` (also
  under `[workspace.lints]`) in the root `Cargo.toml`.

Clippy without any of these passes with warnings: partial credit.

## Why
Clippy finds real bugs (wrong operator precedence, needless clones in hot
loops, `unwrap` on user input). Warnings that do not fail CI accumulate
until nobody reads them.

## Passing example
```yaml
      - run: cargo clippy --workspace --all-targets --locked -- -D warnings
```

## How to fix
Run `cargo clippy --workspace --all-targets -- -D warnings` in a job on
push and pull request.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let jobs = change_jobs(facts);
        let clippy: Vec<&Cmd> = jobs
            .iter()
            .flat_map(|j| j.commands())
            .filter(|c| runs_clippy(&c.words))
            .collect();
        let repo_wide = repository_denial(facts);
        for cmd in &clippy {
            if let Some(how) = command_denial(cmd).or(repo_wide.clone()) {
                return Outcome::pass().with_note(format!(
                    "clippy runs at {} with warnings denied by {how}",
                    cmd.location()
                ));
            }
        }
        if let Some(cmd) = clippy.first() {
            return Outcome::from_findings(
                vec![
                    Finding::warning(
                        "warnings-allowed",
                        format!(
                            "`{}` runs, but its warnings do not fail CI",
                            cmd.words.join(" ")
                        ),
                    )
                    .at(cmd.path.clone(), Some(cmd.line))
                    .help("append `-- -D warnings` (or set `RUSTFLAGS: -Dwarnings` on the job)"),
                ],
                0.5,
            );
        }
        let hidden = hidden_work(&jobs, &["clippy", "lint"], false);
        let (finding, score) = match hidden {
            Some(hidden) => (
                Finding::warning(
                    "hidden",
                    format!("no job visibly runs clippy; {hidden} may"),
                ),
                0.5,
            ),
            None => (
                Finding::error(
                    "missing",
                    "no CI job on push or pull request runs `cargo clippy`",
                ),
                0.0,
            ),
        };
        let finding = at_ci_anchor(finding, facts);
        Outcome::from_findings(
            vec![finding.help(
                "add `cargo clippy --workspace --all-targets -- -D warnings` to a job on push and pull_request",
            )],
            score,
        )
    }
}

/// How this command denies warnings, if it does.
fn command_denial(cmd: &Cmd) -> Option<String> {
    if let Some(how) = clippy_args_deny(&cmd.words) {
        return Some(how.to_string());
    }
    for var in ["RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"] {
        if cmd.var(var).is_some_and(flags_deny_warnings) {
            return Some(format!("`{var}`"));
        }
    }
    // cargo's `build.warnings = "deny"` (cargo 1.89+), as an environment
    // variable: warnings fail the build, clippy's included.
    if cmd
        .var("CARGO_BUILD_WARNINGS")
        .is_some_and(|v| v.trim() == "deny")
    {
        return Some("`CARGO_BUILD_WARNINGS=deny`".to_string());
    }
    None
}

/// Repository settings that deny warnings for every build.
fn repository_denial(facts: &Facts) -> Option<String> {
    for path in [".cargo/config.toml", ".cargo/config"] {
        let Some(text) = facts.text(path).and_then(|t| t.text()) else {
            continue;
        };
        let mut in_rustflags = false;
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.starts_with("rustflags") {
                in_rustflags = true;
            } else if trimmed.starts_with('[') && !trimmed.starts_with("[\"")
                || trimmed.contains('=')
            {
                in_rustflags = false;
            }
            if in_rustflags && flags_deny_warnings(trimmed) {
                return Some(format!("`rustflags` in {path}:{}", i + 1));
            }
        }
    }
    let manifest = facts.text("Cargo.toml").and_then(|t| t.text())?;
    for (table, key) in [
        ("lints.rust", "warnings"),
        ("workspace.lints.rust", "warnings"),
        ("lints.clippy", "all"),
        ("workspace.lints.clippy", "all"),
    ] {
        if let Some(line) = toml_key_line(manifest, table, key) {
            let text = manifest.lines().nth(line - 1).unwrap_or("");
            if text.contains("deny") || text.contains("forbid") {
                return Some(format!("`[{table}] {key}` in Cargo.toml:{line}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        CiClippy.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    fn wf(env: &str, run: &str) -> String {
        format!(
            "on: pull_request\n{env}jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n"
        )
    }

    #[test]
    fn denial_spellings() {
        for (env, cmd) in [
            ("", "cargo clippy --all-targets -- -D warnings"),
            ("", "cargo clippy -- -Dwarnings"),
            (
                "env:\n  RUSTFLAGS: -Dwarnings\n",
                "cargo clippy --workspace",
            ),
            ("", "RUSTFLAGS='-D warnings' cargo clippy"),
            (
                "env:\n  CARGO_BUILD_WARNINGS: deny\n",
                "cargo clippy --workspace",
            ),
        ] {
            let o = run(&[(".github/workflows/ci.yml", &wf(env, cmd))]);
            assert_eq!(o.status, Status::Pass, "{env}{cmd}");
        }
    }

    #[test]
    fn lints_table_or_config_say_which() {
        let workflow = wf("", "cargo clippy");
        let o = run(&[
            (".github/workflows/ci.yml", &workflow),
            (
                "Cargo.toml",
                "[package]\nname = \"x\"\n\n[lints.rust]\nwarnings = \"deny\"\n",
            ),
        ]);
        assert_eq!(o.status, Status::Pass);
        assert!(o.note.unwrap_or_default().contains("Cargo.toml:5"));
        let o = run(&[
            (".github/workflows/ci.yml", &workflow),
            (
                ".cargo/config.toml",
                "[build]\nrustflags = [\"-D\", \"warnings\"]\n",
            ),
        ]);
        assert!(o.note.unwrap_or_default().contains(".cargo/config.toml:2"));
    }

    #[test]
    fn clippy_without_denial_warns_at_its_line() {
        let o = run(&[(
            ".github/workflows/ci.yml",
            &wf("", "cargo clippy --all-targets"),
        )]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(6));
        let o = run(&[(".github/workflows/ci.yml", &wf("", "cargo test"))]);
        assert_eq!(o.status, Status::Fail);
    }
}
