//! `license-files`: the manifest's license expression is valid and every
//! license in it ships as a file whose text is that license.

use std::collections::BTreeSet;

use spdx::{Expression, ParseMode};

use super::support::{files_named, manifest_line};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::files::{self, FileEntry};
use crate::facts::workspace::Member;
use crate::license_text::{Recognizer, same_text};

/// See [`Check::docs`].
pub struct LicenseFiles;

const LICENSE_STEMS: &[&str] = &["LICENSE", "LICENCE", "COPYING", "UNLICENSE", "COPYRIGHT"];

impl Check for LicenseFiles {
    fn id(&self) -> &'static str {
        "license-files"
    }
    fn category(&self) -> Category {
        Category::Governance
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "the manifest declares a valid SPDX license and each license in it ships as a file with that license's text"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
For every workspace member: `license` in `Cargo.toml` is present and is a
valid SPDX expression (or `license-file` names a file that exists), and each
license in the expression has a file in the repository — `LICENSE`,
`LICENSE-MIT`, `LICENSE-APACHE`, `COPYING`, `UNLICENSE`, `LICENSES/<id>.txt`,
in the member's directory or at the workspace root — whose **text** is that
license. Files are recognised by their text (n-gram similarity against the
SPDX reference texts), not by their names, so `LICENSE-MIT` holding the BSD
text is caught.

Distinct findings: no license declared; an expression that does not parse;
no file for a declared license; a file whose text is a license the manifest
does not declare.

## Why
Most licenses (MIT, Apache-2.0, BSD) require their text to accompany the
software. A missing or wrong file makes redistribution non-compliant, and
legal review at release time blocks on it.

## Passing example
```toml
[package]
license = "MIT OR Apache-2.0"
```
with `LICENSE-MIT` and `LICENSE-APACHE` holding the two texts.

## How to fix
Declare `license = "<SPDX expression>"` and add one file per license with its
canonical text (<https://spdx.org/licenses/>); fix an expression with
`cargo readiness explain license-files` in mind: `MIT/Apache-2.0` is written
`MIT OR Apache-2.0`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.members.is_empty() {
            return Outcome::skip("the workspace has no packages");
        }
        let declared: Vec<String> = facts
            .members
            .iter()
            .filter_map(|m| m.license.as_deref())
            .filter_map(|l| Expression::parse_mode(l, ParseMode::LAX).ok())
            .flat_map(|e| {
                e.requirements()
                    .filter_map(|r| r.req.license.id().map(|id| id.name.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let recognizer = Recognizer::new(declared.iter().map(String::as_str));
        let mut findings = Vec::new();
        let mut ok_members = 0usize;
        for member in &facts.members {
            let before = findings.len();
            check_member(facts, member, &recognizer, &mut findings);
            if findings[before..]
                .iter()
                .all(|f| f.severity < super::Severity::Error)
            {
                ok_members += 1;
            }
        }
        let score = ok_members as f64 / facts.members.len() as f64;
        Outcome::from_findings(findings, score)
    }
}

/// A license file and what its text was recognised as.
struct Candidate<'a> {
    entry: &'a FileEntry,
    recognized: Option<(String, f32)>,
    problem: Option<String>,
}

fn candidates<'a>(
    facts: &'a Facts,
    member: &Member,
    recognizer: &Recognizer,
) -> Vec<Candidate<'a>> {
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    dirs.insert(member.dir.clone());
    dirs.insert(String::new());
    let mut entries: Vec<&FileEntry> = Vec::new();
    for dir in &dirs {
        entries.extend(files_named(facts, dir, LICENSE_STEMS));
        let licenses_dir = files::join(dir, "LICENSES");
        entries.extend(facts.files.in_dir(&licenses_dir));
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    entries
        .into_iter()
        .map(|entry| match facts.text(&entry.path).map(|t| &t.content) {
            Some(Ok(text)) => Candidate {
                entry,
                recognized: recognizer
                    .recognize(text)
                    .map(|r| (r.id.clone(), r.score))
                    .filter(|(_, s)| *s >= crate::license_text::CONFIDENT),
                problem: None,
            },
            Some(Err(p)) => Candidate {
                entry,
                recognized: None,
                problem: Some(p.to_string()),
            },
            None => Candidate {
                entry,
                recognized: None,
                problem: Some("was not read".into()),
            },
        })
        .collect()
}

/// Whether a file's name says which license it holds (`LICENSE-MIT`,
/// `LICENSE.apache`, `LICENSES/MIT.txt`).
fn named_for(path: &str, id: &str) -> bool {
    let id_upper = id.to_ascii_uppercase();
    let family = id_upper.split('-').next().unwrap_or(&id_upper);
    let name = files::file_name(path).to_ascii_uppercase();
    let name = name
        .strip_suffix(".TXT")
        .or_else(|| name.strip_suffix(".MD"))
        .unwrap_or(&name);
    let label = if files::file_name(files::parent_dir(path)) == "LICENSES" {
        name
    } else {
        match ["LICENSE", "LICENCE", "COPYING"]
            .iter()
            .find_map(|s| name.strip_prefix(s))
        {
            Some(rest) => rest.trim_start_matches(['-', '_', '.']),
            None => return false,
        }
    };
    !label.is_empty() && (label == id_upper || label == family)
}

fn check_member(
    facts: &Facts,
    member: &Member,
    recognizer: &Recognizer,
    findings: &mut Vec<Finding>,
) {
    let manifest = member.manifest.as_str();
    let who = &member.name;
    let license_line = manifest_line(facts, member, "license");

    if let Some(file) = &member.license_file {
        let path = files::join(&member.dir, file);
        if !facts.files.contains(&path) {
            findings.push(
                Finding::error(
                    format!("{who}:license-file-missing:{file}"),
                    format!("`{who}`: license-file = \"{file}\" does not exist"),
                )
                .at(manifest, manifest_line(facts, member, "license-file"))
                .help(format!("add {path} or correct the path in {manifest}")),
            );
        }
        if member.license.is_none() {
            return;
        }
    }

    let Some(expr_text) = member.license.as_deref() else {
        findings.push(
            Finding::error(
                format!("{who}:no-license"),
                format!("`{who}` declares no license (neither `license` nor `license-file`)"),
            )
            .at(manifest, manifest_line(facts, member, "name"))
            .help("add `license = \"MIT OR Apache-2.0\"` (or your license's SPDX id) to [package]"),
        );
        return;
    };

    let expr = match Expression::parse(expr_text) {
        Ok(e) => e,
        Err(strict_err) => {
            match Expression::parse_mode(expr_text, ParseMode::LAX) {
                Ok(e) => {
                    let canonical = Expression::canonicalize(expr_text)
                        .ok()
                        .flatten()
                        .unwrap_or_else(|| e.to_string());
                    findings.push(
                    Finding::warning(
                        format!("{who}:non-canonical"),
                        format!("`{who}`: license = \"{expr_text}\" is not a canonical SPDX expression"),
                    )
                    .at(manifest, license_line)
                    .help(format!("write `license = \"{canonical}\"`")),
                );
                    e
                }
                Err(_) => {
                    findings.push(
                    Finding::error(
                        format!("{who}:unparsable"),
                        format!(
                            "`{who}`: license = \"{expr_text}\" is not a valid SPDX expression: {}",
                            strict_err.reason
                        ),
                    )
                    .at(manifest, license_line)
                    .help("use SPDX ids joined by OR/AND, e.g. `MIT OR Apache-2.0` (https://spdx.org/licenses/)"),
                );
                    return;
                }
            }
        }
    };

    let declared: Vec<String> = expr
        .requirements()
        .filter_map(|r| r.req.license.id().map(|id| id.name.to_string()))
        .collect();
    let candidates = candidates(facts, member, recognizer);
    for c in &candidates {
        if let Some(problem) = &c.problem {
            findings.push(
                Finding::error(
                    format!("{who}:unreadable:{}", c.entry.path),
                    format!("{} {problem}", c.entry.path),
                )
                .at(c.entry.path.clone(), None)
                .help("replace it with the plain-text license"),
            );
        }
    }

    for id in &declared {
        let holds =
            |c: &Candidate<'_>| c.recognized.as_ref().is_some_and(|(r, _)| same_text(r, id));
        if candidates.iter().any(holds) {
            continue;
        }
        // A file named for this license whose text is something else.
        if let Some(c) = candidates.iter().find(|c| named_for(&c.entry.path, id)) {
            let message = match &c.recognized {
                Some((other, score)) => format!(
                    "{} is named for {id} but its text is the {other} license ({:.0}% match); `{who}` declares `{expr_text}`",
                    c.entry.path,
                    score * 100.0
                ),
                None => format!(
                    "{} is named for {id} but its text is not recognisable as {id}",
                    c.entry.path
                ),
            };
            findings.push(
                Finding::error(format!("{who}:wrong-text:{id}"), message)
                    .at(c.entry.path.clone(), None)
                    .help(format!("replace {} with the canonical {id} text (https://spdx.org/licenses/{id}.html)", c.entry.path)),
            );
            continue;
        }
        // A generic file holding a license the manifest does not declare.
        let undeclared = candidates.iter().find(|c| {
            c.recognized
                .as_ref()
                .is_some_and(|(r, _)| !declared.iter().any(|d| same_text(d, r)))
        });
        if let Some(c) = undeclared {
            let other = c
                .recognized
                .as_ref()
                .map(|(r, _)| r.as_str())
                .unwrap_or("?");
            findings.push(
                Finding::error(
                    format!("{who}:other-license:{id}"),
                    format!(
                        "{} holds the {other} license text, but `{who}` declares `{expr_text}` in {manifest}",
                        c.entry.path
                    ),
                )
                .at(c.entry.path.clone(), None)
                .help(format!("declare `license = \"{other}\"`, or replace the file with the {id} text")),
            );
            continue;
        }
        let dir = if member.dir.is_empty() {
            "the repository root".to_string()
        } else {
            member.dir.clone()
        };
        findings.push(
            Finding::error(
                format!("{who}:missing:{id}"),
                format!("`{who}` declares `{expr_text}` but no file holds the {id} license text"),
            )
            .at(manifest, license_line)
            .help(format!(
                "add LICENSE-{} to {dir} with the text from https://spdx.org/licenses/{id}.html",
                short_name(id)
            )),
        );
    }
}

/// The conventional file suffix for a license: `LICENSE-MIT`, `LICENSE-APACHE`.
fn short_name(id: &str) -> String {
    match id {
        "Apache-2.0" => "APACHE".into(),
        other => other.to_ascii_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn member(license: Option<&str>) -> Member {
        let mut m = Member::named("demo", "0.1.0", "");
        m.license = license.map(str::to_string);
        m
    }

    fn text(id: &str) -> &'static str {
        spdx::license_id(id).unwrap().text()
    }

    fn run(license: Option<&str>, files: &[(&str, &str)]) -> Outcome {
        let mut all = vec![(
            "Cargo.toml",
            "[package]\nname = \"demo\"\nlicense = \"x\"\n",
        )];
        all.extend_from_slice(files);
        let facts = Facts::in_memory(vec![member(license)], &all);
        LicenseFiles.run(&facts, &CheckConfig::new(Level::Deny))
    }

    #[test]
    fn dual_license_both_files_pass() {
        let o = run(
            Some("MIT OR Apache-2.0"),
            &[
                ("LICENSE-MIT", text("MIT")),
                ("LICENSE-APACHE", text("Apache-2.0")),
            ],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn dual_license_missing_apache() {
        let o = run(Some("MIT OR Apache-2.0"), &[("LICENSE-MIT", text("MIT"))]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings.len(), 1);
        assert!(
            o.findings[0].message.contains("Apache-2.0"),
            "{:?}",
            o.findings
        );
        assert_eq!(o.findings[0].line, Some(3));
    }

    #[test]
    fn bsd_text_under_mit() {
        let o = run(Some("MIT"), &[("LICENSE", text("BSD-3-Clause"))]);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.findings[0].message.contains("BSD-3-Clause"),
            "{:?}",
            o.findings
        );
        assert_eq!(o.findings[0].path.as_deref(), Some("LICENSE"));
    }

    #[test]
    fn named_file_with_wrong_text() {
        let o = run(Some("MIT"), &[("LICENSE-MIT", text("ISC"))]);
        assert!(
            o.findings[0].message.contains("named for MIT"),
            "{:?}",
            o.findings
        );
    }

    #[test]
    fn missing_and_invalid_expressions() {
        let o = run(None, &[]);
        assert!(o.findings[0].key.ends_with("no-license"));
        let o = run(Some("MIT AND AND"), &[]);
        assert!(
            o.findings[0].key.ends_with("unparsable"),
            "{:?}",
            o.findings
        );
        let o = run(
            Some("MIT/Apache-2.0"),
            &[
                ("LICENSE-MIT", text("MIT")),
                ("LICENSE-APACHE", text("Apache-2.0")),
            ],
        );
        assert_eq!(o.status, Status::Warn, "{:?}", o.findings);
        assert!(
            o.findings[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("MIT OR Apache-2.0")
        );
    }

    #[test]
    fn licenses_dir_and_gpl_variants() {
        let o = run(
            Some("GPL-3.0-or-later"),
            &[("LICENSES/GPL-3.0-or-later.txt", text("GPL-3.0-only"))],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn file_naming() {
        assert!(named_for("LICENSE-MIT", "MIT"));
        assert!(named_for("LICENSE-APACHE", "Apache-2.0"));
        assert!(named_for("LICENSES/MIT.txt", "MIT"));
        assert!(!named_for("LICENSE", "MIT"));
        assert!(!named_for("LICENSE-MIT", "Apache-2.0"));
    }
}
