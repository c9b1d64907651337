//! `network-timeouts`: HTTP clients in shipped code have a timeout.

use super::code::{self, Keys};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;

/// See [`Check::docs`].
pub struct NetworkTimeouts;

impl Check for NetworkTimeouts {
    fn id(&self) -> &'static str {
        "network-timeouts"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "HTTP clients built in shipped code set a timeout"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
In code that ships (not tests, benches, examples, `#[cfg(test)]` code or
support crates such as `xtask` — see `docs/source-checks.md`), HTTP
clients built without any timeout, each a warning at its line:

- reqwest: `reqwest::Client::new()` and `reqwest::get(…)` (no way to set a
  timeout); `Client::builder()` / `ClientBuilder::new()` chains that end in
  `.build()` without `.timeout(…)`, `.connect_timeout(…)` or
  `.read_timeout(…)` in the same chain;
- ureq: `ureq::agent()`, `Agent::new_with_defaults()`, and
  `AgentBuilder::new()` / `Agent::config_builder()` chains built without
  any `timeout*` setting.

`Client`, `Agent` and friends are recognised written in full
(`reqwest::Client::new()`) or imported by `use` (`use reqwest::Client;`,
renames and `use reqwest::blocking;` followed by `blocking::Client`
included). `reqwest::blocking` clients are not reported: they default to a
30-second timeout.

A builder bound to a local (`let mut builder = Client::builder();`) is
followed through the block: `builder = builder.proxy(p)`,
`builder.timeout(…)` and `builder.build()` count for it.

Limits: a builder returned or passed elsewhere (`configure(&mut
builder)`, a struct field) is not followed and not reported; glob imports
(`use reqwest::*`) are not resolved; hyper, isahc, surf and others are not
covered; a timeout applied per request (`RequestBuilder::timeout`) or by a
surrounding `tokio::time::timeout` is not seen, so a client deliberately
built without one can be a false positive — silence the check or the
finding then.

## Why
Without a timeout, a peer that accepts the connection and never answers
holds the request — and the task, connection slot and memory behind it —
forever. Under load, one slow dependency then exhausts the service.

## How to fix
```rust
let client = reqwest::Client::builder()
    .connect_timeout(Duration::from_secs(5))
    .timeout(Duration::from_secs(30))
    .build()?;
```
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let shipping = code::shipping_members(facts);
        let mut findings = Vec::new();
        for f in &facts.sources.files {
            let mut keys = Keys::default();
            for c in &f.scan.http_clients {
                if !code::ships_in(&shipping, f, c.test) {
                    continue;
                }
                let help = if c.constructor.starts_with("ureq") {
                    "configure a timeout: `.timeout_global(Some(..))` (ureq 3) or `.timeout(..)` (ureq 2)"
                } else {
                    "build it with `Client::builder().connect_timeout(..).timeout(..).build()`"
                };
                findings.push(
                    Finding::warning(
                        keys.next(&c.constructor, ""),
                        format!(
                            "`{}` builds an HTTP client without a timeout",
                            c.constructor
                        ),
                    )
                    .at(f.path.clone(), Some(c.line as usize))
                    .help(help),
                );
            }
        }
        let score = 1.0 / (1.0 + findings.len() as f64);
        code::with_unscanned(
            Outcome::from_findings(findings, score),
            facts,
            crate::scan::rules::HTTP_CLIENT_WORDS,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    #[test]
    fn client_without_timeout_is_found() {
        let facts = Facts::in_memory(
            vec![Member::named("a", "0.1.0", "")],
            &[
                ("Cargo.toml", ""),
                (
                    "src/lib.rs",
                    "use reqwest::Client;\npub fn a() -> Client {\n    Client::new()\n}\npub fn b() -> Client {\n    Client::builder().timeout(T).build().unwrap()\n}\n",
                ),
            ],
        );
        let o = NetworkTimeouts.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Warn);
        let lines: Vec<Option<usize>> = o.findings.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![Some(3)]);
    }
}
