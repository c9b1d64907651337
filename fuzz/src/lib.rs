//! Shared harness for the fuzz targets: put the fuzzed text where a
//! repository would hold it and run every check on the result, without the
//! runner's panic isolation, so a panic anywhere is a crash libFuzzer sees.

use std::collections::BTreeSet;

use cargo_readiness::checks::{self, CheckConfig, Level};
use cargo_readiness::facts::Facts;
use cargo_readiness::facts::git::GitFacts;
use cargo_readiness::facts::workspace::Member;

/// A small manifest, so manifest-reading checks have something to read.
pub const MANIFEST: &str = "[package]\nname = \"fuzzed\"\nversion = \"0.1.0\"\nedition = \"2021\"\nlicense = \"MIT\"\nrepository = \"https://github.com/o/fuzzed\"\n";

/// Runs every check on an in-memory repository made of `files` (plus a
/// manifest when none is given), with a git history that has a few tags.
pub fn check_all(files: &[(&str, &str)]) {
    run_checks(&facts(files));
}

/// An in-memory repository made of `files` (see [`check_all`]).
pub fn facts(files: &[(&str, &str)]) -> Facts {
    let mut all: Vec<(&str, &str)> = files.to_vec();
    if !all.iter().any(|(p, _)| *p == "Cargo.toml") {
        all.push(("Cargo.toml", MANIFEST));
    }
    let mut facts = Facts::in_memory(vec![Member::named("fuzzed", "0.1.0", "")], &all);
    facts.git = Some(GitFacts {
        head: Some("0123456789abcdef0123456789abcdef01234567".into()),
        tags: BTreeSet::from(["v0.1.0".to_string(), "fuzzed-v0.0.1".to_string()]),
        tracked: all.iter().map(|(p, _)| p.to_string()).collect(),
        origin_url: Some("https://github.com/o/fuzzed.git".into()),
        commit_times: vec![1_700_000_000, 1_690_000_000],
        ..GitFacts::default()
    });
    facts
}

/// Runs every check on `facts`, panics propagating.
pub fn run_checks(facts: &Facts) {
    for check in checks::ALL {
        let _ = check.run(facts, &CheckConfig { level: Level::Warn });
    }
}

/// The fuzz input as text, the way the tool reads files (BOM stripped,
/// binary and non-UTF-8 refused).
pub fn text(data: &[u8]) -> Option<String> {
    cargo_readiness::facts::files::decode(data.to_vec()).ok()
}
