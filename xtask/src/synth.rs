//! Synthetic workspaces for the benchmarks: deterministic (seeded), path
//! and vendored dependencies only, so `cargo metadata --offline` works on
//! them anywhere.
//!
//! A generated workspace is two directories side by side:
//!
//! - `ws/`, the repository: a git repository with one commit and a tag, a
//!   workspace of `members` crates under `crates/` (path dependencies on
//!   each other, version requirements on the vendored crates), governance
//!   files, a CI workflow, dependabot and a `Cargo.lock`;
//! - `registry/`, a cargo *directory source* that replaces crates.io (see
//!   `ws/.cargo/config.toml`): the other locked packages. `Cargo.lock`
//!   therefore says they come from crates.io, as in a real project, and
//!   both our audit and cargo-audit match them against the advisory
//!   database. A few carry the names and versions of real crates with
//!   published advisories, so the audit has something to find.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The size of a synthetic workspace.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// The name used in reports and directory names.
    pub name: &'static str,
    /// Workspace members.
    pub members: usize,
    /// Locked packages in all (members included).
    pub packages: usize,
    /// Lines of Rust across the members.
    pub lines: usize,
}

/// The three sizes the performance issue names.
pub const SIZES: [Size; 3] = [
    Size {
        name: "small",
        members: 1,
        packages: 50,
        lines: 3_000,
    },
    Size {
        name: "large",
        members: 100,
        packages: 800,
        lines: 30_000,
    },
    Size {
        name: "huge",
        members: 400,
        packages: 3_000,
        lines: 200_000,
    },
];

/// Real crates at versions with RustSec advisories (all leaves).
const VULNERABLE: [(&str, &str); 4] = [
    ("smallvec", "1.6.0"),
    ("time", "0.1.43"),
    ("chrono", "0.4.19"),
    ("regex", "1.5.4"),
];

const LICENSES: [&str; 6] = [
    "MIT OR Apache-2.0",
    "MIT OR Apache-2.0",
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "MIT OR Apache-2.0 OR Zlib",
];

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same workspace on every machine and every version of this tool.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One vendored crate.
struct Vendored {
    name: String,
    version: String,
    license: &'static str,
    /// Indices of the vendored crates it depends on (all lower).
    deps: Vec<usize>,
}

impl Vendored {
    fn requirement(&self) -> String {
        // `=` pins the exact version: names with two versions stay apart.
        format!("={}", self.version)
    }
}

/// Generates the workspace of `size` under `dir` (removed first), commits
/// it, and returns the repository path (`dir/ws`).
pub fn generate(size: Size, dir: &Path, seed: u64) -> Result<PathBuf, String> {
    let _ = std::fs::remove_dir_all(dir);
    let ws = dir.join("ws");
    let registry = dir.join("registry");
    let mut rng = Rng(seed ^ size.packages as u64);
    let vendored = plan_vendored(size, &mut rng);

    for v in &vendored {
        write_vendored(&registry, v, &vendored)?;
    }

    // Every vendored crate nobody else depends on goes to some member, so
    // all of them end up locked.
    let mut member_deps: Vec<Vec<usize>> = vec![Vec::new(); size.members];
    let mut has_dependent = vec![false; vendored.len()];
    for v in &vendored {
        for &d in &v.deps {
            has_dependent[d] = true;
        }
    }
    for (i, taken) in has_dependent.iter().enumerate() {
        if !taken {
            member_deps[rng.below(size.members)].push(i);
        }
    }
    // And a few popular ones more, as real members share dependencies.
    for deps in &mut member_deps {
        for _ in 0..3 {
            let pick = rng.below(vendored.len());
            if !deps.contains(&pick) {
                deps.push(pick);
            }
        }
        deps.sort_unstable();
    }

    let lines_per_member = size.lines / size.members;
    for (i, deps) in member_deps.iter().enumerate() {
        write_member(&ws, i, deps, &vendored, lines_per_member, &mut rng)?;
    }
    write_root(&ws, size)?;
    cargo(&ws, &["generate-lockfile", "--offline"])?;
    git_commit(&ws)?;
    Ok(ws)
}

fn plan_vendored(size: Size, rng: &mut Rng) -> Vec<Vendored> {
    let count = size.packages - size.members;
    let mut out: Vec<Vendored> = Vec::with_capacity(count);
    let synthetic = count.saturating_sub(VULNERABLE.len());
    for i in 0..synthetic {
        // One crate in twenty is a second major version of an earlier
        // one: the duplicate versions real graphs have.
        let (name, version) = if i > 20 && rng.below(20) == 0 {
            let of = rng.below(i);
            let base = out[of].name.clone();
            let major = 2 + out.iter().filter(|v| v.name == base).count();
            (base, format!("{major}.0.{}", rng.below(9)))
        } else {
            (
                format!("synth-dep-{i:04}"),
                format!("1.{}.{}", rng.below(30), rng.below(10)),
            )
        };
        let mut deps = Vec::new();
        if i > 0 {
            for _ in 0..rng.below(4) {
                let d = rng.below(i);
                if !deps.contains(&d) && out[d].name != name {
                    deps.push(d);
                }
            }
        }
        deps.sort_unstable();
        out.push(Vendored {
            name,
            version,
            license: LICENSES[rng.below(LICENSES.len())],
            deps,
        });
    }
    for (name, version) in VULNERABLE.iter().take(count - synthetic) {
        out.push(Vendored {
            name: (*name).into(),
            version: (*version).into(),
            license: "MIT OR Apache-2.0",
            deps: Vec::new(),
        });
    }
    out
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_vendored(registry: &Path, v: &Vendored, all: &[Vendored]) -> Result<(), String> {
    let dir = registry.join(format!("{}-{}", v.name, v.version));
    let mut toml = format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2021\"\nlicense = \"{}\"\n\
         description = \"A synthetic dependency for benchmarks.\"\n\
         repository = \"https://example.invalid/{}\"\n\n[dependencies]\n",
        v.name, v.version, v.license, v.name
    );
    let mut lib = String::from("//! Synthetic.\n");
    for &d in &v.deps {
        let dep = &all[d];
        // Two versions of one name need distinct keys.
        let key = format!("{}_{}", dep.name, dep.version.replace('.', "_"));
        let _ = writeln!(
            toml,
            "{key} = {{ package = \"{}\", version = \"{}\" }}",
            dep.name,
            dep.requirement()
        );
        let _ = writeln!(lib, "pub use {} as _;", key.replace('-', "_"));
    }
    lib.push_str("pub fn value() -> u32 { 1 }\n");
    write(&dir.join("Cargo.toml"), &toml)?;
    write(&dir.join("src/lib.rs"), &lib)?;
    // A directory source needs a checksum file; an empty file list skips
    // per-file verification, the package hash is what Cargo.lock records.
    let hash = format!("{:064x}", fnv(&format!("{}-{}", v.name, v.version)));
    write(
        &dir.join(".cargo-checksum.json"),
        &format!(
            "{{\"files\":{{}},\"package\":\"{}\"}}",
            &hash[hash.len() - 64..]
        ),
    )
}

/// A stable 64-bit hash (FNV-1a) for fake package checksums.
fn fnv(text: &str) -> u128 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    u128::from(h) << 64 | u128::from(h.rotate_left(17))
}

fn write_member(
    ws: &Path,
    i: usize,
    deps: &[usize],
    vendored: &[Vendored],
    lines: usize,
    rng: &mut Rng,
) -> Result<(), String> {
    let name = format!("member-{i:03}");
    let dir = ws.join("crates").join(&name);
    let mut toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition.workspace = true\n\
         license.workspace = true\nrepository.workspace = true\nrust-version.workspace = true\n\
         description = \"Synthetic member {i}.\"\nreadme = \"../../README.md\"\n\
         keywords = [\"synthetic\"]\ncategories = [\"development-tools\"]\n\n[dependencies]\n"
    );
    // Path dependencies on up to three earlier members.
    if i > 0 {
        let mut picked = Vec::new();
        for _ in 0..(1 + rng.below(3)) {
            let m = rng.below(i);
            if !picked.contains(&m) {
                picked.push(m);
            }
        }
        picked.sort_unstable();
        for m in picked {
            let _ = writeln!(
                toml,
                "member-{m:03} = {{ path = \"../member-{m:03}\", version = \"0.1.0\" }}"
            );
        }
    }
    for &d in deps {
        let dep = &vendored[d];
        let key = format!("{}_{}", dep.name, dep.version.replace('.', "_"));
        let _ = writeln!(
            toml,
            "{key} = {{ package = \"{}\", version = \"{}\" }}",
            dep.name,
            dep.requirement()
        );
    }
    toml.push_str("\n[lints]\nworkspace = true\n");
    write(&dir.join("Cargo.toml"), &toml)?;
    write(&dir.join("README.md"), &format!("# {name}\n\nSynthetic.\n"))?;
    // Members ship the license texts, as `cargo package` wants them.
    #[cfg(unix)]
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        std::os::unix::fs::symlink(format!("../../{license}"), dir.join(license))
            .map_err(|e| format!("cannot link {license} in {}: {e}", dir.display()))?;
    }

    // Sources: a lib.rs with modules of about 100 lines each, and tests.
    let modules = (lines / 100).max(1);
    let mut lib = format!("//! {name}: synthetic code for benchmarks.\n\n");
    for m in 0..modules {
        let _ = writeln!(lib, "pub mod part_{m};");
        write(&dir.join(format!("src/part_{m}.rs")), &module_text(m, rng))?;
    }
    write(&dir.join("src/lib.rs"), &lib)?;
    write(
        &dir.join("tests/smoke.rs"),
        &format!(
            "#[test]\nfn works() {{\n    assert_eq!({}::part_0::compute_0(2), {}::part_0::compute_0(2));\n}}\n",
            name.replace('-', "_"),
            name.replace('-', "_")
        ),
    )
}

/// About 100 lines of ordinary Rust, with the occasional `unwrap()` and
/// `unsafe` the source scanner reports.
fn module_text(m: usize, rng: &mut Rng) -> String {
    let mut text = format!("//! Part {m}.\n\nuse std::collections::BTreeMap;\n\n");
    for f in 0..8 {
        let _ = write!(
            text,
            "/// Computes something from `x`.\npub fn compute_{f}(x: u64) -> u64 {{\n    \
             let mut acc = x;\n    for i in 0..{n} {{\n        acc = acc.wrapping_mul(31).wrapping_add(i);\n    }}\n    \
             let mut map = BTreeMap::new();\n    map.insert(acc % 7, acc);\n    \
             map.values().copied().max().unwrap_or(0)\n}}\n\n",
            n = 3 + rng.below(40)
        );
    }
    if rng.below(10) == 0 {
        text.push_str(
            "/// Parses a number.\npub fn parse(s: &str) -> u64 {\n    s.parse().unwrap()\n}\n\n",
        );
    }
    text.push_str(
        "#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn deterministic() {\n        \
         assert_eq!(compute_0(1), compute_0(1));\n    }\n}\n",
    );
    text
}

fn write_root(ws: &Path, size: Size) -> Result<(), String> {
    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    write(
        &ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n\
         [workspace.package]\nedition = \"2021\"\nlicense = \"MIT OR Apache-2.0\"\n\
         repository = \"https://github.com/example/synthetic\"\nrust-version = \"1.80\"\n\n\
         [workspace.lints.rust]\nunsafe_code = \"forbid\"\n\n\
         [workspace.lints.clippy]\nunwrap_used = \"warn\"\n",
    )?;
    write(
        &ws.join(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"synthetic\"\n\n\
         [source.synthetic]\ndirectory = \"../registry\"\n",
    )?;
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let text = std::fs::read_to_string(repo_root.join(license))
            .map_err(|e| format!("cannot read {license}: {e}"))?;
        write(&ws.join(license), &text)?;
    }
    write(
        &ws.join("README.md"),
        &format!(
            "# synthetic ({})\n\nA generated workspace for benchmarks.\n\n## Install\n\n\
             ```sh\ncargo install member-000\n```\n\n## License\n\nMIT OR Apache-2.0\n",
            size.name
        ),
    )?;
    write(
        &ws.join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n\n### Added\n\n- Everything.\n\n\
         [Unreleased]: https://github.com/example/synthetic/compare/v0.1.0...HEAD\n\
         [0.1.0]: https://github.com/example/synthetic/releases/tag/v0.1.0\n",
    )?;
    write(
        &ws.join("SECURITY.md"),
        "# Security policy\n\n## Supported versions\n\n| version | supported |\n|---|---|\n| 0.1.x | yes |\n\n\
         ## Reporting a vulnerability\n\nEmail security@example.invalid or use GitHub private \
         vulnerability reporting. We answer within 3 days.\n",
    )?;
    write(
        &ws.join("CONTRIBUTING.md"),
        "# Contributing\n\nRun `cargo test --workspace` before sending a pull request.\n",
    )?;
    write(
        &ws.join("CODE_OF_CONDUCT.md"),
        "# Code of conduct\n\nThis project follows the Rust Code of Conduct.\n",
    )?;
    write(
        &ws.join(".github/CODEOWNERS"),
        "* @example/maintainers\n/crates/ @example/crates\n*.md @example/docs\n",
    )?;
    write(
        &ws.join(".github/dependabot.yml"),
        "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n    schedule:\n      interval: weekly\n",
    )?;
    write(
        &ws.join(".github/workflows/ci.yml"),
        "name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\n\
         jobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest, windows-latest]\n\
         \x20   runs-on: ${{ matrix.os }}\n    steps:\n\
         \x20     - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n\
         \x20     - run: cargo fmt --all --check\n\
         \x20     - run: cargo clippy --workspace --all-targets -- -D warnings\n\
         \x20     - run: cargo test --workspace --locked\n",
    )?;
    write(&ws.join(".gitignore"), "/target\n")
}

fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo {} failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn git_commit(ws: &Path) -> Result<(), String> {
    let steps: [&[&str]; 4] = [
        &["init", "-q", "-b", "main"],
        &["add", "-A"],
        &["commit", "-q", "-m", "synthetic workspace"],
        &["tag", "v0.1.0"],
    ];
    for args in steps {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=bench",
                "-c",
                "user.email=bench@example.invalid",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
            ])
            .args(args)
            .current_dir(ws)
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(())
}
