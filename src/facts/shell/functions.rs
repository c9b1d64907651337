//! Shell functions a script defines, read where they are called.
//!
//! CI scripts often wrap cargo in a function and call it with the
//! subcommand (`target_cargo() { cmd="$1"; shift; cargo "$cmd" --locked
//! "$@"; }` then `target_cargo test`). Read line by line, the body says
//! `cargo $cmd` and the call says nothing, so the tests look unrun. A
//! reviewer reads the call as the body with the arguments put in: that is
//! what this does, for positional parameters (`$1`, `${2}`, `"$@"`, `$*`),
//! `shift`, and variables the body sets from them (`cmd="$1"`,
//! `local target=$2`).
//!
//! A function that is called is read only through its calls (its body at
//! the definition would be `cargo $cmd`, which runs nothing known). One
//! that is never called by name is kept where it is defined, because a
//! script may still dispatch to it (`"$@"` as the last line).

use super::{LogicalLine, assignment, is_name, split_commands};

/// How deep calls are followed (a function calling a function …).
const MAX_DEPTH: usize = 4;

/// Lines the calls of one script may expand to, at most.
const MAX_LINES: usize = 5_000;

/// A function definition: its name and the lines of its body.
struct Function {
    name: String,
    body: Vec<LogicalLine>,
}

/// A script's lines, in order: ordinary lines and function definitions.
enum Item {
    Line(LogicalLine),
    Definition(usize),
}

/// `lines` with every call of a function the script defines followed by
/// the function's body, arguments substituted.
pub fn inline(lines: Vec<LogicalLine>) -> Vec<LogicalLine> {
    let (items, functions) = split_definitions(lines);
    if functions.is_empty() {
        return items
            .into_iter()
            .filter_map(|item| match item {
                Item::Line(line) => Some(line),
                Item::Definition(_) => None,
            })
            .collect();
    }
    let mut called = vec![false; functions.len()];
    let mut budget = MAX_LINES;
    let mut expanded: Vec<(LogicalLine, Vec<LogicalLine>)> = Vec::new();
    let mut order = Vec::new();
    for item in items {
        match item {
            Item::Line(line) => {
                let mut inner = Vec::new();
                calls(&line, &functions, 0, &mut called, &mut budget, &mut inner);
                order.push(None);
                expanded.push((line, inner));
            }
            Item::Definition(index) => order.push(Some(index)),
        }
    }
    let mut out = Vec::new();
    let mut expanded = expanded.into_iter();
    for slot in order {
        match slot {
            None => {
                if let Some((line, inner)) = expanded.next() {
                    out.push(line);
                    out.extend(inner);
                }
            }
            Some(index) if !called[index] => out.extend(functions[index].body.iter().cloned()),
            Some(_) => {}
        }
    }
    out
}

/// Appends to `out` the bodies of the functions `line` calls.
fn calls(
    line: &LogicalLine,
    functions: &[Function],
    depth: usize,
    called: &mut [bool],
    budget: &mut usize,
    out: &mut Vec<LogicalLine>,
) {
    if depth >= MAX_DEPTH {
        return;
    }
    for command in &line.commands {
        let Some(program) = command.program() else {
            continue;
        };
        let Some(index) = functions.iter().position(|f| f.name == program) else {
            continue;
        };
        called[index] = true;
        let args: Vec<String> = command.words[1..].to_vec();
        let mut scope = Scope {
            positional: args,
            locals: Vec::new(),
        };
        for body_line in &functions[index].body {
            if *budget == 0 {
                return;
            }
            if scope.shift(&body_line.text) {
                continue;
            }
            let text = scope.substitute(&body_line.text);
            let commands = split_commands(&text);
            scope.record_assignments(&text);
            let substituted = LogicalLine {
                line: body_line.line,
                text,
                commands,
            };
            *budget -= 1;
            let mut inner = Vec::new();
            calls(
                &substituted,
                functions,
                depth + 1,
                called,
                budget,
                &mut inner,
            );
            out.push(substituted);
            out.extend(inner);
        }
    }
}

/// The parameters and the variables set from them inside one call.
struct Scope {
    positional: Vec<String>,
    locals: Vec<(String, String)>,
}

impl Scope {
    /// Applies `shift` / `shift N`; true when the line was one.
    fn shift(&mut self, text: &str) -> bool {
        let mut words = text.split_whitespace();
        if words.next() != Some("shift") {
            return false;
        }
        let count = match words.next() {
            None => 1,
            Some(n) => match n.trim_end_matches(';').parse::<usize>() {
                Ok(n) if words.next().is_none() => n,
                _ => return false,
            },
        };
        let count = count.min(self.positional.len());
        self.positional.drain(..count);
        true
    }

    /// Remembers `name=value` set on a line of its own (also after
    /// `local`/`declare`/`readonly`), so later lines see the value.
    fn record_assignments(&mut self, text: &str) {
        for command in split_commands(text) {
            let only_assignments = command.words.is_empty()
                || command
                    .words
                    .first()
                    .is_some_and(|w| matches!(w.as_str(), "local" | "declare" | "readonly"));
            if !only_assignments {
                continue;
            }
            let mut env = command.env.clone();
            env.extend(command.words.iter().skip(1).filter_map(|w| assignment(w)));
            for (name, value) in env {
                if !value.contains('$') {
                    self.locals.retain(|(n, _)| *n != name);
                    self.locals.push((name, value));
                }
            }
        }
    }

    /// `text` with the call's arguments and known variables put in.
    fn substitute(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at..];
            // `"$@"` keeps each argument a word of its own.
            let quoted_all = ["$@\"", "${@}\""]
                .iter()
                .find(|q| after.starts_with(**q))
                .filter(|_| out.ends_with('"'));
            if let Some(q) = quoted_all {
                out.pop();
                out.push_str(&self.all_quoted());
                rest = &after[q.len()..];
                continue;
            }
            let (name, len) = parameter(after);
            match name.and_then(|n| self.value(n)) {
                Some(value) => {
                    out.push_str(&value);
                    rest = &after[len..];
                }
                None => {
                    out.push('$');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Every argument, each quoted as one word.
    fn all_quoted(&self) -> String {
        self.positional
            .iter()
            .map(|a| quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The value of a parameter or variable, when this call knows it.
    fn value(&self, name: &str) -> Option<String> {
        if name == "@" || name == "*" {
            return Some(self.all_quoted());
        }
        if let Ok(n) = name.parse::<usize>() {
            // `$0` is the script, not an argument.
            return (n >= 1).then(|| self.positional.get(n - 1).cloned().unwrap_or_default());
        }
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// The parameter named at the start of `text` (which starts with `$`):
/// `$1`, `${1}`, `$name`, `${name}`, `$@`, `$*`, and the bytes it spans.
fn parameter(text: &str) -> (Option<&str>, usize) {
    let body = &text[1..];
    if let Some(inner) = body.strip_prefix('{') {
        let Some(end) = inner.find('}') else {
            return (None, 1);
        };
        let name = &inner[..end];
        let simple = name == "@"
            || name == "*"
            || name.chars().all(|c| c.is_ascii_digit()) && !name.is_empty()
            || is_name(name);
        return if simple {
            (Some(name), end + 3)
        } else {
            (None, 1)
        };
    }
    match body.chars().next() {
        Some(c @ ('@' | '*' | '1'..='9')) => (Some(&body[..c.len_utf8()]), 2),
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            let end = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            (Some(&body[..end]), end + 1)
        }
        _ => (None, 1),
    }
}

/// `word` quoted for the shell when it needs it.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=+./:,@%^".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Separates function definitions from the lines around them.
fn split_definitions(lines: Vec<LogicalLine>) -> (Vec<Item>, Vec<Function>) {
    let mut items = Vec::new();
    let mut functions: Vec<Function> = Vec::new();
    let mut lines = lines.into_iter().peekable();
    while let Some(line) = lines.next() {
        let Some((name, rest)) = definition(&line.text) else {
            items.push(Item::Line(line));
            continue;
        };
        let opened = match rest {
            Opening::Brace(after) if !after.is_empty() => {
                // One line: `name() { cargo test "$@"; }`.
                if let Some(inner) = after.strip_suffix('}') {
                    let text = inner.trim().trim_end_matches(';').trim().to_string();
                    let body = vec![LogicalLine {
                        line: line.line,
                        commands: split_commands(&text),
                        text,
                    }];
                    items.push(Item::Definition(functions.len()));
                    functions.push(Function { name, body });
                    continue;
                }
                Some(after.to_string())
            }
            Opening::Brace(_) => None,
            Opening::NextLine => {
                if lines.peek().is_some_and(|l| l.text == "{") {
                    lines.next();
                    None
                } else {
                    items.push(Item::Line(line));
                    continue;
                }
            }
        };
        let mut body: Vec<LogicalLine> = Vec::new();
        if let Some(first) = opened {
            body.push(LogicalLine {
                line: line.line,
                commands: split_commands(&first),
                text: first,
            });
        }
        let mut depth = 1usize;
        let mut closed = false;
        for inner in lines.by_ref() {
            if inner.text.starts_with('}') {
                depth -= 1;
                if depth == 0 {
                    closed = true;
                    break;
                }
            } else if inner.text.ends_with('{') && !inner.text.ends_with("${") {
                depth += 1;
            }
            body.push(inner);
        }
        if !closed {
            // Not a function after all: keep everything as it was read.
            items.push(Item::Line(line));
            items.extend(body.into_iter().map(Item::Line));
            continue;
        }
        items.push(Item::Definition(functions.len()));
        functions.push(Function { name, body });
    }
    (items, functions)
}

/// Where a function's body starts.
enum Opening<'a> {
    /// After `{` on the definition line (possibly nothing).
    Brace(&'a str),
    /// On the next line, which is `{`.
    NextLine,
}

/// `name() {`, `function name {`, `function name() {`: the name and where
/// the body starts.
fn definition(text: &str) -> Option<(String, Opening<'_>)> {
    let (keyword, rest) = match text.strip_prefix("function ") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_-:.".contains(c)))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return None;
    }
    let mut after = rest[end..].trim_start();
    match after.strip_prefix("()") {
        Some(tail) => after = tail.trim_start(),
        None if keyword => {}
        None => return None,
    }
    if after.is_empty() {
        return Some((name.to_string(), Opening::NextLine));
    }
    after
        .strip_prefix('{')
        .map(|body| (name.to_string(), Opening::Brace(body.trim())))
}

#[cfg(test)]
mod tests {
    use super::super::parse;

    fn commands(script: &str) -> Vec<String> {
        let numbers: Vec<usize> = (1..=script.lines().count()).collect();
        parse(script, &numbers)
            .into_iter()
            .flat_map(|l| {
                l.commands
                    .into_iter()
                    .map(move |c| format!("{}:{}", l.line, c.words.join(" ")))
            })
            .collect()
    }

    #[test]
    fn a_wrapper_function_is_read_at_its_calls() {
        // rustup's ci/run.bash shape: the subcommand is the first argument.
        let script = "set -ex\n\
            target_cargo() {\n    cmd=\"$1\"\n    shift\n    cargo \"${cmd}\" --locked --target \"$TARGET\" \"$@\"\n}\n\
            target_cargo build\n\
            build_test() {\n  cmd=\"$1\"\n  shift\n  target_cargo \"${cmd}\" --workspace --features 'a b'\n}\n\
            RUSTUP_CI=1 build_test test\n";
        let got = commands(script);
        assert!(
            got.contains(&"5:cargo build --locked --target $TARGET".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(
                &"5:cargo test --locked --target $TARGET --workspace --features a b".to_string()
            ),
            "{got:?}"
        );
        // The body is not also read where it is defined.
        assert!(
            !got.iter()
                .any(|c| c.contains("${cmd}") || c.contains("$cmd")),
            "{got:?}"
        );
    }

    #[test]
    fn one_line_and_keyword_definitions_and_uncalled_functions() {
        let script = "function check { cargo fmt --all -- --check; }\n\
            lint() { cargo clippy \"$@\" -- -D warnings; }\n\
            unused() {\n  cargo install cargo-audit\n}\n\
            check\nlint --all-targets\n";
        let got = commands(script);
        assert!(
            got.contains(&"1:cargo fmt --all -- --check".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"2:cargo clippy --all-targets -- -D warnings".to_string()),
            "{got:?}"
        );
        // Never called by name: still read where it stands.
        assert!(
            got.contains(&"4:cargo install cargo-audit".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn recursion_and_unclosed_bodies_stop() {
        let script = "again() {\n  again \"$@\"\n  cargo test\n}\nagain x\n";
        let got = commands(script);
        assert!(
            got.iter().filter(|c| c.ends_with("cargo test")).count() <= 4,
            "{got:?}"
        );
        let unclosed = "broken() {\n  cargo test\n";
        assert!(commands(unclosed).contains(&"2:cargo test".to_string()));
    }
}
