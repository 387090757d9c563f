//! Revocation of customer sessions: the [`CustomerEvents`] that the customer service reports
//! to. A password change (admin or `/me/password`), a password reset, a deletion, and an update
//! that changes the credentials (`changeEmail`, `setAuthenticationMode`; issue 21 item 10)
//! revoke every access and refresh token of the customer — the caller's own token included, so that
//! every session must sign in again with the new password. On this instance the tokens are
//! refused at once (storage and cache); other instances' caches forget them within
//! [`TOKEN_CACHE_TTL_MS`](super::TOKEN_CACHE_TTL_MS), refresh tokens are refused everywhere
//! at once.

use std::sync::Arc;

use async_trait::async_trait;

use crate::customers::CustomerEvents;
use crate::error::ApiResult;

use super::tokens::TokenStore;
use super::OAuthService;

/// Revokes a customer's tokens when the customer service reports a password change or a
/// deletion.
pub(crate) struct SessionRevocation {
    tokens: Arc<TokenStore>,
}

#[async_trait]
impl CustomerEvents for SessionRevocation {
    async fn password_changed(&self, project: &str, customer_id: &str, _: bool) -> ApiResult<()> {
        self.tokens.revoke_customer(project, customer_id).await?;
        Ok(())
    }

    async fn customer_deleted(&self, project: &str, customer_id: &str) -> ApiResult<()> {
        self.tokens.revoke_customer(project, customer_id).await?;
        Ok(())
    }

    async fn credentials_changed(&self, project: &str, customer_id: &str) -> ApiResult<()> {
        self.tokens.revoke_customer(project, customer_id).await?;
        Ok(())
    }
}

impl OAuthService {
    /// The customer events that revoke sessions (wired into the customer service).
    pub fn customer_events(&self) -> Arc<dyn CustomerEvents> {
        Arc::new(SessionRevocation {
            tokens: self.tokens.clone(),
        })
    }

    /// Revoke every access and refresh token of a customer; returns how many.
    pub async fn revoke_customer(&self, project: &str, customer_id: &str) -> ApiResult<u64> {
        self.tokens.revoke_customer(project, customer_id).await
    }
}
