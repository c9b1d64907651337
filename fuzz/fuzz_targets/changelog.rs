//! CHANGELOG.md: version headings, release entries, link definitions and
//! the release checks that read them (changelog, changelog-links,
//! version-tags) never panic.
#![no_main]

use cargo_readiness::parse::markdown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = cargo_readiness_fuzz::text(data) else {
        return;
    };
    // The release checks parse the version headings and entries themselves.
    let _ = markdown::link_defs(&text);
    cargo_readiness_fuzz::check_all(&[("CHANGELOG.md", &text)]);
});
