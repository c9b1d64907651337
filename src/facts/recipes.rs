//! Makefile and justfile recipes, read far enough to say what `make test`
//! or `just ci` runs: each rule's targets, prerequisites and recipe lines.
//!
//! Variables are not expanded and conditionals are not evaluated; a goal
//! that matches no rule (say, `test-${{ matrix.features }}` against
//! `test-%`) falls back to pattern rules, then to nothing.

/// One rule or recipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipe {
    /// Targets (`test`, `test-%`) or the just recipe name.
    pub targets: Vec<String>,
    /// Prerequisites / dependencies.
    pub prereqs: Vec<String>,
    /// Body lines: (1-based line, text with `@`/`-`/`+` prefixes removed).
    pub body: Vec<(usize, String)>,
}

/// Rules of a Makefile.
pub fn makefile(text: &str) -> Vec<Recipe> {
    let mut out: Vec<Recipe> = Vec::new();
    let mut in_rule = false;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end_matches('\r');
        let number = i + 1;
        i += 1;
        if let Some(body) = line.strip_prefix('\t') {
            if in_rule {
                let mut body = body.to_string();
                // Recipe continuation lines belong to the same command.
                while body.ends_with('\\') && i < lines.len() {
                    body.pop();
                    body.push(' ');
                    body.push_str(lines[i].trim());
                    i += 1;
                }
                if let Some(rule) = out.last_mut() {
                    rule.body.push((number, strip_prefixes(&body)));
                }
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        in_rule = false;
        let Some(colon) = rule_colon(line) else {
            continue;
        };
        let targets: Vec<String> = line[..colon]
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let rest = line[colon..].trim_start_matches(':');
        // `target: VAR = value` sets a variable for the target.
        if rest.contains('=') && !rest.contains(';') {
            continue;
        }
        let (prereqs, inline) = match rest.split_once(';') {
            Some((p, cmd)) => (p, Some(cmd.trim())),
            None => (rest, None),
        };
        let mut rule = Recipe {
            targets,
            prereqs: prereqs
                .split('#')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .filter(|p| *p != "|")
                .map(str::to_string)
                .collect(),
            body: Vec::new(),
        };
        if let Some(cmd) = inline.filter(|c| !c.is_empty()) {
            rule.body.push((number, strip_prefixes(cmd)));
        }
        out.push(rule);
        in_rule = true;
    }
    out
}

/// Where the rule's `:` is, if the line is a rule (not an assignment or a
/// directive).
fn rule_colon(line: &str) -> Option<usize> {
    let first = line.split_whitespace().next().unwrap_or("");
    if matches!(
        first,
        "ifeq"
            | "ifneq"
            | "ifdef"
            | "ifndef"
            | "else"
            | "endif"
            | "define"
            | "endef"
            | "include"
            | "-include"
            | "export"
            | "unexport"
            | "override"
            | "vpath"
    ) {
        return None;
    }
    let colon = line.find(':')?;
    let before = &line[..colon];
    if before.contains('=') || line[colon..].starts_with(":=") || line[colon..].starts_with("::=") {
        return None;
    }
    Some(colon)
}

fn strip_prefixes(body: &str) -> String {
    body.trim()
        .trim_start_matches(['@', '-', '+'])
        .trim()
        .to_string()
}

/// Recipes of a justfile.
pub fn justfile(text: &str) -> Vec<Recipe> {
    let mut recipes = justfile_raw(text);
    // `toolchain := ""` then `cargo {{ toolchain }} test` (actix-web): a
    // variable set to a string literal is substituted, so the command is
    // read as cargo would see it; others stay as written.
    let vars = just_string_vars(text);
    if !vars.is_empty() {
        for r in &mut recipes {
            for (_, line) in &mut r.body {
                if line.contains("{{") {
                    *line = substitute_just(line, &vars);
                }
            }
        }
    }
    recipes
}

/// Top-level `name := "literal"` (or `'literal'`) assignments.
fn just_string_vars(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(|l| {
            let l = l.trim().strip_prefix("export ").unwrap_or(l.trim());
            let (name, value) = l.split_once(":=")?;
            let name = name.trim();
            let value = value.trim();
            let literal = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
            (!name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && !literal.contains(['"', '\'']))
            .then(|| (name.to_string(), literal.to_string()))
        })
        .collect()
}

/// `{{ name }}` replaced by the value of a known variable.
fn substitute_just(line: &str, vars: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        match vars.iter().find(|(n, _)| n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn justfile_raw(text: &str) -> Vec<Recipe> {
    let mut out: Vec<Recipe> = Vec::new();
    let mut in_recipe = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let number = i + 1;
        if line.starts_with([' ', '\t']) {
            if in_recipe
                && !line.trim().is_empty()
                && let Some(recipe) = out.last_mut()
            {
                recipe.body.push((number, strip_prefixes(line)));
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        in_recipe = false;
        if trimmed.starts_with('#') || trimmed.starts_with('[') {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("alias ") {
            if let Some((name, target)) = rest.split_once(":=") {
                out.push(Recipe {
                    targets: vec![name.trim().to_string()],
                    prereqs: vec![target.trim().to_string()],
                    body: Vec::new(),
                });
            }
            continue;
        }
        // The colon ending the header, outside quoted parameter defaults
        // (`default feature='' ignore='': (check feature ignore)`).
        let Some(colon) = header_colon(trimmed) else {
            continue;
        };
        if trimmed[colon..].starts_with(":=") {
            continue;
        }
        let header = trimmed[..colon].trim_start_matches('@');
        let Some(name) = header.split_whitespace().next() else {
            continue;
        };
        if name.contains('=') {
            continue;
        }
        if matches!(name, "set" | "export" | "import" | "mod") {
            continue;
        }
        let deps = trimmed[colon + 1..]
            .split_whitespace()
            .filter(|d| !d.starts_with('#') && *d != "&&")
            .map(|d| d.trim_start_matches('(').to_string())
            .filter(|d| !d.is_empty())
            .collect();
        out.push(Recipe {
            targets: vec![name.to_string()],
            prereqs: deps,
            body: Vec::new(),
        });
        in_recipe = true;
    }
    out
}

/// The first `:` of a justfile line outside quotes.
fn header_colon(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ':') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Body lines run for `goals` (the first non-special rule when there are
/// none), following prerequisites; each line once, in order of discovery.
pub fn select(recipes: &[Recipe], goals: &[String]) -> Vec<(usize, String)> {
    let mut goals: Vec<String> = goals.to_vec();
    if goals.is_empty()
        && let Some(first) = recipes
            .iter()
            .flat_map(|r| r.targets.iter())
            .find(|t| !t.starts_with('.') && !t.contains('%'))
    {
        goals.push(first.clone());
    }
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut queue = goals;
    while let Some(goal) = queue.pop() {
        if seen.contains(&goal) || seen.len() > 64 {
            continue;
        }
        seen.push(goal.clone());
        let exact: Vec<&Recipe> = recipes
            .iter()
            .filter(|r| r.targets.contains(&goal))
            .collect();
        let matched = if exact.is_empty() {
            recipes
                .iter()
                .filter(|r| r.targets.iter().any(|t| pattern_matches(t, &goal)))
                .collect()
        } else {
            exact
        };
        for rule in matched {
            for line in &rule.body {
                if !out.contains(line) {
                    out.push(line.clone());
                }
            }
            queue.extend(rule.prereqs.iter().rev().cloned());
        }
    }
    out.sort_by_key(|(line, _)| *line);
    out
}

fn pattern_matches(pattern: &str, goal: &str) -> bool {
    match pattern.split_once('%') {
        Some((prefix, suffix)) => {
            goal.len() > prefix.len() + suffix.len()
                && goal.starts_with(prefix)
                && goal.ends_with(suffix)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_rules_patterns_and_prereqs() {
        let text = "ARGS?=--workspace\nSTABLE := 1.80\n\n.PHONY: ci\nci: fmt test-full\n\nfmt:\n\t@cargo fmt --check\n\ntest-%:\n\tcargo test ${_FEATURES_${@:test-%=%}} \\\n\t  ${ARGS}\n\nclippy-%:\n\t-cargo clippy -- -D warnings\n";
        let rules = makefile(text);
        let lines = select(&rules, &["ci".into()]);
        assert_eq!(
            lines,
            vec![
                (8, "cargo fmt --check".to_string()),
                (
                    11,
                    "cargo test ${_FEATURES_${@:test-%=%}}  ${ARGS}".to_string()
                )
            ]
        );
        let lines = select(&rules, &["test-${{matrix.features}}".into()]);
        assert_eq!(lines.len(), 1);
        assert!(select(&rules, &["nothing".into()]).is_empty());
        assert_eq!(select(&rules, &[]).len(), 2, "default goal is `ci`");
    }

    #[test]
    fn just_recipes_and_dependencies() {
        let text = "set shell := [\"bash\", \"-c\"]\nversion := \"1\"\nalias t := test\n\n# run everything\nci: lint test\n\nlint:\n    cargo clippy -- -D warnings\n\n[unix]\ntest *ARGS:\n    cargo nextest run {{ARGS}}\n";
        let rules = justfile(text);
        let lines: Vec<String> = select(&rules, &["ci".into()])
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(
            lines,
            vec!["cargo clippy -- -D warnings", "cargo nextest run {{ARGS}}"]
        );
        assert_eq!(select(&rules, &["t".into()]).len(), 1);
        // actix-web: `toolchain := ""` substituted into `cargo {{ toolchain }} test`.
        let text =
            "toolchain := \"\"\ntest:\n    cargo {{ toolchain }} test --lib {{ features }}\n";
        assert_eq!(
            select(&justfile(text), &["test".into()])[0].1,
            "cargo  test --lib {{ features }}"
        );
        // hickory-dns: recipes with defaulted parameters, called as
        // dependencies with arguments.
        let text = "default feature='' ignore='': (check feature ignore) (test feature ignore)\n\nall-features: (default \"--all-features\")\n\ncheck feature='' ignore='':\n    cargo ws exec cargo check {{feature}}\n\ntest feature='' ignore='':\n    cargo ws exec cargo test {{feature}}\n";
        let lines: Vec<String> = select(&justfile(text), &["all-features".into()])
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(
            lines,
            vec![
                "cargo ws exec cargo check {{feature}}",
                "cargo ws exec cargo test {{feature}}"
            ]
        );
    }
}
