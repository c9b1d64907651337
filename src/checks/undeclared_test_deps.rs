//! `undeclared-test-deps`: every crate that tests, benches and examples
//! use is declared in the manifest.

use std::collections::BTreeSet;

use super::code::{self, ident};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::sources::TargetKind;
use crate::scan::RefKind;

/// See [`Check::docs`].
pub struct UndeclaredTestDeps;

impl Check for UndeclaredTestDeps {
    fn id(&self) -> &'static str {
        "undeclared-test-deps"
    }
    fn category(&self) -> Category {
        Category::Testing
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "crates used in tests, benches and examples are declared dependencies"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
In test code — `tests/`, `benches/`, `examples/`, `#[cfg(test)]` items
and `#[test]` functions — every crate referred to by `use name::…`,
`extern crate name`, a path `name::item`, a macro `name::mac!` or an
attribute `#[name::test]` must be something the member can use: one of its
dependencies or dev-dependencies (any target; `-` and `_` are the same; a
renamed dependency counts under its new name, and a library target named
differently from its package under the library's name), a workspace member,
the member's own library, or `std`, `core`, `alloc`, `proc_macro`, `test`.
Names the member's own code declares or imports anywhere (modules, `use`
imports, `extern crate … as` aliases, types) are not crates, nor are names
its shipped code also uses (they resolve in a normal build: a dependency,
or an item made by a macro, such as a diesel `table!` module). In a file
that imports a crate's items with a glob (`use predicates::prelude::*`),
a path starting with an unknown name (`predicate::str::…`) may be one of
them and is not reported; `use` and `extern crate` still are. A name given
on its own to a macro (`import_exception!(socket, gaierror)`) may be an
item the macro defines, so `gaierror::new_err(…)` is not a crate. rstest's
named cases (`#[case::empty(..)]`) and macro fragments (`$v:ident::…`)
are not paths.

Each finding is at the first use in a file, with the command that fixes it.
With `cargo metadata` the declared names are the resolved ones; without it
they are read from the manifest, and a library named differently from its
package is matched by the end of the package name (`astral-tokio-tar`
provides `tokio_tar`). Edition 2015 members are checked only for `extern crate`
(their paths are relative to the crate root). In a member that uses
`#![feature(rustc_private)]`, the crates its `extern crate` lines name
(`rustc_ast`, `thin_vec`) come from the compiler's sysroot, which no
manifest can declare.

## Why
A test that uses a crate nobody declared does not compile from a clean
clone: "the snapshot tests reference `insta` but `Cargo.toml` does not
include it". It passes on the author's machine only because another
crate's build happened to pull the dependency in, or never ran at all.

## Passing example
```toml
[dev-dependencies]
insta = "1"
pretty = { package = "pretty_assertions", version = "1" }   # used as `pretty::assert_eq!`
```

## How to fix
`cargo add --dev NAME -p MEMBER` (crate names with `_` may be published
with `-`), or remove the use.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let mut workspace_crates: BTreeSet<String> = BTreeSet::new();
        for (m, src) in facts.members.iter().zip(&facts.sources.members) {
            workspace_crates.insert(ident(&m.name));
            if let Some(lib) = &src.lib_name {
                workspace_crates.insert(lib.clone());
            }
        }
        let mut findings = Vec::new();
        let (mut test_files, mut bad_files) = (0usize, 0usize);
        for (i, member) in facts.members.iter().enumerate() {
            let Some(src) = facts.sources.members.get(i) else {
                continue;
            };
            let edition_2015 = src.edition == "2015";
            let declared = code::declared_names(facts, member);
            // Names the member declares, and names its shipped code uses:
            // those resolve in a normal build (a dependency, or an item —
            // e.g. a module made by a macro such as diesel's `table!`).
            let mut local: BTreeSet<&str> = BTreeSet::new();
            for f in facts.sources.member_files(i) {
                local.extend(f.scan.local_names.iter().map(String::as_str));
                local.extend(f.scan.mods.iter().map(|m| m.name.as_str()));
                local.extend(
                    f.scan
                        .crate_refs
                        .iter()
                        .filter(|r| code::ships(f, r.test))
                        .map(|r| r.name.as_str()),
                );
            }
            // `#![feature(rustc_private)]` (syn's tests against rustc's
            // parser): `extern crate rustc_ast;` names a sysroot crate.
            if facts.sources.member_files(i).any(|f| f.scan.rustc_private) {
                for f in facts.sources.member_files(i) {
                    local.extend(
                        f.scan
                            .crate_refs
                            .iter()
                            .filter(|r| r.kind == RefKind::ExternCrate)
                            .map(|r| r.name.as_str()),
                    );
                }
            }
            let guessed = facts.metadata.is_err();
            let many_members = facts.members.len() > 1;
            for f in facts.sources.member_files(i) {
                let is_test_target = matches!(
                    f.role,
                    TargetKind::Test | TargetKind::Bench | TargetKind::Example
                );
                if !is_test_target && !f.test && !f.scan.crate_refs.iter().any(|r| r.test) {
                    continue;
                }
                test_files += 1;
                // `use predicates::prelude::*` brings names (`predicate`)
                // nobody can list without that crate's source: a path
                // starting with an unknown name may be one of them.
                let external_glob = f.scan.glob_imports.iter().any(|g| {
                    let root = g.split("::").next().unwrap_or("");
                    !matches!(
                        root,
                        "" | "crate" | "self" | "super" | "std" | "core" | "alloc"
                    )
                });
                let mut bad = false;
                let mut seen = BTreeSet::new();
                for r in &f.scan.crate_refs {
                    if !f.is_test(r.test) || !seen.insert(r.name.as_str()) {
                        continue;
                    }
                    if edition_2015 && r.kind != RefKind::ExternCrate {
                        continue;
                    }
                    // Without metadata, a library named differently from its
                    // package is guessed from the name's tail
                    // (`astral-tokio-tar` → `tokio_tar`).
                    let suffix = format!("_{}", r.name);
                    let known = declared.contains(&r.name)
                        || workspace_crates.contains(&r.name)
                        || local.contains(r.name.as_str())
                        || (guessed && declared.iter().any(|d| d.ends_with(&suffix)))
                        || (external_glob && r.kind == RefKind::Path);
                    if known {
                        continue;
                    }
                    bad = true;
                    let package = r.name.clone();
                    let fix = if many_members {
                        format!("cargo add --dev {package} -p {}", member.name)
                    } else {
                        format!("cargo add --dev {package}")
                    };
                    findings.push(
                        Finding::error(
                            package.clone(),
                            format!(
                                "`{}` is used in test code but `{}` does not declare it (tests will not compile from a clean clone)",
                                r.name, member.name
                            ),
                        )
                        .at(f.path.clone(), Some(r.line as usize))
                        .help(format!(
                            "{fix} (if the crate is published with dashes, use those)"
                        )),
                    );
                }
                if bad {
                    bad_files += 1;
                }
            }
        }
        let score = if test_files == 0 {
            1.0
        } else {
            1.0 - bad_files as f64 / test_files as f64
        };
        code::with_skipped(Outcome::from_findings(findings, score), facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    fn run(texts: &[(&str, &str)]) -> Outcome {
        let facts = Facts::in_memory(vec![Member::named("app", "0.1.0", "")], texts);
        UndeclaredTestDeps.run(&facts, &CheckConfig { level: Level::Deny })
    }

    const MANIFEST: &str = "[package]\nname = \"app\"\nedition = \"2021\"\n[dependencies]\nserde = \"1\"\n[dev-dependencies]\npretty = { package = \"pretty_assertions\", version = \"1\" }\ntokio-test = \"0.4\"\n";

    #[test]
    fn sysroot_crates_under_rustc_private_are_not_dependencies() {
        let o = run(&[
            ("Cargo.toml", MANIFEST),
            (
                "tests/test_precedence.rs",
                "#![feature(rustc_private)]\nextern crate rustc_ast;\nextern crate thin_vec;\nmod common;\n#[test]\nfn t() {\n    let _ = rustc_ast::ast::Expr;\n}\n",
            ),
            (
                "tests/common/mod.rs",
                "use rustc_ast::ptr::P;\nuse thin_vec::ThinVec;\n",
            ),
            (
                "tests/other.rs",
                "extern crate rustc_span;\n#[test]\nfn t() {}\n",
            ),
        ]);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        let o = run(&[
            ("Cargo.toml", MANIFEST),
            (
                "tests/other.rs",
                "extern crate rustc_span;\n#[test]\nfn t() {}\n",
            ),
        ]);
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn undeclared_snapshot_crate_is_found_at_its_line() {
        let o = run(&[
            ("Cargo.toml", MANIFEST),
            (
                "tests/snap.rs",
                "use serde::Serialize;\n\n#[test]\nfn snap() {\n    insta::assert_snapshot!(\"x\");\n    pretty::assert_eq!(1, 1);\n    tokio_test::block_on(async {});\n}\n",
            ),
        ]);
        assert_eq!(o.status, Status::Fail);
        let at: Vec<(Option<&str>, Option<usize>, &str)> = o
            .findings
            .iter()
            .map(|f| (f.path.as_deref(), f.line, f.key.as_str()))
            .collect();
        assert_eq!(at, vec![(Some("tests/snap.rs"), Some(5), "insta")]);
    }

    #[test]
    fn own_crate_modules_and_non_test_code_are_fine() {
        let o = run(&[
            ("Cargo.toml", MANIFEST),
            (
                "src/lib.rs",
                "mod util;\npub fn f() { util::g(); }\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn t() { util::g(); }\n}\n",
            ),
            ("src/util.rs", "pub fn g() {}\n"),
            (
                "tests/it.rs",
                "mod common;\n#[test]\nfn t() { app::f(); common::h(); }\n",
            ),
            ("tests/common/mod.rs", "pub fn h() {}\n"),
        ]);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }

    #[test]
    fn names_shipped_code_uses_and_guessed_library_names_are_fine() {
        // crates.io: a diesel `table!` module used in tests and in the
        // model code; `astral-tokio-tar` used as `tokio_tar` (no metadata).
        let o = run(&[
            (
                "Cargo.toml",
                "[package]\nname = \"app\"\nedition = \"2021\"\n[dependencies]\nastral-tokio-tar = \"0.6\"\n",
            ),
            (
                "src/lib.rs",
                "pub fn q() { keywords::table.load(); }\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        keywords::table.count();\n        tokio_tar::Archive::new(x);\n        uncommon::thing();\n    }\n}\n",
            ),
        ]);
        let keys: Vec<&str> = o.findings.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, vec!["uncommon"]);
    }

    #[test]
    fn edition_2015_checks_extern_crate_only() {
        let o = run(&[
            ("Cargo.toml", "[package]\nname = \"app\"\n"),
            ("tests/it.rs", "extern crate quickcheck;\nuse helpers::x;\n"),
        ]);
        let keys: Vec<&str> = o.findings.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, vec!["quickcheck"]);
    }
}
