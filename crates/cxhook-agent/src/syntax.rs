//! The scanner shared by the parsers of references, conditions, system functions and
//! templates, and the error they all report.
//!
//! The four grammars interleave (a condition holds function calls, a function's quoted
//! argument is a template, `IF`'s first argument is a condition), so they read one text with
//! one cursor and report positions the same way: the column, counted in characters from
//! 1, of the text the agent file holds (JSON escapes such as `\u003c` already decoded).

use std::fmt;

/// A text that does not parse: where, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    source: String,
    column: usize,
    message: String,
    unsupported: bool,
}

impl ParseError {
    /// The column (in characters, from 1) where the problem is.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong, such as "expected a comparison operator, found `FOO`".
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The text that failed to parse.
    pub fn source_text(&self) -> &str {
        &self.source
    }

    /// Whether the text is valid for CX but calls a system function this crate does not
    /// implement (such as `$sys.func.NOW`), rather than being malformed.
    pub fn is_unsupported(&self) -> bool {
        self.unsupported
    }

    /// This error, marked as one of a function CX has and this crate does not implement.
    pub(crate) fn unsupported(self) -> Self {
        Self {
            unsupported: true,
            ..self
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at column {} of `{}`",
            self.message, self.column, self.source
        )
    }
}

impl std::error::Error for ParseError {}

/// A position in a text being parsed.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Self { src, pos: 0 }
    }

    /// The byte offset of the cursor.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub(crate) fn src(&self) -> &'a str {
        self.src
    }

    pub(crate) fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(crate) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub(crate) fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Consumes `s` if the text continues with it.
    pub(crate) fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Consumes `c` or fails saying it was expected.
    pub(crate) fn expect(&mut self, c: char) -> Result<(), ParseError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(&format!("`{c}`")))
        }
    }

    /// Consumes a keyword (`AND`, `OR`, `NOT`) if it stands alone at the cursor.
    pub(crate) fn eat_keyword(&mut self, keyword: &str) -> bool {
        let rest = self.rest();
        if rest.starts_with(keyword) && !rest[keyword.len()..].starts_with(is_ident_char) {
            self.pos += keyword.len();
            true
        } else {
            false
        }
    }

    /// A parameter name or field: letters, digits, `_` and `-` (the characters CX allows in
    /// parameter names, less `.`, which separates fields here).
    pub(crate) fn ident(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let len = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
        (len > 0).then(|| {
            self.pos += len;
            &rest[..len]
        })
    }

    /// A double-quoted string, the cursor on its opening quote. A backslash takes the next
    /// character literally: `\"`, `\\`, and `\,` as Google's Hosier Lane agent writes it.
    pub(crate) fn quoted(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.expect('"')?;
        let mut out = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some(c) => out.push(c),
                    None => break,
                },
                Some(c) => out.push(c),
                None => break,
            }
        }
        Err(self.error_at(start, "unterminated string: expected a closing `\"`".into()))
    }

    /// A bare word: everything up to whitespace or one of `,()[]`.
    pub(crate) fn word(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| c.is_whitespace() || ",()[]".contains(c))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// What the cursor is on, for an error message.
    pub(crate) fn found(&self) -> String {
        let mut probe = self.clone();
        if probe.at_end() {
            return "the end".into();
        }
        let word = probe.word();
        if word.is_empty() {
            format!("`{}`", probe.peek().unwrap_or(' '))
        } else {
            format!("`{word}`")
        }
    }

    /// An error "expected WHAT, found …" at the cursor.
    pub(crate) fn expected(&self, what: &str) -> ParseError {
        self.error_at(self.pos, format!("expected {what}, found {}", self.found()))
    }

    pub(crate) fn error_at(&self, pos: usize, message: String) -> ParseError {
        ParseError {
            source: self.src.to_owned(),
            column: column_of(self.src, pos),
            message,
            unsupported: false,
        }
    }
}

/// Re-bases an error found in a text nested in another (a condition inside a quoted `IF`
/// argument) onto the outer text, whose nested text starts at byte `offset`.
pub(crate) fn nest(error: ParseError, outer: &str, offset: usize) -> ParseError {
    ParseError {
        source: outer.to_owned(),
        column: column_of(outer, offset) + error.column - 1,
        message: error.message,
        unsupported: error.unsupported,
    }
}

pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn column_of(src: &str, pos: usize) -> usize {
    src[..pos.min(src.len())].chars().count() + 1
}
