//! A compact parsed copy of the advisory database, so a warm run does not
//! re-parse ~1 000 Markdown/TOML files.
//!
//! Keyed by the database's content (every advisory file's path, size and
//! modification time, plus this tool's version), so any change to the
//! database — a `git pull`, an edited file — misses the cache. A cache file
//! that does not parse or has the wrong key is ignored and rewritten: never
//! trusted.

use std::path::{Path, PathBuf};

use rustsec::Advisory;
use serde::{Deserialize, Serialize};

use super::db::BadAdvisory;
use crate::util::Fnv64;

/// Bump when the cached shape changes.
const FORMAT: u32 = 1;

/// A cache file larger than this is ignored (and rewritten).
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The cache directory: `CARGO_READINESS_CACHE_DIR`, else the platform's
/// user cache directory (`$XDG_CACHE_HOME`, `~/.cache`, `%LOCALAPPDATA%`)
/// under `cargo-readiness/`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_READINESS_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("LOCALAPPDATA")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| crate::config::home_dir().map(|h| h.join(".cache")))?;
    Some(base.join("cargo-readiness"))
}

/// The content key of a database.
pub fn key(root: &Path, files: &[(PathBuf, u64, u128)]) -> String {
    let mut h = Fnv64::new();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write(&FORMAT.to_le_bytes());
    for (path, size, mtime) in files {
        let rel = path.strip_prefix(root).unwrap_or(path);
        h.write(rel.to_string_lossy().as_bytes());
        h.write(&size.to_le_bytes());
        h.write(&mtime.to_le_bytes());
    }
    format!("{:016x}-{}", h.finish(), files.len())
}

/// The key of a git checkout: its commit, plus the modification times of
/// the checkout's index and `crates/` directory, which change when files
/// are rewritten by a reset or added by hand.
pub fn commit_key(root: &Path, commit: &str) -> String {
    let mtime = |p: PathBuf| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    };
    let mut h = Fnv64::new();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write(&FORMAT.to_le_bytes());
    h.write(root.to_string_lossy().as_bytes());
    h.write(&mtime(root.join(".git/index")).to_le_bytes());
    h.write(&mtime(root.join("crates")).to_le_bytes());
    format!("{:016x}-{commit}", h.finish())
}

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    key: String,
    advisories: Vec<Advisory>,
    bad: Vec<(PathBuf, String)>,
}

/// What a cache hit gives back.
pub struct Cached {
    /// The parsed advisories.
    pub advisories: Vec<Advisory>,
    /// Files that did not parse when the cache was built.
    pub bad: Vec<BadAdvisory>,
}

fn file(dir: &Path) -> PathBuf {
    dir.join("advisory-index.json")
}

/// The cached advisories for `key`, if the cache holds exactly that.
pub fn read(dir: &Path, key: &str) -> Option<Cached> {
    use std::io::Read;
    // Only a regular file of a plausible size is read: a FIFO or a huge
    // file in the cache directory must not hang the run (the real database
    // parses to a few MB).
    let path = file(dir);
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .ok()?
        .take(MAX_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    let entry: Entry = serde_json::from_slice(&bytes).ok()?;
    if entry.format != FORMAT || entry.key != key {
        return None;
    }
    Some(Cached {
        advisories: entry.advisories,
        bad: entry
            .bad
            .into_iter()
            .map(|(path, message)| BadAdvisory { path, message })
            .collect(),
    })
}

/// Writes the cache atomically (temp file + rename).
pub fn write(
    dir: &Path,
    key: &str,
    advisories: &[Advisory],
    bad: &[BadAdvisory],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let entry = Entry {
        format: FORMAT,
        key: key.to_string(),
        advisories: advisories.to_vec(),
        bad: bad
            .iter()
            .map(|b| (b.path.clone(), b.message.clone()))
            .collect(),
    };
    let bytes = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
    crate::util::write_atomic(&file(dir), &bytes)
}
