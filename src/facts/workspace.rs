//! The workspace: where it is, what `cargo metadata` says about it, and its
//! members — read from the manifests directly when cargo cannot resolve.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cargo_metadata::{Metadata, MetadataCommand, TargetKind};
use serde::Serialize;

use super::files::{self, relative};
use crate::error::{Error, Result};
use crate::util::line_of_offset;

/// A workspace member, as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// Manifest path relative to the workspace root.
    pub manifest: String,
    /// Package directory relative to the workspace root (`""` for the root).
    pub dir: String,
    /// `license` (SPDX expression), inheritance resolved.
    pub license: Option<String>,
    /// `license-file`, relative to the package directory.
    pub license_file: Option<String>,
    /// `readme`, relative to the package directory (cargo's default applied).
    pub readme: Option<String>,
    /// `repository` URL.
    pub repository: Option<String>,
    /// Whether it may be published (`publish` is not `false`/`[]`).
    pub publish: bool,
    /// Whether it has a binary target.
    pub has_bin: bool,
    /// `description`.
    pub description: Option<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `categories`.
    pub categories: Vec<String>,
    /// `rust-version` (MSRV), as written.
    pub rust_version: Option<String>,
    /// `documentation` URL.
    pub documentation: Option<String>,
    /// `homepage` URL.
    pub homepage: Option<String>,
    /// `authors`.
    pub authors: Vec<String>,
    /// Files cargo-release rewrites when this member is released
    /// (`[package.metadata.release] pre-release-replacements`), relative to
    /// the workspace root: a changelog named there is this member's.
    pub release_files: Vec<String>,
}

impl Member {
    /// A member with only a name, version and manifest location set (for
    /// tests and in-memory facts).
    pub fn named(name: &str, version: &str, dir: &str) -> Member {
        Member {
            name: name.to_string(),
            version: version.to_string(),
            manifest: files::join(dir, "Cargo.toml"),
            dir: dir.to_string(),
            license: None,
            license_file: None,
            readme: None,
            repository: None,
            publish: true,
            has_bin: false,
            description: None,
            keywords: Vec::new(),
            categories: Vec::new(),
            rust_version: None,
            documentation: None,
            homepage: None,
            authors: Vec::new(),
            release_files: Vec::new(),
        }
    }
}

/// The `file`s of cargo-release's `pre-release-replacements` in a
/// package's `metadata.release` table (as JSON from `cargo metadata`),
/// joined to the member's directory.
fn release_files(release: Option<&serde_json::Value>, dir: &str) -> Vec<String> {
    let mut files: Vec<String> = release
        .and_then(|r| r.get("pre-release-replacements"))
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("file")?.as_str())
        .map(|f| files::join(dir, f))
        .filter(|f| !f.starts_with(".."))
        .collect();
    files.sort();
    files.dedup();
    files
}

/// Where the run starts: the manifest found and the workspace root it implies.
#[derive(Debug, Clone)]
pub struct Location {
    /// The manifest given or discovered (absolute).
    pub manifest: PathBuf,
    /// The workspace root: the nearest directory (the manifest's own, or an
    /// ancestor) whose `Cargo.toml` has a `[workspace]` table, else the
    /// manifest's directory. `cargo metadata` has the last word when it runs.
    pub root: PathBuf,
    /// The repository the workspace is in: the nearest directory at or
    /// above `root` with a `.git`, else `root`. What lies outside it is
    /// never read or written because the repository says so.
    pub repository: PathBuf,
}

/// Finds the manifest (`--manifest-path`, or from `cwd` upward) and checks
/// it is valid TOML, so a syntax error is reported with its line.
pub fn locate(manifest_path: Option<&Path>, cwd: &Path) -> Result<Location> {
    let manifest = match manifest_path {
        Some(p) => {
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                cwd.join(p)
            };
            if !p.is_file() {
                return Err(Error::NotCargoProject(format!(
                    "manifest path `{}` does not exist or is not a file",
                    p.display()
                )));
            }
            p
        }
        None => cwd
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                Error::NotCargoProject(format!(
                    "could not find `Cargo.toml` in `{}` or any parent directory; \
                     run inside a Cargo project or pass --manifest-path",
                    cwd.display()
                ))
            })?,
    };
    // A Cargo.toml that is a symlink out of its own directory would move
    // the whole run — and `init`'s writes — to wherever it points.
    if std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.file_type().is_symlink()) {
        let dir = manifest
            .parent()
            .and_then(|d| std::fs::canonicalize(d).ok());
        let target = std::fs::canonicalize(&manifest).ok();
        let inside = match (&dir, &target) {
            (Some(dir), Some(target)) => target.starts_with(dir),
            _ => false,
        };
        if !inside {
            return Err(Error::Manifest {
                path: manifest.clone(),
                line: None,
                message: format!(
                    "the file is a symlink to {}, outside its directory; not followed",
                    target
                        .map(|t| t.display().to_string())
                        .unwrap_or_else(|| "a missing file".into())
                ),
            });
        }
    }
    let manifest = std::fs::canonicalize(&manifest).unwrap_or(manifest);
    let table = read_manifest(&manifest)?;
    let dir = manifest.parent().unwrap_or(Path::new(".")).to_path_buf();
    let root = if table.contains_key("workspace") {
        dir
    } else {
        dir.ancestors()
            .skip(1)
            .find(|d| {
                read_manifest(&d.join("Cargo.toml")).is_ok_and(|t| t.contains_key("workspace"))
            })
            .map(Path::to_path_buf)
            .unwrap_or(dir)
    };
    let repository = repository_of(&root);
    Ok(Location {
        manifest,
        root,
        repository,
    })
}

/// The repository a directory is in: the nearest directory at or above it
/// with a `.git` (a directory, or a file for worktrees and submodules),
/// else the directory itself.
pub fn repository_of(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
        .unwrap_or(dir)
        .to_path_buf()
}

/// Reads and parses a manifest as TOML, naming the file and line on error.
pub fn read_manifest(path: &Path) -> Result<toml::Table> {
    use super::files::{self, TextProblem};
    // Bounded and regular: a 100 MB or FIFO `Cargo.toml` is an error naming
    // the file, not minutes of parsing or a hang. (cargo reads manifests
    // through symlinks, so the tool does too.)
    let text = files::read_own_file(None, path).map_err(|problem| Error::Manifest {
        path: path.to_path_buf(),
        line: match problem {
            TextProblem::NotUtf8 { line } => Some(line),
            _ => None,
        },
        message: format!("the file {problem}"),
    })?;
    text.parse::<toml::Table>().map_err(|e| Error::Manifest {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of_offset(&text, s.start)),
        message: e.message().to_string(),
    })
}

/// cargo flags passed through to `cargo metadata`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CargoFlags {
    /// `--offline`
    pub offline: bool,
    /// `--locked`
    pub locked: bool,
    /// `--frozen`
    pub frozen: bool,
}

/// What `cargo metadata` resolves: features and the target platform, as
/// `cargo build`/`cargo tree` take them. The default resolves every target
/// with each package's default features.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolveOptions {
    /// `--features` (space- or comma-separated lists, `pkg/feat` allowed).
    pub features: Vec<String>,
    /// `--all-features`
    pub all_features: bool,
    /// `--no-default-features`
    pub no_default_features: bool,
    /// `--filter-platform TRIPLE` (repeatable): keep only dependencies built
    /// for one of these platforms, so cargo downloads no other platform's
    /// crates. [`HOST_TUPLE`] names the host.
    pub filter_platforms: Vec<String>,
}

/// The `--filter-platform` value cargo reads as "the host" (recent cargo;
/// an older one is retried with the triple `rustc -vV` reports).
pub const HOST_TUPLE: &str = "host-tuple";

impl ResolveOptions {
    fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for f in &self.features {
            args.push("--features".to_string());
            args.push(f.clone());
        }
        if self.all_features {
            args.push("--all-features".to_string());
        }
        if self.no_default_features {
            args.push("--no-default-features".to_string());
        }
        for t in &self.filter_platforms {
            args.push("--filter-platform".to_string());
            args.push(t.clone());
        }
        args
    }
}

/// `cargo metadata` that did not produce a graph, for a reason outside the
/// repository's text (network, toolchain, unfetchable git dependency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataUnavailable {
    /// The first line of cargo's explanation.
    pub reason: String,
}

/// What one `cargo metadata` run produced.
#[derive(Debug)]
pub struct MetadataRun {
    /// The graph, or why there is none.
    pub result: std::result::Result<Metadata, MetadataUnavailable>,
    /// The text of a `Cargo.lock` cargo had to generate (and this tool then
    /// removed, leaving the repository as it was).
    pub generated_lockfile: Option<String>,
    /// The text cargo wrote over a committed `Cargo.lock` that was stale or
    /// in an old format (the committed bytes were then put back): what
    /// `cargo build --locked` would refuse.
    pub rewritten_lockfile: Option<String>,
}

/// How long `cargo metadata` may take: resolving online can download the
/// registry index; offline it only reads files. cargo itself needs ~2.5
/// minutes offline for a 20 000-member workspace (docs/PERFORMANCE.md), so
/// these only stop what would never finish.
const METADATA_DEADLINE_ONLINE: Duration = Duration::from_secs(1200);
const METADATA_DEADLINE_OFFLINE: Duration = Duration::from_secs(600);

/// Runs `cargo metadata`.
///
/// Errors that are the user's to fix (malformed manifests, a lockfile cargo
/// cannot read) stop the run; anything else degrades to
/// `Err(MetadataUnavailable)` and the run continues without the graph.
/// `notes` receives what was done.
///
/// The checkout is left exactly as found: cargo first runs with `--locked`,
/// so it writes nothing. When it would have to create or update
/// `Cargo.lock`, it runs again without it while a [`RestoreGuard`] holds the
/// original bytes, which are put back afterwards (and on an interrupt); what
/// cargo wanted to write is returned. Runs on the same workspace at the same
/// time take turns (a file lock), so none reads a lockfile another is
/// restoring.
///
/// [`RestoreGuard`]: crate::util::RestoreGuard
pub fn metadata(loc: &Location, flags: CargoFlags, notes: &mut Vec<String>) -> Result<MetadataRun> {
    metadata_resolved(loc, flags, &ResolveOptions::default(), notes)
}

/// The bytes of `Cargo.lock` at the workspace root before cargo runs, or
/// why it is refused: cargo would read a FIFO forever, spend seconds and
/// gigabytes on a huge file, and follow a symlink out of the repository.
pub fn read_lockfile_bytes(root: &Path) -> Result<Option<Vec<u8>>> {
    let lockfile = root.join("Cargo.lock");
    if std::fs::symlink_metadata(&lockfile).is_err() {
        return Ok(None);
    }
    files::read_own_bytes(Some(root), &lockfile)
        .map(Some)
        .map_err(|problem| Error::Lockfile {
            path: lockfile.clone(),
            line: None,
            message: format!("the file {problem}"),
        })
}

/// [`metadata`] with features and target platforms selected.
pub fn metadata_resolved(
    loc: &Location,
    flags: CargoFlags,
    resolve: &ResolveOptions,
    notes: &mut Vec<String>,
) -> Result<MetadataRun> {
    // cargo would read a FIFO forever, spend seconds and gigabytes on a
    // huge file, and follow a symlink out of the repository: refuse first
    // (a stat; the caller has usually read the bytes already).
    let lockfile = loc.root.join("Cargo.lock");
    files::check_own_file(&loc.root, &lockfile).map_err(|problem| Error::Lockfile {
        path: lockfile.clone(),
        line: None,
        message: format!("the file {problem}"),
    })?;
    precheck_manifests(&loc.root)?;
    let toolchain = super::toolchain::for_root(&loc.root);
    if let Some(note) = &toolchain.note {
        notes.push(note.clone());
    }
    let config = super::cargo_config::overrides(&loc.root, &loc.repository);
    notes.extend(config.notes.iter().cloned());
    let toolchain = &(toolchain, config.args.as_slice());
    let deadline = crate::exec::deadline(if flags.offline || flags.frozen {
        METADATA_DEADLINE_OFFLINE
    } else {
        METADATA_DEADLINE_ONLINE
    });
    let mut resolve = resolve.clone();
    let attempt = |resolve: &mut ResolveOptions, locked: bool| {
        let mut result = run_metadata(&loc.manifest, flags, resolve, locked, toolchain, deadline);
        if let Err(stderr) = &result
            && resolve.filter_platforms.iter().any(|p| p == HOST_TUPLE)
            && stderr.contains(HOST_TUPLE)
            && let Ok(host) = super::platform::host_triple(toolchain.0)
        {
            for p in &mut resolve.filter_platforms {
                if p == HOST_TUPLE {
                    *p = host.clone();
                }
            }
            result = run_metadata(&loc.manifest, flags, resolve, locked, toolchain, deadline);
        }
        result
    };
    let mut run = MetadataRun {
        result: Err(MetadataUnavailable {
            reason: String::new(),
        }),
        generated_lockfile: None,
        rewritten_lockfile: None,
    };
    let mut result = attempt(&mut resolve, true);
    if let Err(stderr) = &result
        && let Some(refusal) = locked_refusal(stderr)
    {
        // cargo wants to write the lock file: let it, then put it back.
        let _turn = workspace_lock(&refusal.path);
        let original = read_lockfile_bytes(refusal.path.parent().unwrap_or(&loc.root))?;
        let guard = crate::util::RestoreGuard::new(&refusal.path, original.clone());
        result = attempt(&mut resolve, false);
        let written = std::fs::read(&refusal.path)
            .ok()
            .filter(|bytes| Some(bytes) != original.as_ref())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        guard.restore().map_err(|source| Error::Io {
            action: "cannot restore the original",
            path: refusal.path.clone(),
            source,
        })?;
        match (&original, written) {
            (None, Some(text)) => {
                notes.push("there is no Cargo.lock: dependencies were resolved afresh for this run (and the generated file removed)".into());
                run.generated_lockfile = Some(text);
            }
            (Some(_), Some(text)) => run.rewritten_lockfile = Some(text),
            _ => {}
        }
        if let Err(stderr) = &result
            && stderr.contains(&*refusal.path.to_string_lossy())
        {
            // cargo could not write it (a read-only checkout): no graph,
            // but not a broken manifest either.
            result = Err(format!(
                "{} needs to be {} and cargo could not write it: {}",
                refusal.path.display(),
                if original.is_some() {
                    "updated"
                } else {
                    "created"
                },
                summarize(stderr)
            ));
            run.result = Err(MetadataUnavailable {
                reason: result.as_ref().err().cloned().unwrap_or_default(),
            });
            return Ok(run);
        }
    }
    match result {
        Ok(m) => {
            run.result = Ok(m);
            Ok(run)
        }
        Err(stderr) => match classify(
            &stderr,
            loc,
            &resolve,
            flags.offline || flags.frozen,
            toolchain.0.note.as_deref(),
        ) {
            Ok(unavailable) => {
                run.result = Err(unavailable);
                Ok(run)
            }
            Err(e) => Err(e),
        },
    }
}

/// The manifests cargo will read first — the members' and the path
/// dependencies' the root manifest names — checked as the tool checks its
/// own files: a FIFO would block cargo until its deadline, a huge file cost
/// minutes, a symlink lead out of the repository. Each is exit 2 naming the
/// file, before cargo runs.
fn precheck_manifests(root: &Path) -> Result<()> {
    let Ok(table) = read_manifest(&root.join("Cargo.toml")) else {
        return Ok(());
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(members) = table
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
    {
        for pattern in members.iter().filter_map(|m| m.as_str()) {
            dirs.extend(expand_glob(root, pattern));
        }
    }
    let mut dep_tables: Vec<&toml::Table> = Vec::new();
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        dep_tables.extend(table.get(key).and_then(|d| d.as_table()));
    }
    dep_tables.extend(
        table
            .get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(|d| d.as_table()),
    );
    for deps in dep_tables {
        for dep in deps.values() {
            if let Some(path) = dep.get("path").and_then(|p| p.as_str()) {
                dirs.push(root.join(path));
            }
        }
    }
    for dir in dirs {
        let manifest = dir.join("Cargo.toml");
        if std::fs::symlink_metadata(&manifest).is_err() {
            continue;
        }
        // Path dependencies may lie outside the repository (cargo reads
        // them there); only their kind and size are checked then.
        let within = if manifest.starts_with(root) {
            root
        } else {
            dir.as_path()
        };
        files::check_own_file(within, &manifest).map_err(|problem| Error::Manifest {
            path: manifest.clone(),
            line: None,
            message: format!("the file {problem}"),
        })?;
    }
    Ok(())
}

/// cargo refusing to create or update a lock file because of `--locked`.
struct LockedRefusal {
    path: PathBuf,
}

/// `cannot create|update the lock file PATH because --locked was passed`
/// (cargo 1.85+), or `the lock file PATH needs to be updated but --locked
/// was passed` (earlier).
fn locked_refusal(stderr: &str) -> Option<LockedRefusal> {
    for line in stderr.lines() {
        let line = line.trim().trim_start_matches("error: ");
        let rest = line
            .strip_prefix("cannot create the lock file ")
            .or_else(|| line.strip_prefix("cannot update the lock file "))
            .or_else(|| line.strip_prefix("the lock file "));
        let Some(rest) = rest else { continue };
        let end = [" because --", " needs to be updated but --"]
            .iter()
            .filter_map(|m| rest.find(m))
            .min()?;
        let path = PathBuf::from(&rest[..end]);
        if path.file_name().is_some_and(|n| n == "Cargo.lock") {
            return Some(LockedRefusal { path });
        }
    }
    None
}

/// Holds the per-workspace lock while cargo may write `lockfile`: in the
/// user's cache directory (never in the repository), keyed by the path.
fn workspace_lock(lockfile: &Path) -> crate::fs_lock::FileLock {
    let dir = crate::advisories::cache::default_dir().unwrap_or_else(std::env::temp_dir);
    let mut h = crate::util::Fnv64::new();
    h.write(
        std::fs::canonicalize(lockfile)
            .unwrap_or_else(|_| lockfile.to_path_buf())
            .to_string_lossy()
            .as_bytes(),
    );
    let lock =
        crate::fs_lock::FileLock::at(&dir.join("locks").join(format!("{:016x}.lock", h.finish())));
    lock.exclusive();
    lock
}

/// What a failed `cargo metadata` means: `Ok` degrades the run (the cause
/// is outside the repository's text), `Err` stops it with exit 2.
fn classify(
    stderr: &str,
    loc: &Location,
    resolve: &ResolveOptions,
    offline: bool,
    pin_not_used: Option<&str>,
) -> std::result::Result<MetadataUnavailable, Error> {
    if stderr.contains("has overflowed its stack") {
        // cargo itself crashed (e.g. a chain of 10 000 features): it
        // cannot build this workspace either.
        return Err(Error::Manifest {
            path: loc.manifest.clone(),
            line: None,
            message: "cargo metadata crashed on it (stack overflow); cargo cannot build this workspace either".into(),
        });
    }
    if let Some(path) = lockfile_in(stderr) {
        return Err(Error::Lockfile {
            path,
            line: line_in(stderr),
            message: summarize(stderr),
        });
    }
    if let Some(usage) = usage_error(stderr, resolve) {
        return Err(Error::Usage(usage));
    }
    if is_outside_cause(stderr) {
        return Ok(MetadataUnavailable {
            reason: summarize(stderr),
        });
    }
    // Offline, cargo resolves from the local registry cache, which holds
    // only the versions this machine downloaded: a conflict there is the
    // cache's, not the manifest's (tokio-rs/tracing resolves online).
    if offline && is_resolution_failure(stderr) {
        return Ok(MetadataUnavailable {
            reason: format!(
                "cargo cannot resolve the dependencies offline from this machine's registry cache \
                 (run online once, or commit a Cargo.lock): {}",
                summarize(stderr)
            ),
        });
    }
    // The repository pins a toolchain that was not used (not installed, or
    // by path): cargo's refusal may be that toolchain's business (a nightly
    // `cargo-features`, a newer manifest key), not a broken manifest.
    if let Some(note) = pin_not_used
        && !stderr.contains("TOML parse error")
    {
        return Ok(MetadataUnavailable {
            reason: format!("{} ({note})", summarize(stderr)),
        });
    }
    if is_manifest_error(stderr) {
        return Err(Error::Manifest {
            path: manifest_in(stderr).unwrap_or_else(|| loc.manifest.clone()),
            line: line_in(stderr),
            message: summarize(stderr),
        });
    }
    Err(Error::Cargo {
        manifest: loc.manifest.clone(),
        message: summarize(stderr),
    })
}

/// A `--features`/`--target` value cargo rejects: the user's flag, not
/// the manifest.
fn usage_error(stderr: &str, resolve: &ResolveOptions) -> Option<String> {
    let summary = summarize(stderr);
    if !resolve.features.is_empty() && stderr.contains("feature") && !stderr.contains("manifest") {
        return Some(format!(
            "--features {}: {summary}",
            resolve.features.join(",")
        ));
    }
    let named: Vec<&String> = resolve
        .filter_platforms
        .iter()
        .filter(|t| *t != HOST_TUPLE)
        .collect();
    if !named.is_empty()
        && (stderr.contains("target-specific information")
            || stderr.contains("specification for target")
            || stderr.contains("--filter-platform"))
    {
        // rustc's own words, not the command line cargo ran it with.
        let summary = stderr
            .lines()
            .map(str::trim)
            .find(|l| l.contains("specification for target"))
            .map(|l| {
                l.trim_start_matches("error: ")
                    .trim_start_matches("error loading target specification: ")
                    .to_string()
            })
            .unwrap_or(summary);
        return Some(format!(
            "--target {}: {summary}",
            named
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    None
}

/// cargo's messages about a manifest it cannot read or accept.
fn is_manifest_error(stderr: &str) -> bool {
    arrow_location(stderr).is_some()
        || [
            "failed to parse manifest",
            "failed to load manifest",
            "failed to read `",
            "manifest at `",
            "TOML parse error",
            "could not parse input as TOML",
            "invalid type:",
            "missing field",
            "unknown variant",
            "duplicate key",
            "no targets specified in the manifest",
            "can't find library",
            "can't find `",
            "current package believes it's in a workspace",
            "package believes it's in a workspace",
            "failed to select a version",
            "failed to resolve patches",
            "cyclic package dependency",
            "feature `",
            "features `",
        ]
        .iter()
        .any(|needle| stderr.contains(needle))
}

fn run_metadata(
    manifest: &Path,
    flags: CargoFlags,
    resolve: &ResolveOptions,
    locked: bool,
    (toolchain, config): &(&super::toolchain::Toolchain, &[String]),
    deadline: Duration,
) -> std::result::Result<Metadata, String> {
    let mut cmd = MetadataCommand::new();
    cmd.manifest_path(manifest);
    // The user's --locked and --frozen are always honoured in effect: the
    // first attempt is locked, and a lockfile cargo then rewrites is put
    // back (see `metadata_resolved`).
    let mut opts = Vec::new();
    if flags.offline || flags.frozen {
        opts.push("--offline".to_string());
    }
    if locked {
        opts.push("--locked".to_string());
    }
    opts.extend(resolve.args());
    for value in config.iter() {
        opts.push("--config".to_string());
        opts.push(value.clone());
    }
    cmd.other_options(opts);
    let program =
        crate::exec::Program::from_command(cmd.cargo_command(), "cargo metadata", deadline)
            // A 20 000-member workspace describes itself in ~100 MB.
            .max_stdout(1024 * 1024 * 1024);
    let done = toolchain.apply(program).run().map_err(|e| e.to_string())?;
    if !done.status.success() {
        let stderr = done.stderr_text();
        return Err(if stderr.trim().is_empty() {
            format!("cargo metadata failed ({})", done.status)
        } else {
            stderr
        });
    }
    let text = std::str::from_utf8(&done.stdout)
        .map_err(|_| "cargo metadata wrote output that is not UTF-8".to_string())?;
    let json = text
        .lines()
        .find(|line| line.starts_with('{'))
        .ok_or_else(|| "cargo metadata wrote no JSON".to_string())?;
    MetadataCommand::parse(json).map_err(|e| format!("cannot read cargo metadata's output: {e}"))
}

/// Whether cargo failed for a reason outside the repository's text — the
/// network, an unfetchable git dependency, a missing toolchain — so the run
/// should degrade rather than stop. Everything else (a manifest cargo
/// rejects, a stale lockfile under `--locked`) is the user's to fix: exit 2.
fn is_outside_cause(stderr: &str) -> bool {
    [
        "--offline was specified",
        "offline mode",
        "failed to fetch",
        "failed to download",
        "failed to load source for dependency",
        "nable to update",
        "can't checkout",
        "could not connect",
        "Could not resolve host",
        "network failure",
        "spurious network error",
        "timed out",
        "SSL",
        "is not installed",
        "failed to get `",
        // rustup, and the tool's own limits on the command.
        "rustup could not",
        "error: rustup",
        "no default toolchain",
        "toolchain '",
        "is not applicable to the",
        "did not finish within",
        "wrote more than",
        "cannot run ",
        "wrote no JSON",
    ]
    .iter()
    .any(|needle| stderr.contains(needle))
}

/// cargo's resolver found no versions satisfying the requirements.
fn is_resolution_failure(stderr: &str) -> bool {
    stderr.contains("failed to select a version") || stderr.contains("no matching package named")
}

#[cfg(test)]
fn is_users_to_fix(stderr: &str) -> bool {
    !is_outside_cause(stderr)
}

/// cargo's message without the `error:` prefix, its causes joined on one line.
fn summarize(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        // A backtrace (rustup's anyhow errors print one) is not the reason.
        .take_while(|l| !l.trim_start().starts_with("Stack backtrace:"))
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && *l != "Caused by:"
                && !l.starts_with('|')
                && !l.starts_with('^')
                && !is_excerpt(l)
        })
        .map(|l| l.trim_start_matches("error:").trim())
        .collect();
    lines.join(": ")
}

/// The `--> PATH:LINE:COL` location cargo prints under a manifest error.
fn arrow_location(stderr: &str) -> Option<(PathBuf, usize)> {
    let line = stderr.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = line.rsplitn(3, ':');
    let _col = parts.next()?;
    let line_no: usize = parts.next()?.trim().parse().ok()?;
    // cargo prints the path relative to its working directory, which is
    // the neutral one, not the user's.
    let path = crate::exec::neutral_dir().join(parts.next()?.trim());
    Some((path, line_no))
}

/// A `12 | text` line: cargo quoting the file. Left out of the one-line
/// message: it may be megabytes long, binary, or a terminal escape.
fn is_excerpt(line: &str) -> bool {
    line.split_once('|').is_some_and(|(n, _)| {
        let n = n.trim();
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The lock file cargo could not read or parse, when that is the error
/// (its line is then in the lock file, not the manifest).
fn lockfile_in(stderr: &str) -> Option<PathBuf> {
    [
        "lock file at: ",
        "failed to open: ",
        "failed to read file: ",
    ]
    .iter()
    .find_map(|prefix| {
        let start = stderr.find(prefix)? + prefix.len();
        let path = stderr[start..].lines().next()?.trim();
        path.ends_with("Cargo.lock").then(|| PathBuf::from(path))
    })
}

fn manifest_in(stderr: &str) -> Option<PathBuf> {
    if let Some(start) = stderr.find("manifest at `") {
        let start = start + "manifest at `".len();
        let end = stderr[start..].find('`')? + start;
        return Some(PathBuf::from(&stderr[start..end]));
    }
    arrow_location(stderr).map(|(p, _)| p)
}

fn line_in(stderr: &str) -> Option<usize> {
    if let Some((_, line)) = arrow_location(stderr) {
        return Some(line);
    }
    let at = stderr.find("at line ")? + "at line ".len();
    stderr[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// The workspace's packages, in `meta.packages` order: what
/// `Metadata::workspace_packages` returns, with a set look-up instead of a
/// scan of the member list per package (quadratic on 20 000 members).
pub fn workspace_packages(meta: &Metadata) -> Vec<&cargo_metadata::Package> {
    let members: std::collections::HashSet<&cargo_metadata::PackageId> =
        meta.workspace_members.iter().collect();
    meta.packages
        .iter()
        .filter(|p| members.contains(&p.id))
        .collect()
}

/// Members as `cargo metadata` resolved them.
pub fn members_from_metadata(meta: &Metadata, root: &Path) -> Vec<Member> {
    let mut members: Vec<Member> = workspace_packages(meta)
        .into_iter()
        .map(|p| {
            let manifest = relative(root, p.manifest_path.as_std_path());
            let dir = files::parent_dir(&manifest).to_string();
            Member {
                name: p.name.to_string(),
                version: p.version.to_string(),
                manifest,
                dir: dir.clone(),
                license: p.license.clone(),
                license_file: p.license_file.as_ref().map(|f| f.to_string()),
                readme: p.readme.as_ref().map(|f| f.to_string()),
                repository: p.repository.clone(),
                publish: p
                    .publish
                    .as_ref()
                    .is_none_or(|registries| !registries.is_empty()),
                has_bin: p.targets.iter().any(|t| t.kind.contains(&TargetKind::Bin)),
                description: p.description.clone(),
                keywords: p.keywords.clone(),
                categories: p.categories.clone(),
                rust_version: p.rust_version.as_ref().map(|v| v.to_string()),
                documentation: p.documentation.clone(),
                homepage: p.homepage.clone(),
                authors: p.authors.clone(),
                release_files: release_files(p.metadata.get("release"), &dir),
            }
        })
        .collect();
    members.sort_by(|a, b| a.manifest.cmp(&b.manifest));
    members
}

/// Members read from the manifests as TOML, when `cargo metadata` failed:
/// the root package and `[workspace] members` (glob patterns expanded),
/// with `workspace = true` inheritance resolved from `[workspace.package]`.
pub fn members_from_manifests(root: &Path) -> Result<Vec<Member>> {
    let root_manifest = root.join("Cargo.toml");
    let root_table = read_manifest(&root_manifest)?;
    let ws_package = root_table
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.as_table())
        .cloned()
        .unwrap_or_default();
    let mut dirs: Vec<PathBuf> = Vec::new();
    if root_table.contains_key("package") {
        dirs.push(root.to_path_buf());
    }
    let patterns = |key: &str| -> Vec<String> {
        root_table
            .get("workspace")
            .and_then(|w| w.get(key))
            .and_then(|m| m.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let excluded: Vec<PathBuf> = patterns("exclude").iter().map(|e| root.join(e)).collect();
    for pattern in patterns("members") {
        for dir in expand_glob(root, &pattern) {
            // Anything named Cargo.toml (a FIFO too) is read, or refused
            // with its reason by `read_manifest`, never silently skipped.
            let manifest = std::fs::symlink_metadata(dir.join("Cargo.toml"));
            if manifest.is_ok() && !excluded.contains(&dir) && !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    let mut members = Vec::new();
    for dir in dirs {
        let manifest_path = dir.join("Cargo.toml");
        let table = if dir == root {
            root_table.clone()
        } else {
            read_manifest(&manifest_path)?
        };
        let Some(package) = table.get("package").and_then(|p| p.as_table()) else {
            continue;
        };
        let inherited = |key: &str| {
            package
                .get(key)
                .and_then(|v| v.get("workspace"))
                .and_then(|w| w.as_bool())
                == Some(true)
        };
        let field = |key: &str| -> Option<toml::Value> {
            if inherited(key) {
                ws_package.get(key).cloned()
            } else {
                package.get(key).cloned()
            }
        };
        let string = |key: &str| field(key).and_then(|v| v.as_str().map(str::to_string));
        let strings = |key: &str| -> Vec<String> {
            field(key)
                .and_then(|v| v.as_array().cloned())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let manifest = relative(root, &manifest_path);
        let rel_dir = files::parent_dir(&manifest).to_string();
        // An inherited path (`readme.workspace = true`) is relative to the
        // workspace root; cargo rebases it onto the member, and so do we.
        let up = "../".repeat(
            Path::new(&rel_dir)
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .count(),
        );
        let path_field = |key: &str| -> Option<toml::Value> {
            match field(key)? {
                toml::Value::String(p) if inherited(key) && !Path::new(&p).is_absolute() => {
                    Some(toml::Value::String(format!("{up}{p}")))
                }
                other => Some(other),
            }
        };
        let readme = match path_field("readme") {
            Some(toml::Value::String(s)) => Some(s),
            Some(toml::Value::Boolean(false)) => None,
            _ => ["README.md", "README.txt", "README"]
                .iter()
                .find(|n| dir.join(n).is_file())
                .map(|n| n.to_string()),
        };
        let publish = match field("publish") {
            Some(toml::Value::Boolean(b)) => b,
            Some(toml::Value::Array(a)) => !a.is_empty(),
            _ => true,
        };
        let has_bin = dir.join("src/main.rs").is_file()
            || dir.join("src/bin").is_dir()
            || table.get("bin").is_some();
        members.push(Member {
            name: string("name").unwrap_or_default(),
            version: string("version").unwrap_or_else(|| "0.0.0".into()),
            manifest,
            dir: rel_dir.clone(),
            license: string("license"),
            license_file: path_field("license-file").and_then(|v| v.as_str().map(str::to_string)),
            readme,
            repository: string("repository"),
            publish,
            has_bin,
            description: string("description"),
            keywords: strings("keywords"),
            categories: strings("categories"),
            rust_version: string("rust-version"),
            documentation: string("documentation"),
            homepage: string("homepage"),
            authors: strings("authors"),
            release_files: release_files(
                serde_json::to_value(
                    table
                        .get("package")
                        .and_then(|p| p.get("metadata"))
                        .and_then(|m| m.get("release")),
                )
                .ok()
                .as_ref(),
                &rel_dir,
            ),
        });
    }
    members.sort_by(|a, b| a.manifest.cmp(&b.manifest));
    Ok(members)
}

/// Expands a workspace member pattern (`crates/*`, `tools/?x`) against the
/// directories under `root`.
fn expand_glob(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut current = vec![root.to_path_buf()];
    for segment in pattern.split('/').filter(|s| !s.is_empty() && *s != ".") {
        let mut next = Vec::new();
        for dir in &current {
            if segment.contains(['*', '?', '[']) {
                let Ok(entries) = std::fs::read_dir(dir) else {
                    continue;
                };
                let mut found: Vec<PathBuf> = entries
                    .flatten()
                    .filter(|e| e.path().is_dir())
                    .filter(|e| wildcard_match(segment, &e.file_name().to_string_lossy()))
                    .map(|e| e.path())
                    .collect();
                found.sort();
                next.extend(found);
            } else {
                next.push(dir.join(segment));
            }
        }
        current = next;
    }
    current
}

/// `*` and `?` wildcard matching on one path segment.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_release_replacement_files_are_joined_to_the_member() {
        let release = serde_json::json!({
            "pre-release-replacements": [
                {"file": "../../CHANGELOG.md", "search": "Unreleased"},
                {"file": "README.md", "search": "x"},
                {"file": "../../../outside.md"},
                {"search": "no file"},
            ]
        });
        assert_eq!(
            release_files(Some(&release), "crates/cli"),
            vec![
                "CHANGELOG.md".to_string(),
                "crates/cli/README.md".to_string()
            ]
        );
        assert!(release_files(None, "crates/cli").is_empty());
    }

    #[test]
    fn inherited_paths_are_rebased_onto_the_member_as_cargo_does() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        let write = |p: &str, t: &str| {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(p, t).unwrap_or_else(|e| panic!("{e}"));
        };
        write(
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/a\"]\n[workspace.package]\nreadme = \"README.md\"\nlicense-file = \"LICENSE\"\n",
        );
        write(
            "crates/a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nreadme.workspace = true\nlicense-file.workspace = true\n",
        );
        let members = members_from_manifests(root).unwrap_or_else(|e| panic!("{e}"));
        // What `cargo metadata` reports for the same manifests.
        assert_eq!(members[0].readme.as_deref(), Some("../../README.md"));
        assert_eq!(members[0].license_file.as_deref(), Some("../../LICENSE"));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("crate-*", "crate-a"));
        assert!(!wildcard_match("crate-*", "other"));
        assert!(wildcard_match("?x", "ax"));
    }

    #[test]
    fn an_offline_version_conflict_is_the_cache_not_the_manifest() {
        // tokio-rs/tracing, no Cargo.lock, --offline: resolves online.
        let stderr = "error: failed to select a version for `cfg-if`.\n    ... required by package `crossbeam-utils v0.7.0`\nversions that meet the requirements `^0.1.2` are: 0.1.5\n\nall possible versions conflict with previously selected packages.\n";
        let loc = Location {
            manifest: PathBuf::from("/r/Cargo.toml"),
            root: PathBuf::from("/r"),
            repository: PathBuf::from("/r"),
        };
        let resolve = ResolveOptions::default();
        let offline = classify(stderr, &loc, &resolve, true, None);
        assert!(
            offline.as_ref().is_ok_and(|u| u.reason.contains("offline")),
            "{offline:?}"
        );
        assert!(classify(stderr, &loc, &resolve, false, None).is_err());
    }

    #[test]
    fn classifies_cargo_errors() {
        assert!(is_users_to_fix(
            "error: failed to parse manifest at `/x/Cargo.toml`\n\nCaused by:\n  TOML parse error at line 3, column 1"
        ));
        assert!(!is_users_to_fix(
            "error: failed to get `foo` as a dependency of package `bar v0.1.0`\n\nCaused by:\n  attempting to make an HTTP request, but --offline was specified"
        ));
        assert_eq!(line_in("TOML parse error at line 3, column 1"), Some(3));
        assert_eq!(
            manifest_in("failed to parse manifest at `/x/Cargo.toml`"),
            Some(PathBuf::from("/x/Cargo.toml"))
        );
        // cargo 1.95's type errors: no "failed to parse manifest", an arrow.
        let typed = "error: invalid type: integer `5`, expected a string\n --> Cargo.toml:2:8\n  |\n2 | name = 5\n";
        assert!(is_users_to_fix(typed));
        assert_eq!(line_in(typed), Some(2));
        assert_eq!(
            manifest_in(typed),
            Some(crate::exec::neutral_dir().join("Cargo.toml"))
        );
        assert!(!is_users_to_fix(
            "error: no matching package named `x` found\nAs a reminder, you're using offline mode (--offline)"
        ));
        assert!(!is_users_to_fix(
            "error: toolchain '1.60.0-x86_64' is not installed"
        ));
    }

    #[test]
    fn lock_file_errors_name_the_lock_file_and_never_quote_it() {
        let stderr = "error: failed to parse lock file at: /x/Cargo.lock

Caused by:
  TOML parse error at line 8, column 3
  |
8 | \u{1b}]0;title\n  |   ^
  key with no value, expected `=`
";
        assert_eq!(lockfile_in(stderr), Some(PathBuf::from("/x/Cargo.lock")));
        assert_eq!(line_in(stderr), Some(8));
        let summary = summarize(stderr);
        assert!(!summary.contains("title"), "{summary}");
        assert!(
            summary.ends_with("key with no value, expected `=`"),
            "{summary}"
        );
        assert_eq!(
            lockfile_in(
                "error: failed to open: /x/Cargo.lock

Caused by:
  Permission denied"
            ),
            Some(PathBuf::from("/x/Cargo.lock"))
        );
        assert_eq!(lockfile_in("error: failed to open: /x/Cargo.toml"), None);
    }
}
