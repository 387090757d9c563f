//! The validated filter tree. Every field reference in it was resolved against a field map,
//! every value has the field's type; a `ValidFilter` can only be made by the validator (or by
//! the domain through the few constructors here, for visibility rules).

/// What a field path is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The resource row (envelope columns and body).
    Row,
    /// The current element of the `depth`-th enclosing array-element predicate (0 = innermost).
    Element(u8),
}

/// The scalar type a comparison works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    Text,
    Number,
    Bool,
    /// A JSON value of unknown type (custom fields): compared by the literal's type.
    Any,
}

/// A resolved reference to a value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    pub base: Base,
    /// `Some` when the value lives in an envelope column (only with `Base::Row`).
    pub column: Option<super::Column>,
    /// JSON path inside the body or element (empty for a column or the element itself).
    pub path: Vec<String>,
    pub kind: ScalarKind,
}

/// A typed literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A node of the validated filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Cmp {
        field: FieldRef,
        op: CmpOp,
        value: Scalar,
    },
    In {
        field: FieldRef,
        negated: bool,
        values: Vec<Scalar>,
    },
    /// The field is present and not JSON null.
    Defined {
        field: FieldRef,
        negated: bool,
    },
    /// The array is empty or absent.
    Empty {
        field: FieldRef,
        negated: bool,
    },
    /// The array of scalars contains any / all of the values.
    Contains {
        field: FieldRef,
        all: bool,
        values: Vec<Scalar>,
    },
    /// Some element of the array matches `inner` (whose fields use `Base::Element(0)`).
    AnyElement {
        array: FieldRef,
        inner: Box<Filter>,
    },
}

/// A filter whose every field and value was checked against a resource's field map.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidFilter(pub(crate) Filter);

impl ValidFilter {
    /// The filter tree, for backends to compile.
    pub fn root(&self) -> &Filter {
        &self.0
    }

    /// Both filters must hold.
    pub fn and(self, other: ValidFilter) -> ValidFilter {
        match (self.0, other.0) {
            (Filter::And(mut a), Filter::And(b)) => {
                a.extend(b);
                ValidFilter(Filter::And(a))
            }
            (Filter::And(mut a), b) => {
                a.push(b);
                ValidFilter(Filter::And(a))
            }
            (a, b) => ValidFilter(Filter::And(vec![a, b])),
        }
    }

    /// Combine optional filters with AND.
    pub fn and_opt(a: Option<ValidFilter>, b: Option<ValidFilter>) -> Option<ValidFilter> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.and(b)),
            (a, None) => a,
            (None, b) => b,
        }
    }

    /// A filter on a text envelope column or top-level body field, built by the domain
    /// (e.g. "this store's customers"), not by users. Only used with schema-checked names.
    pub(crate) fn from_filter(f: Filter) -> Self {
        ValidFilter(f)
    }
}

/// A validated sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub field: FieldRef,
    pub descending: bool,
}
