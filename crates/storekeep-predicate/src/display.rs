//! Canonical printing of the AST. The output is itself a valid predicate that parses back
//! to the same tree (spans aside): keywords in lower case, single spaces, `<>` printed as
//! `!=`, and an `and`/`or` operand that is itself an `and`/`or` wrapped in parentheses, so
//! the grouping is always explicit: `a = 1 or (b = 2 and c = 3)`.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{CmpOp, ContainsMode, Expr, Ident, Literal, Path, Value};
use crate::lexer::{is_ident_continue, is_ident_start};

fn is_bare(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_ident_start) && chars.all(is_ident_continue)
}

fn write_ident(f: &mut Formatter<'_>, name: &str, force_quotes: bool) -> fmt::Result {
    if is_bare(name) && !force_quotes {
        f.write_str(name)
    } else {
        write!(f, "`{name}`")
    }
}

/// Prints the path; with `nested`, a leading `not` segment is backquoted so that
/// `not(...)` is not read back as the `not` operator.
fn write_path(f: &mut Formatter<'_>, path: &Path, nested: bool) -> fmt::Result {
    for (i, seg) in path.segments.iter().enumerate() {
        if i > 0 {
            f.write_char('.')?;
        }
        let force = nested && i == 0 && seg.name.eq_ignore_ascii_case("not");
        write_ident(f, &seg.name, force)?;
    }
    Ok(())
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_ident(f, &self.name, false)
    }
}

impl Display for Path {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_path(f, self, false)
    }
}

impl Display for CmpOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => {
                f.write_char('"')?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        '\r' => f.write_str("\\r")?,
                        c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
                        c => f.write_char(c)?,
                    }
                }
                f.write_char('"')
            }
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Var(v) => write!(f, ":{v}"),
        }
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.lit.fmt(f)
    }
}

/// `("a", "b")`, or `:var` for a single variable.
fn write_set(f: &mut Formatter<'_>, values: &[Value]) -> fmt::Result {
    if let [Value {
        lit: Literal::Var(v),
        ..
    }] = values
    {
        return write!(f, ":{v}");
    }
    f.write_char('(')?;
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        v.fmt(f)?;
    }
    f.write_char(')')
}

fn write_junction(f: &mut Formatter<'_>, items: &[Expr], keyword: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            write!(f, " {keyword} ")?;
        }
        if matches!(item, Expr::Or(..) | Expr::And(..)) {
            write!(f, "({item})")?;
        } else {
            item.fmt(f)?;
        }
    }
    Ok(())
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Or(items, _) => write_junction(f, items, "or"),
            Expr::And(items, _) => write_junction(f, items, "and"),
            Expr::Not(inner, _) => write!(f, "not ({inner})"),
            Expr::Compare {
                path, op, value, ..
            } => write!(f, "{path} {op} {value}"),
            Expr::In {
                path,
                negated,
                values,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                write!(f, "{path} {not}in ")?;
                write_set(f, values)
            }
            Expr::Contains {
                path, mode, values, ..
            } => match mode {
                ContainsMode::One => match values.as_slice() {
                    [v] => write!(f, "{path} contains {v}"),
                    _ => {
                        write!(f, "{path} contains any ")?;
                        write_set(f, values)
                    }
                },
                ContainsMode::Any => {
                    write!(f, "{path} contains any ")?;
                    write_set(f, values)
                }
                ContainsMode::All => {
                    write!(f, "{path} contains all ")?;
                    write_set(f, values)
                }
            },
            Expr::Defined { path, negated, .. } => {
                let not = if *negated { "not " } else { "" };
                write!(f, "{path} is {not}defined")
            }
            Expr::Empty { path, negated, .. } => {
                let not = if *negated { "not " } else { "" };
                write!(f, "{path} is {not}empty")
            }
            Expr::Nested { path, inner, .. } => {
                write_path(f, path, true)?;
                write!(f, "({inner})")
            }
            Expr::WithinCircle {
                path,
                lng,
                lat,
                radius,
                ..
            } => write!(f, "{path} within circle({lng}, {lat}, {radius})"),
        }
    }
}
