//! The testing and code-hygiene checks end to end: a fixture workspace
//! with the exact findings expected (check, path, line, severity), tricky
//! lexing that must produce none, and bad input — a file that is not
//! UTF-8, a 20 MB generated file — that must give a note, never a crash.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{check, expect, fixture, located, run_json};

fn notes(report: &serde_json::Value) -> String {
    report["notes"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[test]
fn every_source_check_reports_exactly_what_the_fixture_contains() {
    let dir = fixture("source-checks");
    let (code, r) = run_json(dir.path(), &[]);
    assert_ne!(code, 2, "{r:#}");

    // `danger_accept_invalid_certs(true)` in the binary; the same text in a
    // raw string in engine/src/tricky.rs is not code.
    assert_eq!(
        located(&r, "tls-verification"),
        expect(&[("app/src/main.rs", Some(9), "error")])
    );
    // The builder chain at line 8 sets `.timeout(..)`; the one at line 4
    // does not.
    assert_eq!(
        located(&r, "network-timeouts"),
        expect(&[("app/src/main.rs", Some(4), "warning")])
    );
    // `dbg!` in a #[cfg(test)] module and `todo!()` in comments and strings
    // are not findings.
    assert_eq!(
        located(&r, "unfinished-code"),
        expect(&[
            ("app/src/main.rs", Some(17), "warning"),
            ("app/src/main.rs", Some(22), "warning"),
        ])
    );
    // Documented: the block under `// SAFETY:` (line 11), `unsafe fn at`
    // with `# Safety` and its whole-body block. Not: line 16, `raw`.
    assert_eq!(
        located(&r, "unsafe-hygiene"),
        expect(&[
            ("app/src/main.rs", Some(1), "note"),
            ("engine/src/lib.rs", Some(16), "warning"),
            ("engine/src/lib.rs", Some(28), "warning"),
            ("helper/src/lib.rs", Some(1), "note"),
        ])
    );
    // `insta` in a test and `criterion` in a bench are not declared; the
    // renamed dev-dependency `pretty` (package `helper`) and the member's
    // own crate are.
    assert_eq!(
        located(&r, "undeclared-test-deps"),
        expect(&[
            ("engine/benches/speed.rs", Some(1), "error"),
            ("engine/tests/snapshots.rs", Some(5), "error"),
        ])
    );
    let help = check(&r, "undeclared-test-deps")["findings"][1]["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(help.contains("cargo add --dev insta -p engine"), "{help}");
    assert_eq!(
        located(&r, "lints-configured"),
        expect(&[("app/Cargo.toml", Some(2), "warning")])
    );
    // app and engine are under 50 lines of code; helper has 92 and no test.
    assert_eq!(
        located(&r, "tests-present"),
        expect(&[("helper/Cargo.toml", Some(2), "warning")])
    );
    assert_eq!(
        located(&r, "integration-tests"),
        expect(&[("helper/Cargo.toml", Some(2), "warning")])
    );
    assert_eq!(check(&r, "benches")["status"], "skip");
    assert_eq!(check(&r, "property-tests")["status"], "skip");
}

#[test]
fn strict_profile_turns_on_benches_and_property_tests() {
    let dir = fixture("source-checks");
    let (_, r) = run_json(dir.path(), &["--profile", "strict"]);
    assert_eq!(check(&r, "benches")["status"], "pass");
    assert!(
        check(&r, "benches")["note"]
            .as_str()
            .unwrap_or("")
            .contains("criterion"),
        "{:#}",
        check(&r, "benches")
    );
    assert_eq!(
        located(&r, "property-tests"),
        expect(&[("Cargo.toml", None, "warning")])
    );
    assert_eq!(check(&r, "tls-verification")["level"], "deny");
}

#[test]
fn a_file_that_is_not_utf8_is_skipped_with_a_note() {
    let dir = fixture("source-checks");
    let lib = dir.path().join("engine/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\nmod latin1;\n");
    std::fs::write(&lib, text).unwrap();
    std::fs::write(
        dir.path().join("engine/src/latin1.rs"),
        b"// caf\xe9 au lait\nfn f() { todo!() }\n",
    )
    .unwrap();
    let (code, r) = run_json(dir.path(), &[]);
    assert_ne!(code, 2, "{r:#}");
    let n = notes(&r);
    assert!(
        n.contains("engine/src/latin1.rs is not valid UTF-8 (line 1)"),
        "{n}"
    );
    // The rest of the workspace is still scanned.
    assert_eq!(located(&r, "unfinished-code").len(), 2);
    assert!(
        check(&r, "unfinished-code")["note"]
            .as_str()
            .unwrap_or("")
            .contains("engine/src/latin1.rs was not scanned"),
        "{:#}",
        check(&r, "unfinished-code")
    );
}

/// A crate whose `src/big.rs` is `mb` MB of generated code ending in a
/// `todo!()`; returns the line of the `todo!()`.
fn big_crate(dir: &std::path::Path, mb: usize) -> usize {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"big\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "mod big;\n").unwrap();
    let chunk = "/// A generated table entry.\npub const ENTRY: &str = r#\"unsafe { todo!() }\"#; // SAFETY: not code\nfn generated<'a>(x: &'a str) -> char { let _ = x; 'x' }\n";
    let mut text = String::with_capacity(mb * 1024 * 1024 + 1024);
    let mut i = 0usize;
    while text.len() < mb * 1024 * 1024 {
        text.push_str(&format!("mod m{i} {{\n{chunk}}}\n"));
        i += 1;
    }
    text.push_str("pub fn unfinished() {\n    todo!()\n}\n");
    let line = text.lines().count() - 1;
    std::fs::write(dir.join("src/big.rs"), text).unwrap();
    line
}

#[test]
fn a_twenty_megabyte_file_is_skipped_beyond_the_limit_and_scanned_within_it() {
    let dir = tempfile::tempdir().unwrap();
    let line = big_crate(dir.path(), 20);

    // Default limit (10 MB): skipped, with a note naming the file and size.
    let started = std::time::Instant::now();
    let (code, r) = run_json(dir.path(), &[]);
    assert_ne!(code, 2, "{r:#}");
    let n = notes(&r);
    assert!(
        n.contains("src/big.rs is 20 MB, over the 10 MB limit"),
        "{n}"
    );
    assert!(located(&r, "unfinished-code").is_empty());
    assert!(started.elapsed().as_secs() < 30);

    // Raised limit: scanned, the last line found, within the time budget
    // (a debug build; the release build scans this in well under a second).
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[scan]\nmax-file-size = \"32 MB\"\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (code, r) = run_json(dir.path(), &[]);
    let elapsed = started.elapsed();
    assert_ne!(code, 2, "{r:#}");
    assert_eq!(
        located(&r, "unfinished-code"),
        vec![(
            "src/big.rs".to_string(),
            Some(line as u64),
            "warning".to_string()
        )]
    );
    assert!(
        check(&r, "unsafe-hygiene")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "note")
    );
    assert!(elapsed.as_secs() < 30, "took {elapsed:?}");
}

#[test]
fn without_cargo_metadata_the_source_checks_still_run() {
    let dir = fixture("source-checks");
    let manifest = dir.path().join("helper/Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(
        "\n[dependencies]\nnot-fetched = { git = \"https://example.invalid/not-fetched.git\" }\n",
    );
    std::fs::write(&manifest, text).unwrap();
    let (code, r) = run_json(dir.path(), &[]);
    assert_ne!(code, 2, "{r:#}");
    assert!(notes(&r).contains("cargo metadata failed"), "{}", notes(&r));
    assert_eq!(
        located(&r, "undeclared-test-deps"),
        expect(&[
            ("engine/benches/speed.rs", Some(1), "error"),
            ("engine/tests/snapshots.rs", Some(5), "error"),
        ])
    );
    assert_eq!(
        located(&r, "tls-verification"),
        expect(&[("app/src/main.rs", Some(9), "error")])
    );
}

#[test]
fn bad_scan_configuration_names_the_key_and_line() {
    let dir = fixture("source-checks");
    std::fs::write(
        dir.path().join("readiness.toml"),
        "profile = \"production\"\n[scan]\nmax-file-size = \"huge\"\n",
    )
    .unwrap();
    let out = common::run(dir.path(), &["--offline"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("readiness.toml") && stderr.contains("max-file-size"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":3") || stderr.contains("line 3"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_module_symlinked_out_of_the_repository_is_not_followed() {
    let dir = fixture("source-checks");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.rs"), "fn f() { todo!() }\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.rs"),
        dir.path().join("engine/src/linked.rs"),
    )
    .unwrap();
    let lib = dir.path().join("engine/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\nmod linked;\n");
    std::fs::write(&lib, text).unwrap();
    let (code, r) = run_json(dir.path(), &[]);
    assert_ne!(code, 2, "{r:#}");
    let n = notes(&r);
    assert!(
        n.contains("engine/src/linked.rs is a symlink to") && n.contains("outside the repository"),
        "{n}"
    );
    assert_eq!(located(&r, "unfinished-code").len(), 2);
}

/// A builder method whose name says what it gives up is an opt-in API:
/// callers choose it. A warning naming it, not a deny-level failure.
#[test]
fn tls_switches_in_opt_in_functions_are_warnings() {
    let dir = fixture("good");
    let main = dir.path().join("src/main.rs");
    let mut text = std::fs::read_to_string(&main).unwrap();
    text.push_str(
        "\n/// For talking to a test server; callers must ask for it.\npub fn insecure_skip_verify(b: Builder) -> Builder {\n    b.danger_accept_invalid_certs(true)\n}\n",
    );
    std::fs::write(&main, text).unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    let tls = check(&r, "tls-verification");
    assert_eq!(tls["status"], "warn", "{tls:#}");
    let message = tls["findings"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("insecure_skip_verify"), "{message}");
}

/// Shapes that are not crate references or unfinished code: rstest's named
/// cases, macro fragment specifiers, a name brought in by a glob import,
/// a `todo!` its docs say is never called, and debug-build-only `dbg!`.
#[test]
fn test_and_placeholder_shapes_that_are_not_findings() {
    let dir = fixture("good");
    let root = dir.path();
    std::fs::create_dir_all(root.join("preds/src")).unwrap();
    std::fs::write(
        root.join("preds/Cargo.toml"),
        "[package]\nname = \"preds\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("preds/src/lib.rs"),
        "pub mod prelude {\n    pub mod predicate {\n        pub fn yes() -> bool {\n            true\n        }\n    }\n}\n",
    )
    .unwrap();
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[dev-dependencies]\npreds = {{ path = \"preds\" }}\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("tests/shapes.rs"),
        r#"use preds::prelude::*;

macro_rules! call {
    ($m:ident::$f:ident) => {
        $m::$f()
    };
}

#[preds::case_table]
#[case::empty("")]
#[case::one("a")]
fn cases(input: &str) {
    assert!(predicate::yes() || input.is_empty());
    assert!(call!(predicate::yes));
}
"#,
    )
    .unwrap();
    let main = root.join("src/main.rs");
    let mut text = std::fs::read_to_string(&main).unwrap();
    text.push_str(
        "\ntrait Visitor {\n    fn visit_map(&self);\n}\n\nstruct V;\n\nimpl Visitor for V {\n    /// Never called: this format has no maps.\n    fn visit_map(&self) {\n        unimplemented!()\n    }\n}\n\n#[cfg(debug_assertions)]\nfn dump(x: u8) {\n    dbg!(x);\n}\n",
    );
    std::fs::write(&main, text).unwrap();
    let (_, r) = run_json(root, &[]);
    for id in ["undeclared-test-deps", "unfinished-code"] {
        assert_eq!(check(&r, id)["status"], "pass", "{id}: {:#}", check(&r, id));
    }
}

/// A crate that allows `clippy::missing_safety_doc` at its root chose
/// where its safety argument lives: its undocumented `unsafe fn`s are one
/// note, while an undocumented block still warns.
#[test]
fn a_crate_wide_missing_safety_doc_allow_is_a_note() {
    let dir = fixture("good");
    let main = dir.path().join("src/main.rs");
    let text = std::fs::read_to_string(&main)
        .unwrap()
        .replace("#![forbid(unsafe_code)]\n", "");
    std::fs::write(
        &main,
        format!(
            "#![allow(clippy::missing_safety_doc)]\n{text}\npub unsafe fn raw(p: *const u8) -> u8 {{\n    // SAFETY: the caller passes a valid pointer.\n    unsafe {{ *p }}\n}}\n"
        ),
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    let unsafe_check = check(&r, "unsafe-hygiene");
    assert_eq!(unsafe_check["status"], "pass", "{unsafe_check:#}");
    let findings = unsafe_check["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["severity"] == "note"
            && f["message"]
                .as_str()
                .unwrap_or_default()
                .contains("src/main.rs:1")),
        "{unsafe_check:#}"
    );
    std::fs::write(
        &main,
        format!("#![allow(clippy::missing_safety_doc)]\n{text}\npub fn read(p: *const u8) -> u8 {{\n    unsafe {{ *p }}\n}}\n"),
    )
    .unwrap();
    let (_, r) = run_json(dir.path(), &[]);
    assert_eq!(check(&r, "unsafe-hygiene")["status"], "warn");
}

/// A test member whose `[[test]]` runs its own `main` (`harness = false`,
/// typst's reference tests) tests the members it depends on: no "no
/// tests" warning for them, a note instead.
#[test]
fn a_custom_harness_test_member_credits_its_dependencies() {
    let dir = fixture("workspace");
    let root = dir.path();
    let core = root.join("crates/ws-core/src/lib.rs");
    std::fs::write(&core, "pub fn f() -> u8 {\n    1\n}\n".repeat(30)).unwrap();
    std::fs::create_dir_all(root.join("crates/ws-tests/src")).unwrap();
    std::fs::write(
        root.join("crates/ws-tests/Cargo.toml"),
        "[package]\nname = \"ws-tests\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[[test]]\nname = \"reference\"\npath = \"src/run.rs\"\nharness = false\n\n[dependencies]\nws-core = { path = \"../ws-core\" }\n",
    )
    .unwrap();
    std::fs::write(root.join("crates/ws-tests/src/run.rs"), "fn main() {}\n").unwrap();
    let (_, r) = run_json(root, &[]);
    let tests = check(&r, "tests-present");
    let findings = tests["findings"].as_array().unwrap();
    let core: Vec<_> = findings
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap_or_default()
                .contains("ws-core")
        })
        .collect();
    assert_eq!(core.len(), 1, "{tests:#}");
    assert_eq!(core[0]["severity"], "note", "{tests:#}");
    assert!(
        core[0]["message"]
            .as_str()
            .unwrap()
            .contains("harness = false")
    );
}

/// A proc-macro crate is tested through the crate that uses it, and so is
/// a library only that proc-macro uses (`pyo3-macros-backend`).
#[test]
fn a_proc_macro_backend_is_tested_through_the_macro_user() {
    let dir = fixture("workspace");
    let root = dir.path();
    let body = "pub fn f() -> u8 {\n    1\n}\n".repeat(30);
    for (name, extra) in [
        (
            "ws-macros",
            "[lib]\nproc-macro = true\n\n[dependencies]\nws-backend = { path = \"../ws-backend\" }\n",
        ),
        ("ws-backend", ""),
    ] {
        let crate_dir = root.join("crates").join(name);
        std::fs::create_dir_all(crate_dir.join("src")).unwrap();
        std::fs::write(
            crate_dir.join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = \"x\"\nlicense = \"MIT\"\n\n{extra}"),
        )
        .unwrap();
        std::fs::write(crate_dir.join("src/lib.rs"), &body).unwrap();
    }
    let core = root.join("crates/ws-core");
    let manifest = std::fs::read_to_string(core.join("Cargo.toml")).unwrap();
    std::fs::write(
        core.join("Cargo.toml"),
        manifest.replace(
            "[dependencies]",
            "[dependencies]\nws-macros = { path = \"../ws-macros\" }",
        ),
    )
    .unwrap();
    std::fs::create_dir_all(core.join("tests")).unwrap();
    std::fs::write(core.join("tests/api.rs"), "#[test]\nfn adds() {}\n").unwrap();
    let (_, r) = run_json(root, &[]);
    for id in ["tests-present", "integration-tests"] {
        let c = check(&r, id);
        let named: Vec<_> = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "warning")
            .filter(|f| {
                let m = f["message"].as_str().unwrap_or_default();
                m.contains("ws-macros") || m.contains("ws-backend")
            })
            .collect();
        assert!(named.is_empty(), "{id}: {c:#}");
    }
}

/// A member binary without the `description` crates.io requires (a code
/// generator beside published libraries) is not published: no lockfile is
/// demanded for it, and its missing integration tests are a note.
#[test]
fn an_unpublishable_member_binary_is_a_maintainers_tool() {
    let dir = fixture("workspace");
    let root = dir.path();
    std::fs::remove_dir_all(root.join("crates/ws-cli")).unwrap();
    std::fs::remove_file(root.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(root.join("crates/ws-gen/src")).unwrap();
    std::fs::write(
        root.join("crates/ws-gen/Cargo.toml"),
        "[package]\nname = \"ws-gen\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("crates/ws-gen/src/main.rs"),
        "fn main() {\n    println!(\"generated\");\n}\n".repeat(20),
    )
    .unwrap();
    let (_, r) = run_json(root, &[]);
    let lockfile = check(&r, "lockfile");
    assert_eq!(lockfile["status"], "pass", "{lockfile:#}");
    let integration = check(&r, "integration-tests");
    for f in integration["findings"].as_array().unwrap() {
        if f["message"].as_str().unwrap_or_default().contains("ws-gen") {
            assert_eq!(f["severity"], "note", "{integration:#}");
        }
    }
}

/// Members whose role is not to ship — a performance harness
/// (`publish = false`, quinn's `perf`) and the sample crate of a book under
/// `docs/` (quinn's `docs/book`) — do not fail `tls-verification` with
/// what they switch off on purpose; an unpublished service (`app`) still does.
#[test]
fn perf_harnesses_and_book_samples_are_not_shipped_code() {
    let dir = fixture("source-checks");
    let root = dir.path();
    let insecure = "pub fn client() {\n    let _ = reqwest::Client::builder()\n        .danger_accept_invalid_certs(true)\n        .build();\n}\n\nfn main() {}\n";
    for (member, manifest) in [
        (
            "perf",
            "[package]\nname = \"perf\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\npublish = false\n",
        ),
        (
            "docs/book",
            "[package]\nname = \"book\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n",
        ),
    ] {
        std::fs::create_dir_all(root.join(member).join("src")).unwrap();
        std::fs::write(root.join(member).join("Cargo.toml"), manifest).unwrap();
        std::fs::write(root.join(member).join("src/main.rs"), insecure).unwrap();
    }
    let ws = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&ws).unwrap();
    std::fs::write(
        &ws,
        text.replace(
            "members = [\"app\", \"engine\", \"helper\"]",
            "members = [\"app\", \"engine\", \"helper\", \"perf\", \"docs/book\"]",
        ),
    )
    .unwrap();
    let (code, r) = run_json(root, &[]);
    assert_ne!(code, 2, "{r:#}");
    assert_eq!(
        located(&r, "tls-verification"),
        expect(&[("app/src/main.rs", Some(9), "error")])
    );
}
