//! `tests-present`: every member has tests, in proportion to its code.

use super::code::{self, at_manifest};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::sources::TargetKind;

/// See [`Check::docs`].
pub struct TestsPresent;

/// Tests per 1 000 lines of non-test code that earn full marks.
pub const FULL_MARKS_DENSITY: f64 = 10.0;

/// Members with fewer lines of non-test code than this (facades that
/// re-export, tiny shims) have nothing worth requiring tests for.
pub const MIN_CODE_LINES: u64 = 50;

/// The score for a density of `d` tests per 1 000 lines: `sqrt(d / 10)`,
/// capped at 1 — the first tests count most.
pub fn density_score(d: f64) -> f64 {
    (d / FULL_MARKS_DENSITY).max(0.0).sqrt().min(1.0)
}

/// Test counts of one member.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Counts {
    /// `#[test]` functions in the library, binaries and build script.
    pub unit: u32,
    /// `#[test]` functions in integration tests (`tests/`).
    pub integration: u32,
    /// Doctests that run.
    pub doctests: u32,
    /// Lines of code outside test-only code, in shipping targets.
    pub code_lines: u64,
    /// Tests in unpublished members that depend on this one (a
    /// `test_suite` crate beside the library it tests).
    pub external: u32,
    /// Test targets with `harness = false` that test this member (its own,
    /// or an unpublished test member's that depends on it): they run their
    /// own `main`, so their tests cannot be counted.
    pub custom_harness: u32,
}

impl Counts {
    /// All tests.
    pub fn total(&self) -> u32 {
        self.unit + self.integration + self.doctests + self.external
    }

    /// Tests per 1 000 lines of non-test code.
    pub fn density(&self) -> f64 {
        if self.code_lines == 0 {
            return 0.0;
        }
        f64::from(self.total()) * 1000.0 / self.code_lines as f64
    }
}

/// Counts member `index`'s tests and code.
pub fn counts(facts: &Facts, index: usize) -> Counts {
    let doctests_run = facts
        .sources
        .members
        .get(index)
        .is_some_and(|m| m.targets.iter().any(|t| t.doctest));
    let mut c = Counts::default();
    for f in facts.sources.member_files(index) {
        match f.role {
            TargetKind::Test => c.integration += f.scan.test_fns,
            kind if kind.ships() => {
                c.unit += f.scan.test_fns;
                if !f.test {
                    c.code_lines += u64::from(f.scan.code_lines - f.scan.test_code_lines);
                    if doctests_run && matches!(kind, TargetKind::Lib | TargetKind::ProcMacro) {
                        c.doctests += f.scan.doctests;
                    }
                }
            }
            _ => {}
        }
    }
    c
}

/// Counts of every member, crediting the tests of unpublished members
/// (test suites) to the members they depend on.
pub fn all_counts(facts: &Facts) -> Vec<Counts> {
    let mut all: Vec<Counts> = (0..facts.members.len()).map(|i| counts(facts, i)).collect();
    for (i, n) in named_test_files(facts).into_iter().enumerate() {
        all[i].external += n;
    }
    let harnesses: Vec<u32> = facts
        .members
        .iter()
        .map(|m| custom_harness_tests(facts, m))
        .collect();
    for (j, tester) in facts.members.iter().enumerate() {
        all[j].custom_harness += harnesses[j];
        if harnesses[j] > 0 && !tester.publish {
            let uses = code::declared_names(facts, tester);
            for (i, src) in facts.sources.members.iter().enumerate() {
                if i != j && src.lib_name.as_ref().is_some_and(|lib| uses.contains(lib)) {
                    all[i].custom_harness += harnesses[j];
                }
            }
        }
    }
    let uses: Vec<_> = facts
        .members
        .iter()
        .map(|m| code::declared_names(facts, m))
        .collect();
    let before = all.clone();
    let by_lib = lib_index(facts);
    let any_proc_macro = facts
        .sources
        .members
        .iter()
        .any(|s| s.has(TargetKind::ProcMacro));
    for (j, tester) in facts.members.iter().enumerate() {
        let own = before[j].unit + before[j].integration;
        // A published crate's tests count for the proc-macro crates it
        // uses (clap's `tests/derive` tests `clap_derive`): a proc-macro
        // crate can hardly test itself.
        if own == 0 {
            continue;
        }
        // A proc-macro is tested through the crates that re-export it too
        // (`futures` → `futures-util` → `futures-macro`).
        let through = any_proc_macro.then(|| reached(&by_lib, &uses, j));
        for (i, src) in facts.sources.members.iter().enumerate() {
            let proc_macro = src.has(TargetKind::ProcMacro);
            let tested = i != j
                && (!tester.publish || proc_macro)
                && src.lib_name.as_ref().is_some_and(|lib| {
                    uses[j].contains(lib)
                        || (proc_macro && through.as_ref().is_some_and(|t| t.contains(lib)))
                });
            if tested {
                all[i].external += own;
            }
        }
    }
    // A library only proc-macros use (`pyo3-macros-backend` behind
    // `pyo3-macros`) is tested through them, one hop further.
    for (i, users) in macro_only_users(facts, &uses).into_iter().enumerate() {
        let through: u32 = users
            .iter()
            .map(|&j| all[j].external - before[j].external)
            .sum();
        all[i].external += through;
    }
    all
}

/// The library names member `j` reaches through the workspace: what it
/// declares, and what the members it declares declare, transitively
/// (`futures` → `futures-util` → `futures-macro`). At most
/// [`MAX_REACHED`] members are followed.
pub fn reached(
    by_lib: &std::collections::HashMap<&str, usize>,
    uses: &[std::collections::BTreeSet<String>],
    j: usize,
) -> std::collections::BTreeSet<String> {
    let mut out: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut queue = vec![j];
    let mut seen = std::collections::BTreeSet::from([j]);
    while let Some(k) = queue.pop() {
        for name in uses.get(k).into_iter().flatten() {
            out.insert(name.clone());
            if let Some(&m) = by_lib.get(name.as_str())
                && seen.len() < MAX_REACHED
                && seen.insert(m)
            {
                queue.push(m);
            }
        }
    }
    out
}

/// Members by library name, for [`reached`].
pub fn lib_index(facts: &Facts) -> std::collections::HashMap<&str, usize> {
    facts
        .sources
        .members
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.lib_name.as_deref().map(|l| (l, i)))
        .collect()
}

/// How many members [`reached`] follows at most.
const MAX_REACHED: usize = 2_000;

/// For each member: when it is a library that only proc-macro members use
/// (`pyo3-macros-backend`), those members; else none. `uses[j]` is
/// member `j`'s [`code::declared_names`].
pub fn macro_only_users(
    facts: &Facts,
    uses: &[std::collections::BTreeSet<String>],
) -> Vec<Vec<usize>> {
    let is_proc_macro = |i: usize| {
        facts
            .sources
            .members
            .get(i)
            .is_some_and(|s| s.has(TargetKind::ProcMacro))
    };
    (0..facts.members.len())
        .map(|i| {
            let lib = facts
                .sources
                .members
                .get(i)
                .and_then(|s| s.lib_name.as_ref());
            let Some(lib) = lib.filter(|_| !is_proc_macro(i)) else {
                return Vec::new();
            };
            let users: Vec<usize> = (0..uses.len())
                .filter(|&j| j != i && uses[j].contains(lib))
                .collect();
            if users.iter().all(|&j| is_proc_macro(j)) {
                users
            } else {
                Vec::new()
            }
        })
        .collect()
}

/// The member's `[[test]]` targets with `harness = false` (typst's
/// reference-test runner): suites that run their own `main`.
pub fn custom_harness_tests(facts: &Facts, member: &crate::facts::workspace::Member) -> u32 {
    facts
        .manifest(&member.manifest)
        .and_then(|t| t.get("test"))
        .and_then(|t| t.as_array())
        .map_or(0, |tests| {
            tests
                .iter()
                .filter(|t| t.get("harness").and_then(|h| h.as_bool()) == Some(false))
                .count() as u32
        })
}

/// Test functions in test files named after another member the crate
/// depends on (`tests/by-util/test_ls.rs` beside a dependency `uu_ls`,
/// coreutils' layout), per tested member.
pub fn named_test_files(facts: &Facts) -> Vec<u32> {
    let mut out = vec![0u32; facts.members.len()];
    for (j, tester) in facts.members.iter().enumerate() {
        let uses = code::declared_names(facts, tester);
        // Depended on by its library name, or under another name
        // (`basename = { package = "uu_basename", … }`).
        let manifest = facts.text(&tester.manifest).and_then(|t| t.text());
        for f in facts.sources.member_files(j) {
            if f.role != TargetKind::Test || f.scan.test_fns == 0 {
                continue;
            }
            let stem = f.path.rsplit('/').next().unwrap_or("");
            let Some(name) = stem
                .strip_suffix(".rs")
                .and_then(|s| s.strip_prefix("test_"))
            else {
                continue;
            };
            let tested = facts.members.iter().enumerate().position(|(i, m)| {
                let lib = facts
                    .sources
                    .members
                    .get(i)
                    .and_then(|s| s.lib_name.as_ref());
                let depends = lib.is_some_and(|lib| uses.contains(lib))
                    || manifest.is_some_and(|t| t.contains(&format!("\"{}\"", m.name)));
                i != j
                    && lib.is_some()
                    && depends
                    && code::ident(&m.name)
                        .strip_suffix(&code::ident(name))
                        .is_some_and(|p| p.is_empty() || p.ends_with('_'))
            });
            if let Some(i) = tested {
                out[i] += f.scan.test_fns;
            }
        }
    }
    out
}

impl Check for TestsPresent {
    fn id(&self) -> &'static str {
        "tests-present"
    }
    fn category(&self) -> Category {
        Category::Testing
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "every member has tests (unit, integration, doctests) in proportion to its code"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Counts, for each workspace member, without compiling:

- unit tests: functions marked `#[test]`, `#[tokio::test]` (any
  `#[…::test]`), `#[rstest]`, `#[test_case(…)]` (one per case),
  `#[wasm_bindgen_test]`, `#[quickcheck]`, `#[proptest]` in the library,
  binaries and build script — including `proptest! { #[test] fn … }`;
- integration tests: the same in `tests/` (each test target's module tree:
  `mod` declarations, `#[path]`, and the files of an `automod::dir!`
  directory);
- doctests that run: code blocks in the library's doc comments with no
  language or Rust attributes only, not `ignore`, `no_run` or
  `compile_fail` (and not when the library sets `doctest = false`);

against the lines of non-test code (lines with code, outside `#[cfg(test)]`
items, tests, benches and examples). Tests in an unpublished member (a
`test_suite` or `tests-integration` crate) count for every member it
depends on, a test file named after a member the crate depends on
(`tests/by-util/test_ls.rs` beside a dependency `uu_ls`) counts for that
member too, and so do a crate's tests for the proc-macro members it uses
(`clap`'s tests for `clap_derive`) and for a library only those
proc-macros use (`pyo3-macros-backend` behind `pyo3-macros`). Members with fewer than 50 lines of non-test code (facades
that re-export) are left out, and so are support members: `xtask`,
test-support, benchmark, example and fuzz crates (a name word or directory
such as `test_utils`, `tests-integration`, `bench`, `examples/…`,
`fuzz`).

A publishable member with code and no test at all is a warning; any other
member with none gets a note. The score is the code-weighted mean over
members of `min(1, sqrt(d / 10))`, where `d` is tests per 1 000 lines of
non-test code: 0 tests score 0, 1 per 1 000 lines 0.32, 2.5 → 0.5, 5 →
0.71, 10 or more → full marks. Members below full marks get a note with
their numbers.

Limits: a test is a function with a test attribute; a test generated by a
macro the scanner cannot see (a `macro_rules!` that stamps out `#[test]`
functions is counted once) or a custom harness (`harness = false`) is not
counted: a member such a target tests (its own `[[test]]`, or one of an
unpublished member that depends on it, as typst's reference-test runner)
gets full marks and a note saying so. Doctests inside `#[cfg(test)]` modules are not counted (rustdoc
does not see them).

## Why
Code without tests breaks silently on the next change. Reviews of
production services keep finding "extremely low test coverage": this
makes it visible per member, before a coverage run is set up.

## Passing example
```rust
pub fn parse(s: &str) -> Option<u32> { s.parse().ok() }

#[cfg(test)]
mod tests {
    #[test]
    fn parses_numbers() { assert_eq!(super::parse("7"), Some(7)); }
}
```

## How to fix
Add unit tests in a `#[cfg(test)] mod tests`, integration tests in
`tests/`, and runnable examples in the doc comments of public items.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let mut findings = Vec::new();
        let (mut weighted, mut weight) = (0.0, 0.0);
        let mut all = Counts::default();
        let per_member = all_counts(facts);
        for (member, c) in facts.members.iter().zip(per_member) {
            if code::is_tooling(facts, member) {
                continue;
            }
            all.unit += c.unit;
            all.integration += c.integration;
            all.doctests += c.doctests;
            all.code_lines += c.code_lines;
            if c.code_lines < MIN_CODE_LINES {
                continue;
            }
            let score = density_score(c.density());
            weighted += score * c.code_lines as f64;
            weight += c.code_lines as f64;
            if c.custom_harness > 0 && score < 1.0 {
                // Tested, by a runner whose tests cannot be counted: full
                // marks rather than a density made up from nothing.
                weighted += (1.0 - score) * c.code_lines as f64;
                findings.push(at_manifest(
                    facts,
                    Finding::note(
                        "custom-harness",
                        format!(
                            "`{}`: tested by {} `harness = false` test target(s), whose tests are not counted ({} counted besides)",
                            member.name, c.custom_harness, c.total()
                        ),
                    ),
                    member,
                ));
            } else if c.total() == 0 {
                let message = format!(
                    "`{}` has no tests for its {} lines of code",
                    member.name, c.code_lines
                );
                let finding = if code::is_publishable(facts, member) {
                    Finding::warning("no-tests", message)
                } else {
                    Finding::note("no-tests", message)
                };
                findings.push(at_manifest(facts, finding, member).help(
                    "add #[test] functions in a #[cfg(test)] module, integration tests in tests/, or runnable doc examples",
                ));
            } else if score < 1.0 {
                findings.push(at_manifest(
                        facts,
                    Finding::note(
                        "few-tests",
                        format!(
                            "`{}`: {} tests ({} unit, {} integration, {} doctests{}) for {} lines of code — {:.1} per 1 000 lines; full marks from {}",
                            member.name,
                            c.total(),
                            c.unit,
                            c.integration,
                            c.doctests,
                            if c.external > 0 {
                                format!(", {} in test-suite members", c.external)
                            } else {
                                String::new()
                            },
                            c.code_lines,
                            c.density(),
                            FULL_MARKS_DENSITY
                        ),
                    ),
                    member,
                ).help("cover the untested modules; `cargo llvm-cov` shows which"));
            }
        }
        if weight == 0.0 {
            return code::with_skipped(
                Outcome::skip("the members have no non-test code to test"),
                facts,
            );
        }
        let outcome = Outcome::from_findings(findings, weighted / weight).with_note(format!(
            "{} tests ({} unit, {} integration, {} doctests) for {} lines of non-test code",
            all.total(),
            all.unit,
            all.integration,
            all.doctests,
            all.code_lines
        ));
        code::with_skipped(outcome, facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckConfig, Severity, Status};
    use crate::facts::workspace::Member;

    fn run(members: Vec<Member>, texts: &[(&str, &str)]) -> Outcome {
        let facts = Facts::in_memory(members, texts);
        TestsPresent.run(&facts, &CheckConfig { level: Level::Warn })
    }

    #[test]
    fn curve() {
        assert_eq!(density_score(0.0), 0.0);
        assert!((density_score(2.5) - 0.5).abs() < 1e-9);
        assert_eq!(density_score(10.0), 1.0);
        assert_eq!(density_score(50.0), 1.0);
    }

    #[test]
    fn publishable_member_without_tests_warns() {
        let o = run(
            vec![Member::named("a", "0.1.0", "")],
            &[
                ("Cargo.toml", "[package]\nname = \"a\"\n"),
                (
                    "src/lib.rs",
                    "pub fn f() -> u8 {\n    1\n}\n".repeat(20).as_str(),
                ),
            ],
        );
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.score, 0.0);
        assert_eq!(o.findings[0].path.as_deref(), Some("Cargo.toml"));
        assert_eq!(o.findings[0].severity, Severity::Warning);
    }

    #[test]
    fn counts_unit_integration_and_doctests() {
        let lib = format!(
            "/// ```\n/// a::f();\n/// ```\npub fn f() {{}}\n{}#[cfg(test)]\nmod tests {{\n    #[test]\n    fn t() {{}}\n}}\n",
            "fn g() {}\n".repeat(59)
        );
        let facts = Facts::in_memory(
            vec![Member::named("a", "0.1.0", "")],
            &[
                ("Cargo.toml", "[package]\nname = \"a\"\n"),
                ("src/lib.rs", &lib),
                ("tests/it.rs", "#[test]\nfn a() {}\n#[test]\nfn b() {}\n"),
            ],
        );
        let c = counts(&facts, 0);
        assert_eq!(
            (c.unit, c.integration, c.doctests, c.code_lines),
            (1, 2, 1, 60)
        );
        let o = TestsPresent.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.score, 1.0);
    }

    #[test]
    fn tests_in_a_test_suite_member_count_for_the_library() {
        // serde: the tests of `serde` live in the unpublished `test_suite`.
        let mut suite = Member::named("test_suite", "0.0.0", "test_suite");
        suite.publish = false;
        let lib = "pub fn f() {}\n".repeat(100);
        let facts = Facts::in_memory(
            vec![Member::named("serde", "1.0.0", "serde"), suite],
            &[
                ("serde/Cargo.toml", "[package]\nname = \"serde\"\n"),
                ("serde/src/lib.rs", &lib),
                (
                    "test_suite/Cargo.toml",
                    "[package]\nname = \"test_suite\"\npublish = false\n[dev-dependencies]\nserde = { path = \"../serde\" }\n",
                ),
                ("test_suite/tests/de.rs", "#[test]\nfn a() {}\n"),
            ],
        );
        let all = all_counts(&facts);
        assert_eq!((all[0].external, all[0].total()), (1, 1));
        let o = TestsPresent.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn a_proc_macro_and_the_library_only_it_uses_are_tested_through_their_user() {
        // pyo3 → pyo3-macros (proc-macro) → pyo3-macros-backend.
        let lib = "pub fn f() {}\n".repeat(100);
        let facts = Facts::in_memory(
            vec![
                Member::named("m", "1.0.0", "m"),
                Member::named("m-macros", "1.0.0", "macros"),
                Member::named("m-backend", "1.0.0", "backend"),
            ],
            &[
                (
                    "m/Cargo.toml",
                    "[package]\nname = \"m\"\n[dependencies]\nm-macros = { path = \"../macros\" }\n",
                ),
                ("m/src/lib.rs", &lib),
                ("m/tests/it.rs", "#[test]\nfn a() {}\n#[test]\nfn b() {}\n"),
                (
                    "macros/Cargo.toml",
                    "[package]\nname = \"m-macros\"\n[lib]\nproc-macro = true\n[dependencies]\nm-backend = { path = \"../backend\" }\n",
                ),
                ("macros/src/lib.rs", &lib),
                ("backend/Cargo.toml", "[package]\nname = \"m-backend\"\n"),
                ("backend/src/lib.rs", &lib),
            ],
        );
        let all = all_counts(&facts);
        assert_eq!((all[1].external, all[2].external), (2, 2));
        let o = crate::checks::integration_tests::IntegrationTests
            .run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn a_proc_macro_reexported_by_another_member_is_tested_through_it() {
        // futures (tests) → futures-util (re-exports) → futures-macro.
        let lib = "pub fn f() {}\n".repeat(100);
        let facts = Facts::in_memory(
            vec![
                Member::named("f", "1.0.0", "f"),
                Member::named("f-util", "1.0.0", "util"),
                Member::named("f-macro", "1.0.0", "macro"),
            ],
            &[
                (
                    "f/Cargo.toml",
                    "[package]\nname = \"f\"\n[dependencies]\nf-util = { path = \"../util\" }\n",
                ),
                ("f/src/lib.rs", &lib),
                ("f/tests/it.rs", "#[test]\nfn a() {}\n"),
                (
                    "util/Cargo.toml",
                    "[package]\nname = \"f-util\"\n[dependencies]\nf-macro = { path = \"../macro\", optional = true }\n",
                ),
                ("util/src/lib.rs", &format!("{lib}#[test]\nfn u() {{}}\n")),
                (
                    "macro/Cargo.toml",
                    "[package]\nname = \"f-macro\"\n[lib]\nproc-macro = true\n",
                ),
                ("macro/src/lib.rs", &lib),
            ],
        );
        let all = all_counts(&facts);
        assert!(all[2].external > 0, "{all:?}");
        let o = crate::checks::integration_tests::IntegrationTests
            .run(&facts, &CheckConfig { level: Level::Warn });
        assert!(
            o.findings.iter().all(|f| !f.message.contains("f-macro")),
            "{:?}",
            o.findings
        );
    }

    #[test]
    fn a_custom_harness_suite_of_a_test_member_tests_its_dependencies() {
        // typst: `tests/` is an unpublished member whose `[[test]]` runs
        // the reference tests with `harness = false`.
        let mut suite = Member::named("x-tests", "0.0.0", "tests");
        suite.publish = false;
        let lib = "pub fn f() {}\n".repeat(100);
        let facts = Facts::in_memory(
            vec![Member::named("x-render", "1.0.0", "render"), suite],
            &[
                ("render/Cargo.toml", "[package]\nname = \"x-render\"\n"),
                ("render/src/lib.rs", &lib),
                (
                    "tests/Cargo.toml",
                    "[package]\nname = \"x-tests\"\npublish = false\n[[test]]\nname = \"tests\"\npath = \"src/tests.rs\"\nharness = false\n[dependencies]\nx-render = { path = \"../render\" }\n",
                ),
                ("tests/src/tests.rs", "fn main() {}\n"),
            ],
        );
        let all = all_counts(&facts);
        assert_eq!((all[0].custom_harness, all[0].total()), (1, 0));
        let o = TestsPresent.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert_eq!(o.score, 1.0);
        assert_eq!(o.findings[0].key, "custom-harness");
    }

    #[test]
    fn test_files_named_after_a_dependency_member_count_for_it() {
        // coreutils: `tests/by-util/test_ls.rs` in the root package tests
        // the `uu_ls` member.
        let lib = "pub fn f() {}\n".repeat(100);
        let facts = Facts::in_memory(
            vec![
                Member::named("coreutils", "0.1.0", ""),
                Member::named("uu_ls", "0.1.0", "src/uu/ls"),
                Member::named("uu_cat", "0.1.0", "src/uu/cat"),
            ],
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"coreutils\"\n[dependencies]\nuu_ls = { path = \"src/uu/ls\" }\nuu_cat = { path = \"src/uu/cat\" }\n",
                ),
                ("src/bin/coreutils.rs", "fn main() {}\n"),
                (
                    "tests/tests.rs",
                    "#[path = \"by-util/test_ls.rs\"]\nmod test_ls;\n",
                ),
                (
                    "tests/by-util/test_ls.rs",
                    "#[test]\nfn a() {}\n#[test]\nfn b() {}\n",
                ),
                ("src/uu/ls/Cargo.toml", "[package]\nname = \"uu_ls\"\n"),
                ("src/uu/ls/src/lib.rs", &lib),
                ("src/uu/cat/Cargo.toml", "[package]\nname = \"uu_cat\"\n"),
                ("src/uu/cat/src/lib.rs", &lib),
            ],
        );
        let all = all_counts(&facts);
        assert_eq!(all[0].integration, 2);
        assert_eq!((all[1].external, all[2].external), (2, 0));
    }

    #[test]
    fn automod_directories_are_module_trees() {
        // clap: `tests/builder/main.rs` is `automod::dir!("tests/builder");`.
        let facts = Facts::in_memory(
            vec![Member::named("a", "0.1.0", "")],
            &[
                ("Cargo.toml", "[package]\nname = \"a\"\n"),
                ("src/lib.rs", "pub fn f() {}\n"),
                (
                    "tests/builder/main.rs",
                    "automod::dir!(\"tests/builder\");\n",
                ),
                (
                    "tests/builder/flags.rs",
                    "#[test]\nfn a() {}\n#[test]\nfn b() {}\n",
                ),
                ("tests/builder/opts.rs", "#[test]\nfn c() {}\n"),
            ],
        );
        assert_eq!(counts(&facts, 0).integration, 3);
    }

    #[test]
    fn tiny_facades_are_left_out() {
        let o = run(
            vec![Member::named("a", "0.1.0", "")],
            &[("Cargo.toml", ""), ("src/lib.rs", "pub use inner::*;\n")],
        );
        assert_eq!(o.status, Status::Skip);
    }

    #[test]
    fn no_sources_is_skipped() {
        let o = run(vec![Member::named("a", "0.1.0", "")], &[]);
        assert_eq!(o.status, Status::Skip);
    }
}
