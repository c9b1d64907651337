//! `cargo xtask release-check`: is this commit fit to be released?
//!
//! - **Versions agree**: `Cargo.toml`, `Cargo.lock`, the changelog and the
//!   tags. On a commit tagged `v<version>` (the release workflow) the
//!   changelog has a section for that version. Anywhere else the version is
//!   unreleased: newer than every `v*` tag, with an `## [Unreleased]` (or
//!   `## [<version>]`) section collecting the changes.
//! - **Docs are current**: `docs/checks.md` is what `cargo xtask docs` writes.
//! - **The package is right**: `cargo package --list` ships the license
//!   files, the README, the changelog and `Cargo.lock`, and nothing that is
//!   not needed to build (fixtures, fuzz targets, CI files, xtask, tests that
//!   need fixtures); no file over [`MAX_FILE`]; the `.crate` stays under
//!   [`MAX_CRATE`] (its size is printed).
//! - **It builds from the tarball**: `cargo package` with its verify step
//!   (skip with `--no-verify`; `--allow-dirty` for a work tree with changes).
//!
//! `cargo xtask release-check notes VERSION` prints that version's
//! changelog section: the release notes the release workflow publishes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use semver::Version;

/// The largest single file the package may ship.
const MAX_FILE: u64 = 256 * 1024;

/// The largest `.crate` (compressed) the package may be.
const MAX_CRATE: u64 = 2 * 1024 * 1024;

/// Paths the package must not ship (prefixes, relative to the root).
const NEVER_SHIPPED: &[&str] = &[
    "fixtures/",
    "fuzz/",
    "xtask/",
    "tests/",
    ".github/",
    ".ci/",
    ".cargo/",
    "target/",
];

/// Files the package must ship (besides the sources).
const ALWAYS_SHIPPED: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "README.md",
    "CHANGELOG.md",
    "src/main.rs",
    "src/lib.rs",
];

/// Runs the release check (or prints release notes with `notes VERSION`).
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("notes") {
        let version = args
            .get(1)
            .ok_or("usage: cargo xtask release-check notes VERSION")?;
        let changelog = read(&root.join("CHANGELOG.md"))?;
        let notes = section(&changelog, version.trim_start_matches('v'))
            .ok_or_else(|| format!("CHANGELOG.md has no `## [{version}]` section"))?;
        println!("{notes}");
        return Ok(());
    }
    let allow_dirty = args.iter().any(|a| a == "--allow-dirty");
    let verify = !args.iter().any(|a| a == "--no-verify");
    let mut report = Report::default();
    let manifest: toml::Table = read(&root.join("Cargo.toml"))?
        .parse()
        .map_err(|e| format!("Cargo.toml: {e}"))?;
    let package = manifest
        .get("package")
        .and_then(|p| p.as_table())
        .ok_or("Cargo.toml has no [package]")?;
    let name = package
        .get("name")
        .and_then(|v| v.as_str())
        .ok_or("Cargo.toml has no package.name")?;
    let version_text = package
        .get("version")
        .and_then(|v| v.as_str())
        .ok_or("Cargo.toml has no package.version")?;
    let version = Version::parse(version_text)
        .map_err(|e| format!("Cargo.toml version `{version_text}`: {e}"))?;
    println!("release check for {name} {version}");

    versions(root, name, &version, &mut report)?;
    docs_current(root, &mut report)?;
    package_contents(root, package, allow_dirty, &mut report)?;
    build_from_tarball(root, name, &version, allow_dirty, verify, &mut report)?;

    if report.failures.is_empty() {
        println!("release check passed");
        Ok(())
    } else {
        Err(format!(
            "release check failed:\n  - {}",
            report.failures.join("\n  - ")
        ))
    }
}

#[derive(Default)]
struct Report {
    failures: Vec<String>,
}

impl Report {
    fn ok(&self, what: impl std::fmt::Display) {
        println!("  ok    {what}");
    }
    fn note(&self, what: impl std::fmt::Display) {
        println!("  note  {what}");
    }
    fn fail(&mut self, what: impl std::fmt::Display) {
        println!("  FAIL  {what}");
        self.failures.push(what.to_string());
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// `Cargo.toml`, `Cargo.lock`, the changelog and the tags tell one story.
fn versions(root: &Path, name: &str, version: &Version, r: &mut Report) -> Result<(), String> {
    // Cargo.lock records the package's own version.
    let lock = read(&root.join("Cargo.lock"))?;
    match locked_version(&lock, name) {
        Some(v) if v == version.to_string() => r.ok(format!("Cargo.lock has {name} {v}")),
        Some(v) => r.fail(format!(
            "Cargo.lock has {name} {v}, Cargo.toml says {version}: run `cargo update -p {name}`"
        )),
        None => r.fail(format!("Cargo.lock has no entry for {name}")),
    }

    let changelog = read(&root.join("CHANGELOG.md"))?;
    let sections = section_names(&changelog);
    let has_unreleased = sections
        .iter()
        .any(|s| s.eq_ignore_ascii_case("unreleased"));
    let has_version = sections.iter().any(|s| s == &version.to_string());

    let Some(git) = Git::open(root) else {
        r.note("git is not available here: tags not checked");
        if has_unreleased || has_version {
            r.ok("CHANGELOG.md has a section for the next release");
        } else {
            r.fail(format!(
                "CHANGELOG.md has neither `## [Unreleased]` nor `## [{version}]`"
            ));
        }
        return Ok(());
    };
    let tag = format!("v{version}");
    let released: BTreeMap<Version, String> = git
        .tags()
        .into_iter()
        .filter_map(|t| Some((Version::parse(t.strip_prefix('v')?).ok()?, t)))
        .collect();
    if git.shallow {
        r.note("shallow clone: tags may be missing (fetch with `fetch-depth: 0`)");
    }
    match git.tag_commit(&tag) {
        Some(commit) if Some(&commit) == git.head.as_ref() => {
            // The release commit itself.
            r.ok(format!("{tag} points at HEAD: releasing {version}"));
            match section(&changelog, &version.to_string()) {
                Some(body) if !body.trim().lines().skip(1).all(|l| l.trim().is_empty()) => {
                    r.ok(format!("CHANGELOG.md has release notes for {version}"))
                }
                Some(_) => r.fail(format!("CHANGELOG.md's `## [{version}]` section is empty")),
                None => r.fail(format!(
                    "{tag} is being released but CHANGELOG.md has no `## [{version}]` section: move the [Unreleased] entries under it"
                )),
            }
        }
        Some(commit) => r.fail(format!(
            "{tag} was already released (at {}); bump the version in Cargo.toml for the next release",
            &commit[..commit.len().min(12)]
        )),
        None => {
            match released.keys().next_back() {
                Some(latest) if latest >= version => r.fail(format!(
                    "Cargo.toml's {version} is not newer than the latest tag v{latest}"
                )),
                Some(latest) => r.ok(format!("{version} is newer than the latest tag v{latest}")),
                None => r.ok(format!("no release tags yet; {version} will be the first")),
            }
            if has_unreleased || has_version {
                r.ok("CHANGELOG.md has a section for the next release");
            } else {
                r.fail(format!(
                    "CHANGELOG.md has neither `## [Unreleased]` nor `## [{version}]`"
                ));
            }
        }
    }
    // Every released version has its changelog section.
    for (v, t) in &released {
        if !sections.iter().any(|s| s == &v.to_string()) {
            r.fail(format!("tag {t} has no `## [{v}]` section in CHANGELOG.md"));
        }
    }
    Ok(())
}

/// The version of `name` in a lockfile's text.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            let next = lines.next()?.trim();
            return next
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_string);
        }
    }
    None
}

/// The names of a changelog's `## ` sections: `## [1.2.0] - 2026-01-01` →
/// `1.2.0`, `## Unreleased` → `Unreleased`.
fn section_names(changelog: &str) -> Vec<String> {
    changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| {
            let h = h.trim();
            let name = match h.strip_prefix('[') {
                Some(rest) => rest.split(']').next().unwrap_or(rest),
                None => h.split_whitespace().next().unwrap_or(h),
            };
            name.trim_start_matches('v').to_string()
        })
        .collect()
}

/// The `## [name]` section of a changelog, heading included, up to the
/// next `## ` heading (link definitions at the end left out).
fn section(changelog: &str, name: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in changelog.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            if inside {
                break;
            }
            inside = section_names(&format!("## {h}"))
                .first()
                .is_some_and(|n| n.eq_ignore_ascii_case(name));
        }
        if inside {
            // A link definition (`[1.0.0]: https://…`) ends the last section.
            if line.starts_with('[') && line.contains("]: ") {
                break;
            }
            out.push(line);
        }
    }
    inside.then(|| out.join("\n").trim_end().to_string())
}

struct Git {
    root: PathBuf,
    head: Option<String>,
    shallow: bool,
}

impl Git {
    fn open(root: &Path) -> Option<Git> {
        let mut git = Git {
            root: root.to_path_buf(),
            head: None,
            shallow: false,
        };
        let inside = git.run(&["rev-parse", "--is-inside-work-tree"])?;
        if inside.trim() != "true" {
            return None;
        }
        git.head = git.run(&["rev-parse", "--verify", "--quiet", "HEAD"]);
        git.shallow = git
            .run(&["rev-parse", "--is-shallow-repository"])
            .is_some_and(|s| s == "true");
        Some(git)
    }

    fn run(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn tags(&self) -> Vec<String> {
        self.run(&["tag", "--list", "v*"])
            .map(|s| s.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// The commit a tag points at (annotated tags peeled).
    fn tag_commit(&self, tag: &str) -> Option<String> {
        self.run(&["rev-list", "-n", "1", &format!("refs/tags/{tag}")])
    }
}

/// `docs/checks.md` is what `cargo xtask docs` would write.
fn docs_current(root: &Path, r: &mut Report) -> Result<(), String> {
    let committed = read(&root.join("docs/checks.md"))?;
    if committed == cargo_readiness::docs::checks_markdown() {
        r.ok("docs/checks.md is current");
    } else {
        r.fail("docs/checks.md is stale: run `cargo xtask docs` and commit it");
    }
    Ok(())
}

fn cargo(root: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo {}: {e}", args.join(" ")))
}

/// What `cargo package --list` ships.
fn package_contents(
    root: &Path,
    package: &toml::Table,
    allow_dirty: bool,
    r: &mut Report,
) -> Result<(), String> {
    let mut args = vec!["package", "--list", "--locked"];
    if allow_dirty {
        args.push("--allow-dirty");
    }
    let out = cargo(root, &args)?;
    if !out.status.success() {
        r.fail(format!(
            "`cargo {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
        return Ok(());
    }
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let shipped = |p: &str| listed.iter().any(|l| l == p);

    // License files: every LICENSE* at the root, and at least one.
    let mut licenses: Vec<String> = std::fs::read_dir(root)
        .map_err(|e| format!("cannot list {}: {e}", root.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_ascii_uppercase().starts_with("LICENSE"))
        .collect();
    licenses.sort();
    if let Some(file) = package.get("license-file").and_then(|v| v.as_str()) {
        licenses.push(file.to_string());
    }
    if licenses.is_empty() {
        r.fail("no LICENSE file at the root");
    }
    let required: Vec<String> = licenses
        .into_iter()
        .chain(ALWAYS_SHIPPED.iter().map(|s| s.to_string()))
        .collect();
    for file in &required {
        if shipped(file) {
            r.ok(format!("ships {file}"));
        } else {
            r.fail(format!("the package does not ship {file}"));
        }
    }
    let mut unwanted = 0;
    for path in &listed {
        if let Some(prefix) = NEVER_SHIPPED.iter().find(|p| path.starts_with(*p)) {
            unwanted += 1;
            r.fail(format!(
                "the package ships {path} ({prefix} is not needed to build); fix `include` in Cargo.toml"
            ));
        }
    }
    if unwanted == 0 {
        r.ok(format!("ships nothing under {}", NEVER_SHIPPED.join(", ")));
    }
    let mut sizes: Vec<(u64, &String)> = listed
        .iter()
        .filter_map(|p| Some((std::fs::metadata(root.join(p)).ok()?.len(), p)))
        .collect();
    sizes.sort_by(|a, b| b.cmp(a));
    for (size, path) in sizes.iter().filter(|(s, _)| *s > MAX_FILE) {
        r.fail(format!(
            "{path} is {} KB, over the {} KB limit for a packaged file",
            size / 1024,
            MAX_FILE / 1024
        ));
    }
    let total: u64 = sizes.iter().map(|(s, _)| s).sum();
    r.ok(format!(
        "{} files, {} KB uncompressed; largest: {}",
        listed.len(),
        total / 1024,
        sizes
            .iter()
            .take(3)
            .map(|(s, p)| format!("{p} ({} KB)", s / 1024))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(())
}

/// `cargo package`: writes the `.crate` and (unless `--no-verify`) builds
/// it from the unpacked tarball, as crates.io users will.
fn build_from_tarball(
    root: &Path,
    name: &str,
    version: &Version,
    allow_dirty: bool,
    verify: bool,
    r: &mut Report,
) -> Result<(), String> {
    let mut args = vec!["package", "--locked"];
    if allow_dirty {
        args.push("--allow-dirty");
    }
    if !verify {
        args.push("--no-verify");
    }
    println!("  ...   cargo {}", args.join(" "));
    let started = std::time::Instant::now();
    let out = cargo(root, &args)?;
    if !out.status.success() {
        r.fail(format!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
        return Ok(());
    }
    if verify {
        r.ok(format!(
            "builds from the packaged tarball ({:.0} s)",
            started.elapsed().as_secs_f64()
        ));
    } else {
        r.note("--no-verify: not built from the tarball");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root.join(t) })
        .unwrap_or_else(|| root.join("target"));
    let krate = target
        .join("package")
        .join(format!("{name}-{version}.crate"));
    match std::fs::metadata(&krate) {
        Ok(m) if m.len() > MAX_CRATE => r.fail(format!(
            "{} is {} KB, over the {} KB budget",
            krate.display(),
            m.len() / 1024,
            MAX_CRATE / 1024
        )),
        Ok(m) => r.ok(format!(
            "{name}-{version}.crate is {} KB (budget {} KB)",
            m.len() / 1024,
            MAX_CRATE / 1024
        )),
        Err(e) => r.note(format!("cannot size {}: {e}", krate.display())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n- a\n\n## [0.2.0] - 2026-01-02\n\n### Added\n- b\n\n## 0.1.0\n- c\n\n[Unreleased]: https://x/compare/v0.2.0...HEAD\n[0.2.0]: https://x/compare/v0.1.0...v0.2.0\n";

    #[test]
    fn changelog_sections() {
        assert_eq!(
            section_names(CHANGELOG),
            vec!["Unreleased", "0.2.0", "0.1.0"]
        );
        assert_eq!(
            section(CHANGELOG, "0.2.0").unwrap(),
            "## [0.2.0] - 2026-01-02\n\n### Added\n- b"
        );
        assert_eq!(section(CHANGELOG, "0.1.0").unwrap(), "## 0.1.0\n- c");
        assert!(section(CHANGELOG, "unreleased").unwrap().contains("- a"));
        assert_eq!(section(CHANGELOG, "9.9.9"), None);
    }

    #[test]
    fn lockfile_version() {
        let lock = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"cargo-readiness\"\nversion = \"0.1.0\"\n";
        assert_eq!(
            locked_version(lock, "cargo-readiness").as_deref(),
            Some("0.1.0")
        );
        assert_eq!(locked_version(lock, "b"), None);
    }
}
