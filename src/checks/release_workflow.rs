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
A workflow triggered by tags (`push: tags:`) or `release:` (or a GitLab
job with `only: [tags]`), or one running release-plz or cargo-dist,
builds release artifacts: `cargo build`, `cross build`, `cargo dist`,
`cargo publish`, `cargo package`, `cargo deb`/`rpm`, or an upload action
(`taiki-e/upload-rust-binary-action`, `softprops/action-gh-release`,
`actions/upload-artifact`, `release-plz/action`). Extra credit, each
noted when missing:

- **checksums**: `sha256sum`/`shasum`/`b3sum`, `checksum:` of
  `upload-rust-binary-action`, cargo-dist;
- **an SBOM**: `cargo cyclonedx`, `cargo sbom`, `cargo readiness sbom`,
  `syft`, `anchore/sbom-action`, `cargo auditable`;
- **signatures or provenance**: `cosign`, `sigstore/*`,
  `actions/attest-build-provenance`, `actions/attest*`, SLSA generators,
  `gpg --detach-sign`, `minisign`.

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
                    || dist,
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
                ]) || uses(&["anchore/sbom-action"]),
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
                ]) || uses(&["actions/attest", "sigstore/", "slsa-framework/"]),
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

fn is_release_job(facts: &Facts, job: &ResolvedJob) -> bool {
    let triggered = match job.system {
        CiKind::Gitlab => job.events.iter().any(|e| e == "tag"),
        CiKind::GithubActions => facts
            .ci
            .workflows
            .iter()
            .find(|w| w.path == job.workflow)
            .is_some_and(|w| {
                w.triggers
                    .iter()
                    .any(|t| t.covers_tags() || t.event == "release")
            }),
    };
    triggered
        || job.steps.iter().any(|s| {
            s.uses
                .as_ref()
                .and_then(|(a, _)| a.name())
                .is_some_and(|n| n == "release-plz/action")
        })
        || job.commands().any(|c| {
            cargo_call(&c.words).is_some_and(|call| call.sub == "dist" || call.sub == "release")
                || c.words
                    .first()
                    .is_some_and(|p| p == "release-plz" || p == "dist")
        })
}

fn builds_artifacts(cmd: &Cmd) -> bool {
    if let Some(call) = cargo_call(&cmd.words) {
        return matches!(
            call.sub,
            "build"
                | "b"
                | "zigbuild"
                | "dist"
                | "publish"
                | "package"
                | "deb"
                | "rpm"
                | "generate-rpm"
                | "wix"
                | "bundle"
                | "auditable"
                | "release"
                | "cbuild"
        );
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
