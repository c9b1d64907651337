//! Cargo.lock: parsing (ours, which must agree with the `cargo-lock`
//! crate on every input it accepts), line lookup, the graph built from a
//! lockfile when cargo cannot resolve, and the checks that read the
//! lockfile (audit inputs, sources, duplicates) never panic.
#![no_main]

use cargo_readiness::advisories::graph::DepGraph;
use cargo_readiness::facts::LockfileFacts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = cargo_readiness_fuzz::text(data) else {
        return;
    };
    // Differential: the linear parser reads what cargo-lock reads.
    if let Ok(ours) = cargo_readiness::facts::lockfile::parse(&text) {
        assert_eq!(Ok(ours), text.parse::<cargo_lock::Lockfile>().map_err(|e| e.to_string()));
    }
    let lockfile = LockfileFacts::new("Cargo.lock", Ok(text.clone()), false);
    let mut facts = cargo_readiness_fuzz::facts(&[("Cargo.lock", &text)]);
    if let Ok(lock) = &lockfile.parsed {
        facts.graph = DepGraph::from_lockfile(lock, &Default::default());
        let _ = facts.graph.reach();
        for p in &lock.packages {
            let _ = lockfile.package_line(p.name.as_str(), &p.version.to_string());
        }
    }
    facts.lockfile = Some(lockfile);
    cargo_readiness_fuzz::run_checks(&facts);
});
