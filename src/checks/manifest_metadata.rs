//! `manifest-metadata`: what crates.io and its users need in `[package]`.

use super::crates_io_categories;
use super::support::manifest_line;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::workspace::Member;

/// See [`Check::docs`].
pub struct ManifestMetadata;

/// crates.io limits (`src/controllers/krate/publish.rs` in crates.io).
const MAX_KEYWORDS: usize = 5;
const MAX_CATEGORIES: usize = 5;
const MAX_KEYWORD_LEN: usize = 20;

/// crates.io's keyword rule: ASCII alphanumeric first, then alphanumerics,
/// `_`, `-` or `+`; at most 20 characters.
pub fn valid_keyword(keyword: &str) -> bool {
    let mut chars = keyword.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        && keyword.len() <= MAX_KEYWORD_LEN
}

impl Check for ManifestMetadata {
    fn id(&self) -> &'static str {
        "manifest-metadata"
    }
    fn category(&self) -> Category {
        Category::Governance
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "publishable crates have the metadata crates.io requires and users look for"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
For every publishable member (`publish` is not `false`), with
`workspace = true` inheritance resolved:

| field | missing or wrong |
|---|---|
| `description` | error: crates.io refuses the upload |
| `license` or `license-file` | error: crates.io refuses the upload |
| `keywords` | error when more than 5, or one is not a valid crates.io keyword (ASCII letter or digit first, then letters, digits, `_`, `-`, `+`; at most 20 characters); warning when none |
| `categories` | error when more than 5; warning for a slug crates.io does not know (it is silently dropped), with the closest valid slugs; warning when none |
| `repository` | warning |
| `readme` | warning |
| `rust-version` | warning: without an MSRV, users on older toolchains get build errors instead of a clear message |
| `documentation` | note: crates.io links to docs.rs by default |

The category list is crates.io's (`src/checks/crates_io_categories.rs`
records the snapshot). Findings point at the key in the member's
`Cargo.toml`, or at `[package]` when the key is absent. Members with
`publish = false` are not checked, nor test-support, example and xtask
members without a `description` (nobody publishes them); with none
publishable the check is skipped.

## Why
Without a description or a license crates.io rejects the release at the
last minute; an unknown category is dropped without anyone noticing; a
missing repository or MSRV costs every user a search or a confusing build
error.

## Passing example
```toml
[package]
description = "One line: what this crate does."
license = "MIT OR Apache-2.0"
repository = "https://github.com/acme/widget"
readme = "README.md"
rust-version = "1.85"
keywords = ["widget", "parser"]
categories = ["parsing"]
```

## How to fix
Add the missing keys (or `key.workspace = true` with the value in
`[workspace.package]`), trim keywords and categories to five, and pick
categories from <https://crates.io/category_slugs>.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let publishable: Vec<&Member> = facts
            .members
            .iter()
            .filter(|m| super::code::is_publishable(facts, m))
            .collect();
        if publishable.is_empty() {
            return Outcome::skip("no publishable members (`publish = false` everywhere)");
        }
        let mut findings = Vec::new();
        let mut total = 0.0;
        for member in &publishable {
            let before = findings.len();
            check_member(facts, member, &mut findings);
            let mine = &findings[before..];
            total += if mine.iter().any(|f| f.severity == Severity::Error) {
                0.0
            } else {
                let warnings = mine
                    .iter()
                    .filter(|f| f.severity == Severity::Warning)
                    .count();
                (1.0 - 0.15 * warnings as f64).max(0.3)
            };
        }
        Outcome::from_findings(findings, total / publishable.len() as f64)
    }
}

fn check_member(facts: &Facts, m: &Member, findings: &mut Vec<Finding>) {
    let who = &m.name;
    let at = |key: &str| manifest_line(facts, m, key);
    let manifest = m.manifest.as_str();
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());

    if blank(&m.description) {
        findings.push(
            Finding::error(
                format!("{who}:description"),
                format!("`{who}` has no `description`; crates.io refuses to publish it"),
            )
            .at(manifest, at("description"))
            .help("add `description = \"one line: what it does\"` to [package]"),
        );
    }
    if blank(&m.license) && blank(&m.license_file) {
        findings.push(
            Finding::error(format!("{who}:license"), format!("`{who}` has neither `license` nor `license-file`; crates.io refuses to publish it"))
                .at(manifest, at("license"))
                .help("add `license = \"MIT OR Apache-2.0\"` (your SPDX expression) to [package]"),
        );
    }
    if m.keywords.len() > MAX_KEYWORDS {
        findings.push(
            Finding::error(
                format!("{who}:keywords-count"),
                format!(
                    "`{who}` has {} keywords; crates.io accepts at most {MAX_KEYWORDS}",
                    m.keywords.len()
                ),
            )
            .at(manifest, at("keywords"))
            .help("keep the five that users search for"),
        );
    }
    for k in m.keywords.iter().filter(|k| !valid_keyword(k)) {
        findings.push(
            Finding::error(
                format!("{who}:keyword:{k}"),
                format!("`{who}`: keyword \"{k}\" is not valid on crates.io (ASCII letter or digit first, then letters, digits, `_`, `-`, `+`; at most {MAX_KEYWORD_LEN} characters)"),
            )
            .at(manifest, at("keywords"))
            .help("spell it in lower case with `-` between words, e.g. \"command-line\""),
        );
    }
    if m.keywords.is_empty() {
        findings.push(
            Finding::warning(
                format!("{who}:no-keywords"),
                format!("`{who}` has no `keywords`: crates.io search ranks it lower"),
            )
            .at(manifest, at("keywords"))
            .help("add up to five `keywords = [\"…\"]`"),
        );
    }
    if m.categories.len() > MAX_CATEGORIES {
        findings.push(
            Finding::error(
                format!("{who}:categories-count"),
                format!(
                    "`{who}` has {} categories; crates.io accepts at most {MAX_CATEGORIES}",
                    m.categories.len()
                ),
            )
            .at(manifest, at("categories"))
            .help("keep at most five categories"),
        );
    }
    for c in m
        .categories
        .iter()
        .filter(|c| !crates_io_categories::is_valid(c))
    {
        let close = crate::util::close_matches(c, crates_io_categories::SLUGS.iter().copied());
        let help = if close.is_empty() {
            "pick a slug from https://crates.io/category_slugs".to_string()
        } else {
            format!(
                "did you mean {}?",
                crate::util::human_list(
                    &close.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>()
                )
            )
        };
        findings.push(
            Finding::warning(
                format!("{who}:category:{c}"),
                format!("`{who}`: \"{c}\" is not a crates.io category slug; crates.io drops it"),
            )
            .at(manifest, at("categories"))
            .help(help),
        );
    }
    if m.categories.is_empty() {
        findings.push(
            Finding::warning(
                format!("{who}:no-categories"),
                format!(
                    "`{who}` has no `categories`: it is not listed under any crates.io category"
                ),
            )
            .at(manifest, at("categories"))
            .help("add `categories = [\"…\"]` from https://crates.io/category_slugs"),
        );
    }
    for (key, value, why) in [
        (
            "repository",
            &m.repository,
            "users cannot find the source, and changelog links cannot be checked",
        ),
        ("readme", &m.readme, "its crates.io page will be empty"),
        (
            "rust-version",
            &m.rust_version,
            "users on older toolchains get build errors instead of a clear message",
        ),
    ] {
        if blank(value) {
            findings.push(
                Finding::warning(
                    format!("{who}:{key}"),
                    format!("`{who}` has no `{key}`: {why}"),
                )
                .at(manifest, at(key))
                .help(format!(
                    "add `{key} = …` to [package] (or `{key}.workspace = true`)"
                )),
            );
        }
    }
    if blank(&m.documentation) {
        findings.push(
            Finding::note(
                format!("{who}:documentation"),
                format!("`{who}` has no `documentation`; crates.io links to docs.rs by default"),
            )
            .at(manifest, at("documentation")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use proptest::prelude::*;

    fn complete() -> Member {
        let mut m = Member::named("demo", "1.0.0", "");
        m.description = Some("Parses things.".into());
        m.license = Some("MIT".into());
        m.repository = Some("https://github.com/acme/demo".into());
        m.readme = Some("README.md".into());
        m.rust_version = Some("1.85".into());
        m.documentation = Some("https://docs.rs/demo".into());
        m.keywords = vec!["parser".into()];
        m.categories = vec!["parsing".into()];
        m
    }

    fn run(m: Member, manifest: &str) -> Outcome {
        let facts = Facts::in_memory(vec![m], &[("Cargo.toml", manifest)]);
        ManifestMetadata.run(&facts, &CheckConfig { level: Level::Deny })
    }

    #[test]
    fn complete_passes_and_private_skips() {
        assert_eq!(run(complete(), "[package]\n").status, Status::Pass);
        let mut m = complete();
        m.publish = false;
        assert_eq!(run(m, "[package]\n").status, Status::Skip);
        let in_dir = |m: Member| {
            let manifest = format!("{}/Cargo.toml", m.dir);
            let facts = Facts::in_memory(vec![m], &[(manifest.as_str(), "[package]\n")]);
            ManifestMetadata.run(&facts, &CheckConfig { level: Level::Deny })
        };
        // pyo3's `tests/ui/base`: a test fixture crate with no description.
        let fixture = Member::named("pyo3_ui_tests", "0.1.0", "tests/ui/base");
        assert_eq!(in_dir(fixture).status, Status::Skip);
        // A published test-support crate (`tokio-test`) is judged.
        let mut published = Member::named("tokio-test", "0.4.0", "tokio-test");
        published.description = Some("Testing utilities".into());
        assert_ne!(in_dir(published).status, Status::Skip);
    }

    #[test]
    fn findings_point_at_keys() {
        let mut m = complete();
        m.description = None;
        m.keywords = vec!["cli".into(), "Command Line".into()];
        m.categories = vec!["command-line".into()];
        m.rust_version = None;
        let manifest = "[package]\nname = \"demo\"\nkeywords = [\"cli\", \"Command Line\"]\ncategories = [\"command-line\"]\n";
        let o = run(m, manifest);
        assert_eq!(o.status, Status::Fail);
        let got: Vec<(&str, Option<usize>)> = o
            .findings
            .iter()
            .map(|f| (f.key.as_str(), f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("demo:description", Some(1)),
                ("demo:keyword:Command Line", Some(3)),
                ("demo:category:command-line", Some(4)),
                ("demo:rust-version", Some(1)),
            ]
        );
        let cat = &o.findings[2];
        assert!(
            cat.help.as_deref().unwrap_or("").contains("command-line-"),
            "{cat:?}"
        );
    }

    #[test]
    fn keyword_rule() {
        assert!(valid_keyword("cli"));
        assert!(valid_keyword("c++"));
        assert!(valid_keyword("9p"));
        assert!(!valid_keyword("-cli"));
        assert!(!valid_keyword("has space"));
        assert!(!valid_keyword("ünicode"));
        assert!(!valid_keyword(""));
        assert!(!valid_keyword("abcdefghijklmnopqrstu"));
    }

    proptest! {
        #[test]
        fn keyword_rule_never_panics(k in "\\PC{0,30}") {
            let _ = valid_keyword(&k);
        }
    }
}
