//! The workspace's Rust sources: which files each member compiles, read
//! and scanned in parallel (see [`crate::scan`]).
//!
//! Which files: every target of every member (`cargo metadata`'s
//! `src_path`, so non-standard layouts work; without metadata, cargo's
//! auto-discovery under `src/`, `tests/`, `benches/`, `examples/` plus the
//! manifest's `[lib]`/`[[bin]]`/… paths), then the module tree from each
//! target's root: `mod x;` declarations (with `#[path]`) resolved the way
//! rustc resolves them. A file nothing declares is not compiled and is not
//! scanned; neither are fixture crates under `tests/`.
//!
//! Files over `[scan] max-file-size`, not UTF-8 or unreadable are skipped
//! with a note naming the file (and the line of the first invalid byte).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use cargo_metadata::Metadata;
use serde::Serialize;

use super::files::{self, FileIndex, TextFile, TextProblem};
use super::workspace::Member;
use crate::scan::{self, FileScan};

/// What kind of target a file is compiled into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// The library (`rlib`, `cdylib`, …).
    Lib,
    /// A procedural-macro library.
    ProcMacro,
    /// A binary.
    Bin,
    /// The build script.
    Build,
    /// An integration test (`tests/`).
    Test,
    /// A benchmark (`benches/`).
    Bench,
    /// An example (`examples/`).
    Example,
}

impl TargetKind {
    /// Whether code of this target ships (libraries, binaries, build
    /// scripts) rather than only being run by developers.
    pub fn ships(self) -> bool {
        matches!(
            self,
            TargetKind::Lib | TargetKind::ProcMacro | TargetKind::Bin | TargetKind::Build
        )
    }

    /// Lower is visited first: a file shared by a library and a test is
    /// library code.
    fn priority(self) -> u8 {
        match self {
            TargetKind::Lib | TargetKind::ProcMacro => 0,
            TargetKind::Bin => 1,
            TargetKind::Build => 2,
            TargetKind::Test => 3,
            TargetKind::Bench => 4,
            TargetKind::Example => 5,
        }
    }

    /// The cargo name.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Lib => "lib",
            TargetKind::ProcMacro => "proc-macro",
            TargetKind::Bin => "bin",
            TargetKind::Build => "build-script",
            TargetKind::Test => "test",
            TargetKind::Bench => "bench",
            TargetKind::Example => "example",
        }
    }
}

/// One target of a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The target name.
    pub name: String,
    /// Its kind.
    pub kind: TargetKind,
    /// Its root file, relative to the workspace root.
    pub root: String,
    /// Whether `cargo test` runs its doctests (libraries only).
    pub doctest: bool,
}

/// A member's targets and what the checks need to know about its crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberSources {
    /// Package name.
    pub name: String,
    /// The library's crate name (`-` → `_`), if it has a library.
    pub lib_name: Option<String>,
    /// Rust edition (`2015` when the manifest says nothing).
    pub edition: String,
    /// Its targets, sorted by kind then root.
    pub targets: Vec<Target>,
}

impl MemberSources {
    /// Whether it has a target of `kind`.
    pub fn has(&self, kind: TargetKind) -> bool {
        self.targets.iter().any(|t| t.kind == kind)
    }
}

/// One scanned source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceFile {
    /// Path relative to the workspace root.
    pub path: String,
    /// Index of its member in [`SourceFacts::members`] (and `Facts::members`).
    pub member: usize,
    /// The kind of target it is compiled into.
    pub role: TargetKind,
    /// The whole file is test-only: an integration test, bench or example,
    /// a module declared `#[cfg(test)] mod x;`, or `#![cfg(test)]`.
    pub test: bool,
    /// It is a target's root (where crate-level attributes live).
    pub crate_root: bool,
    /// What the scanner found.
    pub scan: FileScan,
}

impl SourceFile {
    /// Whether an occurrence flagged `test_region` by the scanner is in
    /// test-only code.
    pub fn is_test(&self, test_region: bool) -> bool {
        self.test || test_region
    }
}

/// A source file that could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Path relative to the workspace root.
    pub path: String,
    /// Index of its member.
    pub member: usize,
    /// Why, as a sentence fragment after the path.
    pub reason: String,
    /// Whether it is compiled into shipped code (a library, binary or build
    /// script, outside test-only modules).
    pub ships: bool,
    /// For a shipped file skipped only for its size: what a bounded,
    /// streaming read of the whole file found ([`stream_words`]); `None`
    /// when it could not be read at all.
    pub streamed: Option<Streamed>,
}

/// What the streaming read of a file too large to scan found: the first
/// line of each word the source checks look for, and of the first
/// out-of-line `mod NAME;` (whose file could then not be followed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Streamed {
    /// Word → first line it appears on (in code, comments or strings
    /// alike: the file was not lexed).
    pub words: BTreeMap<String, usize>,
    /// Line of the first `mod NAME;`.
    pub declares_module: Option<usize>,
}

/// Files larger than this are not even streamed.
const MAX_STREAMED_BYTES: u64 = 1024 * 1024 * 1024;

/// Reads `path` in fixed-size chunks (bounded memory, whatever its size)
/// and notes, for each word [`crate::scan::rules::is_watched`], the first line where
/// it appears as a whole word, and the first `mod NAME;`.
pub fn stream_words(path: &Path) -> std::io::Result<Streamed> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() || meta.len() > MAX_STREAMED_BYTES {
        return Err(std::io::Error::other("not streamed"));
    }
    let mut file = std::fs::File::open(path)?;
    let mut out = Streamed::default();
    let mut word: Vec<u8> = Vec::with_capacity(64);
    let mut line = 1usize;
    // `mod` seen, then its name, awaiting `;` (whitespace between).
    let mut mod_state = 0u8;
    let mut buf = vec![0u8; 1024 * 1024];
    let end_word = |word: &mut Vec<u8>, line: usize, out: &mut Streamed, mod_state: &mut u8| {
        if word.is_empty() {
            return;
        }
        if let Ok(w) = std::str::from_utf8(word) {
            if crate::scan::rules::is_watched(w) && !out.words.contains_key(w) {
                out.words.insert(w.to_string(), line);
            }
            *mod_state = match (*mod_state, w) {
                (_, "mod") => 1,
                (1, _) => 2,
                _ => 0,
            };
        } else {
            *mod_state = 0;
        }
        word.clear();
    };
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
                // Longer words than any watched one are not kept whole.
                if word.len() < 64 {
                    word.push(b);
                } else {
                    // No watched word starts with `#`: this one matches none.
                    word[0] = b'#';
                }
                continue;
            }
            end_word(&mut word, line, &mut out, &mut mod_state);
            match b {
                b'\n' => line += 1,
                b';' if mod_state == 2 => {
                    out.declares_module.get_or_insert(line);
                    mod_state = 0;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => mod_state = 0,
            }
        }
    }
    end_word(&mut word, line, &mut out, &mut mod_state);
    Ok(out)
}

/// The Rust sources of the workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceFacts {
    /// Per member, in the order of `Facts::members`.
    pub members: Vec<MemberSources>,
    /// Scanned files, sorted by path.
    pub files: Vec<SourceFile>,
    /// Files that could not be scanned, sorted by path.
    pub skipped: Vec<Skipped>,
    /// Bytes scanned.
    pub bytes: u64,
    /// Indices into `files` per member, built on first use: checks ask per
    /// member, and a scan of every file per member is quadratic (20 000
    /// members × 60 000 files).
    #[serde(skip)]
    by_member: std::sync::OnceLock<Vec<Vec<usize>>>,
}

impl SourceFacts {
    /// Files of member `index`, in path order.
    pub fn member_files(&self, index: usize) -> impl Iterator<Item = &SourceFile> {
        let by_member = self.by_member.get_or_init(|| {
            let count = self.files.iter().map(|f| f.member + 1).max().unwrap_or(0);
            let mut by_member = vec![Vec::new(); count];
            for (i, f) in self.files.iter().enumerate() {
                by_member[f.member].push(i);
            }
            by_member
        });
        by_member
            .get(index)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.files[i])
    }

    /// Notes for the user: each skipped file and why.
    pub fn notes(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|s| {
                format!(
                    "{} {}; the source checks did not look inside it",
                    s.path, s.reason
                )
            })
            .collect()
    }
}

/// Reads a file for the scanner: its text, or why not.
pub type Reader<'r> = dyn Fn(&str) -> Result<String, TextProblem> + Sync + 'r;

/// Collects the sources of `members` under `root`, reading at most
/// `max_file_size` bytes per file.
pub fn collect(
    root: &Path,
    members: &[Member],
    metadata: Option<(&Metadata, &super::meta_index::MetaIndex)>,
    index: &FileIndex,
    texts: &BTreeMap<String, TextFile>,
    max_file_size: u64,
) -> SourceFacts {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let read = |path: &str| {
        // Symlinks are resolved and kept inside the repository by the
        // general reader; plain files take the short way (one open, one
        // fstat, one read).
        if index.get(path).is_none_or(|e| e.symlink) {
            return files::read_text_limited(&canonical_root, &root.join(path), max_file_size);
        }
        read_plain(&root.join(path), max_file_size)
    };
    let member_sources = members
        .iter()
        .map(|m| match metadata {
            Some((meta, by)) => {
                from_metadata(meta, by, root, m).unwrap_or_else(|| from_manifest(m, index, texts))
            }
            None => from_manifest(m, index, texts),
        })
        .collect();
    let mut facts = scan_members(member_sources, index, &read);
    // A shipped file too large to scan is still read through, in bounded
    // memory, for the words the checks look for: they may pass on it only
    // with that evidence.
    for s in &mut facts.skipped {
        if s.ships && s.streamed.is_some() {
            s.streamed = stream_words(&root.join(&s.path)).ok();
        } else {
            s.streamed = None;
        }
    }
    facts
}

/// Reads a regular file of at most `limit` bytes as UTF-8 text (lstat,
/// open, read: the general reader's symlink resolution is not needed).
fn read_plain(path: &Path, limit: u64) -> Result<String, TextProblem> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| TextProblem::Unreadable {
        reason: e.to_string(),
    };
    // A FIFO or device named `x.rs` would block the read forever: only
    // regular files are opened.
    let meta = std::fs::symlink_metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(TextProblem::Unreadable {
            reason: "not a regular file".into(),
        });
    }
    let size = meta.len();
    let file = std::fs::File::open(path).map_err(unreadable)?;
    if size > limit {
        return Err(TextProblem::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        // It grew while being read.
        return Err(TextProblem::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    files::decode(bytes)
}

/// Sources of in-memory facts (for tests): targets discovered from the
/// file names, texts from the map.
pub fn from_texts(
    members: &[Member],
    index: &FileIndex,
    texts: &BTreeMap<String, TextFile>,
) -> SourceFacts {
    let read = |path: &str| match texts.get(path).map(|t| &t.content) {
        Some(Ok(text)) => Ok(text.clone()),
        Some(Err(problem)) => Err(problem.clone()),
        None => Err(TextProblem::Unreadable {
            reason: "not in the in-memory facts".into(),
        }),
    };
    let member_sources = members
        .iter()
        .map(|m| from_manifest(m, index, texts))
        .collect();
    scan_members(member_sources, index, &read)
}

/// A member's targets as `cargo metadata` reports them.
fn from_metadata(
    meta: &Metadata,
    by: &super::meta_index::MetaIndex,
    root: &Path,
    member: &Member,
) -> Option<MemberSources> {
    let package = by.member(meta, &member.manifest)?;
    use cargo_metadata::TargetKind as K;
    let mut targets = Vec::new();
    let mut lib_name = None;
    for t in &package.targets {
        let kind = if t.kind.contains(&K::ProcMacro) {
            TargetKind::ProcMacro
        } else if t
            .kind
            .iter()
            .any(|k| matches!(k, K::Lib | K::RLib | K::DyLib | K::CDyLib | K::StaticLib))
        {
            TargetKind::Lib
        } else if t.kind.contains(&K::Bin) {
            TargetKind::Bin
        } else if t.kind.contains(&K::Test) {
            TargetKind::Test
        } else if t.kind.contains(&K::Bench) {
            TargetKind::Bench
        } else if t.kind.contains(&K::Example) {
            TargetKind::Example
        } else if t.kind.contains(&K::CustomBuild) {
            TargetKind::Build
        } else {
            continue;
        };
        if matches!(kind, TargetKind::Lib | TargetKind::ProcMacro) {
            lib_name = Some(t.name.replace('-', "_"));
        }
        targets.push(Target {
            name: t.name.clone(),
            kind,
            root: files::relative(root, t.src_path.as_std_path()),
            doctest: t.doctest && matches!(kind, TargetKind::Lib | TargetKind::ProcMacro),
        });
    }
    targets.sort_by(|a, b| (a.kind, &a.root).cmp(&(b.kind, &b.root)));
    Some(MemberSources {
        name: package.name.to_string(),
        lib_name,
        edition: package.edition.as_str().to_string(),
        targets,
    })
}

/// A member's targets from its manifest and cargo's auto-discovery rules,
/// when `cargo metadata` is unavailable.
fn from_manifest(
    member: &Member,
    index: &FileIndex,
    texts: &BTreeMap<String, TextFile>,
) -> MemberSources {
    let table: toml::Table = texts
        .get(&member.manifest)
        .and_then(|t| t.text())
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    let root_table: toml::Table = texts
        .get("Cargo.toml")
        .and_then(|t| t.text())
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    let dir = member.dir.as_str();
    let at = |p: &str| files::join(dir, p);
    let mut targets: Vec<Target> = Vec::new();
    let mut push = |name: String, kind: TargetKind, root: String, doctest: bool| {
        if index.contains(&root) && !targets.iter().any(|t| t.root == root) {
            targets.push(Target {
                name,
                kind,
                root,
                doctest,
            });
        }
    };
    let package = table.get("package").and_then(|p| p.as_table());
    let crate_name = member.name.replace('-', "_");

    // The library.
    let lib = table.get("lib").and_then(|l| l.as_table());
    let lib_path = lib
        .and_then(|l| l.get("path"))
        .and_then(|p| p.as_str())
        .map(at)
        .unwrap_or_else(|| at("src/lib.rs"));
    let proc_macro = lib
        .and_then(|l| l.get("proc-macro"))
        .and_then(|p| p.as_bool())
        == Some(true);
    let lib_name = lib
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str())
        .map(|n| n.replace('-', "_"))
        .unwrap_or_else(|| crate_name.clone());
    let doctest = lib.and_then(|l| l.get("doctest")).and_then(|d| d.as_bool()) != Some(false);
    let has_lib = index.contains(&lib_path);
    push(
        lib_name.clone(),
        if proc_macro {
            TargetKind::ProcMacro
        } else {
            TargetKind::Lib
        },
        lib_path,
        doctest,
    );

    // Declared targets, then auto-discovered ones.
    for (key, kind) in [
        ("bin", TargetKind::Bin),
        ("test", TargetKind::Test),
        ("bench", TargetKind::Bench),
        ("example", TargetKind::Example),
    ] {
        for t in table
            .get(key)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let name = t.get("name").and_then(|n| n.as_str()).unwrap_or("");
            let path = t.get("path").and_then(|p| p.as_str()).map(at);
            let default_dir = match kind {
                TargetKind::Bin => "src/bin",
                TargetKind::Test => "tests",
                TargetKind::Bench => "benches",
                _ => "examples",
            };
            let path = path.unwrap_or_else(|| at(&format!("{default_dir}/{name}.rs")));
            push(name.to_string(), kind, path, false);
        }
    }
    push(
        member.name.clone(),
        TargetKind::Bin,
        at("src/main.rs"),
        false,
    );
    for (sub, kind) in [
        ("src/bin", TargetKind::Bin),
        ("tests", TargetKind::Test),
        ("benches", TargetKind::Bench),
        ("examples", TargetKind::Example),
    ] {
        let sub_dir = at(sub);
        let prefix = format!("{sub_dir}/");
        let found: Vec<String> = index
            .iter()
            .filter_map(|e| {
                let rest = e.path.strip_prefix(&prefix)?;
                match rest.split('/').collect::<Vec<_>>().as_slice() {
                    [file] if file.ends_with(".rs") => Some(e.path.clone()),
                    [_, "main.rs"] => Some(e.path.clone()),
                    _ => None,
                }
            })
            .collect();
        for path in found {
            let name = path
                .strip_prefix(&prefix)
                .unwrap_or(&path)
                .trim_end_matches("/main.rs")
                .trim_end_matches(".rs")
                .to_string();
            push(name, kind, path, false);
        }
    }
    let build = package.and_then(|p| p.get("build"));
    match build {
        Some(toml::Value::String(p)) => {
            push("build-script-build".into(), TargetKind::Build, at(p), false)
        }
        Some(toml::Value::Boolean(false)) => {}
        _ => push(
            "build-script-build".into(),
            TargetKind::Build,
            at("build.rs"),
            false,
        ),
    }
    targets.sort_by(|a, b| (a.kind, &a.root).cmp(&(b.kind, &b.root)));

    let edition = match package.and_then(|p| p.get("edition")) {
        Some(toml::Value::String(e)) => e.clone(),
        Some(v) if v.get("workspace").and_then(|w| w.as_bool()) == Some(true) => root_table
            .get("workspace")
            .and_then(|w| w.get("package"))
            .and_then(|p| p.get("edition"))
            .and_then(|e| e.as_str())
            .unwrap_or("2015")
            .to_string(),
        _ => "2015".to_string(),
    };
    MemberSources {
        name: member.name.clone(),
        lib_name: has_lib.then_some(lib_name),
        edition,
        targets,
    }
}

/// What the module-tree walk knows about a file.
#[derive(Debug, Clone, Copy)]
struct Visit {
    member: usize,
    role: TargetKind,
    test: bool,
}

/// Scans every target's module tree, in waves: each wave's files are read
/// and scanned in parallel; their `mod` declarations give the next wave.
fn scan_members(members: Vec<MemberSources>, index: &FileIndex, read: &Reader<'_>) -> SourceFacts {
    let roots: Vec<(usize, &Target)> = members
        .iter()
        .enumerate()
        .flat_map(|(i, m)| m.targets.iter().map(move |t| (i, t)))
        .collect();
    let root_paths: std::collections::HashSet<&str> =
        roots.iter().map(|(_, t)| t.root.as_str()).collect();

    // Reachability: scan the root files, then what they declare.
    let mut first: Vec<String> = Vec::new();
    let mut seen_roots = std::collections::HashSet::new();
    for (_, t) in &roots {
        if seen_roots.insert(t.root.as_str()) {
            first.push(t.root.clone());
        }
    }
    let (scanned, bytes) = scan_trees(first, read, &|path: &str, scan: &FileScan| {
        let is_root = root_paths.contains(path);
        scan.mods
            .iter()
            .filter_map(|decl| resolve_mod(path, is_root, decl, index))
            .chain(auto_mods(path, scan, index))
            .collect()
    });

    // Roles: walk each tree again, shipping targets first, so a file
    // shared by a library and a test counts as library code.
    let mut visits: HashMap<String, Visit> = HashMap::new();
    let mut ordered = roots.clone();
    ordered.sort_by_key(|(m, t)| (t.kind.priority(), *m, t.root.clone()));
    for (m, t) in &ordered {
        let start = Visit {
            member: *m,
            role: t.kind,
            test: !t.kind.ships(),
        };
        let mut stack = vec![(t.root.as_str(), start)];
        while let Some((path, visit)) = stack.pop() {
            let improves = match visits.get(path) {
                None => true,
                Some(old) => old.test && !visit.test,
            };
            if !improves {
                continue;
            }
            visits.insert(path.to_string(), visit);
            let Some(Ok(scan)) = scanned.get(path) else {
                continue;
            };
            let is_root = root_paths.contains(path);
            for decl in &scan.mods {
                if let Some(child) = resolve_mod(path, is_root, decl, index)
                    && let Some((key, _)) = scanned.get_key_value(child.as_str())
                {
                    stack.push((
                        key.as_str(),
                        Visit {
                            test: visit.test || decl.test || scan.all_test,
                            ..visit
                        },
                    ));
                }
            }
            for child in auto_mods(path, scan, index) {
                if let Some((key, _)) = scanned.get_key_value(child.as_str()) {
                    stack.push((
                        key.as_str(),
                        Visit {
                            test: visit.test || scan.all_test,
                            ..visit
                        },
                    ));
                }
            }
        }
    }

    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for (path, result) in scanned {
        let Some(visit) = visits.get(path.as_str()) else {
            continue;
        };
        let crate_root = root_paths.contains(path.as_str());
        match result {
            Ok(scan) => files.push(SourceFile {
                member: visit.member,
                role: visit.role,
                test: visit.test || scan.all_test,
                crate_root,
                scan,
                path,
            }),
            Err(problem) => skipped.push(Skipped {
                ships: visit.role.ships() && !visit.test,
                // Filled in by `collect`, which knows where the file is.
                streamed: matches!(problem, TextProblem::TooLarge { .. }).then(Streamed::default),
                path,
                member: visit.member,
                reason: problem.to_string(),
            }),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    SourceFacts {
        members,
        files,
        skipped,
        bytes,
        by_member: Default::default(),
    }
}

/// A file's scan, or why it could not be read.
type Scanned = Result<FileScan, TextProblem>;

/// The work shared by the scanning threads.
#[derive(Default)]
struct Queue {
    todo: Vec<String>,
    seen: std::collections::HashSet<String>,
    in_flight: usize,
    done: HashMap<String, Scanned>,
    bytes: u64,
}

/// Reads and scans `first` and every file their module declarations reach
/// (`children` names them), on all cores. Threads take files from one
/// queue and add what each file declares, so no thread waits for a
/// directory level to finish.
fn scan_trees(
    first: Vec<String>,
    read: &Reader<'_>,
    children: &(dyn Fn(&str, &FileScan) -> Vec<String> + Sync),
) -> (HashMap<String, Scanned>, u64) {
    use std::sync::{Condvar, Mutex, PoisonError};
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let queue = Mutex::new(Queue {
        seen: first.iter().cloned().collect(),
        todo: first,
        ..Queue::default()
    });
    let wake = Condvar::new();
    let work = || loop {
        let path = {
            let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(path) = q.todo.pop() {
                    q.in_flight += 1;
                    break Some(path);
                }
                if q.in_flight == 0 {
                    break None;
                }
                q = wake.wait(q).unwrap_or_else(PoisonError::into_inner);
            }
        };
        let Some(path) = path else {
            wake.notify_all();
            return;
        };
        // A scanner bug must not leave the other threads waiting for this
        // file forever: it becomes a skipped file instead.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read(&path).map(|text| (scan::scan(&text), text.len()))
        }))
        .unwrap_or_else(|_| {
            Err(TextProblem::Unreadable {
                reason: "the scanner failed on it (a bug in cargo-readiness)".into(),
            })
        });
        let found = match &result {
            Ok((scan, _)) => children(&path, scan),
            Err(_) => Vec::new(),
        };
        let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
        for child in found {
            if q.seen.insert(child.clone()) {
                q.todo.push(child);
            }
        }
        q.in_flight -= 1;
        let scanned = result.map(|(scan, len)| {
            q.bytes += len as u64;
            scan
        });
        q.done.insert(path, scanned);
        drop(q);
        wake.notify_all();
    };
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(work);
            }
        });
    }
    let q = queue.into_inner().unwrap_or_else(PoisonError::into_inner);
    (q.done, q.bytes)
}

/// The modules `automod::dir!("DIR")` makes in `path`: the `.rs` files of
/// DIR, which is relative to the package — found as the first ancestor of
/// the file's directory under which DIR exists.
fn auto_mods(path: &str, scan: &FileScan, index: &FileIndex) -> Vec<String> {
    let mut out = Vec::new();
    for dir in &scan.auto_mod_dirs {
        let dir = dir.trim_matches('/');
        if dir.is_empty() || dir.split('/').any(|p| p == "..") {
            continue;
        }
        let mut ancestor = files::parent_dir(path);
        loop {
            let candidate = files::join(ancestor, dir);
            let found: Vec<String> = index
                .in_dir(&candidate)
                .map(|e| e.path.clone())
                .filter(|p| p.ends_with(".rs") && p != path)
                .collect();
            if !found.is_empty() {
                out.extend(found);
                break;
            }
            if ancestor.is_empty() {
                break;
            }
            ancestor = files::parent_dir(ancestor);
        }
    }
    out
}

/// The file a `mod` declaration in `parent` refers to, if it is indexed.
///
/// rustc's rules: in a crate root or a `mod.rs` file, `mod x;` is `x.rs`
/// or `x/mod.rs` beside it; in any other file `a.rs`, it is under `a/`.
/// Inline modules add directories; `#[path]` is relative to the file's
/// directory (plus the inline modules' directories, when inside them).
pub fn resolve_mod(
    parent: &str,
    parent_is_root: bool,
    decl: &scan::ModDecl,
    index: &FileIndex,
) -> Option<String> {
    let dir = files::parent_dir(parent);
    let name = files::file_name(parent);
    let mod_rs = parent_is_root || name == "mod.rs";
    let mut base = if mod_rs {
        dir.to_string()
    } else {
        files::join(dir, name.trim_end_matches(".rs"))
    };
    for inline in &decl.inline_path {
        base = files::join(&base, inline);
    }
    let candidates = match &decl.path_attr {
        Some(p) if decl.inline_path.is_empty() => vec![files::join(dir, p)],
        Some(p) => vec![files::join(&base, p)],
        None => vec![
            files::join(&base, &format!("{}.rs", decl.name)),
            files::join(&base, &format!("{}/mod.rs", decl.name)),
        ],
    };
    candidates.into_iter().find(|c| index.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::files::FileEntry;

    fn facts(members: &[Member], texts: &[(&str, &str)]) -> SourceFacts {
        let index = FileIndex::from_entries(
            texts
                .iter()
                .map(|(p, t)| FileEntry {
                    path: p.to_string(),
                    size: t.len() as u64,
                    symlink: false,
                })
                .collect(),
        );
        let map = texts
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
        from_texts(members, &index, &map)
    }

    fn roles(s: &SourceFacts) -> Vec<(&str, TargetKind, bool)> {
        s.files
            .iter()
            .map(|f| (f.path.as_str(), f.role, f.test))
            .collect()
    }

    #[test]
    fn module_tree_decides_roles_and_test_code() {
        let member = Member::named("app", "0.1.0", "");
        let s = facts(
            &[member],
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"app\"\nedition = \"2021\"\n",
                ),
                (
                    "src/lib.rs",
                    "mod a;\n#[cfg(test)]\nmod tests;\nmod nested { mod inner; }\n",
                ),
                ("src/a.rs", "mod b;\n"),
                ("src/a/b.rs", "fn f() {}\n"),
                ("src/tests.rs", "mod deeper;\n"),
                ("src/tests/deeper.rs", ""),
                ("src/nested/inner.rs", ""),
                ("src/orphan.rs", "fn never_compiled() {}\n"),
                ("src/main.rs", "mod a;\n"),
                ("tests/it.rs", "mod common;\n"),
                ("tests/common/mod.rs", ""),
                ("tests/fixtures/crate/src/lib.rs", "todo!()"),
                ("benches/b.rs", ""),
                ("build.rs", "fn main() {}\n"),
            ],
        );
        assert_eq!(
            roles(&s),
            vec![
                ("benches/b.rs", TargetKind::Bench, true),
                ("build.rs", TargetKind::Build, false),
                ("src/a.rs", TargetKind::Lib, false),
                ("src/a/b.rs", TargetKind::Lib, false),
                ("src/lib.rs", TargetKind::Lib, false),
                ("src/main.rs", TargetKind::Bin, false),
                ("src/nested/inner.rs", TargetKind::Lib, false),
                ("src/tests.rs", TargetKind::Lib, true),
                ("src/tests/deeper.rs", TargetKind::Lib, true),
                ("tests/common/mod.rs", TargetKind::Test, true),
                ("tests/it.rs", TargetKind::Test, true),
            ]
        );
        let m = &s.members[0];
        assert_eq!(m.edition, "2021");
        assert_eq!(m.lib_name.as_deref(), Some("app"));
        assert!(
            s.files
                .iter()
                .find(|f| f.path == "src/lib.rs")
                .unwrap()
                .crate_root
        );
        assert!(
            !s.files
                .iter()
                .find(|f| f.path == "src/a.rs")
                .unwrap()
                .crate_root
        );
    }

    #[test]
    fn non_standard_layout_and_path_attributes() {
        let member = Member::named("odd", "0.1.0", "crates/odd");
        let s = facts(
            &[member],
            &[
                (
                    "crates/odd/Cargo.toml",
                    "[package]\nname = \"odd\"\n[lib]\npath = \"lib.rs\"\n",
                ),
                (
                    "crates/odd/lib.rs",
                    "mod x;\n#[path = \"gen/y_impl.rs\"]\nmod y;\n",
                ),
                ("crates/odd/x.rs", ""),
                ("crates/odd/gen/y_impl.rs", ""),
            ],
        );
        let paths: Vec<&str> = s.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "crates/odd/gen/y_impl.rs",
                "crates/odd/lib.rs",
                "crates/odd/x.rs"
            ]
        );
        assert_eq!(s.members[0].edition, "2015");
    }

    #[test]
    fn streaming_finds_watched_words_and_module_declarations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.rs");
        let mut text = String::from("// generated\n");
        text.push_str(&"x".repeat(3 * 1024 * 1024));
        text.push_str("\nconst A: u8 = 1;\nfn f() { builder.danger_accept_invalid_certs(true); }\nmod  inner ;\nunsafe_code();\n");
        std::fs::write(&path, &text).unwrap();
        let found = stream_words(&path).unwrap();
        assert_eq!(found.words.get("danger_accept_invalid_certs"), Some(&4));
        assert_eq!(found.words.get("unsafe"), None, "whole words only");
        assert_eq!(found.declares_module, Some(5));
        std::fs::write(&path, "mod tests { }\nlet module;\n").unwrap();
        let found = stream_words(&path).unwrap();
        assert_eq!(found.declares_module, None);
        assert!(found.words.is_empty());
    }

    #[test]
    fn unreadable_files_are_skipped_with_a_reason() {
        let member = Member::named("app", "0.1.0", "");
        let index = FileIndex::from_entries(vec![FileEntry {
            path: "src/lib.rs".into(),
            size: 3,
            symlink: false,
        }]);
        let mut map = BTreeMap::new();
        map.insert(
            "src/lib.rs".to_string(),
            TextFile {
                path: "src/lib.rs".into(),
                content: Err(TextProblem::NotUtf8 { line: 7 }),
            },
        );
        let s = from_texts(&[member], &index, &map);
        assert!(s.files.is_empty());
        assert_eq!(s.skipped.len(), 1);
        assert!(s.notes()[0].contains("src/lib.rs is not valid UTF-8 (line 7)"));
    }
}
