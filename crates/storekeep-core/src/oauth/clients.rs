//! Client secrets and client authentication. A secret is stored as an Argon2id hash in the
//! `ClientSecrets` collection (partition [`OAUTH_PARTITION`], id = client id, body = project
//! and hash), hashed and verified in the process's one Argon2 pool ([`Passwords`]), whose full
//! queue answers `OverCapacity` for known and unknown client ids alike. Verified `(client id,
//! SHA-256 of the secret, stored hash)` triples are cached (moka: at most
//! [`VERIFIED_CAPACITY`], each for [`VERIFIED_TTL`]) so that the token endpoint pays Argon2
//! once per client and secret and TTL, not on every call; the stored hash is read on every
//! authentication, so a changed secret or a deleted client takes effect at once on every
//! instance.

use std::time::Duration;

use moka::sync::Cache;
use serde::{Deserialize, Serialize};

use crate::api_clients::DEFAULT_REFRESH_VALIDITY_SECS;
use crate::api_clients::{load_client, ApiClient, DEFAULT_ACCESS_VALIDITY_SECS};
use crate::error::{ApiError, ApiResult};
use crate::password::Passwords;
use crate::resource::{storage_error, Repo};
use crate::scopes::Scope;
use crate::storage::{Collection, Doc, Lookup, Uniqueness};

use super::secret::{ct_eq, sha256_hex};
use super::OAUTH_PARTITION;

/// Most remembered verifications.
pub const VERIFIED_CAPACITY: u64 = 10_000;
/// How long a verification is remembered: after it, the next authentication of that client
/// pays Argon2 again. Only bounds memory and the life of the secret's SHA-256 in memory; a
/// changed secret is noticed at once anyway (the stored hash is compared on every call).
pub const VERIFIED_TTL: Duration = Duration::from_secs(600);

/// The stored secret of a client.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretRecord {
    project: String,
    hash: String,
}

/// An authenticated API client: what the token endpoint needs to issue tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    pub id: String,
    pub project: String,
    pub scopes: Vec<Scope>,
    pub access_validity_secs: i64,
    pub refresh_validity_secs: i64,
    /// When the client is deleted (epoch ms), if `deleteDaysAfterCreation` was set.
    pub delete_at_ms: Option<i64>,
    pub last_used_at: Option<String>,
}

/// The `invalid_client` answer for any authentication failure (one message, so it does not
/// tell an unknown client from a wrong secret).
pub fn invalid_client() -> ApiError {
    ApiError::InvalidClient(
        "Please provide valid client credentials using HTTP Basic Authentication.".into(),
    )
}

impl ClientRecord {
    fn from_client(c: ApiClient, project: &str) -> ApiResult<Self> {
        let scopes = Scope::parse_list(&c.scope).map_err(|e| {
            tracing::error!(error = %e, "stored api client has a bad scope");
            ApiError::general()
        })?;
        let delete_at_ms = c
            .delete_at
            .as_deref()
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
            .map(|d| d.timestamp_millis());
        Ok(ClientRecord {
            id: c.id,
            project: project.to_string(),
            scopes,
            access_validity_secs: c
                .access_token_validity_seconds
                .unwrap_or(DEFAULT_ACCESS_VALIDITY_SECS),
            refresh_validity_secs: c
                .refresh_token_validity_seconds
                .unwrap_or(DEFAULT_REFRESH_VALIDITY_SECS),
            delete_at_ms,
            last_used_at: c.last_used_at,
        })
    }
}

/// Client secrets and authentication.
pub(crate) struct ClientSecrets {
    repo: Repo,
    passwords: Passwords,
    /// Client id → (SHA-256 of the secret, stored hash it was verified against).
    verified: Cache<String, (String, String)>,
}

impl ClientSecrets {
    pub fn new(repo: Repo, passwords: Passwords) -> Self {
        ClientSecrets {
            repo,
            passwords,
            verified: Cache::builder()
                .max_capacity(VERIFIED_CAPACITY)
                .time_to_live(VERIFIED_TTL)
                .build(),
        }
    }

    async fn record(&self, id: &str) -> ApiResult<Option<(SecretRecord, i64)>> {
        let Some(doc) = self
            .repo
            .get_doc(Collection::ClientSecrets, OAUTH_PARTITION, Lookup::Id(id))
            .await?
        else {
            return Ok(None);
        };
        let rec = serde_json::from_str(&doc.body).map_err(|e| {
            tracing::error!(error = %e, "stored client secret does not decode");
            ApiError::general()
        })?;
        Ok(Some((rec, doc.version)))
    }

    /// The project of the client whose secret is stored under `id`.
    pub async fn project_of(&self, id: &str) -> ApiResult<Option<String>> {
        Ok(self.record(id).await?.map(|(r, _)| r.project))
    }

    /// Store the secret of a new client. A client id taken (in any project) → DuplicateField.
    pub async fn insert(&self, project: &str, id: &str, secret: &str, now: &str) -> ApiResult<()> {
        let hash = self.passwords.hash(secret).await?;
        let doc = secret_doc(project, id, &hash, 1, now)?;
        self.repo
            .storage()
            .insert(
                Collection::ClientSecrets,
                OAUTH_PARTITION,
                &doc,
                &Uniqueness::default(),
            )
            .await
            .map_err(|e| match e {
                crate::storage::StorageError::DuplicateKey => ApiError::duplicate("id", id),
                other => storage_error(other, id),
            })
    }

    /// Replace the secret of an existing client.
    pub async fn replace(&self, id: &str, secret: &str, now: &str) -> ApiResult<()> {
        let Some((rec, version)) = self.record(id).await? else {
            return Err(ApiError::not_found_id(id));
        };
        let hash = self.passwords.hash(secret).await?;
        let doc = secret_doc(&rec.project, id, &hash, version + 1, now)?;
        self.forget(id);
        self.repo
            .storage()
            .update(
                Collection::ClientSecrets,
                OAUTH_PARTITION,
                version,
                &doc,
                None,
            )
            .await
            .map_err(|e| storage_error(e, id))
    }

    /// Delete the secret of a client (no-op if there is none).
    pub async fn delete(&self, id: &str) -> ApiResult<()> {
        self.forget(id);
        let Some((_, version)) = self.record(id).await? else {
            return Ok(());
        };
        match self
            .repo
            .storage()
            .delete(Collection::ClientSecrets, OAUTH_PARTITION, id, version)
            .await
        {
            Ok(()) | Err(crate::storage::StorageError::NotFound) => Ok(()),
            Err(e) => Err(storage_error(e, id)),
        }
    }

    fn forget(&self, id: &str) {
        self.verified.invalidate(id);
    }

    fn known_good(&self, id: &str, secret_sha: &str, phc: &str) -> bool {
        self.verified
            .get(id)
            .is_some_and(|(sha, hash)| hash == phc && ct_eq(&sha, secret_sha))
    }

    fn remember(&self, id: &str, secret_sha: String, phc: String) {
        self.verified.insert(id.to_string(), (secret_sha, phc));
    }

    /// The stored record of `id` if `secret` matches it.
    async fn check(&self, id: &str, secret: &str) -> ApiResult<Option<SecretRecord>> {
        let Some((rec, _)) = self.record(id).await? else {
            // The work of a verification, so that response times do not tell which client
            // ids exist; a full queue answers OverCapacity here too, for the same reason.
            self.passwords.dummy_verify(secret).await?;
            return Ok(None);
        };
        let sha = sha256_hex(secret);
        if self.known_good(id, &sha, &rec.hash) {
            return Ok(Some(rec));
        }
        if self.passwords.verify(secret, &rec.hash).await? {
            self.remember(id, sha, rec.hash.clone());
            return Ok(Some(rec));
        }
        Ok(None)
    }

    /// Does `secret` match the stored secret of `id`?
    pub async fn matches(&self, id: &str, secret: &str) -> ApiResult<bool> {
        Ok(self.check(id, secret).await?.is_some())
    }

    /// Authenticate a client by id and secret; any failure is `invalid_client`.
    pub async fn authenticate(
        &self,
        id: &str,
        secret: &str,
        now_ms: i64,
    ) -> ApiResult<ClientRecord> {
        let rec = self.check(id, secret).await?.ok_or_else(invalid_client)?;
        let (client, _) = load_client(&self.repo, &rec.project, id)
            .await?
            .ok_or_else(invalid_client)?;
        let client = ClientRecord::from_client(client, &rec.project)?;
        if client.delete_at_ms.is_some_and(|d| d <= now_ms) {
            return Err(invalid_client());
        }
        Ok(client)
    }
}

fn secret_doc(project: &str, id: &str, hash: &str, version: i64, now: &str) -> ApiResult<Doc> {
    let body = serde_json::to_string(&SecretRecord {
        project: project.to_string(),
        hash: hash.to_string(),
    })
    .map_err(|_| ApiError::general())?;
    Ok(Doc {
        id: id.to_string(),
        key: None,
        version,
        created_at: now.to_string(),
        last_modified_at: now.to_string(),
        body,
        secret: None,
    })
}
