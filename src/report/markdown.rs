//! Markdown for `$GITHUB_STEP_SUMMARY` or a pull-request comment: score,
//! verdict, category table, the top findings (linked to their lines when
//! the GitHub environment says where), everything else folded away.

use std::fmt::Write;

use super::Context;
use crate::checks::{CheckResult, Level, Severity, Status};
use crate::score::Scorecard;

/// How many findings are shown before the fold.
const TOP: usize = 15;

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::Skip => "➖",
        Status::Error => "⛔",
    }
}

/// Escapes text for a Markdown table cell or inline text.
fn esc(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn location(ctx: &Context<'_>, path: &str, line: Option<usize>) -> String {
    let label = match line {
        Some(l) => format!("{path}:{l}"),
        None => path.to_string(),
    };
    match ctx.github {
        Some(gh) => {
            let anchor = line.map(|l| format!("#L{l}")).unwrap_or_default();
            let prefix = gh
                .path_prefix
                .as_deref()
                .map(|p| format!("{p}/"))
                .unwrap_or_default();
            format!(
                "[`{label}`]({}/{}/blob/{}/{prefix}{path}{anchor})",
                gh.server, gh.repository, gh.sha
            )
        }
        None => format!("`{label}`"),
    }
}

fn weight(r: &CheckResult, sev: Severity) -> u8 {
    match (sev, r.level) {
        (Severity::Error, Level::Deny) => 0,
        (Severity::Error, _) => 1,
        (Severity::Warning, _) => 2,
        (Severity::Note, _) => 3,
    }
}

/// Renders the summary.
pub fn render(card: &Scorecard, ctx: &Context<'_>) -> String {
    let mut out = String::new();
    let verdict = if card.gate.passed {
        "✅ gate passed"
    } else {
        "❌ gate failed"
    };
    let _ = writeln!(
        out,
        "## cargo-readiness: {:.1}/100 — {verdict}\n\nProfile `{}`, minimum score {}.\n",
        card.score,
        card.profile.as_str(),
        card.gate.min_score
    );
    if !card.gate.reasons.is_empty() {
        for reason in &card.gate.reasons {
            let _ = writeln!(out, "- {}", esc(reason));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "| category | weight | score |\n|---|---:|---:|");
    for c in &card.categories {
        let score = c
            .score
            .map(|s| format!("{s:.1}"))
            .unwrap_or_else(|| "–".into());
        let _ = writeln!(out, "| {} | {} | {score} |", c.id.id(), c.weight);
    }
    let mut findings: Vec<(&CheckResult, &crate::checks::Finding)> = card
        .checks
        .iter()
        .flat_map(|r| {
            r.outcome
                .findings
                .iter()
                .filter(|f| f.counts())
                .map(move |f| (r, f))
        })
        .filter(|(_, f)| f.severity > Severity::Note)
        .collect();
    findings.sort_by_key(|(r, f)| weight(r, f.severity));
    if !findings.is_empty() {
        let _ = writeln!(out, "\n### Top findings\n");
        for (r, f) in findings.iter().take(TOP) {
            let marker = if weight(r, f.severity) == 0 {
                "❌"
            } else {
                "⚠️"
            };
            let at = f
                .path
                .as_deref()
                .map(|p| format!(" {}", location(ctx, p, f.line)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {marker} **{}**{at}: {}",
                r.check.id(),
                esc(&f.message)
            );
            if let Some(help) = &f.help {
                let _ = writeln!(out, "  <br>Fix: {}", esc(help));
            }
        }
        if findings.len() > TOP {
            let _ = writeln!(
                out,
                "\n…and {} more (see the full report).",
                findings.len() - TOP
            );
        }
    }
    let _ = writeln!(
        out,
        "\n<details><summary>All {} checks</summary>\n",
        card.checks.len()
    );
    let _ = writeln!(
        out,
        "| | check | category | level | score | findings |\n|---|---|---|---|---:|---:|"
    );
    for r in &card.checks {
        let score = if r.outcome.status == Status::Skip {
            "–".to_string()
        } else {
            format!("{:.0}", r.outcome.score * 100.0)
        };
        let note = match (r.outcome.status, &r.outcome.note) {
            (Status::Error | Status::Skip, Some(n)) => format!(" ({})", esc(n)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | `{}`{note} | {} | {} | {score} | {} |",
            icon(r.outcome.status),
            r.check.id(),
            r.check.category().id(),
            r.level.as_str(),
            r.outcome.findings.len()
        );
    }
    let _ = writeln!(out, "\n</details>");
    out
}
