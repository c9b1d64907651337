//! OS file locks between runs at the same time (two terminals, a pre-push
//! hook and an editor, parallel CI jobs on one cache): beside the advisory
//! database, so no run reads a checkout another is rewriting nor fetches
//! into it twice (fetching holds it exclusively, loading shared); and per
//! workspace, so no run reads a `Cargo.lock` another is restoring. The lock
//! is an OS file lock (`flock`/`LockFileEx`, through `std`), so a run that
//! dies releases it. Locking is best effort: where the lock file cannot be
//! created (a read-only directory, which nobody can fetch into either) the
//! run goes on without it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a run waits for another one's fetch before going on without
/// the lock: longer than two network deadlines (git, then the archive).
const WAIT: Duration = Duration::from_secs(200);

/// An open lock file; dropping it releases the lock.
#[derive(Debug)]
pub struct FileLock {
    file: Option<File>,
}

/// The lock file for the directory `db`: a hidden sibling, so it survives
/// the directory being swapped for a fresh download.
pub fn path_for(db: &Path) -> Option<PathBuf> {
    let name = db.file_name()?.to_string_lossy().into_owned();
    Some(db.with_file_name(format!(".{name}.cargo-readiness.lock")))
}

impl FileLock {
    /// Opens (creating) the lock file beside the directory `db` (see
    /// [`path_for`]); a lock that cannot be created locks nothing.
    pub fn beside(db: &Path) -> FileLock {
        match path_for(db) {
            Some(path) => FileLock::at(&path),
            None => FileLock::none(),
        }
    }

    /// Opens (creating) the lock file at `path`; a lock that cannot be
    /// created locks nothing.
    pub fn at(path: &Path) -> FileLock {
        let file = Some(path).and_then(|path| {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .ok()
        });
        FileLock { file }
    }

    /// A lock that locks nothing (for databases nobody fetches into).
    pub fn none() -> FileLock {
        FileLock { file: None }
    }

    /// Waits for the exclusive lock (to fetch). Returns whether it is held.
    pub fn exclusive(&self) -> bool {
        self.wait(File::try_lock)
    }

    /// Waits for a shared lock (to load). Returns whether it is held.
    pub fn shared(&self) -> bool {
        self.wait(File::try_lock_shared)
    }

    /// Releases whatever is held.
    pub fn unlock(&self) {
        if let Some(f) = &self.file {
            let _ = f.unlock();
        }
    }

    fn wait(&self, try_lock: fn(&File) -> Result<(), TryLockError>) -> bool {
        let Some(file) = &self.file else {
            return false;
        };
        let started = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            match try_lock(file) {
                Ok(()) => return true,
                Err(TryLockError::WouldBlock) if started.elapsed() < WAIT => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
                // Unsupported here (some network file systems), or waited long
                // enough: go on unlocked rather than hang.
                Err(_) => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_file_is_a_hidden_sibling() {
        assert_eq!(
            path_for(Path::new("/home/u/.cargo/advisory-db")),
            Some(PathBuf::from(
                "/home/u/.cargo/.advisory-db.cargo-readiness.lock"
            ))
        );
    }

    #[test]
    fn exclusive_excludes_shared_and_drop_releases() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        let writer = FileLock::beside(&db);
        assert!(writer.exclusive());
        let reader = FileLock::beside(&db);
        let file = reader.file.as_ref().unwrap();
        assert!(matches!(
            file.try_lock_shared(),
            Err(TryLockError::WouldBlock)
        ));
        drop(writer);
        assert!(reader.shared());
        let other = FileLock::beside(&db);
        assert!(other.shared(), "readers share");
    }

    #[test]
    fn an_uncreatable_lock_locks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        // The lock's parent would be a regular file.
        let lock = FileLock::beside(&file.join("db"));
        assert!(!lock.exclusive());
        assert!(!lock.shared());
    }
}
