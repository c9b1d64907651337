//! `cargo xtask bench hostile [--packages N] [--members N] [--runs N]
//! [--parts lockfile,workspace] [--db PATH]`: inputs a hostile (or merely enormous) repository can
//! commit, where a superlinear step would hang a CI job:
//!
//! - a `Cargo.lock` of 60 000 packages (three dependencies each, written
//!   as cargo abbreviates them): `cargo readiness audit` (target ≤ 2 s);
//! - a workspace of 20 000 members (path dependencies, a test target each,
//!   a 10 000-rule CODEOWNERS, 50 tags): the floor `cargo metadata
//!   --offline`, and what our run spends beyond it (target ≤ 10% of it).
//!
//! Generated deterministically under `target/bench-hostile/`; the workspace
//! is kept between runs (cargo needs minutes to lock it).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{bench_db, build_release, flag, median, ms};

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let packages: usize = flag(args, "--packages")
        .and_then(|n| n.parse().ok())
        .unwrap_or(60_000);
    let members: usize = flag(args, "--members")
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let runs: usize = flag(args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
        .max(1);
    let parts: Vec<&str> = flag(args, "--parts")
        .unwrap_or("lockfile,workspace")
        .split(',')
        .collect();
    let db = bench_db(root, args)?;
    let exe = build_release(root)?;
    let work = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("bench-hostile");

    if parts.contains(&"lockfile") {
        lockfile_part(&exe, &db, &work, packages, runs)?;
    }
    if parts.contains(&"workspace") {
        workspace_part(&exe, &db, &work, members)?;
    }
    Ok(())
}

/// The audit of a lockfile of `packages` packages.
fn lockfile_part(
    exe: &Path,
    db: &Path,
    work: &Path,
    packages: usize,
    runs: usize,
) -> Result<(), String> {
    let lock_dir = work.join(format!("lock-{packages}"));
    write_lock_workspace(&lock_dir, packages)?;
    let mut times = Vec::new();
    let mut phases = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(exe)
            .args(["readiness", "audit", "--offline", "--timings", "--db"])
            .arg(db)
            .current_dir(&lock_dir)
            .env("CARGO_READINESS_CACHE_DIR", work.join("cache"))
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        times.push(t.elapsed());
        if !matches!(out.status.code(), Some(0) | Some(1)) {
            return Err(format!(
                "audit failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        phases = String::from_utf8_lossy(&out.stderr).into_owned();
    }
    let audit = median(&mut times);
    println!(
        "== lockfile of {packages} packages ({} MB)",
        std::fs::metadata(lock_dir.join("Cargo.lock")).map_or(0, |m| m.len() / (1024 * 1024))
    );
    println!(
        "  cargo readiness audit --offline   median {:>9.1} ms of {runs}   (target ≤ 2000 ms: {})",
        ms(audit),
        if audit <= Duration::from_secs(2) {
            "met"
        } else {
            "MISSED"
        }
    );
    for line in phases.lines().filter(|l| l.starts_with("timing:")) {
        println!("    {line}");
    }

    Ok(())
}

/// The run on a workspace of `members` members, against `cargo metadata`.
fn workspace_part(exe: &Path, db: &Path, work: &Path, members: usize) -> Result<(), String> {
    let ws = work.join(format!("ws-{members}"));
    if !ws.join("Cargo.lock").is_file() {
        let t = Instant::now();
        write_member_workspace(&ws, members)?;
        println!(
            "\n(generated and locked {members} members in {:.0} s)",
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .current_dir(&ws)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let floor = t.elapsed();
    if !status.success() {
        return Err("cargo metadata failed on the generated workspace".into());
    }
    let out = Command::new(exe)
        .args(["readiness", "--offline", "-q", "--timings", "--db"])
        .arg(db)
        .current_dir(&ws)
        .env("CARGO_READINESS_CACHE_DIR", work.join("cache"))
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let text = String::from_utf8_lossy(&out.stderr);
    let phase = |name: &str| -> Option<f64> {
        text.lines()
            .find(|l| l.starts_with(&format!("timing: {name} ")))
            .and_then(|l| l.split_whitespace().rev().nth(1))
            .and_then(|v| v.parse().ok())
    };
    let (Some(total), Some(metadata)) = (phase("total"), phase("cargo metadata")) else {
        return Err(format!("no timings from the run: {text}"));
    };
    let beyond = total - metadata;
    println!("\n== workspace of {members} members");
    println!(
        "  cargo metadata --offline (floor)   {:>10.1} ms",
        ms(floor)
    );
    println!(
        "  cargo readiness --offline          {total:>10.1} ms, of which cargo metadata {metadata:.1} ms"
    );
    let ratio = beyond / metadata;
    println!(
        "  beyond metadata                    {beyond:>10.1} ms = {:.1}% of metadata (target ≤ 10%: {})",
        ratio * 100.0,
        if ratio <= 0.10 { "met" } else { "MISSED" }
    );
    let mut checks: Vec<(f64, &str)> = text
        .lines()
        .filter(|l| l.starts_with("timing:   check "))
        .filter_map(|l| {
            let v: f64 = l.split_whitespace().rev().nth(1)?.parse().ok()?;
            Some((v, l))
        })
        .collect();
    checks.sort_by(|a, b| b.0.total_cmp(&a.0));
    for line in text
        .lines()
        .filter(|l| l.starts_with("timing:") && !l.starts_with("timing:   check "))
    {
        println!("    {line}");
    }
    println!("    slowest checks:");
    for (_, line) in checks.iter().take(5) {
        println!("    {line}");
    }
    Ok(())
}

/// A package whose `Cargo.lock` lists `packages` crates.io packages, each
/// depending on three later ones by bare name (as cargo writes unique
/// names), and a root depending on every thousandth.
fn write_lock_workspace(dir: &Path, packages: usize) -> Result<(), String> {
    if dir.join("Cargo.lock").is_file() && dir.join("Cargo.toml").is_file() {
        return Ok(());
    }
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let mut rng = 0x5EED_u64;
    let mut next = |below: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % below.max(1) as u64) as usize
    };
    let mut lock = String::from(
        "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n",
    );
    for i in (0..packages).step_by(1000) {
        let _ = writeln!(lock, " \"pkg{i:05}\",");
    }
    lock.push_str("]\n");
    for i in 0..packages {
        let _ = write!(
            lock,
            "\n[[package]]\nname = \"pkg{i:05}\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{}\"\n",
            "0".repeat(64)
        );
        let mut deps: Vec<usize> = (0..3)
            .map(|_| i + 1 + next(packages - i))
            .filter(|&d| d < packages)
            .collect();
        deps.sort_unstable();
        deps.dedup();
        if !deps.is_empty() {
            lock.push_str("dependencies = [\n");
            for d in deps {
                let _ = writeln!(lock, " \"pkg{d:05}\",");
            }
            lock.push_str("]\n");
        }
    }
    let write = |p: &str, t: &str| std::fs::write(dir.join(p), t).map_err(|e| e.to_string());
    write(
        "Cargo.toml",
        // Its own workspace: not a member of whatever holds `target/`.
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )?;
    write("src/main.rs", "fn main() {}\n")?;
    write("Cargo.lock", &lock)
}

/// A workspace of `members` crates (every tenth a root, the others
/// depending on the previous one), locked and committed with tags.
fn write_member_workspace(ws: &Path, members: usize) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(ws);
    let write = |p: &str, t: &str| {
        let path = ws.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, t).map_err(|e| e.to_string())
    };
    let mut codeowners = String::from("* @org/all\n");
    for i in 0..members {
        let name = format!("m{i:05}");
        let dep = if i % 10 == 0 {
            String::new()
        } else {
            format!(
                "\n[dependencies]\nm{:05} = {{ path = \"../m{:05}\" }}\n",
                i - 1,
                i - 1
            )
        };
        write(
            &format!("crates/{name}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.{}\"\nedition = \"2021\"\nlicense = \"MIT\"\nrepository = \"https://github.com/x/y\"\ndescription = \"member\"\n{dep}",
                i % 7
            ),
        )?;
        write(
            &format!("crates/{name}/src/lib.rs"),
            "//! A member.\n/// Adds.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        assert_eq!(super::add(1, 2), 3);\n    }\n}\n",
        )?;
        write(
            &format!("crates/{name}/tests/it.rs"),
            &format!("#[test]\nfn it() {{\n    assert_eq!({name}::add(1, 1), 2);\n}}\n"),
        )?;
        if i % 2 == 0 {
            let _ = writeln!(codeowners, "/crates/{name}/ @team{}", i % 50);
        }
    }
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    )?;
    write(".github/CODEOWNERS", &codeowners)?;
    write(
        "CHANGELOG.md",
        "# Changelog\n\n## [0.1.0] - 2026-01-01\n\n- First.\n\n[0.1.0]: https://github.com/x/y/releases/tag/v0.1.0\n",
    )?;
    write("README.md", "# ws\n")?;
    let run = |program: &str, args: &[&str]| -> Result<(), String> {
        let status = Command::new(program)
            .args(args)
            .current_dir(ws)
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{program} {args:?} failed"))
        }
    };
    run(env!("CARGO"), &["generate-lockfile", "--offline"])?;
    let id = [
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@example.com",
    ];
    run("git", &["init", "-q", "-b", "main"])?;
    run("git", &[&id[..], &["add", "-A"]].concat())?;
    run("git", &[&id[..], &["commit", "-q", "-m", "bench"]].concat())?;
    for t in 0..50 {
        run("git", &["tag", &format!("v0.1.{t}")])?;
    }
    Ok(())
}
