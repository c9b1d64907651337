//! `install-pinning`: what CI installs is pinned, and nothing is piped
//! from the network into a shell.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::ci_support::cargo_call;
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;
use crate::facts::ci::Cmd;
use crate::facts::files;
use crate::facts::shell::Joiner;
use crate::util::regex;

/// See [`Check::docs`].
pub struct InstallPinning;

static URL: LazyLock<Regex> = LazyLock::new(|| regex(r#"https?://[^\s"'|;)]+"#));

impl Check for InstallPinning {
    fn id(&self) -> &'static str {
        "install-pinning"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "CI installs tools at pinned versions and never pipes downloads into a shell"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
Every command CI runs (steps, composite actions, reusable workflows, and
the Makefile/justfile recipes and scripts they call), for installs that
fetch whatever is newest — the Rust-aware half of OpenSSF Scorecard's
Pinned-Dependencies, which does not look at Cargo:

- `cargo install X` without `--locked` (the tool's own `Cargo.lock`
  ignored: its dependencies float) or without a version (`--version V`,
  `X@V`); `--git` installs need `--locked` and `--rev`/`--tag`, `--path`
  installs `--locked` (for the repository's own crate, `--path .`, only a
  note: its code is the commit's, only its dependencies float);
  `cargo binstall X` without `X@V`;
- download-and-run: `curl … | sh`, `wget -O- … | bash`, `sh -c "$(curl
  …)"` (`/bin/bash -c …`: the interpreter by any path), `bash <(curl …)`,
  `source <(curl …)`: an error; rustup's installer from
  `sh.rustup.rs` is a warning (well known, but unverified). A download
  saved to a file and verified with `sha256sum -c` (or `shasum -c`) before
  it runs is fine; `curl … | tar x` of a binary, or an archive saved
  (`curl -LO URL`, `-o FILE`, `wget URL`, `wget -O FILE`) and unpacked (`tar xf`, `unzip`) with no
  checksum in between, is a warning;
- `pip install X` without `==V` (or `-r` with `--require-hashes`),
  `npm install [-g] X` (`pnpm add X`, `yarn add X`) without `@V` (a
  dist-tag such as `npm@latest` is not a version), `go install X@latest`, `gem install X`
  without `-v`; `uvx X`, `uv tool run|install X` and `pipx run X` without
  `X@V` or `X==V` (unless a constraints file — `--constraint`,
  `UV_CONSTRAINT` — is given: it may pin the tool, and is not read).

## Why
An unpinned install runs whatever was published last — a compromised
release, a typo-squatted crate, a breaking change — with CI's token. A
pinned version (and `--locked`) makes the build reproducible and an
upgrade a reviewed change.

## Passing example
```yaml
      - run: cargo install --locked cargo-deny@0.18.3
      - uses: taiki-e/install-action@cargo-nextest   # verifies checksums
```

## How to fix
Pin each install (`cargo install --locked X@1.2.3`, `pip install X==1.2.3`),
or use an installer that verifies checksums (`taiki-e/install-action`,
`cargo binstall X@1.2.3`). Download scripts to a file, check them against
a known SHA-256, then run them.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if facts.ci.jobs.is_empty() {
            return Outcome::skip("no CI jobs");
        }
        let mut seen = BTreeSet::new();
        let mut occurrences = std::collections::BTreeMap::new();
        let mut findings: Vec<Finding> = Vec::new();
        // One line a job matrix expands into many downloads (one per
        // version) is one finding: (file, line, kind) → (index, variants).
        let mut per_line: std::collections::BTreeMap<(String, usize, String), (usize, usize)> =
            std::collections::BTreeMap::new();
        for job in &facts.ci.jobs {
            let cmds: Vec<&Cmd> = job.commands().collect();
            for (i, cmd) in cmds.iter().enumerate() {
                for finding in inspect(cmd, &cmds[i + 1..]) {
                    let mut finding = finding.at(cmd.path.clone(), Some(cmd.line));
                    // Only downloads (keyed by their URL) vary this way.
                    let kind = match finding.key.split_once(':') {
                        Some((kind, rest)) if rest.contains("://") => kind.to_string(),
                        _ => finding.key.clone(),
                    };
                    if let Some((_, variants)) =
                        per_line.get_mut(&(cmd.path.clone(), cmd.line, kind.clone()))
                        && seen.insert((cmd.path.clone(), cmd.line, finding.key.clone()))
                    {
                        *variants += 1;
                        continue;
                    }
                    if seen.insert((cmd.path.clone(), cmd.line, finding.key.clone())) {
                        per_line.insert((cmd.path.clone(), cmd.line, kind), (findings.len(), 1));
                        // The same install twice in a file: number the
                        // repeats so fingerprints stay distinct (no lines).
                        let n = occurrences
                            .entry((cmd.path.clone(), finding.key.clone()))
                            .or_insert(0usize);
                        *n += 1;
                        if *n > 1 {
                            finding.key = format!("{}#{n}", finding.key);
                        }
                        findings.push(finding);
                    }
                }
            }
        }
        for (index, variants) in per_line.into_values() {
            if variants > 1
                && let Some(f) = findings.get_mut(index)
            {
                f.message = format!(
                    "{} (and {} more downloads like it from this line: the job's matrix or a loop)",
                    f.message,
                    variants - 1
                );
            }
        }
        let serious = findings
            .iter()
            .filter(|f| f.severity > Severity::Note)
            .count();
        let score = 1.0 / (1.0 + serious as f64);
        Outcome::from_findings(findings, score)
    }
}

/// Findings for one command; `later` are the job's commands after it.
fn inspect(cmd: &Cmd, later: &[&Cmd]) -> Vec<Finding> {
    let mut out = Vec::new();
    let words = &cmd.words;
    // `/bin/bash -c "$(curl …)"` is `bash`: the interpreter by any path.
    let program = words
        .first()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .unwrap_or("");
    if let Some(call) = cargo_call(words) {
        match call.sub {
            "install" => out.extend(cargo_install(call.args)),
            "binstall" => {
                for krate in positional(
                    call.args,
                    &[
                        "--version",
                        "--target",
                        "--root",
                        "--install-path",
                        "--manifest-path",
                    ],
                ) {
                    let has_version =
                        krate.contains('@') || call.args.iter().any(|a| a == "--version");
                    if !has_version {
                        out.push(
                            Finding::warning(
                                format!("binstall:{krate}"),
                                format!(
                                    "`cargo binstall {krate}` installs whatever version is newest"
                                ),
                            )
                            .help(format!("pin it: `cargo binstall {krate}@<version>`")),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    // `curl … | sh`: the downloader's output piped into a shell.
    if cmd.joiner == Joiner::Pipe && is_shell(program) {
        out.extend(pipe_to_shell(cmd));
    }
    // `source <(curl …)` / `. <(curl …)` runs the download in this shell.
    if (is_shell(program) || program == "source" || program == ".")
        && words.iter().any(|w| {
            w.contains("$(curl")
                || w.contains("$(wget")
                || w.contains("<(curl")
                || w.contains("<(wget")
        })
    {
        out.extend(download_run(cmd, &cmd.text));
    }
    if cmd.joiner == Joiner::Pipe
        && program == "tar"
        && tar_extracts(words)
        && (cmd.text.contains("curl") || cmd.text.contains("wget"))
    {
        let url = URL.find(&cmd.text).map_or("", |m| m.as_str());
        out.push(
            Finding::warning(
                format!("unverified-archive:{url}"),
                format!("`{}` unpacks a download without checking its checksum", cmd.text),
            )
            .help("download to a file, verify it with `sha256sum -c`, then unpack; pin a version rather than `latest`"),
        );
    }
    let downloaded = downloaded_file(cmd);
    // A downloaded archive unpacked without a checksum in between: as
    // `curl … | tar x`, a warning.
    if let Some(file) = &downloaded
        && let Some(unpack_at) = later.iter().position(|c| unpacks_file(c, file))
        && !(later[..unpack_at].iter().any(|c| verifies(c, file)) || verifies(cmd, file))
    {
        let url = URL.find(&cmd.text).map_or("", |m| m.as_str());
        out.push(
            Finding::warning(
                format!("unverified-archive:{url}"),
                format!("`{file}` is downloaded{} and unpacked without checking its checksum", if url.is_empty() { String::new() } else { format!(" from {url}") }),
            )
            .help("verify it with `sha256sum -c` before unpacking; pin a version rather than `latest`"),
        );
    }
    // A downloaded file that is executed without a checksum in between.
    if let Some(file) = downloaded {
        let verified_before_run = later.iter().position(|c| runs_file(c, &file));
        if let Some(run_at) = verified_before_run {
            let verified =
                later[..run_at].iter().any(|c| verifies(c, &file)) || verifies(cmd, &file);
            let url = URL.find(&cmd.text).map_or("", |m| m.as_str()).to_string();
            if !verified && is_rustup(&url) {
                // Judged as when it is piped into a shell (same key), and
                // said as it is: saved, then run.
                out.push(
                    Finding::warning(
                        "curl-sh:rustup",
                        format!("rustup's installer is downloaded to `{file}` and run without verifying it ({url})"),
                    )
                    .help("runners have rustup already: `rustup toolchain install stable`; or use dtolnay/rust-toolchain"),
                );
            } else if !verified {
                out.push(
                    Finding::error(format!("download-run:{file}"), format!("`{file}` is downloaded{} and run without verifying a checksum", if url.is_empty() { String::new() } else { format!(" from {url}") }))
                        .help("check it against a known SHA-256 (`echo \"<sha256>  FILE\" | sha256sum -c`) before running it"),
                );
            }
        }
    }
    match program {
        "pipx" if words.get(1).is_some_and(|w| w == "run") => {
            out.extend(tool_run(cmd, &words[2..], "pipx run"));
        }
        "pip" | "pip3" | "pipx" => out.extend(pip_install(words)),
        "python" | "python3"
            if words.get(1).is_some_and(|w| w == "-m")
                && words.get(2).is_some_and(|w| w.starts_with("pip")) =>
        {
            out.extend(pip_install(&words[2..]));
        }
        "npm" | "pnpm" | "yarn" => out.extend(npm_install(words)),
        "uvx" => out.extend(tool_run(cmd, &words[1..], "uvx")),
        "uv" if words.get(1).is_some_and(|w| w == "tool")
            && words.get(2).is_some_and(|w| w == "run" || w == "install") =>
        {
            out.extend(tool_run(cmd, &words[3..], &format!("uv tool {}", words[2])));
        }
        "go" if words.get(1).is_some_and(|w| w == "install") => {
            for pkg in words[2..].iter().filter(|w| !w.starts_with('-')) {
                if pkg.ends_with("@latest") || !pkg.contains('@') {
                    out.push(
                        Finding::warning(
                            format!("go:{pkg}"),
                            format!("`go install {pkg}` installs whatever version is newest"),
                        )
                        .help("pin it: `go install example.com/tool@v1.2.3`"),
                    );
                }
            }
        }
        "gem"
            if words.get(1).is_some_and(|w| w == "install")
                && !words.iter().any(|w| w == "-v" || w == "--version") =>
        {
            // `gem install NAME:VERSION` pins too (RubyGems 3.4+).
            let gems = positional(
                &words[2..],
                &[
                    "-i",
                    "--install-dir",
                    "-n",
                    "--bindir",
                    "-s",
                    "--source",
                    "-P",
                ],
            );
            for gem in gems
                .into_iter()
                .filter(|g| !g.contains(':') && !g.ends_with(".gem"))
            {
                out.push(
                    Finding::warning(
                        format!("gem:{gem}"),
                        format!("`gem install {gem}` installs whatever version is newest"),
                    )
                    .help(format!("pin it: `gem install {gem} -v 1.2.3`")),
                );
            }
        }
        _ => {}
    }
    out
}

fn is_shell(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash"
            | "zsh"
            | "dash"
            | "ksh"
            | "fish"
            | "pwsh"
            | "powershell"
            | "iex"
            | "python"
            | "python3"
            | "perl"
            | "ruby"
            | "node"
    )
}

fn cargo_install(args: &[String]) -> Vec<Finding> {
    let own: Vec<&String> = args.iter().take_while(|a| *a != "--").collect();
    let has = |flag: &str| {
        own.iter()
            .any(|a| *a == flag || a.starts_with(&format!("{flag}=")))
    };
    let locked = has("--locked") || has("--frozen");
    let local = has("--path");
    let git = has("--git");
    let crates = positional(
        args,
        &[
            "--version",
            "--vers",
            "--git",
            "--branch",
            "--tag",
            "--rev",
            "--path",
            "--root",
            "--index",
            "--registry",
            "--target",
            "--target-dir",
            "--features",
            "-F",
            "--profile",
            "-j",
            "--jobs",
            "--bin",
            "--example",
            "--config",
            "--color",
            "-Z",
        ],
    );
    let mut out = Vec::new();
    let names: Vec<String> = if crates.is_empty() {
        vec![if local {
            "--path".to_string()
        } else if git {
            "--git".to_string()
        } else {
            "(crate)".to_string()
        }]
    } else {
        crates.iter().map(|s| s.to_string()).collect()
    };
    let several = names.len() > 1;
    for krate in names {
        let mut missing = Vec::new();
        if !locked {
            missing.push("no `--locked`");
        }
        let versioned = local
            || krate.contains('@')
            || has("--version")
            || has("--vers")
            || (git && (has("--rev") || has("--tag")));
        if !versioned {
            missing.push(if git {
                "no `--rev` or `--tag`"
            } else {
                "no version"
            });
        }
        // `cargo install --path .`: this repository's own crate, built as a
        // user's `cargo install` without `--locked` builds it (bottom's
        // deliberate smoke test). Its code is pinned by the commit; only
        // its dependencies float: a note.
        let own_crate = local
            && own
                .iter()
                .position(|a| *a == "--path")
                .and_then(|i| own.get(i + 1).copied())
                .or_else(|| own.iter().find(|a| a.starts_with("--path=")).copied())
                .map(|p| p.trim_start_matches("--path="))
                .is_some_and(|p| !p.starts_with('/') && !p.starts_with("..") && !p.contains("${{"));
        if !missing.is_empty() && own_crate {
            out.push(
                Finding::note(
                    "cargo-install:--path",
                    format!(
                        "`cargo install {}` builds this repository's crate with whatever dependency versions are newest (as `cargo install` from crates.io without `--locked` does)",
                        args.join(" ")
                    ),
                )
                .help("add `--locked` to build what Cargo.lock pins, unless testing the unlocked install is the point"),
            );
        } else if !missing.is_empty() {
            let shown = krate.split('@').next().unwrap_or(&krate).to_string();
            out.push(
                Finding::warning(
                    format!("cargo-install:{shown}"),
                    if several {
                        // One finding per crate: say which one.
                        format!(
                            "`{shown}` in `cargo install {}` is not pinned: {}",
                            args.join(" "),
                            missing.join(", ")
                        )
                    } else {
                        format!(
                            "`cargo install {}` is not pinned: {}",
                            args.join(" "),
                            missing.join(", ")
                        )
                    },
                )
                .help(format!(
                    "pin it: `cargo install --locked {}@<version>`",
                    if shown.starts_with('-') || shown.starts_with('(') {
                        "NAME".to_string()
                    } else {
                        shown
                    }
                )),
            );
        }
    }
    out
}

/// Positional arguments before `--`, skipping options that take a value.
fn positional<'a>(args: &'a [String], with_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            break;
        }
        if with_value.contains(&a) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') && !a.contains("${{") {
            out.push(a);
        }
        i += 1;
    }
    out
}

fn pipe_to_shell(cmd: &Cmd) -> Vec<Finding> {
    let text = &cmd.text;
    if !(text.contains("curl")
        || text.contains("wget")
        || text.contains("iwr")
        || text.contains("Invoke-WebRequest")
        || text.contains("irm"))
    {
        return Vec::new();
    }
    download_run(cmd, text)
}

fn download_run(_cmd: &Cmd, text: &str) -> Vec<Finding> {
    let url = URL.find(text).map_or("", |m| m.as_str()).to_string();
    // `curl file://$(pwd)/install.sh | sh` runs the checkout's own script
    // (starship tests its installer so): nothing is downloaded.
    if url.is_empty() && text.contains("file://") {
        return Vec::new();
    }
    let finding = if is_rustup(&url) {
        Finding::warning(
            "curl-sh:rustup".to_string(),
            format!("rustup's installer is downloaded and piped into a shell ({url}); it is not verified"),
        )
        .help("runners have rustup already: `rustup toolchain install stable`; or use dtolnay/rust-toolchain")
    } else {
        Finding::error(
            format!("curl-sh:{url}"),
            format!("a download is piped into a shell: `{text}`"),
        )
        .help("download to a file, verify its SHA-256 (`sha256sum -c`), then run it; or install a pinned release")
    };
    vec![finding]
}

/// Whether `url` is rustup's installer.
fn is_rustup(url: &str) -> bool {
    url.contains("rustup.rs") || url.contains("static.rust-lang.org/rustup")
}

/// Whether `cmd` unpacks `file`: `tar xf FILE`, `tar -xzf FILE`, `tar -x
/// -f FILE`, `unzip FILE`.
fn unpacks_file(cmd: &Cmd, file: &str) -> bool {
    let base = file.rsplit('/').next().unwrap_or(file);
    let names = |w: &String| w == file || w.rsplit('/').next() == Some(base);
    match cmd.words.first().map(String::as_str) {
        Some("unzip" | "7z") => cmd.words[1..].iter().any(names),
        Some("tar") => tar_extracts(&cmd.words) && cmd.words[1..].iter().any(names),
        _ => false,
    }
}

/// Whether a `tar` command extracts: `--extract`, or a bundle of short
/// flags holding `x` (`-xzf`, `xzf`, `zxf`, `-C dir -xz`; the first word
/// may omit the dash).
fn tar_extracts(words: &[String]) -> bool {
    words.iter().skip(1).enumerate().any(|(i, w)| {
        let bundle = w.strip_prefix('-').unwrap_or(if i == 0 { w } else { "" });
        w == "--extract"
            || (!w.starts_with("--")
                && bundle.contains('x')
                && bundle.chars().all(|c| c.is_ascii_alphabetic()))
    })
}

/// The file a `curl -o FILE` / `wget -O FILE` saves to; `curl -O URL`
/// (`-LO`, `--remote-name`) saves to the URL's last segment.
fn downloaded_file(cmd: &Cmd) -> Option<String> {
    let program = cmd.words.first()?.as_str();
    if program == "curl" {
        let remote_name = cmd.words[1..].iter().any(|w| {
            w == "--remote-name"
                || w.strip_prefix('-').is_some_and(|b| {
                    !b.starts_with('-')
                        && b.contains('O')
                        && b.chars().all(|c| c.is_ascii_alphabetic())
                })
        });
        if remote_name
            && let Some(url) = cmd.words[1..]
                .iter()
                .find(|w| w.starts_with("https://") || w.starts_with("http://"))
        {
            let name = url.split(['?', '#']).next().unwrap_or(url);
            let name = name.rsplit('/').next().unwrap_or("");
            if !name.is_empty() {
                return Some(name.to_string());
            }
        }
    }
    if program == "wget" {
        let names_output = cmd.words[1..].iter().any(|w| {
            w.starts_with("--output-document")
                || w.strip_prefix('-')
                    .is_some_and(|b| !b.starts_with('-') && b.contains('O'))
        });
        // Without `-O`, wget saves to the URL's last segment (under `-P
        // DIR`).
        if !names_output
            && let Some(url) = cmd.words[1..]
                .iter()
                .find(|w| w.starts_with("https://") || w.starts_with("http://"))
        {
            let name = url.split(['?', '#']).next().unwrap_or(url);
            let name = name.rsplit('/').next().unwrap_or("");
            let dir = cmd
                .words
                .iter()
                .position(|w| w == "-P" || w == "--directory-prefix")
                .and_then(|at| cmd.words.get(at + 1));
            return (!name.is_empty()).then(|| match dir {
                Some(dir) => files::join(dir, name),
                None => name.to_string(),
            });
        }
    }
    let flags: &[&str] = match program {
        "curl" => &["-o", "--output"],
        "wget" => &["-O", "--output-document"],
        _ => return None,
    };
    let at = cmd.words.iter().position(|w| flags.contains(&w.as_str()))?;
    let file = cmd.words.get(at + 1)?;
    (file != "-").then(|| file.clone())
}

fn runs_file(cmd: &Cmd, file: &str) -> bool {
    let base = file.rsplit('/').next().unwrap_or(file);
    let names =
        |w: &String| w == file || w == &format!("./{base}") || w.ends_with(&format!("/{base}"));
    match cmd.words.first().map(String::as_str) {
        Some(p) if is_shell(p) => cmd.words[1..].iter().any(names),
        Some(first) => names(&first.to_string()),
        None => false,
    }
}

fn verifies(cmd: &Cmd, file: &str) -> bool {
    let program = cmd.words.first().map(String::as_str).unwrap_or("");
    let checksum_tool = matches!(
        program,
        "sha256sum" | "sha512sum" | "shasum" | "b3sum" | "gpg" | "minisign" | "cosign"
    ) || cmd.text.contains("sha256sum")
        || cmd.text.contains("shasum")
        || cmd.text.contains("Get-FileHash");
    let base = file.rsplit('/').next().unwrap_or(file);
    checksum_tool
        && (cmd.text.contains(base) || cmd.words.iter().any(|w| w == "-c" || w == "--check"))
}

fn pip_install(words: &[String]) -> Vec<Finding> {
    if words.get(1).is_none_or(|w| w != "install") {
        return Vec::new();
    }
    // `--no-index`: only local directories (`--find-links dist/`, the
    // artifact just built) are looked at; nothing comes from an index.
    if words
        .iter()
        .any(|w| w == "--require-hashes" || w == "--no-index")
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut skip = false;
    for w in &words[2..] {
        if skip {
            skip = false;
            continue;
        }
        if matches!(
            w.as_str(),
            "-r" | "--requirement"
                | "-c"
                | "--constraint"
                | "-e"
                | "--editable"
                | "-i"
                | "--index-url"
                | "--extra-index-url"
                | "-t"
                | "--target"
                | "-f"
                | "--find-links"
                | "--prefix"
                | "--root"
                | "--src"
                | "--cache-dir"
                | "--log"
                | "--platform"
                | "--python-version"
                | "--implementation"
                | "--abi"
                | "--only-binary"
                | "--no-binary"
                | "--progress-bar"
        ) {
            skip = true;
            continue;
        }
        // `git+https://…/repo@<commit>` pins by the VCS ref.
        let vcs_pinned = w.contains("+")
            && w.contains("://")
            && w.rsplit('/').next().is_some_and(|tail| tail.contains('@'));
        if vcs_pinned
            || w.starts_with('-')
            || w == "."
            || w.starts_with("./")
            || w.starts_with('/')
            || w.ends_with(".whl")
            || w.ends_with(".tar.gz")
            || w.ends_with(".zip")
            // A path (`dist/pkg-1.0.tar.gz`): package names have no `/`.
            || (w.contains('/') && !w.contains("://"))
            || w.contains("${{")
        {
            continue;
        }
        if !(w.contains("==") || w.contains("===")) {
            out.push(
                Finding::warning(
                    format!("pip:{w}"),
                    format!("`pip install {w}` installs whatever version is newest"),
                )
                .help(format!(
                    "pin it: `pip install '{}==<version>'`",
                    w.split(['>', '<', '=', '~', '[']).next().unwrap_or(w)
                )),
            );
        }
    }
    out
}

/// `uvx TOOL`, `uv tool run|install TOOL`, `pipx run TOOL`: a Python tool
/// fetched from the index at the newest version unless the spec pins it
/// (`TOOL==1.2`, `TOOL@1.2`, `--from 'TOOL==1.2'`). A constraints file
/// (`--constraint`, `UV_CONSTRAINT`) may pin it where this check cannot
/// see: then nothing is said.
fn tool_run(cmd: &Cmd, args: &[String], runner: &str) -> Vec<Finding> {
    const WITH_VALUE: &[&str] = &[
        "--with",
        "--with-editable",
        "--with-requirements",
        "-p",
        "--python",
        "--index",
        "--index-url",
        "--default-index",
        "--extra-index-url",
        "--find-links",
        "--overrides",
        "--cache-dir",
        "--directory",
        "--project",
        "--pip-args",
    ];
    let constrained = args
        .iter()
        .any(|a| matches!(a.as_str(), "-c" | "--constraint" | "--constraints"))
        || ["UV_CONSTRAINT", "PIP_CONSTRAINT"]
            .iter()
            .any(|v| cmd.var(v).is_some_and(|v| !v.is_empty()));
    if constrained {
        return Vec::new();
    }
    let mut spec = None;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--from" || a == "--spec" {
            spec = args.get(i + 1);
            break;
        }
        if let Some(v) = a
            .strip_prefix("--from=")
            .or_else(|| a.strip_prefix("--spec="))
        {
            return judge_tool_spec(v, runner);
        }
        if WITH_VALUE.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        spec = Some(a);
        break;
    }
    spec.map_or_else(Vec::new, |s| judge_tool_spec(s, runner))
}

fn judge_tool_spec(spec: &str, runner: &str) -> Vec<Finding> {
    let name = spec
        .split(['=', '<', '>', '~', '@', '['])
        .next()
        .unwrap_or(spec);
    let version = spec
        .split_once("==")
        .map(|(_, v)| v)
        .or_else(|| spec.split_once('@').map(|(_, v)| v));
    let pinned = version.is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        // A path, URL or expression: not an index lookup judged here.
        || spec.contains('/')
        || spec.contains("${{")
        || spec.starts_with('.')
        || name.is_empty();
    if pinned {
        return Vec::new();
    }
    vec![
        Finding::warning(
            format!("tool-run:{name}"),
            format!("`{runner} {spec}` runs whatever version of {name} is newest"),
        )
        .help(format!(
            "pin it: `{runner} {name}@<version>` (or `--from '{name}==<version>'`)"
        )),
    ]
}

fn npm_install(words: &[String]) -> Vec<Finding> {
    let install = words
        .get(1)
        .is_some_and(|w| matches!(w.as_str(), "install" | "i" | "add"))
        || (words[0] == "yarn" && words.get(1).is_some_and(|w| w == "global"));
    let global = words
        .iter()
        .any(|w| w == "-g" || w == "--global" || w == "global");
    if !install {
        return Vec::new();
    }
    // Options that take a value (`--prefix DIR`, `--registry URL`).
    const WITH_VALUE: &[&str] = &[
        "--prefix",
        "--registry",
        "--cache",
        "--userconfig",
        "-C",
        "--dir",
    ];
    let mut skip = false;
    words[2..]
        .iter()
        .filter(|w| {
            let value = std::mem::take(&mut skip);
            skip = WITH_VALUE.contains(&w.as_str());
            !value
        })
        .filter(|w| !w.is_empty() && !w.starts_with('-') && *w != "global" && *w != "add")
        .filter(|w| {
            // `@scope/name@1.2.3`: the version comes after the last `@`
            // past the first character. A dist-tag (`npm@latest`, `@next`)
            // is whatever is newest, not a version.
            match w.trim_start_matches('@').rsplit_once('@') {
                Some((_, version)) => !version
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || "=v^~<>".contains(c)),
                None => true,
            }
        })
        // A local directory, tarball, git or file spec is not an index
        // lookup (`npm install ./pkg`, `npm i git+https://…#sha`).
        .filter(|w| {
            !(w.starts_with('.')
                || w.starts_with('/')
                || w.contains(':')
                || w.ends_with(".tgz")
                || w.contains("${{")
                || (w.contains('/') && !w.starts_with('@')))
        })
        .map(|w| {
            // The package, without a dist-tag: `npm@latest` is `npm`.
            let w = match w[1..].rfind('@') {
                Some(i) => &w[..i + 1],
                None => w.as_str(),
            };
            Finding::warning(
                format!("npm:{w}"),
                format!(
                    "`{}` installs whatever version of {w} is newest",
                    words.join(" ")
                ),
            )
            .help(if global {
                format!("pin it: `npm install -g {w}@<version>`")
            } else {
                format!("pin it: `npm install {w}@<version>` (or list it in package.json and run `npm ci`)")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;

    fn run(script: &str) -> Outcome {
        let wf = format!(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n{}",
            script
                .lines()
                .map(|l| format!("          {l}\n"))
                .collect::<String>()
        );
        InstallPinning.run(
            &Facts::in_memory(vec![], &[(".github/workflows/ci.yml", &wf)]),
            &CheckConfig { level: Level::Warn },
        )
    }

    fn keys(o: &Outcome) -> Vec<(String, usize)> {
        o.findings
            .iter()
            .map(|f| (f.key.clone(), f.line.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn cargo_install_needs_locked_and_version() {
        let o = run(
            "cargo install cargo-audit\ncargo install --locked cargo-deny@0.18.3\ncargo install --locked cargo-nextest --version 0.9.1\ncargo install --path .\ncargo install --locked --path .",
        );
        assert_eq!(
            keys(&o),
            vec![
                ("cargo-install:cargo-audit".into(), 7),
                ("cargo-install:--path".into(), 10)
            ]
        );
        assert_eq!(o.findings[1].severity, Severity::Note);
        let outside = run("cargo install --path ../other-tool");
        assert_eq!(outside.findings[0].severity, Severity::Warning);
        assert!(
            o.findings[0]
                .message
                .contains("not pinned: no `--locked`, no version"),
            "{}",
            o.findings[0].message
        );
    }

    #[test]
    fn an_archive_saved_then_unpacked_needs_a_checksum() {
        // regex: `curl -LO …/cross-….tar.gz` then `tar xf` it.
        let o = run(
            "curl -LO \"https://github.com/x/cross/releases/download/v1/cross.tar.gz\"\ntar xf cross.tar.gz\n",
        );
        assert_eq!(
            keys(&o),
            [(
                "unverified-archive:https://github.com/x/cross/releases/download/v1/cross.tar.gz"
                    .to_string(),
                7
            )]
        );
        let verified = "curl -sSfL -o tool.zip https://example.com/tool.zip\necho \"abc  tool.zip\" | sha256sum -c\nunzip tool.zip\n";
        assert!(
            run(verified).findings.is_empty(),
            "{:?}",
            run(verified).findings
        );
        // redis-rs: wget saves to the URL's last segment by default.
        let o = run("wget https://download.example.com/db-7.2.tar.gz\ntar -xzf db-7.2.tar.gz\n");
        assert_eq!(o.findings.len(), 1, "{:?}", o.findings);
        assert_eq!(o.findings[0].line, Some(7));
        assert!(
            run("wget -qO- https://example.com/x.tar.gz | tar xz\n")
                .findings
                .iter()
                .all(|f| f.line == Some(7))
        );
        // One line a matrix expands into several downloads: one finding.
        let matrix = "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        v: ['7.2.1', '8.0.2']\n    steps:\n      - run: |\n          wget https://example.com/db-${{ matrix.v }}.tar.gz\n          tar -xzf db-${{ matrix.v }}.tar.gz\n";
        let o = InstallPinning.run(
            &Facts::in_memory(vec![], &[(".github/workflows/ci.yml", matrix)]),
            &CheckConfig { level: Level::Warn },
        );
        assert_eq!(o.findings.len(), 1, "{:?}", o.findings);
        assert!(o.findings[0].message.contains("1 more"), "{:?}", o.findings);
        // Downloaded and not unpacked: nothing to say here.
        assert!(
            run("curl -LO https://example.com/data.tar.gz\n")
                .findings
                .is_empty()
        );
    }

    #[test]
    fn every_install_of_a_multi_line_block_is_read() {
        let o = run(
            "set -e\ncargo install cargo-deny --version 0.16.1\ncargo install --locked \\\n  cargo-audit\ncargo install --locked cargo-hack@0.6.1 && cargo install cargo-udeps --locked\ncargo install --locked cargo-a@1.0.0 cargo-b",
        );
        let keys: Vec<String> = keys(&o).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            vec![
                "cargo-install:cargo-deny",
                "cargo-install:cargo-audit",
                "cargo-install:cargo-udeps",
                "cargo-install:cargo-b"
            ],
            "{:?}",
            o.findings
        );
    }

    #[test]
    fn curl_pipe_sh() {
        let o = run(
            "curl -sSf https://example.com/install.sh | sh\ncurl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y\nsh -c \"$(curl -fsSL https://x.dev/i.sh)\"\n/bin/bash -c \"$(curl --proto '=https' -sSf https://setup.example.sh)\"\nsource <(curl -s https://raw.githubusercontent.com/o/r/refs/heads/main/install)",
        );
        let sev: Vec<_> = o.findings.iter().map(|f| (f.line, f.severity)).collect();
        assert_eq!(
            sev,
            vec![
                (Some(7), Severity::Error),
                (Some(8), Severity::Warning),
                (Some(9), Severity::Error),
                (Some(10), Severity::Error),
                (Some(11), Severity::Error)
            ]
        );
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn verified_download_is_fine() {
        let o = run(
            "curl -sSfL -o install.sh https://x.dev/install.sh\necho \"abc  install.sh\" | sha256sum -c\nsh install.sh",
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
        let o = run("curl -sSf -o rustup.sh https://sh.rustup.rs\nsh rustup.sh -y");
        assert_eq!(o.findings.len(), 1, "{:?}", o.findings);
        assert!(
            o.findings[0]
                .message
                .contains("downloaded to `rustup.sh` and run"),
            "{:?}",
            o.findings
        );
        let o = run("curl -sSfL -o install.sh https://x.dev/install.sh\nsh install.sh");
        assert_eq!(o.findings[0].line, Some(7));
        assert_eq!(o.findings[0].severity, Severity::Error);
    }

    #[test]
    fn continuation_lines_keep_their_start() {
        let o = run("echo hi\ncurl -sSf \\\n  https://get.example.com \\\n  | bash");
        assert_eq!(o.findings[0].line, Some(8));
    }

    #[test]
    fn other_package_managers() {
        let o = run(
            "pip install zizmor\npip install zizmor==1.32.0\npip install -r requirements.txt\nnpm install -g prettier\nnpm install -g prettier@3.3.3\ngo install golang.org/x/tools/cmd/stringer@latest",
        );
        let lines: Vec<_> = o.findings.iter().map(|f| f.line.unwrap_or(0)).collect();
        assert_eq!(lines, vec![7, 10, 12]);
        let o = run(
            "gem install --help\ngem install rake:13.0.6\ngem install rake\npip install git+https://github.com/o/r@0123abc\nnpm install -g \"\"",
        );
        let lines: Vec<_> = o.findings.iter().map(|f| f.line.unwrap_or(0)).collect();
        assert_eq!(lines, vec![9]);
    }

    #[test]
    fn local_npm_installs_of_named_packages() {
        let o = run(
            "npm install\nnpm ci\nnpm install --prefix web markdownlint-cli\nnpm i ./local-pkg\npnpm add prettier@3.3.3\nyarn add typescript\nnpm install -g npm@latest\nnpm i -g @scope/tool@next\nnpm i -g left-pad@^1.3.0\n",
        );
        assert_eq!(
            keys(&o),
            [
                ("npm:markdownlint-cli".to_string(), 9),
                ("npm:typescript".to_string(), 12),
                ("npm:npm".to_string(), 13),
                ("npm:@scope/tool".to_string(), 14)
            ]
        );
    }

    #[test]
    fn python_tool_runners() {
        let o = run(
            "uvx nox -s clippy\nuvx ruff@0.6.9 check\nuvx --from 'twine==5.1.1' twine check\nuv tool install zizmor\npipx run --spec 'black==24.1' black .\npipx run black .\nuvx --python 3.12 maturin build\nuvx ruff@latest check\nuvx -c constraints.txt nox",
        );
        let expected: Vec<(String, usize)> = [
            ("tool-run:nox", 7),
            ("tool-run:zizmor", 10),
            ("tool-run:black", 12),
            ("tool-run:maturin", 13),
            ("tool-run:ruff", 14),
        ]
        .iter()
        .map(|(k, l)| (k.to_string(), *l))
        .collect();
        assert_eq!(keys(&o), expected);
        let constrained = "on: push\nenv:\n  UV_CONSTRAINT: c.txt\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: uvx nox\n";
        let o = InstallPinning.run(
            &Facts::in_memory(vec![], &[(".github/workflows/ci.yml", constrained)]),
            &CheckConfig { level: Level::Warn },
        );
        assert_eq!(o.status, Status::Pass, "{:?}", o.findings);
    }
}
