//! Wire types shared by several resources: localized strings, references, custom fields,
//! client logging, timestamps, key and code validation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;

/// `{"en": "Big store", "de-DE": "Großer Laden"}`.
pub type LocalizedString = BTreeMap<String, String>;

/// A reference `{typeId, id}` (read side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    pub type_id: String,
    pub id: String,
}

/// A key reference `{typeId, key}` (e.g. `Customer.stores[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyReference {
    pub type_id: String,
    pub key: String,
}

/// A resource identifier `{typeId?, id?, key?}` (write side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ResourceIdentifier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// How a resource identifier addresses its target, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdOrKey {
    Id(String),
    Key(String),
}

impl ResourceIdentifier {
    /// Check the identifier: exactly one of id/key, and a matching typeId if given.
    pub fn resolve(&self, expected_type: &str) -> Result<IdOrKey, ApiError> {
        if let Some(t) = &self.type_id {
            if t != expected_type {
                return Err(ApiError::invalid_json(format!(
                    "typeId: expected '{expected_type}', got '{t}'"
                )));
            }
        }
        match (&self.id, &self.key) {
            (Some(id), None) => Ok(IdOrKey::Id(id.clone())),
            (None, Some(key)) => Ok(IdOrKey::Key(key.clone())),
            (Some(_), Some(_)) => Err(ApiError::invalid_json(format!(
                "A resource identifier of type '{expected_type}' must have either an id or a key, not both."
            ))),
            (None, None) => Err(ApiError::invalid_json(format!(
                "A resource identifier of type '{expected_type}' needs an id or a key."
            ))),
        }
    }

    /// The error for a reference to a resource storekeep does not hold (customer groups,
    /// types, tax categories): a malformed identifier is its JSON error, a well-formed one is
    /// `ReferencedResourceNotFound`.
    pub fn unknown(&self, type_id: &str) -> ApiError {
        match self.resolve(type_id) {
            Err(e) => e,
            Ok(_) => self.not_found(type_id),
        }
    }

    /// The `ReferencedResourceNotFound` error for this identifier.
    pub fn not_found(&self, type_id: &str) -> ApiError {
        ApiError::ReferencedResourceNotFound {
            type_id: type_id.to_string(),
            id: self.id.clone(),
            key: if self.id.is_some() {
                None
            } else {
                self.key.clone()
            },
        }
    }
}

/// Custom fields on a resource: `{type: Reference, fields: {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomFields {
    #[serde(rename = "type")]
    pub type_ref: Reference,
    #[serde(default)]
    pub fields: serde_json::Map<String, Value>,
}

/// A custom-fields draft: `{type: ResourceIdentifier, fields?: {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldsDraft {
    #[serde(rename = "type")]
    pub type_ref: ResourceIdentifier,
    #[serde(default)]
    pub fields: Option<serde_json::Map<String, Value>>,
}

/// `createdBy` / `lastModifiedBy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClientLogging {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
}

impl ClientLogging {
    /// Nothing known about the caller.
    pub fn is_empty(&self) -> bool {
        self.client_id.is_none()
            && self.external_user_id.is_none()
            && self.customer.is_none()
            && self.anonymous_id.is_none()
    }
}

/// The current time in the API's format: `2019-08-29T10:00:00.000Z`.
pub fn now_timestamp() -> String {
    format_timestamp(chrono::Utc::now())
}

/// Format a UTC time in the API's format.
pub fn format_timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A new resource id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Could `s` be the id of a resource storekeep made? Every id comes from [`new_id`] (drafts
/// cannot choose one), so it is a hyphenated UUID; anything else names no resource, e.g. the
/// `search` of `POST /customers/search`. API client ids are not resource ids: they are
/// random strings (`oauth::random_client_id`) or chosen at bootstrap.
pub fn could_be_id(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// Keys: `^[A-Za-z0-9_-]+$`, 2..256 characters.
pub fn valid_key(key: &str) -> bool {
    (2..=256).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Check a resource key, naming the field in the error.
pub fn check_key(field: &str, key: &str) -> Result<(), ApiError> {
    if valid_key(key) {
        Ok(())
    } else {
        Err(ApiError::InvalidInput(format!(
            "Invalid {field} '{key}'. Keys may only contain alphanumeric characters, underscores and hyphens and must have a minimum length of 2 characters and maximum length of 256 characters."
        )))
    }
}

/// Country codes: ISO 3166-1 alpha-2, `^[A-Z]{2}$`.
pub fn valid_country(c: &str) -> bool {
    c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Currency codes: ISO 4217, `^[A-Z]{3}$`.
pub fn valid_currency(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Locales: IETF language tags such as `en`, `de-DE`, `en-US`, `zh-Hans-CN`.
pub fn valid_locale(l: &str) -> bool {
    let mut parts = l.split('-');
    let Some(lang) = parts.next() else {
        return false;
    };
    if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Check every locale key of a localized string.
pub fn check_localized(field: &str, ls: &LocalizedString) -> Result<(), ApiError> {
    for k in ls.keys() {
        if !valid_locale(k) {
            return Err(ApiError::invalid_field(
                field,
                Value::String(k.clone()),
                format!("Invalid locale '{k}' in field '{field}'."),
            ));
        }
    }
    Ok(())
}
