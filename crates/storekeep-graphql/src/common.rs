//! Shared types of the schema (graphql.md §2): references, localized strings as lists of
//! `{locale, value}`, custom fields, the `Initiator` of `createdBy`/`lastModifiedBy`, and the
//! conversion of GraphQL inputs into the REST wire JSON that the core types read — so a draft or
//! an action arrives at the core services exactly as its REST twin does.

use async_graphql::{InputObject, Object, SimpleObject};
use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};
use storekeep_core::common as c;
use storekeep_core::ApiError;

use crate::scalars::{Json, Locale};

/// `Reference`: `{typeId, id}`.
#[derive(SimpleObject, Debug, Clone)]
pub struct Reference {
    pub type_id: String,
    pub id: String,
}

impl From<&c::Reference> for Reference {
    fn from(r: &c::Reference) -> Self {
        Reference {
            type_id: r.type_id.clone(),
            id: r.id.clone(),
        }
    }
}

/// `KeyReference`: `{typeId, key}` (e.g. `Customer.storesRef`).
#[derive(SimpleObject, Debug, Clone)]
pub struct KeyReference {
    pub type_id: String,
    pub key: String,
}

impl From<&c::KeyReference> for KeyReference {
    fn from(r: &c::KeyReference) -> Self {
        KeyReference {
            type_id: r.type_id.clone(),
            key: r.key.clone(),
        }
    }
}

/// `LocalizedString`: one `{locale, value}` entry of a localized string.
#[derive(SimpleObject, Debug, Clone)]
pub struct LocalizedString {
    pub locale: Locale,
    pub value: String,
}

/// A localized string as the list GraphQL uses.
pub fn localized_list(ls: &c::LocalizedString) -> Vec<LocalizedString> {
    ls.iter()
        .map(|(locale, value)| LocalizedString {
            locale: Locale(locale.clone()),
            value: value.clone(),
        })
        .collect()
}

/// The value of a localized string for `locale`, else for the first of `accept_language`
/// present (exactly, then by language), as the `name(locale, acceptLanguage)` fields pick it.
pub fn pick_localized(
    ls: &c::LocalizedString,
    locale: Option<&Locale>,
    accept_language: Option<&[Locale]>,
) -> Option<String> {
    if let Some(l) = locale {
        return ls.get(&l.0).cloned();
    }
    let wanted = accept_language.unwrap_or_default();
    wanted
        .iter()
        .find_map(|l| ls.get(&l.0))
        .or_else(|| {
            wanted.iter().find_map(|l| {
                let lang = l.0.split('-').next().unwrap_or_default();
                ls.iter()
                    .find(|(k, _)| k.split('-').next() == Some(lang))
                    .map(|(_, v)| v)
            })
        })
        .cloned()
}

/// `Initiator`: who created or last modified a resource.
#[derive(SimpleObject, Debug, Clone)]
pub struct Initiator {
    pub is_platform_client: Option<bool>,
    pub external_user_id: Option<String>,
    pub anonymous_id: Option<String>,
    pub client_id: Option<String>,
    pub customer_ref: Option<Reference>,
    pub user_ref: Option<Reference>,
    pub associate_ref: Option<Reference>,
}

impl Initiator {
    /// The initiator of a resource's `createdBy`/`lastModifiedBy`.
    pub fn of(by: &Option<c::ClientLogging>) -> Option<Initiator> {
        by.as_ref().map(|b| Initiator {
            is_platform_client: None,
            external_user_id: b.external_user_id.clone(),
            anonymous_id: b.anonymous_id.clone(),
            client_id: b.client_id.clone(),
            customer_ref: b.customer.as_ref().map(Reference::from),
            user_ref: None,
            associate_ref: None,
        })
    }
}

/// `RawCustomField`: one custom field, its value as raw JSON.
#[derive(SimpleObject, Debug, Clone)]
pub struct RawCustomField {
    pub name: String,
    pub value: Json,
}

/// `CustomFieldsType`: the custom type and fields of a resource.
pub struct CustomFieldsType(pub c::CustomFields);

#[Object]
impl CustomFieldsType {
    async fn type_ref(&self) -> Reference {
        Reference::from(&self.0.type_ref)
    }

    /// The custom fields, optionally only or all but some names.
    async fn custom_fields_raw(
        &self,
        include_names: Option<Vec<String>>,
        exclude_names: Option<Vec<String>>,
    ) -> Option<Vec<RawCustomField>> {
        let fields = self
            .0
            .fields
            .iter()
            .filter(|(k, _)| include_names.as_ref().is_none_or(|n| n.contains(k)))
            .filter(|(k, _)| !exclude_names.as_ref().is_some_and(|n| n.contains(k)))
            .map(|(k, v)| RawCustomField {
                name: k.clone(),
                value: Json(v.clone()),
            })
            .collect();
        Some(fields)
    }
}

// ----- inputs -----

/// `ResourceIdentifierInput`: `{typeId, id, key}`, all optional.
#[derive(InputObject, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ResourceIdentifierInput {
    pub type_id: Option<String>,
    pub id: Option<String>,
    pub key: Option<String>,
}

/// `LocalizedStringItemInputType`: one `{locale, value}` entry of a localized string.
#[derive(InputObject, Serialize, Debug, Clone)]
pub struct LocalizedStringItemInputType {
    pub locale: Locale,
    pub value: String,
}

/// Serialize `[{locale, value}]` as the REST object `{locale: value}`.
pub fn ser_localized<S: Serializer>(
    ls: &Option<Vec<LocalizedStringItemInputType>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match ls {
        None => s.serialize_none(),
        Some(items) => {
            let mut map = s.serialize_map(Some(items.len()))?;
            for i in items {
                map.serialize_entry(&i.locale.0, &i.value)?;
            }
            map.end()
        }
    }
}

/// `CustomFieldInput`: a custom field whose `value` is JSON written as a string.
#[derive(InputObject, Debug, Clone)]
pub struct CustomFieldInput {
    pub name: String,
    /// The value as escaped JSON, e.g. `"\"text\""` or `"4"`.
    pub value: String,
}

/// Parse a JSON-encoded custom field value.
fn field_value<E: serde::ser::Error>(name: &str, raw: &str) -> Result<serde_json::Value, E> {
    serde_json::from_str(raw).map_err(|_| {
        E::custom(format!(
            "The value of the custom field '{name}' is not valid JSON."
        ))
    })
}

/// Serialize a JSON-encoded optional value as the JSON it encodes.
pub fn ser_json_string<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        None => s.serialize_none(),
        Some(raw) => field_value::<S::Error>("value", raw)?.serialize(s),
    }
}

/// The REST `fields` object of a list of `CustomFieldInput`.
fn fields_object<E: serde::ser::Error>(
    fields: &Option<Vec<CustomFieldInput>>,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, E> {
    let Some(list) = fields else {
        return Ok(None);
    };
    let mut map = serde_json::Map::new();
    for f in list {
        map.insert(f.name.clone(), field_value::<E>(&f.name, &f.value)?);
    }
    Ok(Some(map))
}

/// The REST type identifier of `type` / `typeId` / `typeKey` (whichever is given).
fn type_identifier<E: serde::ser::Error>(
    r#type: &Option<ResourceIdentifierInput>,
    type_id: &Option<String>,
    type_key: &Option<String>,
) -> Result<Option<serde_json::Value>, E> {
    let given = [r#type.is_some(), type_id.is_some(), type_key.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(E::custom(
            "Give only one of 'type', 'typeId' and 'typeKey'.",
        ));
    }
    let ri = match (r#type, type_id, type_key) {
        (Some(t), _, _) => serde_json::to_value(t).map_err(E::custom)?,
        (None, Some(id), _) => serde_json::json!({"typeId": "type", "id": id}),
        (None, None, Some(key)) => serde_json::json!({"typeId": "type", "key": key}),
        (None, None, None) => return Ok(None),
    };
    Ok(Some(ri))
}

/// `CustomFieldsDraft`: a custom type (`type`, `typeId` or `typeKey`) and its fields.
#[derive(InputObject, Debug, Clone)]
pub struct CustomFieldsDraft {
    pub type_id: Option<String>,
    pub type_key: Option<String>,
    pub r#type: Option<ResourceIdentifierInput>,
    pub fields: Option<Vec<CustomFieldInput>>,
}

impl Serialize for CustomFieldsDraft {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ty = type_identifier::<S::Error>(&self.r#type, &self.type_id, &self.type_key)?
            .ok_or_else(|| {
                S::Error::custom("custom: a type ('type', 'typeId' or 'typeKey') is required.")
            })?;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", &ty)?;
        if let Some(f) = fields_object::<S::Error>(&self.fields)? {
            map.serialize_entry("fields", &f)?;
        }
        map.end()
    }
}

/// The fields of a `setCustomType` action: `type`/`typeId`/`typeKey` and `fields`.
#[derive(Debug, Clone)]
pub struct CustomTypeFields<'a> {
    pub r#type: &'a Option<ResourceIdentifierInput>,
    pub type_id: &'a Option<String>,
    pub type_key: &'a Option<String>,
    pub fields: &'a Option<Vec<CustomFieldInput>>,
}

impl CustomTypeFields<'_> {
    /// Write `type` and `fields` into a REST action map.
    pub fn write<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        if let Some(t) = type_identifier::<M::Error>(self.r#type, self.type_id, self.type_key)? {
            map.serialize_entry("type", &t)?;
        }
        if let Some(f) = fields_object::<M::Error>(self.fields)? {
            map.serialize_entry("fields", &f)?;
        }
        Ok(())
    }
}

/// Remove `null` members (GraphQL's "not given") so that the core types see absent fields.
pub fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(strip_nulls).collect())
        }
        other => other,
    }
}

/// Turn REST wire JSON into a core type; a mismatch is `InvalidInput`.
pub fn from_wire<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(strip_nulls(v))
        .map_err(|e| ApiError::InvalidInput(format!("Invalid input: {e}")))
}

/// Turn a GraphQL input into the core type that reads the same REST JSON.
pub fn to_core<T: DeserializeOwned, I: Serialize>(input: &I) -> Result<T, ApiError> {
    let v = serde_json::to_value(input).map_err(|e| ApiError::InvalidInput(e.to_string()))?;
    from_wire(v)
}
