//! Report formats, extra outputs, quiet mode and baselines, through the
//! binary. Golden files in tests/golden/ pin every format's exact output on
//! one fixture (regenerate with `UPDATE_GOLDEN=1 cargo test --test outputs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{command, fixture, run};
use serde_json::Value;

/// Output with the machine-specific parts made stable.
fn normalise(text: &str, root: &Path) -> String {
    let root = std::fs::canonicalize(root).unwrap();
    let mut s = text.replace(&root.display().to_string(), "<ROOT>");
    // The fixture advisory database lives in the checkout, wherever that is.
    s = s.replace(env!("CARGO_MANIFEST_DIR"), "<REPO>");
    s = s.replace(env!("CARGO_PKG_VERSION"), "<VERSION>");
    // JUnit times vary run to run.
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("time=\"") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let end = rest.find('"').unwrap_or(0);
        out.push('0');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{name} differs from the golden file; run with UPDATE_GOLDEN=1 and review the diff"
    );
}

fn report(dir: &Path, format: &str) -> String {
    let out = run(dir, &["--offline", "--format", format, "--color", "never"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    normalise(&String::from_utf8_lossy(&out.stdout), dir)
}

#[test]
fn every_format_matches_its_golden_file() {
    let dir = fixture("dual-license-missing");
    for (format, file) in [
        ("human", "dual-license-missing.txt"),
        ("json", "dual-license-missing.json"),
        ("sarif", "dual-license-missing.sarif"),
        ("markdown", "dual-license-missing.md"),
        ("junit", "dual-license-missing.junit.xml"),
        ("badge", "dual-license-missing.badge.json"),
    ] {
        golden(file, &report(dir.path(), format));
    }
}

#[test]
fn sarif_shape() {
    let dir = fixture("dual-license-missing");
    let sarif: Value = serde_json::from_str(&report(dir.path(), "sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "cargo-readiness");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), cargo_readiness::checks::ALL.len());
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string() && r["help"]["markdown"].is_string());
        assert!(r["properties"]["category"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let rule = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], rule);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            !loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with('/')
        );
        assert_eq!(
            r["partialFingerprints"]["readiness/v1"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
    }
    let lf = results
        .iter()
        .find(|r| r["ruleId"] == "license-files")
        .unwrap();
    assert_eq!(lf["level"], "error");
    assert_eq!(
        lf["locations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );
    // A finding without a file points at Cargo.toml.
    let fileless = results
        .iter()
        .find(|r| r["ruleId"] == "codeowners")
        .unwrap();
    assert_eq!(
        fileless["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Cargo.toml"
    );
}

#[test]
fn markdown_links_findings_on_github() {
    let dir = fixture("dual-license-missing");
    let out = command(dir.path(), &["--offline", "--format", "markdown"])
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_SHA", "0123456789abcdef")
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains(
            "[`Cargo.toml:5`](https://github.com/acme/app/blob/0123456789abcdef/Cargo.toml#L5)"
        ),
        "{md}"
    );
    assert!(md.contains("<details>"));
}

#[test]
fn junit_and_badge() {
    let dir = fixture("dual-license-missing");
    let xml = report(dir.path(), "junit");
    assert!(xml.starts_with("<?xml"));
    // One case per check, and the gate's.
    assert_eq!(
        xml.matches("<testcase ").count(),
        cargo_readiness::checks::ALL.len() + 1
    );
    assert!(xml.contains("<failure type=\"license-files\""));
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );
    let badge: Value = serde_json::from_str(&report(dir.path(), "badge")).unwrap();
    assert_eq!(badge["schemaVersion"], 1);
    assert_eq!(badge["label"], "readiness");
    assert!(badge["message"].as_str().unwrap().parse::<f64>().is_ok());
}

#[test]
fn one_run_writes_several_outputs() {
    let dir = fixture("dual-license-missing");
    let out = run(
        dir.path(),
        &[
            "--offline",
            "--color",
            "always",
            "-o",
            "sarif=out/r.sarif",
            "--output",
            "markdown=summary.md",
            "-o",
            "human=report.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("gate"));
    // The missing `out/` directory is created.
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/r.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(dir.path().join("summary.md"))
            .unwrap()
            .starts_with("## cargo-readiness")
    );
    let human = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(!human.contains('\u{1b}'), "files get no colour");
    let bad = run(dir.path(), &["--offline", "-o", "nonsense=x"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn unwritable_output_is_exit_2_without_partial_file() {
    let dir = fixture("dual-license-missing");
    // A path under a regular file cannot be created.
    let out = run(
        dir.path(),
        &["--offline", "-o", "json=README.md/report.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("README.md/report.json"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

#[test]
fn quiet_prints_only_a_failing_verdict() {
    let dir = fixture("dual-license-missing");
    let out = run(dir.path(), &["--offline", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("gate FAILED") && err.contains("license-files"),
        "{err}"
    );
    let good = fixture("good");
    common::git_commit_all_tagged(good.path(), &["v0.1.0"]);
    let out = run(good.path(), &["--offline", "-q"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn baseline_round_trip_survives_line_shifts_and_catches_new_findings() {
    let dir = fixture("dual-license-missing");
    let before = run(dir.path(), &["--offline", "--format", "json"]);
    assert_eq!(before.status.code(), Some(1));
    let out = run(
        dir.path(),
        &[
            "--offline",
            "--write-baseline",
            "readiness-baseline.json",
            "-q",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "every finding is now known: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("readiness-baseline.json").is_file());

    // Shift every line of Cargo.toml: the license finding moves, its fingerprint does not.
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("# a comment\n# another\n\n{text}")).unwrap();
    let out = run(
        dir.path(),
        &[
            "--offline",
            "--baseline",
            "readiness-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lf = common::check(&r, "license-files");
    assert_eq!(lf["status"], "pass");
    assert_eq!(lf["findings"][0]["baselined"], true);
    assert_eq!(lf["findings"][0]["line"], 8);

    // A new finding is not in the baseline and fails the gate again.
    std::fs::remove_file(dir.path().join("SECURITY.md")).unwrap();
    let out = run(
        dir.path(),
        &[
            "--offline",
            "--baseline",
            "readiness-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    // No policy here, and the organisation's not looked for offline.
    assert_eq!(common::check(&r, "security-policy")["status"], "error");
    // Configured in readiness.toml too.
    std::fs::write(
        dir.path().join("readiness.toml"),
        "baseline = \"readiness-baseline.json\"\n",
    )
    .unwrap();
    let r: Value =
        serde_json::from_slice(&run(dir.path(), &["--offline", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(common::check(&r, "license-files")["status"], "pass");
    // A broken baseline is an error naming it.
    std::fs::write(dir.path().join("readiness-baseline.json"), "{").unwrap();
    let out = run(dir.path(), &["--offline"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("readiness-baseline.json"));
}
