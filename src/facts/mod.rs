//! Fact collection: the only phase that does I/O.
//!
//! [`Facts::collect`] runs `cargo metadata` once, walks the repository once,
//! asks git once, and reads every file a check may look at. Checks then work
//! from this value alone.

pub mod files;
pub mod git;
pub mod platform;
pub mod workflows;
pub mod workspace;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cargo_metadata::Metadata;

use crate::error::Result;
use files::{FileIndex, TextFile};
use git::GitFacts;
use workflows::Workflow;
use workspace::{CargoFlags, Location, Member, MetadataUnavailable, ResolveOptions};

/// Everything the checks know about the repository.
#[derive(Debug)]
pub struct Facts {
    /// The workspace root (absolute).
    pub root: PathBuf,
    /// Workspace members, sorted by manifest path.
    pub members: Vec<Member>,
    /// The resolved graph, or why it is unavailable (checks that need it
    /// report `error` with that reason).
    pub metadata: std::result::Result<Metadata, MetadataUnavailable>,
    /// `Cargo.lock` at the workspace root, when present.
    pub lockfile: Option<LockfileFacts>,
    /// Every file in the repository (minus build output and ignored files).
    pub files: FileIndex,
    /// The text of governance, CI and manifest-referenced files, by path.
    pub texts: BTreeMap<String, TextFile>,
    /// Parsed CI definitions.
    pub workflows: Vec<Workflow>,
    /// Git facts; `None` without git or outside a work tree.
    pub git: Option<GitFacts>,
    /// Things collection did that the user should know.
    pub notes: Vec<String>,
    /// How long each collection phase took.
    pub timings: Vec<(&'static str, Duration)>,
}

/// `Cargo.lock`, parsed.
#[derive(Debug)]
pub struct LockfileFacts {
    /// Path relative to the workspace root.
    pub path: String,
    /// The parsed lockfile or the parser's message.
    pub parsed: std::result::Result<cargo_lock::Lockfile, String>,
}

impl Facts {
    /// Collects every fact for the workspace at `loc`.
    pub fn collect(loc: &Location, flags: CargoFlags) -> Result<Facts> {
        let mut notes = Vec::new();
        let mut timings = Vec::new();
        // git and cargo metadata are independent processes: run them together.
        let (metadata, guessed_git, git_time, metadata_time) = std::thread::scope(|scope| {
            let git_thread = scope.spawn(|| {
                let t = Instant::now();
                (git::collect(&loc.root), t.elapsed())
            });
            let t = Instant::now();
            let metadata = workspace::metadata(loc, flags, &mut notes);
            let metadata_time = t.elapsed();
            let (git, git_time) = git_thread.join().unwrap_or((None, Duration::ZERO));
            (metadata, git, git_time, metadata_time)
        });
        let metadata = metadata?;
        timings.push(("cargo metadata", metadata_time));
        timings.push(("git (concurrent)", git_time));

        let root = match &metadata {
            Ok(m) => m.workspace_root.clone().into_std_path_buf(),
            Err(unavailable) => {
                notes.push(format!(
                    "cargo metadata failed, so members were read from the manifests and checks that need the dependency graph report `error`: {}",
                    unavailable.reason
                ));
                loc.root.clone()
            }
        };
        let members = match &metadata {
            Ok(m) => workspace::members_from_metadata(m, &root),
            Err(_) => workspace::members_from_manifests(&root)?,
        };
        // cargo may place the root elsewhere than the guess; ask git again then.
        let git = if root == loc.root {
            guessed_git
        } else {
            git::collect(&root)
        };

        let t = Instant::now();
        let empty = BTreeSet::new();
        let files = FileIndex::collect(&root, git.as_ref().map_or(&empty, |g| &g.ignored));
        timings.push(("file walk", t.elapsed()));

        let t = Instant::now();
        let texts = files::read_texts(&root, text_paths(&files, &members));
        let workflows = workflows::collect(&texts);
        let lockfile = files.contains("Cargo.lock").then(|| LockfileFacts {
            path: "Cargo.lock".into(),
            parsed: std::fs::read_to_string(root.join("Cargo.lock"))
                .map_err(|e| e.to_string())
                .and_then(|s| s.parse::<cargo_lock::Lockfile>().map_err(|e| e.to_string())),
        });
        timings.push(("read files", t.elapsed()));

        Ok(Facts {
            root,
            members,
            metadata,
            lockfile,
            files,
            texts,
            workflows,
            git,
            notes,
            timings,
        })
    }

    /// Only what an SBOM needs: `cargo metadata` resolved with `resolve`
    /// (features, target) and `Cargo.lock` (checksums). No file walk, no
    /// git, no workflows: the SBOM command stays close to the cost of
    /// `cargo metadata` itself.
    pub fn collect_graph(
        loc: &Location,
        flags: CargoFlags,
        resolve: &ResolveOptions,
    ) -> Result<Facts> {
        let mut notes = Vec::new();
        let mut timings = Vec::new();
        let read_lock = |root: &std::path::Path| {
            let path = root.join("Cargo.lock");
            path.is_file().then(|| LockfileFacts {
                path: "Cargo.lock".into(),
                parsed: std::fs::read_to_string(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|s| s.parse::<cargo_lock::Lockfile>().map_err(|e| e.to_string())),
            })
        };
        // Under --locked/--frozen cargo never rewrites Cargo.lock, so it can
        // be parsed while cargo resolves; otherwise only after.
        let early = flags.locked || flags.frozen;
        let t = Instant::now();
        let (metadata, early_lock) = std::thread::scope(|scope| {
            let lock = early.then(|| scope.spawn(|| read_lock(&loc.root)));
            let metadata = workspace::metadata_resolved(loc, flags, resolve, &mut notes);
            (metadata, lock.and_then(|l| l.join().ok()))
        });
        let metadata = metadata?;
        timings.push(("cargo metadata", t.elapsed()));
        let root = match &metadata {
            Ok(m) => m.workspace_root.clone().into_std_path_buf(),
            Err(_) => loc.root.clone(),
        };
        let members = match &metadata {
            Ok(m) => workspace::members_from_metadata(m, &root),
            Err(_) => Vec::new(),
        };
        let t = Instant::now();
        let lockfile = match early_lock {
            Some(lock) if root == loc.root => lock,
            _ => read_lock(&root),
        };
        // The root manifest says which feature resolver cargo uses.
        let texts = files::read_texts(&root, BTreeSet::from(["Cargo.toml".to_string()]));
        timings.push(("read Cargo.lock", t.elapsed()));
        Ok(Facts {
            root,
            members,
            metadata,
            lockfile,
            files: FileIndex::from_entries(Vec::new()),
            texts,
            workflows: Vec::new(),
            git: None,
            notes,
            timings,
        })
    }

    /// The text of a file read during collection.
    pub fn text(&self, path: &str) -> Option<&TextFile> {
        self.texts.get(path)
    }

    /// Facts built in memory, for unit tests of checks: the given members and
    /// files (each path indexed, its text readable), no graph, no git.
    pub fn in_memory(members: Vec<Member>, texts: &[(&str, &str)]) -> Facts {
        let files = FileIndex::from_entries(
            texts
                .iter()
                .map(|(p, t)| files::FileEntry {
                    path: p.to_string(),
                    size: t.len() as u64,
                    symlink: false,
                })
                .collect(),
        );
        let texts: BTreeMap<String, TextFile> = texts
            .iter()
            .map(|(p, t)| {
                (
                    p.to_string(),
                    TextFile {
                        path: p.to_string(),
                        content: Ok(t.to_string()),
                    },
                )
            })
            .collect();
        let workflows = workflows::collect(&texts);
        Facts {
            root: PathBuf::from("/in-memory"),
            members,
            metadata: Err(MetadataUnavailable {
                reason: "in-memory facts".into(),
            }),
            lockfile: None,
            files,
            texts,
            workflows,
            git: None,
            notes: Vec::new(),
            timings: Vec::new(),
        }
    }
}

/// Names of files checks read, wherever they sit (compared upper-cased,
/// before the first `.`).
const GOVERNANCE_STEMS: &[&str] = &[
    "README",
    "SECURITY",
    "CHANGELOG",
    "CHANGES",
    "HISTORY",
    "RELEASES",
    "RELEASE-NOTES",
    "NEWS",
    "CONTRIBUTING",
    "CODE_OF_CONDUCT",
    "CODE-OF-CONDUCT",
    "CODEOWNERS",
    "SUPPORT",
    "NOTICE",
    "AUTHORS",
];

/// License files are matched by prefix: `LICENSE-MIT`, `COPYING.LESSER`, …
const LICENSE_PREFIXES: &[&str] = &["LICENSE", "LICENCE", "COPYING", "UNLICENSE", "COPYRIGHT"];

/// Whether a file name is one a check may read.
pub fn is_governance_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    LICENSE_PREFIXES.iter().any(|p| upper.starts_with(p)) || GOVERNANCE_STEMS.contains(&stem)
}

/// Every file to read: governance files at the root, in `.github/`, `docs/`
/// and each member directory; `LICENSES/`; CI files; and what manifests name.
fn text_paths(files: &FileIndex, members: &[Member]) -> BTreeSet<String> {
    let mut dirs: BTreeSet<String> = [".github", "docs", ".gitlab"].map(String::from).into();
    dirs.insert(String::new());
    dirs.extend(members.iter().map(|m| m.dir.clone()));
    let mut wanted = BTreeSet::new();
    for entry in files.iter() {
        let dir = files::parent_dir(&entry.path);
        let name = files::file_name(&entry.path);
        let in_licenses_dir =
            files::file_name(dir) == "LICENSES" && dirs.contains(files::parent_dir(dir));
        if (dirs.contains(dir) && is_governance_name(name))
            || in_licenses_dir
            || workflows::is_ci_file(&entry.path)
        {
            wanted.insert(entry.path.clone());
        }
    }
    // Release tooling configuration (the `sbom` check reads it too).
    for always in [
        "Cargo.toml",
        ".gitignore",
        "dist-workspace.toml",
        "dist.toml",
        ".goreleaser.yml",
        ".goreleaser.yaml",
    ] {
        if files.contains(always) {
            wanted.insert(always.to_string());
        }
    }
    for m in members {
        if files.contains(&m.manifest) {
            wanted.insert(m.manifest.clone());
        }
        for declared in [&m.license_file, &m.readme].into_iter().flatten() {
            let path = files::join(&m.dir, declared);
            if files.contains(&path) {
                wanted.insert(path);
            }
        }
    }
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn governance_names() {
        for n in [
            "LICENSE",
            "LICENSE-MIT",
            "license.txt",
            "COPYING.LESSER",
            "README.md",
            "SECURITY.md",
            "CHANGELOG.md",
            "CODEOWNERS",
        ] {
            assert!(is_governance_name(n), "{n}");
        }
        for n in ["main.rs", "Cargo.toml", "READ.md", "ci.yml"] {
            assert!(!is_governance_name(n), "{n}");
        }
    }
}
