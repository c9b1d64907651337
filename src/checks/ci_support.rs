//! Reading CI commands for the CI checks: which runs the tests, checks
//! formatting, runs clippy, audits dependencies; where a CI finding points
//! when something is missing; every `uses:` in the repository.
//!
//! Pure: works on [`crate::facts::ci`] values.

use crate::facts::Facts;
use crate::facts::ci::{Cmd, ResolvedJob, is_cargo_program};
use crate::facts::gha::ActionRef;

/// A cargo invocation: `cargo [+toolchain] [global options] SUB ARGS…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CargoCall<'a> {
    /// `+toolchain`, when given.
    pub toolchain: Option<&'a str>,
    /// The subcommand.
    pub sub: &'a str,
    /// Everything after the subcommand.
    pub args: &'a [String],
}

impl CargoCall<'_> {
    /// Arguments before a `--` (cargo's own, not the tool's).
    pub fn own_args(&self) -> &[String] {
        let end = self
            .args
            .iter()
            .position(|a| a == "--")
            .unwrap_or(self.args.len());
        &self.args[..end]
    }

    /// Arguments after `--` (passed to rustc, clippy, the test binary).
    pub fn passed_args(&self) -> &[String] {
        match self.args.iter().position(|a| a == "--") {
            Some(i) => &self.args[i + 1..],
            None => &[],
        }
    }

    /// Whether `word` is one of the subcommand's own arguments.
    pub fn has(&self, word: &str) -> bool {
        self.own_args().iter().any(|a| a == word)
    }
}

/// Parses a cargo (or `cross`) command line.
pub fn cargo_call(words: &[String]) -> Option<CargoCall<'_>> {
    if !is_cargo_program(words.first()?) {
        return None;
    }
    let (i, toolchain) = crate::facts::cargo_alias::subcommand(words)?;
    let call = CargoCall {
        toolchain,
        sub: words.get(i)?,
        args: &words[i + 1..],
    };
    // `cargo clippy --version`, `cargo test --help`: a query about the
    // subcommand, which runs nothing (and must credit no check).
    // (`--version` alone: `cargo install --version 1.2.3` takes a value.)
    let own = call.own_args();
    let query = matches!(own, [only] if only == "--version" || only == "-V")
        || own.iter().any(|a| a == "--help" || a == "-h");
    (!query).then_some(call)
}

/// Cargo subcommands that wrap another (`cargo hack test`, `cargo miri test`).
const WRAPPERS: &[&str] = &[
    "hack",
    "miri",
    "careful",
    "insta",
    "minimal-versions",
    "all-features",
    "ndk",
    "wasi",
    "xwin",
    "zigbuild",
    "valgrind",
    "auditable",
    "msrv",
    // cargo-workspaces: `cargo ws exec cargo test` in every member.
    "ws",
    "workspaces",
];

/// Whether the command runs the test suite.
pub fn runs_tests(words: &[String]) -> bool {
    if words.first().is_some_and(|p| p == "wasm-pack") {
        return words.get(1).is_some_and(|s| s == "test");
    }
    let Some(call) = cargo_call(words) else {
        return false;
    };
    match call.sub {
        "test" | "t" => !call.has("--no-run"),
        "nextest" => {
            subcommand(call.own_args(), NEXTEST_SUBCOMMANDS).is_some_and(|s| s == "run" || s == "r")
        }
        "tarpaulin" | "mutants" => true,
        "llvm-cov" => match subcommand(call.own_args(), LLVM_COV_SUBCOMMANDS) {
            None => true,
            Some(s) => matches!(s, "test" | "nextest" | "run"),
        },
        sub if WRAPPERS.contains(&sub) => call
            .own_args()
            .iter()
            .any(|a| matches!(a.as_str(), "test" | "t" | "nextest")),
        _ => false,
    }
}

/// `cargo llvm-cov`'s subcommands (none means `test`).
const LLVM_COV_SUBCOMMANDS: &[&str] = &[
    "test",
    "run",
    "report",
    "clean",
    "show-env",
    "nextest",
    "nextest-archive",
];

/// `cargo nextest`'s subcommands.
const NEXTEST_SUBCOMMANDS: &[&str] = &[
    "run",
    "r",
    "list",
    "archive",
    "show-config",
    "self",
    "debug",
    "replay",
    "store",
];

/// The subcommand among `known` named before any `--`: other words are the
/// values of options (`--output-path lcov.info`, `--profile ci`).
fn subcommand<'a>(args: &'a [String], known: &[&str]) -> Option<&'a str> {
    args.iter()
        .map(String::as_str)
        .take_while(|a| *a != "--")
        .find(|a| known.contains(a))
}

/// `Some(true)` for a formatting check (`cargo fmt --check` in any
/// spelling, `rustfmt --check`), `Some(false)` for `cargo fmt` that
/// rewrites instead, `None` for anything else.
pub fn fmt_check(words: &[String]) -> Option<bool> {
    let program = words.first()?;
    if program == "rustfmt" || program.ends_with("/rustfmt") {
        return Some(words.iter().any(|w| w == "--check"));
    }
    let call = cargo_call(words)?;
    (call.sub == "fmt").then(|| call.args.iter().any(|a| a == "--check"))
}

/// Whether the command runs clippy (directly or under a wrapper).
pub fn runs_clippy(words: &[String]) -> bool {
    let Some(call) = cargo_call(words) else {
        return false;
    };
    call.sub == "clippy"
        || (WRAPPERS.contains(&call.sub) && call.own_args().iter().any(|a| a == "clippy"))
}

/// How the arguments after `--` make clippy fail on warnings, if they do.
pub fn clippy_args_deny(words: &[String]) -> Option<&'static str> {
    let call = cargo_call(words)?;
    let passed = call.passed_args();
    for (i, a) in passed.iter().enumerate() {
        let next = passed.get(i + 1).map(String::as_str);
        match (a.as_str(), next) {
            ("-D" | "--deny" | "-F" | "--forbid", Some("warnings")) => {
                return Some("`-D warnings` after `--`");
            }
            ("-Dwarnings" | "--deny=warnings" | "-Fwarnings", _) => {
                return Some("`-Dwarnings` after `--`");
            }
            ("-D" | "--deny", Some("clippy::all")) | ("-Dclippy::all", _) => {
                return Some("`-D clippy::all` after `--`");
            }
            _ => {}
        }
    }
    None
}

/// Whether rustc flags (`RUSTFLAGS`, config `rustflags`) deny warnings.
pub fn flags_deny_warnings(flags: &str) -> bool {
    let compact: String = flags
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'' && *c != ',')
        .collect();
    compact.contains("-Dwarnings")
        || compact.contains("--deny=warnings")
        || compact.contains("--denywarnings")
        || compact.contains("-Fwarnings")
}

/// Whether the command checks dependencies against the RustSec advisory
/// database: `cargo audit`, `cargo deny check` (with advisories),
/// `cargo readiness`, `osv-scanner`, `trivy`.
pub fn audits_advisories(words: &[String]) -> bool {
    let program = words.first().map(String::as_str).unwrap_or("");
    if matches!(program, "cargo-audit" | "osv-scanner" | "cargo-deny") {
        return true;
    }
    if program == "trivy" {
        return words
            .iter()
            .any(|w| w == "fs" || w == "repo" || w == "repository");
    }
    let Some(call) = cargo_call(words) else {
        return false;
    };
    match call.sub {
        "audit" => !call.has("fix"),
        "readiness" => !call.has("sbom"),
        "deny" => {
            // `cargo deny check` runs every check; naming checks narrows it.
            let own = call.own_args();
            let Some(at) = own.iter().position(|a| a == "check") else {
                return false;
            };
            let named: Vec<&str> = own[at + 1..]
                .iter()
                .map(String::as_str)
                .filter(|a| !a.starts_with('-'))
                .collect();
            named.is_empty() || named.contains(&"advisories") || named.contains(&"advisory")
        }
        _ => false,
    }
}

/// Cargo subcommands whose effect is known: anything else (`xtask`,
/// `make`, aliases, plugins) could run anything.
const KNOWN_SUBCOMMANDS: &[&str] = &[
    "build",
    "b",
    "check",
    "c",
    "clippy",
    "fmt",
    "doc",
    "d",
    "bench",
    "install",
    "uninstall",
    "publish",
    "package",
    "update",
    "generate-lockfile",
    "metadata",
    "tree",
    "fetch",
    "clean",
    "audit",
    "deny",
    "vet",
    "rustdoc",
    "rustc",
    "version",
    "search",
    "login",
    "owner",
    "yank",
    "locate-project",
    "verify-project",
    "pkgid",
    "vendor",
    "new",
    "init",
    "add",
    "remove",
    "report",
    "info",
    "fix",
    "semver-checks",
    "udeps",
    "outdated",
    "machete",
    "sort",
    "readme",
    "expand",
    "bloat",
    "binstall",
    "doc2readme",
    "rdme",
    "about",
    "cyclonedx",
    "sbom",
    "dist",
    "release",
    "set-version",
    "bump",
    "docs-rs",
    "check-external-types",
    "public-api",
    "minimal-versions",
    "cbuild",
    "cinstall",
    "ctest",
    "deb",
    "rpm",
    "generate-rpm",
    "wix",
    "bundle",
    "apk",
    "bench-cmp",
    "criterion",
    "llvm-lines",
    "asm",
    "geiger",
    "spellcheck",
    "shear",
    "msrv",
    "hack",
    "miri",
    "nextest",
    "test",
    "t",
    "tarpaulin",
    "llvm-cov",
    "insta",
    "mutants",
    "careful",
    "readiness",
    "run",
    "r",
    "zigbuild",
    "ndk",
    "xwin",
    "auditable",
    "valgrind",
    "fuzz",
    "afl",
    "all-features",
    "wasi",
    "component",
    "leptos",
    "tauri",
    "contribute",
    "watch",
    "make",
    "xtask",
];

/// What the command hands over to without it being visible here: a
/// Makefile or script that could not be read, `cargo xtask`, `cargo make`,
/// a cargo alias or plugin, nix, docker, …; `None` when nothing is hidden.
pub fn opaque(cmd: &Cmd) -> Option<String> {
    let program = cmd.words.first()?.as_str();
    if cmd.followed {
        return None;
    }
    // `bazel --version`, `make --help`: asking about the tool runs nothing.
    if cmd.words.len() > 1
        && cmd.words[1..]
            .iter()
            .all(|w| matches!(w.as_str(), "--version" | "-V" | "version" | "--help" | "-h"))
    {
        return None;
    }
    let hidden = match program {
        "make" | "gmake" | "just" | "nix" | "nix-shell" | "bazel" | "bazelisk" | "earthly"
        | "docker" | "podman" | "tox" | "nox" | "npm" | "pnpm" | "yarn" | "python" | "python3"
        | "pre-commit" | "task" | "mise" | "cmake" | "ctest" | "meson" | "ninja" | "uvx" | "uv"
        | "pipx" | "hatch" | "poetry" => true,
        _ if program.starts_with("./") || program.ends_with(".sh") || program.ends_with(".py") => {
            true
        }
        _ => match cargo_call(&cmd.words) {
            Some(call) => {
                matches!(call.sub, "xtask" | "make" | "run" | "r")
                    || !KNOWN_SUBCOMMANDS.contains(&call.sub)
            }
            None => false,
        },
    };
    hidden.then(|| format!("`{}` at {}", cmd.words.join(" "), cmd.location()))
}

/// `cargo run …`, `bazel run …`: one of the project's programs started.
fn runs_a_program(words: &[String]) -> bool {
    cargo_call(words).is_some_and(|call| matches!(call.sub, "run" | "r"))
        || (words
            .first()
            .is_some_and(|p| p == "bazel" || p == "bazelisk")
            && words.get(1).is_some_and(|w| w == "run"))
}

/// What these jobs hand over to that this tool cannot read — a command
/// ([`opaque`]) or a reusable workflow of another repository (`jobs.x.uses:
/// owner/repo/.github/workflows/clippy.yml@…`) — preferring one whose
/// words name what is looked for (`hints`: `nox -s clippy-all` for
/// clippy). With `named_only`, one that names none of them is not
/// returned: for a check like `sast`, any script "may" be analysis is too
/// weak a lead.
pub fn hidden_work(jobs: &[&ResolvedJob], hints: &[&str], named_only: bool) -> Option<String> {
    let names = |text: &str| {
        let text = text.to_ascii_lowercase();
        hints.iter().any(|h| text.contains(h))
    };
    let candidates: Vec<(String, bool)> = jobs
        .iter()
        .flat_map(|j| j.commands())
        .filter_map(|c| opaque(c).map(|what| (c, what, names(&c.words.join(" ")))))
        // `cargo run` starts one of the project's programs (cxx's demo,
        // also through `bazel run demo`):
        // a lead only when its words say what is looked for, or it is the
        // project's task runner.
        .filter(|(c, _, named)| {
            *named || !runs_a_program(&c.words) || c.words.iter().any(|w| w.contains("xtask"))
        })
        .map(|(_, what, named)| (what, named))
        .chain(jobs.iter().filter_map(|j| {
            let u = j.remote_call.as_ref()?;
            Some((format!("the reusable workflow `{u}`"), names(u)))
        }))
        .collect();
    let named = candidates.iter().find(|(_, named)| *named);
    match named {
        Some((what, _)) => Some(what.clone()),
        None if named_only => None,
        None => candidates.into_iter().next().map(|(what, _)| what),
    }
}

/// Jobs that run on a change to the code (push, pull request, merge queue).
pub fn change_jobs(facts: &Facts) -> Vec<&ResolvedJob> {
    facts.ci.jobs.iter().filter(|j| j.on_change()).collect()
}

/// `finding` placed at [`ci_anchor`], when the repository has a workflow.
pub fn at_ci_anchor(finding: super::Finding, facts: &Facts) -> super::Finding {
    match ci_anchor(facts) {
        Some((path, line)) => finding.at(path, line),
        None => finding,
    }
}

/// Where a "CI does not do X" finding points: the `jobs:` line of the
/// main workflow that runs on changes (on pull requests, most cargo
/// commands), else of the first workflow.
pub fn ci_anchor(facts: &Facts) -> Option<(String, Option<usize>)> {
    let on_change = |w: &&crate::facts::gha::GhWorkflow| {
        w.triggers.iter().any(|t| {
            matches!(
                t.event.as_str(),
                "push" | "pull_request" | "pull_request_target" | "merge_group"
            )
        })
    };
    // The main CI workflow: one that runs on pull requests, then the one
    // whose jobs run the most cargo commands (not a push-only
    // self-hosted or publishing workflow that sorts first by name).
    let weight = |w: &&crate::facts::gha::GhWorkflow| {
        let on_pr = w
            .triggers
            .iter()
            .any(|t| matches!(t.event.as_str(), "pull_request" | "merge_group"));
        let cargo = facts
            .ci
            .jobs
            .iter()
            .filter(|j| j.workflow == w.path)
            .flat_map(|j| j.commands())
            .filter(|c| cargo_call(&c.words).is_some())
            .count();
        (on_pr, cargo)
    };
    let mut best: Option<(&crate::facts::gha::GhWorkflow, (bool, usize))> = None;
    for w in facts.ci.workflows.iter().filter(on_change) {
        let score = weight(&w);
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((w, score));
        }
    }
    best.map(|(w, _)| w)
        .or_else(|| facts.ci.workflows.first())
        .map(|w| (w.path.clone(), Some(w.jobs_line)))
        .or_else(|| {
            facts
                .workflows
                .first()
                .map(|w| (w.path.clone(), None::<usize>))
        })
}

/// One `uses:` written in the repository.
#[derive(Debug, Clone)]
pub struct UsesSite<'a> {
    /// File it is written in.
    pub path: &'a str,
    /// Its line.
    pub line: usize,
    /// The value as written.
    pub raw: &'a str,
    /// Parsed.
    pub action: ActionRef,
    /// Whether it is a job-level `uses:` (a reusable workflow call).
    pub job_level: bool,
}

/// Every `uses:` in workflows and local actions (each written occurrence
/// once, however often it runs), plus docker actions' `runs.image`.
pub fn all_uses(facts: &Facts) -> Vec<UsesSite<'_>> {
    let mut out = Vec::new();
    for wf in &facts.ci.workflows {
        for job in &wf.jobs {
            if let Some(u) = &job.uses {
                out.push(UsesSite {
                    path: &wf.path,
                    line: u.line,
                    raw: &u.value,
                    action: ActionRef::parse(&u.value),
                    job_level: true,
                });
            }
            for step in &job.steps {
                if let Some(u) = &step.uses {
                    out.push(UsesSite {
                        path: &wf.path,
                        line: u.line,
                        raw: &u.value,
                        action: ActionRef::parse(&u.value),
                        job_level: false,
                    });
                }
            }
        }
    }
    for action in &facts.ci.actions {
        for step in &action.steps {
            if let Some(u) = &step.uses {
                out.push(UsesSite {
                    path: &action.path,
                    line: u.line,
                    raw: &u.value,
                    action: ActionRef::parse(&u.value),
                    job_level: false,
                });
            }
        }
        if let Some(image) = action
            .image
            .as_ref()
            .filter(|i| i.value.starts_with("docker://"))
        {
            out.push(UsesSite {
                path: &action.path,
                line: image.line,
                raw: &image.value,
                action: ActionRef::parse(&image.value),
                job_level: false,
            });
        }
    }
    out
}

/// `(major, minor)` of a Rust version or toolchain name (`1.85`, `1.85.0`,
/// `1.85.1-x86_64-unknown-linux-gnu`); `None` for channels.
pub fn minor_version(s: &str) -> Option<(u64, u64)> {
    let s = s.trim().trim_start_matches('v');
    let version = s.split('-').next()?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn test_commands() {
        for yes in [
            "cargo test",
            "cargo +nightly test --workspace",
            "cargo nextest run --workspace",
            "cargo --locked test",
            "cargo hack --feature-powerset --depth 2 test",
            "cargo miri test",
            "cargo llvm-cov --workspace --lcov",
            "cargo llvm-cov nextest",
            // starship: an option's value is not a subcommand.
            "cargo llvm-cov --all-features --locked --workspace --lcov --output-path lcov.info -- --include-ignored",
            "cargo nextest --profile ci run",
            "cargo ws exec cargo test --all-features",
            "cross test --target x",
            "cargo tarpaulin",
            "wasm-pack test --node",
        ] {
            assert!(runs_tests(&w(yes)), "{yes}");
        }
        for no in [
            "cargo test --no-run",
            "cargo build",
            "cargo nextest list",
            "cargo llvm-cov report",
            "cargo llvm-cov --output-path x report",
            "cargo hack check",
            "echo cargo test",
            "cargo test --help",
        ] {
            assert!(!runs_tests(&w(no)), "{no}");
        }
    }

    #[test]
    fn asking_a_subcommand_its_version_runs_nothing() {
        assert!(!runs_clippy(&w("cargo clippy --version")));
        assert!(!runs_clippy(&w("cargo +stable clippy -V")));
        assert_eq!(fmt_check(&w("cargo fmt --version")), None);
        assert!(!audits_advisories(&w("cargo deny --version")));
        assert!(runs_clippy(&w("cargo clippy -- -D warnings")));
        assert!(cargo_call(&w("cargo install cargo-deny --version 0.16.1")).is_some());
    }

    #[test]
    fn fmt_and_clippy() {
        assert_eq!(fmt_check(&w("cargo fmt --all -- --check")), Some(true));
        assert_eq!(fmt_check(&w("cargo +nightly fmt --check")), Some(true));
        assert_eq!(fmt_check(&w("rustfmt --check src/lib.rs")), Some(true));
        assert_eq!(fmt_check(&w("cargo fmt --all")), Some(false));
        assert_eq!(fmt_check(&w("cargo build")), None);
        assert!(runs_clippy(&w("cargo hack clippy --each-feature")));
        assert_eq!(
            clippy_args_deny(&w("cargo clippy --all-targets -- -D warnings")),
            Some("`-D warnings` after `--`")
        );
        assert!(clippy_args_deny(&w("cargo clippy -- -Dwarnings")).is_some());
        assert!(clippy_args_deny(&w("cargo clippy -- -W clippy::pedantic")).is_none());
        assert!(flags_deny_warnings("-D warnings --cfg x"));
        assert!(flags_deny_warnings("[\"-D\", \"warnings\"]"));
        assert!(!flags_deny_warnings("-D dead_code"));
    }

    #[test]
    fn audits() {
        assert!(audits_advisories(&w("cargo audit --deny warnings")));
        assert!(audits_advisories(&w("cargo deny --all-features check")));
        assert!(audits_advisories(&w("cargo deny check advisories")));
        assert!(!audits_advisories(&w(
            "cargo deny check bans licenses sources"
        )));
        assert!(audits_advisories(&w("cargo readiness --offline")));
        assert!(!audits_advisories(&w("cargo build")));
    }

    #[test]
    fn versions() {
        assert_eq!(minor_version("1.85"), Some((1, 85)));
        assert_eq!(
            minor_version("1.85.1-x86_64-unknown-linux-gnu"),
            Some((1, 85))
        );
        assert_eq!(minor_version("stable"), None);
    }
}
