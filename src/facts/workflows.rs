//! CI definitions: GitHub Actions workflows and `.gitlab-ci.yml`, parsed
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
}

/// Whether `path` is a file this module parses.
pub fn is_ci_file(path: &str) -> bool {
    path == ".gitlab-ci.yml"
        || (path.starts_with(".github/workflows/")
            && !path[".github/workflows/".len()..].contains('/')
            && (path.ends_with(".yml") || path.ends_with(".yaml")))
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
            Value::Str(event) => vec![Trigger {
                event: event.clone(),
                line: on.line,
                branches: None,
            }],
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| {
                    i.as_str().map(|e| Trigger {
                        event: e.to_string(),
                        line: i.line,
                        branches: None,
                    })
                })
                .collect(),
            Value::Map(entries) => entries
                .iter()
                .filter_map(|(k, v)| {
                    let event = k.as_key()?;
                    let branches = v.get("branches").map(|b| match &b.value {
                        Value::Str(s) => vec![s.clone()],
                        _ => b
                            .items()
                            .iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect(),
                    });
                    Some(Trigger {
                        event,
                        line: k.line,
                        branches,
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
    fn ci_file_names() {
        assert!(is_ci_file(".github/workflows/ci.yml"));
        assert!(is_ci_file(".github/workflows/release.yaml"));
        assert!(!is_ci_file(".github/workflows/sub/ci.yml"));
        assert!(!is_ci_file(".github/dependabot.yml"));
        assert!(is_ci_file(".gitlab-ci.yml"));
    }
}
