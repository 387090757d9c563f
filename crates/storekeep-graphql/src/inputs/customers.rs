//! Customer drafts: `CustomerSignUpDraft`, `CustomerSignMeUpDraft`, `CustomerSignInDraft`,
//! `CustomerSignMeInDraft`, `AddressInput` and what they contain.

use async_graphql::{Enum, InputObject};
use serde::Serialize;

use crate::common::{CustomFieldsDraft, ResourceIdentifierInput};
use crate::customers::AuthenticationMode;
use crate::scalars::{Country, Date, Locale};

/// `AddressInput`: a postal address (any `id` is replaced by the server's).
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddressInput {
    pub id: Option<String>,
    pub key: Option<String>,
    pub title: Option<String>,
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub street_name: Option<String>,
    pub street_number: Option<String>,
    pub additional_street_info: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub state: Option<String>,
    pub country: Country,
    pub company: Option<String>,
    pub department: Option<String>,
    pub building: Option<String>,
    pub apartment: Option<String>,
    #[graphql(name = "pOBox")]
    #[serde(rename = "pOBox")]
    pub p_o_box: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub fax: Option<String>,
    pub additional_address_info: Option<String>,
    pub external_id: Option<String>,
    pub custom: Option<CustomFieldsDraft>,
}

/// `CustomerGroupAssignmentDraft`: `{customerGroup}`.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CustomerGroupAssignmentDraft {
    pub customer_group: ResourceIdentifierInput,
}

/// `CustomerSignUpDraft`: the GraphQL name of `CustomerDraft`.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSignUpDraft {
    pub email: String,
    pub password: Option<String>,
    pub key: Option<String>,
    pub customer_number: Option<String>,
    pub external_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub title: Option<String>,
    pub salutation: Option<String>,
    pub company_name: Option<String>,
    pub vat_id: Option<String>,
    pub date_of_birth: Option<Date>,
    pub locale: Option<Locale>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub addresses: Option<Vec<AddressInput>>,
    /// The index of the default shipping address in `addresses`.
    pub default_shipping_address: Option<i32>,
    /// The index of the default billing address in `addresses`.
    pub default_billing_address: Option<i32>,
    /// Indices into `addresses`.
    #[graphql(default_with = "Some(Vec::new())")]
    pub shipping_addresses: Option<Vec<i32>>,
    /// Indices into `addresses`.
    #[graphql(default_with = "Some(Vec::new())")]
    pub billing_addresses: Option<Vec<i32>>,
    pub custom: Option<CustomFieldsDraft>,
    pub stores: Option<Vec<ResourceIdentifierInput>>,
    /// To be deprecated in favour of `anonymousCart`.
    pub anonymous_cart_id: Option<String>,
    pub anonymous_cart: Option<ResourceIdentifierInput>,
    pub anonymous_id: Option<String>,
    pub customer_group: Option<ResourceIdentifierInput>,
    pub customer_group_assignments: Option<Vec<CustomerGroupAssignmentDraft>>,
    pub is_email_verified: Option<bool>,
    pub authentication_mode: Option<AuthenticationMode>,
}

/// `CustomerSignMeUpDraft`: a customer signing itself up (no numbers, groups or modes).
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSignMeUpDraft {
    pub email: String,
    pub password: String,
    pub key: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub title: Option<String>,
    pub salutation: Option<String>,
    pub company_name: Option<String>,
    pub vat_id: Option<String>,
    pub date_of_birth: Option<Date>,
    pub locale: Option<Locale>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub addresses: Option<Vec<AddressInput>>,
    /// The index of the default shipping address in `addresses`.
    pub default_shipping_address: Option<i32>,
    /// The index of the default billing address in `addresses`.
    pub default_billing_address: Option<i32>,
    /// Indices into `addresses`.
    #[graphql(default_with = "Some(Vec::new())")]
    pub shipping_addresses: Option<Vec<i32>>,
    /// Indices into `addresses`.
    #[graphql(default_with = "Some(Vec::new())")]
    pub billing_addresses: Option<Vec<i32>>,
    pub custom: Option<CustomFieldsDraft>,
    pub stores: Option<Vec<ResourceIdentifierInput>>,
}

/// `AnonymousCartSignInMode`: how an anonymous cart joins the customer's carts.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[graphql(rename_items = "PascalCase")]
pub enum AnonymousCartSignInMode {
    /// The anonymous cart becomes the active customer cart; nothing is merged.
    UseAsNewActiveCustomerCart,
    /// The anonymous cart's line items are copied into the customer's most recently modified
    /// active cart.
    MergeWithExistingCustomerCart,
}

/// `CustomerSignInDraft`: credentials and the anonymous cart to take over.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSignInDraft {
    pub email: String,
    pub password: String,
    /// To be deprecated in favour of `anonymousCart`.
    pub anonymous_cart_id: Option<String>,
    pub anonymous_cart: Option<ResourceIdentifierInput>,
    #[graphql(default_with = "Some(AnonymousCartSignInMode::MergeWithExistingCustomerCart)")]
    pub anonymous_cart_sign_in_mode: Option<AnonymousCartSignInMode>,
    pub anonymous_id: Option<String>,
    #[graphql(default_with = "Some(false)")]
    pub update_product_data: Option<bool>,
}

/// `CustomerSignMeInDraft`: credentials; the anonymous cart is the session's.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSignMeInDraft {
    pub email: String,
    pub password: String,
    #[graphql(default_with = "Some(AnonymousCartSignInMode::MergeWithExistingCustomerCart)")]
    pub active_cart_sign_in_mode: Option<AnonymousCartSignInMode>,
    #[graphql(default_with = "Some(false)")]
    pub update_product_data: Option<bool>,
}
