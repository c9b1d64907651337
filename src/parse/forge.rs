//! Repository URLs on GitHub, GitLab and Gitea/Forgejo (Codeberg): which
//! repository a URL names and which git refs a link points at.
//!
//! Shapes understood:
//!
//! | forge | compare | tag / release | tree / commits |
//! |---|---|---|---|
//! | GitHub | `/O/R/compare/A...B` (or `A..B`) | `/O/R/releases/tag/T` | `/O/R/tree/T`, `/O/R/commits/T` |
//! | GitLab | `/G[/SUB]/P/-/compare/A...B` | `/-/tags/T`, `/-/releases/T` | `/-/tree/T`, `/-/commits/T` |
//! | Gitea, Forgejo, Codeberg | `/O/R/compare/A...B` | `/O/R/releases/tag/T`, `/O/R/src/tag/T` | `/O/R/src/branch/B`, `/O/R/commits/branch/B` |

/// A repository's identity: host and path, lower-cased, no `.git`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Repo {
    /// `github.com`.
    pub host: String,
    /// `owner/name` (GitLab: `group/sub/name`).
    pub path: String,
}

impl std::fmt::Display for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.host, self.path)
    }
}

/// What a link points at inside its repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// A comparison of two refs.
    Compare {
        /// The older ref.
        base: String,
        /// The newer ref.
        head: String,
    },
    /// A tag or the release made from it.
    Tag(String),
    /// A tree, branch or commit list at a ref.
    Tree(String),
    /// One commit.
    Commit(String),
    /// Anything else in the repository (issues, the repository page, …).
    Other,
}

/// A link into a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgeLink {
    /// The repository.
    pub repo: Repo,
    /// What in it.
    pub kind: LinkKind,
}

/// Splits `https://host/a/b?x#y` (or `git@host:a/b.git`, `ssh://…`) into a
/// lower-cased host and path segments.
fn split(url: &str) -> Option<(String, Vec<String>)> {
    let url = url.trim();
    let rest = if let Some(r) = url.strip_prefix("git@") {
        // scp-like: git@host:owner/repo.git
        let (host, path) = r.split_once(':')?;
        return Some((host.to_ascii_lowercase(), segments(path)));
    } else {
        let (scheme, rest) = url.split_once("://")?;
        if !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "ssh" | "git" | "git+https" | "git+ssh"
        ) {
            return None;
        }
        rest
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    if host.is_empty() {
        return None;
    }
    Some((host, segments(path)))
}

fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

/// Decodes `%XX` escapes (refs with `/` are written `%2F` in some links).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn is_gitlab_host(host: &str) -> bool {
    host == "gitlab.com" || host.starts_with("gitlab.")
}

fn repo_of(host: &str, segs: &[String], len: usize) -> Repo {
    let mut path = segs[..len].join("/").to_lowercase();
    if let Some(stripped) = path.strip_suffix(".git") {
        path = stripped.to_string();
    }
    Repo {
        host: host.to_string(),
        path,
    }
}

/// The repository a `package.repository` (or git remote) URL names.
pub fn parse_repository(url: &str) -> Option<Repo> {
    let (host, segs) = split(url)?;
    if let Some(dash) = segs.iter().position(|s| s == "-") {
        return (dash >= 2).then(|| repo_of(&host, &segs, dash));
    }
    if is_gitlab_host(&host) {
        // No `/-/`: the whole path is the project (subgroups allowed).
        return (segs.len() >= 2).then(|| repo_of(&host, &segs, segs.len()));
    }
    (segs.len() >= 2).then(|| repo_of(&host, &segs, 2))
}

/// Parses a link to something inside a repository; `None` for URLs that
/// are not repository links (crates.io, docs.rs, …).
pub fn parse_link(url: &str) -> Option<ForgeLink> {
    let (host, segs) = split(url)?;
    if matches!(
        host.as_str(),
        "crates.io" | "docs.rs" | "lib.rs" | "keepachangelog.com" | "semver.org"
    ) {
        return None;
    }
    let (repo, rest): (Repo, &[String]) = if let Some(dash) = segs.iter().position(|s| s == "-") {
        if dash < 2 {
            return None;
        }
        (repo_of(&host, &segs, dash), &segs[dash + 1..])
    } else if segs.len() >= 2 {
        (repo_of(&host, &segs, 2), &segs[2..])
    } else {
        return None;
    };
    let joined = |from: usize| rest.get(from..).map(|r| r.join("/")).unwrap_or_default();
    let kind = match rest.first().map(String::as_str) {
        Some("compare") => {
            let spec = joined(1);
            let (base, head) = spec
                .split_once("...")
                .or_else(|| spec.split_once(".."))
                .unwrap_or(("", &spec));
            LinkKind::Compare {
                base: base.to_string(),
                head: head.to_string(),
            }
        }
        Some("releases") if rest.get(1).map(String::as_str) == Some("tag") => {
            LinkKind::Tag(joined(2))
        }
        // GitLab: /-/releases/T and /-/tags/T
        Some("releases") | Some("tags") if rest.len() >= 2 => LinkKind::Tag(joined(1)),
        Some("src") => match rest.get(1).map(String::as_str) {
            Some("tag") => LinkKind::Tag(joined(2)),
            Some("branch") => LinkKind::Tree(joined(2)),
            Some("commit") => LinkKind::Commit(joined(2)),
            _ => LinkKind::Other,
        },
        Some("tree") if rest.len() >= 2 => LinkKind::Tree(joined(1)),
        Some("commits") if rest.get(1).map(String::as_str) == Some("branch") => {
            LinkKind::Tree(joined(2))
        }
        Some("commits") if rest.len() >= 2 => LinkKind::Tree(joined(1)),
        Some("commit") if rest.len() >= 2 => LinkKind::Commit(joined(1)),
        _ => LinkKind::Other,
    };
    Some(ForgeLink { repo, kind })
}

/// Whether a ref is a commit id rather than a tag or branch.
pub fn is_commit_id(r: &str) -> bool {
    (7..=40).contains(&r.len()) && r.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn repo(host: &str, path: &str) -> Repo {
        Repo {
            host: host.into(),
            path: path.into(),
        }
    }

    #[test]
    fn repositories() {
        for url in [
            "https://github.com/Owner/Repo",
            "https://github.com/owner/repo.git",
            "https://www.github.com/owner/repo/",
            "git@github.com:owner/repo.git",
            "https://github.com/owner/repo/tree/main/crates/x",
            "ssh://git@github.com/owner/repo",
        ] {
            assert_eq!(
                parse_repository(url),
                Some(repo("github.com", "owner/repo")),
                "{url}"
            );
        }
        assert_eq!(
            parse_repository("https://gitlab.com/g/sub/p"),
            Some(repo("gitlab.com", "g/sub/p"))
        );
        assert_eq!(
            parse_repository("https://gitlab.com/g/sub/p/-/tree/main"),
            Some(repo("gitlab.com", "g/sub/p"))
        );
        assert_eq!(parse_repository("not a url"), None);
        assert_eq!(parse_repository("https://github.com/"), None);
    }

    #[test]
    fn link_shapes() {
        let l = parse_link("https://github.com/o/r/compare/v1.1.0...v1.2.0").unwrap();
        assert_eq!(l.repo, repo("github.com", "o/r"));
        assert_eq!(
            l.kind,
            LinkKind::Compare {
                base: "v1.1.0".into(),
                head: "v1.2.0".into()
            }
        );
        let l = parse_link("https://github.com/o/r/releases/tag/v1.2.0").unwrap();
        assert_eq!(l.kind, LinkKind::Tag("v1.2.0".into()));
        let l = parse_link("https://github.com/o/r/tree/release/1.x").unwrap();
        assert_eq!(l.kind, LinkKind::Tree("release/1.x".into()));
        let l = parse_link("https://gitlab.com/g/s/p/-/compare/v1...v2").unwrap();
        assert_eq!(l.repo, repo("gitlab.com", "g/s/p"));
        assert!(matches!(l.kind, LinkKind::Compare { .. }));
        let l = parse_link("https://gitlab.com/g/p/-/tags/v2").unwrap();
        assert_eq!(l.kind, LinkKind::Tag("v2".into()));
        let l = parse_link("https://codeberg.org/o/r/src/tag/v1.0.0").unwrap();
        assert_eq!(l.kind, LinkKind::Tag("v1.0.0".into()));
        let l = parse_link("https://codeberg.org/o/r/compare/v1..v2").unwrap();
        assert_eq!(
            l.kind,
            LinkKind::Compare {
                base: "v1".into(),
                head: "v2".into()
            }
        );
        let l = parse_link("https://github.com/o/r/commits/main").unwrap();
        assert_eq!(l.kind, LinkKind::Tree("main".into()));
        let l = parse_link("https://github.com/o/r/compare/crate%2Fv1...crate%2Fv2").unwrap();
        assert_eq!(
            l.kind,
            LinkKind::Compare {
                base: "crate/v1".into(),
                head: "crate/v2".into()
            }
        );
        assert_eq!(parse_link("https://crates.io/crates/x/1.0.0"), None);
        assert_eq!(
            parse_link("https://github.com/o/r/pull/5").unwrap().kind,
            LinkKind::Other
        );
    }

    #[test]
    fn commit_ids() {
        assert!(is_commit_id("ce71b08a3fe28c640dc6e17f6f5bb1452bd6d6d8"));
        assert!(!is_commit_id("v1.2.0"));
        assert!(!is_commit_id("HEAD"));
    }

    proptest! {
        #[test]
        fn never_panics(url in "\\PC{0,120}") {
            let _ = parse_link(&url);
            let _ = parse_repository(&url);
        }

        #[test]
        fn url_like_never_panics(path in "[a-z0-9%./:@-]{0,60}") {
            let _ = parse_link(&format!("https://github.com/{path}"));
            let _ = parse_link(&format!("https://gitlab.com/{path}"));
            let _ = parse_repository(&format!("git@host:{path}"));
        }
    }
}
