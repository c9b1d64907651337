//! RustSec advisory files (Markdown with TOML front matter, as the `rustsec`
//! crate parses them) and matching a parsed advisory against a lockfile:
//! a hostile or corrupt database never panics the audit.
#![no_main]

use cargo_readiness::advisories::audit::{self, Settings};
use cargo_readiness::advisories::graph::DepGraph;
use cargo_readiness::advisories::index::AdvisoryIndex;
use cargo_readiness::checks::Level;
use libfuzzer_sys::fuzz_target;

const LOCK: &str = "version = 4\n\n[[package]]\nname = \"fuzzed\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"acme\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(advisory) = cargo_readiness::advisories::db::parse_advisory_text(text) else {
        return;
    };
    let Ok(lock) = LOCK.parse::<cargo_lock::Lockfile>() else {
        return;
    };
    let graph = DepGraph::from_lockfile(&lock, &Default::default());
    let settings = Settings {
        ignores: Vec::new(),
        today: jiff::civil::date(2026, 6, 1),
        grace_days: 7,
        dev_level: Level::Warn,
        target: None,
    };
    let index = AdvisoryIndex::new(vec![advisory]);
    let _ = audit::audit(&index, &lock, &graph, None, &settings);
});
