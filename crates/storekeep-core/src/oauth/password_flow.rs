//! The password flow (auth.md §1): `POST /oauth/{projectKey}/customers/token` signs in a
//! global customer, `POST /oauth/{projectKey}/in-store/key={storeKey}/customers/token` a
//! customer of that store or a global one (D1). The token carries `customer_id:{id}` (and,
//! in-store, the store: such a token reaches only that store's endpoints) and a refresh
//! token. Credentials are checked by `CustomerService::authenticate`, so the sign-in rules,
//! the timing parity of unknown emails and the sign-in throttle (D12) are those of `/login`.

use crate::customers::CustomerService;
use crate::error::{ApiError, ApiResult};
use crate::storage::Lookup;
use crate::stores::Store;

use super::session::{check_project, session_scopes, SessionOwner};
use super::{ClientRecord, OAuthService, TokenResponse};

/// The parameters of a password-flow request.
#[derive(Clone, Copy)]
pub struct PasswordGrant<'a> {
    /// The project of the path.
    pub project: &'a str,
    /// The store of an in-store path.
    pub store: Option<&'a str>,
    /// The customer's email.
    pub username: &'a str,
    /// The customer's password.
    pub password: &'a str,
    /// The requested scopes, if any.
    pub scope: Option<&'a str>,
}

impl std::fmt::Debug for PasswordGrant<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordGrant")
            .field("project", &self.project)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

/// The answer for wrong credentials and for customers the endpoint may not sign in.
pub fn invalid_customer_credentials() -> ApiError {
    ApiError::InvalidCustomerAccountCredentials(
        "Customer account with the given credentials not found.".into(),
    )
}

impl OAuthService {
    /// The password grant for an authenticated client. Errors: `invalid_client` (client of
    /// another project), `invalid_scope`, 404 for an unknown store, 429 when throttled, and
    /// `invalid_customer_account_credentials` for wrong credentials or a customer the path
    /// may not sign in (a store customer at the project path or at another store's path).
    pub async fn password_grant(
        &self,
        customers: &CustomerService,
        client: &ClientRecord,
        g: PasswordGrant<'_>,
    ) -> ApiResult<TokenResponse> {
        check_project(client, g.project)?;
        let scopes = session_scopes(client, g.scope, g.store)?;
        if let Some(s) = g.store {
            if self
                .repo
                .find::<Store>(g.project, Lookup::Key(s))
                .await?
                .is_none()
            {
                return Err(ApiError::ResourceNotFound(format!(
                    "The Store with key '{s}' was not found."
                )));
            }
        }
        let customer = customers
            .authenticate(g.project, g.store, g.username, g.password)
            .await
            .map_err(|e| match e {
                ApiError::InvalidCredentials => invalid_customer_credentials(),
                other => other,
            })?;
        let owner = SessionOwner {
            customer_id: Some(customer.meta.id),
            anonymous_id: None,
            store_key: g.store.map(str::to_string),
        };
        self.issue_session(client, owner, &scopes).await
    }
}
