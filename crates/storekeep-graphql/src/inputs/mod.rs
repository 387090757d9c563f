//! The input side of the schema (graphql.md §4): drafts and update actions. Each input derives
//! `Serialize` into the JSON of its REST twin (localized strings as objects, custom field values
//! decoded), which the core types then read with [`crate::common::to_core`], so GraphQL and REST
//! share every check. Update actions are "one-of" objects: exactly one key per list element.

pub mod customer_actions;
pub mod customers;
pub mod stores;

use serde::Serialize;
use serde_json::Value;
use storekeep_core::ApiError;

use crate::common::{from_wire, strip_nulls};

/// One REST action from a one-of action object: `{setFirstName: {firstName: "x"}}` becomes
/// `{"action": "setFirstName", "firstName": "x"}`.
pub fn one_action<T: serde::de::DeserializeOwned, I: Serialize>(
    kind: &str,
    input: &I,
) -> Result<T, ApiError> {
    let v = serde_json::to_value(input).map_err(|e| ApiError::InvalidInput(e.to_string()))?;
    let Value::Object(map) = strip_nulls(v) else {
        return Err(ApiError::InvalidInput(format!(
            "A {kind} must be an object."
        )));
    };
    let mut entries = map.into_iter();
    let (Some((name, inner)), None) = (entries.next(), entries.next()) else {
        return Err(ApiError::InvalidInput(format!(
            "A {kind} must set exactly one action field."
        )));
    };
    let mut action = match inner {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    action.insert("action".into(), Value::String(name));
    from_wire(Value::Object(action))
}

/// Every action of a list, in order.
pub fn actions<T: serde::de::DeserializeOwned, I: Serialize>(
    kind: &str,
    inputs: &[I],
) -> Result<Vec<T>, ApiError> {
    inputs.iter().map(|i| one_action(kind, i)).collect()
}
