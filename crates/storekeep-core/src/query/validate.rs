//! Predicate validation: resolves every path of a parsed predicate against a field map, binds
//! input variables and checks value types. Errors are `InvalidInput` and point at the position
//! in the predicate.

use std::cell::Cell;
use std::collections::HashMap;

use storekeep_predicate as pred;
use storekeep_predicate::{ContainsMode, Expr, Literal, Path, Value};

use super::fields::{FieldType, Schema};
use super::filter::{Base, CmpOp, FieldRef, Filter, Scalar, ScalarKind, SortKey, ValidFilter};
use crate::error::ApiError;

/// Input variables from `var.<name>` query parameters (a name may repeat).
pub type Vars = HashMap<String, Vec<String>>;

/// How much of a predicate an error message quotes: the text around the error's position,
/// at most this many bytes before it and twice as many from it on. A predicate may be 64 KiB;
/// an error (whose message the API repeats in `message` and `errors[].message`) quotes a
/// short excerpt only.
const EXCERPT_BEFORE: usize = 24;

/// A short excerpt of `src` around byte offset `at`, with `...` where it was cut.
pub(crate) fn excerpt(src: &str, at: usize) -> String {
    let floor = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at.saturating_sub(EXCERPT_BEFORE));
    let end = floor(at.saturating_add(2 * EXCERPT_BEFORE));
    let cut_start = if start > 0 { "..." } else { "" };
    let cut_end = if end < src.len() { "..." } else { "" };
    format!("{cut_start}{}{cut_end}", src.get(start..end).unwrap_or(""))
}

/// Parse and validate one `where` predicate against a schema.
pub fn validate_predicate(src: &str, schema: Schema, vars: &Vars) -> Result<ValidFilter, ApiError> {
    validate_counted(src, schema, vars).map(|(f, _)| f)
}

/// [`validate_predicate`], and the number of terms of the predicate.
pub(crate) fn validate_counted(
    src: &str,
    schema: Schema,
    vars: &Vars,
) -> Result<(ValidFilter, usize), ApiError> {
    let expr = pred::parse(src).map_err(|e| {
        ApiError::InvalidInput(format!(
            "Malformed parameter: where: {e}. Predicate: {}",
            excerpt(src, e.span.start)
        ))
    })?;
    let ctx = Ctx {
        src,
        vars,
        bound: Cell::new(0),
    };
    let scope = Scope {
        schema,
        base: Base::Row,
        prefix: Vec::new(),
        top: true,
        open: None,
    };
    let filter = ctx.expr(&expr, &scope, 0)?;
    Ok((ValidFilter(filter), expr.terms()))
}

/// Parse and validate one `sort` parameter against a schema.
pub fn validate_sort(src: &str, schema: Schema) -> Result<SortKey, ApiError> {
    let sort = pred::parse_sort(src)
        .map_err(|e| ApiError::InvalidInput(format!("Malformed parameter: sort: {e}.")))?;
    let scope = Scope {
        schema,
        base: Base::Row,
        prefix: Vec::new(),
        top: true,
        open: None,
    };
    let resolved = resolve(&sort.path, &scope)
        .map_err(|m| ApiError::InvalidInput(format!("Malformed parameter: sort: {m}.")))?;
    match resolved {
        Resolved::Scalar(field) => Ok(SortKey {
            field,
            descending: sort.descending,
        }),
        _ => Err(ApiError::InvalidInput(format!(
            "Malformed parameter: sort: '{}' is not a sortable field.",
            path_text(&sort.path)
        ))),
    }
}

/// Where a path is resolved: the schema, the base (row or array element) and the JSON prefix.
#[derive(Clone)]
struct Scope {
    schema: Schema,
    base: Base,
    prefix: Vec<String>,
    top: bool,
    /// `Some(kind)`: the object's keys are open (locales, custom fields); any path is a leaf
    /// of this kind.
    open: Option<ScalarKind>,
}

/// What a path resolved to.
enum Resolved {
    Scalar(FieldRef),
    /// An object (nested schema, known or dynamic) reachable with `Nested`.
    Object(Scope),
    /// A localized string: `name(en = "x")` or `name.en = "x"`.
    Localized(FieldRef),
    ObjectArray(FieldRef, Schema),
    ScalarArray(FieldRef, ScalarKind),
}

fn kind_of(ty: &FieldType) -> ScalarKind {
    match ty {
        FieldType::Number => ScalarKind::Number,
        FieldType::Bool => ScalarKind::Bool,
        FieldType::Dynamic => ScalarKind::Any,
        _ => ScalarKind::Text,
    }
}

fn path_text(p: &Path) -> String {
    p.segments
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

fn resolve(path: &Path, scope: &Scope) -> Result<Resolved, String> {
    if let Some(kind) = scope.open {
        if kind == ScalarKind::Text && path.segments.len() != 1 {
            return Err(format!("Unknown field '{}'", path_text(path)));
        }
        let mut json = scope.prefix.clone();
        json.extend(path.segments.iter().map(|s| s.name.clone()));
        return Ok(Resolved::Scalar(FieldRef {
            base: scope.base,
            column: None,
            path: json,
            kind,
        }));
    }
    let mut schema = scope.schema;
    let mut json: Vec<String> = scope.prefix.clone();
    let mut top = scope.top;
    let segs = &path.segments;
    let mut i = 0;
    while i < segs.len() {
        let name = segs[i].name.as_str();
        let last = i + 1 == segs.len();
        let Some(field) = schema.field(name) else {
            return Err(format!("Unknown field '{}'", path_text(path)));
        };
        let fref = |json: &Vec<String>| FieldRef {
            base: scope.base,
            column: if top { field.column } else { None },
            path: if top && field.column.is_some() {
                Vec::new()
            } else {
                json.clone()
            },
            kind: kind_of(&field.ty),
        };
        json.push(name.to_string());
        match field.ty {
            FieldType::String | FieldType::DateTime | FieldType::Number | FieldType::Bool => {
                if !last {
                    return Err(format!("'{}' is not an object", name));
                }
                return Ok(Resolved::Scalar(fref(&json)));
            }
            FieldType::LocalizedString => {
                if last {
                    return Ok(Resolved::Localized(fref(&json)));
                }
                if i + 2 != segs.len() {
                    return Err(format!("Unknown field '{}'", path_text(path)));
                }
                json.push(segs[i + 1].name.clone());
                return Ok(Resolved::Scalar(FieldRef {
                    base: scope.base,
                    column: None,
                    path: json,
                    kind: ScalarKind::Text,
                }));
            }
            FieldType::Object(inner) => {
                if last {
                    return Ok(Resolved::Object(Scope {
                        schema: inner,
                        base: scope.base,
                        prefix: json,
                        top: false,
                        open: None,
                    }));
                }
                schema = inner;
                top = false;
            }
            FieldType::Dynamic => {
                // Custom fields: every remaining segment is a JSON key; the leaf is any scalar.
                for s in &segs[i + 1..] {
                    json.push(s.name.clone());
                }
                if last {
                    return Ok(Resolved::Object(Scope {
                        schema: Schema(&[]),
                        base: scope.base,
                        prefix: json,
                        top: false,
                        open: Some(ScalarKind::Any),
                    }));
                }
                return Ok(Resolved::Scalar(FieldRef {
                    base: scope.base,
                    column: None,
                    path: json,
                    kind: ScalarKind::Any,
                }));
            }
            FieldType::Array(inner) => {
                if !last {
                    return Err(format!("'{}' is an array of values", name));
                }
                // The reference's kind is the elements' kind (what `contains` compares).
                let elems = FieldRef {
                    kind: kind_of(inner),
                    ..fref(&json)
                };
                return Ok(Resolved::ScalarArray(elems, kind_of(inner)));
            }
            FieldType::ObjectArray(inner) => {
                if !last {
                    return Err(format!(
                        "'{name}' is an array; use '{name}(...)' to match its elements"
                    ));
                }
                return Ok(Resolved::ObjectArray(fref(&json), inner));
            }
        }
        i += 1;
    }
    Err(format!("Unknown field '{}'", path_text(path)))
}

struct Ctx<'a> {
    src: &'a str,
    vars: &'a Vars,
    /// Values bound from input variables so far (capped at [`pred::MAX_VALUES`] like the
    /// values written in the predicate).
    bound: Cell<usize>,
}

impl Ctx<'_> {
    fn err(&self, at: pred::Span, msg: impl std::fmt::Display) -> ApiError {
        ApiError::InvalidInput(format!(
            "Malformed parameter: where: {msg} at position {}. Predicate: {}",
            at.start,
            excerpt(self.src, at.start)
        ))
    }

    fn expr(&self, e: &Expr, scope: &Scope, depth: u8) -> Result<Filter, ApiError> {
        match e {
            Expr::Or(items, _) => Ok(Filter::Or(self.all(items, scope, depth)?)),
            Expr::And(items, _) => Ok(Filter::And(self.all(items, scope, depth)?)),
            Expr::Not(inner, _) => Ok(Filter::Not(Box::new(self.expr(inner, scope, depth)?))),
            Expr::Compare {
                path, op, value, ..
            } => {
                let field = self.scalar(path, scope)?;
                let value = self.one_value(value, field.kind)?;
                Ok(Filter::Cmp {
                    field,
                    op: map_op(*op),
                    value,
                })
            }
            Expr::In {
                path,
                negated,
                values,
                ..
            } => {
                let field = self.scalar(path, scope)?;
                let values = self.values(values, field.kind)?;
                Ok(Filter::In {
                    field,
                    negated: *negated,
                    values,
                })
            }
            Expr::Contains {
                path, mode, values, ..
            } => {
                let (field, kind) =
                    match resolve(path, scope).map_err(|m| self.err(path.span, m))? {
                        Resolved::ScalarArray(f, k) => (f, k),
                        _ => {
                            return Err(self.err(
                                path.span,
                                format!("'{}' is not an array of values", path_text(path)),
                            ))
                        }
                    };
                let values = self.values(values, kind)?;
                if *mode == ContainsMode::One && values.len() != 1 {
                    return Err(self.err(path.span, "'contains' takes one value"));
                }
                Ok(Filter::Contains {
                    field,
                    all: *mode == ContainsMode::All,
                    values,
                })
            }
            Expr::Defined { path, negated, .. } => {
                let field = match resolve(path, scope).map_err(|m| self.err(path.span, m))? {
                    Resolved::Scalar(f)
                    | Resolved::Localized(f)
                    | Resolved::ObjectArray(f, _)
                    | Resolved::ScalarArray(f, _) => f,
                    Resolved::Object(s) => FieldRef {
                        base: s.base,
                        column: None,
                        path: s.prefix,
                        kind: ScalarKind::Any,
                    },
                };
                Ok(Filter::Defined {
                    field,
                    negated: *negated,
                })
            }
            Expr::Empty { path, negated, .. } => {
                match resolve(path, scope).map_err(|m| self.err(path.span, m))? {
                    Resolved::ObjectArray(f, _) | Resolved::ScalarArray(f, _) => {
                        Ok(Filter::Empty {
                            field: f,
                            negated: *negated,
                        })
                    }
                    _ => Err(self.err(path.span, format!("'{}' is not an array", path_text(path)))),
                }
            }
            Expr::Nested { path, inner, .. } => self.nested(path, inner, scope, depth),
            Expr::WithinCircle { path, .. } => Err(self.err(
                path.span,
                format!("'{}' is not a geo-location field", path_text(path)),
            )),
        }
    }

    fn all(&self, items: &[Expr], scope: &Scope, depth: u8) -> Result<Vec<Filter>, ApiError> {
        items.iter().map(|e| self.expr(e, scope, depth)).collect()
    }

    fn nested(
        &self,
        path: &Path,
        inner: &Expr,
        scope: &Scope,
        depth: u8,
    ) -> Result<Filter, ApiError> {
        match resolve(path, scope).map_err(|m| self.err(path.span, m))? {
            Resolved::Object(s) => self.expr(inner, &s, depth),
            Resolved::Localized(f) => {
                // Locales are the open keys of an object of strings.
                let s = Scope {
                    schema: Schema(&[]),
                    base: f.base,
                    prefix: f.path,
                    top: false,
                    open: Some(ScalarKind::Text),
                };
                self.expr(inner, &s, depth)
            }
            Resolved::ObjectArray(array, schema) => {
                if depth >= 8 {
                    return Err(self.err(path.span, "array predicates nested too deeply"));
                }
                let s = Scope {
                    schema,
                    base: Base::Element(0),
                    prefix: Vec::new(),
                    top: false,
                    open: None,
                };
                let inner = self.expr(inner, &s, depth + 1)?;
                Ok(Filter::AnyElement {
                    array,
                    inner: Box::new(inner),
                })
            }
            Resolved::Scalar(_) | Resolved::ScalarArray(..) => {
                Err(self.err(path.span, format!("'{}' is not an object", path_text(path))))
            }
        }
    }

    fn scalar(&self, path: &Path, scope: &Scope) -> Result<FieldRef, ApiError> {
        match resolve(path, scope).map_err(|m| self.err(path.span, m))? {
            Resolved::Scalar(f) => Ok(f),
            _ => Err(self.err(
                path.span,
                format!("'{}' cannot be compared to a value", path_text(path)),
            )),
        }
    }

    fn values(&self, values: &[Value], kind: ScalarKind) -> Result<Vec<Scalar>, ApiError> {
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            if let Literal::Var(name) = &v.lit {
                let bound = self.var(name, v.span)?;
                self.bound.set(self.bound.get().saturating_add(bound.len()));
                if self.bound.get() > pred::MAX_VALUES {
                    return Err(self.err(
                        v.span,
                        format!(
                            "input variables bind too many values (the limit is {})",
                            pred::MAX_VALUES
                        ),
                    ));
                }
                for s in bound {
                    out.push(text_as(s, kind).map_err(|m| self.err(v.span, m))?);
                }
            } else {
                out.push(self.literal(v, kind)?);
            }
        }
        if out.is_empty() {
            let at = values.first().map_or(0, |v| v.span.start);
            return Err(ApiError::InvalidInput(format!(
                "Malformed parameter: where: empty value list. Predicate: {}",
                excerpt(self.src, at)
            )));
        }
        Ok(out)
    }

    fn one_value(&self, v: &Value, kind: ScalarKind) -> Result<Scalar, ApiError> {
        if let Literal::Var(name) = &v.lit {
            let bound = self.var(name, v.span)?;
            if bound.len() != 1 {
                return Err(self.err(
                    v.span,
                    format!("input variable '{name}' must have one value"),
                ));
            }
            return text_as(&bound[0], kind).map_err(|m| self.err(v.span, m));
        }
        self.literal(v, kind)
    }

    fn var(&self, name: &str, at: pred::Span) -> Result<&[String], ApiError> {
        self.vars
            .get(name)
            .map(|v| v.as_slice())
            .ok_or_else(|| self.err(at, format!("missing input variable 'var.{name}'")))
    }

    fn literal(&self, v: &Value, kind: ScalarKind) -> Result<Scalar, ApiError> {
        let s = match (&v.lit, kind) {
            (Literal::Str(s), ScalarKind::Text | ScalarKind::Any) => Scalar::Text(s.clone()),
            (Literal::Int(i), ScalarKind::Number | ScalarKind::Any) => Scalar::Int(*i),
            (Literal::Float(f), ScalarKind::Number | ScalarKind::Any) => Scalar::Float(*f),
            (Literal::Bool(b), ScalarKind::Bool | ScalarKind::Any) => Scalar::Bool(*b),
            _ => {
                return Err(self.err(
                    v.span,
                    format!("value has the wrong type; expected {}", kind_name(kind)),
                ))
            }
        };
        Ok(s)
    }
}

fn kind_name(k: ScalarKind) -> &'static str {
    match k {
        ScalarKind::Text => "a string",
        ScalarKind::Number => "a number",
        ScalarKind::Bool => "a boolean",
        ScalarKind::Any => "a value",
    }
}

/// Input variables arrive as text; convert to the field's type.
fn text_as(s: &str, kind: ScalarKind) -> Result<Scalar, String> {
    match kind {
        ScalarKind::Text | ScalarKind::Any => Ok(Scalar::Text(s.to_string())),
        ScalarKind::Number => s
            .parse::<i64>()
            .map(Scalar::Int)
            .or_else(|_| s.parse::<f64>().map(Scalar::Float))
            .map_err(|_| format!("input variable value '{s}' is not a number")),
        ScalarKind::Bool => match s {
            "true" => Ok(Scalar::Bool(true)),
            "false" => Ok(Scalar::Bool(false)),
            _ => Err(format!("input variable value '{s}' is not a boolean")),
        },
    }
}

fn map_op(op: pred::CmpOp) -> CmpOp {
    match op {
        pred::CmpOp::Eq => CmpOp::Eq,
        pred::CmpOp::Ne => CmpOp::Ne,
        pred::CmpOp::Lt => CmpOp::Lt,
        pred::CmpOp::Le => CmpOp::Le,
        pred::CmpOp::Gt => CmpOp::Gt,
        pred::CmpOp::Ge => CmpOp::Ge,
    }
}
