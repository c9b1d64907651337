//! Hostile and odd repositories, found by review: each must give a report
//! or a clean exit 2, never a crash, a hang or a wrong verdict.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{check, command, fixture, git, git_commit_all, run, run_json};

#[test]
fn self_referencing_workflow_expression_does_not_crash() {
    let dir = fixture("good");
    std::fs::write(
        dir.path().join(".github/workflows/loop.yml"),
        "on: push\njobs:\n  run:\n    strategy: { matrix: { os: [\"${{ matrix.os }}\"] } }\n    runs-on: ${{ matrix.os }}\n    steps: [ { run: cargo test } ]\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--offline", "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_git_ignored_lockfile_is_still_audited() {
    let dir = fixture("good");
    std::fs::write(dir.path().join(".gitignore"), "/target\nCargo.lock\n").unwrap();
    git_commit_all(dir.path());
    let (_, r) = run_json(dir.path(), &[]);
    assert_ne!(
        check(&r, "advisories")["status"],
        "error",
        "{:#}",
        check(&r, "advisories")
    );
    // The binary crate's ignored lockfile is the `lockfile` check's finding, at the line.
    let lock = check(&r, "lockfile");
    assert_eq!(lock["findings"][0]["path"], ".gitignore");
    assert_eq!(lock["findings"][0]["line"], 2);
}

#[test]
fn a_manifest_cargo_rejects_is_exit_2_with_its_line() {
    for (bad, line) in [("name = 5", 2), ("edition = 2021", 4)] {
        let dir = fixture("good");
        let manifest = dir.path().join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let key = bad.split(' ').next().unwrap();
        let replaced: String = text
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key} =")) {
                    bad.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&manifest, replaced + "\n").unwrap();
        let out = run(dir.path(), &["--offline"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("Cargo.toml:{line}")), "{bad}: {err}");
    }
}

#[test]
fn deleting_the_changelog_does_not_pass_the_gate() {
    let dir = fixture("good");
    std::fs::remove_file(dir.path().join("CHANGELOG.md")).unwrap();
    common::git_commit_all_tagged(dir.path(), &["v0.1.0"]);
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(check(&r, "changelog-links")["status"], "fail");
}

#[test]
fn tags_that_cannot_be_verified_are_not_a_silent_pass() {
    let dir = fixture("good");
    // No git at all: the changelog's links name tags nobody can check.
    let out = command(dir.path(), &["--offline", "--format", "json"])
        .env("CARGO_READINESS_GIT", "/nonexistent/git")
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let links = check(&r, "changelog-links");
    assert_ne!(links["status"], "pass", "{links:#}");
}

#[test]
fn escape_sequences_from_the_repository_never_reach_the_terminal() {
    let dir = fixture("good");
    std::fs::write(
        dir.path().join(".github/CODEOWNERS"),
        "* @owner\u{1b}[31mRED\n/nowhere/ @x\u{1b}]0;title\u{7}\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--offline", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}'), "raw ESC in the report: {text}");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_governance_file_does_not_hang() {
    let dir = fixture("good");
    let fifo = dir.path().join("CONTRIBUTING.md");
    let _ = std::fs::remove_file(&fifo);
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let out = run(dir.path(), &["--offline", "--format", "json"]);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(matches!(out.status.code(), Some(0) | Some(1)));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        check(&r, "contributing")["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
}

#[cfg(unix)]
#[test]
fn a_non_utf8_file_name_does_not_empty_the_tracked_set() {
    use std::os::unix::ffi::OsStrExt;
    let dir = fixture("good");
    std::fs::write(
        dir.path()
            .join(std::ffi::OsStr::from_bytes(b"odd-\xff.txt")),
        "x",
    )
    .unwrap();
    common::git_commit_all_tagged(dir.path(), &["v0.1.0"]);
    let (_, r) = run_json(dir.path(), &[]);
    assert_eq!(
        check(&r, "lockfile")["status"],
        "pass",
        "{:#}",
        check(&r, "lockfile")
    );
}

#[cfg(unix)]
#[test]
fn the_pre_push_hook_finds_a_workspace_below_the_repository_root() {
    let repo = tempfile::tempdir().unwrap();
    let dir = fixture("good");
    let ws = repo.path().join("rust");
    std::fs::rename(dir.path(), &ws).unwrap_or_else(|_| {
        // Different filesystems: copy instead.
        std::process::Command::new("cp")
            .arg("-r")
            .arg(dir.path())
            .arg(&ws)
            .status()
            .unwrap();
    });
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "init"]);
    git(repo.path(), &["tag", "v0.1.0"]);
    let out = command(&ws, &["hook", "install"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-push")).unwrap();
    assert!(hook.contains("--manifest-path"), "{hook}");
    // git runs the hook from the repository root; it must still find the workspace.
    let mut cmd = std::process::Command::new("sh");
    common::isolate(&mut cmd);
    let out = cmd
        .arg(repo.path().join(".git/hooks/pre-push"))
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_non_utf8_foreign_hook_is_kept() {
    let dir = fixture("good");
    git_commit_all(dir.path());
    let hook = dir.path().join(".git/hooks/pre-push");
    std::fs::write(&hook, b"#!/bin/sh\n# \xe9t\xe9\necho custom\n").unwrap();
    let out = command(dir.path(), &["hook", "install"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&hook).unwrap(),
        b"#!/bin/sh\n# \xe9t\xe9\necho custom\n"
    );
}
