//! Compiles a validated filter and sort keys into SQL for one dialect. Values are always bound
//! parameters; column names and JSON paths come only from the field maps (user-supplied path
//! segments such as locales or custom-field names are bound too).

use storekeep_core::query::{Base, CmpOp, Column, FieldRef, Filter, Scalar, ScalarKind, SortKey};

use crate::dialect::{inlinable, sqlite_path, Dialect, PathPart};

/// A bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
    TextArray(Vec<String>),
}

/// SQL text with its parameters, numbered from the compiler's first parameter.
pub struct Compiler {
    d: Dialect,
    first: usize,
    pub binds: Vec<Bind>,
    aliases: Vec<String>,
    next_alias: usize,
}

fn column_sql(c: Column) -> &'static str {
    match c {
        Column::Id => "t.id",
        Column::Key => "t.key",
        Column::Version => "t.version",
        Column::CreatedAt => "t.created_at",
        Column::LastModifiedAt => "t.last_modified_at",
    }
}

/// Join boolean SQL terms with `sep` (` AND ` / ` OR `). Long lists become a balanced tree of
/// parentheses: `a OR b OR c …` parses as a left-deep tree, and SQLite refuses expressions
/// nested deeper than 1000 levels (`SQLITE_MAX_EXPR_DEPTH`), i.e. predicates of a few
/// hundred terms. Short lists keep their flat form.
fn balanced(parts: &[String], sep: &str) -> String {
    if parts.len() <= 8 {
        return parts.join(sep);
    }
    let (left, right) = parts.split_at(parts.len() / 2);
    format!("({}){sep}({})", balanced(left, sep), balanced(right, sep))
}

fn op_sql(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

/// The kind a literal compares as, for fields of unknown type.
fn literal_kind(v: &Scalar) -> ScalarKind {
    match v {
        Scalar::Text(_) => ScalarKind::Text,
        Scalar::Int(_) | Scalar::Float(_) => ScalarKind::Number,
        Scalar::Bool(_) => ScalarKind::Bool,
    }
}

impl Compiler {
    /// A compiler whose first parameter is `$first`.
    pub fn new(d: Dialect, first: usize) -> Self {
        Compiler {
            d,
            first,
            binds: Vec::new(),
            aliases: Vec::new(),
            next_alias: 0,
        }
    }

    fn param(&mut self, b: Bind) -> usize {
        self.binds.push(b);
        self.first + self.binds.len() - 1
    }

    fn base(&self, f: &FieldRef) -> String {
        match f.base {
            Base::Row => "t.body".to_string(),
            Base::Element(depth) => {
                let i = self.aliases.len().saturating_sub(1 + depth as usize);
                let alias = self.aliases.get(i).map(String::as_str).unwrap_or("e0");
                self.d.alias_value(alias)
            }
        }
    }

    fn path<'a>(&mut self, f: &'a FieldRef) -> PathPart<'a> {
        if inlinable(&f.path) {
            PathPart::Literal(&f.path)
        } else {
            let b = match self.d {
                Dialect::Sqlite => Bind::Text(sqlite_path(&f.path)),
                Dialect::Postgres => Bind::TextArray(f.path.clone()),
            };
            PathPart::Bound(self.param(b))
        }
    }

    /// SQL for the field's value, in the form comparisons of its kind use.
    fn value_sql(&mut self, f: &FieldRef) -> String {
        if let (Base::Row, Some(c)) = (f.base, f.column) {
            return column_sql(c).to_string();
        }
        let base = self.base(f);
        let path = self.path(f);
        match (self.d, f.kind) {
            (Dialect::Sqlite, _) => self.d.json_value(&base, &path),
            (Dialect::Postgres, ScalarKind::Text | ScalarKind::Bool) => {
                self.d.json_text(&base, &path)
            }
            (Dialect::Postgres, ScalarKind::Number) => {
                let v = self.d.json_value(&base, &path);
                format!(
                    "(CASE WHEN jsonb_typeof({v}) = 'number' THEN ({v} #>> '{{}}')::numeric END)"
                )
            }
            (Dialect::Postgres, ScalarKind::Any) => self.d.json_value(&base, &path),
        }
    }

    /// A parameter for a scalar compared with a field of `kind`.
    fn scalar_param(&mut self, kind: ScalarKind, v: &Scalar) -> String {
        let pg_any = self.d == Dialect::Postgres && kind == ScalarKind::Any;
        if pg_any {
            let json = match v {
                Scalar::Text(s) => serde_json::Value::String(s.clone()).to_string(),
                Scalar::Int(i) => i.to_string(),
                Scalar::Float(f) => serde_json::Number::from_f64(*f)
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "null".into()),
                Scalar::Bool(b) => b.to_string(),
            };
            let n = self.param(Bind::Text(json));
            return format!("${n}::jsonb");
        }
        let b = match (self.d, v) {
            (_, Scalar::Text(s)) => Bind::Text(s.clone()),
            // PostgreSQL caches prepared statements by their text, with the parameter types of
            // the first execution: numbers are bound as decimal text (exact) and cast, so an
            // integer and a float at the same place share one parameter type.
            (Dialect::Postgres, Scalar::Int(i)) => Bind::Text(i.to_string()),
            (Dialect::Postgres, Scalar::Float(f)) => Bind::Text(f.to_string()),
            (Dialect::Sqlite, Scalar::Int(i)) => Bind::Int(*i),
            (Dialect::Sqlite, Scalar::Float(f)) => Bind::Float(*f),
            (Dialect::Sqlite, Scalar::Bool(b)) => Bind::Int(i64::from(*b)),
            (Dialect::Postgres, Scalar::Bool(b)) => Bind::Text(b.to_string()),
        };
        let n = self.param(b);
        if self.d == Dialect::Postgres && matches!(v, Scalar::Int(_) | Scalar::Float(_)) {
            format!("${n}::numeric")
        } else {
            format!("${n}")
        }
    }

    /// Compile a filter to a boolean SQL expression.
    pub fn filter(&mut self, f: &Filter) -> String {
        match f {
            Filter::And(items) => self.join(items, " AND ", "1=1"),
            Filter::Or(items) => self.join(items, " OR ", "1=0"),
            Filter::Not(inner) => {
                let s = self.filter(inner);
                format!("NOT COALESCE(({s}), {})", self.d.false_lit())
            }
            Filter::Cmp { field, op, value } => self.cmp(field, *op, value),
            Filter::In {
                field,
                negated,
                values,
            } => {
                let s = if field.kind == ScalarKind::Any {
                    // Values of a custom field may have different types: one typed test each.
                    let parts: Vec<String> = values
                        .iter()
                        .map(|v| self.cmp(field, CmpOp::Eq, v))
                        .collect();
                    format!("({})", balanced(&parts, " OR "))
                } else {
                    let lhs = self.value_sql(field);
                    let params: Vec<String> = values
                        .iter()
                        .map(|v| self.scalar_param(field.kind, v))
                        .collect();
                    format!("{lhs} IN ({})", params.join(", "))
                };
                if *negated {
                    format!("NOT COALESCE({s}, {})", self.d.false_lit())
                } else {
                    s
                }
            }
            Filter::Defined { field, negated } => {
                let s = if let (Base::Row, Some(c)) = (field.base, field.column) {
                    format!("{} IS NOT NULL", column_sql(c))
                } else {
                    let base = self.base(field);
                    let path = self.path(field);
                    format!("{} <> 'null'", self.d.json_type(&base, &path))
                };
                if *negated {
                    format!("NOT ({s})")
                } else {
                    s
                }
            }
            Filter::Empty { field, negated } => {
                let base = self.base(field);
                let path = self.path(field);
                let len = self.d.array_length(&base, &path);
                format!("{len} {} 0", if *negated { ">" } else { "=" })
            }
            Filter::Contains { field, all, values } => self.contains(field, *all, values),
            Filter::AnyElement { array, inner } => {
                let base = self.base(array);
                let path = self.path(array);
                let alias = format!("e{}", self.next_alias);
                self.next_alias += 1;
                let from = self.d.array_elements(&base, &path, &alias);
                self.aliases.push(alias);
                let cond = self.filter(inner);
                self.aliases.pop();
                format!("EXISTS (SELECT 1 FROM {from} WHERE {cond})")
            }
        }
    }

    fn cmp(&mut self, field: &FieldRef, op: CmpOp, value: &Scalar) -> String {
        if field.kind == ScalarKind::Any {
            // A custom field of unknown type compares as the literal's type, and only values
            // of that JSON type match (both backends would otherwise order mixed types
            // differently: SQLite puts numbers before text, jsonb strings before numbers).
            let typed = FieldRef {
                kind: literal_kind(value),
                ..field.clone()
            };
            let guard = self.json_type_is(&typed);
            let cmp = self.cmp(&typed, op, value);
            return format!("({guard} AND {cmp})");
        }
        let lhs = self.value_sql(field);
        let rhs = self.scalar_param(field.kind, value);
        let collate = if field.kind == ScalarKind::Text && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            self.d.text_order()
        } else {
            ""
        };
        format!("{lhs}{collate} {} {rhs}", op_sql(op))
    }

    /// SQL that is true when the JSON value of `f` has the JSON type of `f.kind`.
    fn json_type_is(&mut self, f: &FieldRef) -> String {
        let names = match (self.d, f.kind) {
            (_, ScalarKind::Any) => return "1=1".to_string(),
            (Dialect::Sqlite, ScalarKind::Text) => "'text'",
            (Dialect::Sqlite, ScalarKind::Number) => "'integer', 'real'",
            (Dialect::Sqlite, ScalarKind::Bool) => "'true', 'false'",
            (Dialect::Postgres, ScalarKind::Text) => "'string'",
            (Dialect::Postgres, ScalarKind::Number) => "'number'",
            (Dialect::Postgres, ScalarKind::Bool) => "'boolean'",
        };
        let base = self.base(f);
        let path = self.path(f);
        format!("{} IN ({names})", self.d.json_type(&base, &path))
    }

    fn join(&mut self, items: &[Filter], sep: &str, empty: &str) -> String {
        if items.is_empty() {
            return empty.to_string();
        }
        let parts: Vec<String> = items
            .iter()
            .map(|i| format!("({})", self.filter(i)))
            .collect();
        balanced(&parts, sep)
    }

    fn contains(&mut self, field: &FieldRef, all: bool, values: &[Scalar]) -> String {
        let base = self.base(field);
        let path = self.path(field);
        let mut parts = Vec::new();
        let groups: Vec<Vec<&Scalar>> = if all {
            values.iter().map(|v| vec![v]).collect()
        } else {
            vec![values.iter().collect()]
        };
        for group in groups {
            let alias = format!("e{}", self.next_alias);
            self.next_alias += 1;
            let from = self.d.array_elements(&base, &path, &alias);
            let elem = match (self.d, field.kind) {
                (Dialect::Sqlite, _) => format!("{alias}.value"),
                (Dialect::Postgres, ScalarKind::Text | ScalarKind::Bool) => format!("({alias}.v #>> '{{}}')"),
                (Dialect::Postgres, ScalarKind::Number) => format!(
                    "(CASE WHEN jsonb_typeof({alias}.v) = 'number' THEN ({alias}.v #>> '{{}}')::numeric END)"
                ),
                (Dialect::Postgres, ScalarKind::Any) => format!("{alias}.v"),
            };
            let params: Vec<String> = group
                .iter()
                .map(|v| self.scalar_param(field.kind, v))
                .collect();
            parts.push(format!(
                "EXISTS (SELECT 1 FROM {from} WHERE {elem} IN ({}))",
                params.join(", ")
            ));
        }
        balanced(&parts, " AND ")
    }

    /// Compile sort keys (plus the `id` tie-breaker) to an ORDER BY list.
    pub fn order_by(&mut self, keys: &[SortKey]) -> String {
        let mut parts = Vec::with_capacity(keys.len() + 1);
        for k in keys {
            let expr = self.value_sql(&k.field);
            let collate = if k.field.kind == ScalarKind::Text {
                self.d.text_order()
            } else {
                ""
            };
            let dir = if k.descending {
                "DESC NULLS LAST"
            } else {
                "ASC NULLS FIRST"
            };
            parts.push(format!("{expr}{collate} {dir}"));
        }
        let desc = keys.first().is_some_and(|k| k.descending)
            && keys.iter().all(|k| k.field.column == Some(Column::Id));
        parts.push(format!("t.id {}", if desc { "DESC" } else { "ASC" }));
        parts.join(", ")
    }
}
