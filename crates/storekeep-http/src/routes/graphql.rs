//! The GraphQL endpoint `/{projectKey}/graphql` (graphql.md §1): `POST` with a JSON body
//! `{query, operationName?, variables?}`, `GET` with the same as query parameters (queries
//! only: a mutation over `GET` is 405), and, for a `GET` that accepts HTML and carries no
//! `query`, the GraphQL console page. The schema, resolvers, scope checks and error codes are
//! `storekeep-graphql`'s; this module only reads the request, authenticates it through
//! [`Ctx`] (a valid token of the path's project, `Need::Authenticated`), and writes the answer.
//!
//! Request problems (a body that is not JSON, no `query`, `variables` that are not JSON) are
//! answered in the GraphQL error shape (`{"errors":[{"message", "extensions":{"code"}}]}`)
//! with the API error's status; token problems before that (401 `invalid_token`, 403 for
//! another project's token) keep the API's OAuth error body, as on every other endpoint.
//!
//! The browser page needs no token: it is the admin console's page (embedded, no request to
//! any other host; routes/admin.rs), which opens its GraphQL view for this endpoint and sends
//! the signed-in client's bearer token with each request, so only the requests it makes are
//! authorized.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawPathParams, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use storekeep_core::common::valid_key;
use storekeep_core::{ApiError, Services};
use storekeep_graphql::error::request_error;
use storekeep_graphql::GraphqlRequest;

use crate::error::{json_response, HttpError};
use crate::extract::{parse_json, QueryPairs};
use crate::{AppState, Ctx};

/// A JSON answer with the status `execute` chose (a 503 — too many GraphQL requests in
/// progress — with `Retry-After: 1`, as the API's other 503 `OverCapacity` answers).
fn answer((status, body): (u16, serde_json::Value)) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = json_response(status, serde_json::to_vec(&body).unwrap_or_default());
    if status == StatusCode::SERVICE_UNAVAILABLE {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    resp
}

/// Execute a request for the authenticated caller.
async fn run(ctx: Ctx, s: &AppState, req: GraphqlRequest, read_only: bool) -> Response {
    let services = Services::clone(&s.services);
    answer(storekeep_graphql::execute(services, ctx.caller, &ctx.project, req, read_only).await)
}

/// `POST /{p}/graphql`.
pub async fn post_graphql(
    ctx: Ctx,
    State(s): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return answer(request_error(&ApiError::PayloadTooLarge(
                "The request body is larger than the server accepts.".into(),
            )))
        }
        Err(e) => return answer(request_error(&ApiError::invalid_json(e.body_text()))),
    };
    match parse_json::<GraphqlRequest>(&body) {
        Ok(req) => run(ctx, &s, req, false).await,
        Err(e) => answer(request_error(&e)),
    }
}

/// Does the client want a web page (a browser navigating to the endpoint)?
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/html"))
}

/// The GraphQL console page for the project of the path (a valid key; nothing is looked up).
fn console_page(headers: &HeaderMap, project: &str) -> Response {
    if !valid_key(project) {
        return HttpError(ApiError::ResourceNotFound(
            "The requested resource was not found.".into(),
        ))
        .into_response();
    }
    super::admin::page(headers)
}

/// The request of a `GET`: `query`, `operationName` and `variables` (JSON text).
fn get_request(q: &QueryPairs) -> Result<GraphqlRequest, ApiError> {
    let query = q.get("query").ok_or_else(|| {
        ApiError::invalid_json("query: Missing required value (the GraphQL document).")
    })?;
    let variables = match q.get("variables").filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => Some(parse_json::<serde_json::Value>(raw.as_bytes())?),
    };
    Ok(GraphqlRequest {
        query: query.to_string(),
        operation_name: q.get("operationName").map(str::to_string),
        variables,
    })
}

/// `GET /{p}/graphql`: the GraphQL console page for browsers, else a query from the parameters.
pub async fn get_graphql(
    headers: HeaderMap,
    path: RawPathParams,
    q: QueryPairs,
    ctx: Result<Ctx, HttpError>,
    State(s): State<AppState>,
) -> Response {
    if q.get("query").is_none() && wants_html(&headers) {
        let project = path
            .iter()
            .find(|(k, _)| *k == "project")
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        return console_page(&headers, &project);
    }
    let ctx = match ctx {
        Ok(ctx) => ctx,
        Err(e) => return e.into_response(),
    };
    match get_request(&q) {
        Ok(req) => run(ctx, &s, req, true).await,
        Err(e) => answer(request_error(&e)),
    }
}
