//! The JSON report: the machine contract (`schema_version` 1).
//!
//! Fields are only ever added; renaming or removing one needs a new
//! `schema_version`. See `docs/json.md`.

use serde::Serialize;

use super::Context;
use crate::checks::{Finding, Level, Status};
use crate::score::{Gate, Scorecard};

/// Version of the report's JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool: Tool,
    root: String,
    profile: &'static str,
    score: f64,
    gate: &'a Gate,
    categories: Vec<CategoryOut>,
    checks: Vec<CheckOut<'a>>,
    notes: &'a [String],
    config: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct CategoryOut {
    id: &'static str,
    weight: u32,
    score: Option<f64>,
}

#[derive(Serialize)]
struct CheckOut<'a> {
    id: &'static str,
    category: &'static str,
    level: Level,
    status: Status,
    /// 0–100, one decimal; `null` when skipped.
    score: Option<f64>,
    weight: u32,
    summary: &'static str,
    note: Option<&'a str>,
    findings: &'a [Finding],
}

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render(card: &Scorecard, ctx: &Context<'_>) -> String {
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        root: ctx.root.display().to_string(),
        profile: card.profile.as_str(),
        score: card.score,
        gate: &card.gate,
        categories: card
            .categories
            .iter()
            .map(|c| CategoryOut {
                id: c.id.id(),
                weight: c.weight,
                score: c.score,
            })
            .collect(),
        checks: card
            .checks
            .iter()
            .map(|r| CheckOut {
                id: r.check.id(),
                category: r.check.category().id(),
                level: r.level,
                status: r.outcome.status,
                score: (r.outcome.status != Status::Skip)
                    .then(|| (r.outcome.score * 1000.0).round() / 10.0),
                weight: r.weight,
                summary: r.check.summary(),
                note: r.outcome.note.as_deref(),
                findings: &r.outcome.findings,
            })
            .collect(),
        notes: ctx.notes,
        config: ctx.config_source,
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_else(|e| {
        // Serialising plain structs cannot fail; keep the contract if it does.
        format!("{{\"schema_version\":{SCHEMA_VERSION},\"error\":\"{e}\"}}")
    });
    out.push('\n');
    out
}
