//! `fuzzing`: the crate is fuzzed.

use super::ci_support::cargo_call;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::files;

/// See [`Check::docs`].
pub struct Fuzzing;

impl Check for Fuzzing {
    fn id(&self) -> &'static str {
        "fuzzing"
    }
    fn category(&self) -> Category {
        Category::Testing
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "a cargo-fuzz project with targets, or ClusterFuzzLite/OSS-Fuzz"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
The repository fuzzes its code: a cargo-fuzz project (a `fuzz/` directory,
at the root or in a member, with at least one `fuzz_targets/*.rs`), a
ClusterFuzzLite configuration (`.clusterfuzzlite/`), an OSS-Fuzz CIFuzz
or ClusterFuzzLite action in a workflow, CI running `cargo fuzz`,
`cargo afl`, `cargo hfuzz` or `cargo bolero`, or a member built on a
fuzzing engine's crate (`afl`, `honggfuzz`, `libfuzzer-sys`, `bolero`,
`ziggy`).

## Why
Anything that parses untrusted input (files, network data, command lines)
has edge cases no one writes tests for; a fuzzer finds the panics and
overflows in them in minutes.

## How to fix
`cargo install cargo-fuzz && cargo fuzz init && cargo fuzz add parse`,
write the target, and run it in CI for a few minutes
(`cargo fuzz run parse -- -max_total_time=120`). Crates without input
parsing can set `fuzzing = "allow"` under `[checks]`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        // A fuzz project inside test data (a fixture) is not this
        // repository's.
        let own = |p: &&str| {
            !p.split('/').any(|dir| {
                matches!(
                    dir,
                    "fixtures" | "fixture" | "testdata" | "test-data" | "test_data" | "tests"
                )
            })
        };
        let targets: Vec<&str> = facts
            .files
            .iter()
            .map(|e| e.path.as_str())
            .filter(own)
            .filter(|p| {
                p.ends_with(".rs")
                    && files::file_name(files::parent_dir(p)) == "fuzz_targets"
                    && files::file_name(files::parent_dir(files::parent_dir(p))) == "fuzz"
            })
            .collect();
        if let Some(first) = targets.first() {
            return Outcome::pass().with_note(format!(
                "{} cargo-fuzz target{} ({first}, …)",
                targets.len(),
                if targets.len() == 1 { "" } else { "s" }
            ));
        }
        if let Some(e) = facts
            .files
            .iter()
            .find(|e| e.path.starts_with(".clusterfuzzlite/"))
        {
            return Outcome::pass()
                .with_note(format!("ClusterFuzzLite is configured ({})", e.path));
        }
        for job in &facts.ci.jobs {
            for step in &job.steps {
                if let Some(name) = step.uses.as_ref().and_then(|(a, _)| a.name())
                    && (name.starts_with("google/oss-fuzz/")
                        || name.starts_with("google/clusterfuzzlite/"))
                {
                    return Outcome::pass().with_note(format!("{name} runs in {}", job.workflow));
                }
            }
            if let Some(cmd) = job.commands().find(|c| {
                cargo_call(&c.words)
                    .is_some_and(|call| matches!(call.sub, "fuzz" | "afl" | "hfuzz" | "bolero"))
            }) {
                return Outcome::pass().with_note(format!(
                    "`{}` runs at {}",
                    cmd.words.join(" "),
                    cmd.location()
                ));
            }
        }
        // A member built on a fuzzing engine's crate (afl.rs's `afl`,
        // `honggfuzz`, `libfuzzer-sys` outside cargo-fuzz's layout, `bolero`).
        if let Some(dep) = facts.manifest_deps().iter().find(|d| {
            !d.table.starts_with("workspace")
                && own(&d.manifest.as_str())
                && matches!(
                    d.package_name(),
                    "afl" | "honggfuzz" | "libfuzzer-sys" | "bolero" | "ziggy"
                )
        }) {
            return Outcome::pass().with_note(format!(
                "{} depends on `{}` (a fuzzing engine) at line {}",
                dep.manifest,
                dep.package_name(),
                dep.line
            ));
        }
        let hint = if facts
            .files
            .iter()
            .map(|e| e.path.as_str())
            .filter(own)
            .any(|p| p == "fuzz/Cargo.toml" || p.ends_with("/fuzz/Cargo.toml"))
        {
            "a fuzz/ project exists but has no fuzz_targets/*.rs"
        } else {
            "no fuzz targets (cargo-fuzz, ClusterFuzzLite, OSS-Fuzz)"
        };
        Outcome::from_findings(
            vec![Finding::warning("missing", hint).help(
                "`cargo fuzz init`, add a target for each parser, run it in CI (`explain fuzzing`)",
            )],
            0.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        Fuzzing.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn cargo_fuzz_targets_anywhere() {
        assert_eq!(
            run(&[("fuzz/fuzz_targets/parse.rs", "")]).status,
            Status::Pass
        );
        assert_eq!(
            run(&[("crates/x/fuzz/fuzz_targets/a.rs", "")]).status,
            Status::Pass
        );
        assert_eq!(run(&[("fuzz/Cargo.toml", "")]).status, Status::Warn);
        assert_eq!(
            run(&[("fixtures/good/fuzz/fuzz_targets/a.rs", "")]).status,
            Status::Warn
        );
        assert_eq!(run(&[]).status, Status::Warn);
    }

    #[test]
    fn a_member_on_a_fuzzing_engine_crate_fuzzes() {
        // redis-rs: `afl/parser` depends on afl.rs.
        let o = run(&[(
            "Cargo.toml",
            "[package]\nname = \"fuzz-target-parser\"\n[dependencies]\nafl = \"0.18\"\n",
        )]);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(o.note.unwrap_or_default().contains("`afl`"));
    }
}
