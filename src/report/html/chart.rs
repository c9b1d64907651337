//! The score chart: a horizontal bar per category (and one for the total),
//! on a 0–100 axis with the gate's minimum score drawn as a dashed line.
//! Hand-written SVG (about a hundred lines) rather than a plotting crate:
//! six bars do not justify the build time a `cargo install` user pays.
//! Colours come from the page's CSS classes, so light and dark mode apply.

use std::fmt::Write;

use super::{band, esc};
use crate::score::Scorecard;

const WIDTH: f64 = 640.0;
/// Left edge of the bars (labels sit to its left).
const X0: f64 = 132.0;
/// Length of a 100-point bar.
const SPAN: f64 = 420.0;
const ROW: f64 = 30.0;
const BAR: f64 = 18.0;
const TOP: f64 = 34.0;

fn x(score: f64) -> f64 {
    X0 + SPAN * score.clamp(0.0, 100.0) / 100.0
}

/// One labelled bar; `None` scores draw an empty track marked "n/a".
fn bar(out: &mut String, y: f64, label: &str, score: Option<f64>) {
    let mid = y + BAR / 2.0;
    let _ = write!(
        out,
        r#"<text class="label" x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect class="track" x="{X0}" y="{y}" width="{SPAN}" height="{BAR}" rx="3"/>"#,
        lx = X0 - 10.0,
        ty = mid + 4.5,
        label = esc(label),
    );
    match score {
        Some(s) => {
            let _ = write!(
                out,
                r#"<rect class="bar {band}" x="{X0}" y="{y}" width="{w:.1}" height="{BAR}" rx="3"/><text class="value" x="{vx}" y="{ty}">{s:.1}</text>"#,
                band = band(s),
                w = x(s) - X0,
                vx = X0 + SPAN + 10.0,
                ty = mid + 4.5,
            );
        }
        None => {
            let _ = write!(
                out,
                r#"<text class="value na" x="{vx}" y="{ty}">n/a</text>"#,
                vx = X0 + SPAN + 10.0,
                ty = mid + 4.5,
            );
        }
    }
}

/// The chart as an inline `<svg>` element.
pub fn render(card: &Scorecard) -> String {
    let rows = card.categories.len() as f64 + 1.0;
    // The total's row, a gap, then the categories.
    let bottom = TOP + ROW * rows + 10.0;
    let height = bottom + 24.0;
    let mut desc: Vec<String> = card
        .categories
        .iter()
        .map(|c| match c.score {
            Some(s) => format!("{} {s:.1}", c.id.id()),
            None => format!("{} not scored", c.id.id()),
        })
        .collect();
    desc.push(format!("total {:.1}", card.score));
    let gate = card.gate.min_score;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-title chart-desc"><title id="chart-title">Score by category, with the gate's minimum score</title><desc id="chart-desc">{}; the gate needs a total of at least {gate}.</desc>"#,
        esc(&desc.join(", "))
    );
    out.push_str(r#"<g class="grid">"#);
    for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            out,
            r#"<line x1="{gx}" y1="{y1}" x2="{gx}" y2="{bottom}"/><text class="tick" x="{gx}" y="{ty}" text-anchor="middle">{t}</text>"#,
            gx = x(t),
            y1 = TOP - 6.0,
            ty = TOP - 12.0,
        );
    }
    out.push_str("</g>");
    let _ = write!(out, r#"<g class="total" data-score="{:.1}">"#, card.score);
    bar(&mut out, TOP, "total", Some(card.score));
    out.push_str("</g>");
    for (i, c) in card.categories.iter().enumerate() {
        let y = TOP + 10.0 + ROW * (i as f64 + 1.0);
        let score = c
            .score
            .map(|s| format!("{s:.1}"))
            .unwrap_or_else(|| "not scored (every check skipped)".into());
        let _ = write!(
            out,
            r##"<g class="cat" data-category="{id}"><a href="#cat-{id}"><title>{id}: {score} (weight {w})</title>"##,
            id = c.id.id(),
            w = c.weight,
        );
        bar(&mut out, y, c.id.id(), c.score);
        out.push_str("</a></g>");
    }
    if gate > 0.0 {
        let gx = x(gate);
        let _ = write!(
            out,
            r#"<g class="gate"><line x1="{gx}" y1="{y1}" x2="{gx}" y2="{bottom}"/><text x="{tx}" y="{bottom2}" text-anchor="middle">gate ≥ {gate}</text></g>"#,
            y1 = TOP - 4.0,
            tx = gx,
            bottom2 = bottom + 17.0,
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Category;
    use crate::score::{CategoryScore, Gate, Profile};

    fn card(min_score: f64) -> Scorecard {
        Scorecard {
            profile: Profile::Production,
            score: 80.0,
            gate: Gate {
                passed: true,
                min_score,
                reasons: Vec::new(),
            },
            categories: Category::ALL
                .into_iter()
                .map(|id| CategoryScore {
                    id,
                    weight: id.default_weight(),
                    score: (id != Category::Testing).then_some(50.0),
                })
                .collect(),
            checks: Vec::new(),
        }
    }

    #[test]
    fn a_bar_per_category_and_the_gate_line() {
        let svg = render(&card(75.0));
        assert_eq!(svg.matches("<g class=\"cat\"").count(), 6);
        assert_eq!(
            svg.matches("<rect class=\"bar ").count(),
            6,
            "5 categories + total"
        );
        assert!(
            svg.contains("<text class=\"value na\""),
            "unscored category"
        );
        // 75 on a 420 px axis starting at 132.
        assert!(
            svg.contains("<line x1=\"447\" y1=\"30\" x2=\"447\""),
            "{svg}"
        );
        assert!(svg.contains("gate ≥ 75"));
        assert!(!render(&card(0.0)).contains("class=\"gate\""));
    }
}
