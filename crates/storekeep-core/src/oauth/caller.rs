//! The caller of an API request, as its bearer token describes it.

use crate::common::{ClientLogging, Reference};
use crate::error::{ApiError, ApiResult};
use crate::scopes::{grants, insufficient_scope, Perm, Scope, StoreGrant};

/// Who is calling: the token's client, project and scopes (and, for customer sessions, the
/// customer or anonymous id and store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub client_id: String,
    pub project: String,
    pub scopes: Vec<Scope>,
    /// When the token expires (epoch milliseconds).
    pub expires_at_ms: i64,
    pub customer_id: Option<String>,
    pub anonymous_id: Option<String>,
    pub store_key: Option<String>,
}

impl Caller {
    /// Refuse with 403 `insufficient_scope` unless the token is of `project` and its scopes
    /// grant `perm` there (for `store` on in-store routes). A token of another project gets
    /// the same answer as a missing scope, so it learns nothing about that project.
    pub fn require(&self, project: &str, perm: Perm, store: Option<&str>) -> ApiResult<()> {
        if self.project == project && grants(&self.scopes, project, perm, store) {
            Ok(())
        } else {
            Err(insufficient_scope(project, perm, store))
        }
    }

    /// Refuse a token of an in-store customer session (in-store password flow) anywhere but
    /// on the in-store routes of its store: `store` is the path's store (`None` on
    /// project-wide routes). Tokens without a store pass.
    pub fn require_store(&self, store: Option<&str>) -> ApiResult<()> {
        match self.store_key.as_deref() {
            Some(own) if store != Some(own) => Err(ApiError::InsufficientScope(format!(
                "Insufficient scope. This token of a customer signed in to store '{own}' can only be used on that store's endpoints (/in-store/key={own}/…)."
            ))),
            _ => Ok(()),
        }
    }

    /// The stores this caller may write into a resource for `perm` (issue 21, F3), on a route
    /// of `store` (`None` on project-wide routes): a token of an in-store customer session
    /// holds only its store; a customer's or anonymous session's token on an in-store route
    /// only that route's store (its scopes may be project-wide, but it acts as a shopper of
    /// that store); any other token the stores its scopes grant `perm` for.
    pub fn store_grant(&self, project: &str, perm: Perm, store: Option<&str>) -> StoreGrant {
        let session = self.customer_id.is_some() || self.anonymous_id.is_some();
        match (self.store_key.as_deref(), store) {
            (Some(own), _) => StoreGrant::only(own),
            (None, Some(s)) if session => StoreGrant::only(s),
            _ => StoreGrant::of(&self.scopes, project, perm),
        }
    }

    /// The customer of a customer token (password flow); 403 for other tokens.
    pub fn require_customer(&self) -> ApiResult<&str> {
        self.customer_id.as_deref().ok_or_else(|| {
            ApiError::InsufficientScope(
                "Insufficient scope. This endpoint requires the token of a customer (password flow, scope customer_id:{id})."
                    .into(),
            )
        })
    }

    /// `createdBy`/`lastModifiedBy` for writes by this caller.
    pub fn client_logging(&self) -> ClientLogging {
        let external_user_id = self.scopes.iter().find_map(|s| match s {
            Scope::ExternalUserId(id) => Some(id.clone()),
            _ => None,
        });
        ClientLogging {
            client_id: Some(self.client_id.clone()),
            external_user_id,
            customer: self.customer_id.as_ref().map(|id| Reference {
                type_id: "customer".into(),
                id: id.clone(),
            }),
            anonymous_id: self.anonymous_id.clone(),
        }
    }
}
