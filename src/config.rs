//! Configuration: `readiness.toml`, or `[workspace.metadata.readiness]` /
//! `[package.metadata.readiness]` in the root `Cargo.toml` (same keys).
//!
//! Unknown keys, unknown check ids and bad values are errors naming the file,
//! the key and the line: configuration that silently does nothing is worse
//! than none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::checks::{self, Category, Level};
use crate::error::{Error, Result};
use crate::score::Profile;
use crate::util::{close_matches, line_of_offset};

/// The file name looked for at the workspace root.
pub const FILE_NAME: &str = "readiness.toml";

/// Validated configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Gate profile.
    pub profile: Option<Profile>,
    /// Minimum score for the gate.
    pub min_score: Option<f64>,
    /// Per-check level overrides.
    pub checks: BTreeMap<String, Level>,
    /// Per-category weight overrides.
    pub weights: BTreeMap<Category, u32>,
    /// `[advisories]`: the RustSec audit.
    pub advisories: AdvisoriesConfig,
    /// `[licenses]`, `[sources]`, `[bans]` (or those of `deny.toml`).
    pub policy: crate::policy::Policy,
    /// Parts of `deny.toml` that could not be read.
    pub policy_problems: Vec<String>,
    /// Policy sections (`licenses`, `sources`, `bans`) that `deny.toml`
    /// would have supplied but that could not be read, with the reason:
    /// their checks report `error`, never a pass without the policy.
    pub policy_unreadable: BTreeMap<String, String>,
    /// Keys of `deny.toml` and `.cargo/audit.toml` that readiness does not
    /// apply: each is a note on the check it concerns.
    pub peer_notes: Vec<crate::policy::peer_keys::KeyNote>,
    /// `[scan]`: reading the Rust sources.
    pub scan: ScanConfig,
    /// `baseline`: a baseline file, relative to the workspace root.
    pub baseline: Option<PathBuf>,
    /// `[pinned-actions] allow`: action patterns (`actions/*`,
    /// `owner/repo`) that need not be pinned to a commit SHA.
    pub pinned_actions_allow: Vec<String>,
    /// `[[suppress]]`: findings reported but not counted, each with its reason.
    pub suppress: Vec<SuppressRule>,
    /// Where the configuration came from (for messages), if anywhere.
    pub source: Option<String>,
    /// Whether it came from outside the repository under review (a file the
    /// user named with `--config` that lies outside it). A repository's own
    /// configuration may not choose where the tool writes or what it
    /// fetches: see [`Trust`].
    pub trusted: bool,
}

/// Whose configuration a file is, which bounds what it may ask for
/// (`docs/security-model.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// A file outside the repository, named by the user: any setting.
    User,
    /// `readiness.toml`, `Cargo.toml` metadata, or any file inside the
    /// repository: the advisory database only inside the repository (and
    /// never fetched into), fetched only from an `https://` URL and at
    /// most hourly, a baseline only inside the repository.
    Repository {
        /// The repository's top directory.
        top: PathBuf,
        /// The workspace root.
        root: PathBuf,
    },
}

/// How often a repository's configuration may have the database fetched.
pub const MIN_REPOSITORY_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// `[scan]` settings: how the Rust sources are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanConfig {
    /// `max-file-size`: larger `.rs` files are skipped with a note.
    pub max_file_size: u64,
}

/// Default `[scan] max-file-size`: 10 MB, far above hand-written code, so
/// only generated tables and data files are skipped.
pub const DEFAULT_MAX_SCAN_FILE_SIZE: u64 = 10 * 1024 * 1024;

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            max_file_size: DEFAULT_MAX_SCAN_FILE_SIZE,
        }
    }
}

/// The default advisory database repository.
pub const DEFAULT_ADVISORY_DB_URL: &str = "https://github.com/rustsec/advisory-db";

/// `[advisories]` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoriesConfig {
    /// `db`: where the advisory database is (tilde expanded).
    pub db: Option<PathBuf>,
    /// Whether `db` and `url` came from the user rather than the
    /// repository under review: a repository's database is read, never
    /// fetched into, and its URL never fills a database the user chose.
    pub trusted: bool,
    /// `fetch`: whether the database may be fetched or updated.
    pub fetch: bool,
    /// `url`: the git repository to fetch from.
    pub url: String,
    /// `max-age`: older than this, the database is updated (when fetching is
    /// allowed) or reported as stale.
    pub max_age: std::time::Duration,
    /// `ignore`: advisories not to report, each with a reason.
    pub ignore: Vec<IgnoreRule>,
    /// `grace-days`: advisories published fewer days ago warn instead of failing.
    pub grace_days: u32,
    /// `dev`: level of vulnerabilities reachable only through dev-dependencies.
    pub dev: Level,
}

impl Default for AdvisoriesConfig {
    fn default() -> Self {
        AdvisoriesConfig {
            db: None,
            trusted: false,
            fetch: true,
            url: DEFAULT_ADVISORY_DB_URL.to_string(),
            max_age: std::time::Duration::from_secs(24 * 3600),
            ignore: Vec::new(),
            grace_days: 0,
            dev: Level::Deny,
        }
    }
}

/// One ignored advisory, from any of the files that can declare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRule {
    /// `RUSTSEC-…`, `CVE-…` or `GHSA-…`.
    pub id: String,
    /// Why it is ignored.
    pub reason: Option<String>,
    /// Past this date the ignore stops applying.
    pub until: Option<jiff::civil::Date>,
    /// Where it was declared, e.g. `readiness.toml:12` or `deny.toml`.
    pub source: String,
}

/// One `[[suppress]]` entry: the findings of one check that it sets aside.
#[derive(Debug, Clone)]
pub struct SuppressRule {
    /// The check whose findings it suppresses.
    pub check: String,
    /// Only findings in files matching this gitignore-style pattern
    /// (relative to the workspace root).
    pub path: Option<crate::parse::glob::Pattern>,
    /// Only findings whose message contains this text.
    pub matches: Option<String>,
    /// Why: required, shown with every finding it suppresses.
    pub reason: String,
    /// Past this date it stops suppressing, and the run says so.
    pub until: Option<jiff::civil::Date>,
    /// Where it is written, e.g. `readiness.toml:12`.
    pub source: String,
}

impl PartialEq for SuppressRule {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
            && self.check == other.check
            && self.path.as_ref().map(|p| &p.text) == other.path.as_ref().map(|p| &p.text)
            && self.matches == other.matches
            && self.reason == other.reason
            && self.until == other.until
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppress {
    check: String,
    path: Option<String>,
    #[serde(rename = "match")]
    matches: Option<String>,
    reason: Option<String>,
    until: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    profile: Option<Spanned<String>>,
    min_score: Option<Spanned<f64>>,
    checks: Option<BTreeMap<String, Spanned<String>>>,
    weights: Option<BTreeMap<String, Spanned<i64>>>,
    pinned_actions: Option<RawPinnedActions>,
    advisories: Option<RawAdvisories>,
    licenses: Option<Spanned<toml::Value>>,
    sources: Option<Spanned<toml::Value>>,
    bans: Option<Spanned<toml::Value>>,
    scan: Option<RawScan>,
    baseline: Option<Spanned<String>>,
    suppress: Option<Vec<Spanned<RawSuppress>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawScan {
    max_file_size: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAdvisories {
    db: Option<Spanned<String>>,
    fetch: Option<bool>,
    url: Option<Spanned<String>>,
    max_age: Option<Spanned<String>>,
    ignore: Option<Vec<Spanned<RawIgnore>>>,
    grace_days: Option<Spanned<i64>>,
    dev: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    id: String,
    reason: Option<String>,
    until: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPinnedActions {
    allow: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
struct ManifestView {
    workspace: Option<MetadataHolder>,
    package: Option<MetadataHolder>,
}

#[derive(Debug, Deserialize)]
struct MetadataHolder {
    metadata: Option<ReadinessHolder>,
}

#[derive(Debug, Deserialize)]
struct ReadinessHolder {
    readiness: Option<RawConfig>,
}

/// Loads the configuration for the workspace at `root` (in the repository
/// whose top is `top`): `explicit` if given, else `readiness.toml`, else the
/// root `Cargo.toml`'s metadata tables.
pub fn load(root: &Path, top: &Path, explicit: Option<&Path>) -> Result<Config> {
    let repository = Trust::Repository {
        top: top.to_path_buf(),
        root: root.to_path_buf(),
    };
    let mut config = load_own(root, explicit, &repository)?;
    // Teams already on cargo-deny keep one policy: what readiness does not
    // configure itself is read from deny.toml.
    // cargo-deny's own search order; the first one found is its file.
    let deny_name = DENY_FILES
        .iter()
        .copied()
        .find(|f| std::fs::symlink_metadata(root.join(f)).is_ok())
        .unwrap_or(DENY_FILES[0]);
    let deny = root.join(deny_name);
    // The sections deny.toml supplies (readiness's own come first).
    let open: Vec<&'static str> = [
        ("licenses", config.policy.licenses.source.is_none()),
        ("sources", config.policy.sources.source.is_none()),
        ("bans", config.policy.bans.source.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, open)| open.then_some(name))
    .collect();
    let mut unreadable = |section: Option<&'static str>, why: &str| {
        for name in &open {
            if section.is_none_or(|s| s == *name) {
                config
                    .policy_unreadable
                    .insert(name.to_string(), why.to_string());
            }
        }
    };
    let text = if std::fs::symlink_metadata(&deny).is_ok() {
        match crate::facts::files::read_own_file(Some(root), &deny) {
            Ok(text) => Some(text),
            Err(problem) => {
                let why = format!("{deny_name} {problem}");
                unreadable(None, &why);
                if !open.is_empty() {
                    config
                        .policy_problems
                        .push(format!("{why}; its policy is not applied"));
                }
                None
            }
        }
    } else {
        None
    };
    if let Some(text) = &text {
        config.peer_notes = deny_key_notes(deny_name, text, &open);
    }
    config.peer_notes.extend(audit_key_notes(root));
    if let Some(text) = text.filter(|_| !open.is_empty()) {
        let (from_deny, problems) = crate::policy::from_deny_toml(deny_name, &text);
        for problem in &problems {
            unreadable(problem.section, &problem.message);
        }
        let p = &mut config.policy;
        if p.licenses.source.is_none() && from_deny.licenses.source.is_some() {
            p.licenses = from_deny.licenses;
        }
        if p.sources.source.is_none() && from_deny.sources.source.is_some() {
            p.sources = from_deny.sources;
        }
        if p.bans.source.is_none() && from_deny.bans.source.is_some() {
            p.bans = from_deny.bans;
        }
        config.policy_problems.extend(
            problems
                .into_iter()
                .map(|p| format!("{}; not applied", p.message)),
        );
    }
    Ok(config)
}

/// Where cargo-deny looks for its configuration, in its order.
const DENY_FILES: &[&str] = &["deny.toml", ".deny.toml", ".cargo/deny.toml"];

/// The notes for `deny.toml`'s keys: those not honoured, and each policy
/// section readiness.toml configures itself (`open`: the sections
/// deny.toml supplies).
fn deny_key_notes(
    name: &str,
    text: &str,
    open: &[&'static str],
) -> Vec<crate::policy::peer_keys::KeyNote> {
    use crate::policy::peer_keys::{self, KeyNote};
    let mut notes = Vec::new();
    for note in peer_keys::unhonoured(name, text, peer_keys::DENY_TOML) {
        let section = note.key.split('.').next().unwrap_or("");
        let ours = ["licenses", "sources", "bans"].contains(&section);
        if !ours || open.contains(&section) {
            notes.push(note);
        }
    }
    for (section, check) in [
        ("licenses", "dependency-licenses"),
        ("sources", "sources"),
        ("bans", "bans"),
    ] {
        let header = format!("[{section}]");
        let Some(line) = text
            .lines()
            .position(|l| l.trim_start().starts_with(&header))
        else {
            continue;
        };
        if open.contains(&section) {
            continue;
        }
        notes.push(KeyNote {
            check,
            path: name.to_string(),
            line: line + 1,
            key: section.to_string(),
            message: format!(
                "`[{section}]` in {name} is not applied: readiness.toml configures [{section}] itself"
            ),
        });
    }
    notes
}

/// The notes for `.cargo/audit.toml`'s keys readiness does not honour
/// (its ignores are read with the other tools' ignore lists).
fn audit_key_notes(root: &Path) -> Vec<crate::policy::peer_keys::KeyNote> {
    use crate::policy::peer_keys;
    const AUDIT: &str = ".cargo/audit.toml";
    let path = root.join(AUDIT);
    if std::fs::symlink_metadata(&path).is_err() {
        return Vec::new();
    }
    // Unreadable: the advisories check already says so.
    match crate::facts::files::read_own_file(Some(root), &path) {
        Ok(text) => peer_keys::unhonoured(AUDIT, &text, peer_keys::AUDIT_TOML),
        Err(_) => Vec::new(),
    }
}

fn load_own(root: &Path, explicit: Option<&Path>, repository: &Trust) -> Result<Config> {
    if let Some(path) = explicit {
        // A file inside the repository is the repository's, whoever names it.
        let absolute = std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf());
        let trust = match repository {
            Trust::Repository { top, .. } if !is_inside(&absolute, top) => Trust::User,
            _ => repository.clone(),
        };
        return load_file_with(path, &read(path, None)?, &trust);
    }
    let file = root.join(FILE_NAME);
    // Anything there (a FIFO, a dangling symlink) is read or refused with
    // its reason, never silently passed over.
    if std::fs::symlink_metadata(&file).is_ok() {
        return load_file_with(&file, &read(&file, Some(root))?, repository);
    }
    let manifest = root.join("Cargo.toml");
    if manifest.is_file() {
        let text = read(&manifest, Some(root))?;
        let view: ManifestView =
            toml::from_str(&text).map_err(|e| toml_error(&manifest, &text, e))?;
        let (raw, table) = match (
            view.workspace
                .and_then(|w| w.metadata)
                .and_then(|m| m.readiness),
            view.package
                .and_then(|p| p.metadata)
                .and_then(|m| m.readiness),
        ) {
            (Some(raw), _) => (raw, "[workspace.metadata.readiness]"),
            (None, Some(raw)) => (raw, "[package.metadata.readiness]"),
            (None, None) => return Ok(Config::default()),
        };
        let mut config = validate(raw, &manifest, &text, repository)?;
        config.source = Some(format!("Cargo.toml {table}"));
        return Ok(config);
    }
    Ok(Config::default())
}

/// Reads a configuration file: bounded, regular, text, and (unless the
/// user named it) not a symlink out of the workspace.
fn read(path: &Path, root: Option<&Path>) -> Result<String> {
    use crate::facts::files::{self, TextProblem};
    files::read_own_file(root, path).map_err(|problem| Error::Config {
        path: path.to_path_buf(),
        line: match problem {
            TextProblem::NotUtf8 { line } => Some(line),
            _ => None,
        },
        message: format!("the file {problem}"),
    })
}

/// Parses and validates one configuration file's text, as the user's own
/// (unit tests and tools; a run loads files through [`load`]).
pub fn load_file(path: &Path, text: &str) -> Result<Config> {
    load_file_with(path, text, &Trust::User)
}

/// Parses and validates one configuration file's text with `trust`.
pub fn load_file_with(path: &Path, text: &str, trust: &Trust) -> Result<Config> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
    let mut config = validate(raw, path, text, trust)?;
    config.source = Some(
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
    );
    Ok(config)
}

fn toml_error(path: &Path, text: &str, e: toml::de::Error) -> Error {
    Error::Config {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of_offset(text, s.start)),
        message: e.message().trim().to_string(),
    }
}

fn validate(raw: RawConfig, path: &Path, text: &str, trust: &Trust) -> Result<Config> {
    let err = |span: std::ops::Range<usize>, message: String| Error::Config {
        path: PathBuf::from(path),
        line: Some(line_of_offset(text, span.start)),
        message,
    };
    let mut config = Config {
        trusted: *trust == Trust::User,
        ..Config::default()
    };
    config.advisories.trusted = config.trusted;
    if let Some(p) = raw.profile {
        config.profile = Some(Profile::parse(p.get_ref()).ok_or_else(|| {
            err(
                p.span(),
                format!(
                    "`profile = \"{}\"`: expected one of minimal, production, strict",
                    p.get_ref()
                ),
            )
        })?);
    }
    if let Some(s) = raw.min_score {
        let v = *s.get_ref();
        if !(0.0..=100.0).contains(&v) {
            return Err(err(
                s.span(),
                format!("`min-score = {v}`: expected a number from 0 to 100"),
            ));
        }
        config.min_score = Some(v);
    }
    for (id, level) in raw.checks.unwrap_or_default() {
        if checks::find(&id).is_none() {
            let hint = close_matches(&id, checks::ALL.iter().map(|c| c.id()));
            let hint = if hint.is_empty() {
                "run `cargo readiness list` for the ids".to_string()
            } else {
                format!("did you mean {}?", hint.join(", "))
            };
            return Err(err(
                level.span(),
                format!("[checks] `{id}`: no such check; {hint}"),
            ));
        }
        let parsed = Level::parse(level.get_ref()).ok_or_else(|| {
            err(
                level.span(),
                format!(
                    "[checks] `{id} = \"{}\"`: expected \"deny\", \"warn\" or \"allow\"",
                    level.get_ref()
                ),
            )
        })?;
        config.checks.insert(id, parsed);
    }
    let weights_line = raw
        .weights
        .as_ref()
        .and_then(|w| w.values().map(|v| v.span()).min_by_key(|s| s.start));
    for (id, weight) in raw.weights.unwrap_or_default() {
        let category = Category::from_id(&id).ok_or_else(|| {
            let ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
            err(
                weight.span(),
                format!(
                    "[weights] `{id}`: no such category; expected one of {}",
                    ids.join(", ")
                ),
            )
        })?;
        let w = *weight.get_ref();
        let w = u32::try_from(w)
            .ok()
            .filter(|w| *w <= 1000)
            .ok_or_else(|| {
                err(
                    weight.span(),
                    format!("[weights] `{id} = {w}`: expected an integer from 0 to 1000"),
                )
            })?;
        config.weights.insert(category, w);
    }
    if let Some(span) = weights_line {
        let total: u32 = Category::ALL
            .iter()
            .map(|c| config.weights.get(c).copied().unwrap_or(c.default_weight()))
            .sum();
        if total == 0 {
            return Err(err(
                span,
                "[weights]: every category weighs 0, so no score can be computed; give at least one a weight".into(),
            ));
        }
    }
    if let Some(b) = raw.baseline {
        if let Trust::Repository { top, root } = trust {
            // Read relative to the workspace root: it must stay inside.
            let resolved = normalize(&root.join(b.get_ref()));
            if Path::new(b.get_ref()).is_absolute() || !is_inside(&resolved, top) {
                return Err(err(
                    b.span(),
                    format!(
                        "`baseline = \"{}\"`: a repository's configuration can only name a baseline inside the repository; pass --baseline PATH for another",
                        b.get_ref()
                    ),
                ));
            }
        }
        config.baseline = Some(PathBuf::from(b.into_inner()));
    }
    for pattern in raw.pinned_actions.and_then(|p| p.allow).unwrap_or_default() {
        if !is_action_pattern(pattern.get_ref()) {
            return Err(err(
                pattern.span(),
                format!(
                    "[pinned-actions] allow: `{}` is not an action pattern; expected `owner/*`, `owner/repo` or `owner/repo/path`",
                    pattern.get_ref()
                ),
            ));
        }
        config.pinned_actions_allow.push(pattern.into_inner());
    }
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    if let Some(v) = raw.licenses {
        let span = v.span();
        let mut p = crate::policy::licenses(v.get_ref(), true).map_err(|m| err(span, m))?;
        p.source = Some(source_name.clone());
        config.policy.licenses = p;
    }
    if let Some(v) = raw.sources {
        let span = v.span();
        let mut p = crate::policy::sources(v.get_ref(), true).map_err(|m| err(span, m))?;
        p.source = Some(source_name.clone());
        config.policy.sources = p;
    }
    if let Some(v) = raw.bans {
        let span = v.span();
        let mut p = crate::policy::bans(v.get_ref(), true).map_err(|m| err(span, m))?;
        p.source = Some(source_name.clone());
        config.policy.bans = p;
    }
    for entry in raw.suppress.unwrap_or_default() {
        let span = entry.span();
        let line = line_of_offset(text, span.start);
        let rule = suppress_rule(entry.into_inner(), &format!("{source_name}:{line}"))
            .map_err(|m| err(span, m))?;
        config.suppress.push(rule);
    }
    if let Some(scan) = raw.scan
        && let Some(v) = scan.max_file_size
    {
        config.scan.max_file_size = parse_size(v.get_ref()).ok_or_else(|| {
                err(
                    v.span(),
                    format!(
                        "[scan] `max-file-size = {}`: expected a size such as \"10 MB\", \"512 KB\" or a number of bytes (at least 1 KB)",
                        v.get_ref()
                    ),
                )
            })?;
    }
    if let Some(adv) = raw.advisories {
        let source_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let a = &mut config.advisories;
        // A relative path is relative to the file that says it, not to
        // wherever the tool happens to run.
        if let Some(d) = adv.db {
            let p = match trust {
                Trust::User => expand_tilde(d.get_ref()),
                Trust::Repository { .. } => PathBuf::from(d.get_ref()),
            };
            let p = if p.is_relative() {
                path.parent().unwrap_or(Path::new(".")).join(p)
            } else {
                p
            };
            if let Trust::Repository { top, root } = trust
                && let Some(why) = repository_db_problem(d.get_ref(), &p, top, root)
            {
                return Err(err(
                    d.span(),
                    format!(
                        "[advisories] `db = \"{}\"`: {why}; a repository's configuration can only name a database inside it (which is read, never fetched into). Pass --db PATH or set CARGO_READINESS_ADVISORY_DB for another",
                        d.get_ref()
                    ),
                ));
            }
            a.db = Some(p);
        }
        if let Some(f) = adv.fetch {
            a.fetch = f;
        }
        if let Some(u) = adv.url {
            if matches!(trust, Trust::Repository { .. }) && !is_plain_https(u.get_ref()) {
                return Err(err(
                    u.span(),
                    format!(
                        "[advisories] `url = \"{}\"`: a repository's configuration can only name an https:// URL without credentials",
                        u.get_ref()
                    ),
                ));
            }
            a.url = u.into_inner();
        }
        if let Some(m) = adv.max_age {
            a.max_age = parse_duration(m.get_ref()).ok_or_else(|| {
                err(
                    m.span(),
                    format!("[advisories] `max-age = \"{}\"`: expected a duration such as \"1d\", \"12h\" or \"30m\"", m.get_ref()),
                )
            })?;
            if matches!(trust, Trust::Repository { .. }) && a.max_age < MIN_REPOSITORY_MAX_AGE {
                return Err(err(
                    m.span(),
                    format!(
                        "[advisories] `max-age = \"{}\"`: a repository's configuration cannot have the database fetched more than hourly (at least \"1h\")",
                        m.get_ref()
                    ),
                ));
            }
        }
        if let Some(g) = adv.grace_days {
            let v = *g.get_ref();
            a.grace_days = u32::try_from(v)
                .ok()
                .filter(|v| *v <= 3650)
                .ok_or_else(|| {
                    err(
                        g.span(),
                        format!("[advisories] `grace-days = {v}`: expected 0 to 3650"),
                    )
                })?;
        }
        if let Some(d) = adv.dev {
            a.dev = match d.get_ref().as_str() {
                "deny" => Level::Deny,
                "warn" => Level::Warn,
                other => {
                    return Err(err(
                        d.span(),
                        format!("[advisories] `dev = \"{other}\"`: expected \"deny\" or \"warn\""),
                    ));
                }
            };
        }
        for entry in adv.ignore.unwrap_or_default() {
            let span = entry.span();
            let line = line_of_offset(text, span.start);
            let raw = entry.into_inner();
            if !is_advisory_id(&raw.id) {
                return Err(err(
                    span,
                    format!(
                        "[advisories] ignore `{}`: expected an id like RUSTSEC-2024-0001, CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx",
                        raw.id
                    ),
                ));
            }
            if raw.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(err(
                    span,
                    format!(
                        "[advisories] ignore `{}` needs a `reason`: say why it does not apply, so the next reader can judge",
                        raw.id
                    ),
                ));
            }
            let until = match raw.until {
                Some(u) => Some(u.parse::<jiff::civil::Date>().map_err(|_| {
                    err(span.clone(), format!("[advisories] ignore `{}`: `until = \"{u}\"` is not a date (YYYY-MM-DD)", raw.id))
                })?),
                None => None,
            };
            a.ignore.push(IgnoreRule {
                id: raw.id,
                reason: raw.reason,
                until,
                source: format!("{source_name}:{line}"),
            });
        }
    }
    Ok(config)
}

/// One `[[suppress]]` entry validated: a known check, a reason, a path
/// pattern that compiles, a date; and something narrower than the whole
/// check (that is `[checks] ID = "allow"`).
fn suppress_rule(raw: RawSuppress, source: &str) -> std::result::Result<SuppressRule, String> {
    if checks::find(&raw.check).is_none() {
        let hint = close_matches(&raw.check, checks::ALL.iter().map(|c| c.id()));
        let hint = if hint.is_empty() {
            "run `cargo readiness list` for the ids".to_string()
        } else {
            format!("did you mean {}?", hint.join(", "))
        };
        return Err(format!(
            "[[suppress]] `check = \"{}\"`: no such check; {hint}",
            raw.check
        ));
    }
    let Some(reason) = raw
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
    else {
        return Err(format!(
            "[[suppress]] for `{}` needs a `reason`: say why the finding does not apply, so the next reader can judge",
            raw.check
        ));
    };
    if raw.path.is_none() && raw.matches.as_deref().is_none_or(str::is_empty) {
        return Err(format!(
            "[[suppress]] for `{0}` needs a `path` or a `match`: to silence the whole check, set `[checks] {0} = \"allow\"`",
            raw.check
        ));
    }
    if let Some(p) = raw.path.as_deref().filter(|p| p.starts_with('!')) {
        return Err(format!(
            "[[suppress]] `path = \"{p}\"`: a pattern cannot be negated here; name the files it covers"
        ));
    }
    let path = match raw.path {
        Some(p) => Some(
            crate::parse::glob::Pattern::new(&p, crate::parse::glob::Dialect::Gitignore).map_err(
                |e| {
                    format!(
                        "[[suppress]] `path = \"{p}\"`: not a usable pattern ({})",
                        e.reason
                    )
                },
            )?,
        ),
        None => None,
    };
    let until = match raw.until {
        Some(u) => Some(u.parse::<jiff::civil::Date>().map_err(|_| {
            format!(
                "[[suppress]] for `{}`: `until = \"{u}\"` is not a date (YYYY-MM-DD)",
                raw.check
            )
        })?),
        None => None,
    };
    Ok(SuppressRule {
        check: raw.check,
        path,
        matches: raw.matches.filter(|m| !m.is_empty()),
        reason,
        until,
        source: source.to_string(),
    })
}

/// Why a repository's `[advisories] db` (as written, and resolved) is
/// refused: outside the repository, the repository itself, or the
/// workspace root or one of its parents (fetching there would reset the
/// user's checkout).
fn repository_db_problem(
    written: &str,
    resolved: &Path,
    top: &Path,
    root: &Path,
) -> Option<String> {
    if written.trim().is_empty() {
        return Some("empty".into());
    }
    if written.starts_with('~') || Path::new(written).is_absolute() {
        return Some("an absolute path".into());
    }
    let lexical = normalize(resolved);
    if !is_inside(&lexical, top) {
        return Some("outside the repository".into());
    }
    let root = normalize(root);
    if root.starts_with(&lexical) {
        return Some("the repository itself, or a directory that holds it".into());
    }
    // Through symlinks too, where it exists.
    if let (Ok(real), Ok(real_top)) = (std::fs::canonicalize(&lexical), std::fs::canonicalize(top))
    {
        if !real.starts_with(&real_top) || real == real_top {
            return Some("a symlink out of the repository".into());
        }
        if std::fs::canonicalize(&root).is_ok_and(|r| r.starts_with(&real)) {
            return Some("the repository itself, or a directory that holds it".into());
        }
    }
    None
}

/// `path` with `.` and `..` resolved without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether `path` is `top` or below it, lexically and (where both exist)
/// through symlinks.
pub fn is_inside(path: &Path, top: &Path) -> bool {
    let lexical = normalize(path).starts_with(normalize(top));
    match (std::fs::canonicalize(path), std::fs::canonicalize(top)) {
        (Ok(real), Ok(real_top)) => lexical && real.starts_with(real_top),
        _ => lexical,
    }
}

/// An `https://` URL with a host and no credentials in it.
fn is_plain_https(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    !authority.is_empty()
        && !authority.contains('@')
        && !url.contains(char::is_whitespace)
        && !url.contains(char::is_control)
}

/// `owner/*`, `owner/repo`, `owner/repo/*`, `owner/repo/path` (no ref).
fn is_action_pattern(p: &str) -> bool {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let mut parts = p.split('/');
    let owner = parts.next().unwrap_or("");
    let repo = parts.next().unwrap_or("");
    name_ok(owner)
        && (repo == "*" || name_ok(repo))
        && !p.contains('@')
        && !p.contains(char::is_whitespace)
}

/// Whether `id` looks like a RustSec, CVE or GHSA identifier.
pub fn is_advisory_id(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    (upper.starts_with("RUSTSEC-") || upper.starts_with("CVE-") || upper.starts_with("GHSA-"))
        && id.len() > 8
        && !id.contains(char::is_whitespace)
}

/// `~/x` → `$HOME/x`.
pub fn expand_tilde(path: &str) -> PathBuf {
    match path
        .strip_prefix("~/")
        .or_else(|| (path == "~").then_some(""))
    {
        Some(rest) => home_dir()
            .map(|h| h.join(rest))
            .unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    }
}

/// The user's home directory.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// A size: a number of bytes, or a string `"10 MB"`, `"512KB"`, `"1 GB"`,
/// `"2048 B"` (1 KB = 1024 bytes); at least 1 KB.
pub fn parse_size(v: &toml::Value) -> Option<u64> {
    let bytes = match v {
        toml::Value::Integer(n) => u64::try_from(*n).ok()?,
        toml::Value::String(s) => {
            let s = s.trim();
            let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            let n: u64 = s[..split].parse().ok()?;
            let unit = s[split..].trim().to_ascii_uppercase();
            let factor: u64 = match unit.as_str() {
                "" | "B" => 1,
                "K" | "KB" | "KIB" => 1024,
                "M" | "MB" | "MIB" => 1024 * 1024,
                "G" | "GB" | "GIB" => 1024 * 1024 * 1024,
                _ => return None,
            };
            n.checked_mul(factor)?
        }
        _ => return None,
    };
    (bytes >= 1024).then_some(bytes)
}

/// `"1d"`, `"12h"`, `"30m"`, `"45s"` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: u64 = num.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        "w" => n.checked_mul(7 * 86_400)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        load_file(Path::new("readiness.toml"), text)
    }

    fn line_of(e: Error) -> Option<usize> {
        match e {
            Error::Config { line, .. } => line,
            _ => None,
        }
    }

    #[test]
    fn full_config() {
        let c = parse("profile = \"strict\"\nmin-score = 80\n[checks]\nreadme = \"allow\"\n[weights]\nsecurity = 30\n").unwrap();
        assert_eq!(c.profile, Some(Profile::Strict));
        assert_eq!(c.min_score, Some(80.0));
        assert_eq!(c.checks.get("readme"), Some(&Level::Allow));
        assert_eq!(c.weights.get(&Category::Security), Some(&30));
    }

    #[test]
    fn unknown_key_names_line() {
        let e = parse("profile = \"strict\"\nbogus = 1\n").unwrap_err();
        assert!(e.to_string().contains("bogus"), "{e}");
        assert_eq!(line_of(e), Some(2));
    }

    #[test]
    fn unknown_check_suggests() {
        let e = parse("\n[checks]\nlicence-files = \"warn\"\n").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("license-files"), "{msg}");
        assert_eq!(line_of(e), Some(3));
    }

    #[test]
    fn pinned_actions_allow() {
        let c = parse("[pinned-actions]\nallow = [\"actions/*\", \"github/codeql-action/*\"]\n")
            .unwrap();
        assert_eq!(
            c.pinned_actions_allow,
            vec!["actions/*", "github/codeql-action/*"]
        );
        let e = parse("[pinned-actions]\nallow = [\n  \"actions/checkout@v4\",\n]\n").unwrap_err();
        assert_eq!(line_of(e), Some(3));
        assert!(parse("[pinned-actions]\ndeny = []\n").is_err());
    }

    #[test]
    fn advisories_section() {
        let c = parse(
            "[advisories]\ndb = \"/tmp/db\"\nfetch = false\nmax-age = \"12h\"\ngrace-days = 7\ndev = \"warn\"\nignore = [\n  { id = \"RUSTSEC-2023-0071\", reason = \"no network exposure\", until = \"2027-01-31\" },\n]\n",
        )
        .unwrap();
        let a = &c.advisories;
        assert_eq!(a.db.as_deref(), Some(Path::new("/tmp/db")));
        let rel = load_file(
            Path::new("/repo/readiness.toml"),
            "[advisories]\ndb = \"vendor/advisory-db\"\n",
        )
        .unwrap();
        assert_eq!(
            rel.advisories.db.as_deref(),
            Some(Path::new("/repo/vendor/advisory-db"))
        );
        assert!(!a.fetch);
        assert_eq!(a.max_age.as_secs(), 12 * 3600);
        assert_eq!(a.grace_days, 7);
        assert_eq!(a.dev, Level::Warn);
        assert_eq!(a.ignore[0].id, "RUSTSEC-2023-0071");
        assert_eq!(
            a.ignore[0].until.map(|d| d.to_string()),
            Some("2027-01-31".into())
        );
        assert_eq!(a.ignore[0].source, "readiness.toml:8");
    }

    #[test]
    fn ignore_needs_reason_and_valid_date() {
        let e = parse("[advisories]\nignore = [{ id = \"RUSTSEC-2023-0071\" }]\n").unwrap_err();
        assert!(e.to_string().contains("needs a `reason`"), "{e}");
        assert_eq!(line_of(e), Some(2));
        let e = parse("[advisories]\nignore = [{ id = \"RUSTSEC-2023-0071\", reason = \"x\", until = \"soon\" }]\n").unwrap_err();
        assert!(e.to_string().contains("not a date"), "{e}");
        assert!(parse("[advisories]\nignore = [{ id = \"nope\", reason = \"x\" }]\n").is_err());
        assert!(parse("[advisories]\nmax-age = \"soon\"\n").is_err());
    }

    #[test]
    fn scan_section() {
        let c = parse("[scan]\nmax-file-size = \"32 MB\"\n").unwrap();
        assert_eq!(c.scan.max_file_size, 32 * 1024 * 1024);
        let c = parse("[scan]\nmax-file-size = 4096\n").unwrap();
        assert_eq!(c.scan.max_file_size, 4096);
        assert_eq!(
            Config::default().scan.max_file_size,
            DEFAULT_MAX_SCAN_FILE_SIZE
        );
        let e = parse("\n[scan]\nmax-file-size = \"lots\"\n").unwrap_err();
        assert!(e.to_string().contains("max-file-size"), "{e}");
        assert_eq!(line_of(e), Some(3));
        assert!(parse("[scan]\nmax-file-size = 10\n").is_err());
        assert!(parse("[scan]\nmax-size = 10\n").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d").map(|d| d.as_secs()), Some(86_400));
        assert_eq!(parse_duration("90").map(|d| d.as_secs()), Some(90));
        assert_eq!(parse_duration("2x"), None);
    }

    /// Where a relative path lands, by counting: `None` when it climbs
    /// above its start; else its components.
    fn model(rel: &str) -> Option<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for part in rel.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    out.pop()?;
                }
                p => out.push(p.to_string()),
            }
        }
        Some(out)
    }

    proptest::proptest! {
        #[test]
        fn normalize_agrees_with_counting(rel in "((\\.\\.|\\.|[a-z]{1,3}|C:|\\\\srv)/){0,8}[a-z.]{0,3}") {
            let top = Path::new("/repo/top");
            let joined = normalize(&top.join(&rel));
            let expected = model(&rel);
            proptest::prop_assert_eq!(is_inside(&joined, top), expected.is_some(), "{} -> {}", rel, joined.display());
            if let Some(parts) = expected {
                let mut want = top.to_path_buf();
                for p in parts {
                    want.push(p);
                }
                proptest::prop_assert_eq!(joined, want);
            }
        }

        #[test]
        fn a_repository_database_is_strictly_inside_and_holds_no_workspace(rel in "((\\.\\.|\\.|[a-c]{1,2}|~|/)/?){0,6}") {
            let top = Path::new("/repo");
            let root = Path::new("/repo/ws");
            let resolved = top.join("ws").join(&rel);
            if repository_db_problem(&rel, &resolved, top, root).is_none() {
                let lexical = normalize(&resolved);
                proptest::prop_assert!(lexical.starts_with(top) && lexical != top, "{}", rel);
                proptest::prop_assert!(!root.starts_with(&lexical), "{}", rel);
                proptest::prop_assert!(!rel.starts_with('/') && !rel.starts_with('~'), "{}", rel);
            }
        }
    }

    #[test]
    fn repository_paths() {
        let top = Path::new("/repo");
        let root = Path::new("/repo");
        for bad in [".", "", "..", "./", "a/../..", "/etc", "~/x", "a/../"] {
            let resolved = root.join(bad);
            assert!(
                repository_db_problem(bad, &resolved, top, root).is_some(),
                "{bad}"
            );
        }
        for good in ["vendor/advisory-db", "./db", "a/../db"] {
            let resolved = root.join(good);
            assert_eq!(
                repository_db_problem(good, &resolved, top, root),
                None,
                "{good}"
            );
        }
        // Windows-looking spellings are plain names on Unix: inside.
        #[cfg(unix)]
        assert!(is_inside(&normalize(&root.join("C:\\x")), top));
    }

    #[test]
    fn all_zero_weights_are_an_error() {
        let all: String = Category::ALL
            .iter()
            .map(|c| format!("{} = 0\n", c.id()))
            .collect();
        let e = parse(&format!("[weights]\n{all}")).unwrap_err();
        assert!(e.to_string().contains("every category weighs 0"), "{e}");
        assert_eq!(line_of(e), Some(2));
        assert!(parse("[weights]\nci = 0\n").is_ok());
    }

    #[test]
    fn bad_values() {
        assert_eq!(line_of(parse("profile = \"lax\"\n").unwrap_err()), Some(1));
        assert_eq!(line_of(parse("\nmin-score = 120\n").unwrap_err()), Some(2));
        assert_eq!(
            line_of(parse("[checks]\nreadme = \"off\"\n").unwrap_err()),
            Some(2)
        );
        assert_eq!(line_of(parse("[weights]\nfun = 3\n").unwrap_err()), Some(2));
        assert_eq!(line_of(parse("[weights]\nci = -3\n").unwrap_err()), Some(2));
        assert!(parse("profile = ").is_err());
    }
}
