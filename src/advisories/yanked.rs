//! Whether locked crates.io packages have been yanked.
//!
//! Online: the crates.io sparse index, one request per crate, in parallel,
//! every request under a deadline and the whole lookup abandoned at the
//! first connection failure (rustsec's own index client retries forever
//! when the network is unreachable). Offline: cargo's local index cache,
//! the same data `cargo audit --no-fetch` reads. A crate that neither
//! answers is reported as "unknown", never as "not yanked".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tame_index::{IndexKrate, KrateName};

/// The crates.io sparse index.
pub const CRATES_IO_SPARSE: &str = "https://index.crates.io/";

/// How long the whole online lookup may take.
const TOTAL_DEADLINE: Duration = Duration::from_secs(60);

/// A package's yank status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YankStatus {
    /// Published and not yanked.
    Live,
    /// Yanked from the registry.
    Yanked,
    /// Could not be determined; the reason says why.
    Unknown(String),
}

/// Where the answers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YankSource {
    /// The live sparse index.
    Online,
    /// Cargo's local index cache.
    LocalCache,
}

/// Yank status of each locked crates.io package.
#[derive(Debug, Clone)]
pub struct YankedFacts {
    /// Where the answers came from.
    pub source: YankSource,
    /// `(name, version)` → status.
    pub status: BTreeMap<(String, String), YankStatus>,
}

impl YankedFacts {
    /// Packages whose status is unknown.
    pub fn unknown(&self) -> Vec<(&str, &str, &str)> {
        self.status
            .iter()
            .filter_map(|((n, v), s)| match s {
                YankStatus::Unknown(why) => Some((n.as_str(), v.as_str(), why.as_str())),
                _ => None,
            })
            .collect()
    }
}

/// The crates.io packages of a lockfile, as `(name, version)`.
pub fn crates_io_packages(lock: &cargo_lock::Lockfile) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = lock
        .packages
        .iter()
        .filter(|p| p.source.as_ref().is_some_and(|s| s.is_default_registry()))
        .map(|p| (p.name.as_str().to_string(), p.version.to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Looks every package up: online unless `offline`.
pub fn collect(packages: &[(String, String)], offline: bool) -> YankedFacts {
    if offline {
        YankedFacts {
            source: YankSource::LocalCache,
            status: from_local_cache(packages, &cache_dirs()),
        }
    } else {
        YankedFacts {
            source: YankSource::Online,
            status: from_index(packages, &index_url()),
        }
    }
}

fn index_url() -> String {
    let url =
        std::env::var("CARGO_READINESS_INDEX_URL").unwrap_or_else(|_| CRATES_IO_SPARSE.to_string());
    if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    }
}

/// Cargo's crates.io index cache directories, newest first (cargo changed
/// the directory hash in 1.85, so older caches may sit beside newer ones).
pub fn cache_dirs() -> Vec<PathBuf> {
    let Some(home) = super::db::cargo_home() else {
        return Vec::new();
    };
    let index = home.join("registry").join("index");
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&index)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("index.crates.io-")
        })
        .map(|e| e.path())
        .filter(|p| p.join(".cache").is_dir())
        .map(|p| {
            (
                std::fs::metadata(p.join(".cache"))
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH),
                p,
            )
        })
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    dirs.into_iter().map(|(_, p)| p).collect()
}

fn status_in(krate: &IndexKrate, version: &str) -> YankStatus {
    match krate
        .versions
        .iter()
        .find(|v| v.version.as_str() == version)
    {
        Some(v) if v.yanked => YankStatus::Yanked,
        Some(_) => YankStatus::Live,
        None => YankStatus::Unknown(format!("version {version} is not in the index")),
    }
}

/// Reads cargo's local index cache.
///
/// Only the entries for the locked versions are parsed (a popular crate's
/// cache file holds hundreds of versions with their dependency lists).
pub fn from_local_cache(
    packages: &[(String, String)],
    dirs: &[PathBuf],
) -> BTreeMap<(String, String), YankStatus> {
    let caches: Vec<tame_index::index::IndexCache> = dirs
        .iter()
        .filter_map(|d| tame_index::PathBuf::from_path_buf(d.clone()).ok())
        .map(tame_index::index::IndexCache::at_path)
        .collect();
    let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, version) in packages {
        wanted
            .entry(name.as_str())
            .or_default()
            .push(version.as_str());
    }
    let wanted: Vec<(&str, Vec<&str>)> = wanted.into_iter().collect();
    // Hundreds of small files: read them on every core.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let chunk = wanted.len().div_ceil(threads).max(1);
    let parts: Vec<BTreeMap<(String, String), YankStatus>> = std::thread::scope(|scope| {
        let handles: Vec<_> = wanted
            .chunks(chunk)
            .map(|part| {
                scope.spawn(|| {
                    part.iter()
                        .flat_map(|(n, v)| lookup_cached(&caches, n, v))
                        .collect()
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    parts.into_iter().flatten().collect()
}

/// The status of `versions` of `name` in the first cache holding the crate.
fn lookup_cached(
    caches: &[tame_index::index::IndexCache],
    name: &str,
    versions: &[&str],
) -> Vec<((String, String), YankStatus)> {
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(default)]
        yanked: bool,
    }
    let bytes = KrateName::crates_io(name).ok().and_then(|k| {
        caches
            .iter()
            .find_map(|c| std::fs::read(c.cache_path(k)).ok())
    });
    let mut found: BTreeMap<&str, bool> = BTreeMap::new();
    let readable = bytes
        .as_deref()
        .and_then(|b| tame_index::index::cache::ValidCacheEntry::read(b).ok());
    if let Some(entry) = &readable {
        let mut parts = tame_index::index::cache::split(entry.version_entries, 0);
        while let (Some(v), Some(json)) = (parts.next(), parts.next()) {
            let Ok(v) = std::str::from_utf8(v) else {
                continue;
            };
            if let Some(want) = versions.iter().find(|w| **w == v)
                && let Ok(e) = serde_json::from_slice::<Entry>(json)
            {
                found.insert(want, e.yanked);
            }
        }
    }
    versions
        .iter()
        .map(|version| {
            let status = match (found.get(version), &readable) {
                (Some(true), _) => YankStatus::Yanked,
                (Some(false), _) => YankStatus::Live,
                (None, Some(_)) => YankStatus::Unknown(format!(
                    "version {version} is not in cargo's local index cache"
                )),
                (None, None) => YankStatus::Unknown("not in cargo's local index cache".into()),
            };
            ((name.to_string(), version.to_string()), status)
        })
        .collect()
}

/// Asks the sparse index at `base` (with trailing `/`).
pub fn from_index(
    packages: &[(String, String)],
    base: &str,
) -> BTreeMap<(String, String), YankStatus> {
    from_index_with(packages, base, &super::http::agent(Duration::from_secs(15)))
}

/// [`from_index`] with a given HTTP agent (its timeouts bound every request).
pub fn from_index_with(
    packages: &[(String, String)],
    base: &str,
    agent: &ureq::Agent,
) -> BTreeMap<(String, String), YankStatus> {
    let names: Vec<&str> = packages
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let queue = Mutex::new(names.clone());
    let answers: Mutex<BTreeMap<String, Result<IndexKrate, String>>> = Mutex::new(BTreeMap::new());
    let abort: Mutex<Option<String>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let workers = names.len().clamp(1, 16);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    if started.elapsed() > TOTAL_DEADLINE {
                        if let Ok(mut a) = abort.lock() {
                            a.get_or_insert_with(|| {
                                format!("the index lookup exceeded {}s", TOTAL_DEADLINE.as_secs())
                            });
                        }
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                    let Some(name) = queue.lock().ok().and_then(|mut q| q.pop()) else {
                        return;
                    };
                    let result = fetch_one(agent, base, name);
                    if let Err(Fatal(why)) = &result {
                        // The network is unreachable: the other requests would
                        // only wait for the same timeout.
                        if let Ok(mut a) = abort.lock() {
                            a.get_or_insert_with(|| why.clone());
                        }
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                    let result = result.map_err(|Fatal(e)| e).and_then(|r| r);
                    if let Ok(mut m) = answers.lock() {
                        m.insert(name.to_string(), result);
                    }
                }
            });
        }
    });
    let answers = answers.into_inner().unwrap_or_default();
    let abort = abort.into_inner().ok().flatten();
    packages
        .iter()
        .map(|(name, version)| {
            let status = match answers.get(name) {
                Some(Ok(k)) => status_in(k, version),
                Some(Err(e)) => YankStatus::Unknown(e.clone()),
                None => {
                    YankStatus::Unknown(abort.clone().unwrap_or_else(|| "not looked up".into()))
                }
            };
            ((name.clone(), version.clone()), status)
        })
        .collect()
}

/// A failure that means every other request would fail too.
struct Fatal(String);

fn fetch_one(
    agent: &ureq::Agent,
    base: &str,
    name: &str,
) -> Result<Result<IndexKrate, String>, Fatal> {
    let Ok(kname) = KrateName::crates_io(name) else {
        return Ok(Err(format!("`{name}` is not a valid crate name")));
    };
    let url = format!("{base}{}", kname.relative_path(Some('/')));
    match agent.get(&url).call() {
        Ok(response) => {
            let body = response
                .into_body()
                .with_config()
                .limit(64 * 1024 * 1024)
                .read_to_vec();
            match body {
                Ok(bytes) => Ok(IndexKrate::from_slice(&bytes).map_err(|e| format!("{url}: {e}"))),
                Err(e) => Err(Fatal(super::http::describe(&url, &e))),
            }
        }
        Err(ureq::Error::StatusCode(404)) => Ok(Err("not in the index".into())),
        Err(ureq::Error::StatusCode(code)) => Ok(Err(format!("{url}: HTTP {code}"))),
        Err(e) => Err(Fatal(super::http::describe(&url, &e))),
    }
}

/// Whether `dir` looks like a cargo index cache (for messages).
pub fn is_cache_dir(dir: &Path) -> bool {
    dir.join(".cache").is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_index_ends_within_seconds_and_reports_unknown() {
        // A server that accepts connections and never answers.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for c in listener.incoming().flatten() {
                held.push(c);
            }
        });
        let packages: Vec<(String, String)> = (0..40)
            .map(|i| (format!("crate{i}"), "1.0.0".to_string()))
            .collect();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(500)))
            .build()
            .into();
        let started = Instant::now();
        let status = from_index_with(&packages, &format!("http://{addr}/"), &agent);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(status.len(), 40);
        assert!(status.values().all(|s| matches!(s, YankStatus::Unknown(_))));
    }

    #[test]
    fn refused_connection_is_fatal_and_fast() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let packages: Vec<(String, String)> = (0..200)
            .map(|i| (format!("crate{i}"), "1.0.0".to_string()))
            .collect();
        let started = Instant::now();
        let status = from_index(&packages, &format!("http://127.0.0.1:{port}/"));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(status.len(), 200);
        assert!(status.values().all(|s| matches!(s, YankStatus::Unknown(_))));
    }

    #[test]
    fn reads_cargo_cache_format() {
        let dir = tempfile::tempdir().unwrap();
        let krate = IndexKrate::from_slice(
            br#"{"name":"demo","vers":"1.0.0","deps":[],"cksum":"0000000000000000000000000000000000000000000000000000000000000000","features":{},"yanked":false}
{"name":"demo","vers":"1.0.1","deps":[],"cksum":"0000000000000000000000000000000000000000000000000000000000000000","features":{},"yanked":true}
"#,
        )
        .unwrap();
        let cache = tame_index::index::IndexCache::at_path(
            tame_index::PathBuf::from_path_buf(dir.path().to_path_buf()).unwrap(),
        );
        cache
            .write_to_cache(&krate, "etag: x", &tame_index::index::FileLock::unlocked())
            .unwrap();
        let packages = vec![
            ("demo".to_string(), "1.0.0".to_string()),
            ("demo".to_string(), "1.0.1".to_string()),
            ("absent".to_string(), "0.1.0".to_string()),
        ];
        let s = from_local_cache(&packages, &[dir.path().to_path_buf()]);
        assert_eq!(s[&("demo".into(), "1.0.0".into())], YankStatus::Live);
        assert_eq!(s[&("demo".into(), "1.0.1".into())], YankStatus::Yanked);
        assert!(matches!(
            s[&("absent".into(), "0.1.0".into())],
            YankStatus::Unknown(_)
        ));
    }
}
