//! `code-of-conduct`: a code of conduct, adopted by file or by reference,
//! with a real enforcement contact.

use std::sync::LazyLock;

use regex::Regex;

use super::support::{community_files, files_named, text_or_finding, useful_chars};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::org_policy::OrgPolicy;
use crate::util::regex;

/// See [`Check::docs`].
pub struct CodeOfConduct;

const STEMS: &[&str] = &["CODE_OF_CONDUCT", "CODE-OF-CONDUCT", "CODEOFCONDUCT"];

/// Template placeholders left in adopted codes (Contributor Covenant's
/// `[INSERT CONTACT METHOD]`, `[INSERT EMAIL ADDRESS]`).
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\[\s*insert [^\]]*\]|\{\{\s*contact[^}]*\}\}"));

/// A sentence adopting a code of conduct by reference, with a link.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)code[ _-]of[ _-]conduct.*(\]\(|https?://)|(\]\(|https?://)[^)\s]*code[_-]of[_-]conduct",
    )
});

/// The target of an in-page link: `](#section)`.
static IN_PAGE_LINK: LazyLock<Regex> = LazyLock::new(|| regex(r"\]\(#[^)]*\)"));

impl Check for CodeOfConduct {
    fn id(&self) -> &'static str {
        "code-of-conduct"
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
        "a code of conduct is adopted, with a real contact for reports"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A `CODE_OF_CONDUCT.md` in `.github/`, the repository root or `docs/`
(GitHub's order), readable and not left with the template's placeholders
(`[INSERT CONTACT METHOD]` in the Contributor Covenant) — the line is named.

Without a file, a sentence in `README.md` or `CONTRIBUTING.md` that adopts a
code by link ("This project follows the [Rust Code of
Conduct](https://www.rust-lang.org/policies/code-of-conduct)") passes with a
note: GitHub's community profile still wants the file. Without either,
the organisation-wide `CODE_OF_CONDUCT.md` GitHub shows from the owner's
`.github` repository passes with a note (a template placeholder left in
it is a warning); when it could not be looked at (`--offline`, a failed
fetch) the check reports `error`, not a fail it could not verify.

## Why
A code of conduct tells contributors what behaviour is expected and, above
all, whom to contact when it is not met. A copied template whose contact is
still `[INSERT CONTACT METHOD]` gives nobody to contact.

## Passing example
`CODE_OF_CONDUCT.md` with the Contributor Covenant 2.1 text and
"report to conduct@your-domain.org" in its Enforcement section.

## How to fix
Add `CODE_OF_CONDUCT.md` (e.g. the Contributor Covenant, or a link to the
Rust Code of Conduct) and replace every placeholder with a monitored contact.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let found = community_files(facts, STEMS);
        let Some(first) = found.first() else {
            return by_reference(facts);
        };
        let text = match text_or_finding(facts, &first.path, "code") {
            Ok(t) => t,
            Err(f) => return Outcome::from_findings(vec![f], 0.0),
        };
        let mut findings = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if let Some(m) = PLACEHOLDER.find(line) {
                findings.push(
                    Finding::warning(
                        format!("placeholder:{}", m.as_str().to_lowercase()),
                        format!(
                            "{} still has the template placeholder `{}`: reports have nowhere to go",
                            first.path,
                            m.as_str()
                        ),
                    )
                    .at(first.path.clone(), Some(i + 1))
                    .help("replace it with a monitored email address or form"),
                );
            }
        }
        if findings.is_empty() && useful_chars(text) < 100 {
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
                .help("adopt a full code of conduct, e.g. the Contributor Covenant"),
            );
        }
        let score = if findings.is_empty() { 1.0 } else { 0.5 };
        Outcome::from_findings(findings, score)
    }
}

/// No file: look for adoption by link in the README or contributing guide.
fn by_reference(facts: &Facts) -> Outcome {
    let mut candidates = community_files(facts, &["CONTRIBUTING"]);
    candidates.extend(files_named(facts, "", &["README"]));
    for entry in candidates {
        let Some(text) = facts.text(&entry.path).and_then(|t| t.text()) else {
            continue;
        };
        // A link to a heading of the same page (`[Code of Conduct](#code-of-conduct)`
        // in a table of contents) adopts nothing.
        let adopts = |l: &str| REFERENCE.is_match(&IN_PAGE_LINK.replace_all(l, "]"));
        if let Some(line) = text.lines().position(adopts) {
            return Outcome::from_findings(
                vec![Finding::note(
                    "by-reference",
                    format!(
                        "a code of conduct is adopted by reference in {}:{}; GitHub's community profile looks for a CODE_OF_CONDUCT.md file",
                        entry.path,
                        line + 1
                    ),
                )
                .at(entry.path.clone(), Some(line + 1))],
                1.0,
            );
        }
    }
    if let OrgPolicy::Found { source, path, text } = &facts.org_code_of_conduct {
        return match PLACEHOLDER.find(text) {
            Some(m) => Outcome::from_findings(
                vec![Finding::warning(
                    "placeholder",
                    format!(
                        "no code of conduct in the repository; the organisation's ({source}: {path}) still has the template placeholder `{}`",
                        m.as_str()
                    ),
                )
                .help("replace the placeholder with a real contact for reports")],
                0.5,
            ),
            None => Outcome::pass().with_note(format!(
                "no code of conduct in the repository; GitHub shows the organisation's ({source}: {path})"
            )),
        };
    }
    if let Some(unknown) =
        super::support::org_unknown("CODE_OF_CONDUCT.md", &facts.org_code_of_conduct)
    {
        return unknown;
    }
    Outcome::from_findings(
        vec![Finding::error(
            "missing",
            format!(
                "no CODE_OF_CONDUCT.md in .github/, the repository root or docs/, and none adopted by link in README or CONTRIBUTING{}",
                super::support::org_missing_suffix(&facts.org_code_of_conduct)
            ),
        )
        .help("add CODE_OF_CONDUCT.md (e.g. the Contributor Covenant) with a real contact for reports")],
        0.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        CodeOfConduct.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    const CODE: &str = "# Code of conduct\n\nWe pledge to make participation a harassment-free experience for everyone.\n\nReport to conduct@acme.io; we answer within a week.\n";

    #[test]
    fn file_reference_or_missing() {
        assert_eq!(run(&[("CODE_OF_CONDUCT.md", CODE)]).status, Status::Pass);
        let o = run(&[(
            "CONTRIBUTING.md",
            "# Contributing\n\nWe follow the [Rust Code of Conduct](https://www.rust-lang.org/policies/code-of-conduct).\n",
        )]);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings[0].line, Some(3));
        assert_eq!(run(&[("README.md", "# x\n")]).status, Status::Fail);
        // A table of contents pointing at a heading of the same page.
        let toc = "# Contributing\n\n- [Code of Conduct](#code-of-conduct)\n\n## Code of conduct\n\nBe nice.\n";
        assert_eq!(run(&[("CONTRIBUTING.md", toc)]).status, Status::Fail);
        let both = format!(
            "{toc}\nWe abide by the [Rust Code of Conduct][coc].\n\n[coc]: https://www.rust-lang.org/policies/code-of-conduct\n"
        );
        let o = run(&[("CONTRIBUTING.md", &both)]);
        assert_eq!(o.status, Status::Pass);
        assert_ne!(o.findings[0].line, Some(3));
    }

    #[test]
    fn placeholder_is_located() {
        let text = format!(
            "{CODE}\nreported to the community leaders responsible for enforcement at\n[INSERT CONTACT METHOD].\n"
        );
        let o = run(&[(".github/CODE_OF_CONDUCT.md", &text)]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(8));
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/CODE_OF_CONDUCT.md")
        );
    }
}
