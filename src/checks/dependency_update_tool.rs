//! `dependency-update-tool`: Dependabot or Renovate keeps dependencies
//! (crates and actions) current.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct DependencyUpdateTool;

/// Where Renovate looks for its configuration.
const RENOVATE: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
];

impl Check for DependencyUpdateTool {
    fn id(&self) -> &'static str {
        "dependency-update-tool"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "Dependabot (cargo and github-actions) or Renovate is configured"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
`.github/dependabot.yml` lists the `cargo` ecosystem and, when the
repository has GitHub workflows, `github-actions` (partial credit when one
is missing), or a Renovate configuration exists (`renovate.json`,
`renovate.json5`, `.github/renovate.json`, `.renovaterc*`), which covers
both by default.

## Why
Fixes for vulnerabilities arrive as new versions. A bot that proposes
them (and keeps SHA-pinned actions current) turns "we should update" into
a reviewed pull request every week.

## Passing example
```yaml
# .github/dependabot.yml
version: 2
updates:
  - package-ecosystem: cargo
    directory: /
    schedule: { interval: weekly }
  - package-ecosystem: github-actions
    directory: /
    schedule: { interval: weekly }
```

## How to fix
Add `.github/dependabot.yml` as above, or enable Renovate.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(path) = RENOVATE.iter().find(|p| facts.files.contains(p)) {
            return Outcome::pass().with_note(format!("Renovate is configured in {path}"));
        }
        let Some(dependabot) = &facts.ci.dependabot else {
            return Outcome::from_findings(
                vec![Finding::error("missing", "no .github/dependabot.yml and no Renovate configuration")
                    .help("add .github/dependabot.yml with the `cargo` and `github-actions` ecosystems (`explain dependency-update-tool`)")],
                0.0,
            );
        };
        if let Some((line, problem)) = &dependabot.problem {
            return Outcome::from_findings(
                vec![
                    Finding::warning("unreadable", format!("{} {problem}", dependabot.path))
                        .at(dependabot.path.clone(), *line)
                        .help("fix the file; Dependabot ignores a configuration it cannot parse"),
                ],
                0.0,
            );
        }
        let has = |eco: &str| dependabot.ecosystems.iter().any(|(e, _)| e == eco);
        let mut wanted = vec!["cargo"];
        if !facts.ci.workflows.is_empty() {
            wanted.push("github-actions");
        }
        let missing: Vec<&str> = wanted.iter().copied().filter(|e| !has(e)).collect();
        if missing.is_empty() {
            return Outcome::pass();
        }
        let line = dependabot.ecosystems.first().map(|(_, l)| *l);
        let findings = missing
            .iter()
            .map(|eco| {
                Finding::warning(
                    format!("missing-ecosystem:{eco}"),
                    format!("{} does not update the `{eco}` ecosystem", dependabot.path),
                )
                .at(dependabot.path.clone(), line)
                .help(format!(
                    "add `- package-ecosystem: {eco}` with `directory: /` under `updates:`"
                ))
            })
            .collect();
        let score = 1.0 - missing.len() as f64 / (wanted.len() as f64 + 1.0);
        Outcome::from_findings(findings, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        DependencyUpdateTool.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    const WF: (&str, &str) = (".github/workflows/ci.yml", "on: push\njobs: {}\n");

    #[test]
    fn dependabot_with_both_and_with_one() {
        let both = "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n  - package-ecosystem: github-actions\n    directory: /\n";
        assert_eq!(
            run(&[WF, (".github/dependabot.yml", both)]).status,
            Status::Pass
        );
        let one = "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n";
        let o = run(&[WF, (".github/dependabot.yml", one)]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(3));
        assert!(o.findings[0].message.contains("github-actions"));
        assert_eq!(run(&[(".github/dependabot.yml", one)]).status, Status::Pass);
    }

    #[test]
    fn renovate_or_nothing() {
        assert_eq!(
            run(&[(".github/renovate.json5", "{}")]).status,
            Status::Pass
        );
        assert_eq!(run(&[]).status, Status::Fail);
        let o = run(&[(".github/dependabot.yml", "updates:\n\t- x\n")]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(2));
    }
}
