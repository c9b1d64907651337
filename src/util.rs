//! Small helpers shared across modules.

/// 64-bit FNV-1a: a stable, dependency-free hash for fingerprints.
///
/// Not `std`'s `DefaultHasher`, whose output may change between Rust
/// releases; fingerprints are stored in baselines and must never drift.
#[derive(Debug, Clone)]
pub struct Fnv64(u64);

impl Fnv64 {
    /// A fresh hasher.
    pub fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv64 {
    fn default() -> Self {
        Self::new()
    }
}

/// 1-based line number of a byte offset in `text`.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Known names within edit distance of `input`, closest first.
pub fn close_matches<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(s, c)| *s > 0.8 || c.contains(input) || input.contains(c))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// `text` with every control character but newline and tab written out
/// (`\u{1b}`), so a value from the repository under review cannot send
/// escape sequences to a terminal (retitle it, clear it, hide a line).
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unprintable(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_unprintable(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Rendered terminal text with only its own styling left: `ESC [ digits
/// and ; m` (SGR, what `anstyle` writes) is kept, every other control
/// character written out as in [`printable`]. The last line of defence
/// for text printed to a terminal; renderers clean repository values
/// themselves too.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' {
            let sgr = rest[1..].strip_prefix('[').and_then(|after| {
                let params = after
                    .find(|ch: char| !(ch.is_ascii_digit() || ch == ';'))
                    .unwrap_or(after.len());
                after[params..].starts_with('m').then_some(params + 3)
            });
            if let Some(len) = sgr {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if is_unprintable(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// Joins with commas and a final "and": `a, b and c`.
pub fn human_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Compiles a regex written in this crate's source.
///
/// Only for literal patterns: they are constants, exercised by the tests
/// of the code using them, so a failure here is a bug in this crate.
#[allow(clippy::expect_used)]
pub fn regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("built-in regex must compile")
}

/// Temp files being written right now, removed by [`remove_pending_writes`]
/// when the process is interrupted.
static PENDING_WRITES: std::sync::Mutex<Vec<std::path::PathBuf>> =
    std::sync::Mutex::new(Vec::new());

/// Writes `bytes` to `path` atomically: a temp file in the same directory,
/// then a rename, so readers never see a partial file and a failure — or
/// an interrupt (SIGINT/SIGTERM), see [`remove_pending_writes`] — leaves
/// any previous file intact.
///
/// The file gets the permissions a plainly created file would (0666 less
/// the umask), or keeps those of the file it replaces — not a temp file's
/// private 0600: reports and SBOMs are read by other users and web servers
/// (GitHub Pages refuses to deploy files others cannot read).
///
/// What is at `path` is never replaced by something else: a symlink is
/// followed and the file it points at written (atomically, beside it); a
/// character device, FIFO or socket (`/dev/stdout`, `/dev/null`, a named
/// pipe) is written directly, as a shell redirection would. A write that
/// fails (`/dev/full`, a read-only directory) is an error naming the cause.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let staged = StagedWrite::new(path, bytes)?;
    pause_for_tests();
    staged.commit()
}

/// What an output path names, after following symlinks.
enum OutputTarget {
    /// A regular file or nothing yet: written by temp file and rename.
    File(std::path::PathBuf),
    /// A device, FIFO or socket: written in place.
    Special(std::path::PathBuf),
}

/// Follows `path` through symlinks (at most 40, like the kernel) to what
/// would be written, which need not exist yet.
fn output_target(path: &std::path::Path) -> std::io::Result<OutputTarget> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(OutputTarget::File(current));
            }
            Err(e) => return Err(e),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let link = std::fs::read_link(&current)?;
            current = match current.parent() {
                Some(dir) if link.is_relative() => dir.join(link),
                _ => link,
            };
            continue;
        }
        if kind.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        }
        return Ok(if kind.is_file() {
            OutputTarget::File(current)
        } else {
            OutputTarget::Special(current)
        });
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Writes to a device or FIFO in place. A FIFO nobody reads is an error,
/// not a hang: it is opened without blocking first.
fn write_special(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let mut file = options.open(path).map_err(no_reader)?;
    #[cfg(unix)]
    {
        // Blocking again, so a slow reader gets every byte.
        let flags = rustix::fs::fcntl_getfl(&file)?;
        rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK)?;
    }
    file.write_all(bytes)?;
    file.flush()
}

/// ENXIO from a non-blocking open: a FIFO with no reader.
#[cfg(unix)]
fn no_reader(e: std::io::Error) -> std::io::Error {
    if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) {
        std::io::Error::other("a named pipe with no reader")
    } else {
        e
    }
}

#[cfg(not(unix))]
fn no_reader(e: std::io::Error) -> std::io::Error {
    e
}

/// A file written to its temp file beside `path` but not yet renamed over
/// it: several files can be staged and then committed together, so a
/// failure before the commits leaves every target as it was. Dropping it
/// uncommitted removes the temp file.
pub struct StagedWrite {
    /// `None` once committed.
    tmp: Option<tempfile::NamedTempFile>,
    /// The temp file's path, as registered in `PENDING_WRITES`.
    registered: std::path::PathBuf,
    /// The file the rename lands on (a symlink's target, followed).
    target: std::path::PathBuf,
    /// The path as given, for [`StagedWrite::path`].
    path: std::path::PathBuf,
    /// For a device or FIFO: the bytes, written in place on commit.
    special: Option<Vec<u8>>,
}

impl StagedWrite {
    /// Writes `bytes` to a temp file beside `path` (see [`write_atomic`]
    /// for names, permissions, symlinks and devices).
    pub fn new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<StagedWrite> {
        use std::io::Write;
        let target = match output_target(path)? {
            OutputTarget::File(target) => target,
            OutputTarget::Special(device) => {
                return Ok(StagedWrite {
                    tmp: None,
                    registered: std::path::PathBuf::new(),
                    target: device,
                    path: path.to_path_buf(),
                    special: Some(bytes.to_vec()),
                });
            }
        };
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
        // Named after its target, so a leftover (a `kill -9`) says what it was.
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        // The temp file is created and registered under one lock: the
        // interrupt handler (another thread) waits for the lock, so it
        // never sees a temp file that exists but is not registered yet.
        let tmp = {
            let mut pending = PENDING_WRITES.lock().unwrap_or_else(|e| e.into_inner());
            let tmp = builder.tempfile_in(dir)?;
            pending.push(tmp.path().to_path_buf());
            tmp
        };
        let registered = tmp.path().to_path_buf();
        // From here on a failure drops `staged`: the temp file is removed
        // and unregistered.
        let mut staged = StagedWrite {
            tmp: Some(tmp),
            registered,
            target,
            path: path.to_path_buf(),
            special: None,
        };
        if let Some(tmp) = staged.tmp.as_mut() {
            if let Some(perms) = existing {
                tmp.as_file().set_permissions(perms)?;
            }
            tmp.write_all(bytes)?;
            tmp.as_file().sync_all()?;
        }
        Ok(staged)
    }

    /// The file this write is for.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Renames the temp file over the target (or writes a device in place).
    pub fn commit(mut self) -> std::io::Result<()> {
        if let Some(bytes) = self.special.take() {
            return write_special(&self.target, &bytes);
        }
        match self.tmp.take() {
            Some(tmp) => tmp.persist(&self.target).map(|_| ()).map_err(|e| e.error),
            None => Ok(()),
        }
    }
}

impl Drop for StagedWrite {
    fn drop(&mut self) {
        // Committed or not, the temp path is no longer pending: renamed
        // away, or removed with `tmp`.
        if let Ok(mut pending) = PENDING_WRITES.lock() {
            pending.retain(|p| *p != self.registered);
        }
    }
}

/// `f` applied to every item on all cores (threads take the next item as
/// they finish one), results in the items' order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(out) => out,
                // A panic in `f` is a bug: carry it to the caller.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Files to put back as they were if the process is interrupted: a
/// `Cargo.lock` cargo is rewriting (`None`: one it is creating, removed).
static PENDING_RESTORES: std::sync::Mutex<Vec<(std::path::PathBuf, Option<Vec<u8>>)>> =
    std::sync::Mutex::new(Vec::new());

/// A file another program (cargo) may rewrite while this guard lives: on
/// [`RestoreGuard::restore`], on drop, and on an interrupt
/// ([`restore_pending`]) its original bytes are put back — or, when there
/// was no file, whatever was created is removed — so the user's checkout
/// is left exactly as found.
pub struct RestoreGuard {
    path: std::path::PathBuf,
    original: Option<Vec<u8>>,
    done: bool,
}

impl RestoreGuard {
    /// Guards `path`, whose content now is `original` (`None`: no file).
    pub fn new(path: &std::path::Path, original: Option<Vec<u8>>) -> RestoreGuard {
        if let Ok(mut pending) = PENDING_RESTORES.lock() {
            pending.push((path.to_path_buf(), original.clone()));
        }
        RestoreGuard {
            path: path.to_path_buf(),
            original,
            done: false,
        }
    }

    /// Puts the original back (if it changed) and stops guarding.
    pub fn restore(mut self) -> std::io::Result<()> {
        self.done = true;
        let result = restore_file(&self.path, self.original.as_deref());
        self.unregister();
        result
    }

    fn unregister(&self) {
        if let Ok(mut pending) = PENDING_RESTORES.lock()
            && let Some(i) = pending.iter().position(|(p, _)| *p == self.path)
        {
            pending.remove(i);
        }
    }
}

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        if !self.done {
            let _ = restore_file(&self.path, self.original.as_deref());
            self.unregister();
        }
    }
}

fn restore_file(path: &std::path::Path, original: Option<&[u8]>) -> std::io::Result<()> {
    match original {
        Some(bytes) => {
            if std::fs::read(path).ok().as_deref() == Some(bytes) {
                return Ok(());
            }
            write_atomic(path, bytes)
        }
        None => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
}

/// Puts back every guarded file ([`RestoreGuard`]). Called when the
/// process is interrupted, after the programs it ran were stopped.
pub fn restore_pending() {
    if let Some(pending) = lock_briefly(&PENDING_RESTORES) {
        for (path, original) in pending.iter() {
            let _ = restore_file(path, original.as_deref());
        }
    }
}

/// Removes the temp files of writes in progress. Called when the process
/// is interrupted, just before it exits: the targets keep their old
/// content, and no `.NAME.XXXX.tmp` is left behind.
pub fn remove_pending_writes() {
    if let Some(pending) = lock_briefly(&PENDING_WRITES) {
        for path in pending.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The lock, waited for at most half a second. The interrupt handler runs
/// on its own thread while the others go on: a write being registered
/// holds the lock for a moment, and must finish so its temp file is
/// removed; a thread stuck while holding it must not keep the process
/// from exiting.
pub fn lock_briefly<T>(lock: &std::sync::Mutex<T>) -> Option<std::sync::MutexGuard<'_, T>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    loop {
        match lock.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(e)) => return Some(e.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    }
}

/// Test hook: `CARGO_READINESS_TEST_WRITE_PAUSE_MS` holds every atomic write
/// between writing its temp file and renaming it, so tests can interrupt
/// the run at exactly that point.
fn pause_for_tests() {
    if let Some(ms) = std::env::var("CARGO_READINESS_TEST_WRITE_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Today's date (UTC), or `CARGO_READINESS_TODAY` (YYYY-MM-DD) so tests of
/// dated behaviour — ignore expiry, grace periods — do not rot.
pub fn today() -> jiff::civil::Date {
    now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// The time of the run: noon UTC of `CARGO_READINESS_TODAY` (tests), else
/// `SOURCE_DATE_EPOCH` (reproducible reports), else the clock. Read once,
/// at collection; checks use the value in the facts.
pub fn now() -> jiff::Timestamp {
    std::env::var("CARGO_READINESS_TODAY")
        .ok()
        .and_then(|s| s.parse::<jiff::civil::Date>().ok())
        .and_then(|d| d.at(12, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .or_else(|| {
            std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
        })
        .unwrap_or_else(jiff::Timestamp::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_known_vector() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c.
        let mut h = Fnv64::new();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of_offset("a\nb\nc", 0), 1);
        assert_eq!(line_of_offset("a\nb\nc", 2), 2);
        assert_eq!(line_of_offset("a\nb\nc", 99), 3);
    }

    #[test]
    fn suggestions() {
        let ids = ["license-files", "lockfile", "readme"];
        assert_eq!(close_matches("licence-files", ids), vec!["license-files"]);
        assert_eq!(close_matches("lock", ids), vec!["lockfile"]);
        assert!(close_matches("zzz", ids).is_empty());
    }

    #[test]
    fn atomic_writes_keep_permissions_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.json");
        write_atomic(&target, b"one").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_ne!(mode & 0o044, 0, "a new file is not private: {mode:o}");
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
            write_atomic(&target, b"two").unwrap();
            let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640, "a replaced file keeps its mode");
        }
        write_atomic(&target, b"three").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"three");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
        assert!(!pending_in(dir.path()));
    }

    /// Whether a write into `dir` is still registered as pending. (Other
    /// tests write at the same time: only this directory is looked at.)
    fn pending_in(dir: &std::path::Path) -> bool {
        PENDING_WRITES
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.starts_with(dir))
    }

    #[test]
    fn staged_writes_change_nothing_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.json");
        std::fs::write(&a, "old").unwrap();
        let staged_a = StagedWrite::new(&a, b"new a").unwrap();
        let staged_b = StagedWrite::new(&dir.path().join("b.json"), b"new b").unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            3,
            "two temp files"
        );
        // An abandoned set (a later document failed): nothing changes.
        drop(staged_b);
        drop(staged_a);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.json"]);
        assert!(!pending_in(dir.path()));
        StagedWrite::new(&a, b"new a").unwrap().commit().unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn parallel_map_keeps_the_order() {
        let items: Vec<u32> = (0..1000).collect();
        let out = parallel_map(&items, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert!(parallel_map(&[] as &[u32], |x| *x).is_empty());
    }

    #[test]
    fn control_characters_are_written_out() {
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            printable("a\u{1b}]0;T\u{7}b\0"),
            "a\\u{1b}]0;T\\u{7}b\\u{0}"
        );
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
        // Our own colours survive; anything else is written out.
        assert_eq!(
            terminal_safe("\u{1b}[1;31mred\u{1b}[0m"),
            "\u{1b}[1;31mred\u{1b}[0m"
        );
        assert_eq!(
            terminal_safe("\u{1b}[2J\u{1b}]0;x\u{7}"),
            "\\u{1b}[2J\\u{1b}]0;x\\u{7}"
        );
        assert_eq!(terminal_safe("end\u{1b}"), "end\\u{1b}");
    }

    #[test]
    fn lists() {
        assert_eq!(
            human_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
