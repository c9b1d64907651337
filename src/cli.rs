//! Command-line definitions (clap). Parsing only: no behaviour lives here.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::score::Profile;

const EXAMPLES: &str = "\
Examples:
  cargo readiness                         score the workspace you stand in
  cargo readiness --offline               no network (pre-push hooks)
  cargo readiness --format json | jq .score
  cargo readiness --profile strict --min-score 90
  cargo readiness --manifest-path path/to/Cargo.toml
  cargo readiness list                    every check, its category and level
  cargo readiness explain license-files   what a check looks at and how to fix it

Exit codes: 0 gate passed, 1 gate failed, 2 could not run.";

/// Is this Rust repository ready for production, and if not, exactly what is missing?
#[derive(Debug, Parser)]
#[command(
    name = "cargo-readiness",
    bin_name = "cargo readiness",
    version,
    about,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; without a subcommand, score the workspace.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options for scoring the workspace (the default action).
    #[command(flatten)]
    pub run: RunArgs,

    /// When to use colour: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// Subcommands besides the default scoring run.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every check: id, category, default level and summary.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a check's documentation: what it looks at, why, and how to fix it.
    Explain {
        /// The check id, e.g. `license-files`.
        id: String,
    },
    /// Write a software bill of materials (CycloneDX or SPDX) of a package.
    #[command(after_help = SBOM_EXAMPLES)]
    Sbom(SbomArgs),
    /// Audit Cargo.lock against the RustSec advisory database (like `cargo audit`).
    ///
    /// Exit codes: 0 no vulnerabilities (after ignores), 1 vulnerabilities or
    /// denied warnings, 2 could not run (no database, unreadable lockfile).
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Create what the repository is missing: readiness.toml, SECURITY.md,
    /// CODEOWNERS, CHANGELOG.md, dependabot.yml and a CI workflow. Existing
    /// files are kept unless --force.
    Init {
        /// Path to Cargo.toml (default: search from the current directory upward).
        #[arg(long, value_name = "PATH")]
        manifest_path: Option<PathBuf>,
        /// Print what would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Install or remove a git pre-push hook that runs the gate offline.
    Hook {
        /// What to do.
        #[command(subcommand)]
        action: HookAction,
    },
    /// List the licenses of the dependency graph: each license with its crates.
    Licenses {
        /// Workspace location and cargo flags.
        #[command(flatten)]
        workspace: WorkspaceArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Include crates reached only through dev-dependencies.
        #[arg(long)]
        include_dev: bool,
    },
}

const AUDIT_EXAMPLES: &str = "\
Examples:
  cargo readiness audit                            audit the workspace's Cargo.lock
  cargo readiness audit --offline                  no network: local database and index cache
  cargo readiness audit --format json > audit.json drop-in for `cargo audit --json`
  cargo readiness audit --lockfile path/Cargo.lock audit any lockfile, no workspace needed
  cargo readiness audit --db ../advisory-db --deny warnings";

/// `hook` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum HookAction {
    /// Install `.git/hooks/pre-push` (respects core.hooksPath) running
    /// `cargo readiness --offline -q`; refuses to replace a foreign hook.
    Install {
        /// Replace an existing hook not written by cargo-readiness (kept as pre-push.bak).
        #[arg(long)]
        force: bool,
    },
    /// Remove the hook, if cargo-readiness installed it.
    Uninstall,
}

/// Where the advisory database is and whether it may be fetched.
#[derive(Debug, Clone, Default, Args)]
pub struct AdvisoryDbArgs {
    /// Advisory database directory (default: CARGO_READINESS_ADVISORY_DB,
    /// then `[advisories] db`, then ~/.cargo/advisory-db, shared with cargo-audit).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Do not fetch or update the advisory database, and read yank status
    /// from cargo's local index cache.
    #[arg(long)]
    pub no_fetch: bool,
}

/// Arguments of `audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Workspace location and cargo flags.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,

    /// Database location and fetching.
    #[command(flatten)]
    pub db: AdvisoryDbArgs,

    /// Report format: human, or JSON compatible with `cargo audit --json`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Audit this lockfile instead of the workspace's (no Cargo project needed).
    #[arg(long, short = 'f', value_name = "PATH")]
    pub lockfile: Option<PathBuf>,

    /// Exit 1 on warnings of these kinds too.
    #[arg(long, value_enum, value_name = "KIND")]
    pub deny: Vec<DenyKind>,

    /// Ignore an advisory (RUSTSEC, CVE or GHSA id); repeatable.
    #[arg(long, value_name = "ID")]
    pub ignore: Vec<String>,

    /// Only report advisories affecting this target triple.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,

    /// Configuration file (default: readiness.toml at the workspace root).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// Warning kinds `--deny` can turn into failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyKind {
    /// Every warning.
    Warnings,
    /// Unmaintained crates.
    Unmaintained,
    /// Unsound crates.
    Unsound,
    /// Yanked crates.
    Yanked,
}

const SBOM_EXAMPLES: &str = "\
Examples:
  cargo readiness sbom                               CycloneDX 1.6 JSON of the package here, to stdout
  cargo readiness sbom -o bom.cdx.json               written atomically (temp file + rename)
  cargo readiness sbom --format spdx-json -o bom.spdx.json
  cargo readiness sbom --target x86_64-unknown-linux-gnu -F tls --locked
  cargo readiness sbom --workspace -o sboms/         one file per member: sboms/<crate>-<version>.cdx.json
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) cargo readiness sbom --deterministic

The graph is what cargo builds for the target (default: the host) with the
selected features: normal and build dependencies, dev-dependencies only with
--include-dev. With several packages (-p A -p B, or --workspace), -o names a
directory that receives one SBOM per package, named <crate>-<version>.cdx.json,
.cdx.xml or .spdx.json.

Exit codes: 0 written, 2 could not run (the message names the file).";

/// Options of `sbom`.
#[derive(Debug, Clone, Default, Args)]
pub struct SbomArgs {
    /// Workspace location and cargo flags.
    #[command(flatten)]
    pub cargo: WorkspaceArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::sbom::Format::CycloneDxJson)]
    pub format: crate::sbom::Format,

    /// CycloneDX specification version (ignored for SPDX, which is always 2.3).
    #[arg(long, value_enum, default_value_t = crate::sbom::SpecVersion::V1_6)]
    pub spec_version: crate::sbom::SpecVersion,

    /// Where to write: a file (`-` for stdout, the default), or a directory
    /// when several packages are selected.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Package to describe (NAME or NAME@VERSION; repeatable). Default: the
    /// package whose manifest was found, or the only member.
    #[arg(
        short,
        long = "package",
        value_name = "SPEC",
        conflicts_with = "workspace"
    )]
    pub packages: Vec<String>,

    /// One SBOM per workspace member, into the directory given by -o.
    #[arg(long)]
    pub workspace: bool,

    /// Features to activate (space- or comma-separated; repeatable), as for cargo.
    #[arg(short = 'F', long, value_name = "FEATURES")]
    pub features: Vec<String>,

    /// Activate every feature of the described package.
    #[arg(long)]
    pub all_features: bool,

    /// Do not activate its `default` feature.
    #[arg(long)]
    pub no_default_features: bool,

    /// Target triple whose dependencies are listed, or `all` for every
    /// platform (default: the host, as `cargo build` does).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,

    /// Include the described package's dev-dependencies (scope `excluded`).
    #[arg(long)]
    pub include_dev: bool,

    /// Derive the serial number (SPDX: document namespace) from the content,
    /// so the same inputs give byte-identical output when SOURCE_DATE_EPOCH
    /// is set.
    #[arg(long)]
    pub deterministic: bool,

    /// Embed the RustSec audit's vulnerabilities (CycloneDX `vulnerabilities`
    /// with affected components, CVSS ratings and fixed versions).
    #[arg(long)]
    pub with_vulnerabilities: bool,

    /// Advisory database for `--with-vulnerabilities`.
    #[command(flatten)]
    pub db: AdvisoryDbArgs,
}

/// Where the workspace is and how `cargo metadata` may reach the network.
#[derive(Debug, Clone, Default, Args)]
pub struct WorkspaceArgs {
    /// Path to Cargo.toml (default: search from the current directory upward).
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Run without accessing the network (passed to cargo).
    #[arg(long)]
    pub offline: bool,

    /// Require Cargo.lock to be up to date (passed to cargo).
    #[arg(long)]
    pub locked: bool,

    /// Require Cargo.lock to be up to date and the network unused (passed to cargo).
    #[arg(long)]
    pub frozen: bool,

    /// Print how long each phase took, and peak memory, to stderr.
    #[arg(long)]
    pub timings: bool,
}

/// Options of the scoring run.
#[derive(Debug, Clone, Default, Args)]
pub struct RunArgs {
    /// Workspace location and cargo flags.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,

    /// Gate profile: which checks must pass and the default minimum score.
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,

    /// Minimum total score (0-100) for the gate to pass; overrides the profile's.
    #[arg(long, value_name = "SCORE", value_parser = parse_score)]
    pub min_score: Option<f64>,

    /// Report format written to stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,

    /// Also write FORMAT to PATH (repeatable), e.g. `--output sarif=readiness.sarif`.
    /// Files are written atomically.
    #[arg(long = "output", short = 'o', value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<(ReportFormat, PathBuf)>,

    /// JUnit: where checks that do not fail the gate put their findings
    /// (`output`: the suite's system-out, so a passing gate stays green;
    /// `failure`: warn-level failures and warnings are failures too).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = JunitWarn::Output)]
    pub junit_warn: JunitWarn,

    /// Print nothing when the gate passes; when it fails, the verdict and its reasons (stderr).
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print phase and per-check timings to stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Record every current finding in FILE: later runs with `--baseline FILE`
    /// report them as known and gate only on new ones.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Findings recorded in FILE are known: reported, but not counted by the gate
    /// (default: `baseline` in the configuration).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Configuration file (default: readiness.toml at the workspace root, or
    /// [workspace.metadata.readiness] / [package.metadata.readiness] in Cargo.toml).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Advisory database location and fetching.
    #[command(flatten)]
    pub db: AdvisoryDbArgs,
}

/// Report formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary table and findings grouped by check, for people.
    #[default]
    Human,
    /// The stable JSON contract (`schema_version` 1).
    Json,
}

/// `--junit-warn`: what warn-level findings are in the JUnit report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum JunitWarn {
    /// The suite's `<system-out>`: only what fails the gate is red.
    #[default]
    Output,
    /// `<failure>`, like deny-level ones.
    Failure,
}

/// Formats of the main report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A summary table and findings grouped by check, for people.
    #[default]
    Human,
    /// The stable JSON contract (`schema_version` 1).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// Markdown, for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
    Markdown,
    /// JUnit XML, one test case per check.
    Junit,
    /// A shields.io endpoint badge.
    Badge,
    /// One self-contained HTML page: score, chart, every check and finding.
    Html,
    /// A static SVG badge (score and colour) for a README.
    SvgBadge,
}

fn parse_output(s: &str) -> Result<(ReportFormat, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected FORMAT=PATH, e.g. sarif=readiness.sarif"))?;
    let format = ReportFormat::from_str(format, true).map_err(|_| {
        format!(
            "`{format}`: expected one of human, json, sarif, markdown, junit, badge, html, svg-badge"
        )
    })?;
    if path.is_empty() {
        return Err(format!("`{s}`: the path is empty"));
    }
    Ok((format, PathBuf::from(path)))
}

/// Formats of `list`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// An aligned table.
    #[default]
    Human,
    /// A JSON array of checks.
    Json,
}

/// Colour choice for human output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

fn parse_score(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is outside 0-100"))
    }
}

/// Drops the subcommand name cargo passes first when run as `cargo readiness`
/// (argv is `cargo-readiness readiness ARGS`), so both invocations parse alike.
pub fn normalize_args<I>(args: I) -> Vec<OsString>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "readiness") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn strips_cargo_subcommand_name() {
        assert_eq!(
            normalize_args(os(&["cargo-readiness", "readiness", "list"])),
            os(&["cargo-readiness", "list"])
        );
        assert_eq!(
            normalize_args(os(&["cargo-readiness", "list"])),
            os(&["cargo-readiness", "list"])
        );
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn sbom_flags_parse() {
        let cli = Cli::try_parse_from([
            "cargo-readiness",
            "sbom",
            "--format",
            "spdx-json",
            "-o",
            "-",
            "-p",
            "a",
            "-F",
            "x,y",
            "--target",
            "all",
            "--offline",
            "--locked",
            "--manifest-path",
            "Cargo.toml",
        ]);
        match cli.map(|c| c.command) {
            Ok(Some(Command::Sbom(a))) => {
                assert_eq!(a.format, crate::sbom::Format::SpdxJson);
                assert_eq!(a.packages, vec!["a"]);
                assert_eq!(a.features, vec!["x,y"]);
                assert!(a.cargo.offline && a.cargo.locked);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            Cli::try_parse_from(["cargo-readiness", "sbom", "-p", "a", "--workspace"]).is_err()
        );
    }

    #[test]
    fn min_score_is_bounded() {
        assert!(parse_score("75").is_ok());
        assert!(parse_score("101").is_err());
        assert!(parse_score("x").is_err());
    }
}
