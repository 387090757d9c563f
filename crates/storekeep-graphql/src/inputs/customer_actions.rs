//! Customer update actions as GraphQL inputs (graphql.md §4.1): `CustomerUpdateAction` and its
//! `/me` subset `MyCustomerUpdateAction` are one-of objects whose keys name the REST actions;
//! each key has its own input type, named as in the commercetools schema.

use async_graphql::InputObject;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::common::{ser_json_string, CustomFieldInput, CustomTypeFields, ResourceIdentifierInput};
use crate::customers::AuthenticationMode;
use crate::scalars::{Date, Locale};

use super::customers::{AddressInput, CustomerGroupAssignmentDraft};

/// `AddCustomerAddress`: appends an address.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddCustomerAddress {
    pub address: AddressInput,
}

/// `ChangeCustomerAddress`: replaces the address with this id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ChangeCustomerAddress {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
    pub address: AddressInput,
}

/// `AddCustomerShippingAddressId`: the address by id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddCustomerShippingAddressId {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
}

/// `RemoveCustomerShippingAddressId`: the address by id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveCustomerShippingAddressId {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
}

/// `AddCustomerBillingAddressId`: the address by id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddCustomerBillingAddressId {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
}

/// `RemoveCustomerBillingAddressId`: the address by id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveCustomerBillingAddressId {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
}

/// `SetCustomerDefaultShippingAddress`: the address by id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerDefaultShippingAddress {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
}

/// `SetCustomerDefaultBillingAddress`: the address by id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerDefaultBillingAddress {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
}

/// `RemoveCustomerAddress`: the address by id or key.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveCustomerAddress {
    pub address_id: Option<String>,
    pub address_key: Option<String>,
}

/// `ChangeCustomerEmail`: a new email (resets `isEmailVerified`).
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ChangeCustomerEmail {
    pub email: String,
}

/// `SetCustomerFirstName`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerFirstName {
    pub first_name: Option<String>,
}

/// `SetCustomerLastName`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerLastName {
    pub last_name: Option<String>,
}

/// `SetCustomerMiddleName`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerMiddleName {
    pub middle_name: Option<String>,
}

/// `SetCustomerTitle`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerTitle {
    pub title: Option<String>,
}

/// `SetCustomerSalutation`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerSalutation {
    pub salutation: Option<String>,
}

/// `SetCustomerCompanyName`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerCompanyName {
    pub company_name: Option<String>,
}

/// `SetCustomerVatId`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerVatId {
    pub vat_id: Option<String>,
}

/// `SetCustomerExternalId`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerExternalId {
    pub external_id: Option<String>,
}

/// `SetCustomerKey`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerKey {
    pub key: Option<String>,
}

/// `SetCustomerNumber`: sets or (null) removes the value.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerNumber {
    pub customer_number: Option<String>,
}

/// `SetCustomerDateOfBirth`: sets or (null) removes the date of birth.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerDateOfBirth {
    pub date_of_birth: Option<Date>,
}

/// `SetCustomerLocale`: sets or (null) removes the locale.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerLocale {
    pub locale: Option<Locale>,
}

/// `SetCustomerGroup`: sets or (null) removes the customer group.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerGroup {
    pub customer_group: Option<ResourceIdentifierInput>,
}

/// `SetCustomerCustomerGroupAssignments`: replaces the group assignments.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerCustomerGroupAssignments {
    pub customer_group_assignments: Vec<CustomerGroupAssignmentDraft>,
}

/// `AddCustomerCustomerGroupAssignment`: adds a group assignment.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddCustomerCustomerGroupAssignment {
    pub customer_group_assignment: CustomerGroupAssignmentDraft,
}

/// `RemoveCustomerCustomerGroupAssignment`: removes a group assignment.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveCustomerCustomerGroupAssignment {
    pub customer_group: ResourceIdentifierInput,
}

/// `SetCustomerStores`: replaces the stores (`[]` makes the customer global).
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerStores {
    pub stores: Vec<ResourceIdentifierInput>,
}

/// `AddCustomerStore`: assigns a store.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddCustomerStore {
    pub store: ResourceIdentifierInput,
}

/// `RemoveCustomerStore`: unassigns a store.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RemoveCustomerStore {
    pub store: ResourceIdentifierInput,
}

/// `SetCustomerAuthenticationMode`: switches between `Password` and `ExternalAuth`.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerAuthenticationMode {
    pub auth_mode: AuthenticationMode,
    pub password: Option<String>,
}

/// `SetCustomerCustomField`: sets or (null) removes a custom field; `value` is JSON.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerCustomField {
    pub name: String,
    #[serde(serialize_with = "ser_json_string")]
    pub value: Option<String>,
}

/// `SetCustomerAddressCustomField`: sets or (null) removes an address's custom field; `value` is JSON.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SetCustomerAddressCustomField {
    pub address_id: String,
    pub name: String,
    #[serde(serialize_with = "ser_json_string")]
    pub value: Option<String>,
}

/// `SetCustomerCustomType`: sets (or, without a type, removes) the custom type and fields.
#[derive(InputObject, Debug, Clone)]
pub struct SetCustomerCustomType {
    pub r#type: Option<ResourceIdentifierInput>,
    pub type_key: Option<String>,
    pub type_id: Option<String>,
    pub fields: Option<Vec<CustomFieldInput>>,
}

impl Serialize for SetCustomerCustomType {
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

/// `SetCustomerAddressCustomType`: the custom type and fields of an address.
#[derive(InputObject, Debug, Clone)]
pub struct SetCustomerAddressCustomType {
    pub address_id: String,
    pub r#type: Option<ResourceIdentifierInput>,
    pub type_key: Option<String>,
    pub type_id: Option<String>,
    pub fields: Option<Vec<CustomFieldInput>>,
}

impl Serialize for SetCustomerAddressCustomType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("addressId", &self.address_id)?;
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

/// `CustomerUpdateAction`: exactly one of its fields, naming the action.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdateAction {
    pub add_address: Option<AddCustomerAddress>,
    pub add_billing_address_id: Option<AddCustomerBillingAddressId>,
    pub add_customer_group_assignment: Option<AddCustomerCustomerGroupAssignment>,
    pub add_shipping_address_id: Option<AddCustomerShippingAddressId>,
    pub add_store: Option<AddCustomerStore>,
    pub change_address: Option<ChangeCustomerAddress>,
    pub change_email: Option<ChangeCustomerEmail>,
    pub remove_address: Option<RemoveCustomerAddress>,
    pub remove_billing_address_id: Option<RemoveCustomerBillingAddressId>,
    pub remove_customer_group_assignment: Option<RemoveCustomerCustomerGroupAssignment>,
    pub remove_shipping_address_id: Option<RemoveCustomerShippingAddressId>,
    pub remove_store: Option<RemoveCustomerStore>,
    pub set_address_custom_field: Option<SetCustomerAddressCustomField>,
    pub set_address_custom_type: Option<SetCustomerAddressCustomType>,
    pub set_authentication_mode: Option<SetCustomerAuthenticationMode>,
    pub set_company_name: Option<SetCustomerCompanyName>,
    pub set_custom_field: Option<SetCustomerCustomField>,
    pub set_custom_type: Option<SetCustomerCustomType>,
    pub set_customer_group: Option<SetCustomerGroup>,
    pub set_customer_group_assignments: Option<SetCustomerCustomerGroupAssignments>,
    pub set_customer_number: Option<SetCustomerNumber>,
    pub set_date_of_birth: Option<SetCustomerDateOfBirth>,
    pub set_default_billing_address: Option<SetCustomerDefaultBillingAddress>,
    pub set_default_shipping_address: Option<SetCustomerDefaultShippingAddress>,
    pub set_external_id: Option<SetCustomerExternalId>,
    pub set_first_name: Option<SetCustomerFirstName>,
    pub set_key: Option<SetCustomerKey>,
    pub set_last_name: Option<SetCustomerLastName>,
    pub set_locale: Option<SetCustomerLocale>,
    pub set_middle_name: Option<SetCustomerMiddleName>,
    pub set_salutation: Option<SetCustomerSalutation>,
    pub set_stores: Option<SetCustomerStores>,
    pub set_title: Option<SetCustomerTitle>,
    pub set_vat_id: Option<SetCustomerVatId>,
}

/// `MyCustomerUpdateAction`: the actions a customer may apply to itself (customers.md §10).
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct MyCustomerUpdateAction {
    pub add_address: Option<AddCustomerAddress>,
    pub add_billing_address_id: Option<AddCustomerBillingAddressId>,
    pub add_shipping_address_id: Option<AddCustomerShippingAddressId>,
    pub change_address: Option<ChangeCustomerAddress>,
    pub change_email: Option<ChangeCustomerEmail>,
    pub remove_address: Option<RemoveCustomerAddress>,
    pub remove_billing_address_id: Option<RemoveCustomerBillingAddressId>,
    pub remove_shipping_address_id: Option<RemoveCustomerShippingAddressId>,
    pub set_address_custom_field: Option<SetCustomerAddressCustomField>,
    pub set_address_custom_type: Option<SetCustomerAddressCustomType>,
    pub set_company_name: Option<SetCustomerCompanyName>,
    pub set_custom_field: Option<SetCustomerCustomField>,
    pub set_custom_type: Option<SetCustomerCustomType>,
    pub set_date_of_birth: Option<SetCustomerDateOfBirth>,
    pub set_default_billing_address: Option<SetCustomerDefaultBillingAddress>,
    pub set_default_shipping_address: Option<SetCustomerDefaultShippingAddress>,
    pub set_first_name: Option<SetCustomerFirstName>,
    pub set_last_name: Option<SetCustomerLastName>,
    pub set_locale: Option<SetCustomerLocale>,
    pub set_middle_name: Option<SetCustomerMiddleName>,
    pub set_salutation: Option<SetCustomerSalutation>,
    pub set_title: Option<SetCustomerTitle>,
    pub set_vat_id: Option<SetCustomerVatId>,
}
