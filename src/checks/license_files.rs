//! `license-files`: the manifest's license expression is valid and every
//! license in it ships as a file whose text is that license.

use std::collections::BTreeSet;

use super::support::{files_named, manifest_line};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::files::{self, FileEntry};
use crate::facts::workspace::Member;
use crate::license_text::{Recognizer, same_text};
use crate::parse::glob::PackageFilter;
use crate::parse::spdx_expr::{self, Parsed};

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
text is caught. One file may hold several texts (a preamble, the MIT text,
then the Apache text): it holds each license whose text is nearly all in
it.

Distinct findings: no license declared; an expression that does not parse;
no file for a declared license; a file whose text is a license the manifest
does not declare; a license file the published package would leave out.

A member that does not ship as a crate — `publish = false`, an example,
xtask or test-support member, or a workspace member (not the root
package) without a `description` (crates.io refuses it) — only gets
notes: nothing is distributed without its license.

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
            .flat_map(spdx_expr::ids)
            .collect();
        let recognizer = Recognizer::new(declared.iter().map(String::as_str));
        let mut findings = Vec::new();
        let mut ok_members = 0usize;
        for member in &facts.members {
            let before = findings.len();
            let first = findings.len();
            check_member(facts, member, &recognizer, &mut findings);
            // A member that does not ship distributes no license text, so
            // what would be wrong in a package is a note here.
            if let Some(why) = super::code::unshipped_reason(facts, member) {
                for finding in &mut findings[first..] {
                    if finding.severity != Severity::Note {
                        finding.severity = Severity::Note;
                        finding.message = format!("{}; {why}, so nothing ships", finding.message);
                    }
                }
            }
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
    text: Option<&'a str>,
}

impl Candidate<'_> {
    /// Whether the file's text is license `id` (the license it is closest
    /// to).
    fn is(&self, id: &str) -> bool {
        self.recognized
            .as_ref()
            .is_some_and(|(r, _)| same_text(r, id))
    }

    /// Whether the file holds license `id`'s text among other texts.
    fn holds_among_others(&self, id: &str) -> bool {
        self.text
            .is_some_and(|t| crate::license_text::holds_among_others(t, id))
    }
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
                    .recognize_file(text)
                    .map(|r| (r.id.clone(), r.score))
                    .filter(|(_, s)| *s >= crate::license_text::CONFIDENT),
                problem: None,
                text: Some(text.as_str()),
            },
            Some(Err(p)) => Candidate {
                entry,
                recognized: None,
                problem: Some(p.to_string()),
                text: None,
            },
            None => Candidate {
                entry,
                recognized: None,
                problem: Some("was not read".into()),
                text: None,
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
    let unshipped = super::code::unshipped_reason(facts, member);

    if let Some(file) = &member.license_file {
        let path = files::join(&member.dir, file);
        let problem = facts.text(&path).and_then(|t| t.content.as_ref().err());
        if let (Some(problem), None) = (problem, &member.license) {
            findings.push(
                Finding::error(
                    format!("{who}:license-file-unreadable:{file}"),
                    format!("`{who}`: license-file {path} {problem}"),
                )
                .at(path.clone(), None)
                .help("make the license file a plain-text file inside the repository"),
            );
        }
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
        if let Some(why) = unshipped {
            findings.push(
                Finding::note(
                    format!("{who}:no-license"),
                    format!("`{who}` declares no license; {why}, so nothing ships without one"),
                )
                .at(manifest, manifest_line(facts, member, "name"))
                .help("say so with `publish = false` in its [package]"),
            );
            return;
        }
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

    let declared: Vec<String> = match spdx_expr::parse(expr_text) {
        Parsed::Canonical { ids } => ids,
        Parsed::Lax { ids, canonical } => {
            findings.push(
                Finding::warning(
                    format!("{who}:non-canonical"),
                    format!(
                        "`{who}`: license = \"{expr_text}\" is not a canonical SPDX expression"
                    ),
                )
                .at(manifest, license_line)
                .help(format!("write `license = \"{canonical}\"`")),
            );
            ids
        }
        Parsed::Invalid { reason } => {
            findings.push(
                Finding::error(
                    format!("{who}:unparsable"),
                    format!("`{who}`: license = \"{expr_text}\" is not a valid SPDX expression: {reason}"),
                )
                .at(manifest, license_line)
                .help("use SPDX ids joined by OR/AND, e.g. `MIT OR Apache-2.0` (https://spdx.org/licenses/)"),
            );
            return;
        }
    };
    let candidates = candidates(facts, member, recognizer);
    let package = unshipped.is_none().then(|| Package::of(facts, member));
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
        // A file that is the license is the common case; comparing word
        // triples is only needed when none is.
        let whole = candidates.iter().any(|c| c.is(id));
        let holds = |c: &Candidate<'_>| c.is(id) || (!whole && c.holds_among_others(id));
        if candidates.iter().any(holds) {
            if let Some(package) = &package {
                // Files named for the license whose text was not recognised
                // (two copyright blocks, a preamble) count as holding it here:
                // whether the text is right is judged above, not here.
                let holders: Vec<&Candidate<'_>> = candidates
                    .iter()
                    .filter(|c| {
                        holds(c)
                            || (c.recognized.is_none()
                                && c.problem.is_none()
                                && named_for(&c.entry.path, id))
                    })
                    .collect();
                check_shipped(facts, member, id, &holders, package, findings);
            }
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

/// What `cargo package` puts in a member's `.crate`, as far as license
/// files go: files under the member's directory that its `include` /
/// `exclude` keep, plus `license-file` wherever it is (cargo copies it in).
struct Package {
    filter: PackageFilter,
    /// Whether `include` is set (it then decides alone).
    has_include: bool,
    /// The `include`/`exclude` key's line, for findings.
    rule_line: Option<usize>,
    /// `license-file`, resolved against the workspace root.
    license_file: Option<String>,
}

impl Package {
    fn of(facts: &Facts, member: &Member) -> Package {
        let text = facts
            .text(&member.manifest)
            .and_then(|t| t.text())
            .unwrap_or("");
        let empty = toml::Table::new();
        let table = facts.manifest(&member.manifest).unwrap_or(&empty);
        let list = |key: &str| -> Vec<String> {
            table
                .get("package")
                .and_then(|p| p.get(key))
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (include, exclude) = (list("include"), list("exclude"));
        let has_include = !include.is_empty();
        // A pattern cargo would reject stops the package anyway; do not guess.
        let filter = PackageFilter::new(&include, &exclude).unwrap_or_default();
        let rule_key = if has_include { "include" } else { "exclude" };
        Package {
            filter,
            has_include,
            rule_line: super::support::toml_key_line(text, "package", rule_key),
            license_file: member
                .license_file
                .as_ref()
                .map(|f| files::join(&member.dir, f)),
        }
    }
}

/// Why a file holding the license is not in the member's package, or
/// `None` when it is.
fn left_out(member: &Member, package: &Package, path: &str) -> Option<String> {
    if package.license_file.as_deref() == Some(path) {
        return None;
    }
    let rel = if member.dir.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(member.dir.as_str())
            .and_then(|r| r.strip_prefix('/'))
    };
    let Some(rel) = rel else {
        return Some(format!(
            "{path} is outside {}, so `cargo package` leaves it out",
            member.dir
        ));
    };
    if package.filter.keeps(rel) {
        None
    } else if package.has_include {
        Some(format!(
            "`include` in {} does not list {rel}",
            member.manifest
        ))
    } else {
        Some(format!("`exclude` in {} drops {rel}", member.manifest))
    }
}

/// A publishable member must ship the text of each license it declares.
fn check_shipped(
    facts: &Facts,
    member: &Member,
    id: &str,
    holders: &[&Candidate<'_>],
    package: &Package,
    findings: &mut Vec<Finding>,
) {
    let reasons: Vec<(String, String)> = holders
        .iter()
        .map(|c| {
            (
                c.entry.path.clone(),
                left_out(member, package, &c.entry.path),
            )
        })
        .filter_map(|(p, r)| r.map(|r| (p, r)))
        .collect();
    if reasons.len() < holders.len() {
        return; // at least one holder ships
    }
    let who = &member.name;
    let filtered = reasons
        .iter()
        .any(|(p, _)| member.dir.is_empty() || p.starts_with(&format!("{}/", member.dir)));
    let line = if filtered {
        package.rule_line
    } else {
        manifest_line(facts, member, "license")
    };
    let first = &reasons[0].0;
    let help = if filtered {
        let rel = if member.dir.is_empty() {
            first.clone()
        } else {
            first
                .trim_start_matches(&format!("{}/", member.dir))
                .to_string()
        };
        format!("add \"{rel}\" to `include` (or remove the `exclude` pattern that drops it)")
    } else {
        format!(
            "copy or symlink {first} into {} (cargo packages a symlink's target)",
            member.dir
        )
    };
    findings.push(
        Finding::error(
            format!("{who}:not-packaged:{id}"),
            format!(
                "the `{who}` package would ship without the {id} license text: {}",
                reasons
                    .iter()
                    .map(|(_, r)| r.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )
        .at(member.manifest.clone(), line)
        .help(help),
    );
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
        m.description = Some("a demo".into());
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
        LicenseFiles.run(&facts, &CheckConfig { level: Level::Deny })
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

    fn member_in(dir: &str, license: Option<&str>, license_file: Option<&str>) -> Member {
        let mut m = Member::named("a", "0.1.0", dir);
        m.license = license.map(str::to_string);
        m.license_file = license_file.map(str::to_string);
        m.description = Some("a crate".into());
        m
    }

    #[test]
    fn members_that_cannot_ship_get_notes() {
        // sqlx: 25 example crates with no `publish = false` and no
        // description; crates.io would refuse them anyway.
        let m = Member::named("sqlx-example-todos", "0.1.0", "examples/postgres/todos");
        let o = run_member(
            m,
            &[(
                "examples/postgres/todos/Cargo.toml",
                "[package]\nname = \"sqlx-example-todos\"\n",
            )],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(
            o.findings[0].message.contains("example"),
            "{:?}",
            o.findings
        );
        // A member (not the root package) of a workspace without a
        // description: internal. The root package alone is the product.
        let mut root = member(Some("MIT"));
        root.name = "app".into();
        let facts = Facts::in_memory(
            vec![root, Member::named("helper", "0.1.0", "crates/helper")],
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"app\"\nlicense = \"MIT\"\n",
                ),
                ("LICENSE", text("MIT")),
                ("crates/helper/Cargo.toml", "[package]\nname = \"helper\"\n"),
            ],
        );
        let o = LicenseFiles.run(&facts, &CheckConfig { level: Level::Deny });
        assert!(
            o.findings
                .iter()
                .any(|f| f.message.contains("no `description`")),
            "{:?}",
            o.findings
        );
        // prost: `publish = false` test members declaring MIT beside the
        // root's Apache LICENSE. Nothing of theirs is distributed.
        let mut test_member = member_in("tests/single-include", Some("MIT"), None);
        test_member.publish = false;
        let o = run_member(
            test_member,
            &[
                (
                    "tests/single-include/Cargo.toml",
                    "[package]\nname = \"single_include\"\npublish = false\nlicense = \"MIT\"\n",
                ),
                ("LICENSE", text("Apache-2.0")),
            ],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(
            o.findings[0].message.contains("Apache-2.0")
                && o.findings[0].message.contains("not published"),
            "{:?}",
            o.findings
        );
    }

    fn run_member(m: Member, files: &[(&str, &str)]) -> Outcome {
        let facts = Facts::in_memory(vec![m], files);
        LicenseFiles.run(&facts, &CheckConfig { level: Level::Deny })
    }

    #[test]
    fn root_license_is_not_in_a_member_package() {
        let manifest = "[package]\nname = \"a\"\nlicense = \"MIT\"\n";
        let o = run_member(
            member_in("crates/a", Some("MIT"), None),
            &[
                ("crates/a/Cargo.toml", manifest),
                ("LICENSE-MIT", text("MIT")),
            ],
        );
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
        assert_eq!(o.findings[0].key, "a:not-packaged:MIT");
        assert_eq!(o.findings[0].path.as_deref(), Some("crates/a/Cargo.toml"));
        assert_eq!(o.findings[0].line, Some(3));
        assert!(o.findings[0].message.contains("outside crates/a"));
        // Not published: nothing to ship.
        let mut m = member_in("crates/a", Some("MIT"), None);
        m.publish = false;
        let o = run_member(
            m,
            &[
                ("crates/a/Cargo.toml", manifest),
                ("LICENSE-MIT", text("MIT")),
            ],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        // A copy in the member's directory ships.
        let o = run_member(
            member_in("crates/a", Some("MIT"), None),
            &[
                ("crates/a/Cargo.toml", manifest),
                ("LICENSE-MIT", text("MIT")),
                ("crates/a/LICENSE-MIT", text("MIT")),
            ],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn include_and_exclude_are_honoured() {
        let manifest = "[package]\nname = \"a\"\nlicense = \"MIT\"\ninclude = [\"src/**\"]\n";
        let o = run_member(
            member_in("crates/a", Some("MIT"), None),
            &[
                ("crates/a/Cargo.toml", manifest),
                ("crates/a/LICENSE-MIT", text("MIT")),
            ],
        );
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(4));
        assert!(
            o.findings[0].message.contains("`include`"),
            "{:?}",
            o.findings
        );
        let manifest = "[package]\nname = \"a\"\nlicense = \"MIT\"\nexclude = [\"LICENSE*\"]\n";
        let o = run_member(
            member_in("", Some("MIT"), None),
            &[("Cargo.toml", manifest), ("LICENSE-MIT", text("MIT"))],
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.findings[0].message.contains("`exclude`"),
            "{:?}",
            o.findings
        );
        let manifest =
            "[package]\nname = \"a\"\nlicense = \"MIT\"\ninclude = [\"src/**\", \"LICENSE-*\"]\n";
        let o = run_member(
            member_in("crates/a", Some("MIT"), None),
            &[
                ("crates/a/Cargo.toml", manifest),
                ("crates/a/LICENSE-MIT", text("MIT")),
            ],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn a_named_file_with_two_copyright_blocks_counts_as_shipped() {
        // tauri-bundler: License_MIT.md holds the MIT text twice.
        let manifest = "[package]\nname = \"a\"\nlicense = \"MIT\"\n";
        let doubled = format!(
            "Copyright 2017 A\n\n{}\n---\nCopyright 2019 B\n\n{}",
            text("MIT"),
            text("MIT")
        );
        let o = run_member(
            member_in("crates/a", Some("MIT"), None),
            &[
                ("crates/a/Cargo.toml", manifest),
                ("LICENSE_MIT", text("MIT")),
                ("crates/a/License_MIT.md", &doubled),
            ],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn license_file_outside_the_member_ships() {
        let o = run_member(
            member_in("crates/a", None, Some("../../LICENSE")),
            &[
                ("crates/a/Cargo.toml", "[package]\n"),
                ("LICENSE", "Proprietary. All rights reserved."),
            ],
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn symlink_outside_the_repository_is_reported() {
        let mut facts = Facts::in_memory(
            vec![member(Some("MIT"))],
            &[
                ("Cargo.toml", "[package]\nlicense = \"MIT\"\n"),
                ("LICENSE", ""),
            ],
        );
        if let Some(t) = facts.texts.get_mut("LICENSE") {
            t.content = Err(crate::facts::files::TextProblem::OutsideRoot {
                target: "/etc/passwd".into(),
            });
        }
        let o = LicenseFiles.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Fail);
        let f = o
            .findings
            .iter()
            .find(|f| f.path.as_deref() == Some("LICENSE"))
            .unwrap();
        assert!(f.message.contains("outside the repository"), "{f:?}");
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
