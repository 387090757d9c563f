//! The abstract syntax tree of a query predicate. Every node keeps the byte span of the
//! source text it came from, so that validation errors can point at the offending part.

/// A half-open byte range `[start, end)` into the predicate source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One name in a field path, e.g. `stores` or `en`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A dotted field path such as `name.en` or `custom.fields.size` (at least one segment).
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

/// A literal or an input variable (`:name`, bound from the `var.name` query parameters).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Var(String),
}

/// A literal with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub lit: Literal,
    pub span: Span,
}

/// Comparison operators. `<>` is parsed as [`CmpOp::Ne`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The forms of `contains`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainsMode {
    /// `path contains value`
    One,
    /// `path contains any (v1, v2)`
    Any,
    /// `path contains all (v1, v2)`
    All,
}

/// A predicate expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `a or b or c` (two or more operands).
    Or(Vec<Expr>, Span),
    /// `a and b and c` (two or more operands).
    And(Vec<Expr>, Span),
    /// `not (a)`.
    Not(Box<Expr>, Span),
    /// `path op value`.
    Compare {
        path: Path,
        op: CmpOp,
        value: Value,
        span: Span,
    },
    /// `path in (v1, v2)`, `path not in (...)`, or `path in :var` (then `values` holds one `Var`).
    In {
        path: Path,
        negated: bool,
        values: Vec<Value>,
        span: Span,
    },
    /// `path contains v`, `path contains any (...)`, `path contains all (...)`.
    Contains {
        path: Path,
        mode: ContainsMode,
        values: Vec<Value>,
        span: Span,
    },
    /// `path is defined` / `path is not defined`.
    Defined {
        path: Path,
        negated: bool,
        span: Span,
    },
    /// `path is empty` / `path is not empty`.
    Empty {
        path: Path,
        negated: bool,
        span: Span,
    },
    /// `path(inner)`: the inner predicate applies to the nested object, or to any element
    /// when `path` is an array of objects.
    Nested {
        path: Path,
        inner: Box<Expr>,
        span: Span,
    },
    /// `path within circle(lng, lat, radiusMeters)`.
    WithinCircle {
        path: Path,
        lng: f64,
        lat: f64,
        radius: f64,
        span: Span,
    },
}

impl Expr {
    /// The span of the whole expression.
    pub fn span(&self) -> Span {
        match self {
            Expr::Or(_, s) | Expr::And(_, s) | Expr::Not(_, s) => *s,
            Expr::Compare { span, .. }
            | Expr::In { span, .. }
            | Expr::Contains { span, .. }
            | Expr::Defined { span, .. }
            | Expr::Empty { span, .. }
            | Expr::Nested { span, .. }
            | Expr::WithinCircle { span, .. } => *span,
        }
    }

    /// The number of tests in the expression (what [`crate::MAX_TERMS`] caps): every
    /// comparison, `in`, `contains`, `is …` and `within` counts one; `and`, `or`, `not` and
    /// nesting count nothing themselves.
    pub fn terms(&self) -> usize {
        match self {
            Expr::Or(items, _) | Expr::And(items, _) => items.iter().map(Expr::terms).sum(),
            Expr::Not(inner, _) | Expr::Nested { inner, .. } => inner.terms(),
            Expr::Compare { .. }
            | Expr::In { .. }
            | Expr::Contains { .. }
            | Expr::Defined { .. }
            | Expr::Empty { .. }
            | Expr::WithinCircle { .. } => 1,
        }
    }
}

impl Path {
    /// The segment names joined with `.`, e.g. `name.en` (no quoting).
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join(".")
    }
}

impl CmpOp {
    /// The operator as written in a predicate (`Ne` is written `!=`).
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}
