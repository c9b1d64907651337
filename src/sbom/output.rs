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

/// Writes `bytes` to `path` atomically (see [`crate::util::write_atomic`]:
/// an unpredictable temporary file beside it, then a rename), naming the
/// file on error; on failure `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.file_name().is_none() {
        return Err(Error::Usage(format!(
            "`{}` is not a file path",
            path.display()
        )));
    }
    crate::util::write_atomic(path, bytes).map_err(|source| Error::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    })
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
