//! Project chores: `cargo xtask docs` regenerates docs/checks.md from the
//! check registry.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    match task.as_str() {
        "docs" => {
            let path = root.join("docs/checks.md");
            match std::fs::write(&path, cargo_readiness::docs::checks_markdown()) {
                Ok(()) => {
                    println!("wrote {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: cargo xtask docs");
            ExitCode::from(2)
        }
    }
}
