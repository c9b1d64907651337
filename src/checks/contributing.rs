//! `contributing`: a CONTRIBUTING guide that says how to contribute.

use super::support::{community_files, text_or_finding, useful_chars};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::org_policy::OrgPolicy;

/// See [`Check::docs`].
pub struct Contributing;

/// A guide shorter than this (non-blank characters) says nothing useful.
const MIN_USEFUL_CHARS: usize = 100;

impl Check for Contributing {
    fn id(&self) -> &'static str {
        "contributing"
    }
    fn category(&self) -> Category {
        Category::Governance
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "CONTRIBUTING.md exists and says how to contribute"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A `CONTRIBUTING.md` (or `.rst`, `.txt`, `.adoc`, or no extension) in
`.github/`, the repository root or `docs/` — GitHub's order; when there are
several, the first is the one GitHub links from new issues and pull requests
and a note says so. The file must be readable text with some content (at
least 100 non-blank characters). Without one, the organisation-wide
`CONTRIBUTING.md` GitHub shows from the owner's `.github` repository
passes with a note (read over HTTPS when the run may use the network; see
`security-policy`); when it could not be looked at (`--offline`, a failed
fetch) the check reports `error`, not a fail it could not verify.

## Why
Outside contributors, and colleagues from other teams, need to know how to
build, test and submit a change, and what review to expect. Without it,
pull requests arrive untested and in the wrong shape, and maintainers repeat
themselves.

## Passing example
```markdown
# Contributing
Run `cargo test --workspace` and `cargo clippy -- -D warnings` before you
open a pull request. Describe the change in CHANGELOG.md under Unreleased.
```

## How to fix
Add `CONTRIBUTING.md` at the root: how to build and test, the style and
commit conventions, how reviews and releases work, and where to ask.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let found = community_files(facts, &["CONTRIBUTING"]);
        let Some(first) = found.first() else {
            if let OrgPolicy::Found { source, path, .. } = &facts.org_contributing {
                return Outcome::pass().with_note(format!(
                    "no contributing guide in the repository; GitHub shows the organisation's ({source}: {path}), which cannot say how to build and test this one"
                ));
            }
            if let Some(unknown) =
                super::support::org_unknown("CONTRIBUTING.md", &facts.org_contributing)
            {
                return unknown;
            }
            return Outcome::from_findings(
                vec![
                    Finding::error(
                        "missing",
                        format!(
                            "no CONTRIBUTING.md in .github/, the repository root or docs/{}",
                            super::support::org_missing_suffix(&facts.org_contributing)
                        ),
                    )
                    .help("add CONTRIBUTING.md: how to build, test and submit a change"),
                ],
                0.0,
            );
        };
        let mut findings = Vec::new();
        if found.len() > 1 {
            findings.push(
                Finding::note(
                    "several",
                    format!(
                        "{} contributing guides; GitHub shows {} ({})",
                        found.len(),
                        first.path,
                        found
                            .iter()
                            .skip(1)
                            .map(|e| format!("{} is not shown", e.path))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .at(found[1].path.clone(), None),
            );
        }
        let score = match text_or_finding(facts, &first.path, "guide") {
            Err(f) => {
                findings.push(f);
                0.0
            }
            Ok(text) if useful_chars(text) < MIN_USEFUL_CHARS => {
                findings.push(
                    Finding::warning(
                        "near-empty",
                        format!(
                            "{} has only {} non-blank characters",
                            first.path,
                            useful_chars(text)
                        ),
                    )
                    .at(first.path.clone(), Some(1))
                    .help("say how to build, test and submit a change"),
                );
                0.5
            }
            Ok(_) => 1.0,
        };
        Outcome::from_findings(findings, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        Contributing.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    const GUIDE: &str = "# Contributing\n\nRun `cargo test --workspace` and `cargo clippy -- -D warnings` before opening a pull request, and describe the change in CHANGELOG.md under Unreleased.\n";

    #[test]
    fn present_missing_short() {
        assert_eq!(run(&[("CONTRIBUTING.md", GUIDE)]).status, Status::Pass);
        assert_eq!(run(&[]).status, Status::Fail);
        let o = run(&[("docs/CONTRIBUTING.md", "TODO")]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].path.as_deref(), Some("docs/CONTRIBUTING.md"));
    }

    #[test]
    fn github_order_wins() {
        let o = run(&[
            ("CONTRIBUTING.md", GUIDE),
            (".github/CONTRIBUTING.md", GUIDE),
        ]);
        assert_eq!(o.status, Status::Pass);
        assert!(
            o.findings[0]
                .message
                .contains("GitHub shows .github/CONTRIBUTING.md")
        );
    }
}
