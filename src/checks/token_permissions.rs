//! `token-permissions`: workflows give the `GITHUB_TOKEN` read-only
//! permissions at the top, and write only in jobs that need it.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::gha::{ActionRef, GhWorkflow, Job, PermissionSet};

/// See [`Check::docs`].
pub struct TokenPermissions;

impl Check for TokenPermissions {
    fn id(&self) -> &'static str {
        "token-permissions"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "workflows set read-only token permissions at the top; jobs write only where needed"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every workflow has a top-level `permissions:` block that is read-only
(`contents: read`, `read-all`, or `{}`). Findings:

- no top-level block (a warning when some job has no block of its own
  either; a note when every job declares its own, or when the workflow
  only runs as a reusable workflow and inherits its caller's token);
- `permissions: write-all` at the top (an error) or in a job;
- a `write` scope at the top: every job gets it;
- a `write` scope in a job that does nothing needing it. Writes are
  expected, and only noted, where the job's own steps need them:
  `contents` to publish a release or push (release actions, `gh
  release`, `git push`, `mike deploy --push`, `mkdocs gh-deploy`,
  tag-triggered workflows), `pages` and `id-token`
  to deploy Pages, `id-token` and `attestations` for OIDC publishing,
  signing and attestations, `security-events` to upload SARIF (CodeQL,
  zizmor, Scorecard), `packages` to push images, and `issues`,
  `pull-requests`, `checks`, `statuses` for bots that are handed the token.
  A job that calls a local reusable workflow needs what that workflow's
  jobs need (a remote one is only noted: it gets nothing but what its
  caller grants). OIDC publishing is recognised from a list kept as data
  (`OIDC_ACTIONS`, `OIDC_COMMANDS`): crates.io, npm/pnpm/bun `publish`,
  `uv`/`pdm`/`maturin` publish, JSR, `NuGet/login`, RubyGems,
  `release-plz/action`, OIDC token exchange (`octo-sts`,
  `ost-simple-sts`), cloud logins, sigstore and gitsign, attestations. A
  comment at the end of the scope's line
  or on the line above (`contents: write  # pushes the docs branch`)
  says why, and makes the grant a note.

## Why
The `GITHUB_TOKEN` of a job that runs a compromised action or an injected
script can push code, publish releases or change settings with whatever
the workflow grants. Repositories created before February 2023 grant
read and write by default. Least privilege limits the blast radius.

## Passing example
```yaml
permissions:
  contents: read

jobs:
  release:
    permissions:
      contents: write   # publishes the GitHub release
    steps:
      - run: gh release create "$GITHUB_REF_NAME" dist/*
```

## How to fix
Add `permissions: { contents: read }` at the top of each workflow, and
grant `write` scopes in the jobs that need them, naming why in a comment.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.ci.workflows.is_empty() {
            return Outcome::skip("no GitHub Actions workflows");
        }
        let mut findings = Vec::new();
        let mut clean = 0usize;
        for wf in &facts.ci.workflows {
            let before = findings.len();
            workflow_findings(facts, wf, &mut findings);
            if !findings[before..]
                .iter()
                .any(|f: &Finding| f.severity > Severity::Note)
            {
                clean += 1;
            }
        }
        let score = clean as f64 / facts.ci.workflows.len() as f64;
        Outcome::from_findings(findings, score)
    }
}

fn workflow_findings(facts: &Facts, wf: &GhWorkflow, findings: &mut Vec<Finding>) {
    let path = wf.path.clone();
    let source: Vec<&str> = facts
        .texts
        .get(&wf.path)
        .and_then(|t| t.text())
        .map(|t| t.lines().collect())
        .unwrap_or_default();
    match &wf.permissions {
        None => {
            let unscoped: Vec<&str> = wf
                .jobs
                .iter()
                .filter(|j| j.permissions.is_none())
                .map(|j| j.id.as_str())
                .collect();
            let finding = if wf.is_reusable_only() {
                Finding::note(
                    "no-top-level",
                    format!(
                        "{path} has no top-level `permissions:`; as a reusable workflow it gets its caller's token"
                    ),
                )
            } else if unscoped.is_empty() {
                Finding::note(
                    "no-top-level",
                    format!(
                        "{path} has no top-level `permissions:`, but every job declares its own"
                    ),
                )
            } else {
                Finding::warning(
                    "no-top-level",
                    format!(
                        "{path} has no top-level `permissions:`: {} {} the repository's default token permissions (read and write on repositories created before February 2023)",
                        if unscoped.len() == 1 { "job" } else { "jobs" },
                        unscoped
                            .iter()
                            .map(|j| format!("`{j}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                            + if unscoped.len() == 1 { " gets" } else { " get" }
                    ),
                )
            };
            findings.push(
                finding
                    .at(path.clone(), Some(wf.jobs_line))
                    .help("add `permissions: {contents: read}` at the top level, above `jobs:`"),
            );
        }
        Some(p) => {
            // When every job declares its own permissions, the top level
            // applies to none of them today: only a job added later would
            // inherit it.
            let inert = !wf.jobs.is_empty() && wf.jobs.iter().all(|j| j.permissions.is_some());
            let demote = |f: Finding| {
                if inert {
                    let mut f = f;
                    f.severity = Severity::Note;
                    f.message.push_str(
                        " (every job declares its own permissions, so none inherits it yet)",
                    );
                    f
                } else {
                    f
                }
            };
            match &p.set {
                PermissionSet::WriteAll => findings.push(demote(
                    Finding::error("write-all", format!("{path} grants `write-all` to every job"))
                        .at(path.clone(), Some(p.line))
                        .help("use `permissions: { contents: read }` and grant writes in the jobs that need them"),
                )),
                PermissionSet::Other(value) => findings.push(
                    Finding::warning(
                        "unreadable",
                        format!("{path}: top-level `permissions: {value}` is not a permission set"),
                    )
                    .at(path.clone(), Some(p.line))
                    .help("use `read-all`, `{}` or a map of scopes"),
                ),
                _ => {
                    for scope in p.writes() {
                        findings.push(demote(
                            Finding::warning(
                                format!("top-write:{}", scope.name),
                                format!("{path} grants `{}: write` at the top level, to every job", scope.name),
                            )
                            .at(path.clone(), Some(scope.line))
                            .help("grant it in the job that needs it and keep the top level read-only"),
                        ));
                    }
                }
            }
        }
    }
    for job in &wf.jobs {
        let Some(p) = &job.permissions else { continue };
        if p.set == PermissionSet::WriteAll {
            findings.push(
                Finding::warning(
                    format!("job-write-all:{}", job.id),
                    format!("job `{}` grants `write-all`", job.id),
                )
                .at(path.clone(), Some(p.line))
                .help("list only the scopes the job needs"),
            );
            continue;
        }
        for scope in p.writes() {
            let key = format!("job-write:{}:{}", job.id, scope.name);
            let why = needs(facts, wf, job, &scope.name, 0)
                .or_else(|| justification(&source, scope.line));
            let finding = match why {
                Some(why) => Finding::note(
                    key,
                    format!("job `{}` has `{}: write`: {why}", job.id, scope.name),
                )
                .help("expected; keep the comment saying why"),
                None => Finding::warning(
                    key,
                    format!(
                        "job `{}` has `{}: write` but none of its steps visibly needs it",
                        job.id, scope.name
                    ),
                )
                .help(format!(
                    "remove `{}: write`, or say in a comment why the job needs it",
                    scope.name
                )),
            };
            findings.push(finding.at(path.clone(), Some(scope.line)));
        }
    }
}

/// The comment saying why a scope is granted: at the end of its line
/// (`contents: write  # pushes the docs branch`) or on the line above —
/// what this check's help asks users to write.
fn justification(source: &[&str], line: usize) -> Option<String> {
    let own = source.get(line.checked_sub(1)?)?;
    let trailing = own
        .split_once(" #")
        .map(|(_, c)| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let above = line
        .checked_sub(2)
        .and_then(|i| source.get(i))
        .and_then(|l| l.trim_start().strip_prefix('#'))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    trailing.or(above).map(|c| {
        let short: String = c.chars().take(80).collect();
        let more = if short.len() < c.len() { "…" } else { "" };
        format!("the comment says why (\"{short}{more}\")")
    })
}

/// Actions that exchange the job's OIDC token (`id-token: write`) for
/// credentials: publishing with trusted publishing, cloud logins,
/// signing and attestations. Prefixes of `owner/repo`.
const OIDC_ACTIONS: &[&str] = &[
    "actions/deploy-pages",
    "actions/attest",
    "rust-lang/crates-io-auth-action",
    "aws-actions/configure-aws-credentials",
    "google-github-actions/auth",
    "azure/login",
    "sigstore/",
    "codecov/codecov-action",
    "pypa/gh-action-pypi-publish",
    "slsa-framework/",
    "nuget/login",
    "rubygems/configure-rubygems-credentials",
    "rubygems/release-gem",
    "hashicorp/vault-action",
    "docker/login-action",
    "jsr-io/",
    // crates.io trusted publishing when no registry token is given.
    "release-plz/action",
    // OIDC token exchange for a scoped token (uv's pull-request bots).
    "open-security-tools/ost-simple-sts",
    "octo-sts/action",
    // gitsign: keyless commit and tag signing with Sigstore.
    "chainguard-dev/actions/setup-gitsign",
];

/// Commands that use the job's OIDC token: trusted publishing to crates.io,
/// npm (`--provenance`, and trusted publishing), PyPI (`uv`, `pdm`,
/// `maturin`), JSR, signing.
const OIDC_COMMANDS: &[&str] = &[
    "cargo publish",
    "cosign",
    "ACTIONS_ID_TOKEN_REQUEST",
    "npm publish",
    "pnpm publish",
    "yarn npm publish",
    "bun publish",
    "uv publish",
    "pdm publish",
    "maturin publish",
    "maturin upload",
    "jsr publish",
    "deno publish",
    "gh attestation",
    "gitsign",
];

/// How deep `uses: ./.github/workflows/x.yml` is followed for what the
/// called workflow needs.
const MAX_CALL_DEPTH: usize = 4;

/// Why a job needs `scope: write`, if anything in it does — for a job that
/// calls a reusable workflow, anything in that workflow's jobs.
fn needs(facts: &Facts, wf: &GhWorkflow, job: &Job, scope: &str, depth: usize) -> Option<String> {
    if let Some(uses) = &job.uses {
        return match ActionRef::parse(&uses.value) {
            ActionRef::Local(called) if depth < MAX_CALL_DEPTH => {
                let called_wf = facts.ci.workflows.iter().find(|w| w.path == called)?;
                called_wf.jobs.iter().find_map(|j| {
                    let declared = j
                        .permissions
                        .as_ref()
                        .is_some_and(|p| p.writes().iter().any(|w| w.name == scope));
                    let why = needs(facts, called_wf, j, scope, depth + 1).or_else(|| {
                        declared.then(|| format!("job `{}` there declares it", j.id))
                    })?;
                    Some(format!("it calls {called}, where {why}"))
                })
            }
            ActionRef::Local(_) => None,
            _ => Some(format!(
                "it calls the reusable workflow {}, which is granted only what its caller has",
                uses.value
            )),
        };
    }
    let actions: Vec<String> = job
        .steps
        .iter()
        .filter_map(|s| s.uses.as_ref())
        .filter_map(|u| ActionRef::parse(&u.value).name())
        .chain(job.uses.as_ref().map(|u| u.value.to_ascii_lowercase()))
        .collect();
    let scripts: String = job
        .steps
        .iter()
        .filter_map(|s| s.run.as_ref().map(|r| r.text.as_str()))
        .collect::<Vec<_>>()
        .join("\n");
    let uses_any = |names: &[&str]| {
        actions
            .iter()
            .find(|a| names.iter().any(|n| a.starts_with(n)))
            .map(|a| format!("it uses {a}"))
    };
    let runs_any = |needles: &[&str]| {
        needles
            .iter()
            .find(|n| scripts.contains(**n))
            .map(|n| format!("it runs `{}`", n.trim()))
    };
    let hands_token = || {
        let token_input = job.steps.iter().any(|s| {
            s.with.iter().any(|i| {
                let n = i.name.to_ascii_lowercase();
                n.contains("token")
                    || i.value.contains("GITHUB_TOKEN")
                    || i.value.contains("github.token")
            }) || s
                .env
                .iter()
                .any(|e| e.name == "GH_TOKEN" || e.name == "GITHUB_TOKEN")
        }) || job
            .env
            .iter()
            .any(|e| e.name == "GH_TOKEN" || e.name == "GITHUB_TOKEN")
            || wf
                .env
                .iter()
                .any(|e| e.name == "GH_TOKEN" || e.name == "GITHUB_TOKEN")
            || scripts.contains("secrets.GITHUB_TOKEN")
            || scripts.contains("github.token");
        token_input.then(|| "its steps are handed the token".to_string())
    };
    let release_trigger = || {
        wf.triggers
            .iter()
            .any(|t| t.covers_tags() || t.event == "release")
            .then(|| "the workflow runs on tags or releases".to_string())
    };
    match scope {
        "contents" => uses_any(&[
            "softprops/action-gh-release",
            "ncipollo/release-action",
            "taiki-e/upload-rust-binary-action",
            "taiki-e/create-gh-release-action",
            "svenstaro/upload-release-action",
            "actions/create-release",
            "actions/upload-release-asset",
            "release-plz/action",
            "googleapis/release-please-action",
            "peaceiris/actions-gh-pages",
            "jamesives/github-pages-deploy-action",
            "stefanzweifel/git-auto-commit-action",
            "peter-evans/create-pull-request",
            "ad-m/github-push-action",
            "github/codeql-action",
        ])
        .or_else(|| {
            runs_any(&[
                "gh release",
                "git push",
                "cargo dist",
                "dist host",
                "gh api",
                "git tag",
                // Docs deploys that push a branch with the job's token.
                "mike deploy --push",
                "mkdocs gh-deploy",
                "ghp-import -p",
                "ghp-import --push",
            ])
        })
        .or_else(release_trigger),
        "pages" => uses_any(&["actions/deploy-pages", "actions/configure-pages"]),
        "id-token" => uses_any(OIDC_ACTIONS).or_else(|| runs_any(OIDC_COMMANDS)),
        "attestations" => uses_any(&["actions/attest"]),
        "security-events" => uses_any(&[
            "github/codeql-action",
            "ossf/scorecard-action",
            "zizmorcore/zizmor-action",
            "aquasecurity/trivy-action",
            "anchore/scan-action",
        ])
        .or_else(|| {
            actions
                .iter()
                .find(|a| a.contains("sarif"))
                .map(|a| format!("it uses {a}"))
        })
        .or_else(|| runs_any(&["sarif"])),
        "packages" => uses_any(&["docker/login-action", "docker/build-push-action"])
            .or_else(|| runs_any(&["docker push", "ghcr.io"])),
        _ => uses_any(&[
            "actions/labeler",
            "actions/stale",
            "actions/github-script",
            "rustsec/audit-check",
            "actions-rs/audit-check",
            "actions-rs/clippy-check",
            "release-plz/action",
            "peter-evans/",
        ])
        .or_else(|| runs_any(&["gh "]))
        .or_else(hands_token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(wf: &str) -> Outcome {
        TokenPermissions.run(
            &Facts::in_memory(vec![], &[(".github/workflows/ci.yml", wf)]),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn a_comment_saying_why_and_reusable_workflow_callers() {
        let wf = "on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n    permissions:\n      contents: write # pushes the generated docs\n      # reports coverage status\n      statuses: write\n      issues: write\n    steps:\n      - run: ./ci/docs.sh\n";
        let o = run(wf);
        let by_key = |k: &str| o.findings.iter().find(|f| f.key == k).unwrap();
        assert_eq!(by_key("job-write:a:contents").severity, Severity::Note);
        assert!(
            by_key("job-write:a:contents")
                .message
                .contains("pushes the generated docs")
        );
        assert_eq!(by_key("job-write:a:statuses").severity, Severity::Note);
        assert_eq!(by_key("job-write:a:issues").severity, Severity::Warning);

        let caller = "on: push\npermissions:\n  contents: read\njobs:\n  release:\n    permissions:\n      id-token: write\n      contents: write\n      pull-requests: write\n    uses: ./.github/workflows/publish.yml\n";
        let called = "on: workflow_call\njobs:\n  npm:\n    runs-on: x\n    steps:\n      - run: npm publish --provenance --access public\n      - uses: softprops/action-gh-release@v2\n";
        let facts = Facts::in_memory(
            vec![],
            &[
                (".github/workflows/ci.yml", caller),
                (".github/workflows/publish.yml", called),
            ],
        );
        let o = TokenPermissions.run(&facts, &CheckConfig { level: Level::Warn });
        let by_key = |k: &str| o.findings.iter().find(|f| f.key == k).unwrap();
        assert_eq!(
            by_key("job-write:release:id-token").severity,
            Severity::Note
        );
        assert!(
            by_key("job-write:release:id-token")
                .message
                .contains("it calls .github/workflows/publish.yml, where it runs `npm publish`")
        );
        assert_eq!(
            by_key("job-write:release:contents").severity,
            Severity::Note
        );
        assert_eq!(
            by_key("job-write:release:pull-requests").severity,
            Severity::Warning
        );
    }

    #[test]
    fn docs_deploys_and_gitsign_need_what_they_ask_for() {
        let wf = "on: push\npermissions:\n  contents: read\njobs:\n  docs:\n    runs-on: x\n    permissions:\n      contents: write\n    steps:\n      - run: mike deploy --push --update-aliases 0.1 latest\n  bump:\n    runs-on: x\n    permissions:\n      id-token: write\n    steps:\n      - uses: chainguard-dev/actions/setup-gitsign@main\n";
        let o = run(wf);
        for key in ["job-write:docs:contents", "job-write:bump:id-token"] {
            let f = o.findings.iter().find(|f| f.key == key).unwrap();
            assert_eq!(f.severity, Severity::Note, "{f:?}");
        }
    }

    #[test]
    fn read_only_top_level_passes() {
        for top in [
            "permissions:\n  contents: read\n",
            "permissions: read-all\n",
            "permissions: {}\n",
        ] {
            let o = run(&format!("on: push\n{top}jobs:\n  a:\n    runs-on: x\n"));
            assert_eq!(o.status, Status::Pass, "{top}");
        }
    }

    #[test]
    fn missing_and_write_all_are_located() {
        let o = run("on: push\njobs:\n  a:\n    runs-on: x\n");
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(2));
        let o = run("on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n");
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.findings[0].line, Some(2));
        let o = run(
            "on: push\npermissions:\n  contents: write\n  issues: read\njobs:\n  a:\n    runs-on: x\n",
        );
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].line, Some(3));
    }

    #[test]
    fn job_writes_are_noted_when_needed() {
        let o = run(
            "on:\n  push:\n    tags: ['v*']\npermissions:\n  contents: read\njobs:\n  release:\n    permissions:\n      contents: write\n    steps:\n      - run: gh release create \"$GITHUB_REF_NAME\"\n  lint:\n    permissions:\n      issues: write\n    steps:\n      - run: cargo clippy\n",
        );
        assert_eq!(o.status, Status::Warn);
        let notes: Vec<_> = o
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Note)
            .collect();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].line, Some(9));
        let warning = o
            .findings
            .iter()
            .find(|f| f.severity == Severity::Warning)
            .unwrap();
        assert_eq!(warning.line, Some(14));
    }

    #[test]
    fn top_level_writes_are_inert_when_every_job_is_scoped() {
        let o = run(
            "on: push\npermissions: write-all\njobs:\n  a:\n    permissions:\n      contents: read\n    runs-on: x\n",
        );
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings[0].severity, Severity::Note);
        assert_eq!(o.findings[0].line, Some(2));
    }

    #[test]
    fn every_job_scoped_is_a_note() {
        let o =
            run("on: push\njobs:\n  a:\n    permissions:\n      contents: read\n    runs-on: x\n");
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings[0].severity, Severity::Note);
    }
}
