//! `archived-uses`: no action from an archived repository.

use super::ci_support::all_uses;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct ArchivedUses;

/// Archived action repositories that Rust workflows still use, with what
/// replaces them. A snapshot: the check runs offline.
const ARCHIVED: &[(&str, &str)] = &[
    (
        "actions-rs/toolchain",
        "`dtolnay/rust-toolchain` or `rustup toolchain install`",
    ),
    ("actions-rs/cargo", "a plain `run: cargo …` step"),
    (
        "actions-rs/audit-check",
        "`rustsec/audit-check` or `run: cargo audit`",
    ),
    (
        "actions-rs/clippy-check",
        "`run: cargo clippy -- -D warnings`",
    ),
    (
        "actions-rs/tarpaulin",
        "`run: cargo tarpaulin` or `cargo llvm-cov`",
    ),
    ("actions-rs/grcov", "`cargo llvm-cov`"),
    (
        "actions-rs/install",
        "`taiki-e/install-action` or `cargo install --locked`",
    ),
    ("actions-rs/components-nightly", "`rustup component add`"),
    ("artichoke/setup-rust", "`dtolnay/rust-toolchain`"),
    (
        "actions/create-release",
        "`gh release create` or `softprops/action-gh-release`",
    ),
    ("actions/upload-release-asset", "`gh release upload`"),
    ("actions/setup-ruby", "`ruby/setup-ruby`"),
    ("actions/setup-haskell", "`haskell-actions/setup`"),
    ("actions/setup-elixir", "`erlef/setup-beam`"),
    ("orf/cargo-bloat-action", "`run: cargo bloat`"),
    (
        "marvinpinto/action-automatic-releases",
        "`gh release create`",
    ),
    (
        "crazy-max/ghaction-docker-buildx",
        "`docker/setup-buildx-action`",
    ),
    (
        "gradle/gradle-build-action",
        "`gradle/actions/setup-gradle`",
    ),
    ("semgrep/semgrep-action", "`run: semgrep ci`"),
    (
        "sonarsource/sonarcloud-github-action",
        "`SonarSource/sonarqube-scan-action`",
    ),
    (
        "paambaati/codeclimate-action",
        "Code Climate's current reporter",
    ),
    ("svenstaro/upx-action", "`run: upx …`"),
    (
        "tibdex/github-app-token",
        "`actions/create-github-app-token`",
    ),
    ("repo-sync/pull-request", "`gh pr create`"),
    ("maxheld83/ghpages", "`actions/deploy-pages`"),
    ("8398a7/action-slack", "`slackapi/slack-github-action`"),
    (
        "technote-space/auto-cancel-redundant-workflow",
        "`concurrency:` with `cancel-in-progress: true`",
    ),
];

impl Check for ArchivedUses {
    fn id(&self) -> &'static str {
        "archived-uses"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "no action comes from an archived, unmaintained repository (actions-rs/*)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
No `uses:` names an action whose repository is archived: the
`actions-rs/*` family (toolchain, cargo, audit-check, clippy-check,
tarpaulin, grcov, install), `actions/create-release`,
`actions/upload-release-asset` and other archived actions common in Rust
workflows. The list ships with cargo-readiness (the check works offline);
zizmor's `archived-uses` audit keeps a longer one.

## Why
An archived action gets no fixes: `actions-rs/*` still run on Node 12/16
runtimes GitHub has removed, use the deprecated `set-output` command, and
will not be patched if a vulnerability is found. Each is a dependency
nobody maintains, with your token.

## How to fix
Replace each with the suggested maintained alternative, usually a plain
`run:` step: `actions-rs/toolchain` → `dtolnay/rust-toolchain`,
`actions-rs/cargo` → `run: cargo …`, `actions-rs/audit-check` →
`rustsec/audit-check`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.ci.workflows.is_empty() && facts.ci.actions.is_empty() {
            return Outcome::skip("no GitHub Actions workflows");
        }
        let mut findings = Vec::new();
        let mut seen: std::collections::BTreeMap<(String, String), usize> = Default::default();
        for site in all_uses(facts) {
            let Some(repo) = site.action.repository() else {
                continue;
            };
            if let Some((_, replacement)) = ARCHIVED.iter().find(|(r, _)| *r == repo) {
                let n = seen
                    .entry((site.path.to_string(), repo.clone()))
                    .or_insert(0);
                *n += 1;
                findings.push(
                    Finding::warning(
                        format!("{repo}#{n}"),
                        format!(
                            "`{}` comes from {repo}, an archived repository that gets no fixes",
                            site.raw
                        ),
                    )
                    .at(site.path, Some(site.line))
                    .help(format!("replace it with {replacement}")),
                );
            }
        }
        let score = if findings.is_empty() { 1.0 } else { 0.0 };
        Outcome::from_findings(findings, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    #[test]
    fn actions_rs_is_flagged_at_its_line() {
        let facts = Facts::in_memory(
            vec![],
            &[(
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions-rs/toolchain@v1\n      - uses: dtolnay/rust-toolchain@stable\n",
            )],
        );
        let o = ArchivedUses.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings.len(), 1);
        assert_eq!(o.findings[0].line, Some(6));
        assert!(
            o.findings[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("dtolnay")
        );
    }
}
