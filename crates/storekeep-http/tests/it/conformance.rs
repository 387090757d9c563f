//! Every response the HTTP tests receive is checked against the vendor's published OpenAPI
//! document (`tests/data/openapi/openapi-scope.yaml`, see its `SOURCE.md`), so every test is
//! also a conformance test (issue 14, item 7). [`Harness::send`](crate::harness::Harness)
//! calls [`check`] for each response and the test fails on a violation:
//!
//! - the operation (method and path template) is in the document: the status must be one it
//!   documents for that operation, and a JSON body must match that status's schema;
//! - the path is in [`SKIPPED`] (endpoints the document does not describe): nothing is
//!   checked;
//! - any other request (an unknown path or method, on purpose in the hostile-input tests) must
//!   be answered with a 4xx whose body matches the document's `ErrorResponse`.
//!
//! The generated document has artefacts that a validator must undo (its README): RAML pattern
//! properties became required properties named after their regex (`/^[a-z]{2}…$/`, `//`);
//! they become `additionalProperties`. `ErrorObject`'s `additionalProperties: {type: string}`
//! would constrain its subtypes' typed fields, so it is dropped. OpenAPI's `discriminator`
//! is not JSON Schema: a schema with a discriminator mapping checks the value against the
//! mapped subtype (`code` of an error, `type` of money, `typeId` of a reference …).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::http::{Method, StatusCode};
use serde_json::{json, Map, Value};

/// Paths the document does not describe, checked by their own tests instead: the OAuth
/// endpoints `/oauth/…` (the document covers the HTTP API only; the auth API is
/// `oauth.raml`, tested in `oauth.rs` and `sessions/`), the admin console `/admin[/…]`, the
/// GraphQL endpoint `/{projectKey}/graphql` (GraphQL has its own schema; `graphql/`), and
/// storekeep's own `/health` and `/ready`.
fn skipped(path: &str) -> bool {
    path.starts_with("/oauth/")
        || path == "/admin"
        || path.starts_with("/admin/")
        || path == "/health"
        || path == "/ready"
        || path.ends_with("/graphql")
}

/// Error statuses the API answers on any endpoint (docs.commercetools.com/api/errors: 409
/// `ConcurrentModification`, 413 `RequestEntityTooLarge`, 429 `TooManyRequests`, and the
/// 400/401/403/404/500/502/503 that the document lists for most operations but not for all —
/// e.g. `/in-store/key={storeKey}/me` documents only 200). Such a status is accepted where
/// the operation does not list it, and its body is checked against `ErrorResponse`.
const GENERAL_ERRORS: [u16; 10] = [400, 401, 403, 404, 409, 413, 429, 500, 502, 503];

/// One operation of the document.
struct Operation {
    template: Vec<String>,
    method: Method,
    /// Status code → schema of the JSON body (`None`: no body documented).
    responses: HashMap<u16, Option<Value>>,
}

/// The document, prepared.
struct Spec {
    root: Arc<Value>,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(load)
}

fn load() -> Spec {
    let text = include_str!("../data/openapi/openapi-scope.yaml");
    let mut doc: Value = serde_yaml::from_str(text).expect("the OpenAPI document parses");
    undo_artefacts(&mut doc);
    let mut operations = Vec::new();
    let paths = doc["paths"].as_object().expect("paths").clone();
    for (template, item) in paths {
        let segments: Vec<String> = template
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for (name, op) in item.as_object().expect("path item") {
            let methods = ["get", "head", "post", "put", "delete", "patch", "options"];
            if !methods.contains(&name.as_str()) {
                continue;
            }
            let method = Method::from_bytes(name.to_uppercase().as_bytes()).expect("method");
            let mut responses = HashMap::new();
            for (code, resp) in op["responses"].as_object().into_iter().flatten() {
                let resp = resolve(&doc, resp);
                let schema = resp["content"]["application/json"]["schema"].clone();
                let status = code.parse::<u16>().expect("numeric status");
                responses.insert(status, (!schema.is_null()).then_some(schema));
            }
            operations.push(Operation {
                template: segments.clone(),
                method,
                responses,
            });
        }
    }
    Spec {
        root: Arc::new(doc),
        operations,
        validators: Mutex::new(HashMap::new()),
    }
}

/// Follow a local `$ref` (`#/components/…`).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .expect("the reference resolves"),
        None => v,
    }
}

/// The generator's artefacts (module docs).
fn undo_artefacts(doc: &mut Value) {
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("components.schemas");
    for s in schemas.values_mut() {
        regex_properties(s);
    }
    if let Some(e) = schemas
        .get_mut("ErrorObject")
        .and_then(Value::as_object_mut)
    {
        e.remove("additionalProperties");
    }
    let with_mapping: Vec<String> = schemas
        .iter()
        .filter(|(_, s)| s["discriminator"]["mapping"].is_object())
        .map(|(k, _)| k.clone())
        .collect();
    for name in with_mapping {
        dispatch(schemas, &name);
    }
}

/// Properties named after a regex (`/…/`) are pattern properties: any other member.
fn regex_properties(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let is_regex = |k: &str| k.len() >= 2 && k.starts_with('/') && k.ends_with('/');
            if let Some(Value::Array(req)) = m.get_mut("required") {
                req.retain(|r| !r.as_str().is_some_and(is_regex));
            }
            let mut pattern = None;
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                let keys: Vec<String> = props.keys().filter(|k| is_regex(k)).cloned().collect();
                for k in keys {
                    pattern = props.remove(&k);
                }
            }
            if let Some(p) = pattern {
                m.entry("additionalProperties").or_insert(p);
            }
            for child in m.values_mut() {
                regex_properties(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(regex_properties),
        _ => {}
    }
}

/// Turn schema `name`'s discriminator mapping into JSON Schema: the base keeps its own
/// constraints (as `{name}__base`, which the subtypes' `allOf` now name), and a value whose
/// discriminator names a subtype must match that subtype.
fn dispatch(schemas: &mut Map<String, Value>, name: &str) {
    let mut base = schemas[name].clone();
    let disc = base["discriminator"].clone();
    if let Some(o) = base.as_object_mut() {
        o.remove("discriminator");
    }
    let base_name = format!("{name}__base");
    let prop = disc["propertyName"]
        .as_str()
        .expect("propertyName")
        .to_string();
    let own_ref = json!(format!("#/components/schemas/{name}"));
    let base_ref = json!(format!("#/components/schemas/{base_name}"));
    let mut all = vec![json!({"$ref": base_ref})];
    for (value, target) in disc["mapping"].as_object().expect("mapping") {
        let target_name = target
            .as_str()
            .and_then(|t| t.strip_prefix("#/components/schemas/"))
            .expect("a schema reference");
        if target_name == name {
            continue;
        }
        if let Some(Value::Array(parts)) = schemas
            .get_mut(target_name)
            .and_then(|t| t.get_mut("allOf"))
        {
            for p in parts.iter_mut() {
                if p.get("$ref") == Some(&own_ref) {
                    p["$ref"] = base_ref.clone();
                }
            }
        }
        all.push(json!({"anyOf": [
            {"not": {"properties": {prop.clone(): {"enum": [value]}}, "required": [prop.clone()]}},
            {"$ref": target},
        ]}));
    }
    schemas.insert(base_name, base);
    schemas.insert(name.to_string(), json!({"allOf": all}));
}

/// The validator of a schema of the document (cached).
fn validator(s: &Spec, schema: &Value) -> Arc<jsonschema::Validator> {
    let key = schema.to_string();
    let mut cache = s.validators.lock().unwrap();
    if let Some(v) = cache.get(&key) {
        return v.clone();
    }
    let mut root = (*s.root).clone();
    let obj = root.as_object_mut().expect("document object");
    obj.remove("paths");
    for (k, v) in schema.as_object().expect("schema object") {
        obj.insert(k.clone(), v.clone());
    }
    let v = Arc::new(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&root)
            .unwrap_or_else(|e| panic!("schema {key} compiles: {e}")),
    );
    cache.insert(key, v.clone());
    v
}

/// How specific a template segment's match is: literal 2, `prefix={param}` 1, `{param}` 0;
/// `None` if it does not match.
fn segment_match(template: &str, actual: &str) -> Option<u8> {
    match template.find('{') {
        None => (template == actual).then_some(2),
        Some(0) => (!actual.is_empty()).then_some(0),
        Some(i) => {
            let prefix = &template[..i];
            (actual.len() > prefix.len() && actual.starts_with(prefix)).then_some(1)
        }
    }
}

/// The operations of a path (all methods), best match first.
fn operations_of<'a>(s: &'a Spec, path: &str) -> Vec<&'a Operation> {
    let actual: Vec<&str> = path.split('/').filter(|x| !x.is_empty()).collect();
    let mut found: Vec<(Vec<u8>, &Operation)> = s
        .operations
        .iter()
        .filter(|o| o.template.len() == actual.len())
        .filter_map(|o| {
            let score: Option<Vec<u8>> = o
                .template
                .iter()
                .zip(&actual)
                .map(|(t, a)| segment_match(t, a))
                .collect();
            score.map(|sc| (sc, o))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    let best = found.first().map(|(sc, _)| sc.clone());
    found
        .into_iter()
        .filter(|(sc, _)| Some(sc) == best.as_ref())
        .map(|(_, o)| o)
        .collect()
}

/// Check one response against the document; `Err` describes the violation.
pub fn violation(method: &Method, uri: &str, status: StatusCode, body: &[u8]) -> Option<String> {
    let path = uri.split('?').next().unwrap_or(uri);
    let path = path.split('#').next().unwrap_or(path);
    if skipped(path) {
        return None;
    }
    let s = spec();
    let ops = operations_of(s, path);
    // storekeep answers HEAD wherever it answers GET (bodiless); the document lists HEAD for
    // some paths only, so a HEAD is checked against the GET of the path where it has none.
    let op = ops.iter().find(|o| o.method == *method).or_else(|| {
        (*method == Method::HEAD)
            .then(|| ops.iter().find(|o| o.method == Method::GET))
            .flatten()
    });
    let code = status.as_u16();
    let error_schema = json!({"$ref": "#/components/schemas/ErrorResponse"});
    let schema = match op {
        Some(op) => match op.responses.get(&code) {
            Some(schema) => schema.clone(),
            None if GENERAL_ERRORS.contains(&code) => Some(error_schema),
            None => {
                let mut documented: Vec<u16> = op.responses.keys().copied().collect();
                documented.sort_unstable();
                return Some(format!(
                    "{method} {path}: status {code} is not documented (documented: {documented:?})"
                ));
            }
        },
        None if status.is_client_error() => Some(error_schema),
        None => {
            return Some(format!(
                "{method} {path}: not an operation of the document, answered {code} (only a 4xx \
                 error is acceptable there)"
            ))
        }
    };
    let (Some(schema), false) = (schema, body.is_empty() || *method == Method::HEAD) else {
        return None;
    };
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Some(format!("{method} {path} {code}: the body is not JSON"));
    };
    let v = validator(s, &schema);
    let errors: Vec<String> = v
        .iter_errors(&value)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| {
        format!(
            "{method} {path} {code}: the body does not match {schema}: {}\nbody: {value}",
            errors.join("; ")
        )
    })
}

/// Fail the test on a violation (called by the harness for every response).
pub fn check(method: &Method, uri: &str, status: StatusCode, body: &[u8]) {
    if let Some(v) = violation(method, uri, status, body) {
        panic!("OpenAPI conformance violation: {v}");
    }
}

#[test]
fn the_document_loads_and_knows_the_served_operations() {
    let s = spec();
    assert!(s.operations.len() > 100, "{}", s.operations.len());
    let ops = operations_of(s, "/p/customers/key=k");
    assert!(ops.iter().any(|o| o.method == Method::GET));
    assert_eq!(ops[0].template[2], "key={key}");
    let ops = operations_of(s, "/p/customers/password-token");
    assert_eq!(ops[0].template[2], "password-token");
}

#[test]
fn violations_are_found() {
    let not_a_customer = json!({"id": "x"}).to_string();
    let v = violation(
        &Method::GET,
        "/p/customers/c0ffee",
        StatusCode::OK,
        not_a_customer.as_bytes(),
    );
    assert!(v.is_some_and(|v| v.contains("does not match")));
    let v = violation(&Method::GET, "/p/customers", StatusCode::IM_A_TEAPOT, b"");
    assert!(v.is_some_and(|v| v.contains("not documented")));
    let error = json!({"statusCode": 404, "message": "m", "errors": [{"code": "ResourceNotFound", "message": "m"}]});
    let v = violation(
        &Method::GET,
        "/p/nowhere/at/all",
        StatusCode::NOT_FOUND,
        error.to_string().as_bytes(),
    );
    assert_eq!(v, None);
    // An error object is checked against the subtype its code names.
    let bad = json!({"statusCode": 409, "message": "m", "errors": [{"code": "ConcurrentModification", "message": "m", "currentVersion": "two"}]});
    let v = violation(
        &Method::POST,
        "/p/customers/c0ffee",
        StatusCode::CONFLICT,
        bad.to_string().as_bytes(),
    );
    assert!(v.is_some(), "{v:?}");
}
