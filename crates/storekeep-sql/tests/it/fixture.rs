//! The query fixture: a test schema with one field of every type, and six documents whose
//! bodies exercise present, null and missing values. Shared by `query.rs` and `sort.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};
use storekeep_core::query::{
    base_fields, validate_predicate, Field, FieldType, Query, Schema, CUSTOM_FIELDS,
};
use storekeep_core::storage::{Collection, Doc, Storage};

use crate::{put, ts};

pub const C: Collection = Collection::Stores;

const BASE: [Field; 7] = base_fields();
const STORE_REF: Schema = Schema(&[
    Field::body("key", FieldType::String),
    Field::body("active", FieldType::Bool),
]);
const INNER: Schema = Schema(&[Field::body("c", FieldType::String)]);
const OBJ: Schema = Schema(&[
    Field::body("a", FieldType::Number),
    Field::body("b", FieldType::String),
    Field::body("inner", FieldType::Object(INNER)),
]);

/// The test resource: one field of every type.
pub const SCHEMA: Schema = Schema(&[
    BASE[0],
    BASE[1],
    BASE[2],
    BASE[3],
    BASE[4],
    Field::body("title", FieldType::String),
    Field::body("qty", FieldType::Number),
    Field::body("active", FieldType::Bool),
    Field::body("due", FieldType::DateTime),
    Field::body("name", FieldType::LocalizedString),
    Field::body("tags", FieldType::Array(&FieldType::String)),
    Field::body("nums", FieldType::Array(&FieldType::Number)),
    Field::body("stores", FieldType::ObjectArray(STORE_REF)),
    Field::body("obj", FieldType::Object(OBJ)),
    Field::body("custom", FieldType::Object(CUSTOM_FIELDS)),
]);

/// The six fixture documents, `(id, key, version, created day, body)`.
fn fixture_docs() -> Vec<(&'static str, Option<&'static str>, i64, u32, Value)> {
    vec![
        (
            "d1",
            Some("k1"),
            1,
            1,
            json!({
                "title": "apple", "qty": 1, "active": true, "due": "2024-03-01T10:00:00.000Z",
                "name": {"en": "Apple", "de-DE": "Apfel"}, "tags": ["a", "b"], "nums": [1, 2],
                "stores": [{"key": "a", "active": true}],
                "obj": {"a": 1, "b": "x", "inner": {"c": "deep"}},
                "custom": {"type": {"typeId": "type", "id": "t1"},
                           "fields": {"size": 3, "color": "red", "flag": true}}
            }),
        ),
        (
            "d2",
            Some("k2"),
            2,
            32,
            json!({
                "title": "Banana", "qty": 5, "active": false, "due": "2024-01-15T00:00:00.000Z",
                "name": {"en": "Banana"}, "tags": ["b", "c"], "nums": [5],
                "stores": [{"key": "a", "active": false}, {"key": "b", "active": true}],
                "obj": {"a": 2, "b": "y"},
                "custom": {"fields": {"size": "3", "color": "blue"}}
            }),
        ),
        (
            "d3",
            None,
            3,
            61,
            json!({
                "title": "cherry", "qty": 10, "active": true, "due": null,
                "name": {"en": "Cherry", "de-DE": "Kirsche"}, "tags": [], "nums": [], "stores": [],
                "obj": {"a": null}, "custom": {"fields": {"size": 5}}
            }),
        ),
        ("d4", Some("k4"), 1, 92, json!({"qty": 2.5})),
        (
            "d5",
            Some("k5"),
            4,
            122,
            json!({
                "title": null, "qty": null, "active": false, "due": "2024-12-31T23:59:59.999Z",
                "name": {"en": "apple"}, "tags": ["a", "c", "d"], "nums": [10],
                "stores": [{"key": "c", "active": true}], "obj": {"a": 1, "b": "z"},
                "custom": {"fields": {"size": 1, "flag": false}}
            }),
        ),
        (
            "d6",
            None,
            2,
            153,
            json!({
                "title": "date", "qty": -1, "active": true,
                "name": {"de-DE": "y", "x y": "sp", "a.b": "dot", "a\"b": "quote", "a\\b": "bs"},
                "tags": ["d"], "nums": [2], "stores": [{"key": "b", "active": false}],
                "obj": {"b": "x"}, "custom": {"fields": {"color": "red", "size": 3.5}}
            }),
        ),
    ]
}

/// Insert the fixture (in shuffled order, so that id order is not insertion order) into a
/// fresh project, plus a decoy document in another project. Returns the project key.
pub async fn fixture(store: &Arc<dyn Storage>) -> String {
    let p = crate::project();
    let mut docs = fixture_docs();
    docs.swap(0, 3);
    docs.swap(1, 5);
    for (id, key, version, day, body) in docs {
        let d = Doc {
            id: id.into(),
            key: key.map(Into::into),
            version,
            created_at: ts(day),
            last_modified_at: ts(day + 1),
            body: body.to_string(),
            secret: None,
        };
        put(store, &p, &d).await;
    }
    let decoy = crate::doc("d0", Some("k1"), 1, json!({"title": "apple", "qty": 1}));
    put(store, &crate::project(), &decoy).await;
    p
}

/// Input variables from `(name, values)` pairs.
pub fn vars(list: &[(&str, &[&str])]) -> HashMap<String, Vec<String>> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

/// A query for a predicate (default order, everything on one page).
pub fn filtered(src: &str, vars: &HashMap<String, Vec<String>>) -> Query {
    let f = validate_predicate(src, SCHEMA, vars)
        .unwrap_or_else(|e| panic!("predicate {src:?} is invalid: {e}"));
    Query {
        filter: Some(f),
        ..Query::all(500)
    }
}

pub fn ids(docs: &[Doc]) -> Vec<String> {
    docs.iter().map(|d| d.id.clone()).collect()
}
