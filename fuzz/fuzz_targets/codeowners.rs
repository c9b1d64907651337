//! CODEOWNERS (GitHub and GitLab flavours): parsing, then every check with
//! the file in place — owners, patterns, sections never panic.
#![no_main]

use cargo_readiness::parse::codeowners;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = cargo_readiness_fuzz::text(data) else {
        return;
    };
    let _ = codeowners::parse(&text, codeowners::Flavor::GitHub);
    let _ = codeowners::parse(&text, codeowners::Flavor::GitLab);
    cargo_readiness_fuzz::check_all(&[
        (".github/CODEOWNERS", &text),
        ("src/main.rs", "fn main() {}\n"),
        ("docs/guide.md", "# Guide\n"),
    ]);
});
