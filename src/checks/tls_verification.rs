//! `tls-verification`: shipped code never switches off certificate or
//! hostname verification.

use std::collections::BTreeMap;

use super::code::{self, Keys};
use super::{Category, Check, CheckConfig, Finding, Level, Outcome, Severity};
use crate::facts::Facts;

/// The scanner's name for a rustls verifier that accepts everything.
const ACCEPT_ALL: &str = "a certificate verifier that accepts every certificate";

/// See [`Check::docs`].
pub struct TlsVerification;

impl Check for TlsVerification {
    fn id(&self) -> &'static str {
        "tls-verification"
    }
    fn category(&self) -> Category {
        Category::Security
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn weight(&self) -> u32 {
        3
    }
    fn summary(&self) -> &'static str {
        "shipped code does not disable TLS certificate or hostname verification"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
In code that ships (libraries, binaries, build scripts; not tests,
benches, examples, `#[cfg(test)]` code or support crates such as `xtask` —
see `docs/source-checks.md`), each of these is an error at its line:

- `danger_accept_invalid_certs(true)` and
  `danger_accept_invalid_hostnames(true)` (reqwest, native-tls,
  tokio-native-tls and the crates built on them), lettre's
  `dangerous_accept_invalid_certs(true)` /
  `dangerous_accept_invalid_hostnames(true)`;
- `disable_verification(true)` (ureq 3's TLS config);
- `SslVerifyMode::NONE` / `SslVerifyMode::empty()` (openssl, boring —
  e.g. `set_verify(SslVerifyMode::NONE)`), `set_verify_hostname(false)`,
  `verify_hostname(false)`;
- `ssl_verify_peer(false)`, `ssl_verify_host(false)` (curl);
- `SslOption::DANGER_ACCEPT_INVALID_CERTS` / `_HOSTS` (isahc);
- a rustls verifier that accepts everything: a `verify_server_cert` or
  `verify_client_cert` whose whole body is
  `Ok(ServerCertVerified::assertion())` (or `ClientCertVerified`), the
  usual `NoVerifier` installed with `.dangerous().set_certificate_verifier(…)`.
  When every place the crate installs a custom verifier
  (`set_certificate_verifier`, `with_custom_certificate_verifier`) is
  inside a branch or an opt-in function, such a verifier is a warning.

A switch inside an `if`, `else` or `match` branch (braced or not:
`Security::Insecure => b.danger_accept_invalid_certs(true),`) — an opt-in
"insecure" option — is a warning rather than an error: the capability
exists, but only under some condition. So is a hostname-only switch
(`set_verify_hostname(false)`, `danger_accept_invalid_hostnames(true)`)
with a comment right before it saying why — the name may be checked
another way, as with openssl's `add_host` — and a switch inside a `pub`
function whose name says what the caller gives up (`insecure_skip_verify()`,
`danger_accept_invalid_certs()`, `with_no_verification()`): an API a
caller must choose, not a default.

Limits: only literal `true`/`false` arguments are recognised — a flag read
from configuration (`danger_accept_invalid_certs(cfg.insecure)`) is not
reported; a custom verifier that does some checking is not judged.

## Why
Without certificate verification TLS stops authenticating the server:
anyone on the network path can impersonate it and read or change the
traffic. Such switches are added "temporarily" to talk to a test server
with a self-signed certificate and then ship.

## How to fix
Remove the switch. To trust a private or self-signed CA, add its
certificate to the client's roots (`add_root_certificate` in reqwest, a
`RootCertStore` in rustls); for tests, keep the insecure client in test
code.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        if let Some(outcome) = code::nothing_to_scan(facts) {
            return outcome;
        }
        let shipping = code::shipping_members(facts);
        // Per member: whether it installs a custom verifier, and whether
        // every install is behind a branch or an opt-in function.
        let mut installs: BTreeMap<usize, (usize, bool)> = BTreeMap::new();
        for f in &facts.sources.files {
            for i in &f.scan.verifier_installs {
                if code::ships_in(&shipping, f, i.test) {
                    let e = installs.entry(f.member).or_insert((0, true));
                    e.0 += 1;
                    e.1 &= i.conditional || i.opt_in_fn.is_some();
                }
            }
        }
        let mut findings = Vec::new();
        for f in &facts.sources.files {
            let mut keys = Keys::default();
            for site in &f.scan.tls {
                if !code::ships_in(&shipping, f, site.test) {
                    continue;
                }
                let key = keys.next(site.what, "");
                let opt_in_installs = site.what == ACCEPT_ALL
                    && installs
                        .get(&f.member)
                        .is_some_and(|(n, guarded)| *n > 0 && *guarded);
                let finding = if opt_in_installs {
                    Finding::warning(
                        key,
                        format!(
                            "{} is defined here; the crate installs it only behind an option (a branch or an opt-in function)",
                            site.what
                        ),
                    )
                    .help("make sure production configuration can never select it; trust a private CA with a root store instead")
                } else if let Some(function) = &site.opt_in_fn {
                    Finding::warning(
                        key,
                        format!(
                            "`{}` switches off TLS verification inside `{function}`, which callers must choose to call",
                            site.what
                        ),
                    )
                    .help("keep the name saying what it gives up, and make sure nothing calls it by default")
                } else if site.explained {
                    Finding::warning(
                        key,
                        format!(
                            "`{}` switches off the hostname check; the comment above it says why (is the name checked another way?)",
                            site.what
                        ),
                    )
                    .help("keep the comment true: the peer's name must still be verified (for example with `add_host`/`set_host` on the verify parameters)")
                } else if site.conditional {
                    Finding::warning(
                        key,
                        format!(
                            "`{}` switches off TLS verification when its branch is taken (an \"insecure\" option?)",
                            site.what
                        ),
                    )
                    .help("make sure production configuration can never take this branch, or drop the option and trust a private CA instead")
                } else {
                    Finding::error(
                        key,
                        format!(
                            "`{}` switches off TLS verification in shipped code",
                            site.what
                        ),
                    )
                    .help("remove it; to trust a private CA, add its certificate to the client's root store")
                };
                findings.push(finding.at(f.path.clone(), Some(site.line as usize)));
            }
        }
        let score = if findings.iter().any(|f| f.severity == Severity::Error) {
            0.0
        } else if findings.is_empty() {
            1.0
        } else {
            0.5
        };
        code::with_unscanned(
            Outcome::from_findings(findings, score),
            facts,
            crate::scan::rules::TLS_WORDS,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::facts::workspace::Member;

    #[test]
    fn shipped_code_fails_test_code_does_not() {
        let facts = Facts::in_memory(
            vec![Member::named("a", "0.1.0", "")],
            &[
                ("Cargo.toml", ""),
                (
                    "src/lib.rs",
                    "pub fn client() {\n    let c = reqwest::Client::builder()\n        .danger_accept_invalid_certs(true)\n        .build();\n}\n#[cfg(test)]\nmod tests {\n    fn t() { b.danger_accept_invalid_hostnames(true); }\n}\n",
                ),
                (
                    "examples/e.rs",
                    "fn main() { b.danger_accept_invalid_certs(true); }\n",
                ),
            ],
        );
        let o = TlsVerification.run(&facts, &CheckConfig { level: Level::Deny });
        assert_eq!(o.status, Status::Fail);
        let at: Vec<(Option<&str>, Option<usize>)> = o
            .findings
            .iter()
            .map(|f| (f.path.as_deref(), f.line))
            .collect();
        assert_eq!(at, vec![(Some("src/lib.rs"), Some(3))]);
    }
}
