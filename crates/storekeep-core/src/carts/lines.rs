//! Custom line items: building one from a draft, adding it to a cart (an equivalent item only
//! has its quantity increased, as the API does since 2017-10-06), finding one by id or key, and
//! recomputing every total of a cart with exact integer arithmetic. Shared by the draft, the
//! update actions and the sign-in merge; all pure.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{check_key, check_localized, new_id, valid_key, CustomFieldsDraft};
use crate::common::{LocalizedString, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};

use super::model::{Cart, CustomLineItem, CustomLineItemPriceMode};
use super::money::{add_quantity, line_total, sum, CentPrecisionMoney, Money};

/// A custom line item in a draft or an `addCustomLineItem` action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomLineItemDraft {
    pub name: LocalizedString,
    #[serde(default)]
    pub quantity: Option<i64>,
    pub money: Money,
    pub slug: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub tax_category: Option<ResourceIdentifier>,
    #[serde(default)]
    pub external_tax_rate: Option<Value>,
    #[serde(default)]
    pub custom: Option<CustomFieldsDraft>,
    #[serde(default)]
    pub shipping_details: Option<Value>,
    #[serde(default)]
    pub price_mode: Option<CustomLineItemPriceMode>,
}

/// Money for an item of a cart in `currency`: same currency, cent precision.
pub(super) fn item_money(
    currency: &str,
    money: &Money,
    field: &str,
) -> ApiResult<CentPrecisionMoney> {
    let m = money.to_cent_precision(field)?;
    if m.currency_code != currency {
        return Err(ApiError::InvalidOperation(format!(
            "The currency '{}' of '{field}' does not match the cart's currency '{currency}'.",
            m.currency_code
        )));
    }
    Ok(m)
}

/// A quantity of a new item: a positive integer.
fn check_positive_quantity(q: i64) -> ApiResult<()> {
    if q >= 1 {
        Ok(())
    } else {
        Err(ApiError::InvalidInput(format!(
            "The quantity of a custom line item must be a positive integer, got {q}."
        )))
    }
}

/// Build a custom line item for a cart in `currency` from its draft (a fresh id). Tax
/// categories, external tax rates, custom types and shipping details are references or data
/// storekeep cannot honour, so they are refused rather than ignored.
pub fn build_line(currency: &str, d: &CustomLineItemDraft) -> ApiResult<CustomLineItem> {
    check_localized("name", &d.name)?;
    if !valid_key(&d.slug) {
        return Err(ApiError::InvalidInput(format!(
            "Invalid slug '{}'. A slug must match [a-zA-Z0-9_-]{{2,256}}.",
            d.slug
        )));
    }
    if let Some(k) = &d.key {
        check_key("customLineItem key", k)?;
    }
    if let Some(t) = &d.tax_category {
        return Err(t.unknown("tax-category"));
    }
    if let Some(c) = &d.custom {
        return Err(c.type_ref.unknown("type"));
    }
    if d.external_tax_rate.is_some() {
        return Err(ApiError::InvalidOperation(
            "External tax rates are not supported: storekeep does not calculate taxes.".into(),
        ));
    }
    if d.shipping_details.is_some() {
        return Err(ApiError::InvalidOperation(
            "Shipping details of custom line items are not supported.".into(),
        ));
    }
    let quantity = d.quantity.unwrap_or(1);
    check_positive_quantity(quantity)?;
    let money = item_money(currency, &d.money, "money")?;
    let total = line_total(money.cent_amount, quantity)?;
    Ok(CustomLineItem {
        id: new_id(),
        key: d.key.clone(),
        name: d.name.clone(),
        total_price: CentPrecisionMoney::new(currency, total),
        money,
        slug: d.slug.clone(),
        quantity,
        state: Vec::new(),
        tax_category: None,
        taxed_price_portions: Vec::new(),
        discounted_price_per_quantity: Vec::new(),
        per_method_tax_rate: Vec::new(),
        price_mode: d.price_mode.unwrap_or_default(),
        custom: None,
    })
}

/// Do two items describe the same thing (everything but id and quantity equal)?
pub fn equivalent(a: &CustomLineItem, b: &CustomLineItem) -> bool {
    a.name == b.name
        && a.slug == b.slug
        && a.money == b.money
        && a.key == b.key
        && a.tax_category == b.tax_category
        && a.price_mode == b.price_mode
        && a.custom == b.custom
}

/// Add an item: an equivalent item already in the cart gets the quantities added; a new item
/// may not reuse the key of another item.
pub fn add_line(cart: &mut Cart, line: CustomLineItem) -> ApiResult<()> {
    if let Some(existing) = cart
        .custom_line_items
        .iter_mut()
        .find(|l| equivalent(l, &line))
    {
        existing.quantity = add_quantity(existing.quantity, line.quantity)?;
        return Ok(());
    }
    if let Some(k) = &line.key {
        if cart
            .custom_line_items
            .iter()
            .any(|l| l.key.as_ref() == Some(k))
        {
            return Err(ApiError::duplicate("customLineItems.key", k));
        }
    }
    cart.custom_line_items.push(line);
    Ok(())
}

/// The index of the item named by `customLineItemId` or `customLineItemKey` (exactly one).
pub fn find_line(cart: &Cart, id: &Option<String>, key: &Option<String>) -> ApiResult<usize> {
    let found = match (id, key) {
        (Some(id), None) => cart.custom_line_items.iter().position(|l| &l.id == id),
        (None, Some(key)) => cart
            .custom_line_items
            .iter()
            .position(|l| l.key.as_ref() == Some(key)),
        _ => {
            return Err(ApiError::InvalidInput(
                "Exactly one of 'customLineItemId' and 'customLineItemKey' must be given.".into(),
            ))
        }
    };
    found.ok_or_else(|| {
        let what = match (id, key) {
            (Some(id), _) => format!("ID '{id}'"),
            (_, Some(key)) => format!("key '{key}'"),
            _ => String::new(),
        };
        ApiError::InvalidInput(format!("A custom line item with {what} was not found."))
    })
}

/// Set an item's quantity: 0 removes it, a negative quantity is refused.
pub fn set_quantity(cart: &mut Cart, index: usize, quantity: i64) -> ApiResult<()> {
    if quantity < 0 {
        return Err(ApiError::InvalidInput(format!(
            "The quantity of a custom line item cannot be negative, got {quantity}."
        )));
    }
    if quantity == 0 {
        cart.custom_line_items.remove(index);
    } else if let Some(l) = cart.custom_line_items.get_mut(index) {
        l.quantity = quantity;
    }
    Ok(())
}

/// Recompute every item total and the cart total, exactly; an overflow is `InvalidInput`.
pub fn recompute(cart: &mut Cart) -> ApiResult<()> {
    let currency = cart.total_price.currency_code.clone();
    for l in &mut cart.custom_line_items {
        let total = line_total(l.money.cent_amount, l.quantity)?;
        l.total_price = CentPrecisionMoney::new(&currency, total);
    }
    let total = sum(cart
        .custom_line_items
        .iter()
        .map(|l| l.total_price.cent_amount))?;
    cart.total_price = CentPrecisionMoney::new(&currency, total);
    Ok(())
}
