//! Source scanning without compiling: a lexer ([`lexer`]) and a one-pass
//! analyzer ([`analyze`]) that turn the text of one `.rs` file into a
//! compact [`FileScan`] — counts and located occurrences the testing and
//! code-hygiene checks need.
//!
//! Pure: no I/O. `facts::sources` decides which files to read (each
//! target's module tree), reads them in parallel and calls [`scan`]. The
//! heuristics and their limits are documented in `docs/source-checks.md`.

pub mod analyze;
pub mod lexer;
pub mod rules;
mod usetree;

pub use analyze::scan;

use serde::Serialize;

/// What one source file contains, as far as the checks are concerned.
///
/// "Test" below means test-only code *within the file*: `#[cfg(test)]`
/// items, `#[test]`-style functions, everything after `#![cfg(test)]`.
/// Whether the whole file is test code (an integration test, an example, a
/// `#[cfg(test)] mod tests;` file) is decided by `facts::sources`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileScan {
    /// Lines in the file.
    pub lines: u32,
    /// Lines holding code (not blank, not only comments).
    pub code_lines: u32,
    /// Of those, lines in test-only code.
    pub test_code_lines: u32,
    /// Functions marked `#[test]`, `#[tokio::test]`, `#[rstest]`, … (a
    /// `#[test_case(..)]` function counts once per case).
    pub test_fns: u32,
    /// Functions marked `#[bench]`.
    pub bench_fns: u32,
    /// Runnable code blocks in doc comments outside test-only code (not
    /// `ignore`, `no_run`, `compile_fail`, nor another language).
    pub doctests: u32,
    /// `#![cfg(test)]`: the whole file is test-only.
    pub all_test: bool,
    /// A file-level `#![forbid(unsafe_code)]` (or `deny`).
    pub forbids_unsafe: bool,
    /// `#![feature(rustc_private)]`: `extern crate` may name the
    /// compiler's own crates from the sysroot (`rustc_ast`), which no
    /// manifest can declare.
    pub rustc_private: bool,
    /// Lints a file-level `#![allow(..)]` or `#![expect(..)]` switches off
    /// (`clippy::missing_safety_doc`), sorted, with the attribute's line.
    pub allowed_lints: Vec<(String, u32)>,
    /// File-level lint levels: `#![deny(..)]`, `#![warn(..)]`,
    /// `#![forbid(..)]` (directly or through `cfg_attr`).
    pub lint_attrs: bool,
    /// Out-of-line module declarations (`mod x;`), in order.
    pub mods: Vec<ModDecl>,
    /// Directories every `.rs` file of which is a module:
    /// `automod::dir!("tests/testsuite")` (relative to the package).
    pub auto_mod_dirs: Vec<String>,
    /// Names the file declares or imports (modules, `use` imports, `extern
    /// crate` aliases, types), sorted: a path starting with one of them is
    /// not a crate reference.
    pub local_names: Vec<String>,
    /// Paths the file imports with a glob (`use predicates::prelude::*` →
    /// `predicates::prelude`), sorted: names they bring are unknown here.
    pub glob_imports: Vec<String>,
    /// Crates the file refers to (first segments of paths, `use` roots,
    /// `extern crate`), first occurrence per name and test-ness, sorted.
    pub crate_refs: Vec<CrateRef>,
    /// `unsafe` blocks, impls, functions, traits and extern blocks.
    pub unsafe_sites: Vec<UnsafeSite>,
    /// `todo!`, `unimplemented!`, `dbg!`, `panic!("not implemented")`.
    pub unfinished: Vec<Unfinished>,
    /// Calls that switch off certificate or hostname verification.
    pub tls: Vec<TlsSite>,
    /// Where a custom rustls certificate verifier is installed
    /// (`set_certificate_verifier(…)`, `with_custom_certificate_verifier(…)`),
    /// with the same context as a switch: a verifier that accepts
    /// everything is only as unconditional as its installs.
    pub verifier_installs: Vec<TlsSite>,
    /// HTTP clients built without a timeout.
    pub http_clients: Vec<HttpClient>,
}

/// `mod name;` — a module whose body is in another file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModDecl {
    /// The module's name.
    pub name: String,
    /// Names of the inline modules (`mod a { … }`) it is declared in.
    pub inline_path: Vec<String>,
    /// A `#[path = "…"]` attribute on it.
    pub path_attr: Option<String>,
    /// Declared in test-only code (`#[cfg(test)] mod tests;`).
    pub test: bool,
    /// 1-based line.
    pub line: u32,
}

/// How a crate is referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    /// `use name::…` or `use name;`
    Use,
    /// `extern crate name;`
    ExternCrate,
    /// `name::item` in code, a type, a macro path or an attribute.
    Path,
}

/// A reference to a crate by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CrateRef {
    /// The name as written (an identifier: `-` is already `_`).
    pub name: String,
    /// Whether this occurrence is in test-only code.
    pub test: bool,
    /// 1-based line of the first such occurrence.
    pub line: u32,
    /// How it was referred to there.
    pub kind: RefKind,
}

/// What an `unsafe` keyword introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnsafeKind {
    /// `unsafe { … }`
    Block,
    /// `unsafe fn`
    Fn,
    /// `unsafe impl`
    Impl,
    /// `unsafe trait`
    Trait,
    /// `unsafe extern "C" { … }`
    ExternBlock,
}

impl UnsafeKind {
    /// How it reads in a message.
    pub fn as_str(self) -> &'static str {
        match self {
            UnsafeKind::Block => "unsafe block",
            UnsafeKind::Fn => "unsafe fn",
            UnsafeKind::Impl => "unsafe impl",
            UnsafeKind::Trait => "unsafe trait",
            UnsafeKind::ExternBlock => "unsafe extern block",
        }
    }
}

/// One `unsafe` site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsafeSite {
    /// What it introduces.
    pub kind: UnsafeKind,
    /// 1-based line of the `unsafe` keyword.
    pub line: u32,
    /// In test-only code.
    pub test: bool,
    /// A `// SAFETY:` comment (or, for `fn`/`trait`, a `# Safety` doc
    /// section) justifies it.
    pub documented: bool,
    /// The function it is in or introduces (the last `fn` name seen), for
    /// stable finding keys.
    pub item: String,
}

/// Which placeholder macro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnfinishedKind {
    /// `todo!()`
    Todo,
    /// `unimplemented!()`
    Unimplemented,
    /// `dbg!(…)`
    Dbg,
    /// `panic!("not implemented")` and the like.
    PanicNotImplemented,
}

impl UnfinishedKind {
    /// How it reads in a message.
    pub fn as_str(self) -> &'static str {
        match self {
            UnfinishedKind::Todo => "todo!()",
            UnfinishedKind::Unimplemented => "unimplemented!()",
            UnfinishedKind::Dbg => "dbg!()",
            UnfinishedKind::PanicNotImplemented => "panic!(\"not implemented\")",
        }
    }
}

/// One placeholder macro call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unfinished {
    /// Which macro.
    pub kind: UnfinishedKind,
    /// 1-based line.
    pub line: u32,
    /// In test-only code.
    pub test: bool,
    /// The function it is in (the last `fn` name seen).
    pub item: String,
    /// A comment at the call or the function's docs says the path cannot
    /// be reached ("never called", "unreachable": a trait method the type
    /// must provide but no caller uses).
    pub unreachable: bool,
}

/// A place that disables TLS certificate or hostname verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsSite {
    /// The pattern found, as it would be written.
    pub what: &'static str,
    /// 1-based line.
    pub line: u32,
    /// In test-only code.
    pub test: bool,
    /// Inside an `if`, `else` or `match` branch: switched off only under
    /// some condition (an "insecure" option).
    pub conditional: bool,
    /// The enclosing `pub` function, when its name says callers opt in to
    /// insecurity (`insecure_skip_verify`, `danger_accept_invalid_certs`):
    /// the switch runs only for callers who chose it.
    pub opt_in_fn: Option<String>,
    /// A hostname-only switch with a comment right before it saying why
    /// (pingora: the names are added with `add_host`, so checking is
    /// still on).
    pub explained: bool,
}

/// Whether a function's name says calling it gives up verification — an
/// API the caller must choose, not a default.
pub fn is_opt_in_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "insecure",
        "danger",
        "skip_verif",
        "no_verif",
        "noverif",
        "unverified",
        "accept_invalid",
        "allow_invalid",
        "without_verif",
        "disable_verif",
        "skip_tls",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// An HTTP client built without a timeout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpClient {
    /// The constructor as resolved, e.g. `reqwest::Client::builder()`.
    pub constructor: String,
    /// 1-based line.
    pub line: u32,
    /// In test-only code.
    pub test: bool,
}

#[cfg(test)]
mod tests;
