//! `readme`: a README exists, says something, and the manifest's `readme`
//! points at a file that exists.

use super::support::{files_named, manifest_line};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::files;

/// See [`Check::docs`].
pub struct Readme;

/// A README with fewer non-blank characters than this says nothing useful.
const MIN_USEFUL_CHARS: usize = 100;

impl Check for Readme {
    fn id(&self) -> &'static str {
        "readme"
    }
    fn category(&self) -> Category {
        Category::Governance
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "a README exists and the manifest's `readme` points at a file that exists"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
The repository root has a README (`README.md`, `README`, `README.txt`,
`README.rst`, `README.adoc`) with some content (at least 100 non-blank
characters). For every member whose manifest sets `readme = "…"`, that file
exists (relative to the member's directory). Publishable members without any
README get a warning: their crates.io page would be empty.

## Why
The README is the first thing a user, an auditor or an on-call engineer
reads. A `readme` key pointing at a missing file also breaks `cargo publish`.

## Passing example
```toml
[package]
readme = "README.md"
```
with `README.md` explaining what the crate does, how to install and use it.

## How to fix
Write `README.md` at the root; fix or remove `readme = …` in the manifest.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let mut findings = Vec::new();
        let root_readmes = files_named(facts, "", &["README"]);
        match root_readmes.first() {
            None => findings.push(
                Finding::error("missing", "no README at the repository root")
                    .help("add README.md: what this is, how to install, how to use it"),
            ),
            Some(entry) => {
                match facts.text(&entry.path).map(|t| &t.content) {
                    Some(Ok(text)) => {
                        let useful = text.chars().filter(|c| !c.is_whitespace()).count();
                        if useful < MIN_USEFUL_CHARS {
                            findings.push(
                            Finding::warning("near-empty", format!("{} has only {useful} non-blank characters", entry.path))
                                .at(entry.path.clone(), Some(1))
                                .help("say what the project does, how to install it and how to use it"),
                        );
                        }
                    }
                    Some(Err(problem)) => findings.push(
                        Finding::error("unreadable", format!("{} {problem}", entry.path))
                            .at(entry.path.clone(), None),
                    ),
                    None => {}
                }
            }
        }
        for member in &facts.members {
            match &member.readme {
                Some(declared) => {
                    let path = files::join(&member.dir, declared);
                    if !facts.files.contains(&path) {
                        findings.push(
                            Finding::error(
                                format!("{}:declared-missing", member.name),
                                format!("`{}`: readme = \"{declared}\" but {path} does not exist", member.name),
                            )
                            .at(member.manifest.clone(), manifest_line(facts, member, "readme"))
                            .help(format!("create {path} or fix the `readme` path")),
                        );
                    }
                }
                None if super::code::is_publishable(facts, member) && !member.dir.is_empty() => findings.push(
                    Finding::warning(
                        format!("{}:none", member.name),
                        format!("publishable member `{}` has no README; its crates.io page will be empty", member.name),
                    )
                    .at(member.manifest.clone(), manifest_line(facts, member, "name"))
                    .help(format!("add {}/README.md or `readme = \"../README.md\"`", member.dir)),
                ),
                None => {}
            }
        }
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let score = if errors > 0 {
            0.0
        } else if findings.is_empty() {
            1.0
        } else {
            0.7
        };
        Outcome::from_findings(findings, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    fn member(readme: Option<&str>) -> Member {
        let mut m = Member::named("demo", "0.1.0", "");
        m.readme = readme.map(str::to_string);
        m
    }

    const LONG: &str = "# Demo\n\nThis crate parses things and prints them, with enough words here to pass the minimum content threshold of the check.\n";

    #[test]
    fn readme_present_passes() {
        let f = Facts::in_memory(vec![member(Some("README.md"))], &[("README.md", LONG)]);
        assert_eq!(
            Readme.run(&f, &CheckConfig { level: Level::Warn }).status,
            Status::Pass
        );
    }

    #[test]
    fn declared_missing_fails() {
        let f = Facts::in_memory(
            vec![member(Some("docs/README.md"))],
            &[
                ("README.md", LONG),
                (
                    "Cargo.toml",
                    "[package]\nname = \"demo\"\nreadme = \"docs/README.md\"\n",
                ),
            ],
        );
        let o = Readme.run(&f, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(3));
    }

    #[test]
    fn missing_or_tiny() {
        let f = Facts::in_memory(vec![], &[]);
        assert_eq!(
            Readme.run(&f, &CheckConfig { level: Level::Warn }).status,
            Status::Fail
        );
        let f = Facts::in_memory(vec![], &[("README", "hi")]);
        assert_eq!(
            Readme.run(&f, &CheckConfig { level: Level::Warn }).status,
            Status::Warn
        );
    }
}
