//! Queries: the per-resource field maps, the validated filter (`ValidFilter`) that only the
//! validator can build from a parsed predicate, sorting and paging. The storage layer turns a
//! [`Query`] into SQL; nothing here knows SQL.

mod fields;
mod filter;
mod params;
mod validate;

#[cfg(test)]
mod tests;

pub use fields::{
    base_fields, Column, Field, FieldType, Schema, CLIENT_LOGGING, CUSTOM_FIELDS, KEY_REFERENCE,
    REFERENCE,
};
pub use filter::{Base, CmpOp, FieldRef, Filter, Scalar, ScalarKind, SortKey, ValidFilter};
pub use params::{parse_query_params, QueryParams, MAX_LIMIT, MAX_OFFSET, MAX_SORT_KEYS};
pub use storekeep_predicate::{
    MAX_TERMS as MAX_PREDICATE_TERMS, MAX_VALUES as MAX_PREDICATE_VALUES,
};
pub use validate::{validate_predicate, validate_sort};

/// The number of terms of a predicate (what [`MAX_PREDICATE_TERMS`] caps), or `None` when it
/// does not parse. For cost estimates made before the predicate is validated (GraphQL's
/// complexity).
pub fn predicate_terms(src: &str) -> Option<usize> {
    storekeep_predicate::parse(src).ok().map(|e| e.terms())
}

/// A validated query, ready for a storage backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// `None` = every document of the collection and project.
    pub filter: Option<ValidFilter>,
    /// Sort keys in priority order; backends add `id` as the final tie-breaker.
    pub sort: Vec<SortKey>,
    pub limit: u32,
    pub offset: u32,
    pub with_total: bool,
}

impl Query {
    /// Every document, in id order, up to `limit`.
    pub fn all(limit: u32) -> Self {
        Query {
            filter: None,
            sort: Vec::new(),
            limit,
            offset: 0,
            with_total: false,
        }
    }
}
