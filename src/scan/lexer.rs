//! A Rust lexer that knows just enough to never mistake the inside of a
//! string or a comment for code: line and (nested) block comments, doc
//! comments, string, byte-string, C-string and raw-string literals
//! (`r#"…"#`), char and byte literals versus lifetimes and labels, raw
//! identifiers, numbers.
//!
//! It does not validate: any byte sequence lexes to *some* token stream
//! (an unterminated string or comment runs to the end of the file), and it
//! never panics. It works on bytes and allocates nothing per token, so a
//! scan is limited by memory bandwidth rather than by the lexer.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword; for a raw identifier (`r#type`) the token
    /// covers the name only.
    Ident,
    /// A lifetime or loop label (`'a`, `'static`).
    Lifetime,
    /// A char or byte literal (`'a'`, `b'\n'`).
    Char,
    /// A string literal of any flavour: `"…"`, `b"…"`, `c"…"`, `r#"…"#`, …
    Str,
    /// A numeric literal (suffix included).
    Number,
    /// `::`.
    PathSep,
    /// Any other single byte of punctuation (`{`, `#`, `!`, `.`, …).
    Punct(u8),
    /// A comment; `doc` says whether and how it documents.
    Comment(Comment),
}

/// The flavour of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comment {
    /// `// …` or `/* … */`.
    Plain,
    /// `/// …` or `/** … */`: documents the next item.
    OuterDoc,
    /// `//! …` or `/*! … */`: documents the enclosing item.
    InnerDoc,
}

/// One token: its kind, byte range and the 1-based line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset just past its last byte.
    pub end: usize,
    /// 1-based line of its first byte.
    pub line: u32,
}

/// Iterates over the tokens of a source text.
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
}

impl<'a> Lexer<'a> {
    /// A lexer over `src`, skipping a leading shebang line.
    pub fn new(src: &'a str) -> Lexer<'a> {
        let bytes = src.as_bytes();
        let mut lexer = Lexer {
            src: bytes,
            pos: 0,
            line: 1,
        };
        // `#!/usr/bin/env …` is a shebang; `#![attr]` is not.
        if bytes.starts_with(b"#!") {
            let after = bytes[2..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .copied();
            if after != Some(b'[') {
                lexer.pos = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
            }
        }
        lexer
    }

    /// The current line (1-based).
    pub fn line(&self) -> u32 {
        self.line
    }

    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// Counts the newlines in `src[from..to]` into the line counter.
    fn count_lines(&mut self, from: usize, to: usize) {
        let end = to.min(self.src.len());
        if from < end {
            self.line += memchr::memchr_iter(b'\n', &self.src[from..end]).count() as u32;
        }
    }

    fn line_comment(&mut self, start: usize) -> Kind {
        let doc = match (self.at(start + 2), self.at(start + 3)) {
            (b'/', b'/') => Comment::Plain,
            (b'/', _) => Comment::OuterDoc,
            (b'!', _) => Comment::InnerDoc,
            _ => Comment::Plain,
        };
        self.pos = memchr::memchr(b'\n', &self.src[start..])
            .map(|i| start + i)
            .unwrap_or(self.src.len());
        Kind::Comment(doc)
    }

    fn block_comment(&mut self, start: usize) -> Kind {
        let doc = match (self.at(start + 2), self.at(start + 3)) {
            // `/**/` and `/***` are plain comments.
            (b'*', b'/') | (b'*', b'*') => Comment::Plain,
            (b'*', _) => Comment::OuterDoc,
            (b'!', _) => Comment::InnerDoc,
            _ => Comment::Plain,
        };
        let mut depth = 1usize;
        let mut i = start + 2;
        let len = self.src.len();
        while depth > 0 {
            match memchr::memchr2(b'*', b'/', &self.src[i.min(len)..]) {
                None => {
                    i = len;
                    break;
                }
                Some(off) => {
                    let at = i + off;
                    if self.src[at] == b'*' && self.at(at + 1) == b'/' {
                        depth -= 1;
                        i = at + 2;
                    } else if self.src[at] == b'/' && self.at(at + 1) == b'*' {
                        depth += 1;
                        i = at + 2;
                    } else {
                        i = at + 1;
                    }
                }
            }
        }
        self.count_lines(start, i);
        self.pos = i;
        Kind::Comment(doc)
    }

    /// A quoted string whose opening `"` is at `quote`.
    fn quoted(&mut self, start: usize, quote: usize) -> Kind {
        let len = self.src.len();
        let mut i = quote + 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.src[i.min(len)..]) {
                None => {
                    i = len;
                    break;
                }
                Some(off) => {
                    let at = i + off;
                    if self.src[at] == b'\\' {
                        i = at + 2;
                    } else {
                        i = at + 1;
                        break;
                    }
                }
            }
        }
        let i = i.min(len);
        self.count_lines(start, i);
        self.pos = i;
        Kind::Str
    }

    /// A raw string: `hashes` `#`s then the `"` at `quote`.
    fn raw(&mut self, start: usize, quote: usize, hashes: usize) -> Kind {
        let len = self.src.len();
        let mut i = quote + 1;
        loop {
            match memchr::memchr(b'"', &self.src[i.min(len)..]) {
                None => {
                    i = len;
                    break;
                }
                Some(off) => {
                    let at = i + off;
                    let closes = (1..=hashes).all(|k| self.at(at + k) == b'#');
                    if closes {
                        i = at + 1 + hashes;
                        break;
                    }
                    i = at + 1;
                }
            }
        }
        let i = i.min(len);
        self.count_lines(start, i);
        self.pos = i;
        Kind::Str
    }

    /// `r`, `br` or `cr` at `start`, prefix ending before `p`: a raw string
    /// if `#`* `"` follows, else `None`.
    fn try_raw(&mut self, start: usize, p: usize) -> Option<Kind> {
        let mut q = p;
        while self.at(q) == b'#' {
            q += 1;
        }
        (self.at(q) == b'"').then(|| self.raw(start, q, q - p))
    }

    /// A char literal or a lifetime at the `'` at `quote`.
    fn quote(&mut self, start: usize, quote: usize) -> (Kind, usize) {
        let next = self.at(quote + 1);
        if next == b'\\' {
            // An escape: `'\n'`, `'\''`, `'\u{1F600}'`. Runs to the next `'`
            // on the line.
            let mut i = quote + 3;
            while i < self.src.len() && self.src[i] != b'\'' && self.src[i] != b'\n' {
                i += 1;
            }
            let end = if self.at(i) == b'\'' { i + 1 } else { i };
            return (Kind::Char, end.min(self.src.len()));
        }
        let width = utf8_width(next);
        if next != 0 && next != b'\n' && self.at(quote + 1 + width) == b'\'' {
            return (Kind::Char, quote + 2 + width);
        }
        if is_ident_start(next) {
            let mut i = quote + 1;
            // `'r#ident` raw lifetimes.
            if next == b'r' && self.at(i + 1) == b'#' && is_ident_start(self.at(i + 2)) {
                i += 2;
            }
            while is_ident_continue(self.at(i)) {
                i += 1;
            }
            return (Kind::Lifetime, i);
        }
        let _ = start;
        (Kind::Punct(b'\''), quote + 1)
    }
}

/// Bytes in the UTF-8 sequence a lead byte starts.
fn utf8_width(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

const IDENT_START: u8 = 1;
const IDENT_CONTINUE: u8 = 2;
const SPACE: u8 = 4;

/// Byte classes, looked up once per byte in the hot loops.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            t[b] = IDENT_START | IDENT_CONTINUE;
        } else if c.is_ascii_digit() {
            t[b] = IDENT_CONTINUE;
        } else if matches!(c, b' ' | b'\t' | b'\r' | 0x0b | 0x0c) {
            t[b] = SPACE;
        }
        b += 1;
    }
    t
};

/// Whether `b` may start an identifier (non-ASCII bytes are taken as
/// identifier characters: Rust allows Unicode identifiers).
pub fn is_ident_start(b: u8) -> bool {
    CLASS[b as usize] & IDENT_START != 0
}

/// Whether `b` may continue an identifier.
pub fn is_ident_continue(b: u8) -> bool {
    CLASS[b as usize] & IDENT_CONTINUE != 0
}

/// The end of the identifier characters starting at `i`.
fn ident_end(src: &[u8], mut i: usize) -> usize {
    while i < src.len() && CLASS[src[i] as usize] & IDENT_CONTINUE != 0 {
        i += 1;
    }
    i
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let src = self.src;
        // Skip whitespace, counting lines.
        let mut pos = self.pos;
        while pos < src.len() {
            let b = src[pos];
            if b == b'\n' {
                self.line += 1;
            } else if CLASS[b as usize] & SPACE == 0 {
                break;
            }
            pos += 1;
        }
        self.pos = pos;
        let start = self.pos;
        let line = self.line;
        let b = *src.get(start)?;
        let mut tok_start = start;
        let kind = match b {
            b'/' if self.at(start + 1) == b'/' => self.line_comment(start),
            b'/' if self.at(start + 1) == b'*' => self.block_comment(start),
            b'"' => self.quoted(start, start),
            b'\'' => {
                let (kind, end) = self.quote(start, start);
                self.pos = end;
                kind
            }
            b'r' | b'b' | b'c' => {
                let next = self.at(start + 1);
                let raw_prefix = if b == b'r' {
                    Some(start + 1)
                } else if next == b'r' {
                    Some(start + 2)
                } else {
                    None
                };
                if let Some(kind) = raw_prefix.and_then(|p| self.try_raw(start, p)) {
                    kind
                } else if next == b'"' {
                    self.quoted(start, start + 1)
                } else if b == b'b' && next == b'\'' {
                    let (kind, end) = self.quote(start, start + 1);
                    self.pos = end;
                    kind
                } else if b == b'r' && next == b'#' && is_ident_start(self.at(start + 2)) {
                    // A raw identifier: the token is the name.
                    tok_start = start + 2;
                    self.pos = ident_end(src, start + 2);
                    Kind::Ident
                } else {
                    self.pos = ident_end(src, start + 1);
                    Kind::Ident
                }
            }
            b'0'..=b'9' => {
                let mut i = start + 1;
                let hex = b == b'0' && matches!(self.at(i), b'x' | b'X');
                loop {
                    i = ident_end(src, i);
                    let last = self.at(i - 1);
                    // An exponent sign: `1e-3`, `2.5E+10` (not `1usize-1`).
                    let exponent = !hex
                        && matches!(last, b'e' | b'E')
                        && matches!(self.at(i), b'+' | b'-')
                        && self.src[start..i - 1]
                            .iter()
                            .all(|c| c.is_ascii_digit() || *c == b'_' || *c == b'.');
                    if exponent {
                        i += 1;
                        continue;
                    }
                    if self.at(i) == b'.' && self.at(i + 1).is_ascii_digit() {
                        i += 1;
                        continue;
                    }
                    break;
                }
                self.pos = i;
                Kind::Number
            }
            b':' if self.at(start + 1) == b':' => {
                self.pos = start + 2;
                Kind::PathSep
            }
            _ if is_ident_start(b) => {
                self.pos = ident_end(src, start + 1);
                Kind::Ident
            }
            _ => {
                self.pos = start + 1;
                Kind::Punct(b)
            }
        };
        Some(Token {
            kind,
            start: tok_start,
            end: self.pos.max(tok_start),
            line,
        })
    }
}

/// The contents of a string literal token's text: what lies between its
/// first and last `"` (escapes left as written).
pub fn str_content(text: &str) -> &str {
    match (text.find('"'), text.rfind('"')) {
        (Some(a), Some(b)) if b > a => &text[a + 1..b],
        (Some(a), _) => &text[a + 1..],
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, &str)> {
        Lexer::new(src)
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect()
    }

    #[test]
    fn comments_and_docs() {
        let k = kinds(
            "a // x\n/// d\n//! i\n//// p\n/* a /* nested */ still */ b /** o */ /*! i */ /**/ /*** p */",
        );
        assert_eq!(k[0], (Kind::Ident, "a"));
        assert_eq!(k[1], (Kind::Comment(Comment::Plain), "// x"));
        assert_eq!(k[2].0, Kind::Comment(Comment::OuterDoc));
        assert_eq!(k[3].0, Kind::Comment(Comment::InnerDoc));
        assert_eq!(k[4].0, Kind::Comment(Comment::Plain));
        assert_eq!(
            k[5],
            (Kind::Comment(Comment::Plain), "/* a /* nested */ still */")
        );
        assert_eq!(k[6], (Kind::Ident, "b"));
        assert_eq!(k[7].0, Kind::Comment(Comment::OuterDoc));
        assert_eq!(k[8].0, Kind::Comment(Comment::InnerDoc));
        assert_eq!(k[9].0, Kind::Comment(Comment::Plain));
        assert_eq!(k[10].0, Kind::Comment(Comment::Plain));
    }

    #[test]
    fn strings_of_every_flavour() {
        let src = r####"x("a\"b", b"c", c"d", r"e\", r#"f"g"#, br##"h"#i"##, cr"j", 'k', b'\'', '\u{1F600}', "multi
line")"####;
        let strs: Vec<&str> = kinds(src)
            .into_iter()
            .filter(|(k, _)| matches!(k, Kind::Str | Kind::Char))
            .map(|(_, t)| t)
            .collect();
        assert_eq!(
            strs,
            vec![
                r#""a\"b""#,
                r#"b"c""#,
                r#"c"d""#,
                r#"r"e\""#,
                r##"r#"f"g"#"##,
                r###"br##"h"#i"##"###,
                r#"cr"j""#,
                "'k'",
                r"b'\''",
                r"'\u{1F600}'",
                "\"multi\nline\""
            ]
        );
    }

    #[test]
    fn chars_versus_lifetimes() {
        let k = kinds("fn f<'a>(x: &'a str) -> char { 'a' } 'outer: loop {} '\\n' 'é' &'static");
        let lifetimes: Vec<&str> = k
            .iter()
            .filter(|(k, _)| *k == Kind::Lifetime)
            .map(|(_, t)| *t)
            .collect();
        let chars: Vec<&str> = k
            .iter()
            .filter(|(k, _)| *k == Kind::Char)
            .map(|(_, t)| *t)
            .collect();
        assert_eq!(lifetimes, vec!["'a", "'a", "'outer", "'static"]);
        assert_eq!(chars, vec!["'a'", "'\\n'", "'é'"]);
    }

    #[test]
    fn raw_identifiers_numbers_and_paths() {
        let k = kinds("r#type::r#fn 1.5e-3 0xFFu8 1..2 x.0 std::io");
        assert_eq!(k[0], (Kind::Ident, "type"));
        assert_eq!(k[1].0, Kind::PathSep);
        assert_eq!(k[2], (Kind::Ident, "fn"));
        assert_eq!(k[3], (Kind::Number, "1.5e-3"));
        assert_eq!(k[4], (Kind::Number, "0xFFu8"));
        assert_eq!(k[5], (Kind::Number, "1"));
        assert_eq!(k[6], (Kind::Punct(b'.'), "."));
        assert_eq!(k[8], (Kind::Number, "2"));
    }

    #[test]
    fn lines_are_counted_through_multiline_tokens() {
        let src = "a\n/* x\ny */ b\n\"s\n\nt\" c\nr#\"\n\"# d";
        let lines: Vec<(&str, u32)> = Lexer::new(src)
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| (&src[t.start..t.end], t.line))
            .collect();
        assert_eq!(lines, vec![("a", 1), ("b", 3), ("c", 6), ("d", 8)]);
    }

    #[test]
    fn unterminated_things_run_to_the_end() {
        for src in [
            "\"abc",
            "/* abc /* d */",
            "r#\"abc\"",
            "'",
            "b'",
            "'\\",
            "r#",
            "br",
            "#!",
        ] {
            let _ = kinds(src);
        }
        assert_eq!(kinds("\"abc").len(), 1);
        assert_eq!(kinds("x /* /* */").len(), 2);
    }

    #[test]
    fn shebang_is_skipped_but_inner_attributes_are_not() {
        assert_eq!(kinds("#!/usr/bin/env rust\nfn")[0], (Kind::Ident, "fn"));
        assert_eq!(kinds("#![forbid(x)]")[0], (Kind::Punct(b'#'), "#"));
    }

    #[test]
    fn string_contents() {
        assert_eq!(str_content(r#""abc""#), "abc");
        assert_eq!(str_content(r###"r##"a"b"##"###), "a\"b");
        assert_eq!(str_content("\"open"), "open");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_covers_input(src in "\\PC{0,200}") {
            let mut last = 0;
            for t in Lexer::new(&src) {
                proptest::prop_assert!(t.start >= last);
                proptest::prop_assert!(t.end <= src.len());
                proptest::prop_assert!(src.get(t.start..t.end).is_some());
                last = t.end;
            }
        }

        #[test]
        fn rust_shaped_input_never_panics(src in "[a-z'\"#r/*!\\\\{}()\\[\\]:;,. \n0-9_b]{0,300}") {
            for t in Lexer::new(&src) {
                proptest::prop_assert!(src.get(t.start..t.end).is_some());
            }
        }
    }
}
