//! CI definitions: GitHub Actions workflows, `.gitlab-ci.yml` and
//! `appveyor.yml`, parsed
//! once with line numbers.

use std::collections::BTreeMap;

use super::files::{TextFile, TextProblem};
use super::yaml::{self, Node, Value, YamlError};

/// Which CI system a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiKind {
    /// `.github/workflows/*.yml`
    GithubActions,
    /// `.gitlab-ci.yml`
    Gitlab,
    /// `appveyor.yml` / `.appveyor.yml` (Windows CI of many older crates)
    Appveyor,
}

/// One CI definition file.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// Path relative to the workspace root.
    pub path: String,
    /// Which CI system runs it.
    pub kind: CiKind,
    /// The parsed document, or why it could not be parsed.
    pub doc: Result<Node, WorkflowProblem>,
}

/// Why a workflow file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowProblem {
    /// Not valid YAML.
    Yaml(YamlError),
    /// Not readable as text.
    Text(TextProblem),
}

impl std::fmt::Display for WorkflowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkflowProblem::Yaml(e) => write!(f, "invalid YAML: {}", e.message),
            WorkflowProblem::Text(p) => p.fmt(f),
        }
    }
}

/// One event a workflow runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// Event name: `push`, `pull_request`, `schedule`, …
    pub event: String,
    /// Line of the event in the file.
    pub line: usize,
    /// `branches:` filter, when present.
    pub branches: Option<Vec<String>>,
    /// `branches-ignore:` filter, when present.
    pub branches_ignore: Option<Vec<String>>,
    /// `tags:` filter, when present.
    pub tags: Option<Vec<String>>,
    /// `types:` (activity types, e.g. `published` for `release`).
    pub types: Vec<String>,
}

impl Trigger {
    fn bare(event: String, line: usize) -> Trigger {
        Trigger {
            event,
            line,
            branches: None,
            branches_ignore: None,
            tags: None,
            types: Vec::new(),
        }
    }

    /// Whether a push to, or pull request against, `branch` runs the
    /// workflow through this trigger (branch filters applied; a `push`
    /// filtered to tags only never runs for branches).
    pub fn covers_branch(&self, branch: &str) -> bool {
        if self.event == "push"
            && self.tags.is_some()
            && self.branches.is_none()
            && self.branches_ignore.is_none()
        {
            return false;
        }
        if let Some(patterns) = &self.branches {
            return filter_matches(patterns, branch);
        }
        if let Some(patterns) = &self.branches_ignore {
            return !filter_matches(patterns, branch);
        }
        true
    }

    /// Whether this trigger runs on tag pushes.
    pub fn covers_tags(&self) -> bool {
        self.event == "push" && self.tags.is_some()
    }
}

/// GitHub's filter patterns: `*` (not `/`), `**`, `?`, `+`, `[…]`, and
/// `!` negating a match of an earlier pattern; the last matching pattern
/// decides.
pub fn filter_matches(patterns: &[String], name: &str) -> bool {
    let mut matched = false;
    for pattern in patterns {
        let (negated, glob) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern.as_str()),
        };
        if glob_matches(glob, name) {
            matched = !negated;
        }
    }
    matched
}

fn glob_matches(glob: &str, name: &str) -> bool {
    let mut re = String::from("^");
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                re.push_str(".*");
                i += 1;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push('.'),
            '+' => re.push('+'),
            '[' => {
                let end = chars[i..].iter().position(|c| *c == ']').map(|p| i + p);
                match end {
                    Some(end) => {
                        re.push('[');
                        for c in &chars[i + 1..end] {
                            if *c == '\\' || *c == '[' {
                                re.push('\\');
                            }
                            re.push(*c);
                        }
                        re.push(']');
                        i = end;
                    }
                    None => re.push_str("\\["),
                }
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(name))
}

/// Whether `path` is a file this module parses.
pub fn is_ci_file(path: &str) -> bool {
    path == ".gitlab-ci.yml"
        || is_appveyor_file(path)
        || (path.starts_with(".github/workflows/")
            && !path[".github/workflows/".len()..].contains('/')
            && (path.ends_with(".yml") || path.ends_with(".yaml")))
}

/// Whether `path` is an AppVeyor configuration.
pub fn is_appveyor_file(path: &str) -> bool {
    matches!(path, "appveyor.yml" | ".appveyor.yml")
}

/// Parses every CI file among `texts`.
pub fn collect(texts: &BTreeMap<String, TextFile>) -> Vec<Workflow> {
    texts
        .values()
        .filter(|t| is_ci_file(&t.path))
        .map(|t| Workflow {
            path: t.path.clone(),
            kind: if t.path == ".gitlab-ci.yml" {
                CiKind::Gitlab
            } else if is_appveyor_file(&t.path) {
                CiKind::Appveyor
            } else {
                CiKind::GithubActions
            },
            doc: match &t.content {
                Ok(text) => yaml::parse(text).map_err(WorkflowProblem::Yaml),
                Err(p) => Err(WorkflowProblem::Text(p.clone())),
            },
        })
        .collect()
}

impl Workflow {
    /// The events a GitHub workflow runs on (`on:` in any of its three shapes).
    pub fn triggers(&self) -> Vec<Trigger> {
        let Ok(doc) = &self.doc else {
            return Vec::new();
        };
        let Some(on) = doc.get("on") else {
            return Vec::new();
        };
        match &on.value {
            Value::Str(event) => vec![Trigger::bare(event.clone(), on.line)],
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(|e| Trigger::bare(e.to_string(), i.line)))
                .collect(),
            Value::Map(entries) => entries
                .iter()
                .filter_map(|(k, v)| {
                    let list = |key: &str| {
                        v.get(key).map(|b| match &b.value {
                            Value::Str(s) => vec![s.clone()],
                            _ => b
                                .items()
                                .iter()
                                .filter_map(|i| i.as_str().map(str::to_string))
                                .collect(),
                        })
                    };
                    Some(Trigger {
                        event: k.as_key()?,
                        line: k.line,
                        branches: list("branches"),
                        branches_ignore: list("branches-ignore"),
                        tags: list("tags"),
                        types: list("types").unwrap_or_default(),
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wf(text: &str) -> Workflow {
        Workflow {
            path: ".github/workflows/ci.yml".into(),
            kind: CiKind::GithubActions,
            doc: yaml::parse(text).map_err(WorkflowProblem::Yaml),
        }
    }

    #[test]
    fn trigger_shapes() {
        let events = |t: &str| {
            wf(t)
                .triggers()
                .into_iter()
                .map(|t| t.event)
                .collect::<Vec<_>>()
        };
        assert_eq!(events("on: push\n"), vec!["push"]);
        assert_eq!(
            events("on: [push, pull_request]\n"),
            vec!["push", "pull_request"]
        );
        assert_eq!(
            events("on:\n  pull_request:\n  push:\n    branches: [main]\n"),
            vec!["pull_request", "push"]
        );
        let t = wf("on:\n  push:\n    branches: [main]\n").triggers();
        assert_eq!(t[0].branches, Some(vec!["main".to_string()]));
        assert_eq!(t[0].line, 2);
    }

    #[test]
    fn branch_filters() {
        let t = |text: &str| wf(text).triggers().remove(0);
        assert!(t("on:\n  push:\n    branches: [main]\n").covers_branch("main"));
        assert!(!t("on:\n  push:\n    branches: [main]\n").covers_branch("dev"));
        assert!(t("on:\n  push:\n    branches: ['*master']\n").covers_branch("master"));
        assert!(
            t("on:\n  push:\n    branches: ['release/**', main]\n").covers_branch("release/1/x")
        );
        assert!(!t("on:\n  push:\n    branches: ['**', '!main']\n").covers_branch("main"));
        assert!(!t("on:\n  push:\n    branches-ignore: [main]\n").covers_branch("main"));
        assert!(!t("on:\n  push:\n    tags: ['v*']\n").covers_branch("main"));
        assert!(t("on:\n  push:\n    tags: ['v*']\n").covers_tags());
        assert!(t("on: pull_request\n").covers_branch("main"));
    }

    #[test]
    fn ci_file_names() {
        assert!(is_ci_file(".github/workflows/ci.yml"));
        assert!(is_ci_file(".github/workflows/release.yaml"));
        assert!(!is_ci_file(".github/workflows/sub/ci.yml"));
        assert!(!is_ci_file(".github/dependabot.yml"));
        assert!(is_ci_file(".gitlab-ci.yml"));
    }
}
