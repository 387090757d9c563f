//! Customer mutations of API clients: sign-up, sign-in, update, delete, passwords and email
//! verification, each with the `storeKey` argument — the GraphQL form of the
//! `/in-store/key={storeKey}/…` endpoints, with their store rules (D1–D4) — and needing
//! `manage_customers` (project-wide, or for that store).

use async_graphql::{Context, Object};
use storekeep_core::customers::{
    CustomerChangePassword, CustomerCreateEmailToken, CustomerCreatePasswordResetToken,
    CustomerDraft, CustomerEmailVerify, CustomerResetPassword, CustomerSignin, CustomerUpdate,
    Secret,
};
use storekeep_core::scopes::Perm;
use storekeep_core::ApiResult;

use super::target;
use crate::access::gql;
use crate::common::to_core;
use crate::customers::{Customer, CustomerEmailToken, CustomerPasswordToken, CustomerSignInResult};
use crate::inputs::actions as to_actions;
use crate::inputs::customer_actions::CustomerUpdateAction;
use crate::inputs::customers::{CustomerSignInDraft, CustomerSignUpDraft};
use crate::scalars::{store_of, KeyReferenceInput, Long};

/// The customer mutations of API clients.
#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
    /// Create a customer (globally, or in `storeKey`): `POST /customers`.
    async fn customer_sign_up(
        &self,
        ctx: &Context<'_>,
        draft: CustomerSignUpDraft,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<CustomerSignInResult> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let d: CustomerDraft = to_core(&draft)?;
        let grant = g.grant(Perm::ManageCustomers, store);
        let svc = &g.services.customers;
        let r = Box::pin(svc.create(&g.project, store, &grant, &g.by, d)).await?;
        Ok(CustomerSignInResult(r))
    }

    /// Check a customer's credentials (and take over an anonymous cart): `POST /login`.
    async fn customer_sign_in(
        &self,
        ctx: &Context<'_>,
        draft: CustomerSignInDraft,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<CustomerSignInResult> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let s: CustomerSignin = to_core(&draft)?;
        let r = Box::pin(g.services.customers.sign_in(&g.project, store, s)).await?;
        Ok(CustomerSignInResult(r))
    }

    /// Apply update actions to the customer with `id` or `key`.
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        version: Long,
        actions: Vec<CustomerUpdateAction>,
        store_key: Option<KeyReferenceInput>,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let target = target(&id, &key)?;
        let u = CustomerUpdate {
            version: version.0,
            actions: to_actions("CustomerUpdateAction", &actions)?,
        };
        let grant = g.grant(Perm::ManageCustomers, store);
        let c = Box::pin(
            g.services
                .customers
                .update(&g.project, store, &grant, &g.by, target, u),
        )
        .await?;
        Ok(Some(Customer(c)))
    }

    /// Delete the customer with `id` or `key`.
    async fn delete_customer(
        &self,
        ctx: &Context<'_>,
        version: Long,
        #[graphql(default_with = "Some(false)")] personal_data_erasure: Option<bool>,
        store_key: Option<KeyReferenceInput>,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let target = target(&id, &key)?;
        let erase = personal_data_erasure.unwrap_or(false);
        let c = Box::pin(
            g.services
                .customers
                .delete(&g.project, store, target, version.0, erase),
        )
        .await?;
        Ok(Some(Customer(c)))
    }

    /// Change a customer's password (the current one must match).
    async fn customer_change_password(
        &self,
        ctx: &Context<'_>,
        id: String,
        version: Long,
        current_password: String,
        new_password: String,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let b = CustomerChangePassword {
            id,
            version: version.0,
            current_password: Secret::new(current_password),
            new_password: Secret::new(new_password),
        };
        let c = Box::pin(
            g.services
                .customers
                .change_password(&g.project, store, &g.by, b),
        )
        .await?;
        Ok(Some(Customer(c)))
    }

    /// Create a password-reset token for the customer with this email.
    async fn customer_create_password_reset_token(
        &self,
        ctx: &Context<'_>,
        email: String,
        ttl_minutes: Option<i32>,
        store_key: Option<KeyReferenceInput>,
        #[graphql(default = false)] invalidate_older_tokens: bool,
    ) -> ApiResult<Option<CustomerPasswordToken>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let b = CustomerCreatePasswordResetToken {
            email,
            ttl_minutes: ttl_minutes.map(i64::from),
            invalidate_older_tokens: Some(invalidate_older_tokens),
        };
        let t = Box::pin(
            g.services
                .customers
                .create_password_token(&g.project, store, b),
        )
        .await?;
        Ok(Some(CustomerPasswordToken(t)))
    }

    /// Set a new password with a password-reset token.
    async fn customer_reset_password(
        &self,
        ctx: &Context<'_>,
        version: Option<Long>,
        token_value: String,
        new_password: String,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let b = CustomerResetPassword {
            token_value: Secret::new(token_value),
            new_password: Secret::new(new_password),
            version: version.map(|v| v.0),
        };
        let c = Box::pin(
            g.services
                .customers
                .reset_password(&g.project, store, &g.by, b),
        )
        .await?;
        Ok(Some(Customer(c)))
    }

    /// Create an email-verification token for the customer with `id`.
    async fn customer_create_email_verification_token(
        &self,
        ctx: &Context<'_>,
        id: String,
        version: Option<Long>,
        ttl_minutes: i32,
        store_key: Option<KeyReferenceInput>,
        #[graphql(default = false)] invalidate_older_tokens: bool,
    ) -> ApiResult<CustomerEmailToken> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let b = CustomerCreateEmailToken {
            id,
            version: version.map(|v| v.0),
            ttl_minutes: i64::from(ttl_minutes),
            invalidate_older_tokens: Some(invalidate_older_tokens),
        };
        let t = Box::pin(
            g.services
                .customers
                .create_email_token(&g.project, store, b),
        )
        .await?;
        Ok(CustomerEmailToken(t))
    }

    /// Mark the email verified with an email-verification token.
    async fn customer_confirm_email(
        &self,
        ctx: &Context<'_>,
        version: Option<Long>,
        token_value: String,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_in(Perm::ManageCustomers, store).await?;
        let b = CustomerEmailVerify {
            token_value: Secret::new(token_value),
            version: version.map(|v| v.0),
        };
        let c = Box::pin(
            g.services
                .customers
                .verify_email(&g.project, store, &g.by, b),
        )
        .await?;
        Ok(Some(Customer(c)))
    }
}
