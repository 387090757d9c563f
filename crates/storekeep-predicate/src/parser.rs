//! The recursive-descent parser over the token vector produced by [`crate::lexer`].

use crate::ast::{CmpOp, ContainsMode, Expr, Ident, Literal, Path, Span, Value};
use crate::lexer::{snippet, tokenize, Tok, Token};
use crate::{ParseError, SortExpr};

/// The deepest allowed nesting of parentheses (groups, `not (...)` and `path(...)`).
pub const MAX_DEPTH: usize = 64;

/// The longest accepted source text, in bytes.
pub const MAX_LEN: usize = 64 * 1024;

/// The most tests (comparisons, `in`, `contains`, `is defined`, `is empty`, `within`) one
/// predicate may hold. The work of a query grows with its terms (each is evaluated for every
/// candidate row), so their number is capped; an `in` list is one term however long.
pub const MAX_TERMS: usize = 50;

/// The most values one predicate may hold (the values of all its comparisons and lists, a
/// variable counting as one). 500 is the API's page size limit: `id in (…)` can ask for a
/// full page.
pub const MAX_VALUES: usize = 500;

fn join(a: Span, b: Span) -> Span {
    Span {
        start: a.start,
        end: b.end,
    }
}

/// Rejects sources longer than [`MAX_LEN`], pointing at the first byte past the limit, and
/// sources with a NUL character (databases cannot hold it in text; PostgreSQL refuses it).
fn check_source(src: &str, what: &str) -> Result<(), ParseError> {
    if let Some(at) = src.find('\0') {
        return Err(ParseError {
            message: format!("{what} contains a NUL character"),
            span: Span {
                start: at,
                end: at + 1,
            },
        });
    }
    if src.len() <= MAX_LEN {
        return Ok(());
    }
    let mut start = MAX_LEN;
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    Err(ParseError {
        message: format!(
            "{what} too long: {} bytes, the maximum is {MAX_LEN}",
            src.len()
        ),
        span: Span {
            start,
            end: src.len(),
        },
    })
}

/// Parses a whole predicate.
pub(crate) fn parse_predicate(src: &str) -> Result<Expr, ParseError> {
    check_source(src, "predicate")?;
    let mut p = Parser::new(src, "predicate");
    if p.peek().tok == Tok::Eof {
        return Err(ParseError {
            message: "empty predicate".into(),
            span: Span {
                start: 0,
                end: src.len(),
            },
        });
    }
    let (expr, _) = p.disjunction()?;
    p.expect_end("'and', 'or' or end of predicate")?;
    Ok(expr)
}

/// Parses a sort expression: `path [asc|desc]`.
pub(crate) fn parse_sort_expr(src: &str) -> Result<SortExpr, ParseError> {
    check_source(src, "sort expression")?;
    let mut p = Parser::new(src, "sort expression");
    if p.peek().tok == Tok::Eof {
        return Err(ParseError {
            message: "empty sort expression".into(),
            span: Span {
                start: 0,
                end: src.len(),
            },
        });
    }
    let path = p.path("a field path")?;
    let descending = if p.eat_kw("desc").is_some() {
        true
    } else if p.eat_kw("asc").is_some() || p.peek().tok == Tok::Eof {
        false
    } else {
        return Err(p.unexpected("'asc', 'desc' or end of sort expression"));
    };
    p.expect_end("end of sort expression")?;
    Ok(SortExpr { path, descending })
}

struct Parser<'a> {
    src: &'a str,
    /// "predicate" or "sort expression", for messages.
    what: &'static str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Tests and values read so far (capped at [`MAX_TERMS`] and [`MAX_VALUES`]).
    terms: usize,
    values: usize,
    eof: Token,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, what: &'static str) -> Self {
        let end = Span {
            start: src.len(),
            end: src.len(),
        };
        Parser {
            src,
            what,
            toks: tokenize(src),
            pos: 0,
            depth: 0,
            terms: 0,
            values: 0,
            eof: Token {
                tok: Tok::Eof,
                span: end,
            },
        }
    }

    fn peek(&self) -> &Token {
        self.toks.get(self.pos).unwrap_or(&self.eof)
    }

    fn peek2(&self) -> &Token {
        self.toks.get(self.pos + 1).unwrap_or(&self.eof)
    }

    /// Consumes the current token. `Eof` and `Error` are never consumed.
    fn bump(&mut self) -> Token {
        let token = self.peek().clone();
        if !matches!(token.tok, Tok::Eof | Tok::Error(_)) {
            self.pos += 1;
        }
        token
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> Option<Span> {
        self.at_kw(kw).then(|| self.bump().span)
    }

    fn eat(&mut self, tok: &Tok) -> Option<Span> {
        (self.peek().tok == *tok).then(|| self.bump().span)
    }

    fn expect(&mut self, tok: &Tok, expected: &str) -> Result<Span, ParseError> {
        self.eat(tok).ok_or_else(|| self.unexpected(expected))
    }

    fn expect_kw(&mut self, kw: &str, expected: &str) -> Result<Span, ParseError> {
        self.eat_kw(kw).ok_or_else(|| self.unexpected(expected))
    }

    fn expect_end(&self, expected: &str) -> Result<(), ParseError> {
        match self.peek().tok {
            Tok::Eof => Ok(()),
            _ => Err(self.unexpected(expected)),
        }
    }

    /// The error for the current token, which is not one of `expected`. A lexical error
    /// token reports itself.
    fn unexpected(&self, expected: &str) -> ParseError {
        let token = self.peek();
        let message = match &token.tok {
            Tok::Error(e) => return e.clone(),
            Tok::Eof => format!("unexpected end of {}, expected {expected}", self.what),
            _ => {
                let text = self.src.get(token.span.start..token.span.end).unwrap_or("");
                format!("unexpected token '{}', expected {expected}", snippet(text))
            }
        };
        ParseError {
            message,
            span: token.span,
        }
    }

    /// `disjunction := conjunction ("or" conjunction)*`. Returns the expression and the
    /// span of its source text (which includes enclosing parentheses of a group).
    fn disjunction(&mut self) -> Result<(Expr, Span), ParseError> {
        let (first, first_span) = self.conjunction()?;
        if !self.at_kw("or") {
            return Ok((first, first_span));
        }
        let mut items = vec![first];
        let mut span = first_span;
        while self.eat_kw("or").is_some() {
            let (next, next_span) = self.conjunction()?;
            items.push(next);
            span = join(span, next_span);
        }
        Ok((Expr::Or(items, span), span))
    }

    /// `conjunction := unary ("and" unary)*`.
    fn conjunction(&mut self) -> Result<(Expr, Span), ParseError> {
        let (first, first_span) = self.unary()?;
        if !self.at_kw("and") {
            return Ok((first, first_span));
        }
        let mut items = vec![first];
        let mut span = first_span;
        while self.eat_kw("and").is_some() {
            let (next, next_span) = self.unary()?;
            items.push(next);
            span = join(span, next_span);
        }
        Ok((Expr::And(items, span), span))
    }

    /// `unary := "not" "(" disjunction ")" | "(" disjunction ")" | test`.
    fn unary(&mut self) -> Result<(Expr, Span), ParseError> {
        if self.at_kw("not") && self.peek2().tok == Tok::LParen {
            let start = self.bump().span;
            let open = self.bump().span;
            let (inner, close) = self.group(open)?;
            let span = join(start, close);
            return Ok((Expr::Not(Box::new(inner), span), span));
        }
        if let Some(open) = self.eat(&Tok::LParen) {
            let (inner, close) = self.group(open)?;
            return Ok((inner, join(open, close)));
        }
        let test = self.test()?;
        let span = test.span();
        Ok((test, span))
    }

    /// The inside of a parenthesis opened at `open`, and the closing parenthesis.
    fn group(&mut self, open: Span) -> Result<(Expr, Span), ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError {
                message: format!("predicate nested too deeply (the limit is {MAX_DEPTH} levels)"),
                span: open,
            });
        }
        self.depth += 1;
        let (inner, _) = self.disjunction()?;
        self.depth -= 1;
        let close = self.expect(&Tok::RParen, "'and', 'or' or ')'")?;
        Ok((inner, close))
    }

    /// A field path followed by an operator.
    fn test(&mut self) -> Result<Expr, ParseError> {
        let path = self.path("a field path, 'not' or '('")?;
        if self.peek().tok != Tok::LParen {
            self.terms += 1;
            if self.terms > MAX_TERMS {
                return Err(ParseError {
                    message: format!(
                        "predicate has too many terms (the limit is {MAX_TERMS} comparisons)"
                    ),
                    span: path.span,
                });
            }
        }
        let token = self.peek().clone();
        let kw = match &token.tok {
            Tok::LParen => {
                self.bump();
                let (inner, close) = self.group(token.span)?;
                let span = join(path.span, close);
                let inner = Box::new(inner);
                return Ok(Expr::Nested { path, inner, span });
            }
            Tok::Op(op) => {
                self.bump();
                let value = self.value()?;
                let span = join(path.span, value.span);
                let op: CmpOp = *op;
                return Ok(Expr::Compare {
                    path,
                    op,
                    value,
                    span,
                });
            }
            Tok::Ident(kw) => kw.to_ascii_lowercase(),
            _ => String::new(),
        };
        match kw.as_str() {
            "in" | "not" => {
                self.bump();
                let negated = kw == "not";
                if negated {
                    self.expect_kw("in", "'in' after 'not'")?;
                }
                let after = if negated { "'not in'" } else { "'in'" };
                let (values, end) = self.value_set(after)?;
                let span = join(path.span, end);
                Ok(Expr::In {
                    path,
                    negated,
                    values,
                    span,
                })
            }
            "contains" => {
                self.bump();
                let (mode, values, end) = if self.eat_kw("any").is_some() {
                    let (values, end) = self.value_set("'contains any'")?;
                    (ContainsMode::Any, values, end)
                } else if self.eat_kw("all").is_some() {
                    let (values, end) = self.value_set("'contains all'")?;
                    (ContainsMode::All, values, end)
                } else {
                    let value = self.value()?;
                    let end = value.span;
                    (ContainsMode::One, vec![value], end)
                };
                let span = join(path.span, end);
                Ok(Expr::Contains {
                    path,
                    mode,
                    values,
                    span,
                })
            }
            "is" => {
                self.bump();
                let negated = self.eat_kw("not").is_some();
                let (defined, end) = if let Some(end) = self.eat_kw("defined") {
                    (true, end)
                } else if let Some(end) = self.eat_kw("empty") {
                    (false, end)
                } else if negated {
                    return Err(self.unexpected("'defined' or 'empty' after 'is not'"));
                } else {
                    return Err(self.unexpected("'defined', 'empty' or 'not' after 'is'"));
                };
                let span = join(path.span, end);
                Ok(if defined {
                    Expr::Defined {
                        path,
                        negated,
                        span,
                    }
                } else {
                    Expr::Empty {
                        path,
                        negated,
                        span,
                    }
                })
            }
            "within" => {
                self.bump();
                self.expect_kw("circle", "'circle' after 'within'")?;
                self.expect(&Tok::LParen, "'(' after 'within circle'")?;
                let lng = self.number()?;
                self.expect(&Tok::Comma, "','")?;
                let lat = self.number()?;
                self.expect(&Tok::Comma, "','")?;
                let radius = self.number()?;
                let close = self.expect(&Tok::RParen, "')'")?;
                let span = join(path.span, close);
                Ok(Expr::WithinCircle {
                    path,
                    lng,
                    lat,
                    radius,
                    span,
                })
            }
            _ => Err(self.unexpected(&format!(
                "an operator after field path '{}'",
                snippet(&path.dotted())
            ))),
        }
    }

    /// `path := ident ("." ident)*`; `expected` describes what may stand at its start.
    pub(crate) fn path(&mut self, expected: &str) -> Result<Path, ParseError> {
        let first = self.ident().ok_or_else(|| self.unexpected(expected))?;
        let mut span = first.span;
        let mut segments = vec![first];
        while self.eat(&Tok::Dot).is_some() {
            let next = self
                .ident()
                .ok_or_else(|| self.unexpected("a field name after '.'"))?;
            span = join(span, next.span);
            segments.push(next);
        }
        Ok(Path { segments, span })
    }

    fn ident(&mut self) -> Option<Ident> {
        match &self.peek().tok {
            Tok::Ident(name) | Tok::Quoted(name) => {
                let name = name.clone();
                let span = self.bump().span;
                Some(Ident { name, span })
            }
            _ => None,
        }
    }

    /// `value := string | number | "true" | "false" | ":" varname`.
    fn value(&mut self) -> Result<Value, ParseError> {
        let token = self.peek();
        let at = token.span;
        let lit = match &token.tok {
            Tok::Str(s) => Literal::Str(s.clone()),
            Tok::Int(i) => Literal::Int(*i),
            Tok::Float(f) => Literal::Float(*f),
            Tok::Var(v) => Literal::Var(v.clone()),
            Tok::Ident(k) if k.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Tok::Ident(k) if k.eq_ignore_ascii_case("false") => Literal::Bool(false),
            _ => return Err(self.unexpected("a value")),
        };
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(ParseError {
                message: format!("predicate has too many values (the limit is {MAX_VALUES})"),
                span: at,
            });
        }
        let span = self.bump().span;
        Ok(Value { lit, span })
    }

    /// `"(" value ("," value)* ")"` or a single variable; returns the values and the span
    /// of the last token.
    fn value_set(&mut self, after: &str) -> Result<(Vec<Value>, Span), ParseError> {
        if matches!(self.peek().tok, Tok::Var(_)) {
            let value = self.value()?;
            let end = value.span;
            return Ok((vec![value], end));
        }
        self.expect(&Tok::LParen, &format!("'(' or a variable after {after}"))?;
        let mut values = vec![self.value()?];
        while self.eat(&Tok::Comma).is_some() {
            values.push(self.value()?);
        }
        let close = self.expect(&Tok::RParen, "',' or ')'")?;
        Ok((values, close))
    }

    fn number(&mut self) -> Result<f64, ParseError> {
        let n = match self.peek().tok {
            Tok::Int(i) => i as f64,
            Tok::Float(f) => f,
            _ => return Err(self.unexpected("a number")),
        };
        self.bump();
        Ok(n)
    }
}
