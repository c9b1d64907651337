//! Errors that stop a run ("could not run", exit code 2).
//!
//! Everything a check finds is a [`crate::checks::Finding`], never an error:
//! an [`Error`] means the tool itself could not do its job, and the message
//! must name what failed and where (file, and line when known).

use std::path::PathBuf;

/// A reason the tool could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No `Cargo.toml` at `--manifest-path`, or none found from the current
    /// directory upward.
    #[error("{0}")]
    NotCargoProject(String),

    /// A manifest that is not valid TOML or that cargo rejects.
    #[error("malformed manifest {path}{}: {message}", line_suffix(*.line))]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },

    /// `cargo metadata` refused the workspace for a reason that is neither
    /// a malformed manifest nor the lock file (an unsatisfiable
    /// requirement, a workspace layout cargo rejects).
    #[error("cargo cannot resolve the workspace at {manifest}: {message}")]
    Cargo {
        /// The manifest the run started from.
        manifest: PathBuf,
        /// cargo's explanation, on one line.
        message: String,
    },

    /// A `Cargo.lock` that cargo cannot read or parse, or that the tool
    /// refuses to hand it (too large, not a regular file, a symlink out of
    /// the repository).
    #[error("malformed lock file {path}{}: {message}", line_suffix(*.line))]
    Lockfile {
        /// The lock file.
        path: PathBuf,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },

    /// A configuration file with a syntax error, unknown key or bad value.
    #[error("invalid configuration in {path}{}: {message}", line_suffix(*.line))]
    Config {
        /// The configuration file (`readiness.toml` or `Cargo.toml`).
        path: PathBuf,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong, naming the key.
        message: String,
    },

    /// `explain` was asked about a check that does not exist.
    #[error("unknown check `{id}`{}", suggestions_suffix(.suggestions))]
    UnknownCheck {
        /// The id the user typed.
        id: String,
        /// Known ids that are close to it.
        suggestions: Vec<String>,
    },

    /// A file the tool needed could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What the tool was doing ("cannot read", "cannot write").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },

    /// An SBOM could not be produced (no dependency graph, unknown package).
    #[error("cannot write an SBOM for {manifest}: {message}")]
    Sbom {
        /// The manifest the run started from.
        manifest: PathBuf,
        /// What went wrong.
        message: String,
    },

    /// A bad combination of command-line flags that clap cannot express.
    #[error("{0}")]
    Usage(String),
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

fn suggestions_suffix(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "; run `cargo readiness list` to see every check".to_string()
    } else {
        format!("; did you mean: {}?", suggestions.join(", "))
    }
}

/// Convenience alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
