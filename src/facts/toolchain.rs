//! Which Rust toolchain runs `cargo` and `rustc` for this tool.
//!
//! When rustup manages the toolchains, `cargo` and `rustc` are rustup
//! proxies, which read a `rust-toolchain.toml` from the working directory
//! and install the toolchain it names (a download) or run the one at its
//! `path` (the repository's own binaries). This tool therefore runs them
//! outside the repository with `RUSTUP_TOOLCHAIN` set, to a toolchain
//! chosen here, from the user's side:
//!
//! 1. `RUSTUP_TOOLCHAIN` from the environment (as rustup sets it when the
//!    tool runs as `cargo readiness`), as given;
//! 2. else the channel the repository pins, when it is already installed;
//! 3. else rustup's default toolchain, with a note saying why.
//!
//! A toolchain is never installed, and a pin by `path` is never run.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use crate::exec::Program;

/// The toolchain decision for one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Toolchain {
    /// The value for `RUSTUP_TOOLCHAIN`; `None` when rustup is not in use
    /// (then `cargo` is the real binary and reads no toolchain file).
    pub name: Option<String>,
    /// What the user should know (a pin not honoured, and why).
    pub note: Option<String>,
}

impl Toolchain {
    /// Sets `RUSTUP_TOOLCHAIN` on `program` when rustup is in use.
    pub fn apply(&self, program: Program) -> Program {
        match &self.name {
            Some(name) => program.env("RUSTUP_TOOLCHAIN", name),
            None => program,
        }
    }
}

/// The toolchain for the workspace at `root`, decided once per process.
pub fn for_root(root: &Path) -> &'static Toolchain {
    static CHOICE: OnceLock<Toolchain> = OnceLock::new();
    CHOICE.get_or_init(|| choose(root))
}

fn choose(root: &Path) -> Toolchain {
    if let Some(name) = std::env::var("RUSTUP_TOOLCHAIN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Toolchain {
            name: Some(name),
            note: None,
        };
    }
    let Some(installed) = installed() else {
        return Toolchain::default();
    };
    let default = installed.default.clone();
    let pin = pinned(root);
    let fallback = |why: String| Toolchain {
        note: Some(match &default {
            Some(d) => format!(
                "{why}; cargo ran with `{d}` instead (this tool never installs a toolchain or runs one from the repository)"
            ),
            None => format!("{why}; cargo ran with rustup's default toolchain"),
        }),
        name: default.clone(),
    };
    match pin {
        None | Some(Pin::Unpinned) => Toolchain {
            name: default.clone(),
            note: None,
        },
        Some(Pin::Channel { file, channel }) => match installed.find(&channel) {
            Some(name) => Toolchain {
                name: Some(name.to_string()),
                note: None,
            },
            None => fallback(format!(
                "{file} pins the toolchain `{channel}`, which is not installed"
            )),
        },
        Some(Pin::Path { file }) => fallback(format!(
            "{file} names a toolchain by `path`, a program inside the repository"
        )),
        Some(Pin::Unreadable { file, reason }) => fallback(format!("{file} {reason}")),
    }
}

/// The toolchains rustup lists, and its default.
#[derive(Debug, Default, PartialEq, Eq)]
struct Installed {
    names: Vec<String>,
    default: Option<String>,
}

impl Installed {
    /// The installed toolchain a channel name (`1.75.0`, `nightly`,
    /// `nightly-2024-05-01`, `stable-x86_64-unknown-linux-gnu`) refers to.
    fn find(&self, channel: &str) -> Option<&str> {
        self.names
            .iter()
            .find(|n| {
                *n == channel
                    || n.strip_prefix(channel)
                        .and_then(|rest| rest.strip_prefix('-'))
                        // What follows the channel is the host triple,
                        // which starts with the architecture, not a date.
                        .is_some_and(|triple| triple.starts_with(|c: char| c.is_ascii_alphabetic()))
            })
            .map(String::as_str)
    }
}

fn installed() -> Option<Installed> {
    let rustup = std::env::var_os("RUSTUP").unwrap_or_else(|| "rustup".into());
    let done = Program::new(
        rustup,
        "rustup toolchain list",
        crate::exec::deadline(Duration::from_secs(30)),
    )
    .args(["toolchain", "list"])
    .run()
    .ok()?;
    if !done.status.success() {
        return None;
    }
    Some(parse_list(&done.stdout_text()))
}

fn parse_list(text: &str) -> Installed {
    let mut out = Installed::default();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else { continue };
        if name == "no" {
            // "no installed toolchains"
            continue;
        }
        let rest: String = words.collect::<Vec<_>>().join(" ");
        if rest.contains("default") {
            out.default = Some(name.to_string());
        }
        out.names.push(name.to_string());
    }
    out
}

/// What a toolchain file asks for.
#[derive(Debug, PartialEq, Eq)]
enum Pin {
    Channel {
        file: String,
        channel: String,
    },
    Path {
        file: String,
    },
    /// A `[toolchain]` table with components or targets but no channel:
    /// rustup keeps the toolchain it would otherwise pick.
    Unpinned,
    Unreadable {
        file: String,
        reason: String,
    },
}

/// The toolchain file rustup would read for the workspace: in the root or
/// the nearest ancestor that has one.
fn pinned(root: &Path) -> Option<Pin> {
    for dir in root.ancestors() {
        for file in ["rust-toolchain.toml", "rust-toolchain"] {
            let path = dir.join(file);
            if std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            let shown = crate::facts::files::relative(root, &path);
            return Some(match crate::facts::files::read_own_file(Some(dir), &path) {
                Ok(text) => parse_pin(&shown, &text),
                Err(problem) => Pin::Unreadable {
                    file: shown,
                    reason: problem.to_string(),
                },
            });
        }
    }
    None
}

fn parse_pin(file: &str, text: &str) -> Pin {
    if let Ok(table) = text.parse::<toml::Table>()
        && let Some(toolchain) = table.get("toolchain").and_then(|t| t.as_table())
    {
        if toolchain.contains_key("path") {
            return Pin::Path {
                file: file.to_string(),
            };
        }
        return match toolchain.get("channel").and_then(|c| c.as_str()) {
            None if !toolchain.contains_key("channel") => Pin::Unpinned,
            Some(channel) if is_channel_name(channel) => Pin::Channel {
                file: file.to_string(),
                channel: channel.to_string(),
            },
            _ => Pin::Unreadable {
                file: file.to_string(),
                reason: "names no toolchain channel rustup would accept".into(),
            },
        };
    }
    // The legacy file: the channel alone on its one line.
    let channel = text.trim();
    if is_channel_name(channel) {
        Pin::Channel {
            file: file.to_string(),
            channel: channel.to_string(),
        }
    } else if channel.contains(['/', '\\']) {
        Pin::Path {
            file: file.to_string(),
        }
    } else {
        Pin::Unreadable {
            file: file.to_string(),
            reason: "names no toolchain channel rustup would accept".into(),
        }
    }
}

/// `stable`, `1.75.0`, `nightly-2024-05-01`, `beta-x86_64-…`: letters,
/// digits, `.`, `-`, `_`, no path.
fn is_channel_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !s.starts_with(['-', '.'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustup_list_is_read() {
        let list = parse_list(
            "stable-x86_64-unknown-linux-gnu (active, default)\nnightly-x86_64-unknown-linux-gnu\n1.95.0-x86_64-unknown-linux-gnu\nnightly-2024-05-01-x86_64-unknown-linux-gnu\n",
        );
        assert_eq!(
            list.default.as_deref(),
            Some("stable-x86_64-unknown-linux-gnu")
        );
        assert_eq!(list.find("1.95.0"), Some("1.95.0-x86_64-unknown-linux-gnu"));
        assert_eq!(
            list.find("nightly"),
            Some("nightly-x86_64-unknown-linux-gnu")
        );
        assert_eq!(
            list.find("nightly-2024-05-01"),
            Some("nightly-2024-05-01-x86_64-unknown-linux-gnu")
        );
        assert_eq!(list.find("1.95"), None);
        assert_eq!(list.find("1.70.0"), None);
        assert_eq!(
            parse_list("no installed toolchains\n"),
            Installed::default()
        );
    }

    #[test]
    fn toolchain_files() {
        let f = "rust-toolchain.toml";
        assert_eq!(
            parse_pin(
                f,
                "[toolchain]\nchannel = \"1.70.0\"\ncomponents = [\"clippy\"]\n"
            ),
            Pin::Channel {
                file: f.into(),
                channel: "1.70.0".into()
            }
        );
        assert_eq!(
            parse_pin(f, "[toolchain]\ncomponents = [\"rust-src\"]\n"),
            Pin::Unpinned
        );
        assert_eq!(
            parse_pin(f, "[toolchain]\npath = \"./evil\"\n"),
            Pin::Path { file: f.into() }
        );
        assert_eq!(
            parse_pin("rust-toolchain", "nightly-2024-01-01\n"),
            Pin::Channel {
                file: "rust-toolchain".into(),
                channel: "nightly-2024-01-01".into()
            }
        );
        assert_eq!(
            parse_pin("rust-toolchain", "./my/toolchain\n"),
            Pin::Path {
                file: "rust-toolchain".into()
            }
        );
        assert!(matches!(
            parse_pin(f, "[toolchain]\nchannel = \"--help\"\n"),
            Pin::Unreadable { .. }
        ));
    }
}
