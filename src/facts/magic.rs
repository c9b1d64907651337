//! Recognising compiled binaries by their first bytes.
//!
//! The file walk reads at most [`SNIFF_BYTES`] of a file, and only of files
//! that could be an executable or library by name (no extension, or one of
//! [`SNIFFED_EXTENSIONS`]), so sniffing costs one small read per candidate,
//! not a read of the repository.

use serde::Serialize;

/// Bytes read from a candidate file.
pub const SNIFF_BYTES: usize = 64;

/// A compiled-binary format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BinaryKind {
    /// ELF executable, shared object or object file.
    Elf,
    /// Mach-O (thin or universal).
    MachO,
    /// Windows PE (`.exe`, `.dll`).
    Pe,
    /// WebAssembly module.
    Wasm,
    /// Java class file.
    JavaClass,
    /// `ar` archive: static library (`.a`, `.lib`, `.rlib`).
    StaticLibrary,
}

impl BinaryKind {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            BinaryKind::Elf => "ELF binary",
            BinaryKind::MachO => "Mach-O binary",
            BinaryKind::Pe => "Windows PE binary",
            BinaryKind::Wasm => "WebAssembly module",
            BinaryKind::JavaClass => "Java class file",
            BinaryKind::StaticLibrary => "static library (ar archive)",
        }
    }
}

/// Extensions of files whose first bytes are read even though they have an
/// extension (extension-less files are always read).
pub const SNIFFED_EXTENSIONS: &[&str] = &[
    "bin", "out", "elf", "exe", "dll", "so", "dylib", "wasm", "node", "o", "a", "lib", "rlib",
    "class", "app",
];

/// Whether a file of this name is worth sniffing.
pub fn is_candidate(name: &str) -> bool {
    match name.rsplit_once('.') {
        // `.gitignore`-style names have no extension to speak of.
        Some(("", _)) | None => true,
        Some((_, ext)) => SNIFFED_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()),
    }
}

/// The binary format `head` (a file's first bytes) starts with.
pub fn sniff(head: &[u8]) -> Option<BinaryKind> {
    let be32 = |at: usize| {
        head.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    match head {
        [0x7f, b'E', b'L', b'F', ..] => Some(BinaryKind::Elf),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => {
            Some(BinaryKind::MachO)
        }
        // Universal Mach-O and Java class files share a magic: a universal
        // binary counts a handful of architectures where a class file has
        // its version (45 and up).
        [0xca, 0xfe, 0xba, 0xbe, ..] => match be32(4) {
            Some(n) if n < 40 => Some(BinaryKind::MachO),
            _ => Some(BinaryKind::JavaClass),
        },
        [0x00, b'a', b's', b'm', ..] => Some(BinaryKind::Wasm),
        [b'!', b'<', b'a', b'r', b'c', b'h', b'>', b'\n', ..] => Some(BinaryKind::StaticLibrary),
        // "MZ" starts some text files too: a PE header has NULs early.
        [b'M', b'Z', rest @ ..] if rest.contains(&0) => Some(BinaryKind::Pe),
        _ => None,
    }
}

/// Extensions of compiled artifacts, flagged by name alone (OpenSSF
/// Scorecard's Binary-Artifacts list, plus Rust's own `.rlib`).
pub const BINARY_EXTENSIONS: &[&str] = &[
    "crx", "deb", "dex", "dey", "elf", "o", "a", "so", "macho", "iso", "class", "jar", "bundle",
    "dylib", "lib", "msi", "dll", "drv", "efi", "exe", "ocx", "pyc", "pyo", "par", "rpm", "wasm",
    "whl", "rlib", "apk", "aar", "war", "ear",
];

/// Whether a file name has a compiled-artifact extension.
pub fn has_binary_extension(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && BINARY_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), Some(BinaryKind::Elf));
        assert_eq!(sniff(b"\xcf\xfa\xed\xfe\x07\x00"), Some(BinaryKind::MachO));
        assert_eq!(
            sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x02"),
            Some(BinaryKind::MachO)
        );
        assert_eq!(
            sniff(b"\xca\xfe\xba\xbe\x00\x00\x00\x34"),
            Some(BinaryKind::JavaClass)
        );
        assert_eq!(sniff(b"\x00asm\x01\x00\x00\x00"), Some(BinaryKind::Wasm));
        assert_eq!(sniff(b"!<arch>\nfoo"), Some(BinaryKind::StaticLibrary));
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00"), Some(BinaryKind::Pe));
        assert_eq!(sniff(b"MZ is a text file"), None);
        assert_eq!(sniff(b"#!/bin/sh\n"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names() {
        assert!(is_candidate("tool"));
        assert!(is_candidate("libfoo.so"));
        assert!(is_candidate(".envrc"));
        assert!(!is_candidate("main.rs"));
        assert!(has_binary_extension("x.exe"));
        assert!(has_binary_extension("libx.RLIB"));
        assert!(!has_binary_extension(".a"));
        assert!(!has_binary_extension("main.rs"));
    }
}
