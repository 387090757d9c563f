//! The pure rules behind the customer service: which uniqueness claims a customer holds (D2),
//! which customers a store's endpoints see (D1) as a query filter, and how storage errors of a
//! customer write become API errors.
//!
//! Email claims (values are the lower-cased email):
//! - a **global** customer claims `email:*` and excludes every other customer holding the email
//!   in any `email:` scope (no other customer anywhere may have it);
//! - a **store** customer claims `email:store:{s}` for each of its stores and excludes global
//!   customers (`email:*`); the same email may live in two different stores.
//!
//! Every email write also takes the lock `email:{lower}` so that writers of one email
//! serialise on PostgreSQL. `customerNumber` is claimed project-wide.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::{Base, CmpOp, FieldRef, Filter, Scalar, ScalarKind, ValidFilter};
use crate::resource::{storage_error, Resource};
use crate::storage::{Claim, Exclusion, StorageError, Uniqueness};

use super::model::Customer;

/// The claim scope of global customers' emails.
pub const GLOBAL_EMAIL_SCOPE: &str = "email:*";
/// The scope prefix every email claim shares.
pub const EMAIL_SCOPE_PREFIX: &str = "email:";
/// The claim scope of customer numbers.
pub const CUSTOMER_NUMBER_SCOPE: &str = "customerNumber";

/// Emails compare case-insensitively.
pub fn normalize_email(email: &str) -> String {
    email.to_lowercase()
}

/// The claim scope of a store's customers' emails.
pub fn store_email_scope(store: &str) -> String {
    format!("{EMAIL_SCOPE_PREFIX}store:{store}")
}

/// Every claim, exclusion and lock a customer holds (a write replaces all of them).
pub fn customer_uniqueness(c: &Customer) -> Uniqueness {
    let email = normalize_email(&c.email);
    let mut u = Uniqueness::default();
    if c.is_global() {
        u.claims.push(Claim {
            scope: GLOBAL_EMAIL_SCOPE.into(),
            value: email.clone(),
        });
        u.exclusions.push(Exclusion {
            scope_prefix: EMAIL_SCOPE_PREFIX.into(),
            value: email.clone(),
        });
    } else {
        for s in &c.stores {
            let claim = Claim {
                scope: store_email_scope(&s.key),
                value: email.clone(),
            };
            if !u.claims.contains(&claim) {
                u.claims.push(claim);
            }
        }
        u.exclusions.push(Exclusion {
            scope_prefix: GLOBAL_EMAIL_SCOPE.into(),
            value: email.clone(),
        });
    }
    u.locks.push(format!("{EMAIL_SCOPE_PREFIX}{email}"));
    if let Some(n) = &c.customer_number {
        u.claims.push(Claim {
            scope: CUSTOMER_NUMBER_SCOPE.into(),
            value: n.clone(),
        });
    }
    u
}

/// Does a write from `before` to `after` change what the customer claims?
pub fn claims_changed(before: &Customer, after: &Customer) -> bool {
    normalize_email(&before.email) != normalize_email(&after.email)
        || before.stores != after.stores
        || before.customer_number != after.customer_number
}

/// The filter of a store's endpoints: `stores is empty or stores(key = s)` (D1).
pub fn visible_in_store(store: &str) -> ValidFilter {
    let stores = FieldRef {
        base: Base::Row,
        column: None,
        path: vec!["stores".into()],
        kind: ScalarKind::Text,
    };
    let key = FieldRef {
        base: Base::Element(0),
        column: None,
        path: vec!["key".into()],
        kind: ScalarKind::Text,
    };
    ValidFilter::from_filter(Filter::Or(vec![
        Filter::Empty {
            field: stores.clone(),
            negated: false,
        },
        Filter::AnyElement {
            array: stores,
            inner: Box::new(Filter::Cmp {
                field: key,
                op: CmpOp::Eq,
                value: Scalar::Text(store.to_string()),
            }),
        },
    ]))
}

/// The filter "tokens of this customer and kind" on the customer-token collection.
pub fn tokens_of(customer_id: &str, kind: &str) -> ValidFilter {
    ValidFilter::from_filter(Filter::And(token_conditions(customer_id, kind)))
}

/// The filter "tokens of this customer and kind that expired at or before `now_ms`": the
/// expiry is compared in the database, so purging a customer's expired tokens does not load
/// its live ones (their number must not change the cost of issuing one more, D7).
pub fn expired_tokens_of(customer_id: &str, kind: &str, now_ms: i64) -> ValidFilter {
    let mut conditions = token_conditions(customer_id, kind);
    conditions.push(Filter::Cmp {
        field: FieldRef {
            base: Base::Row,
            column: None,
            path: vec!["expiresAt".to_string()],
            kind: ScalarKind::Number,
        },
        op: CmpOp::Le,
        value: Scalar::Int(now_ms),
    });
    ValidFilter::from_filter(Filter::And(conditions))
}

fn token_conditions(customer_id: &str, kind: &str) -> Vec<Filter> {
    let text = |name: &str| FieldRef {
        base: Base::Row,
        column: None,
        path: vec![name.to_string()],
        kind: ScalarKind::Text,
    };
    vec![
        Filter::Cmp {
            field: text("customerId"),
            op: CmpOp::Eq,
            value: Scalar::Text(customer_id.to_string()),
        },
        Filter::Cmp {
            field: text("kind"),
            op: CmpOp::Eq,
            value: Scalar::Text(kind.to_string()),
        },
    ]
}

/// Map the storage error of writing `c` (expected at version `expected`) to an API error:
/// a taken email or customer number is `DuplicateField` with the value as the request gave
/// it; a taken key is `DuplicateField` on `key`.
pub fn write_error(c: &Customer, expected: i64, e: StorageError) -> ApiError {
    match e {
        StorageError::DuplicateClaim { scope, .. } if scope.starts_with(EMAIL_SCOPE_PREFIX) => {
            ApiError::DuplicateField {
                field: "email".into(),
                duplicate_value: Value::String(c.email.clone()),
            }
        }
        StorageError::DuplicateClaim { scope, value } if scope == CUSTOMER_NUMBER_SCOPE => {
            ApiError::DuplicateField {
                field: "customerNumber".into(),
                duplicate_value: Value::String(value),
            }
        }
        StorageError::DuplicateKey => match &c.key {
            Some(k) => ApiError::duplicate("key", k),
            None => ApiError::general(),
        },
        StorageError::VersionConflict { current_version } => {
            ApiError::version_conflict(c.id(), expected, current_version)
        }
        other => storage_error(other, c.id()),
    }
}
