//! Suppressions through the binary: an inline `readiness: ignore[…]`
//! comment and a `[[suppress]]` entry set one finding aside with its
//! reason; it stays in every report, stops counting, and stale, expired
//! or reasonless suppressions are said.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{check, fixture, run, run_json};
use serde_json::Value;

/// `dual-license-missing` fails `license-files` (deny) at Cargo.toml:5,
/// its only deny-level finding.
fn license_finding(report: &Value) -> &Value {
    let lf = check(report, "license-files");
    lf["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .expect("the Apache-2.0 finding")
}

fn insert_line(path: &Path, before_line: usize, text: &str) {
    let old = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<&str> = old.lines().collect();
    lines.insert(before_line - 1, text);
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn notes(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn inline_comment_sets_one_finding_aside_in_every_format() {
    let dir = fixture("dual-license-missing");
    let (code, before) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(check(&before, "license-files")["status"], "fail");
    assert_eq!(license_finding(&before)["line"], 5);

    insert_line(
        &dir.path().join("Cargo.toml"),
        5,
        "# readiness: ignore[license-files] the Apache-2.0 text ships from the umbrella repository",
    );
    let (_, after) = run_json(dir.path(), &[]);
    let lf = check(&after, "license-files");
    assert_eq!(lf["status"], "pass", "{lf}");
    assert!(lf["note"].as_str().unwrap().contains("1 suppressed"));
    let f = license_finding(&after);
    assert_eq!(f["line"], 6);
    assert_eq!(f["suppressed"]["kind"], "inline");
    assert_eq!(
        f["suppressed"]["reason"],
        "the Apache-2.0 text ships from the umbrella repository"
    );
    assert_eq!(f["suppressed"]["source"], "Cargo.toml:5");
    assert!(
        !after["gate"]["reasons"]
            .to_string()
            .contains("license-files"),
        "{}",
        after["gate"]
    );

    // SARIF: still a result, closed by an in-source suppression.
    let out = run(dir.path(), &["--offline", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "license-files" && r["level"] == "error")
        .expect("the suppressed result is still reported");
    assert_eq!(result["suppressions"][0]["kind"], "inSource");
    assert_eq!(result["suppressions"][0]["status"], "accepted");
    assert!(
        result["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("umbrella repository")
    );

    // Human: listed with its reason, not counted.
    let out = run(dir.path(), &["--offline", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("suppressed: `dual-license-missing` declares"),
        "{text}"
    );
    assert!(
        text.contains("why: the Apache-2.0 text ships from the umbrella repository (Cargo.toml:5)")
    );
    assert!(text.contains("1 finding(s) suppressed"));
    let row = text
        .lines()
        .find(|l| l.contains(" license-files "))
        .unwrap();
    assert!(row.trim_start().starts_with("pass"), "{row}");

    // JUnit: the suppressed finding is said as such.
    let out = run(dir.path(), &["--offline", "--format", "junit"]);
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(
        xml.contains("[suppressed: the Apache-2.0 text ships"),
        "{xml}"
    );
}

#[test]
fn inline_comment_without_reason_or_for_another_line_does_not_suppress() {
    let dir = fixture("dual-license-missing");
    let manifest = dir.path().join("Cargo.toml");
    insert_line(&manifest, 5, "# readiness: ignore[license-files]");
    insert_line(
        &manifest,
        2,
        "# readiness: ignore[license-file] a typo in the id",
    );
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(check(&r, "license-files")["status"], "fail");
    assert!(license_finding(&r)["suppressed"].is_null());
    let said = notes(&r);
    assert!(
        said.iter().any(|n| n.contains("Cargo.toml:6: `readiness: ignore[license-files]` gives no reason")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|n| n.contains("Cargo.toml:2: `readiness: ignore[license-file]` names no check")),
        "{said:?}"
    );

    // A comment with a reason, but two lines away: stale, and said so.
    let dir = fixture("dual-license-missing");
    insert_line(
        &dir.path().join("Cargo.toml"),
        2,
        "# readiness: ignore[license-files] wrong place",
    );
    let (_, r) = run_json(dir.path(), &[]);
    assert_eq!(check(&r, "license-files")["status"], "fail");
    assert!(
        notes(&r).iter().any(|n| n.contains(
            "Cargo.toml:2: `readiness: ignore[license-files]` matches no finding of `license-files` on this line or the next; remove it"
        )),
        "{:?}",
        notes(&r)
    );
}

#[test]
fn config_entry_suppresses_by_path_and_text_until_its_date() {
    let dir = fixture("dual-license-missing");
    let config = dir.path().join("readiness.toml");
    std::fs::write(
        &config,
        "[[suppress]]\ncheck = \"license-files\"\npath = \"Cargo.toml\"\nmatch = \"Apache\"\nreason = \"the Apache-2.0 text ships from the umbrella repository\"\nuntil = \"2027-01-01\"\n\n[[suppress]]\ncheck = \"manifest-metadata\"\nmatch = \"no such message\"\nreason = \"stale\"\n",
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    assert_eq!(check(&r, "license-files")["status"], "pass");
    let f = license_finding(&r);
    assert_eq!(f["suppressed"]["kind"], "config");
    assert_eq!(f["suppressed"]["source"], "readiness.toml:1");
    assert_eq!(
        notes(&r),
        [
            "suppression: readiness.toml:8: the suppression of `manifest-metadata` matches no finding; remove it"
        ]
    );

    // Past its date it stops suppressing, and says so.
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("2027-01-01", "2026-05-01")).unwrap();
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(check(&r, "license-files")["status"], "fail");
    assert!(
        notes(&r).iter().any(|n| n.contains(
            "readiness.toml:1: the suppression of `license-files` expired on 2026-05-01; its 1 finding(s) count again"
        )),
        "{:?}",
        notes(&r)
    );
}

#[test]
fn config_entry_without_reason_or_scope_is_a_config_error() {
    for (body, expected) in [
        (
            "[[suppress]]\ncheck = \"license-files\"\npath = \"Cargo.toml\"\n",
            "needs a `reason`",
        ),
        (
            "[[suppress]]\ncheck = \"license-files\"\nreason = \"why\"\n",
            "needs a `path` or a `match`",
        ),
        (
            "[[suppress]]\ncheck = \"license-file\"\npath = \"Cargo.toml\"\nreason = \"why\"\n",
            "no such check; did you mean license-files?",
        ),
        (
            "[[suppress]]\ncheck = \"license-files\"\npath = \"Cargo.toml\"\nreason = \"why\"\nuntil = \"soon\"\n",
            "is not a date (YYYY-MM-DD)",
        ),
    ] {
        let dir = fixture("dual-license-missing");
        std::fs::write(dir.path().join("readiness.toml"), body).unwrap();
        let out = run(dir.path(), &["--offline"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {stderr}");
        assert!(stderr.contains("readiness.toml:1"), "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}
