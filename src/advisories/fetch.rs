//! Fetching and updating the advisory database.
//!
//! The `git` CLI does the work (cargo-deny's approach: no git library in
//! the build), with an HTTPS archive download as the fallback when git is
//! missing or fails. Every network step has a deadline: a pre-push hook
//! that hangs is worse than useless.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Marks a database this tool unpacked from an archive (no `.git`); its
/// modification time is the time of that download.
const ARCHIVE_MARKER: &str = ".cargo-readiness-archive";

/// How long one git or HTTP operation may take.
pub const NETWORK_DEADLINE: Duration = Duration::from_secs(90);

/// What happened to the database before loading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// Fetching was not allowed (`--offline`, `--no-fetch`, `fetch = false`).
    Disabled,
    /// Fresh enough; not fetched.
    Fresh,
    /// A plain directory the user manages; never fetched into.
    UserManaged,
    /// Cloned or downloaded because it was missing.
    Created(&'static str),
    /// Updated because it was older than `max-age`.
    Updated(&'static str),
    /// Fetching failed; the message says why.
    Failed(String),
}

/// Whether the directory is a database this tool (or cargo-audit) manages:
/// a git checkout or an archive we unpacked.
fn managed(path: &Path) -> bool {
    path.join(".git").exists() || path.join(ARCHIVE_MARKER).exists()
}

/// When the database was last fetched: FETCH_HEAD (git), our archive
/// marker, or the checkout's HEAD.
pub fn last_fetch(path: &Path) -> Option<SystemTime> {
    [".git/FETCH_HEAD", ARCHIVE_MARKER, ".git/HEAD"]
        .iter()
        .find_map(|f| {
            std::fs::metadata(path.join(f))
                .and_then(|m| m.modified())
                .ok()
        })
}

/// Whether this tool may ever fetch into `path`: it is missing, or a
/// database it (or cargo-audit) manages.
pub fn is_fetchable(path: &Path) -> bool {
    !path.exists() || managed(path)
}

/// Whether [`ensure`] would fetch (or try to): the database is missing, or
/// one this tool manages is older than `max_age`. Cheap; no network.
pub fn may_fetch(path: &Path, max_age: Duration) -> bool {
    if !path.exists() {
        return true;
    }
    managed(path)
        && last_fetch(path)
            .and_then(|t| t.elapsed().ok())
            .unwrap_or(Duration::MAX)
            > max_age
}

/// Makes sure a database is at `path`, fetching or updating it from `url`
/// when `allowed` and it is missing or older than `max_age`.
pub fn ensure(path: &Path, url: &str, max_age: Duration, allowed: bool) -> FetchOutcome {
    let exists = path.exists();
    if exists && !managed(path) {
        return FetchOutcome::UserManaged;
    }
    if exists {
        let age = last_fetch(path)
            .and_then(|t| t.elapsed().ok())
            .unwrap_or(Duration::MAX);
        if age <= max_age {
            return FetchOutcome::Fresh;
        }
    }
    if !allowed {
        return FetchOutcome::Disabled;
    }
    if exists && path.join(".git").exists() {
        return match git_update(path, url) {
            Ok(()) => FetchOutcome::Updated("git"),
            Err(e) => FetchOutcome::Failed(e),
        };
    }
    // Missing, or an archive copy: (re)create it beside, then swap it in.
    let via = match clone_or_download(path, url) {
        Ok(via) => via,
        Err(e) => return FetchOutcome::Failed(e),
    };
    if exists {
        FetchOutcome::Updated(via)
    } else {
        FetchOutcome::Created(via)
    }
}

fn git_update(path: &Path, url: &str) -> Result<(), String> {
    // `reset --hard` would destroy local work (a drafted advisory): a
    // checkout with changes is left alone and reported.
    let status = crate::exec::git(
        Some(path),
        &["status", "--porcelain"],
        crate::exec::deadline(crate::exec::GIT_DEADLINE),
    )
    .run()
    .map_err(|e| e.to_string())?;
    if !status.status.success() {
        return Err(status.first_error_line("git status failed"));
    }
    if !status.stdout.is_empty() {
        return Err(format!(
            "{} has local changes; it was not updated",
            path.display()
        ));
    }
    // A checkout is updated from where it was cloned (its `origin`), so no
    // setting can switch a shared database to another source; `url` only
    // serves a checkout without one.
    let has_origin = crate::exec::git_output(path, &["remote", "get-url", "origin"])
        .is_some_and(|u| !u.trim_ascii().is_empty());
    let remote = if has_origin { "origin" } else { url };
    // `--` first: nothing after it is read as an option.
    run_git(
        Some(path),
        &["fetch", "--quiet", "--depth", "1", "--", remote, "HEAD"],
    )?;
    run_git(Some(path), &["reset", "--quiet", "--hard", "FETCH_HEAD"])
}

fn clone_or_download(path: &Path, url: &str) -> Result<&'static str, String> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".advisory-db-")
        .tempdir_in(parent)
        .map_err(|e| {
            format!(
                "cannot create a temporary directory in {}: {e}",
                parent.display()
            )
        })?;
    let target = staging.path().join("db");
    let git_error = match run_git(
        None,
        &[
            "clone",
            "--quiet",
            "--depth",
            "1",
            "--",
            url,
            &target.to_string_lossy(),
        ],
    ) {
        Ok(()) => {
            swap_in(&target, path)?;
            return Ok("git");
        }
        Err(e) => e,
    };
    let _ = std::fs::remove_dir_all(&target);
    match download_archive(url, &target) {
        Ok(()) => {
            swap_in(&target, path)?;
            Ok("archive")
        }
        Err(archive_error) => Err(format!(
            "git: {git_error}; archive download: {archive_error}"
        )),
    }
}

/// Replaces `path` with `fresh` (a sibling), keeping the old copy until the
/// new one is in place.
fn swap_in(fresh: &Path, path: &Path) -> Result<(), String> {
    let old: Option<PathBuf> = path.exists().then(|| path.with_extension("old"));
    if let Some(old) = &old {
        let _ = std::fs::remove_dir_all(old);
        std::fs::rename(path, old)
            .map_err(|e| format!("cannot move {} aside: {e}", path.display()))?;
    }
    match std::fs::rename(fresh, path) {
        Ok(()) => {
            if let Some(old) = old {
                let _ = std::fs::remove_dir_all(old);
            }
            Ok(())
        }
        Err(e) => {
            if let Some(old) = old {
                let _ = std::fs::rename(old, path);
            }
            // Another process may have created it meanwhile: use theirs.
            if path.join("crates").is_dir() {
                Ok(())
            } else {
                Err(format!("cannot create {}: {e}", path.display()))
            }
        }
    }
}

/// Runs git with the network deadline; never prompts.
fn run_git(dir: Option<&Path>, args: &[&str]) -> Result<(), String> {
    let done = crate::exec::git(dir, args, crate::exec::deadline(NETWORK_DEADLINE))
        .run()
        .map_err(|e| e.to_string())?;
    if done.status.success() {
        Ok(())
    } else {
        Err(done.first_error_line("failed"))
    }
}

/// The tarball URL of a GitHub/GitLab/Codeberg repository's default branch.
pub fn archive_url(repo: &str) -> Option<String> {
    let repo = repo.trim_end_matches('/').trim_end_matches(".git");
    if repo.starts_with("https://github.com/") {
        Some(format!("{repo}/archive/HEAD.tar.gz"))
    } else if repo.starts_with("https://gitlab.com/") {
        Some(format!("{repo}/-/archive/HEAD/archive.tar.gz"))
    } else if repo.starts_with("https://codeberg.org/") {
        Some(format!("{repo}/archive/HEAD.tar.gz"))
    } else {
        None
    }
}

fn download_archive(repo: &str, target: &Path) -> Result<(), String> {
    let url = archive_url(repo).ok_or_else(|| format!("no archive download for {repo}"))?;
    let agent = super::http::agent(NETWORK_DEADLINE);
    let response = agent
        .get(&url)
        .call()
        .map_err(|e| super::http::describe(&url, &e))?;
    let reader = response.into_body().into_reader();
    let gz = flate2::read::GzDecoder::new(reader);
    let mut archive = tar::Archive::new(gz);
    let unpack = target.with_extension("unpack");
    std::fs::create_dir_all(&unpack).map_err(|e| e.to_string())?;
    archive
        .unpack(&unpack)
        .map_err(|e| format!("cannot unpack {url}: {e}"))?;
    // The archive holds one top-level directory (`advisory-db-<sha>/`).
    let top = std::fs::read_dir(&unpack)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("crates").is_dir())
        .ok_or_else(|| format!("{url} does not contain an advisory database"))?;
    std::fs::rename(&top, target).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&unpack);
    std::fs::write(target.join(ARCHIVE_MARKER), url).map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_urls() {
        assert_eq!(
            archive_url("https://github.com/rustsec/advisory-db").as_deref(),
            Some("https://github.com/rustsec/advisory-db/archive/HEAD.tar.gz")
        );
        assert_eq!(archive_url("file:///tmp/x"), None);
    }

    #[test]
    fn plain_directories_are_never_fetched_into() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("crates")).unwrap();
        assert_eq!(
            ensure(dir.path(), "file:///nowhere", Duration::ZERO, true),
            FetchOutcome::UserManaged
        );
    }

    #[test]
    fn missing_database_with_fetch_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        assert_eq!(
            ensure(&db, "file:///nowhere", Duration::ZERO, false),
            FetchOutcome::Disabled
        );
    }
}
