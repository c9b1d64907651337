//! The HTML report: one self-contained page (inline CSS, inline SVG chart,
//! a small inline script for filters) that works opened from disk, with
//! JavaScript off, in light and dark mode, and on paper.
//!
//! Every string that comes from the repository goes through [`esc`]; a
//! Content-Security-Policy admits only this page's own style and script (by
//! hash) and fetches nothing, so even a missed escape could not run code.

mod chart;
mod markdown;

use std::fmt::Write;

use super::Context;
use super::deps::Summary;
use super::project::WebLinks;
use crate::checks::{Category, CheckResult, Finding, Severity, Status};
use crate::score::Scorecard;
use std::path::Path;

/// The page's style sheet and script, embedded verbatim.
const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");
/// `sha256-` hashes of [`CSS`] and [`JS`] for the Content-Security-Policy
/// (a unit test recomputes them).
const CSS_HASH: &str = "sha256-2450l77Rl8xz7VDZjkgYvqjNyUpQ79aQXStirvls5gY=";
const JS_HASH: &str = "sha256-8t/Nw9kJ9P6w7cYCYIOWqxfmFYGJikqvmsuRlh14oG4=";

/// Findings shown before the rest are folded into "N more".
const VISIBLE: usize = 10;
/// Findings written per check at most; JSON and SARIF keep them all.
const MAX_PER_CHECK: usize = 500;

/// `card` with every message, help and note passed through
/// [`local_paths_hidden`].
fn without_local_paths(card: &Scorecard, root: &Path) -> Scorecard {
    let mut card = card.clone();
    for r in &mut card.checks {
        if let Some(note) = &mut r.outcome.note {
            *note = local_paths_hidden(note, root);
        }
        for f in &mut r.outcome.findings {
            f.message = local_paths_hidden(&f.message, root);
            if let Some(help) = &mut f.help {
                *help = local_paths_hidden(help, root);
            }
        }
    }
    for reason in &mut card.gate.reasons {
        *reason = local_paths_hidden(reason, root);
    }
    card
}

/// `text` with each absolute Unix path (a word starting with `/` and
/// holding at least two components) shown without the machine: inside
/// the workspace, relative to it; elsewhere, `…/` and its last component.
fn local_paths_hidden(text: &str, root: &Path) -> String {
    let root = root.to_string_lossy();
    let root = root.trim_end_matches('/');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('/') {
        let starts_word = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '`' | '"' | '\'' | '='));
        let end = rest[at..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, ')' | ',' | ';' | '`' | '"' | '\'' | '<' | '>')
            })
            .map_or(rest.len(), |e| at + e);
        let word = &rest[at..end];
        let components = word.split('/').filter(|c| !c.is_empty()).count();
        out.push_str(&rest[..at]);
        if starts_word && components >= 2 {
            match word.strip_prefix(root).and_then(|r| r.strip_prefix('/')) {
                Some(inside) if !root.is_empty() => out.push_str(inside),
                _ => {
                    let last = word
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or(word);
                    out.push_str("…/");
                    out.push_str(last);
                }
            }
        } else {
            out.push_str(word);
        }
        // `end > at`: the word holds at least its `/`.
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML content and quoted attribute values. Control
/// characters (not allowed in HTML) become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with `code` spans (check messages quote names in
/// backticks); unbalanced backticks stay as they are.
fn rich(s: &str) -> String {
    if s.matches('`').count() % 2 == 1 {
        return esc(s);
    }
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}

/// The colour band of a 0–100 score (CSS class).
pub(crate) fn band(score: f64) -> &'static str {
    match score {
        s if s >= 90.0 => "band-a",
        s if s >= 75.0 => "band-b",
        s if s >= 60.0 => "band-c",
        s if s >= 40.0 => "band-d",
        _ => "band-e",
    }
}

fn category_title(c: Category) -> &'static str {
    match c {
        Category::Security => "Security",
        Category::SupplyChain => "Supply chain",
        Category::Ci => "CI",
        Category::Release => "Release",
        Category::Testing => "Testing",
        Category::Governance => "Governance",
    }
}

/// Problems first: the order checks are listed in within a category.
fn status_rank(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Error => 1,
        Status::Warn => 2,
        Status::Pass => 3,
        Status::Skip => 4,
    }
}

const STATUSES: [Status; 5] = [
    Status::Fail,
    Status::Error,
    Status::Warn,
    Status::Pass,
    Status::Skip,
];

fn date(secs: i64) -> (String, String) {
    match jiff::Timestamp::from_second(secs) {
        Ok(t) => (
            t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        Err(_) => (String::new(), "unknown".to_string()),
    }
}

/// Renders the page.
pub fn render(card: &Scorecard, ctx: &Context<'_>) -> String {
    // A page meant to be published carries no path of the machine it ran
    // on (the advisory database's directory, a home directory).
    let published = without_local_paths(card, ctx.root);
    let card = &published;
    let notes: Vec<String> = ctx
        .notes
        .iter()
        .map(|n| local_paths_hidden(n, ctx.root))
        .collect();
    let links = WebLinks::new(ctx.github, ctx.project);
    let name = ctx
        .project
        .map(|p| p.name.clone())
        .or_else(|| {
            ctx.root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "workspace".into());
    let version = ctx.project.and_then(|p| p.version.as_deref());
    let verdict = if card.gate.passed {
        "gate passed"
    } else {
        "gate failed"
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src '{CSS_HASH}'; script-src '{JS_HASH}'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="cargo-readiness {tool}">
<title>{title} — readiness {score:.1}/100, {verdict}</title>
<style>{CSS}</style>
</head>
<body>
<a class="skip" href="#checks">Skip to the checks</a>
"##,
        tool = env!("CARGO_PKG_VERSION"),
        title = esc(&match version {
            Some(v) => format!("{name} {v}"),
            None => name.clone(),
        }),
        score = card.score,
    );
    header(&mut out, card, ctx, &name, version, links.as_ref());
    overview(&mut out, card);
    counts(&mut out, card, ctx);
    if !notes.is_empty() {
        out.push_str("<section class=\"notes\" id=\"notes\" aria-labelledby=\"notes-h\"><h2 id=\"notes-h\">Notes</h2><ul>\n");
        for note in &notes {
            let _ = writeln!(out, "<li>{}</li>", rich(note));
        }
        out.push_str("</ul></section>\n");
    }
    filters(&mut out, card);
    out.push_str("<main id=\"checks\">\n");
    for c in &card.categories {
        category(&mut out, card, c, links.as_ref());
    }
    out.push_str("</main>\n");
    if let Some(deps) = ctx.dependencies {
        dependencies(&mut out, deps);
    }
    footer(&mut out, ctx);
    let _ = write!(out, "<script>{JS}</script>\n</body>\n</html>\n");
    out
}

fn header(
    out: &mut String,
    card: &Scorecard,
    ctx: &Context<'_>,
    name: &str,
    version: Option<&str>,
    links: Option<&WebLinks>,
) {
    out.push_str("<header class=\"top\">\n<div class=\"who\">\n<p class=\"eyebrow\">Production readiness report</p>\n");
    let _ = write!(out, "<h1>{}", esc(name));
    if let Some(v) = version {
        let _ = write!(out, " <span class=\"ver\">{}</span>", esc(v));
    }
    out.push_str("</h1>\n");
    if let Some(d) = ctx.project.and_then(|p| p.description.as_deref()) {
        let _ = writeln!(out, "<p class=\"desc\">{}</p>", rich(d));
    }
    out.push_str("<dl class=\"meta\">\n");
    if let Some(p) = ctx.project {
        if p.members > 1 {
            let _ = writeln!(out, "<dt>Workspace</dt><dd>{} members</dd>", p.members);
        }
        if let Some(repo) = &p.repository {
            let shown = esc(repo);
            if repo.starts_with("https://") || repo.starts_with("http://") {
                let _ = writeln!(
                    out,
                    "<dt>Repository</dt><dd><a href=\"{shown}\">{shown}</a></dd>"
                );
            } else {
                let _ = writeln!(out, "<dt>Repository</dt><dd>{shown}</dd>");
            }
        }
    }
    let commit = links
        .map(|l| l.commit.clone())
        .or_else(|| ctx.project.and_then(|p| p.commit.clone()));
    match (&commit, links) {
        (Some(c), Some(l)) => {
            let _ = writeln!(
                out,
                "<dt>Commit</dt><dd><a href=\"{}\"><code>{}</code></a></dd>",
                esc(&l.commit_url()),
                esc(c.get(..12).unwrap_or(c))
            );
        }
        (Some(c), None) => {
            let _ = writeln!(
                out,
                "<dt>Commit</dt><dd><code title=\"{}\">{}</code></dd>",
                esc(c),
                esc(c.get(..12).unwrap_or(c))
            );
        }
        (None, _) => out.push_str("<dt>Commit</dt><dd>not a git checkout</dd>\n"),
    }
    if let Some(p) = ctx.project {
        let (iso, shown) = date(p.generated);
        let _ = writeln!(
            out,
            "<dt>Date</dt><dd><time datetime=\"{iso}\">{shown}</time></dd>"
        );
    }
    let _ = writeln!(
        out,
        "<dt>Profile</dt><dd>{} (minimum score {})</dd>",
        card.profile.as_str(),
        card.gate.min_score
    );
    out.push_str("</dl>\n</div>\n");
    let class = if card.gate.passed { "pass" } else { "fail" };
    let _ = write!(
        out,
        "<div class=\"verdict {class}\" aria-label=\"Score and gate verdict\">\n<p class=\"score\"><span class=\"num\" id=\"score\">{:.1}</span><span class=\"of\">/100</span></p>\n<p class=\"gate-line\">{}</p>\n<p class=\"gate-sub\">profile {}, needs {} and no failing <code>deny</code> check</p>\n",
        card.score,
        if card.gate.passed {
            "✓ Gate passed"
        } else {
            "✗ Gate failed"
        },
        card.profile.as_str(),
        card.gate.min_score,
    );
    if !card.gate.reasons.is_empty() {
        out.push_str("<ul class=\"reasons\">\n");
        for reason in &card.gate.reasons {
            // Reasons start with the check's id: link it to the check.
            let id = reason.split(' ').next().unwrap_or("");
            match crate::checks::find(id) {
                Some(check) => {
                    let rest = reason.get(id.len()..).unwrap_or("");
                    let _ = writeln!(
                        out,
                        "<li><a href=\"#check-{0}\"><code>{0}</code></a>{1}</li>",
                        check.id(),
                        rich(rest)
                    );
                }
                None => {
                    let _ = writeln!(out, "<li>{}</li>", rich(reason));
                }
            }
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</div>\n</header>\n");
}

fn overview(out: &mut String, card: &Scorecard) {
    out.push_str("<section class=\"overview\" aria-label=\"Scores\">\n<figure>\n");
    out.push_str(&chart::render(card));
    out.push_str("\n<figcaption>Bars: each category's score out of 100; the dashed line is the minimum total score the gate needs.</figcaption>\n</figure>\n");
    out.push_str("<table class=\"cats\" aria-label=\"Scores by category\">\n<thead><tr><th>Category</th><th class=\"num\">Weight</th><th class=\"num\">Score</th><th class=\"num\" title=\"checks that failed, warned or could not run\">To fix</th></tr></thead>\n<tbody>\n");
    for c in &card.categories {
        let problems = card
            .checks
            .iter()
            .filter(|r| {
                r.check.category() == c.id
                    && matches!(
                        r.outcome.status,
                        Status::Fail | Status::Error | Status::Warn
                    )
            })
            .count();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#cat-{id}\">{title}</a></td><td class=\"num\">{w}</td><td class=\"num\">{s}</td><td class=\"num\">{problems}</td></tr>",
            id = c.id.id(),
            title = category_title(c.id),
            w = c.weight,
            s = c
                .score
                .map(|s| format!("{s:.1}"))
                .unwrap_or_else(|| "n/a".into()),
        );
    }
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr><td>Total</td><td class=\"num\">{}</td><td class=\"num\">{:.1}</td><td></td></tr></tfoot>\n</table>\n</section>",
        card.categories.iter().map(|c| c.weight).sum::<u32>(),
        card.score
    );
}

fn counts(out: &mut String, card: &Scorecard, ctx: &Context<'_>) {
    let findings: Vec<&Finding> = card
        .checks
        .iter()
        .flat_map(|r| r.outcome.findings.iter())
        .collect();
    let actionable = findings
        .iter()
        .filter(|f| f.severity > Severity::Note && f.counts())
        .count();
    let _ = write!(
        out,
        "<ul class=\"counts\" aria-label=\"Summary\"><li><strong>{}</strong> checks:</li>",
        card.checks.len()
    );
    for s in STATUSES {
        let n = card.checks.iter().filter(|r| r.outcome.status == s).count();
        let _ = write!(
            out,
            "<li><span class=\"badge st-{0}\">{0}</span> <span data-count=\"{0}\">{n}</span></li>",
            s.as_str()
        );
    }
    let _ = write!(
        out,
        "<li class=\"sep\">·</li><li><strong id=\"findings-count\">{actionable}</strong> finding{} to act on",
        if actionable == 1 { "" } else { "s" }
    );
    let notes = findings
        .iter()
        .filter(|f| f.severity == Severity::Note)
        .count();
    if notes > 0 {
        let _ = write!(out, ", {notes} note{}", if notes == 1 { "" } else { "s" });
    }
    if ctx.baselined > 0 {
        let _ = write!(out, ", {} known from the baseline", ctx.baselined);
    }
    if ctx.suppressed > 0 {
        let _ = write!(out, ", {} suppressed", ctx.suppressed);
    }
    out.push_str(
        "</li></ul>\n<nav class=\"toc\" aria-label=\"Sections\"><a href=\"#checks\">Checks</a>",
    );
    if ctx.dependencies.is_some() {
        out.push_str("<a href=\"#dependencies\">Dependencies</a>");
    }
    if !ctx.notes.is_empty() {
        out.push_str("<a href=\"#notes\">Notes</a>");
    }
    out.push_str("</nav>\n");
}

fn filters(out: &mut String, card: &Scorecard) {
    out.push_str("<form class=\"filters\" id=\"filters\" role=\"search\" aria-label=\"Filter the checks\" hidden>\n<fieldset><legend>Status</legend>");
    for s in STATUSES {
        let n = card.checks.iter().filter(|r| r.outcome.status == s).count();
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" name=\"status\" value=\"{0}\" checked> {0} ({n})</label>",
            s.as_str()
        );
    }
    out.push_str(
        "</fieldset>\n<label>Category <select id=\"f-category\"><option value=\"\">all</option>",
    );
    for c in &card.categories {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            c.id.id(),
            category_title(c.id)
        );
    }
    out.push_str("</select></label>\n<label>Search <input type=\"search\" id=\"f-search\" placeholder=\"check, file or message (press /)\"></label>\n<p class=\"shown\" id=\"f-shown\" aria-live=\"polite\"></p>\n</form>\n");
}

fn category(
    out: &mut String,
    card: &Scorecard,
    c: &crate::score::CategoryScore,
    links: Option<&WebLinks>,
) {
    let mut checks: Vec<&CheckResult> = card
        .checks
        .iter()
        .filter(|r| r.check.category() == c.id)
        .collect();
    checks.sort_by_key(|r| status_rank(r.outcome.status));
    let score = c
        .score
        .map(|s| format!("{s:.1}"))
        .unwrap_or_else(|| "n/a".into());
    let _ = writeln!(
        out,
        "<section class=\"category\" id=\"cat-{id}\" data-category=\"{id}\" aria-labelledby=\"cat-{id}-h\">\n<h2 id=\"cat-{id}-h\">{title} <span class=\"sub\">score {score} · weight {w} · {n} checks</span></h2>",
        id = c.id.id(),
        title = category_title(c.id),
        w = c.weight,
        n = checks.len(),
    );
    for r in checks {
        check(out, r, links);
    }
    out.push_str("</section>\n");
}

fn check(out: &mut String, r: &CheckResult, links: Option<&WebLinks>) {
    let id = r.check.id();
    let status = r.outcome.status.as_str();
    let score = if r.outcome.status == Status::Skip {
        "–".to_string()
    } else {
        format!("{:.0}", r.outcome.score * 100.0)
    };
    let _ = writeln!(
        out,
        "<article class=\"check st-b-{status}\" id=\"check-{id}\" data-status=\"{status}\" data-category=\"{cat}\">\n<div class=\"check-head\"><span class=\"badge st-{status}\">{status}</span><h3><code>{id}</code></h3><span class=\"facts\"><span>score {score}</span><span>weight {w}</span><span>level {level}</span></span></div>\n<p class=\"summary\">{summary}</p>",
        cat = r.check.category().id(),
        w = r.weight,
        level = r.level.as_str(),
        summary = esc(r.check.summary()),
    );
    if let Some(note) = &r.outcome.note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", rich(note));
    }
    let findings = &r.outcome.findings;
    if !findings.is_empty() {
        let shown = findings.len().min(MAX_PER_CHECK);
        out.push_str("<ul class=\"findings\">\n");
        for f in findings.iter().take(shown.min(VISIBLE)) {
            finding(out, f, links);
        }
        out.push_str("</ul>\n");
        if shown > VISIBLE {
            let _ = writeln!(
                out,
                "<details class=\"more\"><summary>{} more finding{}</summary><ul class=\"findings\">",
                shown - VISIBLE,
                if shown - VISIBLE == 1 { "" } else { "s" }
            );
            for f in &findings[VISIBLE..shown] {
                finding(out, f, links);
            }
            out.push_str("</ul></details>\n");
        }
        if findings.len() > shown {
            let _ = writeln!(
                out,
                "<p class=\"more-note\">…and {} more not shown here: <code>--format json</code> or <code>sarif</code> lists them all.</p>",
                findings.len() - shown
            );
        }
    }
    let _ = writeln!(
        out,
        "<details class=\"explain\"><summary>About <code>{id}</code>: what it checks, why, how to fix</summary><div class=\"doc\">\n{}</div></details>\n</article>",
        markdown::to_html(r.check.docs())
    );
}

fn finding(out: &mut String, f: &Finding, links: Option<&WebLinks>) {
    let sev = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let _ = write!(
        out,
        "<li class=\"finding sev-{sev}\" data-severity=\"{sev}\"><span class=\"sev\">{sev}</span> <span class=\"msg\">{}</span>",
        rich(&f.message)
    );
    if f.baselined {
        out.push_str("<span class=\"known\">known (baseline)</span>");
    }
    if let Some(s) = &f.suppressed {
        let _ = write!(
            out,
            "<span class=\"known\">suppressed: {} ({})</span>",
            esc(&s.reason),
            esc(&s.source)
        );
    }
    if let Some(path) = &f.path {
        let label = match f.line {
            Some(l) => format!("{path}:{l}"),
            None => path.clone(),
        };
        match links {
            Some(l) => {
                let _ = write!(
                    out,
                    "<div class=\"loc\"><a href=\"{}\"><code>{}</code></a></div>",
                    esc(&l.file_url(path, f.line)),
                    esc(&label)
                );
            }
            None => {
                let _ = write!(out, "<div class=\"loc\"><code>{}</code></div>", esc(&label));
            }
        }
    }
    if let Some(help) = &f.help {
        let _ = write!(
            out,
            "<div class=\"fix\"><span class=\"k\">Fix:</span> {}</div>",
            rich(help)
        );
    }
    out.push_str("</li>\n");
}

fn dependencies(out: &mut String, deps: &Summary) {
    let _ = write!(
        out,
        "<section class=\"deps\" id=\"dependencies\" aria-labelledby=\"deps-h\">\n<h2 id=\"deps-h\">Dependencies</h2>\n<p>{} built for the workspace (normal and build dependencies){}.</p>\n<div class=\"dep-grid\">\n",
        if deps.packages == 1 {
            "1 crate is".to_string()
        } else {
            format!("{} crates are", deps.packages)
        },
        if deps.dev_only > 0 {
            format!(
                "; {} more only for tests, examples and benches",
                deps.dev_only
            )
        } else {
            String::new()
        }
    );
    // Vulnerabilities.
    out.push_str("<div class=\"dep-audit\">\n<h3>Vulnerabilities (RustSec)</h3>\n");
    match &deps.audit {
        Ok(a) => {
            if a.vulnerabilities.is_empty() {
                let _ = writeln!(
                    out,
                    "<p>None known in the {} locked packages.</p>",
                    a.locked
                );
            } else {
                out.push_str("<table><thead><tr><th>Severity</th><th class=\"num\">Count</th></tr></thead><tbody>\n");
                for (s, n) in &a.by_severity {
                    let _ = writeln!(
                        out,
                        "<tr><td class=\"sev-{s}\">{s}</td><td class=\"num\">{n}</td></tr>"
                    );
                }
                out.push_str("</tbody></table>\n<ul>\n");
                for v in &a.vulnerabilities {
                    let _ = writeln!(
                        out,
                        "<li><a href=\"{}\">{}</a> in <code>{}</code> <span class=\"sev-{}\">{}</span>: {}</li>",
                        esc(&v.url),
                        esc(&v.id),
                        esc(&v.package),
                        esc(&v.severity),
                        esc(&v.severity),
                        esc(&v.title)
                    );
                }
                out.push_str("</ul>\n");
            }
            if !a.warnings.is_empty() {
                let list: Vec<String> = a
                    .warnings
                    .iter()
                    .map(|(k, n)| format!("{n} {}", esc(k)))
                    .collect();
                let _ = writeln!(out, "<p>Warnings: {}.</p>", list.join(", "));
            }
            if a.ignored > 0 {
                let _ = writeln!(
                    out,
                    "<p>{} advisor{} ignored by configuration.</p>",
                    a.ignored,
                    if a.ignored == 1 { "y" } else { "ies" }
                );
            }
        }
        Err(why) => {
            let _ = writeln!(out, "<p>The audit {}.</p>", rich(why));
        }
    }
    out.push_str("</div>\n");
    // Licenses.
    out.push_str("<div class=\"dep-licenses\">\n<h3>Licenses</h3>\n");
    if deps.licenses.is_empty() {
        out.push_str("<p>No dependencies.</p>\n");
    } else {
        let row = |out: &mut String, (l, n): &(String, usize)| {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td class=\"num\">{n}</td></tr>",
                esc(l)
            );
        };
        out.push_str(
            "<table><thead><tr><th>License</th><th class=\"num\">Crates</th></tr></thead><tbody>\n",
        );
        for group in deps.licenses.iter().take(VISIBLE) {
            row(out, group);
        }
        out.push_str("</tbody></table>\n");
        if deps.licenses.len() > VISIBLE {
            let _ = writeln!(
                out,
                "<details class=\"more\"><summary>{} more license expressions</summary><table><tbody>",
                deps.licenses.len() - VISIBLE
            );
            for group in &deps.licenses[VISIBLE..] {
                row(out, group);
            }
            out.push_str("</tbody></table></details>\n");
        }
    }
    out.push_str("</div>\n");
    // Most depended on.
    out.push_str("<div class=\"dep-top\">\n<h3>Most depended-on crates</h3>\n");
    if deps.most_depended.is_empty() {
        out.push_str("<p>No crate is used by more than one package.</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>Crate</th><th class=\"num\">Direct dependents</th></tr></thead><tbody>\n");
        for d in &deps.most_depended {
            let _ = writeln!(
                out,
                "<tr><td><code>{} {}</code></td><td class=\"num\">{}</td></tr>",
                esc(&d.name),
                esc(&d.version),
                d.dependents
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</div>\n</div>\n</section>\n");
}

fn footer(out: &mut String, ctx: &Context<'_>) {
    let _ = write!(
        out,
        "<footer><p>Made by <a href=\"https://github.com/cargo-readiness/cargo-readiness\">cargo-readiness</a> {}",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(src) = ctx.config_source {
        let _ = write!(out, " · configuration from <code>{}</code>", esc(src));
    }
    out.push_str(" · <code>cargo readiness explain CHECK</code> prints any check's documentation.</p></footer>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_hidden() {
        let root = Path::new("/home/u/proj");
        assert_eq!(
            local_paths_hidden(
                "the database is 108 days old (/work/shared/advisory-db (from --db), 3 advisories)",
                root
            ),
            "the database is 108 days old (…/advisory-db (from --db), 3 advisories)"
        );
        assert_eq!(
            local_paths_hidden(
                "see /home/u/proj/crates/a/Cargo.toml:3 and and/or 1/2, https://x.org/a/b",
                root
            ),
            "see crates/a/Cargo.toml:3 and and/or 1/2, https://x.org/a/b"
        );
        assert_eq!(local_paths_hidden("a / b", root), "a / b");
    }

    #[test]
    fn escapes_everything_that_matters() {
        assert_eq!(
            esc("<script>alert('x&y\")</script>\u{1b}"),
            "&lt;script&gt;alert(&#39;x&amp;y&quot;)&lt;/script&gt;\u{FFFD}"
        );
        assert_eq!(rich("`<b>` is <i>"), "<code>&lt;b&gt;</code> is &lt;i&gt;");
        assert_eq!(rich("odd ` <x>"), "odd ` &lt;x&gt;");
    }

    #[test]
    fn csp_hashes_match_the_embedded_style_and_script() {
        use base64::Engine;
        let hash = |s: &str| {
            let d = ring::digest::digest(&ring::digest::SHA256, s.as_bytes());
            format!(
                "sha256-{}",
                base64::engine::general_purpose::STANDARD.encode(d.as_ref())
            )
        };
        assert_eq!(hash(CSS), CSS_HASH, "update CSS_HASH");
        assert_eq!(hash(JS), JS_HASH, "update JS_HASH");
    }

    #[test]
    fn bands() {
        assert_eq!(band(95.0), "band-a");
        assert_eq!(band(75.0), "band-b");
        assert_eq!(band(10.0), "band-e");
    }
}
