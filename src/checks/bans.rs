//! `bans`: crates the team has banned are not in the graph.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::policy;

/// See [`Check::docs`].
pub struct Bans;

impl Check for Bans {
    fn id(&self) -> &'static str {
        "bans"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        2
    }
    fn summary(&self) -> &'static str {
        "no crate the team has banned is in the dependency graph"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
`[bans] deny` lists crates (optionally versions) that must not be in the
graph — `openssl` when rustls is the house rule, a crate with a bad
history. Each match is a finding with the dependency path that pulls it
in. cargo-deny's `bans.deny` in a `deny.toml` is honoured when
`readiness.toml` has no `[bans]`, with its `wrappers` (the crates allowed
to depend on the banned one directly: it is reported only where something
else pulls it in) and `use-instead` (named in the help). Nothing
configured: the check passes with a note.

```toml
[bans]
deny = [
  { crate = "openssl", reason = "rustls is the house rule" },
  { crate = "time@0.1", reason = "RUSTSEC-2020-0071" },
  { crate = "native-tls", wrappers = ["reqwest"], use-instead = "rustls" },
]
```

## Why
House rules that live in a wiki are broken the day someone adds a
dependency that pulls the banned crate in transitively.

## How to fix
Follow the path in the finding to the dependency that pulls it in and
switch it (or its feature flags: e.g. `reqwest` with `rustls-tls` and
`default-features = false`).
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(why) = facts.config.policy_unreadable.get("bans") {
            return Outcome::error(format!(
                "{why}; the [bans] policy it holds could not be applied"
            ));
        }
        let policy = &facts.config.policy.bans;
        if policy.deny.is_empty() {
            return Outcome::pass().with_note("no [bans] deny entries configured");
        }
        let graph = &facts.graph;
        if graph.nodes.is_empty() {
            return Outcome::error(
                "no dependency graph: cargo metadata failed and there is no Cargo.lock",
            );
        }
        let reach = graph.reach();
        let reverse = graph.reverse_edges();
        let mut findings = Vec::new();
        for (i, node) in graph.nodes.iter().enumerate() {
            if node.member || reach[i].is_empty() {
                continue;
            }
            let Ok(version) = semver::Version::parse(&node.version) else {
                continue;
            };
            // cargo-deny's `wrappers`: the crates allowed to depend on it
            // directly. It is banned only where something else pulls it in.
            let wrapped = |ban: &&policy::Ban| {
                !ban.wrappers.is_empty()
                    && reverse[i]
                        .iter()
                        .all(|&from| ban.wrappers.contains(&graph.nodes[from].name))
            };
            for ban in policy
                .deny
                .iter()
                .filter(|b| b.spec.matches(&node.name, &version))
                .filter(|b| !wrapped(b))
            {
                let path = graph
                    .path_to(i)
                    .map(|p| format!(" (path: {})", p.join(" → ")))
                    .unwrap_or_default();
                let reason = ban
                    .reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                let source = policy.source.as_deref().unwrap_or("the configuration");
                findings.push(
                    Finding::error(
                        format!("{}@{}", node.name, node.version),
                        format!("{} {} is banned by `{}` in {source}{reason}{path}", node.name, node.version, ban.spec),
                    )
                    .at(
                        facts.lockfile.as_ref().map_or("Cargo.lock", |l| l.path.as_str()),
                        facts.lockfile.as_ref().and_then(|l| l.package_line(&node.name, &node.version)),
                    )
                    .help(match &ban.use_instead {
                        Some(other) => format!("use `{other}` instead: switch the dependency on the path (or its features) so it no longer pulls this crate in"),
                        None => "switch the dependency on the path (or its features) so it no longer pulls this crate in".to_string(),
                    }),
                );
            }
        }
        let score = if findings.is_empty() { 1.0 } else { 0.0 };
        Outcome::from_findings(findings, score)
    }
}
