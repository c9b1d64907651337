//! `benches`: performance-sensitive code has benchmarks.

use super::code;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::sources::TargetKind;

/// See [`Check::docs`].
pub struct Benches;

/// Benchmark harness crates, as code names them.
const HARNESSES: &[&str] = &[
    "criterion",
    "divan",
    "iai",
    "iai_callgrind",
    "gungraun",
    "brunch",
    "tango_bench",
    "bencher",
];

impl Check for Benches {
    fn id(&self) -> &'static str {
        "benches"
    }
    fn category(&self) -> Category {
        Category::Testing
    }
    fn default_level(&self) -> Level {
        Level::Allow
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "the workspace has benchmarks (criterion, divan, …)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Some member has a benchmark target (`benches/*.rs` or a `[[bench]]`). The
check's note names the harness the benchmarks use when it recognises one
(criterion, divan, iai, iai-callgrind, gungraun, brunch, tango-bench,
bencher, or nightly `#[bench]` functions).

Off (`allow`) by default and under `production`; `strict` makes it a
warning. Turn it on for libraries and services where speed is part of the
contract: `benches = "warn"` under `[checks]`.

## Why
Performance regressions are found by measuring, not by reading diffs; a
benchmark suite in the repository makes "is this change slower?" one
command away, and lets CI track it.

## Passing example
```toml
[dev-dependencies]
criterion = "0.5"

[[bench]]
name = "parse"
harness = false
```

## How to fix
`cargo add --dev criterion`, add `benches/NAME.rs` with a
`criterion_group!`/`criterion_main!` and a `[[bench]] name = "NAME"`,
`harness = false` entry (or use divan).
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let bench_targets: usize = facts
            .sources
            .members
            .iter()
            .map(|m| {
                m.targets
                    .iter()
                    .filter(|t| t.kind == TargetKind::Bench)
                    .count()
            })
            .sum();
        if bench_targets == 0 {
            return Outcome::from_findings(
                vec![Finding::warning("no-benches", "no member has a benchmark target (benches/)")
                    .at("Cargo.toml", None)
                    .help("add benches/ with criterion or divan: `cargo add --dev criterion` and a [[bench]] with `harness = false`")],
                0.0,
            );
        }
        let mut harnesses: Vec<&str> = Vec::new();
        for f in facts
            .sources
            .files
            .iter()
            .filter(|f| f.role == TargetKind::Bench)
        {
            for h in HARNESSES {
                if f.scan.crate_refs.iter().any(|r| r.name == *h) && !harnesses.contains(h) {
                    harnesses.push(h);
                }
            }
            if f.scan.bench_fns > 0 && !harnesses.contains(&"#[bench]") {
                harnesses.push("#[bench]");
            }
        }
        let with = if harnesses.is_empty() {
            String::new()
        } else {
            format!(" using {}", harnesses.join(", "))
        };
        Outcome::pass().with_note(format!("{bench_targets} benchmark targets{with}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    fn run(texts: &[(&str, &str)]) -> Outcome {
        let facts = Facts::in_memory(vec![Member::named("a", "0.1.0", "")], texts);
        Benches.run(&facts, &CheckConfig { level: Level::Warn })
    }

    #[test]
    fn bench_targets() {
        let o = run(&[("Cargo.toml", ""), ("src/lib.rs", "")]);
        assert_eq!(o.status, Status::Warn);
        let o = run(&[
            ("Cargo.toml", ""),
            ("src/lib.rs", ""),
            ("benches/parse.rs", "use criterion::Criterion;\n"),
        ]);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.note.as_deref(),
            Some("1 benchmark targets using criterion")
        );
    }
}
