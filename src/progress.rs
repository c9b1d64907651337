//! A progress line on stderr for slow phases: shown only when stderr is a
//! terminal and the phase has taken more than 300 ms, cleared when it ends.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a phase may run before it gets a progress line.
const DELAY: Duration = Duration::from_millis(300);

/// A running progress indicator; dropping it stops and clears it.
pub struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts showing `label` after [`DELAY`] when `enabled` and stderr is a
    /// terminal.
    pub fn start(label: &'static str, enabled: bool) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        if !enabled || !std::io::stderr().is_terminal() || std::env::var_os("NO_PROGRESS").is_some()
        {
            return Progress { done, thread: None };
        }
        let flag = Arc::clone(&done);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let mut shown = false;
            let mut i = 0;
            while !flag.load(Ordering::Relaxed) {
                if started.elapsed() >= DELAY {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(
                        err,
                        "\\r{} {label} ({:.1}s)",
                        frames[i % frames.len()],
                        started.elapsed().as_secs_f64()
                    );
                    let _ = err.flush();
                    shown = true;
                    i += 1;
                }
                std::thread::sleep(Duration::from_millis(80));
            }
            if shown {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\\r\\x1b[2K");
                let _ = err.flush();
            }
        });
        Progress {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
