//! `issue-templates`: issue templates or forms that GitHub (or GitLab) will
//! actually offer.

use super::support::{files_named, text_or_finding, useful_chars};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::files::{self, FileEntry};
use crate::facts::yaml::{self, Node, Value};

/// See [`Check::docs`].
pub struct IssueTemplates;

impl Check for IssueTemplates {
    fn id(&self) -> &'static str {
        "issue-templates"
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
        "issue templates or forms exist and are well-formed"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
At least one issue template: a Markdown template or YAML issue form in
`.github/ISSUE_TEMPLATE/`, a single `ISSUE_TEMPLATE.md` in `.github/`, the
root or `docs/`, or a GitLab template in `.gitlab/issue_templates/`.

Each template in `.github/ISSUE_TEMPLATE/` must be one GitHub offers in its
template chooser: a Markdown template needs front matter with `name` and
`about`; an issue form (`.yml`) must be valid YAML with `name`,
`description` and a non-empty `body`. `config.yml` must be valid YAML and
does not count as a template. Each problem names the file and line.

## Why
Bug reports without a version, a reproduction or the platform cost a round
trip each. A template asks for them up front; a template with broken front
matter is silently not offered.

## Passing example
```markdown
---
name: Bug report
about: Something does not work as documented
labels: bug
---
**Version** (`cargo readiness --version`):
**What you ran, what you expected, what happened:**
```
saved as `.github/ISSUE_TEMPLATE/bug_report.md`.

## How to fix
Add `.github/ISSUE_TEMPLATE/bug_report.md` (front matter with `name` and
`about`) or an issue form `.github/ISSUE_TEMPLATE/bug_report.yml`; fix the
YAML or front matter at the reported line.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let mut findings = Vec::new();
        let mut usable = 0usize;
        let mut config_only = None;
        let chooser: Vec<&FileEntry> = facts
            .files
            .iter()
            .filter(|e| files::parent_dir(&e.path).eq_ignore_ascii_case(".github/ISSUE_TEMPLATE"))
            .collect();
        for entry in &chooser {
            let name = files::file_name(&entry.path).to_ascii_lowercase();
            let is_yaml = name.ends_with(".yml") || name.ends_with(".yaml");
            if !is_yaml && !name.ends_with(".md") {
                continue;
            }
            let text = match text_or_finding(facts, &entry.path, &entry.path) {
                Ok(t) => t,
                Err(f) => {
                    findings.push(f);
                    continue;
                }
            };
            if name == "config.yml" || name == "config.yaml" {
                config_only = Some(entry.path.clone());
                if let Err(e) = yaml::parse(text) {
                    findings.push(yaml_finding(&entry.path, &e));
                }
                continue;
            }
            let before = findings.len();
            if is_yaml {
                check_form(&entry.path, text, &mut findings);
            } else {
                check_markdown(&entry.path, text, &mut findings);
            }
            if findings.len() == before {
                usable += 1;
            }
        }
        // A single legacy template, or GitLab's.
        let mut single: Vec<&FileEntry> = ["", ".github", "docs"]
            .iter()
            .flat_map(|d| files_named(facts, d, &["ISSUE_TEMPLATE"]))
            .collect();
        single.extend(facts.files.iter().filter(|e| {
            files::parent_dir(&e.path) == ".gitlab/issue_templates" && e.path.ends_with(".md")
        }));
        for entry in single {
            match text_or_finding(facts, &entry.path, &entry.path) {
                Ok(text) if useful_chars(text) > 0 => usable += 1,
                Ok(_) => findings.push(
                    Finding::warning(
                        format!("{}:empty", entry.path),
                        format!("{} is empty", entry.path),
                    )
                    .at(entry.path.clone(), Some(1))
                    .help("ask for the version, the steps to reproduce and what was expected"),
                ),
                Err(f) => findings.push(f),
            }
        }
        if usable == 0 {
            let message = match &config_only {
                Some(path) => format!("{path} configures the template chooser, but there is no issue template"),
                None => "no issue templates: .github/ISSUE_TEMPLATE/ is missing or empty, and there is no ISSUE_TEMPLATE.md".to_string(),
            };
            let mut f = Finding::error("missing", message).help(
                "add .github/ISSUE_TEMPLATE/bug_report.md with `name` and `about` front matter",
            );
            if let Some(path) = config_only {
                f = f.at(path, None);
            }
            findings.push(f);
        }
        let score = if findings.iter().any(|f| f.severity == Severity::Error) {
            0.0
        } else if findings.is_empty() {
            1.0
        } else {
            0.6
        };
        Outcome::from_findings(findings, score)
    }
}

fn yaml_finding(path: &str, e: &yaml::YamlError) -> Finding {
    Finding::warning(
        format!("{path}:yaml"),
        format!("{path} is not valid YAML: {}", e.message),
    )
    .at(path, Some(e.line.max(1)))
    .help("fix the YAML at this line; GitHub ignores a file it cannot parse")
}

/// A Markdown template: front matter with `name` and `about`.
fn check_markdown(path: &str, text: &str, findings: &mut Vec<Finding>) {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    if lines.first().map(|l| l.trim()) != Some("---") {
        findings.push(
            Finding::warning(
                format!("{path}:no-front-matter"),
                format!("{path} has no front matter, so GitHub does not offer it in the template chooser"),
            )
            .at(path, Some(1))
            .help("start the file with `---`, `name: …`, `about: …`, `---`"),
        );
        return;
    }
    let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---") else {
        findings.push(
            Finding::warning(
                format!("{path}:unclosed-front-matter"),
                format!("{path}: the front matter opened on line 1 is never closed with `---`"),
            )
            .at(path, Some(1))
            .help("close the front matter with a `---` line"),
        );
        return;
    };
    let front = lines[1..=end].join("\n");
    let node = match yaml::parse(&front) {
        Ok(n) => n,
        Err(mut e) => {
            e.line += 1;
            findings.push(yaml_finding(path, &e));
            return;
        }
    };
    for key in ["name", "about"] {
        if !has_text(&node, key) {
            findings.push(
                Finding::warning(
                    format!("{path}:no-{key}"),
                    format!("{path}: the front matter has no `{key}`, so GitHub does not offer the template"),
                )
                .at(path, Some(1))
                .help(format!("add `{key}: …` to the front matter")),
            );
        }
    }
}

/// An issue form: `name`, `description`, a non-empty `body`.
fn check_form(path: &str, text: &str, findings: &mut Vec<Finding>) {
    let node = match yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            findings.push(yaml_finding(path, &e));
            return;
        }
    };
    if !node.is_map() {
        findings.push(
            Finding::warning(
                format!("{path}:not-a-map"),
                format!("{path} is not an issue form (expected a mapping with name, description and body)"),
            )
            .at(path, Some(node.line.max(1)))
            .help("see https://docs.github.com/en/communities/using-templates-to-encourage-useful-issues-and-pull-requests/syntax-for-issue-forms"),
        );
        return;
    }
    for key in ["name", "description"] {
        if !has_text(&node, key) {
            findings.push(
                Finding::warning(
                    format!("{path}:no-{key}"),
                    format!("{path}: the issue form has no `{key}`"),
                )
                .at(path, Some(1))
                .help(format!("add a top-level `{key}:`")),
            );
        }
    }
    match node.get("body") {
        Some(body) if matches!(&body.value, Value::Seq(items) if !items.is_empty()) => {}
        other => findings.push(
            Finding::warning(
                format!("{path}:no-body"),
                format!("{path}: the issue form has no `body` items"),
            )
            .at(path, Some(other.map_or(1, |n| n.line.max(1))))
            .help("add `body:` with at least one input, textarea or dropdown"),
        ),
    }
}

fn has_text(node: &Node, key: &str) -> bool {
    node.get(key)
        .and_then(Node::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        IssueTemplates.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    const MD: &str = "---\nname: Bug report\nabout: Something is broken\n---\nWhat happened?\n";
    const FORM: &str = "name: Bug\ndescription: Report a bug\nbody:\n  - type: textarea\n    attributes:\n      label: What happened?\n";

    #[test]
    fn templates_forms_and_legacy() {
        assert_eq!(
            run(&[(".github/ISSUE_TEMPLATE/bug.md", MD)]).status,
            Status::Pass
        );
        assert_eq!(
            run(&[(".github/ISSUE_TEMPLATE/bug.yml", FORM)]).status,
            Status::Pass
        );
        assert_eq!(
            run(&[(".github/ISSUE_TEMPLATE.md", "Version?\n")]).status,
            Status::Pass
        );
        assert_eq!(
            run(&[(".gitlab/issue_templates/Bug.md", "Version?\n")]).status,
            Status::Pass
        );
        assert_eq!(run(&[]).status, Status::Fail);
    }

    #[test]
    fn config_only_fails() {
        let o = run(&[(
            ".github/ISSUE_TEMPLATE/config.yml",
            "blank_issues_enabled: false\n",
        )]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/ISSUE_TEMPLATE/config.yml")
        );
    }

    #[test]
    fn broken_templates_are_located() {
        let o = run(&[
            (".github/ISSUE_TEMPLATE/a.md", "no front matter\n"),
            (".github/ISSUE_TEMPLATE/b.md", "---\nname: B\n---\n"),
            (
                ".github/ISSUE_TEMPLATE/c.yml",
                "name: C\ndescription: x\nbody:\n\t- bad\n",
            ),
            (".github/ISSUE_TEMPLATE/d.md", MD),
        ]);
        assert_eq!(o.status, Status::Warn, "{:?}", o.findings);
        let got: Vec<(&str, Option<usize>)> = o
            .findings
            .iter()
            .map(|f| (f.path.as_deref().unwrap(), f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (".github/ISSUE_TEMPLATE/a.md", Some(1)),
                (".github/ISSUE_TEMPLATE/b.md", Some(1)),
                (".github/ISSUE_TEMPLATE/c.yml", Some(4)),
            ]
        );
    }
}
