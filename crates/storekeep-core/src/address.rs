//! The postal address shared by customers and carts: [`AddressOf`] with its read
//! ([`Address`]) and write (`AddressDraft`) forms, and the field map queries on addresses are
//! validated against. It sits here, below both resources, so neither model imports the other.

use serde::{Deserialize, Serialize};

use crate::common::CustomFields;
use crate::query::{Field, FieldType, Schema, CUSTOM_FIELDS};

/// An address with custom fields of type `C`: [`Address`] on the read side,
/// [`AddressDraft`](crate::customers::AddressDraft) on the write side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    bound(serialize = "C: Serialize", deserialize = "C: Deserialize<'de>")
)]
pub struct AddressOf<C> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_street_info: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apartment: Option<String>,
    #[serde(default, rename = "pOBox", skip_serializing_if = "Option::is_none")]
    pub p_o_box: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_address_info: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<C>,
}

/// An address of a customer. `id` is assigned by the server; `key` is unique among the
/// customer's addresses.
pub type Address = AddressOf<CustomFields>;

impl<C> AddressOf<C> {
    /// The same address with other custom fields (the postal fields are copied).
    pub fn with_custom<D>(self, id: Option<String>, custom: Option<D>) -> AddressOf<D> {
        AddressOf {
            id,
            key: self.key,
            title: self.title,
            salutation: self.salutation,
            first_name: self.first_name,
            last_name: self.last_name,
            street_name: self.street_name,
            street_number: self.street_number,
            additional_street_info: self.additional_street_info,
            postal_code: self.postal_code,
            city: self.city,
            region: self.region,
            state: self.state,
            country: self.country,
            company: self.company,
            department: self.department,
            building: self.building,
            apartment: self.apartment,
            p_o_box: self.p_o_box,
            phone: self.phone,
            mobile: self.mobile,
            email: self.email,
            fax: self.fax,
            additional_address_info: self.additional_address_info,
            external_id: self.external_id,
            custom,
        }
    }
}

const STRINGS: [&str; 24] = [
    "key",
    "title",
    "salutation",
    "firstName",
    "lastName",
    "streetName",
    "streetNumber",
    "additionalStreetInfo",
    "postalCode",
    "city",
    "region",
    "state",
    "country",
    "company",
    "department",
    "building",
    "apartment",
    "pOBox",
    "phone",
    "mobile",
    "email",
    "fax",
    "additionalAddressInfo",
    "externalId",
];

const fn s(i: usize) -> Field {
    Field::body(STRINGS[i], FieldType::String)
}

/// The queryable fields of an Address.
pub const ADDRESS_SCHEMA: Schema = Schema(&[
    Field::body("id", FieldType::String),
    s(0),
    s(1),
    s(2),
    s(3),
    s(4),
    s(5),
    s(6),
    s(7),
    s(8),
    s(9),
    s(10),
    s(11),
    s(12),
    s(13),
    s(14),
    s(15),
    s(16),
    s(17),
    s(18),
    s(19),
    s(20),
    s(21),
    s(22),
    s(23),
    Field::body("custom", FieldType::Object(CUSTOM_FIELDS)),
]);
