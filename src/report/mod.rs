//! Renderers: pure functions from a [`Scorecard`] to text.

pub mod audit;
pub mod human;
pub mod json;
pub mod licenses;

use std::path::Path;

use crate::score::Scorecard;

/// What a report needs besides the scorecard.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The workspace root.
    pub root: &'a Path,
    /// Notes from fact collection (degraded metadata, toolchain retry, …).
    pub notes: &'a [String],
    /// Where configuration came from.
    pub config_source: Option<&'a str>,
}

/// Renders the scorecard in `format`.
pub fn render(card: &Scorecard, ctx: &Context<'_>, format: crate::cli::Format) -> String {
    match format {
        crate::cli::Format::Human => human::render(card, ctx),
        crate::cli::Format::Json => json::render(card, ctx),
    }
}
