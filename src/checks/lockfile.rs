//! `lockfile`: workspaces that build binaries commit `Cargo.lock`.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::sources::TargetKind;

/// See [`Check::docs`].
pub struct Lockfile;

impl Check for Lockfile {
    fn id(&self) -> &'static str {
        "lockfile"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "Cargo.lock is committed when the workspace builds a binary"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
When any workspace member has a binary target, `Cargo.lock` exists at the
workspace root, parses, is tracked by git and is not ignored. For
library-only workspaces — including a published library whose only
binaries are unpublished members (`publish = false`, or a member other
than the root package without the `description` crates.io requires:
demos, benchmarks, an xtask, a code generator) or helper binaries of a library named otherwise than its package (a
`trainer` beside `pingora-header-serde`'s library) —
the check passes either way: since Rust 1.84 the
Cargo team recommends committing the lockfile for libraries too (it makes
CI reproducible), but consumers of a library never use it, so its absence
is not a production risk.

Without git (a tarball, a CI cache) the file's presence is checked and the
result says that "committed" could not be verified.

## Why
A binary built without a committed lockfile resolves dependencies afresh on
every build: two builds of the same commit can ship different code, and an
audit of the lockfile says nothing about what was deployed.

## Passing example
`Cargo.lock` listed by `git ls-files`, and no `Cargo.lock` line in
`.gitignore`.

## How to fix
Remove `Cargo.lock` from `.gitignore`, run `cargo generate-lockfile` if the
file is missing, and `git add Cargo.lock`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let binaries: Vec<&str> = facts
            .members
            .iter()
            .filter(|m| m.has_bin)
            .map(|m| m.name.as_str())
            .collect();
        // A published library whose only binaries are `publish = false`
        // members (walkdir-list, rayon-demo, an xtask), or helper binaries
        // of a library named otherwise than the package (pingora's
        // dictionary `trainer`), ships no binary: the tools are the
        // maintainers'. A workspace publishing nothing (a service deployed
        // from the repository) still ships its binaries.
        let ships_binary = |i: usize, m: &crate::facts::workspace::Member| {
            m.has_bin && super::code::is_publishable(facts, m) && !auxiliary_binaries(facts, i)
        };
        let tools_only = facts
            .members
            .iter()
            .any(|m| super::code::is_publishable(facts, m) && !m.has_bin)
            && !facts
                .members
                .iter()
                .enumerate()
                .any(|(i, m)| ships_binary(i, m));
        let (binaries, tools) = if tools_only {
            (Vec::new(), binaries)
        } else {
            (binaries, Vec::new())
        };
        let mut findings = Vec::new();
        // A lockfile cargo generated for this run is not the repository's.
        let on_disk = facts.lockfile.as_ref().filter(|l| !l.generated);
        if let Some(lock) = on_disk
            && let Err(e) = &lock.parsed
        {
            findings.push(
                Finding::error("unparsable", format!("{} cannot be parsed: {e}", lock.path))
                    .at(lock.path.clone(), None)
                    .help("regenerate it with `cargo generate-lockfile`"),
            );
        }
        if let Some(lock) = on_disk
            && let Some(rewrite) = &lock.cargo_rewrite
        {
            let what = describe_rewrite(lock, rewrite);
            let message = format!(
                "cargo rewrites {} when it resolves the workspace ({what}), so `cargo build --locked` fails on this commit",
                lock.path
            );
            let finding = if binaries.is_empty() {
                Finding::warning("stale", message)
            } else {
                Finding::error("stale", message)
            };
            findings.push(
                finding
                    .at(lock.path.clone(), None)
                    .help("run `cargo update --workspace` (or any `cargo build`) and commit the updated Cargo.lock"),
            );
        }
        if binaries.is_empty() {
            let outcome = Outcome::from_findings(findings, 0.5);
            return if outcome.findings.is_empty() {
                outcome.with_note(if tools.is_empty() {
                    "library-only workspace: a committed Cargo.lock is optional".to_string()
                } else {
                    format!(
                        "the published packages are libraries; the binaries ({}) are unpublished tools or a library's helper binaries: a committed Cargo.lock is optional",
                        tools.join(", ")
                    )
                })
            } else {
                outcome
            };
        }
        let who = binaries.join(", ");
        let ignore_line = facts
            .text(".gitignore")
            .and_then(|t| t.text())
            .and_then(|t| {
                t.lines().position(|l| {
                    matches!(l.trim().trim_start_matches('/'), "Cargo.lock" | "*.lock")
                })
            })
            .map(|i| i + 1);
        match (on_disk, &facts.git) {
            (None, _) => findings.push(match ignore_line {
                Some(line) => Finding::error("ignored", format!("Cargo.lock is ignored by .gitignore, but the workspace builds binaries ({who})"))
                    .at(".gitignore", Some(line))
                    .help("delete this line, run `cargo generate-lockfile` and commit Cargo.lock"),
                None => Finding::error("missing", format!("no Cargo.lock, but the workspace builds binaries ({who})"))
                    .help("run `cargo generate-lockfile` and commit Cargo.lock"),
            }),
            (Some(lock), Some(git)) if !git.is_tracked(&lock.path) => {
                let finding = match ignore_line {
                    Some(line) => Finding::error("ignored", format!("Cargo.lock is ignored by .gitignore, but the workspace builds binaries ({who})"))
                        .at(".gitignore", Some(line)),
                    None => Finding::error("untracked", format!("Cargo.lock exists but is not committed, and the workspace builds binaries ({who})"))
                        .at(lock.path.clone(), None),
                };
                findings.push(finding.help("`git add Cargo.lock` and commit it"));
            }
            (Some(lock), None) => findings.push(
                Finding::warning("unverified", "Cargo.lock exists; without git, whether it is committed could not be verified")
                    .at(lock.path.clone(), None)
                    .help("run in the git work tree (and commit Cargo.lock) so this can be checked"),
            ),
            (Some(_), Some(_)) => {}
        }
        let score = if findings
            .iter()
            .any(|f| f.severity == super::Severity::Error)
        {
            0.0
        } else {
            1.0
        };
        Outcome::from_findings(findings, score)
    }
}

/// What cargo changes between the committed lockfile and `rewrite`: the
/// format, and the packages added, removed or moved to another version.
fn describe_rewrite(lock: &crate::facts::LockfileFacts, rewrite: &str) -> String {
    use std::collections::{BTreeMap, BTreeSet};
    let Ok(old) = &lock.parsed else {
        return "its content changes".into();
    };
    let Ok(new) = crate::facts::lockfile::parse(rewrite) else {
        return "its content changes".into();
    };
    let versions = |l: &cargo_lock::Lockfile| {
        let mut by_name: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in &l.packages {
            by_name
                .entry(p.name.to_string())
                .or_default()
                .insert(p.version.to_string());
        }
        by_name
    };
    let (before, after) = (versions(old), versions(&new));
    let mut changes = Vec::new();
    if old.version != new.version {
        changes.push(format!(
            "format v{} becomes v{}",
            u32::from(old.version),
            u32::from(new.version)
        ));
    }
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let empty = BTreeSet::new();
    for name in names {
        let was = before.get(name).unwrap_or(&empty);
        let now = after.get(name).unwrap_or(&empty);
        let gone: Vec<&String> = was.difference(now).collect();
        let came: Vec<&String> = now.difference(was).collect();
        match (gone.as_slice(), came.as_slice()) {
            ([], []) => {}
            ([old], [new]) => changes.push(format!("{name} {old} → {new}")),
            (gone, []) => changes.extend(gone.iter().map(|v| format!("{name} {v} removed"))),
            ([], came) => changes.extend(came.iter().map(|v| format!("{name} {v} added"))),
            (gone, came) => changes.push(format!("{name} {} → {}", join(gone), join(came))),
        }
    }
    if changes.is_empty() {
        return "its layout or checksums change".into();
    }
    const SHOWN: usize = 8;
    let more = changes.len().saturating_sub(SHOWN);
    changes.truncate(SHOWN);
    let mut text = changes.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text
}

fn join(versions: &[&String]) -> String {
    versions
        .iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether member `index` is a library whose binaries are all named
/// otherwise than the package (`trainer` in `pingora-header-serde`): helper
/// tools beside the library, not the product. Unknown without sources.
fn auxiliary_binaries(facts: &Facts, index: usize) -> bool {
    let (Some(member), Some(src)) = (facts.members.get(index), facts.sources.members.get(index))
    else {
        return false;
    };
    let bins: Vec<&str> = src
        .targets
        .iter()
        .filter(|t| t.kind == TargetKind::Bin)
        .map(|t| t.name.as_str())
        .collect();
    src.lib_name.is_some()
        && !bins.is_empty()
        && bins
            .iter()
            .all(|b| b.replace('_', "-") != member.name.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::LockfileFacts;
    use crate::facts::git::GitFacts;
    use crate::facts::workspace::Member;

    fn member(has_bin: bool) -> Member {
        let mut m = Member::named("app", "0.1.0", "");
        m.has_bin = has_bin;
        m
    }

    fn facts(has_bin: bool, lock: bool, tracked: Option<bool>, gitignore: &str) -> Facts {
        let mut f = Facts::in_memory(vec![member(has_bin)], &[(".gitignore", gitignore)]);
        if lock {
            f.lockfile = Some(LockfileFacts::new(
                "Cargo.lock",
                Ok("version = 4\n".into()),
                false,
            ));
        }
        f.git = tracked.map(|t| GitFacts {
            tracked: if t {
                ["Cargo.lock".to_string()].into()
            } else {
                Default::default()
            },
            ..GitFacts::default()
        });
        f
    }

    fn run(f: &Facts) -> Outcome {
        Lockfile.run(f, &CheckConfig { level: Level::Deny })
    }

    #[test]
    fn binary_with_committed_lock_passes() {
        assert_eq!(run(&facts(true, true, Some(true), "")).status, Status::Pass);
    }

    #[test]
    fn binary_with_ignored_lock_points_at_gitignore() {
        let o = run(&facts(true, true, Some(false), "/target\nCargo.lock\n"));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].path.as_deref(), Some(".gitignore"));
        assert_eq!(o.findings[0].line, Some(2));
    }

    #[test]
    fn binary_without_lock_fails_library_passes() {
        assert_eq!(
            run(&facts(true, false, Some(false), "")).status,
            Status::Fail
        );
        let o = run(&facts(false, false, Some(false), ""));
        assert_eq!(o.status, Status::Pass);
        assert!(o.note.is_some());
    }

    #[test]
    fn a_librarys_helper_binary_needs_no_lockfile() {
        let run_with = |bin: &str| {
            let mut serde = Member::named("header-serde", "0.1.0", "header-serde");
            serde.has_bin = true;
            serde.description = Some("Header compression".into());
            let mut core = Member::named("core", "0.1.0", "core");
            core.description = Some("The core".into());
            let facts = Facts::in_memory(
                vec![core, serde],
                &[
                    ("core/Cargo.toml", "[package]\nname = \"core\"\n"),
                    ("core/src/lib.rs", "pub fn f() {}\n"),
                    (
                        "header-serde/Cargo.toml",
                        "[package]\nname = \"header-serde\"\n",
                    ),
                    ("header-serde/src/lib.rs", "pub fn g() {}\n"),
                    (bin, "fn main() {}\n"),
                ],
            );
            run(&facts)
        };
        // pingora: `trainer` beside the library is a maintainer's tool.
        let o = run_with("header-serde/src/bin/trainer.rs");
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        // A binary named like its package is the product (cargo-audit).
        let o = run_with("header-serde/src/main.rs");
        assert_eq!(o.status, Status::Fail, "{:?}", o.findings);
    }

    #[test]
    fn a_published_library_with_unpublished_tools_needs_no_lockfile() {
        let mut f = facts(false, false, Some(false), "Cargo.lock\n");
        let mut demo = Member::named("demo", "0.0.0", "");
        demo.has_bin = true;
        demo.publish = false;
        f.members.push(demo);
        let o = run(&f);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(
            o.note.as_deref().is_some_and(|n| n.contains("demo")),
            "{o:?}"
        );
        // A service: its binary is unpublished too, but nothing is
        // published, so the binary is what ships.
        f.members.remove(0);
        assert_eq!(run(&f).status, Status::Fail);
        // A published binary beside the tools still needs it.
        let mut f = facts(true, false, Some(false), "");
        let mut demo = Member::named("demo", "0.0.0", "");
        demo.has_bin = true;
        demo.publish = false;
        f.members.push(demo);
        assert_eq!(run(&f).status, Status::Fail);
        // rust-postgres: a member binary without the `description`
        // crates.io requires (its code generator) is not published either.
        let mut f = facts(false, false, Some(false), "Cargo.lock\n");
        f.members[0].dir = "postgres".into();
        f.members[0].description = Some("A client".into());
        let mut codegen = Member::named("codegen", "0.1.0", "codegen");
        codegen.has_bin = true;
        f.members.push(codegen);
        assert_eq!(run(&f).status, Status::Pass, "{:?}", run(&f).findings);
    }

    #[test]
    fn a_lockfile_cargo_rewrites_is_stale() {
        let mut f = facts(true, true, Some(true), "");
        let old = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"flume\"\nversion = \"0.11.1\"\n\n[[package]]\nname = \"gone\"\nversion = \"1.0.0\"\n";
        let new = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"flume\"\nversion = \"0.12.0\"\n\n[[package]]\nname = \"new\"\nversion = \"2.0.0\"\n";
        let mut lock = LockfileFacts::new("Cargo.lock", Ok(old.into()), false);
        lock.cargo_rewrite = Some(new.into());
        f.lockfile = Some(lock);
        let o = run(&f);
        assert_eq!(o.status, Status::Fail);
        let m = &o.findings[0].message;
        assert!(m.contains("format v3 becomes v4"), "{m}");
        assert!(m.contains("flume 0.11.1 → 0.12.0"), "{m}");
        assert!(m.contains("gone 1.0.0 removed"), "{m}");
        assert!(m.contains("new 2.0.0 added"), "{m}");
        assert!(m.contains("--locked"), "{m}");
        // A library's stale lockfile warns: its users never read it.
        f.members[0].has_bin = false;
        assert_eq!(run(&f).status, Status::Warn);
    }

    #[test]
    fn no_git_is_a_note_not_a_silent_pass() {
        let o = run(&facts(true, true, None, ""));
        assert_eq!(o.status, Status::Warn, "could not look: not a pass");
        assert_eq!(o.findings[0].key, "unverified");
    }
}
