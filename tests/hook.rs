//! `cargo readiness hook`: a real `git push` to a local bare remote, blocked
//! by a failing gate and allowed by a passing one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{command, fixture, git};

/// `git push` with the test environment (fixture advisory DB, fixed date),
/// which the hook inherits.
fn push(dir: &Path) -> std::process::Output {
    let mut cmd = Command::new("git");
    common::isolate(&mut cmd);
    cmd.args([
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "push",
        "-q",
        "origin",
        "HEAD:main",
    ])
    .current_dir(dir)
    .output()
    .unwrap()
}

#[test]
fn pre_push_hook_gates_a_real_push() {
    let dir = fixture("good");
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    common::git_commit_all_tagged(dir.path(), &["v0.1.0"]);
    git(
        dir.path(),
        &["remote", "add", "origin", remote.path().to_str().unwrap()],
    );

    let out = command(dir.path(), &["hook", "install"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hook = std::fs::read_to_string(dir.path().join(".git/hooks/pre-push")).unwrap();
    assert!(hook.contains("--offline -q"));

    // A passing gate lets the push through.
    let out = push(dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A failing gate blocks it.
    std::fs::remove_file(dir.path().join("SECURITY.md")).unwrap();
    git(
        dir.path(),
        &["commit", "-q", "-am", "drop the security policy"],
    );
    let out = push(dir.path());
    assert!(!out.status.success(), "the push must be refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("gate FAILED") && err.contains("security-policy"),
        "{err}"
    );

    // Uninstall removes only ours; the push then goes through.
    let out = command(dir.path(), &["hook", "uninstall"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!dir.path().join(".git/hooks/pre-push").exists());
    assert!(push(dir.path()).status.success());
}

#[test]
fn foreign_hooks_are_kept_unless_forced_and_hooks_path_is_respected() {
    let dir = fixture("good");
    common::git_commit_all(dir.path());
    let hooks = dir.path().join(".githooks");
    std::fs::create_dir_all(&hooks).unwrap();
    git(dir.path(), &["config", "core.hooksPath", ".githooks"]);
    std::fs::write(hooks.join("pre-push"), "#!/bin/sh\necho mine\n").unwrap();

    let out = command(dir.path(), &["hook", "install"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not written by cargo-readiness") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-push")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );

    let out = command(dir.path(), &["hook", "uninstall"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "uninstall leaves a foreign hook alone"
    );

    let out = command(dir.path(), &["hook", "install", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(hooks.join("pre-push"))
            .unwrap()
            .contains(cargo_readiness::hook::MARKER)
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-push.bak")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );

    let outside = tempfile::tempdir().unwrap();
    let out = command(outside.path(), &["hook", "install"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "not a git repository");
}
