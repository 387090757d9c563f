//! The customer password and email-verification endpoints (customers.md §8–9), project and
//! in-store: change password, password-reset tokens and the reset itself, email tokens and
//! the confirmation. The `GET …/password-token={token}` and `…/email-token={token}` look-ups
//! share the `{target}` route with get-by-id and are dispatched in `customers.rs`. Token
//! values and passwords pass straight to the core service and are never logged.

use axum::extract::State;
use axum::Json;
use storekeep_core::customers::{
    Customer, CustomerChangePassword, CustomerCreateEmailToken, CustomerCreatePasswordResetToken,
    CustomerEmailVerify, CustomerResetPassword, CustomerToken,
};

use crate::error::HttpResult;
use crate::extract::AppJson;
use crate::{AppState, Ctx};

/// `POST /customers/password`: the current password must match (else
/// `InvalidCurrentPassword`).
pub async fn change_password(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerChangePassword>,
) -> HttpResult<Json<Customer>> {
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services
            .customers
            .change_password(&ctx.project, store, &ctx.by, b)
            .await?,
    ))
}

/// `POST /customers/password-token`: a password-reset token for a customer by email.
pub async fn create_password_token(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerCreatePasswordResetToken>,
) -> HttpResult<Json<CustomerToken>> {
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services
            .customers
            .create_password_token(&ctx.project, store, b)
            .await?,
    ))
}

/// `POST /customers/password/reset`: a new password with a reset token.
pub async fn reset_password(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerResetPassword>,
) -> HttpResult<Json<Customer>> {
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services
            .customers
            .reset_password(&ctx.project, store, &ctx.by, b)
            .await?,
    ))
}

/// `POST /customers/email-token`: an email-verification token for a customer by id.
pub async fn create_email_token(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerCreateEmailToken>,
) -> HttpResult<Json<CustomerToken>> {
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services
            .customers
            .create_email_token(&ctx.project, store, b)
            .await?,
    ))
}

/// `POST /customers/email/confirm`: mark the email verified with an email token.
pub async fn confirm_email(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(b): AppJson<CustomerEmailVerify>,
) -> HttpResult<Json<Customer>> {
    let store = ctx.store.as_deref();
    Ok(Json(
        s.services
            .customers
            .verify_email(&ctx.project, store, &ctx.by, b)
            .await?,
    ))
}
