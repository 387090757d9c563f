//! Who sees which cart, as a predicate on one cart and as a query filter: a store's endpoints
//! see only the carts of that store; the `/me` endpoints see only the carts of the token's
//! customer or anonymous session; active-cart look-ups consider `Active` carts created by the
//! customer (`origin = Customer`).

use crate::error::ApiResult;
use crate::query::SortKey;
use crate::query::ValidFilter;
use crate::query::{validate_sort, Base, CmpOp, Column, FieldRef, Filter, Scalar, ScalarKind};

use super::model::{Cart, CART_SCHEMA};

/// The owner a `/me` endpoint acts for (from the access token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A password-flow token: the customer's carts.
    Customer(String),
    /// An anonymous-session token: the session's carts that no customer owns yet.
    Anonymous(String),
}

impl Owner {
    /// Does the cart belong to this owner?
    pub fn owns(&self, cart: &Cart) -> bool {
        match self {
            Owner::Customer(id) => cart.customer_id.as_deref() == Some(id.as_str()),
            Owner::Anonymous(aid) => {
                cart.customer_id.is_none() && cart.anonymous_id.as_deref() == Some(aid.as_str())
            }
        }
    }
}

/// Can an endpoint (of `store`, for `owner`) see this cart? The project endpoints without an
/// owner see every cart.
pub fn visible(cart: &Cart, store: Option<&str>, owner: Option<&Owner>) -> bool {
    let store_ok = match store {
        None => true,
        Some(s) => cart.store_key() == Some(s),
    };
    store_ok && owner.is_none_or(|o| o.owns(cart))
}

fn text(path: &[&str]) -> FieldRef {
    FieldRef {
        base: Base::Row,
        column: None,
        path: path.iter().map(|p| p.to_string()).collect(),
        kind: ScalarKind::Text,
    }
}

fn eq(path: &[&str], value: &str) -> Filter {
    Filter::Cmp {
        field: text(path),
        op: CmpOp::Eq,
        value: Scalar::Text(value.to_string()),
    }
}

/// `store(key = s)`.
pub fn in_store(store: &str) -> ValidFilter {
    ValidFilter::from_filter(eq(&["store", "key"], store))
}

/// The carts of an owner: `customerId = id`, or `anonymousId = a and customerId is not
/// defined`.
pub fn owned_by(owner: &Owner) -> ValidFilter {
    let f = match owner {
        Owner::Customer(id) => eq(&["customerId"], id),
        Owner::Anonymous(aid) => Filter::And(vec![
            eq(&["anonymousId"], aid),
            Filter::Defined {
                field: text(&["customerId"]),
                negated: true,
            },
        ]),
    };
    ValidFilter::from_filter(f)
}

/// Every cart carrying this anonymous id, whoever owns it now and in any state: the anonymous
/// session flow refuses an id that a cart uses (`AnonymousIdAlreadyInUse`).
pub fn with_anonymous_id(anonymous_id: &str) -> ValidFilter {
    ValidFilter::from_filter(eq(&["anonymousId"], anonymous_id))
}

/// The carts with this anonymous id that no customer owns yet (of any state).
pub fn unassigned_with_anonymous_id(anonymous_id: &str) -> ValidFilter {
    owned_by(&Owner::Anonymous(anonymous_id.to_string()))
}

/// `cartState = "Active" and origin = "Customer"`: candidates for the active cart.
pub fn active() -> ValidFilter {
    ValidFilter::from_filter(Filter::And(vec![
        eq(&["cartState"], "Active"),
        eq(&["origin"], "Customer"),
    ]))
}

/// The visibility filter of an endpoint, combined with a user's filter.
pub fn scope_filter(
    store: Option<&str>,
    owner: Option<&Owner>,
    filter: Option<ValidFilter>,
) -> Option<ValidFilter> {
    let f = ValidFilter::and_opt(filter, store.map(in_store));
    ValidFilter::and_opt(f, owner.map(owned_by))
}

/// Most recently modified first.
pub fn newest_first() -> ApiResult<SortKey> {
    validate_sort("lastModifiedAt desc", CART_SCHEMA)
}

/// `id <op> value` on the envelope column (exclusion of one cart, keyset paging).
pub fn id_cmp(op: CmpOp, id: &str) -> ValidFilter {
    ValidFilter::from_filter(Filter::Cmp {
        field: FieldRef {
            base: Base::Row,
            column: Some(Column::Id),
            path: Vec::new(),
            kind: ScalarKind::Text,
        },
        op,
        value: Scalar::Text(id.to_string()),
    })
}
