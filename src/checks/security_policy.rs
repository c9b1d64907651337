//! `security-policy`: a SECURITY.md that tells people how to report a
//! vulnerability privately.

use std::sync::LazyLock;

use regex::Regex;

use crate::util::regex;

use super::support::headings;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::files;

/// See [`Check::docs`].
pub struct SecurityPolicy;

/// Where GitHub looks for a security policy, in its order of precedence.
const LOCATIONS: &[&str] = &[".github", "", "docs"];

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"));
static URL: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\bhttps?://[^\s)>\]]+"));
/// Ways of saying "use GitHub's private vulnerability reporting".
static GITHUB_PRIVATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(security/advisories/new|private vulnerability reporting|report a vulnerability\W+button|security advisor(y|ies)\s+(page|tab|form)|github security advisor(y|ies))",
    )
});
/// Contacts that are obviously placeholders.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(@example\.(com|org|net)|\bexample\.(com|org|net)\b|\btodo\b|\bfixme\b|<[^>]*email[^>]*>)",
    )
});

/// A way to report a vulnerability found in the policy text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// 1-based line.
    pub line: usize,
    /// The email, URL or reporting mechanism.
    pub value: String,
}

/// Contacts in a policy: emails, GitHub private reporting, and URLs that
/// are not badges or images.
pub fn contacts(text: &str) -> Vec<Contact> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        for m in EMAIL.find_iter(line) {
            out.push(Contact {
                line: line_no,
                value: m.as_str().to_string(),
            });
        }
        if let Some(m) = GITHUB_PRIVATE.find(line) {
            out.push(Contact {
                line: line_no,
                value: m.as_str().to_string(),
            });
        }
        {
            for m in URL.find_iter(line) {
                let url = m.as_str().trim_end_matches(['.', ',', '`', '"', '\'']);
                let is_decoration = url.contains("shields.io")
                    || url.contains("img.")
                    || url.ends_with(".svg")
                    || url.ends_with(".png")
                    || url.contains("spdx.org")
                    || url.contains("semver.org")
                    || url.contains("keepachangelog.com");
                if !is_decoration {
                    out.push(Contact {
                        line: line_no,
                        value: url.to_string(),
                    });
                }
            }
        }
    }
    out
}

fn is_placeholder(value: &str) -> bool {
    PLACEHOLDER.is_match(value)
}

impl Check for SecurityPolicy {
    fn id(&self) -> &'static str {
        "security-policy"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "SECURITY.md exists and says how to report a vulnerability privately"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A `SECURITY.md` in `.github/`, the repository root or `docs/` (GitHub's
order; the first found is the one GitHub shows) that gives a private way to
report a vulnerability: an email address, a URL (a form, a bug-bounty page),
or GitHub private vulnerability reporting
(`https://github.com/OWNER/REPO/security/advisories/new`). Placeholder
contacts (`security@example.com`, `TODO`) do not count.

## Why
Without a private channel, a researcher who finds a vulnerability either
opens a public issue — disclosing it to attackers before a fix exists — or
gives up. OpenSSF Scorecard's Security-Policy check and most procurement
questionnaires ask for this file.

## Passing example
```markdown
# Security policy

## Reporting a vulnerability
Email security@your-domain.org, or use
https://github.com/OWNER/REPO/security/advisories/new. We reply within 3 days.
```

## How to fix
Add `SECURITY.md` at the repository root with a "Reporting a vulnerability"
section naming a monitored address or GitHub's private reporting, and enable
private vulnerability reporting in the repository's security settings.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let found: Vec<&str> = LOCATIONS
            .iter()
            .flat_map(|dir| facts.files.in_dir(dir))
            .filter(|e| {
                let name = files::file_name(&e.path).to_ascii_uppercase();
                name == "SECURITY.MD"
                    || name == "SECURITY.RST"
                    || name == "SECURITY.TXT"
                    || name == "SECURITY"
            })
            .map(|e| e.path.as_str())
            .collect();
        let Some(&primary) = found.first() else {
            return Outcome::from_findings(
                vec![Finding::error("missing", "no SECURITY.md in .github/, the repository root or docs/")
                    .help("add SECURITY.md with a private contact for vulnerability reports (see `cargo readiness explain security-policy`)")],
                0.0,
            );
        };
        let text = match facts.text(primary).map(|t| &t.content) {
            Some(Ok(t)) => t,
            Some(Err(problem)) => {
                return Outcome::from_findings(
                    vec![
                        Finding::error("unreadable", format!("{primary} {problem}"))
                            .at(primary, None)
                            .help("make SECURITY.md a plain UTF-8 text file"),
                    ],
                    0.0,
                );
            }
            None => return Outcome::error(format!("{primary} was not read during collection")),
        };
        let all = contacts(text);
        let real: Vec<&Contact> = all.iter().filter(|c| !is_placeholder(&c.value)).collect();
        let mut findings = Vec::new();
        if real.is_empty() {
            let line = headings(text)
                .into_iter()
                .find(|(_, _, h)| {
                    let h = h.to_ascii_lowercase();
                    h.contains("report") || h.contains("disclos") || h.contains("contact")
                })
                .map(|(l, _, _)| l)
                .or_else(|| all.first().map(|c| c.line))
                .unwrap_or(1);
            let message = match all.first() {
                Some(c) => format!("{primary} gives only a placeholder contact (`{}`)", c.value),
                None => format!(
                    "{primary} gives no way to report a vulnerability privately (no email, URL or GitHub private reporting)"
                ),
            };
            findings.push(
                Finding::error("no-contact", message)
                    .at(primary, Some(line))
                    .help("name a monitored email address or https://github.com/OWNER/REPO/security/advisories/new"),
            );
        }
        let score = if findings.is_empty() { 1.0 } else { 0.3 };
        Outcome::from_findings(findings, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        SecurityPolicy.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig::new(Level::Deny),
        )
    }

    #[test]
    fn missing_policy_fails() {
        assert_eq!(run(&[]).status, Status::Fail);
    }

    #[test]
    fn email_or_github_reporting_passes() {
        assert_eq!(
            run(&[("SECURITY.md", "# Security\nMail security@acme.io\n")]).status,
            Status::Pass
        );
        assert_eq!(
            run(&[(
                ".github/SECURITY.md",
                "Use https://github.com/acme/x/security/advisories/new\n"
            )])
            .status,
            Status::Pass
        );
        assert_eq!(
            run(&[(
                "docs/SECURITY.md",
                "Please use GitHub's private vulnerability reporting.\n"
            )])
            .status,
            Status::Pass
        );
    }

    #[test]
    fn no_contact_points_at_reporting_heading() {
        let o = run(&[(
            "SECURITY.md",
            "# Security\n\nWe care.\n\n## Reporting\n\nTell us.\n",
        )]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(5));
        assert_eq!(o.findings[0].path.as_deref(), Some("SECURITY.md"));
    }

    #[test]
    fn placeholder_and_badges_do_not_count() {
        let o = run(&[("SECURITY.md", "Email security@example.com\n")]);
        assert_eq!(o.status, Status::Fail);
        assert!(o.findings[0].message.contains("placeholder"));
        let o = run(&[("SECURITY.md", "![badge](https://img.shields.io/x.svg)\n")]);
        assert_eq!(o.status, Status::Fail);
    }
}
