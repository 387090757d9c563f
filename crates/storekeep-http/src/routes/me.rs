//! The My Customer endpoints (auth.md §6), project (`/{projectKey}/me…`) and in-store
//! (`/{projectKey}/in-store/key={storeKey}/me…`). [`Ctx`] has authorized the token (scope,
//! store fence, customer token where needed, see [`crate::authz`]); handlers act on the
//! token's own customer (`customer_id`) or anonymous session (`anonymous_id`), never on a
//! customer named in the request, and pass `ctx.store` so that the in-store forms see only
//! what the store sees (D1). Bodies, passwords and token values are never logged.

use axum::extract::State;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::Json;
use storekeep_core::customers::{
    Customer, CustomerEmailVerify, CustomerResetPassword, CustomerSignInResult, CustomerUpdate,
    MyCustomerChangePassword, MyCustomerDraft, MyCustomerSignin,
};

use storekeep_core::scopes::Perm;

use super::{PathRoutes, Routes, Verb};
use crate::error::HttpResult;
use crate::extract::{AppJson, QueryPairs};
use crate::{AppState, Ctx};

/// Register every My Customer route, project and in-store.
pub(super) fn routes(r: Routes) -> Routes {
    let me = || {
        PathRoutes::new()
            .on(Verb::Get, get_me)
            .on(Verb::Post, update_me)
            .on(Verb::Delete, delete_me)
    };
    r.add("/{project}/me", me())
        .add("/{project}/in-store/{store}/me", me())
        .add("/{project}/me/password", post(change_my_password))
        .add(
            "/{project}/in-store/{store}/me/password",
            post(change_my_password),
        )
        .add("/{project}/me/signup", post(sign_up_me))
        .add("/{project}/in-store/{store}/me/signup", post(sign_up_me))
        .add("/{project}/me/login", post(sign_in_me))
        .add("/{project}/in-store/{store}/me/login", post(sign_in_me))
        .add("/{project}/me/password/reset", post(reset_my_password))
        .add(
            "/{project}/in-store/{store}/me/password/reset",
            post(reset_my_password),
        )
        .add("/{project}/me/email/confirm", post(confirm_my_email))
        .add(
            "/{project}/in-store/{store}/me/email/confirm",
            post(confirm_my_email),
        )
}

/// A path served by one POST handler.
fn post<H, T>(handler: H) -> PathRoutes
where
    H: Handler<T, AppState>,
    T: 'static,
{
    PathRoutes::new().on(Verb::Post, handler)
}

/// `GET /me`: the token's customer.
pub async fn get_me(ctx: Ctx, State(s): State<AppState>) -> HttpResult<Json<Customer>> {
    let id = ctx.caller.require_customer()?;
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services.customers.get_me(&ctx.project, store, id).await?,
    ))
}

/// `POST /me` with `MyCustomerUpdateAction`s.
pub async fn update_me(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(u): AppJson<CustomerUpdate>,
) -> HttpResult<Json<Customer>> {
    let id = ctx.caller.require_customer()?;
    let store = ctx.store.as_deref();
    let c = &s.services.customers;
    Ok(Json(
        c.update_me(&ctx.project, store, &ctx.by, id, u).await?,
    ))
}

/// `DELETE /me?version=N`.
pub async fn delete_me(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<Json<Customer>> {
    let id = ctx.caller.require_customer()?;
    let version = q.version()?;
    let store = ctx.store.as_deref();
    let c = &s.services.customers;
    Ok(Json(c.delete_me(&ctx.project, store, id, version).await?))
}

/// `POST /me/password` (`InvalidCurrentPassword` on a wrong current password); the
/// customer's tokens are revoked, this one included.
pub async fn change_my_password(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<MyCustomerChangePassword>,
) -> HttpResult<Json<Customer>> {
    let id = ctx.caller.require_customer()?;
    let store = ctx.store.as_deref();
    let c = &s.services.customers;
    Ok(Json(
        c.change_my_password(&ctx.project, store, &ctx.by, id, b)
            .await?,
    ))
}

/// `POST /me/signup`: 201 `CustomerSignInResult`; an anonymous session's carts go to the new
/// customer.
pub async fn sign_up_me(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(d): AppJson<MyCustomerDraft>,
) -> HttpResult<(StatusCode, Json<CustomerSignInResult>)> {
    let store = ctx.store.as_deref();
    let anonymous = ctx.caller.anonymous_id.as_deref();
    let grant = ctx.grant(Perm::ManageMyProfile);
    let c = &s.services.customers;
    let created = c
        .sign_up_me(&ctx.project, store, &grant, &ctx.by, d, anonymous)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `POST /me/login`: the anonymous session's cart is merged per `activeCartSignInMode`.
pub async fn sign_in_me(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<MyCustomerSignin>,
) -> HttpResult<Json<CustomerSignInResult>> {
    let store = ctx.store.as_deref();
    let anonymous = ctx.caller.anonymous_id.as_deref();
    let c = &s.services.customers;
    Ok(Json(c.sign_in_me(&ctx.project, store, b, anonymous).await?))
}

/// `POST /me/password/reset` with a password token (a customer's token: its own token only).
pub async fn reset_my_password(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerResetPassword>,
) -> HttpResult<Json<Customer>> {
    let store = ctx.store.as_deref();
    let caller = ctx.caller.customer_id.as_deref();
    let c = &s.services.customers;
    Ok(Json(
        c.reset_my_password(&ctx.project, store, &ctx.by, caller, b)
            .await?,
    ))
}

/// `POST /me/email/confirm` with an email token (a customer's token: its own token only).
pub async fn confirm_my_email(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerEmailVerify>,
) -> HttpResult<Json<Customer>> {
    let store = ctx.store.as_deref();
    let caller = ctx.caller.customer_id.as_deref();
    let c = &s.services.customers;
    Ok(Json(
        c.confirm_my_email(&ctx.project, store, &ctx.by, caller, b)
            .await?,
    ))
}
