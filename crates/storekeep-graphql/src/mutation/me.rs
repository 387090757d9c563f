//! The `me` mutations of customer sessions (graphql.md §6): sign-up and sign-in of the
//! session, and the token customer's own update, delete, password and email confirmation —
//! the GraphQL form of the `/me…` and `/in-store/key={s}/me…` endpoints. They need
//! `manage_my_profile` (project-wide or for `storeKey`); the ones acting on "my" customer need
//! a password-flow token, whose `customer_id` is the only customer they can reach.

use async_graphql::{Context, Object};
use serde_json::Value;
use storekeep_core::customers::{
    CustomerDraft, CustomerEmailVerify, CustomerResetPassword, CustomerUpdate,
    MyCustomerChangePassword, MyCustomerSignin, Secret,
};
use storekeep_core::scopes::Perm;
use storekeep_core::storage::Lookup;
use storekeep_core::{ApiError, ApiResult};

use crate::access::gql;
use crate::common::{from_wire, to_core};
use crate::customers::{Customer, CustomerSignInResult};
use crate::inputs::actions as to_actions;
use crate::inputs::customer_actions::MyCustomerUpdateAction;
use crate::inputs::customers::{CustomerSignMeInDraft, CustomerSignMeUpDraft};
use crate::scalars::{store_of, KeyReferenceInput, Long};

/// The customer mutations of customer sessions.
#[derive(Default)]
pub struct MeMutation;

#[Object]
impl MeMutation {
    /// Sign the session up as a new customer (the session's carts go to it): `POST /me/signup`.
    async fn customer_sign_me_up(
        &self,
        ctx: &Context<'_>,
        draft: CustomerSignMeUpDraft,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<CustomerSignInResult> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_me(store).await?;
        let mut v =
            serde_json::to_value(&draft).map_err(|e| ApiError::InvalidInput(e.to_string()))?;
        if let (Some(aid), Value::Object(map)) = (&g.caller.anonymous_id, &mut v) {
            map.insert("anonymousId".into(), Value::String(aid.clone()));
        }
        let d: CustomerDraft = from_wire(v)?;
        let grant = g.grant(Perm::ManageMyProfile, store);
        let svc = &g.services.customers;
        let r = Box::pin(svc.create(&g.project, store, &grant, &g.by, d)).await?;
        Ok(CustomerSignInResult(r))
    }

    /// Sign a customer in from this session (its cart per `activeCartSignInMode`):
    /// `POST /me/login`.
    async fn customer_sign_me_in(
        &self,
        ctx: &Context<'_>,
        draft: CustomerSignMeInDraft,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<CustomerSignInResult> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_me(store).await?;
        let s: MyCustomerSignin = to_core(&draft)?;
        let anonymous = g.caller.anonymous_id.as_deref();
        let r = Box::pin(
            g.services
                .customers
                .sign_in_me(&g.project, store, s, anonymous),
        )
        .await?;
        Ok(CustomerSignInResult(r))
    }

    /// Apply `MyCustomerUpdateAction`s to the token's customer: `POST /me`.
    async fn update_my_customer(
        &self,
        ctx: &Context<'_>,
        version: Long,
        actions: Vec<MyCustomerUpdateAction>,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_me(store).await?;
        let id = g.caller.require_customer()?;
        let u = CustomerUpdate {
            version: version.0,
            actions: to_actions("MyCustomerUpdateAction", &actions)?,
        };
        let svc = &g.services.customers;
        let c = Box::pin(svc.update_me(&g.project, store, &g.by, id, u)).await?;
        Ok(Some(Customer(c)))
    }

    /// Delete the token's customer: `DELETE /me`.
    async fn delete_my_customer(
        &self,
        ctx: &Context<'_>,
        version: Long,
        #[graphql(default_with = "Some(false)")] personal_data_erasure: Option<bool>,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_me(store).await?;
        let id = g.caller.require_customer()?;
        let erase = personal_data_erasure.unwrap_or(false);
        let c = Box::pin(g.services.customers.delete(
            &g.project,
            store,
            Lookup::Id(id),
            version.0,
            erase,
        ))
        .await?;
        Ok(Some(Customer(c)))
    }

    /// Change the token customer's password: `POST /me/password`.
    async fn customer_change_my_password(
        &self,
        ctx: &Context<'_>,
        version: Long,
        current_password: String,
        new_password: String,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_me(store).await?;
        let id = g.caller.require_customer()?;
        let b = MyCustomerChangePassword {
            version: version.0,
            current_password: Secret::new(current_password),
            new_password: Secret::new(new_password),
        };
        let svc = &g.services.customers;
        let c = Box::pin(svc.change_my_password(&g.project, store, &g.by, id, b)).await?;
        Ok(Some(Customer(c)))
    }

    /// Set a new password with a reset token: `POST /me/password/reset`.
    async fn customer_reset_my_password(
        &self,
        ctx: &Context<'_>,
        token_value: String,
        new_password: String,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_me(store).await?;
        let b = CustomerResetPassword {
            token_value: Secret::new(token_value),
            new_password: Secret::new(new_password),
            version: None,
        };
        let me = g.caller.customer_id.as_deref();
        let svc = &g.services.customers;
        let c = Box::pin(svc.reset_my_password(&g.project, store, &g.by, me, b)).await?;
        Ok(Some(Customer(c)))
    }

    /// Verify the email with an email token: `POST /me/email/confirm`.
    async fn customer_confirm_my_email(
        &self,
        ctx: &Context<'_>,
        token_value: String,
        store_key: Option<KeyReferenceInput>,
    ) -> ApiResult<Option<Customer>> {
        let g = gql(ctx)?;
        let store = store_of(&store_key);
        g.require_me(store).await?;
        let b = CustomerEmailVerify {
            token_value: Secret::new(token_value),
            version: None,
        };
        let me = g.caller.customer_id.as_deref();
        let svc = &g.services.customers;
        let c = Box::pin(svc.confirm_my_email(&g.project, store, &g.by, me, b)).await?;
        Ok(Some(Customer(c)))
    }
}
