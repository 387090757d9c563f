//! The custom scalars of the commercetools schema that this slice uses (graphql.md §2): `Long`,
//! `DateTime`, `Date`, `Locale`, `Country`, `KeyReferenceInput` and `Json`. Input values are
//! checked here, so a malformed one is a request error (`InvalidInput`) before anything runs.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use serde::Serialize;
use storekeep_core::common::{valid_country, valid_locale};

/// A 64-bit integer (versions, totals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Long(pub i64);

/// `Long`: a 64-bit integer, written as a JSON number.
#[Scalar(name = "Long")]
impl ScalarType for Long {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n
                .as_i64()
                .map(Long)
                .ok_or_else(|| InputValueError::custom("a Long must be an integer")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}

fn string_of<T: async_graphql::InputType>(value: Value) -> Result<String, InputValueError<T>> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(InputValueError::expected_type(other)),
    }
}

/// An ISO 8601 date and time in UTC, e.g. `2019-08-29T10:00:00.000Z`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DateTime(pub String);

/// `DateTime`: an ISO 8601 date and time (UTC).
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        string_of::<Self>(value).map(DateTime)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// A date `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Date(pub String);

/// `Date`: a calendar date, `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = string_of::<Self>(value)?;
        let shape_ok = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if shape_ok {
            Ok(Date(s))
        } else {
            Err(InputValueError::custom(format!(
                "'{s}' is not a date of the form YYYY-MM-DD"
            )))
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// An IETF language tag such as `en` or `de-DE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Locale(pub String);

/// `Locale`: an IETF language tag, e.g. `en` or `de-DE`.
#[Scalar(name = "Locale")]
impl ScalarType for Locale {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = string_of::<Self>(value)?;
        if valid_locale(&s) {
            Ok(Locale(s))
        } else {
            Err(InputValueError::custom(format!(
                "'{s}' is not a valid locale"
            )))
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Country(pub String);

/// `Country`: an ISO 3166-1 alpha-2 country code, e.g. `DE`.
#[Scalar(name = "Country")]
impl ScalarType for Country {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = string_of::<Self>(value)?;
        if valid_country(&s) {
            Ok(Country(s))
        } else {
            Err(InputValueError::custom(format!(
                "'{s}' is not an ISO 3166-1 alpha-2 country code"
            )))
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// The key of a store, as `storeKey` and `inStore(key)` take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct KeyReferenceInput(pub String);

/// `KeyReferenceInput`: a key that references a resource (here: a store key).
#[Scalar(name = "KeyReferenceInput")]
impl ScalarType for KeyReferenceInput {
    fn parse(value: Value) -> InputValueResult<Self> {
        string_of::<Self>(value).map(KeyReferenceInput)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// Raw JSON (custom field values).
#[derive(Debug, Clone, PartialEq)]
pub struct Json(pub serde_json::Value);

/// `Json`: a raw JSON value.
#[Scalar(name = "Json")]
impl ScalarType for Json {
    fn parse(value: Value) -> InputValueResult<Self> {
        value
            .into_json()
            .map(Json)
            .map_err(|e| InputValueError::custom(e.to_string()))
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

/// The store key of an optional `storeKey` argument.
pub fn store_of(k: &Option<KeyReferenceInput>) -> Option<&str> {
    k.as_ref().map(|k| k.0.as_str())
}
