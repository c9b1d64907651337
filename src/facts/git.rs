//! Git facts through the `git` CLI: what is tracked and ignored, tags, HEAD.
//!
//! No git binary, or not a git work tree, gives `None`; never an error.
//! `CARGO_READINESS_GIT` names the git binary (tests point it at a missing
//! path to prove the tool degrades).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

/// What git knows about the repository containing the workspace.
#[derive(Debug, Clone, Default)]
pub struct GitFacts {
    /// The commit HEAD points at; `None` in a repository with no commits.
    pub head: Option<String>,
    /// Every tag name.
    pub tags: BTreeSet<String>,
    /// Tracked files, relative to the workspace root.
    pub tracked: BTreeSet<String>,
    /// Ignored files and directories (directories end with `/`), relative to
    /// the workspace root.
    pub ignored: BTreeSet<String>,
    /// URL of the `origin` remote.
    pub origin_url: Option<String>,
    /// Whether the clone is shallow (history incomplete).
    pub shallow: bool,
    /// The workspace root's path inside the repository (`crates/x`), when
    /// the workspace is not at the repository's root.
    pub prefix: Option<String>,
    /// The remote's default branch (what `origin/HEAD` points at), when known.
    pub default_branch: Option<String>,
    /// The branch checked out; `None` on a detached HEAD.
    pub current_branch: Option<String>,
    /// Committer times (Unix seconds) of the most recent commits reachable
    /// from HEAD, newest first, at most [`MAX_COMMIT_TIMES`].
    pub commit_times: Vec<i64>,
}

/// How many recent commit times are read: enough to see a quarter's
/// activity on a busy repository, cheap on any.
pub const MAX_COMMIT_TIMES: usize = 500;

impl GitFacts {
    /// Whether `path` (relative to the workspace root) is tracked.
    pub fn is_tracked(&self, path: &str) -> bool {
        self.tracked.contains(path)
    }
}

/// Collects git facts for the work tree containing `root`.
pub fn collect(root: &Path) -> Option<GitFacts> {
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"])?;
    if inside.trim() != "true" {
        return None;
    }
    let head = git(root, &["rev-parse", "--verify", "--quiet", "HEAD"])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let tags = git(root, &["tag", "--list"])
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let prefix = prefix(root);
    let tracked = git(root, &["ls-files", "-z", "--cached", "--full-name", "."])
        .map(|s| split_z(&s, &prefix))
        .unwrap_or_default();
    let ignored = git(
        root,
        &[
            "ls-files",
            "-z",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--directory",
            "--full-name",
            ".",
        ],
    )
    .map(|s| split_z(&s, &prefix))
    .unwrap_or_default();
    let origin_url = git(root, &["remote", "get-url", "origin"])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let shallow =
        git(root, &["rev-parse", "--is-shallow-repository"]).is_some_and(|s| s.trim() == "true");
    let symbolic = |name: &str| {
        git(root, &["symbolic-ref", "--quiet", "--short", name])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let default_branch = symbolic("refs/remotes/origin/HEAD")
        .map(|b| b.strip_prefix("origin/").map(str::to_string).unwrap_or(b));
    let current_branch = symbolic("HEAD");
    let commit_times = match head {
        Some(_) => git(
            root,
            &[
                "log",
                "--format=%ct",
                &format!("--max-count={MAX_COMMIT_TIMES}"),
                "HEAD",
            ],
        )
        .map(|s| s.lines().filter_map(|l| l.trim().parse().ok()).collect())
        .unwrap_or_default(),
        None => Vec::new(),
    };
    Some(GitFacts {
        head,
        tags,
        tracked,
        ignored,
        origin_url,
        shallow,
        prefix: Some(prefix.trim_end_matches('/').to_string()).filter(|p| !p.is_empty()),
        default_branch,
        current_branch,
        commit_times,
    })
}

/// The workspace root's path inside the repository (`crates/x/`), so
/// `--full-name` paths can be made relative to the workspace root.
fn prefix(root: &Path) -> String {
    git(root, &["rev-parse", "--show-prefix"])
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn split_z(output: &str, prefix: &str) -> BTreeSet<String> {
    output
        .split('\0')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.strip_prefix(prefix))
        .map(str::to_string)
        .collect()
}

/// The git binary to run.
fn git_binary() -> String {
    std::env::var("CARGO_READINESS_GIT").unwrap_or_else(|_| "git".to_string())
}

/// Runs git in `dir`; `None` when git is missing or the command fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new(git_binary())
        .arg("-C")
        .arg(dir)
        .args(args)
        // Never prompt, never page, never read the user's terminal.
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    // Lossy, like the file index: one non-UTF-8 file name must not empty
    // the whole tracked set.
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_strips_prefix() {
        let set = split_z("sub/a\0sub/b/c\0other/d\0", "sub/");
        assert_eq!(set.into_iter().collect::<Vec<_>>(), vec!["a", "b/c"]);
    }
}
