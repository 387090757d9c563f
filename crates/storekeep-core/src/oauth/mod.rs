//! The OAuth 2.0 authorization server as domain services: client authentication, the
//! client-credentials grant, the customer sessions (password flow, anonymous sessions, refresh
//! tokens, their revocation, the sign-in throttle), bearer-token look-up (the [`Caller`] of a
//! request), introspection and revocation. It knows neither HTTP nor SQL: the HTTP layer
//! parses requests and renders the OAuth error bodies; storage goes through the generic port.
//!
//! Tokens and client secrets live in the partition [`OAUTH_PARTITION`] (not a valid project
//! key) because the token endpoint and the bearer check must find them before they know the
//! project. Expired tokens are refused at look-up and deleted by [`OAuthService::purge_expired`].

mod anonymous;
mod cache;
mod caller;
mod clients;
mod password_flow;
mod refresh;
mod revoke;
mod secret;
mod session;
mod throttle;
mod tokens;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::clock::{date_of, timestamp_of, Clock};
use crate::error::{ApiError, ApiResult};
use crate::password::Passwords;
use crate::resource::Repo;
use crate::scopes::{grants, insufficient_scope, scope_string, Perm, Scope};

pub use cache::TOKEN_CACHE_TTL_MS;
pub use caller::Caller;
pub use clients::{invalid_client, ClientRecord};
pub use password_flow::{invalid_customer_credentials, PasswordGrant};
pub use refresh::{invalid_refresh_token, TokenEndpoint};
pub use secret::{random_client_id, random_token, sha256_hex};
pub use session::{is_session_scope, SESSION_SCOPES};
pub use throttle::{SignInThrottle, ThrottleConfig};
pub use tokens::{invalid_token, TokenKind, TokenRecord};

/// The storage partition of tokens and client secrets.
pub const OAUTH_PARTITION: &str = "~oauth";

/// A token response (RFC 6749 §5.1). Its `Debug` hides the tokens.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// An introspection response: `{"active": false}` for unknown, expired or foreign tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntrospectResponse {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Expiry in epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// The OAuth services.
#[derive(Clone)]
pub struct OAuthService {
    repo: Repo,
    clock: Arc<dyn Clock>,
    secrets: Arc<clients::ClientSecrets>,
    tokens: Arc<tokens::TokenStore>,
}

impl OAuthService {
    /// The services over a repository, a clock and the process's Argon2 pool (client
    /// secrets are hashed and verified there).
    pub fn new(repo: Repo, clock: Arc<dyn Clock>, passwords: Passwords) -> Self {
        OAuthService {
            secrets: Arc::new(clients::ClientSecrets::new(repo.clone(), passwords)),
            tokens: Arc::new(tokens::TokenStore::new(repo.clone())),
            repo,
            clock,
        }
    }

    /// The same services hashing client secrets in another Argon2 pool (the verified-secret
    /// cache starts empty).
    pub fn with_passwords(mut self, passwords: Passwords) -> Self {
        self.secrets = Arc::new(clients::ClientSecrets::new(self.repo.clone(), passwords));
        self
    }

    /// Authenticate a client by id and secret (`invalid_client` on any failure).
    pub async fn authenticate_client(&self, id: &str, secret: &str) -> ApiResult<ClientRecord> {
        self.secrets
            .authenticate(id, secret, self.clock.now_ms())
            .await
    }

    /// The client-credentials grant: a token with the requested scopes (all of the client's
    /// if none are requested). Requested scopes must be well-formed and implied by the
    /// client's scopes, else `invalid_scope`.
    pub async fn client_credentials(
        &self,
        client: &ClientRecord,
        scope: Option<&str>,
    ) -> ApiResult<TokenResponse> {
        let scopes = granted_scopes(client, scope)?;
        let now = self.clock.now_ms();
        let expires_in = session::access_expiry_secs(client, now);
        let rec = TokenRecord {
            client_id: client.id.clone(),
            project: client.project.clone(),
            scopes: scope_string(&scopes),
            expires_at: now + expires_in * 1000,
            kind: TokenKind::Access,
            customer_id: None,
            anonymous_id: None,
            store_key: None,
        };
        let stamp = timestamp_of(now);
        let access_token = self.tokens.issue(&rec, &stamp).await?;
        self.touch_client(client, now).await;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in,
            scope: rec.scopes,
            refresh_token: None,
        })
    }

    /// Record the day of a token request as the client's `lastUsedAt` (once a day).
    async fn touch_client(&self, client: &ClientRecord, now: i64) {
        let day = date_of(now);
        if client.last_used_at.as_deref() != Some(day.as_str()) {
            crate::api_clients::touch_last_used(
                &self.repo,
                &client.project,
                &client.id,
                &day,
                &timestamp_of(now),
            )
            .await;
        }
    }

    /// The caller of a bearer token (`invalid_token` if unknown, expired or revoked).
    pub async fn caller(&self, token: &str) -> ApiResult<Arc<Caller>> {
        self.tokens.caller(token, self.clock.now_ms()).await
    }

    /// Introspect a token for an authenticated client holding `introspect_oauth_tokens` of
    /// its project. Tokens of other projects are reported inactive.
    pub async fn introspect(
        &self,
        client: &ClientRecord,
        token: &str,
    ) -> ApiResult<IntrospectResponse> {
        let perm = Perm::IntrospectOauthTokens;
        if !grants(&client.scopes, &client.project, perm, None) {
            return Err(insufficient_scope(&client.project, perm, None));
        }
        let inactive = IntrospectResponse {
            active: false,
            scope: None,
            exp: None,
            client_id: None,
        };
        match self.caller(token).await {
            Ok(c) if c.project == client.project => Ok(IntrospectResponse {
                active: true,
                scope: Some(scope_string(&c.scopes)),
                exp: Some(c.expires_at_ms),
                client_id: Some(c.client_id.clone()),
            }),
            Ok(_) | Err(ApiError::InvalidToken(_)) => Ok(inactive),
            Err(e) => Err(e),
        }
    }

    /// Revoke every token of a client.
    pub async fn revoke_client(&self, client_id: &str) -> ApiResult<u64> {
        self.tokens.revoke_client(client_id).await
    }

    /// Delete expired tokens, and expired sign-in throttle counters; returns how many tokens.
    pub async fn purge_expired(&self) -> ApiResult<u64> {
        let now = self.clock.now_ms();
        if let Err(e) = self.repo.storage().purge_counters(now).await {
            tracing::warn!(error = %e, "could not purge expired sign-in throttle counters");
        }
        self.tokens.purge_expired(now).await
    }

    pub(crate) fn secrets(&self) -> &clients::ClientSecrets {
        &self.secrets
    }
}

fn granted_scopes(client: &ClientRecord, scope: Option<&str>) -> ApiResult<Vec<Scope>> {
    let Some(requested) = scope.filter(|s| !s.trim().is_empty()) else {
        return Ok(client.scopes.clone());
    };
    let scopes = Scope::parse_list(requested).map_err(|e| ApiError::InvalidScope(e.to_string()))?;
    match scopes.iter().find(|s| !s.implied_by(&client.scopes)) {
        Some(s) => Err(ApiError::InvalidScope(format!(
            "The scope '{s}' is not granted to this client."
        ))),
        None => Ok(scopes),
    }
}
