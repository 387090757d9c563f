//! The Customer resource as the API returns it, the sign-in result, the customer token, and
//! the field map that queries on customers are validated against. Addresses live in
//! [`crate::address`] (carts hold them too).

use serde::{Deserialize, Serialize};

use crate::address::{Address, ADDRESS_SCHEMA};
use crate::common::{CustomFields, KeyReference, Reference};
use crate::query::{
    base_fields, Field, FieldType, Schema, CUSTOM_FIELDS, KEY_REFERENCE, REFERENCE,
};
use crate::resource::{Meta, Resource};
use crate::storage::Collection;

/// `Password` (default) or `ExternalAuth` (no password; authenticated elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum AuthenticationMode {
    #[default]
    Password,
    ExternalAuth,
}

/// `{ customerGroup: CustomerGroupReference }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerGroupAssignment {
    pub customer_group: Reference,
}

/// A Customer. `password` holds the Argon2id PHC string, never the plain text; it is present
/// only with `authenticationMode = Password`. It is never part of the wire JSON (issue 21
/// F10): it is stored beside the body ([`Doc::secret`](crate::storage::Doc)), so no reader —
/// REST, GraphQL, `/me`, a sign-in answer — ever sees it. An empty `stores` list makes a
/// *global* customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    #[serde(flatten)]
    pub meta: Meta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub email: String,
    #[serde(skip)]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub addresses: Vec<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_shipping_address_id: Option<String>,
    #[serde(default)]
    pub shipping_address_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_billing_address_id: Option<String>,
    #[serde(default)]
    pub billing_address_ids: Vec<String>,
    #[serde(default)]
    pub is_email_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_group: Option<Reference>,
    #[serde(default)]
    pub customer_group_assignments: Vec<CustomerGroupAssignment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomFields>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default)]
    pub stores: Vec<KeyReference>,
    #[serde(default)]
    pub authentication_mode: AuthenticationMode,
}

impl Customer {
    /// A global customer has no stores.
    pub fn is_global(&self) -> bool {
        self.stores.is_empty()
    }

    /// Is the customer in store `key`?
    pub fn in_store(&self, key: &str) -> bool {
        self.stores.iter().any(|s| s.key == key)
    }

    /// Can an endpoint see this customer? The project endpoints (`None`) see every customer;
    /// a store's endpoints see the customers of that store and the global ones (D1).
    pub fn visible_in(&self, store: Option<&str>) -> bool {
        match store {
            None => true,
            Some(s) => self.is_global() || self.in_store(s),
        }
    }

    /// The address with this id.
    pub fn address(&self, id: &str) -> Option<&Address> {
        self.addresses.iter().find(|a| a.id.as_deref() == Some(id))
    }
}

/// The answer to sign-up and sign-in: the customer and its active cart after any anonymous
/// cart was merged or adopted (absent when the customer has no active cart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSignInResult {
    pub customer: Customer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart: Option<crate::carts::Cart>,
}

/// A password-reset or email-verification token as returned once, at creation. Only its
/// SHA-256 is stored, so `value` can never be read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerToken {
    pub id: String,
    pub customer_id: String,
    pub value: String,
    pub expires_at: String,
    pub invalidate_older_tokens: bool,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<String>,
}

const GROUP_ASSIGNMENT: Schema =
    Schema(&[Field::body("customerGroup", FieldType::Object(REFERENCE))]);
const BASE: [Field; 7] = base_fields();

/// The queryable fields of a Customer. `email` compares exactly (case-sensitively), as the
/// API's predicates do.
pub const CUSTOMER_SCHEMA: Schema = Schema(&[
    BASE[0],
    BASE[1],
    BASE[2],
    BASE[3],
    BASE[4],
    BASE[5],
    BASE[6],
    Field::body("customerNumber", FieldType::String),
    Field::body("externalId", FieldType::String),
    Field::body("email", FieldType::String),
    Field::body("firstName", FieldType::String),
    Field::body("lastName", FieldType::String),
    Field::body("middleName", FieldType::String),
    Field::body("title", FieldType::String),
    Field::body("salutation", FieldType::String),
    Field::body("dateOfBirth", FieldType::DateTime),
    Field::body("companyName", FieldType::String),
    Field::body("vatId", FieldType::String),
    Field::body("addresses", FieldType::ObjectArray(ADDRESS_SCHEMA)),
    Field::body("defaultShippingAddressId", FieldType::String),
    Field::body("shippingAddressIds", FieldType::Array(&FieldType::String)),
    Field::body("defaultBillingAddressId", FieldType::String),
    Field::body("billingAddressIds", FieldType::Array(&FieldType::String)),
    Field::body("isEmailVerified", FieldType::Bool),
    Field::body("customerGroup", FieldType::Object(REFERENCE)),
    Field::body(
        "customerGroupAssignments",
        FieldType::ObjectArray(GROUP_ASSIGNMENT),
    ),
    Field::body("custom", FieldType::Object(CUSTOM_FIELDS)),
    Field::body("locale", FieldType::String),
    Field::body("stores", FieldType::ObjectArray(KEY_REFERENCE)),
    Field::body("authenticationMode", FieldType::String),
]);

impl Resource for Customer {
    const COLLECTION: Collection = Collection::Customers;
    const TYPE_ID: &'static str = "customer";

    fn schema() -> Schema {
        CUSTOMER_SCHEMA
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
    fn secret(&self) -> Option<&str> {
        self.password.as_deref()
    }
    fn set_secret(&mut self, secret: Option<String>) {
        self.password = secret;
    }
}
