//! `property-tests`: the workspace uses property-based testing.

use super::code;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct PropertyTests;

/// Property-testing crates, as code names them.
const CRATES: &[&str] = &[
    "proptest",
    "proptest_derive",
    "test_strategy",
    "quickcheck",
    "quickcheck_macros",
    "arbitrary",
    "bolero",
];

impl Check for PropertyTests {
    fn id(&self) -> &'static str {
        "property-tests"
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
        "some member uses property-based testing (proptest, quickcheck, arbitrary, bolero)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Some workspace member declares a property-testing crate — `proptest`
(and `proptest-derive`, `test-strategy`), `quickcheck` (and
`quickcheck_macros`), `arbitrary` or `bolero` — as a dependency or
dev-dependency.

Off (`allow`) by default and under `production`; `strict` makes it a
warning. Worth turning on for parsers, codecs and anything that takes
untrusted input.

## Why
Example-based tests check the cases someone thought of. Property tests
generate thousands of inputs and shrink a failure to a minimal case; they
find the edge cases (empty input, overflow, odd Unicode) that crash
services on untrusted data.

## Passing example
```toml
[dev-dependencies]
proptest = "1"
```
```rust
proptest::proptest! {
    #[test]
    fn parse_never_panics(s in "\\PC*") { let _ = my_crate::parse(&s); }
}
```

## How to fix
`cargo add --dev proptest` and write a property for each parser or
decoder: "never panics", "round-trips", "agrees with the simple version".
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let mut found: Vec<String> = Vec::new();
        for member in &facts.members {
            let declared = code::declared_names(facts, member);
            for c in CRATES {
                if declared.contains(*c) {
                    found.push(format!("{} ({})", c.replace('_', "-"), member.name));
                }
            }
        }
        if found.is_empty() {
            return Outcome::from_findings(
                vec![Finding::warning(
                    "none",
                    "no member uses property-based testing (proptest, quickcheck, arbitrary, bolero)",
                )
                .at("Cargo.toml", None)
                .help("`cargo add --dev proptest` and test that parsers never panic and round-trip")],
                0.0,
            );
        }
        Outcome::pass().with_note(format!("declared: {}", found.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    #[test]
    fn declared_property_crates() {
        let run = |manifest: &str| {
            let facts = Facts::in_memory(
                vec![Member::named("a", "0.1.0", "")],
                &[("Cargo.toml", manifest), ("src/lib.rs", "")],
            );
            PropertyTests.run(&facts, &CheckConfig { level: Level::Warn })
        };
        assert_eq!(run("[package]\nname = \"a\"\n").status, Status::Warn);
        let o = run("[package]\nname = \"a\"\n[dev-dependencies]\nproptest = \"1\"\n");
        assert_eq!(o.status, Status::Pass);
    }
}
