//! A shields.io endpoint badge: `https://img.shields.io/endpoint?url=…`.

use serde_json::json;

use crate::score::Scorecard;

/// The badge colour for a score band.
pub fn color(score: f64, passed: bool) -> &'static str {
    if !passed {
        return if score >= 75.0 { "orange" } else { "red" };
    }
    match score {
        s if s >= 90.0 => "brightgreen",
        s if s >= 75.0 => "green",
        s if s >= 60.0 => "yellow",
        s if s >= 40.0 => "orange",
        _ => "red",
    }
}

/// Renders the endpoint JSON.
pub fn render(card: &Scorecard) -> String {
    let badge = json!({
        "schemaVersion": 1,
        "label": "readiness",
        "message": format!("{:.1}", card.score),
        "color": color(card.score, card.gate.passed),
    });
    let mut s = serde_json::to_string_pretty(&badge).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        assert_eq!(color(95.0, true), "brightgreen");
        assert_eq!(color(80.0, true), "green");
        assert_eq!(color(65.0, true), "yellow");
        assert_eq!(color(10.0, true), "red");
        assert_eq!(color(80.0, false), "orange");
    }
}
