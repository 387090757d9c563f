//! The My Carts endpoints (carts-in-store.md §3, auth.md §4), project
//! (`/{projectKey}/me/carts…`, `/me/active-cart`) and in-store
//! (`/{projectKey}/in-store/key={storeKey}/me/carts…`, `…/me/active-cart`). [`Ctx`] has
//! authorized `manage_my_orders` and a customer's or anonymous session's token
//! ([`crate::authz::Session::Shopper`]); the handlers act for that token's owner only — the
//! customer (`customer_id`) or, for an anonymous token, the session (`anonymous_id`) — and
//! pass it to the core service, which shows, changes and creates only the owner's carts
//! (others are 404) and, in-store, only carts of the path's store. Bodies are never logged.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use storekeep_core::carts::{check_my_actions, Cart, CartUpdate, MyCartDraft, Owner};
use storekeep_core::resource::PagedQueryResponse;
use storekeep_core::{ApiError, ApiResult};

use super::carts::{exists_status, head_status};
use super::target::{IdOrKey, Seg};
use super::{PathRoutes, Routes, Verb};
use crate::error::HttpResult;
use crate::extract::{AppJson, QueryPairs};
use crate::{AppState, Ctx};

/// Register every My Carts route, project and in-store.
pub(super) fn routes(r: Routes) -> Routes {
    let collection = || {
        PathRoutes::new()
            .on(Verb::Get, query_my_carts)
            .on(Verb::Head, head_my_carts)
            .on(Verb::Post, create_my_cart)
    };
    let single = || {
        PathRoutes::new()
            .on(Verb::Get, get_my_cart)
            .on(Verb::Head, head_my_cart)
            .on(Verb::Post, update_my_cart)
            .on(Verb::Delete, delete_my_cart)
    };
    let active = || {
        PathRoutes::new()
            .on(Verb::Get, get_my_active_cart)
            .on(Verb::Head, head_my_active_cart)
    };
    r.add("/{project}/me/carts", collection())
        .add("/{project}/in-store/{store}/me/carts", collection())
        .add("/{project}/me/carts/{target}", single())
        .add("/{project}/in-store/{store}/me/carts/{target}", single())
        .add("/{project}/me/active-cart", active())
        .add("/{project}/in-store/{store}/me/active-cart", active())
}

/// The owner the token speaks for: its customer, else its anonymous session (the route table
/// lets no other token through; this is the same refusal, should one get here).
fn owner(ctx: &Ctx) -> ApiResult<Owner> {
    let c = &ctx.caller;
    match (&c.customer_id, &c.anonymous_id) {
        (Some(id), _) => Ok(Owner::Customer(id.clone())),
        (None, Some(aid)) => Ok(Owner::Anonymous(aid.clone())),
        (None, None) => Err(ApiError::InsufficientScope(
            "Insufficient scope. This endpoint requires the token of a customer or of an anonymous session."
                .into(),
        )),
    }
}

/// The owner's cart of the path (`{id}` or `key={key}`).
async fn find(s: &AppState, ctx: &Ctx, t: &Seg<IdOrKey>) -> ApiResult<Cart> {
    let o = owner(ctx)?;
    let store = ctx.store.as_deref();
    s.services
        .carts
        .get(&ctx.project, store, Some(&o), t.lookup()?)
        .await
}

/// The owner's active cart (in-store: of that store).
async fn find_active(s: &AppState, ctx: &Ctx) -> ApiResult<Cart> {
    let o = owner(ctx)?;
    let store = ctx.store.as_deref();
    s.services
        .carts
        .my_active_cart(&ctx.project, store, &o)
        .await
}

/// `POST /me/carts` with a `MyCartDraft`: 201 with a cart of the token's owner (in-store: of
/// the path's store).
pub async fn create_my_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(d): AppJson<MyCartDraft>,
) -> HttpResult<(StatusCode, Json<Cart>)> {
    let d = d.into_draft();
    let (o, store) = (owner(&ctx)?, ctx.store.as_deref());
    let c = &s.services.carts;
    let cart = c.create(&ctx.project, store, Some(&o), &ctx.by, d).await?;
    Ok((StatusCode::CREATED, Json(cart)))
}

/// `GET /me/carts`: the owner's carts (in-store: of that store).
pub async fn query_my_carts(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<Json<PagedQueryResponse>> {
    let (o, store) = (owner(&ctx)?, ctx.store.as_deref());
    let c = &s.services.carts;
    Ok(Json(c.query(&ctx.project, store, Some(&o), &q.0).await?))
}

/// `HEAD /me/carts?where=…`: 200 if any of the owner's carts matches, else 404.
pub async fn head_my_carts(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<StatusCode> {
    let (o, store) = (owner(&ctx)?, ctx.store.as_deref());
    let c = &s.services.carts;
    exists_status(c.exists(&ctx.project, store, Some(&o), &q.0).await)
}

/// `GET /me/carts/{id}` and `/key={key}`.
pub async fn get_my_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
) -> HttpResult<Json<Cart>> {
    Ok(Json(find(&s, &ctx, &t).await?))
}

/// `HEAD /me/carts/{id}`: 200 or 404, no body.
pub async fn head_my_cart(ctx: Ctx, State(s): State<AppState>, t: Seg<IdOrKey>) -> StatusCode {
    head_status(find(&s, &ctx, &t).await)
}

/// `POST /me/carts/{id}` with `MyCartUpdateAction`s.
pub async fn update_my_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    AppJson(u): AppJson<CartUpdate>,
) -> HttpResult<Json<Cart>> {
    check_my_actions(&u.actions)?;
    let (o, store) = (owner(&ctx)?, ctx.store.as_deref());
    let c = &s.services.carts;
    let by = t.lookup()?;
    Ok(Json(
        c.update(&ctx.project, store, Some(&o), &ctx.by, by, u)
            .await?,
    ))
}

/// `DELETE /me/carts/{id}?version=N`.
pub async fn delete_my_cart(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    q: QueryPairs,
) -> HttpResult<Json<Cart>> {
    let (version, erase) = (q.version()?, q.data_erasure()?);
    let (o, store) = (owner(&ctx)?, ctx.store.as_deref());
    let c = &s.services.carts;
    let by = t.lookup()?;
    Ok(Json(
        c.delete(&ctx.project, store, Some(&o), by, version, erase)
            .await?,
    ))
}

/// `GET /me/active-cart`: the owner's most recently modified active cart, else 404.
pub async fn get_my_active_cart(ctx: Ctx, State(s): State<AppState>) -> HttpResult<Json<Cart>> {
    Ok(Json(find_active(&s, &ctx).await?))
}

/// `HEAD /me/active-cart`: 200 or 404, no body.
pub async fn head_my_active_cart(ctx: Ctx, State(s): State<AppState>) -> StatusCode {
    head_status(find_active(&s, &ctx).await)
}
