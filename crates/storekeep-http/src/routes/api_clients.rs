//! The API-client endpoints: `/{projectKey}/api-clients[/{id}]`. API clients are not
//! versioned and have no update endpoint.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use storekeep_core::api_clients::{ApiClient, ApiClientDraft, ApiClientWithSecret};
use storekeep_core::resource::PagedQueryResponse;

use crate::error::{HttpError, HttpResult};
use crate::extract::{AppJson, PathParams, QueryPairs};
use crate::{AppState, Ctx};

/// `POST /{p}/api-clients`: 201 with the secret (the only time it is shown).
pub async fn create_api_client(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(d): AppJson<ApiClientDraft>,
) -> HttpResult<(StatusCode, Json<ApiClientWithSecret>)> {
    let created = s.services.api_clients.create(&ctx.project, d).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /{p}/api-clients`.
pub async fn query_api_clients(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<Json<PagedQueryResponse>> {
    Ok(Json(
        s.services.api_clients.query(&ctx.project, &q.0).await?,
    ))
}

/// `HEAD /{p}/api-clients?where=…`: 200 if any client matches, else 404.
pub async fn head_api_clients(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<StatusCode> {
    match s.services.api_clients.exists(&ctx.project, &q.0).await {
        Ok(true) => Ok(StatusCode::OK),
        Ok(false) => Ok(StatusCode::NOT_FOUND),
        Err(e) => Err(HttpError(e)),
    }
}

/// `GET /{p}/api-clients/{id}`.
pub async fn get_api_client(
    ctx: Ctx,
    State(s): State<AppState>,
    p: PathParams,
) -> HttpResult<Json<ApiClient>> {
    Ok(Json(
        s.services
            .api_clients
            .get(&ctx.project, p.get("id"))
            .await?,
    ))
}

/// `HEAD /{p}/api-clients/{id}`.
pub async fn head_api_client(ctx: Ctx, State(s): State<AppState>, p: PathParams) -> StatusCode {
    match s.services.api_clients.get(&ctx.project, p.get("id")).await {
        Ok(_) => StatusCode::OK,
        Err(e) => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
    }
}

/// `DELETE /{p}/api-clients/{id}`: the client, its secret and its tokens.
pub async fn delete_api_client(
    ctx: Ctx,
    State(s): State<AppState>,
    p: PathParams,
) -> HttpResult<Json<ApiClient>> {
    Ok(Json(
        s.services
            .api_clients
            .delete(&ctx.project, p.get("id"))
            .await?,
    ))
}
