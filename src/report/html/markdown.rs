//! The small Markdown subset the checks' `docs()` use, as HTML: headings,
//! paragraphs, `-` lists (with indented continuation lines), fenced code,
//! pipe tables, and inline `code`, **bold** and `[text](https://…)` links.
//! Everything is escaped first; only the markup made here is HTML.

use super::esc;

/// Renders `md` as HTML. `##` headings become `<h4>` (they sit inside a check's `<h3>`).
pub fn to_html(md: &str) -> String {
    let mut out = String::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut table: Vec<&str> = Vec::new();
    let mut fence: Option<String> = None;
    for line in md.lines() {
        if let Some(code) = fence.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push_str("<pre><code>");
                out.push_str(&esc(code.trim_end_matches('\n')));
                out.push_str("</code></pre>\n");
                fence = None;
            } else {
                code.push_str(line);
                code.push('\n');
            }
            continue;
        }
        let trimmed = line.trim_start();
        let continues_item = !list.is_empty() && line.starts_with("  ") && !trimmed.is_empty();
        if continues_item {
            if let Some(item) = list.last_mut() {
                item.push(' ');
                item.push_str(trimmed);
            }
            continue;
        }
        if !trimmed.starts_with('|') {
            flush_table(&mut out, &mut table);
        }
        if trimmed.starts_with("```") {
            flush(&mut out, &mut para, &mut list);
            fence = Some(String::new());
        } else if let Some(heading) = heading(trimmed) {
            flush(&mut out, &mut para, &mut list);
            let (level, text) = heading;
            let h = (level + 2).min(6);
            out.push_str(&format!("<h{h}>{}</h{h}>\n", inline(text)));
        } else if let Some(item) = trimmed.strip_prefix("- ").or(trimmed.strip_prefix("* ")) {
            flush_para(&mut out, &mut para);
            list.push(item.to_string());
        } else if trimmed.starts_with('|') {
            flush(&mut out, &mut para, &mut list);
            table.push(trimmed);
        } else if trimmed.is_empty() {
            flush(&mut out, &mut para, &mut list);
        } else {
            flush_list(&mut out, &mut list);
            para.push(trimmed);
        }
    }
    if let Some(code) = fence {
        out.push_str(&format!("<pre><code>{}</code></pre>\n", esc(&code)));
    }
    flush_table(&mut out, &mut table);
    flush(&mut out, &mut para, &mut list);
    out
}

/// `## Title` → (2, "Title").
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let text = line.get(level..)?.strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level, text.trim()))
}

fn flush(out: &mut String, para: &mut Vec<&str>, list: &mut Vec<String>) {
    flush_para(out, para);
    flush_list(out, list);
}

fn flush_para(out: &mut String, para: &mut Vec<&str>) {
    if !para.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", inline(&para.join(" "))));
        para.clear();
    }
}

fn flush_list(out: &mut String, list: &mut Vec<String>) {
    if !list.is_empty() {
        out.push_str("<ul>\n");
        for item in list.iter() {
            out.push_str(&format!("<li>{}</li>\n", inline(item)));
        }
        out.push_str("</ul>\n");
        list.clear();
    }
}

fn flush_table(out: &mut String, rows: &mut Vec<&str>) {
    if rows.is_empty() {
        return;
    }
    let cells = |row: &str| -> Vec<String> {
        row.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let is_rule = |row: &str| {
        row.chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
    };
    out.push_str("<table class=\"doc\">\n");
    for (i, row) in rows.iter().enumerate() {
        if is_rule(row) {
            continue;
        }
        let tag = if i == 0 { "th" } else { "td" };
        out.push_str("<tr>");
        for c in cells(row) {
            out.push_str(&format!("<{tag}>{}</{tag}>", inline(&c)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    rows.clear();
}

/// Inline markup on escaped text: `code`, **bold**, https links.
fn inline(text: &str) -> String {
    let mut out = String::new();
    // Code spans first: their content is literal.
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<code>{}</code>", esc(part)));
        } else {
            out.push_str(&links(&bold(&esc(part))));
        }
    }
    out
}

fn bold(escaped: &str) -> String {
    let parts: Vec<&str> = escaped.split("**").collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return escaped.to_string();
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<strong>{p}</strong>")
            } else {
                (*p).to_string()
            }
        })
        .collect()
}

/// `[text](https://…)` in escaped text → a link; anything else stays text.
fn links(escaped: &str) -> String {
    let mut out = String::new();
    let mut rest = escaped;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let parsed = after.find("](").and_then(|close| {
            let url_part = &after[close + 2..];
            let end = url_part.find(')')?;
            let url = &url_part[..end];
            (url.starts_with("https://") && !url.contains(' '))
                .then(|| (&after[..close], url, open + 1 + close + 2 + end + 1))
        });
        match parsed {
            Some((label, url, consumed)) => {
                out.push_str(&rest[..open]);
                out.push_str(&format!("<a href=\"{url}\">{label}</a>"));
                rest = &rest[consumed..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset() {
        let html = to_html(
            "## What it checks\nA `Cargo.lock` <b>\nsecond line.\n\n- one\n  more\n- **two**\n\n```toml\n[x]\na = \"<\"\n```\n| a | b |\n|---|---|\n| `c` | d |\n\nSee [docs](https://example.org/x?a=1&b=2) and [bad](javascript:x).\n",
        );
        assert!(html.contains("<h4>What it checks</h4>"), "{html}");
        assert!(html.contains("<p>A <code>Cargo.lock</code> &lt;b&gt; second line.</p>"));
        assert!(html.contains("<li>one more</li>\n<li><strong>two</strong></li>"));
        assert!(html.contains("<pre><code>[x]\na = &quot;&lt;&quot;</code></pre>"));
        assert!(
            html.contains(
                "<tr><th>a</th><th>b</th></tr>\n<tr><td><code>c</code></td><td>d</td></tr>"
            )
        );
        assert!(html.contains("<a href=\"https://example.org/x?a=1&amp;b=2\">docs</a>"));
        assert!(html.contains("[bad](javascript:x)"));
    }

    #[test]
    fn every_check_doc_renders_balanced() {
        for c in crate::checks::ALL {
            let html = to_html(c.docs());
            assert_eq!(
                html.matches("<pre>").count(),
                html.matches("</pre>").count(),
                "{}",
                c.id()
            );
            assert!(!html.contains("```"), "{}", c.id());
        }
    }
}
