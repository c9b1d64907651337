//! End-to-end tests: the real binary on fixture repositories.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    check, fixture, git_commit_all, git_commit_all_tagged, ids_with_status, run, run_json,
};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn good_repo_passes_production() {
    let dir = fixture("good");
    git_commit_all_tagged(dir.path(), &["v0.1.0"]);
    let (code, report) = run_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["gate"]["passed"], true);
    assert_eq!(report["profile"], "production");
    assert!(report["score"].as_f64().unwrap() >= 75.0);
    assert!(
        ids_with_status(&report, &["fail", "error", "warn"]).is_empty(),
        "{report:#}"
    );
}

#[test]
fn json_matches_the_contract() {
    let dir = fixture("good");
    let (_, r) = run_json(dir.path(), &[]);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "cargo-readiness");
    assert!(r["tool"]["version"].is_string());
    assert!(r["root"].is_string());
    assert!(r["score"].is_number());
    for key in ["passed", "min_score", "reasons"] {
        assert!(!r["gate"][key].is_null(), "gate.{key}");
    }
    let categories = r["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 6);
    let weights: u64 = categories
        .iter()
        .map(|c| c["weight"].as_u64().unwrap())
        .sum();
    assert_eq!(weights, 100);
    for c in r["checks"].as_array().unwrap() {
        for key in ["id", "category", "level", "status", "weight", "findings"] {
            assert!(!c[key].is_null(), "check.{key} in {c}");
        }
        for f in c["findings"].as_array().unwrap() {
            for key in ["severity", "message", "fingerprint"] {
                assert!(f[key].is_string(), "finding.{key} in {f}");
            }
            assert!(f.get("path").is_some() && f.get("line").is_some() && f.get("help").is_some());
        }
    }
}

#[test]
fn bare_repo_fails_with_exact_checks() {
    let dir = fixture("bare");
    git_commit_all(dir.path());
    let (code, report) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let mut failed = ids_with_status(&report, &["fail", "error"]);
    failed.sort();
    assert_eq!(
        failed,
        [
            "changelog",
            "ci-audit",
            "ci-clippy",
            "ci-fmt",
            "ci-present",
            "ci-tests",
            "code-of-conduct",
            "codeowners",
            "contributing",
            "dependency-update-tool",
            "issue-templates",
            "license-files",
            "lockfile",
            "manifest-metadata",
            "pr-template",
            "readme",
            "sast",
            "security-policy"
        ]
    );
    let reasons: Vec<&str> = report["gate"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for id in [
        "security-policy",
        "lockfile",
        "ci-present",
        "ci-tests",
        "license-files",
    ] {
        assert!(
            reasons.iter().any(|r| r.starts_with(id)),
            "{id} not in {reasons:?}"
        );
    }
    // warn-level checks do not gate. No changelog is `changelog`'s finding
    // (warn by default); with no links to check, `changelog-links` skips
    // rather than fail the gate a second time for the same file.
    assert!(
        !reasons
            .iter()
            .any(|r| r.starts_with("readme") || r.starts_with("changelog"))
    );
    assert_eq!(check(&report, "changelog-links")["status"], "skip");
    // cargo metadata must not leave a Cargo.lock behind in the user's repo
    assert!(!dir.path().join("Cargo.lock").exists());
}

#[test]
fn dual_license_with_one_file_names_the_missing_license() {
    let dir = fixture("dual-license-missing");
    let (code, report) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let lf = check(&report, "license-files");
    assert_eq!(lf["status"], "fail");
    let findings = lf["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let msg = findings[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("Apache-2.0") && !msg.contains("no file holds the MIT"),
        "{msg}"
    );
    assert_eq!(findings[0]["path"], "Cargo.toml");
    assert_eq!(findings[0]["line"], 5);
}

/// chrono's shape: one `LICENSE.txt` with a preamble, the MIT text and
/// the Apache text, for `MIT OR Apache-2.0`.
#[test]
fn one_file_holding_both_texts_of_a_dual_license() {
    let dir = fixture("dual-license-missing");
    let mit = std::fs::read_to_string(dir.path().join("LICENSE-MIT")).unwrap();
    let apache = spdx::license_id("Apache-2.0").unwrap().text();
    std::fs::remove_file(dir.path().join("LICENSE-MIT")).unwrap();
    std::fs::write(
        dir.path().join("LICENSE.txt"),
        format!(
            "This crate is dual-licensed under MIT [1] and Apache 2.0 [2].\n\n\
             [1]: reproduced below:\n\n~~~~\n{mit}\n~~~~\n\n[2]: reproduced below:\n\n~~~~\n{apache}\n~~~~\n"
        ),
    )
    .unwrap();
    let (_, report) = run_json(dir.path(), &[]);
    let lf = check(&report, "license-files");
    assert_eq!(lf["status"], "pass", "{lf:#}");

    // The preamble alone names both, but holds neither.
    std::fs::write(
        dir.path().join("LICENSE.txt"),
        "This crate is dual-licensed under MIT and Apache 2.0.\n",
    )
    .unwrap();
    let (_, report) = run_json(dir.path(), &[]);
    assert_eq!(check(&report, "license-files")["status"], "fail");
}

#[test]
fn bsd_text_under_mit_manifest() {
    let dir = fixture("bsd-under-mit");
    let (_, report) = run_json(dir.path(), &[]);
    let lf = check(&report, "license-files");
    assert_eq!(lf["status"], "fail");
    let f = &lf["findings"][0];
    assert_eq!(f["path"], "LICENSE");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("BSD-3-Clause") && msg.contains("MIT"), "{msg}");
}

#[test]
fn security_policy_without_contact_points_at_line() {
    let dir = fixture("security-no-contact");
    let (code, report) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let sp = check(&report, "security-policy");
    assert_eq!(sp["status"], "fail");
    let error = sp["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .unwrap();
    assert_eq!(error["path"], "SECURITY.md");
    assert_eq!(error["line"], 5);
}

#[test]
fn workspace_with_three_members() {
    let dir = fixture("workspace");
    git_commit_all_tagged(dir.path(), &["v0.2.0"]);
    let (code, report) = run_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert!(
        ids_with_status(&report, &["fail", "error"]).is_empty(),
        "{report:#}"
    );
    // Running from inside a member finds the workspace root, like cargo.
    let (code, report) = run_json(&dir.path().join("crates/ws-cli"), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::canonicalize(report["root"].as_str().unwrap()).unwrap(),
        std::fs::canonicalize(dir.path()).unwrap()
    );
}

#[test]
fn workspace_member_missing_license_is_reported_per_member() {
    let dir = fixture("workspace");
    let manifest = dir.path().join("crates/ws-util/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("license.workspace = true\n", "")).unwrap();
    let (_, report) = run_json(dir.path(), &[]);
    let findings = check(&report, "license-files")["findings"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["path"], "crates/ws-util/Cargo.toml");
    assert!(findings[0]["message"].as_str().unwrap().contains("ws-util"));
}

#[test]
fn malformed_manifest_exits_2_naming_file_and_line() {
    let dir = fixture("malformed-manifest");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("Cargo.toml:3"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn malformed_config_exits_2_naming_file_key_and_line() {
    let dir = fixture("malformed-config");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("readiness.toml:4"), "{err}");
    assert!(err.contains("min_scor"), "{err}");
}

#[test]
fn unknown_check_in_config_is_an_error_with_suggestion() {
    let dir = fixture("good");
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[checks]\nlicence-files = \"warn\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("readiness.toml:2") && err.contains("license-files"),
        "{err}"
    );
}

#[test]
fn config_in_cargo_toml_metadata_is_honoured() {
    let dir = fixture("security-no-contact");
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[workspace.metadata.readiness.checks]\nsecurity-policy = \"warn\"\n"),
    )
    .unwrap();
    let (code, report) = run_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(check(&report, "security-policy")["level"], "warn");
    assert_eq!(
        report["config"],
        "Cargo.toml [workspace.metadata.readiness]"
    );
}

#[test]
fn not_a_cargo_project_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Cargo.toml"), "{}", stderr(&out));
    let out = run(dir.path(), &["--manifest-path", "nope/Cargo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope/Cargo.toml"));
}

#[test]
fn manifest_path_and_both_invocations_work() {
    let dir = fixture("good");
    let manifest = dir.path().join("Cargo.toml");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = run(
        elsewhere.path(),
        &["--offline", "--manifest-path", manifest.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // Direct invocation, without the `readiness` subcommand name cargo adds.
    let mut cmd = std::process::Command::new(common::bin());
    common::isolate(&mut cmd);
    let out = cmd
        .args(["--offline", "--manifest-path", manifest.to_str().unwrap()])
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn profile_and_min_score_flags() {
    let dir = fixture("security-no-contact");
    let (code, r) = run_json(dir.path(), &["--profile", "minimal"]);
    assert_eq!(code, 0);
    assert_eq!(r["profile"], "minimal");
    assert_eq!(r["gate"]["min_score"], 0.0);
    let (code, r) = run_json(dir.path(), &["--profile", "minimal", "--min-score", "100"]);
    assert_eq!(code, 1);
    assert!(
        r["gate"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("below the minimum 100")
    );
    let out = run(dir.path(), &["--min-score", "120"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn human_report_shows_findings_with_location_and_fix() {
    let dir = fixture("dual-license-missing");
    let out = run(dir.path(), &["--offline"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("license-files"), "{text}");
    assert!(text.contains("--> Cargo.toml:5"), "{text}");
    assert!(text.contains("help: add LICENSE-APACHE"), "{text}");
    assert!(text.contains("gate FAILED"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR must disable ANSI colour"
    );
    let out = run(dir.path(), &["--offline", "--color", "always"]);
    assert!(stdout(&out).contains('\u{1b}'));
}

#[test]
fn list_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for id in [
        "license-files",
        "security-policy",
        "changelog",
        "ci-present",
        "lockfile",
        "readme",
    ] {
        assert!(text.contains(id), "{id} missing from list");
    }
    let out = run(dir.path(), &["explain", "license-files"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("## How to fix"));
    let out = run(dir.path(), &["explain", "licence-file"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean: license-files"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")));
    let out = run(dir.path(), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Examples:"));
    let out = run(dir.path(), &["--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn without_git_the_run_degrades_instead_of_failing() {
    let dir = fixture("good");
    let out = common::command(dir.path(), &["--offline", "--format", "json"])
        .env("CARGO_READINESS_GIT", "/nonexistent/git")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lock = check(&report, "lockfile");
    assert_eq!(lock["findings"][0]["severity"], "warning");
    assert_eq!(
        lock["status"], "warn",
        "could not verify: never a silent pass"
    );
}

#[test]
fn unresolvable_dependency_offline_degrades_with_a_note() {
    let dir = fixture("good");
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "[workspace]",
            "[dependencies]\nnot-fetched = { git = \"https://example.invalid/not-fetched.git\" }\n\n[workspace]",
        ),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("Cargo.lock")).unwrap();
    let (code, report) = run_json(dir.path(), &[]);
    assert_ne!(code, 2, "{report:#}");
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("cargo metadata")),
        "{notes:?}"
    );
    assert_eq!(check(&report, "license-files")["status"], "pass");
}

#[test]
fn broken_workflow_yaml_is_a_located_finding() {
    let dir = fixture("good");
    std::fs::write(
        dir.path().join(".github/workflows/broken.yml"),
        "on: push\njobs:\n\t  x: 1\n",
    )
    .unwrap();
    let (_, report) = run_json(dir.path(), &[]);
    let ci = check(&report, "ci-present");
    assert_eq!(ci["status"], "warn");
    let f = &ci["findings"][0];
    assert_eq!(f["path"], ".github/workflows/broken.yml");
    assert_eq!(f["line"], 3);
}

#[test]
fn binary_and_huge_governance_files_do_not_crash() {
    let dir = fixture("good");
    std::fs::write(dir.path().join("SECURITY.md"), b"\x00\x01\x02binary").unwrap();
    let big = "x".repeat(17 * 1024 * 1024);
    std::fs::write(dir.path().join("CHANGELOG.md"), big).unwrap();
    let (code, report) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let sp = check(&report, "security-policy");
    assert!(
        sp["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("binary")
    );
    let cl = check(&report, "changelog");
    assert!(
        cl["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("limit"),
        "{cl}"
    );
}

#[test]
fn uninstalled_pinned_toolchain_is_retried_with_the_running_one() {
    let dir = fixture("good");
    std::fs::write(
        dir.path().join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"1.60.0\"\n",
    )
    .unwrap();
    let (code, report) = run_json(dir.path(), &[]);
    // With rustup, cargo refuses to run under the missing toolchain and the
    // tool retries; without rustup the pin is ignored. Either way it runs.
    assert_eq!(code, 0, "{report:#}");
    for note in report["notes"].as_array().unwrap() {
        let note = note.as_str().unwrap();
        assert!(note.contains("toolchain"), "unexpected note: {note}");
    }
}

/// Another cargo holding the package cache makes `cargo metadata` wait:
/// the user hears about it at once, not after a silent minute.
#[cfg(unix)]
#[test]
fn waiting_for_cargos_package_cache_lock_is_said() {
    let has_flock = std::process::Command::new("flock")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_flock {
        println!("skipped: flock(1) not installed");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let lock = home.path().join(".package-cache");
    std::fs::write(&lock, "").unwrap();
    let mut holder = std::process::Command::new("flock")
        .arg(&lock)
        .args(["sleep", "3"])
        .spawn()
        .unwrap();
    // flock has the lock once the file is locked; give it a moment.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let dir = common::fixture("good");
    let out = common::command(dir.path(), &["--offline", "--format", "json"])
        .env("CARGO_HOME", home.path())
        .output()
        .unwrap();
    let _ = holder.wait();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "waiting for the file lock on the package cache, held by another cargo process"
        ),
        "{err}"
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
}
