//! Collection-time work for the audit: locate, fetch and load the
//! database; read other tools' ignore lists; look up yank status. The
//! result, [`AdvisoryFacts`], is what the checks and `audit` work from.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use super::audit::{self, Report, Settings, Target};
use super::db::{self, DbError, DbLocation, LoadedDb};
use super::fetch::{self, FetchOutcome};
use super::graph::DepGraph;
use super::ignores;
use super::yanked::{self, YankedFacts};
use crate::config::{AdvisoriesConfig, IgnoreRule};

/// How the audit should run.
#[derive(Debug, Clone)]
pub struct AdvisoryOptions {
    /// `--db PATH`.
    pub db_flag: Option<PathBuf>,
    /// The `[advisories]` configuration.
    pub config: AdvisoriesConfig,
    /// Whether the database may be fetched (`--offline`/`--no-fetch`/`fetch = false` say no).
    pub allow_fetch: bool,
    /// Whether yank status may be asked of the live index (else the local cache).
    pub online_index: bool,
    /// Whether to look up yank status at all.
    pub check_yanked: bool,
    /// `--ignore ID` from the command line.
    pub cli_ignores: Vec<String>,
    /// `--target TRIPLE`.
    pub target: Option<Target>,
    /// Where the parsed-database cache lives (`None`: no cache).
    pub cache_dir: Option<PathBuf>,
    /// The checkout under review: never fetched into, and no default
    /// location inside it.
    pub repository: Option<PathBuf>,
}

/// The database after fetching and loading.
#[derive(Debug, Clone)]
pub struct PreparedDb {
    /// Where it is and why there.
    pub location: DbLocation,
    /// What fetching did.
    pub fetch: FetchOutcome,
    /// The loaded database, or why not.
    pub db: Result<LoadedDb, DbError>,
    /// What the user should know about the choice (a setting not used).
    pub notes: Vec<String>,
}

/// Fetches (when allowed and needed) and loads the database.
pub fn prepare_db(opts: &AdvisoryOptions) -> PreparedDb {
    let mut notes = Vec::new();
    let location = match db::locate(
        opts.db_flag.as_deref(),
        &opts.config,
        opts.repository.as_deref(),
    ) {
        Ok(location) => location,
        Err(e) => {
            return PreparedDb {
                location: DbLocation {
                    path: PathBuf::new(),
                    origin: db::DbOrigin::Default,
                    fetchable: false,
                },
                fetch: FetchOutcome::Disabled,
                db: Err(e),
                notes,
            };
        }
    };
    // A database the user chose is filled from the default URL, not from
    // one the repository under review names (its own URL gets its own
    // directory under the default location instead).
    let url = if !opts.config.trusted
        && matches!(location.origin, db::DbOrigin::Flag | db::DbOrigin::Env)
        && !db::same_url(&opts.config.url, crate::config::DEFAULT_ADVISORY_DB_URL)
    {
        notes.push(format!(
            "[advisories] url = \"{}\" from the repository's configuration is not used for the database at {} ({}); it is fetched from {}",
            opts.config.url,
            location.path.display(),
            location.origin.describe(),
            crate::config::DEFAULT_ADVISORY_DB_URL
        ));
        crate::config::DEFAULT_ADVISORY_DB_URL
    } else {
        opts.config.url.as_str()
    };
    let allow_fetch = opts.allow_fetch && location.fetchable;
    if opts.allow_fetch && !location.fetchable {
        notes.push(format!(
            "the advisory database at {} ({}) is read as it is: {}",
            location.path.display(),
            location.origin.describe(),
            if location.origin == db::DbOrigin::Config {
                "the repository's configuration chose it, and the tool never fetches into the checkout under review"
            } else {
                "it is the repository under review, or holds it, and fetching would reset that checkout"
            }
        ));
    }
    // Another run may be fetching into the same database: fetch under the
    // exclusive lock (`ensure` then sees that run's fresh copy and does
    // nothing), load under a shared one. A plain directory the user manages
    // (or one never fetched into) gets no lock file beside it.
    let lock = if location.fetchable && fetch::is_fetchable(&location.path) {
        crate::fs_lock::FileLock::beside(&location.path)
    } else {
        crate::fs_lock::FileLock::none()
    };
    if allow_fetch && fetch::may_fetch(&location.path, opts.config.max_age) {
        lock.exclusive();
    }
    let fetch = fetch::ensure(&location.path, url, opts.config.max_age, allow_fetch);
    lock.unlock();
    lock.shared();
    let db = db::load(&location.path, opts.cache_dir.as_deref());
    drop(lock);
    PreparedDb {
        location,
        fetch,
        db,
        notes,
    }
}

/// Reads the ignore lists of other tools under `root`.
pub fn external_ignores(root: &Path) -> (Vec<IgnoreRule>, Vec<String>) {
    let mut rules = Vec::new();
    let mut problems = Vec::new();
    for file in ignores::FILES {
        let path = root.join(file);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        // Bounded, regular files only, never a symlink out of the repository:
        // a FIFO named `.cargo/audit.toml` must not hang the run.
        let text = match crate::facts::files::read_own_file(Some(root), &path) {
            Ok(text) => text,
            Err(problem) => {
                problems.push(format!("{file} {problem}; its ignores are not applied"));
                continue;
            }
        };
        let parsed = ignores::parse(file, &text);
        rules.extend(parsed.rules);
        problems.extend(parsed.problems);
    }
    (rules, problems)
}

/// Everything the advisory checks and `audit` need.
#[derive(Debug)]
pub struct AdvisoryFacts {
    /// The database.
    pub prepared: PreparedDb,
    /// Settings for the audit (all ignores merged, today, grace, dev level, target).
    pub settings: Settings,
    /// Problems reading other tools' ignore lists.
    pub ignore_problems: Vec<String>,
    /// Yank status (`None` when not looked up).
    pub yanked: Option<YankedFacts>,
    /// `max-age` from the configuration.
    pub max_age: Duration,
    /// Whether fetching was allowed.
    pub fetch_allowed: bool,
    /// The time of the run, read once at collection.
    pub now: jiff::Timestamp,
    report: OnceLock<Option<Report>>,
}

impl AdvisoryFacts {
    /// Assembles the facts once the lockfile and graph are known.
    pub fn new(
        prepared: PreparedDb,
        opts: &AdvisoryOptions,
        root: &Path,
        lock: Option<&cargo_lock::Lockfile>,
    ) -> AdvisoryFacts {
        let (external, ignore_problems) = external_ignores(root);
        let mut ignores = opts.config.ignore.clone();
        ignores.extend(opts.cli_ignores.iter().map(|id| IgnoreRule {
            id: id.clone(),
            reason: None,
            until: None,
            source: "--ignore".into(),
        }));
        ignores.extend(external);
        let yanked = match (opts.check_yanked, lock) {
            (true, Some(lock)) => Some(yanked::collect(
                &yanked::crates_io_packages(lock),
                !opts.online_index,
            )),
            _ => None,
        };
        AdvisoryFacts {
            prepared,
            settings: Settings {
                ignores,
                today: crate::util::today(),
                grace_days: opts.config.grace_days,
                dev_level: opts.config.dev,
                target: opts.target.clone(),
            },
            ignore_problems,
            yanked,
            max_age: opts.config.max_age,
            fetch_allowed: opts.allow_fetch,
            now: crate::util::now(),
            report: OnceLock::new(),
        }
    }

    /// The audit of `lock` (kinds and paths from `graph`), computed once.
    pub fn report(&self, lock: &cargo_lock::Lockfile, graph: &DepGraph) -> Option<&Report> {
        self.report
            .get_or_init(|| {
                let db = self.prepared.db.as_ref().ok()?;
                Some(audit::audit(
                    &db.advisories,
                    lock,
                    graph,
                    self.yanked.as_ref(),
                    &self.settings,
                ))
            })
            .as_ref()
    }

    /// How old the database's content is, when known.
    pub fn age(&self) -> Option<Duration> {
        let db = self.prepared.db.as_ref().ok()?;
        let updated = db.last_updated?;
        let secs = self.now.as_second() - updated.as_second();
        u64::try_from(secs).ok().map(Duration::from_secs)
    }

    /// A one-line account of the database: where, how old, what fetching did.
    pub fn describe(&self) -> String {
        let p = &self.prepared;
        let mut s = format!(
            "{} (from {})",
            p.location.path.display(),
            p.location.origin.describe()
        );
        if let Ok(db) = &p.db {
            s.push_str(&format!(", {} advisories", db.advisories.len()));
            if let Some(updated) = db.last_updated {
                let what = if db.is_git {
                    "last commit"
                } else {
                    "newest advisory"
                };
                s.push_str(&format!(", {what} {}", updated.strftime("%Y-%m-%d")));
            }
        }
        s
    }
}

/// A human duration: "3 days", "5 hours".
pub fn human_age(d: Duration) -> String {
    let hours = d.as_secs() / 3600;
    if hours >= 48 {
        format!("{} days", hours / 24)
    } else if hours >= 1 {
        format!("{hours} hours")
    } else {
        format!("{} minutes", d.as_secs() / 60)
    }
}
