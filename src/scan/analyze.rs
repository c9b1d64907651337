//! One pass over a file's tokens producing its [`FileScan`].
//!
//! The analyzer is a set of small state machines fed one token at a time,
//! sharing a stack of open delimiters and a window of the last few
//! significant tokens. It never backtracks and allocates only for what it
//! records, so it keeps pace with the lexer.

use std::collections::{BTreeSet, HashMap, VecDeque};

use memchr::memmem;

use super::lexer::{self, Comment, Kind, Lexer, Token};
use super::rules::{
    accepts_everything, cfg_requires_test, doc_lines, is_builtin, is_keyword, is_safety_heading,
    is_test_attr, runnable_doctest,
};
use super::usetree;
use super::{
    CrateRef, FileScan, HttpClient, ModDecl, RefKind, TlsSite, Unfinished, UnfinishedKind,
    UnsafeKind, UnsafeSite,
};

/// Scans the text of one Rust source file.
pub fn scan(src: &str) -> FileScan {
    let mut a = Analyzer::new(src);
    let mut lexer = Lexer::new(src);
    for t in lexer.by_ref() {
        a.token(t);
    }
    let mut lines = lexer.line();
    if src.ends_with('\n') || src.is_empty() {
        lines -= 1;
    }
    a.finish(lines)
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    /// This delimiter opened a `quote!`-style template: code for another
    /// crate.
    template: bool,
    /// This `{` opened the branch of an `if`, `else` or `match` arm.
    conditional: bool,
    /// This `{` opened the body of `impl Trait for Type`.
    trait_impl: bool,
    /// This `{` opened the body of an `unsafe fn` with a safety argument.
    documented_unsafe_fn: bool,
    /// This `{` opened a test-only region.
    test: bool,
    /// Index into `inline_mods` when this `{` opened `mod name { … }`.
    inline_mod: bool,
    /// This delimiter is a `{`.
    brace: bool,
    /// This `(` / `[` / `{` holds a macro call's arguments (`name!(…)`).
    macro_args: bool,
    /// This `{` is part of a `let` or `match` statement that a `SAFETY:`
    /// comment before it explains: the comment covers every `unsafe` in
    /// the statement (`// SAFETY: …` then `let s = match v { A(x) =>
    /// unsafe { … }, B(y) => unsafe { … } };`).
    covered: bool,
}

/// The item an attribute applies to has not ended yet.
#[derive(Debug, Clone, Copy)]
struct PendingItem {
    depth: usize,
    tests: u32,
    bench: bool,
}

#[derive(Debug)]
struct Attr<'a> {
    depth: usize,
    inner: bool,
    /// Its `#` was the first code on a line counted as non-test.
    new_line: bool,
    /// The line of its `#`.
    line: u32,
    toks: Vec<(Kind, &'a str)>,
    refs: Vec<(&'a str, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum UnsafeStage {
    None,
    AfterUnsafe,
    AfterFn,
    AfterExtern,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum MacroStage {
    None,
    Name(UnfinishedKind),
    Bang(UnfinishedKind),
    PanicParen,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    None,
    ModName,
    FnName,
    TypeName,
    ExternCrate,
    CrateName,
    CrateAlias,
}

#[derive(Debug)]
struct Verifier<'a> {
    depth: usize,
    line: u32,
    body: Option<usize>,
    toks: Vec<&'a str>,
    complex: bool,
}

#[derive(Debug)]
struct Chain {
    site: usize,
    depth: usize,
    after_dot: bool,
}

#[derive(Debug)]
struct ClientSite<'a> {
    path: Vec<&'a str>,
    method: &'a str,
    line: u32,
    test: bool,
    has_timeout: bool,
    built: bool,
}

#[derive(Debug)]
struct UseCollect<'a> {
    depth: usize,
    toks: Vec<usetree::UseTok<'a>>,
    test: bool,
}

/// Upper bounds that keep pathological input linear.
const RING: usize = 8;
const MAX_REMEMBERED_COMMENTS: usize = 256;
const MAX_ATTR_TOKENS: usize = 256;
const MAX_USE_TOKENS: usize = 4096;
const MAX_VERIFIER_TOKENS: usize = 24;

struct Analyzer<'a> {
    src: &'a str,
    out: FileScan,
    stack: Vec<Frame>,
    inline_mods: Vec<&'a str>,
    test_frames: u32,
    /// The last significant tokens, a ring indexed by `sig` (see `prev`).
    ring: [(Kind, &'a str); RING],
    sig: u64,
    last_code_line: u32,
    // Comments.
    safety_finder: memmem::Finder<'static>,
    safety_finder_upper: memmem::Finder<'static>,
    /// Comments (start, end, is doc) since the last `;`, `{` or `}`.
    since_boundary: VecDeque<(usize, usize, bool)>,
    fence: Option<(u8, usize)>,
    first_inside: Option<usize>,
    // Attributes and the items they apply to.
    hash_at: Option<u64>,
    hash_new_line: bool,
    bang_at: Option<u64>,
    attr: Option<Attr<'a>>,
    pending: Option<PendingItem>,
    pending_path: Option<(u64, String)>,
    boundaries: u64,
    /// A `let` or `match` since the last boundary.
    let_or_match: bool,
    // Items.
    expect: Expect,
    mod_name: Option<(&'a str, u32, bool)>,
    extern_crate: Option<&'a str>,
    last_fn: &'a str,
    /// Whether `last_fn` is `pub`: an API other code chooses to call.
    last_fn_pub: bool,
    /// Whether the `fn` keyword just seen was preceded by `pub`.
    next_fn_pub: bool,
    /// The comments before `last_fn` (its docs), as source ranges: read
    /// only when a placeholder macro is found in it.
    last_fn_docs: Vec<(usize, usize)>,
    local_names: BTreeSet<&'a str>,
    glob_imports: BTreeSet<String>,
    refs: HashMap<(&'a str, bool), (u32, RefKind)>,
    pending_ref: Option<(&'a str, u32, bool)>,
    leading_root: bool,
    uses: Option<UseCollect<'a>>,
    imports: HashMap<&'a str, String>,
    // Sites.
    unsafe_stage: UnsafeStage,
    /// 1 after `quote`, 2 after `quote!`: the next delimiter opens a
    /// template.
    template_stage: u8,
    template_frames: u32,
    /// `if`/`else`/`=>` seen at this depth: the next `{` is a branch.
    branch: Option<usize>,
    /// `=>` just seen at this depth: an arm without braces may follow.
    arm_next: Option<usize>,
    /// Inside an unbraced match arm (`pat => expr,`) at this depth.
    arm: Option<usize>,
    conditional_frames: u32,
    /// `impl` seen at this depth; whether a `for` followed.
    impl_block: Option<(usize, bool)>,
    /// An `unsafe fn` declared at this depth, documented or not: its body
    /// is next.
    unsafe_fn_body: Option<(usize, bool)>,
    /// Line, test-only, SAFETY comment, `# Safety` doc, directly inside
    /// a documented `unsafe fn`, inside a trait impl.
    unsafe_snapshot: (u32, bool, bool, bool, bool, bool),
    /// The nesting depth of a statement whose first `unsafe` a `SAFETY:`
    /// comment before it explains: the comment covers every `unsafe` up
    /// to the statement's end (`unsafe { … }.iter().map(|t| unsafe { … })`).
    stmt_cover: Option<usize>,
    /// A `}` just closed a block at [`Self::stmt_cover`]'s depth: the next
    /// token says whether the statement goes on (`.map(…)`) or ended.
    stmt_cover_after_brace: bool,
    macro_stage: (MacroStage, u32, bool),
    tls_stage: Option<(&'static str, &'static str, u32, bool, u8)>,
    verifier: Option<Verifier<'a>>,
    clients: Vec<ClientSite<'a>>,
    /// Builders bound to a local (`let mut builder = Client::builder();`):
    /// (name, site, depth of the binding). Later `builder.timeout(…)` and
    /// `builder.build()` count for the site; the builder handed elsewhere
    /// (`configure(&mut builder)`, `Ok(builder)`) is no longer judged.
    client_vars: Vec<(&'a str, usize, usize)>,
    chains: Vec<Chain>,
}

impl<'a> Analyzer<'a> {
    /// The function being scanned, when it is a `pub` API whose name
    /// makes calling it an opt-in (a private `fn insecure()` that `main`
    /// calls is the program's own behaviour, not a caller's choice).
    fn opt_in_fn(&self) -> Option<String> {
        (self.last_fn_pub && super::is_opt_in_name(self.last_fn)).then(|| self.last_fn.to_string())
    }

    fn new(src: &'a str) -> Self {
        Analyzer {
            src,
            out: FileScan::default(),
            stack: Vec::with_capacity(32),
            inline_mods: Vec::new(),
            test_frames: 0,
            ring: [(Kind::Punct(b';'), ""); RING],
            sig: 0,
            last_code_line: 0,
            safety_finder: memmem::Finder::new("afety"),
            safety_finder_upper: memmem::Finder::new("AFETY"),
            since_boundary: VecDeque::new(),
            fence: None,
            first_inside: None,
            hash_at: None,
            hash_new_line: false,
            bang_at: None,
            attr: None,
            pending: None,
            pending_path: None,
            boundaries: 0,
            let_or_match: false,
            expect: Expect::None,
            mod_name: None,
            extern_crate: None,
            last_fn: "",
            last_fn_pub: false,
            next_fn_pub: false,
            last_fn_docs: Vec::new(),
            local_names: BTreeSet::new(),
            glob_imports: BTreeSet::new(),
            refs: HashMap::new(),
            pending_ref: None,
            leading_root: false,
            uses: None,
            imports: HashMap::new(),
            unsafe_stage: UnsafeStage::None,
            template_stage: 0,
            template_frames: 0,
            branch: None,
            arm_next: None,
            arm: None,
            conditional_frames: 0,
            impl_block: None,
            unsafe_fn_body: None,
            unsafe_snapshot: (0, false, false, false, false, false),
            stmt_cover: None,
            stmt_cover_after_brace: false,
            macro_stage: (MacroStage::None, 0, false),
            tls_stage: None,
            verifier: None,
            clients: Vec::new(),
            client_vars: Vec::new(),
            chains: Vec::new(),
        }
    }

    /// The `n`-th last significant token (0: the one before the current).
    fn prev(&self, n: usize) -> (Kind, &'a str) {
        self.ring[(self.sig as usize).wrapping_sub(n) % RING]
    }

    fn in_test(&self) -> bool {
        self.out.all_test || self.test_frames > 0 || self.pending.is_some()
    }

    fn token(&mut self, t: Token) {
        match t.kind {
            Kind::Comment(doc) => self.comment(t, doc),
            _ => self.significant(t),
        }
    }

    // ---- comments -------------------------------------------------------

    /// Comments are looked into lazily: a comment only matters for safety
    /// when an `unsafe` follows before the next `;`, `{` or `}`, so it is
    /// remembered and searched then (most comments never are).
    fn comment(&mut self, t: Token, doc: Comment) {
        let bytes = &self.src.as_bytes()[t.start..t.end];
        // The first thing inside an undocumented `unsafe {`, or a comment on
        // the same line as the last `unsafe`: decided now.
        let same_line = self
            .out
            .unsafe_sites
            .last()
            .is_some_and(|s| s.line == t.line && !s.documented);
        if (self.first_inside.is_some() || same_line) && self.has_safety(bytes) {
            let i = self
                .first_inside
                .take()
                .unwrap_or(self.out.unsafe_sites.len().saturating_sub(1));
            if let Some(site) = self.out.unsafe_sites.get_mut(i) {
                site.documented = true;
            }
            return;
        }
        if self.since_boundary.len() >= MAX_REMEMBERED_COMMENTS {
            self.since_boundary.pop_front();
        }
        self.since_boundary
            .push_back((t.start, t.end, doc != Comment::Plain));
        if doc != Comment::Plain
            && (self.fence.is_some() || memchr::memchr2(b'`', b'~', bytes).is_some())
        {
            for line in doc_lines(&self.src[t.start..t.end]) {
                self.fence_line(line);
            }
        }
    }

    /// Whether one of the comments at `ranges` says the code cannot run.
    fn says_unreachable(&self, mut ranges: impl Iterator<Item = (usize, usize)>) -> bool {
        const PHRASES: &[&str] = &[
            "unreachable",
            "never called",
            "never be called",
            "not called",
            "cannot be called",
            "can't be called",
            "never reached",
            "not reachable",
            "never happen",
            "cannot happen",
            "can't happen",
        ];
        ranges.any(|(start, end)| {
            let text = self.src[start..end].to_ascii_lowercase();
            PHRASES.iter().any(|p| text.contains(p))
        })
    }

    /// A name given on its own to a macro (`import_exception!(socket,
    /// gaierror)`, `create_exception!(m, MyError, PyException)`) may be an
    /// item the macro defines: a local name, not a crate, when later code
    /// writes `gaierror::new_err(…)`. Called at the `,` or closing
    /// delimiter after it.
    fn bare_macro_argument(&mut self) {
        let (kind, name) = self.prev(0);
        let before = self.prev(1).0;
        if kind == Kind::Ident
            && matches!(before, Kind::Punct(b'(' | b',' | b'[' | b'{'))
            && self.stack.last().is_some_and(|f| f.macro_args)
        {
            self.local_names.insert(name);
        }
    }

    /// Whether the innermost `{` is part of a statement a `SAFETY:`
    /// comment covers (see [`Frame::covered`]).
    fn covered_statement(&self) -> bool {
        self.stack
            .iter()
            .rev()
            .find(|f| f.brace)
            .is_some_and(|f| f.covered)
    }

    /// Inside an `if`/`else`/`match` branch, braced or not.
    fn in_branch(&self) -> bool {
        self.conditional_frames > 0 || self.arm.is_some()
    }

    /// Whether the comments since the last boundary hold a `SAFETY:`
    /// comment, and a `# Safety` doc section.
    fn safety_since_boundary(&self) -> (bool, bool) {
        let (mut safety, mut heading) = (false, false);
        for &(start, end, doc) in &self.since_boundary {
            let bytes = &self.src.as_bytes()[start..end];
            safety = safety || self.has_safety(bytes);
            if doc && !heading {
                heading = doc_lines(&self.src[start..end]).any(is_safety_heading);
            }
        }
        (safety, heading)
    }

    /// `SAFETY:` in any case (`// Safety: …` too), or the word `SAFETY`
    /// in capitals.
    fn has_safety(&self, bytes: &[u8]) -> bool {
        let check = |at: usize, upper: bool| {
            if at == 0 || !matches!(bytes[at - 1], b's' | b'S') {
                return false;
            }
            let rest = &bytes[at + 5..];
            let after = rest.iter().find(|b| **b != b' ').copied();
            after == Some(b':') || (upper && bytes[at - 1] == b'S')
        };
        self.safety_finder
            .find_iter(bytes)
            .any(|at| check(at, false))
            || self
                .safety_finder_upper
                .find_iter(bytes)
                .any(|at| check(at, true))
    }

    fn fence_line(&mut self, line: &str) {
        let b = line.as_bytes();
        let Some(&c) = b.first().filter(|c| **c == b'`' || **c == b'~') else {
            return;
        };
        let run = b.iter().take_while(|x| **x == c).count();
        if run < 3 {
            return;
        }
        let info = line[run..].trim();
        match self.fence {
            Some((open, len)) => {
                if open == c && run >= len && info.is_empty() {
                    self.fence = None;
                }
            }
            None => {
                self.fence = Some((c, run));
                if runnable_doctest(info) && !self.in_test() {
                    self.out.doctests += 1;
                }
            }
        }
    }

    // ---- significant tokens ---------------------------------------------

    fn text(&self, t: &Token) -> &'a str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    fn is_raw(&self, t: &Token) -> bool {
        t.start >= 2 && self.src.as_bytes().get(t.start - 2..t.start) == Some(b"r#")
    }

    fn significant(&mut self, t: Token) {
        let text = self.text(&t);
        let kind = t.kind;
        // The punctuation byte, or 0: one byte compare per test below.
        let punct = match kind {
            Kind::Punct(c) => c,
            _ => 0,
        };
        let in_test = self.in_test();
        let new_line = t.line != self.last_code_line;
        if new_line {
            self.out.code_lines += 1;
            if in_test {
                self.out.test_code_lines += 1;
            }
            self.last_code_line = t.line;
        }
        self.fence = None;
        self.first_inside = None;
        let depth = self.stack.len();
        if std::mem::take(&mut self.stmt_cover_after_brace) {
            // A method call, `?`, a cast or the rest of an argument list
            // continues the statement; anything else starts the next one.
            let goes_on = matches!(
                kind,
                Kind::Punct(
                    b'.' | b'?'
                        | b')'
                        | b']'
                        | b','
                        | b'+'
                        | b'-'
                        | b'*'
                        | b'&'
                        | b'|'
                        | b'='
                        | b'<'
                        | b'>'
                )
            ) || (kind == Kind::Ident && text == "as");
            if !goes_on {
                self.stmt_cover = None;
            }
        }
        if punct == b';' && self.stmt_cover.is_some_and(|d| depth <= d) {
            self.stmt_cover = None;
        }
        // An unbraced match arm (`pat => expr,`) is a branch up to its `,`
        // or the `}` closing the match.
        if self
            .arm
            .is_some_and(|d| depth < d || (depth == d && matches!(punct, b',' | b'}')))
        {
            self.arm = None;
        }
        if let Some(d) = self.arm_next.take()
            && !(depth == d && punct == b'{')
        {
            self.arm = Some(d);
        }

        // Attributes: `#[…]` and `#![…]`.
        if let Some(attr) = &mut self.attr {
            if punct == b']' && depth == attr.depth + 1 {
                self.end_attr();
            } else if attr.toks.len() < MAX_ATTR_TOKENS {
                attr.toks.push((kind, text));
            }
        } else if punct == b'[' {
            let inner = self.bang_at.is_some_and(|b| b + 1 == self.sig)
                && self.hash_at.is_some_and(|h| h + 2 == self.sig);
            if inner || self.hash_at.is_some_and(|h| h + 1 == self.sig) {
                self.attr = Some(Attr {
                    depth,
                    inner,
                    new_line: self.hash_new_line,
                    line: t.line,
                    toks: Vec::new(),
                    refs: Vec::new(),
                });
            }
        }
        match kind {
            Kind::Punct(b'#') => {
                self.hash_at = Some(self.sig);
                self.hash_new_line = new_line && !in_test;
            }
            Kind::Punct(b'!') => self.bang_at = Some(self.sig),
            _ => {}
        }

        // `use` declarations.
        let mut in_use = false;
        if let Some(u) = &mut self.uses {
            in_use = true;
            if u.toks.is_empty() && punct == b'<' {
                // `impl Trait + use<'a>`: not a declaration.
                self.uses = None;
            } else if punct == b';' && depth == u.depth {
                self.end_use();
            } else if depth < u.depth
                || (depth == u.depth && matches!(punct, b')' | b']' | b'}'))
                || u.toks.len() >= MAX_USE_TOKENS
            {
                self.uses = None;
            } else {
                u.toks.push((kind, text, t.line));
            }
        }

        // Crate references in paths.
        if let Some((name, line, test)) = self.pending_ref.take()
            && punct != b'<'
        {
            self.add_ref(name, line, test, RefKind::Path);
        }
        if self.leading_root {
            self.leading_root = false;
            if kind == Kind::Ident && !in_use {
                self.add_ref(text, t.line, in_test, RefKind::Path);
            }
        }
        if kind == Kind::PathSep && !in_use {
            let (k0, t0) = self.prev(0);
            let (k1, _) = self.prev(1);
            let first_segment = k0 == Kind::Ident && !is_keyword(t0);
            // `$v:ident::…` in a macro_rules! matcher: a fragment specifier.
            let fragment = k1 == Kind::Punct(b':')
                && self.prev(2).0 == Kind::Ident
                && self.prev(3).0 == Kind::Punct(b'$');
            // `#[case::name(…)]`: rstest's named case, not a crate.
            // (The attribute has collected `case` and this `::` so far.)
            // Also as an attribute `cfg_attr` applies: `#[cfg_attr(feature
            // = "x", case::fast(…))]`.
            let rstest_case = t0 == "case"
                && self.attr.as_ref().is_some_and(|a| {
                    a.toks.len() == 2
                        || (a.toks.first().is_some_and(|f| f.1 == "cfg_attr")
                            && k1 == Kind::Punct(b','))
                });
            if first_segment {
                if !fragment
                    && !rstest_case
                    && !matches!(k1, Kind::PathSep | Kind::Punct(b'.') | Kind::Punct(b'$'))
                {
                    self.pending_ref = Some((t0, t.line, in_test));
                }
            } else if !matches!(k0, Kind::Punct(b'>' | b')' | b'$')) {
                // `::name` after a keyword or punctuation: a crate.
                self.leading_root = true;
            }
        }

        // Sites that look at the tokens right after a keyword.
        if self.unsafe_stage != UnsafeStage::None {
            self.step_unsafe(kind, text);
        }
        if self.macro_stage.0 != MacroStage::None {
            self.step_macro(kind, text);
        }
        if self.tls_stage.is_some() {
            self.step_tls(kind, text);
        }
        if !self.chains.is_empty() {
            self.step_chains(kind, text, depth);
        }
        if !self.client_vars.is_empty() {
            self.step_client_vars(kind, text);
        }
        if self.verifier.is_some() {
            self.step_verifier(kind, text, depth);
        }
        if self.mod_name.is_some() && !matches!(punct, b'{' | b';') {
            self.mod_name = None;
        }
        if punct == b';' {
            self.end_mod_decl();
        }
        if self.expect != Expect::None {
            self.step_expect(kind, text, &t, in_test);
        }

        if kind == Kind::Ident && !self.is_raw(&t) {
            self.ident(text, &t, in_test, in_use, depth);
        }
        // `automod::dir!("tests/testsuite")`: every file there is a module.
        if kind == Kind::Str
            && self.prev(0).0 == Kind::Punct(b'(')
            && self.prev(1).0 == Kind::Punct(b'!')
            && self.prev(2).1 == "dir"
            && self.prev(3).0 == Kind::PathSep
            && self.prev(4).1 == "automod"
            && self.out.auto_mod_dirs.len() < 16
        {
            self.out
                .auto_mod_dirs
                .push(lexer::str_content(text).to_string());
        }

        if kind == Kind::Ident && matches!(text, "let" | "match") {
            self.let_or_match = true;
        }
        if kind == Kind::Punct(b',') {
            self.bare_macro_argument();
        }
        // Delimiters, test regions, boundaries.
        match kind {
            Kind::Punct(c @ (b'(' | b'[' | b'{')) => {
                let mut frame = Frame {
                    template: self.template_stage == 2,
                    conditional: false,
                    test: false,
                    inline_mod: false,
                    trait_impl: false,
                    documented_unsafe_fn: false,
                    brace: c == b'{',
                    covered: false,
                    macro_args: self.prev(0).0 == Kind::Punct(b'!')
                        && self.prev(1).0 == Kind::Ident,
                };
                if frame.template {
                    self.template_frames += 1;
                }
                if c == b'{' {
                    if self.branch.take() == Some(depth) {
                        frame.conditional = true;
                        self.conditional_frames += 1;
                    }
                    // A braced arm of a covered `match` is covered too, and
                    // so is a macro call a `SAFETY:` comment precedes
                    // (`cfg_select! { unix => { unsafe { … } } }`), with the
                    // blocks inside it.
                    let in_covered_macro = self
                        .stack
                        .iter()
                        .any(|f| f.brace && f.covered && f.macro_args);
                    frame.covered = ((self.let_or_match || frame.macro_args)
                        && self.safety_since_boundary().0)
                        || (frame.conditional && self.covered_statement())
                        || in_covered_macro;
                    if let Some((d, has_for)) = self.impl_block.take() {
                        frame.trait_impl = d == depth && has_for;
                    }
                    if let Some((d, documented)) = self.unsafe_fn_body.take() {
                        frame.documented_unsafe_fn = d == depth && documented;
                    }
                    if self.pending.is_some_and(|p| p.depth == depth) {
                        frame.test = true;
                        self.pending = None;
                        self.test_frames += 1;
                    }
                    if let Some((name, _, _)) = self.mod_name.take() {
                        frame.inline_mod = true;
                        self.inline_mods.push(name);
                    }
                }
                self.stack.push(frame);
            }
            Kind::Punct(b')' | b']' | b'}') => {
                self.bare_macro_argument();
                // Closing the item's parent ends a pending test item too.
                if self.pending.is_some_and(|p| p.depth == depth) {
                    self.pending = None;
                }
                if let Some(frame) = self.stack.pop() {
                    if frame.test {
                        self.test_frames = self.test_frames.saturating_sub(1);
                    }
                    if frame.template {
                        self.template_frames = self.template_frames.saturating_sub(1);
                    }
                    if frame.conditional {
                        self.conditional_frames = self.conditional_frames.saturating_sub(1);
                    }
                    if frame.inline_mod {
                        self.inline_mods.pop();
                    }
                }
                if let Some(d) = self.stmt_cover {
                    let now = self.stack.len();
                    if now < d {
                        self.stmt_cover = None;
                    } else if now == d && punct == b'}' {
                        self.stmt_cover_after_brace = true;
                    }
                }
            }
            Kind::Punct(b';' | b',') if self.pending.is_some_and(|p| p.depth == depth) => {
                self.pending = None;
            }
            _ => {}
        }
        self.template_stage = match (self.template_stage, kind) {
            (_, Kind::Ident)
                if matches!(
                    text,
                    "quote" | "quote_spanned" | "parse_quote" | "parse_quote_spanned"
                ) =>
            {
                1
            }
            (1, Kind::Punct(b'!')) => 2,
            _ => 0,
        };
        if punct == b'>' && self.prev(0).0 == Kind::Punct(b'=') {
            // A match arm: `pattern => { … }` or `pattern => expr,`.
            self.branch = Some(depth);
            self.arm_next = Some(depth);
        }
        if punct == b';' {
            if self.branch == Some(depth) {
                self.branch = None;
            }
            if self.impl_block.is_some_and(|(d, _)| d == depth) {
                self.impl_block = None;
            }
            if self.unsafe_fn_body.is_some_and(|(d, _)| d == depth) {
                self.unsafe_fn_body = None;
            }
        }
        if matches!(punct, b';' | b'{' | b'}') {
            self.since_boundary.clear();
            self.boundaries += 1;
            self.let_or_match = false;
        }
        self.sig += 1;
        self.ring[(self.sig as usize) % RING] = (kind, text);
    }

    fn add_ref(&mut self, name: &'a str, line: u32, test: bool, how: RefKind) {
        // Paths in a template name the expanding crate's dependencies.
        if is_builtin(name) || name.is_empty() || self.template_frames > 0 {
            return;
        }
        if let Some(attr) = &mut self.attr {
            attr.refs.push((name, line));
        }
        self.refs.entry((name, test)).or_insert((line, how));
    }

    fn ident(&mut self, text: &'a str, t: &Token, in_test: bool, in_use: bool, depth: usize) {
        if matches!(text, "if" | "else") {
            self.branch = Some(depth);
        }
        // `macro_rules! name`: a local name (`pub(crate) use name;`
        // re-exports it, nushell's `generate_tests`).
        if self.prev(0).0 == Kind::Punct(b'!') && self.prev(1).1 == "macro_rules" {
            self.local_names.insert(text);
        }
        // Code in a `quote!` template is another crate's: record nothing.
        if self.template_frames > 0 {
            return;
        }
        match text {
            "unsafe" => {
                self.unsafe_stage = UnsafeStage::AfterUnsafe;
                let (own, heading) = self.safety_since_boundary();
                let depth_now = self.stack.len();
                if own && self.stmt_cover.is_none() {
                    self.stmt_cover = Some(depth_now);
                }
                let safety = own
                    || self.covered_statement()
                    || self.stmt_cover.is_some_and(|d| depth_now >= d);
                let frame = self.stack.last();
                self.unsafe_snapshot = (
                    t.line,
                    in_test,
                    safety,
                    heading,
                    self.prev(0).0 == Kind::Punct(b'{')
                        && frame.is_some_and(|f| f.documented_unsafe_fn),
                    frame.is_some_and(|f| f.trait_impl),
                );
            }
            "impl" => self.impl_block = Some((depth, false)),
            "for" => {
                if let Some((d, has_for)) = &mut self.impl_block
                    && *d == depth
                {
                    *has_for = true;
                }
            }
            "fn" => {
                self.expect = Expect::FnName;
                // `pub fn`, `pub(crate) async fn`, `pub const unsafe fn`.
                self.next_fn_pub = (0..6)
                    .map(|n| self.prev(n))
                    .take_while(|(k, _)| !matches!(k, Kind::Punct(b';' | b'{' | b'}')))
                    .any(|(_, t)| t == "pub");
                if let Some(p) = self.pending.as_mut().filter(|p| p.depth == depth) {
                    self.out.test_fns += p.tests;
                    p.tests = 0;
                    if p.bench {
                        self.out.bench_fns += 1;
                        p.bench = false;
                    }
                }
            }
            "mod" => self.expect = Expect::ModName,
            "struct" | "enum" | "union" | "trait" | "type" => self.expect = Expect::TypeName,
            "extern" => self.expect = Expect::ExternCrate,
            "use" if !in_use && self.attr.is_none() => {
                self.uses = Some(UseCollect {
                    depth,
                    toks: Vec::new(),
                    test: in_test,
                });
            }
            "todo" => self.macro_stage = (MacroStage::Name(UnfinishedKind::Todo), t.line, in_test),
            "unimplemented" => {
                self.macro_stage = (
                    MacroStage::Name(UnfinishedKind::Unimplemented),
                    t.line,
                    in_test,
                )
            }
            "dbg" => self.macro_stage = (MacroStage::Name(UnfinishedKind::Dbg), t.line, in_test),
            "panic" => {
                self.macro_stage = (
                    MacroStage::Name(UnfinishedKind::PanicNotImplemented),
                    t.line,
                    in_test,
                )
            }
            "danger_accept_invalid_certs" => {
                self.tls_stage = Some((
                    "danger_accept_invalid_certs(true)",
                    "true",
                    t.line,
                    in_test,
                    0,
                ))
            }
            "danger_accept_invalid_hostnames" => {
                self.tls_stage = Some((
                    "danger_accept_invalid_hostnames(true)",
                    "true",
                    t.line,
                    in_test,
                    0,
                ))
            }
            // lettre's `TlsParameters` builder spells them `dangerous_`.
            "dangerous_accept_invalid_certs" => {
                self.tls_stage = Some((
                    "dangerous_accept_invalid_certs(true)",
                    "true",
                    t.line,
                    in_test,
                    0,
                ))
            }
            "dangerous_accept_invalid_hostnames" => {
                self.tls_stage = Some((
                    "dangerous_accept_invalid_hostnames(true)",
                    "true",
                    t.line,
                    in_test,
                    0,
                ))
            }
            "disable_verification" => {
                self.tls_stage = Some(("disable_verification(true)", "true", t.line, in_test, 0))
            }
            "ssl_verify_peer" => {
                self.tls_stage = Some(("ssl_verify_peer(false)", "false", t.line, in_test, 0))
            }
            "ssl_verify_host" => {
                self.tls_stage = Some(("ssl_verify_host(false)", "false", t.line, in_test, 0))
            }
            "set_verify_hostname" => {
                self.tls_stage = Some(("set_verify_hostname(false)", "false", t.line, in_test, 0))
            }
            "verify_hostname" => {
                self.tls_stage = Some(("verify_hostname(false)", "false", t.line, in_test, 0))
            }
            "set_certificate_verifier" | "with_custom_certificate_verifier"
                if self.prev(0).0 == Kind::Punct(b'.') =>
            {
                self.out.verifier_installs.push(TlsSite {
                    what: "a custom certificate verifier installed",
                    line: t.line,
                    test: in_test,
                    conditional: self.in_branch(),
                    opt_in_fn: self.opt_in_fn(),
                    explained: false,
                });
            }
            _ => {}
        }
        // Paths: `SslVerifyMode::NONE`, `Client::builder()`, …
        if self.prev(0).0 == Kind::PathSep && self.prev(1).0 == Kind::Ident {
            let owner = self.prev(1).1;
            let what = match (owner, text) {
                ("SslVerifyMode", "NONE") => Some("SslVerifyMode::NONE"),
                ("SslVerifyMode", "empty") => Some("SslVerifyMode::empty()"),
                ("SslOption", "DANGER_ACCEPT_INVALID_CERTS") => {
                    Some("SslOption::DANGER_ACCEPT_INVALID_CERTS")
                }
                ("SslOption", "DANGER_ACCEPT_INVALID_HOSTS") => {
                    Some("SslOption::DANGER_ACCEPT_INVALID_HOSTS")
                }
                _ => None,
            };
            if let Some(what) = what {
                self.out.tls.push(TlsSite {
                    what,
                    line: t.line,
                    test: in_test,
                    conditional: self.in_branch(),
                    opt_in_fn: self.opt_in_fn(),
                    explained: false,
                });
            }
            let client = matches!(
                (owner, text),
                ("Client", "new" | "builder")
                    | ("ClientBuilder", "new")
                    | ("reqwest", "get")
                    | ("ureq", "agent")
                    | ("Agent", "new_with_defaults" | "config_builder")
                    | ("AgentBuilder", "new")
            );
            if client {
                let mut path = vec![owner];
                if self.prev(2).0 == Kind::PathSep && self.prev(3).0 == Kind::Ident {
                    path.insert(0, self.prev(3).1);
                    if self.prev(4).0 == Kind::PathSep && self.prev(5).0 == Kind::Ident {
                        path.insert(0, self.prev(5).1);
                    }
                }
                let builder = matches!(text, "builder" | "config_builder")
                    || (text == "new" && owner.ends_with("Builder"));
                self.clients.push(ClientSite {
                    path,
                    method: text,
                    line: t.line,
                    test: in_test,
                    has_timeout: false,
                    built: !builder,
                });
                if builder {
                    self.chains.push(Chain {
                        site: self.clients.len() - 1,
                        depth,
                        after_dot: false,
                    });
                    // `let mut NAME = a::b::builder()`: NAME is before the
                    // `=` that precedes the path's first segment.
                    let eq = 2 * self.clients.last().map_or(1, |c| c.path.len());
                    if self.prev(eq).0 == Kind::Punct(b'=')
                        && self.prev(eq + 1).0 == Kind::Ident
                        && !is_keyword(self.prev(eq + 1).1)
                        && matches!(self.prev(eq + 2).1, "mut" | "let")
                    {
                        self.client_vars.push((
                            self.prev(eq + 1).1,
                            self.clients.len() - 1,
                            self.stack.len(),
                        ));
                    }
                }
            }
        }
    }

    fn step_expect(&mut self, kind: Kind, text: &'a str, t: &Token, in_test: bool) {
        let expect = std::mem::replace(&mut self.expect, Expect::None);
        if self.template_frames > 0 {
            return;
        }
        if kind != Kind::Ident {
            if expect == Expect::CrateAlias {
                self.end_extern_crate(None);
            }
            return;
        }
        match expect {
            Expect::None => {}
            Expect::ModName => {
                self.local_names.insert(text);
                self.mod_name = Some((text, t.line, in_test));
            }
            Expect::FnName => {
                self.last_fn = text;
                self.last_fn_pub = self.next_fn_pub;
                self.last_fn_docs.clear();
                let docs = self
                    .since_boundary
                    .iter()
                    .map(|&(start, end, _)| (start, end));
                self.last_fn_docs.extend(docs);
                // `/// SAFETY: …` on a safe function whose whole body is an
                // `unsafe` block documents that block (uv's Windows shims).
                if self.unsafe_fn_body.is_none() && self.safety_since_boundary().0 {
                    self.unsafe_fn_body = Some((self.stack.len(), true));
                }
                if matches!(text, "verify_server_cert" | "verify_client_cert") {
                    self.verifier = Some(Verifier {
                        depth: self.stack.len(),
                        line: t.line,
                        body: None,
                        toks: Vec::new(),
                        complex: false,
                    });
                }
            }
            Expect::TypeName => {
                self.local_names.insert(text);
            }
            Expect::ExternCrate => {
                if text == "crate" {
                    self.expect = Expect::CrateName;
                }
            }
            Expect::CrateName => {
                self.extern_crate = Some(text);
                self.add_ref(text, t.line, in_test, RefKind::ExternCrate);
                self.expect = Expect::CrateAlias;
            }
            Expect::CrateAlias => {
                if text == "as" {
                    self.expect = Expect::CrateAlias;
                } else {
                    self.end_extern_crate(Some(text));
                }
            }
        }
        // `mod name` followed by `;`: handled when the `;` arrives.
        let _ = t;
    }

    fn end_extern_crate(&mut self, alias: Option<&'a str>) {
        // `extern crate foo as bar;` makes `bar` a local name; plain
        // `extern crate foo;` refers to the crate itself.
        if self.extern_crate.take().is_some()
            && let Some(alias) = alias.filter(|a| *a != "_")
        {
            self.local_names.insert(alias);
        }
    }

    fn step_unsafe(&mut self, kind: Kind, text: &'a str) {
        let (line, test, safety, doc, whole_body, in_trait_impl) = self.unsafe_snapshot;
        let depth = self.stack.len();
        let site = |kind: UnsafeKind, documented: bool, item: &str| UnsafeSite {
            kind,
            line,
            test,
            documented,
            item: item.to_string(),
        };
        let next = match (self.unsafe_stage, kind, text) {
            (UnsafeStage::AfterUnsafe | UnsafeStage::AfterExtern, Kind::Punct(b'{'), _) => {
                let k = if self.unsafe_stage == UnsafeStage::AfterUnsafe {
                    UnsafeKind::Block
                } else {
                    UnsafeKind::ExternBlock
                };
                let documented = safety || (k == UnsafeKind::Block && whole_body);
                self.out
                    .unsafe_sites
                    .push(site(k, documented, self.last_fn));
                if k == UnsafeKind::Block && !documented {
                    self.first_inside = Some(self.out.unsafe_sites.len() - 1);
                }
                UnsafeStage::None
            }
            (UnsafeStage::AfterUnsafe, Kind::Ident, "impl") => {
                self.out
                    .unsafe_sites
                    .push(site(UnsafeKind::Impl, safety, self.last_fn));
                UnsafeStage::None
            }
            (UnsafeStage::AfterUnsafe, Kind::Ident, "trait" | "auto") => {
                self.out
                    .unsafe_sites
                    .push(site(UnsafeKind::Trait, safety || doc, self.last_fn));
                UnsafeStage::None
            }
            (UnsafeStage::AfterUnsafe | UnsafeStage::AfterExtern, Kind::Ident, "fn") => {
                UnsafeStage::AfterFn
            }
            (UnsafeStage::AfterUnsafe, Kind::Ident, "extern") => UnsafeStage::AfterExtern,
            (UnsafeStage::AfterExtern, Kind::Str, _) => UnsafeStage::AfterExtern,
            (UnsafeStage::AfterFn, Kind::Ident, name) => {
                // In `impl Trait for T` the contract is the trait's.
                let documented = safety || doc || in_trait_impl;
                if !in_trait_impl {
                    self.out
                        .unsafe_sites
                        .push(site(UnsafeKind::Fn, documented, name));
                }
                self.unsafe_fn_body = Some((depth, documented));
                UnsafeStage::None
            }
            _ => UnsafeStage::None,
        };
        self.unsafe_stage = next;
    }

    fn step_macro(&mut self, kind: Kind, text: &'a str) {
        let (stage, line, test) = self.macro_stage;
        let record = |k: UnfinishedKind, this: &mut Self| {
            let unreachable = this.says_unreachable(this.last_fn_docs.iter().copied())
                || this.says_unreachable(this.since_boundary.iter().map(|&(s, e, _)| (s, e)));
            this.out.unfinished.push(Unfinished {
                kind: k,
                line,
                test,
                item: this.last_fn.to_string(),
                unreachable,
            })
        };
        let next = match (stage, kind) {
            (MacroStage::Name(k), Kind::Punct(b'!')) => MacroStage::Bang(k),
            (MacroStage::Bang(UnfinishedKind::PanicNotImplemented), Kind::Punct(b'(')) => {
                MacroStage::PanicParen
            }
            (MacroStage::Bang(k), Kind::Punct(b'(' | b'[' | b'{'))
                if k != UnfinishedKind::PanicNotImplemented =>
            {
                record(k, self);
                MacroStage::None
            }
            (MacroStage::PanicParen, Kind::Str) => {
                let msg = lexer::str_content(text).to_ascii_lowercase();
                if msg.contains("not implemented")
                    || msg.contains("not yet implemented")
                    || msg.starts_with("unimplemented")
                    || msg.starts_with("todo")
                {
                    record(UnfinishedKind::PanicNotImplemented, self);
                }
                MacroStage::None
            }
            _ => MacroStage::None,
        };
        self.macro_stage.0 = next;
    }

    fn step_tls(&mut self, kind: Kind, text: &'a str) {
        let Some((what, want, line, test, stage)) = self.tls_stage else {
            return;
        };
        self.tls_stage = match (stage, kind) {
            (0, Kind::Punct(b'(')) => Some((what, want, line, test, 1)),
            (1, Kind::Ident) if text == want => {
                self.out.tls.push(TlsSite {
                    what,
                    line,
                    test,
                    conditional: self.in_branch(),
                    opt_in_fn: self.opt_in_fn(),
                    explained: what.contains("hostname") && !self.since_boundary.is_empty(),
                });
                None
            }
            _ => None,
        };
    }

    /// Follows builders bound to locals (see [`Self::client_vars`]).
    fn step_client_vars(&mut self, kind: Kind, text: &'a str) {
        let depth = self.stack.len();
        self.client_vars.retain(|(_, _, d)| *d <= depth);
        // `NAME.method`: the method counts for the builder.
        let member_of_something = |k: Kind| matches!(k, Kind::PathSep | Kind::Punct(b'.'));
        if kind == Kind::Ident
            && self.prev(0).0 == Kind::Punct(b'.')
            && self.prev(1).0 == Kind::Ident
            && !member_of_something(self.prev(2).0)
            && let Some(&(_, site, _)) = self
                .client_vars
                .iter()
                .rev()
                .find(|(n, _, _)| *n == self.prev(1).1)
            && let Some(site) = self.clients.get_mut(site)
        {
            if text.contains("timeout") {
                site.has_timeout = true;
            }
            if text == "build" {
                site.built = true;
            }
            return;
        }
        // `NAME` then anything but `.` or `=`: handed elsewhere, where a
        // timeout may be set; no longer judged.
        let (k0, name) = self.prev(0);
        if k0 == Kind::Ident
            && !matches!(kind, Kind::Punct(b'.' | b'='))
            && self.prev(1).1 != "let"
            && (self.prev(1).1 != "mut" || self.prev(2).1 != "let")
            && !member_of_something(self.prev(1).0)
            && let Some(i) = self.client_vars.iter().rposition(|(n, _, _)| *n == name)
        {
            let (_, site, _) = self.client_vars.remove(i);
            // A client already built (`let c = Client::builder().build()`)
            // is what is handed on: the verdict stands.
            if let Some(site) = self.clients.get_mut(site).filter(|s| !s.built) {
                site.has_timeout = true;
            }
        }
    }

    fn step_chains(&mut self, kind: Kind, text: &'a str, depth: usize) {
        while let Some(chain) = self.chains.last_mut() {
            if depth > chain.depth {
                return;
            }
            let ok = depth == chain.depth
                && match kind {
                    Kind::Punct(b'(' | b'?') | Kind::PathSep => true,
                    Kind::Punct(b'.') => {
                        chain.after_dot = true;
                        true
                    }
                    Kind::Ident => {
                        if chain.after_dot {
                            chain.after_dot = false;
                            if let Some(site) = self.clients.get_mut(chain.site) {
                                if text.contains("timeout") {
                                    site.has_timeout = true;
                                }
                                if text == "build" {
                                    site.built = true;
                                }
                            }
                        }
                        true
                    }
                    _ => false,
                };
            if ok {
                return;
            }
            self.chains.pop();
        }
    }

    fn step_verifier(&mut self, kind: Kind, text: &'a str, depth: usize) {
        let Some(v) = &mut self.verifier else { return };
        match v.body {
            None => {
                if depth == v.depth && kind == Kind::Punct(b'{') {
                    v.body = Some(depth + 1);
                } else if depth == v.depth && kind == Kind::Punct(b';') || depth < v.depth {
                    self.verifier = None;
                }
            }
            Some(body) => {
                if depth == body && kind == Kind::Punct(b'}') {
                    if !v.complex && accepts_everything(&v.toks) {
                        self.out.tls.push(TlsSite {
                            what: "a certificate verifier that accepts every certificate",
                            line: v.line,
                            test: self.in_test(),
                            conditional: false,
                            opt_in_fn: None,
                            explained: false,
                        });
                    }
                    self.verifier = None;
                } else if depth < body {
                    self.verifier = None;
                } else if v.toks.len() < MAX_VERIFIER_TOKENS {
                    v.toks.push(text);
                } else {
                    v.complex = true;
                }
            }
        }
    }

    fn end_attr(&mut self) {
        let Some(attr) = self.attr.take() else { return };
        let toks = &attr.toks;
        let mut path: Vec<&str> = Vec::new();
        let mut i = 0;
        while let Some((Kind::Ident, s)) = toks.get(i) {
            path.push(s);
            i += 1;
            if toks.get(i).map(|t| t.0) == Some(Kind::PathSep) {
                i += 1;
            } else {
                break;
            }
        }
        let rest = &toks[i.min(toks.len())..];
        let first = path.first().copied().unwrap_or("");
        let last = path.last().copied().unwrap_or("");
        if attr.inner {
            let cfg_test = first == "cfg" && path.len() == 1 && cfg_requires_test(rest);
            if cfg_test {
                if attr.depth == 0 {
                    self.out.all_test = true;
                } else if let Some(frame) = self.stack.last_mut()
                    && !frame.test
                {
                    frame.test = true;
                    self.test_frames += 1;
                }
            }
            if attr.depth == 0 {
                let levels = ["deny", "warn", "forbid", "expect"];
                let lint = if path.len() == 1 && levels.contains(&first) {
                    true
                } else if first == "cfg_attr" {
                    rest.windows(2).any(|w| {
                        w[0].0 == Kind::Ident
                            && levels.contains(&w[0].1)
                            && w[1].0 == Kind::Punct(b'(')
                    })
                } else {
                    false
                };
                if path == ["feature"] && rest.iter().any(|t| t.1 == "rustc_private") {
                    self.out.rustc_private = true;
                }
                if path == ["allow"] || path == ["expect"] {
                    self.out
                        .allowed_lints
                        .extend(lint_paths(rest).into_iter().map(|l| (l, attr.line)));
                    self.out.allowed_lints.sort();
                    self.out.allowed_lints.dedup();
                }
                if lint {
                    self.out.lint_attrs = true;
                    let strong = toks
                        .iter()
                        .any(|t| t.0 == Kind::Ident && (t.1 == "forbid" || t.1 == "deny"));
                    let unsafe_code = toks
                        .iter()
                        .any(|t| t.0 == Kind::Ident && t.1 == "unsafe_code");
                    if strong && unsafe_code {
                        self.out.forbids_unsafe = true;
                    }
                }
            }
            return;
        }
        let mut test_item = false;
        // `#[expect(dead_code)]`: the compiler vouches that nothing calls
        // it (a debugging helper kept on purpose), so it never runs.
        let never_used = path == ["expect"] && lint_paths(rest).iter().any(|l| l == "dead_code");
        if (first == "cfg" && path.len() == 1 && cfg_requires_test(rest)) || never_used {
            self.pend(attr.depth, 0, false);
            test_item = true;
        } else if is_test_attr(last) {
            self.pend(attr.depth, 1, false);
            test_item = true;
        } else if path == ["bench"] {
            self.pend(attr.depth, 0, true);
            test_item = true;
        } else if path == ["path"]
            && let (Some((Kind::Punct(b'='), _)), Some((Kind::Str, s))) =
                (rest.first(), rest.get(1))
        {
            self.pending_path = Some((self.boundaries, lexer::str_content(s).to_string()));
        }
        if test_item {
            // The attribute's own line is test code too.
            if attr.new_line {
                self.out.test_code_lines += 1;
            }
            for (name, line) in attr.refs {
                self.refs
                    .entry((name, true))
                    .or_insert((line, RefKind::Path));
            }
        }
    }

    fn pend(&mut self, depth: usize, tests: u32, bench: bool) {
        if self.template_frames > 0 {
            return;
        }
        let p = self.pending.get_or_insert(PendingItem {
            depth,
            tests: 0,
            bench: false,
        });
        p.tests += tests;
        p.bench |= bench;
    }

    fn end_use(&mut self) {
        let Some(u) = self.uses.take() else { return };
        let decl = usetree::parse(&u.toks);
        for (root, line) in decl.roots {
            self.add_ref(root, line, u.test, RefKind::Use);
        }
        self.glob_imports.extend(decl.globs);
        for (name, full) in decl.imports {
            // `use serde_json;` names the crate itself, not a local item.
            if full != name {
                self.local_names.insert(name);
            }
            if full.starts_with("reqwest") || full.starts_with("ureq") {
                self.imports.insert(name, full);
            }
        }
    }

    fn finish(mut self, lines: u32) -> FileScan {
        if self.expect == Expect::CrateAlias {
            self.end_extern_crate(None);
        }
        let mut out = self.out;
        out.lines = lines;
        let mut refs: Vec<CrateRef> = self
            .refs
            .into_iter()
            .map(|((name, test), (line, kind))| CrateRef {
                name: name.to_string(),
                test,
                line,
                kind,
            })
            .collect();
        refs.sort();
        out.crate_refs = refs;
        out.local_names = self.local_names.iter().map(|s| s.to_string()).collect();
        out.glob_imports = std::mem::take(&mut self.glob_imports).into_iter().collect();
        for site in &self.clients {
            if let Some(constructor) = resolve_client(site, &self.imports) {
                out.http_clients.push(HttpClient {
                    constructor,
                    line: site.line,
                    test: site.test,
                });
            }
        }
        out
    }
}

/// Extends `step_expect`: a `mod name` is complete at `{` (inline, pushed
/// with the frame) or `;` (out of line, recorded here).
impl Analyzer<'_> {
    fn end_mod_decl(&mut self) {
        if let Some((name, line, test)) = self.mod_name.take() {
            let path_attr = match self.pending_path.take() {
                Some((at, p)) if at == self.boundaries => Some(p),
                _ => None,
            };
            self.out.mods.push(ModDecl {
                name: name.to_string(),
                inline_path: self.inline_mods.iter().map(|s| s.to_string()).collect(),
                path_attr,
                test,
                line,
            });
        }
    }
}

/// The resolved constructor of an HTTP client that has no timeout, or
/// `None` (it has one, it escapes the chain, or it is not a known client).
/// The lint paths in an `allow(..)`/`expect(..)` attribute's arguments
/// (`(clippy::missing_safety_doc, dead_code, reason = "…")`), `::`-joined.
fn lint_paths(args: &[(Kind, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i].0 != Kind::Ident || args.get(i + 1).map(|t| t.0) == Some(Kind::Punct(b'=')) {
            i += 1;
            continue;
        }
        let mut path = args[i].1.to_string();
        i += 1;
        while args.get(i).map(|t| t.0) == Some(Kind::PathSep)
            && let Some((Kind::Ident, next)) = args.get(i + 1)
        {
            path.push_str("::");
            path.push_str(next);
            i += 2;
        }
        out.push(path);
    }
    out
}

fn resolve_client(site: &ClientSite<'_>, imports: &HashMap<&str, String>) -> Option<String> {
    let mut path: Vec<String> = site.path.iter().map(|s| s.to_string()).collect();
    if let Some(full) = path.first().and_then(|first| imports.get(first.as_str())) {
        let rest = path.split_off(1);
        path = full.split("::").map(str::to_string).chain(rest).collect();
    }
    let joined = path.join("::");
    let known = matches!(
        (joined.as_str(), site.method),
        ("reqwest::Client", "new" | "builder")
            | ("reqwest::ClientBuilder", "new")
            | ("reqwest", "get")
            | ("ureq", "agent")
            | ("ureq::Agent", "new_with_defaults" | "config_builder")
            | ("ureq::AgentBuilder", "new")
    );
    if !known || site.has_timeout || !site.built {
        return None;
    }
    Some(format!("{joined}::{}()", site.method))
}
