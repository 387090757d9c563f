//! Store inputs (graphql.md §4): `CreateStore` (the GraphQL name of `StoreDraft`) and the
//! one-of `StoreUpdateAction` with an input type per action, named as in the commercetools
//! schema.

use async_graphql::InputObject;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::common::{ser_json_string, ser_localized, CustomFieldInput, CustomFieldsDraft};
use crate::common::{CustomTypeFields, LocalizedStringItemInputType, ResourceIdentifierInput};
use crate::scalars::{Country, Locale};

/// `StoreCountryInput`: a country of the store.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct StoreCountryInput {
    pub code: Country,
}

/// `ProductSelectionSettingDraft`: a product selection and whether it is active.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ProductSelectionSettingDraft {
    pub product_selection: ResourceIdentifierInput,
    pub active: Option<bool>,
}

/// `ProductSelectionSettingInActionInput`: a product selection and whether it is active.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ProductSelectionSettingInActionInput {
    pub product_selection: ResourceIdentifierInput,
    pub active: Option<bool>,
}

/// `StorefrontInput`: the storefront URLs of the store.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct StorefrontInput {
    pub checkout_url_template: Option<String>,
    pub order_url_template: Option<String>,
    pub terms_of_service_url: Option<String>,
    pub privacy_policy_url: Option<String>,
    pub refund_policy_url: Option<String>,
    pub shipping_policy_url: Option<String>,
    pub cookie_policy_url: Option<String>,
    pub imprint_url: Option<String>,
    pub faq_url: Option<String>,
    pub contact_url: Option<String>,
}

/// `CreateStore`: the GraphQL name of `StoreDraft`.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CreateStore {
    pub key: String,
    #[serde(serialize_with = "ser_localized")]
    pub name: Option<Vec<LocalizedStringItemInputType>>,
    pub languages: Option<Vec<Locale>>,
    pub countries: Option<Vec<StoreCountryInput>>,
    pub distribution_channels: Option<Vec<ResourceIdentifierInput>>,
    pub supply_channels: Option<Vec<ResourceIdentifierInput>>,
    pub product_selections: Option<Vec<ProductSelectionSettingDraft>>,
    pub custom: Option<CustomFieldsDraft>,
    pub storefront: Option<StorefrontInput>,
}

/// `SetStoreName`: sets or (null) removes the name.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreName {
    #[serde(serialize_with = "ser_localized")]
    pub name: Option<Vec<LocalizedStringItemInputType>>,
}

/// `SetStoreLanguages`: replaces the languages.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreLanguages {
    pub languages: Option<Vec<Locale>>,
}

/// `SetStoreCountries`: replaces the countries.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreCountries {
    pub countries: Option<Vec<StoreCountryInput>>,
}

/// `AddStoreCountry`: adds a country.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddStoreCountry {
    pub country: StoreCountryInput,
}

/// `RemoveStoreCountry`: removes a country.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveStoreCountry {
    pub country: StoreCountryInput,
}

/// `SetStoreDistributionChannels`: replaces the distribution channels.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreDistributionChannels {
    pub distribution_channels: Option<Vec<ResourceIdentifierInput>>,
}

/// `AddStoreDistributionChannel`: adds a distribution channel.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddStoreDistributionChannel {
    pub distribution_channel: ResourceIdentifierInput,
}

/// `RemoveStoreDistributionChannel`: removes a distribution channel.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveStoreDistributionChannel {
    pub distribution_channel: ResourceIdentifierInput,
}

/// `SetStoreSupplyChannels`: replaces the supply channels.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreSupplyChannels {
    pub supply_channels: Option<Vec<ResourceIdentifierInput>>,
}

/// `AddStoreSupplyChannel`: adds a supply channel.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddStoreSupplyChannel {
    pub supply_channel: ResourceIdentifierInput,
}

/// `RemoveStoreSupplyChannel`: removes a supply channel.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveStoreSupplyChannel {
    pub supply_channel: ResourceIdentifierInput,
}

/// `AddStoreProductSelection`: adds a product selection.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddStoreProductSelection {
    pub product_selection: ResourceIdentifierInput,
    pub active: Option<bool>,
}

/// `RemoveStoreProductSelection`: removes a product selection.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveStoreProductSelection {
    pub product_selection: ResourceIdentifierInput,
}

/// `ChangeStoreProductSelectionActive`: activates or deactivates a product selection.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ChangeStoreProductSelectionActive {
    pub product_selection: ResourceIdentifierInput,
    pub active: bool,
}

/// `SetStoreProductSelections`: replaces the product selections.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreProductSelections {
    pub product_selections: Option<Vec<ProductSelectionSettingInActionInput>>,
}

/// `SetStoreCustomField`: sets or (null) removes a custom field; `value` is JSON.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreCustomField {
    pub name: String,
    #[serde(serialize_with = "ser_json_string")]
    pub value: Option<String>,
}

/// `SetStoreCheckoutUrlTemplate`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreCheckoutUrlTemplate {
    pub checkout_url_template: Option<String>,
}

/// `SetStoreOrderUrlTemplate`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreOrderUrlTemplate {
    pub order_url_template: Option<String>,
}

/// `SetStoreTermsOfServiceUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreTermsOfServiceUrl {
    pub terms_of_service_url: Option<String>,
}

/// `SetStorePrivacyPolicyUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStorePrivacyPolicyUrl {
    pub privacy_policy_url: Option<String>,
}

/// `SetStoreRefundPolicyUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreRefundPolicyUrl {
    pub refund_policy_url: Option<String>,
}

/// `SetStoreShippingPolicyUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreShippingPolicyUrl {
    pub shipping_policy_url: Option<String>,
}

/// `SetStoreCookiePolicyUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreCookiePolicyUrl {
    pub cookie_policy_url: Option<String>,
}

/// `SetStoreImprintUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreImprintUrl {
    pub imprint_url: Option<String>,
}

/// `SetStoreFaqUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreFaqUrl {
    pub faq_url: Option<String>,
}

/// `SetStoreContactUrl`: sets or (null/empty) removes the URL.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetStoreContactUrl {
    pub contact_url: Option<String>,
}

/// `SetStoreCustomType`: sets (or, without a type, removes) the custom type and fields.
#[derive(InputObject, Debug, Clone)]
pub struct SetStoreCustomType {
    pub r#type: Option<ResourceIdentifierInput>,
    pub type_key: Option<String>,
    pub type_id: Option<String>,
    pub fields: Option<Vec<CustomFieldInput>>,
}

impl Serialize for SetStoreCustomType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        CustomTypeFields {
            r#type: &self.r#type,
            type_id: &self.type_id,
            type_key: &self.type_key,
            fields: &self.fields,
        }
        .write(&mut map)?;
        map.end()
    }
}

/// `StoreUpdateAction`: exactly one of its fields, naming the action.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct StoreUpdateAction {
    pub add_country: Option<AddStoreCountry>,
    pub add_distribution_channel: Option<AddStoreDistributionChannel>,
    pub add_product_selection: Option<AddStoreProductSelection>,
    pub add_supply_channel: Option<AddStoreSupplyChannel>,
    pub change_product_selection_active: Option<ChangeStoreProductSelectionActive>,
    pub remove_country: Option<RemoveStoreCountry>,
    pub remove_distribution_channel: Option<RemoveStoreDistributionChannel>,
    pub remove_product_selection: Option<RemoveStoreProductSelection>,
    pub remove_supply_channel: Option<RemoveStoreSupplyChannel>,
    pub set_checkout_url_template: Option<SetStoreCheckoutUrlTemplate>,
    pub set_contact_url: Option<SetStoreContactUrl>,
    pub set_cookie_policy_url: Option<SetStoreCookiePolicyUrl>,
    pub set_countries: Option<SetStoreCountries>,
    pub set_custom_field: Option<SetStoreCustomField>,
    pub set_custom_type: Option<SetStoreCustomType>,
    pub set_distribution_channels: Option<SetStoreDistributionChannels>,
    pub set_faq_url: Option<SetStoreFaqUrl>,
    pub set_imprint_url: Option<SetStoreImprintUrl>,
    pub set_languages: Option<SetStoreLanguages>,
    pub set_name: Option<SetStoreName>,
    pub set_order_url_template: Option<SetStoreOrderUrlTemplate>,
    pub set_privacy_policy_url: Option<SetStorePrivacyPolicyUrl>,
    pub set_product_selections: Option<SetStoreProductSelections>,
    pub set_refund_policy_url: Option<SetStoreRefundPolicyUrl>,
    pub set_shipping_policy_url: Option<SetStoreShippingPolicyUrl>,
    pub set_supply_channels: Option<SetStoreSupplyChannels>,
    pub set_terms_of_service_url: Option<SetStoreTermsOfServiceUrl>,
}
