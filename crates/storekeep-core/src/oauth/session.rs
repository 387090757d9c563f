//! Customer and anonymous sessions: which scopes their tokens may carry, and the access and
//! refresh token pair that the password and anonymous flows issue.
//!
//! A session token carries only *session scopes* — the customer's own data (`manage_my_*`)
//! and public catalog data — whatever else its API client holds, so that a shopper's token
//! can never reach other shoppers' data through an admin scope. The requested scopes (or, if
//! none are requested, the session scopes the client's scopes imply) must be held by the
//! client (`invalid_scope` otherwise); scopes that a session may not carry are left out of the
//! grant (RFC 6749 §3.3 allows a narrower grant; the response's `scope` tells which), and a
//! grant left empty is `invalid_scope`.

use crate::clock::timestamp_of;
use crate::error::{ApiError, ApiResult};
use crate::scopes::{scope_string, Scope, ScopeName};

use super::tokens::{TokenKind, TokenRecord};
use super::{invalid_client, ClientRecord, OAuthService, TokenResponse};

/// The scope names a session token may carry.
pub const SESSION_SCOPES: [&str; 9] = [
    "manage_my_profile",
    "manage_my_orders",
    "manage_my_shopping_lists",
    "manage_my_payments",
    "manage_my_quote_requests",
    "manage_my_quotes",
    "manage_my_business_units",
    "view_published_products",
    "view_categories",
];

/// May a session token carry this scope?
pub fn is_session_scope(s: &Scope) -> bool {
    matches!(s, Scope::Project { name, .. } if SESSION_SCOPES.contains(&name.as_str()))
}

/// The session scopes `client`'s scopes imply: each session scope of the project that they
/// imply project-wide, and their own store-scoped session scopes.
fn implied_session_scopes(client: &ClientRecord) -> Vec<Scope> {
    let mut out: Vec<Scope> = SESSION_SCOPES
        .iter()
        .filter_map(|n| ScopeName::parse(n))
        .map(|name| Scope::project_wide(name, &client.project))
        .filter(|s| s.implied_by(&client.scopes))
        .collect();
    for s in &client.scopes {
        let store_scoped = matches!(s, Scope::Project { store: Some(_), .. });
        if store_scoped && is_session_scope(s) && !s.implied_by(&out) {
            out.push(s.clone());
        }
    }
    out
}

/// The scopes of a new session token of `client` (for a session of `store`, store-scoped
/// scopes of other stores are left out).
pub(crate) fn session_scopes(
    client: &ClientRecord,
    requested: Option<&str>,
    store: Option<&str>,
) -> ApiResult<Vec<Scope>> {
    let candidates = match requested.filter(|r| !r.trim().is_empty()) {
        Some(r) => {
            let scopes = Scope::parse_list(r).map_err(|e| ApiError::InvalidScope(e.to_string()))?;
            if let Some(s) = scopes.iter().find(|s| !s.implied_by(&client.scopes)) {
                return Err(ApiError::InvalidScope(format!(
                    "The scope '{s}' is not granted to this client."
                )));
            }
            scopes
        }
        None => implied_session_scopes(client),
    };
    let fits = |s: &Scope| match (s, store) {
        (Scope::Project { store: Some(k), .. }, Some(path)) => k == path,
        _ => true,
    };
    let granted: Vec<Scope> = candidates
        .into_iter()
        .filter(|s| is_session_scope(s) && fits(s))
        .collect();
    if granted.is_empty() {
        return Err(ApiError::InvalidScope(format!(
            "No requested scope may be given to a customer session token; it needs one such as 'manage_my_profile:{}'.",
            client.project
        )));
    }
    Ok(granted)
}

/// The client must belong to the project of the token endpoint's path.
pub(crate) fn check_project(client: &ClientRecord, project: &str) -> ApiResult<()> {
    if client.project == project {
        Ok(())
    } else {
        Err(invalid_client())
    }
}

/// Whose session a token is.
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionOwner {
    pub customer_id: Option<String>,
    pub anonymous_id: Option<String>,
    pub store_key: Option<String>,
}

impl SessionOwner {
    /// The identity scopes of the owner (`customer_id:…`, `anonymous_id:…`).
    fn identity_scopes(&self) -> Vec<Scope> {
        let mut out = Vec::new();
        if let Some(id) = &self.customer_id {
            out.push(Scope::CustomerId(id.clone()));
        }
        if let Some(id) = &self.anonymous_id {
            out.push(Scope::AnonymousId(id.clone()));
        }
        out
    }
}

impl OAuthService {
    /// Issue a session's access token and refresh token. The refresh token's lifetime is the
    /// client's `refreshTokenValiditySeconds` (an inactivity timeout: each refresh extends it).
    pub(crate) async fn issue_session(
        &self,
        client: &ClientRecord,
        owner: SessionOwner,
        scopes: &[Scope],
    ) -> ApiResult<TokenResponse> {
        let now = self.clock.now_ms();
        let mut all = scopes.to_vec();
        all.extend(owner.identity_scopes());
        let expires_in = access_expiry_secs(client, now);
        let access = TokenRecord {
            client_id: client.id.clone(),
            project: client.project.clone(),
            scopes: scope_string(&all),
            expires_at: now + expires_in * 1000,
            kind: TokenKind::Access,
            customer_id: owner.customer_id,
            anonymous_id: owner.anonymous_id,
            store_key: owner.store_key,
        };
        let refresh = TokenRecord {
            kind: TokenKind::Refresh,
            expires_at: now.saturating_add(client.refresh_validity_secs.saturating_mul(1000)),
            ..access.clone()
        };
        let stamp = timestamp_of(now);
        let access_token = self.tokens.issue(&access, &stamp).await?;
        let refresh_token = self.tokens.issue(&refresh, &stamp).await?;
        self.touch_client(client, now).await;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in,
            scope: access.scopes,
            refresh_token: Some(refresh_token),
        })
    }
}

/// The lifetime of a new access token of `client` (seconds): its validity, but never beyond
/// the client's own deletion.
pub(crate) fn access_expiry_secs(client: &ClientRecord, now: i64) -> i64 {
    match client.delete_at_ms {
        Some(d) => client.access_validity_secs.min((d - now) / 1000).max(1),
        None => client.access_validity_secs,
    }
}
