//! `[alias]` in `.cargo/config.toml`: `cargo xfmt --check` with `xfmt =
//! "fmt --all --"` runs `cargo fmt --all -- --check`, so CI checks must
//! read it as that.

/// Subcommands cargo runs itself: an alias of the same name is ignored
/// (cargo warns and runs the built-in).
const BUILT_IN: &[&str] = &[
    "add",
    "b",
    "bench",
    "build",
    "c",
    "check",
    "clean",
    "config",
    "d",
    "doc",
    "fetch",
    "fix",
    "generate-lockfile",
    "help",
    "info",
    "init",
    "install",
    "locate-project",
    "login",
    "logout",
    "metadata",
    "new",
    "owner",
    "package",
    "pkgid",
    "publish",
    "r",
    "read-manifest",
    "remove",
    "report",
    "rm",
    "run",
    "rustc",
    "rustdoc",
    "search",
    "t",
    "test",
    "tree",
    "uninstall",
    "update",
    "vendor",
    "verify-project",
    "version",
    "yank",
];

/// Aliases deeper than this are not followed (cargo rejects cycles; this
/// bounds a long chain).
const MAX_CHAIN: usize = 8;

/// The command line with its cargo alias replaced by what the alias
/// stands for (`cargo +nightly xfmt --check` → `cargo +nightly fmt --all --
/// --check`), following aliases of aliases; `None` when the subcommand is
/// not an alias in `config` (the text of `.cargo/config.toml`).
pub fn expand(words: &[String], config: &str) -> Option<Vec<String>> {
    let (sub_at, _) = subcommand(words)?;
    if BUILT_IN.contains(&words[sub_at].as_str()) || !config.contains("alias") {
        return None;
    }
    let table: toml::Table = config.parse().ok()?;
    let aliases = table.get("alias")?.as_table()?;
    let mut out = words.to_vec();
    let mut expanded = false;
    for _ in 0..MAX_CHAIN {
        let sub = out.get(sub_at)?;
        if BUILT_IN.contains(&sub.as_str()) {
            break;
        }
        let Some(value) = aliases.get(sub.as_str()) else {
            break;
        };
        let replacement: Vec<String> = match value {
            toml::Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
            toml::Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => return None,
        };
        if replacement.is_empty() {
            return None;
        }
        out.splice(sub_at..=sub_at, replacement);
        expanded = true;
    }
    expanded.then_some(out)
}

/// Where the subcommand of a cargo command line is (after `cargo`, a
/// `+toolchain` and cargo's own flags), with the toolchain. One parse for
/// the alias expansion here and the CI checks' reading of cargo calls.
pub fn subcommand(words: &[String]) -> Option<(usize, Option<&str>)> {
    let mut toolchain = None;
    let mut i = 1;
    while let Some(w) = words.get(i) {
        if let Some(tc) = w.strip_prefix('+') {
            toolchain = Some(tc);
            i += 1;
            continue;
        }
        match w.as_str() {
            "-v" | "-vv" | "-q" | "--quiet" | "--verbose" | "--frozen" | "--locked"
            | "--offline" => i += 1,
            "--color" | "--config" | "-Z" | "-C" => i += 2,
            _ if w.starts_with("--color=") || w.starts_with("--config=") || w.starts_with("-Z") => {
                i += 1;
            }
            _ => break,
        }
    }
    (i < words.len()).then_some((i, toolchain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn aliases_are_replaced_and_chained() {
        let config = "[alias]\nxfmt = \"fmt --all --\"\ntt = [\"test\", \"--workspace\"]\nci = \"tt --locked\"\nbuild = \"nope\"\n";
        assert_eq!(
            expand(&words("cargo +nightly xfmt --check"), config),
            Some(words("cargo +nightly fmt --all -- --check"))
        );
        assert_eq!(
            expand(&words("cargo ci"), config),
            Some(words("cargo test --workspace --locked"))
        );
        // Built-ins win; unknown subcommands stay as they are.
        assert_eq!(expand(&words("cargo build"), config), None);
        assert_eq!(expand(&words("cargo nextest run"), config), None);
        assert_eq!(expand(&words("cargo xfmt"), "not toml ["), None);
        // A cycle stops after a bounded number of steps.
        let cycle = "[alias]\na = \"b\"\nb = \"a\"\n";
        assert!(expand(&words("cargo a"), cycle).is_some());
    }
}
