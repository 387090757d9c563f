use serde::{Deserialize, Serialize};
use serde_json::json;

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum Action {
    SetName {
        name: String,
    },
    SetMode {
        #[serde(default)]
        auth_mode: Option<Mode>,
    },
    Recalculate,
}
crate::tagged_enum!(Action, "action");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Mode {
    Password,
    ExternalAuth,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Update {
    #[allow(dead_code)]
    version: i64,
    actions: Vec<Action>,
}

/// The API's text for `body`, read as the HTTP layer reads it.
fn error_of(body: serde_json::Value) -> String {
    let text = body.to_string();
    let de = &mut serde_json::Deserializer::from_str(&text);
    match serde_path_to_error::deserialize::<_, Update>(de) {
        Ok(u) => panic!("parsed: {:?}", u.actions),
        Err(e) => describe(&member_names(e.path()), &e.inner().to_string()),
    }
}

#[test]
fn tagged_actions_read_in_any_member_order() {
    let u: Update = serde_json::from_value(json!({"version": 1, "actions": [
        {"action": "setName", "name": "a"},
        {"name": "b", "action": "setName"},
        {"action": "recalculate"},
        {"action": "setMode", "authMode": "ExternalAuth"},
    ]}))
    .unwrap();
    assert_eq!(
        u.actions,
        vec![
            Action::SetName { name: "a".into() },
            Action::SetName { name: "b".into() },
            Action::Recalculate,
            Action::SetMode {
                auth_mode: Some(Mode::ExternalAuth)
            },
        ]
    );
}

#[test]
fn undeclared_members_are_ignored() {
    let u: Update = serde_json::from_value(json!({"version": 1, "bogus": 1, "actions": [
        {"extra": true, "action": "setName", "name": "a", "more": [1]},
        {"action": "recalculate", "x": 1},
    ]}))
    .unwrap();
    assert_eq!(u.actions.len(), 2);
}

#[test]
fn errors_name_the_member_path_as_the_api_does() {
    let cases = [
        (
            json!({"version": 1, "actions": [{"action": "setName"}]}),
            "actions -> name: Missing required value",
        ),
        (
            json!({"version": 1, "actions": [{"action": "setName", "name": 5}]}),
            "actions -> name: JSON String expected.",
        ),
        (
            json!({"version": 1, "actions": [{"name": 5, "action": "setName"}]}),
            "actions -> name: JSON String expected.",
        ),
        (
            json!({"version": 1, "actions": [{"action": "setMode", "authMode": "invalid"}]}),
            "actions -> authMode: Invalid enum value: 'invalid'. Expected one of: 'Password','ExternalAuth'",
        ),
        (
            json!({"version": 1, "actions": [{"action": "nope"}]}),
            "actions: Invalid value 'nope' for type field 'action'.",
        ),
        (
            json!({"version": 1, "actions": [{"name": "x"}]}),
            "actions: Missing type field 'action'.",
        ),
        (json!({"actions": []}), "version: Missing required value"),
        (
            json!({"version": "1", "actions": []}),
            "version: JSON Number in the range of a Long expected.",
        ),
        (
            json!({"version": 1, "actions": {}}),
            "actions: JSON Array expected.",
        ),
    ];
    for (body, want) in cases {
        assert_eq!(error_of(body.clone()), want, "{body}");
    }
}

#[test]
fn tagged_enums_write_the_tag() {
    let v = serde_json::to_value(Action::SetName { name: "a".into() }).unwrap();
    assert_eq!(v, json!({"action": "setName", "name": "a"}));
    let v = serde_json::to_value(Action::Recalculate).unwrap();
    assert_eq!(v, json!({"action": "recalculate"}));
}
