//! The repository's file index and the text of the files checks read.
//!
//! Checks never open files: everything they may look at is read here, once,
//! with the problems (binary, not UTF-8, too large, outside the repository)
//! recorded instead of raised, so a check can report them precisely.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use walkdir::WalkDir;

use super::magic::{self, BinaryKind};

/// Files larger than this are indexed but not read; checks report them as
/// too large rather than stall on them.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// One indexed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    /// Path relative to the workspace root, `/`-separated.
    pub path: String,
    /// Size in bytes (of the link itself for symlinks).
    pub size: u64,
    /// Whether the entry is a symbolic link.
    pub symlink: bool,
}

/// Every file under the workspace root except build output, VCS data and
/// whatever git ignores.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    entries: Vec<FileEntry>,
    /// Directories or files that could not be listed, with the reason.
    pub problems: Vec<String>,
    /// Files whose first bytes are a compiled binary's, by path (only
    /// candidates by name are read; see [`super::magic`]).
    pub sniffed: BTreeMap<String, BinaryKind>,
    /// Indices into `entries` of the files directly in each directory:
    /// checks ask per member for "the files in this directory", which a
    /// scan of every entry makes quadratic on large workspaces.
    by_dir: HashMap<String, Vec<usize>>,
}

/// Groups entry indices by their directory.
fn index_dirs(entries: &[FileEntry]) -> HashMap<String, Vec<usize>> {
    let mut by_dir: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_dir
            .entry(parent_dir(&e.path).to_string())
            .or_default()
            .push(i);
    }
    by_dir
}

impl FileIndex {
    /// Walks `root`, skipping `.git/`, `target/` directories, and paths in
    /// `ignored` (relative paths from git; directories end with `/`).
    pub fn collect(root: &Path, ignored: &BTreeSet<String>) -> FileIndex {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        let mut sniffed = BTreeMap::new();
        let walker = WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                if e.file_type().is_dir() && (name == ".git" || name == "target") {
                    return false;
                }
                let rel = relative(root, e.path());
                if e.file_type().is_dir() {
                    !ignored.contains(&format!("{rel}/"))
                } else {
                    !ignored.contains(&rel)
                }
            });
        for entry in walker {
            match entry {
                Ok(e) if !e.file_type().is_dir() => {
                    let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                    let path = relative(root, e.path());
                    let symlink = e.path_is_symlink();
                    if !symlink
                        && e.file_type().is_file()
                        && size >= 4
                        && magic::is_candidate(file_name(&path))
                        && let Some(kind) = sniff_file(e.path())
                    {
                        sniffed.insert(path.clone(), kind);
                    }
                    entries.push(FileEntry {
                        path,
                        size,
                        symlink,
                    });
                }
                Ok(_) => {}
                Err(err) => {
                    let at = err
                        .path()
                        .map(|p| relative(root, p))
                        .unwrap_or_else(|| "?".into());
                    problems.push(format!("cannot list {at}: {}", io_reason(&err)));
                }
            }
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        FileIndex {
            by_dir: index_dirs(&entries),
            entries,
            problems,
            sniffed,
        }
    }

    /// An index of the given entries (for tests).
    pub fn from_entries(mut entries: Vec<FileEntry>) -> FileIndex {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        FileIndex {
            by_dir: index_dirs(&entries),
            entries,
            problems: Vec::new(),
            sniffed: BTreeMap::new(),
        }
    }

    /// Every entry, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = &FileEntry> {
        self.entries.iter()
    }

    /// Whether `path` is indexed.
    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// The entry at `path`.
    pub fn get(&self, path: &str) -> Option<&FileEntry> {
        self.entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// Every file at any depth below the directory `dir` (or the file
    /// `dir` itself): a range of the sorted index, found by binary search.
    pub fn under<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a FileEntry> + use<'a> {
        let dir = dir.trim_end_matches('/');
        let start = self.entries.partition_point(|e| e.path.as_str() < dir);
        let len = self.entries[start..]
            .iter()
            .take_while(|e| e.path.starts_with(dir))
            .count();
        let cut = dir.len();
        self.entries[start..start + len]
            .iter()
            .filter(move |e| e.path.len() == cut || e.path.as_bytes().get(cut) == Some(&b'/'))
    }

    /// Files directly inside `dir` (`""` for the root).
    pub fn in_dir<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a FileEntry> + use<'a> {
        self.by_dir
            .get(dir)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.entries[i])
    }

    /// Drops `path` from the index (a file that appeared during the walk
    /// but is not the repository's, such as a lockfile cargo generated).
    pub fn remove(&mut self, path: &str) {
        if let Ok(i) = self.entries.binary_search_by(|e| e.path.as_str().cmp(path)) {
            self.entries.remove(i);
            self.by_dir = index_dirs(&self.entries);
        }
    }

    /// Number of indexed files.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The directory part of a relative path (`""` at the root).
pub fn parent_dir(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..i]).unwrap_or("")
}

/// The file-name part of a relative path.
pub fn file_name(path: &str) -> &str {
    path.rfind('/').map(|i| &path[i + 1..]).unwrap_or(path)
}

/// Joins a relative directory and a relative path, resolving `.` and `..`
/// (a `..` above the root is kept, so the result names no indexed file).
pub fn join(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// `path` relative to `root`, `/`-separated; absolute when outside `root`.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    out
}

/// The binary format of a file, from its first bytes; `None` when it is
/// not one or cannot be read.
fn sniff_file(path: &Path) -> Option<BinaryKind> {
    use std::io::Read;
    let mut head = [0u8; magic::SNIFF_BYTES];
    let mut file = fs::File::open(path).ok()?;
    let mut len = 0;
    while len < head.len() {
        match file.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(_) => return None,
        }
    }
    magic::sniff(&head[..len])
}

fn io_reason(err: &walkdir::Error) -> String {
    err.io_error()
        .map(|e| e.to_string())
        .unwrap_or_else(|| err.to_string())
}

/// Why a file's text is not available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum TextProblem {
    /// Bigger than the limit ([`MAX_TEXT_BYTES`] for governance and CI
    /// files, `[scan] max-file-size` for Rust sources).
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The limit it exceeds, in bytes.
        limit: u64,
    },
    /// Contains NUL bytes: not a text file.
    Binary,
    /// Not valid UTF-8.
    NotUtf8 {
        /// 1-based line of the first invalid byte.
        line: usize,
    },
    /// A symlink resolving outside the repository; not followed.
    OutsideRoot {
        /// Where it points.
        target: String,
    },
    /// The operating system refused.
    Unreadable {
        /// The OS error.
        reason: String,
    },
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextProblem::TooLarge { size, limit } => write!(
                f,
                "is {}, over the {} limit for text files; not read",
                human_size(*size),
                human_size(*limit)
            ),
            TextProblem::Binary => f.write_str("is a binary file, not text"),
            TextProblem::NotUtf8 { line } => write!(f, "is not valid UTF-8 (line {line})"),
            TextProblem::OutsideRoot { target } => {
                write!(
                    f,
                    "is a symlink to {target}, outside the repository; not followed"
                )
            }
            TextProblem::Unreadable { reason } => write!(f, "cannot be read: {reason}"),
        }
    }
}

/// The text of one file, or why it is not available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFile {
    /// Path relative to the workspace root.
    pub path: String,
    /// The text (BOM stripped, line endings untouched) or the problem.
    pub content: Result<String, TextProblem>,
}

impl TextFile {
    /// The text, if it could be read.
    pub fn text(&self) -> Option<&str> {
        self.content.as_deref().ok()
    }
}

/// Reads the text of each of `paths` (relative to `root`).
pub fn read_texts(
    root: &Path,
    paths: impl IntoIterator<Item = String>,
) -> BTreeMap<String, TextFile> {
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    paths
        .into_iter()
        .map(|path| {
            let content = read_text(&canonical_root, &root.join(&path));
            (path.clone(), TextFile { path, content })
        })
        .collect()
}

/// A byte count as people read it: `20 MB`, `512 KB`, `12 bytes`
/// (1 MB = 1024 × 1024 bytes).
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        if bytes.is_multiple_of(MB) || bytes >= 10 * MB {
            format!("{} MB", (bytes + MB / 2) / MB)
        } else {
            format!("{:.1} MB", bytes as f64 / MB as f64)
        }
    } else if bytes >= KB {
        format!("{} KB", bytes / KB)
    } else {
        format!("{bytes} bytes")
    }
}

fn read_text(canonical_root: &Path, abs: &Path) -> Result<String, TextProblem> {
    read_text_limited(canonical_root, abs, MAX_TEXT_BYTES)
}

/// Reads the text of `abs` if it is at most `limit` bytes, inside
/// `canonical_root` (symlinks are followed only within it), free of NUL
/// bytes and valid UTF-8.
pub fn read_text_limited(
    canonical_root: &Path,
    abs: &Path,
    limit: u64,
) -> Result<String, TextProblem> {
    read_text_within(Some(canonical_root), abs, limit)
}

/// Reads a file the tool itself needs (a manifest, `readiness.toml`,
/// `deny.toml`): at most [`MAX_TEXT_BYTES`], a regular file (a FIFO would
/// block), text; with `root`, a symlink is followed only when it stays inside
/// it. A file the user named explicitly has no root.
pub fn read_own_file(root: Option<&Path>, path: &Path) -> Result<String, TextProblem> {
    decode(read_own_bytes(root, path)?)
}

/// The canonical `root`, after checking that `path` — through a symlinked
/// directory on the way as much as a symlinked file — stays inside it.
fn contained(root: Option<&Path>, path: &Path) -> Result<Option<PathBuf>, TextProblem> {
    let Some(root) = root else { return Ok(None) };
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if let Ok(real) = fs::canonicalize(path)
        && !real.starts_with(&canonical_root)
    {
        return Err(TextProblem::OutsideRoot {
            target: real.display().to_string(),
        });
    }
    Ok(Some(canonical_root))
}

/// The bytes of a file the tool itself needs, with the limits of
/// [`read_own_file`] but not decoded: for files it must put back exactly
/// (`Cargo.lock`, see `workspace::metadata`).
pub fn read_own_bytes(root: Option<&Path>, path: &Path) -> Result<Vec<u8>, TextProblem> {
    let canonical = contained(root, path)?;
    read_bytes_within(canonical.as_deref(), path, MAX_TEXT_BYTES)
}

/// Whether the file at `abs` would be read by [`read_own_file`] with `root`,
/// without reading it: `Ok` for a missing file or a regular file of at most
/// [`MAX_TEXT_BYTES`] inside the root. For files another program (cargo)
/// reads too, checked before that program runs.
pub fn check_own_file(root: &Path, abs: &Path) -> Result<(), TextProblem> {
    let Ok(meta) = fs::symlink_metadata(abs) else {
        return Ok(());
    };
    let unreadable = |e: std::io::Error| TextProblem::Unreadable {
        reason: e.to_string(),
    };
    let meta = if meta.file_type().is_symlink() {
        let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let target = fs::canonicalize(abs).map_err(unreadable)?;
        if !target.starts_with(&canonical_root) {
            return Err(TextProblem::OutsideRoot {
                target: target.display().to_string(),
            });
        }
        fs::metadata(&target).map_err(unreadable)?
    } else {
        meta
    };
    if !meta.is_file() {
        return Err(TextProblem::Unreadable {
            reason: "not a regular file".into(),
        });
    }
    if meta.len() > MAX_TEXT_BYTES {
        return Err(TextProblem::TooLarge {
            size: meta.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(())
}

fn read_text_within(
    canonical_root: Option<&Path>,
    abs: &Path,
    limit: u64,
) -> Result<String, TextProblem> {
    decode(read_bytes_within(canonical_root, abs, limit)?)
}

fn read_bytes_within(
    canonical_root: Option<&Path>,
    abs: &Path,
    limit: u64,
) -> Result<Vec<u8>, TextProblem> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| TextProblem::Unreadable {
        reason: e.to_string(),
    };
    let meta = fs::symlink_metadata(abs).map_err(unreadable)?;
    let target: PathBuf = if meta.file_type().is_symlink() {
        let target = fs::canonicalize(abs).map_err(unreadable)?;
        if let Some(canonical_root) = canonical_root
            && !target.starts_with(canonical_root)
        {
            return Err(TextProblem::OutsideRoot {
                target: target.display().to_string(),
            });
        }
        target
    } else {
        abs.to_path_buf()
    };
    let target_meta = fs::metadata(&target).map_err(unreadable)?;
    // A FIFO or device named like a governance file would block a read
    // forever: a hostile repository must not hang a pre-push hook.
    if !target_meta.is_file() {
        return Err(TextProblem::Unreadable {
            reason: "not a regular file".into(),
        });
    }
    let size = target_meta.len();
    if size > limit {
        return Err(TextProblem::TooLarge { size, limit });
    }
    // Never more than the limit, even if the file grows while being read.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    fs::File::open(&target)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(TextProblem::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Decodes file bytes as text, stripping a byte-order mark: UTF-8, or
/// UTF-16 when a UTF-16 byte-order mark says so (editors on Windows save
/// Markdown and YAML that way, and GitHub renders it).
pub fn decode(bytes: Vec<u8>) -> Result<String, TextProblem> {
    if let Some(text) = decode_utf16(&bytes) {
        return text;
    }
    let sniff = &bytes[..bytes.len().min(8192)];
    if sniff.contains(&0) {
        return Err(TextProblem::Binary);
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            Ok(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = crate::util::line_of_offset(
                &String::from_utf8_lossy(&e.as_bytes()[..valid]),
                valid,
            );
            Err(TextProblem::NotUtf8 { line })
        }
    }
}

/// Text behind a UTF-16 byte-order mark (`FF FE` little-endian, `FE FF`
/// big-endian); `None` without one. Unpaired surrogates or an odd length
/// make it not text.
fn decode_utf16(bytes: &[u8]) -> Option<Result<String, TextProblem>> {
    let little = match bytes {
        // `FF FE 00 00` is a UTF-32 mark: not ours to decode.
        [0xff, 0xfe, 0, 0, ..] => return None,
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return None,
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Some(Err(TextProblem::Binary));
    }
    let units = body.chunks_exact(2).map(|pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut line = 1;
    for c in char::decode_utf16(units) {
        match c {
            Ok('\0') => return Some(Err(TextProblem::Binary)),
            Ok(c) => {
                if c == '\n' {
                    line += 1;
                }
                text.push(c);
            }
            Err(_) => return Some(Err(TextProblem::NotUtf8 { line })),
        }
    }
    Some(Ok(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_under_a_directory_are_a_range() {
        let index = FileIndex::from_entries(
            ["a", "a-b/x", "a.txt", "a/b", "a/c/d", "ab/e", "b"]
                .iter()
                .map(|p| FileEntry {
                    path: p.to_string(),
                    size: 0,
                    symlink: false,
                })
                .collect(),
        );
        let under = |d: &str| index.under(d).map(|e| e.path.as_str()).collect::<Vec<_>>();
        assert_eq!(under("a"), ["a", "a/b", "a/c/d"]);
        assert_eq!(under("a/"), ["a", "a/b", "a/c/d"]);
        assert_eq!(under("a/c"), ["a/c/d"]);
        assert!(under("z").is_empty());
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_text() {
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(
                "# Sécurité\nmail ✉\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        assert_eq!(decode(le), Ok("# Sécurité\nmail ✉\n".into()));
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("a\nb".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(be), Ok("a\nb".into()));
        // Odd length, a lone surrogate on line 2, a NUL: not text.
        assert_eq!(decode(vec![0xff, 0xfe, b'a']), Err(TextProblem::Binary));
        assert_eq!(
            decode(vec![0xff, 0xfe, b'a', 0, b'\n', 0, 0x00, 0xd8]),
            Err(TextProblem::NotUtf8 { line: 2 })
        );
        assert_eq!(decode(vec![0xff, 0xfe, 0, 0]), Err(TextProblem::Binary));
    }

    #[test]
    fn decode_handles_bom_binary_and_bad_utf8() {
        assert_eq!(decode(b"\xef\xbb\xbfhello".to_vec()), Ok("hello".into()));
        assert_eq!(decode(b"a\0b".to_vec()), Err(TextProblem::Binary));
        assert_eq!(
            decode(b"ok\nok\n\xff".to_vec()),
            Err(TextProblem::NotUtf8 { line: 3 })
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(50 * 1024 * 1024 + 70), "50 MB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(4096), "4 KB");
        assert_eq!(human_size(12), "12 bytes");
    }

    #[test]
    fn path_helpers() {
        assert_eq!(parent_dir("a/b/c.md"), "a/b");
        assert_eq!(parent_dir("c.md"), "");
        assert_eq!(file_name("a/b/c.md"), "c.md");
        assert_eq!(join("", "./README.md"), "README.md");
        assert_eq!(join("crates/a", "README.md"), "crates/a/README.md");
        assert_eq!(join("crates/a", "../../README.md"), "README.md");
        assert_eq!(join("", "../README.md"), "../README.md");
    }
}
