//! The literal arguments a call passes, through local lists.
//!
//! xtask helpers are often called with a list built a few lines up:
//! `let mut command = vec!["clippy"]; command.extend(["--", "-D",
//! "warnings"]); run_cargo(command)`. Reading the body in order, each
//! `let` of a list literal starts a list, `push`/`extend` add to it, and
//! a call's argument that names the list stands for its strings. Anything
//! computed (`format!`, `.join(…)`, a function's result) is not a literal
//! list and is left out, never guessed.

use super::{Body, Kind, Source};

/// Lists bound in a body: name and strings, latest binding last.
type Bindings = Vec<(String, Vec<String>)>;

/// Where each list was bound: its name and the block depth of its `let`.
type Depths = Vec<(String, usize)>;

/// The strings the arguments in tokens `[from, to)` pass, with the lists
/// `caller` binds before `from` put in.
///
/// `flags` are the options the task was run with (`cargo xtask format
/// --check`): a block under `if self.check` is read when `--check` is
/// among them, and skipped when not. Other blocks may or may not run, and
/// what they add to a list is not read.
pub(super) fn strings_of(
    src: &Source<'_>,
    caller: Body,
    (from, to): (usize, usize),
    flags: &[String],
) -> Vec<String> {
    let bindings = bindings(src, caller.start, from, flags);
    strings(src, from, to, &bindings)
}

/// Strings in `[from, to)`: literals, and the lists that are named.
fn strings(src: &Source<'_>, from: usize, to: usize, bindings: &Bindings) -> Vec<String> {
    let mut out = Vec::new();
    let mut k = from;
    while k < to {
        match src.tokens[k].kind {
            Kind::Str => out.extend(src.string(k)),
            // A computed string: its template is not an argument.
            Kind::Ident
                if src.slice(k) == "format"
                    && src.is_punct(k + 1, b'!')
                    && src.is_punct(k + 2, b'(') =>
            {
                k = src.close_of(k + 2);
            }
            // A name on its own: not a method, call, macro or path prefix.
            Kind::Ident if is_plain_name(src, k) => {
                if let Some((_, list)) = bindings.iter().rev().find(|(n, _)| n == src.slice(k)) {
                    out.extend(list.iter().cloned());
                }
            }
            _ => {}
        }
        k += 1;
    }
    out
}

/// Whether the identifier at `k` is a name on its own (`command`), not a
/// method (`.as_str`), a call (`f(`), a macro (`vec!`) or a path (`a::`).
fn is_plain_name(src: &Source<'_>, k: usize) -> bool {
    let method = k > 0 && src.is_punct(k - 1, b'.');
    let call_or_macro = src.is_punct(k + 1, b'(') || src.is_punct(k + 1, b'!');
    let path = src
        .tokens
        .get(k + 1)
        .is_some_and(|t| t.kind == Kind::PathSep);
    !(method || call_or_macro || path)
}

/// The lists bound in `[start, before)`, read in order.
fn bindings(src: &Source<'_>, start: usize, before: usize, flags: &[String]) -> Bindings {
    let mut reader = Reader {
        src,
        flags,
        lists: Vec::new(),
        depths: Vec::new(),
    };
    reader.read(start, before, 0);
    reader.lists
}

/// Reads a body's statements in order into the lists they build.
struct Reader<'s, 'a> {
    src: &'s Source<'a>,
    flags: &'s [String],
    lists: Bindings,
    depths: Depths,
}

impl Reader<'_, '_> {
    /// Reads `[from, to)` at block depth `depth`.
    fn read(&mut self, from: usize, to: usize, mut depth: usize) {
        let src = self.src;
        let mut k = from;
        while k < to {
            // `if self.check { … } [else { … }]`: the branch the task's
            // flags take is read as if it were not nested; the other not.
            if src.is_ident(k, "if")
                && let Some((open, taken)) = flag_condition(src, k, self.flags)
            {
                let close = src.close_of(open);
                let else_open = (src.is_ident(close + 1, "else") && src.is_punct(close + 2, b'{'))
                    .then_some(close + 2);
                let read = if taken { Some(open) } else { else_open };
                if let Some(block) = read {
                    self.read(block + 1, src.close_of(block).min(to), depth);
                }
                k = else_open.map_or(close, |e| src.close_of(e)) + 1;
                continue;
            }
            match src.tokens[k].kind {
                Kind::Punct(b'{') => depth += 1,
                Kind::Punct(b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            k = self.statement(k, to, depth) + 1;
        }
    }

    /// Reads the `let` or list call at `k`, if it is one; returns the last
    /// token read.
    fn statement(&mut self, k: usize, to: usize, depth: usize) -> usize {
        let src = self.src;
        // `let [mut] NAME [: T] = INIT;`
        if src.is_ident(k, "let") {
            let mut name = k + 1;
            if src.is_ident(name, "mut") {
                name += 1;
            }
            if src.tokens.get(name).is_some_and(|t| t.kind == Kind::Ident) {
                let end = statement_end(src, name, to);
                let init = (name + 1..end).find(|&j| {
                    src.is_punct(j, b'=')
                        && !src.is_punct(j + 1, b'=')
                        && !src.is_punct(j + 1, b'>')
                });
                let key = src.slice(name).to_string();
                let value = init.and_then(|eq| list_value(src, eq + 1, end, &self.lists));
                self.lists.retain(|(n, _)| *n != key);
                self.depths.retain(|(n, _)| *n != key);
                if let Some(value) = value {
                    self.depths.push((key.clone(), depth));
                    self.lists.push((key, value));
                }
                return end;
            }
        }
        // `NAME.push(x)`, `NAME.extend(list)`, `NAME.extend_from_slice(&[…])`
        if src.tokens[k].kind == Kind::Ident
            && src.is_punct(k + 1, b'.')
            && src.tokens.get(k + 2).is_some_and(|t| t.kind == Kind::Ident)
            && matches!(
                src.slice(k + 2),
                "push" | "extend" | "extend_from_slice" | "append"
            )
            && src.is_punct(k + 3, b'(')
            && let Some(at) = self.lists.iter().rposition(|(n, _)| n == src.slice(k))
        {
            let close = src.close_of(k + 3);
            // Added in a block of its own (a loop, an `if` on anything but
            // a flag): it may not happen, so it is not read as happening.
            let bound_at = self.depths.iter().rev().find(|(n, _)| n == src.slice(k));
            if bound_at.is_some_and(|(_, d)| *d == depth) {
                let added = strings(src, k + 4, close, &self.lists);
                self.lists[at].1.extend(added);
            }
            return close;
        }
        k
    }
}

/// The block of an `if` at `at` whose condition is one of the task's flags
/// (`if self.check {`, `if !args.fix {`, `if all_features {`), and whether
/// it runs with `flags`.
fn flag_condition(src: &Source<'_>, at: usize, flags: &[String]) -> Option<(usize, bool)> {
    let mut k = at + 1;
    let negated = src.is_punct(k, b'!');
    if negated {
        k += 1;
    }
    if src.is_ident(k, "self")
        || (src.tokens.get(k)?.kind == Kind::Ident && src.is_punct(k + 1, b'.'))
    {
        if !src.is_punct(k + 1, b'.') {
            return None;
        }
        k += 2;
    }
    if src.tokens.get(k)?.kind != Kind::Ident || !src.is_punct(k + 1, b'{') {
        return None;
    }
    let flag = format!("--{}", src.slice(k).replace('_', "-"));
    let given = flags.contains(&flag);
    Some((k + 1, given != negated))
}

/// Where the statement from `from` ends: its `;` at depth zero, or `limit`.
fn statement_end(src: &Source<'_>, from: usize, limit: usize) -> usize {
    let mut k = from;
    while k < limit {
        match src.tokens[k].kind {
            Kind::Punct(b';') => return k,
            Kind::Punct(b'(' | b'[' | b'{') => k = src.close_of(k),
            _ => {}
        }
        k += 1;
    }
    limit
}

/// The strings of a list literal in `[from, to)`: `vec![…]`, `[…]`,
/// `&[…]`, or a bound list, optionally `.clone()`d / `.to_vec()`d.
fn list_value(
    src: &Source<'_>,
    from: usize,
    to: usize,
    bindings: &Bindings,
) -> Option<Vec<String>> {
    let mut k = from;
    if src.is_punct(k, b'&') {
        k += 1;
    }
    let (value, mut after) = if src.is_ident(k, "vec") && src.is_punct(k + 1, b'!') {
        let open = k + 2;
        let close = src.close_of(open);
        (strings(src, open + 1, close, bindings), close + 1)
    } else if src.is_punct(k, b'[') {
        let close = src.close_of(k);
        (strings(src, k + 1, close, bindings), close + 1)
    } else if src.tokens.get(k).is_some_and(|t| t.kind == Kind::Ident) {
        let (_, list) = bindings.iter().rev().find(|(n, _)| n == src.slice(k))?;
        (list.clone(), k + 1)
    } else {
        return None;
    };
    // Only copies keep it a list; `.join(",")` and the like make a string.
    while after < to {
        let copy = src.is_punct(after, b'.')
            && matches!(
                src.tokens.get(after + 1).map(|_| src.slice(after + 1)),
                Some("clone" | "to_vec" | "into" | "to_owned")
            )
            && src.is_punct(after + 2, b'(')
            && src.is_punct(after + 3, b')');
        if !copy {
            return None;
        }
        after += 4;
    }
    Some(value)
}
