//! SARIF output validated against the official SARIF 2.1.0 schema in
//! `../shared/schemas` (prints `skipped: ../shared not found` without it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn schemas() -> Option<PathBuf> {
    let shared = std::env::var_os("CARGO_READINESS_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let dir = shared.join("schemas/sarif");
    if dir.is_dir() {
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

fn validate(doc: &Value) {
    let Some(dir) = schemas() else { return };
    let schema: Value =
        serde_json::from_slice(&std::fs::read(dir.join("sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is not schema-valid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_for_failing_passing_and_erroring_runs() {
    // Findings of every severity, and a check that could not be evaluated.
    for (name, extra_env) in [
        ("dual-license-missing", None),
        ("good", None),
        ("good", Some("/nonexistent/advisory-db")),
    ] {
        let dir = common::fixture(name);
        let mut cmd = common::command(dir.path(), &["--offline", "--format", "sarif"]);
        if let Some(db) = extra_env {
            cmd.env("CARGO_READINESS_ADVISORY_DB", db);
        }
        let out = cmd.output().unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        if extra_env.is_some() {
            let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .unwrap();
            assert!(notes.iter().any(|n| {
                n["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("advisories could not be evaluated")
            }));
        }
        validate(&doc);
    }
}
