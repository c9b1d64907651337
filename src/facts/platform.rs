//! Target platforms as rustc describes them: the triple and its `cfg`
//! values, which decide the `[target.'cfg(...)'.dependencies]` cargo builds.

use std::time::Duration;

use cargo_metadata::cargo_platform::Cfg;

use super::toolchain::Toolchain;
use crate::exec::{Finished, Program, deadline};

/// One platform: its triple and `rustc --print cfg` values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// Target triple, e.g. `x86_64-unknown-linux-gnu`.
    pub triple: String,
    /// Its cfg values (`unix`, `target_os = "linux"`, ...).
    pub cfg: Vec<Cfg>,
}

impl Platform {
    /// Whether a dependency's `target` (a triple or `cfg(...)`) applies here.
    pub fn matches(&self, platform: &cargo_metadata::cargo_platform::Platform) -> bool {
        platform.matches(&self.triple, &self.cfg)
    }
}

/// How long one rustc query may take: it reads no sources, but a cold
/// toolchain's first start can be slow.
const RUSTC_DEADLINE: Duration = Duration::from_secs(60);

/// `rustc ARGS` through [`Program`]: from the neutral directory with the
/// run's toolchain, so the repository's `rust-toolchain.toml` neither picks
/// the compiler nor makes rustup download one.
fn rustc(toolchain: &Toolchain, args: &[&str], flags: bool) -> Result<Finished, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut program = Program::new(rustc, "rustc", deadline(RUSTC_DEADLINE));
    // cargo passes RUSTFLAGS when it asks rustc for cfg values; so do we
    // (`--cfg tokio_unstable`, target features). The user's environment,
    // not the repository's.
    if flags && let Ok(rustflags) = std::env::var("RUSTFLAGS") {
        program = program.args(rustflags.split_whitespace());
    }
    toolchain
        .apply(program.args(args))
        .run()
        .map_err(|e| e.to_string())
}

/// The host triple, from `rustc -vV`.
pub fn host_triple(toolchain: &Toolchain) -> Result<String, String> {
    let out = rustc(toolchain, &["-vV"], false)?;
    out.stdout_text()
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
        .ok_or_else(|| {
            format!(
                "`rustc -vV` did not name the host: {}",
                out.first_error_line("no output")
            )
        })
}

/// The platform `triple` (the host when `None`), asked of rustc.
pub fn describe(toolchain: &Toolchain, triple: Option<&str>) -> Result<Platform, String> {
    let triple = match triple {
        Some(t) => t.to_string(),
        None => {
            // One rustc run for both (rustc 1.84+); older ones need two.
            if let Ok(out) = rustc(
                toolchain,
                &["--print", "host-tuple", "--print", "cfg"],
                true,
            ) {
                let text = out.stdout_text();
                let mut lines = text.lines();
                if let (true, Some(host)) = (out.status.success(), lines.next()) {
                    return Ok(Platform {
                        triple: host.trim().to_string(),
                        cfg: parse_cfg(&lines.collect::<Vec<_>>().join("\n")),
                    });
                }
            }
            host_triple(toolchain)?
        }
    };
    let out = rustc(toolchain, &["--print", "cfg", "--target", &triple], true)?;
    if !out.status.success() {
        return Err(format!(
            "target `{triple}`: {}",
            out.first_error_line("rustc failed")
        ));
    }
    Ok(Platform {
        cfg: parse_cfg(&out.stdout_text()),
        triple,
    })
}

/// `rustc --print cfg` output, one value a line.
pub fn parse_cfg(text: &str) -> Vec<Cfg> {
    text.lines()
        .filter_map(|l| l.trim().parse::<Cfg>().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfg_lines() {
        let cfg = parse_cfg("debug_assertions\ntarget_os=\"linux\"\nunix\n");
        let p = Platform {
            triple: "x86_64-unknown-linux-gnu".into(),
            cfg,
        };
        let unix: cargo_metadata::cargo_platform::Platform =
            "cfg(unix)".parse().unwrap_or_else(|e| panic!("{e}"));
        let windows: cargo_metadata::cargo_platform::Platform =
            "cfg(windows)".parse().unwrap_or_else(|e| panic!("{e}"));
        let named: cargo_metadata::cargo_platform::Platform = "x86_64-unknown-linux-gnu"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(p.matches(&unix) && p.matches(&named) && !p.matches(&windows));
    }
}
