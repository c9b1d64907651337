//! `maintained`: the repository has recent commits.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct Maintained;

/// The window OpenSSF Scorecard's Maintained check looks at.
const WINDOW_DAYS: i64 = 90;

impl Check for Maintained {
    fn id(&self) -> &'static str {
        "maintained"
    }
    fn category(&self) -> Category {
        Category::Governance
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "commits in the last 90 days (from local git history)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
At least one commit reachable from HEAD was committed in the last 90
days, counted from the local git history (OpenSSF Scorecard's Maintained,
offline: it cannot see issues, archive status or the forge). "Now" is
`SOURCE_DATE_EPOCH` when set, so a report can be reproduced. Skipped
without git, in a repository with no commits, and in a shallow clone
(CI checkouts are shallow by default), where the history is incomplete.

## Why
Dependencies of an unmaintained project stop receiving fixes, and so do
its users: nobody answers a vulnerability report.

## How to fix
Commit. For a finished crate, a periodic dependency update (Dependabot)
or a release says the project is alive. In CI, check out with
`fetch-depth: 0` so this check can see the history.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let Some(git) = &facts.git else {
            return Outcome::skip("no git repository: commit history unknown");
        };
        if git.shallow {
            return Outcome::skip(
                "shallow clone: history incomplete (check out with `fetch-depth: 0`)",
            );
        }
        let Some(&latest) = git.commit_times.first() else {
            return Outcome::skip("no commits yet");
        };
        let since = facts.now - WINDOW_DAYS * 86_400;
        let recent = git.commit_times.iter().filter(|t| **t >= since).count();
        if recent > 0 {
            let more = if recent == crate::facts::git::MAX_COMMIT_TIMES {
                "+"
            } else {
                ""
            };
            return Outcome::pass().with_note(format!(
                "{recent}{more} commits in the last {WINDOW_DAYS} days"
            ));
        }
        let days = (facts.now - latest) / 86_400;
        Outcome::from_findings(
            vec![
                Finding::warning(
                    "stale",
                    format!(
                        "no commit in the last {WINDOW_DAYS} days; the latest is {days} days old"
                    ),
                )
                .help("a dependency update or a release shows the project is maintained"),
            ],
            0.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::git::GitFacts;

    fn run(times: &[i64], shallow: bool) -> Outcome {
        let mut facts = Facts::in_memory(vec![], &[]);
        facts.now = 1_800_000_000;
        facts.git = Some(GitFacts {
            commit_times: times.to_vec(),
            shallow,
            ..GitFacts::default()
        });
        Maintained.run(&facts, &CheckConfig { level: Level::Warn })
    }

    #[test]
    fn recent_old_shallow() {
        assert_eq!(run(&[1_800_000_000 - 86_400], false).status, Status::Pass);
        let o = run(&[1_800_000_000 - 200 * 86_400], false);
        assert_eq!(o.status, Status::Warn);
        assert!(o.findings[0].message.contains("200 days"));
        assert_eq!(run(&[1_800_000_000], true).status, Status::Skip);
        assert_eq!(run(&[], false).status, Status::Skip);
        assert_eq!(
            Maintained
                .run(
                    &Facts::in_memory(vec![], &[]),
                    &CheckConfig { level: Level::Warn }
                )
                .status,
            Status::Skip
        );
    }
}
