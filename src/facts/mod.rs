//! Fact collection: the only phase that does I/O.
//!
//! [`Facts::collect`] runs `cargo metadata` once, walks the repository once,
//! asks git once, and reads every file a check may look at. Checks then work
//! from this value alone.

pub mod cargo_alias;
pub mod cargo_config;
pub mod ci;
pub mod files;
pub mod gha;
pub mod git;
pub mod inline_ignores;
pub mod lockfile;
pub mod magic;
pub mod manifest_deps;
pub mod meta_index;
pub mod org_policy;
pub mod platform;
pub mod recipes;
pub mod shell;
pub mod sources;
pub mod toolchain;
pub mod workflows;
pub mod workspace;
pub mod xtask;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cargo_metadata::Metadata;

use crate::advisories::collect::{self, AdvisoryFacts, AdvisoryOptions};
use crate::advisories::graph::{self, DepGraph, Kinds};
use crate::config::Config;
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
    /// Look-ups over `metadata` (empty when it is unavailable).
    pub meta_index: meta_index::MetaIndex,
    /// `Cargo.lock` at the workspace root, when present.
    pub lockfile: Option<LockfileFacts>,
    /// Every file in the repository (minus build output and ignored files).
    pub files: FileIndex,
    /// The text of governance, CI and manifest-referenced files, by path.
    pub texts: BTreeMap<String, TextFile>,
    /// Parsed CI definitions.
    pub workflows: Vec<Workflow>,
    /// What CI runs: jobs, steps, commands, toolchains, runners.
    pub ci: ci::CiFacts,
    /// Git facts; `None` without git or outside a work tree.
    pub git: Option<GitFacts>,
    /// The advisory database and audit inputs (`None` when not requested).
    pub advisories: Option<AdvisoryFacts>,
    /// The dependency graph with edge kinds: from `cargo metadata`, or from
    /// `Cargo.lock` and the manifests when cargo could not resolve.
    pub graph: DepGraph,
    /// The configuration in force (policies checks evaluate against).
    pub config: Config,
    /// The members' Rust sources, scanned.
    pub sources: sources::SourceFacts,
    /// The time of the run (Unix seconds): `SOURCE_DATE_EPOCH` when set,
    /// so reports are reproducible, else the clock.
    pub now: i64,
    /// The organisation-wide `SECURITY.md` GitHub would show, looked up
    /// when the checkout has none (see [`org_policy`]).
    pub org_policy: org_policy::OrgPolicy,
    /// The organisation-wide `CODE_OF_CONDUCT.md`, likewise.
    pub org_code_of_conduct: org_policy::OrgPolicy,
    /// The organisation-wide `CONTRIBUTING.md`, likewise.
    pub org_contributing: org_policy::OrgPolicy,
    /// Things collection did that the user should know.
    pub notes: Vec<String>,
    /// How long each collection phase took.
    pub timings: Vec<(&'static str, Duration)>,
    /// The members' and the root's manifests, parsed on first use (see
    /// [`Facts::manifest`]).
    manifests: std::sync::OnceLock<HashMap<String, toml::Table>>,
    /// Every dependency declaration with its line, parsed once (see
    /// [`Facts::manifest_deps`]).
    manifest_deps: std::sync::OnceLock<Vec<manifest_deps::ManifestDep>>,
}

/// `Cargo.lock`, parsed.
#[derive(Debug)]
pub struct LockfileFacts {
    /// Path relative to the workspace root.
    pub path: String,
    /// The parsed lockfile or the parser's message.
    pub parsed: std::result::Result<cargo_lock::Lockfile, String>,
    /// The text (for locating packages by line).
    pub text: String,
    /// Whether cargo generated it for this run (there is no committed one).
    pub generated: bool,
    /// What cargo wrote over it when asked to resolve (the committed bytes
    /// were put back): `Some` when the committed file is stale or in an old
    /// format, so `cargo build --locked` fails on it.
    pub cargo_rewrite: Option<String>,
    /// Line of each `[[package]]` entry by (name, version), built on first
    /// use: checks ask once per finding, and a text search per question
    /// was quadratic on large lockfiles.
    package_lines: std::sync::OnceLock<std::collections::HashMap<(String, String), usize>>,
}

impl LockfileFacts {
    /// Parses lockfile text (or keeps the read error).
    pub fn new(
        path: &str,
        text: std::result::Result<String, String>,
        generated: bool,
    ) -> LockfileFacts {
        let (parsed, text) = match text {
            Ok(t) => (lockfile::parse(&t), t),
            Err(e) => (Err(e), String::new()),
        };
        LockfileFacts {
            path: path.to_string(),
            parsed,
            text,
            generated,
            cargo_rewrite: None,
            package_lines: std::sync::OnceLock::new(),
        }
    }

    /// 1-based line of the `[[package]]` entry for `name` at `version`
    /// (its `name = …` line).
    pub fn package_line(&self, name: &str, version: &str) -> Option<usize> {
        self.package_lines
            .get_or_init(|| index_package_lines(&self.text))
            .get(&(name.to_string(), version.to_string()))
            .copied()
    }
}

/// `name = "…"` directly followed by `version = "…"` (as cargo writes
/// every `[[package]]`), keyed to the 1-based line of the name.
fn index_package_lines(text: &str) -> std::collections::HashMap<(String, String), usize> {
    let quoted = |line: &str, key: &str| -> Option<String> {
        let rest = line.trim_end_matches('\r').strip_prefix(key)?;
        let value = rest.strip_prefix(" = \"")?.strip_suffix('"')?;
        Some(value.to_string())
    };
    let mut out = std::collections::HashMap::new();
    let mut lines = text.split('\n').enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let Some(name) = quoted(line, "name") else {
            continue;
        };
        if let Some(version) = lines.peek().and_then(|(_, next)| quoted(next, "version")) {
            out.entry((name, version)).or_insert(i + 1);
        }
    }
    out
}

/// The first `[[package]]` entry of a lockfile that repeats an earlier one
/// (same name, version and source) — cargo refuses such a file ("package
/// collision in the lockfile"), so the audit must too: (name, version,
/// 1-based line of the repeat).
pub fn duplicate_lock_entry(text: &str) -> Option<(String, String, usize)> {
    let quoted = |line: &str, key: &str| -> Option<String> {
        let rest = line.trim_end_matches('\r').strip_prefix(key)?;
        let value = rest.strip_prefix(" = \"")?.strip_suffix('"')?;
        Some(value.to_string())
    };
    let mut seen = std::collections::HashSet::new();
    let mut current: Option<(String, String, Option<String>, usize)> = None;
    let mut finish = |entry: Option<(String, String, Option<String>, usize)>| {
        let (name, version, source, line) = entry?;
        (!seen.insert((name.clone(), version.clone(), source))).then_some((name, version, line))
    };
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('[') {
            if let Some(dup) = finish(current.take()) {
                return Some(dup);
            }
            if line == "[[package]]" {
                current = Some((String::new(), String::new(), None, i + 1));
            }
            continue;
        }
        if let Some(entry) = current.as_mut() {
            if let Some(v) = quoted(line, "name") {
                entry.0 = v;
                entry.3 = i + 1;
            } else if let Some(v) = quoted(line, "version") {
                entry.1 = v;
            } else if let Some(v) = quoted(line, "source") {
                entry.2 = Some(v);
            }
        }
    }
    finish(current)
}

/// First-hop dependency kinds of each member, read from its manifest.
fn member_kinds(
    root: &std::path::Path,
    members: &[Member],
) -> BTreeMap<String, BTreeMap<String, Kinds>> {
    let ws_deps: Option<toml::Table> = workspace::read_manifest(&root.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.get("workspace")?.get("dependencies")?.as_table().cloned());
    members
        .iter()
        .filter_map(|m| {
            let table = workspace::read_manifest(&root.join(&m.manifest)).ok()?;
            Some((
                m.name.clone(),
                graph::manifest_kinds(&table, ws_deps.as_ref()),
            ))
        })
        .collect()
}

/// What to collect beyond the repository itself.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// Flags passed to `cargo metadata`.
    pub flags: CargoFlags,
    /// The configuration, handed to the checks through the facts.
    pub config: Config,
    /// Load the advisory database and audit settings (`None`: skip).
    pub advisories: Option<AdvisoryOptions>,
}

/// What collection reads of the repository beside `cargo metadata`.
struct Tree {
    git: Option<GitFacts>,
    files: FileIndex,
    lockfile: Option<LockfileFacts>,
    timings: Vec<(&'static str, Duration)>,
}

impl Tree {
    /// Git facts, the file walk (which leaves out what git ignores) and
    /// `Cargo.lock` as it was before cargo ran (`lock`, its bytes): a
    /// lockfile cargo generates for the run is not the repository's, and
    /// one it rewrites is put back.
    fn read(root: &std::path::Path, lock: Option<&[u8]>) -> Tree {
        let lock_existed = lock.is_some();
        let mut timings = Vec::new();
        let t = Instant::now();
        let git = git::collect(root);
        timings.push(("git (concurrent)", t.elapsed()));
        let t = Instant::now();
        let empty = BTreeSet::new();
        let mut files = FileIndex::collect(root, git.as_ref().map_or(&empty, |g| &g.ignored));
        if !lock_existed {
            files.remove("Cargo.lock");
        }
        timings.push(("file walk (concurrent)", t.elapsed()));
        // Read even when git ignores it (the file index leaves ignored
        // files out): the audit needs it, and the `lockfile` check reports
        // the ignoring.
        let t = Instant::now();
        let lockfile = lock.map(|bytes| {
            let text =
                files::decode(bytes.to_vec()).map_err(|problem| format!("Cargo.lock {problem}"));
            LockfileFacts::new("Cargo.lock", text, false)
        });
        timings.push(("Cargo.lock (concurrent)", t.elapsed()));
        Tree {
            git,
            files,
            lockfile,
            timings,
        }
    }
}

impl Facts {
    /// Collects every fact for the workspace at `loc`.
    pub fn collect(loc: &Location, opts: &CollectOptions) -> Result<Facts> {
        let mut notes = Vec::new();
        let mut timings = Vec::new();
        // cargo metadata is most of a run. What does not need its answer —
        // git, the file walk, Cargo.lock, the advisory database — runs
        // beside it, on the workspace root guessed from the manifest.
        // Cargo.lock is read first: cargo may rewrite it while it runs (and
        // it is then put back).
        let lock_bytes = workspace::read_lockfile_bytes(&loc.root)?;
        let (run, guessed_tree, prepared, times) = std::thread::scope(|scope| {
            let tree_thread = scope.spawn(|| Tree::read(&loc.root, lock_bytes.as_deref()));
            let db_thread = opts.advisories.as_ref().map(|a| {
                scope.spawn(move || {
                    let t = Instant::now();
                    (collect::prepare_db(a), t.elapsed())
                })
            });
            let t = Instant::now();
            let run = workspace::metadata(loc, opts.flags, &mut notes);
            let metadata_time = t.elapsed();
            let tree = tree_thread.join().ok();
            let (prepared, db_time) = match db_thread.map(|h| h.join()) {
                Some(Ok((p, d))) => (Some(p), d),
                _ => (None, Duration::ZERO),
            };
            (run, tree, prepared, (metadata_time, db_time))
        });
        let run = run?;
        timings.push(("cargo metadata", times.0));
        if opts.advisories.is_some() {
            timings.push(("advisory db (concurrent)", times.1));
        }
        let metadata = run.result;

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
        let t = Instant::now();
        let members = match &metadata {
            Ok(m) => workspace::members_from_metadata(m, &root),
            Err(_) => workspace::members_from_manifests(&root)?,
        };
        let meta_index = metadata.as_ref().map_or_else(
            |_| Default::default(),
            |m| meta_index::MetaIndex::new(m, &root),
        );
        timings.push(("members", t.elapsed()));
        // cargo may place the root elsewhere than the guess: read the tree
        // there then.
        let tree = match guessed_tree {
            Some(tree) if root == loc.root => tree,
            _ => Tree::read(&root, workspace::read_lockfile_bytes(&root)?.as_deref()),
        };
        timings.extend(tree.timings);
        let (git, files) = (tree.git, tree.files);
        let mut lockfile = tree.lockfile.or_else(|| {
            // No committed Cargo.lock: the one cargo resolved for this run.
            run.generated_lockfile
                .map(|text| LockfileFacts::new("Cargo.lock", Ok(text), true))
        });
        if let Some(lock) = lockfile.as_mut()
            && !lock.generated
        {
            lock.cargo_rewrite = run.rewritten_lockfile;
        }
        // A directory that cannot be listed (permission denied) is skipped:
        // say so, since nothing inside it was checked.
        notes.extend(
            files
                .problems
                .iter()
                .map(|p| format!("{p}; nothing inside it was checked")),
        );

        let t = Instant::now();
        let texts = files::read_texts(&root, text_paths(&files, &members));
        let workflows = workflows::collect(&texts);
        timings.push(("read files", t.elapsed()));

        let t = Instant::now();
        let sources = sources::collect(
            &root,
            &members,
            metadata.as_ref().ok().map(|m| (m, &meta_index)),
            &files,
            &texts,
            opts.config.scan.max_file_size,
        );
        notes.extend(sources.notes());
        timings.push(("scan sources", t.elapsed()));

        let t = Instant::now();
        let lock = lockfile.as_ref().and_then(|l| l.parsed.as_ref().ok());
        let graph = match (&metadata, lock) {
            (Ok(m), _) => {
                let resolver = texts
                    .get("Cargo.toml")
                    .and_then(|t| t.text())
                    .map_or(2, crate::sbom::resolver_version);
                DepGraph::from_resolved(m, resolver)
            }
            (Err(_), Some(lock)) => DepGraph::from_lockfile(lock, &member_kinds(&root, &members)),
            (Err(_), None) => DepGraph::default(),
        };
        timings.push(("dependency graph", t.elapsed()));
        let advisories = match (&opts.advisories, prepared) {
            (Some(a), Some(prepared)) => {
                let t = Instant::now();
                notes.extend(prepared.notes.iter().cloned());
                let facts = AdvisoryFacts::new(prepared, a, &root, lock);
                timings.push(("yank status", t.elapsed()));
                Some(facts)
            }
            _ => None,
        };

        let t = Instant::now();
        let mut lookups =
            org_policy::Lookups::new(github_owner(&members, git.as_ref()), opts.flags.offline);
        let mut org_file =
            |stems: &[&str], name: &str| lookups.file(has_community_file(&files, stems), name);
        let org_policy = org_file(&["SECURITY"], "SECURITY.md");
        let org_code_of_conduct = org_file(
            &["CODE_OF_CONDUCT", "CODE-OF-CONDUCT"],
            "CODE_OF_CONDUCT.md",
        );
        let org_contributing = org_file(&["CONTRIBUTING"], "CONTRIBUTING.md");
        timings.push(("organisation policy", t.elapsed()));

        let t = Instant::now();
        let read_more = |path: &str| {
            files::read_texts(&root, [path.to_string()])
                .remove(path)
                .and_then(|t| t.content.ok())
        };
        let ci = ci::collect(
            &workflows,
            &mut ci::Sources::new(&texts, &files, &read_more),
        );
        timings.push(("CI files", t.elapsed()));

        Ok(Facts {
            root,
            members,
            metadata,
            meta_index,
            lockfile,
            files,
            texts,
            workflows,
            ci,
            git,
            advisories,
            graph,
            config: opts.config.clone(),
            sources,
            now: now(),
            org_policy,
            org_code_of_conduct,
            org_contributing,
            notes,
            timings,
            manifests: Default::default(),
            manifest_deps: Default::default(),
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
        let parse_lock = |bytes: Option<Vec<u8>>| {
            bytes.map(|bytes| {
                let text = files::decode(bytes).map_err(|problem| format!("Cargo.lock {problem}"));
                LockfileFacts::new("Cargo.lock", text, false)
            })
        };
        // Read before cargo runs (it may rewrite the file, which is then put
        // back), parsed while it resolves.
        let lock_bytes = workspace::read_lockfile_bytes(&loc.root)?;
        let t = Instant::now();
        let (run, early_lock) = std::thread::scope(|scope| {
            let lock = scope.spawn(|| parse_lock(lock_bytes));
            let run = workspace::metadata_resolved(loc, flags, resolve, &mut notes);
            (run, lock.join().ok())
        });
        let run = run?;
        timings.push(("cargo metadata", t.elapsed()));
        let metadata = run.result;
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
            _ => parse_lock(workspace::read_lockfile_bytes(&root)?),
        }
        // No committed Cargo.lock: the one cargo generated for this run
        // still gives the checksums.
        .or_else(|| {
            run.generated_lockfile
                .map(|text| LockfileFacts::new("Cargo.lock", Ok(text), true))
        });
        // The root manifest says which feature resolver cargo uses.
        let texts = files::read_texts(&root, BTreeSet::from(["Cargo.toml".to_string()]));
        timings.push(("read Cargo.lock", t.elapsed()));
        Ok(Facts {
            root,
            members,
            metadata,
            meta_index: Default::default(),
            lockfile,
            files: FileIndex::from_entries(Vec::new()),
            texts,
            workflows: Vec::new(),
            git: None,
            advisories: None,
            graph: DepGraph::default(),
            config: Config::default(),
            ci: ci::CiFacts::default(),
            sources: sources::SourceFacts::default(),
            now: now(),
            org_policy: Default::default(),
            org_code_of_conduct: Default::default(),
            org_contributing: Default::default(),
            notes,
            timings,
            manifests: Default::default(),
            manifest_deps: Default::default(),
        })
    }

    /// The text of a file read during collection.
    pub fn text(&self, path: &str) -> Option<&TextFile> {
        self.texts.get(path)
    }

    /// Every dependency declaration in the members' manifests (and the
    /// root's `[workspace.dependencies]`) with its line, parsed once for the
    /// checks that read them.
    pub fn manifest_deps(&self) -> &[manifest_deps::ManifestDep] {
        self.manifest_deps
            .get_or_init(|| manifest_deps::collect_all(self))
    }

    /// A member's (or the root) manifest as TOML, `None` when it was not
    /// read or does not parse. Parsed once for all checks: several read
    /// every member's manifest, which on a workspace of hundreds of members
    /// was most of their time.
    pub fn manifest(&self, path: &str) -> Option<&toml::Table> {
        self.manifests
            .get_or_init(|| {
                self.members
                    .iter()
                    .map(|m| m.manifest.as_str())
                    .chain(["Cargo.toml"])
                    .filter_map(|p| {
                        let table = self.text(p)?.text()?.parse::<toml::Table>().ok()?;
                        Some((p.to_string(), table))
                    })
                    .collect()
            })
            .get(path)
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
        let sources = sources::from_texts(&members, &files, &texts);
        let ci = ci::collect(&workflows, &mut ci::Sources::new(&texts, &files, &|_| None));
        Facts {
            root: PathBuf::from("/in-memory"),
            members,
            metadata: Err(MetadataUnavailable {
                reason: "in-memory facts".into(),
            }),
            meta_index: Default::default(),
            lockfile: None,
            files,
            texts,
            workflows,
            ci,
            git: None,
            advisories: None,
            graph: DepGraph::default(),
            config: Config::default(),
            sources,
            now: now(),
            org_policy: Default::default(),
            org_code_of_conduct: Default::default(),
            org_contributing: Default::default(),
            notes: Vec::new(),
            timings: Vec::new(),
            manifests: Default::default(),
            manifest_deps: Default::default(),
        }
    }
}

/// `SOURCE_DATE_EPOCH` when set and valid, else the system clock.
fn now() -> i64 {
    crate::util::now().as_second()
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
    "PULL_REQUEST_TEMPLATE",
    "ISSUE_TEMPLATE",
];

/// Directories whose every file is a template a check reads (GitHub issue
/// forms and templates, multiple PR templates, GitLab templates).
pub const TEMPLATE_DIRS: &[&str] = &[
    ".github/ISSUE_TEMPLATE",
    ".github/PULL_REQUEST_TEMPLATE",
    "docs/ISSUE_TEMPLATE",
    "docs/PULL_REQUEST_TEMPLATE",
    "ISSUE_TEMPLATE",
    "PULL_REQUEST_TEMPLATE",
    ".gitlab/issue_templates",
    ".gitlab/merge_request_templates",
];

/// Names of directories that hold a changelog as one file per release
/// (`changelog/0.27.0.md`, `docs/src/changes/v1.2.md`), compared
/// lower-cased.
const CHANGELOG_DIR_NAMES: &[&str] = &[
    "changelog",
    "changelogs",
    "changes",
    "release-notes",
    "release_notes",
    "releasenotes",
    "releases",
    "news",
];

/// Directories of vendored code: someone else's crates kept here.
const VENDOR_DIRS: &[&str] = &["vendor", "vendored", "third_party", "third-party"];

/// Directories of test data and build output, never the repository's own
/// changelog.
const NOT_OWN_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "tests",
    "test",
    "fixtures",
    "testdata",
];

/// Whether a path component is one of `names` (case-insensitive).
fn named(part: &str, names: &[&str]) -> bool {
    names.iter().any(|n| part.eq_ignore_ascii_case(n))
}

/// Whether the checkout has a community file whose stem is one of
/// `stems` (any case and extension) in `.github/`, the root or `docs/`.
fn has_community_file(files: &FileIndex, stems: &[&str]) -> bool {
    [".github", "", "docs"].iter().any(|dir| {
        files.in_dir(dir).any(|e| {
            let file = files::file_name(&e.path).to_ascii_uppercase();
            stems.contains(&file.split('.').next().unwrap_or(""))
        })
    })
}

/// The GitHub owner of the repository: from the root package's
/// `repository`, else the `origin` remote.
fn github_owner(members: &[Member], git: Option<&GitFacts>) -> Option<String> {
    members
        .iter()
        .find(|m| m.dir.is_empty())
        .or_else(|| members.first())
        .and_then(|m| m.repository.as_deref())
        .and_then(org_policy::github_owner)
        .or_else(|| {
            git.and_then(|g| g.origin_url.as_deref())
                .and_then(org_policy::github_owner)
        })
}

/// Whether `dir` (relative, `/`-separated) is a changelog directory of the
/// repository itself: named like one, at most three levels deep, not under
/// vendored code or test data.
pub fn is_changelog_dir(dir: &str) -> bool {
    dir.split('/').count() <= 3
        && named(files::file_name(dir), CHANGELOG_DIR_NAMES)
        && !dir
            .split('/')
            .any(|p| named(p, NOT_OWN_DIRS) || named(p, VENDOR_DIRS))
}

/// Whether `dir` lies in vendored code (`vendor/`, `third_party/`…): a
/// member there is someone else's crate kept in this repository, and its
/// changelog and versions are its upstream's, not this repository's
/// releases.
pub fn is_vendored_dir(dir: &str) -> bool {
    dir.split('/').any(|p| named(p, VENDOR_DIRS))
}

/// At most this many files of one changelog directory are read.
const MAX_CHANGELOG_DIR_FILES: usize = 300;

/// License files are matched by prefix: `LICENSE-MIT`, `COPYING.LESSER`, …
const LICENSE_PREFIXES: &[&str] = &["LICENSE", "LICENCE", "COPYING", "UNLICENSE", "COPYRIGHT"];

/// Whether a file name is one a check may read.
pub fn is_governance_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    LICENSE_PREFIXES.iter().any(|p| upper.starts_with(p)) || GOVERNANCE_STEMS.contains(&stem)
}

/// Every file to read: governance files at the root, in `.github/`, `docs/`,
/// `doc/`, `.gitlab/` and each member directory; `LICENSES/`; changelog
/// directories (see [`is_changelog_dir`]); issue and pull request
/// templates; CI files; and what manifests name.
fn text_paths(files: &FileIndex, members: &[Member]) -> BTreeSet<String> {
    let mut dirs: BTreeSet<String> = [".github", "docs", "doc", ".gitlab"]
        .map(String::from)
        .into();
    dirs.insert(String::new());
    dirs.extend(members.iter().map(|m| m.dir.clone()));
    let mut wanted = BTreeSet::new();
    let mut changelog_files: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in files.iter() {
        let dir = files::parent_dir(&entry.path);
        if is_changelog_dir(dir) {
            let n = changelog_files.entry(dir).or_default();
            *n += 1;
            if *n <= MAX_CHANGELOG_DIR_FILES {
                wanted.insert(entry.path.clone());
            }
        }
        let name = files::file_name(&entry.path);
        let in_licenses_dir =
            files::file_name(dir) == "LICENSES" && dirs.contains(files::parent_dir(dir));
        if (dirs.contains(dir) && is_governance_name(name))
            || in_licenses_dir
            || TEMPLATE_DIRS.iter().any(|t| t.eq_ignore_ascii_case(dir))
            || workflows::is_ci_file(&entry.path)
            || ci::is_action_file(&entry.path)
        {
            wanted.insert(entry.path.clone());
        }
    }
    for always in [
        "Cargo.toml",
        ".gitignore",
        ".github/dependabot.yml",
        ".github/dependabot.yaml",
        "rust-toolchain.toml",
        "rust-toolchain",
        ".cargo/config.toml",
        ".cargo/config",
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
    fn package_lines_are_found_with_either_line_ending() {
        let lock = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"a\"\nversion = \"2.0.0\"\nsource = \"x\"\n";
        let facts = LockfileFacts::new("Cargo.lock", Ok(lock.to_string()), false);
        assert_eq!(facts.package_line("a", "1.0.0"), Some(4));
        assert_eq!(facts.package_line("a", "2.0.0"), Some(8));
        assert_eq!(facts.package_line("a", "3.0.0"), None);
        let crlf = LockfileFacts::new("Cargo.lock", Ok(lock.replace('\n', "\r\n")), false);
        assert_eq!(crlf.package_line("a", "2.0.0"), Some(8));
    }

    #[test]
    fn duplicate_lock_entries_are_found() {
        let one = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n";
        assert_eq!(duplicate_lock_entry(one), None);
        let twice = format!(
            "version = 4\n\n{one}[[package]]\nname = \"b\"\nversion = \"1.0.0\"\n\n{one}[metadata]\n"
        );
        assert_eq!(
            duplicate_lock_entry(&twice),
            Some(("a".into(), "1.0.0".into(), 12))
        );
        let sources = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"x\"\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"y\"\n";
        assert_eq!(duplicate_lock_entry(sources), None);
    }

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
