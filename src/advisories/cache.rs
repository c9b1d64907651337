//! A compact parsed copy of the advisory database, so a warm run does not
//! re-parse ~1 000 Markdown/TOML files.
//!
//! Keyed by the database's content (every advisory file's path, size and
//! modification time, plus this tool's version), so any change to the
//! database — a `git pull`, an edited file — misses the cache. A cache file
//! that does not parse or has the wrong key is ignored and rewritten: never
//! trusted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustsec::Advisory;
use serde::{Deserialize, Serialize};

use super::db::BadAdvisory;
use super::index::AdvisoryIndex;
use crate::util::Fnv64;

/// Bump when the cached shape changes.
const FORMAT: u32 = 3;

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

/// The cache file's first line: everything but the advisories, and where
/// each crate's advisories sit in the rest of the file (byte ranges from the
/// start of the second line). A reader parses this
/// line and only the groups it asks for.
#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    key: String,
    count: usize,
    /// The newest advisory's date (Unix seconds), for a plain directory's age.
    newest: Option<i64>,
    bad: Vec<(PathBuf, String)>,
    /// Per crate, the byte range of its JSON array in the body.
    crates: BTreeMap<String, (usize, usize)>,
    /// FNV-1a of the body: a file damaged after its header is a miss at
    /// load time (and parsed afresh there), not a surprise in the audit.
    body_hash: u64,
}

/// What a cache hit gives back.
pub struct Cached {
    /// The advisories, parsed per crate when asked for.
    pub advisories: AdvisoryIndex,
    /// Files that did not parse when the cache was built.
    pub bad: Vec<BadAdvisory>,
    /// The newest advisory's date.
    pub newest: Option<jiff::Timestamp>,
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = Fnv64::new();
    h.write(bytes);
    h.finish()
}

fn file(dir: &Path) -> PathBuf {
    dir.join("advisory-index.json")
}

/// The cached advisories for `key`, if the cache holds exactly that.
/// `root` is the database the cache was built from.
pub fn read(dir: &Path, key: &str, root: &Path) -> Option<Cached> {
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
    let text = String::from_utf8(bytes).ok()?;
    // `[HEADER,\n[GROUP,GROUP,...]]`: serde_json writes no raw newline, so
    // the first one ends the header.
    let split = text.find('\n')?;
    let header = text.get(..split)?.strip_prefix('[')?.strip_suffix(',')?;
    let header: Header = serde_json::from_str(header).ok()?;
    if header.format != FORMAT || header.key != key {
        return None;
    }
    let body = &text[split + 1..];
    // A truncated file (a full disk, an old tool killed mid-write) is a miss.
    if !body.ends_with("]]")
        || header.crates.values().any(|&(_, end)| end > body.len())
        || hash(body.as_bytes()) != header.body_hash
    {
        return None;
    }
    let body: std::sync::Arc<str> = std::sync::Arc::from(body);
    Some(Cached {
        advisories: AdvisoryIndex::from_raw(
            header.count,
            header
                .crates
                .into_iter()
                .map(|(name, (start, end))| (name, start..end))
                .collect(),
            body,
            root,
        ),
        bad: header
            .bad
            .into_iter()
            .map(|(path, message)| BadAdvisory { path, message })
            .collect(),
        newest: header
            .newest
            .and_then(|s| jiff::Timestamp::from_second(s).ok()),
    })
}

/// Writes the cache atomically (temp file + rename).
pub fn write(
    dir: &Path,
    key: &str,
    advisories: &[Advisory],
    bad: &[BadAdvisory],
    newest: Option<jiff::Timestamp>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut by_crate: BTreeMap<&str, Vec<&Advisory>> = BTreeMap::new();
    for a in advisories {
        by_crate
            .entry(a.metadata.package.as_str())
            .or_default()
            .push(a);
    }
    let mut body = vec![b'['];
    let mut crates = BTreeMap::new();
    for (name, list) in by_crate {
        if body.len() > 1 {
            body.push(b',');
        }
        let start = body.len();
        serde_json::to_writer(&mut body, &list).map_err(std::io::Error::other)?;
        crates.insert(name.to_string(), (start, body.len()));
    }
    body.extend_from_slice(b"]]");
    let header = Header {
        format: FORMAT,
        key: key.to_string(),
        count: advisories.len(),
        newest: newest.map(|t| t.as_second()),
        bad: bad
            .iter()
            .map(|b| (b.path.clone(), b.message.clone()))
            .collect(),
        crates,
        body_hash: hash(&body),
    };
    // One JSON document (other tools and people can read it), laid out so
    // a reader finds the header without parsing the groups.
    let mut bytes = vec![b'['];
    serde_json::to_writer(&mut bytes, &header).map_err(std::io::Error::other)?;
    bytes.extend_from_slice(b",\n");
    bytes.extend_from_slice(&body);
    crate::util::write_atomic(&file(dir), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(id: &str, package: &str) -> Advisory {
        format!(
            "```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2021-03-04\"\n[versions]\npatched = [\">= 2.0.0\"]\n```\n\n# Title\n\nText with a\nnewline and \"quotes\".\n"
        )
        .parse()
        .unwrap()
    }

    #[test]
    fn groups_read_back_lazily_from_one_json_document() {
        let dir = tempfile::tempdir().unwrap();
        let advisories = [
            advisory("RUSTSEC-2021-0001", "alpha"),
            advisory("RUSTSEC-2021-0002", "beta"),
            advisory("RUSTSEC-2021-0003", "alpha"),
        ];
        let bad = [BadAdvisory {
            path: PathBuf::from("crates/x/bad.md"),
            message: "no front matter".into(),
        }];
        let newest = jiff::Timestamp::from_second(1_614_816_000).ok();
        write(dir.path(), "k1", &advisories, &bad, newest).unwrap();
        let bytes = std::fs::read(file(dir.path())).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            doc[1].as_array().map(Vec::len),
            Some(2),
            "one array per crate"
        );

        let hit = read(dir.path(), "k1", Path::new("/nonexistent")).unwrap();
        assert_eq!(hit.advisories.len(), 3);
        assert_eq!(hit.newest, newest);
        assert_eq!(hit.bad.len(), 1);
        let alpha: Vec<String> = hit
            .advisories
            .for_crate("alpha")
            .iter()
            .map(|a| a.metadata.id.as_str().to_string())
            .collect();
        assert_eq!(alpha, ["RUSTSEC-2021-0001", "RUSTSEC-2021-0003"]);
        assert_eq!(hit.advisories.for_crate("beta").len(), 1);
        assert!(hit.advisories.for_crate("gamma").is_empty());

        assert!(read(dir.path(), "other key", Path::new("/")).is_none());
        // A byte changed inside a group, header intact: a miss.
        let mut damaged = bytes.clone();
        let at = damaged.len() - 40;
        damaged[at] = b'#';
        std::fs::write(file(dir.path()), &damaged).unwrap();
        assert!(read(dir.path(), "k1", Path::new("/")).is_none(), "damaged");
        std::fs::write(file(dir.path()), &bytes[..bytes.len() / 3]).unwrap();
        assert!(
            read(dir.path(), "k1", Path::new("/")).is_none(),
            "truncated"
        );
    }
}
