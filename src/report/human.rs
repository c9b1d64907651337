//! The human report: summary table, then findings grouped by check.
//!
//! Colour is written as ANSI styles unconditionally; the output layer
//! (`anstream`) strips them for pipes, `NO_COLOR` and `--color never`.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::Context;
use crate::checks::{CheckResult, Level, Severity, Status};
use crate::score::Scorecard;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default();

fn status_style(status: Status) -> Style {
    match status {
        Status::Pass => GREEN,
        Status::Warn => YELLOW,
        Status::Fail | Status::Error => RED,
        Status::Skip => DIM,
    }
}

fn score_text(score: Option<f64>) -> String {
    score
        .map(|s| format!("{s:.1}"))
        .unwrap_or_else(|| "-".into())
}

/// Writes out control characters in repository-supplied text, so a
/// hostile file cannot send escape sequences to the terminal.
fn clean(text: &str) -> String {
    crate::util::printable(text).into_owned()
}

/// Findings shown per check; the rest are counted.
const MAX_PER_CHECK: usize = 25;

/// Renders the report.
pub fn render(card: &Scorecard, ctx: &Context<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{BOLD}cargo-readiness {}{BOLD:#} {DIM}{} (profile {}){DIM:#}",
        env!("CARGO_PKG_VERSION"),
        ctx.root.display(),
        card.profile.as_str()
    );
    for note in ctx.notes {
        let _ = writeln!(out, "{YELLOW}note:{YELLOW:#} {}", clean(note));
    }
    let _ = writeln!(out);

    let _ = writeln!(
        out,
        "  {BOLD}{:<14} {:>6} {:>6}{BOLD:#}",
        "category", "weight", "score"
    );
    for c in &card.categories {
        let _ = writeln!(
            out,
            "  {:<14} {:>6} {:>6}",
            c.id.id(),
            c.weight,
            score_text(c.score)
        );
    }
    let _ = writeln!(out);

    let width = card
        .checks
        .iter()
        .map(|r| r.check.id().len())
        .max()
        .unwrap_or(10);
    let _ = writeln!(
        out,
        "  {BOLD}{:<5} {:<width$}  {:<4}{BOLD:#}",
        "found", "check", "level"
    );
    for r in &card.checks {
        let style = status_style(r.outcome.status);
        let count = r
            .outcome
            .findings
            .iter()
            .filter(|f| f.severity > Severity::Note && f.counts())
            .count();
        let detail = match (r.outcome.status, &r.outcome.note) {
            (Status::Skip | Status::Error, Some(note)) => clean(note),
            _ if count > 0 => format!("{count} finding{}", if count == 1 { "" } else { "s" }),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {style}{:<5}{style:#} {:<width$}  {DIM}{:<4}{DIM:#}  {}",
            r.outcome.status.as_str(),
            r.check.id(),
            r.level.as_str(),
            detail,
        );
    }

    // Two vocabularies side by side (`fail … warn`): say which is which.
    let _ = writeln!(
        out,
        "  {DIM}found: what the check found (pass, warn, fail, skip, error); level: what a failure does (deny fails the gate, warn lowers the score, allow is silenced){DIM:#}"
    );

    let with_findings: Vec<&CheckResult> = card
        .checks
        .iter()
        .filter(|r| !r.outcome.findings.is_empty())
        .collect();
    if !with_findings.is_empty() {
        let _ = writeln!(out, "\n{BOLD}Findings{BOLD:#}");
    }
    for r in with_findings {
        let _ = writeln!(
            out,
            "\n{BOLD}{}{BOLD:#} {DIM}({}, {}) {}{DIM:#}",
            r.check.id(),
            r.check.category().id(),
            r.level.as_str(),
            r.check.summary()
        );
        // A check with hundreds of findings (unsafe blocks in a large
        // crate) shows the first ones; JSON and SARIF keep them all.
        for f in r.outcome.findings.iter().take(MAX_PER_CHECK) {
            let (label, style) = match (f.severity, r.level) {
                // Set aside by a person (with a reason) or by the
                // baseline: listed, not counted.
                _ if f.suppressed.is_some() => ("suppressed", DIM),
                _ if f.baselined => ("known", DIM),
                (Severity::Error, Level::Deny) => ("error", RED),
                (Severity::Error | Severity::Warning, _) => ("warning", YELLOW),
                (Severity::Note, _) => ("note", CYAN),
            };
            let _ = writeln!(out, "  {style}{label}{style:#}: {}", clean(&f.message));
            if let Some(path) = &f.path {
                let at = match f.line {
                    Some(line) => format!("{path}:{line}"),
                    None => path.clone(),
                };
                let _ = writeln!(out, "    {CYAN}-->{CYAN:#} {}", clean(&at));
            }
            if let Some(s) = &f.suppressed {
                let _ = writeln!(
                    out,
                    "    {DIM}why{DIM:#}: {} {DIM}({}){DIM:#}",
                    clean(&s.reason),
                    clean(&s.source)
                );
            } else if let Some(help) = &f.help {
                let _ = writeln!(out, "    {GREEN}help{GREEN:#}: {}", clean(help));
            }
        }
        let hidden = r.outcome.findings.len().saturating_sub(MAX_PER_CHECK);
        if hidden > 0 {
            let _ = writeln!(
                out,
                "  {DIM}… and {hidden} more (all of them: --format json or sarif){DIM:#}"
            );
        }
    }

    let _ = writeln!(out);
    let verdict = if card.gate.passed {
        format!("{GREEN}PASSED{GREEN:#}")
    } else {
        format!("{RED}FAILED{RED:#}")
    };
    let _ = writeln!(
        out,
        "{BOLD}Score {:.1}/100{BOLD:#}   gate {verdict} {DIM}(profile {}, minimum {}){DIM:#}",
        card.score,
        card.profile.as_str(),
        card.gate.min_score
    );
    for reason in &card.gate.reasons {
        let _ = writeln!(out, "  - {reason}");
    }
    if ctx.suppressed > 0 {
        let _ = writeln!(
            out,
            "  {DIM}{} finding(s) suppressed, each with its reason (listed above, not counted){DIM:#}",
            ctx.suppressed
        );
    }
    if !card.gate.passed {
        let _ = writeln!(
            out,
            "{DIM}`cargo readiness explain <check>` says how to fix each check.{DIM:#}"
        );
    }
    out
}
