//! `cargo readiness audit` and the `advisories`/`yanked` checks, end to end,
//! on the invented advisory database in fixtures/advisory-db.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{check, command, fixture, fixture_db, run, run_json};
use serde_json::Value;

fn audit_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["audit", "--offline", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

fn vuln_set(report: &Value) -> BTreeSet<(String, String, String)> {
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

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn audit_finds_exactly_the_affected_packages() {
    let dir = fixture("audit/vulnerable");
    let (code, r) = audit_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        vuln_set(&r),
        set(&[
            ("RUSTSEC-2026-9001", "acme-http", "1.2.0"),
            ("RUSTSEC-2026-9008", "acme-devtool", "0.5.1"),
            ("RUSTSEC-2026-9009", "acme-winonly", "3.0.2"),
            ("RUSTSEC-2026-9011", "acme-expired", "1.0.0"),
            ("RUSTSEC-2026-9012", "acme-fresh", "0.1.0"),
            ("RUSTSEC-2026-9013", "acme-bytes", "0.9.0"),
        ]),
        "patched (acme-tls), unaffected (acme-old), withdrawn and ignored advisories are not reported"
    );
    assert_eq!(r["vulnerabilities"]["found"], true);
    assert_eq!(r["vulnerabilities"]["count"], 6);
    assert_eq!(r["lockfile"]["dependency-count"], 14);
    assert_eq!(r["database"]["advisory-count"], 13);
    assert_eq!(r["schema_version"], 1);
    for kind in ["unmaintained", "unsound", "notice"] {
        assert_eq!(
            r["warnings"][kind].as_array().map(Vec::len),
            Some(1),
            "{kind}: {r:#}"
        );
    }
}

#[test]
fn vulnerabilities_carry_kinds_paths_fixes_and_gating() {
    let dir = fixture("audit/vulnerable");
    let (_, r) = audit_json(dir.path(), &[]);
    let find = |name: &str| {
        r["vulnerabilities"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["package"]["name"] == name)
            .cloned()
            .unwrap()
    };
    let bytes = find("acme-bytes");
    assert_eq!(bytes["kinds"], serde_json::json!(["normal"]));
    assert_eq!(
        bytes["paths"][0],
        serde_json::json!(["app 0.1.0", "acme-http 1.2.0", "acme-bytes 0.9.0"])
    );
    assert_eq!(bytes["fix"], "0.9.1");
    assert_eq!(bytes["gating"], "deny");
    assert_eq!(
        bytes["advisory"]["cvss"],
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"
    );
    let dev = find("acme-devtool");
    assert_eq!(dev["kinds"], serde_json::json!(["dev"]));
    assert_eq!(dev["gating"], "dev-only");
    let fresh = find("acme-fresh");
    assert_eq!(fresh["gating"], "grace");
    assert_eq!(fresh["fails_on"], "2026-06-04");
    let http = find("acme-http");
    assert_eq!(
        http["advisory"]["aliases"],
        serde_json::json!(["CVE-2026-90001", "GHSA-aaaa-bbbb-cccc"])
    );
}

#[test]
fn ignores_are_reported_with_their_source() {
    let dir = fixture("audit/vulnerable");
    let (_, r) = audit_json(dir.path(), &[]);
    let ignored = r["ignored"].as_array().unwrap();
    assert_eq!(ignored.len(), 1);
    assert_eq!(ignored[0]["advisory"], "RUSTSEC-2026-9010");
    assert_eq!(
        ignored[0]["id"], "GHSA-ignr-ignr-ignr",
        "matched through the alias"
    );
    assert_eq!(ignored[0]["source"], "readiness.toml:7");
    assert_eq!(ignored[0]["until"], "2026-12-31");
    let out = run(dir.path(), &["audit", "--offline"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ignore expired on 2026-05-31 (readiness.toml:9)"),
        "{text}"
    );
    assert!(
        text.contains("ignore of RUSTSEC-2020-0001 (readiness.toml:11) matches nothing"),
        "{text}"
    );
}

#[test]
fn grace_period_ends() {
    let dir = fixture("audit/vulnerable");
    let out = command(dir.path(), &["audit", "--offline", "--format", "json"])
        .env("CARGO_READINESS_TODAY", "2026-06-10")
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fresh = r["vulnerabilities"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["package"]["name"] == "acme-fresh")
        .cloned()
        .unwrap();
    assert_eq!(fresh["gating"], "deny");
}

#[test]
fn target_leaves_out_other_platforms() {
    let dir = fixture("audit/vulnerable");
    let (_, linux) = audit_json(dir.path(), &["--target", "x86_64-unknown-linux-gnu"]);
    assert!(!vuln_set(&linux).iter().any(|(_, n, _)| n == "acme-winonly"));
    let (_, windows) = audit_json(dir.path(), &["--target", "x86_64-pc-windows-msvc"]);
    assert!(
        vuln_set(&windows)
            .iter()
            .any(|(_, n, _)| n == "acme-winonly")
    );
    let out = run(dir.path(), &["audit", "--offline", "--target", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cli_ignore_and_deny_warnings() {
    let dir = fixture("audit/vulnerable");
    std::fs::remove_file(dir.path().join("readiness.toml")).unwrap();
    let mut args = vec!["audit", "--offline", "--format", "json"];
    for id in [
        "RUSTSEC-2026-9001",
        "RUSTSEC-2026-9008",
        "RUSTSEC-2026-9009",
        "RUSTSEC-2026-9010",
        "RUSTSEC-2026-9011",
        "RUSTSEC-2026-9012",
        "RUSTSEC-2026-9013",
    ] {
        args.push("--ignore");
        args.push(id);
    }
    let out = run(dir.path(), &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    args.extend(["--deny", "unmaintained"]);
    assert_eq!(run(dir.path(), &args).status.code(), Some(1));
}

#[test]
fn other_tools_ignore_lists_are_honoured() {
    let dir = fixture("audit/vulnerable");
    std::fs::remove_file(dir.path().join("readiness.toml")).unwrap();
    std::fs::create_dir_all(dir.path().join(".cargo")).unwrap();
    std::fs::write(
        dir.path().join(".cargo/audit.toml"),
        "[advisories]\nignore = [\"RUSTSEC-2026-9001\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("deny.toml"),
        "[advisories]\nignore = [\n  { id = \"RUSTSEC-2026-9013\", reason = \"bounds checked by caller\" },\n]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("osv-scanner.toml"),
        "[[IgnoredVulns]]\nid = \"CVE-2026-90001\"\nignoreUntil = 2026-01-01T00:00:00Z\nreason = \"expired\"\n",
    )
    .unwrap();
    let (_, r) = audit_json(dir.path(), &[]);
    let sources: BTreeSet<String> = r["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}={}",
                i["advisory"].as_str().unwrap(),
                i["source"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        sources.contains("RUSTSEC-2026-9001=.cargo/audit.toml:2"),
        "{sources:?}"
    );
    assert!(
        sources.contains("RUSTSEC-2026-9013=deny.toml:3"),
        "{sources:?}"
    );
    assert!(
        !vuln_set(&r)
            .iter()
            .any(|(id, _, _)| id == "RUSTSEC-2026-9013")
    );
}

#[test]
fn any_lockfile_without_a_workspace() {
    let dir = fixture("audit/vulnerable");
    let elsewhere = tempfile::tempdir().unwrap();
    let lock = dir.path().join("Cargo.lock");
    let (code, r) = audit_json(elsewhere.path(), &["--lockfile", lock.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(vuln_set(&r).contains(&(
        "RUSTSEC-2026-9001".into(),
        "acme-http".into(),
        "1.2.0".into()
    )));
    // A lone lockfile (no manifest beside it): kinds are unknown, paths still found.
    let lone = elsewhere.path().join("Cargo.lock");
    std::fs::copy(&lock, &lone).unwrap();
    let (_, r) = audit_json(elsewhere.path(), &["--lockfile", "Cargo.lock"]);
    let http = r["vulnerabilities"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["package"]["name"] == "acme-http")
        .cloned()
        .unwrap();
    assert_eq!(http["kinds"], serde_json::json!(["unknown"]));
    assert_eq!(http["paths"][0][0], "app 0.1.0");
}

#[test]
fn old_lockfile_formats_parse() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"acme-http 1.2.0 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n[[package]]\nname = \"acme-http\"\nversion = \"1.2.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[metadata]\n\"checksum acme-http 1.2.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"0000000000000000000000000000000000000000000000000000000000000000\"\n";
    std::fs::write(dir.path().join("v1.lock"), v1).unwrap();
    let (code, r) = audit_json(dir.path(), &["--lockfile", "v1.lock"]);
    assert_eq!(code, 1);
    assert_eq!(
        vuln_set(&r),
        set(&[("RUSTSEC-2026-9001", "acme-http", "1.2.0")])
    );
}

#[test]
fn corrupt_lockfile_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.lock"), "[[package]]\nname = \n").unwrap();
    let out = run(
        dir.path(),
        &["audit", "--offline", "--lockfile", "Cargo.lock"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Cargo.lock"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn a_missing_lockfile_is_missing_not_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["audit", "--offline", "--lockfile", "Cargo.lock"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no lock file at") && err.contains("Cargo.lock"),
        "{err}"
    );
    assert!(err.contains("cargo generate-lockfile"), "{err}");
    assert!(!err.contains("malformed"), "{err}");
}

#[test]
fn malformed_advisory_is_named_and_exits_2() {
    let db = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture_db(), db.path());
    std::fs::write(
        db.path().join("crates/acme-http/RUSTSEC-2026-9001.md"),
        "```toml\n[advisory]\nid = \n```\n",
    )
    .unwrap();
    let dir = fixture("audit/vulnerable");
    let out = command(dir.path(), &["audit", "--offline"])
        .env("CARGO_READINESS_ADVISORY_DB", db.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("RUSTSEC-2026-9001.md"), "{err}");
    // The rest of the database was still used.
    assert!(String::from_utf8_lossy(&out.stdout).contains("RUSTSEC-2026-9013"));
}

#[test]
fn no_database_offline_is_an_error_never_a_pass() {
    let dir = fixture("audit/vulnerable");
    let missing = tempfile::tempdir().unwrap();
    let db = missing.path().join("advisory-db");
    let out = command(dir.path(), &["audit", "--offline"])
        .env("CARGO_READINESS_ADVISORY_DB", &db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--db PATH"), "{err}");
    // The full run reports `error` for advisories, which fails the gate.
    let good = fixture("good");
    common::git_commit_all(good.path());
    let out = command(good.path(), &["--offline", "--format", "json"])
        .env("CARGO_READINESS_ADVISORY_DB", &db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check(&r, "advisories")["status"], "error");
    assert!(
        check(&r, "advisories")["note"]
            .as_str()
            .unwrap()
            .contains("--db PATH")
    );
}

#[test]
fn unreachable_index_ends_within_seconds() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = fixture("audit/vulnerable");
    let started = Instant::now();
    let out = command(dir.path(), &["audit", "--no-fetch", "--format", "json"])
        .env(
            "CARGO_READINESS_INDEX_URL",
            format!("http://127.0.0.1:{port}/"),
        )
        .env("CARGO_READINESS_HTTP_TIMEOUT", "2")
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    // --no-fetch reads the local cache: the invented crates are unknown, not "not yanked".
    let full = command(dir.path(), &["--format", "json"])
        .env(
            "CARGO_READINESS_INDEX_URL",
            format!("http://127.0.0.1:{port}/"),
        )
        .env("CARGO_READINESS_HTTP_TIMEOUT", "2")
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "took {:?}",
        started.elapsed()
    );
    let r: Value = serde_json::from_slice(&full.stdout).unwrap();
    let yanked = check(&r, "yanked");
    assert_eq!(yanked["status"], "warn", "{yanked:#}");
    assert!(
        yanked["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown"),
        "{yanked:#}"
    );
}

#[test]
fn full_run_reports_vulnerabilities_at_their_lockfile_line() {
    let dir = fixture("audit/vulnerable");
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let adv = check(&r, "advisories");
    assert_eq!(adv["status"], "fail");
    let findings = adv["findings"].as_array().unwrap();
    let http = findings
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .starts_with("acme-http 1.2.0")
        })
        .unwrap();
    assert_eq!(http["path"], "Cargo.lock");
    let lock = std::fs::read_to_string(dir.path().join("Cargo.lock")).unwrap();
    let line = lock
        .lines()
        .position(|l| l == "name = \"acme-http\"")
        .unwrap()
        + 1;
    assert_eq!(http["line"], line);
    assert_eq!(http["severity"], "error");
    assert!(
        http["help"]
            .as_str()
            .unwrap()
            .contains("cargo update -p acme-http@1.2.0 --precise 1.2.3")
    );
    let dev = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap().starts_with("acme-devtool"))
        .unwrap();
    assert_eq!(dev["severity"], "warning");
    let unused = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("RUSTSEC-2020-0001"))
        .unwrap();
    assert_eq!(unused["path"], "readiness.toml");
    assert_eq!(unused["line"], 11);
    assert!(
        r["gate"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().starts_with("advisories"))
    );
}

#[test]
fn database_is_fetched_from_git_and_updated_when_stale() {
    // A local "upstream" repository holding the fixture database.
    let upstream = tempfile::tempdir().unwrap();
    common::copy_tree(&fixture_db(), upstream.path());
    common::git(upstream.path(), &["init", "-q", "-b", "main"]);
    common::git(upstream.path(), &["add", "-A"]);
    common::git(upstream.path(), &["commit", "-q", "-m", "db"]);
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("advisory-db");
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
    let out = command(
        dir.path(),
        &[
            "audit",
            "--config",
            user_config.to_str().unwrap(),
            "--no-fetch",
        ],
    )
    .env("CARGO_READINESS_ADVISORY_DB", &db)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "--no-fetch never fetches");
    let out = command(
        dir.path(),
        &[
            "audit",
            "--config",
            user_config.to_str().unwrap(),
            "--format",
            "json",
        ],
    )
    .env("CARGO_READINESS_ADVISORY_DB", &db)
    .env("CARGO_READINESS_INDEX_URL", "http://127.0.0.1:9/")
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.join(".git").is_dir(), "cloned");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        r["database"]["last-commit"].as_str().map(str::len),
        Some(40)
    );
    // A new advisory upstream arrives on the next (stale) run.
    let extra = upstream.path().join("crates/acme-tls/RUSTSEC-2026-9014.md");
    std::fs::write(
        &extra,
        std::fs::read_to_string(upstream.path().join("crates/acme-tls/RUSTSEC-2026-9002.md"))
            .unwrap()
            .replace("RUSTSEC-2026-9002", "RUSTSEC-2026-9014")
            .replace(">= 0.4.2", ">= 0.4.6"),
    )
    .unwrap();
    common::git(upstream.path(), &["add", "-A"]);
    common::git(upstream.path(), &["commit", "-q", "-m", "new advisory"]);
    let out = command(
        dir.path(),
        &[
            "audit",
            "--config",
            user_config.to_str().unwrap(),
            "--format",
            "json",
        ],
    )
    .env("CARGO_READINESS_ADVISORY_DB", &db)
    .env("CARGO_READINESS_INDEX_URL", "http://127.0.0.1:9/")
    .output()
    .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        vuln_set(&r).contains(&(
            "RUSTSEC-2026-9014".into(),
            "acme-tls".into(),
            "0.4.5".into()
        )),
        "{r:#}"
    );
}

#[test]
fn corrupt_cache_is_discarded() {
    let cache = tempfile::tempdir().unwrap();
    let dir = fixture("audit/vulnerable");
    let first = command(dir.path(), &["audit", "--offline", "--format", "json"])
        .env("CARGO_READINESS_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let cache_file = cache.path().join("advisory-index.json");
    assert!(cache_file.is_file());
    std::fs::write(&cache_file, b"{ not json").unwrap();
    let second = command(dir.path(), &["audit", "--offline", "--format", "json"])
        .env("CARGO_READINESS_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    assert_eq!(first.stdout, second.stdout);
    let third = command(dir.path(), &["audit", "--offline", "--format", "json"])
        .env("CARGO_READINESS_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    assert_eq!(first.stdout, third.stdout, "served from the rebuilt cache");
}
