//! Parsing `Cargo.lock` in time linear in its size.
//!
//! `cargo-lock` resolves each abbreviated dependency (`"serde"`, `"syn
//! 2.0.1"`) by scanning every package in the file, so a lockfile of n
//! packages costs O(n × dependencies): 60 000 packages took minutes. This
//! module reads the same format (versions 3 and 4, which write `version =`
//! at the top) into the same `cargo_lock::Lockfile` with one index by name.
//! Anything else — older formats, the legacy `[root]`, `[metadata]`,
//! `[patch]` tables, or a file it cannot read — goes to `cargo-lock`
//! itself, so results and error messages are the crate's own.

use std::collections::HashMap;
use std::str::FromStr;

use cargo_lock::{Checksum, Dependency, Lockfile, Name, Package, ResolveVersion, SourceId};
use serde::Deserialize;

#[derive(Deserialize)]
struct Raw {
    version: Option<u32>,
    #[serde(default)]
    package: Vec<RawPackage>,
    root: Option<toml::Value>,
    metadata: Option<toml::Value>,
    patch: Option<toml::Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    replace: Option<String>,
}

/// A lockfile laid out exactly as cargo writes it: comment lines, then
/// `version = N`, then `[[package]]` tables of `key = "value"` lines and a
/// `dependencies = [` list with one `"…",` per line. `None` for anything
/// else (escapes, inline lists, other tables, keys cargo does not write).
fn cargo_layout(text: &str) -> Option<Raw> {
    // A quoted value without escapes.
    fn quoted(v: &str) -> Option<String> {
        let inner = v.strip_prefix('"')?.strip_suffix('"')?;
        (!inner.contains(['"', '\\'])).then(|| inner.to_string())
    }
    let mut raw = Raw {
        version: None,
        package: Vec::new(),
        root: None,
        metadata: None,
        patch: None,
    };
    let mut current: Option<RawPackage> = None;
    let mut in_deps = false;
    let finish = |p: Option<RawPackage>, out: &mut Vec<RawPackage>| -> Option<()> {
        if let Some(p) = p {
            if p.name.is_empty() || p.version.is_empty() {
                return None;
            }
            out.push(p);
        }
        Some(())
    };
    for line in text.lines() {
        let line = line.trim_end();
        if in_deps {
            if line == "]" {
                in_deps = false;
            } else {
                let dep = quoted(line.trim().strip_suffix(',')?)?;
                current.as_mut()?.dependencies.push(dep);
            }
            continue;
        }
        if line.is_empty() || (line.starts_with('#') && raw.package.is_empty() && current.is_none())
        {
            continue;
        }
        if line == "[[package]]" {
            finish(current.take(), &mut raw.package)?;
            current = Some(RawPackage {
                name: String::new(),
                version: String::new(),
                source: None,
                checksum: None,
                dependencies: Vec::new(),
                replace: None,
            });
            continue;
        }
        let (key, value) = line.split_once(" = ")?;
        match current.as_mut() {
            None if key == "version" && raw.version.is_none() => {
                raw.version = Some(value.parse().ok()?);
            }
            None => return None,
            Some(p) => match key {
                "name" if p.name.is_empty() => p.name = quoted(value)?,
                "version" if p.version.is_empty() => p.version = quoted(value)?,
                "source" if p.source.is_none() => p.source = Some(quoted(value)?),
                "checksum" if p.checksum.is_none() => p.checksum = Some(quoted(value)?),
                "replace" if p.replace.is_none() => p.replace = Some(quoted(value)?),
                "dependencies" if p.dependencies.is_empty() && value == "[" => in_deps = true,
                _ => return None,
            },
        }
    }
    if in_deps {
        return None;
    }
    finish(current, &mut raw.package)?;
    Some(raw)
}

/// A dependency as written: `name`, `name version`, `name version (source)`.
struct Written {
    name: Name,
    version: Option<semver::Version>,
    source: Option<SourceId>,
}

/// Parses lockfile text (see the module docs).
pub fn parse(text: &str) -> Result<Lockfile, String> {
    fast(text).map_or_else(|| text.parse::<Lockfile>().map_err(|e| e.to_string()), Ok)
}

/// The linear path; `None` when `cargo-lock` should read the file.
fn fast(text: &str) -> Option<Lockfile> {
    // The layout cargo writes is read line by line (a TOML parser is most
    // of the time on a large file); anything else is read as TOML.
    let raw: Raw = match cargo_layout(text) {
        Some(raw) => raw,
        None => toml::from_str(text).ok()?,
    };
    let version = match raw.version {
        Some(3) => ResolveVersion::V3,
        Some(4) => ResolveVersion::V4,
        _ => return None,
    };
    if raw.root.is_some() || raw.metadata.is_some() || raw.patch.is_some() {
        return None;
    }
    // Names, versions and sources parsed once per package.
    // Most packages share one of a few sources: each is parsed once.
    let mut sources: HashMap<String, SourceId> = HashMap::new();
    let mut source_of = |s: &str| -> Option<SourceId> {
        if let Some(id) = sources.get(s) {
            return Some(id.clone());
        }
        let id = SourceId::from_url(s).ok()?;
        sources.insert(s.to_string(), id.clone());
        Some(id)
    };
    let mut packages: Vec<Package> = Vec::with_capacity(raw.package.len());
    let mut written: Vec<(Vec<Written>, Option<Written>)> = Vec::with_capacity(raw.package.len());
    for p in &raw.package {
        packages.push(Package {
            name: Name::from_str(&p.name).ok()?,
            version: semver::Version::parse(&p.version).ok()?,
            source: match &p.source {
                Some(s) => Some(source_of(s)?),
                None => None,
            },
            checksum: match &p.checksum {
                Some(c) => Some(Checksum::from_str(c).ok()?),
                None => None,
            },
            dependencies: Vec::new(),
            replace: None,
        });
        let deps = p
            .dependencies
            .iter()
            .map(|d| dependency(d))
            .collect::<Option<Vec<_>>>()?;
        let replace = match &p.replace {
            Some(r) => Some(dependency(r)?),
            None => None,
        };
        written.push((deps, replace));
    }
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        by_name.entry(p.name.as_str()).or_default().push(i);
    }
    // As cargo-lock resolves: without a source, the first package of that
    // name (and version, when given); else the dependency as written,
    // which then needs a version.
    let resolve = |w: &Written| -> Option<Dependency> {
        if w.source.is_none()
            && let Some(i) = by_name.get(w.name.as_str()).and_then(|found| {
                found.iter().copied().find(|i| {
                    w.version
                        .as_ref()
                        .is_none_or(|v| *v == packages[*i].version)
                })
            })
        {
            let p = &packages[i];
            return Some(Dependency {
                name: p.name.clone(),
                version: p.version.clone(),
                source: p.source.clone(),
            });
        }
        Some(Dependency {
            name: w.name.clone(),
            version: w.version.clone()?,
            source: w.source.clone(),
        })
    };
    let mut resolved = Vec::with_capacity(written.len());
    for (deps, replace) in &written {
        let deps = deps.iter().map(resolve).collect::<Option<Vec<_>>>()?;
        // cargo-lock reads `replace` without the other packages.
        let replace = match replace {
            Some(r) => Some(Dependency {
                name: r.name.clone(),
                version: r.version.clone()?,
                source: r.source.clone(),
            }),
            None => None,
        };
        resolved.push((deps, replace));
    }
    for (p, (deps, replace)) in packages.iter_mut().zip(resolved) {
        p.dependencies = deps;
        p.replace = replace;
    }
    Some(Lockfile {
        version,
        packages,
        root: None,
        metadata: Default::default(),
        patch: Default::default(),
    })
}

/// Whether two packages of `lock` share name, version and source.
pub fn has_duplicates(lock: &Lockfile) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(lock.packages.len());
    !lock
        .packages
        .iter()
        .all(|p| seen.insert((p.name.as_str(), &p.version, p.source.as_ref())))
}

fn dependency(s: &str) -> Option<Written> {
    let mut parts = s.split_whitespace();
    let name = Name::from_str(parts.next()?).ok()?;
    let version = match parts.next() {
        Some(v) => Some(semver::Version::parse(v).ok()?),
        None => None,
    };
    let source = match parts.next() {
        Some(s) => Some(SourceId::from_url(s.strip_prefix('(')?.strip_suffix(')')?).ok()?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Written {
        name,
        version,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A lockfile from a small alphabet: names, versions and sources that
    /// repeat, dependencies in all three spellings, laid out as cargo
    /// writes (`tight`) or with extra spaces (read as TOML).
    fn lockfile_text() -> impl Strategy<Value = String> {
        let package = (
            0..4usize,
            0..3usize,
            0..3usize,
            proptest::collection::vec((0..4usize, 0..3usize, 0..3usize, 0..3usize), 0..4),
        );
        (
            3..5u32,
            proptest::collection::vec(package, 0..6),
            any::<bool>(),
        )
            .prop_map(|(version, packages, tight)| {
                let names = ["a", "b", "c-d", "e_f"];
                let versions = ["1.0.0", "1.0.1", "2.0.0-rc.1"];
                let sources = [
                    None,
                    Some("registry+https://github.com/rust-lang/crates.io-index"),
                    Some("git+https://example.com/x?branch=a%2Fb#0123abc"),
                ];
                let eq = if tight { " = " } else { "  =  " };
                let mut out = format!("version{eq}{version}\n");
                for (n, v, src, deps) in packages {
                    out.push_str(&format!(
                        "\n[[package]]\nname{eq}\"{}\"\nversion{eq}\"{}\"\n",
                        names[n], versions[v]
                    ));
                    if let Some(s) = sources[src] {
                        out.push_str(&format!("source{eq}\"{s}\"\n"));
                    }
                    if !deps.is_empty() {
                        out.push_str(&format!("dependencies{eq}[\n"));
                        for (dn, dv, ds, form) in deps {
                            let dep = match (form, sources[ds]) {
                                (0, _) => names[dn].to_string(),
                                (1, _) | (_, None) => format!("{} {}", names[dn], versions[dv]),
                                (_, Some(s)) => format!("{} {} ({s})", names[dn], versions[dv]),
                            };
                            out.push_str(&format!(" \"{dep}\",\n"));
                        }
                        out.push_str("]\n");
                    }
                }
                out
            })
    }

    proptest! {
        #[test]
        fn reads_what_cargo_lock_reads(text in lockfile_text()) {
            prop_assert_eq!(
                parse(&text).map_err(|e| e.to_string()),
                text.parse::<Lockfile>().map_err(|e| e.to_string())
            );
        }
    }

    /// Every lockfile this repository holds, read both ways.
    #[test]
    fn the_same_as_cargo_lock_reads_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    if !matches!(
                        p.file_name().and_then(|n| n.to_str()),
                        Some("target" | ".git")
                    ) {
                        stack.push(p);
                    }
                } else if p.file_name().is_some_and(|n| n == "Cargo.lock") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    assert_eq!(
                        parse(&text).map_err(|e| e.to_string()),
                        text.parse::<Lockfile>().map_err(|e| e.to_string()),
                        "{}",
                        p.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 5, "{checked}");
        let abbreviated = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"b 2.0.0\", \"c\", \"d 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\"]\n\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"b\"\nversion = \"2.0.0\"\nsource = \"git+https://example.com/b?branch=x%2By#abc\"\n\n[[package]]\nname = \"c\"\nversion = \"0.1.0\"\nchecksum = \"0000000000000000000000000000000000000000000000000000000000000000\"\n";
        assert_eq!(
            parse(abbreviated).unwrap(),
            abbreviated.parse::<Lockfile>().unwrap()
        );
        for bad in [
            "version = 4\n[[package]]\nname = \"a\"\n",
            "version = 9\n",
            "x = ",
            "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"zz\"]\n",
        ] {
            assert_eq!(
                parse(bad).map_err(|e| e.to_string()),
                bad.parse::<Lockfile>().map_err(|e| e.to_string()),
                "{bad}"
            );
        }
    }
}
