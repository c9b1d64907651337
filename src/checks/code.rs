//! Helpers shared by the checks that read the scanned Rust sources
//! (`facts.sources`): which code ships, stable keys for located sites,
//! declared dependency names, manifest lint tables.

use std::collections::{BTreeMap, BTreeSet};

use super::{Finding, Outcome, Status, manifest_deps};
use crate::facts::Facts;
use crate::facts::sources::SourceFile;
use crate::facts::workspace::Member;

/// The outcome when there is nothing to look at: `skip` without sources,
/// `error` when every source file was unreadable.
pub fn nothing_to_scan(facts: &Facts) -> Option<Outcome> {
    if !facts.sources.files.is_empty() {
        return None;
    }
    if let Some(first) = facts.sources.skipped.first() {
        return Some(Outcome::error(format!(
            "no Rust source could be read ({} {})",
            first.path, first.reason
        )));
    }
    Some(Outcome::skip(
        "no Rust sources found in the workspace members",
    ))
}

/// Whether an occurrence (flagged `test_region` by the scanner) in `file`
/// is in code that ships: a library, binary or build script, outside
/// test-only code.
pub fn ships(file: &SourceFile, test_region: bool) -> bool {
    file.role.ships() && !file.is_test(test_region)
}

/// Which members ship (by index): not support members (see
/// [`is_tooling`]).
pub fn shipping_members(facts: &Facts) -> Vec<bool> {
    facts
        .members
        .iter()
        .map(|m| !is_tooling(facts, m))
        .collect()
}

/// Whether an occurrence in `file` is in shipped code of a shipping member
/// (`shipping` from [`shipping_members`]).
pub fn ships_in(shipping: &[bool], file: &SourceFile, test_region: bool) -> bool {
    ships(file, test_region) && shipping.get(file.member).copied().unwrap_or(true)
}

/// Numbers sites that share a `what:item` in one file, in file order, so
/// each gets a key that survives edits elsewhere (never the line).
#[derive(Debug, Default)]
pub struct Keys(BTreeMap<String, usize>);

impl Keys {
    /// The next key for `what` inside `item` (a function name, or empty).
    pub fn next(&mut self, what: &str, item: &str) -> String {
        let base = format!("{what}:{item}");
        let n = self.0.entry(base.clone()).or_insert(0);
        *n += 1;
        format!("{base}:{n}")
    }
}

/// One line for a skipped-files note on an outcome.
pub fn skipped_note(facts: &Facts) -> Option<String> {
    match facts.sources.skipped.as_slice() {
        [] => None,
        [one] => Some(format!("{} was not scanned: {}", one.path, one.reason)),
        [first, rest @ ..] => Some(format!(
            "{} files were not scanned ({} {}, and {} more)",
            rest.len() + 1,
            first.path,
            first.reason,
            rest.len()
        )),
    }
}

/// Appends the skipped-files note (if any) to an outcome's note.
pub fn with_skipped(outcome: Outcome, facts: &Facts) -> Outcome {
    match (skipped_note(facts), outcome.note.clone()) {
        (Some(s), Some(n)) => outcome.with_note(format!("{n}; {s}")),
        (Some(s), None) => outcome.with_note(s),
        (None, _) => outcome,
    }
}

/// Why this check cannot vouch for every shipped file: the first shipped
/// file that was not scanned and gives no evidence — unreadable, or too
/// large and (read through without lexing) mentioning one of `words` or
/// declaring a module whose file could then not be followed.
pub fn unscanned_shipped(facts: &Facts, words: &[&str]) -> Option<String> {
    facts.sources.skipped.iter().filter(|s| s.ships).find_map(|s| {
        let Some(streamed) = &s.streamed else {
            return Some(format!(
                "{} was not scanned ({}), so this check could not look at it",
                s.path, s.reason
            ));
        };
        if let Some((word, line)) = words
            .iter()
            .filter_map(|w| streamed.words.get(*w).map(|l| (*w, *l)))
            .min_by_key(|(_, l)| *l)
        {
            return Some(format!(
                "{} was not scanned ({}) and `{word}` appears in it (line {line}), so this check could not look at it; raise [scan] max-file-size to scan it",
                s.path, s.reason
            ));
        }
        streamed.declares_module.map(|line| {
            format!(
                "{} was not scanned ({}) and declares a module (line {line}) whose file could not be followed; raise [scan] max-file-size to scan it",
                s.path, s.reason
            )
        })
    })
}

/// [`with_skipped`], and: when a shipped file could not be checked for
/// `words` ([`unscanned_shipped`]), an outcome that would pass or warn is
/// `error` instead — never a pass without having looked.
pub fn with_unscanned(outcome: Outcome, facts: &Facts, words: &[&str]) -> Outcome {
    let outcome = with_skipped(outcome, facts);
    let Some(why) = unscanned_shipped(facts, words) else {
        return outcome;
    };
    match outcome.status {
        Status::Fail => {
            let note = match &outcome.note {
                Some(n) => format!("{n}; also, {why}"),
                None => why,
            };
            outcome.with_note(note)
        }
        _ => Outcome {
            status: Status::Error,
            score: 0.0,
            note: Some(why),
            ..outcome
        },
    }
}

/// Normalises a crate or package name to the identifier code uses.
pub fn ident(name: &str) -> String {
    name.replace('-', "_")
}

/// Names a member's code may use for crates it declares (normal and dev
/// dependencies, all targets; renames applied; `-` → `_`): from `cargo
/// metadata` when it ran, else from the manifest.
pub fn declared_names(facts: &Facts, member: &Member) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    if let Ok(meta) = &facts.metadata {
        let by = &facts.meta_index;
        if let Some(p) = by.member(meta, &member.manifest) {
            for d in &p.dependencies {
                if d.kind == cargo_metadata::DependencyKind::Build {
                    continue;
                }
                names.insert(ident(d.rename.as_deref().unwrap_or(&d.name)));
                // A library target named differently from its package.
                if d.rename.is_none() {
                    use cargo_metadata::TargetKind as K;
                    for q in by.named(meta, &d.name) {
                        let libs = q.targets.iter().filter(|t| {
                            t.kind.iter().any(|k| {
                                matches!(
                                    k,
                                    K::Lib
                                        | K::RLib
                                        | K::DyLib
                                        | K::CDyLib
                                        | K::StaticLib
                                        | K::ProcMacro
                                )
                            })
                        });
                        for t in libs {
                            names.insert(ident(&t.name));
                        }
                    }
                }
            }
            if let Some(node) = by.node(meta, &p.id) {
                for d in &node.deps {
                    let build_only = !d.dep_kinds.is_empty()
                        && d.dep_kinds
                            .iter()
                            .all(|k| k.kind == cargo_metadata::DependencyKind::Build);
                    if !build_only && !d.name.is_empty() {
                        names.insert(ident(&d.name));
                    }
                }
            }
            return names;
        }
    }
    if let Some(text) = facts.text(&member.manifest).and_then(|t| t.text()) {
        for dep in manifest_deps::parse(&member.manifest, text) {
            let table = dep.table.as_str();
            let usable = table == "dependencies"
                || table == "dev-dependencies"
                || (table.starts_with("target.")
                    && (table.ends_with(".dependencies") || table.ends_with(".dev-dependencies")));
            if usable {
                names.insert(ident(&dep.key));
            }
        }
    }
    names
}

/// Whether the member's manifest sets `[lints]` (its own, or `workspace =
/// true` with a non-empty `[workspace.lints]` at the root).
pub fn manifest_lints(facts: &Facts, member: &Member) -> Option<toml::Table> {
    let table = facts.manifest(&member.manifest)?;
    let lints = table.get("lints")?.as_table()?;
    if lints.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
        let root = facts.manifest("Cargo.toml")?;
        let ws = root.get("workspace")?.get("lints")?.as_table()?;
        return (!ws.is_empty()).then(|| ws.clone());
    }
    (!lints.is_empty()).then(|| lints.clone())
}

/// Whether a lints table sets `rust.unsafe_code` to `forbid` or `deny`.
pub fn lints_forbid_unsafe(lints: &toml::Table) -> bool {
    let Some(level) = lints.get("rust").and_then(|r| r.get("unsafe_code")) else {
        return false;
    };
    let level = match level {
        toml::Value::String(s) => s.as_str(),
        other => other.get("level").and_then(|l| l.as_str()).unwrap_or(""),
    };
    matches!(level, "forbid" | "deny")
}

/// A finding's location for a member as a whole: its manifest, at the
/// package's `name` line.
pub fn at_manifest(facts: &Facts, finding: Finding, member: &Member) -> Finding {
    let line = super::support::manifest_line(facts, member, "name");
    finding.at(member.manifest.clone(), line)
}

/// Words in a member's name or directory that mark it as support for the
/// project rather than a product.
const SUPPORT_WORDS: &[&str] = &[
    "xtask",
    "test",
    "tests",
    "testing",
    "bench",
    "benches",
    "benchmark",
    "benchmarks",
    "fuzz",
    "example",
    "examples",
    // Sample crates of a book or of the docs (`docs/book`: quinn's mdBook
    // code, compiled so the snippets stay true).
    "docs",
    "book",
];

/// Words naming developer tooling when the member is not published
/// (`publish = false` in `tools/…`, `codegen`, `dev-scripts`): an
/// unpublished service is still a product, an unpublished generator is not.
const DEV_TOOL_WORDS: &[&str] = &[
    "tools",
    "tool",
    "tooling",
    "devtools",
    "dev",
    "scripts",
    "script",
    "codegen",
    "generator",
    "ci",
    "lint",
    "linter",
    "bump",
    "harness",
    "internal-tools",
    // Performance harnesses and interop runners (quinn's `perf`): what
    // they switch off is their point.
    "perf",
    "interop",
];

/// Whether a member is meant for crates.io: [`unshipped_reason`] has no
/// reason it is not. Every check that asks "is this published?" asks this.
pub fn is_publishable(facts: &Facts, member: &Member) -> bool {
    unshipped_reason(facts, member).is_none()
}

/// Why a member does not ship as a crate, if it does not: `publish =
/// false`; a support member (test fixture, example, xtask) without a
/// `description` (pyo3's `tests/ui/base`); or, for a member other than
/// the root package, no `description` — crates.io refuses a crate without
/// one, so nobody publishes it (rust-postgres's `codegen`, zellij's
/// plugins). A support crate that is published, such as `tokio-test`, has
/// a description and is judged like the others; the root package is the
/// product even without one.
pub fn unshipped_reason(facts: &Facts, member: &Member) -> Option<&'static str> {
    if !member.publish {
        Some("it is not published (`publish = false`)")
    } else if member.description.is_none() && is_tooling(facts, member) {
        Some("it is an example, xtask or test-support member")
    } else if member.description.is_none() && !member.dir.is_empty() && facts.members.len() > 1 {
        Some("it has no `description`, so crates.io would not accept it")
    } else {
        None
    }
}

/// Whether the release checks (`changelog`, `version-tags`) leave a member
/// out as support: [`is_tooling`], unless it is published with a
/// `description` — then it is released like any crate, whatever its name
/// says (`tower-test`, a published testing library).
pub fn is_unreleased_tooling(facts: &Facts, member: &Member) -> bool {
    is_tooling(facts, member) && !(member.publish && member.description.is_some())
}

/// Members that support the project rather than ship as a product:
/// `xtask`, test-support crates (`test_utils`, `tests-integration`),
/// benchmark and example crates, cargo-fuzz crates — by a word of the name
/// (split at `-`/`_`), a directory (`examples/…`, `crates/tests/…`),
/// `package.metadata.cargo-fuzz`, or unpublished developer tooling (see
/// [`DEV_TOOL_WORDS`]).
pub fn is_tooling(facts: &Facts, member: &Member) -> bool {
    let words = |list: &[&str]| {
        member.name.split(['-', '_']).any(|w| list.contains(&w))
            || member.dir.split('/').any(|d| list.contains(&d))
    };
    if words(SUPPORT_WORDS) || (!member.publish && words(DEV_TOOL_WORDS)) {
        return true;
    }
    // An unpublished member that says it is for testing ("A package to
    // test various bindgen features": rust-bindgen's integration crate).
    let described_as_tests = member.description.as_deref().is_some_and(|d| {
        d.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "test" | "tests" | "testing"
            )
        })
    });
    if !member.publish && described_as_tests {
        return true;
    }
    facts
        .text(&member.manifest)
        .and_then(|t| t.text())
        // Most manifests never mention cargo-fuzz: skip the look-up.
        .filter(|t| t.contains("cargo-fuzz"))
        .and_then(|_| facts.manifest(&member.manifest))
        .and_then(|t| {
            t.get("package")?
                .get("metadata")?
                .get("cargo-fuzz")?
                .as_bool()
        })
        == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unpublished_member_described_as_tests_is_support() {
        let mut m = Member::named("bindgen-integration", "0.1.0", "bindgen-integration");
        m.description = Some("A package to test various bindgen features".into());
        let facts = Facts::in_memory(vec![m.clone()], &[]);
        assert!(!is_tooling(&facts, &m));
        m.publish = false;
        assert!(is_tooling(&facts, &m));
        m.description = Some("Contest results service".into());
        assert!(!is_tooling(&facts, &m));
    }

    #[test]
    fn keys_number_repeats_per_item() {
        let mut k = Keys::default();
        assert_eq!(k.next("todo", "f"), "todo:f:1");
        assert_eq!(k.next("todo", "g"), "todo:g:1");
        assert_eq!(k.next("todo", "f"), "todo:f:2");
    }

    #[test]
    fn support_members() {
        let facts = Facts::in_memory(Vec::new(), &[]);
        for (name, dir) in [
            ("xtask", "xtask"),
            ("crates_io_test_utils", "crates/test_utils"),
            ("tests-integration", "tests-integration"),
            ("acl-tests", "crates/tests/acl"),
            ("api", "examples/api/src-tauri"),
            ("tauri_bench", "bench"),
            ("book", "docs/book"),
        ] {
            assert!(
                is_tooling(&facts, &Member::named(name, "0.1.0", dir)),
                "{name}"
            );
        }
        for (name, dir) in [
            ("tokio", "tokio"),
            ("contest", "crates/contest"),
            ("app", ""),
            // Published: `perf` alone does not make it tooling.
            ("perf-event", "perf-event"),
        ] {
            assert!(
                !is_tooling(&facts, &Member::named(name, "0.1.0", dir)),
                "{name}"
            );
        }
        // Tooling by its name, but published with a description: released.
        let mut tower_test = Member::named("tower-test", "0.4.0", "tower-test");
        assert!(is_tooling(&facts, &tower_test));
        tower_test.description =
            Some("Utilities for writing client and server `Service` tests.".into());
        assert!(!is_unreleased_tooling(&facts, &tower_test));
        let mut perf = Member::named("perf", "0.1.0", "perf");
        perf.publish = false;
        assert!(is_tooling(&facts, &perf));
    }

    #[test]
    fn unsafe_code_levels() {
        let t: toml::Table = "[rust]\nunsafe_code = \"forbid\"\n".parse().unwrap();
        assert!(lints_forbid_unsafe(&t));
        let t: toml::Table = "[rust]\nunsafe_code = { level = \"deny\", priority = 1 }\n"
            .parse()
            .unwrap();
        assert!(lints_forbid_unsafe(&t));
        let t: toml::Table = "[rust]\nunsafe_code = \"warn\"\n".parse().unwrap();
        assert!(!lints_forbid_unsafe(&t));
    }
}
