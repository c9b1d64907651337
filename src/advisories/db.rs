//! The RustSec advisory database on disk: where it is, and loading it
//! (through a compact cache keyed by the database's content).

use std::path::{Path, PathBuf};

use rustsec::Advisory;
use rustsec::Collection;
use rustsec::advisory::Id;

use super::cache;
use super::index::AdvisoryIndex;

/// Where the database location came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbOrigin {
    /// `--db PATH`
    Flag,
    /// `CARGO_READINESS_ADVISORY_DB`
    Env,
    /// `[advisories] db` in the configuration.
    Config,
    /// `~/.cargo/advisory-db`, shared with cargo-audit (or, for another
    /// URL, `~/.cargo/advisory-dbs/HOST-HASH`).
    Default,
}

impl DbOrigin {
    /// How to say it in a message.
    pub fn describe(&self) -> &'static str {
        match self {
            DbOrigin::Flag => "--db",
            DbOrigin::Env => "CARGO_READINESS_ADVISORY_DB",
            DbOrigin::Config => "[advisories] db",
            DbOrigin::Default => "the default location",
        }
    }
}

/// The database's location and where that choice came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbLocation {
    /// The directory.
    pub path: PathBuf,
    /// Which setting chose it.
    pub origin: DbOrigin,
    /// Whether the tool may fetch into it: not a database the repository
    /// under review chose (it lies inside the checkout, which is left as
    /// found), nor the repository itself or a directory holding it.
    pub fetchable: bool,
}

/// Picks the database directory: `--db`, then `CARGO_READINESS_ADVISORY_DB`,
/// then `[advisories] db`, then `~/.cargo/advisory-db` (cargo-audit's) for
/// the default URL or a directory of its own under
/// `~/.cargo/advisory-dbs/` for another (so a mirror never replaces the
/// database other tools share). `repository` is the checkout under review:
/// the database is never fetched into it or a directory holding it, and a
/// default location that would resolve inside it is refused.
pub fn locate(
    flag: Option<&Path>,
    config: &crate::config::AdvisoriesConfig,
    repository: Option<&Path>,
) -> Result<DbLocation, DbError> {
    let fetchable = |path: &Path| {
        repository.is_none_or(|repo| {
            let absolute = std::env::current_dir()
                .map(|cwd| cwd.join(path))
                .unwrap_or_else(|_| path.to_path_buf());
            !crate::config::is_inside(repo, &crate::config::normalize(&absolute))
        })
    };
    if let Some(p) = flag {
        return Ok(DbLocation {
            path: p.to_path_buf(),
            origin: DbOrigin::Flag,
            fetchable: fetchable(p),
        });
    }
    if let Some(p) = std::env::var_os("CARGO_READINESS_ADVISORY_DB").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(p);
        return Ok(DbLocation {
            fetchable: fetchable(&path),
            path,
            origin: DbOrigin::Env,
        });
    }
    if let Some(p) = &config.db {
        return Ok(DbLocation {
            fetchable: config.trusted && fetchable(p),
            path: p.clone(),
            origin: DbOrigin::Config,
        });
    }
    let home = cargo_home().ok_or(DbError::NoDefault)?;
    let path = if same_url(&config.url, crate::config::DEFAULT_ADVISORY_DB_URL) {
        home.join("advisory-db")
    } else {
        home.join("advisory-dbs").join(url_dir_name(&config.url))
    };
    if let Some(repo) = repository
        && crate::config::is_inside(&path, repo)
    {
        return Err(DbError::InsideRepository(path));
    }
    Ok(DbLocation {
        fetchable: fetchable(&path),
        path,
        origin: DbOrigin::Default,
    })
}

/// Whether two repository URLs name the same repository (case of the host,
/// a trailing `/` or `.git` aside).
pub fn same_url(a: &str, b: &str) -> bool {
    let norm = |u: &str| {
        u.trim_end_matches('/')
            .trim_end_matches(".git")
            .to_ascii_lowercase()
    };
    norm(a) == norm(b)
}

/// `HOST-HASH` for a database URL: readable, and distinct per URL.
fn url_dir_name(url: &str) -> String {
    let host: String = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or("db")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    let mut h = crate::util::Fnv64::new();
    h.write(url.trim_end_matches('/').as_bytes());
    format!(
        "{}-{:016x}",
        if host.is_empty() { "db" } else { &host },
        h.finish()
    )
}

/// `$CARGO_HOME`, or `~/.cargo`; `None` when neither variable is set (a
/// relative `.cargo` would be the repository's own directory).
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| crate::config::home_dir().map(|h| h.join(".cargo")))
}

/// An advisory file that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadAdvisory {
    /// The file.
    pub path: PathBuf,
    /// The parser's message.
    pub message: String,
}

/// A loaded database.
#[derive(Debug, Clone)]
pub struct LoadedDb {
    /// Where it was loaded from.
    pub path: PathBuf,
    /// Every advisory by crate (withdrawn and informational included; the
    /// `rust` collection too, which is never matched against a lockfile).
    pub advisories: AdvisoryIndex,
    /// Files that could not be parsed: their crates are not fully checked.
    pub bad: Vec<BadAdvisory>,
    /// Whether the directory is a git checkout.
    pub is_git: bool,
    /// Id of the last commit (git checkouts).
    pub last_commit: Option<String>,
    /// When the content was last updated: the last commit's time, or for a
    /// plain directory the date of the newest advisory.
    pub last_updated: Option<jiff::Timestamp>,
    /// Whether the parsed index came from the cache.
    pub from_cache: bool,
}

/// Why a database could not be loaded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// Nothing at the path.
    #[error("no advisory database at {0}")]
    Missing(PathBuf),
    /// A directory without the `crates/` collection.
    #[error("{0} is not a RustSec advisory database (no crates/ directory)")]
    NotADatabase(PathBuf),
    /// A directory without a single advisory: an audit against it would
    /// pass whatever the lockfile holds.
    #[error("the advisory database at {0} holds no advisories")]
    Empty(PathBuf),
    /// Neither `CARGO_HOME` nor `HOME` is set: there is no default location.
    #[error("no default advisory database location: neither CARGO_HOME nor HOME is set")]
    NoDefault,
    /// The default location resolves inside the repository under review.
    #[error("the default advisory database location {0} is inside the repository under review")]
    InsideRepository(PathBuf),
    /// The directory could not be read.
    #[error("cannot read {path}: {reason}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        reason: String,
    },
}

/// Every advisory file in the database with its size and modification time,
/// sorted: the input both to parsing and to the cache key.
pub fn advisory_files(root: &Path) -> Result<Vec<(PathBuf, u64, u128)>, DbError> {
    if !root.exists() {
        return Err(DbError::Missing(root.to_path_buf()));
    }
    let crates = root.join(Collection::Crates.as_str());
    let io = |p: &Path, e: std::io::Error| DbError::Io {
        path: p.to_path_buf(),
        reason: e.to_string(),
    };
    let mut dirs: Vec<std::fs::DirEntry> = match std::fs::read_dir(&crates) {
        Ok(d) => d.collect::<Result<_, _>>().map_err(|e| io(&crates, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DbError::NotADatabase(root.to_path_buf()));
        }
        Err(e) => return Err(io(&crates, e)),
    };
    // The `rust` collection (advisories about the toolchain) is loaded and
    // counted like cargo-audit does, but never matched against a lockfile.
    if let Ok(rust) = std::fs::read_dir(root.join(Collection::Rust.as_str())) {
        dirs.extend(rust.flatten());
    }
    let mut files = Vec::new();
    for dir in dirs {
        // A crate's directory may be a symlink (a database assembled from
        // several): followed, one level only, so no loop is possible.
        if !std::fs::metadata(dir.path()).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let entries = std::fs::read_dir(dir.path()).map_err(|e| io(&dir.path(), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io(&dir.path(), e))?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || !name.ends_with(".md") {
                continue;
            }
            // Follows a symlink; a FIFO or directory named `x.md` is not an
            // advisory (reading a FIFO would hang the run).
            let meta = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
            if !meta.is_file() {
                continue;
            }
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            files.push((path, meta.len(), mtime));
        }
    }
    // By the path's bytes: a stable order for the cache key, and far
    // cheaper than comparing paths component by component.
    files.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    Ok(files)
}

/// Parses the text of an advisory file (Markdown with TOML front matter).
///
/// `rustsec` 0.34 slices the first 20 bytes of a file that does not start
/// with the front matter to quote it in its error, and panics when byte 20
/// falls inside a character (found by fuzzing): such files are refused
/// here first. Any other panic in the parser is caught and reported as this
/// file's problem, so one hostile file cannot take the database down.
pub fn parse_advisory_text(text: &str) -> Result<Advisory, String> {
    if !text.starts_with("```toml") {
        return Err(
            "not a RustSec advisory: it does not start with a ```toml front matter block".into(),
        );
    }
    std::panic::catch_unwind(|| text.parse::<Advisory>())
        .map_err(|_| "the advisory parser failed on this file".to_string())?
        .map_err(|e| e.to_string())
}

/// Parses one advisory file, checking it sits in its crate's directory.
pub fn parse_advisory(path: &Path) -> Result<Option<Advisory>, String> {
    let text = crate::facts::files::read_own_file(None, path)
        .map_err(|problem| format!("the file {problem}"))?;
    let mut advisory = parse_advisory_text(&text)?;
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    if dir.as_deref() != Some(advisory.metadata.package.as_str()) {
        return Err(format!(
            "advisory {} is for `{}` but sits in the `{}` directory",
            advisory.metadata.id,
            advisory.metadata.package,
            dir.unwrap_or_default()
        ));
    }
    if advisory.metadata.id.is_placeholder() {
        return Ok(None);
    }
    let collection = path
        .parent()
        .and_then(|p| p.parent())
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    advisory.metadata.collection = Some(
        if collection.as_deref() == Some(Collection::Rust.as_str()) {
            Collection::Rust
        } else {
            Collection::Crates
        },
    );
    Ok(Some(advisory))
}

/// Loads the database at `root`, through the cache in `cache_dir` when given.
pub fn load(root: &Path, cache_dir: Option<&Path>) -> Result<LoadedDb, DbError> {
    if !root.exists() {
        return Err(DbError::Missing(root.to_path_buf()));
    }
    if !root.join(Collection::Crates.as_str()).is_dir() {
        return Err(DbError::NotADatabase(root.to_path_buf()));
    }
    let is_git = root.join(".git").exists();
    let commit = if is_git { git_last_commit(root) } else { None };
    // Keyed by every file's path, size and modification time — the work
    // tree, not only a git checkout's commit, which misses advisories
    // added or edited but not committed — plus the commit when there is one.
    let files = advisory_files(root)?;
    let key = match &commit {
        Some((id, _)) => format!("{}-{id}", cache::key(root, &files)),
        None => cache::key(root, &files),
    };
    let cached = cache_dir.and_then(|dir| cache::read(dir, &key, root));
    let (advisories, bad, newest, from_cache) = match cached {
        Some(entry) => (entry.advisories, entry.bad, entry.newest, true),
        None => {
            let (advisories, bad) = parse_all(&files);
            let newest = newest_advisory_date(&advisories);
            if let Some(dir) = cache_dir {
                // A cache that cannot be written only costs speed.
                let _ = cache::write(dir, &key, &advisories, &bad, newest);
            }
            (AdvisoryIndex::new(advisories), bad, newest, false)
        }
    };
    if advisories.is_empty() && bad.is_empty() {
        return Err(DbError::Empty(root.to_path_buf()));
    }
    let (last_commit, last_updated) = commit.map_or((None, None), |(id, t)| (Some(id), Some(t)));
    let last_updated = last_updated.or(newest);
    Ok(LoadedDb {
        path: root.to_path_buf(),
        advisories,
        bad,
        is_git,
        last_commit,
        last_updated,
        from_cache,
    })
}

/// Parses every file, on all cores: the database has ~1 000 files.
fn parse_all(files: &[(PathBuf, u64, u128)]) -> (Vec<Advisory>, Vec<BadAdvisory>) {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<(Vec<Advisory>, Vec<BadAdvisory>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut ok = Vec::new();
                    let mut bad = Vec::new();
                    for (path, _, _) in part {
                        match parse_advisory(path) {
                            Ok(Some(a)) => ok.push(a),
                            Ok(None) => {}
                            Err(message) => bad.push(BadAdvisory {
                                path: path.clone(),
                                message,
                            }),
                        }
                    }
                    (ok, bad)
                })
            })
            .collect();
        // A chunk whose thread died is not silently dropped: its files are
        // reported, so their crates are known not to be fully checked.
        handles
            .into_iter()
            .zip(files.chunks(chunk))
            .map(|(h, part)| {
                h.join().unwrap_or_else(|_| {
                    let bad = part
                        .iter()
                        .map(|(path, _, _)| BadAdvisory {
                            path: path.clone(),
                            message: "not parsed: the parser failed on this part of the database"
                                .into(),
                        })
                        .collect();
                    (Vec::new(), bad)
                })
            })
            .collect()
    });
    let mut advisories = Vec::new();
    let mut bad = Vec::new();
    for (a, b) in results {
        advisories.extend(a);
        bad.extend(b);
    }
    advisories.sort_by(|a, b| a.metadata.id.as_str().cmp(b.metadata.id.as_str()));
    (advisories, bad)
}

fn newest_advisory_date(advisories: &[Advisory]) -> Option<jiff::Timestamp> {
    advisories
        .iter()
        .filter_map(|a| {
            jiff::civil::Date::new(
                a.metadata.date.year() as i16,
                a.metadata.date.month() as i8,
                a.metadata.date.day() as i8,
            )
            .ok()
        })
        .max()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
}

fn git_last_commit(root: &Path) -> Option<(String, jiff::Timestamp)> {
    let out = crate::exec::git_output(root, &["log", "-1", "--format=%H %ct"])?;
    let text = String::from_utf8(out).ok()?;
    let (id, secs) = text.trim().split_once(' ')?;
    let ts = jiff::Timestamp::from_second(secs.parse().ok()?).ok()?;
    Some((id.to_string(), ts))
}

/// Looks an advisory up by id or alias (case-insensitive).
pub fn matches_id(advisory: &Advisory, id: &str) -> bool {
    let same = |x: &Id| x.as_str().eq_ignore_ascii_case(id);
    same(&advisory.metadata.id) || advisory.metadata.aliases.iter().any(same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_front_matter_is_refused_without_panicking() {
        // Found by fuzzing: rustsec quotes the first 20 bytes of such a file
        // and panicked when byte 20 was inside `Г`.
        let bytes: &[u8] = &[
            96, 96, 96, 109, 108, 64, 109, 108, 96, 10, 10, 35, 32, 10, 96, 32, 96, 35, 32, 208,
            147, 96, 96, 0, 0, 0, 0, 0, 0, 96, 96, 116, 111, 109, 108, 36,
        ];
        let text = std::str::from_utf8(bytes).unwrap();
        let err = parse_advisory_text(text).unwrap_err();
        assert!(err.contains("does not start with"), "{err}");
        assert!(parse_advisory_text("").is_err());
    }

    #[test]
    fn a_well_formed_advisory_parses() {
        let text = "```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"acme\"\ndate = \"2020-01-02\"\n[versions]\npatched = [\">= 1.2.0\"]\n```\n\n# Title\n\nText.\n";
        let a = parse_advisory_text(text).unwrap();
        assert_eq!(a.metadata.id.as_str(), "RUSTSEC-2020-0001");
    }
}
