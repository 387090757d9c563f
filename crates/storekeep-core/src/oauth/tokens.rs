//! Issued tokens: stored in the `OAuthTokens` collection (partition [`OAUTH_PARTITION`]) with
//! id = hex SHA-256 of the token; the token itself is never stored. Look-ups go through the
//! [`TokenCache`]; a token is refused once expired, once revoked, and once its client is gone.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::api_clients::load_client;
use crate::error::{ApiError, ApiResult};
use crate::query::{Base, CmpOp, FieldRef, Filter, Query, Scalar, ScalarKind, ValidFilter};
use crate::resource::{storage_error, Repo};
use crate::scopes::Scope;
use crate::storage::{Collection, Doc, Lookup, StorageError, Uniqueness};

use super::cache::TokenCache;
use super::secret::{random_token, sha256_hex};
use super::{Caller, OAUTH_PARTITION};

/// Page size of bulk deletes (revocation, purge).
const PAGE: u32 = 500;
/// Most pages one bulk delete works through.
const MAX_PAGES: usize = 1000;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenKind {
    Access,
    Refresh,
}

/// The stored body of a token document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRecord {
    pub client_id: String,
    pub project: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// Epoch milliseconds.
    pub expires_at: i64,
    pub kind: TokenKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_key: Option<String>,
}

/// The `invalid_token` answer for unknown, expired or revoked tokens.
pub fn invalid_token() -> ApiError {
    ApiError::InvalidToken("The access token is invalid, has expired or was revoked.".into())
}

fn field(name: &str, kind: ScalarKind) -> FieldRef {
    FieldRef {
        base: Base::Row,
        column: None,
        path: vec![name.to_string()],
        kind,
    }
}

/// `project = p AND {name} = value` over token bodies.
fn of_project(project: &str, name: &str, value: &str) -> Filter {
    let eq = |n: &str, v: &str| Filter::Cmp {
        field: field(n, ScalarKind::Text),
        op: CmpOp::Eq,
        value: Scalar::Text(v.to_string()),
    };
    Filter::And(vec![eq(name, value), eq("project", project)])
}

/// Token storage and look-up.
pub(crate) struct TokenStore {
    repo: Repo,
    cache: TokenCache,
}

impl TokenStore {
    pub fn new(repo: Repo) -> Self {
        TokenStore {
            repo,
            cache: TokenCache::default(),
        }
    }

    /// Store a new token; returns the token (shown to the client once).
    pub async fn issue(&self, rec: &TokenRecord, now: &str) -> ApiResult<String> {
        // Refresh tokens carry their project as a prefix, as the API's do
        // (`{projectKey}:…`, docs/DESIGN.md); 256 random bits follow. Tokens are looked up
        // by the hash of the whole value, so unprefixed ones issued before keep working.
        let token = match rec.kind {
            TokenKind::Refresh => format!("{}:{}", rec.project, random_token()),
            TokenKind::Access => random_token(),
        };
        let body = serde_json::to_string(rec).map_err(|_| ApiError::general())?;
        let doc = Doc {
            id: sha256_hex(&token),
            key: None,
            version: 1,
            created_at: now.to_string(),
            last_modified_at: now.to_string(),
            body,
            secret: None,
        };
        self.repo
            .storage()
            .insert(
                Collection::OAuthTokens,
                OAUTH_PARTITION,
                &doc,
                &Uniqueness::default(),
            )
            .await
            .map_err(|e| storage_error(e, ""))?;
        Ok(token)
    }

    /// The caller of an access token. Unknown, expired, revoked, refresh tokens, and tokens
    /// whose client no longer exists → `invalid_token`.
    pub async fn caller(&self, token: &str, now: i64) -> ApiResult<Arc<Caller>> {
        let hash = sha256_hex(token);
        if let Some(c) = self.cache.get(&hash, now) {
            return Ok(c);
        }
        let doc = self
            .repo
            .get_doc(Collection::OAuthTokens, OAUTH_PARTITION, Lookup::Id(&hash))
            .await?
            .ok_or_else(invalid_token)?;
        let rec: TokenRecord = serde_json::from_str(&doc.body).map_err(|e| {
            tracing::error!(error = %e, "stored token does not decode");
            ApiError::general()
        })?;
        if rec.kind != TokenKind::Access {
            return Err(invalid_token());
        }
        let client_gone = load_client(&self.repo, &rec.project, &rec.client_id)
            .await?
            .is_none();
        if rec.expires_at <= now || client_gone {
            self.delete_doc(&hash).await;
            return Err(invalid_token());
        }
        let scopes = Scope::parse_list(&rec.scopes).map_err(|e| {
            tracing::error!(error = %e, "stored token has a bad scope");
            ApiError::general()
        })?;
        let caller = Arc::new(Caller {
            client_id: rec.client_id,
            project: rec.project,
            scopes,
            expires_at_ms: rec.expires_at,
            customer_id: rec.customer_id,
            anonymous_id: rec.anonymous_id,
            store_key: rec.store_key,
        });
        self.cache.insert(hash, caller.clone(), now);
        Ok(caller)
    }

    /// The stored record of a token hash and its version (refresh tokens included; no
    /// expiry or client check).
    pub async fn record(&self, hash: &str) -> ApiResult<Option<(TokenRecord, i64)>> {
        let Some(doc) = self
            .repo
            .get_doc(Collection::OAuthTokens, OAUTH_PARTITION, Lookup::Id(hash))
            .await?
        else {
            return Ok(None);
        };
        let rec: TokenRecord = serde_json::from_str(&doc.body).map_err(|e| {
            tracing::error!(error = %e, "stored token does not decode");
            ApiError::general()
        })?;
        Ok(Some((rec, doc.version)))
    }

    /// Store `rec` over the token `hash` stored at `version` (a refresh token's new expiry).
    /// A concurrent change or deletion wins: the token is then left as it is.
    pub async fn replace(&self, hash: &str, rec: &TokenRecord, version: i64, now: &str) {
        let Ok(body) = serde_json::to_string(rec) else {
            return;
        };
        let doc = Doc {
            id: hash.to_string(),
            key: None,
            version: version + 1,
            created_at: now.to_string(),
            last_modified_at: now.to_string(),
            body,
            secret: None,
        };
        let r = self
            .repo
            .storage()
            .update(
                Collection::OAuthTokens,
                OAUTH_PARTITION,
                version,
                &doc,
                None,
            )
            .await;
        if let Err(e) = r {
            if !matches!(
                e,
                StorageError::NotFound | StorageError::VersionConflict { .. }
            ) {
                tracing::warn!(error = %e, "could not extend a refresh token");
            }
        }
    }

    pub(crate) async fn delete_doc(&self, hash: &str) {
        self.cache.remove(hash);
        let r = self
            .repo
            .storage()
            .delete(Collection::OAuthTokens, OAUTH_PARTITION, hash, 1)
            .await;
        if let Err(e) = r {
            if !matches!(
                e,
                StorageError::NotFound | StorageError::VersionConflict { .. }
            ) {
                tracing::warn!(error = %e, "could not delete a stale token");
            }
        }
    }

    /// Delete every token matching `filter`; returns how many were deleted.
    async fn delete_matching(&self, filter: Filter) -> ApiResult<u64> {
        let q = Query {
            filter: Some(ValidFilter::from_filter(filter)),
            ..Query::all(PAGE)
        };
        let mut deleted = 0u64;
        for _ in 0..MAX_PAGES {
            let page = self
                .repo
                .storage()
                .query(Collection::OAuthTokens, OAUTH_PARTITION, &q)
                .await
                .map_err(|e| storage_error(e, ""))?;
            let n = page.docs.len();
            for doc in page.docs {
                self.delete_doc(&doc.id).await;
                deleted += 1;
            }
            if n < PAGE as usize {
                break;
            }
        }
        Ok(deleted)
    }

    /// Revoke every token of a client (storage and this instance's cache).
    pub async fn revoke_client(&self, client_id: &str) -> ApiResult<u64> {
        self.cache.remove_client(client_id);
        let n = self
            .delete_matching(Filter::Cmp {
                field: field("clientId", ScalarKind::Text),
                op: CmpOp::Eq,
                value: Scalar::Text(client_id.to_string()),
            })
            .await;
        self.cache.remove_client(client_id);
        n
    }

    /// Revoke every access and refresh token of a customer of `project` (storage and this
    /// instance's cache; other instances' caches forget them within the cache TTL).
    pub async fn revoke_customer(&self, project: &str, customer_id: &str) -> ApiResult<u64> {
        self.cache.remove_customer(project, customer_id);
        let n = self
            .delete_matching(of_project(project, "customerId", customer_id))
            .await;
        self.cache.remove_customer(project, customer_id);
        n
    }

    /// Does a live token (access or refresh) of `project` carry this anonymous id?
    pub async fn anonymous_in_use(
        &self,
        project: &str,
        anonymous_id: &str,
        now: i64,
    ) -> ApiResult<bool> {
        let live = Filter::Cmp {
            field: field("expiresAt", ScalarKind::Number),
            op: CmpOp::Gt,
            value: Scalar::Int(now),
        };
        let filter = match of_project(project, "anonymousId", anonymous_id) {
            Filter::And(mut all) => {
                all.push(live);
                Filter::And(all)
            }
            other => Filter::And(vec![other, live]),
        };
        let q = Query {
            filter: Some(ValidFilter::from_filter(filter)),
            ..Query::all(1)
        };
        let page = self
            .repo
            .storage()
            .query(Collection::OAuthTokens, OAUTH_PARTITION, &q)
            .await
            .map_err(|e| storage_error(e, ""))?;
        Ok(!page.docs.is_empty())
    }

    /// Delete tokens that expired before `now`.
    pub async fn purge_expired(&self, now: i64) -> ApiResult<u64> {
        self.delete_matching(Filter::Cmp {
            field: field("expiresAt", ScalarKind::Number),
            op: CmpOp::Le,
            value: Scalar::Int(now),
        })
        .await
    }
}
