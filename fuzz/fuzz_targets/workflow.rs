//! GitHub Actions workflow YAML: the YAML tree (anchors, aliases, merge
//! keys, deep nesting), the typed workflow model, matrix expansion, what CI
//! runs, and every CI check never panic and stay bounded.
#![no_main]

use cargo_readiness::facts::yaml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = cargo_readiness_fuzz::text(data) else {
        return;
    };
    let _ = yaml::parse(&text);
    cargo_readiness_fuzz::check_all(&[
        (".github/workflows/ci.yml", &text),
        (".github/dependabot.yml", &text),
        ("Makefile", "test:\n\tcargo test\n"),
    ]);
});
