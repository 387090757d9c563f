//! The commercetools query-predicate language (`where=` on REST, `where:` on GraphQL).
//!
//! This crate owns the *syntax* only: it turns predicate text into an [`Expr`] tree whose
//! every node carries the byte [`Span`] of its source, and sort parameters into a
//! [`SortExpr`]. It knows nothing about resources or fields: checking that `name.en` exists
//! on a product type, type-checking values, binding `:variables` and translating to SQL
//! happen in the crates that consume the AST. The parser has no dependencies, never
//! panics, rejects input longer than [`MAX_LEN`] bytes, nesting deeper than [`MAX_DEPTH`]
//! levels, more than [`MAX_TERMS`] tests and more than [`MAX_VALUES`] values, and reports errors as a [`ParseError`] pointing at the offending
//! byte. [`Expr`]'s `Display` prints a canonical predicate that parses back to the same
//! tree.
//!
//! # Grammar
//!
//! ```text
//! predicate   = disjunction EOF ;
//! disjunction = conjunction { "or" conjunction } ;          (* flattened: a or b or c *)
//! conjunction = unary { "and" unary } ;                     (* "and" binds tighter    *)
//! unary       = "not" "(" disjunction ")"                   (* Expr::Not              *)
//!             | "(" disjunction ")"                         (* no node of its own     *)
//!             | test ;
//! test        = path "(" disjunction ")"                    (* Expr::Nested           *)
//!             | path cmp-op value                           (* Expr::Compare          *)
//!             | path [ "not" ] "in" value-set               (* Expr::In               *)
//!             | path "contains" value                       (* Expr::Contains One     *)
//!             | path "contains" ( "any" | "all" ) value-set (* Expr::Contains Any/All *)
//!             | path "is" [ "not" ] "defined"               (* Expr::Defined          *)
//!             | path "is" [ "not" ] "empty"                 (* Expr::Empty            *)
//!             | path "within" "circle" "(" number "," number "," number ")" ;
//! cmp-op      = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" ;
//! value-set   = "(" value { "," value } ")" | variable ;
//! value       = string | number | "true" | "false" | variable ;
//! path        = ident { "." ident } ;
//! ident       = ( letter | "_" ) { letter | digit | "_" | "-" }
//!             | "`" { any character except "`" } "`" ;      (* non-empty; never a keyword *)
//! variable    = ":" ( letter | digit ) { letter | digit } ; (* no space after ":" *)
//! string      = '"' { character | escape } '"' ;
//! escape      = '\"' | '\\' | '\/' | '\n' | '\t' | '\r' | '\b' | '\f'
//!             | '\u' hex hex hex hex ;                      (* surrogate pairs joined *)
//! number      = [ "-" ] digit { digit } [ "." digit { digit } ]
//!               [ ( "e" | "E" ) [ "+" | "-" ] digit { digit } ] ;
//!               (* Int if it fits i64 with no fraction or exponent, else a finite Float *)
//! ```
//!
//! Keywords (`and or not in contains any all is defined empty true false within circle`,
//! and `asc desc` in sort expressions) are case-insensitive and reserved only where the
//! grammar expects them: `key`, `in` or `not` are fine field names. At the start of a
//! `unary`, `not` followed by `(` is the operator; otherwise it begins a path. Letters are
//! ASCII only; other field names must be backquoted. Spaces, tabs, CR and LF between
//! tokens are insignificant.
//!
//! Sort expressions: `sort = path [ "asc" | "desc" ] EOF` (ascending by default).

pub mod ast;
mod display;
mod lexer;
mod parser;

#[cfg(test)]
mod tests;

use std::fmt;

pub use ast::*;
pub use parser::{MAX_DEPTH, MAX_LEN, MAX_TERMS, MAX_VALUES};

/// A syntax error, with the span of the offending token (an empty span at the end of the
/// source for an unexpected end of input).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What went wrong, e.g. `unexpected end of predicate, expected a value`.
    pub message: String,
    /// Where; `span.start` is the byte offset to report.
    pub span: Span,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at position {}", self.message, self.span.start)
    }
}

impl std::error::Error for ParseError {}

/// A parsed sort parameter such as `createdAt desc`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortExpr {
    /// The field to sort by.
    pub path: Path,
    /// `desc` was given (the default is ascending).
    pub descending: bool,
}

/// Parses a query predicate such as `name(en = "big store") and version >= 2`.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parser::parse_predicate(src)
}

/// Parses a sort parameter: a field path optionally followed by `asc` or `desc`
/// (case-insensitive), e.g. `createdAt desc`, `name.en asc` or `key`.
pub fn parse_sort(src: &str) -> Result<SortExpr, ParseError> {
    parser::parse_sort_expr(src)
}
