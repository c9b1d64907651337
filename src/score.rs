//! Scoring and the gate: category scores, the 0–100 total, the verdict.
//!
//! Pure: a function of check results, weights, profile and minimum score.

use std::collections::BTreeMap;

use clap::ValueEnum;
use serde::Serialize;

use crate::checks::{Category, Check, CheckResult, Level, Status};

/// A gate profile: which checks must pass and the default minimum score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Only known vulnerabilities and license files block; no minimum score.
    Minimal,
    /// The production gate (default): core checks must pass, score ≥ 75.
    #[default]
    Production,
    /// Every check enforced at its default level, score ≥ 95.
    Strict,
}

/// Checks that must pass under `production`.
const PRODUCTION_DENY: &[&str] = &[
    "advisories",
    "license-files",
    "security-policy",
    "ci-present",
    "ci-tests",
    "changelog-links",
    "lockfile",
    "sources",
    // Not in DESIGN.md's list: a ban is an explicit team rule, and with no
    // `[bans] deny` configured the check cannot fail.
    "bans",
    // Nor these: certificate checks switched off in shipped code, and a
    // workflow that runs untrusted code with the repository's token, are
    // production blockers, and both checks report only what they can show.
    "tls-verification",
    "dangerous-workflow",
];

/// Checks that must pass under `minimal`.
const MINIMAL_DENY: &[&str] = &["advisories", "license-files"];

impl Profile {
    /// Parses the config spelling.
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "minimal" => Some(Profile::Minimal),
            "production" => Some(Profile::Production),
            "strict" => Some(Profile::Strict),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Minimal => "minimal",
            Profile::Production => "production",
            Profile::Strict => "strict",
        }
    }

    /// Default minimum score.
    pub fn min_score(self) -> f64 {
        match self {
            Profile::Minimal => 0.0,
            Profile::Production => 75.0,
            Profile::Strict => 95.0,
        }
    }

    /// A check's level under this profile, before configuration overrides.
    ///
    /// `minimal`/`production`: the profile's list is `deny`, everything else
    /// at most `warn`. `strict`: default levels, and `allow` checks become
    /// `warn` so nothing is silent.
    pub fn level_for(self, check: &dyn Check) -> Level {
        let deny_list = match self {
            Profile::Minimal => MINIMAL_DENY,
            Profile::Production => PRODUCTION_DENY,
            Profile::Strict => {
                return match check.default_level() {
                    Level::Allow => Level::Warn,
                    other => other,
                };
            }
        };
        if deny_list.contains(&check.id()) {
            Level::Deny
        } else {
            check.default_level().min(Level::Warn)
        }
    }
}

/// One category's result.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryScore {
    /// The category.
    pub id: Category,
    /// Its weight in the total.
    pub weight: u32,
    /// 0–100, one decimal; `None` when every check in it was skipped.
    pub score: Option<f64>,
}

/// The gate verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Gate {
    /// Whether the gate passed.
    pub passed: bool,
    /// The minimum score applied.
    pub min_score: f64,
    /// Why it failed (empty when it passed).
    pub reasons: Vec<String>,
}

/// Everything a report renders.
#[derive(Debug, Clone)]
pub struct Scorecard {
    /// The profile applied.
    pub profile: Profile,
    /// Total 0–100, one decimal.
    pub score: f64,
    /// The verdict.
    pub gate: Gate,
    /// Per-category scores in report order.
    pub categories: Vec<CategoryScore>,
    /// Every check's result, in registry order.
    pub checks: Vec<CheckResult>,
}

/// Round to one decimal.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Scores `checks` and applies the gate.
pub fn score(
    checks: Vec<CheckResult>,
    weights: &BTreeMap<Category, u32>,
    profile: Profile,
    min_score: f64,
) -> Scorecard {
    let mut categories = Vec::new();
    let (mut total, mut total_weight) = (0.0, 0.0);
    for category in Category::ALL {
        let weight = weights
            .get(&category)
            .copied()
            .unwrap_or(category.default_weight());
        let scored: Vec<&CheckResult> = checks
            .iter()
            .filter(|r| r.check.category() == category && r.outcome.status != Status::Skip)
            .collect();
        let check_weight: f64 = scored.iter().map(|r| f64::from(r.weight)).sum();
        let score = (check_weight > 0.0).then(|| {
            scored
                .iter()
                .map(|r| f64::from(r.weight) * r.outcome.score)
                .sum::<f64>()
                / check_weight
        });
        if let Some(s) = score {
            total += s * f64::from(weight);
            total_weight += f64::from(weight);
        }
        categories.push(CategoryScore {
            id: category,
            weight,
            score: score.map(|s| one_decimal(s * 100.0)),
        });
    }
    let score = if total_weight > 0.0 {
        one_decimal(total / total_weight * 100.0)
    } else {
        0.0
    };

    let mut reasons = Vec::new();
    for r in &checks {
        if r.level != Level::Deny {
            continue;
        }
        match r.outcome.status {
            Status::Fail => reasons.push(format!("{} failed (level deny)", r.check.id())),
            Status::Error => reasons.push(format!(
                "{} could not be evaluated (level deny): {}",
                r.check.id(),
                r.outcome.note.as_deref().unwrap_or("no reason given")
            )),
            _ => {}
        }
    }
    if score < min_score {
        reasons.push(format!("score {score} is below the minimum {min_score}"));
    }
    Scorecard {
        profile,
        score,
        gate: Gate {
            passed: reasons.is_empty(),
            min_score,
            reasons,
        },
        categories,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{ALL, Outcome};

    fn result(id: &str, level: Level, outcome: Outcome) -> CheckResult {
        let check = crate::checks::find(id).unwrap();
        CheckResult {
            check,
            level,
            weight: check.weight(),
            outcome,
            elapsed: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn all_pass_scores_100() {
        let checks = ALL
            .iter()
            .map(|c| result(c.id(), Level::Deny, Outcome::pass()))
            .collect();
        let card = score(checks, &BTreeMap::new(), Profile::Production, 75.0);
        assert_eq!(card.score, 100.0);
        assert!(card.gate.passed);
    }

    #[test]
    fn deny_failure_fails_gate_and_warn_does_not() {
        let fail = Outcome::from_findings(vec![crate::checks::Finding::error("k", "m")], 0.0);
        let card = score(
            vec![
                result("readme", Level::Warn, fail.clone()),
                result("license-files", Level::Deny, Outcome::pass()),
            ],
            &BTreeMap::new(),
            Profile::Production,
            0.0,
        );
        assert!(card.gate.passed, "{:?}", card.gate.reasons);
        let card = score(
            vec![result("license-files", Level::Deny, fail)],
            &BTreeMap::new(),
            Profile::Production,
            0.0,
        );
        assert!(!card.gate.passed);
    }

    #[test]
    fn errors_count_as_failures_and_skips_are_excluded() {
        let card = score(
            vec![
                result("ci-present", Level::Deny, Outcome::error("no network")),
                result("readme", Level::Warn, Outcome::skip("n/a")),
            ],
            &BTreeMap::new(),
            Profile::Production,
            0.0,
        );
        assert!(!card.gate.passed);
        assert!(card.gate.reasons[0].contains("no network"));
        let governance = card
            .categories
            .iter()
            .find(|c| c.id == Category::Governance)
            .unwrap();
        assert_eq!(governance.score, None);
        assert_eq!(card.score, 0.0);
    }

    #[test]
    fn weighted_mean_of_categories() {
        // governance 100 (weight 10), ci 0 (weight 20) → 33.3
        let card = score(
            vec![
                result("readme", Level::Warn, Outcome::pass()),
                result(
                    "ci-present",
                    Level::Warn,
                    Outcome::from_findings(vec![crate::checks::Finding::error("k", "m")], 0.0),
                ),
            ],
            &BTreeMap::new(),
            Profile::Production,
            0.0,
        );
        assert_eq!(card.score, 33.3);
        assert!(card.gate.passed);
        let mut weights = BTreeMap::new();
        weights.insert(Category::Ci, 0);
        weights.insert(Category::Governance, 10);
        let card = score(
            vec![
                result("readme", Level::Warn, Outcome::pass()),
                result("ci-present", Level::Warn, Outcome::error("x")),
            ],
            &weights,
            Profile::Production,
            0.0,
        );
        assert_eq!(card.score, 100.0);
    }

    #[test]
    fn profiles_set_levels() {
        let lf = crate::checks::find("license-files").unwrap();
        let readme = crate::checks::find("readme").unwrap();
        assert_eq!(Profile::Minimal.level_for(lf), Level::Deny);
        assert_eq!(Profile::Production.level_for(readme), Level::Warn);
        let sp = crate::checks::find("security-policy").unwrap();
        assert_eq!(Profile::Minimal.level_for(sp), Level::Warn);
        assert_eq!(Profile::Strict.level_for(sp), sp.default_level());
    }
}
