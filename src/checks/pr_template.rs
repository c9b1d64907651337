//! `pr-template`: a pull request (merge request) template.

use super::support::{COMMUNITY_DIRS, files_named, text_or_finding, useful_chars};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::files::{self, FileEntry};

/// See [`Check::docs`].
pub struct PrTemplate;

impl Check for PrTemplate {
    fn id(&self) -> &'static str {
        "pr-template"
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
        "a pull request template asks for what review needs"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A pull request template: `pull_request_template.md` (any case) in
`.github/`, the repository root or `docs/` (GitHub's order; the first is
used), templates in `.github/PULL_REQUEST_TEMPLATE/`, or GitLab merge
request templates in `.gitlab/merge_request_templates/`. The template must be
readable text and not empty.

## Why
A template turns review expectations into a checklist the author sees before
asking: tests added, changelog updated, breaking changes called out. Reviews
get faster and releases stop missing changelog entries.

## Passing example
```markdown
## What and why

## Checklist
- [ ] tests cover the change
- [ ] CHANGELOG.md updated under Unreleased
```
saved as `.github/pull_request_template.md`.

## How to fix
Add `.github/pull_request_template.md` with the checklist your reviewers
apply.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let mut found: Vec<&FileEntry> = COMMUNITY_DIRS
            .iter()
            .flat_map(|d| files_named(facts, d, &["PULL_REQUEST_TEMPLATE"]))
            .collect();
        found.extend(facts.files.iter().filter(|e| {
            let dir = files::parent_dir(&e.path);
            (dir.eq_ignore_ascii_case(".github/PULL_REQUEST_TEMPLATE")
                || dir == ".gitlab/merge_request_templates")
                && e.path.to_ascii_lowercase().ends_with(".md")
        }));
        if found.is_empty() {
            return Outcome::from_findings(
                vec![
                    Finding::error(
                        "missing",
                        "no pull request template (.github/pull_request_template.md)",
                    )
                    .help(
                        "add .github/pull_request_template.md with the checklist reviewers apply",
                    ),
                ],
                0.0,
            );
        }
        let mut findings = Vec::new();
        let mut usable = 0;
        for entry in &found {
            match text_or_finding(facts, &entry.path, &entry.path) {
                Ok(text) if useful_chars(text) >= 10 => usable += 1,
                Ok(_) => findings.push(
                    Finding::warning(
                        format!("{}:empty", entry.path),
                        format!("{} is empty", entry.path),
                    )
                    .at(entry.path.clone(), Some(1))
                    .help("list what a reviewer needs: what changed, why, tests, changelog"),
                ),
                Err(f) => findings.push(f),
            }
        }
        let score = usable as f64 / found.len() as f64;
        Outcome::from_findings(findings, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        PrTemplate.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn locations() {
        let t = "## What and why\n- [ ] tests\n";
        for path in [
            ".github/pull_request_template.md",
            "PULL_REQUEST_TEMPLATE.md",
            "docs/pull_request_template.md",
            ".github/PULL_REQUEST_TEMPLATE/feature.md",
            ".gitlab/merge_request_templates/Default.md",
        ] {
            assert_eq!(run(&[(path, t)]).status, Status::Pass, "{path}");
        }
        assert_eq!(run(&[]).status, Status::Fail);
        let o = run(&[(".github/pull_request_template.md", "\n\n")]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(1));
    }
}
