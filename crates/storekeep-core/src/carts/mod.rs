//! Carts: the resource with the fields that tie it to a store and an owner, custom line items
//! with exact integer totals, the update actions, the service behind the cart endpoints
//! (global, in-store `/in-store/key={s}/carts…`, and `/me/carts…` through an [`Owner`]), and the
//! anonymous-cart handling of customer sign-in and sign-up ([`AnonymousCarts`], `merge.rs`) and of
//! the Merge Cart endpoints ([`MergeCartDraft`], `merge_cart.rs`).
//!
//! Store rules live here, not in the front-ends: a store's endpoints see only that store's
//! carts (others are 404), a cart in store `s` may only belong to a global customer or one
//! assigned to `s`, and a cart's country must be one of its store's countries.
//!
//! storekeep has no product catalogue, tax categories, shipping methods, discounts or custom
//! types: `lineItems` stays empty (adding one is a clear `InvalidOperation`), no taxes are
//! calculated (`taxedPrice` is absent), and references to those resources are
//! `ReferencedResourceNotFound`. Nothing here knows HTTP or SQL.

mod actions;
mod apply;
mod draft;
mod lines;
mod merge;
mod merge_cart;
mod model;
mod money;
mod rules;
mod service;

#[cfg(test)]
mod tests;

pub use actions::{check_my_actions, CartUpdate, CartUpdateAction};
pub use apply::{apply, apply_all, check_customer_store, CartContext};
pub use draft::{build_cart, check_draft, CartDraft, MyCartDraft};
pub use lines::{build_line, recompute, CustomLineItemDraft};
pub use merge::{merge_lines, AnonymousCarts, MAX_ATTEMPTS};
pub use merge_cart::{CartMergeMode, MergeCartDraft};
pub use model::{
    Cart, CartOrigin, CartState, CustomLineItem, CustomLineItemPriceMode, InventoryMode,
    RoundingMode, ShippingMode, TaxCalculationMode, TaxMode, CART_SCHEMA, CUSTOM_LINE_ITEM_SCHEMA,
};
pub use money::{fraction_digits, CentPrecisionMoney, Money, MoneyType};
pub use rules::{with_anonymous_id, Owner};
pub use service::CartService;
