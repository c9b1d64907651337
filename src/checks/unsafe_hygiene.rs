//! `unsafe-hygiene`: every `unsafe` in shipped code carries its safety
//! argument; crates without `unsafe` say so.

use super::code::{self, Keys};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::sources::SourceFile;
use crate::scan::UnsafeKind;
use std::collections::BTreeMap;

/// See [`Check::docs`].
pub struct UnsafeHygiene;

impl Check for UnsafeHygiene {
    fn id(&self) -> &'static str {
        "unsafe-hygiene"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "every unsafe block, impl and fn in shipped code has a SAFETY comment or # Safety docs"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every `unsafe` block, `unsafe impl`, `unsafe extern` block, `unsafe fn`
and `unsafe trait` in code that ships (libraries, binaries, build scripts;
not tests, benches, examples, `#[cfg(test)]` code or support crates such
as `xtask` — see `docs/source-checks.md`) must come with its safety
argument:

- a comment containing `SAFETY:` (any case: `// Safety: …` counts too)
  between the previous `;`, `{` or `}` and the `unsafe` keyword — above
  the statement or item, or above the line inside an expression; or on the
  same line as the `unsafe`; or as the first thing inside an `unsafe`
  block;
- for `unsafe fn` and `unsafe trait`, a `# Safety` section in the doc
  comment is accepted as well (it tells callers and implementors what they
  must uphold).

Each site without one is a warning at its line. The score is the share of
sites that are documented.

A crate that switches the matching clippy lint off on purpose —
`#![allow(clippy::missing_safety_doc)]` (or `expect`) for `unsafe fn` and
`unsafe trait`, `#![allow(clippy::undocumented_unsafe_blocks)]` for blocks
and impls, at the target's root or at the top of the file — made that
choice where a reviewer sees it (FFI mirrors often document their contract
once, crate-wide): those sites are not counted, and one note per crate and
lint says how many and where the allow is.

A member with no `unsafe` at all that does not forbid it — neither
`#![forbid(unsafe_code)]` (or `deny`) at a crate root nor
`unsafe_code = "forbid"` (or `"deny"`) in `[lints.rust]` (directly or via
`[workspace.lints]`) — gets a note suggesting it; the note does not lower
the score.

Limits: `unsafe` produced by macros is not seen; a comment that mentions
safety without `SAFETY:` (e.g. "this is safe because") does not count; one
comment before a statement covers every `unsafe` in that statement (also
one in a closure further along it, `unsafe { … }.map(|t| unsafe { … })`),
and one before a macro call (`cfg_select! { … }`) every `unsafe` inside
the call.

## Why
`unsafe` code is where memory-safety bugs — and the vulnerabilities they
become — live. A written safety argument is what a reviewer checks the
code against; the Rust API guidelines, clippy's
`undocumented_unsafe_blocks` and `missing_safety_doc` lints, and most
security reviews require it. Forbidding `unsafe_code` where none is needed
keeps it that way.

## Passing example
```rust
// SAFETY: `idx < self.len` was checked above, so the read is in bounds.
let value = unsafe { *self.ptr.add(idx) };

/// # Safety
/// `ptr` must be valid for reads of `len` bytes.
pub unsafe fn from_raw(ptr: *const u8, len: usize) -> Self { … }
```

## How to fix
Write the argument: which invariant makes the operation sound, and where
it is established. If you cannot, that is the bug. Enable clippy's
`undocumented_unsafe_blocks` to keep it so.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let shipping = code::shipping_members(facts);
        let mut findings = Vec::new();
        let (mut total, mut documented) = (0usize, 0usize);
        // (member, lint) → (sites excused, where it is allowed).
        let mut excused: BTreeMap<(usize, &str), (usize, String)> = BTreeMap::new();
        for f in &facts.sources.files {
            let mut keys = Keys::default();
            for site in &f.scan.unsafe_sites {
                if !code::ships_in(&shipping, f, site.test) {
                    continue;
                }
                let lint = clippy_lint(site.kind);
                if !site.documented
                    && let Some(at) = allowed_at(facts, f, lint)
                {
                    excused.entry((f.member, lint)).or_insert((0, at)).0 += 1;
                    continue;
                }
                total += 1;
                let key = keys.next(kind_key(site.kind), &site.item);
                if site.documented {
                    documented += 1;
                    continue;
                }
                let (message, help) = match site.kind {
                    UnsafeKind::Fn | UnsafeKind::Trait => (
                        format!(
                            "`{}` without a `# Safety` doc section or `// SAFETY:` comment",
                            site.kind.as_str()
                        ),
                        "add a `# Safety` section to its docs saying what callers (or implementors) must uphold",
                    ),
                    _ => (
                        format!("{} without a `// SAFETY:` comment", site.kind.as_str()),
                        "add `// SAFETY: …` above it saying why the operation is sound here",
                    ),
                };
                findings.push(
                    Finding::warning(key, message)
                        .at(f.path.clone(), Some(site.line as usize))
                        .help(help),
                );
            }
        }
        for ((member, lint), (count, at)) in excused {
            let name = facts.members.get(member).map_or("", |m| m.name.as_str());
            findings.push(
                Finding::note(
                    format!("allowed:{name}:{lint}"),
                    format!(
                        "{count} unsafe site(s) in `{name}` without a safety comment are not counted: the crate allows `{lint}` ({at})"
                    ),
                )
                .help("a crate-wide allow is a deliberate choice; say where the safety argument lives instead (for FFI mirrors, a crate-level `# Safety` section)"),
            );
        }
        findings.extend(forbid_suggestions(facts));
        let score = if total == 0 {
            1.0
        } else {
            documented as f64 / total as f64
        };
        let outcome = Outcome::from_findings(findings, score).with_note(format!(
            "{total} unsafe sites in shipped code, {documented} documented"
        ));
        code::with_unscanned(outcome, facts, crate::scan::rules::UNSAFE_WORDS)
    }
}

/// The clippy lint that reports an undocumented site of this kind.
fn clippy_lint(kind: UnsafeKind) -> &'static str {
    match kind {
        UnsafeKind::Fn | UnsafeKind::Trait => "clippy::missing_safety_doc",
        UnsafeKind::Block | UnsafeKind::Impl | UnsafeKind::ExternBlock => {
            "clippy::undocumented_unsafe_blocks"
        }
    }
}

/// Where `lint` is switched off for file `f`: by `#![allow]`/`#![expect]`
/// in the file itself or at the root of the same kind of target in its
/// member (a library's `lib.rs` covers the library's modules).
fn allowed_at(facts: &Facts, f: &SourceFile, lint: &str) -> Option<String> {
    let allows = |g: &SourceFile| {
        g.scan
            .allowed_lints
            .iter()
            .find(|(l, _)| l == lint)
            .map(|(_, line)| format!("{}:{line}", g.path))
    };
    allows(f).or_else(|| {
        facts
            .sources
            .member_files(f.member)
            .filter(|g| g.crate_root && g.role == f.role)
            .find_map(allows)
    })
}

fn kind_key(kind: UnsafeKind) -> &'static str {
    match kind {
        UnsafeKind::Block => "block",
        UnsafeKind::Fn => "fn",
        UnsafeKind::Impl => "impl",
        UnsafeKind::Trait => "trait",
        UnsafeKind::ExternBlock => "extern",
    }
}

/// Notes for members with no `unsafe` anywhere that do not forbid it.
fn forbid_suggestions(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, member) in facts.members.iter().enumerate() {
        if code::is_tooling(facts, member) {
            continue;
        }
        let files: Vec<_> = facts.sources.member_files(i).collect();
        let roots: Vec<_> = files
            .iter()
            .filter(|f| f.crate_root && f.role.ships())
            .collect();
        if roots.is_empty() || files.iter().any(|f| !f.scan.unsafe_sites.is_empty()) {
            continue;
        }
        if facts.sources.skipped.iter().any(|s| s.member == i) {
            continue;
        }
        let by_attr = roots.iter().all(|f| f.scan.forbids_unsafe);
        let by_lints = code::manifest_lints(facts, member)
            .as_ref()
            .is_some_and(code::lints_forbid_unsafe);
        if by_attr || by_lints {
            continue;
        }
        let root = roots
            .iter()
            .find(|f| !f.scan.forbids_unsafe)
            .map_or(member.manifest.as_str(), |f| f.path.as_str());
        out.push(
            Finding::note(
                format!("forbid:{}", member.name),
                format!(
                    "`{}` has no unsafe code; forbidding it keeps it that way",
                    member.name
                ),
            )
            .at(root.to_string(), Some(1))
            .help(format!(
                "add `#![forbid(unsafe_code)]` to {root}, or `unsafe_code = \"forbid\"` under [lints.rust] in {}",
                member.manifest
            )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Severity, Status};
    use crate::facts::workspace::Member;

    fn run(texts: &[(&str, &str)]) -> Outcome {
        let facts = Facts::in_memory(vec![Member::named("a", "0.1.0", "")], texts);
        UnsafeHygiene.run(&facts, &CheckConfig { level: Level::Warn })
    }

    #[test]
    fn undocumented_sites_in_shipped_code_only() {
        let o = run(&[
            ("Cargo.toml", ""),
            (
                "src/lib.rs",
                "pub fn f(p: *const u8) -> u8 {\n    // SAFETY: p is valid\n    let a = unsafe { *p };\n    unsafe { *p }\n}\n#[cfg(test)]\nmod tests {\n    fn t() { unsafe { x() } }\n}\n",
            ),
            ("tests/it.rs", "fn t() { unsafe { y() } }\n"),
        ]);
        assert_eq!(o.status, Status::Warn);
        let at: Vec<(Option<usize>, &str)> = o
            .findings
            .iter()
            .map(|f| (f.line, f.key.as_str()))
            .collect();
        assert_eq!(at, vec![(Some(4), "block:f:2")]);
        assert_eq!(o.score, 0.5);
    }

    #[test]
    fn a_crate_wide_allow_of_the_clippy_lint_is_a_note() {
        let o = run(&[
            ("Cargo.toml", ""),
            (
                "src/lib.rs",
                "//! # Safety\n//! Every function mirrors the C API.\n#![allow(clippy::missing_safety_doc, reason = \"FFI\")]\nmod ffi;\n",
            ),
            (
                "src/ffi.rs",
                "pub unsafe fn PyList_New(n: isize) -> *mut u8 { n as _ }\npub fn g(p: *const u8) -> u8 { unsafe { *p } }\n",
            ),
        ]);
        // The unsafe fn is excused; the block is not (another lint).
        let keys: Vec<(&str, Severity)> = o
            .findings
            .iter()
            .map(|f| (f.key.as_str(), f.severity))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("block:g:1", Severity::Warning),
                ("allowed:a:clippy::missing_safety_doc", Severity::Note),
            ]
        );
        assert!(
            o.findings[1].message.contains("src/lib.rs:3"),
            "{:?}",
            o.findings[1]
        );
        assert_eq!(o.score, 0.0);
    }

    #[test]
    fn forbid_is_suggested_when_there_is_no_unsafe() {
        let o = run(&[("Cargo.toml", ""), ("src/lib.rs", "pub fn f() {}\n")]);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings[0].severity, Severity::Note);
        assert_eq!(o.findings[0].path.as_deref(), Some("src/lib.rs"));
        let o = run(&[
            ("Cargo.toml", ""),
            ("src/lib.rs", "#![forbid(unsafe_code)]\npub fn f() {}\n"),
        ]);
        assert!(o.findings.is_empty());
        let o = run(&[
            (
                "Cargo.toml",
                "[package]\nname = \"a\"\n[lints.rust]\nunsafe_code = \"forbid\"\n",
            ),
            ("src/lib.rs", "pub fn f() {}\n"),
        ]);
        assert!(o.findings.is_empty());
    }
}
