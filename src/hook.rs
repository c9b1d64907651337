//! `cargo readiness hook install|uninstall`: a git `pre-push` hook that runs
//! the gate offline and quietly, so a failing gate stops the push.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Identifies a hook this tool wrote.
pub const MARKER: &str = "# cargo-readiness pre-push hook";

/// The hook's text. The binary that installs it is called by its absolute
/// path when it still exists, so the hook runs the same version; otherwise
/// `cargo readiness` from PATH.
pub fn script(exe: Option<&Path>, manifest: &Path) -> String {
    // git runs hooks from the work tree's root; the workspace may be below it.
    let args = format!(
        "readiness --offline -q --manifest-path {}",
        sh_quote(&manifest.display().to_string())
    );
    let run = match exe {
        Some(p) => {
            let p = sh_quote(&p.display().to_string());
            format!("if [ -x {p} ]; then\n  exec {p} {args}\nfi\nexec cargo {args}")
        }
        None => format!("exec cargo {args}"),
    };
    format!(
        "#!/bin/sh\n{MARKER} (installed by `cargo readiness hook install`).\n\
         # Runs the production gate offline before every push; remove it with\n\
         # `cargo readiness hook uninstall`, skip it once with `git push --no-verify`.\n{run}\n"
    )
}

/// The hooks directory git uses (respects `core.hooksPath`).
pub fn hooks_dir(cwd: &Path) -> Result<PathBuf> {
    let out = crate::exec::git(
        Some(cwd),
        &["rev-parse", "--git-path", "hooks"],
        crate::exec::deadline(crate::exec::GIT_DEADLINE),
    )
    .run()
    .map_err(|e| Error::Usage(e.to_string()))?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "{} is not inside a git repository",
            cwd.display()
        )));
    }
    let rel = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let path = PathBuf::from(&rel);
    Ok(if path.is_absolute() {
        path
    } else {
        cwd.join(path)
    })
}

/// Installs the hook; refuses to replace a hook this tool did not write
/// unless `force` (the old one is kept as `pre-push.bak`).
pub fn install(cwd: &Path, force: bool) -> Result<String> {
    let dir = hooks_dir(cwd)?;
    let hook = dir.join("pre-push");
    let mut saved = None;
    // Anything already there — text, bytes, a dangling symlink — is kept
    // unless it is ours or --force.
    let occupied = std::fs::symlink_metadata(&hook).is_ok();
    let ours = read_hook(&hook).is_some_and(|bytes| contains(&bytes, MARKER.as_bytes()));
    if occupied && !ours {
        if !force {
            return Err(Error::Usage(format!(
                "{} already exists and was not written by cargo-readiness; \
                 add `cargo readiness --offline -q || exit 1` to it to chain both, \
                 or pass --force to replace it (it is kept as pre-push.bak)",
                hook.display()
            )));
        }
        let backup = dir.join("pre-push.bak");
        if std::fs::symlink_metadata(&backup).is_ok() {
            return Err(Error::Usage(format!(
                "{} already exists; move it away first so the current hook can be kept there",
                backup.display()
            )));
        }
        std::fs::rename(&hook, &backup).map_err(|source| Error::Io {
            action: "cannot back up",
            path: hook.clone(),
            source,
        })?;
        saved = Some(backup);
    }
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        action: "cannot create",
        path: dir.clone(),
        source,
    })?;
    let exe = std::env::current_exe().ok();
    let manifest = crate::facts::workspace::locate(None, cwd)?.manifest;
    crate::util::write_atomic(&hook, script(exe.as_deref(), &manifest).as_bytes()).map_err(
        |source| Error::Io {
            action: "cannot write",
            path: hook.clone(),
            source,
        },
    )?;
    make_executable(&hook)?;
    Ok(match saved {
        Some(b) => format!(
            "installed {} (the previous hook is saved as {})",
            hook.display(),
            b.display()
        ),
        None => format!("installed {}", hook.display()),
    })
}

/// The bytes of an existing hook: a regular file (a FIFO would block the
/// read) of a plausible size; `None` otherwise, so it is left alone.
fn read_hook(hook: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    const MAX: u64 = 1024 * 1024;
    let meta = std::fs::metadata(hook).ok()?;
    if !meta.is_file() || meta.len() > MAX {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(hook)
        .ok()?
        .take(MAX)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// Removes the hook if this tool wrote it.
pub fn uninstall(cwd: &Path) -> Result<String> {
    let hook = hooks_dir(cwd)?.join("pre-push");
    if std::fs::symlink_metadata(&hook).is_err() {
        return Ok(format!("no pre-push hook at {}", hook.display()));
    }
    match read_hook(&hook) {
        Some(bytes) if contains(&bytes, MARKER.as_bytes()) => {
            std::fs::remove_file(&hook).map_err(|source| Error::Io {
                action: "cannot remove",
                path: hook.clone(),
                source,
            })?;
            Ok(format!("removed {}", hook.display()))
        }
        _ => Err(Error::Usage(format!(
            "{} was not written by cargo-readiness; leaving it alone",
            hook.display()
        ))),
    }
}

/// Quotes a string for a POSIX shell.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|source| {
        Error::Io {
            action: "cannot make executable",
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}
