//! The Store endpoints: `/{projectKey}/stores[/{id}|/key={key}]`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use storekeep_core::resource::PagedQueryResponse;
use storekeep_core::stores::{Store, StoreDraft, StoreUpdate};

use super::target::{IdOrKey, Seg};
use crate::error::{HttpError, HttpResult};
use crate::extract::{AppJson, QueryPairs};
use crate::{AppState, Ctx};

/// `POST /{p}/stores`.
pub async fn create_store(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(d): AppJson<StoreDraft>,
) -> HttpResult<(StatusCode, Json<Store>)> {
    let store = s.services.stores.create(&ctx.project, &ctx.by, d).await?;
    Ok((StatusCode::CREATED, Json(store)))
}

/// `GET /{p}/stores`.
pub async fn query_stores(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<Json<PagedQueryResponse>> {
    Ok(Json(s.services.stores.query(&ctx.project, &q.0).await?))
}

/// `HEAD /{p}/stores?where=…`: 200 if any store matches, else 404.
pub async fn head_stores(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<StatusCode> {
    match s.services.stores.exists(&ctx.project, &q.0).await {
        Ok(true) => Ok(StatusCode::OK),
        Ok(false) => Ok(StatusCode::NOT_FOUND),
        Err(e) => Err(HttpError(e)),
    }
}

/// `GET /{p}/stores/{id}` and `/key={key}`.
pub async fn get_store(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
) -> HttpResult<Json<Store>> {
    Ok(Json(
        s.services.stores.get(&ctx.project, t.lookup()?).await?,
    ))
}

/// `HEAD /{p}/stores/{id}` and `/key={key}`.
pub async fn head_store(ctx: Ctx, State(s): State<AppState>, t: Seg<IdOrKey>) -> StatusCode {
    let Ok(by) = t.lookup() else {
        return StatusCode::NOT_FOUND;
    };
    match s.services.stores.get(&ctx.project, by).await {
        Ok(_) => StatusCode::OK,
        Err(e) => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
    }
}

/// `POST /{p}/stores/{id}` and `/key={key}`.
pub async fn update_store(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    AppJson(u): AppJson<StoreUpdate>,
) -> HttpResult<Json<Store>> {
    Ok(Json(
        s.services
            .stores
            .update(&ctx.project, &ctx.by, t.lookup()?, u)
            .await?,
    ))
}

/// `DELETE /{p}/stores/{id}?version=N` and `/key={key}?version=N`. This instance forgets
/// the store at once (its in-store paths answer 404 from now on).
pub async fn delete_store(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    q: QueryPairs,
) -> HttpResult<Json<Store>> {
    let version = q.version()?;
    let deleted = s
        .services
        .stores
        .delete(&ctx.project, t.lookup()?, version)
        .await?;
    s.known_stores.forget(&ctx.project, &deleted.key);
    Ok(Json(deleted))
}
