//! `ci-msrv`: when `rust-version` is declared, CI builds with it.

use std::collections::{BTreeMap, BTreeSet};

use cargo_metadata::DependencyKind;

use super::ci_support::{cargo_call, minor_version};
use super::support::manifest_line;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::ci::ResolvedJob;
use crate::facts::workspace::Member;

/// See [`Check::docs`].
pub struct CiMsrv;

impl Check for CiMsrv {
    fn id(&self) -> &'static str {
        "ci-msrv"
    }
    fn category(&self) -> Category {
        Category::Ci
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "the declared rust-version (MSRV) is built in CI"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
For each `rust-version` declared by a workspace member, some CI job
selects that toolchain and runs cargo: `dtolnay/rust-toolchain@1.xx`, a
`toolchain:` input of `dtolnay/rust-toolchain`, `actions-rs/toolchain`
or `actions-rust-lang/setup-rust-toolchain` (matrix values and `${{
env.X }}` resolved), `rustup toolchain install 1.xx`, `cargo +1.xx`, a
GitLab `image: rust:1.xx`, or a `rust-toolchain.toml` pinning it. `cargo
msrv verify` and `cargo hack --rust-version` count for every member. A job
that reads the version from `Cargo.toml` at run time (a step mentioning
`rust-version` feeding `steps.*.outputs` into the toolchain, or another
job's `needs.*.outputs` that reads it) counts too.

Versions match on major.minor (`1.85` matches `1.85.0`). An unquoted
`toolchain: 1.80` is the number 1.8 to YAML, and to GitHub: the report
says so.

Skipped when no member declares `rust-version`.

## Why
A `rust-version` that CI never builds is a guess; users on that toolchain
find out when their build breaks, often through a dependency that raised
its own.

## Passing example
```yaml
  msrv:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: dtolnay/rust-toolchain@1.85
      - run: cargo check --workspace --locked
```

## How to fix
Add a job that installs the declared `rust-version` and runs `cargo
check --locked` (or `cargo hack check --rust-version`), or lower/raise
`rust-version` to what is actually tested.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let mut declared: BTreeMap<String, Vec<&Member>> = BTreeMap::new();
        for m in &facts.members {
            if let Some(v) = &m.rust_version {
                declared.entry(v.clone()).or_default().push(m);
            }
        }
        if declared.is_empty() {
            return Outcome::skip("no member declares `rust-version`");
        }
        let jobs = &facts.ci.jobs;
        if let Some(cmd) = jobs
            .iter()
            .flat_map(|j| j.commands())
            .find(|c| verifies_msrv(&c.words))
        {
            return Outcome::pass().with_note(format!(
                "`{}` at {} builds with the declared rust-version",
                cmd.words.join(" "),
                cmd.location()
            ));
        }
        let mut findings = Vec::new();
        let mut notes = Vec::new();
        let mut covered = 0;
        for (version, members) in &declared {
            let member = members[0];
            if let Some(how) = coverage(facts, jobs, version) {
                covered += 1;
                notes.push(format!("rust-version {version}: {how}"));
                continue;
            }
            let mut message = format!(
                "rust-version {version} (declared by {}) is not built by any CI job",
                crate::util::human_list(
                    &members.iter().map(|m| m.name.clone()).collect::<Vec<_>>()
                )
            );
            if let Some(hint) = float_hint(jobs, version) {
                message.push_str(&format!("; {hint}"));
            }
            findings.push(
                Finding::warning(format!("untested:{version}"), message)
                    .at(member.manifest.clone(), manifest_line(facts, member, "rust-version"))
                    .help(format!(
                        "add a job with `uses: dtolnay/rust-toolchain@{version}` running `cargo check --locked`"
                    )),
            );
            if let Some((name, needed)) = dependency_floor(facts, members, version) {
                findings.push(
                    Finding::note(
                        format!("floor:{version}"),
                        format!(
                            "dependencies need a newer toolchain than {version}: {name} declares rust-version {needed}, so an MSRV job on {version} would fail until rust-version is raised"
                        ),
                    )
                    .at(member.manifest.clone(), manifest_line(facts, member, "rust-version"))
                    .help(format!("raise rust-version to at least {needed}, or hold the dependency back")),
                );
            }
        }
        let score = covered as f64 / declared.len() as f64;
        let outcome = Outcome::from_findings(findings, score);
        if notes.is_empty() {
            outcome
        } else {
            outcome.with_note(notes.join("; "))
        }
    }
}

/// Whether a command reads the manifest's `rust-version` (`grep
/// rust-version Cargo.toml`, `jq .rust_version`): the key, not a file
/// named after it (`cat .github/ci/rust_version.txt` pins a version of its
/// own: bottom).
fn names_manifest_msrv(text: &str) -> bool {
    ["rust-version", "rust_version"].iter().any(|key| {
        text.match_indices(key).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = &text[at + key.len()..];
            let in_path = matches!(before, Some('/' | '\\'))
                || (after.starts_with('.')
                    && after[1..].starts_with(|c: char| c.is_ascii_alphabetic()));
            !in_path
        })
    })
}

/// `cargo msrv verify`, `cargo msrv --verify`, `cargo hack --rust-version`.
fn verifies_msrv(words: &[String]) -> bool {
    let Some(call) = cargo_call(words) else {
        return words.first().is_some_and(|p| p == "cargo-msrv")
            && words.iter().any(|w| w == "verify" || w == "--verify");
    };
    match call.sub {
        "msrv" => call.args.iter().any(|a| a == "verify" || a == "--verify"),
        "hack" => call.own_args().iter().any(|a| a == "--rust-version"),
        _ => false,
    }
}

/// How CI builds `version`, if it does.
fn coverage(facts: &Facts, jobs: &[ResolvedJob], version: &str) -> Option<String> {
    let wanted = minor_version(version)?;
    for job in jobs {
        let runs_cargo = job.commands().any(|c| cargo_call(&c.words).is_some());
        if !runs_cargo {
            continue;
        }
        for step in &job.steps {
            if step
                .toolchains
                .iter()
                .any(|t| minor_version(t) == Some(wanted))
            {
                return Some(format!(
                    "job `{}` selects it at {}:{}",
                    job.id, step.path, step.line
                ));
            }
        }
        // The version read from Cargo.toml at run time and fed to the
        // toolchain through a step output.
        // (`grep rust-version Cargo.toml`, `cargo metadata | jq
        // .rust_version`), fed to the toolchain through a step output, a
        // shell variable (`rustup toolchain install "$MSRV"`) or
        // `RUSTUP_TOOLCHAIN` written to `$GITHUB_ENV`.
        let reads_manifest = job.commands().any(|c| names_manifest_msrv(&c.text));
        let dynamic = job.steps.iter().any(|s| {
            s.toolchains
                .iter()
                .any(|t| t.contains("steps.") || t.starts_with('$') || t.contains("env."))
        });
        if reads_manifest && dynamic {
            return Some(format!(
                "job `{}` reads it from Cargo.toml at run time ({})",
                job.id, job.path
            ));
        }
        // The version another job read and passed on: `toolchain: ${{
        // needs.meta.outputs.msrv }}` (bat).
        let from_needs = job
            .steps
            .iter()
            .flat_map(|s| s.toolchains.iter())
            .filter_map(|t| {
                let rest = &t[t.find("needs.")? + "needs.".len()..];
                rest.split_once(".outputs.").map(|(id, _)| id.to_string())
            })
            .find(|id| {
                facts.ci.jobs.iter().any(|other| {
                    other.workflow == job.workflow
                        && other.id == *id
                        && other.commands().any(|c| names_manifest_msrv(&c.text))
                })
            });
        if let Some(id) = from_needs {
            return Some(format!(
                "job `{}` builds the version job `{id}` reads from Cargo.toml at run time ({})",
                job.id, job.path
            ));
        }
    }
    if let Some((path, channel, line)) = &facts.ci.toolchain_file
        && minor_version(channel) == Some(wanted)
        && !jobs.is_empty()
    {
        return Some(format!("{path}:{line} pins it for every job"));
    }
    None
}

/// YAML reads `1.80` as 1.8: a toolchain that is the MSRV without its
/// trailing zero was almost certainly meant to be it.
fn float_hint(jobs: &[ResolvedJob], version: &str) -> Option<String> {
    let (major, minor) = minor_version(version)?;
    if minor % 10 != 0 {
        return None;
    }
    let truncated = format!("{major}.{}", minor / 10);
    jobs.iter()
        .flat_map(|j| j.steps.iter())
        .find(|s| s.toolchains.contains(&truncated))
        .map(|s| {
            format!(
                "{}:{} asks for toolchain {truncated}: YAML reads an unquoted {version} as the number {truncated}, so quote it (\"{version}\")",
                s.path, s.line
            )
        })
}

/// The newest `rust-version` among normal and build dependencies, when it
/// is newer than `version`.
fn dependency_floor(
    facts: &Facts,
    declaring: &[&Member],
    version: &str,
) -> Option<(String, String)> {
    let declared = minor_version(version)?;
    let metadata = facts.metadata.as_ref().ok()?;
    let resolve = metadata.resolve.as_ref()?;
    let members: BTreeSet<_> = metadata.workspace_members.iter().collect();
    let nodes: BTreeMap<_, _> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let mut seen = BTreeSet::new();
    // From the members that declare this version, through what they need
    // to build (not dev-dependencies).
    let mut stack: Vec<_> = declaring
        .iter()
        .filter_map(|m| facts.meta_index.member(metadata, &m.manifest))
        .filter(|p| members.contains(&p.id))
        .map(|p| &p.id)
        .collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(node) = nodes.get(id) else { continue };
        for dep in &node.deps {
            let runtime = dep
                .dep_kinds
                .iter()
                .any(|k| matches!(k.kind, DependencyKind::Normal | DependencyKind::Build));
            if runtime {
                stack.push(&dep.pkg);
            }
        }
    }
    metadata
        .packages
        .iter()
        .filter(|p| seen.contains(&p.id) && !members.contains(&p.id))
        .filter_map(|p| {
            let rv = p.rust_version.as_ref()?;
            Some(((rv.major, rv.minor), p))
        })
        .filter(|(rv, _)| *rv > declared)
        .max_by_key(|(rv, p)| (*rv, p.name.to_string()))
        .map(|((major, minor), p)| {
            (
                format!("{} {}", p.name, p.version),
                format!("{major}.{minor}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn member(msrv: &str) -> Member {
        let mut m = Member::named("x", "0.1.0", "");
        m.rust_version = Some(msrv.to_string());
        m
    }

    fn run(msrv: &str, files: &[(&str, &str)]) -> Outcome {
        let mut all = vec![(
            "Cargo.toml",
            "[package]\nname = \"x\"\nrust-version = \"1.70\"\n",
        )];
        all.extend_from_slice(files);
        CiMsrv.run(
            &Facts::in_memory(vec![member(msrv)], &all),
            &CheckConfig { level: Level::Warn },
        )
    }

    #[test]
    fn a_file_named_after_the_msrv_is_not_the_manifest() {
        assert!(names_manifest_msrv(
            "grep rust-version Cargo.toml | cut -d'\"' -f2"
        ));
        assert!(names_manifest_msrv(
            "cargo metadata --no-deps | jq -r '.packages[0].rust_version'"
        ));
        assert!(!names_manifest_msrv(
            "echo \"RUST=$(cat .github/ci/rust_version.txt)\" >> $GITHUB_ENV"
        ));
    }

    #[test]
    fn a_version_another_job_reads_counts() {
        // bat: a `crate_metadata` job reads rust_version; the MSRV job
        // installs `${{ needs.crate_metadata.outputs.msrv }}`.
        let workflow = "on: push\njobs:\n  crate_metadata:\n    runs-on: ubuntu-latest\n    outputs:\n      msrv: ${{ steps.m.outputs.msrv }}\n    steps:\n      - id: m\n        run: cargo metadata --no-deps --format-version 1 | jq -r '\"msrv=\" + .packages[0].rust_version' >> $GITHUB_OUTPUT\n  min_version:\n    needs: crate_metadata\n    runs-on: ubuntu-latest\n    steps:\n      - uses: dtolnay/rust-toolchain@master\n        with:\n          toolchain: ${{ needs.crate_metadata.outputs.msrv }}\n      - run: cargo check --locked\n";
        let o = run("1.70", &[(".github/workflows/ci.yml", workflow)]);
        assert_eq!(o.status, Status::Pass, "{:?} {:?}", o.findings, o.note);
        assert!(o.note.unwrap_or_default().contains("crate_metadata"));
    }

    fn wf(steps: &str) -> String {
        format!(
            "on: push\nenv:\n  rust_min: '1.70'\njobs:\n  msrv:\n    runs-on: ubuntu-latest\n    steps:\n{steps}      - run: cargo check --locked\n"
        )
    }

    #[test]
    fn toolchain_spellings() {
        for steps in [
            "      - uses: dtolnay/rust-toolchain@1.70\n",
            "      - uses: dtolnay/rust-toolchain@master\n        with:\n          toolchain: 1.70.0\n",
            "      - uses: dtolnay/rust-toolchain@stable\n        with:\n          toolchain: ${{ env.rust_min }}\n",
            "      - run: rustup toolchain install 1.70 --profile minimal\n",
            "      - run: cargo +1.70 build\n",
            "      - run: cargo msrv verify\n",
        ] {
            let o = run("1.70", &[(".github/workflows/ci.yml", &wf(steps))]);
            assert_eq!(o.status, Status::Pass, "{steps}");
        }
    }

    #[test]
    fn matrix_value_counts() {
        let text = "on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        rust: [stable, '1.70']\n    runs-on: ubuntu-latest\n    steps:\n      - uses: dtolnay/rust-toolchain@master\n        with:\n          toolchain: ${{ matrix.rust }}\n      - run: cargo test\n";
        assert_eq!(
            run("1.70", &[(".github/workflows/ci.yml", text)]).status,
            Status::Pass
        );
    }

    #[test]
    fn missing_points_at_rust_version_and_explains_floats() {
        let o = run(
            "1.70",
            &[(
                ".github/workflows/ci.yml",
                &wf("      - uses: dtolnay/rust-toolchain@stable\n"),
            )],
        );
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.findings[0].path.as_deref(), Some("Cargo.toml"));
        assert_eq!(o.findings[0].line, Some(3));
        let o = run(
            "1.70",
            &[(
                ".github/workflows/ci.yml",
                &wf(
                    "      - uses: dtolnay/rust-toolchain@master\n        with:\n          toolchain: 1.70\n",
                ),
            )],
        );
        assert_eq!(o.status, Status::Warn);
        assert!(
            o.findings[0].message.contains("quote it"),
            "{}",
            o.findings[0].message
        );
    }

    #[test]
    fn no_msrv_skips() {
        let m = Member::named("x", "0.1.0", "");
        let o = CiMsrv.run(
            &Facts::in_memory(vec![m], &[]),
            &CheckConfig { level: Level::Warn },
        );
        assert_eq!(o.status, Status::Skip);
    }
}
