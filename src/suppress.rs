//! Suppressions: one finding set aside where a person judged it, with the
//! reason written beside it — an inline `readiness: ignore[check] reason`
//! comment on the finding's line (or alone on the line above), or a
//! `[[suppress]]` entry in the configuration (check, path pattern, message
//! text, reason, optional `until` date).
//!
//! A suppressed finding stays in every report, marked with its reason and
//! where that is written; it no longer counts for its check's status, the
//! score or the gate. Suppressions must not rot: one that matches nothing,
//! one without a reason, one naming no check, and one past its `until` are
//! each reported (an expired one stops suppressing).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::checks::{CheckResult, Finding, Status, Suppressed, SuppressionKind};
use crate::config::SuppressRule;
use crate::parse::ignore_comment::IgnoreComment;

/// What applying the suppressions did.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// Findings set aside.
    pub suppressed: usize,
    /// Suppressions that need attention (unused, expired, without a
    /// reason, naming no check), one line each, sorted.
    pub warnings: Vec<String>,
}

/// Marks the findings of `results` that an inline comment in `comments`
/// (by file) or a rule of `rules` covers, as of `today`, and re-derives
/// each check's status from the findings that still count.
pub fn apply(
    results: &mut [CheckResult],
    comments: &BTreeMap<String, Vec<IgnoreComment>>,
    rules: &[SuppressRule],
    today: Date,
) -> Applied {
    let mut applied = Applied::default();
    let mut warnings = BTreeSet::new();
    // Checks that looked: only their unused suppressions are stale (one for
    // a check that was silenced, skipped or could not run may still be needed).
    let looked: BTreeSet<&str> = results
        .iter()
        .filter(|r| !matches!(r.outcome.status, Status::Skip | Status::Error))
        .map(|r| r.check.id())
        .collect();
    for (path, list) in comments {
        for c in list {
            let at = format!("{path}:{}", c.line);
            if c.ids.is_empty() {
                warnings.insert(format!(
                    "{at}: `readiness: ignore[]` names no check; write the check id in the brackets"
                ));
            }
            for id in &c.ids {
                if crate::checks::find(id).is_none() {
                    warnings.insert(format!(
                        "{at}: `readiness: ignore[{id}]` names no check (`cargo readiness list` has the ids); it suppresses nothing"
                    ));
                }
            }
            if c.reason.is_empty() && !c.ids.is_empty() {
                warnings.insert(format!(
                    "{at}: `readiness: ignore[{}]` gives no reason, so it suppresses nothing; say why after the `]`",
                    c.ids.join(", ")
                ));
            }
        }
    }
    // (file, comment line, check id) of each inline suppression used, and
    // the index of each rule used.
    let mut used_inline: BTreeSet<(String, usize, String)> = BTreeSet::new();
    let mut used_rules: BTreeSet<usize> = BTreeSet::new();
    let mut expired_hits: BTreeMap<usize, usize> = BTreeMap::new();
    for r in results.iter_mut() {
        let id = r.check.id();
        let mut here = 0;
        for f in r.outcome.findings.iter_mut().filter(|f| f.counts()) {
            if let Some((path, c)) = inline_for(f, id, comments) {
                used_inline.insert((path.to_string(), c.line, id.to_string()));
                f.suppressed = Some(Suppressed {
                    kind: SuppressionKind::Inline,
                    reason: c.reason.clone(),
                    source: format!("{path}:{}", c.line),
                });
                here += 1;
                continue;
            }
            // The first rule still in force suppresses; expired ones only
            // say that they no longer do.
            let mut chosen = None;
            let matching = rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| rule_covers(rule, id, f));
            for (i, rule) in matching {
                if rule.until.is_some_and(|until| until < today) {
                    *expired_hits.entry(i).or_default() += 1;
                } else {
                    chosen = Some((i, rule));
                    break;
                }
            }
            if let Some((i, rule)) = chosen {
                used_rules.insert(i);
                f.suppressed = Some(Suppressed {
                    kind: SuppressionKind::Config,
                    reason: rule.reason.clone(),
                    source: rule.source.clone(),
                });
                here += 1;
            }
        }
        if here > 0 {
            applied.suppressed += here;
            r.outcome.recount(&format!(
                "{here} suppressed finding(s), each with its reason"
            ));
        }
    }
    for (path, list) in comments {
        for c in list.iter().filter(|c| !c.reason.is_empty()) {
            for id in c.ids.iter().filter(|id| looked.contains(id.as_str())) {
                if !used_inline.contains(&(path.clone(), c.line, id.clone())) {
                    warnings.insert(format!(
                        "{path}:{}: `readiness: ignore[{id}]` matches no finding of `{id}` on this line{}; remove it",
                        c.line,
                        if c.own_line { " or the next" } else { "" }
                    ));
                }
            }
        }
    }
    for (i, rule) in rules.iter().enumerate() {
        if let Some(until) = rule.until.filter(|u| *u < today) {
            let hits = expired_hits.get(&i).copied().unwrap_or(0);
            warnings.insert(if hits > 0 {
                format!(
                    "{}: the suppression of `{}` expired on {until}; its {hits} finding(s) count again (fix them, or extend `until` with a reason)",
                    rule.source, rule.check
                )
            } else {
                format!(
                    "{}: the suppression of `{}` expired on {until} and matches no finding; remove it",
                    rule.source, rule.check
                )
            });
        } else if !used_rules.contains(&i) && looked.contains(rule.check.as_str()) {
            warnings.insert(format!(
                "{}: the suppression of `{}` matches no finding; remove it",
                rule.source, rule.check
            ));
        }
    }
    applied.warnings = warnings.into_iter().collect();
    applied
}

/// The inline comment covering finding `f` of check `id`, with its file.
fn inline_for<'c>(
    f: &Finding,
    id: &str,
    comments: &'c BTreeMap<String, Vec<IgnoreComment>>,
) -> Option<(&'c str, &'c IgnoreComment)> {
    let line = f.line?;
    let (path, list) = comments.get_key_value(f.path.as_deref()?)?;
    list.iter()
        .find(|c| c.covers(line) && !c.reason.is_empty() && c.ids.iter().any(|i| i == id))
        .map(|c| (path.as_str(), c))
}

/// Whether `rule` is about finding `f` of check `id` (dates aside).
fn rule_covers(rule: &SuppressRule, id: &str, f: &Finding) -> bool {
    rule.check == id
        && rule
            .path
            .as_ref()
            .is_none_or(|p| f.path.as_deref().is_some_and(|path| p.matches(path)))
        && rule
            .matches
            .as_deref()
            .is_none_or(|m| f.message.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Level, Outcome};
    use crate::parse::ignore_comment::{self, CommentStyle};

    fn result(id: &str, findings: Vec<Finding>) -> CheckResult {
        CheckResult {
            check: crate::checks::find(id).unwrap(),
            level: Level::Warn,
            weight: 1,
            outcome: Outcome::from_findings(findings, 0.5),
            elapsed: Default::default(),
        }
    }

    fn comments(path: &str, text: &str) -> BTreeMap<String, Vec<IgnoreComment>> {
        BTreeMap::from([(
            path.to_string(),
            ignore_comment::scan(text, CommentStyle::for_path(path)),
        )])
    }

    fn rule(check: &str, path: Option<&str>, until: Option<&str>) -> SuppressRule {
        SuppressRule {
            check: check.into(),
            path: path.map(|p| {
                crate::parse::glob::Pattern::new(p, crate::parse::glob::Dialect::Gitignore).unwrap()
            }),
            matches: None,
            reason: "reviewed".into(),
            until: until.map(|u| u.parse().unwrap()),
            source: "readiness.toml:3".into(),
        }
    }

    const TODAY: Date = jiff::civil::date(2026, 12, 7);

    #[test]
    fn inline_comment_suppresses_its_line_and_the_check_passes() {
        let yml = ".github/workflows/ci.yml";
        let mut results = vec![result(
            "pinned-actions",
            vec![Finding::warning("a", "not pinned").at(yml, Some(2))],
        )];
        let c = comments(
            yml,
            "steps:\n  - uses: a/b@v1 # readiness: ignore[pinned-actions] vendored, reviewed\n",
        );
        let applied = apply(&mut results, &c, &[], TODAY);
        assert_eq!(applied.suppressed, 1);
        assert!(applied.warnings.is_empty(), "{:?}", applied.warnings);
        let o = &results[0].outcome;
        assert_eq!((o.status, o.score), (Status::Pass, 1.0));
        let s = o.findings[0].suppressed.as_ref().unwrap();
        assert_eq!(s.kind, SuppressionKind::Inline);
        assert_eq!(s.reason, "vendored, reviewed");
        assert_eq!(s.source, format!("{yml}:2"));
    }

    #[test]
    fn inline_comment_for_another_check_or_line_does_not_apply() {
        let yml = "ci.yml";
        let mut results = vec![
            result(
                "pinned-actions",
                vec![Finding::warning("a", "x").at(yml, Some(3))],
            ),
            result(
                "install-pinning",
                vec![Finding::warning("b", "y").at(yml, Some(1))],
            ),
        ];
        let c = comments(
            yml,
            "a: 1 # readiness: ignore[pinned-actions] why\nb: 2\nc: 3\n",
        );
        let applied = apply(&mut results, &c, &[], TODAY);
        assert_eq!(applied.suppressed, 0);
        assert_eq!(results[0].outcome.status, Status::Warn);
        assert_eq!(results[1].outcome.status, Status::Warn);
        assert_eq!(
            applied.warnings,
            [
                "ci.yml:1: `readiness: ignore[pinned-actions]` matches no finding of `pinned-actions` on this line; remove it"
            ]
        );
    }

    #[test]
    fn no_reason_or_unknown_id_suppresses_nothing_and_says_so() {
        let rs = "src/lib.rs";
        let mut results = vec![result(
            "unsafe-hygiene",
            vec![Finding::warning("u", "no SAFETY").at(rs, Some(2))],
        )];
        let c = comments(
            rs,
            "// readiness: ignore[unsafe-hygiene]\nunsafe { f() } // readiness: ignore[unsafe-hygeine] typo\n",
        );
        let applied = apply(&mut results, &c, &[], TODAY);
        assert_eq!(applied.suppressed, 0);
        assert_eq!(results[0].outcome.status, Status::Warn);
        assert_eq!(applied.warnings.len(), 2, "{:?}", applied.warnings);
        assert!(applied.warnings[0].contains("gives no reason"));
        assert!(applied.warnings[1].contains("names no check"));
    }

    #[test]
    fn config_rule_by_path_and_message_and_its_expiry() {
        let mut results = vec![result(
            "unfinished-code",
            vec![
                Finding::warning("t1", "todo!() in shipped code").at("src/a.rs", Some(1)),
                Finding::warning("t2", "TODO comment").at("src/b.rs", Some(1)),
            ],
        )];
        let mut r = rule("unfinished-code", Some("src/a.rs"), None);
        r.matches = Some("todo!()".into());
        let applied = apply(&mut results, &BTreeMap::new(), &[r], TODAY);
        assert_eq!(applied.suppressed, 1);
        let o = &results[0].outcome;
        assert_eq!(o.status, Status::Warn, "src/b.rs still counts");
        assert_eq!(
            o.findings[0].suppressed.as_ref().map(|s| s.kind),
            Some(SuppressionKind::Config)
        );
        assert!(o.findings[1].suppressed.is_none());

        let mut results = vec![result(
            "unfinished-code",
            vec![Finding::warning("t1", "todo").at("src/a.rs", Some(1))],
        )];
        let expired = rule("unfinished-code", Some("src/*.rs"), Some("2026-12-01"));
        let applied = apply(&mut results, &BTreeMap::new(), &[expired], TODAY);
        assert_eq!(applied.suppressed, 0);
        assert_eq!(results[0].outcome.status, Status::Warn);
        assert_eq!(
            applied.warnings,
            [
                "readiness.toml:3: the suppression of `unfinished-code` expired on 2026-12-01; its 1 finding(s) count again (fix them, or extend `until` with a reason)"
            ]
        );
    }

    #[test]
    fn unused_rule_is_reported_only_when_its_check_looked() {
        let mut results = vec![
            result("unfinished-code", vec![]),
            CheckResult {
                outcome: Outcome::error("no metadata"),
                ..result("advisories", vec![])
            },
        ];
        let rules = [
            rule("unfinished-code", Some("src/*.rs"), None),
            rule("advisories", Some("Cargo.lock"), None),
        ];
        let applied = apply(&mut results, &BTreeMap::new(), &rules, TODAY);
        assert_eq!(
            applied.warnings,
            [
                "readiness.toml:3: the suppression of `unfinished-code` matches no finding; remove it"
            ]
        );
    }

    #[test]
    fn a_suppressed_error_lets_a_failing_check_pass() {
        let mut results = vec![result(
            "changelog-links",
            vec![Finding::error("l", "broken link").at("CHANGELOG.md", Some(4))],
        )];
        assert_eq!(results[0].outcome.status, Status::Fail);
        let c = comments(
            "CHANGELOG.md",
            "# Changelog\n\n## 1.0\n[1.0]: https://x/compare/a...b <!-- readiness: ignore[changelog-links] tag lost in the 2019 migration -->\n",
        );
        apply(&mut results, &c, &[], TODAY);
        assert_eq!(results[0].outcome.status, Status::Pass);
        assert!(
            results[0]
                .outcome
                .note
                .as_deref()
                .unwrap()
                .contains("1 suppressed")
        );
    }
}
