//! The run: parse → locate → configure → collect → check → score → render.

use std::io::Write;
use std::time::Instant;

use crate::checks::{self, Check, Level};
use crate::cli::{Cli, ColorChoice, Command, ListFormat, RunArgs, SbomArgs, WorkspaceArgs};
use crate::config;
use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::facts::platform;
use crate::facts::workspace::{self, CargoFlags};
use crate::report;
use crate::score::{self, Profile};

/// Process exit codes (see DESIGN.md).
pub mod exit {
    /// The gate passed, or the subcommand succeeded.
    pub const OK: u8 = 0;
    /// The gate failed.
    pub const GATE_FAILED: u8 = 1;
    /// Could not run.
    pub const COULD_NOT_RUN: u8 = 2;
}

/// Runs the parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Some(Command::List { format }) => {
            let text = match format {
                ListFormat::Human => crate::docs::list_human(),
                ListFormat::Json => crate::docs::list_json(),
            };
            print(&text, cli.color)?;
            Ok(exit::OK)
        }
        Some(Command::Explain { id }) => {
            let check = checks::find(&id).ok_or_else(|| Error::UnknownCheck {
                suggestions: crate::util::close_matches(&id, checks::ALL.iter().map(|c| c.id())),
                id: id.clone(),
            })?;
            print(&crate::docs::explain(check), cli.color)?;
            Ok(exit::OK)
        }
        Some(Command::Sbom(args)) => sbom(&args),
        None => score_workspace(&cli.run, cli.color),
    }
}

fn cargo_flags(w: &WorkspaceArgs) -> CargoFlags {
    CargoFlags {
        offline: w.offline,
        locked: w.locked,
        frozen: w.frozen,
    }
}

fn current_dir() -> Result<std::path::PathBuf> {
    std::env::current_dir().map_err(|source| Error::Io {
        action: "cannot read the current directory",
        path: ".".into(),
        source,
    })
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn creation_time() -> Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH=`{v}` is not a number of seconds since 1970-01-01"
            ))
        }),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)),
    }
}

fn sbom(args: &SbomArgs) -> Result<u8> {
    use crate::sbom::{self, DocumentOptions, output};

    let started = Instant::now();
    let timestamp = creation_time()?;
    let loc = workspace::locate(args.cargo.manifest_path.as_deref(), &current_dir()?)?;
    let resolve = workspace::ResolveOptions {
        features: args.features.clone(),
        all_features: args.all_features,
        no_default_features: args.no_default_features,
        // The target's and the host's (build scripts run there) packages:
        // the SBOM's own walk then picks each edge by its context.
        filter_platforms: match args.target.as_deref() {
            Some("all") => Vec::new(),
            Some(t) => vec![t.to_string(), workspace::HOST_TUPLE.to_string()],
            None => vec![workspace::HOST_TUPLE.to_string()],
        },
    };
    let all_targets = args.target.as_deref() == Some("all");
    // rustc describes the platforms while cargo resolves.
    let (facts, platforms) = std::thread::scope(|scope| {
        let platforms = scope.spawn(|| -> std::result::Result<_, String> {
            if all_targets {
                return Ok(sbom::graph::Platforms::default());
            }
            let host = platform::describe(None)?;
            let target = match args.target.as_deref() {
                Some(t) if t != host.triple => platform::describe(Some(t))?,
                _ => host.clone(),
            };
            Ok(sbom::graph::Platforms {
                target: Some(target),
                host: Some(host),
            })
        });
        let facts = Facts::collect_graph(&loc, cargo_flags(&args.cargo), &resolve);
        (facts, platforms.join())
    });
    let facts = facts?;
    let sbom_error = |message: String| Error::Sbom {
        manifest: loc.manifest.clone(),
        message,
    };
    let meta = facts
        .metadata
        .as_ref()
        .map_err(|u| sbom_error(format!("cargo metadata failed: {}", u.reason)))?;
    let roots = sbom::select_roots(meta, &loc.manifest, &args.packages, args.workspace)
        .map_err(sbom_error)?;
    let platforms = platforms
        .unwrap_or_else(|_| Err("rustc panicked".to_string()))
        .map_err(|reason| sbom_error(format!("cannot describe the target platform: {reason}")))?;
    let graph_opts = sbom::GraphOptions {
        include_dev: args.include_dev,
        platforms,
        features: sbom::graph::FeatureRequest {
            features: args.features.clone(),
            all_features: args.all_features,
            no_default_features: args.no_default_features,
        },
    };
    let doc = DocumentOptions {
        format: args.format,
        spec_version: args.spec_version,
        deterministic: args.deterministic,
        timestamp,
    };
    if facts.lockfile.is_none() {
        eprintln!("note: no Cargo.lock at the workspace root, so components carry no hashes");
    }
    let t = Instant::now();
    let mut documents = Vec::new();
    for root in &roots {
        let built = sbom::build(&facts, root, &graph_opts)
            .map_err(|e| sbom_error(e.to_string()))?
            // The seam for `--with-vulnerabilities` (the RustSec audit).
            .with_vulnerabilities(None);
        let bytes = sbom::render(&built, &doc).map_err(|e| sbom_error(e.to_string()))?;
        documents.push((
            format!(
                "{}-{}.{}",
                built.root.name,
                built.root.version,
                args.format.extension()
            ),
            bytes,
        ));
    }
    let sbom_time = t.elapsed();

    let destination = output::Destination::from_arg(args.output.as_deref());
    let several = args.workspace || roots.len() > 1;
    match (destination, several) {
        (output::Destination::Stdout, false) => {
            for (_, bytes) in &documents {
                output::to_stdout(bytes)?;
            }
        }
        (output::Destination::Stdout, true) => {
            return Err(Error::Usage(format!(
                "{} packages selected: give a directory with -o DIR to receive one SBOM each",
                roots.len()
            )));
        }
        (output::Destination::Path(path), false) => {
            for (_, bytes) in &documents {
                output::write_atomic(&path, bytes)?;
            }
        }
        (output::Destination::Path(dir), true) => {
            std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
                action: "cannot create directory",
                path: dir.clone(),
                source,
            })?;
            for (name, bytes) in &documents {
                let path = dir.join(name);
                output::write_atomic(&path, bytes)?;
                eprintln!("wrote {}", path.display());
            }
        }
    }
    if std::env::var_os("CARGO_READINESS_TIMINGS").is_some() {
        for (phase, d) in &facts.timings {
            eprintln!("timing: {phase:<16} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "timing: {:<16} {:>8.1} ms",
            "sbom",
            sbom_time.as_secs_f64() * 1000.0
        );
        eprintln!(
            "timing: {:<16} {:>8.1} ms",
            "total",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(exit::OK)
}

fn score_workspace(args: &RunArgs, color: ColorChoice) -> Result<u8> {
    let started = Instant::now();
    let loc = workspace::locate(args.workspace.manifest_path.as_deref(), &current_dir()?)?;
    let mut cfg = config::load(&loc.root, args.config.as_deref())?;
    let flags = cargo_flags(&args.workspace);
    let facts = Facts::collect(&loc, flags)?;
    if facts.root != loc.root && args.config.is_none() {
        // cargo placed the workspace root elsewhere than our guess.
        cfg = config::load(&facts.root, None)?;
    }

    let profile = args.profile.or(cfg.profile).unwrap_or(Profile::Production);
    let min_score = args
        .min_score
        .or(cfg.min_score)
        .unwrap_or(profile.min_score());
    let level_of = |c: &dyn Check| -> Level {
        cfg.checks
            .get(c.id())
            .copied()
            .unwrap_or_else(|| profile.level_for(c))
    };
    let t = Instant::now();
    let results = checks::run_all(&facts, &level_of);
    let checks_time = t.elapsed();
    let card = score::score(results, &cfg.weights, profile, min_score);

    let ctx = report::Context {
        root: &facts.root,
        notes: &facts.notes,
        config_source: cfg.source.as_deref(),
    };
    print(&report::render(&card, &ctx, args.format), color)?;
    if std::env::var_os("CARGO_READINESS_TIMINGS").is_some() {
        for (phase, d) in &facts.timings {
            eprintln!("timing: {phase:<16} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "timing: {:<16} {:>8.1} ms",
            "checks",
            checks_time.as_secs_f64() * 1000.0
        );
        eprintln!(
            "timing: {:<16} {:>8.1} ms",
            "total",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(if card.gate.passed {
        exit::OK
    } else {
        exit::GATE_FAILED
    })
}

/// Writes to stdout, stripping ANSI styles when colour is off.
fn print(text: &str, color: ColorChoice) -> Result<()> {
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Io {
            action: "cannot write",
            path: "<stdout>".into(),
            source,
        }),
    }
}
