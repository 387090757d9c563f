//! The admin console (issue 19): a single-page web application served at `/admin/` from
//! files embedded in the binary (`crates/storekeep-http/admin/`, `include_bytes!`), so it
//! works on a machine without internet and needs no frontend build. The page itself holds no
//! data and needs no token: it signs in with an API client's credentials through
//! `/oauth/token` and calls the API like any other client, so the API's own scope checks
//! decide what it may see and do.
//!
//! Routes: `GET /admin/` (the page), `GET /admin/assets/{file}` (scripts, style sheet, icon,
//! and `scopes.json`, the scope names built from `storekeep_core::scopes`), and `GET /admin`
//! without an `Authorization` header, which a [`bare_admin`] middleware redirects to
//! `/admin/` — with a token it stays the Project resource of a project keyed `admin`. The
//! GraphQL endpoint's browser page is the same document ([`page`]), which opens its GraphQL
//! view there. Every answer carries a strict Content-Security-Policy (scripts, styles and
//! requests from this origin only; no inline script or style; no framing; forms post
//! nowhere), `nosniff`, `no-referrer`, and `Cache-Control: no-cache` with an `ETag` so a
//! browser revalidates cheaply (304) and never runs a stale script after an upgrade.

use std::sync::OnceLock;

use axum::extract::{Path, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use storekeep_core::scopes::ScopeName;
use storekeep_core::ApiError;

use crate::error::HttpError;

/// The path of the console page.
pub const PAGE_PATH: &str = "/admin/";

/// The policy of every console answer: only this origin, no inline code, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// One embedded file.
struct Asset {
    name: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($name:literal) => {
        Asset {
            name: $name,
            body: include_bytes!(concat!("../../admin/", $name)),
        }
    };
}

/// The page.
const INDEX: Asset = asset!("index.html");

/// Everything under `/admin/assets/` (a test checks this lists every file of the folder).
const ASSETS: &[Asset] = &[
    asset!("console.css"),
    asset!("favicon.svg"),
    asset!("main.js"),
    asset!("api.js"),
    asset!("session.js"),
    asset!("dom.js"),
    asset!("forms.js"),
    asset!("project.js"),
    asset!("stores.js"),
    asset!("customers.js"),
    asset!("customer.js"),
    asset!("clients.js"),
    asset!("scope-picker.js"),
    asset!("graphql.js"),
    asset!("schema.js"),
];

/// The generated asset: every scope name and whether it has a store-scoped form.
const SCOPES_JSON: &str = "scopes.json";

/// The media type of a file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `scopes.json`: `[{"name": "manage_customers", "store": true}, …]`, from the core's table.
fn scopes_json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| {
        let names: Vec<serde_json::Value> = ScopeName::all()
            .map(|n| serde_json::json!({"name": n.as_str(), "store": n.has_store_form()}))
            .collect();
        serde_json::to_vec(&names).unwrap_or_default()
    })
}

/// A strong validator for a body (the first 128 bits of its SHA-256, hex).
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The validators of the page and the assets, computed once.
fn etag_of(name: &str, body: &'static [u8]) -> String {
    static TAGS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        let mut v: Vec<(&'static str, String)> = ASSETS
            .iter()
            .chain(std::iter::once(&INDEX))
            .map(|a| (a.name, etag(a.body)))
            .collect();
        v.push((SCOPES_JSON, etag(scopes_json())));
        v
    });
    tags.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| etag(body))
}

/// The security headers every console answer carries.
fn secure(h: &mut HeaderMap) {
    let fixed: [(header::HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-cache"),
    ];
    for (name, value) in fixed {
        h.insert(name, HeaderValue::from_static(value));
    }
}

/// Answer with an embedded file: 200 with the body, or 304 when `If-None-Match` names it.
fn serve(req_headers: &HeaderMap, name: &str, body: &'static [u8]) -> Response {
    let tag = etag_of(name, body);
    let fresh = req_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == tag || t.trim() == "*");
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, body).into_response()
    };
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    secure(h);
    r
}

/// The console page (`GET /admin/`, and the GraphQL endpoint's browser page).
pub fn page(req_headers: &HeaderMap) -> Response {
    serve(req_headers, INDEX.name, INDEX.body)
}

/// `GET /admin/`.
pub async fn index(headers: HeaderMap) -> Response {
    page(&headers)
}

/// `GET /admin/assets/{file}`: an embedded file, or the API's 404.
pub async fn asset(headers: HeaderMap, Path(file): Path<String>) -> Response {
    if file == SCOPES_JSON {
        return serve(&headers, SCOPES_JSON, scopes_json());
    }
    match ASSETS.iter().find(|a| a.name == file) {
        Some(a) => serve(&headers, a.name, a.body),
        None => HttpError(ApiError::ResourceNotFound(
            "The requested resource was not found.".into(),
        ))
        .into_response(),
    }
}

/// `GET /admin` (no trailing slash) from a browser: 308 to `/admin/`. The path is also the
/// Project resource of a project keyed `admin` (`GET /{projectKey}`), so a request that
/// brings an `Authorization` header goes on to the API.
pub async fn bare_admin(req: Request, next: Next) -> Response {
    let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
    if is_get && req.uri().path() == "/admin" && !req.headers().contains_key(header::AUTHORIZATION)
    {
        let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
        r.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static(PAGE_PATH));
        secure(r.headers_mut());
        return r;
    }
    next.run(req).await
}
