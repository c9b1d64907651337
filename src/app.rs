//! The run: parse → locate → configure → collect → check → score → render.

use std::io::Write;
use std::time::Instant;

use std::path::Path;

use crate::advisories::audit::{Target, WarningKind};
use crate::advisories::cache;
use crate::advisories::collect::{self, AdvisoryFacts, AdvisoryOptions};
use crate::advisories::fetch::FetchOutcome;
use crate::advisories::graph::{self, DepGraph};
use crate::checks::{self, Check, Level};
use crate::cli::{
    AdvisoryDbArgs, AuditArgs, Cli, ColorChoice, Command, DenyKind, Format, HookAction, ListFormat,
    ReportFormat, RunArgs, SbomArgs, WorkspaceArgs,
};
use crate::config;
use crate::error::{Error, Result};
use crate::facts::platform;
use crate::facts::workspace::{self, CargoFlags};
use crate::facts::{CollectOptions, Facts};
use crate::report;
use crate::score::{self, Profile};
use crate::timings::Timings;
use crate::util::printable;
use clap::ValueEnum;

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
        Some(Command::Audit(args)) => audit(&args, cli.color),
        Some(Command::Init {
            manifest_path,
            dry_run,
            force,
        }) => {
            let cwd = std::env::current_dir().map_err(|source| Error::Io {
                action: "cannot read the current directory",
                path: ".".into(),
                source,
            })?;
            let loc = workspace::locate(manifest_path.as_deref(), &cwd)?;
            let ctx = crate::init::context(&loc.root);
            let plan = crate::init::plan(&loc.root, &ctx);
            for line in crate::init::apply(&loc.root, &plan, dry_run, force)? {
                println!("{line}");
            }
            if !dry_run {
                println!("\nreview the files, then `cargo readiness` to see what is left");
            }
            Ok(exit::OK)
        }
        Some(Command::Hook { action }) => {
            let cwd = std::env::current_dir().map_err(|source| Error::Io {
                action: "cannot read the current directory",
                path: ".".into(),
                source,
            })?;
            let message = match action {
                HookAction::Install { force } => crate::hook::install(&cwd, force)?,
                HookAction::Uninstall => crate::hook::uninstall(&cwd)?,
            };
            println!("{message}");
            Ok(exit::OK)
        }
        Some(Command::Licenses {
            workspace: ws,
            format,
            include_dev,
        }) => {
            let cwd = std::env::current_dir().map_err(|source| Error::Io {
                action: "cannot read the current directory",
                path: ".".into(),
                source,
            })?;
            let loc = workspace::locate(ws.manifest_path.as_deref(), &cwd)?;
            let flags = CargoFlags {
                offline: ws.offline,
                locked: ws.locked,
                frozen: ws.frozen,
            };
            let run = workspace::metadata(&loc, flags, &mut Vec::new())?;
            let meta = run
                .result
                .map_err(|e| Error::Usage(format!("cargo metadata failed: {}", e.reason)))?;
            let resolver = std::fs::read_to_string(meta.workspace_root.join("Cargo.toml"))
                .map_or(2, |t| crate::sbom::resolver_version(&t));
            let inventory = crate::report::licenses::inventory(&meta, resolver, include_dev);
            let text = match format {
                Format::Json => crate::report::licenses::json(&inventory),
                Format::Human => crate::report::licenses::human(&inventory),
            };
            print(&text, cli.color)?;
            Ok(exit::OK)
        }
        None => score_workspace(&cli.run, cli.color),
    }
}

/// The advisory options for a run with these flags and configuration.
fn advisory_options(
    offline: bool,
    db: &AdvisoryDbArgs,
    cfg: &config::Config,
    cli_ignores: &[String],
    target: Option<Target>,
    repository: &Path,
) -> AdvisoryOptions {
    AdvisoryOptions {
        db_flag: db.db.clone(),
        config: cfg.advisories.clone(),
        allow_fetch: !offline && !db.no_fetch && cfg.advisories.fetch,
        online_index: !offline && !db.no_fetch,
        check_yanked: true,
        cli_ignores: cli_ignores.to_vec(),
        target,
        cache_dir: cache::default_dir(),
        repository: Some(repository.to_path_buf()),
    }
}

fn audit(args: &AuditArgs, color: ColorChoice) -> Result<u8> {
    let mut timings = Timings::start(args.workspace.timings);
    let t = Instant::now();
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        action: "cannot read the current directory",
        path: ".".into(),
        source,
    })?;
    let target = match &args.target {
        Some(t) => Some(
            Target::parse(t).ok_or_else(|| Error::Usage(format!("unknown target triple `{t}`")))?,
        ),
        None => None,
    };
    let offline = args.workspace.offline || args.workspace.frozen;
    // The lockfile, the directory that holds it, and a graph to explain paths.
    let (root, lock_path, lock_text, graph_source) = match &args.lockfile {
        Some(path) => {
            let path = if path.is_absolute() {
                path.clone()
            } else {
                cwd.join(path)
            };
            if std::fs::symlink_metadata(&path)
                .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
            {
                return Err(Error::NotCargoProject(format!(
                    "no lock file at {}: generate one with `cargo generate-lockfile`, or leave out --lockfile and cargo resolves the workspace",
                    path.display()
                )));
            }
            let text = read_lockfile(None, &path)?;
            let root = path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| cwd.clone());
            (root, path, text, None)
        }
        None => {
            let loc = workspace::locate(args.workspace.manifest_path.as_deref(), &cwd)?;
            let path = loc.root.join("Cargo.lock");
            // Bounded and regular, never through a symlink out of the
            // repository; only a missing file means "resolve one".
            let existing = std::fs::symlink_metadata(&path)
                .is_ok()
                .then(|| read_lockfile(Some(&loc.root), &path))
                .transpose()?;
            match existing {
                Some(text) => (loc.root.clone(), path, text, None),
                None => {
                    // No lockfile: let cargo resolve one, as cargo-audit does.
                    let flags = CargoFlags {
                        offline,
                        locked: args.workspace.locked,
                        frozen: args.workspace.frozen,
                    };
                    let mut notes = Vec::new();
                    let run = workspace::metadata(&loc, flags, &mut notes)?;
                    let text = run.generated_lockfile.ok_or_else(|| {
                        Error::NotCargoProject(format!(
                            "no Cargo.lock at {} and cargo could not resolve one{}",
                            path.display(),
                            run.result
                                .as_ref()
                                .err()
                                .map(|e| format!(": {}", e.reason))
                                .unwrap_or_default()
                        ))
                    })?;
                    (loc.root.clone(), path, text, run.result.ok())
                }
            }
        }
    };
    let lock = crate::facts::lockfile::parse(&lock_text).map_err(|e| Error::Lockfile {
        path: lock_path.clone(),
        line: None,
        message: format!("not a valid Cargo.lock: {e}"),
    })?;
    // cargo refuses a lockfile that lists a package twice; so does the
    // audit (one of the two would be audited, the other not). The text is
    // searched for the line only when the parsed packages repeat.
    if crate::facts::lockfile::has_duplicates(&lock)
        && let Some((name, version, line)) = crate::facts::duplicate_lock_entry(&lock_text)
    {
        return Err(Error::Lockfile {
            path: lock_path.clone(),
            line: Some(line),
            message: format!(
                "{name} {version} is listed twice; regenerate it with `cargo generate-lockfile`"
            ),
        });
    }
    let cfg = if args.config.is_some()
        || root.join("Cargo.toml").is_file()
        || root.join(config::FILE_NAME).is_file()
    {
        config::load(
            &root,
            &workspace::repository_of(&root),
            args.config.as_deref(),
        )?
    } else {
        config::Config::default()
    };
    timings.add("read Cargo.lock + config", t.elapsed());
    let opts = advisory_options(
        offline,
        &args.db,
        &cfg,
        &args.ignore,
        target,
        &workspace::repository_of(&root),
    );
    let t = Instant::now();
    let (prepared, yanked_opts) = (collect::prepare_db(&opts), opts.clone());
    timings.add("advisory db", t.elapsed());
    let t = Instant::now();
    let graph = match &graph_source {
        Some(meta) => {
            let resolver = std::fs::read_to_string(meta.workspace_root.join("Cargo.toml"))
                .map_or(2, |t| crate::sbom::resolver_version(&t));
            DepGraph::from_resolved(meta, resolver)
        }
        None => {
            let members = workspace::members_from_manifests(&root).unwrap_or_default();
            let ws_deps: Option<toml::Table> = workspace::read_manifest(&root.join("Cargo.toml"))
                .ok()
                .and_then(|t| t.get("workspace")?.get("dependencies")?.as_table().cloned());
            let kinds = members
                .iter()
                .filter_map(|m| {
                    let t = workspace::read_manifest(&root.join(&m.manifest)).ok()?;
                    Some((m.name.clone(), graph::manifest_kinds(&t, ws_deps.as_ref())))
                })
                .collect();
            DepGraph::from_lockfile(&lock, &kinds)
        }
    };
    timings.add("dependency graph", t.elapsed());
    let t = Instant::now();
    let adv = AdvisoryFacts::new(prepared, &yanked_opts, &root, Some(&lock));
    timings.add("yank status", t.elapsed());
    let t = Instant::now();
    let db = match &adv.prepared.db {
        Ok(db) => db,
        Err(e) => {
            let why = match &adv.prepared.fetch {
                FetchOutcome::Failed(f) => format!(" (fetching failed: {f})"),
                FetchOutcome::Disabled => " (fetching is disabled)".into(),
                _ => String::new(),
            };
            return Err(Error::Usage(format!(
                "{e}{why}; pass --db PATH to an advisory-db checkout, or run once online"
            )));
        }
    };
    let Some(report) = adv.report(&lock, &graph) else {
        return Err(Error::Usage(
            "the advisory database could not be loaded".into(),
        ));
    };
    let lock_display = lock_path
        .strip_prefix(&cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| lock_path.display().to_string());
    timings.add("match advisories", t.elapsed());
    let t = Instant::now();
    let text = match args.format {
        Format::Json => report::audit::json(report, &adv),
        Format::Human => report::audit::human(report, &adv, &lock_display),
    };
    print(&text, color)?;
    timings.add("render", t.elapsed());
    timings.print();
    if let FetchOutcome::Failed(why) = &adv.prepared.fetch {
        eprintln!(
            "warning: could not update the advisory database ({}); using the copy at {}",
            printable(why),
            printable(&adv.prepared.location.path.display().to_string())
        );
    }
    for problem in adv.ignore_problems.iter().chain(&adv.prepared.notes) {
        eprintln!("warning: {}", printable(problem));
    }
    if !db.bad.is_empty() {
        for bad in &db.bad {
            eprintln!(
                "error: advisory {} cannot be parsed: {}",
                printable(&bad.path.display().to_string()),
                printable(&bad.message)
            );
        }
        return Ok(exit::COULD_NOT_RUN);
    }
    let denied_warning = report.warnings.iter().any(|w| {
        args.deny.iter().any(|d| match d {
            DenyKind::Warnings => true,
            DenyKind::Unmaintained => w.kind == WarningKind::Unmaintained,
            DenyKind::Unsound => w.kind == WarningKind::Unsound,
            DenyKind::Yanked => w.kind == WarningKind::Yanked,
        })
    });
    Ok(if report.denied().next().is_some() || denied_warning {
        exit::GATE_FAILED
    } else {
        exit::OK
    })
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

/// The audit's vulnerabilities, pointed at the SBOM's components.
fn sbom_vulnerabilities(
    report: &crate::advisories::audit::Report,
    sbom: &crate::sbom::Sbom,
) -> Vec<crate::sbom::Vulnerability> {
    report
        .vulnerabilities
        .iter()
        .map(|v| {
            let m = &v.advisory.metadata;
            let (name, version) = (v.package.name.as_str(), v.package.version.to_string());
            crate::sbom::Vulnerability {
                id: m.id.to_string(),
                aliases: m.aliases.iter().map(|a| a.to_string()).collect(),
                title: m.title.clone(),
                description: Some(m.description.clone()).filter(|d| !d.is_empty()),
                url: Some(
                    m.url
                        .as_ref()
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| format!("https://rustsec.org/advisories/{}", m.id)),
                ),
                cvss: m.cvss.as_ref().map(|c| c.to_string()),
                score: m
                    .cvss
                    .as_ref()
                    .map(|c| (c.score(), c.severity().to_string())),
                affects: sbom
                    .components
                    .iter()
                    .chain(std::iter::once(&sbom.root))
                    .filter(|c| c.name == name && c.version == version)
                    .map(|c| c.bom_ref.clone())
                    .collect(),
                patched: v
                    .advisory
                    .versions
                    .patched()
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            }
        })
        .collect()
}

fn sbom(args: &SbomArgs) -> Result<u8> {
    use crate::sbom::{self, DocumentOptions, output};

    let mut timings = Timings::start(args.cargo.timings);
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
    // The advisory database loads while cargo resolves.
    let advisory_opts = if args.with_vulnerabilities {
        let cfg = config::load(&loc.root, &loc.repository, None)?;
        let offline = args.cargo.offline || args.cargo.frozen;
        let mut opts = advisory_options(offline, &args.db, &cfg, &[], None, &loc.repository);
        opts.check_yanked = false;
        Some(opts)
    } else {
        None
    };
    let (facts, platforms, prepared) = std::thread::scope(|scope| {
        let prepared = advisory_opts
            .as_ref()
            .map(|o| scope.spawn(move || collect::prepare_db(o)));
        let platforms = scope.spawn(|| -> std::result::Result<_, String> {
            if all_targets {
                return Ok(sbom::graph::Platforms::default());
            }
            let toolchain = crate::facts::toolchain::for_root(&loc.root);
            let host = platform::describe(toolchain, None)?;
            let target = match args.target.as_deref() {
                Some(t) if t != host.triple => platform::describe(toolchain, Some(t))?,
                _ => host.clone(),
            };
            Ok(sbom::graph::Platforms {
                target: Some(target),
                host: Some(host),
            })
        });
        let facts = Facts::collect_graph(&loc, cargo_flags(&args.cargo), &resolve);
        (
            facts,
            platforms.join(),
            prepared.and_then(|p| p.join().ok()),
        )
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
    let audit = match (&advisory_opts, prepared) {
        (Some(opts), Some(prepared)) => {
            if let Err(e) = &prepared.db {
                return Err(sbom_error(format!(
                    "--with-vulnerabilities needs the advisory database: {e}; pass --db PATH or run once online"
                )));
            }
            let lock = facts
                .lockfile
                .as_ref()
                .and_then(|l| l.parsed.as_ref().ok())
                .ok_or_else(|| {
                    sbom_error("--with-vulnerabilities needs a readable Cargo.lock".into())
                })?;
            let adv = AdvisoryFacts::new(prepared, opts, &facts.root, Some(lock));
            let graph = DepGraph::from_metadata(meta);
            adv.report(lock, &graph).cloned()
        }
        _ => None,
    };
    let t = Instant::now();
    // One document: the graph from `root`, its vulnerabilities, rendered.
    let document = |root: &_| -> Result<(String, Vec<u8>)> {
        let built =
            sbom::build(&facts, root, &graph_opts).map_err(|e| sbom_error(e.to_string()))?;
        let vulnerabilities = audit
            .as_ref()
            .map(|report| sbom_vulnerabilities(report, &built));
        let built = built.with_vulnerabilities(vulnerabilities);
        let bytes = sbom::render(&built, &doc).map_err(|e| sbom_error(e.to_string()))?;
        let name = format!(
            "{}-{}.{}",
            built.root.name,
            built.root.version,
            args.format.extension()
        );
        Ok((name, bytes))
    };
    let destination = output::Destination::from_arg(args.output.as_deref());
    let several = args.workspace || roots.len() > 1;
    match (destination, several) {
        (output::Destination::Stdout, false) => {
            for root in &roots {
                output::to_stdout(&document(root)?.1)?;
            }
        }
        (output::Destination::Stdout, true) => {
            return Err(Error::Usage(format!(
                "{} packages selected: give a directory with -o DIR to receive one SBOM each",
                roots.len()
            )));
        }
        (output::Destination::Path(path), false) => {
            for root in &roots {
                output::write_atomic(&path, &document(root)?.1)?;
            }
        }
        (output::Destination::Path(dir), true) => {
            std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
                action: "cannot create directory",
                path: dir.clone(),
                source,
            })?;
            // Members are independent: built and rendered on all cores, and
            // each staged beside its target once rendered, so memory holds a
            // document per core rather than all of them. Renamed into place
            // only when every one succeeded: a failure leaves the directory
            // as it was.
            let staged = crate::util::parallel_map(&roots, |root| {
                let (name, bytes) = document(root)?;
                let path = dir.join(name);
                crate::util::StagedWrite::new(&path, &bytes).map_err(|source| Error::Io {
                    action: "cannot write",
                    path,
                    source,
                })
            })
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
            for write in staged {
                let path = write.path().to_path_buf();
                write.commit().map_err(|source| Error::Io {
                    action: "cannot write",
                    path: path.clone(),
                    source,
                })?;
                eprintln!("wrote {}", printable(&path.display().to_string()));
            }
        }
    }
    let sbom_time = t.elapsed();
    timings.extend(&facts.timings);
    timings.add("sbom", sbom_time);
    timings.print();
    Ok(exit::OK)
}

fn score_workspace(args: &RunArgs, color: ColorChoice) -> Result<u8> {
    let mut timings = Timings::start(args.workspace.timings || args.verbose);
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        action: "cannot read the current directory",
        path: ".".into(),
        source,
    })?;
    refuse_shared_outputs(args, &cwd)?;
    let loc = workspace::locate(args.workspace.manifest_path.as_deref(), &cwd)?;
    let mut cfg = config::load(&loc.root, &loc.repository, args.config.as_deref())?;
    let flags = CargoFlags {
        offline: args.workspace.offline,
        locked: args.workspace.locked,
        frozen: args.workspace.frozen,
    };
    let profile_of =
        |cfg: &config::Config| args.profile.or(cfg.profile).unwrap_or(Profile::Production);
    let level_of_with = |cfg: &config::Config, c: &dyn Check| -> Level {
        cfg.checks
            .get(c.id())
            .copied()
            .unwrap_or_else(|| profile_of(cfg).level_for(c))
    };
    // The database is only loaded when a check will read it.
    let wants_advisories = |cfg: &config::Config| {
        ["advisories", "yanked"]
            .iter()
            .filter_map(|id| checks::find(id))
            .any(|c| level_of_with(cfg, c) != Level::Allow)
    };
    let offline = args.workspace.offline || args.workspace.frozen;
    let opts = CollectOptions {
        flags,
        config: cfg.clone(),
        advisories: wants_advisories(&cfg)
            .then(|| advisory_options(offline, &args.db, &cfg, &[], None, &loc.repository)),
    };
    crate::exec::set_quiet(args.quiet);
    let progress = crate::progress::Progress::start(
        "collecting facts (cargo metadata, git, advisory database)",
        !args.quiet,
    );
    let facts = Facts::collect(&loc, &opts);
    drop(progress);
    let mut facts = facts?;
    if facts.root != loc.root && args.config.is_none() {
        // cargo placed the workspace root elsewhere than our guess: that
        // root's configuration applies (and, when it wants the audit the
        // first one did not, collect again with it).
        cfg = config::load(&facts.root, &workspace::repository_of(&facts.root), None)?;
        if wants_advisories(&cfg) && facts.advisories.is_none() {
            let opts = CollectOptions {
                flags,
                config: cfg.clone(),
                advisories: Some(advisory_options(
                    offline,
                    &args.db,
                    &cfg,
                    &[],
                    None,
                    &workspace::repository_of(&facts.root),
                )),
            };
            facts = Facts::collect(
                &workspace::locate(Some(&facts.root.join("Cargo.toml")), &cwd)?,
                &opts,
            )?;
        }
        facts.config = cfg.clone();
    }
    let profile = profile_of(&cfg);
    let min_score = args
        .min_score
        .or(cfg.min_score)
        .unwrap_or(profile.min_score());
    let level_of = |c: &dyn Check| -> Level { level_of_with(&cfg, c) };
    timings.extend(&facts.timings);
    let t = Instant::now();
    let mut results = checks::run_all(&facts, &level_of);
    timings.add("checks (parallel)", t.elapsed());
    if timings.enabled() {
        for r in &results {
            timings.add(format!("  check {}", r.check.id()), r.elapsed);
        }
    }

    // Suppressions: the inline comments in the files findings point at,
    // and `[[suppress]]` entries, each with its reason.
    let located = results
        .iter()
        .flat_map(|r| r.outcome.findings.iter())
        .filter(|f| f.line.is_some())
        .filter_map(|f| f.path.as_deref());
    let comments = crate::facts::inline_ignores::collect(&facts, located);
    let applied =
        crate::suppress::apply(&mut results, &comments, &cfg.suppress, crate::util::today());
    let mut notes = facts.notes.clone();
    notes.extend(applied.warnings.iter().map(|w| format!("suppression: {w}")));

    // Baselines: record the current findings, and/or accept recorded ones.
    let mut known = std::collections::BTreeSet::new();
    if let Some(path) = &args.baseline {
        known = crate::baseline::read(path, None)?;
    } else if let Some(b) = &cfg.baseline {
        // Named by the configuration: inside the repository unless the
        // user's own file (outside it) named it.
        let within = (!cfg.trusted).then(|| workspace::repository_of(&facts.root));
        known = crate::baseline::read(&facts.root.join(b), within.as_deref())?;
    }
    if let Some(path) = &args.write_baseline {
        let count = crate::baseline::write(path, &results)?;
        eprintln!(
            "wrote {count} finding(s) to the baseline {}",
            path.display()
        );
        known.extend(
            results
                .iter()
                .flat_map(|r| r.outcome.findings.iter().map(|f| f.fingerprint.clone())),
        );
    }
    let baselined = crate::baseline::apply(&mut results, &known);
    let card = score::score(results, &cfg.weights, profile, min_score);

    let prefix = facts.git.as_ref().and_then(|g| g.prefix.clone());
    let github = report::GithubLinks::from_env(prefix);
    let project = report::project::Project::from_facts(&facts);
    // The dependency summary only feeds the HTML page.
    let wants_html = args.format == ReportFormat::Html
        || args.outputs.iter().any(|(f, _)| *f == ReportFormat::Html);
    let dependencies = wants_html
        .then(|| report::deps::summarise(&facts))
        .flatten();
    let ctx = report::Context {
        root: &facts.root,
        notes: &notes,
        config_source: cfg.source.as_deref(),
        github: github.as_ref(),
        baselined,
        suppressed: applied.suppressed,
        now: facts.now,
        junit_warn_failure: args.junit_warn == crate::cli::JunitWarn::Failure,
        repo_prefix: facts.git.as_ref().and_then(|g| g.prefix.as_deref()),
        project: Some(&project),
        dependencies: dependencies.as_ref(),
    };
    let t = Instant::now();
    for (format, path) in &args.outputs {
        let text = report::render(&card, &ctx, *format);
        let text = if *format == ReportFormat::Human {
            strip_ansi(&text)
        } else {
            text
        };
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        parent
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| crate::util::write_atomic(path, text.as_bytes()))
            .map_err(|source| Error::Io {
                action: "cannot write the report to",
                path: path.clone(),
                source,
            })?;
    }
    if args.quiet {
        if !card.gate.passed {
            eprintln!(
                "cargo-readiness: gate FAILED (score {:.1}, profile {})",
                card.score,
                card.profile.as_str()
            );
            for reason in &card.gate.reasons {
                eprintln!("  - {}", printable(reason));
            }
            eprintln!("run `cargo readiness` for the findings");
        }
    } else {
        print(&report::render(&card, &ctx, args.format), color)?;
    }
    timings.add("render and write", t.elapsed());
    timings.print();
    let passed = card.gate.passed;
    // The process exits next: freeing every file's text, the graph and the
    // scans one allocation at a time is wasted work (~10 ms on a workspace
    // of 400 members). The OS takes the memory back at once.
    std::mem::forget(facts);
    std::mem::forget(card);
    Ok(if passed { exit::OK } else { exit::GATE_FAILED })
}

/// Two outputs of one run to the same file would leave only one of them
/// (whichever was written last): a usage error, before anything runs.
fn refuse_shared_outputs(args: &RunArgs, cwd: &Path) -> Result<()> {
    let mut seen: Vec<(std::path::PathBuf, String)> = Vec::new();
    let named = args
        .outputs
        .iter()
        .map(|(format, path)| {
            let name = format
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default();
            (path, format!("-o {name}={}", path.display()))
        })
        .chain(
            args.write_baseline
                .iter()
                .map(|p| (p, format!("--write-baseline {}", p.display()))),
        );
    for (path, flag) in named {
        // The same file by any spelling: `a.json`, `./a.json`, a symlink.
        let absolute = config::normalize(&cwd.join(path));
        let key = std::fs::canonicalize(&absolute).unwrap_or(absolute);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(Error::Usage(format!(
                "`{first}` and `{flag}` name the same file; give each output its own path"
            )));
        }
        seen.push((key, flag));
    }
    Ok(())
}

/// Removes ANSI escape sequences (human reports written to files).
fn strip_ansi(text: &str) -> String {
    let mut out = Vec::new();
    let mut w = anstream::StripStream::new(&mut out);
    let _ = w.write_all(text.as_bytes());
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes to stdout, stripping ANSI styles when colour is off.
fn print(text: &str, color: ColorChoice) -> Result<()> {
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    let text = crate::util::terminal_safe(text);
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

/// Reads a lock file for `audit`: at most 16 MB, a regular file, text; with
/// `root`, not through a symlink leading out of it.
fn read_lockfile(root: Option<&Path>, path: &Path) -> Result<String> {
    crate::facts::files::read_own_file(root, path).map_err(|problem| Error::Lockfile {
        path: path.to_path_buf(),
        line: match problem {
            crate::facts::files::TextProblem::NotUtf8 { line } => Some(line),
            _ => None,
        },
        message: format!("the file {problem}"),
    })
}
