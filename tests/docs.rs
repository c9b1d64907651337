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

#[test]
fn peer_config_md_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/peer-config.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == cargo_readiness::docs::peer_config_markdown(),
        "docs/peer-config.md is stale: run `cargo xtask docs` and commit the result"
    );
}

/// The YAML this repository ships (the GitHub Action, its workflows) parses:
/// an unquoted `: ` in a description once made action.yml invalid.
#[test]
fn shipped_yaml_parses() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![root.join("action.yml")];
    for dir in [".github/workflows", ".github/ISSUE_TEMPLATE", ".github"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "yml") {
                paths.push(e.path());
            }
        }
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        if let Err(e) = cargo_readiness::facts::yaml::parse(&text) {
            panic!("{}: {e:?}", path.display());
        }
    }
}
