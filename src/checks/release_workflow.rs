//! `release-workflow`: releases are built by CI, with checksums, an SBOM
//! and signatures or attestations.

use super::ci_support::cargo_call;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::ci::{Cmd, ResolvedJob};
use crate::facts::workflows::CiKind;

/// See [`Check::docs`].
pub struct ReleaseWorkflow;

/// Actions that publish release artifacts.
const ARTIFACT_ACTIONS: &[&str] = &[
    "taiki-e/upload-rust-binary-action",
    "houseabsolute/actions-rust-release",
    "actions/upload-artifact",
    "softprops/action-gh-release",
    "svenstaro/upload-release-action",
    "ncipollo/release-action",
    "release-plz/action",
    "katyo/publish-crates",
    "goreleaser/goreleaser-action",
    // Archived, but still uploading (zellij); `archived-uses` says so.
    "actions/upload-release-asset",
];

impl Check for ReleaseWorkflow {
    fn id(&self) -> &'static str {
        "release-workflow"
    }
    fn category(&self) -> Category {
        Category::Release
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "a tag- or release-triggered workflow builds artifacts (with checksums, SBOM, signatures)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
A release job — in a workflow triggered only by tags (`push: tags:`) or
`release:` (or a GitLab job with `only: [tags]`), a job gated on a tag in
any workflow (`if: startsWith(github.ref, 'refs/tags/')`, `github.ref_type
== 'tag'`, `github.event_name == 'release'`), or one running release-plz
or cargo-dist — builds release artifacts. A CI workflow that runs on
branches and pull requests and also on tags is not a release workflow by
that alone: only its jobs that publish (`cargo publish`, `gh release`, a
release upload action, a container image pushed to a registry: `docker
push`, `docker/build-push-action` or `docker/bake-action` with `push: true`
or a `push=true` / `type=registry` output) count. Artifacts are `cargo build`, `cross build`, `cargo dist`,
`cargo publish`, `cargo package`, `cargo deb`/`rpm`, or an upload action
(`taiki-e/upload-rust-binary-action`, `softprops/action-gh-release`,
`actions/upload-artifact`, `release-plz/action`). Extra credit, each
noted when missing:

- **checksums**: `sha256sum`/`shasum`/`b3sum`, `checksum:` of
  `upload-rust-binary-action`, cargo-dist; not expected when only crates
  are published (`cargo publish`, release-plz, no binaries): crates.io
  keeps each crate's checksum;
- **an SBOM**: `cargo cyclonedx`, `cargo sbom`, `cargo readiness sbom`,
  `syft`, `anchore/sbom-action`, `cargo auditable`;
- **signatures or provenance**: `cosign`, `sigstore/*`,
  `actions/attest-build-provenance`, `actions/attest*`, SLSA generators,
  `gpg --detach-sign`, `minisign`; code signing of the binaries
  (SignPath's actions, `azure/trusted-signing-action`, `signtool sign`,
  `osslsigncode`, macOS `codesign`).

## Why
A release built on a maintainer's laptop cannot be reproduced or
verified. Built by CI from a tag, it can; checksums, an SBOM and a
signature let users check what they downloaded and what is inside it.

## Passing example
```yaml
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
jobs:
  release:
    permissions:
      contents: write      # the GitHub release
      id-token: write      # provenance
      attestations: write
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: cargo build --release --locked
      - run: cargo readiness sbom -o target/release/bom.cdx.json
      - run: sha256sum target/release/mytool > target/release/mytool.sha256
      - uses: actions/attest-build-provenance@…  # pinned SHA
        with:
          subject-path: target/release/mytool
      - run: gh release create "$GITHUB_REF_NAME" target/release/mytool*
        env:
          GH_TOKEN: ${{ github.token }}
```

## How to fix
Add a tag-triggered workflow like the one above (or adopt release-plz or
cargo-dist).
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let release_jobs: Vec<&ResolvedJob> = facts
            .ci
            .jobs
            .iter()
            .filter(|j| is_release_job(facts, j))
            .collect();
        let Some(first) = release_jobs.first() else {
            return Outcome::from_findings(
                vec![Finding::warning(
                    "missing",
                    "no workflow triggered by tags or releases builds release artifacts",
                )
                .help("add a workflow on `push: tags: [\"v*\"]` that builds, checksums and publishes the release (`explain release-workflow`)")],
                0.0,
            );
        };
        // What the release produces is what every job of its workflows
        // does (the image build a release calls, too), as `sbom` reads it.
        let release_jobs = whole_release(facts, &release_jobs);
        let cmds: Vec<&Cmd> = release_jobs.iter().flat_map(|j| j.commands()).collect();
        let actions: Vec<String> = release_jobs
            .iter()
            .flat_map(|j| j.steps.iter())
            .filter_map(|s| s.uses.as_ref().and_then(|(a, _)| a.name()))
            .collect();
        let workflow = first.workflow.clone();
        if !cmds.iter().any(|c| builds_artifacts(c))
            && !actions
                .iter()
                .any(|a| ARTIFACT_ACTIONS.iter().any(|k| a.starts_with(k)))
        {
            if let Some(script) = cmds.iter().find_map(|c| opaque_script(c)) {
                return Outcome::from_findings(
                    vec![
                        Finding::note(
                            "opaque-release",
                            format!("{workflow} releases through `{script}`, which was not followed: what it builds and uploads is not known"),
                        )
                        .at(workflow, None),
                    ],
                    0.7,
                );
            }
            return Outcome::from_findings(
                vec![
                    Finding::warning(
                        "no-artifacts",
                        format!("{workflow} runs on release but builds or uploads no artifacts"),
                    )
                    .at(workflow, None)
                    .help("build the binaries or `cargo publish` in the release workflow"),
                ],
                0.3,
            );
        }
        let text = |needles: &[&str]| {
            cmds.iter()
                .any(|c| needles.iter().any(|n| c.text.contains(n)))
        };
        let uses = |prefixes: &[&str]| {
            actions
                .iter()
                .any(|a| prefixes.iter().any(|p| a.starts_with(p)))
        };
        let with_input = |name: &str| {
            release_jobs
                .iter()
                .flat_map(|j| j.steps.iter())
                .any(|s| s.with.iter().any(|i| i.name == name))
        };
        let dist = text(&["cargo dist", "dist build", "dist host"]);
        let crates = crates_only(&cmds, &actions);
        let parts = [
            (
                "checksums",
                text(&[
                    "sha256sum",
                    "sha512sum",
                    "shasum",
                    "b3sum",
                    "Get-FileHash",
                    "certutil",
                    "openssl dgst",
                ]) || with_input("checksum")
                    || dist
                    || crates,
                "publish SHA-256 checksums of the artifacts (`sha256sum`)",
            ),
            (
                "SBOM",
                text(&[
                    "cyclonedx",
                    "cargo sbom",
                    "readiness sbom",
                    "syft",
                    "cargo auditable",
                    "spdx",
                ]) || uses(&["anchore/sbom-action"])
                    || release_jobs
                        .iter()
                        .any(|j| super::sbom::docker_sbom(j).is_some()),
                "attach an SBOM (`cargo readiness sbom`, `cargo cyclonedx`)",
            ),
            (
                "signatures or attestations",
                text(&[
                    "cosign",
                    "minisign",
                    "gpg --detach-sign",
                    "gpg -b",
                    "gpg --sign",
                    "gh attestation",
                    // Authenticode signing of Windows binaries.
                    "signtool sign",
                    "osslsigncode",
                    "codesign ",
                ]) || uses(&[
                    "actions/attest",
                    "sigstore/",
                    "slsa-framework/",
                    "signpath/",
                    "azure/trusted-signing-action",
                    "azure/artifact-signing-action",
                ]),
                "sign or attest the artifacts (`actions/attest-build-provenance`, cosign)",
            ),
        ];
        let mut findings = Vec::new();
        let mut score = 0.55;
        for (name, present, help) in parts {
            if present {
                score += 0.15;
            } else {
                findings.push(
                    Finding::note(
                        format!("no-{}", name.rsplit(' ').next().unwrap_or(name)),
                        format!("the release workflow publishes no {name}"),
                    )
                    .at(workflow.clone(), None)
                    .help(help),
                );
            }
        }
        Outcome::from_findings(findings, score)
    }
}

/// Whether `job` releases: it runs release tooling (release-plz,
/// cargo-dist), is gated on a tag or release (`if: startsWith(github.ref,
/// 'refs/tags/')`), or is in a workflow triggered only by tags or releases
/// (with manual runs). A workflow that also runs on branches and pull
/// requests is CI that happens to run on tags too: only its jobs that
/// publish something are release jobs.
/// Whether a job of a release may produce what the release ships: it
/// publishes, builds artifacts, runs release tooling, or runs a script that
/// was not followed (which might do either). A tag-triggered docs deploy
/// (`mike deploy`) does none of these.
pub(super) fn may_ship(job: &ResolvedJob) -> bool {
    release_tooling(job)
        || publishes(job)
        || job
            .commands()
            .any(|c| builds_artifacts(c) || opaque_script(c).is_some())
}

/// Whether a job deploys documentation: a site generator's deploy
/// (`mike deploy`, `mkdocs gh-deploy`, also through `uv run`/`poetry run`)
/// or a GitHub Pages deploy action.
pub(super) fn deploys_docs(job: &ResolvedJob) -> bool {
    const PAGES_ACTIONS: &[&str] = &[
        "actions/deploy-pages",
        "actions/upload-pages-artifact",
        "peaceiris/actions-gh-pages",
        "JamesIves/github-pages-deploy-action",
    ];
    job.steps.iter().any(|s| {
        s.uses
            .as_ref()
            .and_then(|(a, _)| a.name())
            .is_some_and(|n| PAGES_ACTIONS.contains(&n.as_str()))
    }) || job.commands().any(|c| {
        let mut w: Vec<&str> = c.words.iter().map(String::as_str).collect();
        if matches!(
            w.as_slice(),
            ["uv" | "poetry" | "pipenv" | "hatch" | "pdm", "run", ..]
        ) {
            w.drain(..2);
        }
        matches!(
            w.as_slice(),
            ["mike", "deploy" | "set-default" | "alias", ..] | ["mkdocs", "gh-deploy", ..]
        )
    })
}

/// release-plz or cargo-dist, as an action or a command.
fn release_tooling(job: &ResolvedJob) -> bool {
    job.steps.iter().any(|s| {
        s.uses
            .as_ref()
            .and_then(|(a, _)| a.name())
            .is_some_and(|n| n == "release-plz/action")
    }) || job.commands().any(|c| {
        cargo_call(&c.words).is_some_and(|call| call.sub == "dist" || call.sub == "release")
            || c.words
                .first()
                .is_some_and(|p| p == "release-plz" || p == "dist")
    })
}

pub(super) fn is_release_job(facts: &Facts, job: &ResolvedJob) -> bool {
    let tooling = release_tooling(job);
    // A step gated on tags in an ordinary CI job (`if: startsWith(github.ref,
    // 'refs/tags/')` on the publish step) makes that job a release job.
    let tag_gated_step = job
        .steps
        .iter()
        .any(|s| s.condition.as_deref().is_some_and(is_release_condition));
    if job.condition.as_deref().is_some_and(is_release_condition)
        || (tag_gated_step && publishes(job))
    {
        return true;
    }
    if job.system == CiKind::Gitlab {
        return tooling || job.events.iter().any(|e| e == "tag");
    }
    let workflow = facts.ci.workflows.iter().find(|w| w.path == job.workflow);
    let triggers = workflow.map_or(&[][..], |w| w.triggers.as_slice());
    let on_release = triggers
        .iter()
        .any(|t| t.covers_tags() || t.event == "release");
    let on_pull_requests = triggers
        .iter()
        .any(|t| matches!(t.event.as_str(), "pull_request" | "merge_group"));
    // Release tooling and a job that publishes release whatever starts
    // them (a manual `workflow_dispatch` release), except where pull
    // requests run them as a check (`dist plan` in CI) in a workflow that
    // never runs on tags.
    if tooling || (workflow.is_some() && publishes(job)) {
        return !on_pull_requests || on_release;
    }
    let also_ci = on_pull_requests
        || triggers
            .iter()
            .any(|t| t.event == "push" && (t.tags.is_none() || t.branches.is_some()));
    on_release && !also_ci
}

/// Every job of the workflows that hold one of `release_jobs` (with the
/// reusable workflows they call): what a release runs.
pub(super) fn whole_release<'a>(
    facts: &'a Facts,
    release_jobs: &[&ResolvedJob],
) -> Vec<&'a ResolvedJob> {
    let workflows: std::collections::BTreeSet<&str> =
        release_jobs.iter().map(|j| j.workflow.as_str()).collect();
    facts
        .ci
        .jobs
        .iter()
        .filter(|j| workflows.contains(j.workflow.as_str()))
        .collect()
}

/// An `if:` that holds only for tags or releases.
fn is_release_condition(condition: &str) -> bool {
    let c = condition.replace('"', "'");
    c.contains("refs/tags/")
        // release-please's outputs: the job runs when it cut a release.
        || c.contains("release_created")
        || c.contains("releases_created")
        || c.contains("ref_type == 'tag'")
        || c.contains("event_name == 'release'")
        || c.contains("github.event.release")
}

/// Whether the job publishes a release: crates (see [`publishes_crates`]),
/// `gh release create/upload/edit`, a container image pushed to a
/// registry, or
/// a release upload action (not `actions/upload-artifact`, which CI uses
/// for test logs too).
fn publishes(job: &ResolvedJob) -> bool {
    job.commands().any(|c| {
        publishes_crates(c)
            || (c.words.first().is_some_and(|w| w == "gh")
                && c.words.get(1).is_some_and(|w| w == "release")
                && c.words
                    .get(2)
                    .is_some_and(|w| matches!(w.as_str(), "create" | "upload" | "edit")))
    }) || job.steps.iter().any(|s| {
        s.uses
            .as_ref()
            .and_then(|(a, _)| a.name())
            .is_some_and(|n| {
                (n != "actions/upload-artifact"
                    && ARTIFACT_ACTIONS.iter().any(|k| n.starts_with(k)))
                    || pushes_image(&n, s)
            })
    }) || job.commands().any(|c| {
        let w: Vec<&str> = c.words.iter().map(String::as_str).collect();
        matches!(
            w.as_slice(),
            ["docker" | "podman", "push", ..] | ["docker", "buildx", "imagetools", "create", ..]
        ) || (w.starts_with(&["docker", "buildx", "build"]) && w.contains(&"--push"))
    })
}

/// Whether an image build step pushes to a registry: `push: true`, or a
/// bake `set:` / `outputs:` naming a registry output (vaultwarden's
/// `docker/bake-action` release).
fn pushes_image(action: &str, step: &crate::facts::ci::ResolvedStep) -> bool {
    let builder = matches!(
        action,
        "docker/build-push-action"
            | "depot/build-push-action"
            | "docker/bake-action"
            | "depot/bake-action"
    );
    builder
        && step.with.iter().any(|i| {
            (i.name == "push" && i.value.trim() == "true")
                || i.value.contains("push=true")
                || i.value.contains("type=registry")
        })
}

/// Whether what the release jobs publish is crates only (`cargo publish`,
/// release-plz), with no binaries: crates.io keeps the checksum of every
/// crate it serves, so artifact checksums are not expected.
fn crates_only(cmds: &[&Cmd], actions: &[String]) -> bool {
    let publishes_crates = cmds.iter().any(|c| publishes_crates(c))
        || actions
            .iter()
            .any(|a| a == "release-plz/action" || a == "katyo/publish-crates");
    let binaries = cmds.iter().any(|c| {
        cargo_call(&c.words).is_some_and(|call| BINARY_SUBCOMMANDS.contains(&call.sub))
            || c.words.first().is_some_and(|p| p == "dist")
            || c.words.starts_with(&[
                "gh".to_string(),
                "release".to_string(),
                "upload".to_string(),
            ])
    }) || actions.iter().any(|a| {
        a != "release-plz/action"
            && a != "katyo/publish-crates"
            && a != "actions/upload-artifact"
            && ARTIFACT_ACTIONS.iter().any(|k| a.starts_with(k))
    });
    publishes_crates && !binaries
}

/// Cargo subcommands that produce a binary or an installer package (as
/// opposed to publishing source to a registry).
const BINARY_SUBCOMMANDS: &[&str] = &[
    "build",
    "b",
    "zigbuild",
    "dist",
    "deb",
    "rpm",
    "generate-rpm",
    "wix",
    "bundle",
    "auditable",
    "cbuild",
];

/// Whether the command publishes crates to a registry: `cargo publish`
/// (not `--dry-run`), cargo-workspaces' `cargo ws publish`, `cargo
/// smart-release`, `cargo release`.
fn publishes_crates(cmd: &Cmd) -> bool {
    cargo_call(&cmd.words).is_some_and(|call| match call.sub {
        "publish" => !call.has("--dry-run") && !call.has("-n"),
        "ws" | "workspaces" => call.own_args().iter().any(|a| a == "publish"),
        "smart-release" | "release" => true,
        _ => false,
    })
}

/// A local script the release job runs that was not followed
/// (`./publish.py`): it may publish what the workflow does not show.
fn opaque_script(cmd: &Cmd) -> Option<&str> {
    let first = cmd.words.first()?.as_str();
    let program = if matches!(
        first,
        "python" | "python3" | "bash" | "sh" | "node" | "ruby"
    ) {
        cmd.words.get(1)?.as_str()
    } else {
        first
    };
    (!cmd.followed
        && (program.starts_with("./")
            || [".py", ".sh", ".js", ".rb", ".ps1"]
                .iter()
                .any(|e| program.ends_with(e))))
    .then_some(program)
}

fn builds_artifacts(cmd: &Cmd) -> bool {
    if publishes_crates(cmd) {
        return true;
    }
    if let Some(call) = cargo_call(&cmd.words) {
        return BINARY_SUBCOMMANDS.contains(&call.sub) || call.sub == "package";
    }
    let w: Vec<&str> = cmd.words.iter().map(String::as_str).collect();
    matches!(
        w.as_slice(),
        ["gh", "release", "upload", ..]
            | ["maturin", "build", ..]
            | ["release-plz", ..]
            | ["dist", ..]
    ) || matches!(w.as_slice(), ["gh", "release", "create", _, rest @ ..] if rest.iter().any(|a| !a.starts_with('-')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(wf: &str) -> Outcome {
        ReleaseWorkflow.run(
            &Facts::in_memory(vec![], &[(".github/workflows/release.yml", wf)]),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn workspace_publishers_and_opaque_scripts() {
        let wf = |run: &str| {
            format!(
                "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n"
            )
        };
        // hickory: cargo-workspaces publishes the crates; crates.io keeps
        // their checksums.
        let o = run(&wf("cargo ws publish --from-git --yes"));
        assert!(
            !o.findings.iter().any(|f| f.key == "no-artifacts"),
            "{:?}",
            o.findings
        );
        // cargo: a script the tool cannot see is said so, not "no artifacts".
        let o = run(&wf("./publish.py"));
        assert_eq!(o.findings[0].key, "opaque-release", "{:?}", o.findings);
        assert_eq!(o.findings[0].severity, crate::checks::Severity::Note);
        let o = run(&wf("cargo publish --dry-run"));
        assert_eq!(o.findings[0].key, "no-artifacts", "{:?}", o.findings);
    }

    #[test]
    fn tag_release_with_and_without_extras() {
        let base = "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo build --release\n";
        let o = run(base);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.findings.len(), 3);
        assert!((o.score - 0.55).abs() < 1e-9);
        let full = format!(
            "{base}      - run: sha256sum target/release/x > x.sha256\n      - run: cargo cyclonedx\n      - uses: actions/attest-build-provenance@v2\n"
        );
        let o = run(&full);
        assert!(o.findings.is_empty());
        assert_eq!(o.score, 1.0);
        // nextest: Windows binaries signed through SignPath.
        let signed =
            format!("{base}      - uses: signpath/github-action-submit-signing-request@v1\n");
        assert!(
            !run(&signed)
                .findings
                .iter()
                .any(|f| f.key == "no-attestations"),
            "{:?}",
            run(&signed).findings
        );
    }

    #[test]
    fn tag_gated_jobs_and_ci_that_also_runs_on_tags() {
        // A job gated on tags inside an ordinary CI workflow releases.
        let o = run(
            "on:\n  push:\n    branches: [main]\n    tags: ['v*']\n  pull_request:\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: cargo test\n  dist:\n    if: startsWith(github.ref, 'refs/tags/')\n    runs-on: x\n    steps:\n      - run: cargo build --release\n      - uses: actions/attest-build-provenance@v2\n",
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(!o.findings.iter().any(|f| f.key == "no-attestations"));
        // The same workflow without it is CI that also runs on tags.
        let o = run(
            "on:\n  push:\n    branches: [main]\n    tags: ['v*']\n  pull_request:\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: cargo build --release\n      - run: cargo test\n",
        );
        assert_eq!(o.findings[0].key, "missing", "{:?}", o.findings);
    }

    #[test]
    fn crates_only_publish_needs_no_checksums() {
        let o = run(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: x\n    steps:\n      - run: cargo publish --locked\n",
        );
        assert_eq!(o.status, Status::Pass);
        assert!(
            !o.findings.iter().any(|f| f.key == "no-checksums"),
            "{:?}",
            o.findings
        );
        let o = run(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: x\n    steps:\n      - run: cargo publish --locked\n      - run: cargo build --release\n",
        );
        assert!(
            o.findings.iter().any(|f| f.key == "no-checksums"),
            "{:?}",
            o.findings
        );
    }

    #[test]
    fn push_without_tags_is_not_a_release() {
        let o = run(
            "on: push\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: cargo build --release\n",
        );
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].key, "missing");
        let o = run(
            "on:\n  release:\n    types: [published]\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: echo hi\n",
        );
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].key, "no-artifacts");
    }
}
