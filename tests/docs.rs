//! Generated documentation stays current (rust-analyzer's "tidy" habit).

#[test]
fn checks_md_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = cargo_readiness::docs::checks_markdown();
    assert!(
        committed == generated,
        "docs/checks.md is stale: run `cargo xtask docs` and commit the result"
    );
}
