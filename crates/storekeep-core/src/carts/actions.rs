//! Cart update actions: the wire enum, the `/me` subset, and what the service must load before
//! `apply` runs (customers named by `setCustomerId`). `apply` itself is in `apply.rs`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::ResourceIdentifier;
use crate::customers::AddressDraft;
use crate::error::{ApiError, ApiResult};

use super::lines::CustomLineItemDraft;
use super::model::{CustomLineItemPriceMode, RoundingMode, TaxCalculationMode, TaxMode};
use super::money::Money;

/// The body of a Cart update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartUpdate {
    pub version: i64,
    pub actions: Vec<CartUpdateAction>,
}

/// The Cart update actions storekeep implements: everything about the cart's owner, store
/// binding, addresses, country, locale, key, modes and custom line items. The product
/// line-item actions parse (any body) so that they can be refused with a clear
/// `InvalidOperation` rather than a JSON error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CartUpdateAction {
    AddCustomLineItem(CustomLineItemDraft),
    RemoveCustomLineItem {
        #[serde(default)]
        custom_line_item_id: Option<String>,
        #[serde(default)]
        custom_line_item_key: Option<String>,
    },
    ChangeCustomLineItemQuantity {
        #[serde(default)]
        custom_line_item_id: Option<String>,
        #[serde(default)]
        custom_line_item_key: Option<String>,
        quantity: i64,
    },
    ChangeCustomLineItemMoney {
        #[serde(default)]
        custom_line_item_id: Option<String>,
        #[serde(default)]
        custom_line_item_key: Option<String>,
        money: Money,
    },
    ChangeCustomLineItemPriceMode {
        #[serde(default)]
        custom_line_item_id: Option<String>,
        #[serde(default)]
        custom_line_item_key: Option<String>,
        mode: CustomLineItemPriceMode,
    },
    SetCustomerId {
        #[serde(default)]
        customer_id: Option<String>,
    },
    SetCustomerEmail {
        #[serde(default)]
        email: Option<String>,
    },
    SetAnonymousId {
        #[serde(default)]
        anonymous_id: Option<String>,
    },
    SetCustomerGroup {
        #[serde(default)]
        customer_group: Option<ResourceIdentifier>,
    },
    SetShippingAddress {
        #[serde(default)]
        address: Option<AddressDraft>,
    },
    SetBillingAddress {
        #[serde(default)]
        address: Option<AddressDraft>,
    },
    AddItemShippingAddress {
        address: AddressDraft,
    },
    UpdateItemShippingAddress {
        address: AddressDraft,
    },
    RemoveItemShippingAddress {
        address_key: String,
    },
    SetCountry {
        #[serde(default)]
        country: Option<String>,
    },
    SetLocale {
        #[serde(default)]
        locale: Option<String>,
    },
    SetKey {
        #[serde(default)]
        key: Option<String>,
    },
    SetDeleteDaysAfterLastModification {
        #[serde(default)]
        delete_days_after_last_modification: Option<i64>,
    },
    ChangeTaxMode {
        tax_mode: TaxMode,
    },
    ChangeTaxRoundingMode {
        tax_rounding_mode: RoundingMode,
    },
    ChangeTaxCalculationMode {
        tax_calculation_mode: TaxCalculationMode,
    },
    ChangePriceRoundingMode {
        price_rounding_mode: RoundingMode,
    },
    SetCustomType {
        #[serde(default, rename = "type")]
        type_ref: Option<ResourceIdentifier>,
        #[serde(default)]
        fields: Option<Map<String, Value>>,
    },
    SetCustomField {
        name: String,
        #[serde(default)]
        value: Option<Value>,
    },
    Recalculate {
        #[serde(default)]
        update_product_data: Option<bool>,
    },
    AddLineItem(Map<String, Value>),
    RemoveLineItem(Map<String, Value>),
    ChangeLineItemQuantity(Map<String, Value>),
}
crate::tagged_enum!(CartUpdateAction, "action");

impl CartUpdateAction {
    /// The wire name of the action (`setCountry`, …).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("action").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default()
    }

    /// Is the action one of `MyCartUpdateAction` (the `/me/carts` endpoints)? Custom line
    /// items, the owner, the key, the origin-related modes and custom types of the cart are
    /// not (the latter two only through `setCustomType`/`setCustomField`, which are).
    /// Exhaustive, so a new action must be classified.
    pub fn allowed_for_me(&self) -> bool {
        use CartUpdateAction as A;
        match self {
            A::AddCustomLineItem(_)
            | A::RemoveCustomLineItem { .. }
            | A::ChangeCustomLineItemQuantity { .. }
            | A::ChangeCustomLineItemMoney { .. }
            | A::ChangeCustomLineItemPriceMode { .. }
            | A::SetCustomerId { .. }
            | A::SetAnonymousId { .. }
            | A::SetCustomerGroup { .. }
            | A::SetKey { .. }
            | A::ChangeTaxRoundingMode { .. }
            | A::ChangeTaxCalculationMode { .. }
            | A::ChangePriceRoundingMode { .. } => false,
            A::SetCustomerEmail { .. }
            | A::SetShippingAddress { .. }
            | A::SetBillingAddress { .. }
            | A::AddItemShippingAddress { .. }
            | A::UpdateItemShippingAddress { .. }
            | A::RemoveItemShippingAddress { .. }
            | A::SetCountry { .. }
            | A::SetLocale { .. }
            | A::SetDeleteDaysAfterLastModification { .. }
            | A::ChangeTaxMode { .. }
            | A::SetCustomType { .. }
            | A::SetCustomField { .. }
            | A::Recalculate { .. }
            | A::AddLineItem(_)
            | A::RemoveLineItem(_)
            | A::ChangeLineItemQuantity(_) => true,
        }
    }

    /// The customer id an action names (it must be loaded before `apply`).
    pub fn customer_id(&self) -> Option<&str> {
        match self {
            CartUpdateAction::SetCustomerId {
                customer_id: Some(id),
            } => Some(id),
            _ => None,
        }
    }

    /// Does the action need the project's settings (languages, default cart lifetime)?
    pub fn needs_project(&self) -> bool {
        matches!(
            self,
            CartUpdateAction::SetLocale { locale: Some(_) }
                | CartUpdateAction::SetDeleteDaysAfterLastModification {
                    delete_days_after_last_modification: None
                }
        )
    }

    /// Does the action need the countries of the cart's store?
    pub fn needs_store_countries(&self) -> bool {
        matches!(self, CartUpdateAction::SetCountry { country: Some(_) })
    }
}

/// Refuse actions the `/me/carts` endpoints do not know: for `MyCartUpdate` they are not a
/// valid `action` value, hence a JSON error as with any unknown action.
pub fn check_my_actions(actions: &[CartUpdateAction]) -> ApiResult<()> {
    match actions.iter().find(|a| !a.allowed_for_me()) {
        Some(a) => Err(ApiError::invalid_json(format!(
            "actions -> action: unknown MyCartUpdateAction '{}'.",
            a.name()
        ))),
        None => Ok(()),
    }
}
