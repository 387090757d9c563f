//! The few places where SQLite and PostgreSQL SQL differ: JSON extraction, array iteration,
//! how typed JSON values compare, and how the body column is written and read.

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// How a JSON path is written: literal (schema names) or bound (user-supplied names).
pub enum PathPart<'a> {
    /// Every segment is `[A-Za-z0-9_]+` and can be inlined.
    Literal(&'a [String]),
    /// The path must be passed as a bound parameter (`$n` is given).
    Bound(usize),
}

/// Whether a JSON path may be written into SQL text as is.
pub fn inlinable(path: &[String]) -> bool {
    path.iter()
        .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// A SQLite JSON path (`$.a.b` or `$."de-DE"`) for a bound parameter.
pub fn sqlite_path(path: &[String]) -> String {
    let mut out = String::from("$");
    for s in path {
        out.push_str(".\"");
        // SQLite ends a quoted label at the first `"` whatever precedes it, but compares a
        // label that contains a backslash after JSON-unescaping it: write `"` as `\u0022`.
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\u0022"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out
}

impl Dialect {
    /// SQL yielding the JSON value at `path` below `base` (for Postgres a `jsonb`; for
    /// SQLite the SQL value `json_extract` returns).
    pub fn json_value(self, base: &str, path: &PathPart<'_>) -> String {
        match (self, path) {
            (Dialect::Sqlite, PathPart::Literal(p)) => {
                if p.is_empty() {
                    base.to_string()
                } else {
                    format!("json_extract({base}, '$.{}')", p.join("."))
                }
            }
            (Dialect::Sqlite, PathPart::Bound(n)) => format!("json_extract({base}, ${n})"),
            (Dialect::Postgres, PathPart::Literal(p)) => {
                let mut s = base.to_string();
                for seg in p.iter() {
                    s = format!("{s}->'{seg}'");
                }
                s
            }
            (Dialect::Postgres, PathPart::Bound(n)) => format!("({base} #> ${n}::text[])"),
        }
    }

    /// SQL yielding the value at `path` as text (strings unquoted). Matches the expression
    /// indexes of the migrations exactly for literal paths.
    pub fn json_text(self, base: &str, path: &PathPart<'_>) -> String {
        match (self, path) {
            (Dialect::Sqlite, _) => self.json_value(base, path),
            (Dialect::Postgres, PathPart::Literal(p)) => match p.split_last() {
                None => format!("({base} #>> '{{}}')"),
                Some((last, init)) => {
                    let mut s = base.to_string();
                    for seg in init {
                        s = format!("{s}->'{seg}'");
                    }
                    format!("({s}->>'{last}')")
                }
            },
            (Dialect::Postgres, PathPart::Bound(n)) => format!("({base} #>> ${n}::text[])"),
        }
    }

    /// The JSON type name of the value at `path` ('null' when missing).
    pub fn json_type(self, base: &str, path: &PathPart<'_>) -> String {
        match (self, path) {
            (Dialect::Sqlite, PathPart::Literal(p)) => {
                format!("COALESCE(json_type({base}, '$.{}'), 'null')", p.join("."))
            }
            (Dialect::Sqlite, PathPart::Bound(n)) => {
                format!("COALESCE(json_type({base}, ${n}), 'null')")
            }
            (Dialect::Postgres, _) => {
                format!(
                    "COALESCE(jsonb_typeof({}), 'null')",
                    self.json_value(base, path)
                )
            }
        }
    }

    /// A row source of the elements of the array at `path` below `base`, aliased `alias`,
    /// whose element is `alias_value(alias)`.
    pub fn array_elements(self, base: &str, path: &PathPart<'_>, alias: &str) -> String {
        match (self, path) {
            (Dialect::Sqlite, PathPart::Literal(p)) => {
                if p.is_empty() {
                    format!("json_each({base}) AS {alias}")
                } else {
                    format!("json_each({base}, '$.{}') AS {alias}", p.join("."))
                }
            }
            (Dialect::Sqlite, PathPart::Bound(n)) => format!("json_each({base}, ${n}) AS {alias}"),
            (Dialect::Postgres, _) => {
                let v = self.json_value(base, path);
                format!(
                    "jsonb_array_elements(CASE WHEN jsonb_typeof({v}) = 'array' THEN {v} ELSE '[]'::jsonb END) AS {alias}(v)"
                )
            }
        }
    }

    /// The element value of an array alias (JSON text on SQLite, jsonb on Postgres).
    pub fn alias_value(self, alias: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{alias}.value"),
            Dialect::Postgres => format!("{alias}.v"),
        }
    }

    /// The length of the array at `path` (0 when missing or not an array).
    pub fn array_length(self, base: &str, path: &PathPart<'_>) -> String {
        match self {
            Dialect::Sqlite => {
                let p = match path {
                    PathPart::Literal(p) => format!("'$.{}'", p.join(".")),
                    PathPart::Bound(n) => format!("${n}"),
                };
                format!("COALESCE(json_array_length({base}, {p}), 0)")
            }
            Dialect::Postgres => {
                let v = self.json_value(base, path);
                format!("(CASE WHEN jsonb_typeof({v}) = 'array' THEN jsonb_array_length({v}) ELSE 0 END)")
            }
        }
    }

    /// The boolean literal `false`.
    pub fn false_lit(self) -> &'static str {
        match self {
            Dialect::Sqlite => "0",
            Dialect::Postgres => "FALSE",
        }
    }

    /// The body column as it is bound on insert/update.
    pub fn body_param(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("${n}"),
            Dialect::Postgres => format!("${n}::jsonb"),
        }
    }

    /// The body column as it is selected.
    pub fn body_select(self) -> &'static str {
        match self {
            Dialect::Sqlite => "t.body",
            Dialect::Postgres => "t.body::text",
        }
    }

    /// Collation suffix for text comparisons and sorting that must agree across backends.
    pub fn text_order(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " COLLATE \"C\"",
        }
    }
}
