//! Project chores, in Rust rather than shell (the xtask pattern):
//!
//! - `cargo xtask docs` regenerates `docs/checks.md` from the check registry.
//! - `cargo xtask bench run [--repo PATH] [--runs N]` measures warm runs of
//!   `cargo readiness --offline` on a repository (default: this one) and how
//!   much of each run is `cargo metadata`.

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
    let path = root.join("docs/checks.md");
    std::fs::write(&path, cargo_readiness::docs::checks_markdown())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("run") => {}
        _ => return Err("usage: cargo xtask bench run [--repo PATH] [--runs N]".into()),
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
