//! `--timings`: a per-phase breakdown of one run on stderr, so a slow
//! phase (or a regression) is easy to locate without a profiler.

use std::time::{Duration, Instant};

/// Phases of one run, in the order they finished.
#[derive(Debug)]
pub struct Timings {
    enabled: bool,
    started: Instant,
    phases: Vec<(String, Duration)>,
}

impl Timings {
    /// Starts the clock. Timings print when `flag` is set or the
    /// environment has `CARGO_READINESS_TIMINGS` (the benchmarks use it).
    pub fn start(flag: bool) -> Timings {
        Timings {
            enabled: flag || std::env::var_os("CARGO_READINESS_TIMINGS").is_some(),
            started: Instant::now(),
            phases: Vec::new(),
        }
    }

    /// Whether the breakdown will be printed.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Records a phase that took `took`.
    pub fn add(&mut self, phase: impl Into<String>, took: Duration) {
        self.phases.push((phase.into(), took));
    }

    /// Records several phases (e.g. those of fact collection).
    pub fn extend<'a>(&mut self, phases: impl IntoIterator<Item = &'a (&'static str, Duration)>) {
        for (name, took) in phases {
            self.add(*name, *took);
        }
    }

    /// Prints the breakdown, the total and the peak memory to stderr (when
    /// enabled).
    pub fn print(&self) {
        if !self.enabled {
            return;
        }
        eprint!("{}", self.render(self.started.elapsed(), peak_memory_kib()));
    }

    /// The text `print` writes (pure: for tests).
    fn render(&self, total: Duration, peak_kib: Option<u64>) -> String {
        let mut out = String::new();
        for (phase, took) in &self.phases {
            // Nested phases (`check x`) are indented by their caller.
            out.push_str(&format!("timing: {phase:<26} {:>9.2} ms\n", ms(*took)));
        }
        out.push_str(&format!("timing: {:<26} {:>9.2} ms\n", "total", ms(total)));
        if let Some(kib) = peak_kib {
            out.push_str(&format!(
                "timing: {:<26} {:>9.1} MiB\n",
                "peak memory (this process)",
                kib as f64 / 1024.0
            ));
        }
        out
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// This process's peak resident memory (`VmHWM` in `/proc/self/status`);
/// `None` where there is no procfs.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_phases_total_and_memory() {
        let mut t = Timings::start(true);
        t.add("cargo metadata", Duration::from_millis(120));
        t.add("  check license-files", Duration::from_micros(1500));
        let text = t.render(Duration::from_millis(150), Some(20480));
        assert!(text.contains("timing: cargo metadata"), "{text}");
        assert!(text.contains("120.00 ms"), "{text}");
        assert!(text.contains("timing:   check license-files"), "{text}");
        assert!(text.contains("1.50 ms"), "{text}");
        assert!(text.contains("timing: total"), "{text}");
        assert!(text.contains("20.0 MiB"), "{text}");
    }

    #[test]
    fn reads_the_peak_from_proc_status() {
        let status = "Name:\tx\nVmPeak:\t  9999 kB\nVmHWM:\t   4242 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(4242));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }
}
