//! Anonymous carts at sign-in and sign-up (customers.md §7, carts-in-store.md §5).
//!
//! - `anonymousId`: every cart of that anonymous session that no customer owns yet (in-store:
//!   of that store; only where the store rule allows) gets the customer's id.
//! - `anonymousCart`, customer without another active cart, or mode
//!   `UseAsNewActiveCustomerCart`: the anonymous cart gets the customer's id (and email if it
//!   has none); that write makes it the most recently modified, hence the active, cart. The
//!   customer's previous carts are kept as they are.
//! - `anonymousCart`, mode `MergeWithExistingCustomerCart`, and the customer has an active cart
//!   in the same currency: the anonymous custom line items are merged into the most recently
//!   modified active cart (a matching item — same slug, name and money — takes the larger of
//!   the two quantities, as the API does for matching line items; others are copied with a new
//!   id), item shipping addresses are kept, and the anonymous cart becomes `Merged`. Carts in
//!   different currencies cannot be merged: then the anonymous cart becomes the active cart
//!   instead, so that the shopper keeps what they just put in it.
//!
//! # Atomicity of the merge
//!
//! The merge writes two carts and storage has no multi-document transaction, so it is built
//! from version-checked single writes, ordered so that no interleaving with concurrent cart
//! updates can lose or duplicate an item:
//!
//! 1. The anonymous cart is first marked `Merged` by a write checked against the version that
//!    was read. From then on its items are frozen: every later update of it fails, either with
//!    `ConcurrentModification` (stale version) or with `InvalidOperation` (not `Active`). An
//!    update acknowledged before that write is part of the version that was marked, so it is
//!    copied; if the marking write loses a race, the whole merge starts again from fresh reads.
//! 2. The frozen items are added to a fresh read of the target cart in one version-checked
//!    write. A conflict means nothing was written; the target is read again and the same frozen
//!    items are added to the new version. Items therefore land exactly once, next to every item
//!    that concurrent requests added to the target.
//! 3. If the target cannot be written after [`MAX_ATTEMPTS`] tries (or a pure step fails, e.g.
//!    an overflow), the anonymous cart is put back to `Active` — nothing was copied, so nothing
//!    is duplicated — and the sign-in answers `ConcurrentModification`. If no suitable target
//!    remains (it was ordered or deleted meanwhile), the frozen cart itself becomes the
//!    customer's active cart in one write.
//!
//! The only window left is a crash of the process between steps 1 and 2: the items then stay in
//! the `Merged` anonymous cart (stranded, not lost, and never duplicated).

use std::time::Duration;

use rand::Rng;

use crate::common::{new_id, ClientLogging, IdOrKey, ResourceIdentifier};
use crate::customers::{AnonymousCartSignInMode, Customer};
use crate::error::{ApiError, ApiResult};
use crate::query::{CmpOp, Query, ValidFilter};
use crate::resource::write_error;
use crate::storage::{Lookup, StorageError};

use super::apply::check_customer_store;
use super::lines::recompute;
use super::model::{Cart, CartState};
use super::rules::{id_cmp, scope_filter, unassigned_with_anonymous_id, Owner};
use super::service::CartService;

/// How often a merge retries after losing a race against concurrent cart updates.
pub const MAX_ATTEMPTS: u32 = 20;

/// What a sign-in or sign-up says about anonymous carts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnonymousCarts {
    /// `anonymousCart` (or the deprecated `anonymousCartId`).
    pub cart: Option<ResourceIdentifier>,
    /// `anonymousId`: assign every cart of that anonymous session.
    pub anonymous_id: Option<String>,
    /// `anonymousCartSignInMode` / `activeCartSignInMode`.
    pub mode: AnonymousCartSignInMode,
}

impl AnonymousCarts {
    /// Nothing to do?
    pub fn is_empty(&self) -> bool {
        self.cart.is_none() && self.anonymous_id.is_none()
    }

    /// `anonymousCart` or the deprecated `anonymousCartId` (both given must agree).
    pub fn cart_identifier(
        cart: Option<ResourceIdentifier>,
        cart_id: Option<String>,
    ) -> ApiResult<Option<ResourceIdentifier>> {
        match (cart, cart_id) {
            (Some(c), Some(id)) if c.id.as_deref() != Some(id.as_str()) => {
                Err(ApiError::InvalidOperation(
                    "'anonymousCart' and 'anonymousCartId' name different carts.".into(),
                ))
            }
            (Some(c), _) => Ok(Some(c)),
            (None, Some(id)) => Ok(Some(ResourceIdentifier {
                type_id: Some("cart".into()),
                id: Some(id),
                key: None,
            })),
            (None, None) => Ok(None),
        }
    }
}

fn gave_up(what: &str) -> ApiError {
    ApiError::ConcurrentModification {
        current_version: None,
        message: format!("The {what} was modified concurrently too often; please retry."),
    }
}

/// Wait a little (randomised, growing) before retrying after a lost race.
async fn backoff(attempt: u32) {
    let cap = 1u64 << attempt.min(5);
    let ms = rand::thread_rng().gen_range(0..=cap);
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

fn is_conflict(e: &StorageError) -> bool {
    matches!(
        e,
        StorageError::VersionConflict { .. } | StorageError::NotFound
    )
}

/// Merge the custom line items and item shipping addresses of `anon` into `target` (pure).
pub fn merge_lines(target: &mut Cart, anon: &Cart) -> ApiResult<()> {
    for line in &anon.custom_line_items {
        let same = target
            .custom_line_items
            .iter_mut()
            .find(|l| l.slug == line.slug && l.name == line.name && l.money == line.money);
        match same {
            Some(l) => l.quantity = l.quantity.max(line.quantity),
            None => {
                let mut copy = line.clone();
                copy.id = new_id();
                if copy.key.as_ref().is_some_and(|k| {
                    target
                        .custom_line_items
                        .iter()
                        .any(|l| l.key.as_ref() == Some(k))
                }) {
                    copy.key = None;
                }
                target.custom_line_items.push(copy);
            }
        }
    }
    for a in &anon.item_shipping_addresses {
        if !target
            .item_shipping_addresses
            .iter()
            .any(|b| b.key == a.key)
        {
            target.item_shipping_addresses.push(a.clone());
        }
    }
    recompute(target)
}

/// The anonymous cart handed to the customer: their id, their email if it has none.
fn assigned(cart: &Cart, customer: &Customer) -> Cart {
    let mut next = cart.clone();
    next.customer_id = Some(customer.meta.id.clone());
    if next.customer_email.is_none() {
        next.customer_email = Some(customer.email.clone());
    }
    next.customer_group = customer.customer_group.clone();
    next
}

impl CartService {
    /// Check the anonymous cart of a sign-in or sign-up for `customer` (who may not be stored
    /// yet): it must exist and be visible from the endpoint (in-store: no store or store `s`,
    /// else `ReferencedResourceNotFound`), be `Active`, belong to no other customer, carry the
    /// given `anonymousId`, and the customer must be allowed to own a cart of its store.
    /// `None` when there is no anonymous cart or it already belongs to the customer.
    pub async fn check_anonymous(
        &self,
        project: &str,
        store: Option<&str>,
        customer: &Customer,
        input: &AnonymousCarts,
    ) -> ApiResult<Option<Cart>> {
        let Some(r) = &input.cart else {
            return Ok(None);
        };
        let found: Option<Cart> = match r.resolve("cart")? {
            IdOrKey::Id(id) => self.repo.find(project, Lookup::Id(&id)).await?,
            IdOrKey::Key(key) => self.repo.find(project, Lookup::Key(&key)).await?,
        };
        let cart = match found {
            Some(c) if store.is_none() || c.store.is_none() || c.store_key() == store => c,
            _ => return Err(r.not_found("cart")),
        };
        if let Some(aid) = &input.anonymous_id {
            if cart.anonymous_id.as_deref() != Some(aid.as_str()) {
                return Err(ApiError::InvalidOperation(format!(
                    "The anonymousId '{aid}' does not match the anonymousId of the anonymous cart."
                )));
            }
        }
        self.still_anonymous(cart, customer)
    }

    /// The checks on an anonymous cart that can change while a merge runs.
    fn still_anonymous(&self, cart: Cart, customer: &Customer) -> ApiResult<Option<Cart>> {
        match &cart.customer_id {
            Some(c) if *c == customer.meta.id => return Ok(None),
            Some(_) => {
                return Err(ApiError::InvalidOperation(format!(
                    "The cart '{}' belongs to another customer and cannot be used as an \
                     anonymous cart.",
                    cart.meta.id
                )))
            }
            None => {}
        }
        if !cart.is_active() {
            return Err(ApiError::InvalidOperation(format!(
                "The anonymous cart '{}' is in state '{:?}' and cannot be used at sign-in.",
                cart.meta.id, cart.cart_state
            )));
        }
        check_customer_store(customer, cart.store_key())?;
        Ok(Some(cart))
    }

    /// The whole sign-in/sign-up cart handling for `customer` (stored): check the anonymous
    /// cart, assign the anonymous session's carts, merge or adopt the anonymous cart, and
    /// return the customer's active cart afterwards (in-store: of that store), if any.
    pub async fn sign_in_carts(
        &self,
        project: &str,
        store: Option<&str>,
        customer: &Customer,
        by: &ClientLogging,
        input: &AnonymousCarts,
    ) -> ApiResult<Option<Cart>> {
        let anon = self
            .check_anonymous(project, store, customer, input)
            .await?;
        if let Some(aid) = &input.anonymous_id {
            let except = anon.as_ref().map(|c| c.meta.id.as_str());
            self.assign_anonymous_id(project, store, customer, by, aid, except)
                .await?;
        }
        match anon {
            Some(a) => self
                .merge_anonymous(project, store, customer, by, &a.meta.id, input.mode)
                .await
                .map(Some),
            None => {
                let owner = Owner::Customer(customer.meta.id.clone());
                self.find_active(project, store, &owner, None).await
            }
        }
    }

    /// The anonymous session's active cart (for `/me/login`), if any.
    pub async fn session_cart(
        &self,
        project: &str,
        store: Option<&str>,
        anonymous_id: &str,
    ) -> ApiResult<Option<Cart>> {
        let owner = Owner::Anonymous(anonymous_id.to_string());
        self.find_active(project, store, &owner, None).await
    }

    /// Give every unowned cart with this anonymous id (in-store: of that store) to the
    /// customer, except `except` and carts of stores the customer may not use. Pages by id so
    /// that skipped carts are not read again.
    async fn assign_anonymous_id(
        &self,
        project: &str,
        store: Option<&str>,
        customer: &Customer,
        by: &ClientLogging,
        anonymous_id: &str,
        except: Option<&str>,
    ) -> ApiResult<()> {
        let mut after: Option<String> = None;
        loop {
            let mut filter = scope_filter(
                store,
                None,
                Some(unassigned_with_anonymous_id(anonymous_id)),
            );
            filter = ValidFilter::and_opt(filter, except.map(|id| id_cmp(CmpOp::Ne, id)));
            filter = ValidFilter::and_opt(filter, after.as_deref().map(|id| id_cmp(CmpOp::Gt, id)));
            let q = Query {
                filter,
                ..Query::all(100)
            };
            let page = self.find_carts(project, &q).await?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = Some(last.meta.id.clone());
            for c in page {
                if check_customer_store(customer, c.store_key()).is_ok() {
                    self.assign_one(project, customer, by, c).await?;
                }
            }
        }
    }

    /// Give one cart to the customer, re-reading it after a lost race; a cart that someone
    /// else assigned meanwhile is left alone.
    async fn assign_one(
        &self,
        project: &str,
        customer: &Customer,
        by: &ClientLogging,
        mut cart: Cart,
    ) -> ApiResult<()> {
        for attempt in 0..MAX_ATTEMPTS {
            if cart.customer_id.is_some() {
                return Ok(());
            }
            let next = assigned(&cart, customer);
            match self.repo.save(project, &cart, next, by, None).await {
                Ok(_) => return Ok(()),
                Err(e) if is_conflict(&e) => {
                    backoff(attempt).await;
                    match self
                        .repo
                        .find::<Cart>(project, Lookup::Id(&cart.meta.id))
                        .await?
                    {
                        Some(c) => cart = c,
                        None => return Ok(()),
                    }
                }
                Err(e) => return Err(write_error(&cart, cart.meta.version, e)),
            }
        }
        Err(gave_up("cart"))
    }

    /// Merge or adopt the anonymous cart `anon_id` for the customer (see the module docs);
    /// returns the customer's resulting active cart.
    async fn merge_anonymous(
        &self,
        project: &str,
        store: Option<&str>,
        customer: &Customer,
        by: &ClientLogging,
        anon_id: &str,
        mode: AnonymousCartSignInMode,
    ) -> ApiResult<Cart> {
        let owner = Owner::Customer(customer.meta.id.clone());
        for attempt in 0..MAX_ATTEMPTS {
            let fresh: Option<Cart> = self.repo.find(project, Lookup::Id(anon_id)).await?;
            let Some(fresh) = fresh else {
                return Err(ApiError::ReferencedResourceNotFound {
                    type_id: "cart".into(),
                    id: Some(anon_id.to_string()),
                    key: None,
                });
            };
            let Some(anon) = self.still_anonymous(fresh.clone(), customer)? else {
                // Assigned to this customer meanwhile (a concurrent sign-in): nothing to do.
                return Ok(fresh);
            };
            let target = match mode {
                AnonymousCartSignInMode::MergeWithExistingCustomerCart => {
                    self.find_active(project, store, &owner, Some(anon_id))
                        .await?
                }
                AnonymousCartSignInMode::UseAsNewActiveCustomerCart => None,
            };
            let result = match target.filter(|t| t.currency() == anon.currency()) {
                None => {
                    self.repo
                        .save(project, &anon, assigned(&anon, customer), by, None)
                        .await
                }
                Some(t) => {
                    let mut merged = anon.clone();
                    merged.cart_state = CartState::Merged;
                    match self.repo.save(project, &anon, merged, by, None).await {
                        Ok(frozen) => {
                            return self
                                .copy_into(project, store, customer, by, frozen, t)
                                .await
                        }
                        Err(e) => Err(e),
                    }
                }
            };
            match result {
                Ok(cart) => return Ok(cart),
                Err(e) if is_conflict(&e) => backoff(attempt).await,
                Err(e) => return Err(write_error(&anon, anon.meta.version, e)),
            }
        }
        Err(gave_up("anonymous cart"))
    }

    /// Step 2 of the merge: add the frozen (`Merged`) anonymous cart's items to the target,
    /// re-reading the target after each lost race; undo the freeze if that never succeeds.
    async fn copy_into(
        &self,
        project: &str,
        store: Option<&str>,
        customer: &Customer,
        by: &ClientLogging,
        frozen: Cart,
        first_target: Cart,
    ) -> ApiResult<Cart> {
        let owner = Owner::Customer(customer.meta.id.clone());
        let mut target = Some(first_target);
        for attempt in 0..MAX_ATTEMPTS {
            let t = match target.take() {
                Some(t) => Some(t),
                None => {
                    self.find_active(project, store, &owner, Some(&frozen.meta.id))
                        .await?
                }
            };
            let Some(t) = t.filter(|t| t.currency() == frozen.currency()) else {
                // The target went away (ordered, deleted): the anonymous cart takes its place.
                let mut next = assigned(&frozen, customer);
                next.cart_state = CartState::Active;
                let expected = frozen.meta.version;
                return self
                    .repo
                    .save(project, &frozen, next, by, None)
                    .await
                    .map_err(|e| write_error(&frozen, expected, e));
            };
            let mut next = t.clone();
            if let Err(e) = merge_lines(&mut next, &frozen) {
                self.unfreeze(project, by, &frozen).await;
                return Err(e);
            }
            match self.repo.save(project, &t, next, by, None).await {
                Ok(saved) => return Ok(saved),
                Err(e) if is_conflict(&e) => backoff(attempt).await,
                Err(e) => {
                    self.unfreeze(project, by, &frozen).await;
                    return Err(write_error(&t, t.meta.version, e));
                }
            }
        }
        self.unfreeze(project, by, &frozen).await;
        Err(gave_up("customer's active cart"))
    }

    /// Step 3 of the merge: put a frozen anonymous cart back to `Active` (nothing of it was
    /// copied). Failing that is logged: the cart then stays `Merged` with its items.
    async fn unfreeze(&self, project: &str, by: &ClientLogging, frozen: &Cart) {
        let mut next = frozen.clone();
        next.cart_state = CartState::Active;
        if let Err(e) = self.repo.save(project, frozen, next, by, None).await {
            tracing::error!(error = %e, cart = %frozen.meta.id, "could not reactivate an anonymous cart after a failed merge");
        }
    }
}
