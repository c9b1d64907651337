//! The advisories of a loaded database, grouped by the crate they are for.
//!
//! A warm run reads the parsed database from the cache, and most of that
//! time went into building ~1 200 `Advisory` values of which a lockfile
//! matches a handful. From the cache each crate's advisories stay raw JSON
//! until the audit asks for that crate, so a run pays for the crates it
//! locks, not for the whole database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use rustsec::Advisory;

/// One crate's advisories: parsed, or still the cache's JSON (a range of
/// [`AdvisoryIndex::raw`]).
#[derive(Debug, Clone)]
enum Group {
    Parsed(Vec<Advisory>),
    Raw(std::ops::Range<usize>),
}

/// Every advisory of a database, by crate name (the `rust` collection's
/// too, under their toolchain component's name).
#[derive(Debug, Clone, Default)]
pub struct AdvisoryIndex {
    count: usize,
    groups: BTreeMap<String, Group>,
    /// The cache's JSON arrays, one per crate, back to back.
    raw: Arc<str>,
    /// The database directory: a cached group that no longer parses is
    /// read again from its files there.
    root: Option<PathBuf>,
}

impl AdvisoryIndex {
    /// An index of advisories already parsed.
    pub fn new(advisories: Vec<Advisory>) -> AdvisoryIndex {
        let count = advisories.len();
        let mut by_crate: BTreeMap<String, Vec<Advisory>> = BTreeMap::new();
        for a in advisories {
            by_crate
                .entry(a.metadata.package.as_str().to_string())
                .or_default()
                .push(a);
        }
        AdvisoryIndex {
            count,
            groups: by_crate
                .into_iter()
                .map(|(name, list)| (name, Group::Parsed(list)))
                .collect(),
            raw: Arc::from(""),
            root: None,
        }
    }

    /// An index over the cache's raw groups, parsed on demand: `raw` holds
    /// each crate's JSON array at its range in `groups`; `root` is the
    /// database they came from. Ranges outside `raw` or not on character
    /// boundaries are read from the database files instead.
    pub(super) fn from_raw(
        count: usize,
        groups: BTreeMap<String, std::ops::Range<usize>>,
        raw: Arc<str>,
        root: &Path,
    ) -> AdvisoryIndex {
        AdvisoryIndex {
            count,
            groups: groups
                .into_iter()
                .map(|(name, range)| (name, Group::Raw(range)))
                .collect(),
            raw,
            root: Some(root.to_path_buf()),
        }
    }

    /// How many advisories the database holds.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the database holds no advisory.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The advisories for the crate `name` (withdrawn ones included).
    pub fn for_crate(&self, name: &str) -> Vec<Advisory> {
        match self.groups.get(name) {
            None => Vec::new(),
            Some(Group::Parsed(list)) => list.clone(),
            Some(Group::Raw(range)) => self
                .raw
                .get(range.clone())
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_else(|| {
                    // The cache is keyed by the database's content, so this is
                    // a damaged cache file: the files themselves decide.
                    self.root
                        .as_deref()
                        .map(|root| reparse(root, name))
                        .unwrap_or_default()
                }),
        }
    }

    /// The crates that have advisories, in name order.
    pub fn crates(&self) -> impl Iterator<Item = &str> {
        self.groups.keys().map(String::as_str)
    }
}

/// Parses the advisory files of the crate `name` from the database at
/// `root`, skipping any that do not parse (they were reported when the
/// cache was built).
fn reparse(root: &Path, name: &str) -> Vec<Advisory> {
    let mut out = Vec::new();
    for collection in [rustsec::Collection::Crates, rustsec::Collection::Rust] {
        let dir = root.join(collection.as_str()).join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort();
        for path in files {
            if let Ok(Some(a)) = super::db::parse_advisory(&path) {
                out.push(a);
            }
        }
    }
    out.sort_by(|a, b| a.metadata.id.as_str().cmp(b.metadata.id.as_str()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADVISORY: &str = r#"```toml
[advisory]
id = "RUSTSEC-2020-0001"
package = "acme"
date = "2020-01-02"
[versions]
patched = [">= 1.2.0"]
```

# Something

Details.
"#;

    fn advisory() -> Advisory {
        ADVISORY.parse().unwrap()
    }

    #[test]
    fn parsed_and_raw_groups_give_the_same_advisories() {
        let parsed = AdvisoryIndex::new(vec![advisory()]);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed.crates().collect::<Vec<_>>(), ["acme"]);
        let json = format!("xx{}", serde_json::to_string(&vec![advisory()]).unwrap());
        let raw = AdvisoryIndex::from_raw(
            1,
            BTreeMap::from([("acme".to_string(), 2..json.len())]),
            Arc::from(json.as_str()),
            Path::new("/nonexistent"),
        );
        let a = parsed.for_crate("acme");
        let b = raw.for_crate("acme");
        assert_eq!(a.len(), 1);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        assert!(raw.for_crate("other").is_empty());
    }

    #[test]
    fn a_damaged_group_is_read_again_from_the_database_files() {
        let db = tempfile::tempdir().unwrap();
        let dir = db.path().join("crates/acme");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("RUSTSEC-2020-0001.md"), ADVISORY).unwrap();
        let json = "[{\"not\": \"an advisory\"}]";
        #[allow(clippy::reversed_empty_ranges)]
        for range in [0..json.len(), 0..1000, 3..1] {
            let raw = AdvisoryIndex::from_raw(
                1,
                BTreeMap::from([("acme".to_string(), range)]),
                Arc::from(json),
                db.path(),
            );
            let found = raw.for_crate("acme");
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].metadata.id.as_str(), "RUSTSEC-2020-0001");
        }
    }
}
