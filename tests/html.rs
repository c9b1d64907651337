//! The HTML report and the SVG badge, through the binary: the page's
//! structure (headings, counts, links) against a golden outline, links into
//! the forge at the commit, self-containment, determinism, and a fixture
//! whose strings try to inject markup. The real-browser test lives in
//! `.ci/browser-test` (Chromium, run by `.ci/run`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{command, fixture, git_commit_all, run, run_json};

fn html(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["--offline", "--format", "html"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text inside `html`, tags removed, whitespace collapsed, the few
/// entities the renderer writes decoded.
fn text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p", "li", "td", "th", "dt", "dd", "div", "tr", "h1", "h2", "h3",
    ];
    let mut out = String::new();
    let mut tag: Option<String> = None;
    for c in html.chars() {
        match (c, tag.as_mut()) {
            ('<', None) => tag = Some(String::new()),
            ('>', Some(t)) => {
                let name: String = t
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if BLOCKS.contains(&name.as_str()) {
                    out.push(' ');
                }
                tag = None;
            }
            (c, Some(t)) => t.push(c),
            (c, None) => out.push(c),
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the tag starting at `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let tag = &tag[..tag.find('>')?];
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// A readable outline of the page: title, headings, each check with its
/// status and number of findings, the summary counts, and every link.
fn outline(html: &str) -> String {
    let mut out = String::new();
    let title = &html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()];
    out.push_str(&format!("title: {}\n", text(title)));
    let mut links = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let name: String = rest[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match name.as_str() {
            "h1" | "h2" | "h3" => {
                let end = rest.find(&format!("</{name}>")).unwrap();
                let heading = text(&rest[..end]);
                // A check's heading is its id, already on its `check` line.
                let check_line = format!("  check check-{heading} ");
                if !out
                    .lines()
                    .last()
                    .is_some_and(|l| l.starts_with(&check_line))
                {
                    let indent = if name == "h3" { "  " } else { "" };
                    out.push_str(&format!("{indent}{name}: {heading}\n"));
                }
            }
            "article" => {
                let end = rest.find("</article>").unwrap();
                let body = &rest[..end];
                out.push_str(&format!(
                    "  check {} {} findings={}\n",
                    attr(rest, "id").unwrap(),
                    attr(rest, "data-status").unwrap(),
                    body.matches("<li class=\"finding").count()
                ));
            }
            "ul" if attr(rest, "class") == Some("counts") => {
                let end = rest.find("</ul>").unwrap();
                out.push_str(&format!("counts: {}\n", text(&rest[..end])));
            }
            "span" if attr(rest, "id") == Some("score") => {
                let end = rest.find("</span>").unwrap();
                out.push_str(&format!("score: {}\n", text(&rest[..end])));
            }
            "a" => {
                links.insert(attr(rest, "href").unwrap().to_string());
            }
            _ => {}
        }
        rest = &rest[1..];
    }
    for l in links {
        out.push_str(&format!("link: {l}\n"));
    }
    out
}

/// Panics unless every element is closed in order and ids are unique.
fn assert_well_formed(html: &str) {
    const VOID: &[&str] = &[
        "meta", "br", "input", "img", "link", "hr", "line", "rect", "stop",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut ids = BTreeSet::new();
    let body = &html[html.find("<html").unwrap()..];
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop();
            assert_eq!(open.as_deref(), Some(name), "</{name}> closes {open:?}");
        } else if !tag.starts_with('!') {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if let Some(id) = attr(&format!("<{tag}>"), "id") {
                assert!(ids.insert(id.to_string()), "duplicate id {id}");
            }
            if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
                stack.push(name.clone());
            }
            // Script and style bodies are not markup.
            if name == "script" || name == "style" {
                rest = &rest[rest.find(&format!("</{name}>")).unwrap()..];
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{name} differs from the golden file; run with UPDATE_GOLDEN=1 and review the diff:\n{actual}"
    );
}

#[test]
fn html_outline_matches_its_golden_file() {
    let dir = fixture("dual-license-missing");
    let page = html(dir.path(), &[]);
    assert_well_formed(&page);
    let outline = outline(&page).replace(env!("CARGO_PKG_VERSION"), "<VERSION>");
    golden("dual-license-missing.html-outline.txt", &outline);

    // Every in-page link lands on an element; every check is there once.
    for target in outline.lines().filter_map(|l| l.strip_prefix("link: #")) {
        assert!(
            page.contains(&format!("id=\"{target}\"")),
            "#{target} points nowhere"
        );
    }
    assert_eq!(
        page.matches("<article class=\"check").count(),
        cargo_readiness::checks::ALL.len()
    );
    // The findings on the page are the findings in the JSON report.
    let (_, json) = run_json(dir.path(), &[]);
    let findings: usize = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(page.matches("<li class=\"finding").count(), findings);
    assert!(page.contains(&format!(
        "<span class=\"num\" id=\"score\">{:.1}</span>",
        json["score"].as_f64().unwrap()
    )));
    // One bar per category in the chart, plus the total.
    assert_eq!(page.matches("<g class=\"cat\"").count(), 6);
    assert_eq!(page.matches("<g class=\"total\"").count(), 1);
    assert!(page.contains("<g class=\"gate\">"));
}

#[test]
fn html_is_self_contained_and_locked_down() {
    let dir = fixture("dual-license-missing");
    let page = html(dir.path(), &[]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none';"));
    // Nothing is loaded from anywhere: no external scripts, styles, images, fonts.
    for needle in [
        "<link",
        " src=",
        "@import",
        "url(",
        "@font-face",
        "<iframe",
        "<img",
    ] {
        assert!(!page.contains(needle), "the page contains {needle}");
    }
    assert_eq!(page.matches("<script").count(), 1);
    assert_eq!(page.matches("<style").count(), 1);
    // Without JavaScript the page is complete: filters are hidden until
    // the script shows them, and no content starts hidden.
    assert!(page.contains("<form class=\"filters\" id=\"filters\" role=\"search\" aria-label=\"Filter the checks\" hidden>"));
    assert_eq!(page.matches(" hidden>").count(), 1);
    // Explanations fold; nothing needs the network to read them.
    assert_eq!(
        page.matches("<details class=\"explain\">").count(),
        cargo_readiness::checks::ALL.len()
    );
}

#[test]
fn html_is_deterministic_and_dated_by_the_run() {
    let dir = fixture("dual-license-missing");
    let a = html(dir.path(), &[]);
    let b = html(dir.path(), &[]);
    assert!(a == b, "two runs differ");
    // The tests' fixed date (CARGO_READINESS_TODAY, noon UTC).
    assert!(a.contains(&format!(
        "<time datetime=\"{}T12:00:00Z\">{} 12:00 UTC</time>",
        common::TODAY,
        common::TODAY
    )));
    let no_today = command(dir.path(), &["--offline", "--format", "html"])
        .env_remove("CARGO_READINESS_TODAY")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    let page = String::from_utf8(no_today.stdout).unwrap();
    assert!(page.contains("<time datetime=\"2023-11-14T22:13:20Z\">2023-11-14 22:13 UTC</time>"));
}

#[test]
fn html_links_findings_to_the_forge_at_the_commit() {
    let dir = fixture("dual-license-missing");
    git_commit_all(dir.path());
    let sha = String::from_utf8(
        std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    let page = html(dir.path(), &[]);
    let base = "https://github.com/fixture/dual-license-missing";
    assert!(
        page.contains(&format!(
            "<a href=\"{base}/blob/{sha}/Cargo.toml#L5\"><code>Cargo.toml:5</code></a>"
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<a href=\"{base}/commit/{sha}\"><code>{}</code></a>",
        &sha[..12]
    )));
    // In GitHub Actions the run's repository and commit win.
    let out = command(dir.path(), &["--offline", "--format", "html"])
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_SHA", "0123456789abcdef")
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains("href=\"https://github.com/acme/app/blob/0123456789abcdef/Cargo.toml#L5\"")
    );
}

#[test]
fn without_a_commit_locations_are_plain_relative_paths() {
    let dir = fixture("dual-license-missing");
    let page = html(dir.path(), &[]);
    assert!(page.contains("<div class=\"loc\"><code>Cargo.toml:5</code></div>"));
    assert!(!page.contains("/blob/"));
    assert!(page.contains("<dt>Commit</dt><dd>not a git checkout</dd>"));
}

#[test]
fn hostile_strings_are_shown_as_text() {
    let dir = fixture("html-injection");
    let page = html(dir.path(), &[]);
    assert_well_formed(&page);
    // The page's own script is the only one; no injected element exists.
    assert_eq!(page.matches("<script").count(), 1, "{page}");
    assert!(!page.contains("<img"));
    assert!(!page.contains("</p><script>"));
    let visible = text(&page);
    // The crate description (header), the CODEOWNERS pattern (a finding)
    // and the dependency's license (a finding and the license table) are
    // all there, as text.
    assert!(visible.contains("Renders </p><script>alert('description')</script> as text"));
    assert!(visible.contains("/docs/<script>alert('codeowners')</script>/"));
    assert!(visible.contains("MIT OR <img src=x onerror=alert('license')>"));
    assert!(page.contains("&lt;script&gt;alert(&#39;codeowners&#39;)&lt;/script&gt;"));
}

#[test]
fn dependency_summary_counts_licenses_and_the_audit() {
    let dir = fixture("html-injection");
    let page = html(dir.path(), &[]);
    let deps = &page[page.find("<section class=\"deps\"").unwrap()..];
    let deps = text(&deps[..deps.find("</section>").unwrap()]);
    assert!(deps.contains("1 crate is built"), "{deps}");
    assert!(
        deps.contains("MIT OR <img src=x onerror=alert('license')> 1"),
        "{deps}"
    );
    assert!(
        deps.contains("None known in the 2 locked packages"),
        "{deps}"
    );
    // With the advisory checks allowed, the audit did not run, and the page says so.
    std::fs::write(
        dir.path().join("readiness.toml"),
        "[checks]\nadvisories = \"allow\"\nyanked = \"allow\"\n",
    )
    .unwrap();
    let page = html(dir.path(), &[]);
    assert!(
        text(&page)
            .contains("The audit did not run: the advisories and yanked checks are set to allow."),
        "{page}"
    );
}

#[test]
fn svg_badge_and_html_outputs_are_written() {
    let dir = fixture("dual-license-missing");
    let out = run(
        dir.path(),
        &[
            "--offline",
            "-q",
            "-o",
            "html=site/index.html",
            "--output",
            "svg-badge=site/badge.svg",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let page = std::fs::read_to_string(dir.path().join("site/index.html")).unwrap();
    assert!(page.ends_with("</html>\n"));
    // Readable as any new file is (Pages deploys only files others can read).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let plain = dir.path().join("site/plain.txt");
        std::fs::write(&plain, "x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("site/index.html")), mode(&plain));
    }
    let badge = std::fs::read_to_string(dir.path().join("site/badge.svg")).unwrap();
    let (_, json) = run_json(dir.path(), &[]);
    let score = format!("{:.1}", json["score"].as_f64().unwrap());
    assert!(badge.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(badge.contains(&format!(">{score}</text>")));
    assert!(badge.contains("gate failed"));
    // The gate failed at a score of 75 or more: orange.
    assert!(badge.contains("fill=\"#fe7d37\""), "{badge}");
    assert_eq!(
        badge.matches("<text").count(),
        badge.matches("</text>").count()
    );
    assert!(!badge.contains("href"));
}

/// The page is meant to be published: the advisory database's directory
/// on this machine (and the workspace's own absolute path) stay out of it.
#[test]
fn the_page_carries_no_local_absolute_path() {
    let dir = fixture("good");
    let db = tempfile::tempdir().unwrap();
    common::copy_tree(&common::fixture_db(), db.path());
    let out = command(dir.path(), &["--offline", "--format", "html"])
        .env("CARGO_READINESS_ADVISORY_DB", db.path())
        .output()
        .unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains("<html"), "{page}");
    let db_path = db.path().to_string_lossy();
    assert!(!page.contains(db_path.as_ref()), "the DB path leaked");
    let root = dir.path().to_string_lossy();
    assert!(!page.contains(root.as_ref()), "the workspace path leaked");
}
