//! Unit tests of the analyzer: each heuristic on small sources, the tricky
//! lexing cases, and no panics on arbitrary input.

use super::*;

fn unsafe_lines(src: &str) -> Vec<(u32, UnsafeKind, bool)> {
    scan(src)
        .unsafe_sites
        .iter()
        .map(|s| (s.line, s.kind, s.documented))
        .collect()
}

fn unfinished(src: &str) -> Vec<(u32, UnfinishedKind, bool)> {
    scan(src)
        .unfinished
        .iter()
        .map(|u| (u.line, u.kind, u.test))
        .collect()
}

fn refs(src: &str) -> Vec<(String, bool, u32)> {
    let s = scan(src);
    s.crate_refs
        .iter()
        .filter(|r| !s.local_names.contains(&r.name))
        .map(|r| (r.name.clone(), r.test, r.line))
        .collect()
}

#[test]
fn nothing_inside_strings_or_comments_counts() {
    let src = r####"
const DOC: &str = r#"unsafe { todo!() } "quoted" "#;
// todo!() in a comment
/* outer /* nested unsafe { } */ still comment todo!() */
/// dbg!(x) in a doc comment
fn f<'a>(x: &'a str) -> char {
    let c = 'a';
    let s = "unimplemented!() \" unsafe {";
    let b = b"dbg!(1)";
    c
}
"####;
    let s = scan(src);
    assert!(s.unsafe_sites.is_empty(), "{:?}", s.unsafe_sites);
    assert!(s.unfinished.is_empty(), "{:?}", s.unfinished);
    assert_eq!(s.lines, 11);
}

#[test]
fn char_literal_versus_lifetime_keeps_the_lexer_in_sync() {
    // Were `'a'` taken for a lifetime, the `"` after it would open a string
    // and swallow the `todo!()`.
    let src = "fn f<'a>(x: &'a u8) { let c = '\"'; let d = 'a'; todo!() }\n";
    assert_eq!(unfinished(src), vec![(1, UnfinishedKind::Todo, false)]);
}

#[test]
fn test_regions_and_test_functions() {
    let src = r#"pub fn shipped() { dbg!(1); }

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn one() { dbg!(2); }
    #[tokio::test(flavor = "multi_thread")]
    async fn two() {}
    #[test_case(1)]
    #[test_case(2)]
    fn three(x: u8) {}
}

#[test]
fn outside_cfg_test() { todo!() }

#[cfg(all(test, feature = "x"))]
fn helper() { todo!() }

#[cfg(any(test, feature = "x"))]
fn maybe_shipped() { todo!() }

#[cfg(not(test))]
fn not_test() { unimplemented!() }
"#;
    let s = scan(src);
    assert_eq!(s.test_fns, 5);
    assert_eq!(
        unfinished(src),
        vec![
            (1, UnfinishedKind::Dbg, false),
            (7, UnfinishedKind::Dbg, true),
            (16, UnfinishedKind::Todo, true),
            (19, UnfinishedKind::Todo, true),
            (22, UnfinishedKind::Todo, false),
            (25, UnfinishedKind::Unimplemented, false),
        ]
    );
    assert!(s.test_code_lines >= 12, "{}", s.test_code_lines);
    assert!(s.code_lines > s.test_code_lines);
}

#[test]
fn cfg_test_region_ends_with_the_item() {
    let src = "struct S {\n    #[cfg(test)]\n    a: u8,\n    b: u8,\n}\nfn g() { todo!() }\n#[cfg(test)]\nuse foo::bar;\nfn h() { todo!() }\n";
    assert_eq!(
        unfinished(src),
        vec![
            (6, UnfinishedKind::Todo, false),
            (9, UnfinishedKind::Todo, false)
        ]
    );
    assert_eq!(refs(src), vec![("foo".to_string(), true, 8)]);
}

#[test]
fn inner_cfg_test_makes_the_file_test_only() {
    let s = scan("#![cfg(test)]\nfn f() { todo!() }\n");
    assert!(s.all_test);
    assert!(s.unfinished[0].test);
}

#[test]
fn unsafe_sites_and_their_safety_comments() {
    let src = r#"
// SAFETY: the pointer is valid
let a = unsafe { *p };
let b = unsafe { *p };
let c = unsafe { *p }; // SAFETY: trailing, same line
let d = unsafe {
    // SAFETY: first thing inside the block
    *p
};
/// Does things.
///
/// # Safety
/// The caller upholds X.
pub unsafe fn documented() {}
pub unsafe fn undocumented() {}
// SAFETY: Send is fine, no interior pointers
unsafe impl Send for X {}
unsafe impl Sync for X {}
// Safety: lowercase style accepted
unsafe extern "C" { fn abs(x: i32) -> i32; }
type F = unsafe fn(u8);
type G = unsafe extern "C" fn(u8);
#[unsafe(no_mangle)]
pub extern "C" fn exported() {}
unsafe trait Marker {}
"#;
    assert_eq!(
        unsafe_lines(src),
        vec![
            (3, UnsafeKind::Block, true),
            (4, UnsafeKind::Block, false),
            (5, UnsafeKind::Block, true),
            (6, UnsafeKind::Block, true),
            (14, UnsafeKind::Fn, true),
            (15, UnsafeKind::Fn, false),
            (17, UnsafeKind::Impl, true),
            (18, UnsafeKind::Impl, false),
            (20, UnsafeKind::ExternBlock, true),
            (25, UnsafeKind::Trait, false),
        ]
    );
    let s = scan(src);
    assert_eq!(s.unsafe_sites[4].item, "documented");
}

#[test]
fn trait_impl_methods_and_whole_body_blocks() {
    // Found on regex and tokio: the contract of an `unsafe fn` in a trait
    // impl is the trait's; a block that is the whole body of a documented
    // `unsafe fn` is covered by its `# Safety` section.
    let src = r#"unsafe impl<'a, A: Automaton> Automaton for &'a A {
    unsafe fn next_state_unchecked(&self) -> u8 { 0 }
}
impl Task {
    /// # Safety
    /// The caller synchronizes.
    unsafe fn will_wake(&self) -> bool {
        unsafe { self.with_task() }
    }
    unsafe fn undocumented(&self) {
        unsafe { x() }
    }
}
"#;
    assert_eq!(
        unsafe_lines(src),
        vec![
            (1, UnsafeKind::Impl, false),
            (7, UnsafeKind::Fn, true),
            (8, UnsafeKind::Block, true),
            (10, UnsafeKind::Fn, false),
            (11, UnsafeKind::Block, false),
        ]
    );
}

#[test]
fn documentation_only_code_does_not_ship() {
    // tokio: `#[cfg(doc)]` macro stubs and `#[cfg(docsrs)]` shims.
    let src = "#[cfg(doc)]
macro_rules! join { () => { unimplemented!() } }
#[cfg(all(docsrs, unix))]
fn shim() { todo!() }
#[cfg(not(docsrs))]
fn real() { todo!() }
#[cfg(any(test, feature = \"test\"))]
fn mock() { unimplemented!() }
#[cfg(feature = \"std\")]
fn shipped() { todo!() }
";
    assert_eq!(
        unfinished(src),
        vec![
            (2, UnfinishedKind::Unimplemented, true),
            (4, UnfinishedKind::Todo, true),
            (6, UnfinishedKind::Todo, false),
            (8, UnfinishedKind::Unimplemented, true),
            (10, UnfinishedKind::Todo, false),
        ]
    );
}

#[test]
fn quote_templates_are_another_crates_code() {
    // clap_derive: dummy impls generated for the user's crate.
    let src = r#"pub fn into_app(name: &Ident) -> TokenStream {
    quote! {
        impl clap::CommandFactory for #name {
            fn command<'b>() -> clap::Command { unimplemented!() }
        }
        unsafe impl Send for #name {}
        #[test]
        fn generated() {}
    }
}
fn real() { todo!() }
"#;
    let s = scan(src);
    assert_eq!(unfinished(src), vec![(11, UnfinishedKind::Todo, false)]);
    assert!(s.unsafe_sites.is_empty());
    assert!(s.crate_refs.is_empty(), "{:?}", s.crate_refs);
    assert_eq!(s.test_fns, 0);
}

#[test]
fn tls_switches_in_branches_are_conditional() {
    // sentry: an `accept_invalid_certs` option.
    let src = "fn f() {
    if accept_invalid_certs {
        b = b.danger_accept_invalid_certs(true);
    }
    let c = match mode {
        Mode::Insecure => { h.ssl_verify_peer(false) }
        _ => {}
    };
    x.danger_accept_invalid_hostnames(true);
    let b = match security {
        Security::Insecure => b.danger_accept_invalid_certs(true),
        Security::Secure => b,
    }
    .danger_accept_invalid_hostnames(true);
    if config.smtp_accept_invalid_certs {
        p = p.dangerous_accept_invalid_certs(true);
    }
}
";
    let found: Vec<(u32, bool)> = scan(src)
        .tls
        .iter()
        .map(|t| (t.line, t.conditional))
        .collect();
    // uv, nushell: an arm without braces is a branch too; the call after
    // the match is not. vaultwarden: lettre's `dangerous_` spelling.
    assert_eq!(
        found,
        vec![
            (3, true),
            (6, true),
            (9, false),
            (11, true),
            (14, false),
            (16, true)
        ]
    );
}

#[test]
fn tls_switches_in_opt_in_functions_name_them() {
    let src = "impl Builder {
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.inner = self.inner.danger_accept_invalid_certs(true);
        self
    }
    pub fn build(self) -> Client {
        self.inner.danger_accept_invalid_hostnames(true).build()
    }
}
";
    let found: Vec<(u32, Option<String>)> = scan(src)
        .tls
        .iter()
        .map(|t| (t.line, t.opt_in_fn.clone()))
        .collect();
    assert_eq!(
        found,
        vec![(3, Some("danger_accept_invalid_certs".into())), (7, None)]
    );
    // A private function the program calls itself is no caller's choice.
    let private = "fn insecure() {\n    b.danger_accept_invalid_certs(true);\n}\npub(crate) async fn insecure_client() {\n    b.danger_accept_invalid_certs(true);\n}\n";
    let found: Vec<Option<String>> = scan(private)
        .tls
        .iter()
        .map(|t| t.opt_in_fn.clone())
        .collect();
    assert_eq!(found, vec![None, Some("insecure_client".into())]);
    assert!(super::is_opt_in_name("insecure_skip_verify"));
    assert!(super::is_opt_in_name("with_no_verification"));
    assert!(!super::is_opt_in_name("connect"));
}

#[test]
fn a_safety_comment_covers_one_statement_only() {
    let src = "// SAFETY: covers a\nlet a = unsafe { x() };\nlet b = unsafe { y() };\n";
    assert_eq!(
        unsafe_lines(src),
        vec![(2, UnsafeKind::Block, true), (3, UnsafeKind::Block, false)]
    );
}

/// rust-url's idna: one comment before `let cow = match … {` explains the
/// `unsafe` in each arm; the statement after it is not covered.
#[test]
fn a_safety_comment_covers_a_whole_let_or_match_statement() {
    let src = "fn f(v: Cow<[u8]>) {\n    // SAFETY: the bytes are ASCII\n    let cow = match v {\n        A(v) => A(unsafe { g(v) }),\n        B(v) => { B(unsafe { h(v) }) }\n    };\n    let d = unsafe { k() };\n    match w {\n        C => unsafe { m() },\n    }\n}\n";
    assert_eq!(
        unsafe_lines(src),
        vec![
            (4, UnsafeKind::Block, true),
            (5, UnsafeKind::Block, true),
            (7, UnsafeKind::Block, false),
            (9, UnsafeKind::Block, false),
        ]
    );
}

#[test]
fn unfinished_macros() {
    let src = r#"fn a() { todo!() }
fn b() { std::unimplemented!("later") }
fn c() { panic!("not implemented yet") }
fn d() { panic!("index out of range") }
fn e() { dbg![x]; }
macro_rules! todo { () => {} }
fn f() { let todo = 1; todo != 2; }
"#;
    assert_eq!(
        unfinished(src),
        vec![
            (1, UnfinishedKind::Todo, false),
            (2, UnfinishedKind::Unimplemented, false),
            (3, UnfinishedKind::PanicNotImplemented, false),
            (5, UnfinishedKind::Dbg, false),
        ]
    );
    assert_eq!(scan(src).unfinished[0].item, "a");
}

#[test]
fn tls_verification_switched_off() {
    let src = r#"
let c = reqwest::Client::builder().danger_accept_invalid_certs(true).build()?;
let ok = reqwest::Client::builder().danger_accept_invalid_certs(false);
let cfg = builder.danger_accept_invalid_hostnames(true);
ctx.set_verify(SslVerifyMode::NONE);
easy.ssl_verify_peer(false)?;
let fine = easy.ssl_verify_peer(true);
impl ServerCertVerifier for NoVerifier {
    fn verify_server_cert(&self, _e: &CertificateDer<'_>) -> Result<ServerCertVerified, Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
}
impl ServerCertVerifier for Pinned {
    fn verify_server_cert(&self, e: &CertificateDer<'_>) -> Result<ServerCertVerified, Error> {
        check_pin(e)?;
        Ok(ServerCertVerified::assertion())
    }
}
"#;
    let s = scan(src);
    let found: Vec<(u32, &str)> = s.tls.iter().map(|t| (t.line, t.what)).collect();
    assert_eq!(
        found,
        vec![
            (2, "danger_accept_invalid_certs(true)"),
            (4, "danger_accept_invalid_hostnames(true)"),
            (5, "SslVerifyMode::NONE"),
            (6, "ssl_verify_peer(false)"),
            (9, "a certificate verifier that accepts every certificate"),
        ]
    );
}

#[test]
fn http_clients_without_timeouts() {
    let src = r#"use reqwest::Client;
use ureq::AgentBuilder;
use reqwest::blocking;
fn a() { let c = Client::new(); }
fn b() { let c = Client::builder().user_agent("x").build()?; }
fn c() { let c = Client::builder().timeout(Duration::from_secs(5)).build()?; }
fn d() { let c = reqwest::Client::builder()
    .connect_timeout(Duration::from_secs(1))
    .build()
    .unwrap(); }
fn e() -> reqwest::ClientBuilder { Client::builder().user_agent("escapes") }
fn f() { let c = blocking::Client::new(); }
fn g() { let a = AgentBuilder::new().build(); }
fn h() { let a = AgentBuilder::new().timeout_read(d).build(); }
fn i() { let body = reqwest::get(url).await?; }
fn j() { let c = hyper::Client::new(); }
"#;
    let s = scan(src);
    let found: Vec<(u32, &str)> = s
        .http_clients
        .iter()
        .map(|c| (c.line, c.constructor.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (4, "reqwest::Client::new()"),
            (5, "reqwest::Client::builder()"),
            (13, "ureq::AgentBuilder::new()"),
            (15, "reqwest::get()"),
        ]
    );
}

#[test]
fn crate_references() {
    let src = r#"extern crate rand as rnd;
use serde::{Deserialize, Serialize};
use std::fs;
use self::inner::thing;
mod helpers;
fn f() {
    fs::read("x");
    helpers::go();
    rnd::random::<u8>();
    ::tempfile::tempdir();
    let v = Vec::<u8>::new();
    x.parse::<u32>();
    u8::MAX;
    $crate::foo();
}
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn t() {
        insta::assert_snapshot!(x);
        let _: serde_json::Value = todo!();
    }
}
#[derive(serde_derive::Serialize)]
struct S;
impl ::core::fmt::Debug for S {}
"#;
    assert_eq!(
        refs(src),
        vec![
            ("insta".into(), true, 20),
            ("rand".into(), false, 1),
            ("serde".into(), false, 2),
            ("serde_derive".into(), false, 24),
            ("serde_json".into(), true, 21),
            ("tempfile".into(), false, 10),
            ("tokio".into(), true, 18),
        ]
    );
    let s = scan(src);
    for name in ["rnd", "Deserialize", "fs", "thing", "helpers", "S"] {
        assert!(s.local_names.iter().any(|n| n == name), "{name}");
    }
}

/// pyo3: `import_exception!(socket, gaierror)` defines `gaierror`; a
/// macro's path argument (`assert!(serde_json::is_ok())`) is still a crate.
#[test]
fn names_given_bare_to_a_macro_are_local() {
    let src = "#[cfg(test)]\nmod tests {\n    import_exception!(socket, gaierror);\n    #[test]\n    fn t() {\n        let e = gaierror::new_err(());\n        assert!(serde_json::from_str::<u8>(\"1\").is_ok());\n        let v = f(other, thing);\n        other::g();\n    }\n}\n";
    let got: Vec<String> = refs(src).into_iter().map(|r| r.0).collect();
    assert_eq!(got, ["other", "serde_json"]);
}

#[test]
fn module_declarations() {
    let src = r#"mod a;
pub(crate) mod b { mod c; }
#[cfg(test)]
mod tests;
#[path = "other/x.rs"]
mod x;
mod inline { }
"#;
    let mods = scan(src).mods;
    let got: Vec<String> = mods
        .iter()
        .map(|m| {
            format!(
                "{} {:?} {:?} {} {}",
                m.name, m.inline_path, m.path_attr, m.test, m.line
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            "a [] None false 1",
            "c [\"b\"] None false 2",
            "tests [] None true 4",
            "x [] Some(\"other/x.rs\") false 6",
        ]
    );
}

#[test]
fn doctests_that_run() {
    let src = r#"
/// ```
/// assert!(true);
/// ```
///
/// ```rust,no_run
/// loop {}
/// ```
///
/// ```text
/// not rust
/// ```
///
/// ```should_panic
/// panic!();
/// ```
///
/// ~~~ignore
/// ~~~
pub fn f() {}
/** ```
 * x();
 * ``` */
pub fn g() {}
#[cfg(test)]
mod tests {
    /// ```
    /// not collected by rustdoc
    /// ```
    fn h() {}
}
"#;
    assert_eq!(scan(src).doctests, 3);
}

#[test]
fn crate_level_attributes() {
    let s = scan("#![forbid(unsafe_code)]\n#![warn(missing_docs)]\nfn f() {}\n");
    assert!(s.forbids_unsafe && s.lint_attrs);
    let s = scan("#![cfg_attr(not(test), deny(clippy::unwrap_used))]\n");
    assert!(s.lint_attrs && !s.forbids_unsafe);
    let s = scan("#![doc(test(attr(deny(warnings))))]\n#![allow(dead_code)]\n");
    assert!(!s.lint_attrs);
    let s = scan("#![allow(dead_code)]\n#![expect(clippy::missing_safety_doc, reason = \"x\")]\n");
    let allowed: Vec<(&str, u32)> = s
        .allowed_lints
        .iter()
        .map(|(l, n)| (l.as_str(), *n))
        .collect();
    assert_eq!(
        allowed,
        vec![("clippy::missing_safety_doc", 2), ("dead_code", 1)]
    );
    let s = scan("mod m {\n#![forbid(unsafe_code)]\n}\n");
    assert!(!s.forbids_unsafe);
}

#[test]
fn lines_of_code() {
    let s = scan("// comment\n\nfn f() {\n    1\n}\n/* block\n */\n");
    assert_eq!((s.lines, s.code_lines), (7, 3));
    assert_eq!(scan("").lines, 0);
    assert_eq!(scan("fn f() {}").lines, 1);
}

#[test]
fn pathological_inputs_stay_linear() {
    // Deep nesting, a long run of comments with no statement boundary, an
    // enormous attribute and `use` tree: bounded state, no recursion blow-up.
    let nested = format!("{}{}", "(".repeat(200_000), ")".repeat(200_000));
    let _ = scan(&nested);
    let comments = "// SAFETY: a comment\n".repeat(100_000) + "unsafe {}";
    assert!(scan(&comments).unsafe_sites[0].documented);
    let attr = format!(
        "#[cfg({}test{})]\nfn f() {{}}",
        "all(".repeat(5_000),
        ")".repeat(5_000)
    );
    let _ = scan(&attr);
    let tree = format!("use {}x{};", "a::{".repeat(5_000), "}".repeat(5_000));
    let _ = scan(&tree);
}

proptest::proptest! {
    #[test]
    fn never_panics_on_rust_shaped_input(src in "[a-z_'\"#r/*!\\\\{}()\\[\\]:;,.<>= \n0-9]{0,400}") {
        let _ = scan(&src);
    }

    #[test]
    fn never_panics_on_keyword_soup(words in proptest::collection::vec(proptest::sample::select(vec![
        "unsafe", "fn", "mod", "use", "extern", "crate", "#", "!", "[", "]", "(", ")", "{", "}",
        ";", ",", "::", "cfg", "test", "todo", "panic", "\"not implemented\"", "Client",
        "builder", ".", "timeout", "build", "verify_server_cert", "Ok", "as", "self", "*",
        "// SAFETY: x\n", "/// ```\n", "r#\"x\"#", "'a", "'b'", "\n", "path", "=", "\"x.rs\"",
    ]), 0..200)) {
        let _ = scan(&words.join(" "));
    }

    #[test]
    fn never_panics_on_any_text(src in "\\PC{0,300}") {
        let _ = scan(&src);
    }
}

#[test]
fn rstest_cases_macro_fragments_and_glob_names_are_not_crates() {
    let src = r#"
use predicates::prelude::*;
use rstest::rstest;

#[rstest]
#[case::empty("")]
#[case::one("a")]
#[cfg_attr(feature = "fast", case::fast("b"))]
fn parses(#[case] input: &str, #[values(1, 2)] n: u8) {
    assert!(predicate::str::contains("x").eval(input));
}

macro_rules! make {
    ($v:ident::$w:ident, $p:path) => { $v::$w };
}
pub(crate) use make;
"#;
    let names: Vec<String> = refs(src).into_iter().map(|(n, _, _)| n).collect();
    // `predicate` comes from the glob: recorded, for the check to judge.
    assert_eq!(names, vec!["predicate", "predicates"], "{names:?}");
    assert_eq!(
        scan(src).glob_imports,
        vec!["predicates::prelude".to_string()]
    );
}

#[test]
fn unfinished_code_said_to_be_unreachable_or_debug_only() {
    let src = r#"
impl Visitor for V {
    /// Never called: this format has no maps.
    fn visit_map(&self) { unimplemented!() }
    fn visit_seq(&self) {
        // The parser rejects sequences first, so this can't happen.
        todo!()
    }
    fn visit_str(&self) { todo!() }
}
#[cfg(debug_assertions)]
fn dump(x: u8) { dbg!(x); }
#[expect(dead_code, reason = "kept for debugging")]
fn debug_elements(x: u8) { dbg!(x); }
#[allow(dead_code)]
fn maybe(x: u8) { dbg!(x); }
"#;
    let u: Vec<(u32, bool, bool)> = scan(src)
        .unfinished
        .iter()
        .map(|u| (u.line, u.test, u.unreachable))
        .collect();
    assert_eq!(
        u,
        vec![
            (4, false, true),
            (7, false, true),
            (9, false, false),
            (12, true, false),
            (14, true, false),
            (16, false, false)
        ]
    );
}

#[test]
fn a_hostname_switch_with_a_comment_before_it_is_explained() {
    let src = "fn f(c: &mut Conf) {
    c.set_verify(SslVerifyMode::PEER);
    /* Always off here: the names were added with add_host above, which
       set_verify_hostname(true) would override. */
    c.set_verify_hostname(false);
    c.set_verify_hostname(false);
    // a comment does not excuse switching certificates off
    c.set_verify(SslVerifyMode::NONE);
}
";
    let found: Vec<(u32, bool)> = scan(src)
        .tls
        .iter()
        .map(|t| (t.line, t.explained))
        .collect();
    assert_eq!(found, vec![(5, true), (6, false), (8, false)]);
}

#[test]
fn a_safety_doc_on_a_safe_fn_documents_its_whole_body_block() {
    let src = "/// SAFETY: the handle is valid for the process's lifetime.
fn send(h: Handle) -> u32 {
    unsafe { SendMessage(h) }
}
/// Sends a message.
fn other(h: Handle) -> u32 {
    unsafe { SendMessage(h) }
}
/// SAFETY: only the first block is covered.
fn partial(h: Handle) -> u32 {
    let x = 1;
    unsafe { SendMessage(h) }
}
";
    assert_eq!(
        unsafe_lines(src),
        vec![
            (3, UnsafeKind::Block, true),
            (7, UnsafeKind::Block, false),
            (12, UnsafeKind::Block, false)
        ]
    );
}

#[test]
fn one_safety_comment_covers_every_unsafe_of_its_statement() {
    // futures-util's join_all: the closure's `unsafe` is in the same
    // statement as the commented one.
    let src = "fn f(v: &mut [T]) {
    // Safety: the elements are pinned and never moved.
    let it = unsafe { Pin::new_unchecked(v) }
        .iter_mut()
        .map(|t| unsafe { Pin::new_unchecked(t) });
    let next = unsafe { g() };
    // SAFETY: both are sound.
    unsafe { a() }
    unsafe { b() }
}
// SAFETY: no interior mutability.
unsafe impl Send for X {}
unsafe impl Sync for X {}
";
    let documented: Vec<(u32, bool)> = unsafe_lines(src)
        .into_iter()
        .map(|(line, _, documented)| (line, documented))
        .collect();
    assert_eq!(
        documented,
        vec![
            (3, true),
            (5, true),
            (6, false),
            (8, true),
            (9, false),
            (12, true),
            (13, false)
        ]
    );
}

#[test]
fn a_safety_comment_before_a_macro_call_covers_the_unsafe_inside() {
    // bottom: `cfg_select!` picks one of several unsafe calls.
    let src = "fn p(pid: i32) -> i32 {
    // SAFETY: getpriority takes no user pointers.
    cfg_select! {
        target_os = \"freebsd\" => {
            unsafe { getpriority(pid) }
        }
        _ => { 0 }
    }
}
fn q() {
    other! { unsafe { x() } }
}
";
    let documented: Vec<(u32, bool)> = unsafe_lines(src)
        .into_iter()
        .map(|(line, _, documented)| (line, documented))
        .collect();
    assert_eq!(documented, vec![(5, true), (11, false)]);
}

#[test]
fn a_builder_bound_to_a_local_is_followed() {
    // sentry's transports: `let mut builder = …builder();` set up over
    // several statements, then built.
    let src = r#"use reqwest::Client;
fn a(proxy: Option<P>) {
    let mut builder = reqwest::Client::builder();
    if let Some(p) = proxy {
        builder = builder.proxy(p);
    }
    let client = builder.build().unwrap();
}
fn b() {
    let mut builder = Client::builder();
    builder = builder.timeout(Duration::from_secs(30));
    let client = builder.build();
}
fn c() {
    let mut builder = Client::builder();
    configure(&mut builder);
    let client = builder.build();
}
fn d() {
    let builder = Client::builder().user_agent("x");
    builder.build()
}
fn e() {
    let client = reqwest::Client::builder().build().unwrap();
    let connector = Connector { client: client, };
}
"#;
    let found: Vec<u32> = scan(src).http_clients.iter().map(|c| c.line).collect();
    assert_eq!(found, vec![3, 20, 24]);
}
