//! The per-request context of every API handler: the bearer token's caller, authorized
//! centrally against the route table ([`crate::authz`]) before any handler runs, the project
//! of the path (it must exist), and the caller's audit identity for
//! `createdBy`/`lastModifiedBy`.
//!
//! Order of checks: token (401 `invalid_token`), route in the table (else 403), token of the
//! path's project and scopes granting the route's permission (else 403
//! `insufficient_scope`, the same answer for another project's token so that it learns
//! nothing about that project; a token of an in-store customer session is also refused
//! outside its store's in-store routes, and My routes check the session kind, see
//! [`crate::authz`]; `Need::Authenticated` routes — GraphQL — take any token of the path's
//! project and authorize per operation), then the project's existence (404), then, on
//! in-store routes (`{store}` in the path), the store's existence (404, D5) — so handlers get a checked
//! `ctx.store` and one handler serves a route's project and in-store forms.

use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams};
use axum::http::header;
use axum::http::request::Parts;
use storekeep_core::common::ClientLogging;
use storekeep_core::oauth::Caller;
use storekeep_core::scopes::{Perm, StoreGrant};
use storekeep_core::ApiError;

use crate::authz::{need, Need, Session};
use crate::error::HttpError;
use crate::known::ensure_store;
use crate::AppState;

/// The project of the request, the authorized caller and its audit identity.
pub struct Ctx {
    pub project: String,
    pub by: ClientLogging,
    pub caller: Arc<Caller>,
    /// The store of an in-store route (`/in-store/key={storeKey}/…`), known to exist; `None`
    /// on project-wide routes.
    pub store: Option<String>,
}

/// The bearer token of the `Authorization` header.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let missing = || {
        ApiError::InvalidToken(
            "This endpoint requires an access token. Send it as 'Authorization: Bearer <token>'."
                .into(),
        )
    };
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token)
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = state.services.oauth.caller(bearer(parts)?).await?;
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                HttpError(ApiError::InvalidInput(
                    "The request path is not valid UTF-8.".into(),
                ))
            })?;
        // PostgreSQL cannot hold NUL in text: refused alike on every backend.
        if raw.iter().any(|(_, v)| v.contains('\0')) {
            return Err(HttpError(ApiError::InvalidInput(
                "The NUL character is not allowed in the request path.".into(),
            )));
        }
        let param = |name: &str| {
            raw.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let project = param("project").unwrap_or_default();
        let pattern = parts
            .extensions
            .get::<MatchedPath>()
            .map(|m| m.as_str())
            .unwrap_or_default();
        let path_store = param("store");
        let path_store = path_store.as_deref().and_then(|s| s.strip_prefix("key="));
        match need(&parts.method, pattern) {
            Some(Need::Public) => {}
            Some(Need::Perm { perm, store_param }) => {
                let store = param("store").filter(|_| store_param);
                let store = store.as_deref().and_then(|s| s.strip_prefix("key="));
                caller.require(&project, perm, store)?;
                caller.require_store(path_store)?;
            }
            Some(Need::Me {
                perm,
                store_param,
                session,
            }) => {
                let store = path_store.filter(|_| store_param);
                caller.require(&project, perm, store)?;
                caller.require_store(path_store)?;
                if session == Session::Customer {
                    caller.require_customer()?;
                }
                if session == Session::Shopper {
                    require_shopper(&caller)?;
                }
            }
            Some(Need::Authenticated) => {
                // Same answer as a missing scope, so another project's token learns nothing.
                if caller.project != project {
                    return Err(HttpError(ApiError::InsufficientScope(
                        "Insufficient scope. The access token is not valid for this project."
                            .into(),
                    )));
                }
            }
            None => {
                tracing::error!(route = pattern, method = %parts.method, "route missing from the authorization table");
                return Err(HttpError(ApiError::InsufficientScope(
                    "Insufficient scope. This endpoint is not open to API clients.".into(),
                )));
            }
        }
        ensure_project(state, &project).await?;
        let store = match param("store") {
            Some(segment) => Some(ensure_store(state, &project, &segment).await?),
            None => None,
        };
        Ok(Ctx {
            project,
            by: caller.client_logging(),
            caller,
            store,
        })
    }
}

impl Ctx {
    /// The stores the caller may write into a resource for `perm` on this route (F3).
    pub fn grant(&self, perm: Perm) -> StoreGrant {
        self.caller
            .store_grant(&self.project, perm, self.store.as_deref())
    }
}

/// 403 unless the token is a customer's (password flow) or an anonymous session's: the My
/// Carts endpoints act on that customer's or session's own carts.
fn require_shopper(caller: &Caller) -> Result<(), ApiError> {
    if caller.customer_id.is_some() || caller.anonymous_id.is_some() {
        return Ok(());
    }
    Err(ApiError::InsufficientScope(
        "Insufficient scope. This endpoint requires the token of a customer or of an anonymous session (scope customer_id:{id} or anonymous_id:{id})."
            .into(),
    ))
}

/// 404 unless the project exists. Projects found to exist are remembered (they are never
/// deleted through the API) for [`crate::known::PROJECT_TTL`], so the check costs a database
/// round trip about once per project and TTL.
pub(crate) async fn ensure_project(state: &AppState, project: &str) -> Result<(), HttpError> {
    if state.known_projects.contains(project) {
        return Ok(());
    }
    state.services.projects.get(project).await?;
    state.known_projects.insert(project);
    Ok(())
}
