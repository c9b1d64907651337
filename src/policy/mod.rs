//! Dependency policy: which licenses, sources and crates are acceptable.
//!
//! Configured under `[licenses]`, `[sources]` and `[bans]` in
//! `readiness.toml` (strictly: unknown keys are errors), or read from a
//! `deny.toml` that already exists (leniently: the keys cargo-deny users
//! have, unknown ones ignored) when readiness.toml does not configure a
//! section. Useful with no configuration at all: the default license policy
//! allows the common permissive licenses.

pub mod peer_keys;

use semver::{Version, VersionReq};

/// Licenses allowed when `[licenses] allow` is not configured: the common
/// permissive set.
pub const DEFAULT_ALLOW: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "MPL-2.0",
    "CC0-1.0",
    "Unlicense",
    "0BSD",
    "BSL-1.0",
    // webpki-roots (Mozilla's CA list), in most TLS-using trees.
    "CDLA-Permissive-2.0",
];

/// A crate, optionally restricted to versions: `name`, `name@1.2.3` (that
/// exact version) or `name@<req>` (`name@1`, `name@>=0.4, <0.5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSpec {
    /// Crate name.
    pub name: String,
    /// Versions it applies to (`None`: all).
    pub version: Option<VersionReq>,
}

impl PackageSpec {
    /// Parses `name` or `name@version-or-requirement`.
    pub fn parse(spec: &str) -> Result<PackageSpec, String> {
        let spec = spec.trim();
        let (name, version) = match spec.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (spec, None),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!("`{spec}` is not a crate name"));
        }
        let version = match version {
            None | Some("*") => None,
            Some(v) => Some(parse_req(v)?),
        };
        Ok(PackageSpec {
            name: name.to_string(),
            version,
        })
    }

    /// With a separate `version` requirement (cargo-deny's older form).
    pub fn with_version(name: &str, version: Option<&str>) -> Result<PackageSpec, String> {
        let mut spec = PackageSpec::parse(name)?;
        if let Some(v) = version.filter(|v| *v != "*") {
            spec.version = Some(VersionReq::parse(v).map_err(|e| format!("`{v}`: {e}"))?);
        }
        Ok(spec)
    }

    /// Whether it covers `name` at `version`.
    pub fn matches(&self, name: &str, version: &Version) -> bool {
        self.name == name && self.version.as_ref().is_none_or(|r| r.matches(version))
    }
}

impl std::fmt::Display for PackageSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{}@{v}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A bare version means exactly that version; anything else is a requirement.
fn parse_req(v: &str) -> Result<VersionReq, String> {
    if Version::parse(v).is_ok() {
        VersionReq::parse(&format!("={v}"))
    } else {
        VersionReq::parse(v)
    }
    .map_err(|e| format!("`{v}`: {e}"))
}

/// `[licenses]`
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LicensePolicy {
    /// Allowed license ids / expressions (`None`: [`DEFAULT_ALLOW`] and the
    /// default rules for copyleft).
    pub allow: Option<Vec<String>>,
    /// Licenses never acceptable, even under `OR`.
    pub deny: Vec<String>,
    /// Extra licenses allowed for particular crates.
    pub exceptions: Vec<(PackageSpec, Vec<String>)>,
    /// cargo-deny's `clarify`: the license expression that applies to a
    /// crate instead of its `license` field.
    pub clarify: Vec<Clarification>,
    /// Also check dev-dependencies.
    pub include_dev: bool,
    /// Where it was configured.
    pub source: Option<String>,
}

/// A `[[licenses.clarify]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Clarification {
    /// Which crate (and versions).
    pub spec: PackageSpec,
    /// The license expression it has.
    pub expression: String,
    /// Whether the entry pins `license-files` by hash. cargo-deny applies
    /// such an entry only while the hashes match — readiness does not
    /// compare them, so it applies the entry only where the crate declares
    /// no usable license of its own (the case the hashes guard is a crate
    /// whose files have changed since: its declared license then stands).
    pub pins_files: bool,
}

/// `[sources]`
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourcePolicy {
    /// Git URL prefixes allowed (`https://github.com/my-org`).
    pub allow_git: Vec<String>,
    /// Registry index URLs allowed besides crates.io.
    pub allow_registry: Vec<String>,
    /// cargo-deny's `unknown-registry`: how a registry not allowed is
    /// reported (`None`: an error).
    pub unknown_registry: Option<PeerLevel>,
    /// cargo-deny's `unknown-git`: how a git source not allowed is
    /// reported (`None`: an error).
    pub unknown_git: Option<PeerLevel>,
    /// Where it was configured.
    pub source: Option<String>,
}

/// A lint level as cargo-deny spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerLevel {
    /// Not reported.
    Allow,
    /// Reported, does not fail.
    Warn,
    /// Fails.
    Deny,
}

impl PeerLevel {
    fn parse(v: &toml::Value, what: &str) -> Result<PeerLevel, String> {
        match v.as_str() {
            Some("allow") => Ok(PeerLevel::Allow),
            Some("warn") => Ok(PeerLevel::Warn),
            Some("deny") => Ok(PeerLevel::Deny),
            _ => Err(format!("`{what}` must be \"allow\", \"warn\" or \"deny\"")),
        }
    }
}

/// A banned crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    /// Which crate (and versions).
    pub spec: PackageSpec,
    /// Why.
    pub reason: Option<String>,
    /// Crates allowed to depend on it directly (cargo-deny's `wrappers`):
    /// it is banned only where something else pulls it in.
    pub wrappers: Vec<String>,
    /// What to use instead (cargo-deny's `use-instead`), for the help.
    pub use_instead: Option<String>,
}

/// A crate whose whole subtree is accepted as duplicates (cargo-deny's
/// `skip-tree`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeSkip {
    /// The root of the subtree.
    pub spec: PackageSpec,
    /// How deep below it: 1 is the root alone (`None`: all of it).
    pub depth: Option<usize>,
}

/// `[bans]`
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BanPolicy {
    /// Crates that must not be in the graph.
    pub deny: Vec<Ban>,
    /// Crates whose duplicate versions are accepted.
    pub skip: Vec<PackageSpec>,
    /// Subtrees whose duplicate versions are accepted.
    pub skip_tree: Vec<TreeSkip>,
    /// cargo-deny's `multiple-versions` (`Some(Allow)`: duplicates are
    /// accepted, and `duplicate-versions` is skipped).
    pub multiple_versions: Option<PeerLevel>,
    /// Count dev-only duplicates too.
    pub include_dev: bool,
    /// Where it was configured.
    pub source: Option<String>,
}

/// All three.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// `[licenses]`
    pub licenses: LicensePolicy,
    /// `[sources]`
    pub sources: SourcePolicy,
    /// `[bans]`
    pub bans: BanPolicy,
}

/// Reads a list of strings; `what` names it in errors.
fn strings(v: &toml::Value, what: &str) -> Result<Vec<String>, String> {
    v.as_array()
        .ok_or_else(|| format!("`{what}` must be a list of strings"))?
        .iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("`{what}` must be a list of strings"))
        })
        .collect()
}

/// The array at `key` (none: empty). Any other value is an error: a
/// setting of the wrong type must not silently do nothing.
fn list<'t>(t: &'t toml::Table, key: &str, what: &str) -> Result<&'t [toml::Value], String> {
    match t.get(key) {
        None => Ok(&[]),
        Some(toml::Value::Array(a)) => Ok(a.as_slice()),
        Some(other) => Err(format!("`{what}` must be a list, not {}", other.type_str())),
    }
}

/// A package spec from a string or a `{ crate | name, version }` table.
fn spec_of(v: &toml::Value, what: &str) -> Result<PackageSpec, String> {
    match v {
        toml::Value::String(s) => PackageSpec::parse(s).map_err(|e| format!("{what}: {e}")),
        toml::Value::Table(t) => {
            let name = t
                .get("crate")
                .or_else(|| t.get("name"))
                .and_then(|n| n.as_str())
                .ok_or_else(|| format!("{what}: an entry needs `crate = \"name\"` (or `name`)"))?;
            PackageSpec::with_version(name, t.get("version").and_then(|v| v.as_str()))
                .map_err(|e| format!("{what}: {e}"))
        }
        _ => Err(format!(
            "{what}: expected \"name\", \"name@version\" or a table"
        )),
    }
}

/// Checks a table has only `keys`, in strict mode.
fn known(table: &toml::Table, keys: &[&str], section: &str, strict: bool) -> Result<(), String> {
    if !strict {
        return Ok(());
    }
    match table.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "[{section}] unknown key `{k}`; expected one of {}",
            keys.join(", ")
        )),
        None => Ok(()),
    }
}

/// Parses `[licenses]`. `strict` for readiness.toml, lenient for deny.toml.
pub fn licenses(v: &toml::Value, strict: bool) -> Result<LicensePolicy, String> {
    let t = v.as_table().ok_or("[licenses] must be a table")?;
    known(
        t,
        &["allow", "deny", "exceptions", "clarify", "include-dev"],
        "licenses",
        strict,
    )?;
    let mut p = LicensePolicy::default();
    if let Some(a) = t.get("allow") {
        let list = strings(a, "licenses.allow")?;
        for id in &list {
            check_license(id)?;
        }
        p.allow = Some(list);
    }
    if let Some(d) = t.get("deny") {
        // cargo-deny 0.14+ removed `deny`; old files may still have it.
        p.deny = strings(d, "licenses.deny")?;
    }
    for e in list(t, "exceptions", "licenses.exceptions")? {
        let spec = spec_of(e, "licenses.exceptions")?;
        let allow = e
            .get("allow")
            .map(|a| strings(a, "licenses.exceptions.allow"))
            .transpose()?
            .unwrap_or_default();
        p.exceptions.push((spec, allow));
    }
    for c in list(t, "clarify", "licenses.clarify")? {
        let spec = spec_of(c, "licenses.clarify")?;
        let expression = c
            .get("expression")
            .and_then(|e| e.as_str())
            .ok_or("licenses.clarify: an entry needs `expression = \"SPDX expression\"`")?;
        spdx::Expression::parse_mode(expression, spdx::ParseMode::LAX).map_err(|e| {
            format!(
                "licenses.clarify: `{expression}` is not an SPDX expression: {}",
                e.reason
            )
        })?;
        p.clarify.push(Clarification {
            spec,
            expression: expression.to_string(),
            pins_files: c.get("license-files").is_some(),
        });
    }
    p.include_dev = t
        .get("include-dev")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    Ok(p)
}

fn check_license(id: &str) -> Result<(), String> {
    spdx::Expression::parse_mode(id, spdx::ParseMode::LAX)
        .map(|_| ())
        .map_err(|e| {
            format!(
                "licenses.allow: `{id}` is not an SPDX license id: {}",
                e.reason
            )
        })
}

/// Parses `[sources]`.
pub fn sources(v: &toml::Value, strict: bool) -> Result<SourcePolicy, String> {
    let t = v.as_table().ok_or("[sources] must be a table")?;
    known(
        t,
        &["allow-git", "allow-registry", "allow-org"],
        "sources",
        strict,
    )?;
    let mut p = SourcePolicy::default();
    if let Some(g) = t.get("allow-git") {
        p.allow_git = strings(g, "sources.allow-git")?;
    }
    if let Some(r) = t.get("allow-registry") {
        p.allow_registry = strings(r, "sources.allow-registry")?;
    }
    if let Some(l) = t.get("unknown-registry") {
        p.unknown_registry = Some(PeerLevel::parse(l, "sources.unknown-registry")?);
    }
    if let Some(l) = t.get("unknown-git") {
        p.unknown_git = Some(PeerLevel::parse(l, "sources.unknown-git")?);
    }
    // cargo-deny's `[sources.allow-org] github = ["org"]`.
    if let Some(orgs) = t.get("allow-org").and_then(|o| o.as_table()) {
        for (host, list) in orgs {
            let domain = match host.as_str() {
                "github" => "github.com",
                "gitlab" => "gitlab.com",
                "bitbucket" => "bitbucket.org",
                other => other,
            };
            for org in strings(list, "sources.allow-org")? {
                p.allow_git.push(format!("https://{domain}/{org}"));
            }
        }
    }
    Ok(p)
}

/// Parses `[bans]`.
pub fn bans(v: &toml::Value, strict: bool) -> Result<BanPolicy, String> {
    let t = v.as_table().ok_or("[bans] must be a table")?;
    known(
        t,
        &["deny", "skip", "skip-tree", "include-dev"],
        "bans",
        strict,
    )?;
    let mut p = BanPolicy::default();
    for d in list(t, "deny", "bans.deny")? {
        let spec = spec_of(d, "bans.deny")?;
        let reason = d.get("reason").and_then(|r| r.as_str()).map(str::to_string);
        let wrappers = d
            .get("wrappers")
            .map(|w| strings(w, "bans.deny.wrappers"))
            .transpose()?
            .unwrap_or_default();
        let use_instead = d
            .get("use-instead")
            .and_then(|u| u.as_str())
            .map(str::to_string);
        p.deny.push(Ban {
            spec,
            reason,
            wrappers,
            use_instead,
        });
    }
    for s in list(t, "skip", "bans.skip")? {
        p.skip.push(spec_of(s, "bans.skip")?);
    }
    for s in list(t, "skip-tree", "bans.skip-tree")? {
        let depth = match s.get("depth") {
            None => None,
            Some(d) => Some(
                d.as_integer()
                    .and_then(|d| usize::try_from(d).ok())
                    .filter(|d| *d > 0)
                    .ok_or("bans.skip-tree: `depth` must be a positive integer")?,
            ),
        };
        p.skip_tree.push(TreeSkip {
            spec: spec_of(s, "bans.skip-tree")?,
            depth,
        });
    }
    if let Some(l) = t.get("multiple-versions") {
        p.multiple_versions = Some(PeerLevel::parse(l, "bans.multiple-versions")?);
    }
    // cargo-deny spells it `multiple-versions-include-dev`.
    p.include_dev = ["include-dev", "multiple-versions-include-dev"]
        .iter()
        .any(|k| t.get(*k).and_then(|v| v.as_bool()).unwrap_or(false));
    Ok(p)
}

/// A part of `deny.toml` that could not be read: one section, or (`None`)
/// the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyProblem {
    /// `licenses`, `sources` or `bans`; `None` for the whole file.
    pub section: Option<&'static str>,
    /// What is wrong, naming the file and, where known, the line.
    pub message: String,
}

/// The sections of a cargo-deny `deny.toml` this tool honours: `licenses`
/// (`allow`, `exceptions`), `bans` (`deny`, `skip`), `sources`
/// (`allow-git`, `allow-registry`, `allow-org`). Entries it cannot read are
/// returned, not fatal (the file belongs to another tool): the checks of
/// those sections then report `error` (see `Config::policy_unreadable`).
pub fn from_deny_toml(name: &str, text: &str) -> (Policy, Vec<DenyProblem>) {
    let mut policy = Policy::default();
    let mut problems = Vec::new();
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e
                .span()
                .map(|s| format!(":{}", crate::util::line_of_offset(text, s.start)))
                .unwrap_or_default();
            problems.push(DenyProblem {
                section: None,
                message: format!("{name}{line} is not valid TOML ({})", e.message().trim()),
            });
            return (policy, problems);
        }
    };
    let problem = |section: &'static str, e: String| DenyProblem {
        section: Some(section),
        message: format!("{name} [{section}]: {e}"),
    };
    if let Some(v) = table.get("licenses") {
        match licenses(v, false) {
            Ok(mut p) => {
                p.source = Some(name.into());
                p.deny.clear();
                policy.licenses = p;
            }
            Err(e) => problems.push(problem("licenses", e)),
        }
    }
    if let Some(v) = table.get("sources") {
        match sources(v, false) {
            Ok(mut p) => {
                p.source = Some(name.into());
                policy.sources = p;
            }
            Err(e) => problems.push(problem("sources", e)),
        }
    }
    if let Some(v) = table.get("bans") {
        match bans(v, false) {
            Ok(mut p) => {
                p.source = Some(name.into());
                policy.bans = p;
            }
            Err(e) => problems.push(problem("bans", e)),
        }
    }
    (policy, problems)
}

/// How a package's license fares against the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseVerdict {
    /// Some branch of the expression is allowed.
    Allowed,
    /// No `license` and no `license-file`.
    Missing,
    /// Only `license-file`: the text is not evaluated.
    FileOnly(String),
    /// Not an SPDX expression.
    Unparsable(String),
    /// Not allowed; the licenses that failed, and whether any is copyleft.
    NotAllowed {
        /// The failing license requirements.
        failed: Vec<String>,
        /// Whether every way to satisfy it needs a copyleft license.
        copyleft: bool,
    },
}

/// A license policy prepared for evaluating many packages: the allow and
/// deny lists parsed once.
pub struct LicenseMatcher<'p> {
    policy: &'p LicensePolicy,
    allowed: Vec<spdx::Licensee>,
    denied: Vec<spdx::Licensee>,
    exceptions: Vec<(&'p PackageSpec, Vec<spdx::Licensee>)>,
}

fn licensees<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<spdx::Licensee> {
    texts
        .into_iter()
        .filter_map(|t| {
            // `GPL-3.0` (deprecated) means `GPL-3.0-only`: canonicalise.
            let canonical = spdx::Expression::canonicalize(t).ok().flatten();
            spdx::Licensee::parse_mode(canonical.as_deref().unwrap_or(t), spdx::ParseMode::LAX).ok()
        })
        .collect()
}

impl<'p> LicenseMatcher<'p> {
    /// Prepares `policy`.
    pub fn new(policy: &'p LicensePolicy) -> Self {
        let allowed = match &policy.allow {
            Some(list) => licensees(list.iter().map(String::as_str)),
            None => licensees(DEFAULT_ALLOW.iter().copied()),
        };
        LicenseMatcher {
            policy,
            allowed,
            denied: licensees(policy.deny.iter().map(String::as_str)),
            exceptions: policy
                .exceptions
                .iter()
                .map(|(spec, extra)| (spec, licensees(extra.iter().map(String::as_str))))
                .collect(),
        }
    }

    /// Evaluates `license` (a package's `license` field) or `license_file`
    /// for crate `name@version`.
    pub fn evaluate(
        &self,
        license: Option<&str>,
        license_file: Option<&str>,
        name: &str,
        version: &Version,
    ) -> LicenseVerdict {
        // A clarification replaces what the crate declares (cargo-deny's
        // `clarify`, for crates whose `license` is missing or incomplete);
        // one pinned to file hashes only where the crate declares none.
        let declared = license
            .map(str::trim)
            .filter(|l| spdx::Expression::parse_mode(l, spdx::ParseMode::LAX).is_ok());
        let clarified = self
            .policy
            .clarify
            .iter()
            .filter(|c| !c.pins_files || declared.is_none())
            .find(|c| c.spec.matches(name, version))
            .map(|c| c.expression.as_str());
        let license = clarified.or(license);
        let Some(text) = license.map(str::trim).filter(|l| !l.is_empty()) else {
            return match license_file {
                Some(f) => LicenseVerdict::FileOnly(f.to_string()),
                None => LicenseVerdict::Missing,
            };
        };
        // `GPL-2.0+` means `GPL-2.0-or-later`: canonicalise so the allow
        // list matches either spelling.
        let canonical = spdx::Expression::canonicalize(text).ok().flatten();
        let text = canonical.as_deref().unwrap_or(text);
        let expr = match spdx::Expression::parse_mode(text, spdx::ParseMode::LAX) {
            Ok(e) => e,
            Err(e) => return LicenseVerdict::Unparsable(e.reason.to_string()),
        };
        let extra: Vec<&spdx::Licensee> = self
            .exceptions
            .iter()
            .filter(|(spec, _)| spec.matches(name, version))
            .flat_map(|(_, l)| l.iter())
            .collect();
        let ok = |req: &spdx::LicenseReq| {
            (self.allowed.iter().any(|l| l.satisfies(req))
                || extra.iter().any(|l| l.satisfies(req)))
                && !self.denied.iter().any(|l| l.satisfies(req))
        };
        match expr.evaluate_with_failures(ok) {
            Ok(()) => LicenseVerdict::Allowed,
            Err(failures) => {
                let failed: Vec<String> = failures.iter().map(|f| f.req.to_string()).collect();
                // Copyleft when allowing every copyleft license would satisfy it.
                let copyleft = expr
                    .evaluate(|req| ok(req) || req.license.id().is_some_and(|id| id.is_copyleft()));
                LicenseVerdict::NotAllowed { failed, copyleft }
            }
        }
    }

    /// The policy being applied.
    pub fn policy(&self) -> &LicensePolicy {
        self.policy
    }
}

/// Evaluates one package against `policy` (see [`LicenseMatcher`] for many).
pub fn evaluate_license(
    license: Option<&str>,
    license_file: Option<&str>,
    name: &str,
    version: &Version,
    policy: &LicensePolicy,
) -> LicenseVerdict {
    LicenseMatcher::new(policy).evaluate(license, license_file, name, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(expr: &str) -> LicenseVerdict {
        evaluate_license(
            Some(expr),
            None,
            "x",
            &Version::new(1, 0, 0),
            &LicensePolicy::default(),
        )
    }

    #[test]
    fn default_policy() {
        assert_eq!(verdict("MIT OR Apache-2.0"), LicenseVerdict::Allowed);
        assert_eq!(
            verdict("MIT/Apache-2.0"),
            LicenseVerdict::Allowed,
            "legacy slash"
        );
        assert_eq!(
            verdict("Apache-2.0 WITH LLVM-exception"),
            LicenseVerdict::Allowed
        );
        assert_eq!(verdict("MIT AND ISC"), LicenseVerdict::Allowed);
        assert_eq!(
            verdict("GPL-3.0 OR MIT"),
            LicenseVerdict::Allowed,
            "OR takes any allowed branch"
        );
        assert!(matches!(
            verdict("MIT AND GPL-2.0-only"),
            LicenseVerdict::NotAllowed { copyleft: true, .. }
        ));
        assert!(
            matches!(
                verdict("GPL-3.0"),
                LicenseVerdict::NotAllowed { copyleft: true, .. }
            ),
            "deprecated id understood"
        );
        assert!(matches!(
            verdict("LGPL-2.1-or-later"),
            LicenseVerdict::NotAllowed { copyleft: true, .. }
        ));
        assert!(matches!(
            verdict("CC-BY-4.0"),
            LicenseVerdict::NotAllowed {
                copyleft: false,
                ..
            }
        ));
        assert!(matches!(
            verdict("MIT AND AND"),
            LicenseVerdict::Unparsable(_)
        ));
        assert_eq!(
            evaluate_license(
                None,
                None,
                "x",
                &Version::new(1, 0, 0),
                &LicensePolicy::default()
            ),
            LicenseVerdict::Missing
        );
        assert!(matches!(
            evaluate_license(
                None,
                Some("LICENSE"),
                "x",
                &Version::new(1, 0, 0),
                &LicensePolicy::default()
            ),
            LicenseVerdict::FileOnly(_)
        ));
    }

    #[test]
    fn configured_policy_with_exceptions_and_deny() {
        let policy = LicensePolicy {
            allow: Some(vec!["MIT".into()]),
            deny: vec!["Apache-2.0".into()],
            exceptions: vec![(
                PackageSpec::parse("ring").unwrap(),
                vec!["ISC".into(), "OpenSSL".into()],
            )],
            ..LicensePolicy::default()
        };
        let v = |name: &str, expr: &str| {
            evaluate_license(Some(expr), None, name, &Version::new(0, 17, 0), &policy)
        };
        assert_eq!(v("x", "MIT"), LicenseVerdict::Allowed);
        assert!(matches!(v("x", "ISC"), LicenseVerdict::NotAllowed { .. }));
        assert_eq!(
            v("ring", "MIT AND ISC AND OpenSSL"),
            LicenseVerdict::Allowed
        );
        assert!(matches!(
            v("x", "Apache-2.0"),
            LicenseVerdict::NotAllowed { .. }
        ));
    }

    #[test]
    fn specs() {
        let s = PackageSpec::parse("syn@1").unwrap();
        assert!(s.matches("syn", &Version::new(1, 0, 109)));
        assert!(!s.matches("syn", &Version::new(2, 0, 0)));
        let exact = PackageSpec::parse("ansi_term@0.11.0").unwrap();
        assert!(exact.matches("ansi_term", &Version::new(0, 11, 0)));
        assert!(!exact.matches("ansi_term", &Version::new(0, 11, 1)));
        assert!(
            PackageSpec::parse("openssl")
                .unwrap()
                .matches("openssl", &Version::new(0, 10, 0))
        );
        assert!(PackageSpec::parse("bad name").is_err());
        let old = PackageSpec::with_version("foo", Some("<1.2")).unwrap();
        assert!(old.matches("foo", &Version::new(1, 1, 0)));
    }

    #[test]
    fn deny_toml_is_read_leniently() {
        let text = r#"
[licenses]
allow = ["MIT", "Apache-2.0"]
confidence-threshold = 0.8
exceptions = [{ allow = ["Zlib"], crate = "adler32" }]

[bans]
multiple-versions = "warn"
deny = [{ crate = "openssl", reason = "rustls only" }, "git2@0.18"]
skip = [{ crate = "syn@1" }, "bitflags@1.3.2"]

[sources]
allow-git = ["https://github.com/acme/fork"]
[sources.allow-org]
github = ["acme"]
"#;
        let (p, problems) = from_deny_toml("deny.toml", text);
        assert!(problems.is_empty(), "{problems:?}");
        let (_, problems) = from_deny_toml("deny.toml", "[bans]\ndeny = 5\n");
        assert_eq!(problems[0].section, Some("bans"));
        let (_, problems) = from_deny_toml("deny.toml", "[licenses]\nallow = []\n\n[licenses]\n");
        assert_eq!(problems[0].section, None);
        assert!(
            problems[0].message.starts_with("deny.toml:4 "),
            "{problems:?}"
        );
        assert_eq!(
            p.licenses.allow.as_deref(),
            Some(&["MIT".to_string(), "Apache-2.0".to_string()][..])
        );
        assert_eq!(p.licenses.exceptions[0].0.name, "adler32");
        assert_eq!(p.bans.deny[0].reason.as_deref(), Some("rustls only"));
        assert_eq!(p.bans.deny[1].spec.to_string(), "git2@^0.18");
        assert_eq!(p.bans.skip.len(), 2);
        assert!(
            p.sources
                .allow_git
                .contains(&"https://github.com/acme".to_string())
        );
        assert_eq!(p.licenses.source.as_deref(), Some("deny.toml"));
    }

    #[test]
    fn strict_mode_rejects_unknown_keys() {
        let v: toml::Value = toml::from_str::<toml::Table>("allow = [\"MIT\"]\nconfidence = 1\n")
            .unwrap()
            .into();
        assert!(licenses(&v, true).unwrap_err().contains("confidence"));
        let v: toml::Value = toml::from_str::<toml::Table>("allow = [\"NOT A LICENSE\"]\n")
            .unwrap()
            .into();
        assert!(licenses(&v, true).is_err());
    }
}
