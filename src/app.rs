//! The run: parse → locate → configure → collect → check → score → render.

use std::io::Write;
use std::time::Instant;

use crate::checks::{self, Check, Level};
use crate::cli::{Cli, ColorChoice, Command, ListFormat, RunArgs};
use crate::config;
use crate::error::{Error, Result};
use crate::facts::Facts;
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
        None => score_workspace(&cli.run, cli.color),
    }
}

fn score_workspace(args: &RunArgs, color: ColorChoice) -> Result<u8> {
    let started = Instant::now();
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        action: "cannot read the current directory",
        path: ".".into(),
        source,
    })?;
    let loc = workspace::locate(args.workspace.manifest_path.as_deref(), &cwd)?;
    let mut cfg = config::load(&loc.root, args.config.as_deref())?;
    let flags = CargoFlags {
        offline: args.workspace.offline,
        locked: args.workspace.locked,
        frozen: args.workspace.frozen,
    };
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
    let results = checks::run_all(&facts, &level_of, &cfg.settings);
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
