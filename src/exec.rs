//! Running the programs a run needs — `cargo`, `rustc`, `rustup`, `git` —
//! on an untrusted repository (see `docs/security-model.md`).
//!
//! Every external command goes through [`Program`]: fixed arguments chosen
//! by this tool (a caller puts `--` before anything a repository supplies),
//! a working directory the repository does not control (cargo and rustup
//! read `.cargo/config.toml` and `rust-toolchain.toml` from the working
//! directory and its ancestors, not from the manifest's), an environment
//! without compiler wrappers or toolchain auto-install, stdin closed, a
//! deadline after which the whole process group is killed, and bounded
//! output.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The most stderr kept from a command: the first lines say what failed.
const MAX_STDERR: usize = 1024 * 1024;

/// Process ids of the commands running now (each leads its own process
/// group), stopped by [`kill_running`] when the run is interrupted: they do
/// not get the terminal's Ctrl-C, being in their own groups, and cargo
/// must not write a `Cargo.lock` after it was restored.
static RUNNING: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

/// Whether notices (a process waiting for cargo's file lock) are kept off
/// stderr: `-q` asks for nothing but a failing verdict.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keeps the notices this module prints off stderr (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Stops every command still running (see [`RUNNING`]).
pub fn kill_running() {
    // Another thread may be registering a program (git runs beside cargo):
    // wait for it rather than skip the kill, or cargo would go on writing
    // after the files are put back.
    if let Some(running) = crate::util::lock_briefly(&RUNNING) {
        for pid in running.iter() {
            kill_group(*pid);
        }
        // SIGKILL takes effect when a process next leaves the kernel: a
        // write it is in the middle of (cargo rewriting Cargo.lock) still
        // lands. Give it that moment before the caller restores files.
        if !running.is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// Registers a running child; unregisters on drop.
struct Registered(u32);

impl Registered {
    fn new(pid: u32) -> Registered {
        if let Ok(mut running) = RUNNING.lock() {
            running.push(pid);
        }
        Registered(pid)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut running) = RUNNING.lock()
            && let Some(i) = running.iter().position(|p| *p == self.0)
        {
            running.remove(i);
        }
    }
}

/// Why a command gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    /// The program could not be started (not installed, not executable).
    #[error("cannot run {program}: {reason}")]
    Spawn {
        /// The program.
        program: String,
        /// The operating system's reason.
        reason: String,
    },
    /// It ran past its deadline and was killed, with everything it started.
    #[error("{what} did not finish within {} s and was stopped", .after.as_secs())]
    Deadline {
        /// What was run, for the message (`cargo metadata`).
        what: String,
        /// The deadline.
        after: Duration,
    },
    /// It wrote more than the limit to stdout and was stopped.
    #[error("{what} wrote more than {} MB and was stopped", .limit / (1024 * 1024))]
    TooMuchOutput {
        /// What was run.
        what: String,
        /// The limit, in bytes.
        limit: usize,
    },
}

/// A finished command.
#[derive(Debug)]
pub struct Finished {
    /// How it exited.
    pub status: ExitStatus,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// The first [`MAX_STDERR`] bytes of its standard error.
    pub stderr: Vec<u8>,
}

impl Finished {
    /// Standard output as text (lossy: file names may not be UTF-8).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The first non-empty line of stderr, without git's `fatal: ` or
    /// cargo's `error: ` prefix; `fallback` when there is none.
    pub fn first_error_line(&self, fallback: &str) -> String {
        let text = self.stderr_text();
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| {
                l.trim_start_matches("fatal: ")
                    .trim_start_matches("error: ")
                    .to_string()
            })
            .unwrap_or_else(|| fallback.to_string())
    }
}

/// A directory to run programs in that the repository under review cannot
/// have written a `.cargo/config.toml` or `rust-toolchain.toml` into, in
/// itself or any ancestor: the filesystem root on Unix (only the
/// administrator writes there), the user's temporary directory elsewhere.
pub fn neutral_dir() -> PathBuf {
    if cfg!(unix) {
        PathBuf::from("/")
    } else {
        std::env::temp_dir()
    }
}

/// The deadline for a command, `default` unless
/// `CARGO_READINESS_COMMAND_TIMEOUT` (seconds) says otherwise — for CI
/// jobs that want a tighter bound, and for tests.
pub fn deadline(default: Duration) -> Duration {
    std::env::var("CARGO_READINESS_COMMAND_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(default, Duration::from_secs_f64)
}

/// How long a local git command may take (`ls-files` on a huge checkout).
pub const GIT_DEADLINE: Duration = Duration::from_secs(120);

/// The git binary (`CARGO_READINESS_GIT` overrides, for tests).
pub fn git_binary() -> std::ffi::OsString {
    std::env::var_os("CARGO_READINESS_GIT").unwrap_or_else(|| "git".into())
}

/// `git [-C dir] ARGS` with [`Program`]'s limits. Reads of the repository
/// never start its file-system monitor (`core.fsmonitor`, a program named in
/// git's configuration) and never use the `ext::` transport.
pub fn git(dir: Option<&Path>, args: &[&str], deadline: Duration) -> Program {
    let what = format!("git {}", args.first().copied().unwrap_or_default());
    let mut program = Program::new(git_binary(), &what, deadline).args([
        "-c",
        "core.fsmonitor=false",
        "-c",
        "protocol.ext.allow=never",
    ]);
    if let Some(dir) = dir {
        program = program.arg("-C").arg(dir);
    }
    program.args(args).max_stdout(1024 * 1024 * 1024)
}

/// Runs a local git command: its stdout when it succeeded.
pub fn git_output(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let done = git(Some(dir), args, deadline(GIT_DEADLINE)).run().ok()?;
    done.status.success().then_some(done.stdout)
}

/// One external command with its limits.
pub struct Program {
    cmd: Command,
    what: String,
    deadline: Duration,
    max_stdout: usize,
}

impl Program {
    /// `program` with the hardened defaults: run from [`neutral_dir`],
    /// stdin closed, no prompts (git, ssh), no compiler wrapper, no rustup
    /// auto-install, colour off. `what` names it in messages.
    pub fn new(program: impl AsRef<std::ffi::OsStr>, what: &str, deadline: Duration) -> Program {
        let mut cmd = Command::new(program);
        cmd.current_dir(neutral_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A compiler wrapper runs for `rustc -vV` when cargo asks the
            // compiler about the target: never one a repository chose, and
            // none at all (an empty value overrides every config file).
            .env("RUSTC_WRAPPER", "")
            .env("RUSTC_WORKSPACE_WRAPPER", "")
            .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
            .env_remove("CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER")
            // rustup installs a missing toolchain on first use unless told
            // not to: that is a download, and under --offline a failure
            // reported as a broken manifest.
            .env("RUSTUP_AUTO_INSTALL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ASKPASS", "true")
            .env("SSH_ASKPASS", "true")
            .env("GIT_PAGER", "cat")
            // Their stderr is summarised in one line: no backtraces in it.
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE");
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group, so a deadline kills what it started
            // too (cargo's git and rustc children).
            cmd.process_group(0);
        }
        Program {
            cmd,
            what: what.to_string(),
            deadline,
            max_stdout: 64 * 1024 * 1024,
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Program
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Program {
        self.cmd.arg(arg);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Program {
        self.cmd.env(key, value);
        self
    }

    /// Runs in `dir` instead of [`neutral_dir`] — only for programs that do
    /// not read configuration from their working directory.
    pub fn current_dir(mut self, dir: &Path) -> Program {
        self.cmd.current_dir(dir);
        self
    }

    /// Keeps at most `bytes` of stdout; more stops the command.
    pub fn max_stdout(mut self, bytes: usize) -> Program {
        self.max_stdout = bytes;
        self
    }

    /// Starts from an already-configured command (`cargo_metadata`'s),
    /// applying the same hardening.
    pub fn from_command(cmd: Command, what: &str, deadline: Duration) -> Program {
        let mut program = Program::new(cmd.get_program(), what, deadline);
        program.cmd.args(cmd.get_args());
        for (key, value) in cmd.get_envs() {
            match value {
                Some(v) => program.cmd.env(key, v),
                None => program.cmd.env_remove(key),
            };
        }
        program
    }

    /// Runs it to completion or to its deadline.
    pub fn run(mut self) -> Result<Finished, ExecError> {
        let program = self.cmd.get_program().to_string_lossy().into_owned();
        let mut child = self.cmd.spawn().map_err(|e| ExecError::Spawn {
            program,
            reason: e.to_string(),
        })?;
        let _registered = Registered::new(child.id());
        let started = Instant::now();
        let (tx, rx) = mpsc::channel::<Stream>();
        let out = child.stdout.take().map(|s| {
            let tx = tx.clone();
            let limit = self.max_stdout;
            std::thread::spawn(move || {
                let read = read_bounded(s, limit, true);
                let _ = tx.send(Stream::Out(read));
            })
        });
        let err = child.stderr.take().map(|s| {
            let tx = tx.clone();
            let what = self.what.clone();
            std::thread::spawn(move || {
                let read = read_bounded(WaitNotice::new(s, what), MAX_STDERR, false);
                let _ = tx.send(Stream::Err(read));
            })
        });
        drop(tx);
        let mut stdout = None;
        let mut stderr = None;
        let mut open = usize::from(out.is_some()) + usize::from(err.is_some());
        // Both streams end when the process (and everything it started)
        // closes them: wait for that, up to the deadline.
        while open > 0 {
            let left = self.deadline.saturating_sub(started.elapsed());
            match rx.recv_timeout(left) {
                Ok(Stream::Out(read)) => {
                    open -= 1;
                    if read.overflowed {
                        kill(&mut child);
                        return Err(ExecError::TooMuchOutput {
                            what: self.what,
                            limit: self.max_stdout,
                        });
                    }
                    stdout = Some(read.bytes);
                }
                Ok(Stream::Err(read)) => {
                    open -= 1;
                    stderr = Some(read.bytes);
                }
                Err(_) => {
                    kill(&mut child);
                    return Err(ExecError::Deadline {
                        what: self.what,
                        after: self.deadline,
                    });
                }
            }
        }
        // The streams are closed; the process may still be running.
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() < self.deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(None) | Err(_) => {
                    kill(&mut child);
                    return Err(ExecError::Deadline {
                        what: self.what,
                        after: self.deadline,
                    });
                }
            }
        };
        Ok(Finished {
            status,
            stdout: stdout.unwrap_or_default(),
            stderr: stderr.unwrap_or_default(),
        })
    }
}

/// cargo's stderr, passed through; the first time cargo says it is
/// blocked on a file lock (another cargo holds the package cache or the
/// build directory), the user is told at once — the run would otherwise
/// sit silent until the other process finishes, or the deadline.
struct WaitNotice<R> {
    inner: R,
    what: String,
    told: bool,
    /// The end of the previous read, so a message split across two reads
    /// is still seen.
    tail: Vec<u8>,
}

impl<R: Read> WaitNotice<R> {
    fn new(inner: R, what: String) -> Self {
        WaitNotice {
            inner,
            what,
            told: false,
            tail: Vec::new(),
        }
    }
}

/// What cargo prints when it waits for a lock.
const BLOCKING: &[u8] = b"Blocking waiting for file lock on ";

impl<R: Read> Read for WaitNotice<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if !self.told && n > 0 {
            self.tail.extend_from_slice(&buf[..n]);
            if let Some(at) = memchr::memmem::find(&self.tail, BLOCKING) {
                let rest = &self.tail[at + BLOCKING.len()..];
                if let Some(end) = rest.iter().position(|b| *b == b'\n') {
                    let object = String::from_utf8_lossy(&rest[..end]);
                    let object = crate::util::terminal_safe(object.trim());
                    use std::io::Write as _;
                    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
                        let _ = writeln!(
                            std::io::stderr(),
                            "note: {} is waiting for the file lock on the {object}, held by another cargo process",
                            self.what
                        );
                    }
                    self.told = true;
                    self.tail = Vec::new();
                }
            } else {
                let keep = self.tail.len().saturating_sub(BLOCKING.len() + 256);
                self.tail.drain(..keep);
            }
        }
        Ok(n)
    }
}

enum Stream {
    Out(Bounded),
    Err(Bounded),
}

struct Bounded {
    bytes: Vec<u8>,
    overflowed: bool,
}

/// Reads `r` to its end, keeping at most `limit` bytes. Past the limit it
/// stops at once (`stop`: the command is then killed), or reads and drops
/// the rest, so the writer never blocks on a full pipe.
fn read_bounded(mut r: impl Read, limit: usize, stop: bool) -> Bounded {
    let mut bytes = Vec::new();
    let mut overflowed = false;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let room = limit.saturating_sub(bytes.len());
                if n > room {
                    bytes.extend_from_slice(&buf[..room]);
                    overflowed = true;
                    if stop {
                        break;
                    }
                } else {
                    bytes.extend_from_slice(&buf[..n]);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    Bounded { bytes, overflowed }
}

/// Kills the child and its process group, and reaps it.
fn kill(child: &mut Child) {
    kill_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills the process group led by `pid` (Unix; elsewhere the caller kills
/// the process itself).
fn kill_group(pid: u32) {
    #[cfg(unix)]
    {
        if let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_command_past_its_deadline_is_stopped_with_its_children() {
        let t = Instant::now();
        let err = Program::new("sh", "sleeper", Duration::from_millis(300))
            .args(["-c", "sleep 30 & sleep 30"])
            .run()
            .unwrap_err();
        assert!(matches!(err, ExecError::Deadline { .. }), "{err}");
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert!(err.to_string().contains("sleeper"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn output_is_bounded_and_the_environment_hardened() {
        let err = Program::new("sh", "talker", Duration::from_secs(10))
            .args(["-c", "yes"])
            .max_stdout(1024 * 1024)
            .run()
            .unwrap_err();
        assert!(matches!(err, ExecError::TooMuchOutput { .. }), "{err}");
        let done = Program::new("sh", "env", Duration::from_secs(10))
            .args([
                "-c",
                "pwd; echo \"[$RUSTC_WRAPPER] $RUSTUP_AUTO_INSTALL\"; cat",
            ])
            .run()
            .unwrap();
        assert!(done.status.success());
        assert_eq!(done.stdout_text(), "/\n[] 0\n");
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let err = Program::new("/nonexistent/program", "x", Duration::from_secs(1))
            .run()
            .unwrap_err();
        assert!(matches!(err, ExecError::Spawn { .. }), "{err}");
    }

    #[test]
    fn deadline_override() {
        assert_eq!(deadline(Duration::from_secs(7)), Duration::from_secs(7));
    }
}
