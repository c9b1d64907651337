//! A static SVG badge (`readiness | 82.5`) for READMEs that cannot use a
//! shields.io endpoint: same message and colour bands as [`super::badge`],
//! drawn in the familiar flat style. No fonts or images are fetched.

use crate::score::Scorecard;

/// Hex colours of shields.io's named colours.
fn hex(color: &str) -> &'static str {
    match color {
        "brightgreen" => "#4c1",
        "green" => "#97ca00",
        "yellow" => "#dfb317",
        "orange" => "#fe7d37",
        _ => "#e05d44",
    }
}

/// Approximate advance width (px) of `text` in Verdana 11px, the badge
/// font; `textLength` makes any fallback font fit the same box.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ' ' => 3.9,
            'r' | 't' | 'f' | '/' => 4.9,
            's' | 'c' | 'z' => 5.9,
            'm' | 'w' => 10.0,
            c if c.is_ascii_digit() => 7.0,
            c if c.is_ascii_uppercase() => 7.6,
            _ => 6.8,
        })
        .sum()
}

/// Renders the badge.
pub fn render(card: &Scorecard) -> String {
    let label = "readiness";
    let message = format!("{:.1}", card.score);
    let color = hex(super::badge::color(card.score, card.gate.passed));
    let verdict = if card.gate.passed { "passed" } else { "failed" };
    let (lw, mw) = (
        (text_width(label) + 10.0).round(),
        (text_width(&message) + 10.0).round(),
    );
    let w = lw + mw;
    // Text is drawn at 10x and scaled down, as shields does, for crisp
    // rendering at small sizes.
    let (lx, mx) = (lw * 5.0, (lw + mw / 2.0) * 10.0);
    let (ltl, mtl) = ((lw - 10.0) * 10.0, (mw - 10.0) * 10.0);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{label}: {message}">
<title>{label}: {message}/100, gate {verdict}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{mw}" height="20" fill="{color}"/><rect width="{w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">
<text aria-hidden="true" x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{ltl}">{label}</text>
<text x="{lx}" y="140" transform="scale(.1)" fill="#fff" textLength="{ltl}">{label}</text>
<text aria-hidden="true" x="{mx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{mtl}">{message}</text>
<text x="{mx}" y="140" transform="scale(.1)" fill="#fff" textLength="{mtl}">{message}</text>
</g>
</svg>
"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text() {
        assert!(text_width("100.0") > text_width("9.5"));
        assert!((text_width("readiness") - 52.0).abs() < 8.0);
    }

    #[test]
    fn colours() {
        assert_eq!(hex("brightgreen"), "#4c1");
        assert_eq!(hex("anything else"), "#e05d44");
    }
}
