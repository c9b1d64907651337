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
    /// Settings individual checks read.
    pub settings: CheckSettings,
    /// Where the configuration came from (for messages), if anywhere.
    pub source: Option<String>,
}

/// Settings for individual checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckSettings {
    /// `[pinned-actions] allow`: action patterns (`actions/*`,
    /// `owner/repo`) that need not be pinned to a commit SHA.
    pub pinned_actions_allow: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    profile: Option<Spanned<String>>,
    min_score: Option<Spanned<f64>>,
    checks: Option<BTreeMap<String, Spanned<String>>>,
    weights: Option<BTreeMap<String, Spanned<i64>>>,
    pinned_actions: Option<RawPinnedActions>,
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

/// Loads the configuration for the workspace at `root`: `explicit` if given,
/// else `readiness.toml`, else the root `Cargo.toml`'s metadata tables.
pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Config> {
    if let Some(path) = explicit {
        return load_file(path, &read(path)?);
    }
    let file = root.join(FILE_NAME);
    if file.is_file() {
        return load_file(&file, &read(&file)?);
    }
    let manifest = root.join("Cargo.toml");
    if manifest.is_file() {
        let text = read(&manifest)?;
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
        let mut config = validate(raw, &manifest, &text)?;
        config.source = Some(format!("Cargo.toml {table}"));
        return Ok(config);
    }
    Ok(Config::default())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "cannot read configuration",
        path: path.to_path_buf(),
        source,
    })
}

/// Parses and validates one configuration file's text.
pub fn load_file(path: &Path, text: &str) -> Result<Config> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
    let mut config = validate(raw, path, text)?;
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

fn validate(raw: RawConfig, path: &Path, text: &str) -> Result<Config> {
    let err = |span: std::ops::Range<usize>, message: String| Error::Config {
        path: PathBuf::from(path),
        line: Some(line_of_offset(text, span.start)),
        message,
    };
    let mut config = Config::default();
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
        config
            .settings
            .pinned_actions_allow
            .push(pattern.into_inner());
    }
    Ok(config)
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
            c.settings.pinned_actions_allow,
            vec!["actions/*", "github/codeql-action/*"]
        );
        let e = parse("[pinned-actions]\nallow = [\n  \"actions/checkout@v4\",\n]\n").unwrap_err();
        assert_eq!(line_of(e), Some(3));
        assert!(parse("[pinned-actions]\ndeny = []\n").is_err());
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
