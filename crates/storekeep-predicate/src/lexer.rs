//! The tokenizer. It turns the whole source into a token vector up front; a lexical error
//! becomes a final [`Tok::Error`] token so that the parser reports whichever error comes
//! first in the source (a syntax error before a malformed string wins over the string).

use crate::ast::{CmpOp, Span};
use crate::ParseError;

/// One token kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A bare identifier; keywords are bare identifiers compared case-insensitively.
    Ident(String),
    /// A backquoted identifier (`` `odd name` ``); never a keyword.
    Quoted(String),
    /// A string literal, escapes already resolved.
    Str(String),
    Int(i64),
    Float(f64),
    /// `:name`, without the colon.
    Var(String),
    LParen,
    RParen,
    Comma,
    Dot,
    Op(CmpOp),
    Eof,
    /// A lexical error; always the last token.
    Error(ParseError),
}

/// A token with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Tokenizes `src`. The result always ends with exactly one `Eof` or `Error` token.
pub(crate) fn tokenize(src: &str) -> Vec<Token> {
    let mut lexer = Lexer { src, pos: 0 };
    let mut out = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(token) => {
                let end = token.tok == Tok::Eof;
                out.push(token);
                if end {
                    break;
                }
            }
            Err(e) => {
                out.push(Token {
                    span: e.span,
                    tok: Tok::Error(e),
                });
                break;
            }
        }
    }
    out
}

fn span(start: usize, end: usize) -> Span {
    Span { start, end }
}

fn err(message: impl Into<String>, start: usize, end: usize) -> ParseError {
    ParseError {
        message: message.into(),
        span: span(start, end),
    }
}

/// Shortens `text` for quoting in an error message (at most 32 characters).
pub(crate) fn snippet(text: &str) -> String {
    const MAX: usize = 32;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", text.get(..cut).unwrap_or("")),
        None => text.to_owned(),
    }
}

/// Is `c` allowed after the first character of a bare identifier?
pub(crate) fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Is `c` allowed as the first character of a bare identifier?
pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn byte_at(&self, offset: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + offset).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes characters while `pred` holds; returns how many were consumed.
    fn eat_while(&mut self, pred: impl Fn(char) -> bool) -> usize {
        let mut n = 0;
        while self.peek().is_some_and(&pred) {
            self.bump();
            n += 1;
        }
        n
    }

    fn text(&self, start: usize) -> &str {
        self.src.get(start..self.pos).unwrap_or("")
    }

    fn next_token(&mut self) -> Result<Token, ParseError> {
        self.eat_while(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: span(start, start),
            });
        };
        let tok = match c {
            '(' | ')' | ',' | '.' | '=' => {
                self.bump();
                match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    '.' => Tok::Dot,
                    _ => Tok::Op(CmpOp::Eq),
                }
            }
            '!' if self.byte_at(1) == Some(b'=') => {
                self.pos += 2;
                Tok::Op(CmpOp::Ne)
            }
            '<' => {
                let (op, len) = match self.byte_at(1) {
                    Some(b'>') => (CmpOp::Ne, 2),
                    Some(b'=') => (CmpOp::Le, 2),
                    _ => (CmpOp::Lt, 1),
                };
                self.pos += len;
                Tok::Op(op)
            }
            '>' => {
                let (op, len) = match self.byte_at(1) {
                    Some(b'=') => (CmpOp::Ge, 2),
                    _ => (CmpOp::Gt, 1),
                };
                self.pos += len;
                Tok::Op(op)
            }
            '"' => self.string(start)?,
            '`' => self.quoted_ident(start)?,
            ':' => self.variable(start)?,
            '-' | '0'..='9' => self.number(start)?,
            c if is_ident_start(c) => {
                self.eat_while(is_ident_continue);
                Tok::Ident(self.text(start).to_owned())
            }
            other => {
                return Err(err(
                    format!("unexpected character '{}'", other.escape_debug()),
                    start,
                    start + other.len_utf8(),
                ))
            }
        };
        Ok(Token {
            tok,
            span: span(start, self.pos),
        })
    }

    fn string(&mut self, start: usize) -> Result<Tok, ParseError> {
        self.bump(); // the opening quote
        let mut out = String::new();
        loop {
            let here = self.pos;
            let Some(c) = self.bump() else {
                return Err(err("unterminated string", start, self.pos));
            };
            match c {
                '"' => return Ok(Tok::Str(out)),
                '\\' => match self.escape(start, here)? {
                    '\0' => return Err(err("the NUL character is not allowed", here, self.pos)),
                    c => out.push(c),
                },
                c => out.push(c),
            }
        }
    }

    /// Resolves one escape; the backslash at `esc` has been consumed.
    fn escape(&mut self, start: usize, esc: usize) -> Result<char, ParseError> {
        let c = match self.bump() {
            None => return Err(err("unterminated string", start, self.pos)),
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('u') => return self.unicode_escape(esc),
            Some(other) => {
                return Err(err(
                    format!("invalid escape '\\{}' in string", other.escape_debug()),
                    esc,
                    self.pos,
                ))
            }
        };
        Ok(c)
    }

    fn unicode_escape(&mut self, esc: usize) -> Result<char, ParseError> {
        let high = self.hex4(esc)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            // A UTF-16 surrogate pair must follow as `\uDC00`..`\uDFFF`.
            let low_start = self.pos;
            if self.byte_at(0) != Some(b'\\') || self.byte_at(1) != Some(b'u') {
                return Err(err("unpaired surrogate in unicode escape", esc, self.pos));
            }
            self.pos += 2;
            let low = self.hex4(low_start)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(err("unpaired surrogate in unicode escape", esc, self.pos));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code)
            .ok_or_else(|| err("unpaired surrogate in unicode escape", esc, self.pos))
    }

    fn hex4(&mut self, esc: usize) -> Result<u32, ParseError> {
        let mut value = 0u32;
        for _ in 0..4 {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    value = value * 16 + d;
                    self.pos += 1;
                }
                None => {
                    return Err(err(
                        "invalid unicode escape, expected 4 hex digits after '\\u'",
                        esc,
                        self.pos,
                    ))
                }
            }
        }
        Ok(value)
    }

    fn quoted_ident(&mut self, start: usize) -> Result<Tok, ParseError> {
        self.bump(); // the opening backquote
        self.eat_while(|c| c != '`');
        if self.bump().is_none() {
            return Err(err("unterminated quoted field name", start, self.pos));
        }
        let name = self.src.get(start + 1..self.pos - 1).unwrap_or("");
        if name.is_empty() {
            return Err(err("empty quoted field name", start, self.pos));
        }
        Ok(Tok::Quoted(name.to_owned()))
    }

    fn variable(&mut self, start: usize) -> Result<Tok, ParseError> {
        self.bump(); // the colon
        if self.eat_while(|c| c.is_ascii_alphanumeric()) == 0 {
            return Err(err("expected a variable name after ':'", start, self.pos));
        }
        Ok(Tok::Var(self.text(start + 1).to_owned()))
    }

    fn number(&mut self, start: usize) -> Result<Tok, ParseError> {
        if self.peek() == Some('-') {
            self.bump();
        }
        if self.eat_while(|c| c.is_ascii_digit()) == 0 {
            return Err(err("unexpected character '-'", start, start + 1));
        }
        let mut integral = true;
        if self.peek() == Some('.') {
            self.bump();
            if self.eat_while(|c| c.is_ascii_digit()) == 0 {
                return Err(err("expected digits after '.' in number", start, self.pos));
            }
            integral = false;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if self.eat_while(|c| c.is_ascii_digit()) == 0 {
                return Err(err("expected digits in number exponent", start, self.pos));
            }
            integral = false;
        }
        if self
            .peek()
            .is_some_and(|c| is_ident_continue(c) || c == '.')
        {
            self.eat_while(|c| is_ident_continue(c) || c == '.');
            return Err(err(
                format!("invalid number '{}'", snippet(self.text(start))),
                start,
                self.pos,
            ));
        }
        let text = self.text(start);
        if integral {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Tok::Int(i));
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Tok::Float(f)),
            _ => Err(err(
                format!("number '{}' is out of range", snippet(text)),
                start,
                self.pos,
            )),
        }
    }
}
