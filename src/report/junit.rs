//! JUnit XML for CI test dashboards: one test suite per category, one test
//! case per check, and a last `gate` suite whose one case fails exactly
//! when the gate does.
//!
//! A passing gate must not turn a test reporter red: only checks that fail
//! the gate (level `deny`, status `fail` or `error`) are `<failure>` /
//! `<error>`; the findings of the other checks are the suite's
//! `<system-out>` (`--junit-warn failure` makes warn-level failures
//! `<failure>` too). A failure's message is the finding's own, led by its
//! `path:line`.
//!
//! The document is valid against both schemas reporters implement: the
//! Jenkins xUnit plugin's `junit-10.xsd` and the Ant `JUnit.xsd` (Windy
//! Road); `tests/outputs.rs` validates it against both
//! (`fixtures/junit-schemas/`). Together they allow no attributes on
//! `<testsuites>`, no `file`/`line` on a test case and at most one child
//! per case, and require each suite's `timestamp`, `hostname`, `package`,
//! `id`, `<properties>`, `<system-out>` and `<system-err>` — hence the
//! location in the message, and `hostname="localhost"` (a report is about
//! the repository, not the machine).

use std::fmt::Write;

use super::Context;
use crate::checks::{Category, CheckResult, Finding, Level, Severity, Status};
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

/// How a check appears in the report.
enum Verdict {
    /// Fails the gate (or a warn-level failure under `--junit-warn failure`).
    Failure,
    /// Could not be evaluated, at a level that fails the gate.
    Error,
    /// Not applicable.
    Skipped,
    /// Passes the gate; its findings, if any, go to the suite's output.
    Passed,
}

fn verdict(r: &CheckResult, warn_fails: bool) -> Verdict {
    let gating = r.level == Level::Deny || (warn_fails && r.level == Level::Warn);
    match r.outcome.status {
        Status::Skip => Verdict::Skipped,
        Status::Fail if gating => Verdict::Failure,
        Status::Warn if warn_fails && r.level != Level::Allow => Verdict::Failure,
        Status::Error if gating => Verdict::Error,
        _ => Verdict::Passed,
    }
}

/// `path:line: ` (or `path: `), or nothing without a file.
fn location(f: &Finding) -> String {
    match (&f.path, f.line) {
        (Some(p), Some(l)) => format!("{p}:{l}: "),
        (Some(p), None) => format!("{p}: "),
        _ => String::new(),
    }
}

/// As the human report says it: an error fails the gate only at `deny`.
fn severity(f: &Finding, level: Level) -> &'static str {
    match (f.severity, level) {
        (Severity::Error, Level::Deny) => "error",
        (Severity::Error | Severity::Warning, _) => "warning",
        (Severity::Note, _) => "note",
    }
}

/// One line per finding: location, severity, message, and the fix or why
/// it was set aside.
fn finding_lines(r: &CheckResult) -> String {
    let mut out = String::new();
    for f in &r.outcome.findings {
        let aside = match (&f.suppressed, f.baselined) {
            (Some(s), _) => format!(" [suppressed: {} ({})]", s.reason, s.source),
            (None, true) => " [known from the baseline]".to_string(),
            (None, false) => String::new(),
        };
        let _ = writeln!(
            out,
            "{}{} [{}]: {}{aside}",
            location(f),
            r.check.id(),
            severity(f, r.level),
            f.message
        );
        if let (Some(help), true) = (&f.help, f.counts()) {
            let _ = writeln!(out, "    fix: {help}");
        }
    }
    out
}

/// The failure's message: the first counted finding's own message with its
/// location, and how many more there are.
fn failure_message(r: &CheckResult) -> String {
    let mut counted: Vec<&Finding> = r
        .outcome
        .findings
        .iter()
        .filter(|f| f.counts() && f.severity > Severity::Note)
        .collect();
    counted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    match counted.first() {
        Some(first) => {
            let more = counted.len() - 1;
            let mut m = format!("{}{}", location(first), first.message);
            if more > 0 {
                let _ = write!(m, " (and {more} more)");
            }
            m
        }
        None => format!("{} failed", r.check.id()),
    }
}

fn timestamp(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00".to_string())
}

/// Writes one `<testsuite>` element.
struct Suite<'a> {
    name: &'a str,
    id: usize,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    time: f64,
    properties: String,
    cases: String,
    output: String,
}

impl Suite<'_> {
    fn write(&self, out: &mut String, stamp: &str) {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{0}\" package=\"readiness.{0}\" id=\"{1}\" timestamp=\"{stamp}\" hostname=\"localhost\" tests=\"{2}\" failures=\"{3}\" errors=\"{4}\" skipped=\"{5}\" time=\"{6:.3}\">",
            esc(self.name),
            self.id,
            self.tests,
            self.failures,
            self.errors,
            self.skipped,
            self.time
        );
        if self.properties.is_empty() {
            out.push_str("    <properties/>\n");
        } else {
            let _ = write!(
                out,
                "    <properties>\n{}    </properties>\n",
                self.properties
            );
        }
        out.push_str(&self.cases);
        if self.output.is_empty() {
            out.push_str("    <system-out/>\n");
        } else {
            let _ = writeln!(out, "    <system-out>{}</system-out>", esc(&self.output));
        }
        out.push_str("    <system-err/>\n  </testsuite>\n");
    }
}

/// Renders the JUnit report.
pub fn render(card: &Scorecard, ctx: &Context<'_>) -> String {
    let stamp = timestamp(ctx.now);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    let mut id = 0;
    for category in Category::ALL {
        let checks: Vec<&CheckResult> = card
            .checks
            .iter()
            .filter(|r| r.check.category() == category)
            .collect();
        if checks.is_empty() {
            continue;
        }
        let mut suite = Suite {
            name: category.id(),
            id,
            tests: checks.len(),
            failures: 0,
            errors: 0,
            skipped: 0,
            time: checks.iter().map(|r| r.elapsed.as_secs_f64()).sum(),
            properties: String::new(),
            cases: String::new(),
            output: String::new(),
        };
        id += 1;
        for r in checks {
            let _ = write!(
                suite.cases,
                "    <testcase classname=\"readiness.{}\" name=\"{}\" time=\"{:.3}\"",
                category.id(),
                r.check.id(),
                r.elapsed.as_secs_f64()
            );
            let note = r.outcome.note.as_deref();
            match verdict(r, ctx.junit_warn_failure) {
                Verdict::Failure => {
                    suite.failures += 1;
                    let _ = writeln!(
                        suite.cases,
                        ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                        r.check.id(),
                        esc(&failure_message(r)),
                        esc(&finding_lines(r))
                    );
                }
                Verdict::Error => {
                    suite.errors += 1;
                    let _ = writeln!(
                        suite.cases,
                        ">\n      <error type=\"could-not-evaluate\" message=\"{}\"/>\n    </testcase>",
                        esc(note.unwrap_or("could not be evaluated"))
                    );
                }
                Verdict::Skipped => {
                    suite.skipped += 1;
                    let _ = writeln!(
                        suite.cases,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        esc(note.unwrap_or("not applicable"))
                    );
                }
                Verdict::Passed => {
                    suite.cases.push_str("/>\n");
                    if r.outcome.status == Status::Error {
                        let _ = writeln!(
                            suite.output,
                            "{} [error]: could not be evaluated (level {}, does not fail the gate): {}",
                            r.check.id(),
                            r.level.as_str(),
                            note.unwrap_or("no reason given")
                        );
                    }
                    suite.output.push_str(&finding_lines(r));
                }
            }
        }
        suite.write(&mut out, &stamp);
    }
    // The gate itself: red exactly when the run exits 1, also when only the
    // score is below the minimum (no check fails then).
    let mut gate = Suite {
        name: "gate",
        id,
        tests: 1,
        failures: usize::from(!card.gate.passed),
        errors: 0,
        skipped: 0,
        time: 0.0,
        properties: String::new(),
        cases: String::new(),
        output: String::new(),
    };
    for (name, value) in [
        ("profile", card.profile.as_str().to_string()),
        ("score", format!("{:.1}", card.score)),
        ("min-score", format!("{}", card.gate.min_score)),
        ("suppressed", ctx.suppressed.to_string()),
        ("baselined", ctx.baselined.to_string()),
    ] {
        let _ = writeln!(
            gate.properties,
            "      <property name=\"{name}\" value=\"{}\"/>",
            esc(&value)
        );
    }
    gate.cases
        .push_str("    <testcase classname=\"readiness.gate\" name=\"gate\" time=\"0.000\"");
    if card.gate.passed {
        gate.cases.push_str("/>\n");
    } else {
        let _ = writeln!(
            gate.cases,
            ">\n      <failure type=\"gate\" message=\"{}\">{}</failure>\n    </testcase>",
            esc(&format!(
                "gate FAILED (score {:.1}, profile {}, minimum {}): {}",
                card.score,
                card.profile.as_str(),
                card.gate.min_score,
                card.gate.reasons.join("; ")
            )),
            esc(&card
                .gate
                .reasons
                .iter()
                .map(|r| format!("{r}\n"))
                .collect::<String>())
        );
    }
    for note in ctx.notes {
        let _ = writeln!(gate.output, "note: {note}");
    }
    gate.write(&mut out, &stamp);
    out.push_str("</testsuites>\n");
    out
}
