//! Writing an SBOM: to stdout, or atomically to a file (a temporary file in
//! the same directory, then a rename), so a reader never sees a partial
//! document and a failed run leaves nothing behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where `-o` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `-o -` or no `-o`.
    Stdout,
    /// A file (or, with several roots, a directory).
    Path(PathBuf),
}

impl Destination {
    /// From the `-o` argument.
    pub fn from_arg(arg: Option<&Path>) -> Destination {
        match arg {
            None => Destination::Stdout,
            Some(p) if p == Path::new("-") => Destination::Stdout,
            Some(p) => Destination::Path(p.to_path_buf()),
        }
    }
}

/// Writes `bytes` to stdout (a closed pipe is not an error).
pub fn to_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Io {
            action: "cannot write",
            path: "<stdout>".into(),
            source,
        }),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then
/// renamed over it, so readers see the old document or the whole new one.
/// On any error the temporary file is removed and `path` is left as it was.
/// (Not fsynced: like cargo's own `Cargo.lock` writes, this guards against
/// failed runs and concurrent readers, not power loss.)
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("`{}` is not a file path", path.display())))?;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let io_err = |action: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Io {
            action,
            path: p,
            source,
        }
    };
    let result = (|| {
        let mut file = std::fs::File::create(&tmp).map_err(io_err("cannot create", path))?;
        file.write_all(bytes)
            .map_err(io_err("cannot write", path))?;
        file.sync_all().map_err(io_err("cannot write", path))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(io_err("cannot write", path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        assert_eq!(Destination::from_arg(None), Destination::Stdout);
        assert_eq!(
            Destination::from_arg(Some(Path::new("-"))),
            Destination::Stdout
        );
        assert_eq!(
            Destination::from_arg(Some(Path::new("bom.json"))),
            Destination::Path("bom.json".into())
        );
    }

    #[test]
    fn atomic_write_replaces_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = dir.path().join("bom.json");
        write_atomic(&target, b"one").unwrap_or_else(|e| panic!("{e}"));
        write_atomic(&target, b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&target).unwrap_or_default(), b"two");
        let missing = dir.path().join("no/such/dir/bom.json");
        assert!(write_atomic(&missing, b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names, vec![std::ffi::OsString::from("bom.json")]);
    }
}
