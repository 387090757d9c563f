//! The anonymous session flow (auth.md §1): `POST /oauth/{projectKey}/anonymous/token` with
//! `grant_type=client_credentials` and an optional `anonymous_id`. The client needs
//! `create_anonymous_token:{projectKey}`; the token carries `anonymous_id:{id}` (generated
//! when not given) and a refresh token, the only way to another access token of that
//! session. An anonymous id already in use is refused with `AnonymousIdAlreadyInUse` ("the
//! anonymous ID is being used by another resource", docs.commercetools.com/api/errors): one
//! that a live token carries, so that one session cannot be joined by another client, and one
//! that any cart carries (whoever owns the cart now, in any state), so that a client cannot
//! mint a session for someone else's carts and read them through `/me/carts` (issue 21, F7).
//! Carts are the only resources of storekeep with an `anonymousId`; a customer who signed up
//! or in with one is covered by the carts handed to it, which keep the id.

use crate::carts::with_anonymous_id;
use crate::common::new_id;
use crate::error::{ApiError, ApiResult};
use crate::query::Query;
use crate::scopes::{grants, Perm};
use crate::storage::Collection;

use super::session::{check_project, session_scopes, SessionOwner};
use super::{ClientRecord, OAuthService, TokenResponse};

/// Longest anonymous id accepted (as any identity scope).
const MAX_ANONYMOUS_ID_LEN: usize = 256;

/// An anonymous id must fit in a scope string: 1 to 256 characters, no whitespace or control
/// characters.
fn check_anonymous_id(id: &str) -> ApiResult<()> {
    let ok = !id.is_empty()
        && id.chars().count() <= MAX_ANONYMOUS_ID_LEN
        && !id.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(ApiError::InvalidRequest(
            "The anonymous_id must have 1 to 256 characters and no whitespace.".into(),
        ))
    }
}

impl OAuthService {
    /// The anonymous-session grant for an authenticated client of `project`.
    pub async fn anonymous_grant(
        &self,
        client: &ClientRecord,
        project: &str,
        scope: Option<&str>,
        anonymous_id: Option<&str>,
    ) -> ApiResult<TokenResponse> {
        check_project(client, project)?;
        if !grants(&client.scopes, project, Perm::CreateAnonymousToken, None) {
            return Err(ApiError::InvalidScope(format!(
                "The client needs the scope 'create_anonymous_token:{project}' for anonymous sessions."
            )));
        }
        let scopes = session_scopes(client, scope, None)?;
        let id = match anonymous_id.filter(|a| !a.is_empty()) {
            Some(a) => {
                check_anonymous_id(a)?;
                if self.anonymous_id_in_use(project, a).await? {
                    return Err(ApiError::AnonymousIdAlreadyInUse(
                        "The given anonymous ID is already in use.".into(),
                    ));
                }
                a.to_string()
            }
            None => new_id(),
        };
        let owner = SessionOwner {
            customer_id: None,
            anonymous_id: Some(id),
            store_key: None,
        };
        self.issue_session(client, owner, &scopes).await
    }
}

impl OAuthService {
    /// Does a live token or any cart of `project` carry this anonymous id?
    async fn anonymous_id_in_use(&self, project: &str, anonymous_id: &str) -> ApiResult<bool> {
        let now = self.clock.now_ms();
        if self
            .tokens
            .anonymous_in_use(project, anonymous_id, now)
            .await?
        {
            return Ok(true);
        }
        let q = Query {
            filter: Some(with_anonymous_id(anonymous_id)),
            ..Query::all(1)
        };
        self.repo.exists(Collection::Carts, project, &q).await
    }
}

#[cfg(test)]
mod tests {
    use super::check_anonymous_id;

    #[test]
    fn anonymous_ids_fit_a_scope() {
        assert!(check_anonymous_id("device-42").is_ok());
        assert!(check_anonymous_id(&"a".repeat(256)).is_ok());
        for bad in ["", "a b", "a\tb", "a\u{7}b"] {
            assert!(check_anonymous_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_anonymous_id(&"a".repeat(257)).is_err());
    }
}
