//! The organisation-wide community files GitHub shows for a repository that
//! has none of its own — `SECURITY.md`, `CODE_OF_CONDUCT.md`,
//! `CONTRIBUTING.md` in the owner's `.github` repository
//! (<https://docs.github.com/en/communities/setting-up-your-project-for-healthy-contributions/creating-a-default-community-health-file>).
//! OpenSSF Scorecard credits them too. Each is looked up only when the
//! checkout has none, the run may use the network, and the repository
//! names a GitHub owner; read over HTTPS, bounded in size and time.

use std::io::Read;
use std::time::Duration;

/// What the owner's `.github` repository says, if it was looked at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OrgPolicy {
    /// Not looked for: the checkout has its own policy, or the repository
    /// names no GitHub owner.
    #[default]
    NotApplicable,
    /// Not looked for, or the look failed (offline, a network error).
    NotLooked {
        /// `OWNER/.github`.
        source: String,
        /// What happened, as a phrase: "was not looked for under
        /// --offline", "could not be read (…)".
        reason: String,
    },
    /// Looked, and there is none.
    Absent {
        /// `OWNER/.github`.
        source: String,
    },
    /// The policy GitHub shows.
    Found {
        /// `OWNER/.github`.
        source: String,
        /// Its path in that repository (`SECURITY.md`).
        path: String,
        /// Its text.
        text: String,
    },
}

/// Where GitHub looks for a default community file named `name`, in its
/// order.
fn paths(name: &str) -> [String; 3] {
    [
        format!(".github/{name}"),
        name.to_string(),
        format!("docs/{name}"),
    ]
}

/// The most of a policy read (a policy is a page of text).
const MAX_BYTES: u64 = 256 * 1024;

/// How long one request may take.
const DEADLINE: Duration = Duration::from_secs(10);

/// The GitHub owner a repository URL names (`https://github.com/OWNER/REPO`,
/// `git@github.com:OWNER/REPO.git`, `ssh://git@github.com/OWNER/REPO`), if
/// it is a valid GitHub account name.
pub fn github_owner(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("http://github.com/"))
        .or_else(|| url.strip_prefix("git@github.com:"))
        .or_else(|| url.strip_prefix("ssh://git@github.com/"))
        .or_else(|| url.strip_prefix("git://github.com/"))?;
    let owner = rest.split('/').next()?;
    is_account_name(owner).then(|| owner.to_string())
}

/// GitHub account names: 1–39 ASCII letters, digits and inner hyphens. The
/// owner comes from the repository under review: nothing else may reach
/// the URL.
fn is_account_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 39
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The lookups of one run: one owner, and after one failed request the
/// others are not tried (a network that drops packets would otherwise
/// cost a deadline each).
pub struct Lookups {
    owner: Option<String>,
    offline: bool,
    failed: Option<String>,
}

impl Lookups {
    /// Lookups for `owner` (`None`: the repository names no GitHub owner,
    /// and nothing is looked up).
    pub fn new(owner: Option<String>, offline: bool) -> Lookups {
        Lookups {
            owner,
            offline,
            failed: None,
        }
    }

    /// The organisation's `name`, unless the checkout `has_own`.
    pub fn file(&mut self, has_own: bool, name: &str) -> OrgPolicy {
        let Some(owner) = self.owner.as_deref().filter(|_| !has_own) else {
            return OrgPolicy::NotApplicable;
        };
        if let Some(reason) = &self.failed {
            return OrgPolicy::NotLooked {
                source: format!("{owner}/.github"),
                reason: reason.clone(),
            };
        }
        let found = lookup_file(owner, name, self.offline);
        if let OrgPolicy::NotLooked { reason, .. } = &found {
            self.failed = Some(reason.clone());
        }
        found
    }
}

/// Looks `owner`'s default community file `name` up (`SECURITY.md`,
/// `CODE_OF_CONDUCT.md`, `CONTRIBUTING.md`; not when `offline`).
pub fn lookup_file(owner: &str, name: &str, offline: bool) -> OrgPolicy {
    let source = format!("{owner}/.github");
    if !is_account_name(owner) {
        return OrgPolicy::NotApplicable;
    }
    if offline {
        return OrgPolicy::NotLooked {
            source,
            reason: "was not looked for under --offline".into(),
        };
    }
    for path in paths(name) {
        match fetch(owner, &path) {
            Ok(Some(text)) => {
                return OrgPolicy::Found { source, path, text };
            }
            Ok(None) => {}
            Err(error) => {
                return OrgPolicy::NotLooked {
                    source,
                    reason: format!("could not be read ({error})"),
                };
            }
        }
    }
    OrgPolicy::Absent { source }
}

/// One file of `owner/.github` at its default branch: `None` when it does
/// not exist. `CARGO_READINESS_TEST_ORG_POLICY_DIR` (tests) reads
/// `DIR/OWNER/PATH` from disk instead of the network.
fn fetch(owner: &str, path: &str) -> Result<Option<String>, String> {
    if let Some(dir) = std::env::var_os("CARGO_READINESS_TEST_ORG_POLICY_DIR") {
        let file = std::path::Path::new(&dir).join(owner).join(path);
        return match std::fs::read(&file) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", file.display())),
        };
    }
    let url = format!("https://raw.githubusercontent.com/{owner}/.github/HEAD/{path}");
    let agent = crate::advisories::http::agent(DEADLINE);
    match agent.get(&url).call() {
        Ok(response) => {
            let mut bytes = Vec::new();
            response
                .into_body()
                .into_reader()
                .take(MAX_BYTES)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("{url}: {e}"))?;
            Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
        }
        Err(ureq::Error::StatusCode(404)) => Ok(None),
        Err(e) => Err(crate::advisories::http::describe(&url, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_from_repository_urls() {
        for (url, owner) in [
            (
                "https://github.com/getsentry/sentry-rust",
                Some("getsentry"),
            ),
            ("git@github.com:rust-lang/futures-rs.git", Some("rust-lang")),
            ("ssh://git@github.com/tokio-rs/tokio", Some("tokio-rs")),
            ("https://gitlab.com/a/b", None),
            ("https://github.com/../x", None),
            ("https://github.com/a%2Fb/c", None),
            ("https://github.com/-bad/x", None),
        ] {
            assert_eq!(github_owner(url).as_deref(), owner, "{url}");
        }
    }

    #[test]
    fn offline_does_not_look() {
        assert!(matches!(
            lookup_file("rust-lang", "SECURITY.md", true),
            OrgPolicy::NotLooked { .. }
        ));
        assert_eq!(
            lookup_file("../x", "SECURITY.md", false),
            OrgPolicy::NotApplicable
        );
    }
}
