//! Every key of the peers' configuration files — cargo-deny's `deny.toml`
//! and cargo-audit's `.cargo/audit.toml` — and what readiness does with it.
//!
//! A team moving from cargo-deny must not get different verdicts without a
//! word: each key in those files that readiness does not honour becomes a
//! note naming the file, the line and the key, on the check it concerns.
//! The tables here are the single source of that answer, and of the table
//! in `docs/dependency-policy.md` (a test keeps the two in step).

use toml::de::{DeTable, DeValue};

/// What readiness does with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// A section: its children are listed on their own; one that is not
    /// listed is unknown (and noted).
    Section,
    /// Applied, with everything below it.
    Honoured,
    /// Output formatting only: no verdict depends on it, so no note.
    Display,
    /// Not applied; the reason is the note's text.
    Ignored(&'static str),
}

/// One key (dotted path from the top of the file) and its handling.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `bans.skip-tree`, `graph.targets`, …
    pub key: &'static str,
    /// The check whose report carries the note.
    pub check: &'static str,
    /// What readiness does with it.
    pub handling: Handling,
}

const fn rule(key: &'static str, check: &'static str, handling: Handling) -> Rule {
    Rule {
        key,
        check,
        handling,
    }
}

use Handling::{Display, Honoured, Ignored, Section};

const SCOPE: &str = "readiness checks the dependencies cargo can build for every target platform and feature; this scope is not narrowed";
const LEVELS: &str =
    "levels come from the profile and readiness.toml `[checks]`, not from this file";
const DB: &str = "the advisory database is `--db`, or `[advisories] db` in readiness.toml";
const REMOVED: &str = "removed in cargo-deny 0.14; readiness applies its own default license rules";

/// cargo-deny's `deny.toml` (schema of cargo-deny 0.18, with the keys
/// older files still carry).
pub const DENY_TOML: &[Rule] = &[
    // Before `[graph]` existed these were top-level keys.
    rule("targets", "advisories", Ignored(SCOPE)),
    rule("exclude", "advisories", Ignored(SCOPE)),
    rule("all-features", "advisories", Ignored(SCOPE)),
    rule("no-default-features", "advisories", Ignored(SCOPE)),
    rule("features", "advisories", Ignored(SCOPE)),
    rule("feature-depth", "advisories", Display),
    rule("graph", "advisories", Section),
    rule("graph.targets", "advisories", Ignored(SCOPE)),
    rule("graph.exclude", "advisories", Ignored(SCOPE)),
    rule("graph.all-features", "advisories", Ignored(SCOPE)),
    rule("graph.no-default-features", "advisories", Ignored(SCOPE)),
    rule("graph.features", "advisories", Ignored(SCOPE)),
    rule(
        "graph.exclude-dev",
        "advisories",
        Ignored(
            "dev-dependencies are judged by each check's own rule (advisories in them at `[advisories] dev`)",
        ),
    ),
    rule(
        "graph.exclude-unpublished",
        "advisories",
        Ignored("unpublished members' dependencies are checked too"),
    ),
    rule("output", "advisories", Display),
    rule("advisories", "advisories", Section),
    rule("advisories.ignore", "advisories", Honoured),
    rule("advisories.version", "advisories", Display),
    rule("advisories.db-path", "advisories", Ignored(DB)),
    rule("advisories.db-urls", "advisories", Ignored(DB)),
    rule(
        "advisories.git-fetch-with-cli",
        "advisories",
        Ignored("readiness fetches the database with its own client"),
    ),
    rule(
        "advisories.maximum-db-staleness",
        "advisories",
        Ignored("`[advisories] max-age` in readiness.toml sets how old the database may be"),
    ),
    rule("advisories.vulnerability", "advisories", Ignored(LEVELS)),
    rule("advisories.unmaintained", "advisories", Ignored(LEVELS)),
    rule("advisories.unsound", "advisories", Ignored(LEVELS)),
    rule("advisories.notice", "advisories", Ignored(LEVELS)),
    rule("advisories.yanked", "yanked", Ignored(LEVELS)),
    rule(
        "advisories.severity-threshold",
        "advisories",
        Ignored("every severity is reported"),
    ),
    rule(
        "advisories.unused-ignored-advisory",
        "advisories",
        Ignored("an ignore that matches nothing is always a note"),
    ),
    rule(
        "advisories.disable-yank-checking",
        "yanked",
        Ignored("set `[checks] yanked = \"allow\"` in readiness.toml to stop the yanked check"),
    ),
    rule("licenses", "dependency-licenses", Section),
    rule("licenses.allow", "dependency-licenses", Honoured),
    rule("licenses.exceptions", "dependency-licenses", Honoured),
    rule("licenses.clarify", "dependency-licenses", Honoured),
    rule(
        "licenses.clarify.license-files",
        "dependency-licenses",
        Ignored(
            "the files' hashes are not compared, so the entry applies only to a crate that declares no usable `license` of its own",
        ),
    ),
    rule("licenses.private", "dependency-licenses", Section),
    // dependency-licenses never judges the workspace's own members.
    rule("licenses.private.ignore", "dependency-licenses", Honoured),
    rule(
        "licenses.private.registries",
        "dependency-licenses",
        Ignored("crates from private registries are checked like any other"),
    ),
    rule(
        "licenses.private.ignore-sources",
        "dependency-licenses",
        Ignored("crates from private registries are checked like any other"),
    ),
    rule(
        "licenses.confidence-threshold",
        "dependency-licenses",
        Ignored("license texts are not scored: a crate with only a license file is a warning"),
    ),
    rule(
        "licenses.unused-allowed-license",
        "dependency-licenses",
        Ignored("an allowed license no dependency uses is not reported"),
    ),
    rule("licenses.version", "dependency-licenses", Display),
    rule("licenses.include-dev", "dependency-licenses", Honoured),
    rule("licenses.deny", "dependency-licenses", Ignored(REMOVED)),
    rule(
        "licenses.unlicensed",
        "dependency-licenses",
        Ignored(REMOVED),
    ),
    rule("licenses.copyleft", "dependency-licenses", Ignored(REMOVED)),
    rule(
        "licenses.allow-osi-fsf-free",
        "dependency-licenses",
        Ignored(REMOVED),
    ),
    rule("licenses.default", "dependency-licenses", Ignored(REMOVED)),
    rule("bans", "bans", Section),
    rule("bans.deny", "bans", Honoured),
    rule(
        "bans.deny.deny-multiple-versions",
        "duplicate-versions",
        Ignored("duplicates of a banned crate are reported like any other duplicate"),
    ),
    // Value-dependent: see `value_note`.
    rule("bans.multiple-versions", "duplicate-versions", Honoured),
    rule(
        "bans.multiple-versions-include-dev",
        "duplicate-versions",
        Honoured,
    ),
    rule("bans.skip", "duplicate-versions", Honoured),
    rule("bans.skip-tree", "duplicate-versions", Honoured),
    rule("bans.include-dev", "duplicate-versions", Honoured),
    rule(
        "bans.wildcards",
        "wildcard-requirements",
        Ignored("`wildcard-requirements` has its own level (warn by default)"),
    ),
    // Path dependencies without a version are never findings.
    rule(
        "bans.allow-wildcard-paths",
        "wildcard-requirements",
        Honoured,
    ),
    rule("bans.highlight", "bans", Display),
    rule(
        "bans.allow",
        "bans",
        Ignored("an allow-list of crates is not enforced: crates outside it are not reported"),
    ),
    rule(
        "bans.workspace-default-features",
        "bans",
        Ignored("default features are not checked"),
    ),
    rule(
        "bans.external-default-features",
        "bans",
        Ignored("default features are not checked"),
    ),
    rule(
        "bans.features",
        "bans",
        Ignored("crate features are not checked"),
    ),
    rule(
        "bans.build",
        "bans",
        Ignored("build scripts and executables in crates are not checked"),
    ),
    rule(
        "bans.allow-build-scripts",
        "bans",
        Ignored("build scripts are not checked"),
    ),
    rule(
        "bans.workspace-dependencies",
        "bans",
        Ignored("unused or duplicated workspace dependencies are not checked"),
    ),
    rule("sources", "sources", Section),
    rule("sources.unknown-registry", "sources", Honoured),
    rule("sources.unknown-git", "sources", Honoured),
    rule("sources.allow-registry", "sources", Honoured),
    rule("sources.allow-git", "sources", Honoured),
    rule("sources.allow-org", "sources", Honoured),
    rule(
        "sources.required-git-spec",
        "sources",
        Ignored("a git dependency must always name a `rev`"),
    ),
    rule(
        "sources.private",
        "sources",
        Ignored("use `allow-registry` or `allow-git` for private sources"),
    ),
];

/// cargo-audit's `.cargo/audit.toml`.
pub const AUDIT_TOML: &[Rule] = &[
    rule("advisories", "advisories", Section),
    rule("advisories.ignore", "advisories", Honoured),
    rule(
        "advisories.informational_warnings",
        "advisories",
        Ignored("unmaintained, unsound and notice advisories are always warnings"),
    ),
    rule(
        "advisories.severity_threshold",
        "advisories",
        Ignored("every severity is reported"),
    ),
    rule("database", "advisories", Ignored(DB)),
    rule("output", "advisories", Section),
    rule("output.deny", "advisories", Ignored(LEVELS)),
    rule("output.format", "advisories", Display),
    rule("output.quiet", "advisories", Display),
    rule("output.show_tree", "advisories", Display),
    rule(
        "target",
        "advisories",
        Ignored("advisories for every platform are reported"),
    ),
    rule("yanked", "yanked", Section),
    rule(
        "yanked.enabled",
        "yanked",
        Ignored("set `[checks] yanked = \"allow\"` in readiness.toml to stop the yanked check"),
    ),
    rule(
        "yanked.update_index",
        "yanked",
        Ignored("the index is read as `--offline` allows"),
    ),
];

/// A key readiness does not apply, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNote {
    /// The check whose report carries it.
    pub check: &'static str,
    /// The file, relative to the workspace root.
    pub path: String,
    /// Its line.
    pub line: usize,
    /// The dotted key (`graph.targets`).
    pub key: String,
    /// What the note says (the location is in `path` and `line`).
    pub message: String,
}

/// The rule that decides `key`: the longest one equal to it or a dotted
/// prefix of it.
fn rule_for<'r>(rules: &'r [Rule], key: &str) -> Option<&'r Rule> {
    rules
        .iter()
        .filter(|r| {
            key == r.key
                || key
                    .strip_prefix(r.key)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .max_by_key(|r| r.key.len())
}

/// A note that depends on the value, for keys honoured only in part.
fn value_note(key: &str, value: &DeValue<'_>) -> Option<String> {
    match (key, value) {
        ("bans.multiple-versions", DeValue::String(level)) if level.as_ref() == "deny" => Some(
            "`multiple-versions = \"deny\"` does not make duplicates fail the gate: set `[checks] duplicate-versions = \"deny\"` in readiness.toml for that".into(),
        ),
        _ => None,
    }
}

/// The keys of `text` (the file at `path`) that `rules` does not honour.
/// A file that is not TOML gives none: reading it reports that.
pub fn unhonoured(path: &str, text: &str, rules: &[Rule]) -> Vec<KeyNote> {
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(path, text, rules, doc.get_ref(), "", false, &mut out);
    out.sort_by(|a, b| (a.line, &a.key).cmp(&(b.line, &b.key)));
    out.dedup_by(|a, b| a.key == b.key && a.message == b.message);
    out
}

fn walk(
    path: &str,
    text: &str,
    rules: &[Rule],
    table: &DeTable<'_>,
    prefix: &str,
    only_ruled: bool,
    out: &mut Vec<KeyNote>,
) {
    for (key, value) in table.iter() {
        let dotted = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        if only_ruled && !rules.iter().any(|r| r.key == dotted) {
            continue;
        }
        let line = crate::util::line_of_offset(text, key.span().start);
        let mut note = |check: &'static str, message: String| {
            out.push(KeyNote {
                check,
                path: path.to_string(),
                line,
                key: dotted.clone(),
                message: format!("`{dotted}` in {path} is not honoured: {message}"),
            });
        };
        let Some(rule) = rule_for(rules, &dotted) else {
            // Unknown at the top: the file's first rule names the check.
            note(
                rules.first().map_or("advisories", |r| r.check),
                "not a setting readiness knows for this file".into(),
            );
            continue;
        };
        let exact = rule.key == dotted;
        match (rule.handling, exact) {
            (Ignored(why), true) => note(rule.check, why.to_string()),
            (Display, _) | (Ignored(_), false) => {}
            (Section, false) => note(
                rule.check,
                "not a setting readiness knows for this file".into(),
            ),
            (Section, true) | (Honoured, _) => {
                if let Some(why) = value_note(&dotted, value.get_ref()) {
                    out.push(KeyNote {
                        check: rule.check,
                        path: path.to_string(),
                        line,
                        key: dotted.clone(),
                        message: why,
                    });
                }
                // Below an honoured key only more specific rules matter.
                let deeper = |r: &Rule| {
                    r.key
                        .strip_prefix(dotted.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
                };
                if rule.handling == Section || rules.iter().any(deeper) {
                    descend(
                        path,
                        text,
                        rules,
                        value.get_ref(),
                        &dotted,
                        rule.handling,
                        out,
                    );
                }
            }
        }
    }
}

/// Into a table, or each table of an array of tables.
fn descend(
    path: &str,
    text: &str,
    rules: &[Rule],
    value: &DeValue<'_>,
    dotted: &str,
    handling: Handling,
    out: &mut Vec<KeyNote>,
) {
    match value {
        DeValue::Table(t) => walk(path, text, rules, t, dotted, false, out),
        DeValue::Array(items) => {
            for item in items {
                if let DeValue::Table(t) = item.get_ref() {
                    // The fields of an honoured entry (`[[licenses.clarify]]`)
                    // belong to it: only those with a rule of their own count.
                    walk(path, text, rules, t, dotted, handling == Honoured, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str, rules: &[Rule]) -> Vec<(usize, String, &'static str)> {
        unhonoured("deny.toml", text, rules)
            .into_iter()
            .map(|n| (n.line, n.key, n.check))
            .collect()
    }

    #[test]
    fn honoured_keys_give_no_note_and_ignored_ones_name_line_and_check() {
        let text = r#"[graph]
targets = ["x86_64-unknown-linux-gnu"]
all-features = true

[output]
feature-depth = 1

[advisories]
ignore = ["RUSTSEC-2020-0071"]
db-path = "~/.cargo/advisory-db"

[licenses]
allow = ["MIT"]
confidence-threshold = 0.8
exceptions = [{ allow = ["Zlib"], crate = "adler32" }]

[[licenses.clarify]]
crate = "ring"
expression = "MIT AND ISC AND OpenSSL"
license-files = [{ path = "LICENSE", hash = 0xbd0eed23 }]

[licenses.private]
ignore = true
registries = []

[bans]
multiple-versions = "warn"
wildcards = "deny"
skip-tree = [{ crate = "windows-sys@0.48", depth = 3 }]
deny = [{ crate = "openssl", wrappers = ["native-tls"], use-instead = "rustls" }]
frobnicate = 1

[sources]
unknown-git = "deny"
allow-org = { github = ["my-org"] }
"#;
        assert_eq!(
            keys(text, DENY_TOML),
            vec![
                (2, "graph.targets".into(), "advisories"),
                (3, "graph.all-features".into(), "advisories"),
                (10, "advisories.db-path".into(), "advisories"),
                (
                    14,
                    "licenses.confidence-threshold".into(),
                    "dependency-licenses"
                ),
                (
                    20,
                    "licenses.clarify.license-files".into(),
                    "dependency-licenses"
                ),
                (
                    24,
                    "licenses.private.registries".into(),
                    "dependency-licenses"
                ),
                (28, "bans.wildcards".into(), "wildcard-requirements"),
                (31, "bans.frobnicate".into(), "bans"),
            ]
        );
        let note = &unhonoured("deny.toml", text, DENY_TOML)[0];
        assert!(
            note.message
                .starts_with("`graph.targets` in deny.toml is not honoured: "),
            "{}",
            note.message
        );
    }

    #[test]
    fn value_dependent_and_unknown_top_level_keys() {
        let text = "targets = []\nbanana = 1\n[bans]\nmultiple-versions = \"deny\"\n";
        let notes = unhonoured("deny.toml", text, DENY_TOML);
        let got: Vec<(usize, &str)> = notes.iter().map(|n| (n.line, n.key.as_str())).collect();
        assert_eq!(
            got,
            vec![(1, "targets"), (2, "banana"), (4, "bans.multiple-versions")]
        );
        assert!(notes[2].message.contains("[checks] duplicate-versions"));
    }

    #[test]
    fn cargo_audit_keys() {
        let text = "[advisories]\nignore = []\ninformational_warnings = [\"unmaintained\"]\n[output]\ndeny = [\"warnings\"]\nquiet = false\n[target]\nos = \"linux\"\n[yanked]\nenabled = false\n";
        let got: Vec<(usize, String)> = unhonoured(".cargo/audit.toml", text, AUDIT_TOML)
            .into_iter()
            .map(|n| (n.line, n.key))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "advisories.informational_warnings".into()),
                (5, "output.deny".into()),
                (7, "target".into()),
                (10, "yanked.enabled".into()),
            ]
        );
    }

    #[test]
    fn not_toml_gives_no_notes() {
        assert!(unhonoured("deny.toml", "[bans\n", DENY_TOML).is_empty());
    }

    #[test]
    fn every_rule_names_a_real_check() {
        for r in DENY_TOML.iter().chain(AUDIT_TOML) {
            assert!(crate::checks::find(r.check).is_some(), "{}", r.key);
        }
    }
}
