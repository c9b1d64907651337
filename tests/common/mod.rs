//! Helpers for integration tests: copy a fixture to a temp dir, run the real
//! binary on it, make git repositories with their own identity.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cargo-readiness"))
}

/// `fixtures/NAME` copied into a fresh temp dir (so cargo writes nothing
/// into the repository and our own git repo is not seen).
pub fn fixture(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    assert!(src.is_dir(), "no fixture {name}");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&src, tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Whether `xmllint` runs here; when not, says `skipped` on stderr (the
/// XSD conformance tests then return: `.ci/run` installs libxml2-utils).
pub fn has_xmllint() -> bool {
    let found = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: xmllint not found (.ci/run installs libxml2-utils)"
        );
    }
    found
}

/// The invented advisory database in `fixtures/advisory-db`.
pub fn fixture_db() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/advisory-db")
}

/// The date tests pretend it is, so dated behaviour (ignore expiry, grace
/// periods, database age) does not rot.
pub const TODAY: &str = "2026-06-01";

/// A command running the binary as cargo would (`cargo-readiness readiness
/// ARGS`) in `dir`, isolated from the user's machine: the fixture advisory
/// database, a cache in the target dir, a fixed date, no colour.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.arg("readiness").args(args).current_dir(dir);
    isolate(&mut cmd);
    cmd
}

/// Isolates a command from the user's machine (see [`command`]).
pub fn isolate(cmd: &mut Command) {
    cmd.env_remove("CARGO_READINESS_TIMINGS")
        .env("CARGO_READINESS_ADVISORY_DB", fixture_db())
        .env(
            "CARGO_READINESS_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("readiness-cache"),
        )
        .env("CARGO_READINESS_TODAY", TODAY)
        // Organisation-wide policies are read from here, never the network
        // (the directory does not exist: none is found).
        .env(
            "CARGO_READINESS_TEST_ORG_POLICY_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-org-policies"),
        )
        .env("NO_COLOR", "1");
}

/// Runs `cargo-readiness readiness ARGS` (as cargo would) in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

/// Runs and parses the JSON report.
pub fn run_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json", "--offline"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// `git init`, add everything, commit, with a test identity.
pub fn git_commit_all(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "initial"]);
}

/// Tags HEAD with each of `tags` (lightweight tags, like most release tools).
pub fn git_tag(dir: &Path, tags: &[&str]) {
    for tag in tags {
        git(dir, &["tag", tag]);
    }
}

/// `git init` + commit everything + tag HEAD with `tags`.
pub fn git_commit_all_tagged(dir: &Path, tags: &[&str]) {
    git_commit_all(dir);
    git_tag(dir, tags);
}

/// Runs git with a fixed identity; panics on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The check object with `id` in a JSON report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in report"))
}

/// Ids of checks whose status is one of `statuses`.
pub fn ids_with_status(report: &serde_json::Value, statuses: &[&str]) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| statuses.iter().any(|s| c["status"] == *s))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// `(path, line, severity)` of every finding of check `id`, sorted.
pub fn located(report: &serde_json::Value, id: &str) -> Vec<(String, Option<u64>, String)> {
    let mut out: Vec<(String, Option<u64>, String)> = check(report, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Expected `(path, line, severity)` rows, sorted like [`located`].
pub fn expect(rows: &[(&str, Option<u64>, &str)]) -> Vec<(String, Option<u64>, String)> {
    let mut out: Vec<_> = rows
        .iter()
        .map(|(p, l, s)| (p.to_string(), *l, s.to_string()))
        .collect();
    out.sort();
    out
}

/// Runs `cmd`, killing it and failing the test past `bound`.
pub fn output_within(
    cmd: &mut std::process::Command,
    bound: std::time::Duration,
) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {bound:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

/// Copies the directory tree `from` into `to` (created).
pub fn copy_tree(from: &Path, to: &Path) {
    copy_dir(from, to);
}
