//! `unfinished-code`: no `todo!`, `unimplemented!` or `dbg!` in shipped
//! code.

use std::collections::BTreeMap;

use super::code::{self, Keys};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::scan::UnfinishedKind;

/// See [`Check::docs`].
pub struct UnfinishedCode;

/// The score for `n` placeholders: `1 / (1 + n / 5)`.
pub fn unfinished_score(n: usize) -> f64 {
    1.0 / (1.0 + n as f64 / 5.0)
}

impl Check for UnfinishedCode {
    fn id(&self) -> &'static str {
        "unfinished-code"
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
        "no todo!, unimplemented!, dbg! or panic!(\"not implemented\") in shipped code"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
In code that ships (libraries, binaries, build scripts; not tests,
benches, examples, `#[cfg(test)]` code or support crates such as `xtask`
— see `docs/source-checks.md`): calls of `todo!`,
`unimplemented!` and `dbg!` (also path-qualified, `std::todo!`), and
`panic!` whose message says the code is not written yet (`"not
implemented"`, `"not yet implemented"`, or starting with `"todo"` or
`"unimplemented"`). Each is a warning at its line; the check's note gives
the count per macro. The score is `1 / (1 + n / 5)` for `n` sites: one
site 0.83, five 0.5, twenty 0.2.

Occurrences in comments, doc examples and strings do not count, nor do
macros of the same name being defined. `unreachable!` is not reported: it
states an invariant, not missing work. Nor is a `todo!`/`unimplemented!`
that a comment at the call, or the function's docs, says cannot be reached
("never called", "unreachable", "cannot happen": a trait method a type must
provide but no caller uses), nor code only debug builds compile
(`#[cfg(debug_assertions)]`), nor an item marked `#[expect(dead_code)]` (the
compiler vouches nothing calls it: a debugging helper kept on purpose;
`allow(dead_code)` does not, and still counts).

## Why
`todo!()` and `unimplemented!()` panic when reached: a code path that
crashes the service the first time a user hits it. `dbg!` writes to stderr
in production and is usually left over from debugging.

## How to fix
Implement the path, or return an error the caller can handle; remove
`dbg!` (use `tracing` or `log` for diagnostics).
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let shipping = code::shipping_members(facts);
        let mut findings = Vec::new();
        let mut per_kind: BTreeMap<UnfinishedKind, usize> = BTreeMap::new();
        for f in &facts.sources.files {
            let mut keys = Keys::default();
            for u in &f.scan.unfinished {
                if !code::ships_in(&shipping, f, u.test)
                    || (u.unreachable && u.kind != UnfinishedKind::Dbg)
                {
                    continue;
                }
                *per_kind.entry(u.kind).or_default() += 1;
                let help = match u.kind {
                    UnfinishedKind::Dbg => {
                        "remove the dbg!; use tracing or log for diagnostics that stay"
                    }
                    _ => "implement it, or return an error the caller can handle",
                };
                findings.push(
                    Finding::warning(
                        keys.next(kind_key(u.kind), &u.item),
                        format!("`{}` in shipped code", u.kind.as_str()),
                    )
                    .at(f.path.clone(), Some(u.line as usize))
                    .help(help),
                );
            }
        }
        let n = findings.len();
        let mut outcome = Outcome::from_findings(findings, unfinished_score(n));
        if n > 0 {
            let counts: Vec<String> = per_kind
                .iter()
                .map(|(k, c)| format!("{c} × {}", k.as_str()))
                .collect();
            outcome = outcome.with_note(counts.join(", "));
        }
        code::with_unscanned(outcome, facts, crate::scan::rules::UNFINISHED_WORDS)
    }
}

fn kind_key(kind: UnfinishedKind) -> &'static str {
    match kind {
        UnfinishedKind::Todo => "todo",
        UnfinishedKind::Unimplemented => "unimplemented",
        UnfinishedKind::Dbg => "dbg",
        UnfinishedKind::PanicNotImplemented => "panic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    #[test]
    fn shipped_placeholders_only() {
        let facts = Facts::in_memory(
            vec![Member::named("a", "0.1.0", "")],
            &[
                ("Cargo.toml", ""),
                (
                    "src/main.rs",
                    "fn main() {\n    // todo!() in a comment\n    let x = dbg!(1);\n    todo!()\n}\n#[test]\nfn t() { dbg!(2); }\n",
                ),
                ("tests/it.rs", "#[test]\nfn t() { todo!() }\n"),
            ],
        );
        let o = UnfinishedCode.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Warn);
        let at: Vec<(Option<usize>, &str)> = o
            .findings
            .iter()
            .map(|f| (f.line, f.key.as_str()))
            .collect();
        assert_eq!(at, vec![(Some(3), "dbg:main:1"), (Some(4), "todo:main:1")]);
        assert_eq!(o.note.as_deref(), Some("1 × todo!(), 1 × dbg!()"));
        assert!((unfinished_score(5) - 0.5).abs() < 1e-9);
    }
}
