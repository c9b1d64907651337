//! Renderers for `cargo readiness audit`: a human report in the manner of
//! `cargo audit`, and JSON that is a drop-in for `cargo audit --json` (the
//! same keys, built from the same rustsec types) plus our additions:
//! `schema_version`, per-vulnerability `kinds`, `paths`, `fix` and
//! `gating`, and a top-level `ignored` list.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::util::printable;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::advisories::audit::{Gating, Report, Vulnerability, Warning, WarningKind};
use crate::advisories::collect::{AdvisoryFacts, human_age};
use crate::advisories::graph::Kinds;

/// Version of our additions to the cargo-audit JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Json<'a> {
    schema_version: u32,
    database: DatabaseJson,
    lockfile: LockfileJson,
    settings: SettingsJson,
    vulnerabilities: VulnerabilitiesJson,
    warnings: BTreeMap<&'static str, Vec<WarningJson>>,
    ignored: Vec<IgnoredJson<'a>>,
}

#[derive(Serialize)]
struct DatabaseJson {
    #[serde(rename = "advisory-count")]
    advisory_count: usize,
    #[serde(rename = "last-commit")]
    last_commit: Option<String>,
    #[serde(rename = "last-updated")]
    last_updated: Option<String>,
}

#[derive(Serialize)]
struct LockfileJson {
    #[serde(rename = "dependency-count")]
    dependency_count: usize,
}

#[derive(Serialize)]
struct SettingsJson {
    target_arch: Vec<String>,
    target_os: Vec<String>,
    severity: Option<String>,
    ignore: Vec<String>,
    informational_warnings: Vec<&'static str>,
}

#[derive(Serialize)]
struct VulnerabilitiesJson {
    found: bool,
    count: usize,
    list: Vec<VulnerabilityJson>,
}

#[derive(Serialize)]
struct VulnerabilityJson {
    #[serde(flatten)]
    inner: rustsec::Vulnerability,
    kinds: Kinds,
    paths: Vec<Vec<String>>,
    fix: Option<String>,
    gating: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fails_on: Option<String>,
}

#[derive(Serialize)]
struct WarningJson {
    #[serde(flatten)]
    inner: rustsec::Warning,
    kinds: Kinds,
    paths: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct IgnoredJson<'a> {
    id: &'a str,
    advisory: &'a str,
    package: &'a str,
    reason: Option<&'a str>,
    until: Option<String>,
    source: &'a str,
}

fn vuln_json(v: &Vulnerability) -> VulnerabilityJson {
    VulnerabilityJson {
        inner: rustsec::Vulnerability::new(&v.advisory, &v.package),
        kinds: v.kinds,
        paths: v.path.clone().into_iter().collect(),
        fix: v.fix.as_ref().map(|f| f.to_string()),
        gating: match v.gating {
            Gating::Deny => "deny",
            Gating::DevOnly => "dev-only",
            Gating::Grace { .. } => "grace",
        },
        fails_on: match &v.gating {
            Gating::Grace { fails_on } => Some(fails_on.to_string()),
            _ => None,
        },
    }
}

fn warning_json(w: &Warning) -> WarningJson {
    WarningJson {
        inner: rustsec::Warning::new(
            w.kind.to_rustsec(),
            &w.package,
            w.advisory.as_ref().map(|a| a.metadata.clone()),
            w.advisory.as_ref().and_then(|a| a.affected.clone()),
            w.advisory.as_ref().map(|a| a.versions.clone()),
        ),
        kinds: w.kinds,
        paths: w.path.clone().into_iter().collect(),
    }
}

/// The `cargo audit --json`-compatible report.
pub fn json(report: &Report, adv: &AdvisoryFacts) -> String {
    let db = adv.prepared.db.as_ref().ok();
    let mut warnings: BTreeMap<&'static str, Vec<WarningJson>> = BTreeMap::new();
    for w in &report.warnings {
        warnings
            .entry(w.kind.as_str())
            .or_default()
            .push(warning_json(w));
    }
    let out = Json {
        schema_version: SCHEMA_VERSION,
        database: DatabaseJson {
            advisory_count: db.map_or(0, |d| d.advisories.len()),
            last_commit: db.and_then(|d| d.last_commit.clone()),
            last_updated: db.and_then(|d| d.last_updated).map(|t| t.to_string()),
        },
        lockfile: LockfileJson {
            dependency_count: report.dependency_count,
        },
        settings: SettingsJson {
            target_arch: adv.settings.target.iter().map(|t| t.arch.clone()).collect(),
            target_os: adv.settings.target.iter().map(|t| t.os.clone()).collect(),
            severity: None,
            ignore: adv.settings.ignores.iter().map(|r| r.id.clone()).collect(),
            informational_warnings: vec!["unmaintained", "unsound", "notice"],
        },
        vulnerabilities: VulnerabilitiesJson {
            found: !report.vulnerabilities.is_empty(),
            count: report.vulnerabilities.len(),
            list: report.vulnerabilities.iter().map(vuln_json).collect(),
        },
        warnings,
        ignored: report
            .ignored
            .iter()
            .map(|i| IgnoredJson {
                id: &i.rule.id,
                advisory: &i.advisory_id,
                package: &i.package,
                reason: i.rule.reason.as_deref(),
                until: i.rule.until.map(|d| d.to_string()),
                source: &i.rule.source,
            })
            .collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

const BOLD: Style = Style::new().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// The human report.
pub fn human(report: &Report, adv: &AdvisoryFacts, lock_path: &str) -> String {
    let mut out = String::new();
    let db = adv.prepared.db.as_ref().ok();
    let _ = writeln!(
        out,
        "{GREEN}{:>12}{GREEN:#} {} security advisories (from {})",
        "Loaded",
        db.map_or(0, |d| d.advisories.len()),
        adv.prepared.location.path.display()
    );
    if let Some(age) = adv.age() {
        let style = if age > adv.max_age { YELLOW } else { DIM };
        let _ = writeln!(
            out,
            "{style}{:>12}{style:#} database last updated {} ago",
            "Age",
            human_age(age)
        );
    }
    let _ = writeln!(
        out,
        "{GREEN}{:>12}{GREEN:#} {lock_path} for vulnerabilities ({} crate dependencies)",
        "Scanning", report.dependency_count
    );
    for v in &report.vulnerabilities {
        let (label, style) = match v.gating {
            Gating::Deny => ("error", RED),
            _ => ("warning", YELLOW),
        };
        let a = &v.advisory.metadata;
        let _ = writeln!(out, "\n{style}{label}{style:#}: {} — {}", a.id, a.title);
        let _ = writeln!(
            out,
            "{BOLD}Crate:{BOLD:#}     {}",
            printable(v.package.name.as_str())
        );
        let _ = writeln!(out, "{BOLD}Version:{BOLD:#}   {}", v.package.version);
        let _ = writeln!(out, "{BOLD}Date:{BOLD:#}      {}", a.date);
        let _ = writeln!(out, "{BOLD}ID:{BOLD:#}        {}", a.id);
        if !a.aliases.is_empty() {
            let aliases: Vec<String> = a.aliases.iter().map(|x| x.to_string()).collect();
            let _ = writeln!(out, "{BOLD}Aliases:{BOLD:#}   {}", aliases.join(", "));
        }
        let url = a
            .url
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_else(|| format!("https://rustsec.org/advisories/{}", a.id));
        let _ = writeln!(out, "{BOLD}URL:{BOLD:#}       {url}");
        if let Some(c) = &a.cvss {
            let _ = writeln!(
                out,
                "{BOLD}Severity:{BOLD:#}  {:.1} ({})",
                c.score(),
                c.severity()
            );
        }
        let _ = writeln!(
            out,
            "{BOLD}Kinds:{BOLD:#}     {}",
            v.kinds.names().join(", ")
        );
        let solution = match &v.fix {
            Some(f) => format!(
                "upgrade to {f}: cargo update -p {}@{} --precise {f}",
                v.package.name, v.package.version
            ),
            None if v.advisory.versions.patched().is_empty() => {
                "no fixed upgrade is available".to_string()
            }
            None => format!(
                "upgrade to {}",
                v.advisory
                    .versions
                    .patched()
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        let _ = writeln!(out, "{BOLD}Solution:{BOLD:#}  {solution}");
        match &v.gating {
            Gating::DevOnly => {
                let _ = writeln!(
                    out,
                    "{BOLD}Note:{BOLD:#}      only dev-dependencies reach it ([advisories] dev = \"warn\")"
                );
            }
            Gating::Grace { fails_on } => {
                let _ = writeln!(
                    out,
                    "{BOLD}Note:{BOLD:#}      within the grace period; fails from {fails_on}"
                );
            }
            Gating::Deny => {}
        }
        if let Some(rule) = &v.expired_ignore
            && let Some(until) = rule.until
        {
            let _ = writeln!(
                out,
                "{BOLD}Note:{BOLD:#}      ignore expired on {until} ({})",
                rule.source
            );
        }
        if let Some(path) = &v.path {
            let _ = writeln!(
                out,
                "{BOLD}Path:{BOLD:#}      {}",
                printable(&path.join(" → "))
            );
        }
    }
    for w in &report.warnings {
        let _ = writeln!(
            out,
            "\n{YELLOW}warning{YELLOW:#}: {} {} {}",
            w.kind.as_str(),
            printable(w.package.name.as_str()),
            w.package.version
        );
        if let Some(a) = &w.advisory {
            let _ = writeln!(out, "{BOLD}Title:{BOLD:#}     {}", a.metadata.title);
            let _ = writeln!(out, "{BOLD}ID:{BOLD:#}        {}", a.metadata.id);
        }
        if let Some(path) = &w.path {
            let _ = writeln!(
                out,
                "{BOLD}Path:{BOLD:#}      {}",
                printable(&path.join(" → "))
            );
        }
    }
    if !report.yanked_unknown.is_empty() {
        let _ = writeln!(
            out,
            "\n{YELLOW}warning{YELLOW:#}: yank status unknown for {} packages ({})",
            report.yanked_unknown.len(),
            report.yanked_unknown[0].2
        );
    }
    for i in &report.ignored {
        let _ = writeln!(
            out,
            "{DIM}ignored {} for {} ({}{}){DIM:#}",
            i.advisory_id,
            i.package,
            i.rule.source,
            i.rule
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
    }
    for rule in &report.unused_ignores {
        let _ = writeln!(
            out,
            "{YELLOW}warning{YELLOW:#}: ignore of {} ({}) matches nothing",
            rule.id, rule.source
        );
    }
    let denied = report.denied().count();
    let warns = report.warnings.len();
    let _ = writeln!(out);
    if report.vulnerabilities.is_empty() {
        let _ = writeln!(
            out,
            "{GREEN}no vulnerabilities found{GREEN:#}{}",
            plural_suffix(" ({} warning{})", warns)
        );
    } else {
        let _ = writeln!(
            out,
            "{RED}{} vulnerabilit{} found{RED:#} ({denied} failing){}",
            report.vulnerabilities.len(),
            if report.vulnerabilities.len() == 1 {
                "y"
            } else {
                "ies"
            },
            plural_suffix(", {} warning{}", warns)
        );
    }
    let _ = WarningKind::Yanked;
    out
}

fn plural_suffix(template: &str, n: usize) -> String {
    if n == 0 {
        return String::new();
    }
    template
        .replacen("{}", &n.to_string(), 1)
        .replacen("{}", if n == 1 { "" } else { "s" }, 1)
}
