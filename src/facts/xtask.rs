//! `cargo xtask TASK`, followed into the commands it runs, the way
//! Makefile and justfile recipes are followed: the task's `match` arm (a
//! string pattern `"ci" =>` or a clap subcommand variant `Cmd::Ci =>`), or
//! a function named after it, and the functions those call, read for the
//! processes they start — `Command::new("cargo")` with its `.arg(…)`,
//! `.args([…])` and `.env(…)` calls, and xshell/duct `cmd!(…)` macros.
//!
//! A clap variant's arm also reaches the methods of the type the
//! subcommand is parsed into (`Task::Clippy(args) => args.run()` and `impl
//! Run for Clippy`), and `Type { … }.run()` / `Type::f()` reach that type's
//! methods. A helper that hands its parameters to cargo (`fn
//! run_cargo(args: Vec<&str>)`) is read at each call, with the call's
//! literal arguments, through lists built before it (see [`locals`]).
//!
//! It reads source text only (nothing is built or run), with the
//! [`crate::scan::lexer`] so strings and comments are never mistaken for
//! code. What cannot be read this way (arguments computed at run time, a
//! list changed under a condition other than one of the task's flags) is
//! left out, and a task whose entry is not found yields nothing, so the
//! command stays "opaque" for the checks rather than being credited with
//! something it may not do.

use std::collections::BTreeSet;

use crate::scan::lexer::{self, Kind, Lexer, Token};

mod locals;

/// How deep calls are followed from the task's entry.
const MAX_CALL_DEPTH: usize = 6;
/// Function bodies read for one task, at most.
const MAX_BODIES: usize = 200;

/// One process the task starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The source file, relative to the workspace root.
    pub path: String,
    /// 1-based line of the `Command::new` or `cmd!`.
    pub line: usize,
    /// Program and arguments as written (literal strings only).
    pub words: Vec<String>,
    /// `.env(NAME, VALUE)` pairs set on the command.
    pub env: Vec<(String, String)>,
}

/// A lexed source file: its path, text and code tokens (comments dropped).
struct Source<'a> {
    path: &'a str,
    text: &'a str,
    tokens: Vec<Token>,
}

impl Source<'_> {
    fn slice(&self, i: usize) -> &str {
        let t = self.tokens[i];
        &self.text[t.start..t.end]
    }

    fn is_punct(&self, i: usize, c: u8) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == Kind::Punct(c))
    }

    fn is_ident(&self, i: usize, name: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == Kind::Ident && self.slice(i) == name)
    }

    /// The literal value of a string token (escapes other than `\"` and
    /// `\\` kept as written: arguments rarely hold any).
    fn string(&self, i: usize) -> Option<String> {
        let t = self.tokens.get(i)?;
        if t.kind != Kind::Str {
            return None;
        }
        let raw = lexer::str_content(self.slice(i));
        Some(raw.replace("\\\"", "\"").replace("\\\\", "\\"))
    }

    /// Index of the token opening the group closed at `close`.
    fn open_of(&self, close: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in (0..=close).rev() {
            match self.tokens[i].kind {
                Kind::Punct(b')' | b']' | b'}') => depth += 1,
                Kind::Punct(b'(' | b'[' | b'{') => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Index of the token closing the group opened at `open`.
    fn close_of(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for i in open..self.tokens.len() {
            match self.tokens[i].kind {
                Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
                Kind::Punct(b')' | b']' | b'}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        self.tokens.len().saturating_sub(1)
    }
}

/// A token range `[start, end)` of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Body {
    file: usize,
    start: usize,
    end: usize,
}

/// The processes `cargo xtask TASK FLAGS…` starts, read from the xtask
/// crate's `files` (path, text). Empty when the task's entry is not found.
pub fn invocations(task: &str, flags: &[String], files: &[(String, String)]) -> Vec<Invocation> {
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(path, text)| Source {
            path,
            text,
            tokens: Lexer::new(text)
                .filter(|t| !matches!(t.kind, Kind::Comment(_)))
                .collect(),
        })
        .collect();
    let functions = function_bodies(&sources);
    let mut queue: Vec<(Body, usize)> = entries(task, &sources, &functions)
        .into_iter()
        .map(|b| (b, 0))
        .collect();
    let mut seen: BTreeSet<Body> = BTreeSet::new();
    let mut out = Vec::new();
    while let Some((body, depth)) = queue.pop() {
        if seen.len() >= MAX_BODIES || !seen.insert(body) {
            continue;
        }
        let src = &sources[body.file];
        out.extend(processes(src, body));
        if depth >= MAX_CALL_DEPTH {
            continue;
        }
        for i in body.start..body.end {
            let Some(callees) = callees(src, i, &functions) else {
                continue;
            };
            for callee in callees {
                match helper_call((src, body, i), callee, &sources, flags) {
                    Some(inv) => out.push(inv),
                    None => queue.push((callee.body, depth + 1)),
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out.dedup();
    out
}

/// The functions a call at token `i` may reach: `f(…)` and `module::f(…)`
/// reach free functions, `Type::f(…)` and `Type { … }.f(…)` the methods
/// of `Type`. Other method calls (`.run()` is also xshell's) reach
/// nothing: the receiver's type is unknown.
fn callees<'f>(src: &Source<'_>, i: usize, functions: &'f [Function]) -> Option<Vec<&'f Function>> {
    if src.tokens[i].kind != Kind::Ident
        || !src.is_punct(i + 1, b'(')
        || (i > 0 && src.is_ident(i - 1, "fn"))
    {
        return None;
    }
    let name = src.slice(i);
    let owner: Option<&str> = if i > 1 && src.is_punct(i - 1, b'.') {
        if src.is_ident(i - 2, "self") {
            Some("Self")
        } else {
            // `Clippy { fix: false }.run()`
            let close = Some(i - 2).filter(|&k| src.is_punct(k, b'}'))?;
            let ty = src.open_of(close)?.checked_sub(1)?;
            (src.tokens[ty].kind == Kind::Ident && src.slice(ty).starts_with(char::is_uppercase))
                .then(|| src.slice(ty))
        }
    } else if i > 1 && src.tokens[i - 1].kind == Kind::PathSep {
        let ty = src.slice(i - 2);
        ty.starts_with(char::is_uppercase).then_some(ty)
    } else {
        None
    };
    if i > 0 && src.is_punct(i - 1, b'.') && owner.is_none() {
        return None;
    }
    Some(
        functions
            .iter()
            .filter(|f| {
                f.name == name
                    && match owner {
                        // `Self::f` / `self.f`: a method of the impl at hand.
                        Some("Self") => f.owner.is_some(),
                        _ => f.owner.as_deref() == owner,
                    }
            })
            .collect(),
    )
}

/// A call of a helper that starts cargo with the arguments it is given
/// (`run_cargo(vec!["test", "--workspace"])` into `fn run_cargo(args:
/// Vec<&str>) { cmd("cargo", args).run() }`): the process, at the call,
/// with the helper's own words and the call's literal arguments, also
/// through a local list (`let mut c = vec!["clippy"]; c.extend(opts);
/// run_cargo(c)`).
fn helper_call(
    (src, caller, at): (&Source<'_>, Body, usize),
    callee: &Function,
    sources: &[Source<'_>],
    flags: &[String],
) -> Option<Invocation> {
    if !passes_params(&sources[callee.body.file], callee) {
        return None;
    }
    let helper = processes(&sources[callee.body.file], callee.body)
        .into_iter()
        .find(|inv| inv.words.first().is_some_and(|w| w == "cargo"))?;
    let close = src.close_of(at + 1);
    let mut words = helper.words;
    words.extend(locals::strings_of(src, caller, (at + 2, close), flags));
    Some(Invocation {
        path: src.path.to_string(),
        line: src.tokens[at].line as usize,
        words,
        env: helper.env,
    })
}

/// Whether `function` hands one of its parameters to a process it starts
/// (`.arg(p)`, `.args(p)`, duct's `cmd("cargo", p)`), so that what it runs
/// depends on each call.
fn passes_params(src: &Source<'_>, function: &Function) -> bool {
    let Body { start, end, .. } = function.body;
    (start..end).any(|i| {
        let open = if src.is_punct(i, b'.')
            && (src.is_ident(i + 1, "arg") || src.is_ident(i + 1, "args"))
        {
            i + 2
        } else if src.is_ident(i, "cmd") && src.is_punct(i + 1, b'(') {
            i + 1
        } else {
            return false;
        };
        if !src.is_punct(open, b'(') {
            return false;
        }
        let close = src.close_of(open);
        (open + 1..close).any(|k| {
            src.tokens[k].kind == Kind::Ident && function.params.iter().any(|p| p == src.slice(k))
        })
    })
}

/// A function of the xtask crate.
struct Function {
    name: String,
    /// The type of the `impl` block it is in (`impl Run for Clippy` →
    /// `Clippy`), for methods.
    owner: Option<String>,
    /// Its parameters other than `self`: a helper such as `fn
    /// run_cargo(args: Vec<&str>)` gets its arguments at each call.
    params: Vec<String>,
    body: Body,
}

/// Every `fn NAME … { body }` of the sources, with the `impl` it is in.
fn function_bodies(sources: &[Source<'_>]) -> Vec<Function> {
    let mut out = Vec::new();
    for (file, src) in sources.iter().enumerate() {
        // Open `impl` blocks: (type, index of the closing `}`).
        let mut impls: Vec<(String, usize)> = Vec::new();
        let mut i = 0;
        while i + 1 < src.tokens.len() {
            impls.retain(|(_, close)| *close > i);
            if src.is_ident(i, "impl")
                && let Some((owner, open)) = impl_type(src, i)
            {
                impls.push((owner, src.close_of(open)));
                i = open + 1;
                continue;
            }
            if src.is_ident(i, "fn") && src.tokens[i + 1].kind == Kind::Ident {
                let name = src.slice(i + 1).to_string();
                // The body's `{`: the first at bracket depth zero (a `;`
                // first means a declaration without a body).
                let mut j = i + 2;
                let mut depth = 0i32;
                let mut params = Vec::new();
                while j < src.tokens.len() {
                    match src.tokens[j].kind {
                        Kind::Punct(b'(' | b'[') => depth += 1,
                        Kind::Punct(b')' | b']') => depth -= 1,
                        Kind::Punct(b'{') if depth == 0 => break,
                        Kind::Punct(b';') if depth == 0 => break,
                        // `name: Type` at the top of the parameter list.
                        Kind::Ident
                            if depth == 1
                                && src.is_punct(j + 1, b':')
                                && (src.is_punct(j - 1, b'(')
                                    || src.is_punct(j - 1, b',')
                                    || src.is_ident(j - 1, "mut")) =>
                        {
                            params.push(src.slice(j).to_string());
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if src.is_punct(j, b'{') {
                    let end = src.close_of(j);
                    out.push(Function {
                        name,
                        owner: impls.last().map(|(t, _)| t.clone()),
                        params,
                        body: Body {
                            file,
                            start: j,
                            end,
                        },
                    });
                }
                i = j;
            }
            i += 1;
        }
    }
    out
}

/// The type an `impl` at `at` is for, and its block's `{`: `impl Type`,
/// `impl<T> Trait for Type<T>`, `impl Trait for path::Type`.
fn impl_type(src: &Source<'_>, at: usize) -> Option<(String, usize)> {
    let mut j = at + 1;
    let mut angle = 0i32;
    let mut last_ident: Option<usize> = None;
    let mut after_for: Option<usize> = None;
    while j < src.tokens.len() {
        match src.tokens[j].kind {
            Kind::Punct(b'<') => angle += 1,
            Kind::Punct(b'>') => angle -= 1,
            Kind::Punct(b'{') if angle <= 0 => break,
            Kind::Punct(b';') => return None,
            Kind::Ident if angle <= 0 => {
                if src.slice(j) == "for" {
                    after_for = None;
                    last_ident = None;
                    j += 1;
                    // The type's last path segment is its name.
                    while j < src.tokens.len() && !src.is_punct(j, b'{') && !src.is_punct(j, b'<') {
                        if src.tokens[j].kind == Kind::Ident && src.slice(j) != "where" {
                            after_for = Some(j);
                        } else if src.is_ident(j, "where") {
                            break;
                        }
                        j += 1;
                    }
                    continue;
                }
                if src.slice(j) != "where" && after_for.is_none() {
                    last_ident = Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    let name = after_for.or(last_ident)?;
    while j < src.tokens.len() && !src.is_punct(j, b'{') {
        j += 1;
    }
    src.is_punct(j, b'{')
        .then(|| (src.slice(name).to_string(), j))
}

/// Where the task starts: its `match` arms (`"task" =>`, `Cmd::Task =>`,
/// `Cmd::Task { .. } =>`), else the function named after it.
fn entries(task: &str, sources: &[Source<'_>], functions: &[Function]) -> Vec<Body> {
    let variant = pascal_case(task);
    let function = task.replace('-', "_");
    let mut out = Vec::new();
    for (file, src) in sources.iter().enumerate() {
        for i in 0..src.tokens.len() {
            let pattern_end = if src.string(i).as_deref() == Some(task) {
                Some(i + 1)
            } else if src.tokens[i].kind == Kind::Ident
                && src.slice(i) == variant
                && i > 0
                && src.tokens[i - 1].kind == Kind::PathSep
            {
                // `Cmd::Task(args)` / `Cmd::Task { .. }`: skip the fields.
                if src.is_punct(i + 1, b'(') || src.is_punct(i + 1, b'{') {
                    Some(src.close_of(i + 1) + 1)
                } else {
                    Some(i + 1)
                }
            } else {
                None
            };
            if let Some(end) = pattern_end.and_then(|p| arm_arrow(src, p)) {
                out.push(arm_body(src, file, end + 1));
            }
        }
    }
    if !out.is_empty() {
        // `Cmd::Clippy(args) => args.run()`: the arm hands over to the
        // methods of the type clap parsed the subcommand into, which is
        // named like the variant (`impl Run for Clippy`).
        out.extend(
            functions
                .iter()
                .filter(|f| f.owner.as_deref() == Some(variant.as_str()))
                .map(|f| f.body),
        );
    } else {
        out.extend(
            functions
                .iter()
                .filter(|f| f.owner.is_none() && f.name == function)
                .map(|f| f.body),
        );
    }
    out
}

/// The `=>` ending a match pattern that starts before `from`: other
/// alternatives (`| "other"`) and a guard may come first, on a few tokens.
fn arm_arrow(src: &Source<'_>, from: usize) -> Option<usize> {
    let mut i = from;
    let limit = (from + 24).min(src.tokens.len());
    while i + 1 < limit {
        match src.tokens[i].kind {
            Kind::Punct(b'=') if src.is_punct(i + 1, b'>') => return Some(i + 1),
            Kind::Punct(b'|' | b')' | b']') | Kind::Str | Kind::Ident | Kind::PathSep => i += 1,
            Kind::Punct(b'(' | b'{') => i = src.close_of(i) + 1,
            _ => return None,
        }
    }
    None
}

/// The arm's expression starting at `start`: a block, or everything to the
/// `,` (or the match's `}`) at depth zero.
fn arm_body(src: &Source<'_>, file: usize, start: usize) -> Body {
    if src.is_punct(start, b'{') {
        return Body {
            file,
            start,
            end: src.close_of(start),
        };
    }
    let mut depth = 0i32;
    let mut i = start;
    while i < src.tokens.len() {
        match src.tokens[i].kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']' | b'}') => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Kind::Punct(b',') if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    Body {
        file,
        start,
        end: i,
    }
}

/// `check-fmt` → `CheckFmt`: how clap names a subcommand's variant.
fn pascal_case(task: &str) -> String {
    task.split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The processes started inside `body`.
fn processes(src: &Source<'_>, body: Body) -> Vec<Invocation> {
    let mut out = Vec::new();
    let mut i = body.start;
    while i < body.end {
        // `Command::new(PROGRAM)`
        if src.is_ident(i, "Command")
            && src
                .tokens
                .get(i + 1)
                .is_some_and(|t| t.kind == Kind::PathSep)
            && src.is_ident(i + 2, "new")
            && src.is_punct(i + 3, b'(')
        {
            let close = src.close_of(i + 3);
            let program = program_name(src, i + 4, close);
            if let Some(program) = program {
                let mut inv = Invocation {
                    path: src.path.to_string(),
                    line: src.tokens[i].line as usize,
                    words: vec![program],
                    env: Vec::new(),
                };
                let end = builder_calls(src, close + 1, body.end, &mut inv);
                // `let mut cmd = <new cargo command>; cmd.arg(…);`
                if let Some(var) = bound_name(src, i) {
                    let mut j = end;
                    while j < body.end {
                        if src.is_ident(j, &var) && src.is_punct(j + 1, b'.') {
                            j = builder_calls(src, j + 1, body.end, &mut inv);
                        }
                        j += 1;
                    }
                }
                out.push(inv);
            }
            i = close + 1;
            continue;
        }
        // duct's function, `cmd("cargo", args)` / `duct::cmd("cargo", ["test"])`
        if src.is_ident(i, "cmd")
            && src.is_punct(i + 1, b'(')
            && !(i > 0 && (src.is_ident(i - 1, "fn") || src.is_punct(i - 1, b'.')))
            && let Some(program) = src.string(i + 2)
        {
            let close = src.close_of(i + 1);
            let mut inv = Invocation {
                path: src.path.to_string(),
                line: src.tokens[i].line as usize,
                words: vec![program],
                env: Vec::new(),
            };
            inv.words
                .extend((i + 3..close).filter_map(|k| src.string(k)));
            builder_calls(src, close + 1, body.end, &mut inv);
            out.push(inv);
            i = close + 1;
            continue;
        }
        // `cmd!(sh, "cargo test {args…}")` (xshell) or `cmd!("cargo", "test")` (duct)
        if src.is_ident(i, "cmd") && src.is_punct(i + 1, b'!') && src.is_punct(i + 2, b'(') {
            let close = src.close_of(i + 2);
            let strings: Vec<String> = (i + 3..close).filter_map(|k| src.string(k)).collect();
            let words: Vec<String> = match strings.as_slice() {
                [one] => one.split_whitespace().map(str::to_string).collect(),
                many => many.to_vec(),
            };
            if !words.is_empty() {
                out.push(Invocation {
                    path: src.path.to_string(),
                    line: src.tokens[i].line as usize,
                    words,
                    env: Vec::new(),
                });
            }
            i = close + 1;
            continue;
        }
        i += 1;
    }
    out
}

/// The program of `Command::new(…)` between `from` and `close`: a string
/// literal, or `cargo` for the usual ways of naming cargo itself
/// (`env!("CARGO")`, `env::var("CARGO")`, a variable called `cargo`).
fn program_name(src: &Source<'_>, from: usize, close: usize) -> Option<String> {
    if close == from + 1
        && let Some(s) = src.string(from)
    {
        return Some(s);
    }
    let names_cargo = (from..close).any(|k| {
        src.string(k).is_some_and(|s| s == "CARGO")
            || (src.tokens[k].kind == Kind::Ident && src.slice(k).eq_ignore_ascii_case("cargo"))
    });
    names_cargo.then(|| "cargo".to_string())
}

/// The variable a `let [mut] NAME = Command::new` at `at` binds.
fn bound_name(src: &Source<'_>, at: usize) -> Option<String> {
    let eq = at.checked_sub(1).filter(|&k| src.is_punct(k, b'='))?;
    let name = eq.checked_sub(1)?;
    (src.tokens[name].kind == Kind::Ident
        && (src.is_ident(name.wrapping_sub(1), "let") || src.is_ident(name.wrapping_sub(1), "mut")))
    .then(|| src.slice(name).to_string())
}

/// Reads `.arg(…)`, `.args(…)`, `.env(…)` calls chained from `from` into
/// `inv`, up to the statement's `;`; returns where it stopped.
fn builder_calls(src: &Source<'_>, from: usize, end: usize, inv: &mut Invocation) -> usize {
    let mut i = from;
    while i < end {
        match src.tokens[i].kind {
            Kind::Punct(b';') => return i,
            Kind::Punct(b'}') => return i,
            Kind::Punct(b'.')
                if src.tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Ident)
                    && src.is_punct(i + 2, b'(') =>
            {
                let method = src.slice(i + 1);
                let close = src.close_of(i + 2);
                let strings: Vec<String> = (i + 3..close).filter_map(|k| src.string(k)).collect();
                match method {
                    "arg" | "args" => inv.words.extend(strings),
                    "env" => {
                        if let [name, value] = strings.as_slice() {
                            inv.env.push((name.clone(), value.clone()));
                        }
                    }
                    _ => {}
                }
                i = close + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The task `cargo xtask …` runs (`words` is the whole command), when
/// the command is one: the first argument after `xtask` that is not an
/// option.
pub fn task_of(words: &[String]) -> Option<&str> {
    let mut rest = words
        .iter()
        .skip(1)
        .skip_while(|w| w.starts_with('+') || w.starts_with('-'));
    if rest.next()? != "xtask" {
        return None;
    }
    rest.map(String::as_str).find(|w| !w.starts_with('-'))
}

/// The `--flag` options after the task in `cargo xtask TASK …` (values
/// after `=` dropped).
pub fn flags_of(words: &[String]) -> Vec<String> {
    let Some(task) = task_of(words) else {
        return Vec::new();
    };
    words
        .iter()
        .skip_while(|w| w.as_str() != "xtask")
        .skip_while(|w| w.as_str() != task)
        .skip(1)
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.split('=').next().unwrap_or(w).to_string())
        .collect()
}

/// Directories that may hold the xtask crate, most likely first: the
/// package or manifest named by the `xtask` alias in `.cargo/config.toml`
/// (`run --package xtask --`, `run --manifest-path ./xtask/Cargo.toml --`),
/// then `xtask`.
pub fn crate_dirs(config: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let alias = config
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| t.get("alias")?.get("xtask").cloned());
    let words: Vec<String> = match alias {
        Some(toml::Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let value = |prefix: &str| {
            w.strip_prefix(prefix).map(str::to_string).or_else(|| {
                (w == prefix.trim_end_matches('='))
                    .then(|| words.get(i + 1).cloned())
                    .flatten()
            })
        };
        if let Some(path) = value("--manifest-path=") {
            let dir = path
                .trim_start_matches("./")
                .trim_end_matches("Cargo.toml")
                .trim_end_matches('/');
            out.push(dir.to_string());
        } else if let Some(name) = value("--package=").or_else(|| value("-p=")) {
            out.push(name.clone());
            out.push(format!("crates/{name}"));
            out.push(format!("tools/{name}"));
        }
        i += 1;
    }
    out.push("xtask".to_string());
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(task: &str, files: &[(&str, &str)]) -> Vec<(usize, String)> {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let (task, flags) = match task.split_once(' ') {
            Some((t, f)) => (t, f.split(' ').map(str::to_string).collect()),
            None => (task, Vec::new()),
        };
        invocations(task, &flags, &files)
            .into_iter()
            .map(|i| (i.line, i.words.join(" ")))
            .collect()
    }

    const MAIN: &str = r#"
use std::process::Command;

fn main() {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("ci") => { fmt(); lint()?; test() }
        Some("docs") => docs(),
        // Some("bench") => never(),
        _ => help(),
    }
}

fn fmt() {
    Command::new(env!("CARGO")).args(["fmt", "--all", "--", "--check"]).status();
}

fn lint() -> Result<()> {
    let mut cmd = Command::new("cargo");
    cmd.arg("clippy").args(&["--workspace", "--all-targets"]);
    cmd.args(["--", "-D", "warnings"]).env("RUSTFLAGS", "-Dwarnings");
    cmd.status()?;
    Ok(())
}

fn test() { cargo(&["test"]); Command::new("cargo").arg("test").arg("--workspace").status(); }

fn docs() { Command::new("cargo").arg("doc").status(); }
fn help() { println!("cargo xtask ci"); }
"#;

    #[test]
    fn string_arms_are_followed_through_the_functions_they_call() {
        let got = run("ci", &[("xtask/src/main.rs", MAIN)]);
        assert_eq!(
            got,
            vec![
                (15, "cargo fmt --all -- --check".to_string()),
                (
                    19,
                    "cargo clippy --workspace --all-targets -- -D warnings".to_string()
                ),
                (26, "cargo test --workspace".to_string()),
            ]
        );
        assert_eq!(
            run("docs", &[("xtask/src/main.rs", MAIN)]),
            vec![(28, "cargo doc".to_string())]
        );
        // A task no arm names, and one only in a comment, yield nothing.
        assert!(run("bench", &[("xtask/src/main.rs", MAIN)]).is_empty());
        assert!(run("release", &[("xtask/src/main.rs", MAIN)]).is_empty());
    }

    #[test]
    fn clap_variants_and_xshell_macros() {
        let main = r#"
#[derive(Subcommand)]
enum Cmd { CheckFmt, Test { #[arg(long)] release: bool } }
fn main() {
    match Cli::parse().cmd {
        Cmd::CheckFmt => tidy::run(&sh),
        Cmd::Test { release } => {
            let sh = Shell::new()?;
            cmd!(sh, "cargo test --workspace --locked {flags...}").run()?;
        }
    }
}
"#;
        let tidy = "pub fn run(sh: &Shell) { cmd!(sh, \"cargo fmt -- --check\").run(); }\n";
        let files = [("xtask/src/main.rs", main), ("xtask/src/tidy.rs", tidy)];
        assert_eq!(
            run("check-fmt", &files),
            vec![(1, "cargo fmt -- --check".to_string())]
        );
        assert_eq!(
            run("test", &files),
            vec![(9, "cargo test --workspace --locked {flags...}".to_string())]
        );
    }

    #[test]
    fn a_function_named_after_the_task_is_its_entry() {
        let main = "fn main() { dispatch() }\nfn lint() { duct::cmd!(\"cargo\", \"clippy\", \"--\", \"-Dwarnings\").run(); }\n";
        assert_eq!(
            run("lint", &[("xtask/src/main.rs", main)]),
            vec![(2, "cargo clippy -- -Dwarnings".to_string())]
        );
    }

    #[test]
    fn helpers_given_their_arguments_and_the_types_clap_parses_into() {
        // ratatui's shape: a clap variant whose `Args` type runs itself,
        // a struct literal's method, a helper taking the cargo arguments,
        // and a list built before the call.
        let main = r#"
enum Command { Clippy(Clippy), Ci, TestLibs }
fn main() {
    match args.command {
        Command::Clippy(args) => args.run(),
        Command::Ci => ci(),
        Command::TestLibs => test_libs(),
        Command::Format(f) => f.run(),
    }
}
fn ci() -> Result<()> { Clippy { fix: false }.run()?; test_libs() }
fn test_libs() -> Result<()> {
    let features = format!("{a},{b}");
    run_cargo(vec!["test", "--lib", "--features", features.as_str()])
}
fn run_cargo(args: Vec<&str>) -> Result<()> {
    cmd("cargo", args).run_with_trace()?;
    Ok(())
}
"#;
        let clippy = r#"
use crate::{Run, run_cargo};
pub struct Clippy { pub fix: bool }
impl Run for Clippy {
    fn run(self) -> Result<()> {
        let mut clippy_command = vec!["clippy"];
        if self.fix { clippy_command.push("--fix"); }
        let common = ["serde", "unstable"].join(",");
        let options = ["--", "-D", "warnings"];
        let mut command = clippy_command.clone();
        command.extend(vec!["--workspace", "--all-targets"]);
        command.extend(options);
        run_cargo(command)?;
        Ok(())
    }
}
"#;
        let files = [
            ("xtask/src/main.rs", main),
            ("xtask/src/commands/clippy.rs", clippy),
        ];
        // `--fix` is pushed only `if self.fix`: not read as given.
        let clippy_line = "cargo clippy --workspace --all-targets -- -D warnings";
        assert_eq!(run("clippy", &files), vec![(13, clippy_line.to_string())]);
        assert_eq!(
            run("test-libs", &files),
            vec![(14, "cargo test --lib --features".to_string())]
        );
        assert_eq!(
            run("ci", &files),
            vec![
                (13, clippy_line.to_string()),
                (14, "cargo test --lib --features".to_string())
            ]
        );
        // A list changed under `if self.check`: read as `--check` says.
        let format = r#"
impl Run for Format {
    fn run(self) -> Result<()> {
        let mut args = vec!["fmt", "--all"];
        if self.check {
            args.push("--check");
        } else {
            args.push("--verbose");
        }
        run_cargo(args)
    }
}
"#;
        let files = [("xtask/src/main.rs", main), ("xtask/src/format.rs", format)];
        assert_eq!(
            run("format --check", &files),
            vec![(10, "cargo fmt --all --check".to_string())]
        );
        assert_eq!(
            run("format", &files),
            vec![(10, "cargo fmt --all --verbose".to_string())]
        );
    }

    #[test]
    fn recursion_terminates() {
        let main = "fn main() { match a { \"ci\" => f(), _ => {} } }\nfn f() { g() }\nfn g() { f(); Command::new(\"cargo\").arg(\"test\"); }\n";
        assert_eq!(
            run("ci", &[("x/main.rs", main)]),
            vec![(3, "cargo test".to_string())]
        );
    }
}
