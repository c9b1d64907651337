//! The parts of a repository's `.cargo/config.toml` that `cargo metadata`
//! is given, and only those.
//!
//! cargo reads configuration from its working directory and every
//! ancestor, and a repository's file can make it run programs:
//! `build.rustc`, `build.rustc-wrapper`, `[env]` (`LD_PRELOAD`),
//! credential providers, paths outside the checkout. So this tool runs
//! cargo outside the repository (see [`crate::exec`]), where none of it is
//! read, and passes back with `--config` what resolving the workspace
//! needs and cannot run anything:
//!
//! - `[registries.NAME] index`, an `https://` or `sparse+https://` URL
//!   (a private registry a manifest names);
//! - `[source.NAME]` replacements: `replace-with`, and `directory` /
//!   `local-registry` inside the repository (vendored sources), or
//!   `registry` / `git` (with `branch`, `tag`, `rev`) at an `https://` URL.
//!
//! Everything else that would change what cargo runs or reads is left out
//! and named in a note.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to pass to cargo, and what was left out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Overrides {
    /// `KEY=VALUE` arguments for `--config`, in a stable order.
    pub args: Vec<String>,
    /// One note per file with keys left out, naming them.
    pub notes: Vec<String>,
}

/// Keys that make cargo run a program, or read files a repository points
/// at, and that can change what `cargo metadata` resolves: left out, and
/// said so. (Wrappers, `[env]` and the like are left out too, silently:
/// they change how cargo builds, not what it resolves.)
const REFUSED: &[&str] = &[
    "build.rustc",
    "patch",
    "paths",
    "credential-provider",
    "registry.global-credential-providers",
    "registry.credential-provider",
    "include",
];

/// The overrides for a workspace at `root`, from its `.cargo/config.toml`
/// files: the root's and its ancestors' up to `repository` (nearer files
/// win, as in cargo).
pub fn overrides(root: &Path, repository: &Path) -> Overrides {
    let canonical_repo = std::fs::canonicalize(repository).unwrap_or_else(|_| repository.into());
    let mut dirs: Vec<&Path> = root
        .ancestors()
        .take_while(|d| d.starts_with(repository))
        .collect();
    if dirs.is_empty() {
        dirs.push(root);
    }
    let mut merged: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Overrides::default();
    // Farthest first, so nearer files overwrite.
    for dir in dirs.iter().rev() {
        for name in ["config.toml", "config"] {
            let path = dir.join(".cargo").join(name);
            if std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            let shown = super::files::relative(root, &path);
            let text = match super::files::read_own_file(Some(&canonical_repo), &path) {
                Ok(text) => text,
                Err(problem) => {
                    out.notes
                        .push(format!("{shown} {problem}; cargo ran without it"));
                    break;
                }
            };
            let Ok(table) = text.parse::<toml::Table>() else {
                out.notes.push(format!(
                    "{shown} is not valid TOML; cargo ran without it (and cargo itself would refuse it)"
                ));
                break;
            };
            let mut left_out = Vec::new();
            read_table(&table, dir, &canonical_repo, &mut merged, &mut left_out);
            if !left_out.is_empty() {
                left_out.sort();
                left_out.dedup();
                out.notes.push(format!(
                    "{shown}: {} not used when resolving the workspace (a repository's cargo configuration cannot make this tool run programs or read outside the repository)",
                    left_out.join(", ")
                ));
            }
            // cargo reads `config.toml` and ignores `config` beside it.
            break;
        }
    }
    out.args = merged
        .into_iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    out
}

fn read_table(
    table: &toml::Table,
    dir: &Path,
    repository: &Path,
    merged: &mut BTreeMap<String, String>,
    left_out: &mut Vec<String>,
) {
    for key in REFUSED {
        let mut parts = key.split('.');
        let first = parts.next().unwrap_or_default();
        let mut value = table.get(first);
        for part in parts {
            value = value.and_then(|v| v.get(part));
        }
        if value.is_some() {
            left_out.push(key.to_string());
        }
    }
    if let Some(registries) = table.get("registries").and_then(|r| r.as_table()) {
        for (name, entry) in registries {
            if entry.get("credential-provider").is_some() {
                left_out.push(format!("registries.{name}.credential-provider"));
            }
            match entry.get("index").and_then(|i| i.as_str()) {
                Some(url) if is_remote_url(url) => {
                    merged.insert(key(&["registries", name, "index"]), quote(url));
                }
                Some(_) => left_out.push(format!("registries.{name}.index")),
                None => {}
            }
        }
    }
    if let Some(sources) = table.get("source").and_then(|r| r.as_table()) {
        for (name, entry) in sources {
            let Some(entry) = entry.as_table() else {
                continue;
            };
            for (field, value) in entry {
                let Some(text) = value.as_str() else {
                    left_out.push(format!("source.{name}.{field}"));
                    continue;
                };
                let accepted = match field.as_str() {
                    "replace-with" => is_name(text).then(|| quote(text)),
                    "directory" | "local-registry" => {
                        inside(dir, repository, text).map(|p| quote(&p.to_string_lossy()))
                    }
                    "registry" | "git" => is_remote_url(text).then(|| quote(text)),
                    "branch" | "tag" | "rev" => is_name(text).then(|| quote(text)),
                    _ => None,
                };
                match accepted {
                    Some(v) => {
                        merged.insert(key(&["source", name, field]), v);
                    }
                    None => left_out.push(format!("source.{name}.{field}")),
                }
            }
        }
    }
}

/// A TOML dotted key with every part quoted.
fn key(parts: &[&str]) -> String {
    parts.iter().map(|p| quote(p)).collect::<Vec<_>>().join(".")
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// An `https://` (or `sparse+https://`, or plain `http://` for a local
/// mirror) URL: fetching from it runs nothing.
fn is_remote_url(url: &str) -> bool {
    let rest = url.strip_prefix("sparse+").unwrap_or(url);
    (rest.starts_with("https://") || rest.starts_with("http://"))
        && !rest.contains(char::is_whitespace)
}

/// A name or ref: no path, no option.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !s.contains("..")
}

/// `path` from a config file in `dir/.cargo/` (relative to `dir`, as cargo
/// reads it), when it exists inside the repository.
fn inside(dir: &Path, repository: &Path, path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    };
    let real = std::fs::canonicalize(&joined).ok()?;
    real.starts_with(repository).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) {
        std::fs::create_dir_all(dir.join(".cargo")).unwrap();
        std::fs::write(dir.join(".cargo/config.toml"), text).unwrap();
    }

    #[test]
    fn only_what_resolving_needs_is_passed() {
        let repo = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(repo.path()).unwrap();
        std::fs::create_dir(root.join("vendor")).unwrap();
        write(
            &root,
            "[build]\nrustc-wrapper = \"/bin/evil\"\n[env]\nLD_PRELOAD = \"x.so\"\n\
             [registries.corp]\nindex = \"sparse+https://corp.example/index/\"\ncredential-provider = \"cargo:token-from-stdout sh\"\n\
             [registries.local]\nindex = \"file:///etc\"\n\
             [source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\ndirectory = \"vendor\"\n\
             [source.out]\ndirectory = \"/etc\"\n",
        );
        let o = overrides(&root, &root);
        let vendor = root.join("vendor");
        assert_eq!(
            o.args,
            vec![
                "\"registries\".\"corp\".\"index\"=\"sparse+https://corp.example/index/\""
                    .to_string(),
                "\"source\".\"crates-io\".\"replace-with\"=\"vendored\"".to_string(),
                format!(
                    "\"source\".\"vendored\".\"directory\"=\"{}\"",
                    vendor.display()
                ),
            ]
        );
        let note = o.notes.join("\n");
        for left in [
            "registries.corp.credential-provider",
            "registries.local.index",
            "source.out.directory",
        ] {
            assert!(note.contains(left), "{left}: {note}");
        }
    }

    #[test]
    fn nearer_files_win_and_nothing_above_the_repository_is_read() {
        let top = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(top.path()).unwrap();
        let repo = top.join("repo");
        let root = repo.join("ws");
        std::fs::create_dir_all(&root).unwrap();
        write(&top, "[registries.a]\nindex = \"https://outside/\"\n");
        write(
            &repo,
            "[registries.a]\nindex = \"https://repo/\"\n[registries.b]\nindex = \"https://b/\"\n",
        );
        write(&root, "[registries.a]\nindex = \"https://ws/\"\n");
        let o = overrides(&root, &repo);
        assert_eq!(
            o.args,
            vec![
                "\"registries\".\"a\".\"index\"=\"https://ws/\"".to_string(),
                "\"registries\".\"b\".\"index\"=\"https://b/\"".to_string(),
            ]
        );
        assert!(o.notes.is_empty(), "{:?}", o.notes);
    }
}
