//! Shell scripts from CI files (`run:` steps, GitLab `script:`, Makefile
//! recipes), split into the commands they run, each with its line.
//!
//! This is not a shell: it is the reading a reviewer does. Continuation
//! lines (`\`, PowerShell's `` ` ``) are joined, comments and here-document
//! bodies dropped, each logical line split on `&&`, `||`, `;`, `|` and `&`,
//! each command split into words (quotes removed, `${{ … }}` kept whole),
//! and leading `VAR=value` assignments and wrappers (`sudo`, `time`, `env`,
//! …) set aside. Good enough to see `cargo test`, `curl … | sh` or
//! `cargo install x` and point at the line. Functions the script defines
//! are read where they are called, arguments substituted.

use std::sync::LazyLock;

use regex::Regex;

use crate::util::regex;

mod functions;

/// One logical line of a script: physical lines joined by continuations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLine {
    /// 1-based line in the file where it starts.
    pub line: usize,
    /// Its text, continuations joined, comment removed.
    pub text: String,
    /// The commands on it, in order.
    pub commands: Vec<Command>,
}

/// How a command is joined to the one before it on the same logical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joiner {
    /// First on its line.
    Start,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;` or `&`
    Then,
    /// `|`: reads the previous command's output.
    Pipe,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Words with quotes removed; assignments and wrappers stripped.
    pub words: Vec<String>,
    /// Leading `VAR=value` assignments.
    pub env: Vec<(String, String)>,
    /// How it is joined to the previous command.
    pub joiner: Joiner,
}

impl Command {
    /// The program run (first word), if any.
    pub fn program(&self) -> Option<&str> {
        self.words.first().map(String::as_str)
    }
}

/// Splits `script` into logical lines. `lines[i]` is the 1-based file line
/// of the script's physical line `i` (see [`locate_lines`]). Calls of
/// functions the script defines are followed by the function's body, with
/// the arguments put in (see [`functions`]).
pub fn parse(script: &str, lines: &[usize]) -> Vec<LogicalLine> {
    functions::inline(logical_lines(script, lines))
}

/// The logical lines of `script`, as written.
fn logical_lines(script: &str, lines: &[usize]) -> Vec<LogicalLine> {
    let physical: Vec<&str> = script.lines().collect();
    let line_of = |i: usize| {
        lines
            .get(i)
            .copied()
            .or_else(|| lines.last().copied())
            .unwrap_or(1)
    };
    let mut out = Vec::new();
    let mut i = 0;
    let mut heredoc: Option<(String, bool)> = None;
    while i < physical.len() {
        let raw = physical[i].trim_end_matches('\r');
        if let Some((delimiter, strip_tabs)) = &heredoc {
            let candidate = if *strip_tabs {
                raw.trim_start_matches('\t')
            } else {
                raw
            };
            if candidate.trim_end() == delimiter {
                heredoc = None;
            }
            i += 1;
            continue;
        }
        let start = line_of(i);
        let mut text = String::new();
        let mut current = raw;
        loop {
            let trimmed = current.trim_end();
            let (body, continued) = match continuation(trimmed) {
                Some(body) => (body.trim_end(), true),
                None => (trimmed, false),
            };
            text.push_str(body);
            if continued && i + 1 < physical.len() {
                text.push(' ');
                i += 1;
                // Continuation lines are indented for the reader only.
                current = physical[i].trim_end_matches('\r').trim_start();
            } else {
                break;
            }
        }
        i += 1;
        let text = strip_comment(&text).trim().to_string();
        if text.is_empty() {
            continue;
        }
        if let Some(caps) = HEREDOC.captures(&text) {
            let strip_tabs = caps.get(1).is_some_and(|m| m.as_str() == "-");
            heredoc = caps.get(2).map(|d| (d.as_str().to_string(), strip_tabs));
        }
        let commands = split_commands(&text);
        out.push(LogicalLine {
            line: start,
            text,
            commands,
        });
    }
    out
}

static HEREDOC: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"<<(-?)\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?"#));

/// The line without its continuation marker, when it has one: an odd
/// number of trailing backslashes (sh), a trailing backtick (PowerShell)
/// or caret (cmd).
fn continuation(line: &str) -> Option<&str> {
    let backslashes = line.len() - line.trim_end_matches('\\').len();
    if backslashes % 2 == 1 {
        return Some(&line[..line.len() - 1]);
    }
    if let Some(body) = line.strip_suffix(" `") {
        return Some(body);
    }
    if let Some(body) = line.strip_suffix(" ^") {
        return Some(body);
    }
    None
}

/// Removes a `#` comment that starts a word outside quotes and `${{ }}`.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let (mut single, mut double, mut expr) = (false, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let rest = &bytes[i..];
        if expr {
            if rest.starts_with(b"}}") {
                expr = false;
                i += 2;
                continue;
            }
        } else if single {
            single = b != b'\'';
        } else if rest.starts_with(b"${{") {
            expr = true;
            i += 3;
            continue;
        } else if b == b'\\' {
            i += 2;
            continue;
        } else if double {
            double = b != b'"';
        } else if b == b'\'' {
            single = true;
        } else if b == b'"' {
            double = true;
        } else if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
        i += 1;
    }
    line
}

/// Shell keywords that may start a command and are not the program.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "!", "{", "}", "(",
    ")", "time", "exec", "command", "builtin", "nohup", "case", "esac",
];

/// Programs that run the rest of their arguments as the command.
const WRAPPERS: &[&str] = &[
    "sudo", "env", "nice", "xvfb-run", "timeout", "stdbuf", "eval", "xargs",
];

/// Splits one logical line into commands.
pub fn split_commands(text: &str) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut joiner = Joiner::Start;
    let mut subshells = 0usize;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let flush_word = |word: &mut String, words: &mut Vec<String>, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let rest_starts = |s: &str| {
            s.chars()
                .enumerate()
                .all(|(k, sc)| chars.get(i + k) == Some(&sc))
        };
        if rest_starts("${{") {
            // A GitHub expression is one word, spaces and all.
            let mut j = i + 3;
            while j < chars.len() && !(chars[j] == '}' && chars.get(j + 1) == Some(&'}')) {
                j += 1;
            }
            let end = (j + 2).min(chars.len());
            word.extend(&chars[i..end]);
            in_word = true;
            i = end;
            continue;
        }
        match c {
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.get(i + 1) {
                    word.push(*next);
                }
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                // Command substitution stays inside the word.
                in_word = true;
                let mut depth = 0;
                while i < chars.len() {
                    word.push(chars[i]);
                    if chars[i] == '(' {
                        depth += 1;
                    } else if chars[i] == ')' {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    i += 1;
                }
            }
            ' ' | '\t' => {
                flush_word(&mut word, &mut words, &mut in_word);
                i += 1;
            }
            // A subshell, `a || (cargo install x && cargo audit)`: its
            // commands are commands like the others.
            '(' if !in_word => {
                push_command(&mut commands, std::mem::take(&mut words), joiner);
                subshells += 1;
                i += 1;
            }
            ')' if subshells > 0 => {
                flush_word(&mut word, &mut words, &mut in_word);
                push_command(&mut commands, std::mem::take(&mut words), joiner);
                joiner = Joiner::Then;
                subshells -= 1;
                i += 1;
            }
            // `2>&1`, `&>`: redirections, not separators.
            '&' if (in_word && word.ends_with('>')) || chars.get(i + 1) == Some(&'>') => {
                word.push('&');
                in_word = true;
                i += 1;
            }
            '&' | '|' | ';' => {
                flush_word(&mut word, &mut words, &mut in_word);
                let doubled = chars.get(i + 1) == Some(&c);
                let next = match (c, doubled) {
                    ('&', true) => Joiner::And,
                    ('|', true) => Joiner::Or,
                    ('|', false) => Joiner::Pipe,
                    _ => Joiner::Then,
                };
                push_command(&mut commands, std::mem::take(&mut words), joiner);
                joiner = next;
                i += if doubled { 2 } else { 1 };
            }
            _ => {
                in_word = true;
                word.push(c);
                i += 1;
            }
        }
    }
    flush_word(&mut word, &mut words, &mut in_word);
    push_command(&mut commands, words, joiner);
    commands
}

fn push_command(commands: &mut Vec<Command>, mut words: Vec<String>, joiner: Joiner) {
    let mut env = Vec::new();
    while let Some(first) = words.first() {
        if KEYWORDS.contains(&first.as_str()) {
            words.remove(0);
        } else if let Some((name, value)) = assignment(first) {
            env.push((name, value));
            words.remove(0);
        } else if WRAPPERS.contains(&first.as_str()) {
            let wrapper = words.remove(0);
            // Options of the wrapper, and `timeout`'s duration.
            while words.first().is_some_and(|w| w.starts_with('-')) {
                let option = words.remove(0);
                // `sudo -u user`, `nice -n 10`, `xargs -I {} -P 4`
                let takes_value = matches!(option.as_str(), "-u" | "-g" | "-n")
                    || (wrapper == "xargs"
                        && matches!(option.as_str(), "-I" | "-P" | "-L" | "-s" | "-d" | "-E"));
                if takes_value && !words.is_empty() {
                    words.remove(0);
                }
            }
            if wrapper == "timeout" && !words.is_empty() {
                words.remove(0);
            }
        } else {
            break;
        }
    }
    if words.is_empty() && env.is_empty() {
        return;
    }
    let inner = command_string(&words).map(split_commands);
    commands.push(Command { words, env, joiner });
    // `sh -c 'cargo test'`, `docker run --entrypoint sh IMAGE -c '…'`: the
    // string is commands too, run after the outer command starts.
    for (index, mut command) in inner.into_iter().flatten().enumerate() {
        if index == 0 {
            command.joiner = Joiner::Then;
        }
        commands.push(command);
    }
}

/// Shells that take a command string with `-c`.
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ash", "ksh"];

/// The command string a shell is given with `-c` (also `-ec`, `-e -c`),
/// directly or as a container's command (`docker run … IMAGE sh -c '…'`,
/// `--entrypoint sh … IMAGE -c '…'`).
fn command_string(words: &[String]) -> Option<&str> {
    // `/bin/sh` is `sh`.
    let is_shell = |w: &str| SHELLS.contains(&w.rsplit('/').next().unwrap_or(w));
    let program = words.first()?.as_str();
    let start = if is_shell(program) {
        1
    } else if matches!(program, "docker" | "podman") && words.get(1).is_some_and(|w| w == "run") {
        // The string follows a shell named as the command, or `-c` after
        // a shell entrypoint; `-c` alone is also docker's `--cpu-shares`,
        // so it counts only with a shell entrypoint.
        let entrypoint_shell = words
            .windows(2)
            .any(|w| w[0] == "--entrypoint" && is_shell(&w[1]))
            || words
                .iter()
                .any(|w| w.strip_prefix("--entrypoint=").is_some_and(is_shell));
        let shell_at =
            (2..words.len()).find(|&i| words[i - 1] != "--entrypoint" && is_shell(&words[i]));
        match shell_at {
            Some(at) => at + 1,
            _ if entrypoint_shell => {
                let c = words.iter().rposition(|w| w == "-c")?;
                return words.get(c + 1).map(String::as_str);
            }
            _ => return None,
        }
    } else {
        return None;
    };
    let mut takes_string = false;
    for word in &words[start..] {
        match word.strip_prefix('-') {
            Some(flags) if !flags.starts_with('-') && !flags.is_empty() => {
                takes_string |= flags.contains('c');
            }
            Some(_) => {}
            None => return takes_string.then_some(word.as_str()),
        }
    }
    None
}

/// `NAME=value` as (name, value).
fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    is_name(name).then(|| (name.to_string(), value.to_string()))
}

/// A shell variable name: letters, digits and `_`, not starting with a
/// digit.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// File lines of each physical line of a scalar's text.
///
/// `start` is the line the YAML node starts on; `file` the file's lines.
/// Literal blocks (`|`) map one to one; folded and quoted scalars are
/// found by searching forward for each line's text, so a finding still
/// lands on the right line when the parser joined lines.
pub fn locate_lines(file: &[&str], start: usize, script: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cursor = start.saturating_sub(1);
    for line in script.lines() {
        let needle = line.trim();
        if needle.is_empty() {
            out.push(cursor + 1);
            if file.get(cursor).is_some_and(|l| l.trim().is_empty()) {
                cursor += 1;
            }
            continue;
        }
        let probe: String = needle.chars().take(40).collect();
        let found = (cursor..file.len().min(cursor + 200)).find(|&i| file[i].contains(&probe));
        match found {
            Some(i) => {
                out.push(i + 1);
                cursor = i + 1;
            }
            None => out.push(cursor.max(start.saturating_sub(1)) + 1),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        split_commands(text).into_iter().map(|c| c.words).collect()
    }

    #[test]
    fn splits_operators_and_quotes() {
        assert_eq!(
            words("cd serde && cargo test --features 'a b' | tee out.txt"),
            vec![
                vec!["cd", "serde"],
                vec!["cargo", "test", "--features", "a b"],
                vec!["tee", "out.txt"]
            ]
        );
        let c = split_commands("curl -sSf https://x.sh | sh -s -- -y");
        assert_eq!(c[1].joiner, Joiner::Pipe);
        assert_eq!(c[1].words[0], "sh");
    }

    #[test]
    fn command_strings_are_commands() {
        assert_eq!(
            words("sh -ec 'cargo test && cargo fmt --check'"),
            [
                vec!["sh", "-ec", "cargo test && cargo fmt --check"],
                vec!["cargo", "test"],
                vec!["cargo", "fmt", "--check"]
            ]
        );
        // rustup: a shell entrypoint and the string after the image.
        let docker = "docker run --entrypoint sh --env A=1 --rm img -c 'PATH=x bash ci/run.bash'";
        assert_eq!(words(docker)[1], ["bash", "ci/run.bash"]);
        assert_eq!(
            words("docker run --rm rust:1 bash -c 'cargo test'")[1],
            ["cargo", "test"]
        );
        // docker's own `-c` (cpu shares) without a shell is not a string.
        assert_eq!(words("docker run -c 512 img cargo test").len(), 1);
        assert_eq!(words("bash ci/test.sh").len(), 1);
    }

    #[test]
    fn xargs_runs_its_command() {
        // mio: `find src -iname "*.rs" | xargs rustfmt --check`.
        assert_eq!(
            words("find src -iname '*.rs' | xargs -n 1 rustfmt --check"),
            vec![
                vec!["find", "src", "-iname", "*.rs"],
                vec!["rustfmt", "--check"]
            ]
        );
    }

    #[test]
    fn subshells_hold_commands() {
        // pingora: `[[ … ]] || (cargo install --locked cargo-audit && …)`.
        assert_eq!(
            words(
                "[[ -x a ]] || (cargo install --locked cargo-audit && cargo audit); echo $(date) done"
            ),
            vec![
                vec!["[[", "-x", "a", "]]"],
                vec!["cargo", "install", "--locked", "cargo-audit"],
                vec!["cargo", "audit"],
                vec!["echo", "$(date)", "done"],
            ]
        );
        let c = split_commands("a || (b && c)");
        assert_eq!(c[1].joiner, Joiner::Or);
        assert_eq!(c[2].joiner, Joiner::And);
        // `case` patterns keep their parenthesis.
        assert!(words("case $x in a) echo a;; esac")[0].contains(&"a)".to_string()));
    }

    #[test]
    fn keeps_expressions_whole_and_strips_wrappers() {
        assert_eq!(
            words("RUSTFLAGS=-Dwarnings sudo -E cargo test ${{ matrix.features }} 2>&1"),
            vec![vec!["cargo", "test", "${{ matrix.features }}", "2>&1"]]
        );
        let c = split_commands("RUSTFLAGS='-D warnings' cargo clippy");
        assert_eq!(c[0].env, vec![("RUSTFLAGS".into(), "-D warnings".into())]);
        assert_eq!(
            words("if cargo test; then echo ok; fi"),
            vec![vec!["cargo", "test"], vec!["echo", "ok"]]
        );
    }

    #[test]
    fn non_ascii_text_is_safe() {
        assert_eq!(
            strip_comment("echo \"héllo ${{ x }}\" # ü"),
            "echo \"héllo ${{ x }}\" "
        );
        assert_eq!(
            words("npm install -g \"\" é")[0],
            vec!["npm", "install", "-g", "", "é"]
        );
    }

    #[test]
    fn joins_continuations_and_drops_comments() {
        let script =
            "# setup\ncargo nextest run \\\n  --workspace \\\n  --locked # all\necho done\n";
        let lines = parse(script, &[10, 11, 12, 13, 14]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, 11);
        assert_eq!(
            lines[0].commands[0].words,
            vec!["cargo", "nextest", "run", "--workspace", "--locked"]
        );
        assert_eq!(lines[1].line, 14);
    }

    #[test]
    fn skips_heredoc_bodies() {
        let script = "cat > x.toml <<EOF\ncargo test\nEOF\ncargo build\n";
        let lines = parse(script, &[1, 2, 3, 4]);
        let programs: Vec<_> = lines
            .iter()
            .flat_map(|l| l.commands.iter().map(|c| c.words.join(" ")))
            .collect();
        assert_eq!(programs, vec!["cat > x.toml <<EOF", "cargo build"]);
    }

    #[test]
    fn locates_literal_and_folded_lines() {
        let source = "steps:\n  - run: |\n      echo a\n\n      echo b\n  - run: >\n      cargo\n      test\n";
        let source: Vec<&str> = source.lines().collect();
        assert_eq!(
            locate_lines(&source, 3, "echo a\n\necho b\n"),
            vec![3, 4, 5]
        );
        assert_eq!(locate_lines(&source, 7, "cargo test\n"), vec![7]);
        assert_eq!(
            locate_lines(&["- run: cargo test"], 1, "cargo test"),
            vec![1]
        );
    }
}
