//! storekeep's HTTP front-end: the commercetools REST routes, error rendering and request
//! logging. Handlers are thin: extract, authorize, call a core service, render. This crate
//! does not know which database runs; it only holds the core [`Services`].

pub mod authz;
mod context;
pub mod error;
pub mod extract;
mod known;
mod oauth_request;
mod routes;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use storekeep_core::{ApiError, Services};

pub use authz::{route_table, Need, Rule};
pub use context::Ctx;
use error::HttpError;

/// Largest request body accepted (bytes).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Shared state of all handlers.
#[derive(Clone)]
pub struct AppState {
    /// Shared, so that handing the state to a handler (once per request) is one reference
    /// count, not a copy of every service.
    pub services: Arc<Services>,
    /// Projects recently found to exist (every project path's existence check).
    pub(crate) known_projects: Arc<known::KnownProjects>,
    /// Store keys recently found to exist (the in-store paths' existence check).
    pub(crate) known_stores: Arc<known::KnownStores>,
    /// What undeclared fields of request bodies do (ignored unless `--strict-json`).
    pub unknown_fields: extract::UnknownFields,
}

impl AppState {
    /// State over the domain services.
    pub fn new(services: Services) -> Self {
        AppState {
            services: Arc::new(services),
            known_projects: Arc::default(),
            known_stores: Arc::default(),
            unknown_fields: extract::UnknownFields::Ignore,
        }
    }

    /// The same state with undeclared body fields refused (`--strict-json`).
    pub fn with_unknown_fields(mut self, unknown: extract::UnknownFields) -> Self {
        self.unknown_fields = unknown;
        self
    }
}

static CORRELATION: HeaderName = HeaderName::from_static("x-correlation-id");

/// A correlation id for a request that brings none: a random prefix drawn once per process
/// and a counter — unique across instances without a random-number system call per request.
fn new_correlation_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| uuid::Uuid::new_v4().simple().to_string());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("storekeep/{prefix}-{n:x}")
}

/// One span per request with method, matched route and correlation id; the correlation id
/// is echoed (or generated). Bodies, tokens and secrets are never logged.
async fn trace_request(req: Request, next: Next) -> Response {
    let correlation = req
        .headers()
        .get(&CORRELATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 256)
        .map(str::to_string)
        .unwrap_or_else(new_correlation_id);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".into());
    let method = req.method().clone();
    let span = tracing::info_span!("request", %method, %route, correlation_id = %correlation);
    let start = std::time::Instant::now();
    let mut resp = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    span.in_scope(|| {
        tracing::debug!(
            status = resp.status().as_u16(),
            elapsed_us = start.elapsed().as_micros() as u64,
            "done"
        );
    });
    if let Ok(v) = HeaderValue::from_str(&correlation) {
        resp.headers_mut().insert(CORRELATION.clone(), v);
    }
    resp
}

async fn not_found() -> HttpError {
    HttpError(routes::no_such_endpoint())
}

async fn method_not_allowed() -> HttpError {
    HttpError(ApiError::MethodNotAllowed(
        "The method is not allowed on this resource.".into(),
    ))
}

/// Every (method, route pattern) the router serves, `HEAD` included wherever `GET` is (for
/// the route-table test).
pub fn registered_routes() -> Vec<(axum::http::Method, &'static str)> {
    routes::registered()
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    routes::api()
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(routes::admin::bare_admin))
        .layer(middleware::from_fn(trace_request))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
