//! The HTTP client: ureq with rustls and the platform's certificate
//! verifier, so TLS-intercepting corporate proxies whose CA lives only in
//! the system store work, with hard timeouts on every request.

use std::time::Duration;

/// How long to wait for a TCP/TLS connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Per-request deadline from `CARGO_READINESS_HTTP_TIMEOUT` (seconds), else `default`.
pub fn timeout(default: Duration) -> Duration {
    std::env::var("CARGO_READINESS_HTTP_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(default)
}

/// An agent whose every request ends within `deadline`.
pub fn agent(deadline: Duration) -> ureq::Agent {
    let deadline = timeout(deadline);
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(deadline))
        .timeout_connect(Some(CONNECT_TIMEOUT.min(deadline)))
        .user_agent(concat!("cargo-readiness/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// A one-line description of a failed request.
pub fn describe(url: &str, err: &ureq::Error) -> String {
    match err {
        ureq::Error::StatusCode(code) => format!("{url}: HTTP {code}"),
        ureq::Error::Timeout(_) => format!("{url}: timed out"),
        other => format!("{url}: {other}"),
    }
}
