//! The My Customer operations behind `/{p}/me…` and `/{p}/in-store/key={s}/me…` (auth.md §6):
//! the customer is the token's `customer_id`, never one named in the request, and the
//! in-store forms see only customers visible in the store (D1). The front-end authorizes the
//! token (scope, store fence, customer token); these functions apply the My rules on top of
//! the customer service: the `MyCustomerUpdateAction` subset, `MyCustomerDraft` (no key,
//! number, group, email verification or authentication mode), and, for the token-value flows
//! called with a customer's token, the token value must belong to that customer.

use serde::{Deserialize, Serialize};

use crate::common::{ClientLogging, CustomFieldsDraft, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};
use crate::resource::check_action_count;
use crate::scopes::StoreGrant;
use crate::storage::Lookup;

use super::actions::{check_my_actions, CustomerUpdate};
use super::draft::{
    AddressDraft, CustomerChangePassword, CustomerDraft, CustomerEmailVerify,
    CustomerResetPassword, Secret,
};
use super::model::{Customer, CustomerSignInResult};
use super::service::CustomerService;

/// The body of `POST /me/signup`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyCustomerDraft {
    pub email: String,
    pub password: Secret,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub middle_name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub salutation: Option<String>,
    #[serde(default)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub addresses: Option<Vec<AddressDraft>>,
    #[serde(default)]
    pub default_shipping_address: Option<i64>,
    #[serde(default)]
    pub default_billing_address: Option<i64>,
    #[serde(default)]
    pub custom: Option<CustomFieldsDraft>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub stores: Option<Vec<ResourceIdentifier>>,
}

impl MyCustomerDraft {
    /// The customer draft of a self sign-up; `anonymous_id` is the token's anonymous session,
    /// whose carts go to the new customer.
    pub fn into_draft(self, anonymous_id: Option<&str>) -> CustomerDraft {
        CustomerDraft {
            email: self.email,
            password: Some(self.password),
            key: None,
            customer_number: None,
            external_id: None,
            first_name: self.first_name,
            last_name: self.last_name,
            middle_name: self.middle_name,
            title: self.title,
            salutation: self.salutation,
            date_of_birth: self.date_of_birth,
            company_name: self.company_name,
            vat_id: self.vat_id,
            addresses: self.addresses,
            default_shipping_address: self.default_shipping_address,
            shipping_addresses: None,
            default_billing_address: self.default_billing_address,
            billing_addresses: None,
            is_email_verified: None,
            customer_group: None,
            customer_group_assignments: None,
            custom: self.custom,
            locale: self.locale,
            stores: self.stores,
            authentication_mode: None,
            anonymous_cart: None,
            anonymous_cart_id: None,
            anonymous_id: anonymous_id.map(str::to_string),
        }
    }
}

/// The body of `POST /me/password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyCustomerChangePassword {
    pub version: i64,
    pub current_password: Secret,
    pub new_password: Secret,
}

/// The 404 of a token value that is unknown, used, or (for a customer's token) another
/// customer's: the same answer, so that the cases cannot be told apart.
fn token_not_found() -> ApiError {
    ApiError::ResourceNotFound(
        "The token was not found, was already used or was invalidated.".into(),
    )
}

impl CustomerService {
    /// `GET /me`: the token's customer (404 if gone or not visible in the store).
    pub async fn get_me(
        &self,
        project: &str,
        store: Option<&str>,
        customer_id: &str,
    ) -> ApiResult<Customer> {
        self.get(project, store, Lookup::Id(customer_id)).await
    }

    /// `POST /me`: `MyCustomerUpdateAction`s only (others are `InvalidJsonInput`, as an
    /// unknown action is).
    pub async fn update_me(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        customer_id: &str,
        u: CustomerUpdate,
    ) -> ApiResult<Customer> {
        check_action_count(u.actions.len())?;
        check_my_actions(&u.actions)?;
        // No My action names a store; the grant of a shopper in a store is that store.
        let grant = store.map_or(StoreGrant::Any, StoreGrant::only);
        self.update(project, store, &grant, by, Lookup::Id(customer_id), u)
            .await
    }

    /// `DELETE /me?version=N`.
    pub async fn delete_me(
        &self,
        project: &str,
        store: Option<&str>,
        customer_id: &str,
        version: i64,
    ) -> ApiResult<Customer> {
        self.delete(project, store, Lookup::Id(customer_id), version, false)
            .await
    }

    /// `POST /me/password`: as change-password of the token's customer. Like every password
    /// change it revokes the customer's tokens, the caller's own included.
    pub async fn change_my_password(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        customer_id: &str,
        b: MyCustomerChangePassword,
    ) -> ApiResult<Customer> {
        let body = CustomerChangePassword {
            id: customer_id.to_string(),
            version: b.version,
            current_password: b.current_password,
            new_password: b.new_password,
        };
        self.change_password(project, store, by, body).await
    }

    /// `POST /me/signup`: 201 `CustomerSignInResult`; in-store, `stores` defaults to the
    /// store (D3) and may only name stores of `grant` (F3); the anonymous session's carts go
    /// to the new customer.
    pub async fn sign_up_me(
        &self,
        project: &str,
        store: Option<&str>,
        grant: &StoreGrant,
        by: &ClientLogging,
        d: MyCustomerDraft,
        anonymous_id: Option<&str>,
    ) -> ApiResult<CustomerSignInResult> {
        self.create(project, store, grant, by, d.into_draft(anonymous_id))
            .await
    }

    /// `POST /me/password/reset`: reset with a password token; with a customer's token
    /// (`caller = Some(id)`) the token value must be that customer's.
    pub async fn reset_my_password(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        caller: Option<&str>,
        b: CustomerResetPassword,
    ) -> ApiResult<Customer> {
        if let Some(id) = caller {
            let owner = self
                .get_by_password_token(project, store, b.token_value.expose())
                .await?;
            if owner.meta.id != id {
                return Err(token_not_found());
            }
        }
        self.reset_password(project, store, by, b).await
    }

    /// `POST /me/email/confirm`: confirm with an email token; with a customer's token the
    /// token value must be that customer's.
    pub async fn confirm_my_email(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        caller: Option<&str>,
        b: CustomerEmailVerify,
    ) -> ApiResult<Customer> {
        if let Some(id) = caller {
            let owner = self
                .get_by_email_token(project, store, b.token_value.expose())
                .await?;
            if owner.meta.id != id {
                return Err(token_not_found());
            }
        }
        self.verify_email(project, store, by, b).await
    }
}
