//! `codeowners`: a CODEOWNERS file GitHub (or GitLab) can use, whose rules
//! all parse and all match something.

use super::support::text_or_finding;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::parse::codeowners::{self, Flavor};
use crate::parse::forge;

/// See [`Check::docs`].
pub struct Codeowners;

/// Where GitHub looks, in its order.
const GITHUB_LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
/// Where GitLab looks, in its order.
const GITLAB_LOCATIONS: &[&str] = &["CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];
/// GitHub ignores CODEOWNERS files larger than this.
const GITHUB_MAX_BYTES: u64 = 3 * 1024 * 1024;

impl Check for Codeowners {
    fn id(&self) -> &'static str {
        "codeowners"
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
        "CODEOWNERS parses, every rule matches a file, and everything has an owner"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A `CODEOWNERS` file where GitHub looks for it — `.github/`, the root, then
`docs/`, the first found wins (GitLab: the root, `docs/`, `.gitlab/`). When
there are several, a warning names the one in use. Then, line by line:

- every rule is a pattern followed by owners, each `@user`, `@org/team` or
  an email address; anything else is an error on that line (GitHub skips
  the whole line). `!` negation and `[ ]` character ranges do not work in
  CODEOWNERS and are errors too. Trailing `# comments` and `\ ` (escaped
  spaces) are understood;
- every pattern matches at least one file in the repository (a rule for a
  path that was moved or deleted is a warning on its line);
- a catch-all rule (`*`) exists, so no file is left without a reviewer
  (warning), and it comes first: the last matching rule wins, so a `*` rule
  below others overrides them all (warning on its line);
- rules without owners are noted (they deliberately clear ownership).

Patterns follow gitignore rules with GitHub's exceptions; see
`docs/governance.md`.

## Why
CODEOWNERS routes review requests and, with branch protection, decides who
must approve a change. A rule with a typo or a stale path silently leaves
code unreviewed; GitHub only shows the errors when someone opens the file.

## Passing example
```text
*               @acme/maintainers
/src/facts/     @acme/maintainers @alice
*.md            @acme/docs   # documentation
```

## How to fix
Put `CODEOWNERS` in `.github/` and start it with a `*` rule for the team
that owns everything; fix or delete the lines reported; remove duplicate
files in the other locations.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let gitlab = is_gitlab(facts);
        let (flavor, locations) = if gitlab {
            (Flavor::GitLab, GITLAB_LOCATIONS)
        } else {
            (Flavor::GitHub, GITHUB_LOCATIONS)
        };
        let mut found: Vec<&str> = locations
            .iter()
            .copied()
            .filter(|p| facts.files.contains(p))
            .collect();
        if found.is_empty() && facts.files.contains(".gitlab/CODEOWNERS") {
            found.push(".gitlab/CODEOWNERS");
        }
        let Some(&path) = found.first() else {
            return Outcome::from_findings(
                vec![
                    Finding::error(
                        "missing",
                        "no CODEOWNERS in .github/, the repository root or docs/",
                    )
                    .help("add .github/CODEOWNERS starting with `* @your-org/maintainers`"),
                ],
                0.0,
            );
        };
        let mut findings = Vec::new();
        for other in found.iter().skip(1) {
            findings.push(
                Finding::warning(
                    format!("ignored:{other}"),
                    format!("{other} is ignored: {path} comes first and is the one in use"),
                )
                .at(*other, None)
                .help(format!("merge it into {path} and delete it")),
            );
        }
        if let Some(entry) = facts.files.get(path)
            && flavor == Flavor::GitHub
            && entry.size > GITHUB_MAX_BYTES
        {
            findings.push(
                Finding::error(
                    "too-large",
                    format!(
                        "{path} is {} bytes; GitHub ignores CODEOWNERS files over 3 MB",
                        entry.size
                    ),
                )
                .at(path, None)
                .help("use directory and wildcard patterns instead of listing files"),
            );
            return Outcome::from_findings(findings, 0.0);
        }
        let text = match text_or_finding(facts, path, "codeowners") {
            Ok(t) => t,
            Err(f) => {
                findings.push(f);
                return Outcome::from_findings(findings, 0.0);
            }
        };
        let parsed = codeowners::parse(text, flavor);
        for e in &parsed.errors {
            findings.push(
                Finding::error(format!("invalid:{}", e.message), e.message.clone())
                    .at(path, Some(e.line))
                    .help("write `PATTERN @user @org/team email@domain`; GitHub ignores this line until it is fixed"),
            );
        }
        let mut catch_all = None;
        let mut matcher = Matcher::new(facts);
        for (i, rule) in parsed.rules.iter().enumerate() {
            if rule.is_catch_all() {
                catch_all = Some((i, rule.line));
            } else if matcher.matches_none(&rule.pattern) == Some(true) {
                findings.push(
                    Finding::warning(
                        format!("unmatched:{}", rule.pattern.text),
                        format!("`{}` matches no file in the repository", rule.pattern.text),
                    )
                    .at(path, Some(rule.line))
                    .help("fix the path (it may have moved) or delete the rule"),
                );
            }
            if rule.owners.is_empty() {
                findings.push(
                    Finding::note(
                        format!("ownerless:{}", rule.pattern.text),
                        format!(
                            "`{}` has no owners: matching files have no code owner",
                            rule.pattern.text
                        ),
                    )
                    .at(path, Some(rule.line)),
                );
            }
        }
        match catch_all {
            None if !parsed.rules.is_empty() || parsed.errors.is_empty() => findings.push(
                Finding::warning("no-catch-all", format!("{path} has no catch-all `*` rule: files outside its patterns have no reviewer"))
                    .at(path, None)
                    .help("add `* @your-org/maintainers` as the first rule"),
            ),
            Some((index, line)) if index > 0 => findings.push(
                Finding::warning(
                    "catch-all-last",
                    format!("the catch-all rule on line {line} comes after {index} other rule(s); the last matching rule wins, so it overrides them"),
                )
                .at(path, Some(line))
                .help("move the `*` rule to the top of the file"),
            ),
            _ => {}
        }
        let outcome_note = (matcher.skipped > 0).then(|| {
            format!(
                "{} wildcard rules were not checked against every file (more than {} pattern tests)",
                matcher.skipped, MAX_TESTS
            )
        });
        let score = if findings.iter().any(|f| f.severity == Severity::Error) {
            0.3
        } else if findings.iter().any(|f| f.severity == Severity::Warning) {
            0.7
        } else {
            1.0
        };
        let outcome = Outcome::from_findings(findings, score);
        match outcome_note {
            Some(note) => outcome.with_note(note),
            None => outcome,
        }
    }
}

/// Most pattern tests spent on wildcard rules that could match anywhere:
/// a CODEOWNERS of 10 000 such rules over 50 000 files stops here.
const MAX_TESTS: usize = 5_000_000;

/// Answers "does this pattern match any file?" without testing every
/// file: a pattern anchored at a literal directory is tested on the files
/// below it (a range of the sorted index), a bare name on a file that has
/// it as a component; only wildcards that can match anywhere scan all
/// files, within [`MAX_TESTS`].
struct Matcher<'f> {
    files: &'f crate::facts::files::FileIndex,
    /// (component, is a directory) → one file that has it.
    names: std::collections::HashMap<(&'f str, bool), &'f str>,
    budget: usize,
    /// Wildcard rules not checked for want of budget.
    skipped: usize,
}

impl<'f> Matcher<'f> {
    fn new(facts: &'f Facts) -> Self {
        let mut names = std::collections::HashMap::new();
        for f in facts.files.iter() {
            let mut parts = f.path.split('/').peekable();
            while let Some(part) = parts.next() {
                let is_dir = parts.peek().is_some();
                names.entry((part, is_dir)).or_insert(f.path.as_str());
            }
        }
        Matcher {
            files: &facts.files,
            names,
            budget: MAX_TESTS,
            skipped: 0,
        }
    }

    /// `Some(true)` when no file matches, `Some(false)` when one does,
    /// `None` when the budget ran out before knowing.
    fn matches_none(&mut self, pattern: &crate::parse::glob::Pattern) -> Option<bool> {
        let text = pattern.text.as_str();
        let wild = |s: &str| s.contains(['*', '?', '[', '\\']);
        let body = text.trim_end_matches('/');
        let dir_only = text.ends_with('/');
        let anchored = body.starts_with('/') || body.trim_start_matches('/').contains('/');
        let body = body.trim_start_matches('/');
        if anchored {
            let literal: Vec<&str> = body.split('/').take_while(|c| !wild(c)).collect();
            if !literal.is_empty() {
                let prefix = literal.join("/");
                return Some(!self.files.under(&prefix).any(|f| pattern.matches(&f.path)));
            }
        } else if !wild(body) && !body.is_empty() {
            let found = self.names.get(&(body, true)).or_else(|| {
                (!dir_only)
                    .then(|| self.names.get(&(body, false)))
                    .flatten()
            });
            return Some(!found.is_some_and(|path| pattern.matches(path)));
        }
        if self.budget < self.files.len() {
            self.skipped += 1;
            return None;
        }
        self.budget -= self.files.len();
        Some(!self.files.iter().any(|f| pattern.matches(&f.path)))
    }
}

/// Whether the project lives on GitLab (its CODEOWNERS dialect and locations apply).
fn is_gitlab(facts: &Facts) -> bool {
    let from_manifest = facts
        .members
        .iter()
        .filter_map(|m| m.repository.as_deref())
        .filter_map(forge::parse_repository)
        .map(|r| r.host)
        .next();
    let host = from_manifest.or_else(|| {
        facts
            .git
            .as_ref()
            .and_then(|g| g.origin_url.as_deref())
            .and_then(forge::parse_repository)
            .map(|r| r.host)
    });
    host.is_some_and(|h| h.contains("gitlab"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        Codeowners.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    fn located(o: &Outcome) -> Vec<(Severity, Option<&str>, Option<usize>)> {
        o.findings
            .iter()
            .map(|f| (f.severity, f.path.as_deref(), f.line))
            .collect()
    }

    #[test]
    fn good_file_passes() {
        let o = run(&[
            (
                ".github/CODEOWNERS",
                "* @acme/maintainers\n/src/ @alice # core\n*.md docs@acme.io\n",
            ),
            ("src/lib.rs", ""),
            ("README.md", ""),
        ]);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn missing_fails() {
        assert_eq!(run(&[("src/lib.rs", "")]).status, Status::Fail);
    }

    #[test]
    fn findings_are_located() {
        let o = run(&[
            (
                "CODEOWNERS",
                "/src/ @alice\n/gone/ @bob\n*.rs bob\n/docs/old.md\n* @acme/all\n",
            ),
            ("docs/CODEOWNERS", "* @x\n"),
            ("src/lib.rs", ""),
            ("docs/old.md", ""),
        ]);
        assert_eq!(o.status, Status::Fail);
        let mut got = located(&o);
        got.sort();
        assert_eq!(
            got,
            vec![
                (Severity::Note, Some("CODEOWNERS"), Some(4)),
                (Severity::Warning, Some("CODEOWNERS"), Some(2)),
                (Severity::Warning, Some("CODEOWNERS"), Some(5)),
                (Severity::Warning, Some("docs/CODEOWNERS"), None),
                (Severity::Error, Some("CODEOWNERS"), Some(3)),
            ]
        );
    }

    #[test]
    fn no_catch_all_warns() {
        let o = run(&[(".github/CODEOWNERS", "/src/ @alice\n"), ("src/a.rs", "")]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].key, "no-catch-all");
    }

    #[test]
    fn binary_file_is_reported() {
        let mut facts = Facts::in_memory(vec![], &[(".github/CODEOWNERS", "")]);
        if let Some(t) = facts.texts.get_mut(".github/CODEOWNERS") {
            t.content = Err(crate::facts::files::TextProblem::Binary);
        }
        let o = Codeowners.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Fail);
        assert!(o.findings[0].message.contains("binary"));
    }
}
