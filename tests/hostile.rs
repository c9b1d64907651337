//! Hostile and odd repositories, found by review: each must give a report
//! or a clean exit 2, never a crash, a hang or a wrong verdict.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{check, command, fixture, git, git_commit_all, output_within, run, run_json};

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
fn deleting_the_changelog_fails_changelog_and_skips_its_links() {
    let dir = fixture("good");
    std::fs::remove_file(dir.path().join("CHANGELOG.md")).unwrap();
    common::git_commit_all_tagged(dir.path(), &["v0.1.0"]);
    let (_, r) = run_json(dir.path(), &[]);
    // The missing file is `changelog`'s finding; there are no links to
    // check, which is a skip, never a pass.
    assert_eq!(check(&r, "changelog")["status"], "fail", "{r:#}");
    assert_eq!(check(&r, "changelog-links")["status"], "skip", "{r:#}");
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

// ---------------------------------------------------------------------------
// Issue 11: a hostile repository, cache or environment. Every case runs the
// real binary with a time bound and checks the exit code and message
// DESIGN.md promises (0/1 with a finding or note, or 2 naming the file).
// ---------------------------------------------------------------------------

/// Where governance and CI files sit in the `good` fixture.
const GOVERNANCE: &[&str] = &[
    "README.md",
    "SECURITY.md",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "CODE_OF_CONDUCT.md",
    ".github/CODEOWNERS",
    ".github/workflows/ci.yml",
    ".github/dependabot.yml",
];

/// The longest any hostile case may take (debug build, loaded CI machine);
/// a normal run of the fixture takes well under a second.
const BOUND: Duration = Duration::from_secs(60);

/// Runs `cargo readiness ARGS` in `dir` within [`BOUND`].
fn bounded(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    output_within(&mut command(dir, args), BOUND)
}

/// The JSON report of a bounded `--offline` run; asserts exit 0 or 1 and
/// that nothing panicked.
fn report(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--offline", "--format", "json"];
    args.extend_from_slice(extra);
    let out = bounded(dir, &args);
    assert_no_crash(&out);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_no_crash(out: &std::process::Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("internal error")
            && !err.contains("panicked")
            && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("internal error"), "{text}");
}

/// `(message, path)` of every finding of check `id`.
fn messages(r: &serde_json::Value, id: &str) -> Vec<(String, String)> {
    check(r, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["message"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn notes(r: &serde_json::Value) -> Vec<String> {
    r["notes"]
        .as_array()
        .map(|n| n.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Exit 2 within [`BOUND`], the message naming `file` and saying `what`.
fn assert_exit_2(dir: &std::path::Path, args: &[&str], file: &str, what: &str) {
    let out = bounded(dir, args);
    assert_no_crash(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(file) && err.contains(what),
        "expected {file} and {what:?} in: {err}"
    );
    assert_eq!(err.lines().count(), 1, "one line, no backtrace: {err}");
}

fn utf16(text: &str) -> Vec<u8> {
    [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

#[test]
fn empty_governance_and_ci_files_are_findings() {
    let dir = fixture("good");
    for f in GOVERNANCE {
        std::fs::write(dir.path().join(f), "").unwrap();
    }
    let r = report(dir.path(), &[]);
    assert_eq!(check(&r, "security-policy")["status"], "fail");
    assert_ne!(check(&r, "ci-present")["status"], "pass");
    assert_ne!(check(&r, "changelog")["status"], "pass");
}

#[test]
fn binary_governance_and_ci_files_are_findings() {
    let dir = fixture("good");
    let mut binary = b"\x7fELF\x02\x01\x01\0".to_vec();
    binary.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    for f in GOVERNANCE {
        std::fs::write(dir.path().join(f), &binary).unwrap();
    }
    let r = report(dir.path(), &[]);
    let policy = messages(&r, "security-policy");
    assert!(
        policy
            .iter()
            .any(|(m, p)| p == "SECURITY.md" && m.contains("binary")),
        "{policy:?}"
    );
    let ci = messages(&r, "ci-present");
    assert!(
        ci.iter()
            .any(|(m, p)| p == ".github/workflows/ci.yml" && m.contains("binary")),
        "{ci:?}"
    );
}

#[test]
fn non_utf8_governance_and_ci_files_name_the_line() {
    let dir = fixture("good");
    for f in GOVERNANCE {
        let mut bytes = std::fs::read(dir.path().join(f)).unwrap();
        bytes.extend_from_slice(b"\n\xff\xfe broken \xc3\x28\n");
        std::fs::write(dir.path().join(f), bytes).unwrap();
    }
    let r = report(dir.path(), &[]);
    let policy = messages(&r, "security-policy");
    assert!(
        policy
            .iter()
            .any(|(m, _)| m.contains("not valid UTF-8 (line")),
        "{policy:?}"
    );
}

#[test]
fn utf16_governance_and_ci_files_are_read_as_text() {
    // Windows editors save UTF-16 with a byte-order mark; GitHub renders it.
    let dir = fixture("good");
    for f in GOVERNANCE {
        let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
        std::fs::write(dir.path().join(f), utf16(&text)).unwrap();
    }
    let r = report(dir.path(), &[]);
    for id in [
        "security-policy",
        "ci-present",
        "ci-tests",
        "codeowners",
        "contributing",
    ] {
        assert_eq!(check(&r, id)["status"], "pass", "{id}: {:#}", check(&r, id));
    }
}

#[test]
fn a_binary_non_utf8_or_utf16_config_file() {
    let dir = fixture("good");
    let config = dir.path().join("readiness.toml");
    std::fs::write(&config, b"profile = \"strict\"\n\0\x01\x02").unwrap();
    assert_exit_2(dir.path(), &["--offline"], "readiness.toml", "binary");
    std::fs::write(&config, b"profile = \"strict\"\n# \xff\n").unwrap();
    assert_exit_2(
        dir.path(),
        &["--offline"],
        "readiness.toml:2",
        "not valid UTF-8",
    );
    // UTF-16 with a byte-order mark is decoded like any text file.
    std::fs::write(&config, utf16("profile = \"strict\"\n")).unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(r["profile"], "strict");
    // Empty is no configuration at all.
    std::fs::write(&config, "").unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(r["profile"], "production");
}

/// A sparse file of `size` bytes (no disk used, created instantly).
fn sparse(path: &std::path::Path, size: u64) {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(path)
        .unwrap();
    f.set_len(size).unwrap();
}

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

#[test]
fn hundred_megabyte_repository_files_are_not_read() {
    let dir = fixture("good");
    for f in [
        "README.md",
        "CHANGELOG.md",
        ".github/workflows/big.yml",
        "src/big.rs",
    ] {
        sparse(&dir.path().join(f), HUNDRED_MB);
    }
    let mut main = std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
    main.push_str("\nmod big;\n");
    std::fs::write(dir.path().join("src/main.rs"), main).unwrap();
    let started = Instant::now();
    let r = report(dir.path(), &[]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let ci = messages(&r, "ci-present");
    assert!(
        ci.iter()
            .any(|(m, p)| p == ".github/workflows/big.yml" && m.contains("100 MB")),
        "{ci:?}"
    );
    assert!(
        notes(&r).iter().any(|n| n.contains("src/big.rs is 100 MB")),
        "{:?}",
        notes(&r)
    );
}

#[test]
fn hundred_megabyte_manifest_lockfile_or_config_is_exit_2_at_once() {
    for file in ["Cargo.toml", "Cargo.lock", "readiness.toml"] {
        let dir = fixture("good");
        let path = dir.path().join(file);
        let _ = std::fs::remove_file(&path);
        sparse(&path, HUNDRED_MB);
        let started = Instant::now();
        assert_exit_2(dir.path(), &["--offline"], file, "100 MB");
        // Not parsed: cargo takes ~10 s and 600 MB on such a lockfile.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{file}: {:?}",
            started.elapsed()
        );
    }
}

/// A workflow whose aliases expand to 10^20 nodes.
fn billion_laughs() -> String {
    let mut s =
        String::from("on: push\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..20 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    s.push_str("jobs:\n  t:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: *a19\n    env: *a18\n    steps:\n      - run: cargo test\n");
    s
}

#[test]
fn yaml_bombs_and_deep_nesting_are_bounded_findings() {
    let dir = fixture("good");
    let wf = dir.path().join(".github/workflows");
    std::fs::write(wf.join("laughs.yml"), billion_laughs()).unwrap();
    let deep_flow = format!(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(wf.join("deep.yml"), &deep_flow).unwrap();
    let deep_block: String = (0..2_000)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i + 3)))
        .collect();
    std::fs::write(
        wf.join("block.yml"),
        format!("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    env:\n{deep_block}"),
    )
    .unwrap();
    std::fs::write(dir.path().join(".github/dependabot.yml"), billion_laughs()).unwrap();
    let action = dir.path().join(".github/actions/setup");
    std::fs::create_dir_all(&action).unwrap();
    std::fs::write(action.join("action.yml"), &deep_flow).unwrap();
    let started = Instant::now();
    let r = report(dir.path(), &[]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let ci = messages(&r, "ci-present");
    assert!(
        ci.iter()
            .any(|(m, p)| p == ".github/workflows/laughs.yml" && m.contains("billion-laughs")),
        "{ci:?}"
    );
    assert!(
        ci.iter()
            .any(|(m, p)| p == ".github/workflows/deep.yml" && m.contains("recursion limit")),
        "{ci:?}"
    );
    let dependabot = messages(&r, "dependency-update-tool");
    assert!(
        dependabot.iter().any(|(m, _)| m.contains("billion-laughs")),
        "{dependabot:?}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    use std::os::unix::fs::symlink;
    let dir = fixture("good");
    let p = dir.path();
    symlink("loop-b", p.join("loop-a")).unwrap();
    symlink("loop-a", p.join("loop-b")).unwrap();
    symlink("self.md", p.join("self.md")).unwrap();
    std::fs::create_dir(p.join("docs")).unwrap();
    symlink("..", p.join("docs/up")).unwrap();
    symlink(".", p.join("docs/here")).unwrap();
    std::fs::remove_file(p.join("CONTRIBUTING.md")).unwrap();
    symlink("docs/CONTRIBUTING.md", p.join("CONTRIBUTING.md")).unwrap();
    symlink("../CONTRIBUTING.md", p.join("docs/CONTRIBUTING.md")).unwrap();
    std::fs::remove_file(p.join("src/main.rs")).unwrap();
    symlink("main.rs", p.join("src/main.rs")).unwrap();
    let r = report(p, &[]);
    let contributing = messages(&r, "contributing");
    assert!(
        contributing
            .iter()
            .any(|(m, _)| m.contains("cannot be read")),
        "{contributing:?}"
    );
}

/// A directory outside the repository holding text that must never appear
/// in any output.
#[cfg(unix)]
fn outside_secrets() -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    let secret = "OUTSIDE-SECRET-7f3a\n";
    for f in ["secret.md", "mod.rs", "ci.sh", "config.toml", "audit.toml"] {
        std::fs::write(outside.path().join(f), secret).unwrap();
    }
    std::fs::write(
        outside.path().join("lock"),
        "# OUTSIDE-SECRET-7f3a\n[[package]]\nname = \"OUTSIDE-SECRET-7f3a\"\n",
    )
    .unwrap();
    outside
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repository_are_never_followed() {
    use std::os::unix::fs::symlink;
    let outside = outside_secrets();
    let secret = outside.path().join("secret.md");
    let dir = fixture("good");
    let p = dir.path();
    for f in GOVERNANCE {
        std::fs::remove_file(p.join(f)).unwrap();
        symlink(&secret, p.join(f)).unwrap();
    }
    symlink(outside.path(), p.join("scripts")).unwrap();
    symlink(outside.path(), p.join("src/evil")).unwrap();
    symlink(outside.path().join("mod.rs"), p.join("src/evil2.rs")).unwrap();
    let mut main = std::fs::read_to_string(p.join("src/main.rs")).unwrap();
    main.push_str("\nmod evil;\nmod evil2;\n");
    std::fs::write(p.join("src/main.rs"), main).unwrap();
    std::fs::create_dir_all(p.join(".cargo")).unwrap();
    symlink(
        outside.path().join("audit.toml"),
        p.join(".cargo/audit.toml"),
    )
    .unwrap();
    symlink(outside.path().join("config.toml"), p.join("deny.toml")).unwrap();
    for format in ["json", "human", "sarif", "markdown"] {
        let out = bounded(p, &["--offline", "--format", format]);
        assert_no_crash(&out);
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{:?}",
            out.status
        );
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains("OUTSIDE-SECRET"), "{format}: {text}");
        }
    }
    let r = report(p, &[]);
    let policy = messages(&r, "security-policy");
    assert!(
        policy
            .iter()
            .any(|(m, _)| m.contains("outside the repository; not followed")),
        "{policy:?}"
    );
    assert!(
        notes(&r)
            .iter()
            .any(|n| n.contains("src/evil2.rs is a symlink")),
        "{:?}",
        notes(&r)
    );
    // Files the tool itself needs, pointing out: exit 2, never read.
    for (file, target) in [("readiness.toml", "config.toml"), ("Cargo.lock", "lock")] {
        let dir = fixture("good");
        let _ = std::fs::remove_file(dir.path().join(file));
        symlink(outside.path().join(target), dir.path().join(file)).unwrap();
        assert_exit_2(dir.path(), &["--offline"], file, "outside the repository");
        let out = bounded(dir.path(), &["--offline"]);
        assert!(!String::from_utf8_lossy(&out.stderr).contains("OUTSIDE-SECRET"));
    }
}

#[cfg(unix)]
#[test]
fn fifos_named_like_files_the_tool_reads_do_not_hang() {
    for file in [
        "Cargo.lock",
        "readiness.toml",
        "deny.toml",
        ".cargo/audit.toml",
        ".github/workflows/ci.yml",
    ] {
        let dir = fixture("good");
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        let out = bounded(dir.path(), &["--offline", "--format", "json"]);
        assert_no_crash(&out);
        let err = String::from_utf8_lossy(&out.stderr);
        match file {
            "Cargo.lock" | "readiness.toml" => {
                assert_eq!(out.status.code(), Some(2), "{file}: {err}");
                assert!(
                    err.contains(file) && err.contains("not a regular file"),
                    "{err}"
                );
            }
            _ => assert!(
                matches!(out.status.code(), Some(0) | Some(1)),
                "{file}: {err}"
            ),
        }
    }
    // `audit`'s lock file, a baseline, and an existing pre-push hook: one
    // FIFO per run, so the error can only be about that file.
    for (args, file, fifo) in [
        (&["audit", "--offline"][..], "Cargo.lock", "Cargo.lock"),
        (
            &["--offline", "--baseline", "base.json"][..],
            "base.json",
            "base.json",
        ),
        (&["hook", "install"][..], "pre-push", ".git/hooks/pre-push"),
    ] {
        let dir = fixture("good");
        common::git_commit_all(dir.path());
        let path = dir.path().join(fifo);
        let _ = std::fs::remove_file(&path);
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        let out = bounded(dir.path(), args);
        assert_no_crash(&out);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(file), "{args:?}: {err}");
    }
}

/// How this process can make a file unreadable to the binary: plain
/// `chmod 000` for a normal user; as root (CI), which reads anything, the
/// binary runs under `setpriv` without the capabilities that bypass file
/// permissions. `None` (and a visible skip) when neither works.
#[cfg(unix)]
fn deny_reads() -> Option<Vec<String>> {
    use std::os::unix::fs::PermissionsExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    std::fs::set_permissions(probe.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(probe.path()).is_err() {
        return Some(Vec::new());
    }
    let wrapper: Vec<String> = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
        .map(String::from)
        .to_vec();
    let denied = std::process::Command::new(&wrapper[0])
        .args(&wrapper[1..])
        .arg("cat")
        .arg(probe.path())
        .output()
        .is_ok_and(|o| !o.status.success());
    denied.then_some(wrapper)
}

#[cfg(unix)]
fn command_as(wrapper: &[String], dir: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut c = std::process::Command::new(program);
            c.args(rest).arg(common::bin());
            c
        }
        None => std::process::Command::new(common::bin()),
    };
    cmd.arg("readiness").args(args).current_dir(dir);
    common::isolate(&mut cmd);
    cmd
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_skip_notes() {
    use std::os::unix::fs::PermissionsExt;
    let Some(wrapper) = deny_reads() else {
        eprintln!(
            "skipped: running as root without setpriv; file permissions cannot be denied here"
        );
        return;
    };
    let dir = fixture("good");
    let p = dir.path();
    std::fs::create_dir_all(p.join("docs/private")).unwrap();
    std::fs::write(p.join("docs/private/notes.md"), "x").unwrap();
    std::fs::create_dir_all(p.join("src/hidden")).unwrap();
    std::fs::write(p.join("src/hidden/mod.rs"), "pub fn f() {}\n").unwrap();
    let mut main = std::fs::read_to_string(p.join("src/main.rs")).unwrap();
    main.push_str("\nmod hidden;\n");
    std::fs::write(p.join("src/main.rs"), main).unwrap();
    let deny = |path: &str| {
        std::fs::set_permissions(p.join(path), std::fs::Permissions::from_mode(0o000)).unwrap()
    };
    for f in [
        "SECURITY.md",
        ".github/workflows/ci.yml",
        "docs/private",
        "src/hidden",
        "tests",
    ] {
        deny(f);
    }
    let out = output_within(
        &mut command_as(&wrapper, p, &["--offline", "--format", "json"]),
        BOUND,
    );
    // Give the temp dir back to its cleanup.
    for f in ["docs/private", "src/hidden", "tests"] {
        std::fs::set_permissions(p.join(f), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_no_crash(&out);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{:?}",
        out.status
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = notes(&r);
    for dir in ["docs/private", "src/hidden", "tests"] {
        assert!(
            n.iter().any(
                |x| x.contains(&format!("cannot list {dir}")) && x.contains("ermission denied")
            ),
            "{dir}: {n:?}"
        );
    }
    let policy = messages(&r, "security-policy");
    assert!(
        policy
            .iter()
            .any(|(m, _)| m.contains("cannot be read") && m.contains("ermission denied")),
        "{policy:?}"
    );
    // The lock file and configuration: exit 2 naming them.
    for file in ["Cargo.lock", "readiness.toml"] {
        let dir = fixture("good");
        std::fs::write(
            dir.path().join(file),
            std::fs::read(p.join("Cargo.lock")).unwrap_or_default(),
        )
        .unwrap();
        if file == "readiness.toml" {
            std::fs::write(dir.path().join(file), "profile = \"strict\"\n").unwrap();
        }
        std::fs::set_permissions(
            dir.path().join(file),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
        let out = output_within(&mut command_as(&wrapper, dir.path(), &["--offline"]), BOUND);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(
            err.contains(file) && err.contains("ermission denied"),
            "{err}"
        );
    }
}

#[test]
fn ten_thousand_features() {
    // Flat: 10 000 features, each enabling another, all on by default.
    let dir = fixture("good");
    let mut manifest = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    manifest.push_str("\n[features]\ndefault = [");
    manifest.push_str(
        &(0..10_000)
            .map(|i| format!("\"f{i}\""))
            .collect::<Vec<_>>()
            .join(","),
    );
    manifest.push_str("]\n");
    for i in 0..10_000 {
        manifest.push_str(&format!("f{i} = [\"f{}\"]\n", (i * 7919 + 1) % 10_000));
    }
    std::fs::write(dir.path().join("Cargo.toml"), &manifest).unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(check(&r, "manifest-metadata")["status"], "pass");
    let out = bounded(dir.path(), &["sbom", "--offline", "--all-features"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A chain of 10 000 features overflows cargo's own stack (cargo 1.95):
    // exit 2 saying cargo crashed, never our panic.
    let dir = fixture("good");
    let mut manifest = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    manifest.push_str("\n[features]\ndefault = [\"f0\"]\n");
    for i in 0..9_999 {
        manifest.push_str(&format!("f{i} = [\"f{}\"]\n", i + 1));
    }
    manifest.push_str("f9999 = []\n");
    std::fs::write(dir.path().join("Cargo.toml"), &manifest).unwrap();
    let out = bounded(dir.path(), &["--offline"]);
    assert_no_crash(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) | Some(1) => {}
        Some(2) => assert!(
            err.contains("Cargo.toml") && (cfg!(windows) || err.contains("cargo metadata crashed")),
            "{err}"
        ),
        other => panic!("{other:?}: {err}"),
    }
}

#[test]
fn a_lockfile_with_duplicate_entries_is_exit_2_naming_the_lockfile() {
    let dir = fixture("good");
    let lock = std::fs::read_to_string(dir.path().join("Cargo.lock")).unwrap();
    let first = lock.find("[[package]]").unwrap();
    let duplicated = format!("{lock}\n{}", &lock[first..]);
    std::fs::write(dir.path().join("Cargo.lock"), duplicated).unwrap();
    assert_exit_2(dir.path(), &["--offline"], "Cargo.lock", "specified twice");
    let out = bounded(dir.path(), &["--offline"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("Cargo.toml"),
        "the lock file is at fault, not the manifest: {err}"
    );
}

#[cfg(unix)]
#[test]
fn a_path_with_spaces_and_non_ascii_characters() {
    let base = tempfile::tempdir().unwrap();
    let ws = base.path().join("my projects").join("ünï cödé 日本");
    std::fs::create_dir_all(&ws).unwrap();
    let src = fixture("good");
    std::process::Command::new("cp")
        .arg("-r")
        .arg(format!("{}/.", src.path().display()))
        .arg(&ws)
        .status()
        .unwrap();
    common::git_commit_all_tagged(&ws, &["v0.1.0"]);
    let r = report(&ws, &[]);
    assert_eq!(r["gate"]["passed"], true, "{:#}", r["gate"]);
    let out = bounded(&ws, &["--offline", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        sarif["runs"][0]["originalUriBaseIds"]
            .to_string()
            .contains("%20"),
        "{sarif:#}"
    );
    let out = bounded(&ws, &["sbom", "--offline", "-o", "bom ü.cdx.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(ws.join("bom ü.cdx.json").is_file());
    let out = bounded(&ws, &["--offline", "--output", "json=out dir/répört.json"]);
    assert!(matches!(out.status.code(), Some(0) | Some(1)));
    assert!(ws.join("out dir/répört.json").is_file());
    let out = bounded(&ws, &["hook", "install"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut hook = std::process::Command::new("sh");
    common::isolate(&mut hook);
    hook.arg(ws.join(".git/hooks/pre-push")).current_dir(&ws);
    let out = output_within(&mut hook, BOUND);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A directory with `cargo` and `rustc` (as found on PATH) but no `git`.
#[cfg(unix)]
fn path_without_git() -> Option<tempfile::TempDir> {
    let bin = tempfile::tempdir().unwrap();
    let path = std::env::var_os("PATH")?;
    for tool in ["cargo", "rustc", "rustup"] {
        if let Some(found) = std::env::split_paths(&path)
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
        {
            std::os::unix::fs::symlink(found, bin.path().join(tool)).unwrap();
        }
    }
    bin.path().join("cargo").exists().then_some(bin)
}

#[cfg(unix)]
#[test]
fn no_git_on_the_path() {
    let Some(bin) = path_without_git() else {
        eprintln!("skipped: cargo not found on PATH");
        return;
    };
    let dir = fixture("good");
    common::git_commit_all_tagged(dir.path(), &["v0.1.0"]);
    let mut cmd = command(dir.path(), &["--offline", "--format", "json"]);
    cmd.env("PATH", bin.path())
        .env_remove("CARGO_READINESS_GIT");
    let out = output_within(&mut cmd, BOUND);
    assert_no_crash(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check(&r, "version-tags")["status"], "error");
    assert!(
        check(&r, "version-tags")["findings"]
            .to_string()
            .contains("git is not available")
            || check(&r, "version-tags")
                .to_string()
                .contains("git is not available"),
        "{:#}",
        check(&r, "version-tags")
    );
    assert_eq!(check(&r, "maintained")["status"], "skip");
}

#[test]
fn a_git_repository_without_commits() {
    let dir = fixture("good");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let r = report(dir.path(), &[]);
    assert_eq!(check(&r, "maintained")["status"], "skip");
    let lock = messages(&r, "lockfile");
    assert!(
        lock.iter().any(|(m, _)| m.contains("not committed")),
        "{lock:?}"
    );
    // Staged but never committed: the same, no crash.
    git(dir.path(), &["add", "-A"]);
    let r = report(dir.path(), &[]);
    assert_eq!(check(&r, "maintained")["status"], "skip");
}

#[cfg(unix)]
#[test]
fn a_corrupt_read_only_or_odd_cache_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture("audit/vulnerable");
    let expected = bounded(dir.path(), &["audit", "--offline", "--format", "json"]);
    assert_eq!(expected.status.code(), Some(1));
    let audit_with_cache = |cache: &std::path::Path, wrapper: &[String]| {
        let mut cmd = command_as(
            wrapper,
            dir.path(),
            &["audit", "--offline", "--format", "json"],
        );
        cmd.env("CARGO_READINESS_CACHE_DIR", cache);
        let out = output_within(&mut cmd, BOUND);
        assert_no_crash(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, expected.stdout, "same audit whatever the cache");
    };
    let tmp = tempfile::tempdir().unwrap();
    // The cache directory is a file.
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    audit_with_cache(&file, &[]);
    // The cache file is a directory, a FIFO, garbage, or truncated JSON.
    let cache = tmp.path().join("odd");
    std::fs::create_dir_all(cache.join("advisory-index.json")).unwrap();
    audit_with_cache(&cache, &[]);
    std::fs::remove_dir(cache.join("advisory-index.json")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(cache.join("advisory-index.json"))
        .status()
        .unwrap();
    assert!(status.success());
    audit_with_cache(&cache, &[]);
    std::fs::remove_file(cache.join("advisory-index.json")).unwrap();
    std::fs::write(cache.join("advisory-index.json"), b"\0\xff{{{").unwrap();
    audit_with_cache(&cache, &[]);
    let good = std::fs::read(cache.join("advisory-index.json")).unwrap();
    assert!(
        serde_json::from_slice::<serde_json::Value>(&good).is_ok(),
        "rewritten"
    );
    std::fs::write(cache.join("advisory-index.json"), &good[..good.len() / 2]).unwrap();
    audit_with_cache(&cache, &[]);
    // Read-only: used, never written, no error.
    let ro = tmp.path().join("read-only");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    match deny_reads() {
        Some(wrapper) => {
            audit_with_cache(&ro, &wrapper);
            assert_eq!(
                std::fs::read_dir(&ro).unwrap().count(),
                0,
                "nothing written"
            );
        }
        None => eprintln!("skipped: read-only cache (root without setpriv)"),
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_corrupt_advisory_database_is_an_error_not_a_hang() {
    let db = tempfile::tempdir().unwrap();
    let krate = db.path().join("crates/acme-tls");
    std::fs::create_dir_all(&krate).unwrap();
    std::fs::write(krate.join("RUSTSEC-2026-0001.md"), b"\x7fELF\0\0\0binary").unwrap();
    std::fs::write(
        krate.join("RUSTSEC-2026-0002.md"),
        b"```toml\n[advisory]\n\xff\n```\n",
    )
    .unwrap();
    std::fs::write(krate.join("RUSTSEC-2026-0003.md"), "").unwrap();
    // Found by fuzzing: made the advisory parser panic (byte 20 inside `Г`).
    std::fs::write(
        krate.join("RUSTSEC-2026-0005.md"),
        "```ml@ml`\n\n# \n` `# \u{413}``xxxxxx``toml$",
    )
    .unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(krate.join("RUSTSEC-2026-0004.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let dir = fixture("audit/vulnerable");
    let mut cmd = command(dir.path(), &["audit", "--offline", "--format", "json"]);
    cmd.env("CARGO_READINESS_ADVISORY_DB", db.path());
    let out = output_within(&mut cmd, BOUND);
    assert_no_crash(&out);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1) | Some(2)),
        "{:?}",
        out.status
    );
}

// ---------------------------------------------------------------------------
// No network with --offline.
// ---------------------------------------------------------------------------

/// A local "proxy" that accepts and counts connections (and closes them):
/// every proxy variable points at it, so any HTTP(S) request the binary,
/// cargo or git makes is counted instead of reaching the network.
struct CountingProxy {
    url: String,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CountingProxy {
    fn start() -> CountingProxy {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = count.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(conn);
            }
        });
        CountingProxy { url, count }
    }

    fn apply(&self, cmd: &mut std::process::Command) {
        for var in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "CARGO_HTTP_PROXY",
        ] {
            cmd.env(var, &self.url);
        }
        cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    }

    fn connections(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// `unshare` arguments that run a command in a new network namespace (no
/// interfaces up: every connection fails), when this machine allows it.
#[cfg(target_os = "linux")]
fn network_sandbox() -> Option<Vec<&'static str>> {
    let works = |args: &[&str]| {
        std::process::Command::new("unshare")
            .args(args)
            .arg("true")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    // `-r` maps the user to root inside, so no privilege is needed; as root
    // plain `-n` works too.
    [vec!["-rn"], vec!["-n"]].into_iter().find(|a| works(a))
}

#[test]
fn offline_opens_no_socket() {
    let proxy = CountingProxy::start();
    // Control: without --offline the yank check asks the crates.io index,
    // through the proxy: the harness sees connections.
    let dir = fixture("audit/vulnerable");
    let mut cmd = command(dir.path(), &["audit", "--format", "json"]);
    proxy.apply(&mut cmd);
    cmd.env("CARGO_READINESS_HTTP_TIMEOUT", "5");
    let _ = output_within(&mut cmd, BOUND);
    assert!(
        proxy.connections() > 0,
        "the control run made no request: the harness sees nothing"
    );

    // With --offline: the whole run and `audit` and `sbom`, and not one
    // connection.
    let before = proxy.connections();
    let good = fixture("good");
    let mut outputs = Vec::new();
    for (dir, args) in [
        (good.path(), vec!["--offline", "--format", "json"]),
        (dir.path(), vec!["--offline", "--format", "json"]),
        (dir.path(), vec!["audit", "--offline", "--format", "json"]),
        (good.path(), vec!["sbom", "--offline"]),
    ] {
        let mut cmd = command(dir, &args);
        proxy.apply(&mut cmd);
        let out = output_within(&mut cmd, BOUND);
        assert_no_crash(&out);
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push((dir.to_path_buf(), args, out));
    }
    assert_eq!(proxy.connections(), before, "--offline made a request");

    // And where no connection can succeed at all (a network namespace with
    // nothing up), --offline gives the same results.
    #[cfg(target_os = "linux")]
    match network_sandbox() {
        Some(unshare) => {
            for (dir, args, expected) in &outputs {
                let mut cmd = std::process::Command::new("unshare");
                cmd.args(&unshare)
                    .arg(common::bin())
                    .arg("readiness")
                    .args(args)
                    .current_dir(dir);
                common::isolate(&mut cmd);
                let out = output_within(&mut cmd, BOUND);
                assert_eq!(
                    out.status.code(),
                    expected.status.code(),
                    "{args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                if args.first() != Some(&"sbom") {
                    assert_eq!(out.stdout, expected.stdout, "{args:?}");
                }
            }
        }
        None => eprintln!("skipped: network namespace (`unshare -rn`) not available here"),
    }
}

// ---------------------------------------------------------------------------
// Atomic outputs: an interrupted write leaves the old file intact.
// ---------------------------------------------------------------------------

/// Temp files of atomic writes (`.NAME.XXXXXX.tmp`) anywhere under `dir`.
fn temp_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                if e.file_name() != ".git" {
                    stack.push(p);
                }
            } else {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    found.push(p);
                }
            }
        }
    }
    found
}

#[cfg(unix)]
#[test]
fn an_interrupted_write_leaves_the_old_file_intact() {
    let cases: &[(&str, &[&str])] = &[
        ("bom.cdx.json", &["sbom", "--offline", "-o", "bom.cdx.json"]),
        (
            "report.json",
            &["--offline", "--output", "json=report.json"],
        ),
        (
            "baseline.json",
            &["--offline", "--write-baseline", "baseline.json"],
        ),
        ("readiness.toml", &["init", "--force"]),
    ];
    for (i, (file, args)) in cases.iter().enumerate() {
        let signal = if i % 2 == 0 { "TERM" } else { "INT" };
        let dir = fixture("good");
        let target = dir.path().join(file);
        let old = b"OLD CONTENT, must survive\n";
        std::fs::write(&target, old).unwrap();
        let mut cmd = command(dir.path(), args);
        cmd.env("CARGO_READINESS_TEST_WRITE_PAUSE_MS", "30000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        // Wait for the first atomic write to have its temp file written.
        let started = Instant::now();
        let temp = loop {
            if let Some(t) = temp_files(dir.path()).into_iter().next() {
                break t;
            }
            assert!(started.elapsed() < BOUND, "{args:?}: no temp file appeared");
            assert!(
                child.try_wait().unwrap().is_none(),
                "{args:?}: exited before writing"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("kill -{signal} {}", child.id()))
            .status()
            .unwrap();
        assert!(status.success());
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(130),
            "{args:?} after SIG{signal}: {status:?}"
        );
        // The file being written when the signal came keeps its old content
        // (or does not exist, if it was new); nothing half-written anywhere.
        let being_written = temp.file_name().unwrap().to_string_lossy().into_owned();
        let name = being_written
            .strip_prefix('.')
            .and_then(|n| n.rsplitn(3, '.').nth(2))
            .unwrap()
            .to_string();
        let written = temp.with_file_name(&name);
        if written == target {
            assert_eq!(std::fs::read(&target).unwrap(), old, "{args:?}");
        } else {
            assert!(
                !written.exists() || std::fs::read(&written).unwrap() != b"",
                "{args:?}"
            );
        }
        assert_eq!(
            std::fs::read(&target).unwrap(),
            old,
            "{args:?}: the target was replaced"
        );
        assert_eq!(
            temp_files(dir.path()),
            Vec::<std::path::PathBuf>::new(),
            "{args:?}: temp files left"
        );
    }
}

// ---------------------------------------------------------------------------
// Concurrency: runs at the same time share the advisory database and cache.
// ---------------------------------------------------------------------------

#[test]
fn concurrent_runs_share_the_database_and_cache_safely() {
    // A local "upstream" database, fetched (max-age 0: every run updates)
    // into one checkout and parsed into one cache by two runs at once.
    let upstream = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture_db(), upstream.path());
    git(upstream.path(), &["init", "-q", "-b", "main"]);
    git(upstream.path(), &["add", "-A"]);
    git(upstream.path(), &["commit", "-q", "-m", "db"]);
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("advisory-db");
    let cache = home.path().join("cache");
    let dir = fixture("audit/vulnerable");
    // The user's own configuration, outside the repository: a repository's
    // may name neither a file:// URL nor a max-age under an hour.
    let user_config = home.path().join("readiness.toml");
    std::fs::write(
        &user_config,
        format!(
            "[advisories]\nurl = \"file://{}\"\nmax-age = \"0s\"\n",
            upstream.path().display()
        ),
    )
    .unwrap();
    let audit = || {
        let mut cmd = command(
            dir.path(),
            &[
                "audit",
                "--config",
                user_config.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        cmd.env("CARGO_READINESS_ADVISORY_DB", &db)
            .env("CARGO_READINESS_CACHE_DIR", &cache)
            .env("CARGO_READINESS_INDEX_URL", "http://127.0.0.1:9/");
        cmd
    };
    let mut expected: Option<serde_json::Value> = None;
    for round in 0..5 {
        if round == 2 {
            // Start over from nothing: both runs clone at once.
            std::fs::remove_dir_all(&db).unwrap();
            let _ = std::fs::remove_dir_all(&cache);
        }
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let mut cmd = audit();
                std::thread::spawn(move || output_within(&mut cmd, BOUND))
            })
            .collect();
        for run in runs {
            let out = run.join().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "round {round}: {err}");
            assert!(
                !err.contains("fail") && !err.contains("lock"),
                "round {round}: {err}"
            );
            let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let vulns = r["vulnerabilities"].clone();
            match &expected {
                None => expected = Some(vulns),
                Some(e) => assert_eq!(&vulns, e, "round {round}"),
            }
        }
        // The cache is whole JSON; the checkout is clean; nothing left over.
        let text = std::fs::read(cache.join("advisory-index.json")).unwrap();
        assert!(
            serde_json::from_slice::<serde_json::Value>(&text).is_ok(),
            "round {round}"
        );
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(&db)
            .args(["status", "--porcelain"])
            .output()
            .unwrap();
        assert!(
            status.stdout.is_empty(),
            "round {round}: {}",
            String::from_utf8_lossy(&status.stdout)
        );
        assert_eq!(temp_files(&cache), Vec::<std::path::PathBuf>::new());
        let leftovers: Vec<_> = std::fs::read_dir(home.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| {
                n != "advisory-db" && n != "cache" && n != "readiness.toml" && !n.ends_with(".lock")
            })
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
}

/// cargo names a member's broken manifest relative to its working
/// directory (the neutral one): the message must name the real file.
#[test]
fn a_broken_member_manifest_is_named_by_its_real_path() {
    let dir = fixture("sbom");
    let manifest = dir.path().join("lib-a/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("[package]\n", "[package]\ndescription = 5\n", 1),
    )
    .unwrap();
    let out = run(dir.path(), &["--offline"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let real = std::fs::canonicalize(&manifest).unwrap();
    assert!(
        err.contains(&format!("{}:2", real.display()))
            || err.contains(&format!("{}:2", manifest.display())),
        "{err}"
    );
}
