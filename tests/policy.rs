//! Dependency policy checks end to end: licenses, sources, wildcard
//! requirements, duplicate versions, bans; `cargo readiness licenses`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{check, fixture, run, run_json};
use serde_json::Value;

fn findings(report: &Value, id: &str) -> Vec<(String, String, Option<u64>, String)> {
    check(report, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn lock_line(dir: &std::path::Path, name: &str) -> u64 {
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    lock.lines()
        .position(|l| l == format!("name = \"{name}\""))
        .unwrap() as u64
        + 1
}

#[test]
fn license_shapes_under_the_default_policy() {
    let dir = fixture("policy");
    let (_, r) = run_json(dir.path(), &[]);
    let f = findings(&r, "dependency-licenses");
    let by_crate = |name: &str| {
        f.iter()
            .find(|x| x.3.starts_with(&format!("{name} ")))
            .cloned()
    };
    // Allowed shapes: dual, AND, WITH — and GPL reached only through a dev-dependency.
    for ok in ["lic-dual", "lic-and", "lic-with", "lic-gpl-dev"] {
        assert!(by_crate(ok).is_none(), "{ok} should pass: {f:#?}");
    }
    let gpl = by_crate("lic-deprecated").unwrap();
    assert_eq!(gpl.0, "error");
    assert!(
        gpl.3.contains("copyleft, and shipped in a binary")
            && gpl.3.contains("app 0.1.0 → lic-deprecated 1.0.0"),
        "{gpl:?}"
    );
    assert_eq!(
        (gpl.1.as_str(), gpl.2),
        ("Cargo.lock", Some(lock_line(dir.path(), "lic-deprecated")))
    );
    assert_eq!(by_crate("lic-missing").unwrap().0, "error");
    assert_eq!(by_crate("lic-file").unwrap().0, "warning");
    assert_eq!(by_crate("lic-other").unwrap().0, "warning");
    let lgpl = by_crate("lic-lgpl").unwrap();
    assert_eq!(lgpl.0, "warning");
    assert!(lgpl.3.contains("reached by libraries only"));
    assert_eq!(f.len(), 5, "{f:#?}");
    assert_eq!(check(&r, "dependency-licenses")["status"], "fail");
}

#[test]
fn configured_license_policy_is_strict_and_exceptions_apply() {
    let dir = fixture("policy");
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[licenses]\nallow = [\"MIT\", \"Apache-2.0\", \"BSD-3-Clause\", \"GPL-3.0-only\"]\nexceptions = [{ crate = \"lic-other\", allow = [\"CC-BY-4.0\"] }]\ninclude-dev = true\n",
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    let f = findings(&r, "dependency-licenses");
    let names: Vec<&str> = f.iter().map(|x| x.3.split(' ').next().unwrap()).collect();
    // GPL-3.0 (deprecated id) is allowed as GPL-3.0-only; CC-BY via exception;
    // WITH LLVM-exception is not in the configured list; dev GPL-2.0 now counts.
    assert!(
        !names.contains(&"lic-deprecated") && !names.contains(&"lic-other"),
        "{f:#?}"
    );
    for expected in ["lic-with", "lic-gpl-dev", "lic-lgpl", "lic-missing"] {
        let x = f
            .iter()
            .find(|x| x.3.starts_with(expected))
            .unwrap_or_else(|| panic!("{expected} missing: {f:#?}"));
        assert_eq!(x.0, "error", "{x:?}");
    }
}

#[test]
fn sources_bans_duplicates_and_wildcards_from_lockfile_and_deny_toml() {
    let dir = fixture("policy-lock");
    let (code, r) = run_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let s = findings(&r, "sources");
    assert_eq!(s.len(), 3, "{s:#?}");
    assert!(s.iter().any(|x| {
        x.3.starts_with("corp-util 1.0.3 comes from the registry https://corp.example.com/index")
    }));
    assert!(s.iter().any(|x| {
        x.3.starts_with("fork 0.2.0 comes from the git repository https://github.com/someone/fork")
    }));
    let unpinned = s.iter().find(|x| x.3.contains("not pinned")).unwrap();
    assert_eq!((unpinned.1.as_str(), unpinned.2), ("Cargo.toml", Some(8)));
    assert!(
        !s.iter().any(|x| x.3.contains("pinned 0.1.0")),
        "my-org is allowed by deny.toml and pinned"
    );

    let b = findings(&r, "bans");
    assert_eq!(b.len(), 1);
    assert!(b[0].3.contains(
        "acme-banned 0.3.1 is banned by `acme-banned` in deny.toml: replaced by acme-ok"
    ));
    assert!(b[0].3.contains("svc 0.1.0 → acme-banned 0.3.1"));
    assert_eq!(b[0].2, Some(lock_line(dir.path(), "acme-banned")));

    let d = findings(&r, "duplicate-versions");
    assert_eq!(d.len(), 1, "acme-skipdup is skipped by deny.toml: {d:#?}");
    assert!(d[0].3.contains(
        "acme-dup is locked at 2 versions: 1.0.0 (from fork 0.2.0); 2.0.0 (from acme-open 2.1.0)"
    ));

    let w = findings(&r, "wildcard-requirements");
    assert_eq!(
        w.iter().map(|x| x.2).collect::<Vec<_>>(),
        vec![Some(11), Some(12)]
    );
    assert_eq!(
        check(&r, "dependency-licenses")["status"],
        "error",
        "needs the resolved graph"
    );
    // Gate: sources and bans are deny-level under production.
    let reasons: Vec<String> = r["gate"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    assert!(
        reasons.iter().any(|x| x.starts_with("sources"))
            && reasons.iter().any(|x| x.starts_with("bans")),
        "{reasons:?}"
    );
}

#[test]
fn readiness_toml_sections_override_deny_toml() {
    let dir = fixture("policy-lock");
    std::fs::write(dir.path().join("readiness.toml"), "[bans]\ndeny = []\n[sources]\nallow-git = [\"https://github.com/someone\", \"https://github.com/my-org\"]\nallow-registry = [\"https://corp.example.com/index\"]\n").unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    let b = findings(&r, "bans");
    assert!(b.iter().all(|x| x.0 == "note"), "{b:#?}");
    assert!(
        b.iter().any(|x| x.3
            == "`[bans]` in deny.toml is not applied: readiness.toml configures [bans] itself"),
        "{b:#?}"
    );
    let s: Vec<_> = findings(&r, "sources")
        .into_iter()
        .filter(|x| x.0 != "note")
        .collect();
    assert_eq!(s.len(), 1, "only the unpinned branch remains: {s:#?}");
    // deny.toml still supplies what readiness.toml does not configure.
    let d = findings(&r, "duplicate-versions");
    assert_eq!(
        d.len(),
        2,
        "readiness.toml's [bans] replaces deny.toml's skip list: {d:#?}"
    );
}

/// The notes (severity `note`) of a check, as (path, line, message).
fn notes(report: &Value, id: &str) -> Vec<(String, Option<u64>, String)> {
    findings(report, id)
        .into_iter()
        .filter(|f| f.0 == "note")
        .map(|f| (f.1, f.2, f.3))
        .collect()
}

#[test]
fn the_whole_deny_toml_skip_tree_wrappers_levels_and_a_note_per_ignored_key() {
    let dir = fixture("policy-lock");
    std::fs::write(
        dir.path().join("deny.toml"),
        r#"[graph]
targets = ["x86_64-unknown-linux-gnu"]

[licenses]
allow = ["MIT"]
confidence-threshold = 0.8

[bans]
multiple-versions = "warn"
wildcards = "deny"
deny = [
  { crate = "acme-banned", wrappers = ["svc"], reason = "only svc may use it" },
  { crate = "acme-ok", wrappers = ["other"], use-instead = "acme-better" },
]
skip-tree = [{ crate = "fork", depth = 2 }, { crate = "nothing-here" }]

[sources]
unknown-git = "warn"
unknown-registry = "allow"
allow-git = ["https://github.com/my-org"]
"#,
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".cargo")).unwrap();
    std::fs::write(
        dir.path().join(".cargo/audit.toml"),
        "[advisories]\nignore = []\n\n[output]\ndeny = [\"warnings\"]\n",
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);

    // wrappers: svc may depend on acme-banned; acme-ok's wrapper is not its dependent.
    let b: Vec<_> = findings(&r, "bans")
        .into_iter()
        .filter(|f| f.0 != "note")
        .collect();
    assert_eq!(b.len(), 1, "{b:#?}");
    assert!(b[0].3.starts_with("acme-ok 1.4.0 is banned"), "{b:#?}");
    let help = check(&r, "bans")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| f["help"].as_str())
        .unwrap()
        .to_string();
    assert!(help.starts_with("use `acme-better` instead"), "{help}");

    // skip-tree: fork and its dependencies (acme-dup 1.0.0), two levels deep.
    let d = findings(&r, "duplicate-versions");
    let dups: Vec<_> = d.iter().filter(|f| f.0 != "note").collect();
    assert_eq!(dups.len(), 1, "{d:#?}");
    assert!(
        dups[0]
            .3
            .starts_with("acme-skipdup is locked at 2 versions")
    );
    assert!(
        d.iter().any(|f| f.0 == "note"
            && f.3 == "[bans] skip-tree entry `nothing-here` in deny.toml matches no crate in the dependency graph: remove it"),
        "{d:#?}"
    );

    // unknown-registry = "allow", unknown-git = "warn"; the unpinned branch stays an error.
    let s = findings(&r, "sources");
    assert!(!s.iter().any(|f| f.3.starts_with("corp-util")), "{s:#?}");
    let fork = s.iter().find(|f| f.3.starts_with("fork 0.2.0")).unwrap();
    assert_eq!(fork.0, "warning");
    assert!(
        s.iter()
            .any(|f| f.0 == "error" && f.3.contains("not pinned"))
    );

    // Every key not honoured: a note at its file and line, on its check.
    let n = notes(&r, "advisories");
    assert!(
        n.contains(&(
            "deny.toml".into(),
            Some(2),
            "`graph.targets` in deny.toml is not honoured: readiness checks the dependencies cargo can build for every target platform and feature; this scope is not narrowed".into()
        )),
        "{n:#?}"
    );
    assert!(
        n.iter().any(|x| x.0 == ".cargo/audit.toml"
            && x.1 == Some(5)
            && x.2
                .starts_with("`output.deny` in .cargo/audit.toml is not honoured")),
        "{n:#?}"
    );
    let lic = notes(&r, "dependency-licenses");
    assert!(
        lic.iter()
            .any(|x| x.1 == Some(6) && x.2.contains("confidence-threshold")),
        "{lic:#?}"
    );
    let wild = notes(&r, "wildcard-requirements");
    assert_eq!(wild.len(), 1, "{wild:#?}");
    assert_eq!(wild[0].1, Some(10));
    // Honoured keys get no note.
    for id in ["bans", "sources", "duplicate-versions"] {
        assert!(
            !notes(&r, id)
                .iter()
                .any(|x| x.2.contains("is not honoured")),
            "{id}: {:#?}",
            notes(&r, id)
        );
    }

    // multiple-versions = "allow": the team accepts duplicates.
    std::fs::write(
        dir.path().join("deny.toml"),
        "[bans]\nmultiple-versions = \"allow\"\n",
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    let dv = check(&r, "duplicate-versions");
    assert_eq!(dv["status"], "skip", "{dv:#}");
    assert!(
        dv["note"]
            .as_str()
            .unwrap()
            .contains("`multiple-versions = \"allow\"` in deny.toml"),
        "{dv:#}"
    );
}

#[test]
fn deny_toml_sections_readiness_configures_are_noted_and_dot_deny_toml_is_read() {
    let dir = fixture("policy-lock");
    let text = std::fs::read_to_string(dir.path().join("deny.toml")).unwrap();
    std::fs::remove_file(dir.path().join("deny.toml")).unwrap();
    std::fs::write(dir.path().join(".deny.toml"), text).unwrap();
    std::fs::write(dir.path().join("readiness.toml"), "[bans]\ndeny = []\n").unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    // .deny.toml's [sources] applies (my-org allowed) ...
    let s = findings(&r, "sources");
    assert!(!s.iter().any(|x| x.3.starts_with("pinned 0.1.0")), "{s:#?}");
    // ... and its [bans] is shadowed by readiness.toml's, which says so.
    let n = notes(&r, "bans");
    assert!(
        n.iter().any(|x| x.0 == ".deny.toml"
            && x.2 == "`[bans]` in .deny.toml is not applied: readiness.toml configures [bans] itself"),
        "{n:#?}"
    );
}

#[test]
fn clarify_gives_a_crate_its_license() {
    let dir = fixture("policy");
    std::fs::write(
        dir.path().join("deny.toml"),
        "[licenses]\nallow = [\"MIT\", \"Apache-2.0\", \"BSD-3-Clause\", \"GPL-3.0-only\", \"Apache-2.0 WITH LLVM-exception\"]\n\n[[licenses.clarify]]\ncrate = \"lic-missing\"\nexpression = \"MIT\"\nlicense-files = [{ path = \"LICENSE\", hash = 0x001c7e6c }]\n\n[[licenses.clarify]]\ncrate = \"lic-lgpl\"\nexpression = \"MIT\"\nlicense-files = [{ path = \"LICENSE\", hash = 0x001c7e6c }]\n\n[[licenses.clarify]]\ncrate = \"lic-other\"\nexpression = \"MIT\"\n",
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    let f = findings(&r, "dependency-licenses");
    assert!(
        !f.iter().any(|x| x.3.starts_with("lic-missing ")),
        "clarified to MIT: {f:#?}"
    );
    // Pinned to file hashes, which readiness does not compare: a crate that
    // declares a license of its own keeps it (cargo-deny drops a stale entry).
    assert!(
        f.iter().any(|x| x.3.starts_with("lic-lgpl ")),
        "declared LGPL stands: {f:#?}"
    );
    // Without license-files, the clarification applies as written.
    assert!(
        !f.iter().any(|x| x.3.starts_with("lic-other ")),
        "clarified to MIT: {f:#?}"
    );
    let n = notes(&r, "dependency-licenses");
    assert!(
        n.iter().any(|x| x.1 == Some(7)
            && x.2
                .starts_with("`licenses.clarify.license-files` in deny.toml is not honoured")),
        "{n:#?}"
    );
}

#[test]
fn bad_policy_config_is_an_error_with_line() {
    let dir = fixture("policy");
    std::fs::write(
        dir.path().join("readiness.toml"),
        "\n[licenses]\nallow = [\"NOT-A-LICENSE\"]\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--offline"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("readiness.toml:2") && err.contains("NOT-A-LICENSE"),
        "{err}"
    );
}

#[test]
fn licenses_subcommand_groups_crates_by_license() {
    let dir = fixture("policy");
    let out = run(dir.path(), &["licenses", "--offline", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let find = |lic: &str| {
        r["licenses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["license"] == lic)
            .cloned()
    };
    assert_eq!(
        find("MIT OR Apache-2.0").unwrap()["crates"],
        serde_json::json!(["lic-dual 1.0.0"])
    );
    assert_eq!(find("MIT").unwrap()["count"], 2, "the two members");
    assert!(find("(none)").is_some());
    assert!(
        find("GPL-2.0-only").is_none(),
        "dev-only without --include-dev"
    );
    let out = run(dir.path(), &["licenses", "--offline", "--include-dev"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("GPL-2.0-only") && text.contains("lic-gpl-dev 1.0.0"),
        "{text}"
    );
}
