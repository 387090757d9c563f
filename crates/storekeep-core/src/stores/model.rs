//! The Store resource as the API returns it.

use serde::{Deserialize, Serialize};

use crate::common::{CustomFields, LocalizedString, Reference};
use crate::query::{base_fields, Field, FieldType, Schema, CUSTOM_FIELDS, REFERENCE};
use crate::resource::{Meta, Resource};
use crate::storage::Collection;

/// `{ "code": "DE" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreCountry {
    pub code: String,
}

/// `{ productSelection: Reference, active: bool }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductSelectionSetting {
    pub product_selection: Reference,
    pub active: bool,
}

/// Storefront settings of a store (all optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Storefront {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_url_template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_url_template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_service_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policy_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_policy_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_policy_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_policy_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imprint_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_url: Option<String>,
}

impl Storefront {
    /// No field set.
    pub fn is_empty(&self) -> bool {
        self == &Storefront::default()
    }
}

/// A Store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    #[serde(flatten)]
    pub meta: Meta,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LocalizedString>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub countries: Vec<StoreCountry>,
    #[serde(default)]
    pub distribution_channels: Vec<Reference>,
    #[serde(default)]
    pub supply_channels: Vec<Reference>,
    #[serde(default)]
    pub product_selections: Vec<ProductSelectionSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomFields>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storefront: Option<Storefront>,
}

const STORE_COUNTRY: Schema = Schema(&[Field::body("code", FieldType::String)]);
const PRODUCT_SELECTION_SETTING: Schema = Schema(&[
    Field::body("productSelection", FieldType::Object(REFERENCE)),
    Field::body("active", FieldType::Bool),
]);
const STOREFRONT: Schema = Schema(&[
    Field::body("checkoutUrlTemplate", FieldType::String),
    Field::body("orderUrlTemplate", FieldType::String),
    Field::body("termsOfServiceUrl", FieldType::String),
    Field::body("privacyPolicyUrl", FieldType::String),
    Field::body("refundPolicyUrl", FieldType::String),
    Field::body("shippingPolicyUrl", FieldType::String),
    Field::body("cookiePolicyUrl", FieldType::String),
    Field::body("imprintUrl", FieldType::String),
    Field::body("faqUrl", FieldType::String),
    Field::body("contactUrl", FieldType::String),
]);
const BASE: [Field; 7] = base_fields();

/// The queryable fields of a Store.
pub const STORE_SCHEMA: Schema = Schema(&[
    BASE[0],
    BASE[1],
    BASE[2],
    BASE[3],
    BASE[4],
    BASE[5],
    BASE[6],
    Field::body("name", FieldType::LocalizedString),
    Field::body("languages", FieldType::Array(&FieldType::String)),
    Field::body("countries", FieldType::ObjectArray(STORE_COUNTRY)),
    Field::body("distributionChannels", FieldType::ObjectArray(REFERENCE)),
    Field::body("supplyChannels", FieldType::ObjectArray(REFERENCE)),
    Field::body(
        "productSelections",
        FieldType::ObjectArray(PRODUCT_SELECTION_SETTING),
    ),
    Field::body("custom", FieldType::Object(CUSTOM_FIELDS)),
    Field::body("storefront", FieldType::Object(STOREFRONT)),
]);

impl Resource for Store {
    const COLLECTION: Collection = Collection::Stores;
    const TYPE_ID: &'static str = "store";

    fn schema() -> Schema {
        STORE_SCHEMA
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn key(&self) -> Option<&str> {
        Some(&self.key)
    }
}
