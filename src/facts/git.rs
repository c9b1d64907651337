//! Git facts through the `git` CLI: what is tracked and ignored, tags, HEAD.
//!
//! No git binary, or not a git work tree, gives `None`; never an error.
//! `CARGO_READINESS_GIT` names the git binary (tests point it at a missing
//! path to prove the tool degrades).

use std::collections::BTreeSet;
use std::path::Path;

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
///
/// Seven git processes, each answering several questions where git allows:
/// a pre-push hook pays for every one of them.
pub fn collect(root: &Path) -> Option<GitFacts> {
    // Fails outside a repository; prints one answer per line otherwise
    // (`--show-prefix` prints an empty line at the top of the tree).
    let state = git(
        root,
        &[
            "rev-parse",
            "--is-inside-work-tree",
            "--is-shallow-repository",
            "--show-prefix",
        ],
    )?;
    let mut answers = state.lines();
    if answers.next().map(str::trim) != Some("true") {
        return None;
    }
    let shallow = answers.next().map(str::trim) == Some("true");
    let prefix = answers.next().unwrap_or("").trim().to_string();

    // Tags, and where origin's HEAD points (the remote's default branch).
    let (tags, default_branch) = refs(root);
    // HEAD and the recent commit times in one walk; fails without commits.
    let log = git(
        root,
        &[
            "log",
            "--format=%H %ct",
            &format!("--max-count={MAX_COMMIT_TIMES}"),
            "HEAD",
        ],
    )
    .unwrap_or_default();
    let mut head = None;
    let mut commit_times = Vec::new();
    for line in log.lines() {
        let mut parts = line.split_whitespace();
        let (Some(hash), Some(time)) = (parts.next(), parts.next()) else {
            continue;
        };
        if head.is_none() {
            head = Some(hash.to_string());
        }
        if let Ok(t) = time.parse() {
            commit_times.push(t);
        }
    }
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
    let current_branch = git(root, &["symbolic-ref", "--quiet", "--short", "HEAD"])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
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

/// Every tag, and the branch `origin/HEAD` points at, from one
/// `for-each-ref`.
fn refs(root: &Path) -> (BTreeSet<String>, Option<String>) {
    let out = git(
        root,
        &[
            "for-each-ref",
            "--format=%(refname)%00%(symref)",
            "refs/tags",
            "refs/remotes/origin/HEAD",
        ],
    )
    .unwrap_or_default();
    parse_refs(&out)
}

fn parse_refs(out: &str) -> (BTreeSet<String>, Option<String>) {
    let mut tags = BTreeSet::new();
    let mut default_branch = None;
    for line in out.lines() {
        let (name, target) = line.split_once('\0').unwrap_or((line, ""));
        if let Some(tag) = name.strip_prefix("refs/tags/") {
            tags.insert(tag.to_string());
        } else if name == "refs/remotes/origin/HEAD" {
            default_branch = target
                .strip_prefix("refs/remotes/origin/")
                .filter(|b| !b.is_empty())
                .map(str::to_string);
        }
    }
    (tags, default_branch)
}

fn split_z(output: &str, prefix: &str) -> BTreeSet<String> {
    output
        .split('\0')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.strip_prefix(prefix))
        .map(str::to_string)
        .collect()
}

/// Runs git in `dir` (never prompting, with a deadline, see
/// [`crate::exec::git`]); `None` when git is missing or the command fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    // Lossy, like the file index: one non-UTF-8 file name must not empty
    // the whole tracked set.
    crate::exec::git_output(dir, args).map(|out| String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_give_tags_and_the_default_branch() {
        let out = "refs/remotes/origin/HEAD\0refs/remotes/origin/main\nrefs/tags/v0.1.0\0\nrefs/tags/v1.0.0\0\n";
        let (tags, default) = parse_refs(out);
        assert_eq!(
            tags.into_iter().collect::<Vec<_>>(),
            vec!["v0.1.0", "v1.0.0"]
        );
        assert_eq!(default.as_deref(), Some("main"));
        assert_eq!(parse_refs("").1, None);
    }

    #[test]
    fn split_strips_prefix() {
        let set = split_z("sub/a\0sub/b/c\0other/d\0", "sub/");
        assert_eq!(set.into_iter().collect::<Vec<_>>(), vec!["a", "b/c"]);
    }
}
