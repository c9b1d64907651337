//! Project chores, in Rust rather than shell (the xtask pattern):
//!
//! - `cargo xtask docs` regenerates `docs/checks.md` from the check registry
//!   and `docs/peer-config.md` from the peers' key tables.
//! - `cargo xtask bench [--sizes small,large,huge] [--runs N] [--write-docs]`
//!   generates synthetic workspaces (small, large, huge) and times the
//!   `cargo metadata` floor, `cargo readiness`, its `audit` and `sbom`,
//!   and the peer tools, with peak memory (see `bench_workspaces`).
//! - `cargo xtask release-check [--allow-dirty] [--no-verify]` checks that
//!   this commit can be released (versions, changelog, tags, docs, package
//!   contents, build from the tarball); `release-check notes VERSION` prints
//!   the changelog section used as release notes. See `release_check.rs`.
//! - `cargo xtask bench run [--repo PATH] [--runs N]` measures warm runs of
//!   `cargo readiness --offline` on a repository (default: this one) and how
//!   much of each run is `cargo metadata`.
//! - `cargo xtask bench audit [--db PATH] [--runs N]` times `cargo readiness
//!   audit` (cold and warm cache) beside `cargo audit` on the same lockfiles
//!   and database.
//! - `cargo xtask bench scan [--path DIR] [--runs N]` measures the source
//!   scanner's throughput (MB/s): on a generated 50 000-line crate and on a
//!   real crate's sources (default: the newest tokio, then regex, in
//!   `~/.cargo/registry/src`), single-threaded and as collected (parallel
//!   read + scan).
//! - `cargo xtask bench hostile [--packages N] [--members N] [--runs N]`
//!   times the audit of a 60 000-package lockfile and the work beyond
//!   `cargo metadata` on a 20 000-member workspace (see `bench_hostile`).
//! - `cargo xtask bench sbom [--repo PATH] [--runs N]` times `cargo readiness
//!   sbom` on a large graph (default: `xtask/bench-data/large`, 843
//!   packages), the part that is not `cargo metadata`, and `cargo cyclonedx`
//!   on the same graph when it is installed, the two alternating run by run.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("docs") => docs(&root),
        Some("bench") => bench(&root, &args[1..]),
        Some("release-check") => release_check::run(&root, &args[1..]),
        _ => Err("usage: cargo xtask docs | cargo xtask bench run [--repo PATH] [--runs N]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn docs(root: &Path) -> Result<(), String> {
    for (name, text) in [
        ("docs/checks.md", cargo_readiness::docs::checks_markdown()),
        (
            "docs/peer-config.md",
            cargo_readiness::docs::peer_config_markdown(),
        ),
    ] {
        let path = root.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

mod bench_hostile;
mod bench_scan;
mod bench_workspaces;
mod synth;

/// `cargo xtask bench generate --size NAME --out DIR`: one synthetic
/// workspace, to look at or to run other tools on.
fn generate(args: &[String]) -> Result<(), String> {
    let name = flag(args, "--size").unwrap_or("large");
    let size = synth::SIZES
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("unknown size `{name}` (small, large, huge)"))?;
    let out = flag(args, "--out")
        .map(PathBuf::from)
        .ok_or("--out DIR is required")?;
    let ws = synth::generate(size, &out, 0x5EED_CA60)?;
    println!("generated {}", ws.display());
    Ok(())
}
mod release_check;

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        None | Some("workspaces") => return bench_workspaces::run(root, args),
        Some(a) if a.starts_with("--") => return bench_workspaces::run(root, args),
        Some("generate") => return generate(args),
        Some("run") => {}
        Some("audit") => return bench_audit(root, args),
        Some("checks") => return bench_checks(root, args),
        Some("scan") => return bench_scan::run(args),
        Some("hostile") => return bench_hostile::run(root, &args[1..]),
        Some("sbom") => {
            let repo = flag(args, "--repo")
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("xtask/bench-data/large"));
            let runs: usize = flag(args, "--runs")
                .and_then(|n| n.parse().ok())
                .unwrap_or(9);
            return bench_sbom(root, &repo, runs);
        }
        _ => return Err("usage: cargo xtask bench [workspaces] [--sizes small,large,huge] [--runs N] [--db PATH] [--write-docs] | bench generate --size NAME --out DIR | bench run [--repo PATH] [--runs N] | bench audit [--db PATH] [--runs N] | bench checks [--repo PATH] | bench sbom [--repo PATH] [--runs N] | bench scan [--path DIR] [--runs N] | bench hostile [--packages N] [--members N] [--runs N]".into()),
    }
    let repo = flag(args, "--repo")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.to_path_buf());
    let runs: usize = flag(args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "cargo-readiness"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    let exe = root.join("target/release/cargo-readiness");

    let mut totals = Vec::new();
    let mut metadata = Vec::new();
    // One warm-up run fills the OS cache and cargo's own caches.
    for i in 0..=runs {
        let t = Instant::now();
        let out = Command::new(&exe)
            .args(["readiness", "--offline", "--format", "json"])
            .current_dir(&repo)
            .env("CARGO_READINESS_TIMINGS", "1")
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let elapsed = t.elapsed();
        if i == 0 {
            continue;
        }
        totals.push(elapsed);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some(ms) = stderr
            .lines()
            .find(|l| l.starts_with("timing: cargo metadata"))
            .and_then(|l| l.split_whitespace().rev().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
        {
            metadata.push(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    let med_total = median(&mut totals);
    let med_meta = median(&mut metadata);
    println!("repository: {}", repo.display());
    println!("warm runs:  {runs} (after 1 warm-up)");
    println!(
        "cargo readiness --offline   median wall {:>7.1} ms",
        ms(med_total)
    );
    println!(
        "  of which cargo metadata   median      {:>7.1} ms ({:.0}%)",
        ms(med_meta),
        100.0 * ms(med_meta) / ms(med_total).max(f64::EPSILON)
    );
    println!(
        "  everything else           median      {:>7.1} ms",
        ms(med_total) - ms(med_meta)
    );
    Ok(())
}

/// Builds the release binary; returns its path.
fn build_release(root: &Path) -> Result<PathBuf, String> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "cargo-readiness"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    // Where cargo put it: CARGO_TARGET_DIR when set.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release/cargo-readiness"))
}

/// Median wall time of `runs` runs of a command (after `prepare` each time).
fn time_runs(
    runs: usize,
    mut make: impl FnMut() -> Command,
    mut prepare: impl FnMut(),
) -> Result<Duration, String> {
    let mut times = Vec::new();
    for _ in 0..runs {
        prepare();
        let mut cmd = make();
        let t = Instant::now();
        let status = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
        let elapsed = t.elapsed();
        // Exit 1 means "vulnerabilities found": a normal outcome here.
        if !matches!(status.code(), Some(0) | Some(1)) {
            return Err(format!("{cmd:?} failed with {status}"));
        }
        times.push(elapsed);
    }
    Ok(median(&mut times))
}

/// Finds cargo-audit: on PATH, or installed under /work/tools or ~/.cargo/bin.
fn cargo_audit() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CARGO_AUDIT").map(PathBuf::from),
        Some(PathBuf::from("/work/tools/bin/cargo-audit")),
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/cargo-audit")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// The advisory database the benchmarks use: `--db PATH`, else
/// `CARGO_READINESS_ADVISORY_DB`, else the pinned snapshot beside the
/// repository; absolute, and checked to be one.
fn bench_db(root: &Path, args: &[String]) -> Result<PathBuf, String> {
    let db = flag(args, "--db")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("CARGO_READINESS_ADVISORY_DB").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared/advisory-db"));
    if !db.join("crates").is_dir() {
        return Err(format!(
            "no advisory database at {} (pass --db PATH to a RustSec advisory-db directory)",
            db.display()
        ));
    }
    db.canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", db.display()))
}

/// `cargo xtask bench audit`: our audit against cargo-audit's, same
/// lockfiles, same database, no network, side by side.
fn bench_audit(root: &Path, args: &[String]) -> Result<(), String> {
    let runs: usize = flag(args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    let db = bench_db(root, args)?;
    let exe = build_release(root)?;
    let audit = cargo_audit();
    let lockfiles = [
        (
            "large (xtask/bench-data/large)",
            root.join("xtask/bench-data/large/Cargo.lock"),
        ),
        ("small (this repository)", root.join("Cargo.lock")),
    ];
    let cache = std::env::temp_dir().join("cargo-readiness-bench-cache");
    println!("database: {}", db.display());
    println!(
        "runs: {runs} each (median); cargo-audit: {}",
        audit
            .as_ref()
            .map_or("not installed".to_string(), |p| p.display().to_string())
    );
    println!();
    println!(
        "{:<32} {:>8} {:>14} {:>14} {:>14} {:>8}",
        "lockfile", "packages", "ours cold", "ours warm", "cargo-audit", "ratio"
    );
    for (label, lock) in lockfiles {
        let packages = std::fs::read_to_string(&lock)
            .map(|t| t.matches("[[package]]").count())
            .unwrap_or(0);
        let ours = || {
            let mut c = Command::new(&exe);
            c.args([
                "readiness",
                "audit",
                "--no-fetch",
                "--format",
                "json",
                "--lockfile",
            ])
            .arg(&lock)
            .arg("--db")
            .arg(&db)
            .env("CARGO_READINESS_CACHE_DIR", &cache);
            c
        };
        let cold = time_runs(runs, ours, || {
            let _ = std::fs::remove_dir_all(&cache);
        })?;
        let _ = time_runs(1, ours, || {})?;
        let warm = time_runs(runs, ours, || {})?;
        let theirs = match &audit {
            Some(bin) => Some(time_runs(
                runs,
                || {
                    let mut c = Command::new(bin);
                    c.args(["audit", "--no-fetch", "--json", "--db"])
                        .arg(&db)
                        .arg("-f")
                        .arg(&lock);
                    c
                },
                || {},
            )?),
            None => None,
        };
        println!(
            "{:<32} {:>8} {:>11.1} ms {:>11.1} ms {:>14} {:>8}",
            label,
            packages,
            ms(cold),
            ms(warm),
            theirs.map_or("-".to_string(), |t| format!("{:.1} ms", ms(t))),
            theirs.map_or("-".to_string(), |t| format!("{:.2}x", ms(warm) / ms(t)))
        );
    }
    let _ = std::fs::remove_dir_all(&cache);
    println!("\nratio = ours (warm) / cargo-audit; target ≤ 0.5");
    Ok(())
}

/// `cargo xtask bench checks [--repo PATH] [--runs N]`: collects the facts
/// of a repository once (offline), then runs every check N times in this
/// process and prints each check's median time — the cost of the checks
/// alone, without `cargo metadata` or the disk.
fn bench_checks(root: &Path, args: &[String]) -> Result<(), String> {
    use cargo_readiness::checks::{self, CheckConfig, Level};
    use cargo_readiness::facts::{CollectOptions, Facts, workspace};
    let repo = flag(args, "--repo")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("xtask/bench-data/large"));
    let runs: usize = flag(args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(21);
    let loc = workspace::locate(None, &repo).map_err(|e| e.to_string())?;
    let config = cargo_readiness::config::load(&loc.root, &loc.repository, None)
        .map_err(|e| e.to_string())?;
    let opts = CollectOptions {
        flags: workspace::CargoFlags {
            offline: true,
            ..Default::default()
        },
        config,
        advisories: None,
    };
    let facts = Facts::collect(&loc, &opts).map_err(|e| e.to_string())?;
    println!(
        "repository: {} ({} packages in the graph)",
        facts.root.display(),
        facts.graph.nodes.len()
    );
    println!("runs: {runs} per check (median), one thread\n");
    let mut policy_total = Duration::ZERO;
    let mut total = Duration::ZERO;
    for check in checks::ALL {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let _ = check.run(&facts, &CheckConfig { level: Level::Deny });
            times.push(t.elapsed());
        }
        let m = median(&mut times);
        total += m;
        let policy = matches!(
            check.id(),
            "dependency-licenses"
                | "sources"
                | "bans"
                | "duplicate-versions"
                | "wildcard-requirements"
        );
        if policy {
            policy_total += m;
        }
        println!(
            "{:<26} {:>9.3} ms{}",
            check.id(),
            ms(m),
            if policy { "  (dependency policy)" } else { "" }
        );
    }
    println!(
        "\nall checks: {:.2} ms; dependency-policy checks: {:.2} ms (target < 20 ms)",
        ms(total),
        ms(policy_total)
    );
    Ok(())
}

/// Runs `cmd` once; returns its wall time and stderr.
fn run_once(cmd: &mut Command) -> Result<(Duration, String), String> {
    let t = Instant::now();
    let result = cmd
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run benchmark command: {e}"))?;
    let elapsed = t.elapsed();
    if !result.status.success() {
        return Err(format!(
            "benchmark command failed: {}",
            String::from_utf8_lossy(&result.stderr)
        ));
    }
    Ok((
        elapsed,
        String::from_utf8_lossy(&result.stderr).into_owned(),
    ))
}

fn timing(stderr: &str, phase: &str) -> Option<Duration> {
    stderr
        .lines()
        .find(|l| l.starts_with(&format!("timing: {phase}")))
        .and_then(|l| l.split_whitespace().rev().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|ms| Duration::from_secs_f64(ms / 1000.0))
}

fn bench_sbom(root: &Path, repo: &Path, runs: usize) -> Result<(), String> {
    let exe = build_release(root)?;
    // cargo-cyclonedx writes its SBOM beside the manifest: work on a copy.
    let work = std::env::temp_dir().join(format!("readiness-bench-sbom-{}", std::process::id()));
    copy_dir(repo, &work).map_err(|e| format!("cannot copy {}: {e}", repo.display()))?;
    // Fetch the crates once (needs the network the first time).
    let fetched = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(&work)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !fetched.success() {
        return Err(format!("cargo metadata failed in {}", work.display()));
    }
    let output = work.join("bench.cdx.json");
    let ours_cmd = || {
        let mut c = Command::new(&exe);
        c.args(["readiness", "sbom", "--offline", "--locked", "-o"])
            .arg(&output)
            .current_dir(&work)
            .env("CARGO_READINESS_TIMINGS", "1");
        c
    };
    let cyclonedx_installed = Command::new(env!("CARGO"))
        .args(["cyclonedx", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let theirs_cmd = || {
        let mut c = Command::new(env!("CARGO"));
        c.args([
            "cyclonedx",
            "-q",
            "--format",
            "json",
            "--spec-version",
            "1.5",
        ])
        .current_dir(&work);
        c
    };
    // Alternate the two tools run by run, so load from anything else on
    // the machine falls on both alike.
    run_once(&mut ours_cmd())?;
    if cyclonedx_installed {
        run_once(&mut theirs_cmd())?;
    }
    let mut ours = Vec::new();
    let mut theirs: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        ours.push(run_once(&mut ours_cmd())?);
        if cyclonedx_installed {
            theirs.push(run_once(&mut theirs_cmd())?.0);
        }
    }
    let mut wall: Vec<Duration> = ours.iter().map(|(d, _)| *d).collect();
    let mut meta: Vec<Duration> = ours
        .iter()
        .filter_map(|(_, e)| timing(e, "cargo metadata"))
        .collect();
    let mut beyond: Vec<Duration> = ours
        .iter()
        .filter_map(|(d, e)| timing(e, "cargo metadata").map(|m| d.saturating_sub(m)))
        .collect();
    let mut build: Vec<Duration> = ours.iter().filter_map(|(_, e)| timing(e, "sbom")).collect();
    let components = std::fs::read_to_string(&output)
        .ok()
        .map(|t| t.matches("\"bom-ref\"").count().saturating_sub(1))
        .unwrap_or(0);
    let _ = std::fs::remove_dir_all(&work);

    println!("repository: {} ({components} components)", repo.display());
    println!("warm runs:  {runs} each, alternating (after 1 warm-up each)");
    println!(
        "cargo readiness sbom        median wall {:>7.1} ms",
        ms(median(&mut wall))
    );
    println!(
        "  of which cargo metadata   median      {:>7.1} ms",
        ms(median(&mut meta))
    );
    println!(
        "  beyond cargo metadata     median      {:>7.1} ms (target < 150 ms)",
        ms(median(&mut beyond))
    );
    println!(
        "  building + rendering      median      {:>7.1} ms",
        ms(median(&mut build))
    );
    if cyclonedx_installed {
        println!(
            "cargo cyclonedx             median wall {:>7.1} ms",
            ms(median(&mut theirs))
        );
    } else {
        println!(
            "cargo cyclonedx             not installed (cargo install --locked cargo-cyclonedx)"
        );
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &dest)?;
            }
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

fn median(v: &mut [Duration]) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
