//! The query parameters of every query endpoint: `where` (repeatable, AND-combined), `sort`
//! (repeatable), `limit`, `offset`, `withTotal`, `expand` and `var.<name>` input variables.

use super::fields::Schema;
use super::validate::{validate_counted, validate_sort, Vars};
use super::{Query, ValidFilter};
use crate::error::ApiError;
use storekeep_predicate::MAX_TERMS;

/// Largest `limit` the API accepts.
pub const MAX_LIMIT: u32 = 500;
/// Largest `offset` the API accepts.
pub const MAX_OFFSET: u32 = 10_000;
/// Default page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// Most `sort` expressions one query may carry. The API documents no limit; SQLite refuses an
/// `ORDER BY` of more than 2000 terms, and no useful order needs more than a few.
pub const MAX_SORT_KEYS: usize = 100;

/// Raw query parameters, grouped, before validation against a resource's fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryParams {
    pub wheres: Vec<String>,
    pub sorts: Vec<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    pub with_total: Option<String>,
    pub expand: Vec<String>,
    pub vars: Vars,
}

impl QueryParams {
    /// Group decoded `(name, value)` pairs. Unknown names are ignored, as the API does.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut p = QueryParams::default();
        for (k, v) in pairs {
            let k = k.as_ref();
            let v = v.into();
            match k {
                "where" => p.wheres.push(v),
                "sort" => p.sorts.push(v),
                "limit" => p.limit = Some(v),
                "offset" => p.offset = Some(v),
                "withTotal" => p.with_total = Some(v),
                "expand" => p.expand.push(v),
                _ => {
                    if let Some(name) = k.strip_prefix("var.") {
                        p.vars.entry(name.to_string()).or_default().push(v);
                    }
                }
            }
        }
        p
    }

    /// Only the filter (for HEAD existence checks and visibility-restricted lookups). The
    /// `where` parameters together may hold at most [`MAX_TERMS`] terms, as one predicate may.
    pub fn filter(&self, schema: Schema) -> Result<Option<ValidFilter>, ApiError> {
        let mut filter: Option<ValidFilter> = None;
        let mut terms = 0usize;
        for w in &self.wheres {
            let (f, n) = validate_counted(w, schema, &self.vars)?;
            terms = terms.saturating_add(n);
            if terms > MAX_TERMS {
                return Err(ApiError::InvalidInput(format!(
                    "Malformed parameter: where: the where parameters hold more than \
                     {MAX_TERMS} terms together."
                )));
            }
            filter = ValidFilter::and_opt(filter, Some(f));
        }
        Ok(filter)
    }
}

fn parse_u32(name: &str, raw: &Option<String>, default: u32, max: u32) -> Result<u32, ApiError> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    let v: i64 = raw.trim().parse().map_err(|_| {
        ApiError::InvalidInput(format!(
            "Malformed parameter: {name}: '{raw}' is not a valid integer."
        ))
    })?;
    if v < 0 || v > i64::from(max) {
        return Err(ApiError::InvalidInput(format!(
            "Malformed parameter: {name}: must be between 0 and {max}, got {v}."
        )));
    }
    Ok(v as u32)
}

/// Validate all query parameters against a schema into a [`Query`].
pub fn parse_query_params(p: &QueryParams, schema: Schema) -> Result<Query, ApiError> {
    let limit = parse_u32("limit", &p.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let offset = parse_u32("offset", &p.offset, 0, MAX_OFFSET)?;
    // Booleans are case-insensitive: the Python SDK sends `True`/`False`.
    let with_total = match p
        .with_total
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => {
            let other = p.with_total.as_deref().unwrap_or_default();
            return Err(ApiError::InvalidInput(format!(
                "Malformed parameter: withTotal: '{other}' is not a boolean."
            )));
        }
    };
    for name in p.vars.keys() {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ApiError::InvalidInput(format!(
                "Malformed parameter: var.{name}: variable names may contain only letters and digits."
            )));
        }
    }
    if p.sorts.len() > MAX_SORT_KEYS {
        return Err(ApiError::InvalidInput(format!(
            "Malformed parameter: sort: {} sort expressions, at most {MAX_SORT_KEYS} are allowed.",
            p.sorts.len()
        )));
    }
    let filter = p.filter(schema)?;
    let sort = p
        .sorts
        .iter()
        .map(|s| validate_sort(s, schema))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Query {
        filter,
        sort,
        limit,
        offset,
        with_total,
    })
}
