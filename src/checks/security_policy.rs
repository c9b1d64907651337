//! `security-policy`: a SECURITY.md that tells people how to report a
//! vulnerability privately.

use std::sync::LazyLock;

use regex::Regex;

use crate::util::regex;

use super::support::{files_named, headings};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::files;
use crate::facts::org_policy::OrgPolicy;

/// See [`Check::docs`].
pub struct SecurityPolicy;

/// Where GitHub looks for a security policy, in its order of precedence.
const LOCATIONS: &[&str] = &[".github", "", "docs"];

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"));
/// An address spelled against scrapers: `name [at] host [dot] com`,
/// `name(at)host.org`, `name {at} host {dot} io`.
static OBFUSCATED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b[a-z0-9._%+-]+\s*[\[({<]\s*at\s*[\])}>]\s*[a-z0-9-]+(?:\s*(?:[\[({<]\s*dot\s*[\])}>]|\.)\s*[a-z0-9-]+)+",
    )
});
static BRACKETED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\s*[\[({<]\s*(at|dot)\s*[\])}>]\s*"));
static URL: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\bhttps?://[^\s)>\]]+"));
/// Ways of saying "use GitHub's private vulnerability reporting".
static GITHUB_PRIVATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(security/advisories/new|private vulnerability reporting|report a vulnerability[^[:alnum:]_]+button|security advisor(y|ies)\s+(page|tab|form)|github security advisor(y|ies))",
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
        for m in OBFUSCATED_EMAIL.find_iter(line) {
            // Quoted as the address it spells, so the note is readable.
            let value = BRACKETED.replace_all(m.as_str(), |c: &regex::Captures<'_>| {
                if c[1].eq_ignore_ascii_case("at") {
                    "@"
                } else {
                    "."
                }
            });
            out.push(Contact {
                line: line_no,
                value: value.trim().to_string(),
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

/// Headings (or table headers) of a supported-versions section.
static SUPPORTED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(supported|maintained)[^[:alnum:]_]+(versions?|releases?|branches)|versions?[^[:alnum:]_]+(support|maintenance)|support(ed)?\s+polic|security\s+updates|\|\s*versions?\s*\|\s*supported",
    )
});

/// A sentence that says which releases get security fixes without a
/// heading of its own: "Security issues in any current release", "only
/// the latest version receives fixes", "we patch the most recent minor
/// release".
static SUPPORT_STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(latest|current|newest|most\s+recent|last)\s+((stable|minor|major|published|supported)\s+)?(release|version)s?\b",
    )
});

/// Words that make a [`SUPPORT_STATEMENT`] about security fixes.
static ABOUT_FIXES: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(security|vulnerabilit|fix|patch|support|scope)"));

/// Hosts of vulnerability-reporting programmes.
static REPORTING_URL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(security/advisories/new|hackerone\.com|bugcrowd\.com|intigriti\.com|huntr\.(dev|com))",
    )
});

/// Contacts a README gives for security reports: emails, private-reporting
/// and bug-bounty URLs on lines that mention security, or in a section
/// whose heading does.
pub fn readme_security_contacts(text: &str) -> Vec<Contact> {
    let sections = headings(text);
    let section_at = |line: usize| {
        sections
            .iter()
            .rev()
            .find(|(l, _, _)| *l <= line)
            .map(|(_, _, h)| h.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let lines: Vec<&str> = text.lines().collect();
    contacts(text)
        .into_iter()
        .filter(|c| c.value.contains('@') || REPORTING_URL.is_match(&c.value))
        .filter(|c| !is_placeholder(&c.value))
        .filter(|c| {
            let line = lines
                .get(c.line - 1)
                .copied()
                .unwrap_or("")
                .to_ascii_lowercase();
            let section = section_at(c.line);
            line.contains("security")
                || line.contains("vulnerab")
                || section.contains("security")
                || section.contains("vulnerab")
        })
        .collect()
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
report a vulnerability: an email address (also spelled against scrapers,
`name [at] host [dot] com`), a URL (a form, a bug-bounty page),
or GitHub private vulnerability reporting
(`https://github.com/OWNER/REPO/security/advisories/new`). Placeholder
contacts (`security@example.com`, `TODO`) do not count.

A repository with none of its own is covered by the policy GitHub shows
for it: `SECURITY.md` in the owner's `.github` repository (the owner read
from the root package's `repository`, else the `origin` remote), fetched
when the run may use the network. It passes with a note naming it and its
contact (the checkout and the published crate still carry none); without
a real contact it fails. When it could not be looked at (under
`--offline`, or the fetch failed) the check reports `error` — whether a
policy applies is unknown, and at `deny` that still fails the gate — with
the two ways out: add `SECURITY.md` to the repository, or run online.

It also warns when:
- the policy has no supported-versions section (a heading such as
  `## Supported versions`, a `| Version | Supported |` table, or a
  sentence about fixes that names the releases: "security issues in any
  current release", "only the latest version receives fixes");
- `README.md` names a security contact (an email, private-reporting or
  bug-bounty URL on a line or in a section about security) that the policy
  does not give — the finding names the README line and the policy's
  contact and line;
- a second copy (`SECURITY.md` at the root as well as in `.github/`) gives
  different contacts from the one GitHub shows (an identical copy is noted).

## Why
Without a private channel, a researcher who finds a vulnerability either
opens a public issue — disclosing it to attackers before a fix exists — or
gives up. OpenSSF Scorecard's Security-Policy check and most procurement
questionnaires ask for this file.

## Passing example
```markdown
# Security policy

## Supported versions
Only the latest 1.x release receives security fixes.

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
            return without_own_policy(&facts.org_policy);
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
        if !headings(text).iter().any(|(_, _, h)| SUPPORTED.is_match(h))
            && !text
                .lines()
                .any(|l| SUPPORTED.is_match(l) && l.contains('|'))
            && !text
                .lines()
                .any(|l| SUPPORT_STATEMENT.is_match(l) && ABOUT_FIXES.is_match(l))
        {
            findings.push(
                Finding::warning(
                    "no-supported-versions",
                    format!("{primary} has no supported-versions section: reporters and users cannot tell which releases get fixes"),
                )
                .at(primary, None)
                .help("add `## Supported versions` with a table of the release lines that receive security fixes"),
            );
        }
        let real_values: Vec<String> = real.iter().map(|c| c.value.to_lowercase()).collect();
        let mentions_private = GITHUB_PRIVATE.is_match(text);
        for other in found.iter().skip(1) {
            compare_duplicate(facts, primary, &real, other, &mut findings);
        }
        if let Some(readme) = files_named(facts, "", &["README"]).first()
            && let Some(readme_text) = facts.text(&readme.path).and_then(|t| t.text())
        {
            for c in readme_security_contacts(readme_text) {
                let value = c.value.to_lowercase();
                let agrees = real_values
                    .iter()
                    .any(|v| *v == value || v.contains(&value) || value.contains(v.as_str()))
                    || (value.contains("security/advisories/new")
                        && mentions_private
                        && !real_values
                            .iter()
                            .any(|v| v.contains("security/advisories/new")));
                if agrees {
                    continue;
                }
                let theirs = real
                    .first()
                    .map(|r| format!("`{}` (line {})", r.value, r.line))
                    .unwrap_or_else(|| "no contact".into());
                findings.push(
                        Finding::warning(
                            format!("readme-disagrees:{value}"),
                            format!(
                                "{}:{} gives `{}` as the security contact, but {primary} gives {theirs}",
                                readme.path, c.line, c.value
                            ),
                        )
                        .at(readme.path.clone(), Some(c.line))
                        .help(format!("use the same contact in both, or have {} point to {primary}", readme.path)),
                    );
            }
        }
        let score = if findings.iter().any(|f| f.severity == Severity::Error) {
            0.3
        } else if findings.iter().any(|f| f.severity == Severity::Warning) {
            0.8
        } else {
            1.0
        };
        Outcome::from_findings(findings, score)
    }
}

/// A second SECURITY.md GitHub does not show: fine when it says the same,
/// a warning naming both files when its contacts differ.
fn compare_duplicate(
    facts: &Facts,
    primary: &str,
    primary_contacts: &[&Contact],
    other: &str,
    findings: &mut Vec<Finding>,
) {
    let Some(text) = facts.text(other).and_then(|t| t.text()) else {
        return;
    };
    let theirs: Vec<Contact> = contacts(text)
        .into_iter()
        .filter(|c| !is_placeholder(&c.value))
        .collect();
    let ours: Vec<String> = primary_contacts
        .iter()
        .map(|c| c.value.to_lowercase())
        .collect();
    let differing = theirs
        .iter()
        .find(|c| !ours.contains(&c.value.to_lowercase()));
    let missing = primary_contacts.iter().find(|c| {
        !theirs
            .iter()
            .any(|t| t.value.eq_ignore_ascii_case(&c.value))
    });
    match (differing, missing) {
        (None, None) => findings.push(
            Finding::note(
                format!("duplicate:{other}"),
                format!("{other} repeats {primary}, which GitHub shows; keep one copy so they cannot drift"),
            )
            .at(other, None),
        ),
        (d, m) => {
            let line = d.map(|c| c.line).unwrap_or(1);
            let theirs_text = d.map_or("no matching contact".to_string(), |c| format!("`{}` (line {})", c.value, c.line));
            let ours_text = m
                .copied()
                .or(primary_contacts.first().copied())
                .map_or("no contact".to_string(), |c| format!("`{}` (line {})", c.value, c.line));
            findings.push(
                Finding::warning(
                    format!("duplicate-disagrees:{other}"),
                    format!("{other} gives {theirs_text}, but {primary}, the one GitHub shows, gives {ours_text}"),
                )
                .at(other, Some(line))
                .help(format!("delete {other} or make it identical to {primary}")),
            );
        }
    }
}

/// The verdict for a checkout with no policy of its own: the one GitHub
/// shows from the owner's `.github` repository, when there is one with a
/// real contact, passes with a note; otherwise the policy is missing.
fn without_own_policy(org: &OrgPolicy) -> Outcome {
    let missing = |why: String| {
        Outcome::from_findings(
            vec![Finding::error("missing", format!("no SECURITY.md in .github/, the repository root or docs/{why}"))
                .help("add SECURITY.md with a private contact for vulnerability reports (see `cargo readiness explain security-policy`)")],
            0.0,
        )
    };
    match org {
        OrgPolicy::Found { source, path, text } => {
            let all = contacts(text);
            match all.iter().find(|c| !is_placeholder(&c.value)) {
                Some(contact) => Outcome::pass().with_note(format!(
                    "no policy in the repository; GitHub shows the organisation's ({source}: {path}), which gives `{}` for reports — the checkout and the published crate carry none",
                    contact.value
                )),
                None => Outcome::from_findings(
                    vec![Finding::error(
                        "no-contact",
                        format!("no SECURITY.md in the repository, and the organisation's ({source}: {path}) gives no way to report a vulnerability privately"),
                    )
                    .help("name a monitored email address or https://github.com/OWNER/REPO/security/advisories/new")],
                    0.0,
                ),
            }
        }
        _ => super::support::org_unknown("SECURITY.md", org)
            .unwrap_or_else(|| missing(super::support::org_missing_suffix(org))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        SecurityPolicy.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Deny },
        )
    }

    #[test]
    fn missing_policy_fails() {
        assert_eq!(run(&[]).status, Status::Fail);
    }

    #[test]
    fn an_organisation_policy_github_shows_counts() {
        let found = |text: &str| OrgPolicy::Found {
            source: "acme/.github".into(),
            path: "SECURITY.md".into(),
            text: text.into(),
        };
        let o = without_own_policy(&found("Report to security@acme.io.\n"));
        assert_eq!(o.status, Status::Pass);
        assert!(o.note.unwrap_or_default().contains("security@acme.io"));
        assert_eq!(
            without_own_policy(&found("Open an issue.\n")).status,
            Status::Fail
        );
        let o = without_own_policy(&OrgPolicy::Absent {
            source: "acme/.github".into(),
        });
        assert!(
            o.findings[0]
                .message
                .contains("nor an organisation-wide one")
        );
    }

    #[test]
    fn an_address_spelled_against_scrapers_is_a_contact() {
        let c = contacts(
            "## Reporting\n\nE-mail your findings to scott_s829 [at] 163 [dot] com.\nOr ops(at)acme.io\n",
        );
        let values: Vec<&str> = c.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, vec!["scott_s829@163.com", "ops@acme.io"]);
        assert!(contacts("We look at [the docs] and dot the i's.\n").is_empty());
    }

    #[test]
    fn email_or_github_reporting_passes() {
        assert_ne!(
            run(&[("SECURITY.md", "# Security\nMail security@acme.io\n")]).status,
            Status::Fail
        );
        assert_ne!(
            run(&[(
                ".github/SECURITY.md",
                "Use https://github.com/acme/x/security/advisories/new\n"
            )])
            .status,
            Status::Fail
        );
        assert_ne!(
            run(&[(
                "docs/SECURITY.md",
                "Please use GitHub's private vulnerability reporting.\n"
            )])
            .status,
            Status::Fail
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

    const POLICY: &str = "# Security\n\n## Supported versions\n\nLatest only.\n\n## Reporting\n\nMail security@acme.io\n";

    #[test]
    fn supported_versions_section_is_wanted() {
        assert_eq!(run(&[("SECURITY.md", POLICY)]).status, Status::Pass);
        let o = run(&[("SECURITY.md", "# Security\nMail security@acme.io\n")]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].key, "no-supported-versions");
        let table = "Mail security@acme.io\n\n| Version | Supported |\n|---|---|\n| 1.x | yes |\n";
        assert_eq!(run(&[("SECURITY.md", table)]).status, Status::Pass);
        // vaultwarden: the releases are named under "In-scope".
        let prose = "Mail security@acme.io\n\n# In-scope\n\n- Security issues in any current release of Acme.\n";
        assert_eq!(run(&[("SECURITY.md", prose)]).status, Status::Pass);
        // Naming the latest release without saying anything about fixes.
        let unrelated = "Mail security@acme.io\n\nSee the latest release notes.\n";
        assert_eq!(run(&[("SECURITY.md", unrelated)]).status, Status::Warn);
    }

    #[test]
    fn readme_contact_must_agree() {
        let readme = "# Acme\n\n## Security\n\nReport vulnerabilities to sec@other.org.\n";
        let o = run(&[("SECURITY.md", POLICY), ("README.md", readme)]);
        assert_eq!(o.status, Status::Warn);
        let f = &o.findings[0];
        assert_eq!(f.path.as_deref(), Some("README.md"));
        assert_eq!(f.line, Some(5));
        assert!(
            f.message.contains("README.md:5")
                && f.message.contains("SECURITY.md")
                && f.message.contains("line 9"),
            "{f:?}"
        );
        let agreeing = "# Acme\n\nFor security issues mail security@acme.io.\n";
        assert_eq!(
            run(&[("SECURITY.md", POLICY), ("README.md", agreeing)]).status,
            Status::Pass
        );
        // Other emails in the README are not security contacts.
        let unrelated = "# Acme\n\nQuestions: hello@acme.io\n";
        assert_eq!(
            run(&[("SECURITY.md", POLICY), ("README.md", unrelated)]).status,
            Status::Pass
        );
    }

    #[test]
    fn duplicates_that_disagree() {
        let o = run(&[
            (".github/SECURITY.md", POLICY),
            ("SECURITY.md", "# Security\n\nMail old@acme.io\n"),
        ]);
        assert_eq!(o.status, Status::Warn);
        let f = &o.findings[0];
        assert_eq!((f.path.as_deref(), f.line), (Some("SECURITY.md"), Some(3)));
        assert!(
            f.message.contains("old@acme.io") && f.message.contains("security@acme.io"),
            "{f:?}"
        );
        let o = run(&[(".github/SECURITY.md", POLICY), ("SECURITY.md", POLICY)]);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings[0].severity, crate::checks::Severity::Note);
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
