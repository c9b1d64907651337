//! `cargo xtask bench scan`: throughput of the source scanner.
//!
//! Two corpora: a generated crate of 50 000 lines (every construct the
//! lexer must get right — nested comments, raw strings, char literals and
//! lifetimes, doc tests, `unsafe` with and without SAFETY comments, test
//! modules) and a real crate's sources. For each, two numbers:
//!
//! - *scan*: the lexer and analyzer alone, one thread, files already in
//!   memory;
//! - *collect*: what a run pays — `facts::sources::collect` reading the
//!   module trees from disk (warm page cache) and scanning on all cores.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cargo_readiness::facts::{files, sources, workspace};

use super::flag;

/// Lines in the generated corpus.
const GENERATED_LINES: usize = 50_000;

pub fn run(args: &[String]) -> Result<(), String> {
    let runs: usize = flag(args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    if cfg!(debug_assertions) {
        println!(
            "note: built without optimisations; run `cargo xtask bench scan` from a release build for real numbers (`cargo run --release -p xtask -- bench scan`)\n"
        );
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("runs: at least {runs} and 2 s per measurement; {threads} threads for collect");
    println!("MB/s as best / median run; lex and scan on one thread, files in memory;");
    println!(
        "collect = facts::sources::collect: module trees read from disk (warm cache) and scanned on all cores\n"
    );
    println!(
        "{:<30} {:>6} {:>8} {:>7} {:>15} {:>15} {:>15}",
        "corpus", "files", "lines", "MB", "lex", "scan", "collect"
    );

    let generated = tempfile::tempdir().map_err(|e| e.to_string())?;
    write_generated(generated.path())?;
    measure("generated (50 000 lines)", generated.path(), runs)?;

    let real = match flag(args, "--path") {
        Some(p) => Some(PathBuf::from(p)),
        None => registry_crate(&["tokio", "regex"]),
    };
    match real {
        Some(dir) => {
            let label = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| dir.display().to_string());
            measure(&label, &dir, runs)?;
        }
        None => println!(
            "(no real crate found in ~/.cargo/registry/src; run `cargo fetch` in a project using tokio, or pass --path DIR)"
        ),
    }
    println!("\ntarget: ≥ 200 MB/s");
    Ok(())
}

fn measure(label: &str, dir: &Path, runs: usize) -> Result<(), String> {
    let members = workspace::members_from_manifests(dir).map_err(|e| e.to_string())?;
    let index = files::FileIndex::collect(dir, &BTreeSet::new());
    let manifests: Vec<String> = members.iter().map(|m| m.manifest.clone()).collect();
    let texts = files::read_texts(dir, manifests);

    // What a run collects (and the file list for the one-thread scan).
    let facts = sources::collect(dir, &members, None, &index, &texts, u64::MAX);
    let contents: Vec<String> = facts
        .files
        .iter()
        .filter_map(|f| std::fs::read_to_string(dir.join(&f.path)).ok())
        .collect();
    let bytes: usize = contents.iter().map(String::len).sum();
    let lines: usize = contents.iter().map(|c| c.lines().count()).sum();
    let mb = bytes as f64 / (1024.0 * 1024.0);

    let lex = timed(runs, || {
        for c in &contents {
            std::hint::black_box(cargo_readiness::scan::lexer::Lexer::new(c).count());
        }
    });
    let scan = timed(runs, || {
        for c in &contents {
            std::hint::black_box(cargo_readiness::scan::scan(c));
        }
    });
    let collect = timed(runs, || {
        std::hint::black_box(sources::collect(
            dir,
            &members,
            None,
            &index,
            &texts,
            u64::MAX,
        ));
    });
    println!(
        "{:<30} {:>6} {:>8} {:>7.2} {:>15} {:>15} {:>15}",
        label,
        facts.files.len(),
        lines,
        mb,
        lex.rates(mb),
        scan.rates(mb),
        collect.rates(mb),
    );
    Ok(())
}

/// Wall times of repeated runs.
struct Timing {
    /// Fastest run.
    best: Duration,
    /// Median run.
    median: Duration,
}

impl Timing {
    /// `best / median` throughput in MB/s.
    fn rates(&self, mb: f64) -> String {
        let rate = |d: Duration| mb / d.as_secs_f64().max(f64::EPSILON);
        format!("{:.0} / {:.0}", rate(self.best), rate(self.median))
    }
}

/// Runs `f` at least `runs` times and for at least two seconds; the best
/// and median wall times. On a shared machine the best run is the one
/// least disturbed by other processes.
fn timed(runs: usize, mut f: impl FnMut()) -> Timing {
    f(); // warm-up
    let started = Instant::now();
    let mut times = Vec::new();
    while times.len() < runs || started.elapsed() < Duration::from_secs(2) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    Timing {
        best: times[0],
        median: times[times.len() / 2],
    }
}

/// The newest `NAME-VERSION` directory of the first of `names` found in
/// cargo's registry sources.
fn registry_crate(names: &[&str]) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry/src");
    let registries: Vec<PathBuf> = std::fs::read_dir(&src)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    for name in names {
        let mut found: Vec<(Vec<u64>, PathBuf)> = registries
            .iter()
            .filter_map(|r| std::fs::read_dir(r).ok())
            .flatten()
            .flatten()
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                let version = file.strip_prefix(&format!("{name}-"))?;
                let parts: Option<Vec<u64>> = version.split('.').map(|p| p.parse().ok()).collect();
                Some((parts?, e.path()))
            })
            .collect();
        found.sort();
        if let Some((_, path)) = found.pop() {
            return Some(path);
        }
    }
    None
}

/// A crate of 50 files × 1 000 lines exercising every lexer path.
fn write_generated(dir: &Path) -> Result<(), String> {
    let files = 50;
    let per_file = GENERATED_LINES / files;
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"generated\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .map_err(|e| e.to_string())?;
    let mut lib = String::from("//! Generated benchmark corpus.\n#![forbid(unsafe_code)]\n");
    for f in 0..files {
        let _ = writeln!(lib, "pub mod m{f};");
        std::fs::write(src.join(format!("m{f}.rs")), generated_file(f, per_file))
            .map_err(|e| e.to_string())?;
    }
    std::fs::write(src.join("lib.rs"), lib).map_err(|e| e.to_string())
}

fn generated_file(seed: usize, lines: usize) -> String {
    let mut out = String::with_capacity(lines * 40);
    let _ = writeln!(
        out,
        "//! Module {seed}.\nuse std::collections::HashMap;\nuse serde::{{Deserialize, Serialize}};\n"
    );
    let mut i = 0;
    while out.lines().count() < lines.saturating_sub(12) {
        i += 1;
        let _ = write!(
            out,
            r####"/// Computes thing {i}.
///
/// ```
/// let x = generated::m{seed}::thing_{i}(3);
/// assert_eq!(x, x);
/// ```
pub fn thing_{i}<'a>(input: &'a str, map: &mut HashMap<String, u64>) -> Option<&'a str> {{
    /* a block comment /* with a nested one */ and unsafe {{ }} inside */
    let raw = r#"raw "string" with unsafe {{ todo!() }} inside"#;
    let c = 'x'; let q = '"'; let esc = '\''; let bytes = b"bytes\n";
    // SAFETY: not really unsafe, this is a comment
    let n = input.len() as u64 + raw.len() as u64 + bytes.len() as u64;
    map.insert(format!("key-{{}}-{i}", c), n);
    match input.split_once(q) {{
        Some((head, _tail)) if head.len() > {i} => Some(head),
        Some(_) => None,
        None => {{ let _ = esc; input.get(..1) }}
    }}
}}

"####
        );
    }
    let _ = write!(
        out,
        "#[cfg(test)]\nmod tests {{\n    use super::*;\n    #[test]\n    fn works() {{\n        let mut m = HashMap::new();\n        assert!(thing_1(\"a\\\"b\", &mut m).is_none());\n    }}\n}}\n"
    );
    out
}
