//! `sbom`: the release process produces a software bill of materials.

use std::collections::BTreeSet;

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::ci::ResolvedJob;
use crate::facts::files;
use crate::facts::workflows::CiKind;
use crate::facts::yaml::{Node, Value};

/// See [`Check::docs`].
pub struct Sbom;

/// Commands that write an SBOM, as they appear in a `run:`/`script:` line.
const GENERATOR_COMMANDS: &[&str] = &[
    "cargo readiness sbom",
    "cargo-readiness sbom",
    // the binary by path with cargo's subcommand name, or `cargo run -- readiness sbom`
    "cargo-readiness readiness sbom",
    "-- readiness sbom",
    "cargo cyclonedx",
    "cargo-cyclonedx",
    "cargo sbom",
    "cargo-sbom",
    "syft ",
    "syft\n",
    "cyclonedx-py",
    "trivy sbom",
];

/// Actions that write an SBOM (`uses:` prefix).
const GENERATOR_ACTIONS: &[&str] = &["anchore/sbom-action"];

/// Formats in which `aquasecurity/trivy-action` writes an SBOM (its
/// default, `table`, and `sarif`/`json` are vulnerability reports).
const TRIVY_SBOM_FORMATS: &[&str] = &["cyclonedx", "spdx", "spdx-json", "github"];

/// File name endings of committed SBOM documents.
const SBOM_FILES: &[&str] = &[
    ".cdx.json",
    ".cdx.xml",
    ".spdx.json",
    ".spdx",
    "bom.json",
    "bom.xml",
    "sbom.json",
];

impl Check for Sbom {
    fn id(&self) -> &'static str {
        "sbom"
    }
    fn category(&self) -> Category {
        Category::Release
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "the release workflow generates an SBOM"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
That releases ship a software bill of materials. It passes when any of:

- a release workflow runs an SBOM generator: `cargo readiness sbom`,
  `cargo cyclonedx`, `cargo sbom`, `syft`, `trivy sbom`, the
  `anchore/sbom-action` action, or `aquasecurity/trivy-action` with an
  SBOM `format:` (`cyclonedx`, `spdx`, `spdx-json`, `github`; its
  `sarif` and `table` scans are vulnerability reports);
- cargo-dist is configured to attach one (`cargo-cyclonedx = true` in
  `[workspace.metadata.dist]`, `dist-workspace.toml` or `dist.toml`), or
  GoReleaser has an `sboms:` section;
- an SBOM document is committed (`*.cdx.json`, `*.spdx.json`, `bom.xml`, …).

A release workflow is one with a release job, as `release-workflow`
judges it: a job of a workflow triggered by `release` or by tags only, a
tag-gated job (`if: startsWith(github.ref, 'refs/tags/')`, release-please's
`release_created`), or a publishing job (`cargo publish`, `gh release`,
release actions) — not CI that merely also runs on tags, nor a docs
deploy; a reusable workflow a release job calls is part of it. A
`docker/build-push-action` step with `sbom: true` in a release job counts
as generating one. On GitLab: a pipeline with a `release:` job or a
`$CI_COMMIT_TAG` rule. Without any release workflow the check is skipped:
there is nothing to attach an SBOM to yet (asking for release automation
is not this check's job). A generator that runs only outside release
workflows gives a warning: the SBOM exists but does not reach the release.

## Why
Customers, regulators (the EU Cyber Resilience Act, US EO 14028) and
vulnerability tooling (Dependency-Track, GitHub's dependency graph) ask
for an SBOM of exactly what was shipped. Generated at release time from
the lockfile, it is complete and reproducible; written by hand or after the
fact, it drifts.

## Passing example
```yaml
# .github/workflows/release.yml
on:
  push:
    tags: ["v*"]
jobs:
  sbom:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - run: cargo install --locked cargo-readiness
      - run: |
          export SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
          cargo readiness sbom --locked --deterministic -o app.cdx.json
      - run: gh release upload "$GITHUB_REF_NAME" app.cdx.json
        env:
          GH_TOKEN: ${{ github.token }}
```

## How to fix
Add a step that runs `cargo readiness sbom -o NAME.cdx.json` to the release
workflow and attach the file to the release (see `docs/sbom.md`). If SBOMs
are attached some other way, set `sbom = "allow"` under `[checks]`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(how) = configured(facts) {
            return Outcome::pass().with_note(how);
        }
        // GitHub release jobs as `release-workflow` sees them (a CI
        // workflow that also runs on tags is not one; a tag-gated job in
        // an ordinary workflow is), and the files they run: a reusable
        // workflow a release job calls is part of the release.
        let release_jobs: Vec<&ResolvedJob> = facts
            .ci
            .jobs
            .iter()
            .filter(|j| {
                j.system == CiKind::GithubActions
                    && super::release_workflow::is_release_job(facts, j)
            })
            .collect();
        // Every job of a release workflow is part of the release (the
        // image build it calls, too), not only the job that publishes.
        let release_jobs = super::release_workflow::whole_release(facts, &release_jobs);
        // A tag-triggered docs deploy ships nothing to describe in an
        // SBOM: a release workflow that deploys docs and has no job that
        // may ship anything else.
        let docs_only: BTreeSet<&str> = release_jobs
            .iter()
            .map(|j| j.workflow.as_str())
            .filter(|wf| {
                let jobs = || release_jobs.iter().filter(|j| j.workflow == *wf);
                jobs().any(|j| super::release_workflow::deploys_docs(j))
                    && !jobs().any(|j| super::release_workflow::may_ship(j))
            })
            .collect();
        let release_files: BTreeSet<&str> = release_jobs
            .iter()
            .flat_map(|j| [j.workflow.as_str(), j.path.as_str()])
            .collect();
        if let Some((job, line)) = release_jobs
            .iter()
            .find_map(|j| docker_sbom(j).map(|line| (j, line)))
        {
            return Outcome::pass().with_note(format!(
                "{}:{line} builds images with an SBOM attestation (`sbom: true`)",
                job.path
            ));
        }
        let mut release = Vec::new();
        let mut generators_elsewhere = Vec::new();
        let mut unreadable = Vec::new();
        for wf in &facts.workflows {
            let doc = match &wf.doc {
                Ok(doc) => doc,
                Err(problem) => {
                    unreadable.push((wf, problem));
                    continue;
                }
            };
            let generator = find_generator(doc);
            let is_release = match wf.kind {
                CiKind::GithubActions => {
                    release_files.contains(wf.path.as_str())
                        && (generator.is_some() || !docs_only.contains(wf.path.as_str()))
                }
                CiKind::Gitlab => is_gitlab_release(doc),
                CiKind::Appveyor => false,
            };
            if is_release {
                if let Some(line) = generator {
                    return Outcome::pass()
                        .with_note(format!("{}:{line} generates an SBOM", wf.path));
                }
                // Only the workflows the release starts from are asked.
                if wf.kind == CiKind::Gitlab || release_jobs.iter().any(|j| j.workflow == wf.path) {
                    release.push((wf, trigger_line(doc)));
                }
            } else if let Some(line) = generator {
                generators_elsewhere.push((wf, line));
            }
        }
        if let Some(f) = committed_sbom(facts) {
            return Outcome::pass().with_note(format!("{f} is a committed SBOM"));
        }
        if release.is_empty() {
            if let Some((wf, line)) = generators_elsewhere.first() {
                return Outcome::pass().with_note(format!(
                    "{}:{line} generates an SBOM (no release workflow found)",
                    wf.path
                ));
            }
            if let Some((wf, problem)) = unreadable.first() {
                return Outcome::error(format!(
                    "{} cannot be parsed ({problem}), so whether it releases with an SBOM is unknown",
                    wf.path
                ));
            }
            return Outcome::skip("no release workflow: nothing to attach an SBOM to yet");
        }
        let elsewhere = generators_elsewhere
            .first()
            .map(|(wf, line)| format!(" ({}:{line} generates one outside the release)", wf.path))
            .unwrap_or_default();
        let findings = release
            .into_iter()
            .map(|(wf, line)| {
                Finding::warning(
                    format!("missing:{}", wf.path),
                    format!("release workflow {} does not generate an SBOM{elsewhere}", wf.path),
                )
                .at(wf.path.clone(), line)
                .help("add a step `cargo readiness sbom --locked -o NAME.cdx.json` and attach the file to the release (docs/sbom.md)")
            })
            .collect();
        let score = if generators_elsewhere.is_empty() {
            0.0
        } else {
            0.5
        };
        Outcome::from_findings(findings, score)
    }
}

/// Release tooling configured to attach an SBOM.
fn configured(facts: &Facts) -> Option<String> {
    let toml_of = |path: &str| -> Option<toml::Table> { facts.text(path)?.text()?.parse().ok() };
    let dist_sbom =
        |t: &toml::Value| t.get("cargo-cyclonedx").and_then(toml::Value::as_bool) == Some(true);
    if let Some(manifest) = toml_of("Cargo.toml") {
        let dist = manifest
            .get("workspace")
            .and_then(|w| w.get("metadata"))
            .and_then(|m| m.get("dist"));
        if dist.is_some_and(dist_sbom) {
            return Some("cargo-dist attaches a CycloneDX SBOM (Cargo.toml)".into());
        }
    }
    for file in ["dist-workspace.toml", "dist.toml"] {
        if let Some(t) = toml_of(file)
            && t.get("dist").is_some_and(dist_sbom)
        {
            return Some(format!("cargo-dist attaches a CycloneDX SBOM ({file})"));
        }
    }
    for file in [".goreleaser.yml", ".goreleaser.yaml"] {
        let text = facts.text(file).and_then(|t| t.text());
        if let Some(doc) = text.and_then(|t| crate::facts::yaml::parse(t).ok())
            && doc.get("sboms").is_some()
        {
            return Some(format!("GoReleaser attaches SBOMs ({file})"));
        }
    }
    None
}

fn committed_sbom(facts: &Facts) -> Option<String> {
    facts
        .files
        .iter()
        .map(|e| e.path.as_str())
        .find(|p| {
            let name = files::file_name(p).to_ascii_lowercase();
            !p.starts_with("fixtures/")
                && !p.contains("/fixtures/")
                && SBOM_FILES.iter().any(|s| name.ends_with(s))
        })
        .map(str::to_string)
}

/// Every string in a node, with its line.
fn strings<'a>(node: &'a Node, out: &mut Vec<(&'a str, usize)>) {
    match &node.value {
        Value::Str(s) => out.push((s, node.line)),
        Value::Seq(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Map(entries) => entries.iter().for_each(|(_, v)| strings(v, out)),
        _ => {}
    }
}

/// Line of the first step (any `run`, `script` or `uses` string) that writes an SBOM.
fn find_generator(doc: &Node) -> Option<usize> {
    let mut all = Vec::new();
    strings(doc, &mut all);
    all.into_iter()
        .find_map(|(s, line)| {
            let padded = format!("{s}\n");
            let generates = GENERATOR_COMMANDS.iter().any(|c| padded.contains(c))
                || GENERATOR_ACTIONS.iter().any(|a| s.trim().starts_with(a));
            generates.then_some(line)
        })
        .or_else(|| trivy_sbom_step(doc))
}

/// Line of an `aquasecurity/trivy-action` step whose `format:` is an SBOM
/// format (a `sarif` scan is a vulnerability report, not an SBOM).
fn trivy_sbom_step(node: &Node) -> Option<usize> {
    match &node.value {
        Value::Map(entries) => {
            let uses = node.get("uses").and_then(|u| match &u.value {
                Value::Str(s) => Some((s.as_str(), u.line)),
                _ => None,
            });
            if let Some((uses, line)) = uses
                && uses.trim().starts_with("aquasecurity/trivy-action")
            {
                let format = node
                    .get("with")
                    .and_then(|w| w.get("format"))
                    .and_then(|f| match &f.value {
                        Value::Str(s) => Some(s.trim().to_ascii_lowercase()),
                        _ => None,
                    });
                if format.is_some_and(|f| TRIVY_SBOM_FORMATS.contains(&f.as_str())) {
                    return Some(line);
                }
            }
            entries.iter().find_map(|(_, v)| trivy_sbom_step(v))
        }
        Value::Seq(items) => items.iter().find_map(trivy_sbom_step),
        _ => None,
    }
}

/// A GitLab pipeline that releases: a `release:` job or a
/// `$CI_COMMIT_TAG` rule.
fn is_gitlab_release(doc: &Node) -> bool {
    let mut all = Vec::new();
    strings(doc, &mut all);
    doc.entries()
        .iter()
        .any(|(_, job)| job.get("release").is_some())
        || all.iter().any(|(s, _)| s.contains("CI_COMMIT_TAG"))
}

/// The line of a `docker/build-push-action` step with `sbom: true` (an
/// SBOM attestation attached to the image).
pub(super) fn docker_sbom(job: &ResolvedJob) -> Option<usize> {
    job.steps.iter().find_map(|s| {
        let (action, line) = s.uses.as_ref()?;
        let name = action.name()?;
        let on = s
            .with
            .iter()
            .any(|i| i.name == "sbom" && matches!(i.value.trim(), "true" | "1"));
        (name.starts_with("docker/build-push-action")
            || name.starts_with("depot/build-push-action"))
        .then_some(*line)
        .filter(|_| on)
    })
}

fn trigger_line(doc: &Node) -> Option<usize> {
    doc.entry("on").map(|(k, _)| k.line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(files: &[(&str, &str)]) -> Outcome {
        Sbom.run(
            &Facts::in_memory(vec![], files),
            &CheckConfig { level: Level::Warn },
        )
    }

    const TAG_RELEASE: &str = "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n";

    #[test]
    fn release_workflow_with_generator_passes() {
        for step in [
            "      - run: cargo readiness sbom -o app.cdx.json\n",
            "      - run: |\n          cargo install cargo-cyclonedx\n          cargo cyclonedx --format json\n",
            "      - uses: anchore/sbom-action@v0\n",
            "      - run: syft . -o spdx-json > sbom.json\n",
            "      - uses: aquasecurity/trivy-action@v0.36.0\n        with:\n          scan-type: fs\n          format: cyclonedx\n",
        ] {
            let o = run(&[(
                ".github/workflows/release.yml",
                &format!("{TAG_RELEASE}{step}"),
            )]);
            assert_eq!(o.status, Status::Pass, "{step}");
        }
    }

    #[test]
    fn release_workflow_without_generator_warns_at_trigger() {
        let o = run(&[(
            ".github/workflows/release.yml",
            &format!("name: r\n{TAG_RELEASE}      - run: cargo publish\n"),
        )]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(
            o.findings[0].path.as_deref(),
            Some(".github/workflows/release.yml")
        );
        assert_eq!(o.findings[0].line, Some(2));
        assert_eq!(o.findings[0].key, "missing:.github/workflows/release.yml");
        assert_eq!(o.score, 0.0);
    }

    #[test]
    fn a_tag_triggered_docs_deploy_is_not_a_release_to_describe() {
        let docs = "on:\n  push:\n    tags: ['v*']\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv run mike deploy --push --update-aliases \"$V\" latest\n";
        let release = format!(
            "{TAG_RELEASE}      - run: cargo build --release && gh release upload \"$TAG\" target/release/x\n"
        );
        let o = run(&[
            (".github/workflows/docs-release.yml", docs),
            (".github/workflows/release.yml", &release),
        ]);
        assert_eq!(o.status, Status::Warn);
        let paths: Vec<_> = o
            .findings
            .iter()
            .filter_map(|f| f.path.as_deref())
            .collect();
        assert_eq!(paths, [".github/workflows/release.yml"]);
    }

    #[test]
    fn release_shapes_shared_with_release_workflow() {
        // CI that runs `dist plan` on pull requests is not a release.
        let ci = "on: [pull_request]\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n      - run: dist plan\n";
        assert_eq!(
            run(&[(".github/workflows/ci.yml", ci)]).status,
            Status::Skip
        );
        // A release calling an image build with `sbom: true` has one.
        let release = "on:\n  push:\n    tags: ['v*']\njobs:\n  bin:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo build --release && gh release upload \"$TAG\" target/release/x\n  docker:\n    uses: ./.github/workflows/docker.yml\n";
        let docker = "on:\n  workflow_call:\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          sbom: true\n";
        let o = run(&[
            (".github/workflows/release.yml", release),
            (".github/workflows/docker.yml", docker),
        ]);
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        assert!(o.note.unwrap_or_default().contains("docker.yml:7"));
    }

    #[test]
    fn publishing_makes_a_release_workflow() {
        let wf = "on: workflow_dispatch\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: softprops/action-gh-release@v2\n";
        assert_eq!(run(&[(".github/workflows/p.yml", wf)]).status, Status::Warn);
        let wf = "on:\n  release:\n    types: [published]\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo build --release\n";
        assert_eq!(run(&[(".github/workflows/p.yml", wf)]).status, Status::Warn);
        // vaultwarden: a branch-and-tag workflow pushing images with
        // docker/bake-action is a release; a trivy `sarif` scan elsewhere
        // is a vulnerability report, not an SBOM.
        let bake = "on:\n  push:\n    branches: [main]\n    tags: ['[1-2].*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/bake-action@v7\n        with:\n          set: |\n            *.output=type=image,push=true\n";
        let trivy = "on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aquasecurity/trivy-action@v0.36.0\n        with:\n          format: sarif\n";
        let o = run(&[
            (".github/workflows/release.yml", bake),
            (".github/workflows/trivy.yml", trivy),
        ]);
        assert_eq!(o.status, Status::Warn, "{:?}", o.findings);
        assert!(
            o.findings[0].message.contains("release.yml")
                && !o.findings[0].message.contains("trivy"),
            "{:?}",
            o.findings
        );
    }

    #[test]
    fn generator_outside_release_is_partial() {
        let o = run(&[
            (
                ".github/workflows/release.yml",
                &format!("{TAG_RELEASE}      - run: cargo publish\n"),
            ),
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  s:\n    steps:\n      - run: cargo cyclonedx\n",
            ),
        ]);
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.score, 0.5);
        assert!(o.findings[0].message.contains("ci.yml:5"));
    }

    #[test]
    fn no_release_workflow_skips() {
        let o = run(&[(".github/workflows/ci.yml", "on: push\njobs: {}\n")]);
        assert_eq!(o.status, Status::Skip);
        assert_eq!(run(&[]).status, Status::Skip);
        // ... unless a workflow it cannot read might be one.
        let o = run(&[(".github/workflows/x.yml", "on: push\njobs:\n\t  x: 1\n")]);
        assert_eq!(o.status, Status::Error);
    }

    #[test]
    fn configuration_and_committed_files_pass() {
        let shipping = format!("{TAG_RELEASE}      - run: cargo publish\n");
        let release = (".github/workflows/release.yml", shipping.as_str());
        let o = run(&[
            release,
            (
                "Cargo.toml",
                "[workspace.metadata.dist]\ncargo-cyclonedx = true\n",
            ),
        ]);
        assert_eq!(o.status, Status::Pass);
        let o = run(&[
            release,
            ("dist-workspace.toml", "[dist]\ncargo-cyclonedx = true\n"),
        ]);
        assert_eq!(o.status, Status::Pass);
        let o = run(&[
            release,
            (".goreleaser.yaml", "sboms:\n  - artifacts: archive\n"),
        ]);
        assert_eq!(o.status, Status::Pass);
        let o = run(&[release, ("sbom/app.cdx.json", "{}")]);
        assert_eq!(o.status, Status::Pass);
        let o = run(&[release, ("fixtures/x/bom.json", "{}")]);
        assert_eq!(o.status, Status::Warn);
    }

    #[test]
    fn gitlab_release_job() {
        let o = run(&[(
            ".gitlab-ci.yml",
            "release_job:\n  rules:\n    - if: $CI_COMMIT_TAG\n  script:\n    - cargo readiness sbom -o bom.cdx.json\n",
        )]);
        assert_eq!(o.status, Status::Pass);
        let o = run(&[(
            ".gitlab-ci.yml",
            "rel:\n  release:\n    tag_name: $CI_COMMIT_TAG\n  script: [echo]\n",
        )]);
        assert_eq!(o.status, Status::Warn);
    }
}
