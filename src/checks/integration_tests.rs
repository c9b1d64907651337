//! `integration-tests`: binaries and services have a `tests/` suite;
//! libraries at least runnable doc examples.

use super::code::{self, at_manifest};
use super::tests_present::{MIN_CODE_LINES, counts};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::sources::TargetKind;

/// See [`Check::docs`].
pub struct IntegrationTests;

impl Check for IntegrationTests {
    fn id(&self) -> &'static str {
        "integration-tests"
    }
    fn category(&self) -> Category {
        Category::Testing
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "binaries have an integration test suite; libraries at least doctests"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
For each member with a library or binary (support members — `xtask`,
test-support, benchmark, example and fuzz crates, by a name word or
directory such as `test_utils`, `tests-integration`, `bench`,
`examples/…`, `fuzz` — are left out):

- a member with a binary target (a CLI, a service) needs an integration
  test target (`tests/*.rs`, or a `[[test]]`): a warning without one;
- a library-only member passes with integration tests, gets half marks and
  a note with runnable doctests only, and a warning with neither.

An integration test target counts even when it has no `#[test]` function
(`harness = false` suites run their own `main`), and so do the test
targets of an unpublished member that depends on this one (a
`test_suite` crate) — and, for an internal library (`publish = false` or
version `0.0.0`, the crates of a service's monorepo) or a proc-macro
crate (`clap_derive`, tested through `clap`), the test targets of any
member that uses it (also through members that re-export it:
`futures` → `futures-util` → `futures-macro`), and so for a library only proc-macros use
(`pyo3-macros-backend`); test files named after a member the crate depends on
(`tests/by-util/test_ls.rs` for `uu_ls`, coreutils' layout) count for that
member. Members with fewer than 50 lines of non-test code are
left out.

## Why
Unit tests check functions; integration tests check what users run — the
binary's command line, the service's endpoints, the library's public API
from outside the crate. Reviews of production services keep finding "no
integration or failure-path tests".

## Passing example
```text
my-service/
  src/main.rs
  tests/api.rs      # starts the service, calls it, checks the answers
```

## How to fix
Add `tests/` with tests that drive the binary (e.g. with `assert_cmd`) or
the public API; for a library, runnable examples in the docs of public
items are a start.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let suites_of = |i: usize| {
            facts.sources.members.get(i).map_or(0, |m| {
                m.targets
                    .iter()
                    .filter(|t| t.kind == TargetKind::Test)
                    .count()
            })
        };
        // An unpublished member with test targets (a `test_suite` crate)
        // tests the members it depends on; any member's suite tests the
        // internal libraries it uses (unpublished, or at version 0.0.0 —
        // the crates of a service's monorepo).
        let internal = |m: &crate::facts::workspace::Member| {
            !code::is_publishable(facts, m) || m.version == "0.0.0"
        };
        let mut external = vec![0usize; facts.members.len()];
        // Members by library name: a tester's names are looked up, not
        // compared with every member (quadratic on large workspaces).
        let mut by_lib: std::collections::HashMap<&str, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, src) in facts.sources.members.iter().enumerate() {
            if let Some(lib) = &src.lib_name {
                by_lib.entry(lib.as_str()).or_default().push(i);
            }
        }
        let uses: Vec<_> = facts
            .members
            .iter()
            .map(|m| code::declared_names(facts, m))
            .collect();
        for (j, tester) in facts.members.iter().enumerate() {
            if suites_of(j) == 0 {
                continue;
            }
            for name in &uses[j] {
                for &i in by_lib.get(name.as_str()).into_iter().flatten() {
                    let proc_macro = facts
                        .sources
                        .members
                        .get(i)
                        .is_some_and(|s| s.has(TargetKind::ProcMacro));
                    let counts_for_i =
                        !tester.publish || proc_macro || facts.members.get(i).is_some_and(internal);
                    if i != j && counts_for_i {
                        external[i] += suites_of(j);
                    }
                }
            }
        }
        // A proc-macro tested through a crate that re-exports it
        // (`futures` → `futures-util` → `futures-macro`).
        let proc_macros: Vec<usize> = (0..facts.members.len())
            .filter(|&i| {
                external[i] == 0
                    && facts
                        .sources
                        .members
                        .get(i)
                        .is_some_and(|s| s.has(TargetKind::ProcMacro))
            })
            .collect();
        if !proc_macros.is_empty() {
            let index = crate::checks::tests_present::lib_index(facts);
            for j in (0..facts.members.len()).filter(|&j| suites_of(j) > 0) {
                let through = crate::checks::tests_present::reached(&index, &uses, j);
                for &i in &proc_macros {
                    let lib = facts
                        .sources
                        .members
                        .get(i)
                        .and_then(|s| s.lib_name.as_ref());
                    if i != j && lib.is_some_and(|l| through.contains(l)) {
                        external[i] += suites_of(j);
                    }
                }
            }
        }
        // A library only proc-macros use (`pyo3-macros-backend` behind
        // `pyo3-macros`) is tested through them.
        let through_macros: Vec<usize> =
            crate::checks::tests_present::macro_only_users(facts, &uses)
                .into_iter()
                .map(|users| users.iter().map(|&j| external[j] + suites_of(j)).sum())
                .collect();
        for (i, n) in through_macros.into_iter().enumerate() {
            external[i] += n;
        }
        for (i, n) in crate::checks::tests_present::named_test_files(facts)
            .into_iter()
            .enumerate()
        {
            external[i] += n as usize;
        }
        let mut findings = Vec::new();
        let mut scores = Vec::new();
        let publishes_any = facts.members.iter().any(|m| code::is_publishable(facts, m));
        for (i, member) in facts.members.iter().enumerate() {
            let Some(src) = facts.sources.members.get(i) else {
                continue;
            };
            if code::is_tooling(facts, member) {
                continue;
            }
            let has_bin = src.has(TargetKind::Bin);
            let has_lib = src.has(TargetKind::Lib) || src.has(TargetKind::ProcMacro);
            if !has_bin && !has_lib {
                continue;
            }
            let c = counts(facts, i);
            if c.code_lines < MIN_CODE_LINES {
                continue;
            }
            if suites_of(i) + external[i] > 0 {
                scores.push(1.0);
            } else if has_bin {
                let message = format!(
                    "`{}` builds a binary but has no integration tests (no tests/ target)",
                    member.name
                );
                // A maintainers' tool beside published crates (a code
                // generator, a dictionary trainer) is not what ships: a
                // note, left out of the score. When nothing is published
                // (a service), the binaries are the product.
                let finding = if !code::is_publishable(facts, member) && publishes_any {
                    Finding::note("no-integration-tests", message)
                } else {
                    scores.push(0.0);
                    Finding::warning("no-integration-tests", message)
                };
                findings.push(
                    at_manifest(facts, finding, member)
                    .help("add tests/*.rs that run the binary (e.g. with assert_cmd) or exercise its public API"),
                );
            } else if c.doctests > 0 {
                scores.push(0.5);
                findings.push(
                    at_manifest(
                        facts,
                        Finding::note(
                            "doctests-only",
                            format!(
                                "library `{}` has {} doctests but no integration tests (tests/)",
                                member.name, c.doctests
                            ),
                        ),
                        member,
                    )
                    .help("add tests/*.rs that use the public API as a dependent crate would"),
                );
            } else {
                scores.push(0.0);
                findings.push(
                    at_manifest(
                        facts,
                        Finding::warning(
                            "no-integration-tests",
                            format!(
                                "library `{}` has neither integration tests (tests/) nor runnable doctests",
                                member.name
                            ),
                        ),
                        member,
                    )
                    .help("add tests/*.rs, or runnable examples in the docs of public items"),
                );
            }
        }
        if scores.is_empty() {
            return Outcome::skip("no member builds a library or a binary");
        }
        let score = scores.iter().sum::<f64>() / scores.len() as f64;
        code::with_skipped(Outcome::from_findings(findings, score), facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    fn run(texts: &[(&str, &str)]) -> Outcome {
        let facts = Facts::in_memory(vec![Member::named("a", "0.1.0", "")], texts);
        IntegrationTests.run(&facts, &CheckConfig { level: Level::Warn })
    }

    fn code(first: &str) -> String {
        format!("{first}{}", "fn g() {}\n".repeat(60))
    }

    #[test]
    fn binary_without_tests_dir_warns() {
        let main = code("fn main() {}\n");
        let o = run(&[("Cargo.toml", ""), ("src/main.rs", &main)]);
        assert_eq!(o.status, Status::Warn);
        let o = run(&[
            ("Cargo.toml", ""),
            ("src/main.rs", &main),
            ("tests/cli.rs", "#[test]\nfn runs() {}\n"),
        ]);
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn a_services_suite_covers_its_internal_libraries() {
        // crates.io: `crates/*` libraries at 0.0.0, tested through the
        // root crate's integration suite.
        let lib = code("pub fn f() {}\n");
        let mut public = Member::named("public_lib", "1.0.0", "crates/public");
        public.description = Some("A published library".into());
        let facts = Facts::in_memory(
            vec![
                Member::named("service", "0.0.0", ""),
                Member::named("service_db", "0.0.0", "crates/db"),
                public,
            ],
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"service\"\n[dependencies]\nservice_db = { path = \"crates/db\" }\npublic_lib = { path = \"crates/public\" }\n",
                ),
                ("src/main.rs", &code("fn main() {}\n")),
                ("tests/api.rs", "#[test]\nfn t() {}\n"),
                ("crates/db/Cargo.toml", "[package]\nname = \"service_db\"\n"),
                ("crates/db/src/lib.rs", &lib),
                (
                    "crates/public/Cargo.toml",
                    "[package]\nname = \"public_lib\"\n",
                ),
                ("crates/public/src/lib.rs", &lib),
            ],
        );
        let o = IntegrationTests.run(&facts, &CheckConfig { level: Level::Warn });
        let flagged: Vec<Option<&str>> = o.findings.iter().map(|f| f.path.as_deref()).collect();
        assert_eq!(flagged, vec![Some("crates/public/Cargo.toml")]);
    }

    #[test]
    fn library_with_doctests_gets_half() {
        let lib = code("/// ```\n/// a::f();\n/// ```\npub fn f() {}\n");
        let o = run(&[("Cargo.toml", ""), ("src/lib.rs", &lib)]);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.score, 0.5);
        let o = run(&[("Cargo.toml", ""), ("src/lib.rs", &code(""))]);
        assert_eq!(o.status, Status::Warn);
    }
}
