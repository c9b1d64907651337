//! `cargo xtask bench [workspaces]`: the pre-push budget. Generates the
//! synthetic workspaces of [`crate::synth::SIZES`] and times, on each, the
//! `cargo metadata` floor, our three commands and the peer tools run the
//! way a team glues them together today, with peak memory; optionally
//! writes the tables into `docs/PERFORMANCE.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::synth::{self, Size};
use crate::{build_release, flag, median, ms};

const SEED: u64 = 0x5EED_CA60;
const DOCS_START: &str = "<!-- bench:workspaces:start -->";
const DOCS_END: &str = "<!-- bench:workspaces:end -->";

/// One measured command.
struct Tool {
    label: &'static str,
    /// Ours (counted in "our" totals) or a peer.
    ours: bool,
    make: Box<dyn Fn() -> Command>,
}

/// What one command cost on one workspace.
struct Measured {
    label: &'static str,
    warm: Duration,
    cold: Option<Duration>,
    /// Peak RSS of the command's process tree's largest process (KiB).
    rss_kib: Option<u64>,
    /// Our own process's peak RSS, from `--timings` (KiB).
    own_rss_kib: Option<u64>,
}

/// Results of one size.
struct SizeResult {
    size: Size,
    locked: usize,
    rust_lines: usize,
    rows: Vec<Measured>,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let runs: usize = flag(args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
        .max(1);
    let only: Option<Vec<&str>> = flag(args, "--sizes").map(|s| s.split(',').collect());
    let write_docs = args.iter().any(|a| a == "--write-docs");
    let db = crate::bench_db(root, args)?;
    let exe = build_release(root)?;
    let work = target_dir(root).join("bench-workspaces");
    let peers = Peers::find(&work, &db)?;
    let can_drop_caches = drop_caches();
    println!(
        "runs: median of {runs} warm (after 1 warm-up); cold: {}",
        if can_drop_caches {
            "OS page cache dropped and our caches emptied"
        } else {
            "our caches emptied (cannot drop the OS page cache: not root)"
        }
    );
    println!("database: {}", db.display());
    println!("peers: {}\n", peers.describe());

    let mut results = Vec::new();
    for size in synth::SIZES {
        if only.as_ref().is_some_and(|o| !o.contains(&size.name)) {
            continue;
        }
        let t = Instant::now();
        let ws = synth::generate(size, &work.join(size.name), SEED)?;
        let locked = std::fs::read_to_string(ws.join("Cargo.lock"))
            .map(|t| t.matches("[[package]]").count())
            .unwrap_or(0);
        let rust_lines = count_rust_lines(&ws.join("crates"));
        println!(
            "== {} ({} members, {locked} locked packages, {rust_lines} lines of Rust; generated in {:.1} s)",
            size.name,
            size.members,
            t.elapsed().as_secs_f64()
        );
        let cache = work.join(format!("{}-cache", size.name));
        let tools = tools(&exe, &ws, &db, &cache, &work, &peers, size.members);
        let rows = measure_all(&tools, runs, &cache, can_drop_caches)?;
        for row in &rows {
            println!(
                "  {:<36} warm {:>9.1} ms   cold {:>9}   peak RSS {:>9}",
                row.label,
                ms(row.warm),
                row.cold.map_or("-".into(), |c| format!("{:.1} ms", ms(c))),
                rss_text(row.own_rss_kib.or(row.rss_kib)),
            );
        }
        let result = SizeResult {
            size,
            locked,
            rust_lines,
            rows,
        };
        print_verdicts(&result);
        results.push(result);
        println!();
    }
    if results.len() >= 2 {
        print_growth(&results);
    }
    if write_docs {
        let path = root.join("docs/PERFORMANCE.md");
        update_docs(&path, &tables(&results, runs, can_drop_caches, &peers))?;
        println!("updated {}", path.display());
    }
    Ok(())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Peer tools, when installed (`cargo install --locked cargo-audit
/// cargo-deny cargo-cyclonedx`); never required.
struct Peers {
    audit: Option<PathBuf>,
    deny: Option<PathBuf>,
    cyclonedx: Option<PathBuf>,
    /// A deny.toml pointing cargo-deny at the same database, offline.
    deny_config: PathBuf,
    versions: Vec<String>,
}

impl Peers {
    fn find(work: &Path, db: &Path) -> Result<Peers, String> {
        let find = |bin: &str, env: &str| -> Option<PathBuf> {
            let candidates = [
                std::env::var_os(env).map(PathBuf::from),
                Some(PathBuf::from("/work/tools/bin").join(bin)),
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin").join(bin)),
            ];
            candidates
                .into_iter()
                .flatten()
                .find(|p| p.is_file())
                .or_else(|| which(bin))
        };
        let audit = find("cargo-audit", "CARGO_AUDIT");
        let deny = find("cargo-deny", "CARGO_DENY");
        let cyclonedx = find("cargo-cyclonedx", "CARGO_CYCLONEDX");
        // cargo-deny keeps databases under `db-path`, one directory per
        // source URL: point the default one at our database.
        let deny_dbs = work.join("deny-dbs");
        std::fs::create_dir_all(&deny_dbs)
            .map_err(|e| format!("cannot create {}: {e}", deny_dbs.display()))?;
        // It reads the database's last commit time, so it wants a git
        // checkout: make one of the (plain directory) database, once.
        let deny_db = deny_dbs.join("advisory-db-3157b0e258782691");
        if deny.is_some() && !deny_db.join(".git").is_dir() {
            let _ = std::fs::remove_dir_all(&deny_db);
            crate::copy_dir(db, &deny_db)
                .map_err(|e| format!("cannot copy {}: {e}", db.display()))?;
            for args in [
                &["init", "-q"][..],
                &["add", "-A"],
                &["commit", "-q", "-m", "advisory-db snapshot"],
            ] {
                Command::new("git")
                    .args([
                        "-c",
                        "user.name=bench",
                        "-c",
                        "user.email=bench@example.invalid",
                    ])
                    .args(args)
                    .current_dir(&deny_db)
                    .output()
                    .map_err(|e| format!("cannot run git: {e}"))?;
            }
        }
        let deny_config = work.join("deny.toml");
        std::fs::write(
            &deny_config,
            format!(
                "[graph]\nall-features = false\n\n[advisories]\ndb-path = \"{}\"\n\n\
                 [licenses]\nallow = [\"MIT\", \"Apache-2.0\", \"BSD-3-Clause\", \"Zlib\"]\n\n\
                 [bans]\nmultiple-versions = \"warn\"\n\n[sources]\nunknown-registry = \"deny\"\n",
                deny_dbs.display()
            ),
        )
        .map_err(|e| format!("cannot write {}: {e}", deny_config.display()))?;
        let mut versions = Vec::new();
        for (bin, sub) in [
            (&audit, "audit"),
            (&deny, "deny"),
            (&cyclonedx, "cyclonedx"),
        ] {
            if let Some(bin) = bin {
                let out = Command::new(bin).args([sub, "--version"]).output();
                if let Ok(out) = out {
                    let text = String::from_utf8_lossy(&out.stdout);
                    let version = text.split_whitespace().last().unwrap_or("?");
                    versions.push(format!("cargo-{sub} {version}"));
                }
            }
        }
        Ok(Peers {
            audit,
            deny,
            cyclonedx,
            deny_config,
            versions,
        })
    }

    fn describe(&self) -> String {
        if self.versions.is_empty() {
            "none installed (cargo install --locked cargo-audit cargo-deny cargo-cyclonedx)".into()
        } else {
            self.versions.join(", ")
        }
    }

    fn all(&self) -> bool {
        self.audit.is_some() && self.deny.is_some() && self.cyclonedx.is_some()
    }
}

fn which(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(bin))
            .find(|p| p.is_file())
    })
}

const FLOOR: &str = "cargo metadata (floor)";
const OURS: &str = "cargo readiness --offline";
const OURS_AUDIT: &str = "cargo readiness audit --offline";
const OURS_SBOM: &str = "cargo readiness sbom --offline";
const PEER_AUDIT: &str = "cargo audit --no-fetch";
const PEER_DENY: &str = "cargo deny --offline check";
const PEER_CDX: &str = "cargo cyclonedx";

/// `members`: a workspace of more than one member gets one SBOM per member
/// (`--workspace -o DIR`), as cargo-cyclonedx writes them.
fn tools(
    exe: &Path,
    ws: &Path,
    db: &Path,
    cache: &Path,
    work: &Path,
    peers: &Peers,
    members: usize,
) -> Vec<Tool> {
    let ours = |args: &'static [&'static str]| {
        let (exe, ws, db, cache) = (
            exe.to_path_buf(),
            ws.to_path_buf(),
            db.to_path_buf(),
            cache.to_path_buf(),
        );
        Box::new(move || {
            let mut c = Command::new(&exe);
            c.arg("readiness")
                .args(args)
                .arg("--timings")
                .current_dir(&ws)
                .env("CARGO_READINESS_ADVISORY_DB", &db)
                .env("CARGO_READINESS_CACHE_DIR", &cache)
                .env_remove("CARGO_READINESS_TIMINGS");
            c
        }) as Box<dyn Fn() -> Command>
    };
    let sbom_out = if members > 1 {
        work.join("bench-sboms")
    } else {
        work.join("bench.cdx.json")
    };
    let mut list = vec![
        Tool {
            label: FLOOR,
            ours: false,
            make: {
                let ws = ws.to_path_buf();
                Box::new(move || {
                    let mut c = Command::new(env!("CARGO"));
                    c.args(["metadata", "--format-version", "1", "--offline"])
                        .current_dir(&ws);
                    c
                })
            },
        },
        Tool {
            label: OURS,
            ours: true,
            make: ours(&["--offline", "--format", "json"]),
        },
        Tool {
            label: OURS_AUDIT,
            ours: true,
            make: ours(&["audit", "--offline", "--format", "json"]),
        },
        Tool {
            label: OURS_SBOM,
            ours: true,
            make: {
                let base = ours(&["sbom", "--offline"]);
                Box::new(move || {
                    let mut c = base();
                    if members > 1 {
                        c.arg("--workspace");
                    }
                    c.arg("-o").arg(&sbom_out);
                    c
                })
            },
        },
    ];
    if let Some(bin) = &peers.audit {
        let (bin, ws, db) = (bin.clone(), ws.to_path_buf(), db.to_path_buf());
        list.push(Tool {
            label: PEER_AUDIT,
            ours: false,
            make: Box::new(move || {
                let mut c = Command::new(&bin);
                c.args(["audit", "--no-fetch", "--json", "--db"])
                    .arg(&db)
                    .current_dir(&ws);
                c
            }),
        });
    }
    if let Some(bin) = &peers.deny {
        let (bin, ws, config) = (bin.clone(), ws.to_path_buf(), peers.deny_config.clone());
        list.push(Tool {
            label: PEER_DENY,
            ours: false,
            make: Box::new(move || {
                let mut c = Command::new(&bin);
                c.args(["deny", "--offline", "--config"])
                    .arg(&config)
                    .arg("check")
                    .current_dir(&ws);
                c
            }),
        });
    }
    if let Some(bin) = &peers.cyclonedx {
        let (bin, ws) = (bin.clone(), ws.to_path_buf());
        list.push(Tool {
            label: PEER_CDX,
            ours: false,
            make: Box::new(move || {
                let mut c = Command::new(&bin);
                c.args([
                    "cyclonedx",
                    "-q",
                    "--format",
                    "json",
                    "--spec-version",
                    "1.5",
                ])
                .current_dir(&ws);
                c
            }),
        });
    }
    list
}

/// Every tool's cold run, warm-up and peak memory, then the timed warm
/// runs interleaved — run 1 of every tool, then run 2, … — so a change in
/// the machine's load during the measurement (a shared VM) falls on all
/// tools alike instead of on whichever ran at that moment.
fn measure_all(
    tools: &[Tool],
    runs: usize,
    cache: &Path,
    can_drop: bool,
) -> Result<Vec<Measured>, String> {
    let mut rows = Vec::with_capacity(tools.len());
    for tool in tools {
        // Cold: nothing cached anywhere we can reach.
        let _ = std::fs::remove_dir_all(cache);
        // Without dropping the OS cache only our own caches can be emptied:
        // a peer's first run is then not cold, so it is not reported as such.
        let cold = if (can_drop && drop_caches()) || tool.ours {
            Some(run_timed(&mut (tool.make)())?.0)
        } else {
            None
        };
        // Warm-up (and our own peak memory from `--timings`).
        let (_, stderr) = run_timed(&mut (tool.make)())?;
        rows.push(Measured {
            label: tool.label,
            warm: Duration::ZERO,
            cold,
            rss_kib: peak_rss(&mut (tool.make)()),
            own_rss_kib: own_peak(&stderr),
        });
    }
    let mut times = vec![Vec::with_capacity(runs); tools.len()];
    for _ in 0..runs {
        for (tool, t) in tools.iter().zip(times.iter_mut()) {
            t.push(run_timed(&mut (tool.make)())?.0);
        }
    }
    for (row, mut t) in rows.iter_mut().zip(times) {
        row.warm = median(&mut t);
    }
    Ok(rows)
}

/// Runs a command; exit codes 0 and 1 (findings) are normal outcomes.
fn run_timed(cmd: &mut Command) -> Result<(Duration, String), String> {
    let t = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let elapsed = t.elapsed();
    if !matches!(out.status.code(), Some(0) | Some(1)) {
        return Err(format!(
            "{cmd:?} failed with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok((elapsed, String::from_utf8_lossy(&out.stderr).into_owned()))
}

/// Peak RSS (KiB) of a command via GNU time: the largest process of the
/// tree (for ours, that can be the `cargo metadata` child).
fn peak_rss(cmd: &mut Command) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.is_file() {
        return None;
    }
    let mut wrapped = Command::new(time);
    wrapped
        .args(["-f", "%M"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    let out = wrapped.stdout(Stdio::null()).output().ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .rev()
        .find_map(|l| l.trim().parse().ok())
}

/// Our process's own peak, from the `--timings` memory line.
fn own_peak(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .find(|l| l.starts_with("timing: peak memory"))
        .and_then(|l| l.split_whitespace().rev().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|mib| (mib * 1024.0) as u64)
}

/// Drops the OS page cache (root only); whether it worked.
fn drop_caches() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

fn count_rust_lines(dir: &Path) -> usize {
    let mut lines = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                lines += std::fs::read_to_string(&p).map_or(0, |t| t.lines().count());
            }
        }
    }
    lines
}

fn rss_text(kib: Option<u64>) -> String {
    kib.map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn row<'a>(r: &'a SizeResult, label: &str) -> Option<&'a Measured> {
    r.rows.iter().find(|m| m.label == label)
}

/// Everything a team would run today, one after another.
fn peers_total(r: &SizeResult) -> Option<Duration> {
    let parts = [PEER_AUDIT, PEER_DENY, PEER_CDX].map(|l| row(r, l).map(|m| m.warm));
    parts
        .iter()
        .all(Option::is_some)
        .then(|| parts.iter().flatten().sum())
}

fn print_verdicts(r: &SizeResult) {
    let (Some(floor), Some(ours)) = (row(r, FLOOR), row(r, OURS)) else {
        return;
    };
    println!(
        "  ratio to the cargo metadata floor: {:.2}x (target <= 1.30x); beyond metadata {:.1} ms",
        ms(ours.warm) / ms(floor.warm),
        ms(ours.warm) - ms(floor.warm)
    );
    if let (Some(peers), Some(sbom)) = (peers_total(r), row(r, OURS_SBOM)) {
        println!(
            "  peers one after another {:.1} ms: {:.2}x our score run, {:.2}x our score run + sbom (target >= 3x)",
            ms(peers),
            ms(peers) / ms(ours.warm),
            ms(peers) / (ms(ours.warm) + ms(sbom.warm))
        );
    }
    if let (Some(mine), Some(theirs)) = (ours.own_rss_kib, floor.rss_kib) {
        println!(
            "  peak memory: ours {} vs cargo metadata {} = {:.2}x (target <= 2x)",
            rss_text(Some(mine)),
            rss_text(Some(theirs)),
            mine as f64 / theirs as f64
        );
    }
}

fn print_growth(results: &[SizeResult]) {
    for pair in results.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if let (Some(fa), Some(oa), Some(fb), Some(ob)) =
            (row(a, FLOOR), row(a, OURS), row(b, FLOOR), row(b, OURS))
        {
            let packages = b.locked as f64 / a.locked as f64;
            println!(
                "growth {} -> {}: packages x{:.2}; cargo metadata x{:.2}; cargo readiness x{:.2}; beyond metadata x{}",
                a.size.name,
                b.size.name,
                packages,
                ms(fb.warm) / ms(fa.warm),
                ms(ob.warm) / ms(oa.warm),
                growth_beyond(fa.warm, oa.warm, fb.warm, ob.warm)
            );
        }
    }
}

/// How the time beyond `cargo metadata` grew from one size to the next, as
/// text: `—` when the smaller size's is within noise of zero (under 1 ms),
/// where a ratio means nothing.
fn growth_beyond(
    floor_a: Duration,
    ours_a: Duration,
    floor_b: Duration,
    ours_b: Duration,
) -> String {
    let a = ms(ours_a) - ms(floor_a);
    let b = ms(ours_b) - ms(floor_b);
    if a < 1.0 {
        "— (under 1 ms beyond metadata at the smaller size)".into()
    } else {
        format!("{:.2}", b / a)
    }
}

/// The Markdown tables for `docs/PERFORMANCE.md`.
fn tables(results: &[SizeResult], runs: usize, dropped: bool, peers: &Peers) -> String {
    let mut out = String::new();
    let date = Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(
        out,
        "Generated by `cargo xtask bench --write-docs` on {date}: {cpus} CPUs, release build, \
         median of {runs} warm runs (after one warm-up); cold = {}. Peers: {}.\n",
        if dropped {
            "first run after dropping the OS page cache and emptying our caches"
        } else {
            "first run with our caches emptied"
        },
        peers.describe()
    );
    let _ = writeln!(
        out,
        "| size | members | locked packages | lines of Rust | command | warm | cold | peak RSS | × floor |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let floor = row(r, FLOOR).map(|m| ms(m.warm));
        for m in &r.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | `{}` | {:.1} ms | {} | {} | {} |",
                r.size.name,
                r.size.members,
                r.locked,
                r.rust_lines,
                m.label,
                ms(m.warm),
                m.cold.map_or("—".into(), |c| format!("{:.1} ms", ms(c))),
                rss_text(m.own_rss_kib.or(m.rss_kib)),
                floor.map_or("—".into(), |f| format!("{:.2}×", ms(m.warm) / f)),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n| size | readiness ÷ floor (≤ 1.30) | peers in a row ÷ readiness (≥ 3) | peers ÷ (readiness + sbom) | our peak RSS ÷ metadata's (≤ 2) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for r in results {
        let (Some(floor), Some(ours)) = (row(r, FLOOR), row(r, OURS)) else {
            continue;
        };
        let sbom = row(r, OURS_SBOM).map_or(Duration::ZERO, |m| m.warm);
        let peers = peers_total(r);
        let memory = match (ours.own_rss_kib, floor.rss_kib) {
            (Some(a), Some(b)) => format!("{:.2}×", a as f64 / b as f64),
            _ => "—".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {:.2}× | {} | {} | {} |",
            r.size.name,
            ms(ours.warm) / ms(floor.warm),
            peers.map_or("—".into(), |p| format!("{:.2}×", ms(p) / ms(ours.warm))),
            peers.map_or("—".into(), |p| format!(
                "{:.2}×",
                ms(p) / (ms(ours.warm) + ms(sbom))
            )),
            memory
        );
    }
    for pair in results.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if let (Some(fa), Some(oa), Some(fb), Some(ob)) =
            (row(a, FLOOR), row(a, OURS), row(b, FLOOR), row(b, OURS))
        {
            let _ = writeln!(
                out,
                "\nGrowth {} → {}: locked packages ×{:.2}, lines of Rust ×{:.2}; `cargo metadata` ×{:.2}; \
                 `cargo readiness` ×{:.2}; the part beyond metadata ×{}.",
                a.size.name,
                b.size.name,
                b.locked as f64 / a.locked as f64,
                b.rust_lines as f64 / a.rust_lines.max(1) as f64,
                ms(fb.warm) / ms(fa.warm),
                ms(ob.warm) / ms(oa.warm),
                growth_beyond(fa.warm, oa.warm, fb.warm, ob.warm)
            );
        }
    }
    if !peers.all() {
        let _ = writeln!(
            out,
            "\n(Not every peer tool was installed: the peer ratios are partial or missing.)"
        );
    }
    out
}

fn update_docs(path: &Path, tables: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (Some(start), Some(end)) = (text.find(DOCS_START), text.find(DOCS_END)) else {
        return Err(format!(
            "{} has no {DOCS_START} … {DOCS_END} block to replace",
            path.display()
        ));
    };
    let updated = format!("{}{DOCS_START}\n{tables}{}", &text[..start], &text[end..]);
    std::fs::write(path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
