//! What a report says about the project itself (name, version, commit,
//! date) and where its files can be linked on the web: derived from the
//! facts once, so renderers stay pure functions of the scorecard and this.

use crate::facts::Facts;
use crate::parse::forge;

/// The project a report is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    /// The root package's name; for a virtual workspace, the repository's
    /// name or the directory's.
    pub name: String,
    /// The root package's version; for a virtual workspace, the members'
    /// version when they all share one.
    pub version: Option<String>,
    /// The root package's `description`.
    pub description: Option<String>,
    /// How many workspace members.
    pub members: usize,
    /// The `repository` URL of the manifest (the root package's, else the
    /// first member's that has one), else the `origin` remote's.
    pub repository: Option<String>,
    /// The commit HEAD points at.
    pub commit: Option<String>,
    /// The workspace root's path inside the git repository, when not at its root.
    pub prefix: Option<String>,
    /// When the report was made (Unix seconds): `SOURCE_DATE_EPOCH` when
    /// set, so reports are reproducible.
    pub generated: i64,
}

impl Project {
    /// Reads the project's identity from the facts.
    pub fn from_facts(facts: &Facts) -> Project {
        let root_pkg = facts.members.iter().find(|m| m.dir.is_empty());
        let name = root_pkg
            .map(|m| m.name.clone())
            .or_else(|| {
                let url = facts.members.iter().find_map(|m| m.repository.as_deref())?;
                let repo = forge::parse_repository(url)?;
                let name = repo.path.rsplit('/').next()?;
                // The parsed path is lower-cased; show the URL's spelling.
                let at = url.to_ascii_lowercase().rfind(name);
                Some(
                    at.and_then(|i| url.get(i..i + name.len()))
                        .unwrap_or(name)
                        .to_string(),
                )
            })
            .or_else(|| {
                facts
                    .root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "workspace".to_string());
        let version = root_pkg.map(|m| m.version.clone()).or_else(|| {
            let first = facts.members.first()?;
            facts
                .members
                .iter()
                .all(|m| m.version == first.version)
                .then(|| first.version.clone())
        });
        let repository = root_pkg
            .and_then(|m| m.repository.clone())
            .or_else(|| facts.members.iter().find_map(|m| m.repository.clone()))
            .or_else(|| facts.git.as_ref().and_then(|g| g.origin_url.clone()))
            .filter(|r| !r.trim().is_empty());
        Project {
            name,
            version,
            description: root_pkg
                .and_then(|m| m.description.clone())
                .filter(|d| !d.trim().is_empty()),
            members: facts.members.len(),
            repository,
            commit: facts.git.as_ref().and_then(|g| g.head.clone()),
            prefix: facts.git.as_ref().and_then(|g| g.prefix.clone()),
            generated: facts.now,
        }
    }
}

/// Which kind of forge serves a repository (their URL shapes differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    /// github.com, or GitHub Enterprise named by `GITHUB_SERVER_URL`.
    GitHub,
    /// gitlab.com and hosts named `gitlab.*`.
    GitLab,
    /// Gitea and Forgejo (codeberg.org, `gitea.*`, `forgejo.*`).
    Gitea,
}

/// Web links into a repository at one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLinks {
    /// `https://host/owner/name`.
    pub repo_url: String,
    /// The forge.
    pub forge: Forge,
    /// The commit the links point at.
    pub commit: String,
    /// The workspace root's path inside the repository (no slashes around).
    pub prefix: Option<String>,
}

impl WebLinks {
    /// From the GitHub Actions environment, else the project's repository
    /// URL on a known forge with the commit; `None` when either is unknown.
    pub fn new(github: Option<&super::GithubLinks>, project: Option<&Project>) -> Option<WebLinks> {
        if let Some(gh) = github {
            return Some(WebLinks {
                repo_url: format!(
                    "{}/{}",
                    gh.server.trim_end_matches('/'),
                    gh.repository.trim_matches('/')
                ),
                forge: Forge::GitHub,
                commit: gh.sha.clone(),
                prefix: gh.path_prefix.clone(),
            });
        }
        let project = project?;
        let repo = forge::parse_repository(project.repository.as_deref()?)?;
        let forge = match repo.host.as_str() {
            "github.com" => Forge::GitHub,
            h if h == "gitlab.com" || h.starts_with("gitlab.") => Forge::GitLab,
            h if h == "codeberg.org" || h.starts_with("gitea.") || h.starts_with("forgejo.") => {
                Forge::Gitea
            }
            _ => return None,
        };
        let commit = project.commit.clone()?;
        if !forge::is_commit_id(&commit) {
            return None;
        }
        Some(WebLinks {
            repo_url: format!("https://{}/{}", repo.host, repo.path),
            forge,
            commit,
            prefix: project.prefix.clone(),
        })
    }

    /// The page of the commit.
    pub fn commit_url(&self) -> String {
        let c = &self.commit;
        match self.forge {
            Forge::GitHub | Forge::Gitea => format!("{}/commit/{c}", self.repo_url),
            Forge::GitLab => format!("{}/-/commit/{c}", self.repo_url),
        }
    }

    /// A file (relative to the workspace root) at the commit, at a line.
    pub fn file_url(&self, path: &str, line: Option<usize>) -> String {
        let c = &self.commit;
        let base = match self.forge {
            Forge::GitHub => format!("{}/blob/{c}/", self.repo_url),
            Forge::GitLab => format!("{}/-/blob/{c}/", self.repo_url),
            Forge::Gitea => format!("{}/src/commit/{c}/", self.repo_url),
        };
        let prefix = self
            .prefix
            .as_deref()
            .map(|p| format!("{}/", encode_path(p.trim_matches('/'))))
            .unwrap_or_default();
        let anchor = line.map(|l| format!("#L{l}")).unwrap_or_default();
        format!("{base}{prefix}{}{anchor}", encode_path(path))
    }
}

/// Percent-encodes a `/`-separated path for a URL: everything but
/// unreserved characters and `/`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(repo: &str) -> Project {
        Project {
            name: "x".into(),
            repository: Some(repo.into()),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
            ..Project::default()
        }
    }

    #[test]
    fn forge_urls() {
        let gh = WebLinks::new(None, Some(&project("https://github.com/Acme/App.git"))).unwrap();
        assert_eq!(
            gh.file_url("src/a b.rs", Some(3)),
            "https://github.com/acme/app/blob/0123456789abcdef0123456789abcdef01234567/src/a%20b.rs#L3"
        );
        let gl = WebLinks::new(None, Some(&project("https://gitlab.com/g/sub/p"))).unwrap();
        assert!(
            gl.file_url("x", None)
                .starts_with("https://gitlab.com/g/sub/p/-/blob/0123")
        );
        assert!(gl.commit_url().contains("/-/commit/"));
        let cb = WebLinks::new(None, Some(&project("https://codeberg.org/o/r"))).unwrap();
        assert!(cb.file_url("x", Some(1)).contains("/src/commit/0123"));
        assert!(WebLinks::new(None, Some(&project("https://example.org/o/r"))).is_none());
        let mut p = project("https://github.com/o/r");
        p.commit = None;
        assert!(WebLinks::new(None, Some(&p)).is_none());
    }

    #[test]
    fn prefix_and_hostile_paths_are_encoded() {
        let mut p = project("https://github.com/o/r");
        p.prefix = Some("crates/x".into());
        let l = WebLinks::new(None, Some(&p)).unwrap();
        let url = l.file_url("<script>\"x\".md", Some(1));
        assert!(url.contains("/crates/x/%3Cscript%3E%22x%22.md#L1"), "{url}");
    }

    #[test]
    fn identity_from_members() {
        use crate::facts::workspace::Member;
        let mut root = Member::named("app", "1.2.3", "");
        root.description = Some("Does things.".into());
        let facts = Facts::in_memory(vec![Member::named("zlib", "0.1.0", "crates/z"), root], &[]);
        let p = Project::from_facts(&facts);
        assert_eq!(
            (p.name.as_str(), p.version.as_deref()),
            ("app", Some("1.2.3"))
        );
        assert_eq!(p.description.as_deref(), Some("Does things."));
        assert_eq!(p.members, 2);
        // A virtual workspace: the repository's name; a version only when shared.
        let mut a = Member::named("a", "0.1.0", "a");
        a.repository = Some("https://github.com/acme/Widgets".into());
        let facts = Facts::in_memory(vec![a, Member::named("b", "0.2.0", "b")], &[]);
        let p = Project::from_facts(&facts);
        assert_eq!((p.name.as_str(), p.version), ("Widgets", None));
    }

    #[test]
    fn github_environment_wins() {
        let gh = super::super::GithubLinks {
            server: "https://ghe.example/".into(),
            repository: "o/r".into(),
            sha: "abc".into(),
            path_prefix: None,
        };
        let l = WebLinks::new(Some(&gh), Some(&project("https://gitlab.com/g/p"))).unwrap();
        assert_eq!(
            l.file_url("a", Some(2)),
            "https://ghe.example/o/r/blob/abc/a#L2"
        );
    }
}
