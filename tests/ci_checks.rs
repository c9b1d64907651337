//! The CI and supply-chain checks end to end: the real binary on the
//! workflow sets in `fixtures/ci/`, each laid over the minimal crate in
//! `fixtures/ci/base/`. Every assertion names the check, the file and the
//! line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{check, fixture, git, git_commit_all, run_json};
use serde_json::Value;

/// `fixtures/ci/base` with `fixtures/ci/NAME` laid over it.
fn case(name: &str) -> tempfile::TempDir {
    let dir = fixture("ci/base");
    let overlay = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ci")
        .join(name);
    assert!(overlay.is_dir(), "no fixture ci/{name}");
    copy_over(&overlay, dir.path());
    dir
}

fn copy_over(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_over(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn report(dir: &Path, args: &[&str]) -> Value {
    run_json(dir, args).1
}

/// (severity, path, line) of each finding of `id`.
fn located(report: &Value, id: &str) -> Vec<(String, String, u64)> {
    check(report, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn status<'a>(report: &'a Value, id: &str) -> &'a str {
    check(report, id)["status"].as_str().unwrap()
}

fn note<'a>(report: &'a Value, id: &str) -> &'a str {
    check(report, id)["note"].as_str().unwrap_or("")
}

fn at(severity: &str, path: &str, line: u64) -> (String, String, u64) {
    (severity.to_string(), path.to_string(), line)
}

#[test]
fn matrix_include_runs_on_expression_and_continuation_lines() {
    let r = report(case("matrix").path(), &[]);
    assert_eq!(status(&r, "ci-tests"), "pass");
    assert!(
        note(&r, "ci-tests")
            .contains("`cargo nextest run --workspace --locked` at .github/workflows/ci.yml:30"),
        "{}",
        note(&r, "ci-tests")
    );
    assert_eq!(status(&r, "ci-os-matrix"), "pass", "include: adds macOS");
    assert!(note(&r, "ci-fmt").contains("ci.yml:15"));
    assert!(
        note(&r, "ci-clippy").contains("ci.yml:16") && note(&r, "ci-clippy").contains("RUSTFLAGS"),
        "{}",
        note(&r, "ci-clippy")
    );
    assert_eq!(
        located(&r, "pinned-actions"),
        vec![at("warning", ".github/workflows/ci.yml", 26)]
    );
}

#[test]
fn pinned_actions_allow_list_from_config() {
    let dir = case("matrix");
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[pinned-actions]\nallow = [\"taiki-e/*\"]\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "pinned-actions"), "pass");
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[pinned-actions]\nallow = [\"taiki-e/install-action@v2\"]\n",
    )
    .unwrap();
    let out = common::run(dir.path(), &["--offline"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("readiness.toml") && stderr.contains('2'),
        "{stderr}"
    );
}

#[test]
fn yaml_anchors_are_followed_to_their_lines() {
    let r = report(case("anchors").path(), &[]);
    assert!(
        note(&r, "ci-tests").contains("ci.yml:10"),
        "{}",
        note(&r, "ci-tests")
    );
    // Both jobs run the aliased steps: Linux and Windows, not macOS.
    assert_eq!(status(&r, "ci-os-matrix"), "warn");
    assert_eq!(
        located(&r, "ci-os-matrix"),
        vec![at("warning", ".github/workflows/ci.yml", 7)]
    );
}

#[test]
fn reusable_workflow_and_composite_action() {
    let r = report(case("reusable").path(), &[]);
    assert!(
        note(&r, "ci-tests").contains(".github/workflows/test.yml:19"),
        "{}",
        note(&r, "ci-tests")
    );
    assert_eq!(
        status(&r, "ci-os-matrix"),
        "pass",
        "runs-on: ${{{{ inputs.os }}}} from the caller's matrix"
    );
    assert_eq!(status(&r, "ci-msrv"), "pass");
    assert!(
        note(&r, "ci-msrv").contains(".github/actions/setup/action.yml:10"),
        "{}",
        note(&r, "ci-msrv")
    );
    assert_eq!(
        located(&r, "pinned-actions"),
        vec![at("warning", ".github/actions/setup/action.yml", 12)]
    );
}

#[test]
fn pull_request_target_safe_and_dangerous() {
    let r = report(case("prt-safe").path(), &[]);
    assert_eq!(status(&r, "dangerous-workflow"), "pass");
    assert_eq!(
        located(&r, "dangerous-workflow"),
        vec![at("note", ".github/workflows/label.yml", 3)]
    );

    let dir = case("prt-dangerous");
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "dangerous-workflow"), "fail");
    assert_eq!(
        located(&r, "dangerous-workflow"),
        vec![
            at("error", ".github/workflows/bench.yml", 13),
            at("error", ".github/workflows/bench.yml", 18),
            at("error", ".github/workflows/bench.yml", 19),
        ]
    );
    // At its default level (strict profile) it fails the gate.
    let (code, r) = run_json(dir.path(), &["--profile", "strict"]);
    assert_eq!(code, 1);
    let reasons = r["gate"]["reasons"].to_string();
    assert!(reasons.contains("dangerous-workflow failed"), "{reasons}");
}

#[test]
fn tab_indented_workflow_is_located_and_the_others_still_count() {
    let r = report(case("tab-error").path(), &[]);
    assert_eq!(status(&r, "ci-present"), "warn");
    assert_eq!(
        located(&r, "ci-present"),
        vec![at("warning", ".github/workflows/broken.yml", 4)]
    );
    assert_eq!(status(&r, "ci-tests"), "pass");
    assert!(note(&r, "ci-tests").contains("ci.yml:10"));
}

#[test]
fn token_permissions_missing_write_all_and_unneeded_writes() {
    let r = report(case("permissions").path(), &[]);
    let found = located(&r, "token-permissions");
    assert!(
        found.contains(&at("warning", ".github/workflows/none.yml", 3)),
        "{found:?}"
    );
    assert!(
        found.contains(&at("error", ".github/workflows/release.yml", 5)),
        "{found:?}"
    );
    assert!(
        found.contains(&at("note", ".github/workflows/release.yml", 9)),
        "{found:?}"
    );
    assert!(
        found.contains(&at("warning", ".github/workflows/release.yml", 10)),
        "{found:?}"
    );
    assert_eq!(status(&r, "token-permissions"), "fail");
}

#[test]
fn install_pinning_lines() {
    let r = report(case("install").path(), &[]);
    let p = ".github/workflows/ci.yml";
    assert_eq!(
        located(&r, "install-pinning"),
        vec![
            at("warning", p, 9),
            at("warning", p, 11),
            at("error", p, 13),
            at("warning", p, 19),
            at("warning", p, 23),
            at("warning", p, 24),
            at("warning", p, 25),
            at("warning", p, 25),
            // baptiste0928/cargo-install without `version:` installs the
            // latest release; with one, it is pinned.
            at("warning", p, 27),
        ]
    );
    let messages: Vec<&str> = check(&r, "install-pinning")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(
            &"`cargo-minimal-versions` in `cargo install cargo-hack cargo-minimal-versions` is not pinned: no `--locked`, no version"
        ),
        "{messages:?}"
    );
}

#[test]
fn makefile_and_scripts_are_followed() {
    let r = report(case("makefile").path(), &[]);
    assert!(
        note(&r, "ci-tests").contains("scripts/test.sh:3"),
        "{}",
        note(&r, "ci-tests")
    );
    assert!(
        note(&r, "ci-fmt").contains("Makefile:4 (via make ci)"),
        "{}",
        note(&r, "ci-fmt")
    );
    assert!(
        note(&r, "ci-clippy").contains("Makefile:5"),
        "{}",
        note(&r, "ci-clippy")
    );
}

#[test]
fn gitlab_ci_basic() {
    let r = report(case("gitlab").path(), &[]);
    assert_eq!(status(&r, "ci-present"), "pass");
    assert!(
        note(&r, "ci-tests").contains(".gitlab-ci.yml:13"),
        "{}",
        note(&r, "ci-tests")
    );
    assert_eq!(status(&r, "ci-msrv"), "pass", "image: rust:1.70");
    assert_eq!(
        located(&r, "ci-os-matrix"),
        vec![at("error", ".gitlab-ci.yml", 9)]
    );
}

#[test]
fn release_workflow_parts() {
    let r = report(case("release").path(), &[]);
    assert_eq!(status(&r, "release-workflow"), "pass");
    assert_eq!(check(&r, "release-workflow")["score"].as_f64(), Some(70.0));
    assert_eq!(
        located(&r, "release-workflow"),
        vec![
            at("note", ".github/workflows/release.yml", 0),
            at("note", ".github/workflows/release.yml", 0),
        ]
    );
}

/// A tag-triggered docs deploy (`mike deploy`) ships nothing: `sbom` asks
/// the real release workflow for an SBOM, not it.
#[test]
fn a_docs_deploy_on_tags_is_not_asked_for_an_sbom() {
    let dir = case("release");
    std::fs::write(
        dir.path().join(".github/workflows/docs-release.yml"),
        "name: docs\non:\n  push:\n    tags: ['v*']\npermissions:\n  contents: write\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1\n        with:\n          persist-credentials: false\n      - run: uv run mike deploy --push --update-aliases \"$GITHUB_REF_NAME\" latest\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    let paths: Vec<String> = located(&r, "sbom").into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(paths, [".github/workflows/release.yml"], "{r:#}");
}

#[test]
fn committed_binaries_outside_test_data() {
    let dir = case("matrix");
    let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00";
    std::fs::create_dir_all(dir.path().join("tools")).unwrap();
    std::fs::create_dir_all(dir.path().join("tests/data")).unwrap();
    std::fs::write(dir.path().join("tools/helper"), elf).unwrap();
    std::fs::write(dir.path().join("tests/data/blob"), elf).unwrap();
    std::fs::write(dir.path().join("untracked.exe"), b"MZ\x90\x00").unwrap();
    git_commit_all(dir.path());
    git(dir.path(), &["rm", "-q", "--cached", "untracked.exe"]);
    let r = report(dir.path(), &[]);
    let found: Vec<(String, String)> = located(&r, "binary-artifacts")
        .into_iter()
        .map(|(s, p, _)| (s, p))
        .collect();
    assert_eq!(
        found,
        vec![
            ("note".to_string(), "tests/data/blob".to_string()),
            ("warning".to_string(), "tools/helper".to_string()),
        ]
    );
}

fn run_at_epoch(dir: &Path, epoch: &str) -> Value {
    let out = Command::new(common::bin())
        .args(["readiness", "--offline", "--format", "json"])
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn maintained_from_commit_dates() {
    let dir = case("matrix");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(["commit", "-q", "-m", "old"])
        .env("GIT_COMMITTER_DATE", "2020-01-01T00:00:00Z")
        .env("GIT_AUTHOR_DATE", "2020-01-01T00:00:00Z")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    // 2020-02-01: a month after the commit.
    let r = run_at_epoch(dir.path(), "1580515200");
    assert_eq!(status(&r, "maintained"), "pass");
    // 2021-01-01: a year after.
    let r = run_at_epoch(dir.path(), "1609459200");
    assert_eq!(status(&r, "maintained"), "warn");
    let message = check(&r, "maintained")["findings"][0]["message"].to_string();
    assert!(message.contains("366 days"), "{message}");
}

#[test]
fn ci_present_uses_the_default_branch() {
    let dir = case("matrix");
    let wf = dir.path().join(".github/workflows/ci.yml");
    let text = std::fs::read_to_string(&wf).unwrap();
    std::fs::write(
        &wf,
        text.replace(
            "branches: [main]\n  pull_request:\n",
            "branches: [develop]\n",
        ),
    )
    .unwrap();
    git_commit_all(dir.path());
    // Without origin/HEAD the default branch is unknown: `main` is
    // checked out and not covered, so a warning, not a failure.
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "ci-present"), "warn");
    let head = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    git(
        dir.path(),
        &["update-ref", "refs/remotes/origin/main", head.trim()],
    );
    git(
        dir.path(),
        &[
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main",
        ],
    );
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "ci-present"), "fail");
    assert_eq!(
        located(&r, "ci-present"),
        vec![at("error", ".github/workflows/ci.yml", 3)]
    );
}

#[test]
fn dependabot_without_actions_ecosystem() {
    let dir = case("matrix");
    std::fs::write(
        dir.path().join(".github/dependabot.yml"),
        "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n    schedule: { interval: weekly }\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "dependency-update-tool"), "warn");
    assert_eq!(
        located(&r, "dependency-update-tool"),
        vec![at("warning", ".github/dependabot.yml", 3)]
    );
}

/// `cargo clippy --version` prints a version; it analyses nothing.
#[test]
fn asking_clippy_its_version_is_not_running_it() {
    let dir = fixture("ci/base");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo clippy --version\n      - run: cargo test --locked\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "ci-tests"), "pass");
    assert_ne!(status(&r, "sast"), "pass", "{}", note(&r, "sast"));
    assert_ne!(status(&r, "ci-clippy"), "pass", "{}", note(&r, "ci-clippy"));
}

/// `cargo xtask ci` is followed through the alias, the `"ci"` match arm
/// and the functions it calls to the cargo commands they start; a task
/// that only builds credits nothing.
#[test]
fn xtask_tasks_are_followed_to_the_commands_they_run() {
    let dir = case("xtask");
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "ci-tests"), "pass", "{}", note(&r, "ci-tests"));
    assert!(
        note(&r, "ci-tests").contains("at tools/xtask/src/main.rs:29 (via cargo xtask ci)"),
        "{}",
        note(&r, "ci-tests")
    );
    assert_eq!(status(&r, "ci-fmt"), "pass", "{}", note(&r, "ci-fmt"));
    assert_eq!(status(&r, "ci-clippy"), "pass", "{}", note(&r, "ci-clippy"));
    assert!(
        note(&r, "ci-clippy").contains("tools/xtask/src/main.rs:22"),
        "{}",
        note(&r, "ci-clippy")
    );

    let workflow = dir.path().join(".github/workflows/ci.yml");
    let text = std::fs::read_to_string(&workflow).unwrap();
    std::fs::write(
        &workflow,
        text.replace("cargo xtask ci", "cargo xtask dist"),
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    assert_ne!(status(&r, "ci-tests"), "pass", "{}", note(&r, "ci-tests"));
    assert_ne!(status(&r, "ci-clippy"), "pass", "{}", note(&r, "ci-clippy"));
}

/// `cargo ${{ matrix.cargo_cmd }}` runs every `include:` entry's command,
/// each split into words the way the shell sees them.
#[test]
fn commands_from_matrix_include_entries() {
    let r = report(case("matrix-commands").path(), &[]);
    for id in ["ci-tests", "ci-fmt", "ci-clippy", "sast"] {
        assert_eq!(status(&r, id), "pass", "{id}: {}", note(&r, id));
        assert!(
            note(&r, id).contains(".github/workflows/ci.yml:19"),
            "{id}: {}",
            note(&r, id)
        );
    }
}

/// An MSRV job counts when the toolchain action is pinned by commit with
/// the version in its comment, and when the version is read from the
/// manifest at run time into a shell variable.
#[test]
fn msrv_by_sha_pin_comment_and_read_at_run_time() {
    let workflow = |steps: &str| {
        format!(
            "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  msrv:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n{steps}      - run: cargo check --workspace --locked\n"
        )
    };
    let cases = [
        (
            "      - uses: dtolnay/rust-toolchain@e97e2d8cc328f1b50210efc529dca0028893a2d9 # 1.85.0\n",
            Some("selects it at .github/workflows/ci.yml:9"),
        ),
        (
            "      - run: |\n          MSRV=$(cargo metadata --no-deps --format-version 1 | jq -r '.packages[0].rust_version')\n          rustup toolchain install \"$MSRV\" --profile minimal\n          echo \"RUSTUP_TOOLCHAIN=$MSRV\" >> \"$GITHUB_ENV\"\n",
            Some("reads it from Cargo.toml at run time"),
        ),
        // The comment names another version: not the MSRV.
        (
            "      - uses: dtolnay/rust-toolchain@e97e2d8cc328f1b50210efc529dca0028893a2d9 # 1.90.0\n",
            None,
        ),
        // futures-rs: taiki-e/install-action installs `rust@VERSION`.
        (
            "      - uses: taiki-e/install-action@v2\n        with:\n          tool: rust@1.85,cargo-hack\n",
            Some("selects it at .github/workflows/ci.yml:9"),
        ),
        // redis-rs: a trailing slash before `@` names the same action.
        (
            "      - uses: dtolnay/rust-toolchain/@master\n        with:\n          toolchain: 1.85.0\n",
            Some("selects it at .github/workflows/ci.yml:9"),
        ),
    ];
    for (steps, expected) in cases {
        let dir = fixture("ci/base");
        let manifest = dir.path().join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(
            &manifest,
            text.replace(
                "edition = \"2021\"",
                "edition = \"2021\"\nrust-version = \"1.85.0\"",
            ),
        )
        .unwrap();
        let workflows = dir.path().join(".github/workflows");
        std::fs::create_dir_all(&workflows).unwrap();
        std::fs::write(workflows.join("ci.yml"), workflow(steps)).unwrap();
        let r = report(dir.path(), &[]);
        match expected {
            Some(how) => {
                assert_eq!(
                    status(&r, "ci-msrv"),
                    "pass",
                    "{steps}: {}",
                    note(&r, "ci-msrv")
                );
                assert!(note(&r, "ci-msrv").contains(how), "{}", note(&r, "ci-msrv"));
            }
            None => assert_ne!(status(&r, "ci-msrv"), "pass", "{steps}"),
        }
    }
}

/// Steps inside a `parallel:` block are read like other steps: their
/// commands count, their actions are pinned or not, their scripts are
/// scanned for injection; a block-scalar `uses: |` is shown trimmed.
#[test]
fn parallel_step_blocks_are_steps() {
    let dir = case("parallel-steps");
    let r = report(dir.path(), &[]);
    let wf = ".github/workflows/ci.yml".to_string();
    assert_eq!(status(&r, "ci-tests"), "pass", "{}", note(&r, "ci-tests"));
    assert!(
        note(&r, "ci-tests").contains("ci.yml:13"),
        "{}",
        note(&r, "ci-tests")
    );
    let pins = &check(&r, "pinned-actions")["findings"];
    assert!(
        pins.as_array().unwrap().iter().any(|f| f["line"] == 16
            && f["message"]
                .as_str()
                .unwrap()
                .contains("`Swatinem/rust-cache@v2`")),
        "{pins}"
    );
    assert!(located(&r, "dangerous-workflow").contains(&("error".to_string(), wf, 18)));
}

/// An `issue_comment` workflow that checks out `refs/pull/N/head` runs a
/// stranger's code with a write token, as `pull_request_target` does; the
/// whole event expanded into a script is an injection.
#[test]
fn comment_triggered_checkout_and_whole_event_injection() {
    let dir = case("comment-checkout");
    let r = report(dir.path(), &[]);
    let wf = ".github/workflows/bench.yml".to_string();
    let found = located(&r, "dangerous-workflow");
    assert!(
        found.contains(&("error".to_string(), wf.clone(), 14)),
        "{found:?}"
    );
    assert!(
        found.contains(&("error".to_string(), wf.clone(), 16)),
        "{found:?}"
    );
    // A compared value is not the expression's value; a fallback to it is.
    assert!(!found.iter().any(|f| f.2 == 18), "{found:?}");
    assert!(found.contains(&("error".to_string(), wf, 19)), "{found:?}");
    assert_eq!(status(&r, "dangerous-workflow"), "fail");
}

/// A comment-triggered workflow that passes a pull request's ref and the
/// comment body to a local reusable workflow: the called file checks the
/// ref out and pastes the text into a script (cross's `try.yml` → `ci.yml`).
#[test]
fn untrusted_inputs_into_a_reusable_workflow() {
    let dir = case("reusable-checkout");
    let r = report(dir.path(), &[]);
    let called = ".github/workflows/checks.yml".to_string();
    let found = located(&r, "dangerous-workflow");
    assert!(
        found.contains(&("error".to_string(), called.clone(), 18)),
        "{found:?}"
    );
    assert!(
        found.contains(&("error".to_string(), called, 19)),
        "{found:?}"
    );
    assert_eq!(status(&r, "dangerous-workflow"), "fail");
    let messages = check(&r, "dangerous-workflow")["findings"].to_string();
    assert!(messages.contains("try.yml"), "{messages}");
}

/// The scripts a VM action runs (`vmactions/*-vm` `prepare:`/`run:`) are
/// the job's commands: their tests count, and their downloads are judged.
#[test]
fn scripts_in_vm_action_inputs() {
    let dir = case("vm-action");
    let r = report(dir.path(), &[]);
    let wf = ".github/workflows/ci.yml".to_string();
    let pins = located(&r, "install-pinning");
    assert!(pins.contains(&("error".to_string(), wf, 17)), "{pins:?}");
    assert_eq!(status(&r, "ci-tests"), "pass", "{}", note(&r, "ci-tests"));
    assert!(
        note(&r, "ci-tests").contains("ci.yml:19"),
        "{}",
        note(&r, "ci-tests")
    );
}

/// A script that wraps cargo in shell functions is read at the calls,
/// and a container's `sh -c '…'` string is commands of its job.
#[test]
fn shell_functions_and_container_command_strings() {
    let dir = case("shell-functions");
    let r = report(dir.path(), &[]);
    for (id, line) in [("ci-tests", 7), ("ci-clippy", 7), ("ci-fmt", 7)] {
        assert_eq!(status(&r, id), "pass", "{id}: {}", note(&r, id));
        assert!(
            note(&r, id).contains(&format!("ci/run.bash:{line}")),
            "{id}: {}",
            note(&r, id)
        );
    }
    assert!(note(&r, "ci-tests").contains("cargo test --locked --workspace"));
    assert_eq!(
        status(&r, "ci-os-matrix"),
        "pass",
        "{:?}",
        located(&r, "ci-os-matrix")
    );

    // Without the calls, the function body runs nothing known.
    let script = dir.path().join("ci/run.bash");
    let text = std::fs::read_to_string(&script).unwrap();
    let cut = text.split("target_cargo build").next().unwrap().to_string();
    std::fs::write(&script, cut).unwrap();
    let r = report(dir.path(), &[]);
    assert_ne!(status(&r, "ci-tests"), "pass", "{}", note(&r, "ci-tests"));
}

/// xtask tasks that clap parses into types (`Task::Format(args) =>
/// args.run()`), run through a helper given a list built before the call,
/// with `if self.check` read as the task's `--check` flag says.
#[test]
fn xtask_helpers_lists_and_flags() {
    let dir = case("xtask-helpers");
    let r = report(dir.path(), &[]);
    for (id, at) in [
        (
            "ci-fmt",
            "xtask/src/commands.rs:15 (via cargo xtask format)",
        ),
        (
            "ci-clippy",
            "xtask/src/commands.rs:26 (via cargo xtask clippy)",
        ),
        (
            "ci-tests",
            "xtask/src/main.rs:28 (via cargo xtask test-libs)",
        ),
    ] {
        assert_eq!(status(&r, id), "pass", "{id}: {}", note(&r, id));
        assert!(note(&r, id).contains(at), "{id}: {}", note(&r, id));
    }
    assert!(note(&r, "ci-fmt").contains("cargo fmt --all --check"));

    // Without `--check`, the same task rewrites files.
    let workflow = dir.path().join(".github/workflows/ci.yml");
    let text = std::fs::read_to_string(&workflow).unwrap();
    std::fs::write(&workflow, text.replace("format --check", "format")).unwrap();
    let r = report(dir.path(), &[]);
    assert_ne!(status(&r, "ci-fmt"), "pass", "{}", note(&r, "ci-fmt"));
}

/// A Python task runner started with `uvx` may run clippy where this tool
/// cannot see (`sast` warns, naming it, rather than fails), and `uvx TOOL`
/// without a version runs whatever is newest (`install-pinning`).
#[test]
fn python_task_runners_are_hidden_and_unpinned() {
    let dir = fixture("ci/base");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uvx nox -s clippy-all\n      - run: uvx ruff@0.6.9 check\n      - run: cargo test --locked\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "sast"), "warn", "{}", note(&r, "sast"));
    assert_eq!(
        located(&r, "install-pinning"),
        vec![at("warning", ".github/workflows/ci.yml", 8)]
    );
}

/// Download-and-run by any interpreter path or by `source <(…)`, and an
/// npm dist-tag (`npm@latest`), are not pinned installs.
#[test]
fn download_and_run_spellings_and_npm_dist_tags() {
    let dir = fixture("ci/base");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: /bin/bash -c \"$(curl --proto '=https' --tlsv1.2 -sSf https://setup.example.sh)\"\n      - run: source <(curl -s https://raw.githubusercontent.com/o/r/refs/heads/main/install)\n      - run: npm install -g npm@latest\n      - run: cargo test --locked\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(
        located(&r, "install-pinning"),
        vec![
            at("error", ".github/workflows/ci.yml", 8),
            at("error", ".github/workflows/ci.yml", 9),
            at("warning", ".github/workflows/ci.yml", 10),
        ]
    );
}

/// `cargo run` of the project's demo is not a formatter that "may" run:
/// with nothing else, `ci-fmt` fails; `cargo run -p xtask -- fmt` is a lead.
#[test]
fn cargo_run_of_a_demo_is_not_hidden_formatting() {
    let dir = fixture("ci/base");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let write = |step: &str| {
        std::fs::write(
            workflows.join("ci.yml"),
            format!("on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {step}\n      - run: cargo test --locked\n"),
        )
        .unwrap();
    };
    write("cargo run --manifest-path demo/Cargo.toml");
    assert_eq!(status(&report(dir.path(), &[]), "ci-fmt"), "fail");
    write("cargo run -p xtask -- fmt");
    assert_eq!(status(&report(dir.path(), &[]), "ci-fmt"), "warn");
}

/// A cargo alias from `.cargo/config.toml` runs what it stands for:
/// `cargo xfmt --check` is a format check, `cargo tt` runs the tests.
#[test]
fn cargo_aliases_are_read_as_what_they_run() {
    let dir = fixture("ci/base");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".cargo")).unwrap();
    std::fs::write(
        root.join(".cargo/config.toml"),
        "[alias]\nxfmt = \"fmt --all --\"\ntt = [\"test\", \"--workspace\"]\nlint = \"clippy --all-targets -- -D warnings\"\n",
    )
    .unwrap();
    let workflows = root.join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo xfmt --check\n      - run: cargo lint\n      - run: cargo tt --locked\n",
    )
    .unwrap();
    let r = report(root, &[]);
    for id in ["ci-fmt", "ci-clippy", "ci-tests", "sast"] {
        assert_eq!(status(&r, id), "pass", "{id}: {}", note(&r, id));
    }
    assert!(
        note(&r, "ci-tests").contains("alias"),
        "{}",
        note(&r, "ci-tests")
    );
}

/// A repository's own published `rustfmt` action (`sfackler/actions/rustfmt`)
/// is a format check, even though it is not in the table of known actions.
#[test]
fn an_action_named_rustfmt_is_a_format_check() {
    let dir = fixture("ci/base");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  fmt:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: sfackler/actions/rustfmt@master\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test --locked\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    assert_eq!(status(&r, "ci-fmt"), "pass", "{}", note(&r, "ci-fmt"));
}

/// A job that calls another repository's reusable workflow may run clippy
/// there: `ci-clippy`, `ci-fmt` and `sast` warn naming it, not fail.
#[test]
fn a_remote_reusable_workflow_is_hidden_work_not_absence() {
    let dir = fixture("ci/base");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  clippy:\n    uses: taiki-e/github-actions/.github/workflows/rust-clippy.yml@e6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test --locked\n",
    )
    .unwrap();
    let r = report(dir.path(), &[]);
    for id in ["ci-clippy", "ci-fmt", "sast"] {
        assert_eq!(status(&r, id), "warn", "{id}: {}", note(&r, id));
    }
    let messages = located(&r, "sast");
    assert_eq!(messages.len(), 1, "{messages:?}");
}

/// Windows CI on AppVeyor counts: its `test_script` runs the tests on the
/// image it names, beside GitHub's Linux and macOS jobs.
#[test]
fn appveyor_windows_jobs_count_for_the_os_matrix() {
    let dir = fixture("ci/base");
    let root = dir.path();
    let workflows = root.join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest]\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: cargo test --locked\n",
    )
    .unwrap();
    let before = report(root, &[]);
    assert_ne!(status(&before, "ci-os-matrix"), "pass");
    std::fs::write(
        root.join("appveyor.yml"),
        "image: Visual Studio 2022\nenvironment:\n  matrix:\n    - TARGET: x86_64-pc-windows-msvc\ninstall:\n  - appveyor DownloadFile https://win.rustup.rs/ -FileName rustup-init.exe\n  - rustup-init.exe -y --default-toolchain stable\nbuild: false\ntest_script:\n  - if %TARGET%==x86_64-pc-windows-msvc cargo test --locked\n  - ps: cargo build --release\n",
    )
    .unwrap();
    let after = report(root, &[]);
    assert_eq!(
        status(&after, "ci-os-matrix"),
        "pass",
        "{}",
        note(&after, "ci-os-matrix")
    );
    assert_eq!(status(&after, "ci-present"), status(&before, "ci-present"));
}
