//! JUnit XML for CI test dashboards: one test case per check, grouped by
//! category; `fail` and `error` are failures/errors, `skip` is skipped.

use std::fmt::Write;

use super::Context;
use crate::checks::{Category, Status};
use crate::score::Scorecard;

/// Escapes text for XML attributes and content.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Renders the JUnit report.
pub fn render(card: &Scorecard, _ctx: &Context<'_>) -> String {
    let count = |s: Status| card.checks.iter().filter(|r| r.outcome.status == s).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"cargo-readiness\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        card.checks.len(),
        count(Status::Fail),
        count(Status::Error),
        count(Status::Skip)
    );
    for category in Category::ALL {
        let checks: Vec<_> = card
            .checks
            .iter()
            .filter(|r| r.check.category() == category)
            .collect();
        if checks.is_empty() {
            continue;
        }
        let n = |s: Status| checks.iter().filter(|r| r.outcome.status == s).count();
        let time: f64 = checks.iter().map(|r| r.elapsed.as_secs_f64()).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{time:.3}\">",
            category.id(),
            checks.len(),
            n(Status::Fail),
            n(Status::Error),
            n(Status::Skip)
        );
        for r in checks {
            let _ = write!(
                out,
                "    <testcase classname=\"readiness.{}\" name=\"{}\" time=\"{:.3}\"",
                category.id(),
                r.check.id(),
                r.elapsed.as_secs_f64()
            );
            let body: String = r
                .outcome
                .findings
                .iter()
                .map(|f| {
                    let at = match (&f.path, f.line) {
                        (Some(p), Some(l)) => format!(" ({p}:{l})"),
                        (Some(p), None) => format!(" ({p})"),
                        _ => String::new(),
                    };
                    let severity = match f.severity {
                        crate::checks::Severity::Error => "error",
                        crate::checks::Severity::Warning => "warning",
                        crate::checks::Severity::Note => "note",
                    };
                    let aside = match (&f.suppressed, f.baselined) {
                        (Some(s), _) => format!(" [suppressed: {} ({})]", s.reason, s.source),
                        (None, true) => " [known from the baseline]".to_string(),
                        (None, false) => String::new(),
                    };
                    format!("[{severity}] {}{at}{aside}\n", f.message)
                })
                .collect();
            match r.outcome.status {
                Status::Fail => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"{}\" message=\"{} finding(s) at level {}\">{}</failure>\n    </testcase>",
                        r.check.id(),
                        r.outcome.findings.iter().filter(|f| f.counts()).count(),
                        r.level.as_str(),
                        esc(&body)
                    );
                }
                Status::Error => {
                    let _ = writeln!(
                        out,
                        ">\n      <error type=\"could-not-evaluate\" message=\"{}\"/>\n    </testcase>",
                        esc(r
                            .outcome
                            .note
                            .as_deref()
                            .unwrap_or("could not be evaluated"))
                    );
                }
                Status::Skip => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        esc(r.outcome.note.as_deref().unwrap_or("not applicable"))
                    );
                }
                Status::Pass | Status::Warn if !body.is_empty() => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        esc(&body)
                    );
                }
                Status::Pass | Status::Warn => {
                    let _ = writeln!(out, "/>");
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    let _ = writeln!(out, "</testsuites>");
    out
}
