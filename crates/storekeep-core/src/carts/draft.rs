//! The body that creates a cart (`CartDraft`) and its custom line items, the pure checks of a
//! draft, and the conversion into a [`Cart`]. Nothing here does I/O: the service resolves the
//! store, checks the customer, the project's languages and the store's countries first.
//!
//! References to resources storekeep does not hold (customer groups, business units, shipping
//! methods, tax categories, custom types) are `ReferencedResourceNotFound`; line items need a
//! product catalogue and are refused with `InvalidOperation`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::ResourceIdentifier;
use crate::common::{check_key, valid_country, CustomFieldsDraft, KeyReference};
use crate::customers::{check_address, check_locale, Address, AddressDraft};
use crate::error::{ApiError, ApiResult};
use crate::resource::Meta;

use super::lines::{add_line, build_line, recompute, CustomLineItemDraft};
use super::model::{Cart, CartOrigin, CartState, InventoryMode};
use super::model::{RoundingMode, ShippingMode, TaxCalculationMode, TaxMode};
use super::money::{check_currency, CentPrecisionMoney};

/// Fewest and most days a cart may live unmodified.
pub const DELETE_DAYS_RANGE: std::ops::RangeInclusive<i64> = 1..=365_240;

/// The refusal of every product line item.
pub fn no_line_items() -> ApiError {
    ApiError::InvalidOperation(
        "storekeep has no product catalogue; line items are not supported (use custom line items)."
            .into(),
    )
}

/// The body that creates a cart, globally or in a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartDraft {
    pub currency: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub customer_email: Option<String>,
    #[serde(default)]
    pub customer_group: Option<ResourceIdentifier>,
    #[serde(default)]
    pub anonymous_id: Option<String>,
    #[serde(default)]
    pub business_unit: Option<ResourceIdentifier>,
    #[serde(default)]
    pub store: Option<ResourceIdentifier>,
    #[serde(default)]
    pub line_items: Option<Vec<Value>>,
    #[serde(default)]
    pub custom_line_items: Option<Vec<CustomLineItemDraft>>,
    #[serde(default)]
    pub tax_mode: Option<TaxMode>,
    #[serde(default)]
    pub external_tax_rate_for_shipping_method: Option<Value>,
    #[serde(default)]
    pub tax_rounding_mode: Option<RoundingMode>,
    #[serde(default)]
    pub tax_calculation_mode: Option<TaxCalculationMode>,
    #[serde(default)]
    pub price_rounding_mode: Option<RoundingMode>,
    #[serde(default)]
    pub inventory_mode: Option<InventoryMode>,
    #[serde(default)]
    pub billing_address: Option<AddressDraft>,
    #[serde(default)]
    pub shipping_address: Option<AddressDraft>,
    #[serde(default)]
    pub shipping_method: Option<ResourceIdentifier>,
    #[serde(default)]
    pub shipping_rate_input: Option<Value>,
    #[serde(default)]
    pub shipping_mode: Option<ShippingMode>,
    #[serde(default)]
    pub custom_shipping: Option<Vec<Value>>,
    #[serde(default)]
    pub shipping: Option<Vec<Value>>,
    #[serde(default)]
    pub item_shipping_addresses: Option<Vec<AddressDraft>>,
    #[serde(default)]
    pub discount_codes: Option<Vec<String>>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub origin: Option<CartOrigin>,
    #[serde(default)]
    pub delete_days_after_last_modification: Option<i64>,
    #[serde(default)]
    pub custom: Option<CustomFieldsDraft>,
}

/// Check a cart address: ISO country, key format, no custom type (none exist).
pub fn check_cart_address(a: &AddressDraft) -> ApiResult<Address> {
    check_address(a)?;
    if let Some(c) = &a.custom {
        return Err(c.type_ref.unknown("type"));
    }
    Ok(a.clone().with_custom(a.id.clone(), None))
}

/// Item shipping addresses each need a key, unique within the cart.
pub fn check_item_addresses(addresses: &[Address]) -> ApiResult<()> {
    for (i, a) in addresses.iter().enumerate() {
        let Some(k) = &a.key else {
            return Err(ApiError::InvalidInput(
                "Every item shipping address needs a 'key'.".into(),
            ));
        };
        if addresses[..i].iter().any(|b| b.key.as_ref() == Some(k)) {
            return Err(ApiError::duplicate("itemShippingAddresses.key", k));
        }
    }
    Ok(())
}

/// A country code must be ISO 3166-1 alpha-2.
pub fn check_country(country: &str) -> ApiResult<()> {
    if valid_country(country) {
        Ok(())
    } else {
        Err(ApiError::invalid_json(format!(
            "country: '{country}' is not a valid ISO 3166-1 alpha-2 country code."
        )))
    }
}

/// `deleteDaysAfterLastModification` must be within [`DELETE_DAYS_RANGE`].
pub fn check_delete_days(days: i64) -> ApiResult<()> {
    if DELETE_DAYS_RANGE.contains(&days) {
        Ok(())
    } else {
        Err(ApiError::InvalidInput(format!(
            "deleteDaysAfterLastModification must be between {} and {}, got {days}.",
            DELETE_DAYS_RANGE.start(),
            DELETE_DAYS_RANGE.end()
        )))
    }
}

/// Everything in a draft that needs no I/O.
pub fn check_draft(d: &CartDraft) -> ApiResult<()> {
    check_currency("currency", &d.currency)?;
    if let Some(k) = &d.key {
        check_key("key", k)?;
    }
    if d.line_items.as_ref().is_some_and(|l| !l.is_empty()) {
        return Err(no_line_items());
    }
    // The documented rule of `setAnonymousId` (CartSetAnonymousIdAction.raml): a cart
    // associated with a customer cannot be given an anonymous session; a draft naming both
    // breaks it the same way (docs/DESIGN.md).
    if let (Some(c), Some(_)) = (&d.customer_id, &d.anonymous_id) {
        return Err(ApiError::InvalidOperation(format!(
            "The cart belongs to the customer '{c}'; it cannot have an anonymousId."
        )));
    }
    let refs = [
        ("customer-group", &d.customer_group),
        ("business-unit", &d.business_unit),
        ("shipping-method", &d.shipping_method),
    ];
    if let Some((type_id, r)) = refs.iter().find_map(|(t, r)| r.as_ref().map(|r| (*t, r))) {
        return Err(r.unknown(type_id));
    }
    if let Some(c) = &d.custom {
        return Err(c.type_ref.unknown("type"));
    }
    let shipping = d.shipping_rate_input.is_some()
        || d.external_tax_rate_for_shipping_method.is_some()
        || d.custom_shipping.as_ref().is_some_and(|v| !v.is_empty())
        || d.shipping.as_ref().is_some_and(|v| !v.is_empty());
    if shipping {
        return Err(ApiError::InvalidOperation(
            "storekeep has no shipping methods; shipping data is not supported.".into(),
        ));
    }
    if let Some(code) = d.discount_codes.iter().flatten().next() {
        return Err(ApiError::InvalidOperation(format!(
            "The discount code '{code}' was not found: storekeep has no discount codes."
        )));
    }
    if let Some(c) = &d.country {
        check_country(c)?;
    }
    if let Some(l) = &d.locale {
        check_locale(l, None)?;
    }
    if let Some(days) = d.delete_days_after_last_modification {
        check_delete_days(days)?;
    }
    Ok(())
}

/// Turn a checked draft into a cart: `store` is the resolved store, `delete_days` the
/// project's default when the draft has none. Custom line items get ids, equivalent ones are
/// combined, and every total is computed.
pub fn build_cart(
    d: CartDraft,
    meta: Meta,
    store: Option<KeyReference>,
    delete_days: Option<i64>,
) -> ApiResult<Cart> {
    let shipping_address = d
        .shipping_address
        .as_ref()
        .map(check_cart_address)
        .transpose()?;
    let billing_address = d
        .billing_address
        .as_ref()
        .map(check_cart_address)
        .transpose()?;
    let items = d
        .item_shipping_addresses
        .iter()
        .flatten()
        .map(check_cart_address)
        .collect::<ApiResult<Vec<_>>>()?;
    check_item_addresses(&items)?;
    let mut cart = Cart {
        meta,
        key: d.key,
        customer_id: d.customer_id,
        customer_email: d.customer_email,
        customer_group: None,
        anonymous_id: d.anonymous_id,
        store,
        line_items: Vec::new(),
        custom_line_items: Vec::new(),
        total_price: CentPrecisionMoney::zero(&d.currency),
        cart_state: CartState::Active,
        shipping_address,
        billing_address,
        item_shipping_addresses: items,
        inventory_mode: d.inventory_mode.unwrap_or_default(),
        tax_mode: d.tax_mode.unwrap_or_default(),
        tax_rounding_mode: d.tax_rounding_mode.unwrap_or_default(),
        tax_calculation_mode: d.tax_calculation_mode.unwrap_or_default(),
        price_rounding_mode: d.price_rounding_mode.unwrap_or_default(),
        country: d.country,
        locale: d.locale,
        origin: d.origin.unwrap_or_default(),
        delete_days_after_last_modification: d.delete_days_after_last_modification.or(delete_days),
        refused_gifts: Vec::new(),
        discount_codes: Vec::new(),
        direct_discounts: Vec::new(),
        shipping: Vec::new(),
        shipping_mode: d.shipping_mode.unwrap_or_default(),
        custom: None,
    };
    for l in d.custom_line_items.iter().flatten() {
        let line = build_line(&d.currency, l)?;
        add_line(&mut cart, line)?;
    }
    recompute(&mut cart)?;
    Ok(cart)
}

/// The body of `POST /me/carts` (`MyCartDraft`): a `CartDraft` without the fields a
/// shopper may not choose (key, owner, customer group, custom line items, origin, rounding
/// and tax modes, external rates, shipping rate input, multiple shipping). Sent anyway they
/// are undeclared fields, ignored like any other (docs/DESIGN.md, "Request JSON").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyCartDraft {
    pub currency: String,
    #[serde(default)]
    pub customer_email: Option<String>,
    #[serde(default)]
    pub business_unit: Option<ResourceIdentifier>,
    #[serde(default)]
    pub store: Option<ResourceIdentifier>,
    #[serde(default)]
    pub line_items: Option<Vec<Value>>,
    #[serde(default)]
    pub tax_mode: Option<TaxMode>,
    #[serde(default)]
    pub inventory_mode: Option<InventoryMode>,
    #[serde(default)]
    pub billing_address: Option<AddressDraft>,
    #[serde(default)]
    pub shipping_address: Option<AddressDraft>,
    #[serde(default)]
    pub shipping_method: Option<ResourceIdentifier>,
    #[serde(default)]
    pub shipping_mode: Option<ShippingMode>,
    #[serde(default)]
    pub item_shipping_addresses: Option<Vec<AddressDraft>>,
    #[serde(default)]
    pub discount_codes: Option<Vec<String>>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub delete_days_after_last_modification: Option<i64>,
    #[serde(default)]
    pub custom: Option<CustomFieldsDraft>,
}

impl MyCartDraft {
    /// The cart draft it stands for (the owner is set by the service from the token).
    pub fn into_draft(self) -> CartDraft {
        CartDraft {
            currency: self.currency,
            key: None,
            customer_id: None,
            customer_email: self.customer_email,
            customer_group: None,
            anonymous_id: None,
            business_unit: self.business_unit,
            store: self.store,
            line_items: self.line_items,
            custom_line_items: None,
            tax_mode: self.tax_mode,
            external_tax_rate_for_shipping_method: None,
            tax_rounding_mode: None,
            tax_calculation_mode: None,
            price_rounding_mode: None,
            inventory_mode: self.inventory_mode,
            billing_address: self.billing_address,
            shipping_address: self.shipping_address,
            shipping_method: self.shipping_method,
            shipping_rate_input: None,
            shipping_mode: self.shipping_mode,
            custom_shipping: None,
            shipping: None,
            item_shipping_addresses: self.item_shipping_addresses,
            discount_codes: self.discount_codes,
            country: self.country,
            locale: self.locale,
            origin: None,
            delete_days_after_last_modification: self.delete_days_after_last_modification,
            custom: self.custom,
        }
    }
}
