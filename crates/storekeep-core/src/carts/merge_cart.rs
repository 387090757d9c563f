//! The Merge Cart endpoints (`POST /carts/customer-id={customerId}/merge`, global and
//! in-store, carts-in-store.md §5): the body (`MergeCartDraft`) and the service call, which
//! finds the customer and the anonymous cart as the endpoint may see them and then runs the
//! same merge as a sign-in ([`CartService::sign_in_carts`]).
//!
//! Visibility (decided here, the docs only name the store case): the customer must be visible
//! from the endpoint (D1: in a store, its own and the global customers), the anonymous cart
//! must exist and, in store `s`, have `store = s`; anything else is 404 `ResourceNotFound`, the
//! same answer for a cart that does not exist and one the store may not see.

use serde::{Deserialize, Serialize};

use crate::common::{ClientLogging, IdOrKey, ResourceIdentifier};
use crate::customers::{AnonymousCartSignInMode, Customer};
use crate::error::{ApiError, ApiResult};
use crate::storage::Lookup;

use super::merge::AnonymousCarts;
use super::model::Cart;
use super::service::{not_found, CartService};

/// `CartMergeMode`: the same two modes as a sign-in's `anonymousCartSignInMode`.
pub type CartMergeMode = AnonymousCartSignInMode;

/// The body of the Merge Cart endpoints. Either `anonymousCart` or `anonymousId` is required;
/// if both are given, the cart's `anonymousId` must be the given one (else `InvalidOperation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeCartDraft {
    #[serde(default)]
    pub anonymous_cart: Option<ResourceIdentifier>,
    #[serde(default)]
    pub merge_mode: Option<CartMergeMode>,
    /// Accepted for compatibility: storekeep has no product line items to refresh.
    #[serde(default)]
    pub update_product_data: Option<bool>,
    #[serde(default)]
    pub anonymous_id: Option<String>,
}

impl CartService {
    /// `POST /carts/customer-id={id}/merge` (global, or in `store`): merge or adopt the
    /// anonymous cart and hand over the carts of `anonymousId`, as at sign-in; the answer is
    /// the customer's active cart afterwards (404 if there is none, e.g. when only an
    /// `anonymousId` without carts was given).
    pub async fn merge_cart(
        &self,
        project: &str,
        store: Option<&str>,
        customer_id: &str,
        by: &ClientLogging,
        d: MergeCartDraft,
    ) -> ApiResult<Cart> {
        if d.anonymous_cart.is_none() && d.anonymous_id.is_none() {
            return Err(ApiError::InvalidInput(
                "Either 'anonymousCart' or 'anonymousId' is required.".into(),
            ));
        }
        let customer = self.visible_customer(project, store, customer_id).await?;
        if let Some(r) = &d.anonymous_cart {
            self.visible_anonymous_cart(project, store, r).await?;
        }
        let input = AnonymousCarts {
            cart: d.anonymous_cart,
            anonymous_id: d.anonymous_id,
            mode: d.merge_mode.unwrap_or_default(),
        };
        self.sign_in_carts(project, store, &customer, by, &input)
            .await?
            .ok_or_else(|| {
                ApiError::ResourceNotFound("No active cart exists for this customer.".into())
            })
    }

    /// The customer of the path, if the endpoint may see it (D1), else 404.
    async fn visible_customer(
        &self,
        project: &str,
        store: Option<&str>,
        id: &str,
    ) -> ApiResult<Customer> {
        match self.customer(project, id).await? {
            Some(c) if c.visible_in(store) => Ok(c),
            _ => Err(ApiError::not_found_id(id)),
        }
    }

    /// 404 unless the anonymous cart exists and (in a store) belongs to that store: the rule
    /// of every in-store cart path, also for in-store sign-ins (issue 21, item 9).
    pub async fn visible_anonymous_cart(
        &self,
        project: &str,
        store: Option<&str>,
        r: &ResourceIdentifier,
    ) -> ApiResult<()> {
        let target = r.resolve("cart")?;
        let by = match &target {
            IdOrKey::Id(id) => Lookup::Id(id),
            IdOrKey::Key(key) => Lookup::Key(key),
        };
        match self.repo.find::<Cart>(project, by).await? {
            Some(c) if store.is_none() || c.store_key() == store => Ok(()),
            _ => Err(not_found(by)),
        }
    }
}
