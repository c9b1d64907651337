//! `cargo readiness init` on a bare `cargo new` crate: it creates what is
//! missing, never overwrites without --force, and the findings it can fix
//! are gone afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{check, command, fixture, git, run_json};

#[test]
fn init_fixes_what_a_file_can_fix() {
    let dir = fixture("bare");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(
        dir.path(),
        &["config", "user.email", "maintainer@bare-crate.dev"],
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "cargo new"]);
    let fixable = [
        "security-policy",
        "ci-present",
        "ci-tests",
        "ci-fmt",
        "ci-clippy",
        "ci-audit",
        "sast",
        "changelog",
        "codeowners",
        "dependency-update-tool",
    ];
    let (_, before) = run_json(dir.path(), &[]);
    for id in fixable {
        assert_eq!(
            check(&before, id)["status"],
            "fail",
            "{id} fails before init"
        );
    }

    let out = command(dir.path(), &["init", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("would create  SECURITY.md"));
    assert!(
        !dir.path().join("SECURITY.md").exists(),
        "--dry-run writes nothing"
    );

    let out = command(dir.path(), &["init"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "readiness.toml",
        "SECURITY.md",
        ".github/CODEOWNERS",
        "CHANGELOG.md",
        ".github/dependabot.yml",
        ".github/workflows/ci.yml",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} created");
    }
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "readiness init"]);

    let (_, after) = run_json(dir.path(), &[]);
    for id in fixable {
        let c = check(&after, id);
        assert_eq!(c["status"], "pass", "{id} after init: {c:#}");
    }
    for id in [
        "token-permissions",
        "pinned-actions",
        "dangerous-workflow",
        "install-pinning",
        "ci-os-matrix",
    ] {
        assert_eq!(
            check(&after, id)["status"],
            "pass",
            "{id}: the generated workflow passes our own checks"
        );
    }
    assert!(after["score"].as_f64().unwrap() > before["score"].as_f64().unwrap() + 30.0);
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let dir = fixture("bare");
    std::fs::write(dir.path().join("SECURITY.md"), "mine\n").unwrap();
    std::fs::create_dir_all(dir.path().join(".github")).unwrap();
    std::fs::write(dir.path().join("CODEOWNERS"), "* @me\n").unwrap();
    let out = command(dir.path(), &["init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("exists     SECURITY.md"), "{text}");
    assert!(
        text.contains("exists     CODEOWNERS"),
        "a root CODEOWNERS counts: {text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("SECURITY.md")).unwrap(),
        "mine\n"
    );
    assert!(!dir.path().join(".github/CODEOWNERS").exists());

    let out = command(dir.path(), &["init", "--force"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("replaced   SECURITY.md"), "{text}");
    assert!(
        text.contains("replaced   CODEOWNERS"),
        "replaced in place: {text}"
    );
    assert!(
        !dir.path().join(".github/CODEOWNERS").exists(),
        "no second copy beside it"
    );
    assert_ne!(
        std::fs::read_to_string(dir.path().join("SECURITY.md")).unwrap(),
        "mine\n"
    );
}
