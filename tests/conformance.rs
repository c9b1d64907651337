//! Conformance against upstream data in `../shared` (run by `.ci/run` with
//! `CARGO_READINESS_CONFORMANCE` set): the same findings as cargo-audit on
//! the same lockfiles and the real RustSec database snapshot.
//!
//! Without `../shared` these tests print `skipped: ../shared not found`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// `CARGO_READINESS_CONFORMANCE`, else `../shared` beside the repository.
fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("CARGO_READINESS_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if dir.join("advisory-db").is_dir() {
        Some(dir)
    } else {
        {
            // Straight to stderr: libtest captures print!/eprint!, and the
            // skip must be visible in a plain `cargo test`.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "skipped: ../shared not found");
        };
        None
    }
}

type Triple = (String, String, String);

fn vulnerabilities(report: &Value) -> BTreeSet<Triple> {
    report["vulnerabilities"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["advisory"]["id"].as_str().unwrap().to_string(),
                v["package"]["name"].as_str().unwrap().to_string(),
                v["package"]["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Informational warnings as (kind:id, crate, version); yank status is left
/// out (it depends on the machine's index cache, not on the database).
fn warnings(report: &Value) -> BTreeSet<Triple> {
    let mut out = BTreeSet::new();
    for (kind, list) in report["warnings"].as_object().unwrap() {
        if kind == "yanked" {
            continue;
        }
        for w in list.as_array().unwrap() {
            out.insert((
                format!("{kind}:{}", w["advisory"]["id"].as_str().unwrap()),
                w["package"]["name"].as_str().unwrap().to_string(),
                w["package"]["version"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

fn conform(fixture: &str) {
    let Some(shared) = shared() else { return };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/conformance")
        .join(fixture);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected-cargo-audit.json")).unwrap(),
    )
    .unwrap();
    let out = common::command(
        &dir,
        &[
            "audit",
            "--offline",
            "--format",
            "json",
            "--lockfile",
            "Cargo.lock",
        ],
    )
    .env("CARGO_READINESS_ADVISORY_DB", shared.join("advisory-db"))
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        vulnerabilities(&ours),
        vulnerabilities(&expected),
        "vulnerabilities differ from cargo-audit's"
    );
    assert_eq!(
        warnings(&ours),
        warnings(&expected),
        "warnings differ from cargo-audit's"
    );
    assert_eq!(
        ours["vulnerabilities"]["count"],
        expected["vulnerabilities"]["count"]
    );
    assert_eq!(
        ours["lockfile"]["dependency-count"],
        expected["lockfile"]["dependency-count"]
    );
    assert_eq!(
        ours["database"]["advisory-count"],
        expected["database"]["advisory-count"]
    );
    // Every key cargo-audit writes is in ours, at every level we share.
    for key in expected.as_object().unwrap().keys() {
        assert!(ours.get(key).is_some(), "missing top-level key {key}");
    }
    let (theirs, mine) = (
        &expected["vulnerabilities"]["list"][0],
        &ours["vulnerabilities"]["list"][0],
    );
    for key in theirs.as_object().unwrap().keys() {
        assert!(mine.get(key).is_some(), "missing vulnerability key {key}");
    }
    for key in theirs["advisory"].as_object().unwrap().keys() {
        assert!(
            mine["advisory"].get(key).is_some(),
            "missing advisory key {key}"
        );
    }
}

#[test]
fn old_web_matches_cargo_audit() {
    conform("old-web");
}

#[test]
fn old_cli_matches_cargo_audit() {
    conform("old-cli");
}
