//! The request's caller and the scope rules every resolver applies — the same as REST's
//! (auth.md §3–4, D5, D10): a field or mutation needs the permission of its REST twin,
//! project-wide, or for the store of its `inStore(key)` / `inStores(keys)` / `storeKey`
//! argument, where store-scoped scopes of that store count too. An unknown store that the
//! caller's scopes would allow is `ResourceNotFound` (D5). The `me` fields need a customer token
//! (`customer_id`); a token issued for one store (the in-store password flow) acts only inside
//! that store (`inStore(key)`/`storeKey` of its store), as it may use only that store's
//! in-store REST endpoints.

use std::sync::Arc;

use async_graphql::Context;
use storekeep_core::common::ClientLogging;
use storekeep_core::oauth::Caller;
use storekeep_core::scopes::{Perm, StoreGrant};
use storekeep_core::{ApiError, ApiResult, Services};

/// What a GraphQL request runs with: the services, the authenticated caller and the project of
/// the path.
pub struct Gql {
    pub services: Services,
    pub caller: Arc<Caller>,
    pub project: String,
    pub by: ClientLogging,
}

/// The request's [`Gql`] (always present: `execute` puts it there).
pub fn gql<'a>(ctx: &Context<'a>) -> ApiResult<&'a Gql> {
    ctx.data::<Gql>().map_err(|_| ApiError::general())
}

impl Gql {
    /// The request data of a caller in a project.
    pub fn new(services: Services, caller: Arc<Caller>, project: &str) -> Self {
        let by = caller.client_logging();
        Gql {
            services,
            caller,
            project: project.to_string(),
            by,
        }
    }

    /// 403 `insufficient_scope` unless the scopes grant `perm` (for `store`) and the token is
    /// not fenced to another store.
    pub fn require(&self, perm: Perm, store: Option<&str>) -> ApiResult<()> {
        self.caller.require(&self.project, perm, store)?;
        self.caller.require_store(store)
    }

    /// `require` for every store, then each must exist (D5).
    pub async fn require_stores(&self, perm: Perm, stores: &[String]) -> ApiResult<()> {
        for s in stores {
            self.require(perm, Some(s))?;
        }
        for s in stores {
            if self
                .services
                .stores
                .find_by_key(&self.project, s)
                .await?
                .is_none()
            {
                return Err(ApiError::ResourceNotFound(format!(
                    "The Store with key '{s}' was not found."
                )));
            }
        }
        Ok(())
    }

    /// `require` for an optional `storeKey`, and that store must exist.
    pub async fn require_in(&self, perm: Perm, store: Option<&str>) -> ApiResult<()> {
        match store {
            None => self.require(perm, None),
            Some(s) => self.require_stores(perm, &[s.to_string()]).await,
        }
    }

    /// A customer-session operation in `store`: `manage_my_profile` (there).
    pub async fn require_me(&self, store: Option<&str>) -> ApiResult<()> {
        self.require_in(Perm::ManageMyProfile, store).await
    }

    /// The stores the caller may write into a resource for `perm`, acting in `store` (the
    /// `storeKey` argument), as on the REST twin (F3).
    pub fn grant(&self, perm: Perm, store: Option<&str>) -> StoreGrant {
        self.caller.store_grant(&self.project, perm, store)
    }

    /// Whether the token belongs to a customer or an anonymous session.
    pub fn is_session(&self) -> bool {
        self.caller.customer_id.is_some() || self.caller.anonymous_id.is_some()
    }
}
