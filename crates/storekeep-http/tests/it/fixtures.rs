//! Helpers for the customer and store tests: paths of both route forms, stores and customers
//! made over HTTP with the admin token, raw (non-JSON) bodies, and the first error's code.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::harness::Harness;

/// `/{p}` (project routes) — append `/customers…` or `/login`.
pub fn project(h: &Harness) -> String {
    format!("/{}", h.project)
}

/// `/{p}/in-store/key={s}` — append `/customers…` or `/login`.
pub fn in_store(h: &Harness, store: &str) -> String {
    format!("/{}/in-store/key={store}", h.project)
}

/// The code of the first error of an error body.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or("")
}

/// Call with the admin token.
pub async fn admin(
    h: &Harness,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    h.call(method, uri, Some(&h.admin_token), body).await
}

/// POST a raw body (not necessarily JSON) with a token.
pub async fn post_raw(
    h: &Harness,
    uri: &str,
    token: &str,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap();
    let (status, _, value) = h.send(req).await;
    (status, value)
}

/// Create a store with this key (languages `en`, country DE); returns it.
pub async fn store(h: &Harness, key: &str) -> Value {
    let body = json!({"key": key, "name": {"en": key}, "languages": ["en"], "countries": [{"code": "DE"}]});
    let (status, s) = admin(
        h,
        Method::POST,
        &format!("/{}/stores", h.project),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    s
}

/// Sign a customer up at `base` (`project(h)` or `in_store(h, s)`) with `body`; returns the
/// customer.
pub async fn sign_up(h: &Harness, base: &str, body: Value) -> Value {
    let (status, r) = admin(h, Method::POST, &format!("{base}/customers"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    r["customer"].clone()
}

/// A customer with this email and password `secret-1` at `base`.
pub async fn customer(h: &Harness, base: &str, email: &str) -> Value {
    sign_up(h, base, json!({"email": email, "password": "secret-1"})).await
}

/// The customer's id.
pub fn id(c: &Value) -> String {
    c["id"].as_str().unwrap().to_string()
}

/// Sign in at `base` with the admin token.
pub async fn login(h: &Harness, base: &str, email: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({"email": email, "password": password});
    admin(h, Method::POST, &format!("{base}/login"), Some(body)).await
}
