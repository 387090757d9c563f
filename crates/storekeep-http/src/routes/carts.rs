//! The Cart endpoints (carts-in-store.md §3), each in its project form (`/{projectKey}/carts…`)
//! and its in-store form (`/{projectKey}/in-store/key={storeKey}/carts…`): query, create, get,
//! update and delete by id or `key=`, the customer's active cart (`customer-id={id}`) and the
//! Merge Cart endpoint (`customer-id={id}/merge`). One handler serves both forms: [`Ctx`] has
//! authorized the orders scope and checked the path's store, and `ctx.store` goes to the core
//! service, which applies the store rules (a store sees only its carts; create binds the cart
//! to the store). The My Carts endpoints are in `my_carts.rs`. Bodies are never logged.
//!
//! axum routes a path segment as a whole, so `customer-id={id}` arrives as the `{target}` of
//! `/carts/{target}`; [`Seg`] parses it and lets through only the forms each handler takes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use storekeep_core::carts::{Cart, CartDraft, CartUpdate, MergeCartDraft};
use storekeep_core::resource::PagedQueryResponse;
use storekeep_core::ApiResult;

use super::target::{no_such_endpoint, CartRead, CustomerIdOnly, IdOrKey, Seg, Target};
use super::{PathRoutes, Routes, Verb};
use crate::error::{HttpError, HttpResult};
use crate::extract::{AppJson, QueryPairs};
use crate::{AppState, Ctx};

/// Register every cart route, project and in-store.
pub(super) fn routes(r: Routes) -> Routes {
    let merge = || PathRoutes::new().on(Verb::Post, merge_cart);
    r.add("/{project}/carts", collection())
        .add("/{project}/in-store/{store}/carts", collection())
        .add("/{project}/carts/{target}", single())
        .add("/{project}/in-store/{store}/carts/{target}", single())
        .add("/{project}/carts/{target}/merge", merge())
        .add("/{project}/in-store/{store}/carts/{target}/merge", merge())
}

fn collection() -> PathRoutes {
    PathRoutes::new()
        .on(Verb::Get, query_carts)
        .on(Verb::Head, head_carts)
        .on(Verb::Post, create_cart)
}

fn single() -> PathRoutes {
    PathRoutes::new()
        .on(Verb::Get, get_cart)
        .on(Verb::Head, head_cart)
        .on(Verb::Post, update_cart)
        .on(Verb::Delete, delete_cart)
}

/// The cart a GET or HEAD addresses: by id, key, or the customer's active cart.
async fn find(s: &AppState, ctx: &Ctx, t: &Target) -> ApiResult<Cart> {
    let (c, store) = (&s.services.carts, ctx.store.as_deref());
    match t {
        Target::CustomerId(id) => c.active_cart(&ctx.project, store, id).await,
        other => c.get(&ctx.project, store, None, other.lookup()?).await,
    }
}

/// The status of a HEAD request: 200, or the error's status (404), no body.
pub(super) fn head_status<T>(r: ApiResult<T>) -> StatusCode {
    match r {
        Ok(_) => StatusCode::OK,
        Err(e) => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
    }
}

/// The status of `HEAD …?where=`: 200 if anything matches, else 404.
pub(super) fn exists_status(r: ApiResult<bool>) -> HttpResult<StatusCode> {
    match r {
        Ok(true) => Ok(StatusCode::OK),
        Ok(false) => Ok(StatusCode::NOT_FOUND),
        Err(e) => Err(HttpError(e)),
    }
}

/// `POST /carts` (in-store: the cart's `store` is the path's store): 201 with the cart.
pub async fn create_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(d): AppJson<CartDraft>,
) -> HttpResult<(StatusCode, Json<Cart>)> {
    let store = ctx.store.as_deref();
    let c = &s.services.carts;
    let cart = c.create(&ctx.project, store, None, &ctx.by, d).await?;
    Ok((StatusCode::CREATED, Json(cart)))
}

/// `GET /carts` (in-store: only the store's carts).
pub async fn query_carts(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<Json<PagedQueryResponse>> {
    let store = ctx.store.as_deref();
    let c = &s.services.carts;
    Ok(Json(c.query(&ctx.project, store, None, &q.0).await?))
}

/// `HEAD /carts?where=…`: 200 if any cart (visible here) matches, else 404.
pub async fn head_carts(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<StatusCode> {
    let store = ctx.store.as_deref();
    let c = &s.services.carts;
    exists_status(c.exists(&ctx.project, store, None, &q.0).await)
}

/// `GET /carts/{id}`, `/key={key}` and `/customer-id={customerId}` (the active cart).
pub async fn get_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    Seg(t, ..): Seg<CartRead>,
) -> HttpResult<Json<Cart>> {
    Ok(Json(find(&s, &ctx, &t).await?))
}

/// `HEAD /carts/{id}`, `/key={key}` and `/customer-id={customerId}`: 200 or 404, no body.
pub async fn head_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    Seg(t, ..): Seg<CartRead>,
) -> StatusCode {
    head_status(find(&s, &ctx, &t).await)
}

/// `POST /carts/{id}` and `/key={key}` with update actions.
pub async fn update_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    AppJson(u): AppJson<CartUpdate>,
) -> HttpResult<Json<Cart>> {
    let by = t.lookup()?;
    let (c, store) = (&s.services.carts, ctx.store.as_deref());
    Ok(Json(
        c.update(&ctx.project, store, None, &ctx.by, by, u).await?,
    ))
}

/// `DELETE /carts/{id}?version=N[&dataErasure=true]` and by key.
pub async fn delete_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    q: QueryPairs,
) -> HttpResult<Json<Cart>> {
    let by = t.lookup()?;
    let (version, erase) = (q.version()?, q.data_erasure()?);
    let (c, store) = (&s.services.carts, ctx.store.as_deref());
    Ok(Json(
        c.delete(&ctx.project, store, None, by, version, erase)
            .await?,
    ))
}

/// `POST /carts/customer-id={customerId}/merge` with a `MergeCartDraft`: the customer's
/// active cart after the merge. Any other `{target}` is 404.
pub async fn merge_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    Seg(t, ..): Seg<CustomerIdOnly>,
    AppJson(d): AppJson<MergeCartDraft>,
) -> HttpResult<Json<Cart>> {
    let Target::CustomerId(customer) = &t else {
        return Err(HttpError(no_such_endpoint()));
    };
    let (c, store) = (&s.services.carts, ctx.store.as_deref());
    Ok(Json(
        c.merge_cart(&ctx.project, store, customer, &ctx.by, d)
            .await?,
    ))
}
