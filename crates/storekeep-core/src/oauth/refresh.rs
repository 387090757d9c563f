//! The refresh-token flow (auth.md §1): `grant_type=refresh_token` at `POST /oauth/token` —
//! and, because the SDKs send the refresh request to the URI of the flow that issued the token
//! (the TypeScript SDK reuses the middleware's `oauthUri`), at the password and anonymous
//! endpoints too. A refresh token works only for the client it was issued to, in its project
//! (and store, at an in-store path); a customer's refresh token only while the customer exists
//! and is visible in the token's store. Password changes and resets and customer or client
//! deletion delete refresh tokens, so they are `invalid_grant` afterwards.
//!
//! The new access token keeps the session's identity and at most its scopes (an optional
//! `scope` narrows them). The refresh token is not rotated and not repeated in the answer
//! (oauth.raml: the refresh grant answers a `TokenResponse` without `refresh_token`); its
//! inactivity lifetime starts again.

use crate::clock::timestamp_of;
use crate::customers::Customer;
use crate::error::{ApiError, ApiResult};
use crate::scopes::{scope_string, Scope};
use crate::storage::Lookup;

use super::session::access_expiry_secs;
use super::tokens::{TokenKind, TokenRecord};
use super::{sha256_hex, ClientRecord, OAuthService, TokenResponse};

/// Where a refresh request arrived.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenEndpoint<'a> {
    /// The project of `/oauth/{projectKey}/…` paths; `None` at `/oauth/token`.
    pub project: Option<&'a str>,
    /// The store of `/oauth/{projectKey}/in-store/key={storeKey}/…` paths.
    pub store: Option<&'a str>,
}

/// The answer for unknown, expired, revoked or foreign refresh tokens.
pub fn invalid_refresh_token() -> ApiError {
    ApiError::InvalidGrant("The refresh token is invalid, has expired or was revoked.".into())
}

/// The scopes of the refreshed token: the requested ones (each implied by the session's
/// grant scopes) or all of them, plus the session's identity scopes.
fn refreshed_scopes(stored: &str, requested: Option<&str>) -> ApiResult<String> {
    let held = Scope::parse_list(stored).map_err(|e| {
        tracing::error!(error = %e, "stored refresh token has a bad scope");
        ApiError::general()
    })?;
    let (grant, identity): (Vec<Scope>, Vec<Scope>) = held
        .into_iter()
        .partition(|s| matches!(s, Scope::Project { .. }));
    let mut out = match requested.filter(|r| !r.trim().is_empty()) {
        None => grant,
        Some(r) => {
            let wanted = Scope::parse_list(r).map_err(|e| ApiError::InvalidScope(e.to_string()))?;
            if let Some(s) = wanted
                .iter()
                .find(|s| !matches!(s, Scope::Project { .. }) || !s.implied_by(&grant))
            {
                return Err(ApiError::InvalidScope(format!(
                    "The scope '{s}' was not granted to this refresh token."
                )));
            }
            wanted
        }
    };
    out.extend(identity);
    Ok(scope_string(&out))
}

impl OAuthService {
    /// The refresh-token grant for an authenticated client.
    pub async fn refresh_grant(
        &self,
        client: &ClientRecord,
        refresh_token: &str,
        scope: Option<&str>,
        at: TokenEndpoint<'_>,
    ) -> ApiResult<TokenResponse> {
        let hash = sha256_hex(refresh_token);
        let (rec, version) = self
            .tokens
            .record(&hash)
            .await?
            .ok_or_else(invalid_refresh_token)?;
        let fits = rec.kind == TokenKind::Refresh
            && rec.client_id == client.id
            && rec.project == client.project
            && at.project.is_none_or(|p| p == rec.project)
            && at.store.is_none_or(|s| rec.store_key.as_deref() == Some(s));
        if !fits {
            return Err(invalid_refresh_token());
        }
        let now = self.clock.now_ms();
        if rec.expires_at <= now || !self.customer_still_there(&rec).await? {
            self.tokens.delete_doc(&hash).await;
            return Err(invalid_refresh_token());
        }
        let expires_in = access_expiry_secs(client, now);
        let access = TokenRecord {
            scopes: refreshed_scopes(&rec.scopes, scope)?,
            expires_at: now + expires_in * 1000,
            kind: TokenKind::Access,
            ..rec.clone()
        };
        let stamp = timestamp_of(now);
        let access_token = self.tokens.issue(&access, &stamp).await?;
        let extended = TokenRecord {
            expires_at: now.saturating_add(client.refresh_validity_secs.saturating_mul(1000)),
            ..rec
        };
        self.tokens.replace(&hash, &extended, version, &stamp).await;
        self.touch_client(client, now).await;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in,
            scope: access.scopes,
            // oauth.raml: the refresh grant answers a `TokenResponse`, which has no
            // `refresh_token`; the client keeps using the one it has.
            refresh_token: None,
        })
    }

    /// A customer session's customer must still exist and be visible in the session's store
    /// (anonymous sessions have none to check).
    async fn customer_still_there(&self, rec: &TokenRecord) -> ApiResult<bool> {
        let Some(id) = &rec.customer_id else {
            return Ok(true);
        };
        let found: Option<Customer> = self.repo.find(&rec.project, Lookup::Id(id)).await?;
        Ok(found.is_some_and(|c| c.visible_in(rec.store_key.as_deref())))
    }
}

#[cfg(test)]
mod tests {
    use super::refreshed_scopes;

    #[test]
    fn refresh_keeps_identity_and_at_most_the_granted_scopes() {
        let stored = "manage_my_profile:pk manage_my_orders:pk customer_id:c1";
        assert_eq!(refreshed_scopes(stored, None).unwrap(), stored);
        assert_eq!(
            refreshed_scopes(stored, Some("manage_my_orders:pk")).unwrap(),
            "manage_my_orders:pk customer_id:c1"
        );
        for bad in [
            "manage_project:pk",
            "customer_id:c2",
            "manage_my_profile:qk",
            "nope",
        ] {
            let e = refreshed_scopes(stored, Some(bad)).unwrap_err();
            assert_eq!(e.code(), "invalid_scope", "{bad}");
        }
    }
}
