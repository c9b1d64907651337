//! `binary-artifacts`: no compiled binaries committed to the repository.

use super::{Category, Check, CheckConfig, Finding, Level, Outcome};
use crate::facts::Facts;
use crate::facts::files;
use crate::facts::magic;

/// See [`Check::docs`].
pub struct BinaryArtifacts;

/// Directory names whose files are test data, not shipped artifacts.
const TEST_DIRS: &[&str] = &[
    "fixtures",
    "fixture",
    "tests",
    "test",
    "testdata",
    "test-data",
    "test_data",
    "testing",
    "benches",
    "corpus",
    "fuzz",
];

impl Check for BinaryArtifacts {
    fn id(&self) -> &'static str {
        "binary-artifacts"
    }
    fn category(&self) -> Category {
        Category::SupplyChain
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn weight(&self) -> u32 {
        1
    }
    fn summary(&self) -> &'static str {
        "no compiled binaries are committed (outside test data)"
    }
    fn docs(&self) -> &'static str {
        r#"## What it checks
No tracked file is a compiled artifact: recognised by its first bytes
(ELF, Mach-O, Windows PE, WebAssembly, Java class, `ar` static libraries)
or by extension (`.exe .dll .so .dylib .a .o .lib .rlib .wasm .jar .class
.whl .pyc .deb .rpm .msi` and the rest of OpenSSF Scorecard's list). Only
files that could be binaries by name are read, and only their first 64
bytes. Files under test-data directories (`fixtures/`, `tests/`,
`testdata/`, `benches/`, `fuzz/`, …) are listed as notes, not counted:
tests legitimately use binaries. With git, untracked files are ignored.

## Why
A committed binary cannot be reviewed or reproduced from the sources next
to it; it is the easiest place to hide a backdoor (the xz-utils backdoor
of 2024 hid in "test" files), and it goes stale silently.

## How to fix
Build the artifact from source in CI or in `build.rs`, or download it
there with a pinned checksum. Move binaries that tests need under
`tests/` or `fixtures/`.
"#
    }

    fn run(&self, facts: &Facts, _cfg: &CheckConfig) -> Outcome {
        let mut findings = Vec::new();
        let mut counted = 0usize;
        for entry in facts.files.iter() {
            if entry.symlink {
                continue;
            }
            if let Some(git) = &facts.git
                && !git.tracked.is_empty()
                && !git.is_tracked(&entry.path)
            {
                continue;
            }
            let name = files::file_name(&entry.path);
            let kind = match facts.files.sniffed.get(&entry.path) {
                Some(kind) => kind.name().to_string(),
                None if magic::has_binary_extension(name) => {
                    format!(".{} file", name.rsplit('.').next().unwrap_or(""))
                }
                None => continue,
            };
            let test_data = entry
                .path
                .split('/')
                .rev()
                .skip(1)
                .any(|dir| TEST_DIRS.contains(&dir.to_ascii_lowercase().as_str()));
            if test_data {
                findings.push(
                    Finding::note(
                        format!("test-data:{}", entry.path),
                        format!(
                            "{} is a {kind} under a test-data directory (not counted)",
                            entry.path
                        ),
                    )
                    .at(entry.path.clone(), None)
                    .help("fine if tests use it; prefer generating it in the test"),
                );
            } else {
                counted += 1;
                findings.push(
                    Finding::warning(
                        format!("binary:{}", entry.path),
                        format!("{} is a committed {kind}", entry.path),
                    )
                    .at(entry.path.clone(), None)
                    .help("build it from source in CI or build.rs, or download it with a pinned checksum; do not commit it"),
                );
            }
        }
        let score = (1.0 - 0.25 * counted as f64).max(0.0);
        Outcome::from_findings(findings, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Severity, Status};
    use crate::facts::magic::BinaryKind;

    #[test]
    fn sniffed_and_named_binaries_outside_tests() {
        let mut facts = Facts::in_memory(
            vec![],
            &[
                ("tools/helper", "x"),
                ("lib/libfoo.so", "x"),
                ("tests/data/sample.exe", "x"),
                ("src/main.rs", ""),
            ],
        );
        facts
            .files
            .sniffed
            .insert("tools/helper".into(), BinaryKind::Elf);
        let o = BinaryArtifacts.run(&facts, &CheckConfig { level: Level::Warn });
        assert_eq!(o.status, Status::Warn);
        let got: Vec<_> = o
            .findings
            .iter()
            .map(|f| (f.path.clone().unwrap_or_default(), f.severity))
            .collect();
        assert_eq!(
            got,
            vec![
                ("lib/libfoo.so".to_string(), Severity::Warning),
                ("tests/data/sample.exe".to_string(), Severity::Note),
                ("tools/helper".to_string(), Severity::Warning),
            ]
        );
        assert!(o.findings[2].message.contains("ELF"));
    }
}
