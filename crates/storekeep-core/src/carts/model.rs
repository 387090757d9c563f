//! The Cart resource as the API returns it, its custom line items, the enumerations of the
//! cart representation, and the field map that queries on carts are validated against.
//!
//! storekeep has no product catalogue, tax categories, shipping methods, discounts, payments
//! or custom types, so the fields that hold them are always empty (`lineItems`,
//! `discountCodes`, `directDiscounts`, `shipping`, `refusedGifts`) or absent (`taxedPrice`,
//! `shippingInfo`, `customerGroup`, `custom`). They are still part of the wire shape because
//! the SDKs expect the required ones.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::address::{Address, ADDRESS_SCHEMA};
use crate::common::{CustomFields, KeyReference, LocalizedString, Reference};
use crate::query::{
    base_fields, Field, FieldType, Schema, CUSTOM_FIELDS, KEY_REFERENCE, REFERENCE,
};
use crate::resource::{Meta, Resource};
use crate::storage::Collection;

use super::money::CentPrecisionMoney;

/// The state of a cart. Only `Active` carts accept update actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CartState {
    #[default]
    Active,
    /// An anonymous cart whose items were merged into a customer's cart at sign-in.
    Merged,
    Ordered,
    Frozen,
}

/// Who created the cart. Active-cart look-ups consider `Customer` carts only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CartOrigin {
    #[default]
    Customer,
    Merchant,
    Quote,
    RecurringOrder,
}

/// How stock is tracked for line items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum InventoryMode {
    #[default]
    None,
    TrackOnly,
    ReserveOnOrder,
}

/// How tax rates are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TaxMode {
    #[default]
    Platform,
    External,
    ExternalAmount,
    Disabled,
}

/// How monetary values are rounded (taxes and prices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum RoundingMode {
    #[default]
    HalfEven,
    HalfUp,
    HalfDown,
}

/// Whether taxes are computed per line or per unit price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TaxCalculationMode {
    #[default]
    LineItemLevel,
    UnitPriceLevel,
}

/// One or several shipping methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ShippingMode {
    #[default]
    Single,
    Multiple,
}

/// Whether cart discounts apply to a custom line item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CustomLineItemPriceMode {
    #[default]
    Standard,
    External,
}

/// A custom line item: an item not bound to a product (fees, services, vouchers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomLineItem {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub name: LocalizedString,
    pub money: CentPrecisionMoney,
    /// `money × quantity`, exactly.
    pub total_price: CentPrecisionMoney,
    pub slug: String,
    pub quantity: i64,
    #[serde(default)]
    pub state: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_category: Option<Reference>,
    #[serde(default)]
    pub taxed_price_portions: Vec<Value>,
    #[serde(default)]
    pub discounted_price_per_quantity: Vec<Value>,
    #[serde(default)]
    pub per_method_tax_rate: Vec<Value>,
    #[serde(default)]
    pub price_mode: CustomLineItemPriceMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomFields>,
}

/// A Cart. `totalPrice` is always the exact sum of the custom line items' totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    #[serde(flatten)]
    pub meta: Meta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_group: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<KeyReference>,
    /// Always empty: storekeep has no product catalogue.
    #[serde(default)]
    pub line_items: Vec<Value>,
    #[serde(default)]
    pub custom_line_items: Vec<CustomLineItem>,
    pub total_price: CentPrecisionMoney,
    pub cart_state: CartState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    #[serde(default)]
    pub item_shipping_addresses: Vec<Address>,
    #[serde(default)]
    pub inventory_mode: InventoryMode,
    #[serde(default)]
    pub tax_mode: TaxMode,
    #[serde(default)]
    pub tax_rounding_mode: RoundingMode,
    #[serde(default)]
    pub tax_calculation_mode: TaxCalculationMode,
    #[serde(default)]
    pub price_rounding_mode: RoundingMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default)]
    pub origin: CartOrigin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_days_after_last_modification: Option<i64>,
    #[serde(default)]
    pub refused_gifts: Vec<Reference>,
    #[serde(default)]
    pub discount_codes: Vec<Value>,
    #[serde(default)]
    pub direct_discounts: Vec<Value>,
    #[serde(default)]
    pub shipping: Vec<Value>,
    #[serde(default)]
    pub shipping_mode: ShippingMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomFields>,
}

impl Cart {
    /// The currency of the cart (that of its total).
    pub fn currency(&self) -> &str {
        &self.total_price.currency_code
    }

    /// The key of the cart's store, if it has one.
    pub fn store_key(&self) -> Option<&str> {
        self.store.as_ref().map(|s| s.key.as_str())
    }

    /// Is the cart `Active` (the only state that accepts changes)?
    pub fn is_active(&self) -> bool {
        self.cart_state == CartState::Active
    }
}

const MONEY: Schema = Schema(&[
    Field::body("type", FieldType::String),
    Field::body("currencyCode", FieldType::String),
    Field::body("centAmount", FieldType::Number),
    Field::body("fractionDigits", FieldType::Number),
]);

/// The queryable fields of a custom line item.
pub const CUSTOM_LINE_ITEM_SCHEMA: Schema = Schema(&[
    Field::body("id", FieldType::String),
    Field::body("key", FieldType::String),
    Field::body("name", FieldType::LocalizedString),
    Field::body("money", FieldType::Object(MONEY)),
    Field::body("totalPrice", FieldType::Object(MONEY)),
    Field::body("slug", FieldType::String),
    Field::body("quantity", FieldType::Number),
    Field::body("taxCategory", FieldType::Object(REFERENCE)),
    Field::body("priceMode", FieldType::String),
    Field::body("custom", FieldType::Object(CUSTOM_FIELDS)),
]);

const LINE_ITEM: Schema = Schema(&[
    Field::body("id", FieldType::String),
    Field::body("key", FieldType::String),
    Field::body("productId", FieldType::String),
    Field::body("productKey", FieldType::String),
    Field::body("name", FieldType::LocalizedString),
    Field::body("quantity", FieldType::Number),
]);
const BASE: [Field; 7] = base_fields();

/// The queryable fields of a Cart.
pub const CART_SCHEMA: Schema = Schema(&[
    BASE[0],
    BASE[1],
    BASE[2],
    BASE[3],
    BASE[4],
    BASE[5],
    BASE[6],
    Field::body("customerId", FieldType::String),
    Field::body("customerEmail", FieldType::String),
    Field::body("customerGroup", FieldType::Object(REFERENCE)),
    Field::body("anonymousId", FieldType::String),
    Field::body("store", FieldType::Object(KEY_REFERENCE)),
    Field::body("lineItems", FieldType::ObjectArray(LINE_ITEM)),
    Field::body(
        "customLineItems",
        FieldType::ObjectArray(CUSTOM_LINE_ITEM_SCHEMA),
    ),
    Field::body("totalPrice", FieldType::Object(MONEY)),
    Field::body("cartState", FieldType::String),
    Field::body("shippingAddress", FieldType::Object(ADDRESS_SCHEMA)),
    Field::body("billingAddress", FieldType::Object(ADDRESS_SCHEMA)),
    Field::body(
        "itemShippingAddresses",
        FieldType::ObjectArray(ADDRESS_SCHEMA),
    ),
    Field::body("inventoryMode", FieldType::String),
    Field::body("taxMode", FieldType::String),
    Field::body("taxRoundingMode", FieldType::String),
    Field::body("taxCalculationMode", FieldType::String),
    Field::body("priceRoundingMode", FieldType::String),
    Field::body("country", FieldType::String),
    Field::body("locale", FieldType::String),
    Field::body("origin", FieldType::String),
    Field::body("deleteDaysAfterLastModification", FieldType::Number),
    Field::body("refusedGifts", FieldType::ObjectArray(REFERENCE)),
    Field::body("shippingMode", FieldType::String),
    Field::body("custom", FieldType::Object(CUSTOM_FIELDS)),
]);

impl Resource for Cart {
    const COLLECTION: Collection = Collection::Carts;
    const TYPE_ID: &'static str = "cart";

    fn schema() -> Schema {
        CART_SCHEMA
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}
