//! API clients as documents: the conversions and the few writes that both the API-client
//! service and the OAuth service need (API clients are not versioned on the wire; the
//! envelope version only guards concurrent writes).

use crate::error::{ApiError, ApiResult};
use crate::resource::{storage_error, Repo};
use crate::storage::{Collection, Doc, Lookup, StorageError, Uniqueness};

use super::ApiClient;

fn to_doc(c: &ApiClient, version: i64, modified: &str) -> ApiResult<Doc> {
    let body = serde_json::to_string(c).map_err(|e| {
        tracing::error!(error = %e, "cannot serialize api client");
        ApiError::general()
    })?;
    Ok(Doc {
        id: c.id.clone(),
        key: None,
        version,
        created_at: c.created_at.clone(),
        last_modified_at: modified.to_string(),
        body,
        secret: None,
    })
}

/// The stored client and its envelope version.
pub(crate) async fn load_client(
    repo: &Repo,
    project: &str,
    id: &str,
) -> ApiResult<Option<(ApiClient, i64)>> {
    let Some(doc) = repo
        .get_doc(Collection::ApiClients, project, Lookup::Id(id))
        .await?
    else {
        return Ok(None);
    };
    let client = serde_json::from_str(&doc.body).map_err(|e| {
        tracing::error!(error = %e, "stored api client does not decode");
        ApiError::general()
    })?;
    Ok(Some((client, doc.version)))
}

/// Insert a new client document.
pub(crate) async fn insert_client(repo: &Repo, project: &str, c: &ApiClient) -> ApiResult<()> {
    let doc = to_doc(c, 1, &c.created_at)?;
    repo.storage()
        .insert(
            Collection::ApiClients,
            project,
            &doc,
            &Uniqueness::default(),
        )
        .await
        .map_err(|e| match e {
            StorageError::DuplicateKey => ApiError::duplicate("id", &c.id),
            other => storage_error(other, &c.id),
        })
}

/// Delete a client document at a version.
pub(crate) async fn delete_client(
    repo: &Repo,
    project: &str,
    id: &str,
    version: i64,
) -> ApiResult<()> {
    repo.storage()
        .delete(Collection::ApiClients, project, id, version)
        .await
        .map_err(|e| storage_error(e, id))
}

/// Record the day of a token request in `lastUsedAt` (at most one write per client and day;
/// a lost race only means another request wrote the same day).
pub(crate) async fn touch_last_used(repo: &Repo, project: &str, id: &str, day: &str, now: &str) {
    let Ok(Some((mut client, version))) = load_client(repo, project, id).await else {
        return;
    };
    if client.last_used_at.as_deref() == Some(day) {
        return;
    }
    client.last_used_at = Some(day.to_string());
    let Ok(doc) = to_doc(&client, version + 1, now) else {
        return;
    };
    if let Err(e) = repo
        .storage()
        .update(Collection::ApiClients, project, version, &doc, None)
        .await
    {
        tracing::debug!(error = %e, "lastUsedAt not recorded");
    }
}
