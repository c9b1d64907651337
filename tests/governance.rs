//! Governance and release checks end to end: fixture repositories with the
//! exact findings expected (check, path, line, severity), tags made in temp
//! git repositories, and bad input that must never crash the run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    check, expect, fixture, git, git_commit_all, git_commit_all_tagged, located, run_json,
};

fn messages(report: &serde_json::Value, id: &str) -> Vec<String> {
    check(report, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn governance_bad_reports_every_defect_at_its_line() {
    let dir = fixture("governance-bad");
    git_commit_all_tagged(dir.path(), &["v1.0.0", "v1.1.0"]);
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 1, "changelog-links is at deny under production");

    assert_eq!(
        located(&r, "security-policy"),
        expect(&[
            (".github/SECURITY.md", None, "warning"),
            ("README.md", Some(8), "warning"),
            ("SECURITY.md", Some(3), "warning"),
        ])
    );
    let sp = messages(&r, "security-policy").join("\n");
    assert!(
        sp.contains("README.md:8") && sp.contains("(line 5)"),
        "{sp}"
    );

    assert_eq!(
        located(&r, "changelog-links"),
        expect(&[
            ("CHANGELOG.md", Some(9), "error"),    // 1.1.0 below 1.0.0
            ("CHANGELOG.md", Some(11), "error"),   // [Unreleased] from v1.1.0, latest 1.2.0
            ("CHANGELOG.md", Some(12), "error"),   // tag v1.2.0 missing
            ("CHANGELOG.md", Some(13), "error"),   // another repository
            ("CHANGELOG.md", Some(15), "error"),   // tag v0.9.0 missing
            ("CHANGELOG.md", Some(15), "warning"), // [0.9.0] unused
        ])
    );
    assert_eq!(
        located(&r, "version-tags"),
        expect(&[("CHANGELOG.md", Some(5), "error")])
    );
    assert_eq!(
        located(&r, "manifest-metadata"),
        expect(&[
            ("Cargo.toml", Some(1), "error"),   // description
            ("Cargo.toml", Some(1), "note"),    // documentation
            ("Cargo.toml", Some(1), "warning"), // rust-version
            ("Cargo.toml", Some(8), "error"),   // "Command Line"
            ("Cargo.toml", Some(9), "warning"), // "command-line"
        ])
    );
    assert_eq!(
        located(&r, "codeowners"),
        expect(&[
            (".github/CODEOWNERS", Some(3), "warning"), // /old-dir/ matches nothing
            (".github/CODEOWNERS", Some(4), "error"),   // core-team is not an owner
            (".github/CODEOWNERS", Some(5), "note"),    // no owners
            (".github/CODEOWNERS", Some(5), "warning"), // /docs/*.md matches nothing
            (".github/CODEOWNERS", Some(6), "warning"), // * after other rules
            ("CODEOWNERS", None, "warning"),            // ignored duplicate
        ])
    );
    assert_eq!(
        located(&r, "contributing"),
        expect(&[("CONTRIBUTING.md", Some(1), "warning")])
    );
    assert_eq!(
        located(&r, "code-of-conduct"),
        expect(&[("CODE_OF_CONDUCT.md", Some(8), "warning")])
    );
    assert_eq!(
        located(&r, "issue-templates"),
        expect(&[
            (".github/ISSUE_TEMPLATE/bug.md", Some(1), "warning"),
            (".github/ISSUE_TEMPLATE/config.yml", None, "error"),
        ])
    );
    assert_eq!(
        located(&r, "pr-template"),
        expect(&[(".github/pull_request_template.md", Some(1), "warning")])
    );
    assert_eq!(check(&r, "license-files")["status"], "pass");
}

#[test]
fn governance_workspace_license_packaging_and_crate_tags() {
    let dir = fixture("governance-workspace");
    git_commit_all_tagged(dir.path(), &["alpha-v0.2.0", "beta-v1.0.0"]);
    let (_, r) = run_json(dir.path(), &[]);
    assert_eq!(
        located(&r, "license-files"),
        expect(&[
            // alpha: the license files are at the workspace root only.
            ("crates/alpha/Cargo.toml", Some(11), "error"),
            ("crates/alpha/Cargo.toml", Some(11), "error"),
            // beta: `include` leaves its own copies out (line of `include`).
            ("crates/beta/Cargo.toml", Some(12), "error"),
            ("crates/beta/Cargo.toml", Some(12), "error"),
            // internal: not published, no license: a note.
            ("crates/internal/Cargo.toml", Some(2), "note"),
        ])
    );
    let lf = messages(&r, "license-files").join("\n");
    assert!(
        lf.contains("`include` in crates/beta/Cargo.toml does not list LICENSE-MIT"),
        "{lf}"
    );
    // gamma's license-file ships despite `exclude = ["LICENSE*"]`.
    assert!(!lf.contains("gamma"), "{lf}");
    // alpha tags `alpha-vX.Y.Z`; 0.3.0 is not tagged.
    assert_eq!(
        located(&r, "version-tags"),
        expect(&[("crates/alpha/CHANGELOG.md", Some(3), "error")])
    );
    assert!(messages(&r, "version-tags")[0].contains("`alpha-v0.3.0`"));
    assert_eq!(
        located(&r, "changelog-links"),
        expect(&[("crates/alpha/CHANGELOG.md", Some(7), "error")])
    );
    // Tagging the release fixes both.
    git(dir.path(), &["tag", "alpha-v0.3.0"]);
    let (_, r) = run_json(dir.path(), &[]);
    assert!(located(&r, "version-tags").is_empty());
    assert!(located(&r, "changelog-links").is_empty());
}

/// The root changelog of a virtual workspace belongs to the member whose
/// cargo-release configuration rewrites it (typos-cli), not to the library
/// the repository is named after.
#[test]
fn the_root_changelog_follows_cargo_release_configuration() {
    let dir = fixture("release-owner");
    let (_, r) = run_json(dir.path(), &[]);
    assert_eq!(
        check(&r, "changelog")["status"],
        "pass",
        "{}",
        check(&r, "changelog")
    );
    let note = check(&r, "changelog")["note"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(note.contains("release-owner-cli 1.3.0"), "{note}");
}

#[test]
fn unreleased_first_version_without_tags_passes() {
    let dir = fixture("good");
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n### Added\n- Everything.\n\n[Unreleased]: https://github.com/fixture/good/commits/main\n",
    )
    .unwrap();
    git_commit_all(dir.path());
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(check(&r, "version-tags")["status"], "pass");
    assert!(
        check(&r, "version-tags")["note"]
            .as_str()
            .unwrap()
            .contains("not released yet")
    );
    assert_eq!(check(&r, "changelog-links")["status"], "pass");
}

#[test]
fn shallow_clone_without_tags_is_not_failed() {
    let origin = fixture("good");
    git_commit_all_tagged(origin.path(), &["v0.1.0"]);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", "--no-tags", &url, "repo"],
    );
    let (code, r) = run_json(&clone.path().join("repo"), &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(check(&r, "version-tags")["status"], "error");
    assert!(
        check(&r, "version-tags")["note"]
            .as_str()
            .unwrap()
            .contains("fetch-depth: 0")
    );
    // Links checked, tags unverifiable: a warning, not a failure (the gate
    // passes) and not a silent pass.
    assert_eq!(check(&r, "changelog-links")["status"], "warn");
}

#[test]
fn binary_and_non_utf8_governance_files_are_findings() {
    let dir = fixture("good");
    std::fs::write(dir.path().join(".github/CODEOWNERS"), b"*\0\x01 @x\n").unwrap();
    std::fs::write(
        dir.path().join("CONTRIBUTING.md"),
        b"# Contributing\nline two\n\xff\xfe bad bytes\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".github/ISSUE_TEMPLATE/bug_report.md"),
        b"\x00\x00binary",
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    let co = &check(&r, "codeowners")["findings"][0];
    assert_eq!(co["path"], ".github/CODEOWNERS");
    assert!(co["message"].as_str().unwrap().contains("binary"), "{co}");
    let c = &check(&r, "contributing")["findings"][0];
    assert_eq!(c["path"], "CONTRIBUTING.md");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8 (line 3)"),
        "{c}"
    );
    assert_eq!(check(&r, "issue-templates")["status"], "fail");
}

#[test]
fn fifty_megabyte_changelog_is_a_finding_not_a_hang() {
    let dir = fixture("good");
    let mut big = String::from("# Changelog\n\n## [0.1.0] - 2026-01-01\n");
    let line = "- a line of release notes that goes on for a while to fill the file up\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(line);
    }
    std::fs::write(dir.path().join("CHANGELOG.md"), big).unwrap();
    let started = std::time::Instant::now();
    let (code, r) = run_json(dir.path(), &[]);
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(code, 1);
    let f = &check(&r, "changelog-links")["findings"][0];
    assert_eq!(f["path"], "CHANGELOG.md");
    assert!(f["message"].as_str().unwrap().contains("50 MB"), "{f}");
}

#[test]
fn crlf_bom_trailing_comments_and_escaped_spaces() {
    let dir = fixture("good");
    git_commit_all_tagged(dir.path(), &["v0.1.0"]);
    let changelog = "\u{feff}# Changelog\r\n\r\n## [Unreleased]\r\n\r\n## [0.1.0] - 2026-11-01\r\n\r\n[Unreleased]: https://github.com/fixture/good/compare/v0.1.0...HEAD\r\n[0.1.0]: https://github.com/fixture/good/releases/tag/v0.1.0\r\n";
    std::fs::write(dir.path().join("CHANGELOG.md"), changelog).unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/user guide.md"), "# Guide\n").unwrap();
    std::fs::write(
        dir.path().join(".github/CODEOWNERS"),
        "\u{feff}* @fixture/maintainers   # everyone\r\n/docs/user\\ guide.md @fixture/docs # the guide\r\n",
    )
    .unwrap();
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 0, "{r:#}");
    for id in ["changelog-links", "codeowners", "version-tags"] {
        assert_eq!(check(&r, id)["status"], "pass", "{id}: {:#}", check(&r, id));
    }
}

#[cfg(unix)]
#[test]
fn license_symlink_outside_the_repository_is_reported() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("LICENSE-MIT");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good/LICENSE-MIT"),
        &target,
    )
    .unwrap();
    let dir = fixture("good");
    std::fs::remove_file(dir.path().join("LICENSE-MIT")).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("LICENSE-MIT")).unwrap();
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let lf = check(&r, "license-files");
    let f = lf["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "LICENSE-MIT")
        .unwrap_or_else(|| panic!("{lf:#}"));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("outside the repository; not followed"),
        "{f}"
    );
}

/// A repository with no `SECURITY.md` (or code of conduct, contributing
/// guide) of its own is covered by the one GitHub shows from the owner's
/// `.github` repository (looked up from the
/// manifest's `repository`, never under `--offline`).
#[test]
fn an_organisation_wide_security_policy_counts() {
    let dir = fixture("good");
    let root = dir.path();
    for file in ["SECURITY.md", "CODE_OF_CONDUCT.md", "CONTRIBUTING.md"] {
        std::fs::remove_file(root.join(file)).ok();
    }
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text
        .lines()
        .filter(|l| !l.starts_with("repository"))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen(
            "[package]",
            "[package]\nrepository = \"https://github.com/acme/widget\"",
            1,
        );
    std::fs::write(&manifest, text).unwrap();
    let policies = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(policies.path().join("acme")).unwrap();
    std::fs::write(
        policies.path().join("acme/SECURITY.md"),
        "# Security\n\nReport vulnerabilities to security@acme.example.\n",
    )
    .unwrap();
    std::fs::create_dir_all(policies.path().join("acme/.github")).unwrap();
    std::fs::write(
        policies.path().join("acme/.github/CODE_OF_CONDUCT.md"),
        "# Code of conduct\n\nWe pledge a harassment-free experience. Report to conduct@acme.example.\n",
    )
    .unwrap();
    let run = |offline: bool| {
        let mut args = vec!["--format", "json"];
        if offline {
            args.push("--offline");
        }
        let out = common::command(root, &args)
            .env("CARGO_READINESS_TEST_ORG_POLICY_DIR", policies.path())
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let online = run(false);
    let policy = check(&online, "security-policy");
    assert_eq!(policy["status"], "pass", "{policy:#}");
    assert!(
        policy["note"]
            .as_str()
            .unwrap_or_default()
            .contains("acme/.github"),
        "{policy:#}"
    );
    assert_eq!(check(&online, "code-of-conduct")["status"], "pass");
    // No organisation-wide CONTRIBUTING.md: still missing, and it says so.
    assert_eq!(check(&online, "contributing")["status"], "fail");
    assert!(
        messages(&online, "contributing")[0]
            .contains("nor an organisation-wide one in acme/.github")
    );
    // Offline, whether the organisation's applies is unknown: `error`
    // (which still fails a deny gate), saying both ways out — not a fail
    // the tool could not verify.
    let offline = run(true);
    let policy = check(&offline, "security-policy");
    assert_eq!(policy["status"], "error", "{policy:#}");
    let note = policy["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("was not looked for under --offline") && note.contains("run online"),
        "{note}"
    );
    assert!(
        !offline["gate"]["passed"].as_bool().unwrap(),
        "an unverified policy never passes a deny gate"
    );
}

/// A member named like test support but published with a description
/// (`tower-test`) is a released crate: `changelog` accounts for it (here:
/// it has no changelog of its own, which the note says). Without a
/// description it stays support and is left out.
#[test]
fn a_published_described_test_crate_is_released() {
    let dir = fixture("good");
    let root = dir.path();
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("[workspace]\n", "[workspace]\nmembers = [\"good-test\"]\n"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("good-test/src")).unwrap();
    std::fs::write(root.join("good-test/src/lib.rs"), "//! Test helpers.\n").unwrap();
    let member = |description: &str| {
        std::fs::write(
            root.join("good-test/Cargo.toml"),
            format!("[package]\nname = \"good-test\"\nversion = \"0.3.0\"\nedition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\n{description}"),
        )
        .unwrap();
    };
    let said = |r: &serde_json::Value| {
        let mut all = messages(r, "changelog");
        all.extend(check(r, "changelog")["note"].as_str().map(str::to_string));
        all
    };
    member("description = \"Helpers for testing services built with good.\"\n");
    let (_, r) = run_json(root, &[]);
    assert!(
        said(&r).iter().any(|m| m.contains("good-test 0.3.0")),
        "{:?}",
        said(&r)
    );
    member("");
    let (_, r) = run_json(root, &[]);
    assert!(
        !said(&r).iter().any(|m| m.contains("good-test")),
        "{:?}",
        said(&r)
    );
}
