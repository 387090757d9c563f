//! `apply`: one cart update action on a cart, pure. Data from elsewhere (the customers that
//! `setCustomerId` names, the project's languages, the countries of the cart's store, the
//! project's default cart lifetime) is loaded by the service and handed in through a
//! [`CartContext`]. [`apply_all`] applies a request's actions in order and recomputes every
//! total; the service runs it on a copy, so a failing action leaves the stored cart untouched.

use crate::common::{check_key, KeyReference};
use crate::customers::{check_locale, Customer};
use crate::error::{ApiError, ApiResult};

use super::actions::CartUpdateAction;
use super::draft::{check_cart_address, check_country, check_delete_days, no_line_items};
use super::lines::{add_line, build_line, find_line, item_money, recompute, set_quantity};
use super::model::Cart;

/// What `apply` needs from outside the cart.
#[derive(Debug, Clone, Copy, Default)]
pub struct CartContext<'a> {
    /// The customers the request names (by `setCustomerId`) that exist.
    pub customers: &'a [Customer],
    /// The project's languages, for `setLocale`.
    pub languages: Option<&'a [String]>,
    /// The countries of the cart's store (empty: no store, or a store without countries).
    pub store_countries: &'a [String],
    /// The project's default `deleteDaysAfterLastModification`.
    pub default_delete_days: Option<i64>,
}

/// The store rule: a cart in store `s` may only belong to a customer who is global (no
/// stores) or assigned to `s`.
pub fn check_customer_store(customer: &Customer, cart_store: Option<&str>) -> ApiResult<()> {
    match cart_store {
        Some(s) if !customer.is_global() && !customer.in_store(s) => {
            Err(ApiError::InvalidOperation(format!(
                "The customer '{}' is not assigned to store '{s}' and cannot own a cart of that \
                 store: a cart in a store may only belong to a global customer or to a customer \
                 of that store.",
                customer.meta.id
            )))
        }
        _ => Ok(()),
    }
}

/// The `CountryNotConfiguredInStore` check of a cart in a store with countries.
pub fn check_store_country(
    store: Option<&KeyReference>,
    store_countries: &[String],
    country: &str,
) -> ApiResult<()> {
    match store {
        Some(s) if !store_countries.is_empty() && !store_countries.iter().any(|c| c == country) => {
            Err(ApiError::CountryNotConfiguredInStore {
                store: s.key.clone(),
                store_countries: store_countries.to_vec(),
                country: country.to_string(),
            })
        }
        _ => Ok(()),
    }
}

/// A cart that is not `Active` (merged, ordered, frozen) accepts no update action.
pub fn check_active(cart: &Cart) -> ApiResult<()> {
    if cart.is_active() {
        Ok(())
    } else {
        Err(ApiError::InvalidOperation(format!(
            "The cart '{}' is in state '{:?}' and can no longer be changed.",
            cart.meta.id, cart.cart_state
        )))
    }
}

/// Apply a request's actions in order, then recompute the totals.
pub fn apply_all(
    cart: &mut Cart,
    actions: &[CartUpdateAction],
    ctx: &CartContext<'_>,
) -> ApiResult<()> {
    for a in actions {
        apply(cart, a, ctx)?;
    }
    recompute(cart)
}

/// Apply one action to a cart. The match is exhaustive (no wildcard arm): a new action does
/// not compile until it is handled here.
pub fn apply(cart: &mut Cart, a: &CartUpdateAction, ctx: &CartContext<'_>) -> ApiResult<()> {
    use CartUpdateAction as A;
    check_active(cart)?;
    match a {
        A::AddCustomLineItem(d) => {
            let line = build_line(cart.currency(), d)?;
            add_line(cart, line)?;
        }
        A::RemoveCustomLineItem {
            custom_line_item_id: id,
            custom_line_item_key: key,
        } => {
            let i = find_line(cart, id, key)?;
            cart.custom_line_items.remove(i);
        }
        A::ChangeCustomLineItemQuantity {
            custom_line_item_id: id,
            custom_line_item_key: key,
            quantity,
        } => {
            let i = find_line(cart, id, key)?;
            set_quantity(cart, i, *quantity)?;
        }
        A::ChangeCustomLineItemMoney {
            custom_line_item_id: id,
            custom_line_item_key: key,
            money,
        } => {
            let i = find_line(cart, id, key)?;
            let m = item_money(cart.currency(), money, "money")?;
            if let Some(l) = cart.custom_line_items.get_mut(i) {
                l.money = m;
            }
        }
        A::ChangeCustomLineItemPriceMode {
            custom_line_item_id: id,
            custom_line_item_key: key,
            mode,
        } => {
            let i = find_line(cart, id, key)?;
            if let Some(l) = cart.custom_line_items.get_mut(i) {
                l.price_mode = *mode;
            }
        }
        A::SetCustomerId { customer_id } => set_customer(cart, customer_id.as_deref(), ctx)?,
        A::SetCustomerEmail { email } => cart.customer_email = email.clone(),
        A::SetAnonymousId { anonymous_id } => {
            if let Some(c) = &cart.customer_id {
                return Err(ApiError::InvalidOperation(format!(
                    "The cart belongs to the customer '{c}'; its anonymousId cannot be changed."
                )));
            }
            cart.anonymous_id = anonymous_id.clone();
        }
        A::SetCustomerGroup { customer_group } => {
            if let Some(g) = customer_group {
                return Err(g.unknown("customer-group"));
            }
            cart.customer_group = None;
        }
        A::SetShippingAddress { address } => {
            cart.shipping_address = address.as_ref().map(check_cart_address).transpose()?;
        }
        A::SetBillingAddress { address } => {
            cart.billing_address = address.as_ref().map(check_cart_address).transpose()?;
        }
        A::AddItemShippingAddress { address } => {
            let addr = check_cart_address(address)?;
            let mut all = cart.item_shipping_addresses.clone();
            all.push(addr);
            super::draft::check_item_addresses(&all)?;
            cart.item_shipping_addresses = all;
        }
        A::UpdateItemShippingAddress { address } => {
            let addr = check_cart_address(address)?;
            let slot = cart
                .item_shipping_addresses
                .iter_mut()
                .find(|x| x.key.is_some() && x.key == addr.key);
            match slot {
                Some(s) => *s = addr,
                None => return Err(unknown_item_address(addr.key.as_deref())),
            }
        }
        A::RemoveItemShippingAddress { address_key } => {
            let before = cart.item_shipping_addresses.len();
            cart.item_shipping_addresses
                .retain(|x| x.key.as_deref() != Some(address_key.as_str()));
            if cart.item_shipping_addresses.len() == before {
                return Err(unknown_item_address(Some(address_key)));
            }
        }
        A::SetCountry { country } => {
            if let Some(c) = country {
                check_country(c)?;
                check_store_country(cart.store.as_ref(), ctx.store_countries, c)?;
            }
            cart.country = country.clone();
        }
        A::SetLocale { locale } => {
            if let Some(l) = locale {
                check_locale(l, ctx.languages)?;
            }
            cart.locale = locale.clone();
        }
        A::SetKey { key } => {
            if let Some(k) = key {
                check_key("key", k)?;
            }
            cart.key = key.clone();
        }
        A::SetDeleteDaysAfterLastModification {
            delete_days_after_last_modification: days,
        } => {
            if let Some(d) = days {
                check_delete_days(*d)?;
            }
            cart.delete_days_after_last_modification = days.or(ctx.default_delete_days);
        }
        A::ChangeTaxMode { tax_mode } => cart.tax_mode = *tax_mode,
        A::ChangeTaxRoundingMode { tax_rounding_mode } => {
            cart.tax_rounding_mode = *tax_rounding_mode
        }
        A::ChangeTaxCalculationMode {
            tax_calculation_mode,
        } => cart.tax_calculation_mode = *tax_calculation_mode,
        A::ChangePriceRoundingMode {
            price_rounding_mode,
        } => cart.price_rounding_mode = *price_rounding_mode,
        A::SetCustomType { type_ref, .. } => {
            if let Some(t) = type_ref {
                return Err(t.unknown("type"));
            }
            cart.custom = None;
        }
        A::SetCustomField { name, .. } => {
            return Err(ApiError::InvalidOperation(format!(
                "Cannot set the custom field '{name}': the cart has no custom type."
            )))
        }
        // Totals are recomputed after every request anyway; there are no prices to refresh.
        A::Recalculate { .. } => {}
        A::AddLineItem(_) | A::RemoveLineItem(_) | A::ChangeLineItemQuantity(_) => {
            return Err(no_line_items())
        }
    }
    Ok(())
}

fn unknown_item_address(key: Option<&str>) -> ApiError {
    ApiError::InvalidInput(format!(
        "No item shipping address with key '{}' exists in the cart.",
        key.unwrap_or_default()
    ))
}

/// `setCustomerId`: the customer must exist and may own a cart of the cart's store.
fn set_customer(cart: &mut Cart, id: Option<&str>, ctx: &CartContext<'_>) -> ApiResult<()> {
    let Some(id) = id else {
        cart.customer_id = None;
        cart.customer_group = None;
        return Ok(());
    };
    // A customer the cart's store does not see (of another store) is answered as one that
    // does not exist (issue 21, F8): the same error, so the two cannot be told apart.
    let customer = ctx
        .customers
        .iter()
        .find(|c| c.meta.id == id && c.visible_in(cart.store_key()))
        .ok_or_else(|| ApiError::ReferencedResourceNotFound {
            type_id: "customer".into(),
            id: Some(id.to_string()),
            key: None,
        })?;
    cart.customer_id = Some(id.to_string());
    cart.customer_group = customer.customer_group.clone();
    Ok(())
}
