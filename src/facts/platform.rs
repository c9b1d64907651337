//! Target platforms as rustc describes them: the triple and its `cfg`
//! values, which decide the `[target.'cfg(...)'.dependencies]` cargo builds.

use std::process::Command;

use cargo_metadata::cargo_platform::Cfg;

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

fn rustc() -> Command {
    let mut cmd = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    // cargo passes RUSTFLAGS when it asks rustc for cfg values; so do we
    // (`--cfg tokio_unstable`, target features).
    if let Ok(flags) = std::env::var("RUSTFLAGS") {
        cmd.args(flags.split_whitespace());
    }
    cmd
}

/// The host triple, from `rustc -vV`.
pub fn host_triple() -> Result<String, String> {
    let out = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
        .ok_or_else(|| "`rustc -vV` did not name the host".to_string())
}

/// The platform `triple` (the host when `None`), asked of rustc.
pub fn describe(triple: Option<&str>) -> Result<Platform, String> {
    let triple = match triple {
        Some(t) => t.to_string(),
        None => {
            // One rustc run for both (rustc 1.84+); older ones need two.
            if let Ok(out) = rustc()
                .args(["--print", "host-tuple", "--print", "cfg"])
                .output()
            {
                let text = String::from_utf8_lossy(&out.stdout);
                let mut lines = text.lines();
                if let (true, Some(host)) = (out.status.success(), lines.next()) {
                    return Ok(Platform {
                        triple: host.trim().to_string(),
                        cfg: parse_cfg(&lines.collect::<Vec<_>>().join("\n")),
                    });
                }
            }
            host_triple()?
        }
    };
    let out = rustc()
        .args(["--print", "cfg", "--target", &triple])
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("rustc failed")
            .trim_start_matches("error: ");
        return Err(format!("target `{triple}`: {first}"));
    }
    Ok(Platform {
        cfg: parse_cfg(&String::from_utf8_lossy(&out.stdout)),
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
