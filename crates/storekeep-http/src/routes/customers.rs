//! The Customer endpoints (customers.md §5), each in its project form
//! (`/{projectKey}/customers…`, `/{projectKey}/login`) and its in-store form
//! (`/{projectKey}/in-store/key={storeKey}/customers…`, `…/login`). One handler serves both:
//! [`Ctx`] has already checked the path's store, and `ctx.store` is passed to the core
//! service, which applies the store rules (D1–D4). The password and email-token flows are in
//! `customer_tokens.rs`. Bodies, passwords and token values are never logged.

use axum::extract::State;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use storekeep_core::customers::{
    Customer, CustomerDraft, CustomerSignInResult, CustomerSignin, CustomerUpdate,
};
use storekeep_core::resource::PagedQueryResponse;
use storekeep_core::scopes::Perm;
use storekeep_core::ApiResult;

use super::target::{CustomerRead, IdOrKey, Seg, Target};
use super::{customer_tokens, PathRoutes, Routes, Verb};
use crate::error::{json_response, HttpError, HttpResult};
use crate::extract::{AppJson, QueryPairs};
use crate::{AppState, Ctx};

/// Register every customer route, project and in-store.
pub(super) fn routes(r: Routes) -> Routes {
    use customer_tokens as t;
    r.add("/{project}/customers", collection())
        .add("/{project}/in-store/{store}/customers", collection())
        .add("/{project}/customers/{target}", single())
        .add("/{project}/in-store/{store}/customers/{target}", single())
        .add("/{project}/login", login_route())
        .add("/{project}/in-store/{store}/login", login_route())
        .add("/{project}/customers/password", post(t::change_password))
        .add(
            "/{project}/in-store/{store}/customers/password",
            post(t::change_password),
        )
        .add(
            "/{project}/customers/password-token",
            post(t::create_password_token),
        )
        .add(
            "/{project}/in-store/{store}/customers/password-token",
            post(t::create_password_token),
        )
        .add(
            "/{project}/customers/password/reset",
            post(t::reset_password),
        )
        .add(
            "/{project}/in-store/{store}/customers/password/reset",
            post(t::reset_password),
        )
        .add(
            "/{project}/customers/email-token",
            post(t::create_email_token),
        )
        .add(
            "/{project}/in-store/{store}/customers/email-token",
            post(t::create_email_token),
        )
        .add("/{project}/customers/email/confirm", post(t::confirm_email))
        .add(
            "/{project}/in-store/{store}/customers/email/confirm",
            post(t::confirm_email),
        )
}

fn collection() -> PathRoutes {
    PathRoutes::new()
        .on(Verb::Get, query_customers)
        .on(Verb::Head, head_customers)
        .on(Verb::Post, create_customer)
}

fn single() -> PathRoutes {
    PathRoutes::new()
        .on(Verb::Get, get_customer)
        .on(Verb::Head, head_customer)
        .on(Verb::Post, update_customer)
        .on(Verb::Delete, delete_customer)
}

fn login_route() -> PathRoutes {
    post(sign_in)
}

/// A path served by one POST handler.
fn post<H, T>(handler: H) -> PathRoutes
where
    H: Handler<T, AppState>,
    T: 'static,
{
    PathRoutes::new().on(Verb::Post, handler)
}

/// The customer a GET or HEAD addresses, by id, key or token.
async fn find(s: &AppState, ctx: &Ctx, t: &Target) -> ApiResult<Customer> {
    let c = &s.services.customers;
    let store = ctx.store.as_deref();
    match t {
        Target::PasswordToken(v) => c.get_by_password_token(&ctx.project, store, v).await,
        Target::EmailToken(v) => c.get_by_email_token(&ctx.project, store, v).await,
        other => c.get(&ctx.project, store, other.lookup()?).await,
    }
}

/// `POST /customers` (sign-up): 201 with a `CustomerSignInResult`.
pub async fn create_customer(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(d): AppJson<CustomerDraft>,
) -> HttpResult<(StatusCode, Json<CustomerSignInResult>)> {
    let store = ctx.store.as_deref();
    let grant = ctx.grant(Perm::ManageCustomers);
    let created = s
        .services
        .customers
        .create(&ctx.project, store, &grant, &ctx.by, d)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /customers` (in-store: the store's and the global customers).
pub async fn query_customers(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<Json<PagedQueryResponse>> {
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services
            .customers
            .query(&ctx.project, store, &q.0)
            .await?,
    ))
}

/// `HEAD /customers?where=…`: 200 if any customer (visible here) matches, else 404.
pub async fn head_customers(
    ctx: Ctx,
    State(s): State<AppState>,
    q: QueryPairs,
) -> HttpResult<StatusCode> {
    let store = ctx.store.as_deref();
    match s.services.customers.exists(&ctx.project, store, &q.0).await {
        Ok(true) => Ok(StatusCode::OK),
        Ok(false) => Ok(StatusCode::NOT_FOUND),
        Err(e) => Err(HttpError(e)),
    }
}

/// `GET /customers/{id}`, `/key={key}`, `/password-token={token}`, `/email-token={token}`.
pub async fn get_customer(
    ctx: Ctx,
    State(s): State<AppState>,
    Seg(t, ..): Seg<CustomerRead>,
) -> HttpResult<Response> {
    if let Ok(by) = t.lookup() {
        let c = &s.services.customers;
        let body = c.get_raw(&ctx.project, ctx.store.as_deref(), by).await?;
        return Ok(json_response(StatusCode::OK, body.into_bytes()));
    }
    Ok(Json(find(&s, &ctx, &t).await?).into_response())
}

/// `HEAD /customers/{id}` and `/key={key}`: 200 or 404, no body.
pub async fn head_customer(
    ctx: Ctx,
    State(s): State<AppState>,
    Seg(t, ..): Seg<CustomerRead>,
) -> StatusCode {
    match find(&s, &ctx, &t).await {
        Ok(_) => StatusCode::OK,
        Err(e) => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
    }
}

/// `POST /customers/{id}` and `/key={key}` with update actions.
pub async fn update_customer(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    AppJson(u): AppJson<CustomerUpdate>,
) -> HttpResult<Json<Customer>> {
    let store = ctx.store.as_deref();
    let grant = ctx.grant(Perm::ManageCustomers);
    Ok(Json(
        s.services
            .customers
            .update(&ctx.project, store, &grant, &ctx.by, t.lookup()?, u)
            .await?,
    ))
}

/// `DELETE /customers/{id}?version=N[&dataErasure=true]` and by key.
pub async fn delete_customer(
    ctx: Ctx,
    State(s): State<AppState>,
    t: Seg<IdOrKey>,
    q: QueryPairs,
) -> HttpResult<Json<Customer>> {
    let version = q.version()?;
    let erase = q.data_erasure()?;
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services
            .customers
            .delete(&ctx.project, store, t.lookup()?, version, erase)
            .await?,
    ))
}

/// `POST /login` (global customers only) and `POST /in-store/key={s}/login` (the store's
/// and the global customers, D1): 200 with a `CustomerSignInResult`.
pub async fn sign_in(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerSignin>,
) -> HttpResult<Json<CustomerSignInResult>> {
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services.customers.sign_in(&ctx.project, store, b).await?,
    ))
}
